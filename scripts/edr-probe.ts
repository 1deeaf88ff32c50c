/**
 * Probe (issue 19): what one big transaction costs the embedded Hardhat network (EDR) in memory and time, against
 * an EDR provider built by hand with the leanest configuration EDR's API accepts, and against anvil (no trace).
 *
 *   npx ts-node --transpile-only scripts/edr-probe.ts [--limit-mb 6000] [--gas 5,10,20,40,100]
 *     [--nodes hardhat,edr,edr-decoder,anvil] [--burners compute,store]
 *
 * Nodes: `hardhat` is the project's embedded network as tests and the bench get it; `edr` an EDR provider built
 * through @nomicfoundation/edr's API with no build infos, observability `{}`, logger and verbose tracing off;
 * `edr-decoder` the same with the project's build infos (artifacts/build-info) in its contract decoder, as Hardhat
 * passes them; `anvil` the anvil binary of the optional dependency, over JSON-RPC.
 *
 * For each burner, node and gas amount it runs a fresh child process that deploys a burner (raw EVM code, no
 * compile), sends one transaction burning ≈ that many million gas, and prints its gas, seconds and memory: the
 * peak resident set (VmHWM of the process that executes: our node process for the EDR nodes, the anvil process for
 * anvil) less the resident set before the transaction. A watchdog kills the child whose resident set passes
 * `--limit-mb` (the machine is shared), and the row says so; larger amounts on that node are then skipped.
 *
 * Burners (19 EVM steps an iteration): `compute` hashes a counter in memory (95 gas an iteration, ≈ 5 gas a step,
 * about as dense as EVM code gets: the step trace's worst case per gas); `store` also writes a fresh storage slot
 * (≈ 22,200 gas an iteration, ≈ 1,200 gas a step: the trace's best case).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Burner runtime code (30 bytes): loop `n = calldata[0]` times: mem[0] = n; h = keccak256(mem[0..32]); then the
 * variant's 3 bytes at 0x12 (`store`: DUP2 SWAP1 SSTORE, storage[h] = n; `compute`: POP JUMPDEST JUMPDEST); n -= 1. */
const RUNTIME_HEAD = "600035" + "5b" + "8015601c57" + "8060005260206000" + "20";
const RUNTIME_TAIL = "600190036003565b00";
const BURNERS = { store: RUNTIME_HEAD + "819055" + RUNTIME_TAIL, compute: RUNTIME_HEAD + "505b5b" + RUNTIME_TAIL };
/** Init code: CODECOPY the 30-byte runtime from offset 11 to memory 0 and RETURN it. */
const INIT = "601e80600b6000396000f3";

type NodeKind = "hardhat" | "edr" | "edr-decoder" | "anvil";
type Burner = keyof typeof BURNERS;

interface Row {
  node: NodeKind;
  burner: Burner;
  targetMgas: number;
  gasUsed?: number;
  seconds?: number;
  gasPerSecond?: number;
  rssBeforeMb?: number;
  peakMb?: number;
  deltaMb?: number;
  mbPerMgas?: number;
  killed?: string;
  error?: string;
}

/** A field (kB) of /proc/<pid>/status, in MB. */
function statusMb(pid: number | "self", field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(field + ":"));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : 0;
}

interface Rpc {
  send(method: string, params: unknown[]): Promise<unknown>;
  /** The process that executes the EVM (for its memory). */
  pid: number;
  from: string;
  /** Fee fields of a transaction (anvil's free gas: price 0; the EDR nodes take their defaults). */
  fees: Record<string, string>;
  close(): Promise<void>;
}

/** The project's embedded Hardhat network, exactly as `npx hardhat test` / `npm run bench` get it. */
async function hardhatRpc(): Promise<Rpc> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as typeof import("hardhat");
  const provider = hre.network.provider;
  const [from] = (await provider.send("eth_accounts", [])) as string[];
  await provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
  return { send: (m, p) => provider.send(m, p), pid: process.pid, from, fees: {}, close: async () => undefined };
}

/**
 * An EDR provider built by hand through @nomicfoundation/edr's own API with the leanest configuration it takes: no
 * build infos (an empty ContractDecoder: no Solidity stack traces), observability `{}` (no coverage, no gas
 * report), the logger off, verbose tracing off. ProviderConfig has no field that turns the step trace off.
 */
