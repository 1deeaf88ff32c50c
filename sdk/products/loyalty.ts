/**
 * Loyalty credits (`contracts/tokens/loyalty/LoyaltyCredit.sol`): the terms a merchant launches a program with,
 * the checks the program makes on them, the expiry arithmetic (a credit issued at `t` expires when the period
 * `floor((t + validity) / periodLength)` begins), and the reconciliation a merchant's accountant runs: the
 * program's events summed against its `breakage()` figures.
 */

/** `ILoyaltyCredit.ProgramTerms` (the factory sets `merchant` to the launching member). */
export interface LoyaltyProgramTerms {
  name: string;
  symbol: string;
  decimals: number;
  merchant: string;
  /** The expiry quantum in seconds (`LOYALTY_MIN_PERIOD` … `LOYALTY_MAX_PERIOD`). */
  periodLength: number;
  /** Seconds credits stay valid (one period … ten years, at most `LOYALTY_MAX_LIVE_PERIODS` periods). */
  validity: number;
  transferable: boolean;
}

/** Mirrors the program's bounds. */
export const LOYALTY_MIN_PERIOD = 3_600;
export const LOYALTY_MAX_PERIOD = 365 * 86_400;
export const LOYALTY_MAX_VALIDITY = 10 * 365 * 86_400;
export const LOYALTY_MAX_LIVE_PERIODS = 2_048;
/** The most credits one bucket (and so one issue) holds: 2^40 − 1. */
export const LOYALTY_MAX_BUCKET = 2n ** 40n - 1n;
/** The most live buckets a holder keeps; past it the two latest merge at the earlier expiry. */
export const LOYALTY_MAX_BUCKETS = 8;

/** Which of the program's `LoyaltyCreditInvalidTerms` checks `terms` fail (empty: none). */
export function loyaltyTermsProblems(terms: Pick<LoyaltyProgramTerms, "periodLength" | "validity">): string[] {
  const problems: string[] = [];
  const { periodLength, validity } = terms;
  if (periodLength < LOYALTY_MIN_PERIOD) problems.push("the period is shorter than an hour");
  if (periodLength > LOYALTY_MAX_PERIOD) problems.push("the period is longer than a year");
  if (validity < periodLength) problems.push("the validity is shorter than a period");
  if (validity > LOYALTY_MAX_VALIDITY) problems.push("the validity is longer than ten years");
  if (Math.floor(validity / periodLength) > LOYALTY_MAX_LIVE_PERIODS) {
    problems.push(`the validity spans more than ${LOYALTY_MAX_LIVE_PERIODS} periods`);
  }
  return problems;
}

/** The expiry period of credits issued at `issuedAt` (seconds): they stop counting when it begins. */
export function expiryPeriod(issuedAt: number, terms: Pick<LoyaltyProgramTerms, "periodLength" | "validity">): bigint {
  return BigInt(Math.floor((issuedAt + terms.validity) / terms.periodLength));
}

/** When period `period` begins (seconds): the moment its credits expire. */
export function periodStart(period: bigint, terms: Pick<LoyaltyProgramTerms, "periodLength">): number {
  return Number(period) * terms.periodLength;
}

/** `ILoyaltyCredit.Figures`. */
export interface LoyaltyFigures {
  issued: bigint;
  redeemed: bigint;
  expired: bigint;
  outstanding: bigint;
}

/**
 * The program's events, summed by kind (from `CreditsIssued`, `CreditsConvertedIn`, `CreditsRedeemed`,
 * `CreditsConvertedOut`, `CreditsConvertedToCoin`).
 */
export interface LoyaltyEventTotals {
  issued: bigint;
  convertedIn: bigint;
  redeemed: bigint;
  convertedOut: bigint;
  convertedToCoin: bigint;
}

/**
 * Reconciles a program's events with its `breakage()`: issued must equal issues plus conversions in, redeemed
 * must equal redemptions plus conversions out (to programs and to the coin), and issued must equal redeemed +
 * expired + outstanding. Returns the discrepancies (empty: reconciled). Expiry emits no event: the expired figure
 * comes from the program alone, and the identity checks it.
 */
export function reconcileBreakage(events: LoyaltyEventTotals, figures: LoyaltyFigures): string[] {
  const problems: string[] = [];
  const issued = events.issued + events.convertedIn;
  const redeemed = events.redeemed + events.convertedOut + events.convertedToCoin;
  if (figures.issued !== issued) problems.push(`issued ${figures.issued} ≠ events ${issued}`);
  if (figures.redeemed !== redeemed) problems.push(`redeemed ${figures.redeemed} ≠ events ${redeemed}`);
  const sum = figures.redeemed + figures.expired + figures.outstanding;
  if (figures.issued !== sum) problems.push(`issued ${figures.issued} ≠ redeemed + expired + outstanding ${sum}`);
  return problems;
}
