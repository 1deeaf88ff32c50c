/**
 * Keeps the bench's ERC-3643 reference harness (scripts/lib/trex.ts) working: T-REX 4.1.6 + ONCHAINID 2.2.1 are
 * deployed from their npm artifacts through T-REX's own factory, a transfer between verified investors succeeds
 * with the modules on, and each module refuses what it should — in the main suite and in the like-for-like ones
 * (TREX_BENCH_VARIANTS), which must bind nothing more than they name. T-REX reverts with strings, not custom
 * errors.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract, Signer } from "ethers";
import {
  benchTrex,
  TREX_DVD_SUITE,
  deployTrexInfrastructure,
  expectTrexRulesOn,
  issueTrexSuite,
  onboardTrexInvestor,
  TREX_BENCH_VARIANTS,
  TREX_KYC_TOPIC,
  TREX_MODULES,
  trexArtifact,
  type TrexModuleName,
} from "../../scripts/lib/trex";
import { rejection } from "../helpers/promises";

const CHINA = 156;
const HONG_KONG = 344;
const NORTH_KOREA = 408;
const MAX_BALANCE = 100n;
const DAILY_LIMIT = 10n;
const DAY = 86_400;

/**
 * One suite (allowed countries CN and HK, max balance 100 per investor, 10 sent per investor per day), investors
 * alice (CN, holds 50), bob (HK, holds nothing), carol (HK, holds 95), dave (KP, verified but not allowed) and
 * erin (HK, registered without a claim).
 */
async function trexFixture() {
  const [deployer, claimIssuerOwner, claimSigner, owner, agent, alice, bob, carol, dave, erin] =
    await ethers.getSigners();
  const infra = await deployTrexInfrastructure({ deployer, claimIssuerOwner, claimSigner });
  const suite = await issueTrexSuite(infra, {
    salt: "test:trex",
    owner: owner.address,
    agent,
    name: "Test Share",
    symbol: "TSH",
    decimals: 0,
    claimTopics: [TREX_KYC_TOPIC],
    allowedCountries: [CHINA, HONG_KONG],
    maxBalance: MAX_BALANCE,
    transferLimit: { limitTime: DAY, limitValue: DAILY_LIMIT },
  });
  const investors: [Signer, number, bigint[]?][] = [
    [alice, CHINA],
    [bob, HONG_KONG],
    [carol, HONG_KONG],
    [dave, NORTH_KOREA],
    [erin, HONG_KONG, []],
  ];
  for (const [i, [investor, country, topics]] of investors.entries()) {
    await onboardTrexInvestor(infra, suite, investor, country, `test:${i}`, topics);
  }
  await (await suite.token.mint(alice.address, 50n)).wait();
  await (await suite.token.mint(carol.address, 95n)).wait();
  const tokenAs = (signer: Signer) => suite.token.connect(signer) as Contract;
  return { infra, suite, tokenAs, accounts: { deployer, owner, agent, alice, bob, carol, dave, erin } };
}

/**
 * A second suite on the same infrastructure binding only `modules` (allowed countries CN and HK, max balance 100
 * if bound), the fixture's investors registered in it with the identities and claims they already hold, alice
 * holding 50 and carol 95 of it.
 */
async function suiteWith(modules: readonly TrexModuleName[], allowedCountries = [CHINA, HONG_KONG]) {
  const base = await trexFixture();
  const { infra, accounts } = base;
  const suite = await issueTrexSuite(infra, {
    salt: `test:trex:${modules.join("+")}:${allowedCountries.join("+")}`,
    owner: accounts.owner.address,
    agent: accounts.agent,
    name: "Test Share",
    symbol: "TSH",
    decimals: 0,
    claimTopics: [TREX_KYC_TOPIC],
    allowedCountries,
    modules,
    maxBalance: MAX_BALANCE,
  });
  const { alice, bob, carol, dave, erin } = accounts;
  const countries: [Signer, number][] = [
    [alice, CHINA],
    [bob, HONG_KONG],
    [carol, HONG_KONG],
    [dave, NORTH_KOREA],
    [erin, HONG_KONG],
  ];
  for (const [investor, country] of countries) {
    const wallet = await investor.getAddress();
    await (
      await suite.identityRegistry.registerIdentity(wallet, await infra.idFactory.getIdentity(wallet), country)
    ).wait();
  }
  await (await suite.token.mint(alice.address, 50n)).wait();
  await (await suite.token.mint(carol.address, 95n)).wait();
  const tokenAs = (signer: Signer) => suite.token.connect(signer) as Contract;
  return { ...base, suite, tokenAs };
}

