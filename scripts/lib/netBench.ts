/**
 * `npm run bench`'s batch net settlement rows (issue 19), measured on the real deployment in the bench's run: a
 * world of 1,000 verified participants and 100 Equities against aUSD (scripts/lib/netWorld.ts); the member-level
 * workload (the SDK's `memberWorkload`: 100 participants, 100 instruments, Zipf(1.1)) on its first 100 participants,
 * the investor-level one (`investorWorkload`: 1,000 × 100, uniform) on all of them; batches planned by the SDK
 * (`planBatches`) under a gas ceiling (16,777,216 or 100,000,000) and the SDK's default calldata ceiling (1 MiB).
 *
 * Per workload and ceiling: one warm-up batch (planned with the SDK's default gas model, which overstates), whose
 * measured gas calibrates the model (× measured ÷ estimated, + 3 %); then `measured` batches planned with the
 * calibrated model, each sent with the ceiling as its gas limit. Gas per trade = Σ gasUsed ÷ Σ trades of those.
 * The floor beside it counts what the batches wrote: a position (participant, token) or cash position (participant,
 * coin) whose net change is not zero is written, from zero when its balance before the batch was 0; balances are
 * tracked from the world's funding with the SDK's `netPositions` / `applyNet` and checked against the chain after
 * the run.
 */
import { ethers } from "hardhat";
import {
  applyNet,
  DEFAULT_CALLDATA_CEILING,
  defaultGasModel,
  encodeBatch,
  GAS_CEILING_CONSORTIUM,
  GAS_CEILING_OSAKA,
  investorWorkload,
  memberWorkload,
  netPositions,
  planBatches,
  type Balances,
  type BatchCounts,
  type GasModel,
  type NetTrade,
  type PlannedBatch,
} from "../../sdk/netting";
import { buildNetWorld, type NetWorld } from "./netWorld";

export interface NetRow {
  id: string;
  kind: "gas" | "throughput";
  value: number;
  unit: string;
  note: string;
}

/** Storage physics of issue 19 (Cancun): a non-zero slot rewritten, a slot written from zero. */
const REWRITE_GAS = 5_000;
const CREATE_GAS = 22_100;
/** Assumed execution rate of one Besu node on large transactions (the estimate). */
const BESU_GAS_PER_SECOND = 120_000_000;
/** The workloads' sizes (issue 19). */
export const MEMBERS = 100;
export const INVESTORS = 1_000;
export const INSTRUMENTS = 100;
/** Seeds and trades generated per workload and ceiling (enough for a warm-up and the measured batches). */
export const MEMBER_100M = { seed: 1_901, trades: 360_000, batches: 3 };
const MEMBER_16M = { seed: 1_902, trades: 40_000, batches: 5 };
const INVESTOR_16M = { seed: 1_903, trades: 12_000, batches: 5 };

/** One measured workload at one ceiling. */
export interface NetMeasure {
  workload: "member" | "investor";
  ceiling: number;
  batches: number;
  trades: number;
  gas: number;
  calldataGas: number;
  positionsTouched: number;
  positionsWritten: number;
  positionsCreated: number;
  warmUp: { trades: number; gas: number; created: number };
  /** Planning + encoding + submission + receipts of the measured batches. */
  seconds: number;
  gasPerTrade: number;
  floorPerTrade: number;
  /** The calibration factor of the SDK's default model (measured ÷ estimated on the warm-up). */
  calibration: number;
}

function calldataGasOf(data: string): number {
  const bytes = ethers.getBytes(data);
  let gas = 0;
  for (const byte of bytes) gas += byte === 0 ? 4 : 16;
  return gas;
}

/** Tracks balances (asset lower case → participant → units) from the world's funding on. */
export class Ledger {
  readonly deltas: Balances = new Map();
  private readonly tokenIndex: Map<string, number>;
  constructor(private readonly world: NetWorld) {
    this.tokenIndex = new Map(world.tokens.map((token, i) => [token.toLowerCase(), i]));
  }
  /** The balance before any batch (the world's funding). */
  private initial(asset: string, participant: number): bigint {
    const p = participant - this.world.firstParticipant;
    if (p < 0 || p >= this.world.wallets.length) return 0n;
    if (asset === this.world.coinAddress.toLowerCase()) return this.world.coinUnits;
    const i = this.tokenIndex.get(asset);
    return i !== undefined && this.world.holds(p, i) ? this.world.securityUnits : 0n;
  }
  balance(asset: string, participant: number): bigint {
    const key = asset.toLowerCase();
    return this.initial(key, participant) + (this.deltas.get(key)?.get(participant) ?? 0n);
  }
}

