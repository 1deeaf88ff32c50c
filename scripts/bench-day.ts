/**
 * `npm run bench:day`: a full exchange day of batch net settlement (issue 19). Settles 80,000,000 synthetic trades
 * (the member-level mix by default) through the real contracts on the embedded Hardhat network, in batches sized by
 * the SDK to a 100,000,000 gas ceiling; checks every participant's `balanceOf` on every token and coin against an
 * independent gross ledger (scripts/lib/day.ts) at the end of each window; prints progress; writes bench/day.json.
 *
 * Runs under ts-node with Hardhat's programmatic runtime (`hardhat run` passes no arguments):
 * `npm run bench:day -- --trades 1000000 --workload investor`; `--help` lists the options.
 *
 * Streaming: trades come from the SDK's seeded workload in chunks, are cut into batches by `planBatches`, encoded
 * (`encodeBatch`) and committed (`merkleRoot`, the WebAssembly Keccak) one batch at a time; the root is checked
 * against the batch's `NetBatchSettled` event. Nothing holds more than one batch of trades.
 *
 * Memory: EDR (the embedded network) keeps native memory per executed transaction far beyond its block (measured
 * ≈ 30 bytes per gas: ≈ 0.4 GiB per 15 M-gas batch; one 100 M-gas batch took the process past 18 GiB). So the run
 * settles in windows: `evm_snapshot` once the world is built; at a window's end every balance is verified, then
 * `evm_revert` drops the window's blocks and `carryTrades` (scripts/lib/day.ts) brings the ledger's balances back
 * through the engine in ordinary batches (the next window's verification proves the carry exact). Measured on
 * 4,000-trade windows at 16 M gas: RSS stops growing after the first reverts (≈ 8 GiB, VmHWM reported as peakMiB).
 * A watchdog stops the run past DAY_MAX_MIB (default 8,192) of RSS.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import hre from "hardhat";
import { Wallet } from "ethers";
import { ANVIL_CHAIN_ID } from "../config/networks";
import { anvilBinary } from "./lib/anvil";
import {
  defaultGasModel,
  encodeBatch,
  investorWorkload,
  memberWorkload,
  merkleRoot,
  netFailureOf,
  NET_SETTLEMENT_INTERFACE,
  planBatches,
  type BatchCounts,
  type NetTrade,
  type PlannedBatch,
} from "../sdk/netting";
import { revertDataOf } from "../sdk/settlement";
import { DAY_USAGE, DayLedger, carryTrades, duration, parseDayArgs, rebased, type DayOptions } from "./lib/day";
import { buildNetWorld, type NetWorld } from "./lib/netWorld";

const provider = hre.network.provider;
const rpc = <T>(method: string, params: unknown[] = []): Promise<T> =>
  provider.request({ method, params }) as Promise<T>;

/**
 * A full garbage collection, after each batch: the network's responses own native memory V8 does not see, so they
 * are released at once (measured: this alone does not stop EDR's growth; the windows do).
 */
