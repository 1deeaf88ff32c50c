import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ComplianceProbeMock } from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import {
  BASELINE,
  checkTransferAs,
  Country,
  deploySuccessorPipeline,
  HOUR,
  NO_RULES,
  PROFESSIONAL,
  Restriction,
} from "../behaviors/CompliancePipeline.behavior";
import { complianceFixture, YEAR } from "./fixtures";

/**
 * Memo fields (ComplianceMemoLib): expiry in 256-second units, the pipeline's serial, epoch, configuration
 * version, recipient level.
 */
const memo = {
  until: (m: bigint) => (m & 0xffffffn) << 8n,
  serial: (m: bigint) => (m >> 24n) & 0xffn,
  epoch: (m: bigint) => (m >> 32n) & ((1n << 39n) - 1n),
  version: (m: bigint) => (m >> 71n) & 0xffffn,
  recipientLevel: (m: bigint) => m >> 87n === 1n,
};

/**
 * The compliance fixture (alice + aliceSecond and bob hold, carol holds nothing, dave lacks AML, stranger is not
 * registered) with the memos of a first allowed check of alice → bob.
 */
async function memoFixture() {
  const f = await complianceFixture();
  const { alice, bob } = f.accounts;
  const first = await checkTransferAs(f.compliance, f.asset, alice.address, bob.address, 1n, 0n, 0n, true);
  return { ...f, aliceMemo: first.fromMemo, bobMemo: first.toMemo };
}

type Fixture = Awaited<ReturnType<typeof memoFixture>>;

/**
 * `checkTransfer` from the asset with the given memos, asserting it gives `detectTransferRestriction`'s code
 * (I1), with no memo when it refuses; returns the code and the memos.
 */
async function checkAgrees(
  f: Fixture,
  from: string,
  to: string,
  amount: bigint,
  fromMemo: bigint,
  toMemo: bigint,
  recipientHolds?: boolean,
) {
  const holds = recipientHolds ?? (to !== ethers.ZeroAddress && (await f.token.balanceOf(to)) !== 0n);
  const result = await checkTransferAs(f.compliance, f.asset, from, to, amount, fromMemo, toMemo, holds);
  const expected = await f.compliance.detectTransferRestriction(f.asset, from, to, amount);
  expect(result.code, "checkTransfer's code").to.equal(Number(expected));
  if (result.code !== Restriction.None) expect([result.fromMemo, result.toMemo]).to.deep.equal([0n, 0n]);
  return result;
}

