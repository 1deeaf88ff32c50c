/**
 * A commodity receipt market issued through the deployed AssetFactory (product type CommodityReceipt): one
 * ERC-1155 per commodity market, its compliance configured at issue. Shared by the bench (scripts/lib/receiptBench.ts)
 * and the demo (scripts/lib/receiptDemo.ts).
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { AssetFactory, CommodityReceipt, ICommodityReceiptLots } from "../../typechain-types";
import { ProductType, instrumentCode } from "../../sdk/assets";
import { assetRules, type AssetRules } from "../../sdk/rules";
import { encodeReceiptTerms } from "../../sdk/products/commodity";

export interface ReceiptMarketOptions {
  name: string;
  symbol: string;
  /** The instrument's security code (≤ 12 bytes). */
  code: string;
  commodityCode: string;
  jurisdiction: number;
  trackQuantities?: boolean;
  rules?: Partial<AssetRules>;
  allowedCountries?: number[];
}

/** Issues the market as `issuer` (an ISSUER member); returns its two faces (ERC-1155 + pledges, and lots). */
export async function issueReceiptMarket(factory: AssetFactory, issuer: Signer, options: ReceiptMarketOptions) {
  const request = {
    productType: ProductType.CommodityReceipt,
    instrument: {
      name: options.name,
      symbol: options.symbol,
      decimals: 0,
      securityCode: instrumentCode(options.code),
      isin: ethers.zeroPadBytes("0x", 12),
      jurisdiction: options.jurisdiction,
      issuer: ethers.ZeroAddress,
    },
    documents: [],
    terms: encodeReceiptTerms({
      commodityCode: options.commodityCode,
      uri: "https://receipts.example/{id}",
      trackQuantities: options.trackQuantities ?? false,
    }),
    agents: [],
    administrators: [],
    compliance: {
      rules: assetRules(options.rules ?? {}),
      allowedCountries: options.allowedCountries ?? [],
      blockedCountries: [],
      maxBalance: 0n,
    },
  };
  const asset = await factory.connect(issuer).issue.staticCall(request);
  await (await factory.connect(issuer).issue(request)).wait();
  const receipt = (await ethers.getContractAt("CommodityReceipt", asset)) as unknown as CommodityReceipt;
  const lots = (await ethers.getContractAt("ICommodityReceiptLots", asset)) as unknown as ICommodityReceiptLots;
  return { asset, receipt, lots };
}
