import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../sdk/claims";
import { assetRules, countryName, describeRules, NO_RULES } from "../../sdk/rules";
import { coreFixture } from "../fixtures/core";

/** `rulesOf(asset)` as a plain object with the SDK's field types. */
async function stored(compliance: Awaited<ReturnType<typeof coreFixture>>["contracts"]["compliance"], asset: string) {
  const rules = await compliance.rulesOf(asset);
  return {
    requiredClaims: rules.requiredClaims,
    lockupUntil: Number(rules.lockupUntil),
    maxInvestors: Number(rules.maxInvestors),
    windowOpen: Number(rules.windowOpen),
    windowClose: Number(rules.windowClose),
    tradingDays: Number(rules.tradingDays),
    countryAllowList: rules.countryAllowList,
    countryBlockList: rules.countryBlockList,
    maxBalance: rules.maxBalance,
  };
}

describe("sdk/rules", function () {
  it("names the fields of ICompliance.AssetRules, in order", async function () {
    const abi = new ethers.Interface((await artifacts.readArtifact("ICompliance")).abi);
    const components = abi.getFunction("rulesOf")!.outputs[0].components!.map((component) => component.name);
    expect(Object.keys(NO_RULES)).to.deep.equal(components);
  });

  it("NO_RULES is what the pipeline holds for an unconfigured asset", async function () {
    const { contracts } = await loadFixture(coreFixture);
    expect(await stored(contracts.compliance, ethers.Wallet.createRandom().address)).to.deep.equal(NO_RULES);
  });

  it("assetRules turns on exactly the rules given, as configureAsset stores them", async function () {
    const { accounts, contracts } = await loadFixture(coreFixture);
    const asset = ethers.Wallet.createRandom().address;
    const rules = assetRules({
      requiredClaims: claimsOf([Claim.PROFESSIONAL]),
      maxInvestors: 200,
      countryAllowList: true,
    });
    expect(rules).to.deep.equal({
      ...NO_RULES,
      requiredClaims: claimsOf([Claim.PROFESSIONAL]),
      maxInvestors: 200,
      countryAllowList: true,
    });
    await contracts.compliance.connect(accounts.regulator).configureAsset(asset, rules);
    expect(await stored(contracts.compliance, asset)).to.deep.equal(rules);
    expect(assetRules()).to.deep.equal(NO_RULES);
    expect(assetRules()).to.not.equal(NO_RULES);
  });
});

describe("sdk/rules describeRules", function () {
  const none = { allowed: [], blocked: [] };
  const BASELINE = "Every holder must be a verified investor (registered, unexpired, with the baseline claims).";

  it("says only the baseline when no rule is on", function () {
    expect(describeRules(NO_RULES, none)).to.deep.equal([BASELINE]);
  });

  it("says each rule that is on, in words, with its countries and figures", function () {
    const rules = assetRules({
      requiredClaims: claimsOf([Claim.AML, Claim.PROFESSIONAL]),
      lockupUntil: Date.UTC(2027, 0, 1) / 1000,
      maxInvestors: 100,
      windowOpen: 9 * 3600 + 30 * 60,
      windowClose: 16 * 3600,
      tradingDays: 0b0011111,
      countryAllowList: true,
      countryBlockList: true,
      maxBalance: true,
    });
    const lines = describeRules(
      rules,
      { allowed: [344, 702], blocked: [408] },
      { maxBalance: 12_345n * 10n ** 2n, decimals: 2, externalRules: 2 },
    );
    expect(lines).to.deep.equal([
      BASELINE,
      "Recipients must also hold the claims AML, PROFESSIONAL.",
      "No transfer between holders before 2027-01-01 00:00 UTC.",
      "At most 100 investors may hold it.",
      "Trading from 09:30 UTC to 16:00 UTC on Monday, Tuesday, Wednesday, Thursday, Friday.",
      "Recipients must come from an allowed country: HK (344), SG (702).",
      "No party may come from a blocked country: KP (408).",
      "No investor may hold more than 12345.0 units.",
      "2 custom rule(s) are also asked.",
    ]);
  });

  it("says an empty country list is empty and uses the caller's formatters", function () {
    const lines = describeRules(
      assetRules({ countryAllowList: true, maxInvestors: 1000, lockupUntil: 1, maxBalance: true }),
      none,
      {
        maxBalance: 5n,
        decimals: 0,
        formatTime: (seconds) => `t${seconds}`,
        formatAmount: (amount) => `a${amount}`,
        formatCount: (n) => `n${n}`,
      },
    );
    expect(lines).to.include("Recipients must come from an allowed country: none listed yet.");
    expect(lines).to.include("No transfer between holders before t1.");
    expect(lines).to.include("At most n1000 investors may hold it.");
    expect(lines).to.include("No investor may hold more than a5 units.");
  });

  it("names countries by their ISO 3166-1 codes, unknown numbers as they are", function () {
    expect(countryName(344)).to.equal("HK (344)");
    expect(countryName(840)).to.equal("US (840)");
    expect(countryName(999)).to.equal("999");
  });
});
