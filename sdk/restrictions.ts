/**
 * The ERC-1404 restriction codes of the compliance pipeline (0–12) and of security tokens (13–17)
 * (`contracts/types/Restriction.sol`): stable, never
 * renumbered, only appended. The compliance behaviour spec asserts every verdict with this table, and
 * `test/sdk/restrictions.test.ts` checks each code's sentence, so this file and the contract agree.
 */
import { claimNames } from "./claims";

export enum Restriction {
  None = 0,
  SenderNotVerified = 1,
  RecipientNotVerified = 2,
  RecipientMissingClaims = 3,
  CountryNotAllowed = 4,
  CountryBlocked = 5,
  MaxInvestorsReached = 6,
  MaxBalanceExceeded = 7,
  LockedUp = 8,
  TradingHalted = 9,
  OutsideTradingWindow = 10,
  ExternalRuleFailed = 11,
  AssetNotConfigured = 12,
  // Token-level codes: a security token answers them itself (ERC-1404 `detectTransferRestriction`) before asking
  // the pipeline.
  TokenPaused = 13,
  SenderFrozen = 14,
  RecipientFrozen = 15,
  /** The sender's balance not frozen or held (for a settlement) is below the amount. */
  InsufficientUnfrozenBalance = 16,
  TransfersStopped = 17,
}

/** The explanation `Compliance.explainTransfer` returns, as ethers decodes it. */
export interface Explanation {
  code: bigint;
  party: string;
  detail: bigint;
  rule: string;
  ruleCode: bigint;
  message: string;
}

/** The interface's "until further notice" (`type(uint48).max`), as a halt's end. */
const FOREVER = (1n << 48n) - 1n;

/** A unix time as ISO 8601 (UTC), or "further notice" for `type(uint48).max`. */
function timeOf(seconds: bigint): string {
  return seconds === FOREVER ? "further notice" : new Date(Number(seconds) * 1_000).toISOString();
}

/**
 * The figure behind a refusal (`Explanation.detail`) as the pipeline means it for `code`: the missing claims by
 * name, a country, a cap, an end or opening time, a rule's index; "detail N" where its meaning depends on the
 * wallet (a sender or recipient not verified: its expiry, or the baseline claims it lacks).
 */
function detailOf(code: Restriction, detail: bigint): string {
  switch (code) {
    case Restriction.RecipientMissingClaims:
      return `missing ${claimNames(detail).join("+") || detail}`;
    case Restriction.CountryNotAllowed:
    case Restriction.CountryBlocked:
      return `country ${detail}`;
    case Restriction.MaxInvestorsReached:
    case Restriction.MaxBalanceExceeded:
      return `cap ${detail}`;
    case Restriction.LockedUp:
    case Restriction.TradingHalted:
      return `until ${timeOf(detail)}`;
    case Restriction.OutsideTradingWindow:
      return `opens ${timeOf(detail)}`;
    case Restriction.ExternalRuleFailed:
      return `rule #${detail}`;
    default:
      return `detail ${detail}`;
  }
}

/** One line a person can read: the code's name, the contract's sentence, and the figures behind it. */
export function describeExplanation(explanation: Explanation): string {
  const code = Number(explanation.code);
  if (code === Restriction.None) return "allowed";
  const parts = [`${Restriction[code] ?? `code ${code}`} (${code}): ${explanation.message}`];
  if (explanation.party !== "0x0000000000000000000000000000000000000000") parts.push(`party ${explanation.party}`);
  if (explanation.detail !== 0n || code === Restriction.ExternalRuleFailed) {
    parts.push(detailOf(code, explanation.detail));
  }
  if (explanation.rule !== "0x0000000000000000000000000000000000000000") {
    parts.push(`rule ${explanation.rule} code ${explanation.ruleCode}`);
  }
  return parts.join("; ");
}
