/**
 * A term sheet: one JSON or YAML document an issuer writes to issue a security through the AssetFactory — the product, the
 * instrument, its documents, the product's terms in the units people use (dates, percentages, coin amounts, days),
 * its agents and administrators and its compliance rules. `parseTermSheet` checks it whole and turns it into the
 * factory's `IssueRequest`; every problem is reported with the field's path and the line it is on, and a sheet with
 * any problem yields no request.
 *
 *     {
 *       "product": "Bond",
 *       "instrument": { "name": "Example 4.25% 2031", "symbol": "EX31", "decimals": 0,
 *                       "securityCode": "188001", "isin": "CNE100000001", "jurisdiction": "CN" },
 *       "documents": [{ "name": "prospectus", "uri": "ipfs://…", "hash": "0x…" }],
 *       "terms": { "settlementCoin": "SettlementCoinUSD", "faceValue": "100.00", "couponPercent": "4.25",
 *                  "frequency": 2, "dayCount": "Actual365Fixed", "issueDate": "2026-12-15",
 *                  "firstCouponDate": "2027-06-15", "maturityDate": "2031-12-15", "recordDays": 5,
 *                  "claimPeriodDays": 365 },
 *       "agents": ["0x…"], "administrators": ["0x…"],
 *       "compliance": { "requiredClaims": ["PROFESSIONAL"], "allowedCountries": ["CN", "HK"], "maxInvestors": 200 }
 *     }
 *
 * Terms by product (coin amounts are decimal strings in coin units, converted with `coinDecimals`):
 * - Equity: `settlementCoin`, `shareClass` (default "ORDINARY"), `minClaimPeriodDays` (default 7).
 * - Bond: `settlementCoin`, `faceValue`, `couponPercent` (0 with `frequency` 0: zero coupon), `frequency`,
 *   `dayCount` (a name of sdk/products/bond.ts `DayCount`), `endOfMonth` (default false), `issueDate`,
 *   `firstCouponDate`, `maturityDate` (YYYY-MM-DD), `recordDays`, `callableFrom` (a date, or absent),
 *   `callNoticeDays` (default 0), `claimPeriodDays`.
 * - Fund: `settlementCoin`, `dealingPeriodHours`, `cutOffOffsetHours` (default 0), `entryFeeBps`, `exitFeeBps`
 *   (default 0), `feeAccount` (needed when a fee is charged), `minSubscription` (default "0").
 * Compliance (every rule off unless named): `requiredClaims`, `allowedCountries`, `blockedCountries` (ISO 3166-1),
 * `maxInvestors`, `lockupUntil` (a date), `maxBalance` (token units), `tradingWindow` (`{ "open": "09:30",
 * "close": "15:00", "days": ["Mon", …] }`, UTC).
 */
import { getAddress, isAddress, isHexString, parseUnits, ZeroAddress } from "ethers";
import { parse as parseYaml, YAMLError } from "yaml";
import { instrumentCode, ProductType } from "./assets";
import { Claim, claimsOf } from "./claims";
import { countryCode } from "./countries";
import { encodeBondTerms, couponRate, DayCount, timestampOf, type BondTerms } from "./products/bond";
import { encodeEquityTerms } from "./products/equity";
import { encodeFundTerms, fundTermsProblems, type FundTerms } from "./products/fund";
import { assetRules, type AssetRules } from "./rules";

/** `ISecurityToken.Instrument`, as ethers encodes it. */
export interface Instrument {
  name: string;
  symbol: string;
  decimals: number;
  securityCode: string;
  isin: string;
  jurisdiction: number;
  issuer: string;
}

/** The factory's `IAssetFactory.IssueRequest`, as ethers takes it. */
export interface IssueRequest {
  productType: ProductType;
  instrument: Instrument;
  documents: { name: string; uri: string; documentHash: string }[];
  terms: string;
  agents: string[];
  administrators: string[];
  compliance: { rules: AssetRules; allowedCountries: number[]; blockedCountries: number[]; maxBalance: bigint };
}

