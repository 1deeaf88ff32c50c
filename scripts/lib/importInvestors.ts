/**
 * Registers an investor file's rows (sdk/investors.ts) with the IdentityRegistry in batches (`registerInvestors`),
 * resumable: investors the registry already knows are skipped, so an interrupted import run again registers
 * nobody twice. A refused batch stops the import with the decoded custom error, the lines of the batch and what to
 * do; everything registered before it stays registered (run again after fixing the file).
 */
import type { IdentityRegistry } from "../../typechain-types";
import type { InvestorRow } from "../../sdk/investors";
import { decodeRevert, revertDataOf } from "../../sdk/settlement";
import { progress, type Progress } from "./progress";

export interface ImportResult {
  registered: number;
  /** Already registered (an earlier, interrupted run, or registered by hand). */
  skipped: number;
  batches: number;
  seconds: number;
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly result: ImportResult,
  ) {
    super(message);
    this.name = "ImportError";
  }
}

/** What to do about each refusal the registry can give an import. */
const HINTS: Record<string, string> = {
  IdentityRegistryWalletTaken: "the wallet belongs to another investor: remove it from the row, or unlink it first",
  IdentityRegistryInvestorExists: "the investor is registered already: run the import again (it skips them)",
  IdentityRegistryInvalidCountry: "fix the row's country",
  IdentityRegistryInvalidExpiry: "the expiry has passed on chain: give the row a later date",
  IdentityRegistryInvalidWallet: "fix the row's wallet address",
  IdentityRegistryTooManyWallets: "an investor has too many wallets: split them over fewer, or raise the limit",
  AccessManagedUnauthorized: "send as a KYC provider (a member holding KYC_PROVIDER): --from",
};

/**
 * Which rows are registered already: the registry's `InvestorRegistered` events name every id it ever registered
 * (one log query, not one call per row); each such row is then confirmed with `investorRecord` (a removed investor
 * reads index 0 and is registered again), `parallel` at a time.
 */
async function registered(identity: IdentityRegistry, rows: readonly InvestorRow[], fromBlock: number, parallel = 200) {
  const ever = new Set<string>();
  for (const event of await identity.queryFilter(identity.filters.InvestorRegistered(), fromBlock)) {
    ever.add(event.args.investor.toLowerCase());
  }
  const candidates = rows.filter((row) => ever.has(row.investor.toLowerCase()));
  const known = new Set<string>();
  for (let i = 0; i < candidates.length; i += parallel) {
    const chunk = candidates.slice(i, i + parallel);
    const records = await Promise.all(chunk.map((row) => identity.investorRecord(row.investor)));
    records.forEach((record, k) => {
      if (record.index !== 0n) known.add(chunk[k].investor);
    });
  }
  return known;
}

export async function importInvestors(
  identity: IdentityRegistry,
  rows: readonly InvestorRow[],
  options: {
    batch?: number;
    progress?: (total: number) => Progress;
    /** The registry's deployment block, where its events start (default 0). */
    fromBlock?: number;
  } = {},
): Promise<ImportResult> {
  const size = options.batch ?? 100;
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a positive integer, got ${size}`);
  const started = performance.now();
  const known = await registered(identity, rows, options.fromBlock ?? 0);
  const todo = rows.filter((row) => !known.has(row.investor));
  const bar = (options.progress ?? ((total) => progress("investors", total)))(todo.length);
  const result: ImportResult = { registered: 0, skipped: rows.length - todo.length, batches: 0, seconds: 0 };
  for (let i = 0; i < todo.length; i += size) {
    const batch = todo.slice(i, i + size);
    const input = batch.map(({ investor, country, claims, expiry, wallets }) => ({
      investor,
      country,
      claims,
      expiry,
      wallets,
    }));
    try {
      await (await identity.registerInvestors(input)).wait();
    } catch (error) {
      bar.done();
      result.seconds = (performance.now() - started) / 1000;
      throw new ImportError(refusal(identity, error, batch), result);
    }
    result.registered += batch.length;
    result.batches++;
    bar.tick(batch.length);
  }
  result.seconds = (performance.now() - started) / 1000;
  bar.done(
    `${result.registered.toLocaleString("en-US")} registered, ${result.skipped.toLocaleString("en-US")} already ` +
      `registered, ${result.batches} batch(es), ${result.seconds.toFixed(1)} s`,
  );
  return result;
}

/** The sentence for a refused batch: the decoded error, the row it names when it names one, what to do. */
function refusal(identity: IdentityRegistry, error: unknown, batch: readonly InvestorRow[]): string {
  const data = revertDataOf(error);
  const lines = `lines ${batch[0].line}–${batch[batch.length - 1].line}`;
  const decoded = data ? decodeRevert(data, [identity.interface]) : undefined;
  if (!decoded) {
    const reason = error instanceof Error ? error.message : String(error);
    return (
      `the registry refused the batch of ${lines} without a custom error (${reason}): a batch too large for the ` +
      `transaction or block gas limit fails so — run again with a smaller --batch (rows before this batch are registered)`
    );
  }
  const named = new Set(decoded.argList.map((arg) => String(arg).toLowerCase()));
  const row = batch.find(
    (r) => named.has(r.investor.toLowerCase()) || r.wallets.some((w) => named.has(w.toLowerCase())),
  );
  const where = row ? `line ${row.line} (${row.reference})` : lines;
  const hint = HINTS[decoded.name] ?? "see the error's NatSpec in contracts/interfaces/identity/IIdentityRegistry.sol";
  return `${where}: ${decoded.name}(${decoded.argList.map(String).join(", ")}): ${decoded.sentence} — ${hint}. Rows before this batch are registered; fix the file and run the import again.`;
}