/** What a batch writes (from the model): positions touched, written (net ≠ 0), written from zero. */
function writes(trades: readonly NetTrade[], world: NetWorld, ledger: Ledger) {
  const net = netPositions(trades, world.instruments);
  let written = 0;
  let created = 0;
  for (const p of net.positions) {
    if (p.units === 0n) continue;
    written++;
    if (ledger.balance(p.token, p.participant) === 0n) created++;
  }
  for (const c of net.cash) {
    if (c.cash === 0n) continue;
    written++;
    if (ledger.balance(c.coin, c.participant) === 0n) created++;
  }
  return { net, touched: net.positions.length + net.cash.length, written, created };
}

/** Sends one planned batch with `gasLimit`; returns the transaction and a promise of its gas used. */
async function send(world: NetWorld, batch: PlannedBatch, gasLimit: number) {
  const bytes = encodeBatch(batch);
  const tx = await world.net.submitBatch(bytes, { gasLimit });
  return { tx, receipt: tx.wait().then((r) => r!) };
}

/** The trades of `workload` (`count`, seeded) over the world's participants and instruments from `firstTradeId`. */
export function tradesOf(
  world: NetWorld,
  workload: "member" | "investor",
  seed: number,
  count: number,
  firstTradeId = 0n,
) {
  const common = {
    seed,
    trades: count,
    firstTradeId,
    firstParticipant: world.firstParticipant,
    firstInstrument: world.firstInstrument,
  };
  const trades: NetTrade[] = [];
  const chunks =
    workload === "member"
      ? memberWorkload({ ...common, members: MEMBERS, instruments: INSTRUMENTS })
      : investorWorkload({ ...common, investors: INVESTORS, instruments: INSTRUMENTS });
  for (const chunk of chunks) for (const trade of chunk) trades.push(trade);
  return trades;
}

/**
 * Settles one warm-up batch and up to `measured` batches of the `count` trades of `workload` under `ceiling` (see
 * the file's comment; a last batch cut short by the end of the trades is not sent) and returns the figures;
 * `ledger` follows every batch.
 */
