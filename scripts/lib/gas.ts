import { ethers } from "ethers";

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