const countryFixture = () => suiteWith(TREX_BENCH_VARIANTS.country);
const countryMaxBalanceFixture = () => suiteWith(TREX_BENCH_VARIANTS.countryMaxBalance);
/** Misconfigured: KP is allowed. */
const everyCountryFixture = () => suiteWith(TREX_BENCH_VARIANTS.country, [CHINA, HONG_KONG, NORTH_KOREA]);

describe("T-REX reference suite (bench peer)", function () {
  describe("deployTrexInfrastructure", function () {
    it("uses the token implementation's version in the reference authority and wires both factories", async function () {
      const { infra } = await loadFixture(trexFixture);
      const token = new ethers.Contract(
        await infra.implementationAuthority.getTokenImplementation(),
        trexArtifact("token/Token.sol/Token.json").abi,
        ethers.provider,
      );
      const [major, minor, patch] = await infra.implementationAuthority.getCurrentVersion();
      expect(`${major}.${minor}.${patch}`).to.equal(await token.version());
      expect(await infra.implementationAuthority.isReferenceContract()).to.equal(true);
      expect(await infra.implementationAuthority.getTREXFactory()).to.equal(await infra.factory.getAddress());
      expect(await infra.factory.getImplementationAuthority()).to.equal(
        await infra.implementationAuthority.getAddress(),
      );
      expect(await infra.idFactory.isTokenFactory(await infra.factory.getAddress())).to.equal(true);
    });
  });

  describe("issueTrexSuite", function () {
    it("binds every module to the suite's compliance with its settings", async function () {
      const { infra, suite } = await loadFixture(trexFixture);
      const compliance = await suite.compliance.getAddress();
      const modules = await Promise.all(TREX_MODULES.map((name) => infra.modules[name].getAddress()));
      expect(await suite.compliance.getModules()).to.deep.equal(modules);
      expect(await suite.compliance.getTokenBound()).to.equal(await suite.token.getAddress());
      const countries = infra.modules.CountryAllowModule;
      expect(await countries.isCountryAllowed(compliance, CHINA)).to.equal(true);
      expect(await countries.isCountryAllowed(compliance, HONG_KONG)).to.equal(true);
      expect(await countries.isCountryAllowed(compliance, NORTH_KOREA)).to.equal(false);
      const limits = await infra.modules.TimeTransfersLimitsModule.getTimeTransferLimits(compliance);
      expect(limits.map(([limitTime, limitValue]: [bigint, bigint]) => [limitTime, limitValue])).to.deep.equal([
        [BigInt(DAY), DAILY_LIMIT],
      ]);
    });

    it("hands every contract to the owner, names the agent and leaves the token unpaused", async function () {
      const { suite, accounts } = await loadFixture(trexFixture);
      expect(await suite.token.owner()).to.equal(accounts.owner.address);
      expect(await suite.compliance.owner()).to.equal(accounts.owner.address);
      expect(await suite.identityRegistry.owner()).to.equal(accounts.owner.address);
      expect(await suite.token.isAgent(accounts.agent.address)).to.equal(true);
      expect(await suite.identityRegistry.isAgent(accounts.agent.address)).to.equal(true);
      expect(await suite.token.paused()).to.equal(false);
      expect(await suite.token.onchainID()).to.not.equal(ethers.ZeroAddress);
      expect(Object.keys(suite.gas)).to.deep.equal(["deployTREXSuite", "unpause"]);
    });
  });

  describe("onboardTrexInvestor", function () {
    it("verifies an investor whose claim the trusted issuer signed", async function () {
      const { suite, accounts } = await loadFixture(trexFixture);
      expect(await suite.identityRegistry.isVerified(accounts.bob.address)).to.equal(true);
      expect(await suite.identityRegistry.investorCountry(accounts.bob.address)).to.equal(HONG_KONG);
    });

    it("leaves an investor registered without a claim unverified", async function () {
      const { suite, accounts } = await loadFixture(trexFixture);
      expect(await suite.identityRegistry.contains(accounts.erin.address)).to.equal(true);
      expect(await suite.identityRegistry.isVerified(accounts.erin.address)).to.equal(false);
    });
  });

  describe("transfer", function () {
    it("moves tokens between verified investors in allowed countries and updates the modules' counters", async function () {
      const { infra, suite, tokenAs, accounts } = await loadFixture(trexFixture);
      const { alice, bob } = accounts;
      await expect(tokenAs(alice).transfer(bob.address, 3n))
        .to.emit(suite.token, "Transfer")
        .withArgs(alice.address, bob.address, 3n);
      expect(await suite.token.balanceOf(alice.address)).to.equal(47n);
      expect(await suite.token.balanceOf(bob.address)).to.equal(3n);
      const compliance = await suite.compliance.getAddress();
      const bobId = await suite.identityRegistry.identity(bob.address);
      expect(await infra.modules.MaxBalanceModule.getIDBalance(compliance, bobId)).to.equal(3n);
      const aliceId = await suite.identityRegistry.identity(alice.address);
      const [sent] = await infra.modules.TimeTransfersLimitsModule.usersCounters(compliance, aliceId, DAY);
      expect(sent).to.equal(3n);
    });

    context("when the recipient's country is not on the allow-list", function () {
      it("reverts with 'Transfer not possible' and moves nothing", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(trexFixture);
        const { alice, dave } = accounts;
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
        await expect(tokenAs(alice).transfer(dave.address, 1n)).to.be.revertedWith("Transfer not possible");
        expect(await suite.token.balanceOf(alice.address)).to.equal(50n);
        expect(await suite.token.balanceOf(dave.address)).to.equal(0n);
      });
    });

    context("when the recipient holds no valid claim", function () {
      it("reverts with 'Transfer not possible' and moves nothing", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(trexFixture);
        const { alice, erin } = accounts;
        await expect(tokenAs(alice).transfer(erin.address, 1n)).to.be.revertedWith("Transfer not possible");
        expect(await suite.token.balanceOf(erin.address)).to.equal(0n);
      });
    });

    context("when the recipient would hold more than the maximum balance", function () {
      it("reverts with 'Transfer not possible' and moves nothing", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(trexFixture);
        const { alice, carol } = accounts;
        await expect(tokenAs(alice).transfer(carol.address, MAX_BALANCE - 95n + 1n)).to.be.revertedWith(
          "Transfer not possible",
        );
        expect(await suite.token.balanceOf(carol.address)).to.equal(95n);
        await expect(tokenAs(alice).transfer(carol.address, MAX_BALANCE - 95n)).to.not.be.reverted;
      });
    });

    context("when the sender has used up its daily transfer limit", function () {
      it("reverts with 'Transfer not possible' until the window ends", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(trexFixture);
        const { alice, bob } = accounts;
        await (await tokenAs(alice).transfer(bob.address, DAILY_LIMIT)).wait();
        await expect(tokenAs(alice).transfer(bob.address, 1n)).to.be.revertedWith("Transfer not possible");
        expect(await suite.token.balanceOf(bob.address)).to.equal(DAILY_LIMIT);
        await time.increase(DAY);
        await expect(tokenAs(alice).transfer(bob.address, 1n)).to.not.be.reverted;
        expect(await suite.token.balanceOf(bob.address)).to.equal(DAILY_LIMIT + 1n);
      });
    });
  });

  describe("like-for-like suites (TREX_BENCH_VARIANTS)", function () {
    context("with CountryAllowModule only", function () {
      it("binds that module alone", async function () {
        const { infra, suite } = await loadFixture(countryFixture);
        expect(await suite.compliance.getModules()).to.deep.equal([
          await infra.modules.CountryAllowModule.getAddress(),
        ]);
        expect(suite.modules).to.deep.equal(["CountryAllowModule"]);
      });

      it("refuses a recipient in a country not allowed and one without a valid claim, and moves nothing", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(countryFixture);
        const { alice, dave, erin } = accounts;
        expect(await suite.identityRegistry.isVerified(dave.address)).to.equal(true);
        await expect(tokenAs(alice).transfer(dave.address, 1n)).to.be.revertedWith("Transfer not possible");
        await expect(tokenAs(alice).transfer(erin.address, 1n)).to.be.revertedWith("Transfer not possible");
        expect(await suite.token.balanceOf(alice.address)).to.equal(50n);
      });

      it("caps neither a recipient's balance nor what a sender moves in a day", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(countryFixture);
        const { alice, bob, carol } = accounts;
        await (await tokenAs(alice).transfer(carol.address, MAX_BALANCE - 95n + 1n)).wait();
        expect(await suite.token.balanceOf(carol.address)).to.equal(MAX_BALANCE + 1n);
        await (await tokenAs(alice).transfer(bob.address, DAILY_LIMIT + 1n)).wait();
        expect(await suite.token.balanceOf(bob.address)).to.equal(DAILY_LIMIT + 1n);
      });
    });

    context("with CountryAllowModule and MaxBalanceModule", function () {
      it("binds those two modules", async function () {
        const { infra, suite } = await loadFixture(countryMaxBalanceFixture);
        expect(await suite.compliance.getModules()).to.deep.equal([
          await infra.modules.CountryAllowModule.getAddress(),
          await infra.modules.MaxBalanceModule.getAddress(),
        ]);
      });

      it("refuses a receipt above the maximum balance and a recipient in a country not allowed", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(countryMaxBalanceFixture);
        const { alice, carol, dave } = accounts;
        await expect(tokenAs(alice).transfer(carol.address, MAX_BALANCE - 95n + 1n)).to.be.revertedWith(
          "Transfer not possible",
        );
        await expect(tokenAs(alice).transfer(dave.address, 1n)).to.be.revertedWith("Transfer not possible");
        expect(await suite.token.balanceOf(carol.address)).to.equal(95n);
        await expect(tokenAs(alice).transfer(carol.address, MAX_BALANCE - 95n)).to.not.be.reverted;
      });

      it("does not limit what a sender moves in a day", async function () {
        const { suite, tokenAs, accounts } = await loadFixture(countryMaxBalanceFixture);
        const { alice, bob } = accounts;
        await (await tokenAs(alice).transfer(bob.address, DAILY_LIMIT + 1n)).wait();
        expect(await suite.token.balanceOf(bob.address)).to.equal(DAILY_LIMIT + 1n);
      });
    });

    it("refuses to bind MaxBalanceModule without a maximum balance", async function () {
      const { infra, accounts } = await loadFixture(trexFixture);
      const error = await rejection(
        issueTrexSuite(infra, {
          salt: "test:trex:no-max",
          owner: accounts.owner.address,
          agent: accounts.agent,
          name: "Test Share",
          symbol: "TSH",
          decimals: 0,
          claimTopics: [TREX_KYC_TOPIC],
          allowedCountries: [CHINA],
          modules: ["MaxBalanceModule"],
        }),
      );
      expect(error.message).to.contain("MaxBalanceModule bound without a maxBalance");
    });
  });

  describe("expectTrexRulesOn (the bench's own sanity check)", function () {
    it("passes on suites whose modules refuse what they should", async function () {
      for (const fixture of [trexFixture, countryFixture, countryMaxBalanceFixture]) {
        const { infra, suite, accounts } = await loadFixture(fixture);
        await expectTrexRulesOn(infra, suite, accounts);
      }
    });

    it("fails when the suite binds other modules than it names", async function () {
      const { infra, suite, accounts } = await loadFixture(countryFixture);
      const error = await rejection(
        expectTrexRulesOn(infra, { ...suite, modules: TREX_BENCH_VARIANTS.countryMaxBalance }, accounts),
      );
      expect(error.message).to.contain("modules bound");
    });

    it("fails when a country it should refuse is allowed", async function () {
      const { infra, suite, accounts } = await loadFixture(everyCountryFixture);
      const error = await rejection(expectTrexRulesOn(infra, suite, accounts));
      expect(error.message).to.contain("country not allowed");
    });
  });

  describe("benchTrex", function () {
    it("measures the suite's issue, a transfer to a new holder above one to an existing holder, onboarding and a DvD swap", async function () {
      const [funder] = await ethers.getSigners();
      const bench = await benchTrex(funder, await ethers.getContractFactory("PlainERC20"));
      expect(Object.keys(bench.issue.steps)).to.deep.equal(["deployTREXSuite", "unpause"]);
      expect(bench.issue.total).to.equal(bench.issue.steps.deployTREXSuite + bench.issue.steps.unpause);
      expect(Object.keys(bench.onboard.steps)).to.deep.equal([
        "createIdentity",
        `addClaim.${TREX_KYC_TOPIC}`,
        "registerIdentity",
      ]);
      expect(bench.transferExisting).to.be.greaterThan(21_000);
      expect(bench.transferNew).to.be.greaterThan(bench.transferExisting);
      expect(bench.modules).to.deep.equal(TREX_MODULES);
      expect(Object.keys(bench.variants)).to.deep.equal(Object.keys(TREX_BENCH_VARIANTS));
      const { country, countryMaxBalance } = bench.variants;
      expect(country.modules).to.deep.equal(TREX_BENCH_VARIANTS.country);
      expect(countryMaxBalance.modules).to.deep.equal(TREX_BENCH_VARIANTS.countryMaxBalance);
      // Each module bound costs every transfer something: fewer modules, less gas.
      for (const kind of ["transferNew", "transferExisting"] as const) {
        expect(country[kind]).to.be.greaterThan(21_000);
        expect(countryMaxBalance[kind]).to.be.greaterThan(country[kind]);
        expect(bench[kind]).to.be.greaterThan(countryMaxBalance[kind]);
      }
      expect(country.transferNew).to.be.greaterThan(country.transferExisting);
      expect(countryMaxBalance.transferNew).to.be.greaterThan(countryMaxBalance.transferExisting);
      // The DvD swaps the like-for-like suite's token; the settlement (take) moves both legs, each a transfer at least.
      expect(bench.dvd.suite).to.equal(TREX_DVD_SUITE);
      expect(bench.dvd.initiate).to.be.greaterThan(21_000);
      expect(bench.dvd.take).to.be.greaterThan(country.transferExisting);
      expect(bench.dvd.approvals.token).to.be.greaterThan(21_000);
      expect(bench.dvd.approvals.erc20).to.be.greaterThan(21_000);
    });
  });
});
