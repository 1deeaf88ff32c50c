/** An asset's compliance rules (`ICompliance.AssetRules`, the SDK's `AssetRules`) in words. */
import { COUNTRY_CODES, claimNames, type AssetRules } from "@assetledger/sdk";
import { formatAmount, formatCount, formatTime } from "./format";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** A numeric ISO 3166-1 code as "HK (344)". */
export function countryName(code: number): string {
  for (const [alpha, numeric] of COUNTRY_CODES) if (numeric === code) return `${alpha} (${code})`;
  return String(code);
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")} UTC`;
}

/** One sentence per rule that is on; "Any verified investor may hold and trade." when none is. */
export function describeRules(
  rules: AssetRules,
  extra: { allowed: number[]; blocked: number[]; maxBalance: bigint; decimals: number; externalRules: number },
): string[] {
  const lines: string[] = [
    "Every holder must be a verified investor (registered, unexpired, with the baseline claims).",
  ];
  if (rules.requiredClaims !== 0n) {
    lines.push(`Recipients must also hold the claims ${claimNames(rules.requiredClaims).join(", ")}.`);
  }
  if (rules.lockupUntil !== 0) lines.push(`No transfer between holders before ${formatTime(rules.lockupUntil)}.`);
  if (rules.maxInvestors !== 0) lines.push(`At most ${formatCount(rules.maxInvestors)} investors may hold it.`);
  if (rules.tradingDays !== 0) {
    const days = WEEKDAYS.filter((_, i) => (rules.tradingDays >> i) & 1);
    lines.push(`Trading from ${clock(rules.windowOpen)} to ${clock(rules.windowClose)} on ${days.join(", ")}.`);
  }
  if (rules.countryAllowList) {
    lines.push(
      `Recipients must come from an allowed country: ${extra.allowed.map(countryName).join(", ") || "none listed yet"}.`,
    );
  }
  if (rules.countryBlockList) {
    lines.push(
      `No party may come from a blocked country: ${extra.blocked.map(countryName).join(", ") || "none listed yet"}.`,
    );
  }
  if (rules.maxBalance) {
    lines.push(`No investor may hold more than ${formatAmount(extra.maxBalance, extra.decimals)} units.`);
  }
  if (extra.externalRules > 0) lines.push(`${formatCount(extra.externalRules)} custom rule(s) are also asked.`);
  return lines;
}
