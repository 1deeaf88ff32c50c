import type { DeployFunction } from "hardhat-deploy/types";
import { productTables } from "../config/roles";
import { productImplementationName, productLogicContracts, productLogicName } from "../scripts/lib/products";

/**
 * One implementation per product type (config/roles.ts `productTables`), each built with the alliance's
 * compliance pipeline and identity registry as immutables. Assets are proxies of these, issued by the
 * AssetFactory. A product whose lifecycle runs in logic contracts of its own (`productLogicContracts`) gets them
 * deployed first and passed to its constructor after those two. Each implementation is also recorded in the OpenZeppelin upgrades manifest, so that
 * `product:upgrade` can check a new implementation's storage layout against the one assets run on.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const compliance = await hre.deployments.get("Compliance");
  const identity = await hre.deployments.get("IdentityRegistry");
  const constructorArgs = [compliance.address, identity.address];
  for (const product of Object.keys(productTables)) {
    if (!(await hre.artifacts.artifactExists(product))) continue;
    const logic: string[] = [];
    for (const name of productLogicContracts[product] ?? []) {
      const deployed = await hre.deployments.deploy(productLogicName(product, name), {
        contract: name,
        from: deployer,
        log: true,
      });
      logic.push(deployed.address);
    }
    const implementation = await hre.deployments.deploy(productImplementationName(product), {
      contract: product,
      from: deployer,
      args: [...constructorArgs, ...logic],
      log: true,
    });
    // The plugin re-derives the deployment to check the bytecode: it needs the constructor arguments, which its
    // option type for forceImport does not declare (it reads them all the same).
    const importOptions = { kind: "uups", constructorArgs: [...constructorArgs, ...logic] } as Parameters<
      typeof hre.upgrades.forceImport
    >[2];
    await hre.upgrades.forceImport(implementation.address, await hre.ethers.getContractFactory(product), importOptions);
  }
};

func.tags = ["products", "core"];
func.dependencies = ["compliance", "identity"];
export default func;
