/**
 * The claims an investor's attestation may carry: bit `i` of the identity registry's `uint64` claims bitmap is
 * the claim with value `i`. This is the one place claims are named; contracts treat the bitmap as opaque.
 * Values are stable: never renumber, only append.
 */
export enum Claim {
  /** Identity verified (know your customer). */
  KYC = 0,
  /** Anti-money-laundering screening passed. */
  AML = 1,
  /** Professional or accredited investor. */
  PROFESSIONAL = 2,
  /** Qualified domestic institutional investor. */
  QUALIFIED_DOMESTIC = 3,
  /** Qualified foreign investor. */
  QUALIFIED_FOREIGN = 4,
  /** Institution (not a natural person). */
  INSTITUTIONAL = 5,
  /** Sanctions screening passed. */
  SANCTIONS_SCREENED = 6,
  /** Eligible for derivatives (options, futures). */
  DERIVATIVES_ELIGIBLE = 7,
}

/** The bitmap of `claims`. */
export function claimsOf(claims: readonly Claim[]): bigint {
  return claims.reduce((bits, claim) => bits | (1n << BigInt(claim)), 0n);
}

/** The claims in `bits`, by name. */
export function claimNames(bits: bigint): string[] {
  return Object.entries(Claim)
    .filter(([, value]) => typeof value === "number" && (bits >> BigInt(value)) & 1n)
    .map(([name]) => name);
}
