import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import { fundFixture, USD, type FundWorld } from "../../fixtures/fund";
import { extraSigner, KYC_AML } from "../../fixtures/security";

/**
 * Gas of the fund's lifecycle, issued through the factory, on the alliance's settlement coin (Eligible policy).
 * Bounds are the figures measured when written plus ≈ 5 %: a regression guard, not a target. A batch of 20
 * shows the marginal cost of one more request in a dealing batch.
 */
const BOUNDS = {
  "subscription request, new investor": 198_000n,
  "subscription request, repeat investor": 162_000n,
  "redemption request, first": 165_000n,
  "redemption request, repeat": 129_000n,
  "cancel subscription": 79_000n,
  "cancel redemption": 65_000n,
  // The administrator's calls include the authority's standing checks (issue 17: ≈ 4.9 k for two flag reads).
  postNav: 90_000n,
  "dealSubscriptions, 1 new holder": 213_000n,
  "dealSubscriptions, 20 new holders": 1_507_000n,
  "dealRedemptions, 1": 144_000n,
  "dealRedemptions, 20": 749_000n,
  depositCash: 91_000n,
  withdrawCash: 82_000n,
} as const;
type Label = keyof typeof BOUNDS;

const fixture = fundFixture();
const BATCH = 20;

/** The fund with `BATCH` more verified investors, each holding and having approved coin. */
async function crowdFixture(): Promise<FundWorld & { crowd: HardhatEthersSigner[] }> {
  const world = await loadFixture(fixture);
  const { fund, coin, identity } = world.contracts;
  const { kycProvider, issuer } = world.accounts;
  const crowd: HardhatEthersSigner[] = [];
  const expiry = (await time.latest()) + 10 * 365 * 86_400;
  for (let i = 0; i < BATCH; i++) {
    const investor = await extraSigner(`fund gas investor ${i}`);
    await identity
      .connect(kycProvider)
      .registerInvestor(ethers.id(`gas ${i}`), 250, KYC_AML, expiry, [investor.address]);
    await coin.connect(issuer).mint(investor.address, 100_000n * USD);
    await coin.connect(investor).approve(await fund.getAddress(), ethers.MaxUint256);
    crowd.push(investor);
  }
  return { ...world, crowd };
}

describe("Fund gas", function () {
  it("keeps every lifecycle step within its bound", async function () {
    const world = await loadFixture(crowdFixture);
    const { fund, coin } = world.contracts;
    const { alice, bob, administrator, issuer, custodian } = world.accounts;
    const used: Partial<Record<Label, bigint>> = {};
    const measure = async (label: Label, send: () => Promise<ContractTransactionResponse>) => {
      used[label] = (await (await send()).wait())!.gasUsed;
    };
    const lastId = () => fund.requestCount();

    await fund.connect(alice).requestSubscription(1_000n * USD); // the fund's first request: fresh counters
    await measure("subscription request, new investor", () => fund.connect(bob).requestSubscription(1_000n * USD));
    await measure("subscription request, repeat investor", () => fund.connect(alice).requestSubscription(1_000n * USD));
    for (const investor of world.crowd) await fund.connect(investor).requestSubscription(1_000n * USD);
    const { cutOff } = await fund.requestOf(1);
    await time.increaseTo(cutOff);
    await fund.connect(administrator).postNav(10n * USD, cutOff);
    await measure("dealSubscriptions, 1 new holder", () => fund.connect(administrator).dealSubscriptions([1]));
    await fund.connect(administrator).dealSubscriptions([2, 3]);
    const crowdIds = world.crowd.map((_, i) => BigInt(4 + i));
    await measure("dealSubscriptions, 20 new holders", () => fund.connect(administrator).dealSubscriptions(crowdIds));

    await measure("redemption request, first", () => fund.connect(alice).requestRedemption(10n * USD));
    const first = await lastId();
    await measure("redemption request, repeat", () => fund.connect(alice).requestRedemption(10n * USD));
    const redemptions: bigint[] = [];
    for (const investor of world.crowd) {
      await fund.connect(investor).requestRedemption(5n * USD);
      redemptions.push(await lastId());
    }
    await fund.connect(bob).requestSubscription(500n * USD);
    await measure("cancel subscription", async () => fund.connect(bob).cancelRequest(await lastId()));
    await fund.connect(bob).requestRedemption(1n * USD);
    await measure("cancel redemption", async () => fund.connect(bob).cancelRequest(await lastId()));

    const next = (await fund.requestOf(first)).cutOff;
    await time.increaseTo(next);
    await measure("postNav", () => fund.connect(administrator).postNav(11n * USD, next));
    await measure("dealRedemptions, 1", () => fund.connect(administrator).dealRedemptions([first]));
    await fund.connect(administrator).dealRedemptions([first + 1n]);
    await measure("dealRedemptions, 20", () => fund.connect(administrator).dealRedemptions(redemptions));
    await measure("depositCash", () => fund.connect(administrator).depositCash(100n * USD));
    await measure("withdrawCash", () => fund.connect(issuer).withdrawCash(custodian.address, 100n * USD));
    void coin;

    if (process.env.FUND_GAS_TABLE) console.table(used);
    for (const [label, bound] of Object.entries(BOUNDS) as [Label, bigint][]) {
      expect(label in used, `${label} was not measured`).to.equal(true);
      expect(used[label]! <= bound, `${label}: ${used[label]} gas > ${bound}`).to.equal(true);
    }
  });
});