export async function measure(
  world: NetWorld,
  ledger: Ledger,
  workload: "member" | "investor",
  ceiling: number,
  measured: number,
  seed: number,
  count: number,
  log: (line: string) => void,
): Promise<NetMeasure> {
  const firstTradeId = await world.net.nextTradeId(world.clearerAddress);
  const cycle = Number(await world.net.lastCycle(world.clearerAddress)) + 1;
  const trades = tradesOf(world, workload, seed, count, firstTradeId);
  const holds = (participant: number, asset: string) => ledger.balance(asset, participant) !== 0n;
  const options = {
    gasCeiling: ceiling,
    calldataCeiling: DEFAULT_CALLDATA_CEILING,
    instruments: world.instruments,
    holds,
  };

  // Warm-up, planned with the default model; its gas calibrates the model.
  log(`net ${workload} ${ceiling}: ${trades.length} trades generated`);
  const warm = planBatches(trades, cycle, options).next().value as PlannedBatch;
  log(`net ${workload} ${ceiling}: warm-up planned, ${warm.trades.length} trades, model ${warm.gas}`);
  const warmWrites = writes(warm.trades, world, ledger);
  // The default model may understate on the real tokens: the warm-up may pass the ceiling (it is not measured).
  const warmReceipt = await (await send(world, warm, 3 * ceiling)).receipt;
  applyNet(ledger.deltas, warmWrites.net);
  const calibration = Number(warmReceipt.gasUsed) / defaultGasModel(warm.counts);
  const model: GasModel = (counts: BatchCounts) => Math.ceil(defaultGasModel(counts) * calibration * 1.03);
  log(
    `net ${workload} ${ceiling}: warm-up ${warm.trades.length} trades, ${warmReceipt.gasUsed} gas ` +
      `(model ${warm.gas}, calibration ${calibration.toFixed(3)})`,
  );

  // Measured: plan, encode, send, receipts, timed; a batch is sent once the next one is planned (so a batch cut
  // short by the end of the trades is never sent).
  const rest = trades.slice(warm.trades.length);
  const started = performance.now();
  const pending: { sent: Awaited<ReturnType<typeof send>>; w: ReturnType<typeof writes>; batch: PlannedBatch }[] = [];
  let previous: PlannedBatch | undefined;
  for (const batch of planBatches(rest, cycle, { ...options, gasModel: model })) {
    if (previous !== undefined) {
      const w = writes(previous.trades, world, ledger);
      pending.push({ sent: await send(world, previous, ceiling), w, batch: previous });
      applyNet(ledger.deltas, w.net);
      if (pending.length === measured) break;
    }
    previous = batch;
  }
  const receipts = await Promise.all(pending.map((p) => p.sent.receipt));
  const seconds = (performance.now() - started) / 1_000;
  if (pending.length === 0) throw new Error(`net bench: ${count} trades of ${workload} fill no measured batch`);
  let gas = 0;
  let calldata = 0;
  let touched = 0;
  let written = 0;
  let created = 0;
  let tradeCount = 0;
  pending.forEach((p, i) => {
    if (receipts[i].status !== 1) throw new Error(`net bench: batch ${i} of ${workload} ${ceiling} failed`);
    gas += Number(receipts[i].gasUsed);
    calldata += calldataGasOf(p.sent.tx.data);
    touched += p.w.touched;
    written += p.w.written;
    created += p.w.created;
    tradeCount += p.batch.trades.length;
  });
  const result: NetMeasure = {
    workload,
    ceiling,
    batches: pending.length,
    trades: tradeCount,
    gas,
    calldataGas: calldata,
    positionsTouched: touched,
    positionsWritten: written,
    positionsCreated: created,
    warmUp: { trades: warm.trades.length, gas: Number(warmReceipt.gasUsed), created: warmWrites.created },
    seconds,
    gasPerTrade: Math.round(gas / tradeCount),
    floorPerTrade: Math.round((REWRITE_GAS * (written - created) + CREATE_GAS * created + calldata) / tradeCount),
    calibration,
  };
  log(
    `net ${workload} ${ceiling}: ${result.batches} batches, ${tradeCount} trades, ${result.gasPerTrade} gas/trade ` +
      `(floor ${result.floorPerTrade}; ${(written / tradeCount).toFixed(3)} positions written/trade), ` +
      `${Math.round(tradeCount / seconds)} trades/s`,
  );
  return result;
}

/** Compares the tracked balances of a few participants with the chain (every token and the coin). */
async function checkLedger(world: NetWorld, ledger: Ledger, participants: number[]): Promise<void> {
  const coin = world.coin;
  for (const p of participants) {
    const wallet = world.wallets[p - world.firstParticipant];
    const assets = [world.coinAddress, ...world.tokens];
    const onChain = await Promise.all(
      assets.map(async (asset) =>
        asset === world.coinAddress
          ? coin.balanceOf(wallet)
          : (await ethers.getContractAt("IERC20", asset)).balanceOf(wallet),
      ),
    );
    assets.forEach((asset, i) => {
      if (onChain[i] !== ledger.balance(asset, p)) {
        throw new Error(
          `net bench: participant ${p}'s ${asset} is ${onChain[i]}, the model says ${ledger.balance(asset, p)}`,
        );
      }
    });
  }
}

export interface NetBenchResult {
  rows: NetRow[];
  measures: NetMeasure[];
  world: { participants: number; instruments: number; seconds: Record<string, number> };
}

