import { Claim, claimsOf } from "../sdk/claims";

/** Registry-wide identity policy applied at deployment. */
export const identityDefaults = {
  /** The claims every verified investor must hold. */
  baselineClaims: claimsOf([Claim.KYC, Claim.AML]),
};
