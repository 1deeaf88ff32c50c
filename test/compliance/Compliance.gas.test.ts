import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ComplianceProbeMock } from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import { assetRules } from "../../sdk/rules";
import { coreFixture } from "../fixtures/core";
import { Restriction } from "../behaviors/CompliancePipeline.behavior";

const YEAR = 365 * 86_400;
const CHINA = 156;
const HONG_KONG = 344;

/**
 * The bench's rules (eligibility of both parties, a country allow-list, an investor cap, a lock-up that has ended)
 * on a ComplianceProbeMock asset, whose cap answers cost one storage read each as a token's do; alice and bob hold,
 * carol does not.
 */
async function benchFixture() {
  const { accounts, contracts } = await coreFixture();
  const { alice, bob, carol } = accounts;
  const now = await time.latest();
  const kyc = contracts.identity.connect(accounts.kycProvider);
  const claims = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
  await kyc.registerInvestor(ethers.id("alice"), CHINA, claims, now + YEAR, [alice.address]);
  await kyc.registerInvestor(ethers.id("bob"), HONG_KONG, claims, now + YEAR, [bob.address]);
  await kyc.registerInvestor(ethers.id("carol"), HONG_KONG, claims, now + YEAR, [carol.address]);
  const probe = (await (
    await ethers.getContractFactory("ComplianceProbeMock")
  ).deploy(await contracts.compliance.getAddress())) as ComplianceProbeMock;
  const asset = await probe.getAddress();
  const admin = contracts.compliance.connect(accounts.regulator);
  await admin.configureAsset(asset, assetRules({ lockupUntil: now + 60, maxInvestors: 100, countryAllowList: true }));
  await admin.setCountriesAllowed(asset, [CHINA, HONG_KONG], true);
  await probe.setHolding(2, alice.address, 1_000n);
  await probe.setHolding(2, bob.address, 1_000n);
  await time.increase(120);
  const first = await measure(probe, alice.address, bob.address, 0n, 0n, true);
  return { accounts, contracts, probe, fromMemo: first.newFromMemo, toMemo: first.newToMemo };
}

/** One `checkTransfer` from the probe, in a transaction of its own: the code, the memos and the gas it used. */
async function measure(
  probe: ComplianceProbeMock,
  from: string,
  to: string,
  fromMemo: bigint,
  toMemo: bigint,
  recipientHolds: boolean,
) {
  const receipt = await (await probe.probe(from, to, 1n, fromMemo, toMemo, recipientHolds)).wait();
  const { code, newFromMemo, newToMemo, gasUsed } = probe.interface.parseLog(receipt!.logs[0])!.args;
  return { code: Number(code), newFromMemo: newFromMemo as bigint, newToMemo: newToMemo as bigint, gas: gasUsed };
}

describe("Compliance gas (the bench's rules: eligibility, allow-list, investor cap, lock-up)", function () {
  it("checks a transfer between holders vouched for by memos in at most 12,800 gas, cold call included", async function () {
    const { accounts, probe, fromMemo, toMemo } = await loadFixture(benchFixture);
    const result = await measure(probe, accounts.alice.address, accounts.bob.address, fromMemo, toMemo, true);
    expect(result.code).to.equal(Restriction.None);
    expect([result.newFromMemo, result.newToMemo]).to.deep.equal([fromMemo, toMemo]);
    expect(result.gas).to.be.lessThanOrEqual(12_800n);
  });

  it("saves more than 10,000 gas over a check without memos", async function () {
    const { accounts, probe, fromMemo, toMemo } = await loadFixture(benchFixture);
    const { alice, bob } = accounts;
    const withMemos = await measure(probe, alice.address, bob.address, fromMemo, toMemo, true);
    const without = await measure(probe, alice.address, bob.address, 0n, 0n, true);
    expect(without.code).to.equal(Restriction.None);
    expect(without.gas - withMemos.gas).to.be.greaterThan(10_000n);
  });

  it("checks a transfer to a new holder with the sender's memo in at most 20,600 gas (the asset passes its holder count)", async function () {
    const { accounts, probe, fromMemo } = await loadFixture(benchFixture);
    const result = await measure(probe, accounts.alice.address, accounts.carol.address, fromMemo, 0n, false);
    expect(result.code).to.equal(Restriction.None);
    expect(result.newFromMemo).to.equal(fromMemo);
    expect(result.newToMemo).to.not.equal(0n);
    expect(result.gas).to.be.lessThanOrEqual(20_600n);
  });
});