/** The `net.*` rows (see the file's comment). */
export async function benchNet(log: (line: string) => void = console.log): Promise<NetBenchResult> {
  // Funded beforehand: every member every Equity; an investor the Equities its trades touch (minting is slow).
  const touched = new Set<number>();
  const probe = { firstParticipant: 0, firstInstrument: 0 } as NetWorld;
  for (const t of tradesOf(probe, "investor", INVESTOR_16M.seed, INVESTOR_16M.trades)) {
    touched.add(t.buyer * INSTRUMENTS + t.instrument).add(t.seller * INSTRUMENTS + t.instrument);
  }
  const world = await buildNetWorld({
    participants: INVESTORS,
    instruments: INSTRUMENTS,
    seed: 19,
    holds: (p, i) => p < MEMBERS || touched.has(p * INSTRUMENTS + i),
    log,
  });
  const ledger = new Ledger(world);
  const run = (workload: "member" | "investor", ceiling: number, w: typeof MEMBER_16M) =>
    measure(world, ledger, workload, ceiling, w.batches, w.seed, w.trades, log);
  const memberBig = await run("member", GAS_CEILING_CONSORTIUM, MEMBER_100M);
  const memberSmall = await run("member", GAS_CEILING_OSAKA, MEMBER_16M);
  const investorSmall = await run("investor", GAS_CEILING_OSAKA, INVESTOR_16M);
  const f = world.firstParticipant;
  await checkLedger(world, ledger, [f, f + 1, f + 50, f + 999]);
  const measures = [memberBig, memberSmall, investorSmall];
  const label = (m: NetMeasure) => (m.ceiling === GAS_CEILING_CONSORTIUM ? "100m" : "16m");
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const rows: NetRow[] = [];
  for (const m of measures) {
    const what =
      m.workload === "member"
        ? "member-level (100 participants, 100 Equities vs aUSD, Zipf(1.1))"
        : "investor-level (1,000 investors × 100 Equities vs aUSD, uniform; the positions its trades touch funded)";
    rows.push({
      id: `net.gasPerTrade.${m.workload}.${label(m)}`,
      kind: "gas",
      value: m.gasPerTrade,
      unit: "gas/trade",
      note:
        `submitBatch on the real tokens, ${what}, batches planned by the SDK under a ${n(m.ceiling)} gas ceiling ` +
        `and a 1 MiB calldata ceiling: Σ gasUsed ÷ Σ trades of ${m.batches} batches (${n(m.trades)} trades, ` +
        `${n(m.trades / m.batches)} a batch) after a warm-up batch of ${n(m.warmUp.trades)}; ` +
        `${(m.positionsTouched / m.trades).toFixed(3)} positions touched and ` +
        `${(m.positionsWritten / m.trades).toFixed(3)} written a trade`,
    });
    rows.push({
      id: `net.floorPerTrade.${m.workload}.${label(m)}`,
      kind: "gas",
      value: m.floorPerTrade,
      unit: "gas/trade",
      note:
        `(5,000 × rewritten + 22,100 × created + calldata gas) ÷ trades of the same batches: ` +
        `${n(m.positionsWritten - m.positionsCreated)} rewritten, ${n(m.positionsCreated)} created, ` +
        `${n(m.calldataGas)} calldata gas; measured ÷ floor ${(m.gasPerTrade / m.floorPerTrade).toFixed(2)}`,
    });
  }
  rows.push({
    id: "net.tradesPerSecond.member",
    kind: "throughput",
    value: Math.round(memberBig.trades / memberBig.seconds),
    unit: "trades/s",
    note:
      `member-level at the 100 M ceiling, end to end on the embedded network: planning, encoding, submitting ` +
      `${memberBig.batches} batches (${n(memberBig.trades)} trades) and their receipts, ${memberBig.seconds.toFixed(2)} s`,
  });
  rows.push({
    id: "net.tradesPerSecond.investor",
    kind: "throughput",
    value: Math.round(investorSmall.trades / investorSmall.seconds),
    unit: "trades/s",
    note:
      `investor-level at the 16,777,216 ceiling, the same way (${investorSmall.batches} batches, ` +
      `${n(investorSmall.trades)} trades); not measured at 100 M: its world would need ≈ 60,000 more funded positions`,
  });
  rows.push({
    id: "net.tradesPerSecond.besuEstimate",
    kind: "throughput",
    value: Math.round(BESU_GAS_PER_SECOND / memberBig.gasPerTrade),
    unit: "trades/s",
    note:
      "ESTIMATE, not a measurement: an assumed 120,000,000 gas/s of one Besu node executing large transactions ÷ " +
      "net.gasPerTrade.member.100m",
  });
  return {
    rows,
    measures,
    world: { participants: world.wallets.length, instruments: world.tokens.length, seconds: world.seconds },
  };
}
