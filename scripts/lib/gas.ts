import { ethers, type Interface } from "ethers";

/** Any provider that passes JSON-RPC calls through (ethers' JsonRpcProvider, Hardhat's provider). */
interface RpcProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** One call frame of a transaction: what it called and the gas it used, its sub-calls included. */
export interface CallFrame {
  depth: number;
  /** CALL, STATICCALL, DELEGATECALL or CREATE. */
  kind: string;
  /** The callee (for CREATE: the new contract). */
  target: string;
  /** The 4-byte selector called (CREATE: none). */
  selector?: string;
  gasUsed: number;
}

interface StructLog {
  depth: number;
  op: string;
  gas: number;
  stack?: string[];
  memory?: string[];
}

/**
 * The call frames of transaction `hash`, from the node's `debug_traceTransaction` (the Hardhat network and
 * anvil answer it), in the order they returned. Gas per frame is measured from the caller's gas before the
 * call to its gas after it: the frame's own use plus the call's overhead (cold account, memory).
 */
export async function callFrames(provider: RpcProvider, hash: string): Promise<CallFrame[]> {
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: false, disableStack: false },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const open: { frame: CallFrame; gasBefore: number }[] = [];
  const out: CallFrame[] = [];
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    const next = logs[i + 1];
    if (next && next.depth > log.depth) {
      const stack = log.stack ?? [];
      const word = (fromTop: number) => stack[stack.length - 1 - fromTop] ?? "0";
      const kind = log.op;
      let target = "";
      let selector: string | undefined;
      if (kind === "CALL" || kind === "STATICCALL" || kind === "DELEGATECALL" || kind === "CALLCODE") {
        target = ethers.getAddress(
          "0x" +
            BigInt("0x" + word(1))
              .toString(16)
              .padStart(40, "0")
              .slice(-40),
        );
        const [offsetIndex, lengthIndex] = kind === "CALL" || kind === "CALLCODE" ? [3, 4] : [2, 3];
        const offset = Number(BigInt("0x" + word(offsetIndex)));
        const length = Number(BigInt("0x" + word(lengthIndex)));
        const memory = (log.memory ?? []).join("");
        if (length >= 4) selector = "0x" + memory.slice(offset * 2, offset * 2 + 8);
      }
      open.push({ frame: { depth: next.depth, kind, target, selector, gasUsed: 0 }, gasBefore: log.gas });
    } else if (next && next.depth < log.depth) {
      const entry = open.pop()!;
      entry.frame.gasUsed = entry.gasBefore - next.gas;
      out.push(entry.frame);
    }
  }
  return out;
}

/** The intrinsic gas of a transaction with `data`: 21,000 plus 4 per zero byte and 16 per other byte. */
export function intrinsicGas(data: string): number {
  const bytes = ethers.getBytes(data);
  return 21_000 + bytes.reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0);
}

/** The products' `initialize(authority, instrument, documents, terms)`. */
const PRODUCT_INITIALIZE = ethers
  .id("initialize(address,(string,string,uint8,bytes12,bytes12,uint16,address),(bytes32,string,bytes32)[],bytes)")
  .slice(0, 10);

/** A contract the issue calls: its address and its ABI (for the selectors). */
interface Callee {
  address: string;
  interface: Interface;
}

/**
 * Where the gas of one `AssetFactory.issue` transaction goes, from its call frames: the intrinsic gas, the
 * factory's access check, the proxy's deployment, the token's `initialize`, the authority's registration and
 * asset roles, the compliance configuration, and the rest (the factory's own work: proxy hop, registry, event,
 * encoding). The parts add up to the transaction's gas.
 */
