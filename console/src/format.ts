/** Numbers, dates and addresses as the user's locale writes them; token amounts with the token's decimals. */
import { formatUnits } from "ethers";
import { decodePlatformError } from "@assetledger/sdk";

const locale = typeof navigator === "undefined" ? undefined : navigator.language;

/** `amount` in whole units of a token with `decimals` decimals, grouped as the locale groups digits. */
export function formatAmount(amount: bigint, decimals: number | bigint): string {
  const text = formatUnits(amount, decimals);
  const [whole, fraction = ""] = text.split(".");
  const grouped = new Intl.NumberFormat(locale).format(BigInt(whole));
  const trimmed = fraction.replace(/0+$/, "");
  if (!trimmed) return grouped;
  const point = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === "decimal")?.value ?? ".";
  return `${grouped}${point}${trimmed}`;
}

export function formatCount(n: number | bigint): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A unix time as a local date and time. */
export function formatTime(seconds: number | bigint): string {
  if (BigInt(seconds) >= (1n << 48n) - 1n) return "further notice";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(Number(seconds) * 1000),
  );
}

/** An age in words ("3 days", "2 hours"). */
export function formatAge(seconds: number): string {
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(
        Math.floor(seconds / size),
      );
    }
  }
  return new Intl.NumberFormat(locale, { style: "unit", unit: "second", unitDisplay: "long" }).format(seconds);
}

export function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A failed transaction or call as the platform's sentence (`decodePlatformError`), else the error's message. */
export function errorSentence(error: unknown): string {
  const decoded = decodePlatformError(error);
  if (decoded.known) return decoded.sentence;
  if (error && typeof error === "object" && "shortMessage" in error) return String(error.shortMessage);
  return error instanceof Error ? error.message : String(error);
}

/** A decimal fraction ("0.25") as a percentage in the locale ("25 %"). */
export function formatPercent(share: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(Number(share));
}