async function edrRpc(withBuildInfos = false): Promise<Rpc> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const edr = require("@nomicfoundation/edr") as typeof import("@nomicfoundation/edr");
  const context = new edr.EdrContext();
  await context.registerProviderFactory(edr.GENERIC_CHAIN_TYPE, edr.genericChainProviderFactory());
  const key = "0x" + "11".repeat(32);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { computeAddress } = require("ethers") as typeof import("ethers");
  const from = computeAddress(key);
  const genesisState = edr.l1GenesisState(edr.l1HardforkFromString(edr.CANCUN));
  genesisState.push({ address: Buffer.from(from.slice(2), "hex"), balance: 10n ** 24n, code: new Uint8Array() });
  const provider = await context.createProvider(
    edr.GENERIC_CHAIN_TYPE,
    {
      allowBlocksWithSameTimestamp: false,
      allowUnlimitedContractSize: false,
      bailOnCallFailure: false,
      bailOnTransactionFailure: false,
      blockGasLimit: 1_000_000_000n,
      chainId: 31_337n,
      coinbase: Buffer.from("c014ba5ec014ba5ec014ba5ec014ba5ec014ba5e", "hex"),
      genesisState,
      hardfork: edr.CANCUN,
      minGasPrice: 0n,
      mining: { autoMine: true, memPool: { order: edr.MineOrdering.Priority } },
      networkId: 31_337n,
      observability: {},
      ownedAccounts: [key],
      precompileOverrides: [],
    },
    { enable: false, decodeConsoleLogInputsCallback: () => [], printLineCallback: () => undefined },
    { subscriptionCallback: () => undefined },
    withBuildInfos ? edr.ContractDecoder.withContracts({ buildInfos: buildInfos() }) : new edr.ContractDecoder(),
  );
  await provider.setVerboseTracing(false);
  const send = async (method: string, params: unknown[]) => {
    const response = await provider.handleRequest(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
    const data = (typeof response.data === "string" ? JSON.parse(response.data) : response.data) as {
      result?: unknown;
      error?: { message: string };
    };
    if (data.error) throw new Error(`${method}: ${data.error.message}`);
    return data.result;
  };
  return { send, pid: process.pid, from, fees: {}, close: async () => undefined };
}

/** The project's build infos (artifacts/build-info), as Hardhat hands them to EDR for Solidity stack traces. */
function buildInfos(): Uint8Array[] {
  const dir = join(__dirname, "..", "artifacts", "build-info");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => readFileSync(join(dir, file)));
}

/** anvil (no trace), free gas, the block gas limit raised. */
async function anvilRpc(): Promise<Rpc> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startAnvil } = require("./lib/anvil") as typeof import("./lib/anvil");
  const node = await startAnvil({ port: 8_675, chainId: 7_357 });
  const from = "0x00000000000000000000000000000000000a11ce";
  await node.provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
  await node.provider.send("anvil_impersonateAccount", [from]);
  const send = (m: string, p: unknown[]) => node.provider.send(m, p);
  return { send, pid: node.process.pid!, from, fees: { gasPrice: "0x0" }, close: node.stop };
}

