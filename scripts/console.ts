/**
 * The back-office console (console/) on a chain of its own.
 *
 *   npm run console        anvil on 127.0.0.1:8545 (chain id 7358), the core deployed, the story of
 *                          scripts/console-seed.ts told, the address book exported, then Vite's dev server on
 *                          http://127.0.0.1:5173 until Ctrl-C (which stops both).
 *   npm run test:console   the same chain on 127.0.0.1:8655, the console type-checked and built (`vite build`),
 *                          served by `vite preview` on 127.0.0.1:4185, and the browser suite of console/e2e run with
 *                          playwright-core and Debian's chromium; screenshots in console/test-results/. Bounded in
 *                          time; stops anvil and Vite and checks their processes are gone; exits non-zero on any
 *                          failure.
 *   CONSOLE_PORT / CONSOLE_WEB_PORT move the chain's and the web server's ports (two runs side by side).
 *
 * The dev accounts are derived at run time from anvil's public test mnemonic (read from anvil's banner) and written
 * to console/public/dev/accounts.json, which git ignores: the repository holds no key.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import { CONSOLE_CHAIN_ID } from "../config/networks";
import { anvilBinary, isAlive, stopProcess } from "./lib/anvil";

const root = join(__dirname, "..");
const consoleDir = join(root, "console");
const devDir = join(consoleDir, "public", "dev");
const test = process.argv.includes("--test");
const rpcPort = Number(process.env.CONSOLE_PORT ?? (test ? 8_655 : 8_545));
const webPort = Number(process.env.CONSOLE_WEB_PORT ?? (test ? 4_185 : 5_173));
/** The whole test run's bound (the deploy alone takes a few minutes on a slow machine). */
const TEST_BUDGET_MS = 20 * 60_000;
const NAMED = [
  "deployer",
  "governor",
  "kycProvider",
  "exchange",
  "issuer",
  "regulator",
  "alice",
  "bob",
  "carol",
  "stranger",
  "custodian",
  "gateway",
];

const children: ChildProcess[] = [];
/** Process groups of the commands `run` is running (hardhat, npm, the browser suite), killed if the budget ends. */
const groups = new Set<number>();
const timings: Record<string, number> = {};

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = Date.now() - start;
  }
}

/** Runs a command to its end (its process group is killed after `timeoutMs`); throws with its output's tail. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, quiet = true) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    groups.add(child.pid!);
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(
        new Error(`${command} ${args.join(" ")} did not finish in ${timeoutMs / 1000} s:\n${output.slice(-2000)}`),
      );
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status) => {
      groups.delete(child.pid!);
      clearTimeout(timer);
      if (status === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} failed (${status}):\n${output.slice(-3000)}`));
    });
  });
}

/** Starts anvil with its test accounts (free gas, hardfork cancun) and returns it with the mnemonic it printed. */
async function startChain(): Promise<{ anvil: ChildProcess; mnemonic: string; rpcUrl: string }> {
  const binary = anvilBinary();
  if (!binary) throw new Error("anvil is not installed (optional dependency @foundry-rs/anvil-linux-amd64)");
  const args = ["--host", "127.0.0.1", "--port", String(rpcPort), "--chain-id", String(CONSOLE_CHAIN_ID)];
  args.push("--hardfork", "cancun", "--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee");
  args.push("--accounts", String(NAMED.length));
  const anvil = spawn(binary, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(anvil);
  let banner = "";
  const mnemonic = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`anvil printed no mnemonic in 15 s:\n${banner}`)), 15_000);
    anvil.stdout!.on("data", (chunk: Buffer) => {
      if (banner.length > 100_000) return; // the banner is read; later request logs are dropped
      banner += chunk.toString();
      const match = /Mnemonic:\s+([a-z ]+?)\s*\n/.exec(banner);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    anvil.on("exit", (code) => reject(new Error(`anvil exited with code ${code}:\n${banner}`)));
  });
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const provider = new JsonRpcProvider(rpcUrl, CONSOLE_CHAIN_ID, { staticNetwork: true });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await provider.send("eth_chainId", []);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`anvil did not answer on ${rpcUrl} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  provider.destroy();
  return { anvil, mnemonic, rpcUrl };
}

/** Deploys, seeds and exports; writes the dev accounts the console reads (git-ignored). */
async function prepareChain(mnemonic: string, rpcUrl: string): Promise<void> {
  rmSync(join(root, "deployments", "console"), { recursive: true, force: true });
  rmSync(join(root, ".openzeppelin", `unknown-${CONSOLE_CHAIN_ID}.json`), { force: true });
  mkdirSync(devDir, { recursive: true });
  const env = {
    ASSETLEDGER_MNEMONIC: mnemonic,
    CONSOLE_PORT: String(rpcPort),
    CONSOLE_SEED_OUT: join(devDir, "seed.json"),
    CONSOLE_ADDRESSES_OUT: join(consoleDir, "public", "addresses.json"),
    SEED_PROSPECTUS: join(consoleDir, "e2e", "prospectus.txt"),
  };
  const output = await run(
    "npx",
    ["hardhat", "run", "--network", "console", "scripts/console-seed.ts"],
    env,
    15 * 60_000,
  );
  console.log(output.trim().split("\n").slice(-2).join("\n"));
  const accounts = NAMED.map((name, i) => {
    const wallet = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(mnemonic), `m/44'/60'/0'/0/${i}`);
    return { name, address: wallet.address, privateKey: wallet.privateKey };
  });
  writeFileSync(
    join(devDir, "accounts.json"),
    `${JSON.stringify({ rpcUrl, chainId: CONSOLE_CHAIN_ID, accounts }, null, 2)}\n`,
  );
}