export interface TermSheetContext {
  /** Resolves a coin named by deployment (e.g. "SettlementCoinUSD") to its address; addresses pass as they are. */
  coins: Readonly<Record<string, string>>;
  /** The decimals of each coin address (lower case), for coin amounts. */
  coinDecimals: (coin: string) => number;
}

export interface ParsedTermSheet {
  request?: IssueRequest;
  /** `line N, path: problem`, in line order; empty when the sheet is good. */
  errors: string[];
}

const PRODUCTS = { Equity: ProductType.Equity, Bond: ProductType.Bond, Fund: ProductType.Fund } as const;
const DAY = 86_400;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
type Json = unknown;

/** Parses and checks `text` (see the module's comment). */
export function parseTermSheet(
  text: string,
  context: TermSheetContext,
  format: "json" | "yaml" = "json",
): ParsedTermSheet {
  let sheet: Json;
  if (format === "yaml") {
    try {
      // YAML 1.2 core schema: no custom tags, no anchors expanding into more than the sheet (the library's limits).
      sheet = parseYaml(text, { schema: "core", prettyErrors: true });
    } catch (error) {
      const line = error instanceof YAMLError ? (error.linePos?.[0].line ?? 1) : 1;
      return { errors: [`line ${line}: not YAML (${(error as Error).message.split("\n")[0]})`] };
    }
  } else {
    try {
      sheet = JSON.parse(text);
    } catch (error) {
      return { errors: [`line ${jsonErrorLine(text, error)}: not JSON (${(error as Error).message})`] };
    }
  }
  const problems: { path: string; message: string }[] = [];
  const fail = (path: string, message: string) => problems.push({ path, message });
  const reader = new Reader(sheet, fail);

  const productName = reader.string("product");
  const productType = productName === undefined ? undefined : PRODUCTS[productName as keyof typeof PRODUCTS];
  if (productName !== undefined && productType === undefined) {
    fail("product", `unknown product "${productName}" (one of ${Object.keys(PRODUCTS).join(", ")})`);
  }
  reader.only("", ["product", "instrument", "documents", "terms", "agents", "administrators", "compliance"]);

  const instrument = {
    name: reader.string("instrument.name", { min: 1, max: 64 }),
    symbol: reader.string("instrument.symbol", { min: 1, max: 16 }),
    decimals: reader.integer("instrument.decimals", 0, 18),
    securityCode: reader.code("instrument.securityCode"),
    isin: reader.isin("instrument.isin"),
    jurisdiction: reader.country("instrument.jurisdiction"),
  };
  reader.only("instrument", ["name", "symbol", "decimals", "securityCode", "isin", "jurisdiction"]);

  const documents: IssueRequest["documents"] = [];
  reader.list("documents", true).forEach((_, i) => {
    const at = `documents[${i}]`;
    const name = reader.string(`${at}.name`, { min: 1, max: 31 });
    const uri = reader.string(`${at}.uri`, { min: 1, max: 256 });
    const hash = reader.string(`${at}.hash`);
    if (hash !== undefined && !isHexString(hash, 32)) fail(`${at}.hash`, "not a 32-byte hex hash (0x + 64 hex digits)");
    reader.only(at, ["name", "uri", "hash"]);
    if (name !== undefined && uri !== undefined && hash !== undefined && isHexString(hash, 32)) {
      documents.push({ name: bytes32Label(name), uri, documentHash: hash });
    }
  });

  const agents = reader.addresses("agents", true);
  const administrators = reader.addresses("administrators", true);

  let terms: string | undefined;
  if (productType === ProductType.Equity) terms = equityTerms(reader, context);
  else if (productType === ProductType.Bond) terms = bondTerms(reader, context, fail);
  else if (productType === ProductType.Fund) terms = fundTerms(reader, context, fail);

  const compliance = complianceOf(reader, instrument.decimals ?? 0);

  if (problems.length > 0) {
    const errors = problems
      .map(({ path, message }) => ({ line: lineOf(text, path), text: `${path}: ${message}` }))
      .sort((a, b) => a.line - b.line)
      .map(({ line, text: t }) => `line ${line}, ${t}`);
    return { errors };
  }
  return {
    request: {
      productType: productType!,
      instrument: {
        name: instrument.name!,
        symbol: instrument.symbol!,
        decimals: instrument.decimals!,
        securityCode: instrument.securityCode!,
        isin: instrument.isin!,
        jurisdiction: instrument.jurisdiction!,
        issuer: ZeroAddress,
      },
      documents,
      terms: terms!,
      agents,
      administrators,
      compliance: compliance!,
    },
    errors: [],
  };
}

