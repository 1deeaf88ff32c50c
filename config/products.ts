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
}

export const products: Record<string, ProductDeployment> = {
  Equity: { productType: ProductType.Equity },
  Bond: { productType: ProductType.Bond, lifecycle: "BondLifecycle" },
  Fund: { productType: ProductType.Fund, lifecycle: "FundLifecycle" },
};
