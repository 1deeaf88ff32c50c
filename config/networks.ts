import type { NetworksUserConfig } from "hardhat/types";
import { besu, BESU_ENV } from "./besu";

/** The compiler version: the npm package `solc` in package.json is pinned to the same version. */
export const SOLC_VERSION = "0.8.30";

/** Chain id of the local anvil node used by `npm run test:anvil` (anything but Hardhat's 31337). */
export const ANVIL_CHAIN_ID = 7_357;
export const ANVIL_PORT = Number(process.env.ANVIL_PORT ?? 8_645);

/**
 * The chain of the back-office console (`npm run console` on 8545, `npm run test:console` on 8655): anvil with its
 * own chain id, so its deployments (deployments/console) never mix with test:anvil's in the address book.
 */
export const CONSOLE_CHAIN_ID = 7_358;
export const CONSOLE_PORT = Number(process.env.CONSOLE_PORT ?? 8_545);

/**
 * Accounts for a separate node come from a mnemonic in the environment, never from the repository. The anvil
 * end-to-end script makes a fresh one for each run, so its accounts hold no ether: the chain runs free gas.
 */
const mnemonic = process.env.ASSETLEDGER_MNEMONIC;

export const networks: NetworksUserConfig = {
  hardhat: {
    hardfork: "cancun",
    chainId: 31_337,
    accounts: { count: 12 },
  },
  anvil: {
    url: `http://127.0.0.1:${ANVIL_PORT}`,
    chainId: ANVIL_CHAIN_ID,
    gasPrice: 0,
    accounts: mnemonic ? { mnemonic, count: 12 } : [],
  },
  console: {
    url: `http://127.0.0.1:${CONSOLE_PORT}`,
    chainId: CONSOLE_CHAIN_ID,
    gasPrice: 0,
    accounts: mnemonic ? { mnemonic, count: 12 } : [],
  },
  // A member's Besu node, from the environment (config/besu.ts `BESU_ENV`): checked when a command runs on it
  // (`requireBesuEnv`, hardhat.config.ts), which names any missing or malformed variable.
  besu: {
    url: process.env[BESU_ENV.url] ?? "http://127.0.0.1:8545",
    chainId: Number(process.env[BESU_ENV.chainId] ?? besu.chainId),
    gasPrice: 0,
    accounts: besuKeys(process.env[BESU_ENV.keys]) ?? (mnemonic ? { mnemonic, count: 12 } : []),
  },
};

/** The keys of `BESU_PRIVATE_KEYS` (comma-separated), or undefined when unset. */
function besuKeys(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value.split(",").map((key) => key.trim());
}

/**
 * What is wrong with the environment of the `besu` network (empty when nothing): each problem names its variable.
 * The RPC URL and the chain id are required; the keys are required unless `ASSETLEDGER_MNEMONIC` is set.
 */
export function besuEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const url = env[BESU_ENV.url];
  if (url === undefined || url === "") problems.push(`${BESU_ENV.url} is not set: the JSON-RPC URL of your Besu node`);
  else if (!/^https?:\/\/[^\s]+$/.test(url)) problems.push(`${BESU_ENV.url} is not an http(s) URL: ${url}`);
  const chainId = env[BESU_ENV.chainId];
  if (chainId === undefined || chainId === "") {
    problems.push(`${BESU_ENV.chainId} is not set: the chain id of the alliance's chain (genesis: ${besu.chainId})`);
  } else if (!/^[1-9][0-9]*$/.test(chainId)) problems.push(`${BESU_ENV.chainId} is not a positive integer: ${chainId}`);
  const keys = besuKeys(env[BESU_ENV.keys]);
  if (keys === undefined) {
    if (!env.ASSETLEDGER_MNEMONIC) {
      problems.push(`${BESU_ENV.keys} is not set: comma-separated 0x private keys (or set ASSETLEDGER_MNEMONIC)`);
    }
  } else {
    keys.forEach((key, i) => {
      if (!/^0x[0-9a-fA-F]{64}$/.test(key))
        problems.push(`${BESU_ENV.keys}: key ${i + 1} is not a 0x-prefixed 32-byte hex key`);
    });
  }
  return problems;
}
