import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { type BondTerms, DayCount, couponRate, couponSchedule, timestampOf as at } from "../../sdk/products/bond";
import { schedules } from "../tokens/security/bondSchedules";

const COIN = ethers.Wallet.createRandom().address;

function termsOf(overrides: Partial<BondTerms>): BondTerms {
  return {
    settlementCoin: COIN,
    faceValue: 1_000_000_000n,
    couponRate: couponRate(500),
    frequency: 2,
    dayCount: DayCount.Thirty360BondBasis,
    endOfMonth: false,
    issueDate: at("2024-01-15"),
    firstCouponDate: at("2024-07-15"),
    maturityDate: at("2027-01-15"),
    recordDays: 15,
    callableFrom: 0n,
    callNotice: 0,
    claimPeriod: 30 * 86_400,
    ...overrides,
  };
}

describe("BondScheduleLib", function () {
  async function libFixture() {
    const lib = await ethers.deployContract("BondScheduleLibMock");
    return { lib };
  }

  describe("schedule", function () {
    for (const example of schedules) {
      it(`derives the hand-computed table: ${example.title}`, async function () {
        const { lib } = await loadFixture(libFixture);
        const [starts, payments, records, amounts] = await lib.schedule(example.terms);
        expect(starts).to.deep.equal(example.periods.map((p) => at(p.start)));
        expect(payments).to.deep.equal(example.periods.map((p) => at(p.payment)));
        expect(records).to.deep.equal(example.periods.map((p) => at(p.record)));
        expect(amounts).to.deep.equal(example.periods.map((p) => p.amountPerUnit));
        expect(await lib.validate(example.terms)).to.equal(BigInt(example.periods.length));
      });
    }

    it("has no periods for a zero-coupon bond", async function () {
      const { lib } = await loadFixture(libFixture);
      const zero = termsOf({ frequency: 0, couponRate: 0n, firstCouponDate: 0n });
      expect(await lib.validate(zero)).to.equal(0n);
      expect((await lib.schedule(zero))[0]).to.deep.equal([]);
      expect(await lib.nextPeriod(zero, at("2025-01-01"), 0)).to.equal(0n);
    });

    it("agrees with the SDK's schedule preview on random terms", async function () {
      const { lib } = await loadFixture(libFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 19_000, max: 30_000 }), // issue day (2022 …)
          fc.integer({ min: 1, max: 400 }), // days to the first coupon
          fc.integer({ min: 0, max: 3_000 }), // days from the first coupon to maturity
          fc.constantFrom(1, 2, 3, 4, 6, 12),
          fc.constantFrom(0, 1, 2, 3, 4, 5),
          fc.boolean(),
          fc.bigInt({ min: 1n, max: 10n ** 24n }),
          fc.bigInt({ min: 0n, max: 10n ** 18n }),
          async (issueDay, toFirst, toMaturity, frequency, dayCount, endOfMonth, faceValue, rate) => {
            const day = (n: number) => BigInt(n) * 86_400n;
            const terms = termsOf({
              issueDate: day(issueDay),
              firstCouponDate: day(issueDay + toFirst),
              maturityDate: day(issueDay + toFirst + toMaturity),
              frequency,
              dayCount,
              endOfMonth,
              faceValue,
              couponRate: rate,
            });
            const expected = couponSchedule(terms);
            const [starts, payments, records, amounts] = await lib.schedule(terms);
            expect(starts).to.deep.equal(expected.map((p) => p.start));
            expect(payments).to.deep.equal(expected.map((p) => p.paymentDate));
            expect(records).to.deep.equal(expected.map((p) => p.recordDate));
            expect(amounts).to.deep.equal(expected.map((p) => p.amountPerUnit));
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe("nextPeriod", function () {
    // Semi-annual 2024-03-01 → stub to 2024-07-15 → … → 2026-07-15 (5 periods)
    const terms = termsOf({ issueDate: at("2024-03-01"), maturityDate: at("2026-07-15") });

    it("finds the first period paid after a date: the one running then", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.nextPeriod(terms, at("2024-02-29"), 5)).to.equal(1n); // before the issue date
      expect(await lib.nextPeriod(terms, at("2024-03-01"), 5)).to.equal(1n);
      expect(await lib.nextPeriod(terms, at("2024-07-15") - 1n, 5)).to.equal(1n);
      expect(await lib.nextPeriod(terms, at("2024-07-15"), 5)).to.equal(2n);
      expect(await lib.nextPeriod(terms, at("2026-07-14"), 5)).to.equal(5n);
      expect(await lib.nextPeriod(terms, at("2026-07-15"), 5)).to.equal(0n); // matured
      expect(await lib.nextPeriod(terms, at("2025-03-01"), 2)).to.equal(0n); // beyond a truncated schedule
    });

    it("accrues interest to a date inside the stub: 30/360 2024-03-01 → 2024-06-01 = 90 days", async function () {
      // 1,000,000,000 · 5 % · 90/360 = 12,500,000
      const { lib } = await loadFixture(libFixture);
      expect(await lib.interestPerUnit(terms, at("2024-03-01"), at("2024-06-01"))).to.equal(12_500_000n);
    });

    it("counts the periods paid by a call date", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.periodsPaidBy(terms, at("2025-01-14"))).to.equal(1n);
      expect(await lib.periodsPaidBy(terms, at("2025-01-15"))).to.equal(2n); // a call on a payment date keeps it
      expect(await lib.periodsPaidBy(terms, at("2025-06-30"))).to.equal(2n);
    });
  });

  describe("validate", function () {
    async function rejects(overrides: Partial<BondTerms>, error: string, args: unknown[]) {
      const { lib } = await loadFixture(libFixture);
      await expect(lib.validate(termsOf(overrides)))
        .to.be.revertedWithCustomError(lib, error)
        .withArgs(...args);
    }

    it("accepts the reference terms", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.validate(termsOf({}))).to.equal(6n);
    });

    it("reverts with BondSettlementCoinZero without a coin", async function () {
      await rejects({ settlementCoin: ethers.ZeroAddress }, "BondSettlementCoinZero", []);
    });

    it("reverts with BondFaceValueZero for a zero face value", async function () {
      await rejects({ faceValue: 0n }, "BondFaceValueZero", []);
    });

    for (const frequency of [5, 7, 24]) {
      it(`reverts with BondFrequencyInvalid for ${frequency} coupons a year`, async function () {
        await rejects({ frequency }, "BondFrequencyInvalid", [frequency, couponRate(500)]);
      });
    }

    it("reverts with BondFrequencyInvalid for a coupon schedule without a rate", async function () {
      await rejects({ couponRate: 0n }, "BondFrequencyInvalid", [2, 0n]);
    });

    it("reverts with BondClaimPeriodZero without a claim period", async function () {
      await rejects({ claimPeriod: 0 }, "BondClaimPeriodZero", []);
    });

    it("reverts with BondFrequencyInvalid for frequency 0 with a coupon rate", async function () {
      await rejects({ frequency: 0, firstCouponDate: 0n }, "BondFrequencyInvalid", [0, couponRate(500)]);
    });

    it("reverts with BondDatesInvalid when the first coupon is not after the issue date", async function () {
      await rejects({ firstCouponDate: at("2024-01-15") }, "BondDatesInvalid", [
        at("2024-01-15"),
        at("2024-01-15"),
        at("2027-01-15"),
      ]);
    });

    it("reverts with BondDatesInvalid when the first coupon is after maturity", async function () {
      await rejects({ firstCouponDate: at("2027-01-16") }, "BondDatesInvalid", [
        at("2024-01-15"),
        at("2027-01-16"),
        at("2027-01-15"),
      ]);
    });

    it("reverts with BondDatesInvalid for a zero-coupon bond with a first coupon date", async function () {
      await rejects({ frequency: 0, couponRate: 0n }, "BondDatesInvalid", [
        at("2024-01-15"),
        at("2024-07-15"),
        at("2027-01-15"),
      ]);
    });

    it("reverts with BondDatesInvalid for a zero-coupon bond maturing on its issue date", async function () {
      await rejects(
        { frequency: 0, couponRate: 0n, firstCouponDate: 0n, maturityDate: at("2024-01-15") },
        "BondDatesInvalid",
        [at("2024-01-15"), 0n, at("2024-01-15")],
      );
    });

    for (const field of ["issueDate", "firstCouponDate", "maturityDate", "callableFrom"] as const) {
      it(`reverts with BondDateNotMidnight when ${field} is not 00:00 UTC`, async function () {
        const base = termsOf({ callableFrom: at("2025-01-15") });
        const date = base[field] + 3_600n;
        const { lib } = await loadFixture(libFixture);
        await expect(lib.validate({ ...base, [field]: date }))
          .to.be.revertedWithCustomError(lib, "BondDateNotMidnight")
          .withArgs(date);
      });
    }

    it("reverts with BondTooManyCoupons beyond 1,200 periods", async function () {
      // Monthly from 2024-02-15: 2124-02-15 is date k = 1,200, so k = 0 … 1,199 fall before it, + the maturity period.
      await rejects(
        { frequency: 12, firstCouponDate: at("2024-02-15"), maturityDate: at("2124-02-15") },
        "BondTooManyCoupons",
        [1_201n, 1_200n],
      );
    });

    it("accepts exactly 1,200 periods", async function () {
      const { lib } = await loadFixture(libFixture);
      // 2124-01-15 is date k = 1,199: k = 0 … 1,198 (1,199 dates) fall before it, + the maturity period = 1,200.
      expect(
        await lib.validate(
          termsOf({ frequency: 12, firstCouponDate: at("2024-02-15"), maturityDate: at("2124-01-15") }),
        ),
      ).to.equal(1_200n);
    });

    for (const callableFrom of ["2024-01-15", "2027-01-15"]) {
      it(`reverts with BondCallableFromInvalid for a call from ${callableFrom}`, async function () {
        await rejects({ callableFrom: at(callableFrom) }, "BondCallableFromInvalid", [
          at(callableFrom),
          at("2024-01-15"),
          at("2027-01-15"),
        ]);
      });
    }
  });
});
