/**
 * The pure parts of `npm run bench:day` (scripts/bench-day.ts): its command line and its independent ledger. No
 * Hardhat import, so a unit test can load it.
 */
import type { Instrument, NetTrade } from "../../sdk/netting";

/** The workloads of issue 19. */
export type DayWorkload = "member" | "investor";

/** What a run does. */
export interface DayOptions {
  /** Trades to settle (default 80,000,000: an exchange day). */
  trades: number;
  workload: DayWorkload;
  /** Gas ceiling a batch is sized to (default 100,000,000). */
  ceiling: number;
  /** Trades per window: balances are verified and the network's blocks dropped after each (0: one window). */
  window: number;
  /** The workload's seed. */
  seed: number;
  /** Where the summary goes (default bench/day.json). */
  out: string;
  /** Where the contracts run: the embedded Hardhat network (default) or an anvil child on 127.0.0.1. */
  node: DayNode;
  help: boolean;
}

/** The nodes a day runs on. */
export type DayNode = "embedded" | "anvil";

export const DAY_DEFAULTS: Readonly<DayOptions> = {
  trades: 80_000_000,
  workload: "member",
  ceiling: 100_000_000,
  window: 4_000,
  seed: 19,
  out: "bench/day.json",
  node: "embedded",
  help: false,
};

export const DAY_USAGE = `npm run bench:day [-- options]   (or: npx ts-node --transpile-only scripts/bench-day.ts [options])

Settles a day of synthetic trades through the real contracts on the embedded Hardhat network, checks every
participant's balanceOf on every token and coin against an independent gross ledger, writes bench/day.json.

  --trades N          trades to settle (default 80,000,000; 1e6, 2_000_000 and 5m/80m style also read)
  --workload W        member (100 members, Zipf 1.1; default) or investor (1,000 investors, uniform)
  --ceiling G         gas ceiling of a batch: 100m (default), 16m or a number (on the embedded network a
                      100M-gas batch needs more than 8 GiB: use 16m, see the README)
  --window N          trades per window (default 4,000): verify every balance, go back to the snapshot taken
                      when the world was built (dropping the window's blocks) and carry the balances over
                      through the engine; 0 = a single window
  --seed S            the workload's seed (default 19)
  --node N            embedded (default: the Hardhat network in this process) or anvil (a child node on
                      127.0.0.1 over JSON-RPC, started with --prune-history and --transaction-block-keeper so it
                      keeps no history: memory stays bounded without going back to a snapshot; windows then
                      only verify)
  --out FILE          summary file (default bench/day.json)
  --help              this text

Every option can also come from the environment (DAY_TRADES, DAY_WORKLOAD, DAY_CEILING, DAY_WINDOW, DAY_SEED,
DAY_NODE, DAY_OUT), e.g. for \`hardhat run scripts/bench-day.ts\`, which passes no arguments; the command line wins.
DAY_DEBUG=1 prints every batch (trades, positions, gas, model, RSS); DAY_MAX_MIB (default 8192) stops the run when
the script's RSS passes it.`;

