import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Role } from "../../config/roles";
import { seatMember } from "../../scripts/lib/members";
import { document, extraSigner, securityFixture } from "../fixtures/security";
import { fundFixture } from "../fixtures/fund";

const REASON = ethers.id("issue 17: powers that end with membership");
const TERMS = document("terms");

/**
 * Powers that end with membership (IAllianceAuthority A5–A7, IMemberRegistry I4): suspending or removing the
 * issuing member ends its asset-scoped roles and those of every agent and administrator on its assets in the same
 * transaction; an agent that is itself a suspended member acts on no asset; reinstatement restores both;
 * governance hands the asset on with `setAssetIssuer`, which voids the previous tenure's appointments.
 */
describe("asset powers end with membership", function () {
  const world = securityFixture();

  async function fixture() {
    const w = await world();
    const { contracts, accounts } = w;
    const members = contracts.members.connect(accounts.governor);
    // A second issuing member, to take the asset over.
    const successor = await extraSigner("successor issuer");
    await seatMember(members, successor.address, "Issuer", "Successor Issuer plc");
    // The issuer also appoints an exchange member as an agent (the exchange is an active member).
    await contracts.authority
      .connect(accounts.issuer)
      .setAssetRole(contracts.token, Role.ASSET_AGENT, accounts.exchange.address, true);
    return { ...w, members, successor };
  }

  it("an active issuer and its agents act on the asset (the baseline)", async function () {
    const { contracts, accounts } = await loadFixture(fixture);
    await expect(contracts.security.connect(accounts.agent).mint(accounts.alice.address, 10n)).not.to.be.reverted;
    await expect(contracts.security.connect(accounts.exchange).mint(accounts.alice.address, 10n)).not.to.be.reverted;
    await expect(contracts.security.connect(accounts.issuer).setDocument(TERMS.name, TERMS.uri, TERMS.documentHash)).not
      .to.be.reverted;
  });

  context("when the issuer is suspended", function () {
    async function suspended() {
      const f = await loadFixture(fixture);
      await f.members.suspendMember(f.accounts.issuer.address, REASON);
      return f;
    }

    it("the authority flags the issuer in the same transaction (I4)", async function () {
      const { contracts, accounts, members } = await loadFixture(fixture);
      await expect(members.suspendMember(accounts.issuer.address, REASON))
        .to.emit(contracts.authority, "MemberSuspensionSet")
        .withArgs(accounts.issuer.address, true);
      expect(await contracts.authority.isMemberSuspended(accounts.issuer.address)).to.equal(true);
    });

    it("the issuer can no longer appoint an agent", async function () {
      const { contracts, accounts } = await suspended();
      const { authority } = contracts;
      await expect(
        authority.connect(accounts.issuer).setAssetRole(contracts.token, Role.ASSET_AGENT, accounts.bob.address, true),
      )
        .to.be.revertedWithCustomError(authority, "AllianceAuthoritySuspendedMember")
        .withArgs(accounts.issuer.address);
      expect(await authority.assetRolesOf(contracts.token, accounts.bob.address)).to.equal(0n);
    });

    it("its agents (members or not) can no longer mint, force-transfer, burn, freeze or pause", async function () {
      const { contracts, accounts } = await suspended();
      const token = contracts.security;
      for (const agent of [accounts.agent, accounts.exchange]) {
        const asAgent = token.connect(agent);
        const calls = [
          () => asAgent.mint(accounts.alice.address, 10n),
          () => asAgent.burn(accounts.alice.address, 1n),
          () => asAgent.forcedTransfer(accounts.alice.address, accounts.bob.address, 1n),
          () => asAgent.setAddressFrozen(accounts.alice.address, true),
          () => asAgent.pause(),
        ];
        for (const call of calls) {
          await expect(call())
            .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
            .withArgs(agent.address);
        }
        expect(await contracts.authority.hasAssetRole(token, Role.ASSET_AGENT, agent.address)).to.equal(false);
        // The appointment is still recorded: it returns with the issuer's reinstatement.
        expect(await contracts.authority.assetRolesOf(token, agent.address)).to.equal(2n);
      }
      expect(await token.balanceOf(accounts.alice.address)).to.equal(0n);
      expect(await token.paused()).to.equal(false);
    });

    it("the issuer can no longer use its own ASSET_ISSUER functions", async function () {
      const { contracts, accounts } = await suspended();
      const token = contracts.security;
      await expect(token.connect(accounts.issuer).setDocument(TERMS.name, TERMS.uri, TERMS.documentHash))
        .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
        .withArgs(accounts.issuer.address);
      expect(await contracts.authority.hasAssetRole(token, Role.ASSET_ISSUER, accounts.issuer.address)).to.equal(false);
      expect(await contracts.authority.issuerOf(token)).to.equal(accounts.issuer.address);
    });

    it("holders still transfer", async function () {
      const f = await loadFixture(fixture);
      await f.contracts.security.connect(f.accounts.agent).mint(f.accounts.alice.address, 10n);
      await f.members.suspendMember(f.accounts.issuer.address, REASON);
      await expect(f.contracts.security.connect(f.accounts.alice).transfer(f.accounts.bob.address, 3n)).not.to.be
        .reverted;
    });

    it("reinstatement restores the issuer and the agents it appointed", async function () {
      const { contracts, accounts, members } = await suspended();
      await expect(members.reinstateMember(accounts.issuer.address))
        .to.emit(contracts.authority, "MemberSuspensionSet")
        .withArgs(accounts.issuer.address, false);
      await expect(contracts.security.connect(accounts.agent).mint(accounts.alice.address, 10n)).not.to.be.reverted;
      await expect(contracts.security.connect(accounts.exchange).pause()).not.to.be.reverted;
      await expect(
        contracts.authority
          .connect(accounts.issuer)
          .setAssetRole(contracts.token, Role.ASSET_AGENT, accounts.bob.address, true),
      ).to.emit(contracts.authority, "AssetRoleSet");
    });

    it("governance hands the asset to a new issuer, and the old appointments lapse", async function () {
      const { contracts, accounts, successor } = await suspended();
      const { authority } = contracts;
      const token = contracts.security;
      await expect(authority.connect(accounts.governor).setAssetIssuer(token, successor.address))
        .to.emit(authority, "AssetIssuerChanged")
        .withArgs(await token.getAddress(), accounts.issuer.address, successor.address);
      expect(await authority.issuerTenureOf(token)).to.equal(1n);
      for (const agent of [accounts.agent, accounts.exchange]) {
        expect(await authority.assetRolesOf(token, agent.address)).to.equal(0n);
        await expect(token.connect(agent).mint(accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
          .withArgs(agent.address);
      }
      await expect(authority.connect(successor).setAssetRole(token, Role.ASSET_AGENT, accounts.bob.address, true))
        .to.emit(authority, "AssetRoleSet")
        .withArgs(await token.getAddress(), Role.ASSET_AGENT, accounts.bob.address, true);
      await expect(token.connect(accounts.bob).mint(accounts.alice.address, 5n)).not.to.be.reverted;
      await expect(token.connect(successor).setDocument(TERMS.name, TERMS.uri, TERMS.documentHash)).not.to.be.reverted;
      // The reinstated former issuer gets nothing back on an asset it no longer issues.
      await contracts.members.connect(accounts.governor).reinstateMember(accounts.issuer.address);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
        .withArgs(accounts.agent.address);
    });
  });

  context("when the issuer is removed", function () {
    it("its asset powers end, and return only if it is re-admitted", async function () {
      const { contracts, accounts, members } = await loadFixture(fixture);
      const token = contracts.security;
      await members.removeMember(accounts.issuer.address, REASON);
      expect(await contracts.authority.isMemberSuspended(accounts.issuer.address)).to.equal(true);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
        .withArgs(accounts.agent.address);
      await expect(members.admitMember(accounts.issuer.address, 2, "Example Issuer plc", ethers.id("LEI")))
        .to.emit(contracts.authority, "MemberSuspensionSet")
        .withArgs(accounts.issuer.address, false);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n)).not.to.be.reverted;
    });

    it("a suspended-then-removed issuer stays flagged", async function () {
      const { contracts, accounts, members } = await loadFixture(fixture);
      await members.suspendMember(accounts.issuer.address, REASON);
      await expect(members.removeMember(accounts.issuer.address, REASON)).not.to.emit(
        contracts.authority,
        "MemberSuspensionSet",
      );
      expect(await contracts.authority.isMemberSuspended(accounts.issuer.address)).to.equal(true);
    });
  });

  context("when an agent is itself a member and is suspended", function () {
    it("it acts on no asset while suspended, though its issuer is active; the non-member agent still acts", async function () {
      const { contracts, accounts, members } = await loadFixture(fixture);
      const token = contracts.security;
      await members.suspendMember(accounts.exchange.address, REASON);
      await expect(token.connect(accounts.exchange).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
        .withArgs(accounts.exchange.address);
      await expect(token.connect(accounts.agent).mint(accounts.alice.address, 1n)).not.to.be.reverted;
      await members.reinstateMember(accounts.exchange.address);
      await expect(token.connect(accounts.exchange).mint(accounts.alice.address, 1n)).not.to.be.reverted;
    });

    it("may be appointed while suspended, and acts only once reinstated; may be dismissed while suspended", async function () {
      const { contracts, accounts, members } = await loadFixture(fixture);
      const { authority } = contracts;
      const token = contracts.security;
      await members.suspendMember(accounts.custodian.address, REASON);
      await expect(
        authority
          .connect(accounts.issuer)
          .setAssetRole(contracts.token, Role.ASSET_AGENT, accounts.custodian.address, true),
      ).to.emit(authority, "AssetRoleSet");
      expect(await authority.hasAssetRole(token, Role.ASSET_AGENT, accounts.custodian.address)).to.equal(false);
      await expect(token.connect(accounts.custodian).mint(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(contracts.token, "AccessManagedUnauthorized")
        .withArgs(accounts.custodian.address);
      await members.reinstateMember(accounts.custodian.address);
      await expect(token.connect(accounts.custodian).mint(accounts.alice.address, 1n)).not.to.be.reverted;
      // Dismissing a suspended member's appointment is accepted: it does not come back on reinstatement.
      await members.suspendMember(accounts.exchange.address, REASON);
      await expect(
        authority
          .connect(accounts.issuer)
          .setAssetRole(contracts.token, Role.ASSET_AGENT, accounts.exchange.address, false),
      ).to.emit(authority, "AssetRoleSet");
      await members.reinstateMember(accounts.exchange.address);
      expect(await authority.hasAssetRole(token, Role.ASSET_AGENT, accounts.exchange.address)).to.equal(false);
    });
  });

  describe("setAssetIssuer", function () {
    it("refuses a suspended member as the new issuer and changes nothing", async function () {
      const { contracts, accounts, members, successor } = await loadFixture(fixture);
      const { authority } = contracts;
      await members.suspendMember(successor.address, REASON);
      await expect(authority.connect(accounts.governor).setAssetIssuer(contracts.token, successor.address))
        .to.be.revertedWithCustomError(authority, "AllianceAuthoritySuspendedMember")
        .withArgs(successor.address);
      expect(await authority.issuerOf(contracts.token)).to.equal(accounts.issuer.address);
      expect(await authority.issuerTenureOf(contracts.token)).to.equal(0n);
    });
  });

  describe("setMemberSuspended", function () {
    it("refuses the zero address", async function () {
      const { contracts, accounts } = await loadFixture(fixture);
      const { authority } = contracts;
      await authority.connect(accounts.deployer).grantRole(Role.MEMBERSHIP, accounts.deployer.address, 0);
      await expect(authority.connect(accounts.deployer).setMemberSuspended(ethers.ZeroAddress, true))
        .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAccount")
        .withArgs(ethers.ZeroAddress);
    });

    it("emits nothing when the flag is unchanged", async function () {
      const { contracts, accounts } = await loadFixture(fixture);
      const { authority } = contracts;
      await authority.connect(accounts.deployer).grantRole(Role.MEMBERSHIP, accounts.deployer.address, 0);
      await expect(authority.connect(accounts.deployer).setMemberSuspended(accounts.alice.address, false)).not.to.emit(
        authority,
        "MemberSuspensionSet",
      );
    });
  });

  context("on a fund whose issuer is suspended", function () {
    const fundWorld = fundFixture();

    it("the issuer can no longer set fees to itself or withdraw the fund's cash", async function () {
      const { contracts, accounts } = await loadFixture(fundWorld);
      const { fund } = contracts;
      await contracts.members.connect(accounts.governor).suspendMember(accounts.issuer.address, REASON);
      await expect(fund.connect(accounts.issuer).setFees(100, 100, accounts.issuer.address))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(accounts.issuer.address);
      await expect(fund.connect(accounts.issuer).withdrawCash(accounts.issuer.address, 1n))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(accounts.issuer.address);
      // Nor can the fund administrator it appointed deal.
      await expect(fund.connect(accounts.administrator).depositCash(1n))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(accounts.administrator.address);
    });
  });
});