function vite(args: string[]): ChildProcess {
  const bin = join(consoleDir, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(bin)) throw new Error("the console's dependencies are missing: run npm ci --prefix console");
  const child = spawn(
    process.execPath,
    [bin, ...args, "--host", "127.0.0.1", "--port", String(webPort), "--strictPort"],
    {
      cwd: consoleDir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (chunk: Buffer) => test || process.stdout.write(chunk));
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  children.push(child);
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopAll(): Promise<boolean> {
  for (const group of groups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const pids = children.map((child) => child.pid!).filter((pid) => pid !== undefined);
  for (const child of children.reverse()) await stopProcess(child);
  const alive = pids.filter(isAlive);
  if (alive.length > 0) console.log(`  ✗ processes still alive: ${alive.join(", ")}`);
  else console.log(`  ✓ anvil and vite stopped (pids ${pids.join(", ")} gone)`);
  return alive.length === 0;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const { mnemonic, rpcUrl } = await timed("anvil", startChain);
  console.log(`anvil on ${rpcUrl}, chain id ${CONSOLE_CHAIN_ID}`);
  await timed("deploy+seed", () => prepareChain(mnemonic, rpcUrl));
  if (!test) {
    vite([]);
    console.log(`console: http://127.0.0.1:${webPort}/ (Ctrl-C stops Vite and anvil)`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    return (await stopAll()) ? 0 : 1;
  }
  await timed("typecheck", () => run("npm", ["--prefix", "console", "run", "typecheck"], {}, 180_000));
  await timed("vite build", () => run("npm", ["--prefix", "console", "run", "build"], {}, 180_000));
  vite(["preview"]);
  const url = `http://127.0.0.1:${webPort}/`;
  await timed("vite preview", () => waitForHttp(url, 30_000));
  let suiteFailed = false;
  await timed("browser suite", async () => {
    const tsNode = join(root, "node_modules", "ts-node", "dist", "bin.js");
    const env = {
      CONSOLE_URL: url,
      CONSOLE_RPC: rpcUrl,
      CONSOLE_SEED: join(devDir, "seed.json"),
      CONSOLE_RESULTS: join(consoleDir, "test-results"),
    };
    try {
      await run(process.execPath, [tsNode, "--transpile-only", "console/e2e/suite.ts"], env, 600_000, false);
    } catch (error) {
      suiteFailed = true;
      console.log(error instanceof Error ? error.message.split("\n")[0] : String(error));
    }
  });
  const stopped = await stopAll();
  console.log(
    `timings: ${Object.entries(timings)
      .map(([name, ms]) => `${name} ${seconds(ms)}`)
      .join(", ")}`,
  );
  return suiteFailed || !stopped ? 1 : 0;
}

const budget = setTimeout(
  () => {
    console.error(`test:console: over its ${TEST_BUDGET_MS / 60_000} min budget, stopping`);
    void stopAll().finally(() => process.exit(1));
  },
  test ? TEST_BUDGET_MS : 2 ** 31 - 1,
);

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await stopAll();
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(budget);
    if (test) console.log(`test:console: ${process.exitCode ? "FAILED" : "passed"}`);
  });
