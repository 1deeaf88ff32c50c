/**
 * Issued assets: product types, the authority's product targets, and the factory's asset registry, for dApps,
 * the operator tasks and the tests.
 */
import { AbiCoder, getAddress, keccak256 } from "ethers";

/** Mirror of contracts/types/ProductType.sol (values are stable). */
export enum ProductType {
  None = 0,
  Equity = 1,
  Bond = 2,
  Fund = 3,
  Option = 4,
  Future = 5,
}

export type ProductTypeName = Exclude<keyof typeof ProductType, "None">;

/** Whether `name` names a product type (not `None`). */
export function isProductTypeName(name: string): name is ProductTypeName {
  return name !== "None" && typeof ProductType[name as ProductTypeName] === "number";
}

/** The product type named `name` (e.g. "Bond"), or an error listing the names. */
export function productTypeOf(name: string): ProductType {
  if (!isProductTypeName(name)) {
    const names = Object.keys(ProductType).filter((key) => isNaN(Number(key)) && key !== "None");
    throw new Error(`unknown product type ${name}: use one of ${names.join(", ")}`);
  }
  return ProductType[name];
}

/**
 * The pseudo-address the authority reads the permission table of every `productType` asset from, as
 * `AllianceAuthority.productTarget` computes it.
 */
export function productTarget(productType: ProductType): string {
  if (productType === ProductType.None) throw new Error("ProductType.None has no product target");
  const encoded = AbiCoder.defaultAbiCoder().encode(["string", "uint8"], ["assetledger.product", productType]);
  return getAddress("0x" + keccak256(encoded).slice(-40));
}