/** A count: 1000000, 1_000_000, 1e6, 5m, 16M, 500k. */
export function parseCount(text: string, what: string): number {
  const clean = text.trim().replace(/_/g, "").replace(/,/g, "").toLowerCase();
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)([km]?)$/.exec(clean);
  const value = match ? Number(match[1]) * (match[2] === "k" ? 1e3 : match[2] === "m" ? 1e6 : 1) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what}: "${text}" is not a whole number ≥ 0`);
  return value;
}

const FLAGS: Record<string, keyof DayOptions> = {
  "--trades": "trades",
  "--workload": "workload",
  "--ceiling": "ceiling",
  "--window": "window",
  "--seed": "seed",
  "--out": "out",
  "--node": "node",
};

const ENV: Record<string, keyof DayOptions> = {
  DAY_TRADES: "trades",
  DAY_WORKLOAD: "workload",
  DAY_CEILING: "ceiling",
  DAY_WINDOW: "window",
  DAY_SEED: "seed",
  DAY_OUT: "out",
  DAY_NODE: "node",
};

function set(options: DayOptions, key: keyof DayOptions, value: string, source: string): void {
  switch (key) {
    case "workload":
      if (value !== "member" && value !== "investor") {
        throw new RangeError(`${source}: workload "${value}" is neither member nor investor`);
      }
      options.workload = value;
      return;
    case "node":
      if (value !== "embedded" && value !== "anvil") {
        throw new RangeError(`${source}: node "${value}" is neither embedded nor anvil`);
      }
      options.node = value;
      return;
    case "out":
      if (value === "") throw new RangeError(`${source}: empty file name`);
      options.out = value;
      return;
    case "trades":
      options.trades = parseCount(value, source);
      if (options.trades < 1) throw new RangeError(`${source}: at least one trade`);
      return;
    case "ceiling":
      options.ceiling = parseCount(value, source);
      if (options.ceiling < 1_000_000) throw new RangeError(`${source}: a gas ceiling below 1,000,000`);
      return;
    case "window":
      options.window = parseCount(value, source);
      return;
    case "seed":
      options.seed = parseCount(value, source);
      if (options.seed > 0xffffffff) throw new RangeError(`${source}: the seed is a u32`);
      return;
    default:
      throw new RangeError(`${source}: unknown option`);
  }
}

/**
 * The run's options from the environment (DAY_*), then the command line (`--name value` or `--name=value`), which
 * wins. Throws a RangeError naming the bad option.
 */
export function parseDayArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DayOptions {
  const options: DayOptions = { ...DAY_DEFAULTS };
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== "") set(options, key, value, name);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS[flag];
    if (key === undefined) throw new RangeError(`unknown argument "${arg}" (--help lists the options)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new RangeError(`${flag} needs a value`);
    set(options, key, value, flag);
  }
  return options;
}

/**
 * The independent ledger: trades applied one by one (gross), written apart from the SDK's netting. Per
 * (instrument, participant) it counts lots bought − sold and ticks received − paid (quantity × price) in doubles,
 * exact while below 2⁵³ (checked); balances are opening balance + Σ lots × lot size (the instrument's token) and
 * Σ ticks × tick size (its coin), in bigint.
 */
export class DayLedger {
  private readonly lots: Float64Array[];
  private readonly ticks: Float64Array[];
  private readonly opening = new Map<string, bigint[]>();
  /** Trades applied. */
  applied = 0;

  constructor(
    private readonly instruments: readonly Instrument[],
    readonly participants: number,
  ) {
    this.lots = instruments.map(() => new Float64Array(participants));
    this.ticks = instruments.map(() => new Float64Array(participants));
  }

  /** The assets (tokens and coins, lower case) the instruments name, in first-seen order. */
  assets(): string[] {
    const out: string[] = [];
    for (const { token, coin } of this.instruments) {
      for (const asset of [token.toLowerCase(), coin.toLowerCase()]) if (!out.includes(asset)) out.push(asset);
    }
    return out;
  }

  /** Sets `participant`'s opening balance of `asset`. */
  open(asset: string, participant: number, amount: bigint): void {
    const key = asset.toLowerCase();
    let row = this.opening.get(key);
    if (row === undefined) this.opening.set(key, (row = new Array<bigint>(this.participants).fill(0n)));
    row[participant] = amount;
  }