export async function issueGasBreakdown(
  provider: RpcProvider,
  tx: { hash: string; data: string; gasUsed: bigint },
  authority: Callee,
  compliance: Callee,
): Promise<Record<string, number>> {
  const frames = await callFrames(provider, tx.hash);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const sum = (pick: (frame: CallFrame) => boolean) =>
    frames.filter(pick).reduce((total, frame) => total + frame.gasUsed, 0);
  const selector = (callee: Callee, name: string) => callee.interface.getFunction(name)!.selector;
  const create = sum((frame) => frame.kind === "CREATE");
  const initialize = sum((frame) => frame.kind === "DELEGATECALL" && frame.selector === PRODUCT_INITIALIZE);
  const parts: Record<string, number> = {
    intrinsic: intrinsicGas(tx.data),
    "issue access check (authority.canCall)": sum(
      (frame) =>
        frame.depth === 3 && same(frame.target, authority.address) && frame.selector === selector(authority, "canCall"),
    ),
    "proxy deployment": create - initialize,
    "token initialize (instrument, documents, terms)": initialize,
    "authority.registerAsset": sum(
      (frame) => same(frame.target, authority.address) && frame.selector === selector(authority, "registerAsset"),
    ),
    "authority.setAssetRole (agents, administrators)": sum(
      (frame) => same(frame.target, authority.address) && frame.selector === selector(authority, "setAssetRole"),
    ),
    "compliance.configureNewAsset": sum(
      (frame) => same(frame.target, compliance.address) && frame.selector === selector(compliance, "configureNewAsset"),
    ),
  };
  const accounted = Object.values(parts).reduce((a, b) => a + b, 0);
  parts["factory (proxy hop, registry, event, encoding)"] = Number(tx.gasUsed) - accounted;
  return parts;
}

/**
 * How many storage slots transaction `hash` wrote from zero (an SSTORE costing at least 20,000 gas: EIP-2200's
 * `SSTORE_SET`), the floor of what it costs to keep its state.
 */
export async function freshSlotWrites(provider: RpcProvider, hash: string): Promise<number> {
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  let count = 0;
  for (let i = 0; i + 1 < logs.length; i++) {
    if (logs[i].op === "SSTORE" && logs[i].gas - logs[i + 1].gas >= 20_000) count++;
  }
  return count;
}

/** Where the top frame of a transaction spent its gas, from `debug_traceTransaction`'s steps. */
export interface TopFrameGas {
  /** Calls that opened a frame (into contracts), each with everything it ran; cold-account surcharges included. */
  calls: number;
  /** Calls into precompiles (no frame of their own, e.g. ecrecover), with their own cost. */
  precompiles: number;
  /** SLOAD and SSTORE of the top frame, with their cold-slot surcharges. */
  storage: number;
  /** LOG0–LOG4. */
  events: number;
  /** TLOAD and TSTORE (a transient re-entrancy guard). */
  transient: number;
  /** KECCAK256. */
  hashing: number;
  /** Every other step of the top frame: ABI decoding, checks, memory, jumps. */
  other: number;
  /** Steps the top frame ran. */
  steps: number;
  /** SLOADs of the top frame. */
  slotReads: number;
  /** SSTOREs of the top frame. */
  slotWrites: number;
}

/** The top frame's gas of transaction `hash` (its execution only: no intrinsic or call data cost), by kind. */
export async function topFrameGas(provider: RpcProvider, hash: string): Promise<TopFrameGas> {
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { structLogs: (StructLog & { gasCost: number })[] };
  const logs = trace.structLogs;
  const out: TopFrameGas = {
    calls: 0,
    precompiles: 0,
    storage: 0,
    events: 0,
    transient: 0,
    hashing: 0,
    other: 0,
    steps: 0,
    slotReads: 0,
    slotWrites: 0,
  };
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (log.depth !== 1) continue;
    out.steps++;
    if (["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"].includes(log.op)) {
      let j = i + 1;
      while (j < logs.length && logs[j].depth !== 1) j++;
      const spent = j < logs.length ? log.gas - logs[j].gas : log.gasCost;
      if (j === i + 1) out.precompiles += spent;
      else out.calls += spent;
      continue;
    }
    const cost = log.gasCost;
    if (log.op === "SLOAD" || log.op === "SSTORE") {
      out.storage += cost;
      if (log.op === "SLOAD") out.slotReads++;
      else out.slotWrites++;
    } else if (log.op.startsWith("LOG")) out.events += cost;
    else if (log.op === "TLOAD" || log.op === "TSTORE") out.transient += cost;
    else if (log.op === "KECCAK256") out.hashing += cost;
    else out.other += cost;
  }
  return out;
}
