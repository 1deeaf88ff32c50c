import { extendEnvironment, subtask } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "hardhat-deploy";
import "./tasks";
import { besuEnvProblems, networks as networkConfig, SOLC_VERSION } from "./config/networks";

// The compiler comes from the npm package `solc` (pinned to SOLC_VERSION in package.json), so compiling needs
// no download: only the npm registry is reachable on the alliance's build machines.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion: solc.version(),
  };
});

// A command on the `besu` network needs its environment (config/networks.ts): say what is missing before anything
// is sent, naming each variable.
// On a separate chain, deployments resume without deploying twice what a killed run sent (scripts/lib/resumable.ts).
extendEnvironment((hre) => {
  if (hre.network.name === "hardhat") return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { makeDeploysResumable } = require("./scripts/lib/resumable") as typeof import("./scripts/lib/resumable");
  makeDeploysResumable(hre);
});

extendEnvironment((hre) => {
  if (hre.network.name !== "besu") return;
  const problems = besuEnvProblems(process.env);
  if (problems.length > 0) {
    throw new HardhatPluginError("assetledger", `the besu network is not configured:\n  ${problems.join("\n  ")}`);
  }
});

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 10_000 }, viaIR: false },
      },
    ],
    overrides: {
      // Test-only products of the factory tests, compiled small like the security products.
      ...Object.fromEntries(
        ["ProductMock", "ProductMockV2", "ProductBondMock"].map((name) => [
          `contracts/mocks/factory/${name}.sol`,
          {
            version: SOLC_VERSION,
            settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 }, viaIR: false },
          },
        ]),
      ),
      // Security products (SecurityToken's code plus the product's terms and lifecycle) compile at 200 runs to stay
      // under EIP-170: measured on SecurityTokenMock, 200 runs instead of 10,000 cost a transfer 129 gas and save
      // ≈ 4.3 kB of code. Add each product's file here.
      // The core's test mock with its internal API exposed, likewise.
      ...Object.fromEntries(
        [
          "tokens/security/Equity",
          "tokens/security/Bond",
          "tokens/security/Fund",
          "mocks/SecurityTokenMock",
          // The agent-operations module each product's constructor deploys: compiled as the products compile it, so
          // its artifact is the code that runs (at the default 10,000 runs its artifact would exceed EIP-170).
          "tokens/security/SecurityTokenOperations",
        ].map((file) => [
          `contracts/${file}.sol`,
          { version: SOLC_VERSION, settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } } },
        ]),
      ),
      // Commodity receipts at 200 runs: in one contract at 10,000 runs the runtime code was ≈ 36.6 kB; split into the
      // receipt and its lot module (CommodityReceiptLots, by delegatecall) each fits EIP-170.
      ...Object.fromEntries(
        ["tokens/commodity/CommodityReceipt", "tokens/commodity/CommodityReceiptLots"].map((file) => [
          `contracts/${file}.sol`,
          { version: SOLC_VERSION, settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } } },
        ]),
      ),
      // BondLifecycle (the bond's lifecycle and distributions, off the transfer path) at 100 runs: at 200 it no
      // longer fits once distributions follow recoveries and coupons keep their record dates.
      "contracts/tokens/security/BondLifecycle.sol": {
        version: SOLC_VERSION,
        settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 100 } },
      },
      // At 10,000 runs the coin's runtime code exceeds EIP-170's 24,576 bytes (the optimizer inlines and keeps
      // every 32-byte constant, each revert's selector included, as a PUSH32). At 3,000 it fits with ≈ 600 bytes
      // to spare and the transfer path still pushes its constants (slot, topic) inline: it costs 12 gas more
      // than at 4,000 runs, where the code would leave only ≈ 200 bytes.
      // The settlement engine through the IR optimizer: its settle path is calldata decoding and hashing, where the
      // IR pipeline saves gas measured by test/settlement/Settlement.gas.test.ts (dvp.settle).
      "contracts/settlement/Settlement.sol": {
        version: SOLC_VERSION,
        settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
      },
      // Its net-settlement module, which the engine's constructor deploys: compiled as the engine compiles it, so
      // its artifact is the code that runs (and its test harness likewise).
      ...Object.fromEntries(
        ["settlement/NetSettlement", "mocks/settlement/NetSettlementHarness"].map((file) => [
          `contracts/${file}.sol`,
          {
            version: SOLC_VERSION,
            settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
          },
        ]),
      ),
      "contracts/tokens/coin/SettlementCoin.sol": {
        version: SOLC_VERSION,
        settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 3_000 }, viaIR: false },
      },
    },
  },
  networks: networkConfig,
  namedAccounts: {
    deployer: 0,
    governor: 1,
    kycProvider: 2,
    exchange: 3,
    issuer: 4,
    regulator: 5,
    alice: 6,
    bob: 7,
    carol: 8,
    stranger: 9,
    custodian: 10,
    gateway: 11,
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", currency: "USD", offline: true },
  // Instrumented contracts run several times slower under `npm run coverage`: the property tests need longer.
  mocha: { timeout: process.env.COVERAGE === "true" ? 900_000 : 120_000 },
};

export default config;
