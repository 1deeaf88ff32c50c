/**
 * Bond schedules computed by hand (the computation is in the comments), shared by the schedule library's tests
 * and the Bond token's tests. Amounts are coin base units per whole token, rounded down.
 */
import { type BondTerms, DayCount, couponRate, timestampOf as at } from "../../../sdk/products/bond";

export interface HandPeriod {
  start: string;
  payment: string;
  record: string;
  amountPerUnit: bigint;
}

export interface HandSchedule {
  title: string;
  terms: BondTerms;
  periods: HandPeriod[];
}

/** A coin address for schedule-only tests (the Bond tests substitute their own coin). */
export const SOME_COIN = "0x00000000000000000000000000000000000C0140";

const base = {
  settlementCoin: SOME_COIN,
  endOfMonth: false,
  callableFrom: 0n,
  callNotice: 0,
  claimPeriod: 30 * 86_400,
};

/**
 * Semi-annual 5 % 30/360 (Bond Basis), face 1,000.000000 (6-decimal coin), short first period.
 * A full half-year: 1,000,000,000 · 0.05 · 180/360 = 25,000,000.
 * Stub 2024-03-01 → 2024-07-15: 30·(7−3) + (15−1) = 134 days; 50,000,000 · 134 / 360 = 18,611,111.1 → 18,611,111.
 * Record dates 15 days before each payment.
 */
export const semiAnnual30360: HandSchedule = {
  title: "semi-annual 5 % 30/360 with a short first period",
  terms: {
    ...base,
    faceValue: 1_000_000_000n,
    couponRate: couponRate(500),
    frequency: 2,
    dayCount: DayCount.Thirty360BondBasis,
    issueDate: at("2024-03-01"),
    firstCouponDate: at("2024-07-15"),
    maturityDate: at("2026-07-15"),
    recordDays: 15,
  },
  periods: [
    { start: "2024-03-01", payment: "2024-07-15", record: "2024-06-30", amountPerUnit: 18_611_111n },
    { start: "2024-07-15", payment: "2025-01-15", record: "2024-12-31", amountPerUnit: 25_000_000n },
    { start: "2025-01-15", payment: "2025-07-15", record: "2025-06-30", amountPerUnit: 25_000_000n },
    { start: "2025-07-15", payment: "2026-01-15", record: "2025-12-31", amountPerUnit: 25_000_000n },
    { start: "2026-01-15", payment: "2026-07-15", record: "2026-06-30", amountPerUnit: 25_000_000n },
  ],
};

/**
 * Semi-annual 5 % 30/360 US on month ends (end-of-month rule), face 1,000.000000: dates anchored on 2024-02-29
 * become Aug 31, Feb 28, Aug 31. 50,000,000 per 360 days:
 * P1 2023-08-31 → 2024-02-29: D1 31→30; 360·1 + 30·(2−8) + (29−30) = 179 → 24,861,111.1 → 24,861,111
 * P2 2024-02-29 → 2024-08-31: D1 end of Feb → 30; D2 31 → 30: 30·6 = 180 → 25,000,000
 * P3 2024-08-31 → 2025-02-28: D1 31→30; D2 28 (end of Feb, but D1 is not): 360 − 180 − 2 = 178 → 24,722,222.2
 * P4 2025-02-28 → 2025-08-31: D1 end of Feb → 30; D2 31 → 30: 180 → 25,000,000
 * Record dates one day before each payment.
 */
export const semiAnnual30360US: HandSchedule = {
  title: "semi-annual 5 % 30/360 US on month ends",
  terms: {
    ...base,
    faceValue: 1_000_000_000n,
    couponRate: couponRate(500),
    frequency: 2,
    dayCount: DayCount.Thirty360US,
    endOfMonth: true,
    issueDate: at("2023-08-31"),
    firstCouponDate: at("2024-02-29"),
    maturityDate: at("2025-08-31"),
    recordDays: 1,
  },
  periods: [
    { start: "2023-08-31", payment: "2024-02-29", record: "2024-02-28", amountPerUnit: 24_861_111n },
    { start: "2024-02-29", payment: "2024-08-31", record: "2024-08-30", amountPerUnit: 25_000_000n },
    { start: "2024-08-31", payment: "2025-02-28", record: "2025-02-27", amountPerUnit: 24_722_222n },
    { start: "2025-02-28", payment: "2025-08-31", record: "2025-08-30", amountPerUnit: 25_000_000n },
  ],
};

