import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { DayCount, addMonths, dateOf, timestampOf, yearFraction } from "../../sdk/products/bond";

const DAY = 86_400n;
/** 00:00 UTC of an ISO date, as the contract takes it. */
const at = (iso: string) => timestampOf(iso);

describe("DayCountLib", function () {
  async function libFixture() {
    const lib = await ethers.deployContract("DayCountLibMock");
    return { lib };
  }

  describe("calendar", function () {
    it("numbers 1970-01-01 as day 0", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.daysFromCivil(1970, 1, 1)).to.equal(0n);
      expect(await lib.civilFromDays(0)).to.deep.equal([1970n, 1n, 1n]);
    });

    it("numbers 2024-02-29 as day 19,782", async function () {
      // 1970…2023 are 54 years with 13 leap years (1972, 1976, …, 2020): 54·365 + 13 = 19,723 days to 2024-01-01;
      // then January (31) and 28 more days of February: 19,723 + 59 = 19,782.
      const { lib } = await loadFixture(libFixture);
      expect(await lib.daysFromCivil(2024, 2, 29)).to.equal(19_782n);
      expect(await lib.civilFromDays(19_782)).to.deep.equal([2024n, 2n, 29n]);
      expect(await lib.toTimestamp(2024, 2, 29)).to.equal(19_782n * DAY); // 1,709,164,800
    });

    it("numbers 2000-03-01 as day 11,017 (after a 400-year leap day)", async function () {
      // 1970…1999: 30 years, 7 leap years (1972…1996): 10,957 days to 2000-01-01; + 31 + 29 (2000 is a leap
      // year, divisible by 400) = 11,017.
      const { lib } = await loadFixture(libFixture);
      expect(await lib.daysFromCivil(2000, 3, 1)).to.equal(11_017n);
      expect(await lib.civilFromDays(11_016)).to.deep.equal([2000n, 2n, 29n]);
    });

    it("knows the Gregorian leap years", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.isLeapYear(2024)).to.equal(true);
      expect(await lib.isLeapYear(2023)).to.equal(false);
      expect(await lib.isLeapYear(2100)).to.equal(false); // divisible by 100, not by 400
      expect(await lib.isLeapYear(2000)).to.equal(true); // divisible by 400
      expect(await lib.daysInMonth(2100, 2)).to.equal(28n);
      expect(await lib.daysInMonth(2024, 2)).to.equal(29n);
      expect(await lib.daysInMonth(2024, 4)).to.equal(30n);
      expect(await lib.daysInMonth(2024, 12)).to.equal(31n);
      expect(await lib.daysInMonth(2024, 13)).to.equal(0n);
    });

    it("reads the date of a timestamp inside the day", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.toDate(19_782n * DAY + DAY - 1n)).to.deep.equal([2024n, 2n, 29n]);
      expect(await lib.isLastDayOfMonth(at("2024-02-29"))).to.equal(true);
      expect(await lib.isLastDayOfMonth(at("2023-02-28"))).to.equal(true);
      expect(await lib.isLastDayOfMonth(at("2024-02-28"))).to.equal(false);
    });

    context("when the date does not exist", function () {
      for (const [y, m, d] of [
        [2023, 2, 29],
        [2024, 4, 31],
        [2024, 13, 1],
        [2024, 0, 1],
        [2024, 1, 0],
        [1969, 12, 31],
      ]) {
        it(`reverts with DayCountLibInvalidDate for ${y}-${m}-${d}`, async function () {
          const { lib } = await loadFixture(libFixture);
          await expect(lib.daysFromCivil(y, m, d))
            .to.be.revertedWithCustomError(lib, "DayCountLibInvalidDate")
            .withArgs(y, m, d);
        });
      }
    });

    it("agrees with the JavaScript calendar on every day from 1970 to 2400 (sampled)", async function () {
      const { lib } = await loadFixture(libFixture);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 157_000 }), async (day) => {
          const date = new Date(day * 86_400_000);
          const expected = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()].map(BigInt);
          expect(await lib.civilFromDays(day)).to.deep.equal(expected);
          expect(await lib.daysFromCivil(...(expected as [bigint, bigint, bigint]))).to.equal(BigInt(day));
        }),
        { numRuns: 60 },
      );
    });
  });

  describe("addMonths", function () {
    it("clips the day to the target month", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.addMonths(at("2024-01-31"), 1, false)).to.equal(at("2024-02-29"));
      expect(await lib.addMonths(at("2023-01-31"), 1, false)).to.equal(at("2023-02-28"));
      expect(await lib.addMonths(at("2024-01-31"), 3, false)).to.equal(at("2024-04-30"));
      expect(await lib.addMonths(at("2024-11-15"), 3, false)).to.equal(at("2025-02-15"));
    });

    it("keeps the time of day", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.addMonths(at("2024-01-31") + 3_600n, 13, false)).to.equal(at("2025-02-28") + 3_600n);
    });

    it("lands on the month's last day from a month end under the end-of-month rule", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.addMonths(at("2024-04-30"), 1, true)).to.equal(at("2024-05-31"));
      expect(await lib.addMonths(at("2024-04-30"), 1, false)).to.equal(at("2024-05-30"));
      expect(await lib.addMonths(at("2023-02-28"), 12, true)).to.equal(at("2024-02-29"));
      expect(await lib.addMonths(at("2024-04-29"), 1, true)).to.equal(at("2024-05-29")); // not a month end
    });
  });

  describe("coupon dates", function () {
    it("steps 12/frequency months from the anchor", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(await lib.monthsPerPeriod(1)).to.equal(12n);
      expect(await lib.monthsPerPeriod(2)).to.equal(6n);
      expect(await lib.monthsPerPeriod(4)).to.equal(3n);
      expect(await lib.monthsPerPeriod(12)).to.equal(1n);
      expect(await lib.couponDate(at("2024-03-15"), 2, 3, false)).to.equal(at("2025-09-15"));
    });

    it("computes each date from the anchor: a clipped February does not drag later dates", async function () {
      // Anchor 2023-11-30, quarterly, no end-of-month rule: Feb 2024 clips to the 29th, May returns to the 30th.
      const { lib } = await loadFixture(libFixture);
      const dates = await Promise.all([0, 1, 2, 3, 4].map((k) => lib.couponDate(at("2023-11-30"), 4, k, false)));
      expect(dates).to.deep.equal(["2023-11-30", "2024-02-29", "2024-05-30", "2024-08-30", "2024-11-30"].map(at));
    });

    it("keeps month ends under the end-of-month rule", async function () {
      // Anchor 2024-02-29 (a month end), quarterly: with the rule May 31, Aug 31, Nov 30, Feb 28; without it the
      // 29th of each month (Feb 2025 has only 28 days).
      const { lib } = await loadFixture(libFixture);
      const eom = await Promise.all([1, 2, 3, 4].map((k) => lib.couponDate(at("2024-02-29"), 4, k, true)));
      expect(eom).to.deep.equal(["2024-05-31", "2024-08-31", "2024-11-30", "2025-02-28"].map(at));
      const plain = await Promise.all([1, 2, 3, 4].map((k) => lib.couponDate(at("2024-02-29"), 4, k, false)));
      expect(plain).to.deep.equal(["2024-05-29", "2024-08-29", "2024-11-29", "2025-02-28"].map(at));
    });

    it("counts the regular dates before an end date", async function () {
      const { lib } = await loadFixture(libFixture);
      // Semi-annual from 2024-07-15: 2024-07-15, 2025-01-15, 2025-07-15, 2026-01-15 < 2026-01-16.
      expect(await lib.couponDatesBefore(at("2024-07-15"), 2, at("2026-01-16"), false)).to.equal(4n);
      // … but only three strictly before 2026-01-15 itself (the maturity is then the fourth payment date).
      expect(await lib.couponDatesBefore(at("2024-07-15"), 2, at("2026-01-15"), false)).to.equal(3n);
      expect(await lib.couponDatesBefore(at("2024-07-15"), 2, at("2026-01-14"), false)).to.equal(3n);
      expect(await lib.couponDatesBefore(at("2024-07-15"), 2, at("2024-07-15"), false)).to.equal(0n);
      expect(await lib.couponDatesBefore(at("2024-07-15"), 2, at("2024-07-16"), false)).to.equal(1n);
      // Monthly month ends from 2024-01-31 to 2024-12-31: Jan … Nov (11 dates).
      expect(await lib.couponDatesBefore(at("2024-01-31"), 12, at("2024-12-31"), true)).to.equal(11n);
    });

    for (const frequency of [0, 5, 7, 24]) {
      it(`reverts with DayCountLibInvalidFrequency for ${frequency} coupons a year`, async function () {
        const { lib } = await loadFixture(libFixture);
        await expect(lib.monthsPerPeriod(frequency))
          .to.be.revertedWithCustomError(lib, "DayCountLibInvalidFrequency")
          .withArgs(frequency);
        await expect(lib.couponDate(at("2024-01-01"), frequency, 1, false))
          .to.be.revertedWithCustomError(lib, "DayCountLibInvalidFrequency")
          .withArgs(frequency);
      });
    }
  });

  describe("yearFraction", function () {
    /** [convention, start, end, numerator, denominator, hand computation] */
    const table: [DayCount, string, string, bigint, bigint, string][] = [
      // 2024-01-31 → 2024-02-29
      [DayCount.Thirty360BondBasis, "2024-01-31", "2024-02-29", 29n, 360n, "D1 31→30, D2 29: 30·1 + (29−30) = 29"],
      [DayCount.Thirty360US, "2024-01-31", "2024-02-29", 29n, 360n, "D1 not Feb: D1 31→30; 30·1 + (29−30) = 29"],
      [DayCount.ThirtyE360, "2024-01-31", "2024-02-29", 29n, 360n, "D1 31→30: 30 − 1 = 29"],
      [DayCount.Actual365Fixed, "2024-01-31", "2024-02-29", 29n, 365n, "Feb 1…29 = 29 actual days"],
      [DayCount.Actual360, "2024-01-31", "2024-02-29", 29n, 360n, "29 actual days"],
      [DayCount.ActualActualISDA, "2024-01-31", "2024-02-29", 29n * 365n, 133_590n, "29 days in 2024: 29/366"],
      // 2024-02-29 → 2024-03-31: the end-of-February rule tells the three 30/360 variants apart
      [DayCount.Thirty360BondBasis, "2024-02-29", "2024-03-31", 32n, 360n, "D1 29 ≤ 29 keeps D2 31: 30 + 2"],
      [DayCount.Thirty360US, "2024-02-29", "2024-03-31", 30n, 360n, "D1 end of Feb→30, then D2 31→30: 30 + 0"],
      [DayCount.ThirtyE360, "2024-02-29", "2024-03-31", 31n, 360n, "D2 31→30, D1 stays 29: 30 + 1"],
      [DayCount.Actual365Fixed, "2024-02-29", "2024-03-31", 31n, 365n, "Mar 1…31 = 31 days"],
      // 2023-02-28 → 2024-02-29: both ends are the last day of February
      [DayCount.Thirty360BondBasis, "2023-02-28", "2024-02-29", 361n, 360n, "360·1 + 0 + (29−28) = 361"],
      [DayCount.Thirty360US, "2023-02-28", "2024-02-29", 360n, 360n, "both end of Feb: D2→30, D1→30: 360"],
      [DayCount.ThirtyE360, "2023-02-28", "2024-02-29", 361n, 360n, "no Feb rule: 360 + 1"],
      [DayCount.Actual365Fixed, "2023-02-28", "2024-02-29", 366n, 365n, "a year spanning 2024-02-29: 366 days"],
      // 2024-03-31 → 2024-05-31: D2 = 31 with D1 = 31
      [DayCount.Thirty360BondBasis, "2024-03-31", "2024-05-31", 60n, 360n, "D1 31→30, D2 31→30: 30·2 = 60"],
      [DayCount.ThirtyE360, "2024-03-30", "2024-05-31", 60n, 360n, "D2 31→30: 30·2 + 0 = 60"],
      [DayCount.Thirty360BondBasis, "2024-03-29", "2024-05-31", 62n, 360n, "D1 29 keeps D2 31: 60 + 2 = 62"],
      [DayCount.ThirtyE360, "2024-03-29", "2024-05-31", 61n, 360n, "D2 31→30 always: 60 + 1 = 61"],
      // ACT/365 across the 2024 leap day: Dec 15 → Dec 31 (16) + 1 to Jan 1 (17) + Jan…May (31+29+31+30+31 =
      // 152) + Jun 1…15 (14) = 183 days
      [DayCount.Actual365Fixed, "2023-12-15", "2024-06-15", 183n, 365n, "17 + 152 + 14 = 183 actual days"],
      [DayCount.Actual360, "2023-12-15", "2024-06-15", 183n, 360n, "183 actual days"],
      [DayCount.Thirty360BondBasis, "2023-12-15", "2024-06-15", 180n, 360n, "30·6 = 180"],
      // ISDA 2006 §4.16 commentary example: 2003-11-01 → 2004-05-01
      // Actual/Actual (ISDA): 61 days in 2003 (Nov 30 + Dec 31) / 365 + 121 days in 2004 (31+29+31+30) / 366 =
      // (61·366 + 121·365) / (365·366) = (22,326 + 44,165) / 133,590 = 66,491 / 133,590 ≈ 0.49772
      [DayCount.ActualActualISDA, "2003-11-01", "2004-05-01", 66_491n, 133_590n, "61/365 + 121/366"],
      [DayCount.Actual365Fixed, "2003-11-01", "2004-05-01", 182n, 365n, "182/365 ≈ 0.49863"],
      [DayCount.Actual360, "2003-11-01", "2004-05-01", 182n, 360n, "182/360 ≈ 0.50556"],
      [DayCount.Thirty360BondBasis, "2003-11-01", "2004-05-01", 180n, 360n, "180/360 = 0.5"],
      // Actual/Actual (ISDA) over three calendar years: 2023-07-01 → 2025-07-01 = 184 days of 2023 (Jul…Dec) /365
      // + 366 of 2024 /366 + 181 of 2025 (Jan…Jun) /365 = (184·366 + 366·365 + 181·366) / 133,590
      //   = (67,344 + 133,590 + 66,246) / 133,590 = 267,180 / 133,590 = exactly 2 years
      [DayCount.ActualActualISDA, "2023-07-01", "2025-07-01", 267_180n, 133_590n, "184/365 + 1 + 181/365 = 2"],
      // an empty period
      [DayCount.Thirty360US, "2024-02-29", "2024-02-29", 0n, 360n, "same day"],
      [DayCount.ActualActualISDA, "2024-02-29", "2024-02-29", 0n, 133_590n, "same day"],
    ];

    for (const [convention, start, end, numerator, denominator, why] of table) {
      it(`${DayCount[convention]} ${start} → ${end} is ${numerator}/${denominator} (${why})`, async function () {
        const { lib } = await loadFixture(libFixture);
        expect(await lib.yearFraction(convention, at(start), at(end))).to.deep.equal([numerator, denominator]);
        expect(await lib.yearFractionWad(convention, at(start), at(end))).to.equal(
          (numerator * 10n ** 18n) / denominator,
        );
      });
    }

    it("ignores the time of day", async function () {
      const { lib } = await loadFixture(libFixture);
      expect(
        await lib.yearFraction(DayCount.Actual365Fixed, at("2023-12-15") + 86_399n, at("2024-06-15") + 1n),
      ).to.deep.equal([183n, 365n]);
    });

    context("when the period ends before it starts", function () {
      it("reverts with DayCountLibPeriodReversed", async function () {
        const { lib } = await loadFixture(libFixture);
        await expect(lib.yearFraction(DayCount.Actual365Fixed, at("2024-06-15"), at("2024-06-14")))
          .to.be.revertedWithCustomError(lib, "DayCountLibPeriodReversed")
          .withArgs(at("2024-06-15"), at("2024-06-14"));
      });
    });

    it("agrees with the SDK's reference implementation on random periods", async function () {
      const { lib } = await loadFixture(libFixture);
      const conventions = [0, 1, 2, 3, 4, 5] as DayCount[];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...conventions),
          fc.integer({ min: 0, max: 60_000 }),
          fc.integer({ min: 0, max: 4_000 }),
          async (convention, startDay, length) => {
            const start = BigInt(startDay) * DAY;
            const end = BigInt(startDay + length) * DAY;
            const [num, den] = await lib.yearFraction(convention, start, end);
            expect([num, den]).to.deep.equal(yearFraction(convention, start, end));
          },
        ),
        { numRuns: 80 },
      );
    });

    it("agrees with the SDK's date arithmetic on random month steps", async function () {
      const { lib } = await loadFixture(libFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 60_000 }),
          fc.integer({ min: 0, max: 1_200 }),
          fc.boolean(),
          async (day, months, eom) => {
            const start = BigInt(day) * DAY;
            expect(await lib.addMonths(start, months, eom)).to.equal(addMonths(start, months, eom));
          },
        ),
        { numRuns: 60 },
      );
    });

    it("prints a timestamp as its ISO date (SDK helper the Bond tests read)", function () {
      expect(dateOf(at("2024-02-29") + 86_399n)).to.equal("2024-02-29");
    });
  });
});
