/**
 * Bond terms for `Bond.initialize` (typed encoder and decoder) and the day-count conventions of
 * `contracts/libraries/DayCountLib.sol`, mirrored so a dApp can preview a bond's coupon schedule off chain.
 * The calendar here uses JavaScript's UTC `Date`, independently of the contract's civil-from-days arithmetic;
 * `test/libraries/DayCountLib.test.ts` checks that both agree.
 */
import { AbiCoder } from "ethers";

/** `enum DayCount` of DayCountLib.sol: stable, never renumbered, only appended. */
export enum DayCount {
  /** 30/360 Bond Basis (ISDA 2006 §4.16(f)). */
  Thirty360BondBasis = 0,
  /** 30/360 US (SIA, end-of-February rules always applied). */
  Thirty360US = 1,
  /** 30E/360 Eurobond Basis (ISDA 2006 §4.16(g)). */
  ThirtyE360 = 2,
  /** Actual/365 (Fixed). */
  Actual365Fixed = 3,
  /** Actual/360. */
  Actual360 = 4,
  /** Actual/Actual (ISDA). */
  ActualActualISDA = 5,
}

/** The terms a Bond is initialized with (`IBond.BondTerms`), field for field. */
export interface BondTerms {
  /** The ERC-20 settlement coin coupons and redemptions are paid in. */
  settlementCoin: string;
  /** Coin base units paid at maturity per whole token (10^decimals base units of the bond). */
  faceValue: bigint;
  /** Annual coupon rate, 1e18 = 100 % (see `couponRate`). Zero with `frequency` 0 for a zero-coupon bond. */
  couponRate: bigint;
  /** Coupons a year: 1, 2, 3, 4, 6 or 12; 0 for a zero-coupon bond. */
  frequency: number;
  dayCount: DayCount;
  /** Regular coupon dates anchored on a month end stay on month ends. */
  endOfMonth: boolean;
  /** Interest accrues from this timestamp (00:00 UTC). */
  issueDate: bigint;
  /** The first coupon date and the anchor of the regular schedule (00:00 UTC). */
  firstCouponDate: bigint;
  /** The last payment date: face value and the last coupon (00:00 UTC). */
  maturityDate: bigint;
  /** The record date of a payment is this many days before it. */
  recordDays: number;
  /** The first date an early call may take effect (00:00 UTC); 0 if the bond is not callable. */
  callableFrom: bigint;
  /** Minimum seconds between announcing a call and its call date. */
  callNotice: number;
  /** Seconds after a payment date before the paying agent may take back unclaimed money. */
  claimPeriod: number;
}

/** The ABI tuple of `IBond.BondTerms` (the enum travels as uint8). */
export const BOND_TERMS_ABI =
  "tuple(address settlementCoin, uint128 faceValue, uint64 couponRate, uint8 frequency, uint8 dayCount, " +
  "bool endOfMonth, uint40 issueDate, uint40 firstCouponDate, uint40 maturityDate, uint16 recordDays, " +
  "uint40 callableFrom, uint32 callNotice, uint32 claimPeriod)";

/** The `bytes terms` argument of `Bond.initialize`. */
export function encodeBondTerms(terms: BondTerms): string {
  return AbiCoder.defaultAbiCoder().encode(
    [BOND_TERMS_ABI],
    [
      [
        terms.settlementCoin,
        terms.faceValue,
        terms.couponRate,
        terms.frequency,
        terms.dayCount,
        terms.endOfMonth,
        terms.issueDate,
        terms.firstCouponDate,
        terms.maturityDate,
        terms.recordDays,
        terms.callableFrom,
        terms.callNotice,
        terms.claimPeriod,
      ],
    ],
  );
}

/** Reads `bytes terms` back (or the struct `Bond.terms()` returns, as ethers decodes it). */
export function decodeBondTerms(encoded: string): BondTerms {
  const [t] = AbiCoder.defaultAbiCoder().decode([BOND_TERMS_ABI], encoded);
  return {
    settlementCoin: t[0],
    faceValue: t[1],
    couponRate: t[2],
    frequency: Number(t[3]),
    dayCount: Number(t[4]) as DayCount,
    endOfMonth: t[5],
    issueDate: t[6],
    firstCouponDate: t[7],
    maturityDate: t[8],
    recordDays: Number(t[9]),
    callableFrom: t[10],
    callNotice: Number(t[11]),
    claimPeriod: Number(t[12]),
  };
}

/** `IDistributions.Distribution.kind` of a bond coupon (`BondLifecycle.COUPON_KIND`). */
export const COUPON_DISTRIBUTION = 2;

/** 1e18 = 100 %. */
export const RATE_ONE = 10n ** 18n;

/** An annual coupon rate in basis points (500 = 5 %) as the 1e18-scaled `couponRate` of the terms. */
export function couponRate(basisPoints: bigint | number): bigint {
  return (BigInt(basisPoints) * RATE_ONE) / 10_000n;
}

