import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { Role } from "../../config/roles";
import {
  adHocFiling,
  annualReport,
  describeObligation,
  documentName,
  DISCLOSURE_DOCUMENTS,
  DISCLOSURE_PERIODS,
  ObligationKind,
  ObligationState,
  obligationState,
  type ObligationTerms,
} from "../../sdk/disclosure";
import { ProductType } from "../../sdk/assets";
import { Restriction } from "../../sdk/restrictions";
import { seatMember } from "../../scripts/lib/members";
import type { DisclosureSupervisor } from "../../typechain-types";
import { shouldBehaveLikeRestricted } from "../behaviors/restricted";
import { disclosureFixture, type DisclosureWorld as World } from "../fixtures/disclosure";
import { launchProgram } from "../fixtures/loyalty";
import { extraSigner } from "../fixtures/security";

const DAY = 86_400;
const MAX_UINT48 = 2n ** 48n - 1n;
const HOUR = 3_600;
const HORIZON = 10 * 365 * DAY;
const ANNUAL = DISCLOSURE_DOCUMENTS.annualReport;

/** A `withArgs` predicate: a time of the transaction's block, later than `now`. */
const after = (now: number) => (time: bigint) => time > BigInt(now) && time < BigInt(now + HOUR);

/** Terms due `days` from now (the next block's time is later than `now`). */
async function dueIn(days: number): Promise<number> {
  return (await time.latest()) + days * DAY;
}

/** Publishes the document `name` on the world's asset (the issuer's act) and returns its `lastModified`. */
async function publish(w: World, name: string, uri = "ipfs://report"): Promise<number> {
  await w.equity.connect(w.accounts.issuer).setDocument(name, uri, ethers.id(uri));
  return time.latest();
}

/** Adds `terms` to the asset's calendar as the exchange and returns the new id. */
async function add(w: World, terms: ObligationTerms): Promise<bigint> {
  const supervisor = w.supervisor.connect(w.accounts.exchange);
  const id = await supervisor.addObligation.staticCall(w.asset, terms);
  await supervisor.addObligation(w.asset, terms);
  return id;
}

/** Everything the supervisor keeps about an asset, for "nothing changed" checks. */
async function calendar(w: World, asset = w.asset) {
  return (await w.supervisor.obligationsOf(asset)).map((o) => [...o]);
}