const collect: () => void = (() => {
  if (typeof global.gc === "function") return global.gc;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

const hex = (n: number | bigint) => "0x" + n.toString(16);
const MiB = 1024 * 1024;
const BALANCE_OF = "0x70a08231";
const SETTLED_TOPIC = NET_SETTLEMENT_INTERFACE.getEvent("NetBatchSettled")!.topicHash;

/** The process's resident memory now and its peak (VmHWM), in MiB; or another process's (`pid`). */
function memory(pid?: number): { rss: number; peak: number } {
  const rss = process.memoryUsage.rss() / MiB;
  let peak = rss;
  try {
    const status = readFileSync(`/proc/${pid ?? "self"}/status`, "utf8");
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (pid !== undefined)
      return { rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024, peak: Number(hwm?.[1] ?? 0) / 1024 };
    if (hwm) peak = Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: the samples' maximum.
  }
  return { rss, peak };
}

function* flatten(chunks: Iterable<readonly NetTrade[]>): Generator<NetTrade> {
  for (const chunk of chunks) yield* chunk;
}

interface Receipt {
  status: string;
  gasUsed: string;
  logs: { topics: string[]; data: string; address: string }[];
}

/** Every participant's balanceOf on every asset against the ledger; returns the mismatches (and prints a few). */
async function verify(world: NetWorld, ledger: DayLedger): Promise<{ checked: number; mismatches: number }> {
  let checked = 0;
  let mismatches = 0;
  const jobs: (() => Promise<void>)[] = [];
  for (const asset of ledger.assets()) {
    world.wallets.forEach((wallet, p) => {
      jobs.push(async () => {
        const data = BALANCE_OF + wallet.slice(2).toLowerCase().padStart(64, "0");
        const onChain = BigInt(await rpc<string>("eth_call", [{ to: asset, data }, "latest"]));
        const expected = ledger.balance(asset, p);
        checked++;
        if (onChain !== expected) {
          if (mismatches++ < 5) console.log(`  ✗ ${asset} participant ${p}: balanceOf ${onChain}, ledger ${expected}`);
        }
      });
    });
  }
  for (let i = 0; i < jobs.length; i += 256) await Promise.all(jobs.slice(i, i + 256).map((job) => job()));
  return { checked, mismatches };
}

/**
 * `--node anvil`: starts anvil on 127.0.0.1 (cancun, free gas, no history kept: `--prune-history` and
 * `--transaction-block-keeper`), runs this script against it as a child (`HARDHAT_NETWORK=anvil`, accounts from a
 * fresh mnemonic), and adds anvil's peak memory to the child's in the summary.
 */
async function runOnAnvil(options: DayOptions): Promise<void> {
  const binary = anvilBinary();
  if (!binary) throw new Error("bench:day: anvil is not installed (optional dependency @foundry-rs/anvil-linux-amd64)");
  const port = Number(process.env.DAY_ANVIL_PORT ?? 8_675);
  const deployments = join(__dirname, "..", "deployments", "anvil");
  rmSync(deployments, { recursive: true, force: true });
  const node = spawn(
    binary,
    ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(ANVIL_CHAIN_ID), "--hardfork", "cancun"]
      .concat(["--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee", "--accounts", "0", "--silent"])
      .concat(["--gas-limit", "1000000000", "--prune-history", "--transaction-block-keeper", "256"]),
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        if (response.ok) break;
      } catch {
        if (tries > 75) throw new Error(`bench:day: anvil did not answer on ${url}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", __filename, ...process.argv.slice(2)],
        {
          stdio: "inherit",
          env: {
            ...process.env,
            DAY_CHILD: "1",
            HARDHAT_NETWORK: "anvil",
            ANVIL_PORT: String(port),
            ASSETLEDGER_MNEMONIC: Wallet.createRandom().mnemonic!.phrase,
          },
        },
      );
      child.on("exit", resolve);
    });
    const anvil = memory(node.pid);
    console.log(`  anvil: peak ${Math.round(anvil.peak)} MiB, now ${Math.round(anvil.rss)} MiB`);
    const out = resolve(__dirname, "..", options.out);
    if (code === 0) {
      const result = JSON.parse(readFileSync(out, "utf8"));
      result.scriptPeakMiB = result.peakMiB;
      result.anvilPeakMiB = Math.round(anvil.peak);
      result.peakMiB = result.scriptPeakMiB + result.anvilPeakMiB;
      writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
      console.log(JSON.stringify(result));
    }
    process.exitCode = code ?? 1;
  } finally {
    node.kill();
    rmSync(deployments, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let options: DayOptions;
  try {
    options = parseDayArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`bench:day: ${(error as Error).message}\n\n${DAY_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(DAY_USAGE);
    return;
  }
  if (options.node === "anvil" && process.env.DAY_CHILD !== "1") return runOnAnvil(options);
  const onAnvil = options.node === "anvil";
  await hre.run("compile", { quiet: true });
  const limit = Number(process.env.DAY_MAX_MIB ?? 8 * 1024);
  const watchdog = setInterval(() => {
    const { rss } = memory();
    if (rss > limit) {
      console.error(`bench:day: RSS ${Math.round(rss)} MiB passed ${limit} MiB (DAY_MAX_MIB): stopping`);
      process.exit(3);
    }
  }, 500);
  watchdog.unref();
  const participants = options.workload === "member" ? 100 : 1_000;
  console.log(
    `bench:day: ${options.trades.toLocaleString("en")} trades, ${options.workload}-level mix (seed ${options.seed}), ` +
      `gas ceiling ${options.ceiling.toLocaleString("en")}, ` +
      (options.window > 0 ? `windows of ${options.window.toLocaleString("en")} trades` : "one window"),
  );
  const buildStart = performance.now();
  await hre.deployments.fixture(["core"]);
  const world = await buildNetWorld({ participants, instruments: 100, log: (line) => console.log(`  ${line}`) });
  await rpc("evm_setBlockGasLimit", [hex(1_000_000_000)]);
  if (!onAnvil) await rpc("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  const ledger = new DayLedger(world.instruments, participants);
  for (const asset of ledger.assets()) {
    await Promise.all(
      world.wallets.map(async (wallet, p) => {
        const data = BALANCE_OF + wallet.slice(2).toLowerCase().padStart(64, "0");
        ledger.open(asset, p, BigInt(await rpc<string>("eth_call", [{ to: asset, data }, "latest"])));
      }),
    );
  }
  collect();
  console.log(`  RSS after building the world ${Math.round(memory().rss)} MiB`);
  console.log(
    `  world: ${world.wallets.length} participants, ${world.instruments.length} instruments, ` +
      `${ledger.assets().length} assets, built in ${duration((performance.now() - buildStart) / 1000)}`,
  );

  const workload = (options.workload === "member" ? memberWorkload : investorWorkload)({
    seed: options.seed,
    trades: options.trades,
    chunk: 10_000,
  });
  const stream = flatten(workload);
  const nextTradeIdCall = NET_SETTLEMENT_INTERFACE.encodeFunctionData("nextTradeId", [world.clearerAddress]);
  // The SDK's default gas model is written for the engine on cheap tokens; the real tokens' per-position checks
  // cost more. The model is scaled by the largest ratio of measured to modelled gas seen so far (+ 3 %), starting
  // from a cautious 3: the first batch is small, the next ones fill the ceiling.
  let scale = 3;
  const sizing = {
    gasModel: (counts: BatchCounts) => Math.ceil(defaultGasModel(counts) * scale),
    gasCeiling: options.ceiling,
    instruments: world.instruments,
    holds: () => true,
  };
  // The network after the world was built: each window ends by going back here (dropping the window's blocks).
  let snapshot = onAnvil ? "" : await rpc<string>("evm_snapshot");

  const start = performance.now();
  let done = 0;
  let batchCount = 0;
  let carryBatches = 0;
  let gasTotal = 0n;
  let lastPrint = start;
  let failures = 0;
  let overCeiling = 0;
  let prepareMs = 0;
  let waitMs = 0;
  let resetMs = 0;
  let checked = 0;

  /**
   * Settles `trades` (ids consecutive from the engine's next trade id) in batches sized by the SDK. Day trades go
   * into the ledger and the figures; carry trades (`day` false) rebuild the ledger's balances after a reset.
   * Pipeline: batch n executes in the node while batch n+1 is cut, encoded and committed here (sent after n's
   * receipt: the engine requires consecutive trade ids).
   */
  async function settle(trades: Iterable<NetTrade>, day: boolean): Promise<void> {
    const batches = planBatches(trades, 1, sizing);
    const prepare = (result: IteratorResult<PlannedBatch>) => {
      if (result.done) return undefined;
      const batch = result.value;
      const root = merkleRoot(batch.trades);
      const data = NET_SETTLEMENT_INTERFACE.encodeFunctionData("submitBatch", [encodeBatch(batch)]);
      return { batch, root, data };
    };
    let prepared = prepare(batches.next());
    while (prepared !== undefined) {
      const current = prepared;
      const sent = rpc<string>("eth_sendTransaction", [
        { from: world.clearerAddress, to: world.engine, data: current.data, gas: hex(2 * options.ceiling) },
      ]);
      let lap = performance.now();
      prepared = prepare(batches.next());
      prepareMs += performance.now() - lap;
      lap = performance.now();
      const hash = await sent.catch((error) => {
        const data = revertDataOf(error);
        const why = data === undefined ? String(error) : netFailureOf(data).sentence;
        throw new Error(`batch ${batchCount} (${current.batch.trades.length} trades) refused: ${why}`);
      });
      let receipt = await rpc<Receipt | null>("eth_getTransactionReceipt", [hash]);
      while (receipt === null) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        receipt = await rpc<Receipt | null>("eth_getTransactionReceipt", [hash]);
      }
      waitMs += performance.now() - lap;
      const batchTrades = current.batch.trades;
      const gasUsed = Number(BigInt(receipt.gasUsed));
      if (receipt.status !== "0x1") {
        // Replayed as a call on the latest state (a reverted batch changed nothing; anvil keeps no history), for
        // the reason (a receipt carries none).
        const replay = rpc<string>("eth_call", [
          { from: world.clearerAddress, to: world.engine, data: current.data, gas: hex(2 * options.ceiling) },
          "latest",
        ]);
        const why = await replay.then(
          () => "the replay succeeds (out of gas at the limit, or a state the replay does not see)",
          (error) => {
            const data = revertDataOf(error);
            return data === undefined ? String(error) : netFailureOf(data).sentence;
          },
        );
        throw new Error(`batch ${batchCount} (${current.batch.trades.length} trades) reverted: ${why}`);
      }
      const ratio = gasUsed / defaultGasModel(current.batch.counts);
      if (batchCount === 0 || ratio * 1.03 > scale) scale = ratio * 1.03;
      const log = receipt.logs.find((l) => l.topics[0] === SETTLED_TOPIC);
      const root = log ? NET_SETTLEMENT_INTERFACE.parseLog(log)!.args.root : undefined;
      if (root !== current.root) {
        failures++;
        console.log(`  ✗ batch ${batchCount}: the engine's root ${root}, the SDK's ${current.root}`);
      }
      if (process.env.DAY_GC !== "off") collect();
      if (process.env.DAY_DEBUG) {
        const c = current.batch.counts;
        console.log(
          `    ${day ? `batch ${batchCount}` : `carry ${carryBatches}`}: ${c.trades} trades, ${c.positions}+${c.cashPositions} ` +
            `positions, gas ${gasUsed}, model ${defaultGasModel(c)}, scale ${scale.toFixed(2)}, ` +
            `RSS ${Math.round(memory().rss)} MiB`,
        );
      }
      if (!day) {
        carryBatches++;
        continue;
      }
      if (gasUsed > options.ceiling) overCeiling++;
      ledger.apply(batchTrades);
      gasTotal += BigInt(gasUsed);
      done += batchTrades.length;
      batchCount++;
      const now = performance.now();
      if (now - lastPrint > 5_000 || done === options.trades) {
        lastPrint = now;
        const rate = done / ((now - start) / 1000);
        console.log(
          `  ${done.toLocaleString("en")} / ${options.trades.toLocaleString("en")} trades ` +
            `(${((100 * done) / options.trades).toFixed(1)} %), ${Math.round(rate).toLocaleString("en")} trades/s, ` +
            `ETA ${duration((options.trades - done) / rate)}, RSS ${Math.round(memory().rss)} MiB, ` +
            `${batchCount} batches, ${Math.round(Number(gasTotal) / done)} gas/trade ` +
            `(last ${batchTrades.length} trades, ${gasUsed.toLocaleString("en")} gas)`,
        );
      }
    }
  }

  const windowSize = options.window > 0 ? options.window : options.trades;
  for (let from = 0, w = 1; from < options.trades; from += windowSize, w++) {
    const count = Math.min(windowSize, options.trades - from);
    const firstId = BigInt(await rpc<string>("eth_call", [{ to: world.engine, data: nextTradeIdCall }, "latest"]));
    await settle(rebased(stream, count, firstId), true);
    const check = await verify(world, ledger);
    checked += check.checked;
    failures += check.mismatches;
    console.log(
      `  window ${w}: ${done.toLocaleString("en")} trades settled; ${check.checked.toLocaleString("en")} balances ` +
        `(${world.wallets.length} participants × ${ledger.assets().length} assets) against the ledger: ` +
        `${check.mismatches} mismatches; RSS ${Math.round(memory().rss)} MiB`,
    );
    if (from + count >= options.trades || onAnvil) continue;
    // Drop the window's blocks: back to the world as built, then carry the ledger's balances over in batches.
    const lap = performance.now();
    await rpc("evm_revert", [snapshot]);
    snapshot = await rpc<string>("evm_snapshot");
    const carryFrom = BigInt(await rpc<string>("eth_call", [{ to: world.engine, data: nextTradeIdCall }, "latest"]));
    const carry = carryTrades(ledger, world.instruments, carryFrom);
    await settle(carry, false);
    collect();
    resetMs += performance.now() - lap;
    console.log(
      `  reset: ${carry.length.toLocaleString("en")} carry trades in ${duration((performance.now() - lap) / 1000)}, ` +
        `RSS ${Math.round(memory().rss)} MiB`,
    );
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `  time: ${duration(seconds)}, of which cutting, encoding and committing batches ${duration(prepareMs / 1000)}, ` +
      `waiting for the node ${duration(waitMs / 1000)}, window resets ${duration(resetMs / 1000)}`,
  );
  const { peak } = memory();
  const result = {
    trades: done,
    seconds: Math.round(seconds * 10) / 10,
    peakMiB: Math.round(peak),
    gasPerTrade: Math.round(Number(gasTotal) / done),
    workload: options.workload,
    node: options.node,
    batches: batchCount,
    ceiling: options.ceiling,
    tradesPerSecond: Math.round(done / seconds),
    overCeiling,
    window: windowSize,
    carryBatches,
    balancesVerified: checked,
    mismatches: failures,
  };
  console.log(JSON.stringify(result));
  const out = resolve(__dirname, "..", options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  if (failures > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