function equityTerms(reader: Reader, context: TermSheetContext): string | undefined {
  const coin = reader.coin("terms.settlementCoin", context);
  const shareClass = reader.string("terms.shareClass", { max: 31, optional: true }) ?? "ORDINARY";
  const days = reader.integer("terms.minClaimPeriodDays", 0, 49_710, true) ?? 7;
  reader.only("terms", ["settlementCoin", "shareClass", "minClaimPeriodDays"]);
  if (coin === undefined) return undefined;
  return encodeEquityTerms({ settlementCoin: coin, shareClass, minClaimPeriod: days * DAY });
}

function bondTerms(reader: Reader, context: TermSheetContext, fail: Fail): string | undefined {
  const coin = reader.coin("terms.settlementCoin", context);
  const faceValue = coin === undefined ? undefined : reader.amount("terms.faceValue", context.coinDecimals(coin));
  const percent = reader.string("terms.couponPercent");
  let rate: bigint | undefined;
  if (percent !== undefined) {
    if (!/^[0-9]{1,3}(\.[0-9]{1,4})?$/.test(percent)) fail("terms.couponPercent", `"${percent}" is not a percentage`);
    else rate = couponRate(parseUnits(percent, 2)); // percent with 2 decimals = basis points
  }
  const frequency = reader.integer("terms.frequency", 0, 12);
  if (frequency !== undefined && ![0, 1, 2, 3, 4, 6, 12].includes(frequency)) {
    fail("terms.frequency", "must be 0, 1, 2, 3, 4, 6 or 12 coupons a year");
  }
  if (rate !== undefined && frequency !== undefined && (rate === 0n) !== (frequency === 0)) {
    fail("terms.frequency", "a zero-coupon bond has couponPercent 0 and frequency 0, a coupon bond neither");
  }
  const dayCountName = reader.string("terms.dayCount");
  const dayCount = dayCountName === undefined ? undefined : DayCount[dayCountName as keyof typeof DayCount];
  if (dayCountName !== undefined && typeof dayCount !== "number") {
    const names = Object.keys(DayCount).filter((k) => Number.isNaN(Number(k)));
    fail("terms.dayCount", `unknown day count "${dayCountName}" (one of ${names.join(", ")})`);
  }
  const endOfMonth = reader.boolean("terms.endOfMonth", true) ?? false;
  const issueDate = reader.date("terms.issueDate");
  const firstCouponDate = reader.date("terms.firstCouponDate");
  const maturityDate = reader.date("terms.maturityDate");
  if (issueDate !== undefined && maturityDate !== undefined && maturityDate <= issueDate) {
    fail("terms.maturityDate", "must be after issueDate");
  }
  if (firstCouponDate !== undefined && issueDate !== undefined && firstCouponDate <= issueDate) {
    fail("terms.firstCouponDate", "must be after issueDate");
  }
  if (firstCouponDate !== undefined && maturityDate !== undefined && firstCouponDate > maturityDate) {
    fail("terms.firstCouponDate", "must be on or before maturityDate");
  }
  const recordDays = reader.integer("terms.recordDays", 0, 365);
  const callableFrom = reader.date("terms.callableFrom", true) ?? 0n;
  const callNoticeDays = reader.integer("terms.callNoticeDays", 0, 3_650, true) ?? 0;
  const claimPeriodDays = reader.integer("terms.claimPeriodDays", 0, 49_710);
  reader.only("terms", [
    "settlementCoin",
    "faceValue",
    "couponPercent",
    "frequency",
    "dayCount",
    "endOfMonth",
    "issueDate",
    "firstCouponDate",
    "maturityDate",
    "recordDays",
    "callableFrom",
    "callNoticeDays",
    "claimPeriodDays",
  ]);
  const values = [coin, faceValue, rate, frequency, dayCount, issueDate, firstCouponDate, maturityDate, recordDays];
  if (values.some((v) => v === undefined) || claimPeriodDays === undefined || typeof dayCount !== "number") {
    return undefined;
  }
  const terms: BondTerms = {
    settlementCoin: coin!,
    faceValue: faceValue!,
    couponRate: rate!,
    frequency: frequency!,
    dayCount,
    endOfMonth,
    issueDate: issueDate!,
    firstCouponDate: firstCouponDate!,
    maturityDate: maturityDate!,
    recordDays: recordDays!,
    callableFrom,
    callNotice: callNoticeDays * DAY,
    claimPeriod: claimPeriodDays * DAY,
  };
  return encodeBondTerms(terms);
}

