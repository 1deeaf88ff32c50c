/**
 * Equity: what a dApp needs to issue shares and follow their corporate actions — the terms encoder the factory's
 * `initialize(…, terms)` takes (`IEquity.EquityTerms`, `abi.encode`d), its decoder, and the arithmetic the
 * contract applies to dividends (`IDistributions`) and splits (`IEquity`), so a back office can predict every
 * payment and every converted holding to the unit.
 */
import { AbiCoder, decodeBytes32String, encodeBytes32String, getAddress, isHexString } from "ethers";

/** `IEquity.EquityTerms`, as a dApp writes it. */
export interface EquityTerms {
  /** The ERC-20 settlement coin dividends are paid in. */
  settlementCoin: string;
  /** The share class: a label of at most 31 bytes ("ORDINARY", "A") or a bytes32 hex string. */
  shareClass: string;
  /** The shortest claim period a dividend may have, in seconds. */
  minClaimPeriod: number | bigint;
}

/** The Solidity tuple type of `IEquity.EquityTerms`. */
export const EQUITY_TERMS_TYPE = "tuple(address settlementCoin, uint32 minClaimPeriod, bytes32 shareClass)";

/** `IDistributions.Distribution.kind` of an equity's cash dividend. */
export const CASH_DIVIDEND = 1;

/** The most units either side of a split ratio may have (`IEquity.beginSplit`). */
export const MAX_RATIO_TERM = 1_000_000;

function shareClassWord(shareClass: string): string {
  return isHexString(shareClass, 32) ? shareClass : encodeBytes32String(shareClass);
}

/** Encodes `terms` as the `terms` argument of `Equity.initialize` (and of the factory's issue request). */
export function encodeEquityTerms(terms: EquityTerms): string {
  return AbiCoder.defaultAbiCoder().encode(
    [EQUITY_TERMS_TYPE],
    [[getAddress(terms.settlementCoin), BigInt(terms.minClaimPeriod), shareClassWord(terms.shareClass)]],
  );
}

/** Decodes `terms` bytes back; the share class is read as a label when it is one, else left as hex. */
export function decodeEquityTerms(data: string): {
  settlementCoin: string;
  shareClass: string;
  minClaimPeriod: bigint;
} {
  const [[settlementCoin, minClaimPeriod, shareClass]] = AbiCoder.defaultAbiCoder().decode([EQUITY_TERMS_TYPE], data);
  return { settlementCoin, shareClass: shareClassLabel(shareClass), minClaimPeriod };
}

/** A share-class word as its label, or the hex itself when it is not a label. */
export function shareClassLabel(word: string): string {
  try {
    return decodeBytes32String(word);
  } catch {
    return word;
  }
}

/* DIVIDENDS */

/** What a holder of `balance` at the record snapshot is paid: floor(balance × funded / eligibleSupply). */
export function entitlement(balance: bigint, funded: bigint, eligibleSupply: bigint): bigint {
  if (eligibleSupply <= 0n) throw new RangeError("eligible supply must be positive");
  return (balance * funded) / eligibleSupply;
}

/**
 * The whole payout of a distribution over a register at its snapshot: each holder's entitlement, their sum, and
 * the dust (funded − Σ entitlements) that returns to the issuer with the unclaimed amounts after the deadline.
 * `tokenBalance` is the token's own balance at the snapshot (not entitled).
 */
export function payout(
  register: ReadonlyMap<string, bigint>,
  funded: bigint,
  supply: bigint,
  tokenBalance = 0n,
): { entitlements: Map<string, bigint>; total: bigint; dust: bigint } {
  const eligible = supply - tokenBalance;
  const entitlements = new Map<string, bigint>();
  let total = 0n;
  for (const [holder, balance] of register) {
    const due = entitlement(balance, funded, eligible);
    entitlements.set(holder, due);
    total += due;
  }
  return { entitlements, total, dust: funded - total };
}

/** The amount of a dividend of `perUnit` coin units per share over `eligibleSupply` shares. */
export function dividendAmount(perUnit: bigint, eligibleSupply: bigint): bigint {
  return perUnit * eligibleSupply;
}

/* SPLITS AND CONSOLIDATIONS */

/** Checks a split ratio as `beginSplit` does; throws a RangeError naming the problem. */
export function checkRatio(numerator: number, denominator: number): void {
  const ok = (x: number) => Number.isInteger(x) && x >= 1 && x <= MAX_RATIO_TERM;
  if (!ok(numerator) || !ok(denominator) || numerator === denominator) {
    throw new RangeError(`invalid split ratio ${numerator}:${denominator}`);
  }
}

/**
 * A wallet's holding after a split `numerator:denominator`: floor(balance × n / d), and the fraction of a new
 * unit not issued (`fraction / denominator`), for which cash in lieu is due — the figures of `SplitApplied`.
 */
export function splitHolding(
  balance: bigint,
  numerator: number | bigint,
  denominator: number | bigint,
): { after: bigint; fraction: bigint } {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return { after: (balance * n) / d, fraction: (balance * n) % d };
}

/** Cash in lieu for a fraction: `fraction / denominator` of a new unit at `pricePerNewUnit`, rounded down. */
export function cashInLieu(fraction: bigint, denominator: number | bigint, pricePerNewUnit: bigint): bigint {
  return (fraction * pricePerNewUnit) / BigInt(denominator);
}
