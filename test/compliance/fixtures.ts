import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Compliance, ComplianceRuleMock, ComplianceSubjectMock } from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import { coreFixture } from "../fixtures/core";
import {
  type AssetRules,
  BASELINE,
  type CompliancePipelineContext,
  Country,
  DAY,
  INITIAL_BALANCE,
  NO_RULES,
  PROFESSIONAL,
} from "../behaviors/CompliancePipeline.behavior";

export const YEAR = 365 * DAY;

/**
 * The core, a ComplianceSubjectMock token configured with no rule, and the investors of
 * `CompliancePipelineContext`: alice (+ aliceSecond) and bob hold INITIAL_BALANCE, carol nothing, dave lacks AML,
 * stranger is unregistered.
 */
export async function complianceFixture() {
  const { accounts, contracts } = await coreFixture();
  const signers = await ethers.getSigners();
  const aliceSecond = signers[10];
  const dave = signers[11];
  const expiry = (await time.latest()) + 10 * YEAR;
  const identity = contracts.identity.connect(accounts.kycProvider);
  await identity.registerInvestor(ethers.id("alice"), Country.US, BASELINE | PROFESSIONAL, expiry, [
    accounts.alice.address,
    aliceSecond.address,
  ]);
  await identity.registerInvestor(ethers.id("bob"), Country.DE, BASELINE, expiry, [accounts.bob.address]);
  await identity.registerInvestor(ethers.id("carol"), Country.FR, BASELINE, expiry, [accounts.carol.address]);
  await identity.registerInvestor(ethers.id("dave"), Country.GB, claimsOf([Claim.KYC]), expiry, [dave.address]);

  const token = (await (
    await ethers.getContractFactory("ComplianceSubjectMock")
  ).deploy(await contracts.compliance.getAddress(), await contracts.identity.getAddress())) as ComplianceSubjectMock;
  const asset = await token.getAddress();
  await contracts.compliance.connect(accounts.regulator).configureAsset(asset, NO_RULES);
  // The exchange is a venue of the asset: it may halt it.
  await contracts.compliance.connect(accounts.regulator).setVenue(asset, accounts.exchange.address, true);
  await token.mint(accounts.alice.address, INITIAL_BALANCE);
  await token.mint(accounts.bob.address, INITIAL_BALANCE);
  const rule = (await (await ethers.getContractFactory("ComplianceRuleMock")).deploy(100n)) as ComplianceRuleMock;
  return { accounts, contracts, compliance: contracts.compliance, token, asset, rule, aliceSecond, dave };
}

export async function pipelineFixture(): Promise<CompliancePipelineContext> {
  const { accounts, contracts, token, asset, aliceSecond, dave } = await complianceFixture();
  return {
    compliance: contracts.compliance,
    identity: contracts.identity,
    asset,
    admin: accounts.regulator,
    supervisor: accounts.exchange,
    kycProvider: accounts.kycProvider,
    governor: accounts.governor,
    alice: accounts.alice,
    aliceSecond,
    bob: accounts.bob,
    carol: accounts.carol,
    dave,
    stranger: accounts.stranger,
    mint: (to, amount) => token.mint(to, amount),
    burn: (from, amount) => token.burn(from, amount),
    transfer: (from, to, amount) => token.connect(from).transfer(to, amount),
    holderCount: () => token.holderCount(),
    investorBalanceOf: (wallet) => token.investorBalanceOf(wallet),
    balanceOf: (wallet) => token.balanceOf(wallet),
    expectRefused: async (tx, code) => {
      await expect(tx).to.be.revertedWithCustomError(token, "ComplianceSubjectMockRestricted").withArgs(code);
    },
  };
}

/** Everything the views say about `asset`, to prove a rejected call changed nothing. */
export async function stateOf(compliance: Compliance, asset: string) {
  // Whether the first signers (the named exchange and regulator among them) are venues of the asset.
  const venueProbes = (await ethers.getSigners()).slice(0, 13).map((signer) => signer.address);
  const countries = [0, 1, Country.US, Country.DE, Country.FR, 255, 256, 999, 1000];
  return {
    configured: await compliance.isConfigured(asset),
    version: await compliance.configurationVersion(asset),
    rules: [...(await compliance.rulesOf(asset))],
    haltedUntil: await compliance.haltedUntil(asset),
    halt: [...(await compliance.haltOf(asset))],
    maxHaltDuration: await compliance.maxHaltDuration(),
    venues: await Promise.all(venueProbes.map((wallet) => compliance.isVenue(asset, wallet))),
    maxBalance: await compliance.maxBalanceOf(asset),
    externalRules: [...(await compliance.externalRulesOf(asset))],
    allowed: await Promise.all(countries.map((c) => compliance.isCountryAllowed(asset, c))),
    blocked: await Promise.all(countries.map((c) => compliance.isCountryBlocked(asset, c))),
  };
}

/** `rules` as `rulesOf` and the `AssetConfigured` event decode it. */
export function asTuple(rules: AssetRules) {
  return [
    rules.requiredClaims,
    BigInt(rules.lockupUntil),
    BigInt(rules.maxInvestors),
    BigInt(rules.windowOpen),
    BigInt(rules.windowClose),
    BigInt(rules.tradingDays),
    rules.countryAllowList,
    rules.countryBlockList,
    rules.maxBalance,
  ];
}