describe("DisclosureSupervisor", function () {
  let w: World;
  let exchange: DisclosureSupervisor;

  beforeEach(async function () {
    w = await loadFixture(disclosureFixture);
    exchange = w.supervisor.connect(w.accounts.exchange);
  });

  describe("deployment", function () {
    it("is a UUPS proxy governed by the alliance authority, holding REGULATOR", async function () {
      expect(await w.supervisor.authority()).to.equal(await w.contracts.authority.getAddress());
      const [isRegulator, delay] = await w.contracts.authority.hasRole(Role.REGULATOR, w.supervisor);
      expect(isRegulator).to.equal(true);
      expect(delay).to.equal(0n);
      // The grant was made outside the member registry: REGULATOR stays administered by MEMBERSHIP.
      expect(await w.contracts.authority.getRoleAdmin(Role.REGULATOR)).to.equal(Role.MEMBERSHIP);
      await expect(w.supervisor.initialize(w.contracts.authority)).to.be.revertedWithCustomError(
        w.supervisor,
        "InvalidInitialization",
      );
    });
  });

  describe("access", function () {
    const calendarFunctions = [
      "addObligation(address,(uint8,bytes32,uint48,uint32,uint32,bool))",
      "amendObligation(address,uint32,uint48,uint32,bool)",
      "removeObligation(address,uint32)",
    ];
    shouldBehaveLikeRestricted(
      () => ({
        authority: w.contracts.authority,
        target: w.supervisor,
        callers: [...Object.values(w.accounts), w.agent],
      }),
      calendarFunctions,
      Role.MARKET_SUPERVISOR,
    );
    shouldBehaveLikeRestricted(
      () => ({ authority: w.contracts.authority, target: w.supervisor, callers: Object.values(w.accounts) }),
      ["upgradeToAndCall(address,bytes)"],
      Role.UPGRADER,
    );

    context("when the caller holds MARKET_SUPERVISOR but is not a venue of the asset", function () {
      it("reverts with DisclosureSupervisorNotVenue for a regulator and another asset's venue", async function () {
        const id = await add(w, adHocFiling("prospectus-supplement", await dueIn(10), DAY));
        const before = await calendar(w);
        for (const caller of [w.accounts.regulator, w.otherExchange]) {
          const s = w.supervisor.connect(caller);
          await expect(s.addObligation(w.asset, adHocFiling("x", await dueIn(10), 0)))
            .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotVenue")
            .withArgs(w.asset, caller.address);
          await expect(s.amendObligation(w.asset, id, await dueIn(20), 0, true))
            .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotVenue")
            .withArgs(w.asset, caller.address);
          await expect(s.removeObligation(w.asset, id))
            .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotVenue")
            .withArgs(w.asset, caller.address);
        }
        expect(await calendar(w)).to.deep.equal(before);
      });

      it("reverts once the exchange is no longer a venue, and the calendar stays", async function () {
        const id = await add(w, adHocFiling("x", await dueIn(10), 0, true));
        await w.contracts.compliance.connect(w.accounts.regulator).setVenue(w.asset, w.accounts.exchange, false);
        const before = await calendar(w);
        await expect(exchange.removeObligation(w.asset, id))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotVenue")
          .withArgs(w.asset, w.accounts.exchange.address);
        expect(await calendar(w)).to.deep.equal(before);
      });
    });

    context("when the venue is a suspended member", function () {
      it("reverts with AccessManagedUnauthorized: the suspension revoked MARKET_SUPERVISOR", async function () {
        await w.contracts.members.connect(w.accounts.governor).suspendMember(w.accounts.exchange, ethers.id("audit"));
        await expect(exchange.addObligation(w.asset, adHocFiling("x", await dueIn(10), 0)))
          .to.be.revertedWithCustomError(w.supervisor, "AccessManagedUnauthorized")
          .withArgs(w.accounts.exchange.address);
      });

      it("reverts with DisclosureSupervisorSuspendedMember when flagged while the role is still held", async function () {
        const id = await add(w, adHocFiling("x", await dueIn(10), 0));
        // The registry flags in the authority; here the flag is set alone, as if the revocation had not happened.
        const registry = await ethers.getImpersonatedSigner(await w.contracts.members.getAddress());
        await setBalance(registry.address, 10n ** 20n);
        await w.contracts.authority.connect(registry).setMemberSuspended(w.accounts.exchange, true);
        const before = await calendar(w);
        for (const call of [
          exchange.addObligation(w.asset, adHocFiling("y", await dueIn(10), 0)),
          exchange.amendObligation(w.asset, id, await dueIn(11), 0, false),
          exchange.removeObligation(w.asset, id),
        ]) {
          await expect(call)
            .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorSuspendedMember")
            .withArgs(w.accounts.exchange.address);
        }
        expect(await calendar(w)).to.deep.equal(before);
      });
    });
  });

  describe("addObligation", function () {
    it("adds the obligation, opens its window now and emits ObligationAdded", async function () {
      const terms = annualReport(await dueIn(120), 30 * DAY, true);
      await expect(exchange.addObligation(w.asset, terms))
        .to.emit(w.supervisor, "ObligationAdded")
        .withArgs(w.asset, 1n, w.accounts.exchange.address, Object.values(terms));
      const o = await w.supervisor.obligationOf(w.asset, 1n);
      expect(o.kind).to.equal(ObligationKind.Periodic);
      expect(o.documentName).to.equal(ANNUAL);
      expect(o.dueAt).to.equal(terms.dueAt);
      expect(o.period).to.equal(DISCLOSURE_PERIODS.annual);
      expect(o.windowOpensAt).to.equal(await time.latest());
      expect(o.state).to.equal(ObligationState.Upcoming);
      expect(await w.supervisor.isOverdue(w.asset, 1n)).to.equal(false);
      expect(await calendar(w, w.other)).to.deep.equal([]);
    });

    it("never reuses an id on the asset", async function () {
      const a = await add(w, adHocFiling("a", await dueIn(5), 0));
      await exchange.removeObligation(w.asset, a);
      expect(await add(w, adHocFiling("b", await dueIn(5), 0))).to.equal(a + 1n);
    });

    context("with bad input", function () {
      const cases: [string, (now: number) => ObligationTerms, string, (now: number) => unknown[]][] = [
        [
          "an empty document name",
          (now) => ({ ...adHocFiling("x", now + DAY, 0), documentName: ethers.ZeroHash }),
          "DisclosureSupervisorEmptyDocumentName",
          () => [],
        ],
        [
          "a periodic obligation with a zero period",
          (now) => ({ ...annualReport(now + DAY, 0), period: 0 }),
          "DisclosureSupervisorInvalidPeriod",
          () => [ObligationKind.Periodic, 0, 5 * 365 * DAY],
        ],
        [
          "a period beyond MAX_PERIOD",
          (now) => ({ ...annualReport(now + DAY, 0), period: 5 * 365 * DAY + 1 }),
          "DisclosureSupervisorInvalidPeriod",
          () => [ObligationKind.Periodic, 5 * 365 * DAY + 1, 5 * 365 * DAY],
        ],
        [
          "an ad-hoc obligation with a period",
          (now) => ({ ...adHocFiling("x", now + DAY, 0), period: DAY }),
          "DisclosureSupervisorInvalidPeriod",
          () => [ObligationKind.AdHoc, DAY, 5 * 365 * DAY],
        ],
        [
          "a grace beyond MAX_GRACE_PERIOD",
          (now) => adHocFiling("x", now + DAY, 180 * DAY + 1),
          "DisclosureSupervisorGraceTooLong",
          () => [180 * DAY + 1, 180 * DAY],
        ],
        [
          "a grace as long as the period",
          (now) => ({ ...annualReport(now + DAY, 10 * DAY), period: 10 * DAY }),
          "DisclosureSupervisorGraceTooLong",
          () => [10 * DAY, 10 * DAY - 1],
        ],
        [
          "a due date in the past",
          (now) => adHocFiling("x", now - DAY, 0),
          "DisclosureSupervisorDueDateInPast",
          (now) => [now - DAY, after(now)],
        ],
        [
          "a due date now",
          (now) => adHocFiling("x", now, 0),
          "DisclosureSupervisorDueDateInPast",
          (now) => [now, after(now)],
        ],
        [
          "a due date beyond the horizon",
          (now) => adHocFiling("x", now + HORIZON + HOUR, 0),
          "DisclosureSupervisorDueDateTooFar",
          (now) => [
            now + HORIZON + HOUR,
            (latest: bigint) => latest > BigInt(now + HORIZON) && latest < BigInt(now + HORIZON + HOUR),
          ],
        ],
      ];
      for (const [label, terms, error, args] of cases) {
        it(`reverts with ${error} for ${label}, and nothing changes`, async function () {
          await add(w, adHocFiling("existing", await dueIn(3), 0));
          const before = await calendar(w);
          const now = await time.latest();
          await expect(exchange.addObligation(w.asset, terms(now)))
            .to.be.revertedWithCustomError(w.supervisor, error)
            .withArgs(...args(now));
          expect(await calendar(w)).to.deep.equal(before);
        });
      }

      it("reverts with DisclosureSupervisorUnknownAsset for an address that is no registered asset", async function () {
        for (const asset of [w.accounts.stranger.address, await w.contracts.coin.getAddress()]) {
          await expect(exchange.addObligation(asset, adHocFiling("x", await dueIn(1), 0)))
            .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownAsset")
            .withArgs(asset);
          expect(await calendar(w, asset)).to.deep.equal([]);
        }
      });

      it("reverts with DisclosureSupervisorUnsupportedAsset for an asset that keeps no documents", async function () {
        const merchant = await extraSigner("disclosure merchant");
        await seatMember(w.contracts.members.connect(w.accounts.governor), merchant.address, "Merchant", "Shop", {
          leiHash: ethers.id("LEI:shop"),
        });
        const program = await (await launchProgram(w.contracts.factory, merchant)).getAddress();
        await expect(exchange.addObligation(program, adHocFiling("x", await dueIn(1), 0)))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnsupportedAsset")
          .withArgs(program, ProductType.LoyaltyCredit);
        expect(await calendar(w, program)).to.deep.equal([]);
      });

      it("reverts with DisclosureSupervisorTooManyObligations past MAX_OBLIGATIONS", async function () {
        const max = Number(await w.supervisor.MAX_OBLIGATIONS());
        for (let i = 0; i < max; i++) await add(w, adHocFiling(`filing-${i}`, await dueIn(5), 0));
        const before = await calendar(w);
        await expect(exchange.addObligation(w.asset, adHocFiling("one-more", await dueIn(5), 0)))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorTooManyObligations")
          .withArgs(w.asset, max);
        expect(await calendar(w)).to.deep.equal(before);
      });
    });
  });

  describe("amendObligation", function () {
    it("changes the due date, grace and halt flag and emits ObligationAmended", async function () {
      const id = await add(w, annualReport(await dueIn(30), DAY));
      const dueAt = await dueIn(60);
      await expect(exchange.amendObligation(w.asset, id, dueAt, 2 * DAY, true))
        .to.emit(w.supervisor, "ObligationAmended")
        .withArgs(w.asset, id, w.accounts.exchange.address, dueAt, 2 * DAY, true);
      const o = await w.supervisor.obligationOf(w.asset, id);
      expect([o.dueAt, o.gracePeriod, o.halts, o.documentName, o.period]).to.deep.equal([
        BigInt(dueAt),
        BigInt(2 * DAY),
        true,
        ANNUAL,
        BigInt(DISCLOSURE_PERIODS.annual),
      ]);
    });

    context("with bad input", function () {
      it("reverts for an unknown obligation, a past due date, a long grace or a fulfilled filing", async function () {
        const periodic = await add(w, { ...annualReport(await dueIn(30), DAY), period: 20 * DAY });
        const adHoc = await add(w, adHocFiling("notice", await dueIn(30), 0));
        await time.increase(DAY);
        await publish(w, documentName("notice"));
        await w.supervisor.recordFiling(w.asset, adHoc);
        const before = await calendar(w);
        const now = await time.latest();
        await expect(exchange.amendObligation(w.asset, 99n, now + DAY, 0, false))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
          .withArgs(w.asset, 99n);
        await expect(exchange.amendObligation(w.other, periodic, now + DAY, 0, false))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotVenue")
          .withArgs(w.other, w.accounts.exchange.address);
        await expect(exchange.amendObligation(w.asset, periodic, now - 1, 0, false))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorDueDateInPast")
          .withArgs(now - 1, after(now));
        await expect(exchange.amendObligation(w.asset, periodic, now + 10 * DAY, 20 * DAY, false))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorGraceTooLong")
          .withArgs(20 * DAY, 20 * DAY - 1);
        const fulfilledAt = (await w.supervisor.obligationOf(w.asset, adHoc)).fulfilledAt;
        await expect(exchange.amendObligation(w.asset, adHoc, now + 10 * DAY, 0, true))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorAlreadyFulfilled")
          .withArgs(w.asset, adHoc, fulfilledAt);
        expect(await calendar(w)).to.deep.equal(before);
      });
    });
  });

  describe("removeObligation", function () {
    it("removes the obligation and emits ObligationRemoved", async function () {
      const a = await add(w, adHocFiling("a", await dueIn(5), 0));
      const b = await add(w, adHocFiling("b", await dueIn(5), 0));
      await expect(exchange.removeObligation(w.asset, a))
        .to.emit(w.supervisor, "ObligationRemoved")
        .withArgs(w.asset, a, w.accounts.exchange.address);
      expect((await w.supervisor.obligationsOf(w.asset)).map((o) => o.id)).to.deep.equal([b]);
      await expect(w.supervisor.obligationOf(w.asset, a))
        .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
        .withArgs(w.asset, a);
    });

    it("reverts with DisclosureSupervisorUnknownObligation for an unknown or removed id, and nothing changes", async function () {
      const a = await add(w, adHocFiling("a", await dueIn(5), 0));
      await add(w, adHocFiling("b", await dueIn(5), 0));
      await exchange.removeObligation(w.asset, a);
      const before = await calendar(w);
      for (const id of [a, 0n, 77n]) {
        await expect(exchange.removeObligation(w.asset, id))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
          .withArgs(w.asset, id);
      }
      expect(await calendar(w)).to.deep.equal(before);
    });
  });

  describe("recordFiling", function () {
    it("fulfils an ad-hoc obligation by the document published in its window", async function () {
      const name = documentName("merger-notice");
      const id = await add(w, adHocFiling("merger-notice", await dueIn(10), 2 * DAY, true));
      await time.increase(DAY);
      const modified = await publish(w, name, "ipfs://merger");
      await expect(w.supervisor.connect(w.accounts.stranger).recordFiling(w.asset, id))
        .to.emit(w.supervisor, "DisclosureFiled")
        .withArgs(w.asset, id, name, ethers.id("ipfs://merger"), modified, 0n);
      const o = await w.supervisor.obligationOf(w.asset, id);
      expect(o.state).to.equal(ObligationState.Fulfilled);
      expect(o.fulfilledAt).to.equal(await time.latest());
      await time.increase(30 * DAY);
      expect(await w.supervisor.isOverdue(w.asset, id)).to.equal(false);
      expect(await w.supervisor.overdueOf(w.asset)).to.deep.equal([]);
    });

    it("rolls a periodic obligation to its next due date; the same document does not count twice", async function () {
      const due = await dueIn(100);
      const id = await add(w, annualReport(due, 30 * DAY, true));
      await time.increase(50 * DAY);
      const modified = await publish(w, ANNUAL);
      await expect(w.supervisor.recordFiling(w.asset, id))
        .to.emit(w.supervisor, "DisclosureFiled")
        .withArgs(w.asset, id, ANNUAL, ethers.id("ipfs://report"), modified, due + DISCLOSURE_PERIODS.annual);
      let o = await w.supervisor.obligationOf(w.asset, id);
      expect(o.dueAt).to.equal(due + DISCLOSURE_PERIODS.annual);
      // Filed before its due date: next year's window opens at this year's due date.
      expect(o.windowOpensAt).to.equal(due);
      await expect(w.supervisor.recordFiling(w.asset, id))
        .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorFilingOutsideWindow")
        .withArgs(w.asset, id, modified, due);
      // A late filing (inside the grace) opens the next window at the document's time.
      await time.increaseTo(due + DISCLOSURE_PERIODS.annual + 10 * DAY);
      const late = await publish(w, ANNUAL, "ipfs://report-2");
      await w.supervisor.recordFiling(w.asset, id);
      o = await w.supervisor.obligationOf(w.asset, id);
      expect(o.windowOpensAt).to.equal(late);
      expect(o.dueAt).to.equal(due + 2 * DISCLOSURE_PERIODS.annual);
      expect(o.state).to.equal(ObligationState.Upcoming);
    });

    context("with bad input", function () {
      it("reverts for an unknown obligation, a missing document, an early document, a second filing", async function () {
        const early = await publish(w, documentName("old-notice"));
        const id = await add(w, adHocFiling("old-notice", await dueIn(10), 0));
        const missing = await add(w, adHocFiling("never-published", await dueIn(10), 0));
        const before = await calendar(w);
        await expect(w.supervisor.recordFiling(w.asset, 42n))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
          .withArgs(w.asset, 42n);
        await expect(w.supervisor.recordFiling(w.other, id))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
          .withArgs(w.other, id);
        await expect(w.supervisor.recordFiling(w.asset, missing))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorDocumentMissing")
          .withArgs(w.asset, documentName("never-published"));
        // Published before the window opened (when the obligation was added): it does not count.
        const opened = (await w.supervisor.obligationOf(w.asset, id)).windowOpensAt;
        await expect(w.supervisor.recordFiling(w.asset, id))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorFilingOutsideWindow")
          .withArgs(w.asset, id, early, opened);
        expect(await calendar(w)).to.deep.equal(before);
        // Published again inside the window: it counts, once.
        await publish(w, documentName("old-notice"), "ipfs://new");
        await w.supervisor.recordFiling(w.asset, id);
        const fulfilledAt = (await w.supervisor.obligationOf(w.asset, id)).fulfilledAt;
        await expect(w.supervisor.recordFiling(w.asset, id))
          .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorAlreadyFulfilled")
          .withArgs(w.asset, id, fulfilledAt);
      });
    });
  });

  describe("overdue obligations", function () {
    it("are overdue only after the due date and the grace period", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, 3 * DAY));
      expect((await w.supervisor.obligationOf(w.asset, id)).state).to.equal(ObligationState.Upcoming);
      await time.increaseTo(due + DAY);
      expect((await w.supervisor.obligationOf(w.asset, id)).state).to.equal(ObligationState.InGrace);
      expect(await w.supervisor.isOverdue(w.asset, id)).to.equal(false);
      await time.increaseTo(due + 3 * DAY);
      expect(await w.supervisor.isOverdue(w.asset, id)).to.equal(false);
      await time.increaseTo(due + 3 * DAY + 1);
      expect(await w.supervisor.isOverdue(w.asset, id)).to.equal(true);
      const [overdue] = await w.supervisor.overdueOf(w.asset);
      expect(overdue.id).to.equal(id);
      expect(overdue.state).to.equal(ObligationState.Overdue);
    });

    it("flagOverdue reverts with DisclosureSupervisorNotOverdue before the grace ends, and for unknown ids", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, 3 * DAY, true));
      await time.increaseTo(due + DAY);
      await expect(w.supervisor.flagOverdue(w.asset, id))
        .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorNotOverdue")
        .withArgs(w.asset, id, due + 3 * DAY);
      await expect(w.supervisor.flagOverdue(w.asset, 9n))
        .to.be.revertedWithCustomError(w.supervisor, "DisclosureSupervisorUnknownObligation")
        .withArgs(w.asset, 9n);
      await expect(w.supervisor.isOverdue(w.asset, 9n)).to.be.revertedWithCustomError(
        w.supervisor,
        "DisclosureSupervisorUnknownObligation",
      );
      expect((await w.contracts.compliance.haltOf(w.asset)).until).to.equal(0n);
    });

    it("flagOverdue emits DisclosureOverdue and, for a halting obligation, halts trading", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, DAY, true));
      await time.increaseTo(due + DAY + 1);
      await expect(w.supervisor.connect(w.accounts.stranger).flagOverdue(w.asset, id))
        .to.emit(w.supervisor, "DisclosureOverdue")
        .withArgs(w.asset, id, documentName("notice"), due, due + DAY)
        .and.to.emit(w.supervisor, "DisclosureHaltImposed")
        .withArgs(w.asset, id)
        .and.to.emit(w.contracts.compliance, "TradingHalted")
        .withArgs(w.asset, await w.supervisor.getAddress(), MAX_UINT48, documentName("notice"));
      const [until, by] = await w.contracts.compliance.haltOf(w.asset);
      expect([until, by]).to.deep.equal([MAX_UINT48, await w.supervisor.getAddress()]);
      await expect(w.equity.connect(w.accounts.alice).transfer(w.accounts.bob, 1n))
        .to.be.revertedWithCustomError(w.equity, "SecurityTokenTransferRestricted")
        .withArgs(w.accounts.alice.address, w.accounts.bob.address, 1n, Restriction.TradingHalted);
      const explanation = await w.contracts.compliance.explainTransfer(w.asset, w.accounts.alice, w.accounts.bob, 1n);
      expect(explanation.code).to.equal(Restriction.TradingHalted);
      expect(explanation.detail).to.equal(MAX_UINT48);
      // Flagging again changes nothing but says so again.
      await expect(w.supervisor.flagOverdue(w.asset, id)).to.not.emit(w.supervisor, "DisclosureHaltImposed");
    });

    it("flagOverdue of an obligation that does not halt leaves trading open", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, 0, false));
      await time.increaseTo(due + 1);
      await expect(w.supervisor.flagOverdue(w.asset, id))
        .to.emit(w.supervisor, "DisclosureOverdue")
        .and.not.to.emit(w.supervisor, "DisclosureHaltImposed");
      await w.equity.connect(w.accounts.alice).transfer(w.accounts.bob, 1n);
    });

    it("the filing lifts the supervisor's halt, once no halting obligation is overdue", async function () {
      const due = await dueIn(10);
      const a = await add(w, adHocFiling("notice-a", due, 0, true));
      const b = await add(w, annualReport(due, 0, true));
      await time.increaseTo(due + 1);
      await w.supervisor.flagOverdue(w.asset, a);
      await publish(w, documentName("notice-a"));
      await expect(w.supervisor.recordFiling(w.asset, a)).to.not.emit(w.supervisor, "DisclosureHaltLifted");
      expect((await w.contracts.compliance.haltOf(w.asset)).by).to.equal(await w.supervisor.getAddress());
      await publish(w, ANNUAL);
      await expect(w.supervisor.recordFiling(w.asset, b))
        .to.emit(w.supervisor, "DisclosureHaltLifted")
        .withArgs(w.asset, b)
        .and.to.emit(w.contracts.compliance, "TradingResumed")
        .withArgs(w.asset, await w.supervisor.getAddress());
      expect((await w.contracts.compliance.haltOf(w.asset)).until).to.equal(0n);
      await w.equity.connect(w.accounts.alice).transfer(w.accounts.bob, 1n);
      expect(await w.equity.balanceOf(w.accounts.bob)).to.equal(1n);
    });

    it("an amendment or a removal that leaves nothing overdue lifts the supervisor's halt", async function () {
      const due = await dueIn(10);
      const a = await add(w, adHocFiling("a", due, 0, true));
      const b = await add(w, adHocFiling("b", due, 0, true));
      await time.increaseTo(due + 1);
      await w.supervisor.flagOverdue(w.asset, a);
      await expect(exchange.amendObligation(w.asset, a, await dueIn(5), 0, true)).to.not.emit(
        w.supervisor,
        "DisclosureHaltLifted",
      );
      await expect(exchange.removeObligation(w.asset, b))
        .to.emit(w.supervisor, "DisclosureHaltLifted")
        .withArgs(w.asset, b);
      expect((await w.contracts.compliance.haltOf(w.asset)).until).to.equal(0n);
    });

    it("a filing never lifts a regulator's halt, whether it came first or replaced the supervisor's", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, 0, true));
      const regulator = w.contracts.compliance.connect(w.accounts.regulator);
      await time.increaseTo(due + 1);
      // First: the regulator's halt is in force; flagging does not replace it.
      await regulator.imposeHalt(w.asset, MAX_UINT48, ethers.id("investigation"));
      await expect(w.supervisor.flagOverdue(w.asset, id)).to.not.emit(w.supervisor, "DisclosureHaltImposed");
      expect((await w.contracts.compliance.haltOf(w.asset)).by).to.equal(w.accounts.regulator.address);
      // Lifted, the supervisor halts; the regulator replaces that halt with its own; the filing leaves it.
      await regulator.liftHalt(w.asset);
      await w.supervisor.flagOverdue(w.asset, id);
      expect((await w.contracts.compliance.haltOf(w.asset)).by).to.equal(await w.supervisor.getAddress());
      await regulator.imposeHalt(w.asset, MAX_UINT48, ethers.id("investigation"));
      await publish(w, documentName("notice"));
      await expect(w.supervisor.recordFiling(w.asset, id)).to.not.emit(w.supervisor, "DisclosureHaltLifted");
      const [until, by] = await w.contracts.compliance.haltOf(w.asset);
      expect([until, by]).to.deep.equal([MAX_UINT48, w.accounts.regulator.address]);
    });

    it("a venue's halt is not replaced; the supervisor halts once it has ended", async function () {
      const due = await dueIn(10);
      const id = await add(w, adHocFiling("notice", due, 0, true));
      await time.increaseTo(due + 1);
      const venueHaltEnd = (await time.latest()) + 3_600;
      await w.contracts.compliance.connect(w.accounts.exchange).haltTrading(w.asset, venueHaltEnd, ethers.id("news"));
      await expect(w.supervisor.flagOverdue(w.asset, id)).to.not.emit(w.supervisor, "DisclosureHaltImposed");
      expect((await w.contracts.compliance.haltOf(w.asset)).by).to.equal(w.accounts.exchange.address);
      await time.increaseTo(venueHaltEnd + 1);
      await expect(w.supervisor.flagOverdue(w.asset, id)).to.emit(w.supervisor, "DisclosureHaltImposed");
      expect((await w.contracts.compliance.haltOf(w.asset)).by).to.equal(await w.supervisor.getAddress());
    });
  });

  describe("sdk/disclosure", function () {
    it("states and describes obligations as the contract does", async function () {
      const due = await dueIn(10);
      const id = await add(w, annualReport(due, 2 * DAY, true));
      for (const at of [due - DAY, due + DAY, due + 3 * DAY]) {
        await time.increaseTo(at);
        const o = await w.supervisor.obligationOf(w.asset, id);
        expect(obligationState(o, at)).to.equal(Number(o.state));
      }
      const o = await w.supervisor.obligationOf(w.asset, id);
      expect(describeObligation(o, due + 3 * DAY)).to.match(
        /^annual-report \(every 365 days\): overdue since .* UTC \(due .* UTC, a grace of 2 days\); trading halts until it is filed$/,
      );
      expect(
        describeObligation({ ...adHocFiling("notice", due, 0), id: 1, windowOpensAt: 0, fulfilledAt: due }, due),
      ).to.match(/^notice \(one-off\): filed /);
    });
  });
});
