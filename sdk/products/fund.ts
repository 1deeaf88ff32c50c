/**
 * Fund units (`contracts/tokens/security/Fund.sol`): the typed dealing terms a fund is issued with, their ABI
 * encoding (`initialize`'s `terms` argument is `abi.encode(IFund.FundTerms)`), and the dealing arithmetic of
 * `FundDealingLib` in bigint, so a dApp previews exactly what the contract will do.
 */
import { AbiCoder } from "ethers";

/** `IFund.FundTerms`. Times in seconds; fees in basis points; coin amounts in the coin's smallest unit. */
export interface FundTerms {
  /** The settlement coin subscriptions are paid and redemptions settled in. */
  settlementCoin: string;
  /** Seconds between two cut-offs (1 second … 366 days). */
  dealingPeriod: number;
  /** Seconds from the unix epoch, modulo the period, to the cut-offs (less than `dealingPeriod`). */
  cutOffOffset: number;
  /** Entry fee on subscriptions (≤ `FUND_MAX_FEE_BPS`). */
  entryFeeBps: number;
  /** Exit fee on redemptions (≤ `FUND_MAX_FEE_BPS`). */
  exitFeeBps: number;
  /** Receives the fees; must be non-zero when a fee rate is. */
  feeAccount: string;
  /** The least coin one subscription may escrow (0: any positive amount). */
  minSubscription: bigint;
}

/** Mirrors `Fund.MAX_FEE_BPS`. */
export const FUND_MAX_FEE_BPS = 1_000;
/** Mirrors `Fund.MAX_DECIMALS`. */
export const FUND_MAX_DECIMALS = 18;
/** Mirrors `Fund`'s longest dealing period. */
export const FUND_MAX_DEALING_PERIOD = 366 * 86_400;

const BPS = 10_000n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** The Solidity tuple type of `IFund.FundTerms`. */
export const FUND_TERMS_TYPE = "tuple(address,uint32,uint32,uint16,uint16,address,uint96)";

/** Which of the contract's `FundInvalidTerms` / `FundFeeTooHigh` / `FundInvalidFeeAccount` checks `terms` fail. */
export function fundTermsProblems(terms: FundTerms): string[] {
  const problems: string[] = [];
  if (terms.settlementCoin === ZERO_ADDRESS) problems.push("settlementCoin is the zero address");
  if (
    !Number.isInteger(terms.dealingPeriod) ||
    terms.dealingPeriod < 1 ||
    terms.dealingPeriod > FUND_MAX_DEALING_PERIOD
  )
    problems.push(`dealingPeriod must be 1 … ${FUND_MAX_DEALING_PERIOD} seconds`);
  if (!Number.isInteger(terms.cutOffOffset) || terms.cutOffOffset < 0 || terms.cutOffOffset >= terms.dealingPeriod)
    problems.push("cutOffOffset must be less than dealingPeriod");
  for (const key of ["entryFeeBps", "exitFeeBps"] as const) {
    if (!Number.isInteger(terms[key]) || terms[key] < 0 || terms[key] > FUND_MAX_FEE_BPS)
      problems.push(`${key} must be 0 … ${FUND_MAX_FEE_BPS}`);
  }
  if ((terms.entryFeeBps !== 0 || terms.exitFeeBps !== 0) && terms.feeAccount === ZERO_ADDRESS)
    problems.push("feeAccount is the zero address while a fee is charged");
  if (terms.minSubscription < 0n || terms.minSubscription >= 2n ** 96n)
    problems.push("minSubscription must fit 96 bits");
  return problems;
}

/** `abi.encode(FundTerms)`, the `terms` argument of `Fund.initialize`; throws on terms the contract refuses. */
export function encodeFundTerms(terms: FundTerms): string {
  const problems = fundTermsProblems(terms);
  if (problems.length !== 0) throw new Error(`invalid fund terms: ${problems.join("; ")}`);
  return AbiCoder.defaultAbiCoder().encode(
    [FUND_TERMS_TYPE],
    [
      [
        terms.settlementCoin,
        terms.dealingPeriod,
        terms.cutOffOffset,
        terms.entryFeeBps,
        terms.exitFeeBps,
        terms.feeAccount,
        terms.minSubscription,
      ],
    ],
  );
}

/** Decodes `encodeFundTerms`' output. */
export function decodeFundTerms(data: string): FundTerms {
  const [[settlementCoin, dealingPeriod, cutOffOffset, entryFeeBps, exitFeeBps, feeAccount, minSubscription]] =
    AbiCoder.defaultAbiCoder().decode([FUND_TERMS_TYPE], data);
  return {
    settlementCoin,
    dealingPeriod: Number(dealingPeriod),
    cutOffOffset: Number(cutOffOffset),
    entryFeeBps: Number(entryFeeBps),
    exitFeeBps: Number(exitFeeBps),
    feeAccount,
    minSubscription: BigInt(minSubscription),
  };
}

/** The cut-off a request made at `time` joins: the first `cutOffOffset + k × dealingPeriod` strictly after it. */
export function cutOffOf(time: bigint, terms: Pick<FundTerms, "dealingPeriod" | "cutOffOffset">): bigint {
  const period = BigInt(terms.dealingPeriod);
  const offset = BigInt(terms.cutOffOffset);
  if (time < offset) return offset;
  return time - ((time - offset) % period) + period;
}

/** How a subscription of `coin` is dealt at `navPerUnit` (coin per whole unit) for a fund of `decimals`. */
export function previewSubscription(coin: bigint, entryFeeBps: number, navPerUnit: bigint, decimals: number) {
  const scale = 10n ** BigInt(decimals);
  const fee = (coin * BigInt(entryFeeBps)) / BPS;
  const units = ((coin - fee) * scale) / navPerUnit;
  if (units === 0n) return { fee: 0n, units: 0n, cost: 0n, refund: coin };
  const cost = (units * navPerUnit + scale - 1n) / scale;
  return { fee, units, cost, refund: coin - fee - cost };
}

/** How a redemption of `units` is dealt at `navPerUnit` (coin per whole unit) for a fund of `decimals`. */
export function previewRedemption(units: bigint, exitFeeBps: number, navPerUnit: bigint, decimals: number) {
  const gross = (units * navPerUnit) / 10n ** BigInt(decimals);
  const fee = (gross * BigInt(exitFeeBps)) / BPS;
  return { gross, fee, proceeds: gross - fee };
}

/** `IFund.RequestKind` and `IFund.RequestStatus`. */
export enum FundRequestKind {
  Subscription = 0,
  Redemption = 1,
}
export enum FundRequestStatus {
  None = 0,
  Pending = 1,
  Cancelled = 2,
  Rejected = 3,
  Dealt = 4,
}