function fundTerms(reader: Reader, context: TermSheetContext, fail: Fail): string | undefined {
  const coin = reader.coin("terms.settlementCoin", context);
  const period = reader.integer("terms.dealingPeriodHours", 1, 366 * 24);
  const offset = reader.integer("terms.cutOffOffsetHours", 0, 366 * 24, true) ?? 0;
  const entryFeeBps = reader.integer("terms.entryFeeBps", 0, 10_000, true) ?? 0;
  const exitFeeBps = reader.integer("terms.exitFeeBps", 0, 10_000, true) ?? 0;
  const feeAccount = reader.address("terms.feeAccount", true) ?? ZeroAddress;
  const minimum =
    coin === undefined ? undefined : (reader.amount("terms.minSubscription", context.coinDecimals(coin), true) ?? 0n);
  reader.only("terms", [
    "settlementCoin",
    "dealingPeriodHours",
    "cutOffOffsetHours",
    "entryFeeBps",
    "exitFeeBps",
    "feeAccount",
    "minSubscription",
  ]);
  if (coin === undefined || period === undefined || minimum === undefined) return undefined;
  const terms: FundTerms = {
    settlementCoin: coin,
    dealingPeriod: period * 3_600,
    cutOffOffset: offset * 3_600,
    entryFeeBps,
    exitFeeBps,
    feeAccount,
    minSubscription: minimum,
  };
  const problems = fundTermsProblems(terms);
  for (const problem of problems) fail("terms", problem);
  return problems.length > 0 ? undefined : encodeFundTerms(terms);
}

function complianceOf(reader: Reader, decimals: number): IssueRequest["compliance"] | undefined {
  const claims: Claim[] = [];
  for (const [i, name] of reader.strings("compliance.requiredClaims", true).entries()) {
    const claim = Claim[name as keyof typeof Claim];
    if (claim === undefined) reader.fail(`compliance.requiredClaims[${i}]`, `unknown claim "${name}"`);
    else claims.push(claim);
  }
  const allowed = reader.countries("compliance.allowedCountries");
  const blocked = reader.countries("compliance.blockedCountries");
  const maxInvestors = reader.integer("compliance.maxInvestors", 0, 2 ** 32 - 1, true) ?? 0;
  const lockup = reader.date("compliance.lockupUntil", true) ?? 0n;
  const maxBalance = reader.amount("compliance.maxBalance", decimals, true);
  let window = { open: 0, close: 0, days: 0 };
  if (reader.has("compliance.tradingWindow")) {
    const open = reader.time("compliance.tradingWindow.open");
    const close = reader.time("compliance.tradingWindow.close");
    let days = 0;
    for (const [i, day] of reader.strings("compliance.tradingWindow.days").entries()) {
      const index = WEEKDAYS.indexOf(day);
      if (index < 0)
        reader.fail(`compliance.tradingWindow.days[${i}]`, `"${day}" is not one of ${WEEKDAYS.join(", ")}`);
      else days |= 1 << index;
    }
    if (days === 0) reader.fail("compliance.tradingWindow.days", "name at least one trading day");
    reader.only("compliance.tradingWindow", ["open", "close", "days"]);
    window = { open: open ?? 0, close: close ?? 0, days };
  }
  reader.only("compliance", [
    "requiredClaims",
    "allowedCountries",
    "blockedCountries",
    "maxInvestors",
    "lockupUntil",
    "maxBalance",
    "tradingWindow",
  ]);
  return {
    rules: assetRules({
      requiredClaims: claimsOf(claims),
      lockupUntil: Number(lockup),
      maxInvestors,
      windowOpen: window.open,
      windowClose: window.close,
      tradingDays: window.days,
      countryAllowList: allowed.length > 0,
      countryBlockList: blocked.length > 0,
      maxBalance: maxBalance !== undefined,
    }),
    allowedCountries: allowed,
    blockedCountries: blocked,
    maxBalance: maxBalance ?? 0n,
  };
}

