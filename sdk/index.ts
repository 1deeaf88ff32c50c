/**
 * `@assetledger/sdk`: what dApps import. Needs ethers v6 and nothing else (no Hardhat). Each module is also a
 * subpath of the package (`@assetledger/sdk/errors`, `@assetledger/sdk/contracts`, …): import one to load less.
 *
 *   import { SettlementCoin__factory, addressBook, explainRevert } from "@assetledger/sdk";
 */
export * from "./addresses";
export * from "./assets";
export * from "./claims";
export * from "./contracts";
export * from "./countries";
export * from "./disclosure";
export * from "./errors";
export * from "./members";
export * from "./netting";
export * from "./register";
export * from "./restrictions";
export * from "./roles";
export * from "./rules";
export * from "./settlement";
export * from "./signatures";
export * from "./products/bond";
export * from "./products/equity";
export * from "./products/fund";
export * from "./products/loyalty";
