/**
 * The product types the platform deploys: each product contract's implementation is deployed once
 * (deploy/50_products.ts) and every asset of its type is a proxy of it issued by the AssetFactory. A product
 * whose lifecycle runs in a separate contract by delegatecall (to stay under EIP-170) names it: the lifecycle is
 * deployed first and passed as the implementation's third constructor argument, after the compliance pipeline
 * and the identity registry.
 */
import { ProductType } from "../sdk/assets";

export interface ProductDeployment {
  productType: ProductType;
  /** The lifecycle contract the implementation delegates to, if any. */
  lifecycle?: string;
  /**
   * The interface whose ABI, with the implementation's, is the asset's whole surface (functions a lifecycle runs
   * behind the implementation's fallback are only in the interface).
   */
  abi?: string;
  /**
   * The deployments the implementation's constructor takes, when not the default (the compliance pipeline, the
   * identity registry, the settlement engine and the lifecycle): a loyalty program takes the LoyaltyExchange.
   */
  constructorArgs?: string[];
}

export const products: Record<string, ProductDeployment> = {
  Equity: { productType: ProductType.Equity, lifecycle: "EquityLifecycle", abi: "IEquity" },
  Bond: { productType: ProductType.Bond, lifecycle: "BondLifecycle", abi: "IBond" },
  Fund: { productType: ProductType.Fund, lifecycle: "FundLifecycle", abi: "IFund" },
  // Launched by merchants through the factory's `issueLoyaltyProgram`, not `issue`.
  LoyaltyCredit: {
    productType: ProductType.LoyaltyCredit,
    abi: "ILoyaltyCredit",
    constructorArgs: ["LoyaltyExchange"],
  },
};