/** One measurement, in this (child) process: deploy, calibrate gas per iteration, burn, report. */
async function child(kind: NodeKind, burner: Burner, targetMgas: number): Promise<void> {
  const rpc =
    kind === "hardhat"
      ? await hardhatRpc()
      : kind === "anvil"
        ? await anvilRpc()
        : await edrRpc(kind === "edr-decoder");
  const receiptOf = async (hash: string) => {
    for (;;) {
      const r = (await rpc.send("eth_getTransactionReceipt", [hash])) as {
        gasUsed: string;
        status: string;
        contractAddress: string | null;
      } | null;
      if (r) return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const tx = (data: string, to: string | undefined, gas: number) =>
    rpc.send("eth_sendTransaction", [
      { from: rpc.from, ...(to ? { to } : {}), data, gas: "0x" + gas.toString(16), ...rpc.fees },
    ]) as Promise<string>;
  try {
    // Two instances: the calibration's writes must not turn the burn's first slots into rewrites.
    const deploy = async () =>
      (await receiptOf(await tx("0x" + INIT + BURNERS[burner], undefined, 1_000_000))).contractAddress!;
    const calibration = await deploy();
    const burnerAddress = await deploy();
    const word = (n: number) => "0x" + n.toString(16).padStart(64, "0");
    // Calibrate: gas of 1,000 iterations less the gas of 0 (base + intrinsic).
    const base = Number((await receiptOf(await tx(word(0), calibration, 30_000_000))).gasUsed);
    const thousand = Number((await receiptOf(await tx(word(1_000), calibration, 30_000_000))).gasUsed);
    const perIteration = (thousand - base) / 1_000;
    const iterations = Math.floor((targetMgas * 1e6 - base) / perIteration);
    const rssBefore = statusMb(kind === "anvil" ? rpc.pid : "self", "VmRSS");
    const started = performance.now();
    const hash = await tx(word(iterations), burnerAddress, Math.ceil(targetMgas * 1e6 * 1.01) + 100_000);
    const receipt = await receiptOf(hash);
    const seconds = (performance.now() - started) / 1_000;
    const peak = statusMb(kind === "anvil" ? rpc.pid : "self", "VmHWM");
    if (receipt.status !== "0x1") throw new Error(`the burn failed (gas ${receipt.gasUsed})`);
    const gasUsed = Number(receipt.gasUsed);
    const row: Row = {
      node: kind,
      burner,
      targetMgas,
      gasUsed,
      seconds: Math.round(seconds * 100) / 100,
      gasPerSecond: Math.round(gasUsed / seconds),
      rssBeforeMb: rssBefore,
      peakMb: peak,
      deltaMb: peak - rssBefore,
      mbPerMgas: Math.round(((peak - rssBefore) / (gasUsed / 1e6)) * 10) / 10,
    };
    console.log("ROW " + JSON.stringify(row));
  } finally {
    await rpc.close();
  }
}

/** Runs one child under the watchdog; returns its row. */
function runChild(kind: NodeKind, burner: Burner, targetMgas: number, limitMb: number): Promise<Row> {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", __filename, "--child", kind, burner, String(targetMgas)],
      { cwd: join(__dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    let killed: string | undefined;
    proc.stdout.on("data", (chunk) => (out += chunk));
    proc.stderr.on("data", (chunk) => (err += chunk));
    const watchdog = setInterval(() => {
      try {
        // The child's own resident set, and anvil's (a child of the child) when there is one.
        const pids = [proc.pid!, ...childrenOf(proc.pid!)];
        const rss = pids.reduce((sum, pid) => sum + statusMb(pid, "VmRSS"), 0);
        if (rss > limitMb && killed === undefined) {
          killed = `killed by the watchdog at ${rss} MB resident`;
          for (const pid of pids.slice(1)) process.kill(pid, "SIGKILL");
          proc.kill("SIGKILL");
        }
      } catch {
        // the process is gone
      }
    }, 100);
    proc.on("exit", () => {
      clearInterval(watchdog);
      const line = out.split("\n").find((l) => l.startsWith("ROW "));
      if (line) resolve(JSON.parse(line.slice(4)) as Row);
      else resolve({ node: kind, burner, targetMgas, killed, error: killed ? undefined : err.slice(-400) });
    });
  });
}

/** Direct children of `pid` (from /proc/<pid>/task/<pid>/children). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1] as NodeKind, args[2] as Burner, Number(args[3]));
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const limitMb = Number(option("--limit-mb", "6000"));
  const gas = option("--gas", "5,10,20,40,100").split(",").map(Number);
  const nodes = option("--nodes", "hardhat,edr,anvil").split(",") as NodeKind[];
  const burners = option("--burners", "compute,store").split(",") as Burner[];
  for (const burner of burners) {
    for (const kind of nodes) {
      for (const mgas of gas) {
        const row = await runChild(kind, burner, mgas, limitMb);
        console.log(JSON.stringify(row));
        // Past the limit at this size, a bigger one would be too.
        if (row.killed || row.error) break;
      }
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