/**
 * The same bond under 30/360 Bond Basis (no February rule):
 * P2 2024-02-29 → 2024-08-31: D1 29 ≤ 29 keeps D2 31: 30·6 + 2 = 182 → 25,277,777.7 → 25,277,777
 * P4 2025-02-28 → 2025-08-31: 30·6 + 3 = 183 → 25,416,666.6 → 25,416,666 (P1, P3 as under 30/360 US)
 */
export const semiAnnual30360BondBasisEom: HandSchedule = {
  title: "the same month-end bond under 30/360 Bond Basis",
  terms: { ...semiAnnual30360US.terms, dayCount: DayCount.Thirty360BondBasis },
  periods: [
    { start: "2023-08-31", payment: "2024-02-29", record: "2024-02-28", amountPerUnit: 24_861_111n },
    { start: "2024-02-29", payment: "2024-08-31", record: "2024-08-30", amountPerUnit: 25_277_777n },
    { start: "2024-08-31", payment: "2025-02-28", record: "2025-02-27", amountPerUnit: 24_722_222n },
    { start: "2025-02-28", payment: "2025-08-31", record: "2025-08-30", amountPerUnit: 25_416_666n },
  ],
};

/**
 * Quarterly 4 % ACT/365 (Fixed), face 100.000000, through the 2024 leap year. 100,000,000 · 0.04 = 4,000,000 a
 * year of 365 days:
 * P1 2024-01-15 → 2024-04-15: 16 (Jan) + 29 (Feb) + 31 (Mar) + 15 = 91 days → 364,000,000/365 = 997,260.3
 * P2 2024-04-15 → 2024-07-15: 15 + 31 + 30 + 15 = 91 → 997,260
 * P3 2024-07-15 → 2024-10-15: 16 + 31 + 30 + 15 = 92 → 368,000,000/365 = 1,008,219.2 → 1,008,219
 * P4 2024-10-15 → 2025-01-15: 16 + 30 + 31 + 15 = 92 → 1,008,219
 * (366 days in all: 4,010,958 paid, more than 4,000,000 because ACT/365 counts the leap day.)
 * Record dates 7 days before each payment.
 */
export const quarterlyAct365: HandSchedule = {
  title: "quarterly 4 % ACT/365 Fixed across the 2024 leap day",
  terms: {
    ...base,
    faceValue: 100_000_000n,
    couponRate: couponRate(400),
    frequency: 4,
    dayCount: DayCount.Actual365Fixed,
    issueDate: at("2024-01-15"),
    firstCouponDate: at("2024-04-15"),
    maturityDate: at("2025-01-15"),
    recordDays: 7,
  },
  periods: [
    { start: "2024-01-15", payment: "2024-04-15", record: "2024-04-08", amountPerUnit: 997_260n },
    { start: "2024-04-15", payment: "2024-07-15", record: "2024-07-08", amountPerUnit: 997_260n },
    { start: "2024-07-15", payment: "2024-10-15", record: "2024-10-08", amountPerUnit: 1_008_219n },
    { start: "2024-10-15", payment: "2025-01-15", record: "2025-01-08", amountPerUnit: 1_008_219n },
  ],
};

/**
 * Annual 3 % Actual/Actual (ISDA), face 1.000000, short last period (maturity off the schedule):
 * P1 2023-07-01 → 2024-07-01: 184 days of 2023 (Jul…Dec) /365 + 182 of 2024 (Jan…Jun) /366
 *    = (184·366 + 182·365) / 133,590 = 133,774 / 133,590; 30,000 · 133,774 / 133,590 = 30,041.3 → 30,041
 * P2 2024-07-01 → 2025-03-01: 184 days of 2024 /366 + 59 of 2025 (Jan, Feb) /365
 *    = (184·365 + 59·366) / 133,590 = 88,754 / 133,590; 30,000 · 88,754 / 133,590 = 19,931.3 → 19,931
 */