describe("Compliance memos", function () {
  describe("checkTransfer with no memo", function () {
    it("allows what detectTransferRestriction allows and returns recipient-level memos for both holders", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      const result = await checkAgrees(f, alice.address, bob.address, 1n, 0n, 0n);
      expect(result.code).to.equal(Restriction.None);
      const epoch = await f.contracts.identity.eligibilityEpoch();
      const expiry = (await f.contracts.identity.investorRecord(ethers.id("bob"))).expiry;
      for (const m of [result.fromMemo, result.toMemo]) {
        expect(memo.recipientLevel(m)).to.equal(true);
        expect(memo.epoch(m)).to.equal(epoch);
        expect(memo.version(m)).to.equal(await f.compliance.configurationVersion(f.asset));
        expect(memo.serial(m)).to.equal(await f.compliance.pipelineSerial());
      }
      // The expiry is recorded in 256-second units, rounded down: a memo lapses before the attestation, never after.
      expect(memo.until(result.toMemo)).to.equal((expiry / 256n) * 256n);
    });

    it("refuses what detectTransferRestriction refuses, with no memo", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, stranger } = f.accounts;
      const result = await checkAgrees(f, alice.address, stranger.address, 1n, 0n, 0n);
      expect(result.code).to.equal(Restriction.RecipientNotVerified);
      const fromDave = await checkAgrees(f, f.dave.address, alice.address, 1n, 0n, 0n);
      expect(fromDave.code).to.equal(Restriction.SenderNotVerified);
    });

    it("gives a mint no sender memo", async function () {
      const f = await loadFixture(memoFixture);
      const result = await checkAgrees(f, ethers.ZeroAddress, f.accounts.carol.address, 1n, 0n, 0n);
      expect(result.code).to.equal(Restriction.None);
      expect(result.fromMemo).to.equal(0n);
      expect(memo.recipientLevel(result.toMemo)).to.equal(true);
    });

    it("allows a burn and returns the memos it was given", async function () {
      const f = await loadFixture(memoFixture);
      const result = await checkTransferAs(
        f.compliance,
        f.asset,
        f.accounts.alice.address,
        ethers.ZeroAddress,
        1n,
        f.aliceMemo,
        7n,
        false,
      );
      expect(result).to.deep.equal({ code: Restriction.None, fromMemo: f.aliceMemo, toMemo: 7n, toWord: 0n });
    });

    it("answers AssetNotConfigured for an asset with no configuration, with no memo", async function () {
      const f = await loadFixture(memoFixture);
      const other = ethers.Wallet.createRandom().address;
      const { alice, bob } = f.accounts;
      const result = await checkTransferAs(f.compliance, other, alice.address, bob.address, 1n, 0n, 0n, true);
      expect(result).to.deep.equal({ code: Restriction.AssetNotConfigured, fromMemo: 0n, toMemo: 0n, toWord: 0n });
    });

    it("gives a sender that only passes as a sender a sender-level memo, which does not vouch for it as recipient", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      // Alice (US) holds from before the allow-list, which admits Germany only.
      await f.compliance.connect(f.accounts.regulator).configureAsset(f.asset, { ...NO_RULES, countryAllowList: true });
      await f.compliance.connect(f.accounts.regulator).setCountriesAllowed(f.asset, [Country.DE], true);
      const result = await checkAgrees(f, alice.address, bob.address, 1n, 0n, 0n);
      expect(result.code).to.equal(Restriction.None);
      expect(memo.recipientLevel(result.fromMemo)).to.equal(false);
      expect(memo.recipientLevel(result.toMemo)).to.equal(true);
      // Bob → alice with those memos: alice's memo vouches for a sender only.
      const back = await checkAgrees(f, bob.address, alice.address, 1n, result.toMemo, result.fromMemo);
      expect(back.code).to.equal(Restriction.CountryNotAllowed);
      // As a sender again, it vouches.
      const again = await checkAgrees(f, alice.address, bob.address, 1n, result.fromMemo, result.toMemo);
      expect(again).to.deep.equal({
        code: Restriction.None,
        fromMemo: result.fromMemo,
        toMemo: result.toMemo,
        toWord: 0n,
      });
    });
  });

  describe("checkTransfer with the memos of an earlier check", function () {
    it("vouches for both parties: the same memos come back", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      const result = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
      expect(result).to.deep.equal({ code: Restriction.None, fromMemo: f.aliceMemo, toMemo: f.bobMemo, toWord: 0n });
    });

    it("still applies halts, which leave the memos valid", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      const supervisor = f.compliance.connect(f.accounts.exchange);
      const version = await f.compliance.configurationVersion(f.asset);
      await supervisor.haltTrading(f.asset, (await time.latest()) + HOUR, ethers.ZeroHash);
      const halted = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
      expect(halted.code).to.equal(Restriction.TradingHalted);
      await supervisor.resumeTrading(f.asset);
      expect(await f.compliance.configurationVersion(f.asset)).to.equal(version);
      const resumed = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
      expect(resumed).to.deep.equal({ code: Restriction.None, fromMemo: f.aliceMemo, toMemo: f.bobMemo, toWord: 0n });
    });

    it("still applies the lock-up, read from the configuration word", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      const admin = f.compliance.connect(f.accounts.regulator);
      await admin.configureAsset(f.asset, { ...NO_RULES, lockupUntil: (await time.latest()) + HOUR });
      const fresh = await checkAgrees(f, ethers.ZeroAddress, bob.address, 1n, 0n, 0n);
      const first = await checkAgrees(f, ethers.ZeroAddress, alice.address, 1n, 0n, 0n);
      const locked = await checkAgrees(f, alice.address, bob.address, 1n, first.toMemo, fresh.toMemo);
      expect(locked.code).to.equal(Restriction.LockedUp);
    });

    for (const [who, party] of [
      ["sender", "alice"],
      ["recipient", "bob"],
    ] as const) {
      it(`refuses once the ${who}'s attestation has expired`, async function () {
        const f = await loadFixture(memoFixture);
        const { alice, bob } = f.accounts;
        const expiry = (await time.latest()) + HOUR;
        const kyc = f.contracts.identity.connect(f.accounts.kycProvider);
        const record = await f.contracts.identity.investorRecord(ethers.id(party));
        await kyc.updateInvestor(ethers.id(party), record.country, record.claims, expiry);
        const fresh = await checkAgrees(f, alice.address, bob.address, 1n, 0n, 0n);
        expect(fresh.code).to.equal(Restriction.None);
        // Still vouched for shortly before the expiry…
        await time.increaseTo(expiry - 600);
        const before = await checkAgrees(f, alice.address, bob.address, 1n, fresh.fromMemo, fresh.toMemo);
        expect(before).to.deep.equal({
          code: Restriction.None,
          fromMemo: fresh.fromMemo,
          toMemo: fresh.toMemo,
          toWord: 0n,
        });
        // …refused from the expiry on.
        await time.increaseTo(expiry);
        const after = await checkAgrees(f, alice.address, bob.address, 1n, fresh.fromMemo, fresh.toMemo);
        expect(after.code).to.equal(
          who === "sender" ? Restriction.SenderNotVerified : Restriction.RecipientNotVerified,
        );
      });
    }
  });

  describe("the registry's eligibility epoch", function () {
    type Change = [string, (f: Fixture) => Promise<unknown>, number];
    const far = () => time.latest().then((now) => now + YEAR);
    const kyc = (f: Fixture) => f.contracts.identity.connect(f.accounts.kycProvider);
    const changes: Change[] = [
      [
        "updateInvestor withdrawing the recipient's AML claim",
        async (f) => kyc(f).updateInvestor(ethers.id("bob"), Country.DE, claimsOf([Claim.KYC]), await far()),
        Restriction.RecipientNotVerified,
      ],
      [
        "updateInvestors moving the sender nowhere (a re-attestation)",
        async (f) =>
          kyc(f).updateInvestors([ethers.id("alice")], [Country.US], [BASELINE | PROFESSIONAL], [await far()]),
        Restriction.None,
      ],
      [
        "removeWallet of the sender",
        (f) => kyc(f).removeWallet(f.accounts.alice.address),
        Restriction.SenderNotVerified,
      ],
      [
        "removeWallets of the recipient",
        (f) => kyc(f).removeWallets([f.accounts.bob.address]),
        Restriction.RecipientNotVerified,
      ],
      [
        "recoverWallet of the sender",
        (f) => kyc(f).recoverWallet(f.accounts.alice.address, f.accounts.stranger.address),
        Restriction.SenderNotVerified,
      ],
      [
        "removeInvestor of the recipient",
        (f) => kyc(f).removeInvestor(ethers.id("bob")),
        Restriction.RecipientNotVerified,
      ],
      [
        "removeInvestors of the sender",
        (f) => kyc(f).removeInvestors([ethers.id("alice")]),
        Restriction.SenderNotVerified,
      ],
      [
        "setBaselineClaims requiring a claim the recipient lacks",
        (f) => f.contracts.identity.connect(f.accounts.governor).setBaselineClaims(BASELINE | PROFESSIONAL),
        Restriction.RecipientNotVerified,
      ],
    ];
    for (const [name, change, code] of changes) {
      it(`advances on ${name}: the earlier memos no longer vouch (code ${code})`, async function () {
        const f = await loadFixture(memoFixture);
        const { alice, bob } = f.accounts;
        const epoch = await f.contracts.identity.eligibilityEpoch();
        await change(f);
        expect(await f.contracts.identity.eligibilityEpoch()).to.equal(epoch + 1n);
        const result = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
        expect(result.code).to.equal(code);
        if (code === Restriction.None) {
          // Re-established at the new epoch.
          expect(memo.epoch(result.fromMemo)).to.equal(epoch + 1n);
          expect(memo.epoch(result.toMemo)).to.equal(epoch + 1n);
        }
      });
    }

    for (const [name, change] of [
      [
        "registerInvestor",
        async (f: Fixture) => kyc(f).registerInvestor(ethers.id("erin"), Country.FR, BASELINE, await far(), []),
      ],
      [
        "addWallet to the recipient's investor",
        (f: Fixture) => kyc(f).addWallet(ethers.id("bob"), f.accounts.stranger.address),
      ],
    ] as const) {
      it(`does not advance on ${name}: the memos still vouch`, async function () {
        const f = await loadFixture(memoFixture);
        const { alice, bob } = f.accounts;
        const epoch = await f.contracts.identity.eligibilityEpoch();
        await change(f);
        expect(await f.contracts.identity.eligibilityEpoch()).to.equal(epoch);
        const result = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
        expect(result).to.deep.equal({ code: Restriction.None, fromMemo: f.aliceMemo, toMemo: f.bobMemo, toWord: 0n });
      });
    }
  });

  describe("the asset's configuration version", function () {
    type Write = [string, (f: Fixture) => Promise<unknown>, number];
    const admin = (f: Fixture) => f.compliance.connect(f.accounts.regulator);
    const writes: Write[] = [
      [
        "configureAsset requiring a claim the recipient lacks",
        (f) => admin(f).configureAsset(f.asset, { ...NO_RULES, requiredClaims: PROFESSIONAL }),
        Restriction.RecipientMissingClaims,
      ],
      [
        "setCountriesBlocked listing a country when the block-list is on",
        async (f) => {
          await admin(f).configureAsset(f.asset, { ...NO_RULES, countryBlockList: true });
          return admin(f).setCountriesBlocked(f.asset, [Country.DE], true);
        },
        Restriction.CountryBlocked,
      ],
      ["setCountriesAllowed", (f) => admin(f).setCountriesAllowed(f.asset, [Country.JP], true), Restriction.None],
      ["setMaxBalance", (f) => admin(f).setMaxBalance(f.asset, 10n ** 9n), Restriction.None],
      ["addExternalRule", (f) => admin(f).addExternalRule(f.asset, f.rule), Restriction.None],
    ];
    for (const [name, write, code] of writes) {
      it(`grows with ${name}: the earlier memos no longer vouch (code ${code})`, async function () {
        const f = await loadFixture(memoFixture);
        const { alice, bob } = f.accounts;
        const version = await f.compliance.configurationVersion(f.asset);
        await write(f);
        expect(await f.compliance.configurationVersion(f.asset)).to.be.greaterThan(version);
        const result = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
        expect(result.code).to.equal(code);
        if (code === Restriction.None) {
          expect(memo.version(result.toMemo)).to.equal(await f.compliance.configurationVersion(f.asset));
          expect(result.toMemo).to.not.equal(f.bobMemo);
        }
      });
    }

    it("makes memos made under an allow-list lapse when the list drops the recipient's country", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      await admin(f).configureAsset(f.asset, { ...NO_RULES, countryAllowList: true });
      await admin(f).setCountriesAllowed(f.asset, [Country.US, Country.DE], true);
      const made = await checkAgrees(f, alice.address, bob.address, 1n, 0n, 0n);
      expect(made.code).to.equal(Restriction.None);
      await admin(f).setCountriesAllowed(f.asset, [Country.DE], false);
      const result = await checkAgrees(f, alice.address, bob.address, 1n, made.fromMemo, made.toMemo);
      expect(result.code).to.equal(Restriction.CountryNotAllowed);
    });

    it("makes memos lapse when an external rule is removed and added again", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      await admin(f).addExternalRule(f.asset, f.rule);
      const made = await checkAgrees(f, alice.address, bob.address, 1n, 0n, 0n);
      await admin(f).removeExternalRule(f.asset, f.rule);
      const result = await checkAgrees(f, alice.address, bob.address, 1n, made.fromMemo, made.toMemo);
      expect(result.code).to.equal(Restriction.None);
      expect(memo.version(result.fromMemo)).to.equal(memo.version(made.fromMemo) + 1n);
    });
  });

  describe("memos of another pipeline on the same registry", function () {
    /**
     * The memo fixture and a successor pipeline on the same identity registry where the asset is configured
     * (version 1, as on the first pipeline) to require PROFESSIONAL of recipients, which bob lacks.
     */
    async function successorFixture() {
      const f = await memoFixture();
      const successor = await deploySuccessorPipeline(f.compliance, f.accounts.governor);
      await successor
        .connect(f.accounts.regulator)
        .configureAsset(f.asset, { ...NO_RULES, requiredClaims: PROFESSIONAL });
      return { ...f, successor };
    }

    it("are bound to their pipeline by its serial: 1 for the registry's first, 2 for its successor", async function () {
      const f = await loadFixture(successorFixture);
      expect(await f.compliance.pipelineSerial()).to.equal(1n);
      expect(await f.successor.pipelineSerial()).to.equal(2n);
      expect(memo.serial(f.aliceMemo)).to.equal(1n);
      const { alice, carol } = f.accounts;
      const made = await checkTransferAs(f.successor, f.asset, alice.address, carol.address, 1n, 0n, 0n, false);
      expect(made.code).to.equal(Restriction.RecipientMissingClaims);
      const mint = await checkTransferAs(f.successor, f.asset, ethers.ZeroAddress, alice.address, 1n, 0n, 0n, true);
      expect(mint.code).to.equal(Restriction.None);
      expect(memo.serial(mint.toMemo)).to.equal(2n);
      // Same epoch and version as the first pipeline's memos: only the serial differs.
      expect(memo.epoch(mint.toMemo)).to.equal(memo.epoch(f.aliceMemo));
      expect(memo.version(mint.toMemo)).to.equal(memo.version(f.aliceMemo));
    });

    it("never vouch: the successor refuses what its own rules refuse, memos of the first pipeline given", async function () {
      const f = await loadFixture(successorFixture);
      const { alice, bob } = f.accounts;
      expect(await f.successor.configurationVersion(f.asset)).to.equal(
        await f.compliance.configurationVersion(f.asset),
      );
      const expected = await f.successor.detectTransferRestriction(f.asset, alice.address, bob.address, 1n);
      expect(expected).to.equal(BigInt(Restriction.RecipientMissingClaims));
      // Both parties' memos (the hot filter), the sender's only (the new-holder filter), the recipient's only.
      for (const [fromMemo, toMemo, holds] of [
        [f.aliceMemo, f.bobMemo, true],
        [f.aliceMemo, f.bobMemo, false],
        [f.aliceMemo, 0n, true],
        [0n, f.bobMemo, true],
      ] as const) {
        const result = await checkTransferAs(
          f.successor,
          f.asset,
          alice.address,
          bob.address,
          1n,
          fromMemo,
          toMemo,
          holds,
        );
        expect(result.code, `memos ${fromMemo} → ${toMemo}`).to.equal(Restriction.RecipientMissingClaims);
        expect([result.fromMemo, result.toMemo]).to.deep.equal([0n, 0n]);
      }
      // A mint to bob with bob's memo of the first pipeline.
      const mint = await checkTransferAs(
        f.successor,
        f.asset,
        ethers.ZeroAddress,
        bob.address,
        1n,
        0n,
        f.bobMemo,
        true,
      );
      expect(mint.code).to.equal(Restriction.RecipientMissingClaims);
    });

    it("never vouch the other way either: the first pipeline judges a successor's memos afresh", async function () {
      const f = await loadFixture(successorFixture);
      const { alice, bob } = f.accounts;
      // A recipient-level memo of the successor for alice; the first pipeline now refuses alice as recipient.
      const made = await checkTransferAs(f.successor, f.asset, ethers.ZeroAddress, alice.address, 1n, 0n, 0n, true);
      await f.compliance.connect(f.accounts.regulator).setCountriesBlocked(f.asset, [Country.US], true);
      await f.compliance.connect(f.accounts.regulator).configureAsset(f.asset, { ...NO_RULES, countryBlockList: true });
      // Versions 3 on the first pipeline: bring the successor's to 3 too.
      await f.successor.connect(f.accounts.regulator).configureAsset(f.asset, NO_RULES);
      await f.successor.connect(f.accounts.regulator).configureAsset(f.asset, NO_RULES);
      expect(await f.successor.configurationVersion(f.asset)).to.equal(
        await f.compliance.configurationVersion(f.asset),
      );
      const again = await checkTransferAs(f.successor, f.asset, bob.address, alice.address, 1n, 0n, 0n, true);
      expect(again.code).to.equal(Restriction.None);
      for (const toMemo of [made.toMemo, again.toMemo]) {
        const result = await checkTransferAs(
          f.compliance,
          f.asset,
          bob.address,
          alice.address,
          1n,
          again.fromMemo,
          toMemo,
          true,
        );
        expect(result.code).to.equal(Restriction.CountryBlocked);
      }
    });
  });

  describe("the recipient's eligibility word it returns", function () {
    const storeWord = async (f: Fixture, wallet: string) =>
      (await ethers.getContractAt("IEligibilityStore", await f.compliance.eligibilityStore())).eligibilityOf(wallet);

    it("is the store's word when the check read it: a recipient with no memo, the sender vouched for", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, carol } = f.accounts;
      const result = await checkAgrees(f, alice.address, carol.address, 1n, f.aliceMemo, 0n);
      expect(result.code).to.equal(Restriction.None);
      expect(result.toWord).to.equal(await storeWord(f, carol.address));
      expect(result.toWord).to.not.equal(0n);
    });

    it("is the store's word after the full evaluation (no memo at all) and for a mint", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, carol } = f.accounts;
      const full = await checkAgrees(f, alice.address, carol.address, 1n, 0n, 0n);
      expect(full.toWord).to.equal(await storeWord(f, carol.address));
      const mint = await checkAgrees(f, ethers.ZeroAddress, carol.address, 1n, 0n, 0n);
      expect(mint.toWord).to.equal(await storeWord(f, carol.address));
    });

    it("is zero when the memos vouch for both parties (the words are not read)", async function () {
      const f = await loadFixture(memoFixture);
      const { alice, bob } = f.accounts;
      const result = await checkAgrees(f, alice.address, bob.address, 1n, f.aliceMemo, f.bobMemo);
      expect(result.toWord).to.equal(0n);
    });

    it("is zero when the check refuses", async function () {
      const f = await loadFixture(memoFixture);
      const { alice } = f.accounts;
      const result = await checkAgrees(f, alice.address, f.dave.address, 1n, f.aliceMemo, 0n);
      expect(result.code).to.equal(Restriction.RecipientNotVerified);
      expect(result.toWord).to.equal(0n);
    });
  });

  describe("the investor cap, as asked of the asset", function () {
    const CAP = 3;

    /**
     * A ComplianceProbeMock asset (its answers are whatever the test sets, so which question the pipeline asks
     * shows in the verdict) under an investor cap of 3, with the compliance fixture's investors.
     */
    async function probeFixture() {
      const f = await memoFixture();
      const probe = (await (
        await ethers.getContractFactory("ComplianceProbeMock")
      ).deploy(await f.compliance.getAddress())) as ComplianceProbeMock;
      const asset = await probe.getAddress();
      await f.compliance.connect(f.accounts.regulator).configureAsset(asset, { ...NO_RULES, maxInvestors: CAP });
      const { alice, bob } = f.accounts;
      const first = await checkTransferAs(f.compliance, asset, alice.address, bob.address, 1n, 0n, 0n, true);
      return { ...f, probe, probeAsset: asset, aliceMemo: first.fromMemo, bobMemo: first.toMemo };
    }

    const check = (f: Awaited<ReturnType<typeof probeFixture>>, to: string, toMemo: bigint, recipientHolds: boolean) =>
      checkTransferAs(
        f.compliance,
        f.probeAsset,
        f.accounts.alice.address,
        to,
        1n,
        f.aliceMemo,
        toMemo,
        recipientHolds,
      );

    it("is skipped when the recipient holds: the asset is not asked", async function () {
      const f = await loadFixture(probeFixture);
      // At the cap, and the asset would even say bob's investor holds nothing.
      await f.probe.setHolding(CAP, f.accounts.bob.address, 0n);
      expect((await check(f, f.accounts.bob.address, f.bobMemo, true)).code).to.equal(Restriction.None);
      expect((await check(f, f.accounts.bob.address, f.bobMemo, false)).code).to.equal(Restriction.MaxInvestorsReached);
    });

    it("takes a recipient holding nothing whose investor has one wallet for a new investor: only holderCount is asked", async function () {
      const f = await loadFixture(probeFixture);
      const { carol } = f.accounts;
      // The asset would say carol's investor holds: the pipeline does not ask.
      await f.probe.setHolding(CAP, carol.address, 5n);
      expect((await check(f, carol.address, 0n, false)).code).to.equal(Restriction.MaxInvestorsReached);
      await f.probe.setHolding(CAP - 1, carol.address, 5n);
      expect((await check(f, carol.address, 0n, false)).code).to.equal(Restriction.None);
    });

    it("reads the holder count the asset passes to checkTransfer; the memo-less views ask the asset", async function () {
      const f = await loadFixture(probeFixture);
      const { alice, carol } = f.accounts;
      // The asset would answer CAP; the count it passes decides.
      await f.probe.setHolding(CAP, carol.address, 0n);
      const passed = (holders: number) =>
        checkTransferAs(
          f.compliance,
          f.probeAsset,
          alice.address,
          carol.address,
          1n,
          f.aliceMemo,
          0n,
          false,
          BigInt(holders),
        );
      expect((await passed(CAP - 1)).code).to.equal(Restriction.None);
      expect((await passed(CAP)).code).to.equal(Restriction.MaxInvestorsReached);
      // Without memos (the full evaluation) too.
      const full = await checkTransferAs(
        f.compliance,
        f.probeAsset,
        alice.address,
        carol.address,
        1n,
        0n,
        0n,
        false,
        BigInt(CAP - 1),
      );
      expect(full.code).to.equal(Restriction.None);
      expect(await f.compliance.detectTransferRestriction(f.probeAsset, alice.address, carol.address, 1n)).to.equal(
        Restriction.MaxInvestorsReached,
      );
    });

    it("asks investorBalanceOf for a recipient whose investor has several wallets", async function () {
      const f = await loadFixture(probeFixture);
      const { bob, stranger } = f.accounts;
      await f.contracts.identity.connect(f.accounts.kycProvider).addWallet(ethers.id("bob"), stranger.address);
      await f.probe.setHolding(CAP, stranger.address, 5n);
      expect((await check(f, stranger.address, 0n, false)).code).to.equal(Restriction.None);
      await f.probe.setHolding(CAP, stranger.address, 0n);
      expect((await check(f, stranger.address, 0n, false)).code).to.equal(Restriction.MaxInvestorsReached);
      expect((await check(f, bob.address, f.bobMemo, false)).code).to.equal(Restriction.MaxInvestorsReached);
    });

    it("does not apply between two wallets of one investor, the sender vouched for by its memo", async function () {
      const f = await loadFixture(probeFixture);
      await f.probe.setHolding(CAP, f.aliceSecond.address, 0n);
      expect((await check(f, f.aliceSecond.address, 0n, false)).code).to.equal(Restriction.None);
    });
  });
});
