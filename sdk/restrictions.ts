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

/**
 * What each code means, in the words of the README's table (the contracts' own short messages come from
 * `messageForTransferRestriction`): one place for the SDK's sentences — `describeRestriction`, and through it the
 * settlement helpers' (`sdk/settlement.ts`). Code 16 counts units frozen or held for a settlement (IHoldable).
 */
export const RESTRICTION_MEANINGS: Readonly<Record<Restriction, string>> = {
  [Restriction.None]: "allowed",
  [Restriction.SenderNotVerified]: "the sender's wallet is not registered, has expired, or lacks the baseline claims",
  [Restriction.RecipientNotVerified]:
    "the recipient's wallet is not registered, has expired, or lacks the baseline claims",
  [Restriction.RecipientMissingClaims]: "the recipient lacks a claim the asset requires",
  [Restriction.CountryNotAllowed]: "the recipient's country is not on the asset's allow-list",
  [Restriction.CountryBlocked]: "a party's country is on the asset's block-list",
  [Restriction.MaxInvestorsReached]: "the transfer would add an investor beyond the cap",
  [Restriction.MaxBalanceExceeded]: "the recipient investor would hold more than the cap",
  [Restriction.LockedUp]: "the asset is locked up",
  [Restriction.TradingHalted]: "trading is halted",
  [Restriction.OutsideTradingWindow]: "outside the asset's trading hours",
  [Restriction.ExternalRuleFailed]: "a custom rule refused",
  [Restriction.AssetNotConfigured]: "the asset has no compliance configuration",
  [Restriction.TokenPaused]: "transfers between holders are paused",
  [Restriction.SenderFrozen]: "the sender's address is frozen",
  [Restriction.RecipientFrozen]: "the recipient's address is frozen",
  [Restriction.InsufficientUnfrozenBalance]: "the sender's balance not frozen or held is below the amount",
  [Restriction.TransfersStopped]: "the product stopped transfers (a bond in default or matured)",
};

/** A restriction code as one phrase: "RecipientNotVerified (2): the recipient's wallet is not registered, …". */
export function describeRestriction(code: number | bigint): string {
  const n = Number(code);
  const meaning = RESTRICTION_MEANINGS[n as Restriction];
  return meaning === undefined ? `unknown restriction code ${n}` : `${Restriction[n]} (${n}): ${meaning}`;
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
