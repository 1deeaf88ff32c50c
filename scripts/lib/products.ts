import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { products } from "../../config/products";

/** The deployment name of a product type's implementation (deploy/50_products.ts), e.g. `Bond_Implementation`. */
export function productImplementationName(product: string): string {
  return `${product}_Implementation`;
}

/**
 * The constructor arguments of `product`'s implementation on this network: the compliance pipeline, the
 * identity registry, the settlement engine (deploy/35_settlement.ts, the notary of the token's holds) and, for
 * products with a lifecycle contract (config/products.ts), its deployment; or the deployments the product names
 * (`constructorArgs`).
 */
export async function productConstructorArgs(hre: HardhatRuntimeEnvironment, product: string): Promise<string[]> {
  const own = products[product]?.constructorArgs;
  if (own) return Promise.all(own.map(async (name) => (await hre.deployments.get(name)).address));
  const compliance = await hre.deployments.get("Compliance");
  const identity = await hre.deployments.get("IdentityRegistry");
  const settlement = await hre.deployments.get("Settlement");
  const args = [compliance.address, identity.address, settlement.address];
  const lifecycle = products[product]?.lifecycle;
  if (lifecycle) args.push((await hre.deployments.get(lifecycle)).address);
  return args;
}

/**
 * Records the deployed implementation at `address` (of contract `product`, built with `constructorArgs`) in the
 * OpenZeppelin upgrades manifest with its storage layout, so that later implementations can be validated
 * against it (`product:upgrade`).
 */
export async function recordImplementation(
  hre: HardhatRuntimeEnvironment,
  address: string,
  product: string,
  constructorArgs: unknown[],
): Promise<void> {
  // `forceImport` builds the deployment data, constructor arguments included, though its options type omits them.
  const options = { kind: "uups", constructorArgs } as Parameters<typeof hre.upgrades.forceImport>[2];
  await hre.upgrades.forceImport(address, await hre.ethers.getContractFactory(product), options);
}
