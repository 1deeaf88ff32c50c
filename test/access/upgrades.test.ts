import { deployments, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../sdk/claims";
import { shouldBehaveLikeUpgradeable } from "../behaviors/upgradeable";
import { coreFixture } from "../fixtures/core";

describe("upgradeable core contracts", function () {
  shouldBehaveLikeUpgradeable("MemberRegistry", async () => {
    const { accounts, contracts } = await loadFixture(coreFixture);
    return {
      authority: contracts.authority,
      proxy: contracts.members,
      upgrader: accounts.governor,
      strangers: [accounts.stranger, accounts.kycProvider, accounts.regulator, accounts.deployer],
      snapshot: async () => [
        await contracts.members.memberCount(),
        await contracts.members.memberOf(accounts.kycProvider.address),
        await contracts.members.authority(),
      ],
    };
  });

  shouldBehaveLikeUpgradeable("IdentityRegistry", async () => {
    const { accounts, contracts } = await loadFixture(coreFixture);
    const expiry = (await ethers.provider.getBlock("latest"))!.timestamp + 86_400 * 365;
    await contracts.identity
      .connect(accounts.kycProvider)
      .registerInvestor(ethers.id("investor:alice"), 156, claimsOf([Claim.KYC, Claim.AML]), expiry, [
        accounts.alice.address,
      ]);
    return {
      authority: contracts.authority,
      proxy: contracts.identity,
      upgrader: accounts.governor,
      strangers: [accounts.stranger, accounts.kycProvider, accounts.regulator, accounts.deployer],
      snapshot: async () => [
        await contracts.identity.investorCount(),
        await contracts.identity.isVerified(accounts.alice.address),
        await contracts.identity.investorOf(accounts.alice.address),
        await contracts.identity.eligibilityStore(),
        await contracts.identity.baselineClaims(),
      ],
    };
  });

  shouldBehaveLikeUpgradeable("DisclosureSupervisor", async () => {
    const { accounts, contracts } = await loadFixture(coreFixture);
    const supervisor = await ethers.getContractAt(
      "DisclosureSupervisor",
      (await deployments.get("DisclosureSupervisor")).address,
    );
    return {
      authority: contracts.authority,
      proxy: supervisor,
      upgrader: accounts.governor,
      strangers: [accounts.stranger, accounts.exchange, accounts.regulator, accounts.deployer],
      snapshot: async () => [await supervisor.authority(), await supervisor.MAX_OBLIGATIONS()],
    };
  });

  shouldBehaveLikeUpgradeable("AssetFactory", async () => {
    const { accounts, contracts } = await loadFixture(coreFixture);
    return {
      authority: contracts.authority,
      proxy: contracts.factory,
      upgrader: accounts.governor,
      strangers: [accounts.stranger, accounts.issuer, accounts.regulator, accounts.deployer],
      snapshot: async () => [
        await contracts.factory.authority(),
        await contracts.factory.assetCount(),
        await contracts.factory.productImplementation(1),
        await contracts.factory.productImplementation(2),
        await contracts.factory.productImplementation(3),
      ],
    };
  });
});