  /** Applies each trade: lots from seller to buyer, ticks from buyer to seller. */
  apply(trades: readonly NetTrade[]): void {
    const { lots, ticks, participants } = this;
    for (let t = 0; t < trades.length; t++) {
      const { buyer, seller, instrument, quantity, price } = trades[t];
      if (!(buyer >= 0 && buyer < participants && seller >= 0 && seller < participants) || buyer === seller) {
        throw new RangeError(`DayLedger: trade ${trades[t].tradeId} has parties ${buyer} and ${seller}`);
      }
      const l = lots[instrument];
      const c = ticks[instrument];
      if (l === undefined) throw new RangeError(`DayLedger: trade ${trades[t].tradeId}: instrument ${instrument}`);
      const cash = quantity * price;
      l[buyer] += quantity;
      l[seller] -= quantity;
      c[buyer] -= cash;
      c[seller] += cash;
      if (!(Math.abs(c[buyer]) <= Number.MAX_SAFE_INTEGER && Math.abs(c[seller]) <= Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(`DayLedger: a tick count leaves the exact range of doubles at trade ${trades[t].tradeId}`);
      }
    }
    this.applied += trades.length;
  }

  /** Net lots of instrument `i` by participant since the opening (read only). */
  lotsOf(i: number): Float64Array {
    return this.lots[i];
  }

  /** Net ticks received through instrument `i` by participant since the opening (read only). */
  ticksOf(i: number): Float64Array {
    return this.ticks[i];
  }

  /** `participant`'s balance of `asset` now. */
  balance(asset: string, participant: number): bigint {
    const key = asset.toLowerCase();
    let balance = this.opening.get(key)?.[participant] ?? 0n;
    this.instruments.forEach(({ token, coin, lotSize, tickSize }, i) => {
      if (token.toLowerCase() === key) balance += BigInt(this.lots[i][participant]) * lotSize;
      if (coin.toLowerCase() === key) balance += BigInt(this.ticks[i][participant]) * tickSize;
    });
    return balance;
  }

  /** Every balance: asset (lower case) → balances by participant. */
  balances(): Map<string, bigint[]> {
    const out = new Map<string, bigint[]>();
    for (const asset of this.assets()) {
      out.set(
        asset,
        Array.from({ length: this.participants }, (_, p) => this.balance(asset, p)),
      );
    }
    return out;
  }
}

/** The next `count` trades of `stream`, renumbered from `firstId` (the engine's next trade id). */
export function* rebased(stream: Iterator<NetTrade>, count: number, firstId: bigint): Generator<NetTrade> {
  for (let i = 0; i < count; i++) {
    const next = stream.next();
    if (next.done) return;
    yield { ...next.value, tradeId: firstId + BigInt(i) };
  }
}

const U32_MAX = 0xffffffff;

/**
 * Trades that take the world from its opening balances to `ledger`'s balances (after the network went back to
 * the snapshot taken when the world was built): per instrument, lots from the participants whose net is negative
 * to those whose net is positive at price 1; then, for cash, pairs of trades on instrument 0 that move no lots
 * (A buys one lot from B at price k + 1, B buys it back at price 1: k ticks from A to B). Needs one coin and one
 * tick size for every instrument (checked). Ids consecutive from `firstId`.
 */
export function carryTrades(ledger: DayLedger, instruments: readonly Instrument[], firstId: bigint): NetTrade[] {
  const coin = instruments[0].coin.toLowerCase();
  const tick = instruments[0].tickSize;
  if (instruments.some((i) => i.coin.toLowerCase() !== coin || i.tickSize !== tick)) {
    throw new RangeError("carryTrades: the instruments must share one coin and one tick size");
  }
  const out: NetTrade[] = [];
  let id = firstId;
  const trade = (buyer: number, seller: number, instrument: number, quantity: number, price: number) =>
    out.push({ tradeId: id++, buyer, seller, instrument, quantity, price });
  const cash = new Float64Array(ledger.participants);
  /** Pairs off positive and negative amounts: `move(to, from, amount)` for each transfer. */
  const settleUp = (net: Float64Array, move: (to: number, from: number, amount: number) => void) => {
    const takers: number[] = [];
    const givers: number[] = [];
    net.forEach((v, p) => (v > 0 ? takers.push(p) : v < 0 ? givers.push(p) : undefined));
    const left = Float64Array.from(net);
    let g = 0;
    for (const taker of takers) {
      while (left[taker] > 0) {
        const giver = givers[g];
        const amount = Math.min(left[taker], -left[giver]);
        move(taker, giver, amount);
        left[taker] -= amount;
        left[giver] += amount;
        if (left[giver] === 0) g++;
      }
    }
  };
  instruments.forEach((_, i) => {
    settleUp(ledger.lotsOf(i), (to, from, amount) => {
      for (let rest = amount; rest > 0; rest -= Math.min(rest, U32_MAX)) {
        const quantity = Math.min(rest, U32_MAX);
        trade(to, from, i, quantity, 1);
        cash[to] -= quantity;
        cash[from] += quantity;
      }
    });
  });
  const residual = new Float64Array(ledger.participants);
  for (let p = 0; p < ledger.participants; p++) {
    let ticks = 0;
    instruments.forEach((_, i) => (ticks += ledger.ticksOf(i)[p]));
    residual[p] = ticks - cash[p];
  }
  settleUp(residual, (to, from, amount) => {
    for (let rest = amount; rest > 0; rest -= Math.min(rest, U32_MAX - 1)) {
      const k = Math.min(rest, U32_MAX - 1);
      trade(from, to, 0, 1, k + 1);
      trade(to, from, 0, 1, 1);
    }
  });
  return out;
}

/** `seconds` as 1h02m03s / 4m05s / 6s. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h${pad(m)}m${pad(s % 60)}s` : m > 0 ? `${m}m${pad(s % 60)}s` : `${s % 60}s`;
}
