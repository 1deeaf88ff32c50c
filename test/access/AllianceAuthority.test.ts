import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { fundedWallet } from "../helpers/wallets";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Role } from "../../config/roles";
import { ProductType, productTarget } from "../../sdk/assets";
import { coreFixture } from "../fixtures/core";
import { callThroughAuthority } from "../helpers/authority";
import type { AllianceAuthority, AssetTargetMock } from "../../typechain-types";

const DAY = 86_400;

/**
 * The alliance authority: assets resolve to their product type's table, asset-scoped roles are held per asset,
 * and AccessManager's own semantics (delays, scheduling, closing) keep working on assets.
 */
describe("AllianceAuthority", function () {
  async function fixture() {
    const { accounts, contracts } = await coreFixture();
    const { authority } = contracts;
    // A stand-in for the AssetFactory contract, and a second issuer.
    const [factory, otherIssuer] = [await fundedWallet(), await fundedWallet()];
    await authority.connect(accounts.deployer).grantRole(Role.ASSET_FACTORY, factory.address, 0);
    const deploy = async () =>
      (await ethers.deployContract("AssetTargetMock", [await authority.getAddress()])) as unknown as AssetTargetMock;
    const [bondA, bondB, fundA, unregistered] = [await deploy(), await deploy(), await deploy(), await deploy()];
    const bondTarget = await authority.productTarget(ProductType.Bond);
    const fundTarget = await authority.productTarget(ProductType.Fund);
    const ping = bondA.interface.getFunction("ping").selector;
    const pong = bondA.interface.getFunction("pong").selector;
    const admin = authority.connect(accounts.deployer);
    // Bond: ping → ASSET_AGENT, pong → ASSET_ADMINISTRATOR. Fund: ping → UPGRADER (2-day delay), pong → GOVERNOR.
    await admin.setTargetFunctionRole(bondTarget, [ping], Role.ASSET_AGENT);
    await admin.setTargetFunctionRole(bondTarget, [pong], Role.ASSET_ADMINISTRATOR);
    await admin.setTargetFunctionRole(fundTarget, [ping], Role.UPGRADER);
    await admin.setTargetFunctionRole(fundTarget, [pong], Role.GOVERNOR);
    const asFactory = authority.connect(factory);
    await asFactory.registerAsset(bondA, ProductType.Bond, accounts.issuer.address);
    await asFactory.registerAsset(bondB, ProductType.Bond, otherIssuer.address);
    await asFactory.registerAsset(fundA, ProductType.Fund, accounts.issuer.address);
    return {
      accounts,
      authority,
      factory,
      otherIssuer,
      bondA,
      bondB,
      fundA,
      unregistered,
      bondTarget,
      fundTarget,
      ping,
      pong,
    };
  }

  let f: Awaited<ReturnType<typeof fixture>>;
  let authority: AllianceAuthority;
  let issuer: HardhatEthersSigner, alice: HardhatEthersSigner, bob: HardhatEthersSigner;
  let governor: HardhatEthersSigner, deployer: HardhatEthersSigner, stranger: HardhatEthersSigner;

  beforeEach(async function () {
    f = await loadFixture(fixture);
    ({ authority } = f);
    ({ issuer, alice, bob, governor, deployer, stranger } = f.accounts);
  });

  describe("productTarget", function () {
    it("is a fixed, distinct pseudo-address per product type, as the SDK computes it", async function () {
      const seen = new Set<string>();
      for (const type of [
        ProductType.Equity,
        ProductType.Bond,
        ProductType.Fund,
        ProductType.Option,
        ProductType.Future,
      ]) {
        const target = await authority.productTarget(type);
        expect(target).to.equal(productTarget(type));
        expect(await ethers.provider.getCode(target)).to.equal("0x");
        seen.add(target);
      }
      expect(seen.size).to.equal(5);
    });

    context("for ProductType.None", function () {
      it("reverts with AllianceAuthorityInvalidProductType", async function () {
        await expect(authority.productTarget(ProductType.None))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidProductType")
          .withArgs(ProductType.None);
      });
    });
  });

  describe("registerAsset", function () {
    it("registers the asset with its product type and issuer", async function () {
      const asset = f.unregistered;
      await expect(authority.connect(f.factory).registerAsset(asset, ProductType.Equity, alice.address))
        .to.emit(authority, "AssetRegistered")
        .withArgs(await asset.getAddress(), ProductType.Equity, alice.address);
      expect(await authority.productOf(asset)).to.equal(ProductType.Equity);
      expect(await authority.issuerOf(asset)).to.equal(alice.address);
      expect(await authority.hasAssetRole(asset, Role.ASSET_ISSUER, alice.address)).to.equal(true);
      expect(await authority.assetRolesOf(asset, alice.address)).to.equal(1n);
    });

    it("leaves unregistered addresses as they were", async function () {
      expect(await authority.productOf(f.unregistered)).to.equal(ProductType.None);
      expect(await authority.issuerOf(f.unregistered)).to.equal(ethers.ZeroAddress);
      expect(await authority.hasAssetRole(f.unregistered, Role.ASSET_ISSUER, ethers.ZeroAddress)).to.equal(false);
    });

    context("when the asset is already registered", function () {
      it("reverts with AllianceAuthorityAssetAlreadyRegistered and keeps its record", async function () {
        await expect(authority.connect(f.factory).registerAsset(f.bondA, ProductType.Fund, alice.address))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityAssetAlreadyRegistered")
          .withArgs(await f.bondA.getAddress(), ProductType.Bond);
        expect(await authority.productOf(f.bondA)).to.equal(ProductType.Bond);
        expect(await authority.issuerOf(f.bondA)).to.equal(issuer.address);
      });
    });

    for (const [name, asset] of [
      ["the zero address", () => ethers.ZeroAddress],
      ["the authority itself", () => authority.getAddress()],
    ] as const) {
      context(`when the asset is ${name}`, function () {
        it("reverts with AllianceAuthorityInvalidAsset", async function () {
          const address = await asset();
          await expect(authority.connect(f.factory).registerAsset(address, ProductType.Bond, alice.address))
            .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAsset")
            .withArgs(address);
          expect(await authority.productOf(address)).to.equal(ProductType.None);
        });
      });
    }

    context("when the product type is None", function () {
      it("reverts with AllianceAuthorityInvalidProductType", async function () {
        await expect(authority.connect(f.factory).registerAsset(f.unregistered, ProductType.None, alice.address))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidProductType")
          .withArgs(ProductType.None);
        expect(await authority.productOf(f.unregistered)).to.equal(ProductType.None);
      });
    });

    context("when the issuer is the zero address", function () {
      it("reverts with AllianceAuthorityInvalidAccount", async function () {
        await expect(authority.connect(f.factory).registerAsset(f.unregistered, ProductType.Bond, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAccount")
          .withArgs(ethers.ZeroAddress);
        expect(await authority.productOf(f.unregistered)).to.equal(ProductType.None);
      });
    });

    context("when the caller lacks ASSET_FACTORY", function () {
      it("reverts with AccessManagerUnauthorizedAccount", async function () {
        for (const caller of [issuer, governor, stranger]) {
          await expect(authority.connect(caller).registerAsset(f.unregistered, ProductType.Bond, caller.address))
            .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
            .withArgs(caller.address, Role.ASSET_FACTORY);
        }
        expect(await authority.productOf(f.unregistered)).to.equal(ProductType.None);
      });
    });
  });

  describe("resolution to the product target", function () {
    it("answers getTargetFunctionRole for an asset from its product type's table", async function () {
      expect(await authority.getTargetFunctionRole(f.bondA, f.ping)).to.equal(Role.ASSET_AGENT);
      expect(await authority.getTargetFunctionRole(f.bondB, f.pong)).to.equal(Role.ASSET_ADMINISTRATOR);
      expect(await authority.getTargetFunctionRole(f.fundA, f.ping)).to.equal(Role.UPGRADER);
      // An unregistered target keeps its own (empty) table: ADMIN.
      expect(await authority.getTargetFunctionRole(f.unregistered, f.ping)).to.equal(Role.ADMIN);
    });

    it("follows later changes of the product table for every asset of the type", async function () {
      await authority.connect(deployer).setTargetFunctionRole(f.bondTarget, [f.ping], Role.ASSET_ADMINISTRATOR);
      expect(await authority.getTargetFunctionRole(f.bondA, f.ping)).to.equal(Role.ASSET_ADMINISTRATOR);
      expect(await authority.getTargetFunctionRole(f.bondB, f.ping)).to.equal(Role.ASSET_ADMINISTRATOR);
    });

    it("answers getTargetAdminDelay for an asset from its product target", async function () {
      await authority.connect(deployer).setTargetAdminDelay(f.bondTarget, 3 * DAY);
      await time.increase(6 * DAY); // AccessManager's minimum setback
      expect(await authority.getTargetAdminDelay(f.bondA)).to.equal(3 * DAY);
      expect(await authority.getTargetAdminDelay(f.fundA)).to.equal(0);
    });

    context("when an admin sets a function role on a registered asset", function () {
      it("reverts with AllianceAuthorityAssetTarget and changes nothing", async function () {
        await expect(authority.connect(deployer).setTargetFunctionRole(f.bondA, [f.ping], Role.GOVERNOR))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityAssetTarget")
          .withArgs(await f.bondA.getAddress());
        expect(await authority.getTargetFunctionRole(f.bondA, f.ping)).to.equal(Role.ASSET_AGENT);
      });
    });

    context("when an admin sets the admin delay of a registered asset", function () {
      it("reverts with AllianceAuthorityAssetTarget", async function () {
        await expect(authority.connect(deployer).setTargetAdminDelay(f.bondA, DAY))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityAssetTarget")
          .withArgs(await f.bondA.getAddress());
        expect(await authority.getTargetAdminDelay(f.bondA)).to.equal(0);
      });
    });
  });

  describe("asset-scoped roles", function () {
    beforeEach(async function () {
      await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true);
      await authority.connect(f.otherIssuer).setAssetRole(f.bondB, Role.ASSET_AGENT, bob.address, true);
    });

    it("let an agent of the asset call a function mapped to ASSET_AGENT, immediately", async function () {
      expect(await authority.canCall(alice.address, f.bondA, f.ping)).to.deep.equal([true, 0n]);
      await expect(f.bondA.connect(alice).ping()).to.emit(f.bondA, "Pinged").withArgs(alice.address);
    });

    it("refuse an agent of another asset of the same product type", async function () {
      expect(await authority.canCall(bob.address, f.bondA, f.ping)).to.deep.equal([false, 0n]);
      await expect(f.bondA.connect(bob).ping())
        .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
        .withArgs(bob.address);
      await expect(f.bondB.connect(alice).ping())
        .to.be.revertedWithCustomError(f.bondB, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    it("refuse the issuer, the admin and every other account without the role on the asset", async function () {
      for (const caller of [issuer, deployer, governor, stranger, f.factory]) {
        await expect(f.bondA.connect(caller).ping())
          .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
          .withArgs(caller.address);
      }
    });

    it("keep the role to its own selectors: an agent is not an administrator", async function () {
      await expect(f.bondA.connect(alice).pong())
        .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    it("are answered for ASSET_ISSUER from the asset's record", async function () {
      await authority.connect(deployer).setTargetFunctionRole(f.bondTarget, [f.pong], Role.ASSET_ISSUER);
      await expect(f.bondA.connect(issuer).pong()).to.emit(f.bondA, "Ponged").withArgs(issuer.address);
      await expect(f.bondB.connect(issuer).pong())
        .to.be.revertedWithCustomError(f.bondB, "AccessManagedUnauthorized")
        .withArgs(issuer.address);
    });

    it("work through the authority's execute as well", async function () {
      const data = f.bondA.interface.encodeFunctionData("ping");
      await expect(authority.connect(alice).execute(f.bondA, data))
        .to.emit(f.bondA, "Pinged")
        .withArgs(await authority.getAddress());
      await expect(authority.connect(bob).execute(f.bondA, data))
        .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedCall")
        .withArgs(bob.address, await f.bondA.getAddress(), f.ping);
    });

    it("stop working once revoked", async function () {
      await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, false);
      await expect(f.bondA.connect(alice).ping())
        .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    context("when granted globally with grantRole", function () {
      it("gives no access to any registered asset (A3)", async function () {
        await authority.connect(deployer).grantRole(Role.ASSET_AGENT, stranger.address, 0);
        expect((await authority.hasRole(Role.ASSET_AGENT, stranger.address))[0]).to.equal(true);
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_AGENT, stranger.address)).to.equal(false);
        expect(await authority.canCall(stranger.address, f.bondA, f.ping)).to.deep.equal([false, 0n]);
        await expect(f.bondA.connect(stranger).ping())
          .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
          .withArgs(stranger.address);
      });

      it("keeps its AccessManager meaning on a target that is not a registered asset", async function () {
        const admin = authority.connect(deployer);
        await admin.setTargetFunctionRole(f.unregistered, [f.ping], Role.ASSET_AGENT);
        await admin.grantRole(Role.ASSET_AGENT, stranger.address, 0);
        await expect(f.unregistered.connect(stranger).ping()).to.emit(f.unregistered, "Pinged");
      });
    });
  });

  describe("setAssetRole", function () {
    context("when the asset's issuer sets an agent or administrator", function () {
      it("grants the role and emits AssetRoleSet", async function () {
        await expect(authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_ADMINISTRATOR, alice.address, true))
          .to.emit(authority, "AssetRoleSet")
          .withArgs(await f.bondA.getAddress(), Role.ASSET_ADMINISTRATOR, alice.address, true);
        await expect(authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true))
          .to.emit(authority, "AssetRoleSet")
          .withArgs(await f.bondA.getAddress(), Role.ASSET_AGENT, alice.address, true);
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_ADMINISTRATOR, alice.address)).to.equal(true);
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_AGENT, alice.address)).to.equal(true);
        expect(await authority.hasAssetRole(f.bondB, Role.ASSET_AGENT, alice.address)).to.equal(false);
        expect(await authority.assetRolesOf(f.bondA, alice.address)).to.equal(0b110n);
      });

      it("revokes the role and emits AssetRoleSet", async function () {
        await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true);
        await expect(authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, false))
          .to.emit(authority, "AssetRoleSet")
          .withArgs(await f.bondA.getAddress(), Role.ASSET_AGENT, alice.address, false);
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_AGENT, alice.address)).to.equal(false);
      });

      it("changes nothing and emits nothing when the account already is (or is not) a holder", async function () {
        await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true);
        await expect(
          authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true),
        ).not.to.emit(authority, "AssetRoleSet");
        await expect(
          authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_ADMINISTRATOR, alice.address, false),
        ).not.to.emit(authority, "AssetRoleSet");
        expect(await authority.assetRolesOf(f.bondA, alice.address)).to.equal(0b10n);
      });
    });

    context("when ASSET_FACTORY sets any asset-scoped role but ASSET_ISSUER", function () {
      it("grants it", async function () {
        for (const role of [Role.ASSET_AGENT, Role.ASSET_ADMINISTRATOR, 103n, 163n]) {
          await expect(authority.connect(f.factory).setAssetRole(f.bondB, role, alice.address, true))
            .to.emit(authority, "AssetRoleSet")
            .withArgs(await f.bondB.getAddress(), role, alice.address, true);
          expect(await authority.hasAssetRole(f.bondB, role, alice.address)).to.equal(true);
        }
        expect(await authority.assetRolesOf(f.bondB, alice.address)).to.equal((1n << 63n) | 0b1110n);
      });
    });

    context("when the issuer sets a role other than agent or administrator", function () {
      it("reverts with AccessManagerUnauthorizedAccount", async function () {
        for (const role of [Role.ASSET_ISSUER, 103n]) {
          await expect(authority.connect(issuer).setAssetRole(f.bondA, role, alice.address, true))
            .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
            .withArgs(issuer.address, Role.ASSET_FACTORY);
          expect(await authority.hasAssetRole(f.bondA, role, alice.address)).to.equal(false);
        }
      });
    });

    context("when the issuer of another asset sets a role", function () {
      it("reverts with AccessManagerUnauthorizedAccount", async function () {
        await expect(authority.connect(f.otherIssuer).setAssetRole(f.bondA, Role.ASSET_AGENT, bob.address, true))
          .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
          .withArgs(f.otherIssuer.address, Role.ASSET_FACTORY);
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_AGENT, bob.address)).to.equal(false);
      });
    });

    context("when an account that is neither the issuer nor ASSET_FACTORY sets a role", function () {
      it("reverts with AccessManagerUnauthorizedAccount", async function () {
        await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true);
        for (const caller of [alice, governor, deployer, stranger]) {
          await expect(authority.connect(caller).setAssetRole(f.bondA, Role.ASSET_AGENT, bob.address, true))
            .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
            .withArgs(caller.address, Role.ASSET_FACTORY);
        }
        expect(await authority.hasAssetRole(f.bondA, Role.ASSET_AGENT, bob.address)).to.equal(false);
      });
    });

    context("when the asset is not registered", function () {
      it("reverts with AllianceAuthorityUnknownAsset", async function () {
        await expect(authority.connect(f.factory).setAssetRole(f.unregistered, Role.ASSET_AGENT, alice.address, true))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityUnknownAsset")
          .withArgs(await f.unregistered.getAddress());
        expect(await authority.assetRolesOf(f.unregistered, alice.address)).to.equal(0n);
      });
    });

    context("when the role is ASSET_ISSUER or not asset-scoped", function () {
      it("reverts with AllianceAuthorityInvalidAssetRole", async function () {
        for (const role of [Role.ASSET_ISSUER, Role.GOVERNOR, 99n, 164n, Role.PUBLIC]) {
          await expect(authority.connect(f.factory).setAssetRole(f.bondA, role, alice.address, true))
            .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAssetRole")
            .withArgs(role);
        }
        expect(await authority.assetRolesOf(f.bondA, alice.address)).to.equal(0n);
        expect(await authority.issuerOf(f.bondA)).to.equal(issuer.address);
      });
    });

    context("when the account is the zero address", function () {
      it("reverts with AllianceAuthorityInvalidAccount", async function () {
        await expect(authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, ethers.ZeroAddress, true))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAccount")
          .withArgs(ethers.ZeroAddress);
        expect(await authority.assetRolesOf(f.bondA, ethers.ZeroAddress)).to.equal(0n);
      });
    });
  });

  describe("setAssetIssuer", function () {
    it("lets the governor replace the issuer, who appoints the asset's agents from then on", async function () {
      await expect(authority.connect(governor).setAssetIssuer(f.bondA, f.otherIssuer.address))
        .to.emit(authority, "AssetIssuerChanged")
        .withArgs(await f.bondA.getAddress(), issuer.address, f.otherIssuer.address);
      expect(await authority.issuerOf(f.bondA)).to.equal(f.otherIssuer.address);
      expect(await authority.hasAssetRole(f.bondA, Role.ASSET_ISSUER, issuer.address)).to.equal(false);
      await expect(authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true))
        .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
        .withArgs(issuer.address, Role.ASSET_FACTORY);
      await expect(
        authority.connect(f.otherIssuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true),
      ).to.emit(authority, "AssetRoleSet");
    });

    it("emits nothing when the issuer is unchanged", async function () {
      await expect(authority.connect(governor).setAssetIssuer(f.bondA, issuer.address)).not.to.emit(
        authority,
        "AssetIssuerChanged",
      );
    });

    context("when the asset is not registered", function () {
      it("reverts with AllianceAuthorityUnknownAsset", async function () {
        await expect(authority.connect(governor).setAssetIssuer(f.unregistered, alice.address))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityUnknownAsset")
          .withArgs(await f.unregistered.getAddress());
        expect(await authority.issuerOf(f.unregistered)).to.equal(ethers.ZeroAddress);
      });
    });

    context("when the new issuer is the zero address", function () {
      it("reverts with AllianceAuthorityInvalidAccount", async function () {
        await expect(authority.connect(governor).setAssetIssuer(f.bondA, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(authority, "AllianceAuthorityInvalidAccount")
          .withArgs(ethers.ZeroAddress);
        expect(await authority.issuerOf(f.bondA)).to.equal(issuer.address);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      it("reverts with AccessManagerUnauthorizedAccount", async function () {
        for (const caller of [issuer, f.factory, stranger]) {
          await expect(authority.connect(caller).setAssetIssuer(f.bondA, caller.address))
            .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedAccount")
            .withArgs(caller.address, Role.GOVERNOR);
        }
        expect(await authority.issuerOf(f.bondA)).to.equal(issuer.address);
      });
    });
  });

  describe("closed targets", function () {
    beforeEach(async function () {
      await authority.connect(issuer).setAssetRole(f.bondA, Role.ASSET_AGENT, alice.address, true);
      await authority.connect(f.otherIssuer).setAssetRole(f.bondB, Role.ASSET_AGENT, bob.address, true);
    });

    context("when the product target is closed", function () {
      it("closes every asset of the type, and reopening restores them", async function () {
        await authority.connect(deployer).setTargetClosed(f.bondTarget, true);
        expect(await authority.isTargetClosed(f.bondA)).to.equal(true);
        expect(await authority.isTargetClosed(f.bondB)).to.equal(true);
        expect(await authority.isTargetClosed(f.fundA)).to.equal(false);
        await expect(f.bondA.connect(alice).ping())
          .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
          .withArgs(alice.address);
        await expect(f.bondB.connect(bob).ping())
          .to.be.revertedWithCustomError(f.bondB, "AccessManagedUnauthorized")
          .withArgs(bob.address);
        await authority.connect(deployer).setTargetClosed(f.bondTarget, false);
        await expect(f.bondA.connect(alice).ping()).to.emit(f.bondA, "Pinged");
      });
    });

    context("when one asset is closed", function () {
      it("closes that asset only", async function () {
        await authority.connect(deployer).setTargetClosed(f.bondA, true);
        expect(await authority.isTargetClosed(f.bondA)).to.equal(true);
        expect(await authority.isTargetClosed(f.bondB)).to.equal(false);
        await expect(f.bondA.connect(alice).ping())
          .to.be.revertedWithCustomError(f.bondA, "AccessManagedUnauthorized")
          .withArgs(alice.address);
        await expect(f.bondB.connect(bob).ping()).to.emit(f.bondB, "Pinged");
      });
    });

    context("when a function mapped to a non-asset-scoped role is called on a closed asset", function () {
      it("is refused too", async function () {
        await authority.connect(deployer).setTargetClosed(f.fundTarget, true);
        await expect(f.fundA.connect(governor).pong())
          .to.be.revertedWithCustomError(f.fundA, "AccessManagedUnauthorized")
          .withArgs(governor.address);
      });
    });
  });

  describe("non-asset-scoped roles on assets", function () {
    it("answer from global membership with no delay", async function () {
      expect(await authority.canCall(governor.address, f.fundA, f.pong)).to.deep.equal([true, 0n]);
      await expect(f.fundA.connect(governor).pong()).to.emit(f.fundA, "Ponged").withArgs(governor.address);
      await expect(f.fundA.connect(issuer).pong())
        .to.be.revertedWithCustomError(f.fundA, "AccessManagedUnauthorized")
        .withArgs(issuer.address);
    });

    it("keep the role's execution delay: the call must be scheduled and waited for", async function () {
      expect(await authority.canCall(governor.address, f.fundA, f.ping)).to.deep.equal([false, BigInt(2 * DAY)]);
      await expect(f.fundA.connect(governor).ping()).to.be.revertedWithCustomError(
        authority,
        "AccessManagerNotScheduled",
      );
      const data = f.fundA.interface.encodeFunctionData("ping");
      await authority.connect(governor).schedule(f.fundA, data, 0);
      await expect(authority.connect(governor).execute(f.fundA, data)).to.be.revertedWithCustomError(
        authority,
        "AccessManagerNotReady",
      );
      await time.increase(2 * DAY);
      await expect(authority.connect(governor).execute(f.fundA, data)).to.emit(f.fundA, "Pinged");
    });

    it("let a scheduled call be made directly on the asset once due", async function () {
      const data = f.fundA.interface.encodeFunctionData("ping");
      await authority.connect(governor).schedule(f.fundA, data, 0);
      await time.increase(2 * DAY);
      await expect(f.fundA.connect(governor).ping()).to.emit(f.fundA, "Pinged").withArgs(governor.address);
    });

    it("work with the shared callThroughAuthority helper", async function () {
      const data = f.fundA.interface.encodeFunctionData("ping");
      await expect(callThroughAuthority(authority, governor, await f.fundA.getAddress(), data)).to.emit(
        f.fundA,
        "Pinged",
      );
    });
  });
});
