import type { DeployFunction } from "hardhat-deploy/types";
import { products } from "../config/products";
import { productConstructorArgs, productImplementationName, recordImplementation } from "../scripts/lib/products";

/**
 * One implementation per product type (config/products.ts), each built with the alliance's compliance pipeline,
 * identity registry and settlement engine (and its lifecycle contract, if it has one) as immutables. Assets are proxies of these,
 * issued by the AssetFactory. Each implementation is also recorded in the OpenZeppelin upgrades manifest, so
 * that `product:upgrade` can check a new implementation's storage layout against the one assets run on.
 * Products whose contract is not in this build are left out.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  for (const [product, { lifecycle }] of Object.entries(products)) {
    if (!(await hre.artifacts.artifactExists(product))) continue;
    if (lifecycle) await hre.deployments.deploy(lifecycle, { from: deployer, args: [], log: true });
    const constructorArgs = await productConstructorArgs(hre, product);
    const implementation = await hre.deployments.deploy(productImplementationName(product), {
      contract: product,
      from: deployer,
      args: constructorArgs,
      log: true,
    });
    await recordImplementation(hre, implementation.address, product, constructorArgs);
  }
};
func.tags = ["products", "core"];
func.dependencies = ["compliance", "identity", "settlement", "loyalty"];
export default func;
