/**
 * Disclosure calendars (contracts/interfaces/compliance/IDisclosureSupervisor.sol): the obligation kinds and states
 * as the contract numbers them, the usual obligations' terms (annual and interim reports, ad-hoc filings), and an
 * obligation's state in words for the console. `obligationState` mirrors the contract's `ObligationState` rule, so
 * the console can say where an obligation will stand at any time without a call.
 */
import { decodeBytes32String, encodeBytes32String } from "ethers";

/** `IDisclosureSupervisor.ObligationKind`. */
export enum ObligationKind {
  /** Once: fulfilled by one filing. */
  AdHoc = 0,
  /** Rolls `period` seconds forward each time it is fulfilled. */
  Periodic = 1,
}

/** `IDisclosureSupervisor.ObligationState`. */
export enum ObligationState {
  Upcoming = 0,
  InGrace = 1,
  Overdue = 2,
  Fulfilled = 3,
}

const DAY = 86_400;

/** The periods of the usual periodic obligations, in seconds. */
export const DISCLOSURE_PERIODS = {
  annual: 365 * DAY,
  interim: 182 * DAY,
} as const;

/** The contract's bounds (`MAX_GRACE_PERIOD`, `MAX_PERIOD`, `MAX_DUE_HORIZON`, `MAX_OBLIGATIONS`). */
export const DISCLOSURE_LIMITS = {
  maxGracePeriod: 180 * DAY,
  maxPeriod: 5 * 365 * DAY,
  maxDueHorizon: 10 * 365 * DAY,
  maxObligations: 16,
} as const;

/** The ERC-1643 document names the usual obligations are met by. */
export const DISCLOSURE_DOCUMENTS = {
  annualReport: encodeBytes32String("annual-report"),
  interimReport: encodeBytes32String("interim-report"),
} as const;

/** `IDisclosureSupervisor.ObligationTerms`, what a venue sets. */
export interface ObligationTerms {
  kind: ObligationKind;
  /** bytes32 ERC-1643 document name. */
  documentName: string;
  dueAt: number | bigint;
  gracePeriod: number | bigint;
  period: number | bigint;
  halts: boolean;
}

/** `IDisclosureSupervisor.Obligation`, as `obligationsOf` returns it (ethers gives bigints). */
export interface ObligationView extends Omit<ObligationTerms, "kind"> {
  kind: ObligationKind | number | bigint;
  id: number | bigint;
  windowOpensAt: number | bigint;
  fulfilledAt: number | bigint;
  state?: ObligationState | number | bigint;
}

/** A document name as the contract keys it (at most 31 bytes of UTF-8). */
export function documentName(name: string): string {
  return encodeBytes32String(name);
}

/** An annual report due at `dueAt` (unix seconds), then every 365 days. */
export function annualReport(dueAt: number | bigint, gracePeriod: number, halts = false): ObligationTerms {
  return {
    kind: ObligationKind.Periodic,
    documentName: DISCLOSURE_DOCUMENTS.annualReport,
    dueAt,
    gracePeriod,
    period: DISCLOSURE_PERIODS.annual,
    halts,
  };
}

/** An interim report due at `dueAt` (unix seconds), then every 182 days. */
export function interimReport(dueAt: number | bigint, gracePeriod: number, halts = false): ObligationTerms {
  return {
    kind: ObligationKind.Periodic,
    documentName: DISCLOSURE_DOCUMENTS.interimReport,
    dueAt,
    gracePeriod,
    period: DISCLOSURE_PERIODS.interim,
    halts,
  };
}

/** A one-off filing of the document `name`, due at `dueAt` (unix seconds). */
export function adHocFiling(name: string, dueAt: number | bigint, gracePeriod: number, halts = false): ObligationTerms {
  return { kind: ObligationKind.AdHoc, documentName: documentName(name), dueAt, gracePeriod, period: 0, halts };
}

/** Where `obligation` stands at `now` (unix seconds), by the contract's rule. */
export function obligationState(obligation: ObligationView, now: number | bigint): ObligationState {
  const time = BigInt(now);
  if (Number(obligation.kind) === ObligationKind.AdHoc && BigInt(obligation.fulfilledAt) !== 0n) {
    return ObligationState.Fulfilled;
  }
  const due = BigInt(obligation.dueAt);
  if (time <= due) return ObligationState.Upcoming;
  if (time <= due + BigInt(obligation.gracePeriod)) return ObligationState.InGrace;
  return ObligationState.Overdue;
}

/** A unix time as a UTC date and time, e.g. `2027-04-30 00:00 UTC`. */
function utc(seconds: bigint): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A duration in whole days, or hours below a day, e.g. `30 days`, `1 day`, `5 hours`. */
function span(seconds: bigint): string {
  const days = seconds / BigInt(DAY);
  if (days > 0n) return days === 1n ? "1 day" : `${days} days`;
  const hours = seconds / 3_600n;
  return hours === 1n ? "1 hour" : `${hours} hours`;
}

/** The document name as text (`annual-report`), or its hex when it is not a short string. */
function nameOf(name: string): string {
  try {
    const text = decodeBytes32String(name);
    return /^[\x20-\x7e]+$/.test(text) ? text : name;
  } catch {
    return name;
  }
}

/**
 * One sentence about `obligation` at `now` for the console, e.g. "annual-report (every 365 days): overdue since
 * 2027-05-30 00:00 UTC (due 2027-04-30 00:00 UTC, a grace of 30 days); trading halts until it is filed".
 */
export function describeObligation(obligation: ObligationView, now: number | bigint): string {
  const due = BigInt(obligation.dueAt);
  const grace = BigInt(obligation.gracePeriod);
  const period = BigInt(obligation.period);
  const label =
    Number(obligation.kind) === ObligationKind.Periodic
      ? `${nameOf(obligation.documentName)} (every ${span(period)})`
      : `${nameOf(obligation.documentName)} (one-off)`;
  const terms = `due ${utc(due)}, ${grace === 0n ? "no grace" : `a grace of ${span(grace)}`}`;
  const halt = obligation.halts ? "trading halts" : "trading continues";
  switch (obligationState(obligation, now)) {
    case ObligationState.Fulfilled:
      return `${label}: filed ${utc(BigInt(obligation.fulfilledAt))}`;
    case ObligationState.Upcoming:
      return `${label}: ${terms}; in ${span(due - BigInt(now))}; ${halt} if it is overdue`;
    case ObligationState.InGrace:
      return `${label}: past due (${terms}); overdue after ${utc(due + grace)}, when ${halt}`;
    case ObligationState.Overdue:
      return `${label}: overdue since ${utc(due + grace)} (${terms}); ${halt} until it is filed`;
  }
}
