import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";

/** The anvil binary shipped by the optional dependency `@foundry-rs/anvil-linux-amd64`, when installed. */
export function anvilBinary(): string | undefined {
  const path = join(__dirname, "..", "..", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
  return existsSync(path) ? path : undefined;
}

export interface AnvilNode {
  process: ChildProcess;
  url: string;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/**
 * Starts anvil on 127.0.0.1 as a free-gas chain at hardfork cancun (gas price 0, base fee 0, no minimum priority
 * fee), so accounts that hold no ether can transact, as on the alliance's Besu network.
 */
export async function startAnvil(options: { port: number; chainId: number }): Promise<AnvilNode> {
  const binary = anvilBinary();
  if (!binary) throw new Error("anvil is not installed (optional dependency @foundry-rs/anvil-linux-amd64)");
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--chain-id",
    String(options.chainId),
    "--hardfork",
    "cancun",
    "--base-fee",
    "0",
    "--gas-price",
    "0",
    "--disable-min-priority-fee",
    "--accounts",
    "0",
    "--silent",
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${options.port}`;
  const provider = new JsonRpcProvider(url, options.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const stop = async () => {
    provider.destroy();
    await stopProcess(child);
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`);
    try {
      await provider.send("eth_chainId", []);
      return { process: child, url, provider, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`anvil did not answer on ${url} within 15 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Whether a process with `pid` still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}
