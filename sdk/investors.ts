/**
 * The investor import file a KYC provider keeps: one investor per row, checked whole before anything is sent.
 *
 *     investor,country,claims,expiry,wallets
 *     client-0001,HK,KYC AML PROFESSIONAL,2027-12-31,0xAb…;0xCd…
 *
 * - `investor`: the provider's own reference (never personal data); the on-chain id is its keccak-256
 *   (`investorId`), as `npx hardhat investor:register` computes it. Unique in the file.
 * - `country`: ISO 3166-1, alpha-2 (`HK`) or numeric (`344`).
 * - `claims`: claim names of sdk/claims.ts separated by spaces or `|` (e.g. `KYC AML`).
 * - `expiry`: the attestation's end, `YYYY-MM-DD` (the end of that day, UTC) or unix seconds; after `now`.
 * - `wallets`: addresses separated by `;` or spaces (possibly none); no wallet twice in the file.
 * Columns may come in any order; an unknown or missing column is an error naming it. Every problem is reported
 * with its line (all of them, not the first), and a file with any problem yields no investor.
 */
import { getAddress, id, isAddress } from "ethers";
import { Claim, claimsOf } from "./claims";
import { countryCode } from "./countries";
import { CsvError, parseCsv } from "./csv";

export const INVESTOR_COLUMNS = ["investor", "country", "claims", "expiry", "wallets"] as const;

/** One row, as the registry's `registerInvestors` takes it (`IIdentityRegistry.InvestorInput`), and its line. */
export interface InvestorRow {
  line: number;
  /** The provider's reference. */
  reference: string;
  investor: string;
  country: number;
  claims: bigint;
  expiry: number;
  wallets: string[];
}

export interface InvestorFile {
  investors: InvestorRow[];
  /** Every problem, `line N: …`, in line order; empty when the file is good. */
  errors: string[];
}

/** The on-chain investor id of a provider's reference. */
export function investorId(reference: string): string {
  return id(reference);
}

/** Parses and checks an investor file (see the module's comment); `now` in unix seconds. */
export function parseInvestorCsv(text: string, now: number): InvestorFile {
  const errors: string[] = [];
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) return { investors: [], errors: [error.message] };
    throw error;
  }
  if (records.length === 0) return { investors: [], errors: ["line 1: the file is empty (expected a header row)"] };
  const [header, ...rows] = records;
  const names = header.fields.map((field) => field.trim().toLowerCase());
  const column = new Map<string, number>();
  names.forEach((name, i) => {
    if (!(INVESTOR_COLUMNS as readonly string[]).includes(name)) {
      errors.push(
        `line ${header.line}: unknown column "${header.fields[i]}" (expected ${INVESTOR_COLUMNS.join(", ")})`,
      );
    } else if (column.has(name)) errors.push(`line ${header.line}: column "${name}" twice`);
    else column.set(name, i);
  });
  for (const name of INVESTOR_COLUMNS) {
    if (!column.has(name)) errors.push(`line ${header.line}: missing column "${name}"`);
  }
  if (errors.length > 0) return { investors: [], errors };

  const investors: InvestorRow[] = [];
  const references = new Map<string, number>();
  const walletLines = new Map<string, number>();
  for (const { line, fields } of rows) {
    const problems: string[] = [];
    if (fields.length !== names.length) {
      errors.push(`line ${line}: ${fields.length} fields, the header has ${names.length}`);
      continue;
    }
    const cell = (name: string) => fields[column.get(name)!].trim();
    const reference = cell("investor");
    if (reference === "") problems.push("the investor reference is empty");
    else if (references.has(reference)) {
      problems.push(`investor "${reference}" is already on line ${references.get(reference)}`);
    } else references.set(reference, line);
    const country = countryCode(cell("country"));
    if (country === undefined) problems.push(`unknown country "${cell("country")}" (ISO 3166-1 alpha-2 or numeric)`);
    const claimList: Claim[] = [];
    for (const name of cell("claims")
      .split(/[\s|]+/)
      .filter((n) => n !== "")) {
      const claim = Claim[name.toUpperCase() as keyof typeof Claim];
      if (claim === undefined) problems.push(`unknown claim "${name}" (one of ${claimNamesList()})`);
      else claimList.push(claim);
    }
    const expiry = parseExpiry(cell("expiry"));
    if (expiry === undefined) problems.push(`expiry "${cell("expiry")}" is neither YYYY-MM-DD nor unix seconds`);
    else if (expiry <= now) {
      problems.push(`expiry ${cell("expiry")} has passed (${new Date(expiry * 1000).toISOString()})`);
    }
    const wallets: string[] = [];
    for (const text of cell("wallets")
      .split(/[\s;]+/)
      .filter((w) => w !== "")) {
      if (!isAddress(text)) {
        problems.push(`"${text}" is not an address`);
        continue;
      }
      const wallet = getAddress(text);
      const seen = walletLines.get(wallet);
      if (seen !== undefined) problems.push(`wallet ${wallet} is already on line ${seen}`);
      else walletLines.set(wallet, line);
      wallets.push(wallet);
    }
    if (problems.length > 0) {
      for (const problem of problems) errors.push(`line ${line}: ${problem}`);
      continue;
    }
    investors.push({
      line,
      reference,
      investor: investorId(reference),
      country: country!,
      claims: claimsOf(claimList),
      expiry: expiry!,
      wallets,
    });
  }
  return errors.length > 0 ? { investors: [], errors } : { investors, errors };
}

function claimNamesList(): string {
  return Object.keys(Claim)
    .filter((key) => Number.isNaN(Number(key)))
    .join(", ");
}

/** `YYYY-MM-DD` → the end of that day UTC; digits → unix seconds; else undefined. */
function parseExpiry(text: string): number | undefined {
  if (/^[0-9]{9,11}$/.test(text)) return Number(text);
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day, 23, 59, 59);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return Math.floor(ms / 1000);
}
