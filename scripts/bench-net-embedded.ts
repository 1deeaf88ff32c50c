/**
 * The member-level net settlement throughput on the embedded Hardhat network at a chosen gas ceiling (issue 19),
 * alone: `npm run bench`'s member world (100 participants, 100 Equities vs aUSD, every position funded) and its
 * `measure` (scripts/lib/netBench.ts), with the process's memory beside it.
 *
 *   NET_CEILING=100000000 NET_RSS_LIMIT_MB=12000 npx hardhat run scripts/bench-net-embedded.ts
 *
 * NET_CEILING: the gas ceiling (default 100,000,000); NET_BATCHES: measured batches (default 3); NET_RSS_LIMIT_MB:
 * the process ends itself (SIGKILL, after a line saying so) when its resident set passes this (default 12,000: the
 * machine is shared); NET_NO_DECODER=1: the experiment of `dropContractDecoder` below. Under
 * NODE_OPTIONS=--expose-gc it collects before each batch (see `main`). Prints the measure and the memory (VmHWM, the
 * peak resident set, and VmRSS before the batches) as JSON.
 */
import { readFileSync } from "node:fs";
import { deployments, network } from "hardhat";
import { INSTRUMENTS, Ledger, measure, MEMBER_100M, MEMBERS } from "./lib/netBench";
import { buildNetWorld } from "./lib/netWorld";

/** A field (kB) of /proc/self/status, in MB. */
function statusMb(field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((l) => l.startsWith(field + ":"));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : 0;
}

/**
 * Experiment only (NET_NO_DECODER=1): replaces the embedded network's EDR provider, before anything is deployed, by
 * one of the same configuration whose contract decoder is empty (the project's build infos left out), as Hardhat's
 * own `hardhat_reset` rebuilds it but without the decoder. Solidity stack traces are lost; the step trace is
 * recorded as before. Reaches into Hardhat's internals (the provider chain's private fields): never in tests.
 */
async function dropContractDecoder(): Promise<void> {
  await network.provider.send("eth_chainId", []);
  type Link = Record<string, unknown>;
  let link = network.provider as unknown as Link;
  for (let depth = 0; link && !("_providerConfig" in link) && depth < 20; depth++) {
    link = (link.provider ?? link._provider ?? link._wrappedProvider) as Link;
  }
  if (!link || !("_providerConfig" in link)) throw new Error("bench-net-embedded: no EDR provider in the chain");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const edr = require("@nomicfoundation/edr") as typeof import("@nomicfoundation/edr");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getGlobalEdrContext } = require("hardhat/internal/hardhat-network/provider/provider") as {
    getGlobalEdrContext(): Promise<import("@nomicfoundation/edr").EdrContext>;
  };
  const context = await getGlobalEdrContext();
  const fresh = await context.createProvider(
    edr.GENERIC_CHAIN_TYPE,
    link._providerConfig as import("@nomicfoundation/edr").ProviderConfig,
    link._loggerConfig as import("@nomicfoundation/edr").LoggerConfig,
    link._subscriptionConfig as import("@nomicfoundation/edr").SubscriptionConfig,
    new edr.ContractDecoder(),
  );
  link._provider = fresh;
  (link._node as { _vm: { stateManager: { updateProvider(p: unknown): void } } })._vm.stateManager.updateProvider(
    fresh,
  );
  console.log("bench-net-embedded: the embedded network's EDR provider now has an empty contract decoder");
}

async function main(): Promise<void> {
  const ceiling = Number(process.env.NET_CEILING ?? 100_000_000);
  const batches = Number(process.env.NET_BATCHES ?? 3);
  const limitMb = Number(process.env.NET_RSS_LIMIT_MB ?? 12_000);
  // The EVM runs on EDR's own threads while a batch executes, so this timer keeps sampling.
  let peakSeen = 0;
  const watchdog = setInterval(() => {
    const rss = statusMb("VmRSS");
    peakSeen = Math.max(peakSeen, rss);
    if (rss > limitMb) {
      console.log(`bench-net-embedded: resident set ${rss} MB passed ${limitMb} MB: stopping`);
      process.kill(process.pid, "SIGKILL");
    }
  }, 100);
  const log = (line: string) => console.log(`${line} [rss ${statusMb("VmRSS")} MB, peak ${statusMb("VmHWM")} MB]`);
  if (process.env.NET_NO_DECODER === "1") await dropContractDecoder();
  await deployments.fixture(["core"]);
  const world = await buildNetWorld({ participants: MEMBERS, instruments: INSTRUMENTS, seed: 19, log });
  // Under `NODE_OPTIONS=--expose-gc`, a full collection before each batch is submitted, logged with the resident
  // set before and after: each EDR response object holds its transaction's step trace in native memory V8 does not
  // count, so this is what JavaScript can do to release the previous batch's trace before the next one is recorded.
  // (Measured: it releases next to nothing, ≈ 20–40 MB after a 100 M batch; the memory is held below JavaScript.)
  // The collection's time counts in the measure (its `submit` phase).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    const submit = world.net.submitBatch;
    const collected = (async (...args: Parameters<typeof submit>) => {
      const rss = statusMb("VmRSS");
      gc();
      // napi finalizers (which free the traces) run after the collection, from the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      console.log(`bench-net-embedded: collected before a batch: resident ${rss} → ${statusMb("VmRSS")} MB`);
      return submit(...args);
    }) as unknown as typeof submit;
    Object.assign(world.net, { submitBatch: collected });
  }
  const before = { rss: statusMb("VmRSS"), hwm: statusMb("VmHWM") };
  const w = MEMBER_100M;
  const m = await measure(world, new Ledger(world), "member", ceiling, batches, w.seed, w.trades, log);
  clearInterval(watchdog);
  const memory = { rssBeforeMb: before.rss, hwmBeforeMb: before.hwm, hwmMb: statusMb("VmHWM"), peakSeen };
  console.log(
    "RESULT " +
      JSON.stringify({
        tradesPerSecond: Math.round(m.trades / m.seconds),
        gasPerSecond: Math.round(m.gas / m.seconds),
        memory,
        ...m,
      }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
