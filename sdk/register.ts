/**
 * The ownership register of a security token at any block or record-date snapshot: who holds it, through which
 * wallets, how much, and what share of the supply. Works over any ethers provider (a dApp's, an operator's
 * node, the Hardhat network), with plain ABIs, so back offices need nothing else.
 *
 *   const register = await readRegister(provider, { asset, block: 1_234_567 });
 *   fs.writeFileSync("register.csv", registerToCsv(register));
 *
 * How it is read:
 * - wallets: every address that ever received the token up to the register's block (its `Transfer` logs);
 * - balances: `balanceOf`/`totalSupply` by `eth_call` at that block (`--block`), or `balanceOfAt`/`totalSupplyAt`
 *   (`--snapshot`), which the token keeps exactly for every snapshot;
 * - investors: the token's identity registry (`investorOf`) at the same block, so wallets are grouped as they
 *   were then. Wallets the registry does not know (the token's own escrow, wallets since removed) are listed one
 *   per row with an empty investor id.
 * Shares are computed with integer arithmetic only: `floor(balance × 10^digits / supply)`, written as a decimal.
 */
import { Contract, type Provider } from "ethers";

const TOKEN_ABI = [
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Snapshot(uint256 indexed id)",
  "function decimals() view returns (uint8)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
  "function totalSupplyAt(uint256) view returns (uint256)",
  "function balanceOfAt(address,uint256) view returns (uint256)",
  "function currentSnapshotId() view returns (uint256)",
  "function identityRegistry() view returns (address)",
];
const REGISTRY_ABI = ["function investorOf(address) view returns (bytes32)"];
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const NO_INVESTOR = "0x" + "0".repeat(64);

/** One investor's line of the register. */
export interface RegisterRow {
  /** The identity registry's investor id (bytes32 hex), or "" for a wallet the registry does not know. */
  investor: string;
  /** The investor's wallets holding the token, in address order. */
  wallets: string[];
  /** The investor's balance in the token's smallest unit. */
  balance: bigint;
  /** `balance / totalSupply` as a decimal string, rounded down to `shareDigits` digits. */
  share: string;
}

/** The register of an asset at one block or snapshot. */
export interface Register {
  asset: string;
  /** The block the register was read at (for a snapshot: the block that took it, when known). */
  blockNumber: number;
  /** The snapshot id, when read from a snapshot. */
  snapshot?: bigint;
  decimals: number;
  totalSupply: bigint;
  /** Investors with a non-zero balance, largest first. */
  rows: RegisterRow[];
  /** Whether the rows add up to the supply (they must: a gap means a holder was missed). */
  reconciled: boolean;
}

export interface RegisterOptions {
  /** The token's address. */
  asset: string;
  /** Read balances as of this block (default: the latest block). Exclusive with `snapshot`. */
  block?: number;
  /** Read balances as of this record-date snapshot id. Exclusive with `block`. */
  snapshot?: bigint;
  /** Start scanning `Transfer` logs here (default 0; the asset's issue block makes it faster). */
  fromBlock?: number;
  /** Scan logs in ranges of at most this many blocks (default 10,000; nodes cap `eth_getLogs`). */
  logRange?: number;
  /** Digits after the decimal point of each share (default 18). */
  shareDigits?: number;
}