type Fail = (path: string, message: string) => void;

/** Reads typed fields by path (`a.b[2].c`), reporting each problem once through `fail`. */
class Reader {
  constructor(
    private readonly root: Json,
    readonly fail: Fail,
  ) {}

  private get(path: string): { found: boolean; value?: Json } {
    let value: Json = this.root;
    for (const part of path.split(/\.|(?=\[)/).filter((p) => p !== "")) {
      const index = /^\[(\d+)\]$/.exec(part);
      if (index) {
        if (!Array.isArray(value) || Number(index[1]) >= value.length) return { found: false };
        value = value[Number(index[1])];
      } else {
        if (typeof value !== "object" || value === null || Array.isArray(value) || !(part in value))
          return { found: false };
        value = (value as Record<string, Json>)[part];
      }
    }
    return { found: true, value };
  }

  has(path: string): boolean {
    return this.get(path).found;
  }

  /** Reports keys of the object at `path` not in `known` (a misspelt field must not be silently ignored). */
  only(path: string, known: readonly string[]): void {
    const { value } = path === "" ? { value: this.root } : this.get(path);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      if (path === "") this.fail("(document)", "the term sheet must be a JSON object");
      return;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key))
        this.fail(path ? `${path}.${key}` : key, `unknown field (expected one of ${known.join(", ")})`);
    }
  }

  private present(path: string, optional: boolean): Json | undefined {
    const { found, value } = this.get(path);
    if (!found || value === null) {
      if (!optional) this.fail(path, "missing");
      return undefined;
    }
    return value;
  }

  string(path: string, opts: { min?: number; max?: number; optional?: boolean } = {}): string | undefined {
    const value = this.present(path, opts.optional ?? false);
    if (value === undefined) return undefined;
    if (typeof value !== "string") return void this.fail(path, "must be a string");
    const length = new TextEncoder().encode(value).length;
    if (opts.min !== undefined && length < opts.min) return void this.fail(path, "is empty");
    if (opts.max !== undefined && length > opts.max) return void this.fail(path, `is longer than ${opts.max} bytes`);
    return value;
  }

  integer(path: string, min: number, max: number, optional = false): number | undefined {
    const value = this.present(path, optional);
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      return void this.fail(path, `must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  boolean(path: string, optional = false): boolean | undefined {
    const value = this.present(path, optional);
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") return void this.fail(path, "must be true or false");
    return value;
  }

  list(path: string, optional = false): Json[] {
    const value = this.present(path, optional);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(path, "must be a list");
      return [];
    }
    return value;
  }

  strings(path: string, optional = false): string[] {
    const out: string[] = [];
    this.list(path, optional).forEach((item, i) => {
      if (typeof item !== "string") this.fail(`${path}[${i}]`, "must be a string");
      else out.push(item);
    });
    return out;
  }

  address(path: string, optional = false): string | undefined {
    const value = this.string(path, { optional });
    if (value === undefined) return undefined;
    if (!isAddress(value)) return void this.fail(path, `"${value}" is not an address`);
    return getAddress(value);
  }

  addresses(path: string, optional = false): string[] {
    const out: string[] = [];
    this.strings(path, optional).forEach((value, i) => {
      if (!isAddress(value)) this.fail(`${path}[${i}]`, `"${value}" is not an address`);
      else if (out.includes(getAddress(value))) this.fail(`${path}[${i}]`, `${getAddress(value)} is listed twice`);
      else out.push(getAddress(value));
    });
    return out;
  }

  coin(path: string, context: TermSheetContext): string | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    if (isAddress(value)) return getAddress(value);
    const address = context.coins[value];
    if (address === undefined) {
      return void this.fail(
        path,
        `unknown coin "${value}" (an address, or one of ${Object.keys(context.coins).join(", ")})`,
      );
    }
    return address;
  }

  amount(path: string, decimals: number, optional = false): bigint | undefined {
    const value = this.present(path, optional);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !/^[0-9]+(\.[0-9]+)?$/.test(value)) {
      return void this.fail(path, 'must be a decimal string, e.g. "100.00"');
    }
    try {
      return parseUnits(value, decimals);
    } catch {
      return void this.fail(path, `has more than ${decimals} decimals`);
    }
  }

  date(path: string, optional = false): bigint | undefined {
    const value = this.string(path, { optional });
    if (value === undefined) return undefined;
    try {
      return timestampOf(value);
    } catch {
      return void this.fail(path, `"${value}" is not a date (YYYY-MM-DD)`);
    }
  }

  time(path: string): number | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    const m = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(value);
    if (!m) return void this.fail(path, `"${value}" is not a time (HH:MM, UTC)`);
    return Number(m[1]) * 3_600 + Number(m[2]) * 60;
  }

  country(path: string): number | undefined {
    const value = this.present(path, false);
    if (value === undefined) return undefined;
    const code = typeof value === "string" || typeof value === "number" ? countryCode(String(value)) : undefined;
    if (code === undefined) return void this.fail(path, `unknown country "${String(value)}" (ISO 3166-1)`);
    return code;
  }

  countries(path: string): number[] {
    const out: number[] = [];
    this.list(path, true).forEach((item, i) => {
      const code = typeof item === "string" || typeof item === "number" ? countryCode(String(item)) : undefined;
      if (code === undefined) this.fail(`${path}[${i}]`, `unknown country "${String(item)}" (ISO 3166-1)`);
      else if (out.includes(code)) this.fail(`${path}[${i}]`, `country ${String(item)} is listed twice`);
      else out.push(code);
    });
    return out;
  }

  code(path: string): string | undefined {
    const value = this.string(path, { min: 1, max: 12 });
    return value === undefined ? undefined : instrumentCode(value);
  }

  isin(path: string): string | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    if (!/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/.test(value) || !isinCheckDigitOk(value)) {
      return void this.fail(path, `"${value}" is not an ISIN (ISO 6166: 2 letters, 9 alphanumerics, a check digit)`);
    }
    return instrumentCode(value);
  }
}

/** ISO 6166's check digit (Luhn over the letters expanded to numbers). */
function isinCheckDigitOk(isin: string): boolean {
  const digits = isin
    .slice(0, 11)
    .split("")
    .map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55)))
    .join("");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(isin[11]);
}

/** A label (≤ 31 bytes) as bytes32, as documents are named on chain. */
function bytes32Label(label: string): string {
  const bytes = new TextEncoder().encode(label);
  return "0x" + Buffer.from(bytes).toString("hex").padEnd(64, "0");
}

/**
 * The line of the path's last key, found key by key from the document's start (`"key"` in JSON, `key:` in YAML);
 * the line of the last key found when a key is absent (a missing field: its parent's line).
 */
function lineOf(text: string, path: string): number {
  const keys = path.split(/\.|\[\d+\]/).filter((k) => k !== "" && k !== "(document)");
  let at = 0;
  for (const key of keys) {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match = new RegExp(`"${escaped}"\\s*:|(^|[\\s{,])${escaped}\\s*:`, "m").exec(text.slice(at));
    if (!match) break;
    at += match.index + (match[1]?.length ?? 0);
  }
  return text.slice(0, at).split("\n").length;
}

/** The line a JSON.parse error points at (its "position N"), else 1. */
function jsonErrorLine(text: string, error: unknown): number {
  const m = /position (\d+)/.exec(String((error as Error).message));
  return m ? text.slice(0, Number(m[1])).split("\n").length : 1;
}
