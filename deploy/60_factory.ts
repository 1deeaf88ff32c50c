import type { DeployFunction } from "hardhat-deploy/types";
import { products } from "../config/products";
import { deployProxy } from "../scripts/lib/deploy";
import { productImplementationName } from "../scripts/lib/products";

/**
 * The AssetFactory (UUPS proxy), initialized with each deployed product implementation. Later implementations
 * are set through `setProductImplementation` (UPGRADER, with its delay): see the `product:upgrade` task. The
 * roles step grants it ASSET_FACTORY (config/roles.ts).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  const productTypes: number[] = [];
  const implementations: string[] = [];
  for (const [product, { productType }] of Object.entries(products)) {
    const implementation = await hre.deployments.getOrNull(productImplementationName(product));
    if (!implementation) continue;
    productTypes.push(productType);
    implementations.push(implementation.address);
  }
  const factory = await deployProxy(hre, "AssetFactory", {
    from: deployer,
    initializer: "initialize",
    args: [authority.address, productTypes, implementations],
  });
  const current = await hre.ethers.getContractAt("AssetFactory", factory.address);
  for (let i = 0; i < productTypes.length; i++) {
    if ((await current.productImplementation(productTypes[i])) !== implementations[i]) {
      hre.deployments.log(
        `AssetFactory: ${implementations[i]} is not yet the implementation of product type ${productTypes[i]}; ` +
          `run product:upgrade to validate and schedule it`,
      );
    }
  }
};
func.tags = ["factory", "core"];
func.dependencies = ["authority", "products"];
export default func;