export const annualActActStub: HandSchedule = {
  title: "annual 3 % ACT/ACT ISDA with a short last period",
  terms: {
    ...base,
    faceValue: 1_000_000n,
    couponRate: couponRate(300),
    frequency: 1,
    dayCount: DayCount.ActualActualISDA,
    issueDate: at("2023-07-01"),
    firstCouponDate: at("2024-07-01"),
    maturityDate: at("2025-03-01"),
    recordDays: 0,
  },
  periods: [
    { start: "2023-07-01", payment: "2024-07-01", record: "2024-07-01", amountPerUnit: 30_041n },
    { start: "2024-07-01", payment: "2025-03-01", record: "2025-03-01", amountPerUnit: 19_931n },
  ],
};

/**
 * The semi-annual 30/360 bond four years later (the Bond token tests run on a chain clock that is past 2024):
 * 30/360 does not look at the year, so the amounts are those of `semiAnnual30360`. Issue 2028-03-01, first
 * coupon 2028-07-15, maturity 2030-07-15; record dates 15 days before each payment.
 */
export const semiAnnual30360In2028: HandSchedule = {
  title: "semi-annual 5 % 30/360 with a short first period, in 2028",
  terms: {
    ...semiAnnual30360.terms,
    issueDate: at("2028-03-01"),
    firstCouponDate: at("2028-07-15"),
    maturityDate: at("2030-07-15"),
  },
  periods: [
    { start: "2028-03-01", payment: "2028-07-15", record: "2028-06-30", amountPerUnit: 18_611_111n },
    { start: "2028-07-15", payment: "2029-01-15", record: "2028-12-31", amountPerUnit: 25_000_000n },
    { start: "2029-01-15", payment: "2029-07-15", record: "2029-06-30", amountPerUnit: 25_000_000n },
    { start: "2029-07-15", payment: "2030-01-15", record: "2029-12-31", amountPerUnit: 25_000_000n },
    { start: "2030-01-15", payment: "2030-07-15", record: "2030-06-30", amountPerUnit: 25_000_000n },
  ],
};

/**
 * The quarterly ACT/365 bond across the next leap year, 2028, whose months have the lengths of 2024's:
 * P1 2028-01-15 → 2028-04-15: 16 + 29 + 31 + 15 = 91 days → 997,260; P2 2028-04-15 → 2028-07-15: 91 → 997,260;
 * P3 2028-07-15 → 2028-10-15: 92 → 1,008,219; P4 2028-10-15 → 2029-01-15: 92 → 1,008,219 (see `quarterlyAct365`).
 */
export const quarterlyAct365In2028: HandSchedule = {
  title: "quarterly 4 % ACT/365 Fixed across the 2028 leap day",
  terms: {
    ...quarterlyAct365.terms,
    issueDate: at("2028-01-15"),
    firstCouponDate: at("2028-04-15"),
    maturityDate: at("2029-01-15"),
  },
  periods: [
    { start: "2028-01-15", payment: "2028-04-15", record: "2028-04-08", amountPerUnit: 997_260n },
    { start: "2028-04-15", payment: "2028-07-15", record: "2028-07-08", amountPerUnit: 997_260n },
    { start: "2028-07-15", payment: "2028-10-15", record: "2028-10-08", amountPerUnit: 1_008_219n },
    { start: "2028-10-15", payment: "2029-01-15", record: "2029-01-08", amountPerUnit: 1_008_219n },
  ],
};

export const schedules: HandSchedule[] = [
  semiAnnual30360,
  semiAnnual30360US,
  semiAnnual30360BondBasisEom,
  quarterlyAct365,
  annualActActStub,
  semiAnnual30360In2028,
  quarterlyAct365In2028,
];
