/**
 * An asset's built-in compliance rules (`ICompliance.AssetRules`) as a dApp or an operator writes them: every rule
 * off unless set, so a configuration names only the rules it turns on. `Compliance.configureAsset` and the
 * factory's issue request (`IAssetFactory.ComplianceSetup.rules`) take this shape. `describeRules` says them in
 * words (the console's asset page).
 */
import { formatUnits } from "ethers";
import { claimNames } from "./claims";
import { COUNTRY_CODES } from "./countries";

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

/** A numeric ISO 3166-1 code as "HK (344)" (the number alone when the code is not a known country). */
export function countryName(code: number): string {
  for (const [alpha, numeric] of COUNTRY_CODES) if (numeric === code) return `${alpha} (${code})`;
  return String(code);
}

/** The countries an asset's list rules name (`ICompliance` country allow- and block-lists). */
export interface RuleCountries {
  allowed: readonly number[];
  blocked: readonly number[];
}

/** What else `describeRules` needs besides the rules and countries, and how it writes times and amounts. */
export interface RuleContext {
  /** `maxBalanceOf(asset)`, in the token's smallest units. */
  maxBalance?: bigint;
  /** The token's decimals (for `maxBalance`). */
  decimals?: number;
  /** How many external rules (`externalRulesOf(asset)`) are also asked. */
  externalRules?: number;
  /** A unix time in words; default: UTC, e.g. `2027-01-01 00:00 UTC`. */
  formatTime?: (seconds: number) => string;
  /** An amount of units in words; default: `formatUnits` with `decimals`. */
  formatAmount?: (amount: bigint, decimals: number) => string;
  /** A count in words; default: `String`. */
  formatCount?: (n: number) => string;
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Seconds after 00:00 UTC as "09:30 UTC". */
function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")} UTC`;
}

/**
 * One sentence per rule that is on, after the baseline (every holder verified): the claims asked, the lock-up, the
 * investor cap, trading hours, the country lists (with `countries`), the balance cap and external rules (with
 * `context`).
 */
export function describeRules(rules: AssetRules, countries: RuleCountries, context: RuleContext = {}): string[] {
  const time = context.formatTime ?? utc;
  const amount = context.formatAmount ?? ((value: bigint, decimals: number) => formatUnits(value, decimals));
  const count = context.formatCount ?? String;
  const lines: string[] = [
    "Every holder must be a verified investor (registered, unexpired, with the baseline claims).",
  ];
  if (rules.requiredClaims !== 0n) {
    lines.push(`Recipients must also hold the claims ${claimNames(rules.requiredClaims).join(", ")}.`);
  }
  if (rules.lockupUntil !== 0) lines.push(`No transfer between holders before ${time(rules.lockupUntil)}.`);
  if (rules.maxInvestors !== 0) lines.push(`At most ${count(rules.maxInvestors)} investors may hold it.`);
  if (rules.tradingDays !== 0) {
    const days = WEEKDAYS.filter((_, i) => (rules.tradingDays >> i) & 1);
    lines.push(`Trading from ${clock(rules.windowOpen)} to ${clock(rules.windowClose)} on ${days.join(", ")}.`);
  }
  if (rules.countryAllowList) {
    const allowed = countries.allowed.map(countryName).join(", ") || "none listed yet";
    lines.push(`Recipients must come from an allowed country: ${allowed}.`);
  }
  if (rules.countryBlockList) {
    const blocked = countries.blocked.map(countryName).join(", ") || "none listed yet";
    lines.push(`No party may come from a blocked country: ${blocked}.`);
  }
  if (rules.maxBalance) {
    const cap = amount(context.maxBalance ?? 0n, context.decimals ?? 0);
    lines.push(`No investor may hold more than ${cap} units.`);
  }
  const external = context.externalRules ?? 0;
  if (external > 0) lines.push(`${count(external)} custom rule(s) are also asked.`);
  return lines;
}
