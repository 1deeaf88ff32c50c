import type { DeployFunction } from "hardhat-deploy/types";
import { productTables } from "../config/roles";
import { productImplementationName } from "../scripts/lib/products";

/**
 * One implementation per product type (config/roles.ts `productTables`), each built with the alliance's
 * compliance pipeline and identity registry as immutables. Assets are proxies of these, issued by the
 * AssetFactory. Each implementation is also recorded in the OpenZeppelin upgrades manifest, so that
 * `product:upgrade` can check a new implementation's storage layout against the one assets run on.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const compliance = await hre.deployments.get("Compliance");
  const identity = await hre.deployments.get("IdentityRegistry");
  const constructorArgs = [compliance.address, identity.address];
  for (const product of Object.keys(productTables)) {
    if (!(await hre.artifacts.artifactExists(product))) continue;
    const implementation = await hre.deployments.deploy(productImplementationName(product), {
      contract: product,
      from: deployer,
      args: constructorArgs,
      log: true,
    });
    await hre.upgrades.forceImport(implementation.address, await hre.ethers.getContractFactory(product), {
      kind: "uups",
    });
  }
};

func.tags = ["products", "core"];
func.dependencies = ["compliance", "identity"];
export default func;
