/**
 * Issued assets: product types, the authority's product targets, and the factory's asset registry, for dApps,
 * the operator tasks and the tests.
 */
import { AbiCoder, decodeBytes32String, getAddress, keccak256, toUtf8Bytes, zeroPadBytes } from "ethers";

/** Mirror of contracts/types/ProductType.sol (values are stable). */
export enum ProductType {
  None = 0,
  Equity = 1,
  Bond = 2,
  Fund = 3,
  Option = 4,
  Future = 5,
  CommodityReceipt = 6,
  LoyaltyCredit = 7,
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

/**
 * A security code or ISIN as the instrument's `bytes12` (`ISecurityToken.Instrument.securityCode` and `isin`): the
 * text's UTF-8 bytes, right-padded with zeros ("600519" → 0x363030353139000000000000). Throws a RangeError for
 * text longer than 12 bytes.
 */
export function instrumentCode(text: string): string {
  const bytes = toUtf8Bytes(text);
  if (bytes.length > 12) throw new RangeError(`instrument code "${text}" is longer than 12 bytes`);
  return zeroPadBytes(bytes, 12);
}

/** The text an instrument's `bytes12` code holds (`instrumentCode` backwards; trailing zero bytes dropped). */
export function instrumentCodeText(code: string): string {
  return decodeBytes32String(zeroPadBytes(code, 32));
}