/** Reads the register of `options.asset` at a block or a snapshot. */
export async function readRegister(provider: Provider, options: RegisterOptions): Promise<Register> {
  if (options.block !== undefined && options.snapshot !== undefined) {
    throw new Error("read the register at a block or at a snapshot, not both");
  }
  const token = new Contract(options.asset, TOKEN_ABI, provider);
  const latest = await provider.getBlockNumber();
  let blockNumber = options.block ?? latest;
  if (blockNumber > latest) throw new Error(`block ${blockNumber} is in the future (latest is ${latest})`);
  const snapshot = options.snapshot;
  if (snapshot !== undefined) {
    const current: bigint = await token.currentSnapshotId();
    if (snapshot < 1n || snapshot > current) {
      throw new Error(`snapshot ${snapshot} does not exist (the latest is ${current})`);
    }
    blockNumber = (await snapshotBlock(token, snapshot, options.fromBlock ?? 0, latest)) ?? latest;
  }
  const blockTag = blockNumber;
  const decimals = Number(await token.decimals({ blockTag }));
  const totalSupply: bigint =
    snapshot !== undefined ? await token.totalSupplyAt(snapshot) : await token.totalSupply({ blockTag });
  const registry = new Contract(await token.identityRegistry({ blockTag }), REGISTRY_ABI, provider);

  const wallets = await recipientsOf(token, options.fromBlock ?? 0, blockNumber, options.logRange ?? 10_000);
  const holdings = await inBatches(wallets, 32, async (wallet) => {
    const balance: bigint =
      snapshot !== undefined ? await token.balanceOfAt(wallet, snapshot) : await token.balanceOf(wallet, { blockTag });
    const id: string = balance === 0n ? NO_INVESTOR : await registry.investorOf(wallet, { blockTag });
    return { wallet, balance, id };
  });
  const byInvestor = new Map<string, { wallets: string[]; balance: bigint }>();
  for (const { wallet, balance, id } of holdings) {
    if (balance === 0n) continue;
    const key = id === NO_INVESTOR ? `wallet:${wallet}` : id;
    const entry = byInvestor.get(key) ?? { wallets: [], balance: 0n };
    entry.wallets.push(wallet);
    entry.balance += balance;
    byInvestor.set(key, entry);
  }

  const digits = options.shareDigits ?? 18;
  const rows: RegisterRow[] = [...byInvestor.entries()].map(([key, entry]) => ({
    investor: key.startsWith("wallet:") ? "" : key,
    wallets: entry.wallets.sort(compare),
    balance: entry.balance,
    share: formatShare(entry.balance, totalSupply, digits),
  }));
  rows.sort((a, b) =>
    a.balance === b.balance
      ? compare(a.investor + a.wallets[0], b.investor + b.wallets[0])
      : a.balance > b.balance
        ? -1
        : 1,
  );
  const sum = rows.reduce((total, row) => total + row.balance, 0n);
  return { asset: options.asset, blockNumber, snapshot, decimals, totalSupply, rows, reconciled: sum === totalSupply };
}

/** The register as CSV: a header `investor,wallets,balance,share`, then one line per investor. */
export function registerToCsv(register: Register): string {
  const lines = ["investor,wallets,balance,share"];
  for (const row of register.rows) {
    lines.push([row.investor, row.wallets.join(";"), formatUnits(row.balance, register.decimals), row.share].join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * `part / whole` as a decimal string with at most `digits` digits after the point, rounded down, trailing
 * zeros dropped ("0.25", "1", "0.333333333333333333"); "0" when `whole` is zero. Integer arithmetic only.
 */
export function formatShare(part: bigint, whole: bigint, digits = 18): string {
  if (part < 0n || whole < 0n) throw new Error("a share of negative amounts");
  if (whole === 0n) return "0";
  return formatUnits((part * 10n ** BigInt(digits)) / whole, digits);
}

/**
 * `amount` in whole units of a token with `decimals` decimals, exactly: "1234.5", "0.000001", "42" (no trailing
 * zeros, no exponent, no rounding).
 */
export function formatUnits(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (fraction ? `.${fraction}` : "");
}

/** Every address that received `token` (by its `Transfer` logs) from `fromBlock` to `toBlock`, in address order. */
async function recipientsOf(token: Contract, fromBlock: number, toBlock: number, range: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let start = fromBlock; start <= toBlock; start += range) {
    const end = Math.min(toBlock, start + range - 1);
    const logs = await token.queryFilter(token.filters.Transfer(), start, end);
    for (const log of logs) {
      if (!("args" in log)) continue;
      const to: string = log.args.to;
      if (to !== ZERO_ADDRESS) seen.add(to);
    }
  }
  return [...seen].sort(compare);
}

/** The block whose `Snapshot(id)` log took snapshot `id`, when the token emitted one in the range. */
async function snapshotBlock(
  token: Contract,
  id: bigint,
  fromBlock: number,
  toBlock: number,
): Promise<number | undefined> {
  const logs = await token.queryFilter(token.filters.Snapshot(id), fromBlock, toBlock);
  return logs.length ? logs[0].blockNumber : undefined;
}

/** `fn` over `items`, at most `size` calls in flight, results in order. */
async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/** Case-insensitive order of hex strings (checksummed addresses mix cases). */
function compare(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