/* CALENDAR (UTC) */

const DAY = 86_400n;

/** 00:00 UTC of an ISO date "YYYY-MM-DD" as a unix timestamp. */
export function timestampOf(isoDate: string): bigint {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== isoDate) {
    throw new Error(`not a date: ${isoDate}`);
  }
  return BigInt(ms / 1000);
}

/** The ISO date "YYYY-MM-DD" (UTC) a timestamp falls in. */
export function dateOf(timestamp: bigint): string {
  return new Date(Number((timestamp / DAY) * DAY) * 1000).toISOString().slice(0, 10);
}

function ymd(timestamp: bigint): [number, number, number] {
  const date = new Date(Number(timestamp / DAY) * 86_400_000);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isLeapYear(year: number): boolean {
  return daysInMonth(year, 2) === 29;
}

/** `DayCountLib.addMonths`: the day is clipped to the target month; under `endOfMonth` a month end stays one. */
export function addMonths(timestamp: bigint, months: number, endOfMonth: boolean): bigint {
  const [year, month, day] = ymd(timestamp);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const length = daysInMonth(target.getUTCFullYear(), target.getUTCMonth() + 1);
  const targetDay = day > length || (endOfMonth && day === daysInMonth(year, month)) ? length : day;
  const midnight = BigInt(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), targetDay) / 1000);
  return midnight + (timestamp % DAY);
}

/** `DayCountLib.yearFraction`: the exact year fraction of [start, end) as [numerator, denominator]. */
export function yearFraction(convention: DayCount, start: bigint, end: bigint): [bigint, bigint] {
  if (end < start) throw new Error("period reversed");
  const startDay = start / DAY;
  const endDay = end / DAY;
  switch (convention) {
    case DayCount.Actual365Fixed:
      return [endDay - startDay, 365n];
    case DayCount.Actual360:
      return [endDay - startDay, 360n];
    case DayCount.ActualActualISDA: {
      let numerator = 0n;
      for (let day = startDay; day < endDay;) {
        const [year] = ymd(day * DAY);
        const nextYear = BigInt(Date.UTC(year + 1, 0, 1) / 86_400_000);
        const segmentEnd = nextYear < endDay ? nextYear : endDay;
        numerator += (segmentEnd - day) * (isLeapYear(year) ? 365n : 366n);
        day = segmentEnd;
      }
      return [numerator, 365n * 366n];
    }
    default: {
      const [y1, m1, d1Raw] = ymd(start);
      const [y2, m2, d2Raw] = ymd(end);
      let d1 = d1Raw;
      let d2 = d2Raw;
      if (convention === DayCount.ThirtyE360) {
        d1 = Math.min(d1, 30);
        d2 = Math.min(d2, 30);
      } else {
        if (convention === DayCount.Thirty360US) {
          const startEndOfFebruary = m1 === 2 && d1 === daysInMonth(y1, 2);
          if (startEndOfFebruary && m2 === 2 && d2 === daysInMonth(y2, 2)) d2 = 30;
          if (startEndOfFebruary) d1 = 30;
        }
        if (d1 === 31) d1 = 30;
        if (d2 === 31 && d1 === 30) d2 = 30;
      }
      return [BigInt(360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)), 360n];
    }
  }
}

/** One coupon period of a bond's schedule. */
export interface CouponPeriod {
  /** 1-based period number, as `Bond.couponPeriod(period)` takes it. */
  period: number;
  /** Accrual start (the issue date or the previous payment date). */
  start: bigint;
  /** Accrual end = payment date (the maturity for the last period). */
  paymentDate: bigint;
  recordDate: bigint;
  /** Coin base units per whole token: ⌊faceValue · couponRate · yearFraction / 1e18⌋. */
  amountPerUnit: bigint;
}

/** The coupon schedule `Bond.couponPeriod` derives on chain, computed off chain from the same terms. */
export function couponSchedule(terms: BondTerms): CouponPeriod[] {
  if (terms.frequency === 0) return [];
  const step = 12 / terms.frequency;
  const dates: bigint[] = [];
  for (let k = 0; ; k++) {
    const date = addMonths(terms.firstCouponDate, k * step, terms.endOfMonth);
    if (date >= terms.maturityDate) break;
    dates.push(date);
  }
  dates.push(terms.maturityDate);
  return dates.map((paymentDate, i) => {
    const start = i === 0 ? terms.issueDate : dates[i - 1];
    const [numerator, denominator] = yearFraction(terms.dayCount, start, paymentDate);
    return {
      period: i + 1,
      start,
      paymentDate,
      recordDate: paymentDate - BigInt(terms.recordDays) * DAY,
      amountPerUnit: (terms.faceValue * terms.couponRate * numerator) / (RATE_ONE * denominator),
    };
  });
}
