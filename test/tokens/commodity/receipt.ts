import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CommodityReceipt, ICommodityReceiptLots } from "../../../typechain-types";
import { ProductType } from "../../../sdk/assets";
import { Claim, claimsOf } from "../../../sdk/claims";
import { encodeReceiptTerms, lotSpecTuple, type LotSpec } from "../../../sdk/products/commodity";
import { seatMember } from "../../../scripts/lib/members";
import { coreFixture } from "../../fixtures/core";
import { CHINA, FRANCE, issueAsset, type IssueOptions } from "../../fixtures/assets";
import { extraSigner } from "../../fixtures/security";
import { investorId } from "../../identity/helpers";

export const DAY = 86_400n;
export const COMMODITY = "CU-CATH-A";

/**
 * A copper-cathode receipt market issued through the factory by the fixture's issuer, with a verified bank (the
 * lender, CHINA), alice and bob (CHINA) and carol (FRANCE) registered, and a second custodian member (`depot`).
 * The market tracks quantities per wallet (`receiptFixture({ terms })` issues one that does not). The market's
 * block-list rule is on, with nothing listed. `receipt` is the receipt's main surface, `lots` the same address with the lot module's (ICommodityReceiptLots).
 */
export async function receiptFixture(options: IssueOptions = {}) {
  const { accounts, contracts } = await coreFixture();
  const [bank, depot] = await Promise.all([extraSigner("receipt bank"), extraSigner("receipt depot")]);
  await seatMember(contracts.members.connect(accounts.governor), depot.address, "Custodian", "Second Depot", {
    leiHash: ethers.id("LEI:second depot"),
  });
  const expiry = BigInt(await time.latest()) + 365n * DAY;
  const kyc = contracts.identity.connect(accounts.kycProvider);
  const claims = claimsOf([Claim.KYC, Claim.AML]);
  await kyc.registerInvestor(investorId("alice"), CHINA, claims, expiry, [accounts.alice.address]);
  await kyc.registerInvestor(investorId("bob"), CHINA, claims, expiry, [accounts.bob.address]);
  await kyc.registerInvestor(investorId("carol"), FRANCE, claims, expiry, [accounts.carol.address]);
  await kyc.registerInvestor(investorId("bank"), CHINA, claims, expiry, [bank.address]);
  const { asset } = await issueAsset(contracts.factory, accounts.issuer, {
    productType: ProductType.CommodityReceipt,
    terms: encodeReceiptTerms({
      commodityCode: COMMODITY,
      uri: "https://receipts.example/{id}",
      trackQuantities: true,
    }),
    instrument: { name: "Copper cathode, grade A", symbol: "CU-A" },
    ...options,
    // The block-list rule on (nothing listed): tests list countries to see a refusal.
    rules: { countryBlockList: true, ...options.rules },
  });
  const receipt = (await ethers.getContractAt("CommodityReceipt", asset)) as unknown as CommodityReceipt;
  const lots = (await ethers.getContractAt("ICommodityReceiptLots", asset)) as unknown as ICommodityReceiptLots;
  return { accounts, contracts, receipt, lots, asset, bank, depot };
}

/** A lot specification in `warehouse` (grade A copper, kg, one year of storage) with `overrides`. */
export async function specOf(warehouse: string, overrides: Partial<LotSpec> = {}) {
  return lotSpecTuple({
    commodityCode: COMMODITY,
    gradeHash: ethers.id("LME grade A"),
    unit: "kg",
    warehouse,
    locationCode: "CNSHA-B12",
    certificateHash: ethers.id("inspection 1"),
    storageExpiry: BigInt(await time.latest()) + 365n * DAY,
    ...overrides,
  });
}

/** Issues a lot of `quantity` in `custodian`'s warehouse to `owner`; returns its id. */
export async function issueLot(
  lots: ICommodityReceiptLots,
  custodian: HardhatEthersSigner,
  owner: string,
  quantity: bigint,
  overrides: Partial<LotSpec> = {},
): Promise<bigint> {
  const spec = await specOf(custodian.address, overrides);
  const id = await lots.connect(custodian).issueLot.staticCall(spec, quantity, owner);
  await (await lots.connect(custodian).issueLot(spec, quantity, owner)).wait();
  return id;
}
