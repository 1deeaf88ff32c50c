import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../sdk/claims";
import { assetRules, NO_RULES } from "../../sdk/rules";
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
