/**
 * An asset's built-in compliance rules (`ICompliance.AssetRules`) as a dApp or an operator writes them: every rule
 * off unless set, so a configuration names only the rules it turns on. `Compliance.configureAsset` and the
 * factory's issue request (`IAssetFactory.ComplianceSetup.rules`) take this shape.
 */

/** `ICompliance.AssetRules`: times in seconds (UTC), counts as numbers, claims as the registry's bitmap. */
export interface AssetRules {
  /** Claims the recipient must hold besides the registry's baseline (`sdk/claims.ts` `claimsOf`). */
  requiredClaims: bigint;
  /** No transfer between holders before this time (0: no lock-up). */
  lockupUntil: number;
  /** The most investors that may hold the asset (0: no cap). */
  maxInvestors: number;
  /** Trading opens this many seconds after 00:00 UTC. */
  windowOpen: number;
  /** Trading closes this many seconds after 00:00 UTC (before `windowOpen`: overnight). */
  windowClose: number;
  /** Bitmap of the UTC weekdays with trading (bit 0 Monday … bit 6 Sunday; 0: no hours rule). */
  tradingDays: number;
  /** Recipients must come from an allow-listed country. */
  countryAllowList: boolean;
  /** Neither party may come from a block-listed country. */
  countryBlockList: boolean;
  /** Each investor's balance is capped by `maxBalanceOf(asset)`. */
  maxBalance: boolean;
}

/** No built-in rule on: any verified investor may hold and trade. */
export const NO_RULES: Readonly<AssetRules> = Object.freeze({
  requiredClaims: 0n,
  lockupUntil: 0,
  maxInvestors: 0,
  windowOpen: 0,
  windowClose: 0,
  tradingDays: 0,
  countryAllowList: false,
  countryBlockList: false,
  maxBalance: false,
});

/** The rules `overrides` turns on, every other rule off. */
export function assetRules(overrides: Partial<AssetRules> = {}): AssetRules {
  return { ...NO_RULES, ...overrides };
}
