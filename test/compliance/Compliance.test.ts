import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Compliance, ComplianceSubjectMock } from "../../typechain-types";
import {
  type AssetRules,
  canTransferAs,
  Country,
  DAY,
  HOUR,
  MONDAY_TO_FRIDAY,
  NO_RULES,
  PROFESSIONAL,
  Restriction,
  Sentence,
  deploySuccessorPipeline,
  shouldBehaveLikeCompliancePipeline,
} from "../behaviors/CompliancePipeline.behavior";
import { Role } from "../../config/roles";
import { seatMember } from "../../scripts/lib/members";
import { fundedWallet } from "../helpers/wallets";
import { asTuple, complianceFixture, pipelineFixture, stateOf, YEAR } from "./fixtures";

const SOME_RULES: AssetRules = {
  requiredClaims: PROFESSIONAL,
  lockupUntil: 2_000_000_000,
  maxInvestors: 99,
  windowOpen: 8 * HOUR,
  windowClose: 20 * HOUR,
  tradingDays: MONDAY_TO_FRIDAY,
  countryAllowList: true,
  countryBlockList: true,
  maxBalance: true,
};

describe("Compliance", function () {
  describe("deployment", function () {
    it("reads the identity registry and its eligibility store", async function () {
      const { contracts } = await loadFixture(complianceFixture);
      expect(await contracts.compliance.identityRegistry()).to.equal(await contracts.identity.getAddress());
      expect(await contracts.compliance.eligibilityStore()).to.equal(await contracts.identity.eligibilityStore());
    });

    it("is governed by the alliance authority", async function () {
      const { contracts } = await loadFixture(complianceFixture);
      expect(await contracts.compliance.authority()).to.equal(await contracts.authority.getAddress());
    });

    it("allows at most 8 external rules per asset", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      expect(await compliance.MAX_EXTERNAL_RULES()).to.equal(8n);
    });

    it("starts with no asset configured", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      const asset = ethers.Wallet.createRandom().address;
      const state = await stateOf(compliance, asset);
      expect(state.configured).to.equal(false);
      expect(state.rules).to.deep.equal(asTuple(NO_RULES));
      expect(state.haltedUntil).to.equal(0n);
      expect(state.maxBalance).to.equal(0n);
      expect(state.externalRules).to.deep.equal([]);
      expect(state.allowed.some(Boolean) || state.blocked.some(Boolean)).to.equal(false);
    });
  });

  describe("configureAsset", function () {
    it("configures an asset and emits AssetConfigured", async function () {
      const { compliance, accounts } = await loadFixture(complianceFixture);
      const asset = ethers.Wallet.createRandom().address;
      await expect(compliance.connect(accounts.regulator).configureAsset(asset, SOME_RULES))
        .to.emit(compliance, "AssetConfigured")
        .withArgs(asset, asTuple(SOME_RULES));
      expect(await compliance.isConfigured(asset)).to.equal(true);
      expect([...(await compliance.rulesOf(asset))]).to.deep.equal(asTuple(SOME_RULES));
    });

    it("replaces the rules but keeps a halt in force and the external rules", async function () {
      const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
      const until = (await time.latest()) + DAY;
      await compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash);
      await compliance.connect(accounts.regulator).addExternalRule(asset, rule);
      await compliance.connect(accounts.regulator).configureAsset(asset, SOME_RULES);
      await expect(compliance.connect(accounts.regulator).configureAsset(asset, NO_RULES))
        .to.emit(compliance, "AssetConfigured")
        .withArgs(asset, asTuple(NO_RULES));
      expect([...(await compliance.rulesOf(asset))]).to.deep.equal(asTuple(NO_RULES));
      expect(await compliance.haltedUntil(asset)).to.equal(until);
      expect(await compliance.externalRulesOf(asset)).to.deep.equal([await rule.getAddress()]);
    });

    it("accepts an overnight window and any window when no trading day is set", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const overnight = { ...NO_RULES, windowOpen: 22 * HOUR, windowClose: 6 * HOUR, tradingDays: 0b1111111 };
      await compliance.connect(accounts.regulator).configureAsset(asset, overnight);
      expect([...(await compliance.rulesOf(asset))]).to.deep.equal(asTuple(overnight));
      const ignored = { ...NO_RULES, windowOpen: 5 * HOUR, windowClose: 5 * HOUR, tradingDays: 0 };
      await compliance.connect(accounts.regulator).configureAsset(asset, ignored);
      expect([...(await compliance.rulesOf(asset))]).to.deep.equal(asTuple(ignored));
    });

    it("packs the configuration, the halt and the version into one storage slot", async function () {
      const { compliance, accounts } = await loadFixture(complianceFixture);
      const asset = ethers.Wallet.createRandom().address;
      const rules: AssetRules = {
        requiredClaims: 0xfedcba9876543210n,
        lockupUntil: 0xa1a2a3a4a5,
        maxInvestors: 0xb1b2b3b4,
        windowOpen: 86_399,
        windowClose: 1,
        tradingDays: 0x7f,
        countryAllowList: true,
        countryBlockList: false,
        maxBalance: true,
      };
      await compliance.connect(accounts.regulator).configureAsset(asset, rules);
      await compliance.connect(accounts.regulator).configureAsset(asset, rules);
      const until = 0xc1c2c3c4c5n;
      await compliance.connect(accounts.regulator).imposeHalt(asset, until, ethers.ZeroHash);
      // Slot 0 holds AccessManaged's authority and flag; `_configs` is the first mapping of Compliance (slot 1).
      const slot = BigInt(
        ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [asset, 1])),
      );
      const flags = 0b1011n; // configured | allow-list | per-investor cap; no external rule
      const version = 2n; // two configuration writes; the halt does not count
      const expected =
        rules.requiredClaims |
        (BigInt(rules.lockupUntil) << 64n) |
        (until << 104n) |
        (BigInt(rules.maxInvestors) << 144n) |
        (BigInt(rules.windowOpen) << 176n) |
        (BigInt(rules.windowClose) << 200n) |
        (BigInt(rules.tradingDays) << 224n) |
        (flags << 232n) |
        (version << 240n);
      const address = await compliance.getAddress();
      expect(BigInt(await ethers.provider.getStorage(address, slot))).to.equal(expected);
      expect(BigInt(await ethers.provider.getStorage(address, slot + 1n))).to.equal(0n);
    });

    context("when the asset is the zero address", function () {
      it("reverts with ComplianceInvalidAsset", async function () {
        const { compliance, accounts } = await loadFixture(complianceFixture);
        await expect(compliance.connect(accounts.regulator).configureAsset(ethers.ZeroAddress, NO_RULES))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidAsset")
          .withArgs(ethers.ZeroAddress);
        expect(await compliance.isConfigured(ethers.ZeroAddress)).to.equal(false);
      });
    });

    context("when the trading window is invalid", function () {
      const invalid: [string, Partial<AssetRules>][] = [
        ["the opening is not a time of day", { windowOpen: DAY, windowClose: HOUR, tradingDays: 1 }],
        ["the close is not a time of day", { windowOpen: HOUR, windowClose: DAY, tradingDays: 1 }],
        ["the opening equals the close", { windowOpen: HOUR, windowClose: HOUR, tradingDays: 1 }],
        ["the trading days have a bit beyond Sunday", { windowOpen: HOUR, windowClose: 2 * HOUR, tradingDays: 128 }],
      ];
      for (const [when, window] of invalid) {
        it(`reverts with ComplianceInvalidTradingWindow when ${when}`, async function () {
          const { compliance, accounts, asset } = await loadFixture(complianceFixture);
          const rules = { ...NO_RULES, ...window };
          const before = await stateOf(compliance, asset);
          await expect(compliance.connect(accounts.regulator).configureAsset(asset, rules))
            .to.be.revertedWithCustomError(compliance, "ComplianceInvalidTradingWindow")
            .withArgs(rules.windowOpen, rules.windowClose, rules.tradingDays);
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });
      }
    });
  });

  describe("configureNewAsset", function () {
    /** The compliance fixture with `factory` holding ASSET_FACTORY (the AssetFactory contract's role). */
    async function factoryFixture() {
      const f = await complianceFixture();
      const factory = f.accounts.custodian;
      await f.contracts.authority.connect(f.accounts.deployer).grantRole(Role.ASSET_FACTORY, factory.address, 0);
      return { ...f, factory, newAsset: ethers.Wallet.createRandom().address };
    }

    it("configures rules, lists and cap in one call, emitting what the separate calls emit", async function () {
      const { compliance, factory, newAsset } = await loadFixture(factoryFixture);
      const tx = compliance
        .connect(factory)
        .configureNewAsset(newAsset, SOME_RULES, [Country.US, Country.DE, 999], [Country.FR], 5_000n);
      await expect(tx).to.emit(compliance, "AssetConfigured").withArgs(newAsset, asTuple(SOME_RULES));
      for (const country of [Country.US, Country.DE, 999]) {
        await expect(tx).to.emit(compliance, "CountryAllowListChanged").withArgs(newAsset, country, true);
      }
      await expect(tx).to.emit(compliance, "CountryBlockListChanged").withArgs(newAsset, Country.FR, true);
      await expect(tx).to.emit(compliance, "MaxBalanceSet").withArgs(newAsset, 5_000n);
      const state = await stateOf(compliance, newAsset);
      expect(state.configured).to.equal(true);
      expect(state.version).to.equal(1n);
      expect(state.rules).to.deep.equal(asTuple(SOME_RULES));
      expect(state.maxBalance).to.equal(5_000n);
      expect(state.haltedUntil).to.equal(0n);
      expect(state.externalRules).to.deep.equal([]);
      for (const country of [Country.US, Country.DE, 999]) {
        expect(await compliance.isCountryAllowed(newAsset, country)).to.equal(true);
      }
      expect(await compliance.isCountryAllowed(newAsset, Country.FR)).to.equal(false);
      expect(await compliance.isCountryBlocked(newAsset, Country.FR)).to.equal(true);
      expect(await compliance.isCountryBlocked(newAsset, Country.US)).to.equal(false);
    });

    it("leaves out the list and cap events when there is nothing to list and no cap, and accepts duplicates", async function () {
      const { compliance, factory, newAsset } = await loadFixture(factoryFixture);
      const tx = compliance.connect(factory).configureNewAsset(newAsset, NO_RULES, [Country.US, Country.US], [], 0n);
      await expect(tx).to.emit(compliance, "AssetConfigured").withArgs(newAsset, asTuple(NO_RULES));
      await expect(tx).not.to.emit(compliance, "CountryBlockListChanged");
      await expect(tx).not.to.emit(compliance, "MaxBalanceSet");
      const receipt = await (await tx).wait();
      expect(receipt!.logs.map((log) => compliance.interface.parseLog(log)?.name)).to.deep.equal([
        "AssetConfigured",
        "CountryAllowListChanged",
        "CountryAllowListChanged",
      ]);
      expect(await compliance.isCountryAllowed(newAsset, Country.US)).to.equal(true);
      expect(await compliance.maxBalanceOf(newAsset)).to.equal(0n);
    });

    it("judges transfers like the separate calls would", async function () {
      const { compliance, factory, accounts } = await loadFixture(factoryFixture);
      const deploy = async () => {
        const token = (await (
          await ethers.getContractFactory("ComplianceSubjectMock")
        ).deploy(await compliance.getAddress(), await compliance.identityRegistry())) as ComplianceSubjectMock;
        return token.getAddress();
      };
      const [oneCall, separately] = [await deploy(), await deploy()];
      const rules = { ...NO_RULES, countryAllowList: true, countryBlockList: true, maxBalance: true };
      await compliance.connect(factory).configureNewAsset(oneCall, rules, [Country.US], [Country.DE], 500n);
      const admin = compliance.connect(accounts.regulator);
      await admin.configureAsset(separately, rules);
      await admin.setCountriesAllowed(separately, [Country.US], true);
      await admin.setCountriesBlocked(separately, [Country.DE], true);
      await admin.setMaxBalance(separately, 500n);
      const { alice, bob, carol } = accounts;
      const verdicts: [bigint, bigint][] = [];
      for (const [from, to, amount] of [
        [ethers.ZeroAddress, alice.address, 500n],
        [ethers.ZeroAddress, alice.address, 501n],
        [ethers.ZeroAddress, bob.address, 1n],
        [ethers.ZeroAddress, carol.address, 1n],
        [bob.address, alice.address, 1n],
      ] as const) {
        verdicts.push([
          await compliance.detectTransferRestriction(oneCall, from, to, amount),
          await compliance.detectTransferRestriction(separately, from, to, amount),
        ]);
      }
      expect(verdicts.map(([a]) => Number(a))).to.deep.equal([
        Restriction.None,
        Restriction.MaxBalanceExceeded,
        Restriction.CountryBlocked,
        Restriction.CountryNotAllowed,
        Restriction.CountryBlocked,
      ]);
      for (const [a, b] of verdicts) expect(a).to.equal(b);
    });

    context("when the asset is already configured", function () {
      it("reverts with ComplianceAssetAlreadyConfigured", async function () {
        const { compliance, factory, asset } = await loadFixture(factoryFixture);
        const before = await stateOf(compliance, asset);
        await expect(compliance.connect(factory).configureNewAsset(asset, SOME_RULES, [Country.US], [], 1n))
          .to.be.revertedWithCustomError(compliance, "ComplianceAssetAlreadyConfigured")
          .withArgs(asset);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });

    context("when the asset is the zero address", function () {
      it("reverts with ComplianceInvalidAsset", async function () {
        const { compliance, factory } = await loadFixture(factoryFixture);
        await expect(compliance.connect(factory).configureNewAsset(ethers.ZeroAddress, NO_RULES, [], [], 0n))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidAsset")
          .withArgs(ethers.ZeroAddress);
        expect(await compliance.isConfigured(ethers.ZeroAddress)).to.equal(false);
      });
    });

    for (const [list, lists] of [
      ["allow-list", (country: number) => [[Country.US, country], []]],
      ["block-list", (country: number) => [[], [Country.US, country]]],
    ] as const) {
      for (const country of [0, 1000]) {
        context(`when the ${list} has country ${country}`, function () {
          it("reverts with ComplianceInvalidCountry and configures nothing", async function () {
            const { compliance, factory, newAsset } = await loadFixture(factoryFixture);
            const [allowed, blocked] = lists(country);
            const before = await stateOf(compliance, newAsset);
            await expect(compliance.connect(factory).configureNewAsset(newAsset, NO_RULES, allowed, blocked, 1n))
              .to.be.revertedWithCustomError(compliance, "ComplianceInvalidCountry")
              .withArgs(country);
            expect(await stateOf(compliance, newAsset)).to.deep.equal(before);
          });
        });
      }
    }

    context("when the trading window is invalid", function () {
      it("reverts with ComplianceInvalidTradingWindow", async function () {
        const { compliance, factory, newAsset } = await loadFixture(factoryFixture);
        const rules = { ...NO_RULES, windowOpen: HOUR, windowClose: HOUR, tradingDays: 1 };
        await expect(compliance.connect(factory).configureNewAsset(newAsset, rules, [], [], 0n))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidTradingWindow")
          .withArgs(HOUR, HOUR, 1);
        expect(await compliance.isConfigured(newAsset)).to.equal(false);
      });
    });

    context("when the caller does not hold ASSET_FACTORY", function () {
      it("reverts with AccessManagedUnauthorized, even for a COMPLIANCE_ADMIN", async function () {
        const { compliance, accounts, newAsset } = await loadFixture(factoryFixture);
        for (const caller of [accounts.regulator, accounts.issuer, accounts.alice, accounts.stranger]) {
          await expect(compliance.connect(caller).configureNewAsset(newAsset, NO_RULES, [], [], 0n))
            .to.be.revertedWithCustomError(compliance, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await compliance.isConfigured(newAsset)).to.equal(false);
      });
    });
  });

  describe("configurationVersion", function () {
    it("starts at 0 and grows by one with every configuration write but halts", async function () {
      const { compliance, accounts, rule } = await loadFixture(complianceFixture);
      const asset = ethers.Wallet.createRandom().address;
      const admin = compliance.connect(accounts.regulator);
      const supervisor = compliance.connect(accounts.exchange);
      expect(await compliance.configurationVersion(asset)).to.equal(0n);
      const writes: [string, () => Promise<unknown>, bigint][] = [
        ["configureAsset", () => admin.configureAsset(asset, NO_RULES), 1n],
        ["setMaxBalance", () => admin.setMaxBalance(asset, 1n), 1n],
        ["setCountriesAllowed", () => admin.setCountriesAllowed(asset, [Country.US, Country.DE], true), 1n],
        ["setCountriesBlocked", () => admin.setCountriesBlocked(asset, [Country.FR], true), 1n],
        ["addExternalRule", () => admin.addExternalRule(asset, rule), 1n],
        ["removeExternalRule", () => admin.removeExternalRule(asset, rule), 1n],
        ["setVenue", () => admin.setVenue(asset, accounts.exchange.address, true), 0n],
        ["haltTrading", async () => supervisor.haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash), 0n],
        ["resumeTrading", () => supervisor.resumeTrading(asset), 0n],
        ["imposeHalt", async () => admin.imposeHalt(asset, (await time.latest()) + YEAR, ethers.ZeroHash), 0n],
        ["liftHalt", () => admin.liftHalt(asset), 0n],
        ["setMaxHaltDuration", () => compliance.connect(accounts.governor).setMaxHaltDuration(HOUR), 0n],
        ["configureAsset again", () => admin.configureAsset(asset, SOME_RULES), 1n],
      ];
      let version = 0n;
      for (const [name, write, step] of writes) {
        await write();
        version += step;
        expect(await compliance.configurationVersion(asset), name).to.equal(version);
      }
    });

    context("when the version has reached 65,535", function () {
      async function exhaustedFixture() {
        const f = await complianceFixture();
        // `_configs` is the first mapping of Compliance (slot 1); the version is the word's top 16 bits.
        const slot = BigInt(
          ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [f.asset, 1])),
        );
        const address = await f.compliance.getAddress();
        const word = BigInt(await ethers.provider.getStorage(address, slot));
        const exhausted = (word & ((1n << 240n) - 1n)) | (0xffffn << 240n);
        await ethers.provider.send("hardhat_setStorageAt", [
          address,
          ethers.toQuantity(slot),
          ethers.toBeHex(exhausted, 32),
        ]);
        return f;
      }

      const writes: [string, (c: Compliance, asset: string, rule: string) => Promise<unknown>][] = [
        ["configureAsset", (c, asset) => c.configureAsset(asset, NO_RULES)],
        ["setMaxBalance", (c, asset) => c.setMaxBalance(asset, 1n)],
        ["setCountriesAllowed", (c, asset) => c.setCountriesAllowed(asset, [Country.US], true)],
        ["setCountriesBlocked", (c, asset) => c.setCountriesBlocked(asset, [Country.US], true)],
        ["addExternalRule", (c, asset, rule) => c.addExternalRule(asset, rule)],
      ];
      for (const [name, write] of writes) {
        it(`${name} reverts with ComplianceVersionExhausted rather than wrap`, async function () {
          const { compliance, accounts, asset, rule } = await loadFixture(exhaustedFixture);
          const before = await stateOf(compliance, asset);
          expect(before.version).to.equal(0xffffn);
          await expect(write(compliance.connect(accounts.regulator), asset, await rule.getAddress()))
            .to.be.revertedWithCustomError(compliance, "ComplianceVersionExhausted")
            .withArgs(asset);
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });
      }

      it("still lets trading be halted and resumed", async function () {
        const { compliance, accounts, asset } = await loadFixture(exhaustedFixture);
        await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash);
        await compliance.connect(accounts.exchange).resumeTrading(asset);
        expect(await compliance.configurationVersion(asset)).to.equal(0xffffn);
      });
    });
  });

  describe("times beyond 40 bits", function () {
    const FOREVER = 2n ** 48n - 1n;
    const LIMIT = 2n ** 40n - 1n;

    it("keeps a lock-up of type(uint48).max as 'until reconfigured'", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const rules = { ...NO_RULES, lockupUntil: Number(FOREVER) };
      await expect(compliance.connect(accounts.regulator).configureAsset(asset, rules))
        .to.emit(compliance, "AssetConfigured")
        .withArgs(asset, asTuple(rules));
      expect((await compliance.rulesOf(asset)).lockupUntil).to.equal(FOREVER);
      const explanation = await compliance.explainTransfer(asset, accounts.alice.address, accounts.bob.address, 1n);
      expect([explanation.code, explanation.detail]).to.deep.equal([BigInt(Restriction.LockedUp), FOREVER]);
    });

    it("accepts times up to 2^40 − 2", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await compliance
        .connect(accounts.regulator)
        .configureAsset(asset, { ...NO_RULES, lockupUntil: Number(LIMIT - 1n) });
      expect((await compliance.rulesOf(asset)).lockupUntil).to.equal(LIMIT - 1n);
      await compliance.connect(accounts.regulator).imposeHalt(asset, LIMIT - 1n, ethers.ZeroHash);
      expect(await compliance.haltedUntil(asset)).to.equal(LIMIT - 1n);
    });

    for (const time_ of [LIMIT, LIMIT + 1n, FOREVER - 1n]) {
      context(`when a time is ${time_}`, function () {
        it("configureAsset reverts with ComplianceTimeOutOfRange", async function () {
          const { compliance, accounts, asset } = await loadFixture(complianceFixture);
          const before = await stateOf(compliance, asset);
          await expect(
            compliance.connect(accounts.regulator).configureAsset(asset, { ...NO_RULES, lockupUntil: Number(time_) }),
          )
            .to.be.revertedWithCustomError(compliance, "ComplianceTimeOutOfRange")
            .withArgs(time_);
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });

        it("imposeHalt reverts with ComplianceTimeOutOfRange", async function () {
          const { compliance, accounts, asset } = await loadFixture(complianceFixture);
          await expect(compliance.connect(accounts.regulator).imposeHalt(asset, time_, ethers.ZeroHash))
            .to.be.revertedWithCustomError(compliance, "ComplianceTimeOutOfRange")
            .withArgs(time_);
          expect(await compliance.haltedUntil(asset)).to.equal(0n);
        });
      });
    }
  });

  describe("setMaxBalance", function () {
    it("sets the per-investor cap and emits MaxBalanceSet", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await expect(compliance.connect(accounts.regulator).setMaxBalance(asset, 5_000n))
        .to.emit(compliance, "MaxBalanceSet")
        .withArgs(asset, 5_000n);
      expect(await compliance.maxBalanceOf(asset)).to.equal(5_000n);
    });

    context("when the asset is not configured", function () {
      it("reverts with ComplianceUnknownAsset", async function () {
        const { compliance, accounts } = await loadFixture(complianceFixture);
        const asset = ethers.Wallet.createRandom().address;
        await expect(compliance.connect(accounts.regulator).setMaxBalance(asset, 1n))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(asset);
        expect(await compliance.maxBalanceOf(asset)).to.equal(0n);
      });
    });
  });

  for (const [fn, view, event] of [
    ["setCountriesAllowed", "isCountryAllowed", "CountryAllowListChanged"],
    ["setCountriesBlocked", "isCountryBlocked", "CountryBlockListChanged"],
  ] as const) {
    describe(fn, function () {
      it(`lists countries, emitting one ${event} per country`, async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const countries = [1, Country.US, 255, 256, 999];
        const tx = compliance.connect(accounts.regulator)[fn](asset, countries, true);
        for (const country of countries) await expect(tx).to.emit(compliance, event).withArgs(asset, country, true);
        for (const country of countries) expect(await compliance[view](asset, country)).to.equal(true);
        for (const country of [Country.DE, 254, 257, 998])
          expect(await compliance[view](asset, country)).to.equal(false);
      });

      it(`unlists countries, emitting ${event} with false, and leaves the others`, async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        await compliance.connect(accounts.regulator)[fn](asset, [Country.US, Country.DE, Country.FR], true);
        await expect(compliance.connect(accounts.regulator)[fn](asset, [Country.DE], false))
          .to.emit(compliance, event)
          .withArgs(asset, Country.DE, false);
        expect(await compliance[view](asset, Country.DE)).to.equal(false);
        expect(await compliance[view](asset, Country.US)).to.equal(true);
        expect(await compliance[view](asset, Country.FR)).to.equal(true);
      });

      it("keeps each asset's list apart", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const other = ethers.Wallet.createRandom().address;
        await compliance.connect(accounts.regulator).configureAsset(other, NO_RULES);
        await compliance.connect(accounts.regulator)[fn](asset, [Country.US], true);
        expect(await compliance[view](other, Country.US)).to.equal(false);
      });

      context("when the asset is not configured", function () {
        it("reverts with ComplianceUnknownAsset", async function () {
          const { compliance, accounts } = await loadFixture(complianceFixture);
          const asset = ethers.Wallet.createRandom().address;
          await expect(compliance.connect(accounts.regulator)[fn](asset, [Country.US], true))
            .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
            .withArgs(asset);
          expect(await compliance[view](asset, Country.US)).to.equal(false);
        });
      });

      context("when the list is empty", function () {
        it("reverts with ComplianceEmptyCountryList", async function () {
          const { compliance, accounts, asset } = await loadFixture(complianceFixture);
          const before = await stateOf(compliance, asset);
          await expect(compliance.connect(accounts.regulator)[fn](asset, [], true)).to.be.revertedWithCustomError(
            compliance,
            "ComplianceEmptyCountryList",
          );
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });
      });

      for (const country of [0, 1000, 65535]) {
        context(`when a country is ${country}`, function () {
          it("reverts with ComplianceInvalidCountry and lists none of the batch", async function () {
            const { compliance, accounts, asset } = await loadFixture(complianceFixture);
            const before = await stateOf(compliance, asset);
            await expect(compliance.connect(accounts.regulator)[fn](asset, [Country.US, country], true))
              .to.be.revertedWithCustomError(compliance, "ComplianceInvalidCountry")
              .withArgs(country);
            expect(await stateOf(compliance, asset)).to.deep.equal(before);
          });
        });
      }
    });
  }

  describe("addExternalRule", function () {
    it("attaches a rule and emits ExternalRuleAdded", async function () {
      const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
      await expect(compliance.connect(accounts.regulator).addExternalRule(asset, rule))
        .to.emit(compliance, "ExternalRuleAdded")
        .withArgs(asset, await rule.getAddress());
      expect(await compliance.externalRulesOf(asset)).to.deep.equal([await rule.getAddress()]);
    });

    it("keeps rules in the order they were added, up to MAX_EXTERNAL_RULES", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const rules = await deployRules(8);
      for (const rule of rules) await compliance.connect(accounts.regulator).addExternalRule(asset, rule);
      expect(await compliance.externalRulesOf(asset)).to.deep.equal(rules);
    });

    context("when the asset is not configured", function () {
      it("reverts with ComplianceUnknownAsset", async function () {
        const { compliance, accounts, rule } = await loadFixture(complianceFixture);
        const asset = ethers.Wallet.createRandom().address;
        await expect(compliance.connect(accounts.regulator).addExternalRule(asset, rule))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(asset);
        expect(await compliance.externalRulesOf(asset)).to.deep.equal([]);
      });
    });

    for (const [what, address] of [
      ["the zero address", () => ethers.ZeroAddress],
      ["an account without code", () => ethers.Wallet.createRandom().address],
    ] as const) {
      context(`when the rule is ${what}`, function () {
        it("reverts with ComplianceInvalidRule", async function () {
          const { compliance, accounts, asset } = await loadFixture(complianceFixture);
          const rule = address();
          const before = await stateOf(compliance, asset);
          await expect(compliance.connect(accounts.regulator).addExternalRule(asset, rule))
            .to.be.revertedWithCustomError(compliance, "ComplianceInvalidRule")
            .withArgs(rule);
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });
      });
    }

    context("when the rule is already attached", function () {
      it("reverts with ComplianceRuleAlreadyAdded", async function () {
        const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
        await compliance.connect(accounts.regulator).addExternalRule(asset, rule);
        const before = await stateOf(compliance, asset);
        await expect(compliance.connect(accounts.regulator).addExternalRule(asset, rule))
          .to.be.revertedWithCustomError(compliance, "ComplianceRuleAlreadyAdded")
          .withArgs(asset, await rule.getAddress());
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });

    context("when the asset already has MAX_EXTERNAL_RULES rules", function () {
      it("reverts with ComplianceTooManyRules (invariant I3)", async function () {
        const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
        for (const other of await deployRules(8))
          await compliance.connect(accounts.regulator).addExternalRule(asset, other);
        const before = await stateOf(compliance, asset);
        await expect(compliance.connect(accounts.regulator).addExternalRule(asset, rule))
          .to.be.revertedWithCustomError(compliance, "ComplianceTooManyRules")
          .withArgs(asset, 8);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });
  });

  describe("removeExternalRule", function () {
    it("detaches a rule, keeps the others' order and emits ExternalRuleRemoved", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const rules = await deployRules(4);
      for (const rule of rules) await compliance.connect(accounts.regulator).addExternalRule(asset, rule);
      await expect(compliance.connect(accounts.regulator).removeExternalRule(asset, rules[1]))
        .to.emit(compliance, "ExternalRuleRemoved")
        .withArgs(asset, rules[1]);
      expect(await compliance.externalRulesOf(asset)).to.deep.equal([rules[0], rules[2], rules[3]]);
      await compliance.connect(accounts.regulator).removeExternalRule(asset, rules[3]);
      await compliance.connect(accounts.regulator).removeExternalRule(asset, rules[0]);
      expect(await compliance.externalRulesOf(asset)).to.deep.equal([rules[2]]);
    });

    it("frees a place for another rule", async function () {
      const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
      const rules = await deployRules(8);
      for (const other of rules) await compliance.connect(accounts.regulator).addExternalRule(asset, other);
      await compliance.connect(accounts.regulator).removeExternalRule(asset, rules[0]);
      await compliance.connect(accounts.regulator).addExternalRule(asset, rule);
      expect(await compliance.externalRulesOf(asset)).to.deep.equal([...rules.slice(1), await rule.getAddress()]);
    });

    context("when the asset is not configured", function () {
      it("reverts with ComplianceUnknownAsset", async function () {
        const { compliance, accounts, rule } = await loadFixture(complianceFixture);
        const asset = ethers.Wallet.createRandom().address;
        await expect(compliance.connect(accounts.regulator).removeExternalRule(asset, rule))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(asset);
      });
    });

    context("when the rule is not attached", function () {
      it("reverts with ComplianceRuleNotFound", async function () {
        const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
        const [other] = await deployRules(1);
        await compliance.connect(accounts.regulator).addExternalRule(asset, other);
        const before = await stateOf(compliance, asset);
        await expect(compliance.connect(accounts.regulator).removeExternalRule(asset, rule))
          .to.be.revertedWithCustomError(compliance, "ComplianceRuleNotFound")
          .withArgs(asset, await rule.getAddress());
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });
  });

  describe("haltTrading", function () {
    it("halts trading until a time and emits TradingHalted", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const until = (await time.latest()) + DAY;
      const reason = ethers.encodeBytes32String("pending announcement");
      await expect(compliance.connect(accounts.exchange).haltTrading(asset, until, reason))
        .to.emit(compliance, "TradingHalted")
        .withArgs(asset, accounts.exchange.address, until, reason);
      expect(await compliance.haltedUntil(asset)).to.equal(until);
      expect(await compliance.haltOf(asset)).to.deep.equal([BigInt(until), accounts.exchange.address]);
    });

    it("lets the venue replace its own halt, longer or shorter, within the bound", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const exchange = compliance.connect(accounts.exchange);
      await exchange.haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash);
      const longer = (await time.latest()) + DAY;
      await exchange.haltTrading(asset, longer, ethers.ZeroHash);
      expect(await compliance.haltedUntil(asset)).to.equal(longer);
      const shorter = (await time.latest()) + 60;
      await exchange.haltTrading(asset, shorter, ethers.ZeroHash);
      expect(await compliance.haltedUntil(asset)).to.equal(shorter);
    });

    context("when the caller is not a venue of the asset", function () {
      it("reverts with ComplianceNotVenue: an exchange halts only where the asset trades", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        await compliance.connect(accounts.regulator).setVenue(asset, accounts.exchange.address, false);
        const before = await stateOf(compliance, asset);
        await expect(
          compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(compliance, "ComplianceNotVenue")
          .withArgs(asset, accounts.exchange.address);
        // A regulator holds MARKET_SUPERVISOR too, but is no venue: as a supervisor it is bound like one.
        await expect(
          compliance.connect(accounts.regulator).haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(compliance, "ComplianceNotVenue")
          .withArgs(asset, accounts.regulator.address);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });

    context("when the halt would last longer than maxHaltDuration", function () {
      it("reverts with ComplianceHaltTooLong, also for 'until further notice'", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        expect(await compliance.maxHaltDuration()).to.equal(BigInt(DAY));
        const before = await stateOf(compliance, asset);
        for (const until of [(await time.latest()) + 10 * DAY, 2 ** 48 - 1]) {
          const now = (await time.latest()) + 1;
          await time.setNextBlockTimestamp(now);
          await expect(compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash))
            .to.be.revertedWithCustomError(compliance, "ComplianceHaltTooLong")
            .withArgs(until, now + DAY);
        }
        // One second beyond the bound is refused; the bound itself is allowed.
        let now = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(now);
        await expect(compliance.connect(accounts.exchange).haltTrading(asset, now + DAY + 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(compliance, "ComplianceHaltTooLong")
          .withArgs(now + DAY + 1, now + DAY);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
        now = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(now);
        await compliance.connect(accounts.exchange).haltTrading(asset, now + DAY, ethers.ZeroHash);
        expect(await compliance.haltedUntil(asset)).to.equal(now + DAY);
      });

      it("follows setMaxHaltDuration", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        await expect(compliance.connect(accounts.governor).setMaxHaltDuration(7 * DAY))
          .to.emit(compliance, "MaxHaltDurationSet")
          .withArgs(7 * DAY);
        const until = (await time.latest()) + 7 * DAY;
        await compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash);
        expect(await compliance.haltedUntil(asset)).to.equal(until);
      });
    });

    context("when another venue's halt is in force", function () {
      it("reverts with ComplianceHaltedByOther: a venue never replaces another's halt", async function () {
        const { compliance, accounts, asset, other } = await loadFixture(twoVenuesFixture);
        const until = (await time.latest()) + DAY;
        await compliance.connect(other).haltTrading(asset, until, ethers.ZeroHash);
        const before = await stateOf(compliance, asset);
        for (const shorter of [60, 12 * HOUR]) {
          await expect(
            compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + shorter, ethers.ZeroHash),
          )
            .to.be.revertedWithCustomError(compliance, "ComplianceHaltedByOther")
            .withArgs(asset, other.address, until);
        }
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
        // Once it has run out, the asset may be halted again by any venue.
        await time.increaseTo(until);
        await compliance.connect(accounts.exchange).haltTrading(asset, until + HOUR, ethers.ZeroHash);
        expect(await compliance.haltOf(asset)).to.deep.equal([BigInt(until + HOUR), accounts.exchange.address]);
      });
    });

    context("when the asset is not configured", function () {
      it("reverts with ComplianceUnknownAsset", async function () {
        const { compliance, accounts } = await loadFixture(complianceFixture);
        const asset = ethers.Wallet.createRandom().address;
        const until = (await time.latest()) + DAY;
        await expect(compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(asset);
        expect(await compliance.haltedUntil(asset)).to.equal(0n);
      });
    });

    context("when the halt would end now or in the past", function () {
      it("reverts with ComplianceInvalidHalt", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        for (const before of [Infinity, 1, 0]) {
          const now = (await time.latest()) + 1;
          const until = before === Infinity ? 0 : now - before;
          await time.setNextBlockTimestamp(now);
          await expect(compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash))
            .to.be.revertedWithCustomError(compliance, "ComplianceInvalidHalt")
            .withArgs(until, now);
          expect(await compliance.haltedUntil(asset)).to.equal(0n);
        }
      });
    });
  });

  describe("resumeTrading", function () {
    it("ends a halt and emits TradingResumed", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash);
      await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
        .to.emit(compliance, "TradingResumed")
        .withArgs(asset, accounts.exchange.address);
      expect(await compliance.haltedUntil(asset)).to.equal(0n);
      expect(await compliance.haltOf(asset)).to.deep.equal([0n, ethers.ZeroAddress]);
    });

    context("when another venue set the halt", function () {
      it("reverts with ComplianceHaltedByOther: a venue lifts only its own halt", async function () {
        const { compliance, accounts, asset, other } = await loadFixture(twoVenuesFixture);
        const until = (await time.latest()) + DAY;
        await compliance.connect(other).haltTrading(asset, until, ethers.ZeroHash);
        const before = await stateOf(compliance, asset);
        await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceHaltedByOther")
          .withArgs(asset, other.address, until);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
      });
    });

    context("when a regulator set the halt", function () {
      it("reverts with ComplianceHaltedByOther, even for a venue", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const until = (await time.latest()) + 30 * DAY;
        await compliance.connect(accounts.regulator).imposeHalt(asset, until, ethers.ZeroHash);
        await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceHaltedByOther")
          .withArgs(asset, accounts.regulator.address, until);
        await expect(
          compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(compliance, "ComplianceHaltedByOther")
          .withArgs(asset, accounts.regulator.address, until);
        expect(await compliance.haltedUntil(asset)).to.equal(until);
      });
    });

    context("when the asset is not configured", function () {
      it("reverts with ComplianceUnknownAsset", async function () {
        const { compliance, accounts } = await loadFixture(complianceFixture);
        const asset = ethers.Wallet.createRandom().address;
        await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(asset);
      });
    });

    context("when the asset is not halted", function () {
      it("reverts with ComplianceNotHalted", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceNotHalted")
          .withArgs(asset);
      });
    });

    context("when the halt has run out", function () {
      it("reverts with ComplianceNotHalted and leaves the past halt recorded", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const until = (await time.latest()) + HOUR;
        await compliance.connect(accounts.exchange).haltTrading(asset, until, ethers.ZeroHash);
        await time.increaseTo(until);
        await expect(compliance.connect(accounts.exchange).resumeTrading(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceNotHalted")
          .withArgs(asset);
        expect(await compliance.haltedUntil(asset)).to.equal(until);
      });
    });
  });

  describe("imposeHalt", function () {
    it("halts without the venues' bound, replacing a venue's halt, and emits TradingHalted", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash);
      const forever = 2n ** 48n - 1n;
      const reason = ethers.encodeBytes32String("investigation");
      await expect(compliance.connect(accounts.regulator).imposeHalt(asset, forever, reason))
        .to.emit(compliance, "TradingHalted")
        .withArgs(asset, accounts.regulator.address, forever, reason);
      await time.increase(YEAR);
      expect(
        await compliance.detectTransferRestriction(asset, accounts.alice.address, accounts.bob.address, 1n),
      ).to.equal(Restriction.TradingHalted);
      // It may shorten its own halt.
      const until = (await time.latest()) + HOUR;
      await compliance.connect(accounts.regulator).imposeHalt(asset, until, ethers.ZeroHash);
      expect(await compliance.haltOf(asset)).to.deep.equal([BigInt(until), accounts.regulator.address]);
    });

    context("when the asset is not configured or the halt would end now or in the past", function () {
      it("reverts with ComplianceUnknownAsset or ComplianceInvalidHalt", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const unknown = ethers.Wallet.createRandom().address;
        const regulator = compliance.connect(accounts.regulator);
        await expect(regulator.imposeHalt(unknown, (await time.latest()) + DAY, ethers.ZeroHash))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(unknown);
        const now = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(now);
        await expect(regulator.imposeHalt(asset, now, ethers.ZeroHash))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidHalt")
          .withArgs(now, now);
        expect(await compliance.haltOf(asset)).to.deep.equal([0n, ethers.ZeroAddress]);
      });
    });
  });

  describe("liftHalt", function () {
    it("ends any halt, a venue's or a regulator's, and emits TradingResumed", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      for (const setter of [accounts.exchange, accounts.regulator]) {
        const until = (await time.latest()) + HOUR;
        if (setter === accounts.exchange) await compliance.connect(setter).haltTrading(asset, until, ethers.ZeroHash);
        else await compliance.connect(setter).imposeHalt(asset, until, ethers.ZeroHash);
        await expect(compliance.connect(accounts.regulator).liftHalt(asset))
          .to.emit(compliance, "TradingResumed")
          .withArgs(asset, accounts.regulator.address);
        expect(await compliance.haltOf(asset)).to.deep.equal([0n, ethers.ZeroAddress]);
      }
    });

    context("when no halt is in force", function () {
      it("reverts with ComplianceNotHalted", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        await expect(compliance.connect(accounts.regulator).liftHalt(asset))
          .to.be.revertedWithCustomError(compliance, "ComplianceNotHalted")
          .withArgs(asset);
      });
    });
  });

  describe("setVenue", function () {
    it("records and removes a venue and emits VenueSet, leaving the version alone", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      const version = await compliance.configurationVersion(asset);
      const venue = accounts.custodian.address;
      await expect(compliance.connect(accounts.regulator).setVenue(asset, venue, true))
        .to.emit(compliance, "VenueSet")
        .withArgs(asset, venue, true);
      expect(await compliance.isVenue(asset, venue)).to.equal(true);
      await expect(compliance.connect(accounts.regulator).setVenue(asset, venue, false))
        .to.emit(compliance, "VenueSet")
        .withArgs(asset, venue, false);
      expect(await compliance.isVenue(asset, venue)).to.equal(false);
      expect(await compliance.configurationVersion(asset)).to.equal(version);
    });

    it("keeps a halt in force when its venue is removed, which may still lift it", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + HOUR, ethers.ZeroHash);
      await compliance.connect(accounts.regulator).setVenue(asset, accounts.exchange.address, false);
      expect(await compliance.haltOf(asset)).to.not.deep.equal([0n, ethers.ZeroAddress]);
      await compliance.connect(accounts.exchange).resumeTrading(asset);
      expect(await compliance.haltedUntil(asset)).to.equal(0n);
    });

    context("with bad input", function () {
      it("reverts with ComplianceUnknownAsset, ComplianceInvalidVenue or ComplianceVenueUnchanged", async function () {
        const { compliance, accounts, asset } = await loadFixture(complianceFixture);
        const admin = compliance.connect(accounts.regulator);
        const unknown = ethers.Wallet.createRandom().address;
        const before = await stateOf(compliance, asset);
        await expect(admin.setVenue(unknown, accounts.exchange.address, true))
          .to.be.revertedWithCustomError(compliance, "ComplianceUnknownAsset")
          .withArgs(unknown);
        await expect(admin.setVenue(asset, ethers.ZeroAddress, true))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidVenue")
          .withArgs(ethers.ZeroAddress);
        await expect(admin.setVenue(asset, accounts.exchange.address, true))
          .to.be.revertedWithCustomError(compliance, "ComplianceVenueUnchanged")
          .withArgs(asset, accounts.exchange.address, true);
        await expect(admin.setVenue(asset, accounts.regulator.address, false))
          .to.be.revertedWithCustomError(compliance, "ComplianceVenueUnchanged")
          .withArgs(asset, accounts.regulator.address, false);
        expect(await stateOf(compliance, asset)).to.deep.equal(before);
        expect(await compliance.isVenue(unknown, accounts.exchange.address)).to.equal(false);
      });
    });
  });

  describe("setMaxHaltDuration", function () {
    it("starts at DEFAULT_MAX_HALT_DURATION (one day)", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      expect(await compliance.DEFAULT_MAX_HALT_DURATION()).to.equal(BigInt(DAY));
      expect(await compliance.maxHaltDuration()).to.equal(BigInt(DAY));
    });

    context("when the duration is zero", function () {
      it("reverts with ComplianceInvalidMaxHaltDuration", async function () {
        const { compliance, accounts } = await loadFixture(complianceFixture);
        await expect(compliance.connect(accounts.governor).setMaxHaltDuration(0))
          .to.be.revertedWithCustomError(compliance, "ComplianceInvalidMaxHaltDuration")
          .withArgs(0);
        expect(await compliance.maxHaltDuration()).to.equal(BigInt(DAY));
      });
    });
  });

  describe("access control", function () {
    type Call = [name: string, call: (compliance: Compliance, asset: string, rule: string) => Promise<unknown>];
    const far = 4_000_000_000;
    const adminCalls: Call[] = [
      ["configureAsset", (c, asset) => c.configureAsset(asset, NO_RULES)],
      ["setMaxBalance", (c, asset) => c.setMaxBalance(asset, 1n)],
      ["setCountriesAllowed", (c, asset) => c.setCountriesAllowed(asset, [Country.US], true)],
      ["setCountriesBlocked", (c, asset) => c.setCountriesBlocked(asset, [Country.US], true)],
      ["addExternalRule", (c, asset, rule) => c.addExternalRule(asset, rule)],
      ["removeExternalRule", (c, asset, rule) => c.removeExternalRule(asset, rule)],
      ["setVenue", (c, asset) => c.setVenue(asset, ethers.Wallet.createRandom().address, true)],
    ];
    const supervisorCalls: Call[] = [
      ["haltTrading", (c, asset) => c.haltTrading(asset, far, ethers.ZeroHash)],
      ["resumeTrading", (c, asset) => c.resumeTrading(asset)],
    ];
    const regulatorCalls: Call[] = [
      ["imposeHalt", (c, asset) => c.imposeHalt(asset, far, ethers.ZeroHash)],
      ["liftHalt", (c, asset) => c.liftHalt(asset)],
    ];
    const governorCalls: Call[] = [
      ["setMaxHaltDuration", (c) => c.setMaxHaltDuration(HOUR)],
      ["approveSuccessor", (c) => c.approveSuccessor(ethers.Wallet.createRandom().address)],
    ];
    type Accounts = Awaited<ReturnType<typeof complianceFixture>>["accounts"];
    const outsiders = (a: Accounts) => [a.alice, a.stranger, a.kycProvider, a.issuer];

    for (const [calls, role, also] of [
      [adminCalls, "COMPLIANCE_ADMIN", (a: Accounts) => [a.exchange, a.governor]],
      [supervisorCalls, "MARKET_SUPERVISOR", (a: Accounts) => [a.governor]],
      [regulatorCalls, "REGULATOR", (a: Accounts) => [a.exchange, a.governor]],
      [governorCalls, "GOVERNOR", (a: Accounts) => [a.exchange, a.regulator]],
    ] as const) {
      for (const [name, call] of calls) {
        it(`${name} reverts with AccessManagedUnauthorized for callers without ${role}`, async function () {
          const { compliance, accounts, asset, rule } = await loadFixture(complianceFixture);
          const ruleAddress = await rule.getAddress();
          await compliance.connect(accounts.regulator).addExternalRule(asset, ruleAddress);
          await compliance.connect(accounts.regulator).imposeHalt(asset, far, ethers.ZeroHash);
          const before = await stateOf(compliance, asset);
          for (const caller of [...outsiders(accounts), ...also(accounts)]) {
            await expect(call(compliance.connect(caller), asset, ruleAddress))
              .to.be.revertedWithCustomError(compliance, "AccessManagedUnauthorized")
              .withArgs(caller.address);
          }
          expect(await stateOf(compliance, asset)).to.deep.equal(before);
        });
      }
    }

    it("lets a venue halt and resume its own halt, and a regulator impose and lift any halt", async function () {
      const { compliance, accounts, asset } = await loadFixture(complianceFixture);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash);
      await compliance.connect(accounts.exchange).resumeTrading(asset);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash);
      await compliance.connect(accounts.regulator).liftHalt(asset);
      await compliance.connect(accounts.regulator).imposeHalt(asset, far, ethers.ZeroHash);
      await compliance.connect(accounts.regulator).liftHalt(asset);
      expect(await compliance.haltedUntil(asset)).to.equal(0n);
    });
  });

  describe("succession (memo serials, invariant I5)", function () {
    it("gives the registry's first pipeline serial 1, no predecessor and no successor", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      expect(await compliance.pipelineSerial()).to.equal(1n);
      expect(await compliance.predecessor()).to.equal(ethers.ZeroAddress);
      expect(await compliance.successor()).to.equal(ethers.ZeroAddress);
    });

    it("gives the approved successor the next serial, once, and records both ends", async function () {
      const f = await loadFixture(complianceFixture);
      const successor = await deploySuccessorPipeline(f.compliance, f.accounts.governor);
      const address = await successor.getAddress();
      expect(await successor.pipelineSerial()).to.equal(2n);
      expect(await successor.predecessor()).to.equal(await f.compliance.getAddress());
      expect(await f.compliance.successor()).to.equal(address);
      expect(await successor.identityRegistry()).to.equal(await f.contracts.identity.getAddress());
      const events = await f.compliance.queryFilter(f.compliance.filters.SuccessionClaimed());
      expect(events.map((e) => [e.args.successor, e.args.serial])).to.deep.equal([[address, 2n]]);
      // The chain goes on from the successor: serial 3.
      const third = await deploySuccessorPipeline(successor, f.accounts.governor);
      expect(await third.pipelineSerial()).to.equal(3n);
    });

    it("approveSuccessor emits SuccessorApproved and may be replaced until claimed", async function () {
      const { compliance, accounts } = await loadFixture(complianceFixture);
      const [first, second] = [ethers.Wallet.createRandom().address, ethers.Wallet.createRandom().address];
      await expect(compliance.connect(accounts.governor).approveSuccessor(first))
        .to.emit(compliance, "SuccessorApproved")
        .withArgs(first);
      await compliance.connect(accounts.governor).approveSuccessor(second);
      const claimant = await ethers.getImpersonatedSigner(first);
      await setBalance(first, ethers.parseEther("1"));
      await expect(compliance.connect(claimant).claimSuccession())
        .to.be.revertedWithCustomError(compliance, "ComplianceNotApprovedSuccessor")
        .withArgs(first, second);
    });

    context("with bad input", function () {
      it("approveSuccessor refuses zero, an address with code, and a second successor", async function () {
        const f = await loadFixture(complianceFixture);
        const governor = f.compliance.connect(f.accounts.governor);
        await expect(governor.approveSuccessor(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(f.compliance, "ComplianceInvalidSuccessor")
          .withArgs(ethers.ZeroAddress);
        await expect(governor.approveSuccessor(f.asset))
          .to.be.revertedWithCustomError(f.compliance, "ComplianceInvalidSuccessor")
          .withArgs(f.asset);
        const successor = await deploySuccessorPipeline(f.compliance, f.accounts.governor);
        await expect(governor.approveSuccessor(ethers.Wallet.createRandom().address))
          .to.be.revertedWithCustomError(f.compliance, "ComplianceSuccessionClosed")
          .withArgs(await successor.getAddress());
      });

      it("claimSuccession refuses anyone but the approved successor, and a second claim", async function () {
        const f = await loadFixture(complianceFixture);
        await expect(f.compliance.connect(f.accounts.stranger).claimSuccession())
          .to.be.revertedWithCustomError(f.compliance, "ComplianceNotApprovedSuccessor")
          .withArgs(f.accounts.stranger.address, ethers.ZeroAddress);
        const successor = await deploySuccessorPipeline(f.compliance, f.accounts.governor);
        const address = await successor.getAddress();
        await setBalance(address, ethers.parseEther("1"));
        await expect(f.compliance.connect(await ethers.getImpersonatedSigner(address)).claimSuccession())
          .to.be.revertedWithCustomError(f.compliance, "ComplianceNotApprovedSuccessor")
          .withArgs(address, address);
        expect(await f.compliance.successor()).to.equal(address);
      });

      it("a pipeline whose predecessor serves another registry cannot be deployed", async function () {
        const f = await loadFixture(complianceFixture);
        // A stand-in for another registry (it answers eligibilityStore()); the predecessor named serves the fixture's.
        const messages = await deployments.get("ComplianceMessagesLib");
        const factory = await ethers.getContractFactory("Compliance", {
          libraries: { ComplianceMessagesLib: messages.address },
        });
        const registryMock = await (
          await ethers.getContractFactory("ForeignRegistryMock")
        ).deploy(await f.contracts.identity.eligibilityStore());
        await expect(
          factory.deploy(await f.contracts.authority.getAddress(), registryMock, await f.compliance.getAddress()),
        )
          .to.be.revertedWithCustomError(f.compliance, "ComplianceForeignPredecessor")
          .withArgs(await f.compliance.getAddress(), await f.contracts.identity.getAddress());
      });
    });
  });

  describe("messageForTransferRestriction", function () {
    const sentences: [number, string][] = [
      [Restriction.None, "No restriction"],
      [Restriction.SenderNotVerified, "Sender is not a verified investor"],
      [Restriction.RecipientNotVerified, "Recipient is not a verified investor"],
      [Restriction.RecipientMissingClaims, "Recipient lacks a claim the asset requires"],
      [Restriction.CountryNotAllowed, "Recipient's country is not allowed for the asset"],
      [Restriction.CountryBlocked, "A party's country is blocked for the asset"],
      [Restriction.MaxInvestorsReached, "The asset's maximum number of investors is reached"],
      [Restriction.MaxBalanceExceeded, "Recipient would exceed the asset's per-investor cap"],
      [Restriction.LockedUp, "The asset is in its lock-up period"],
      [Restriction.TradingHalted, "Trading in the asset is halted"],
      [Restriction.OutsideTradingWindow, "Transfer is outside the asset's trading hours"],
      [Restriction.ExternalRuleFailed, "A custom compliance rule refused the transfer"],
      [Restriction.AssetNotConfigured, "The asset is not configured for compliance"],
    ];

    it("gives one sentence per restriction code of the pipeline (0–12; a security token answers 13–17)", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      expect(sentences.map(([code]) => code)).to.deep.equal(
        Object.values(Restriction).filter(
          (value): value is number => typeof value === "number" && value <= Restriction.AssetNotConfigured,
        ),
      );
      for (const [code, sentence] of sentences) {
        expect(await compliance.messageForTransferRestriction(code)).to.equal(sentence);
      }
    });

    it("answers 'Unknown restriction code' for any other code", async function () {
      const { compliance } = await loadFixture(complianceFixture);
      for (const code of [13, 42, 255]) {
        expect(await compliance.messageForTransferRestriction(code)).to.equal("Unknown restriction code");
      }
    });
  });

  describe("an asset that is not configured (invariant I2)", function () {
    it("refuses mints and transfers with AssetNotConfigured", async function () {
      const { compliance, accounts } = await loadFixture(complianceFixture);
      const factory = await ethers.getContractFactory("ComplianceSubjectMock");
      const token = (await factory.deploy(
        await compliance.getAddress(),
        await compliance.identityRegistry(),
      )) as ComplianceSubjectMock;
      const asset = await token.getAddress();
      for (const from of [ethers.ZeroAddress, accounts.alice.address, accounts.stranger.address]) {
        const explanation = await compliance.explainTransfer(asset, from, accounts.bob.address, 1n);
        expect(explanation.code).to.equal(Restriction.AssetNotConfigured);
        expect(explanation.party).to.equal(ethers.ZeroAddress);
        expect(explanation.detail).to.equal(0n);
        expect(explanation.message).to.equal(Sentence.notConfigured);
        expect(await compliance.detectTransferRestriction(asset, from, accounts.bob.address, 1n)).to.equal(
          Restriction.AssetNotConfigured,
        );
        expect(await canTransferAs(compliance, asset, from, accounts.bob.address, 1n)).to.equal(false);
      }
      await expect(token.mint(accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(token, "ComplianceSubjectMockRestricted")
        .withArgs(Restriction.AssetNotConfigured);
    });

    it("allows burns", async function () {
      const { compliance, accounts } = await loadFixture(complianceFixture);
      const asset = ethers.Wallet.createRandom().address;
      expect(
        await compliance.detectTransferRestriction(asset, accounts.alice.address, ethers.ZeroAddress, 1n),
      ).to.equal(Restriction.None);
      expect(await canTransferAs(compliance, asset, accounts.alice.address, ethers.ZeroAddress, 1n)).to.equal(true);
    });
  });

  describe("canTransfer", function () {
    it("judges the calling asset's rules, not another's", async function () {
      const { compliance, accounts, token, asset } = await loadFixture(complianceFixture);
      const other = ethers.Wallet.createRandom().address;
      expect(await token.canTransferViaCompliance(accounts.alice.address, accounts.bob.address, 1n)).to.equal(true);
      expect(await canTransferAs(compliance, other, accounts.alice.address, accounts.bob.address, 1n)).to.equal(false);
      await compliance.connect(accounts.exchange).haltTrading(asset, (await time.latest()) + DAY, ethers.ZeroHash);
      expect(await token.canTransferViaCompliance(accounts.alice.address, accounts.bob.address, 1n)).to.equal(false);
    });
  });

  describe("the pipeline, through ComplianceSubjectMock", function () {
    shouldBehaveLikeCompliancePipeline(pipelineFixture);
  });
});

/** The compliance fixture with a second exchange, `other`, seated and made a venue of the asset. */
async function twoVenuesFixture() {
  const f = await complianceFixture();
  const other = await fundedWallet();
  await seatMember(f.contracts.members.connect(f.accounts.governor), other.address, "Exchange", "Second Exchange");
  await f.compliance.connect(f.accounts.regulator).setVenue(f.asset, other.address, true);
  return { ...f, other };
}

/** Deploys `count` distinct external rules; returns their addresses. */
async function deployRules(count: number): Promise<string[]> {
  const factory = await ethers.getContractFactory("ComplianceRuleMock");
  const rules: string[] = [];
  for (let i = 0; i < count; i++) rules.push(await (await factory.deploy(BigInt(i + 1))).getAddress());
  return rules;
}
