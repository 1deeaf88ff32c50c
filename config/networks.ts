import type { NetworksUserConfig } from "hardhat/types";

/** The compiler version: the npm package `solc` in package.json is pinned to the same version. */
export const SOLC_VERSION = "0.8.30";

/** Chain id of the local anvil node used by `npm run test:anvil` (anything but Hardhat's 31337). */
export const ANVIL_CHAIN_ID = 7_357;
export const ANVIL_PORT = Number(process.env.ANVIL_PORT ?? 8_645);

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
  besu: {
    url: process.env.BESU_RPC_URL ?? "http://127.0.0.1:8545",
    gasPrice: 0,
    accounts: mnemonic ? { mnemonic, count: 12 } : [],
  },
};
