/**
 * The Besu QBFT network kit (networks/besu-qbft/README.md):
 *   npx hardhat besu:kit --out networks/besu-qbft
 *   npx hardhat besu:genesis --validators 0x…,0x…,0x…,0x… --out genesis.json
 *   npx hardhat besu:allowlists --network besu --nodes member-nodes.json --extra 0x… --out permissions_config.toml
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { task, types } from "hardhat/config";

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** Comma-separated list, trimmed; empty for "". */
function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

task(
  "besu:kit",
  "Writes the reference network's files from config/besu.ts (blockchain config, node configs) — e.g. npx hardhat besu:kit --bootnodes enode://…@10.0.0.1:30303",
)
  .addOptionalParam("out", "Directory to write into", "networks/besu-qbft")
  .addOptionalParam("bootnodes", "Comma-separated enode URLs for every node's config (default none)", "")
  .addOptionalParam("chainId", "Chain id (default config/besu.ts)", undefined, types.int)
  .setAction(async (args: { out: string; bootnodes: string; chainId?: number }) => {
    const { besu } = await import("../config/besu");
    const { blockchainConfigOf, nodeConfigOf } = await import("../scripts/lib/besu");
    const bootnodes = list(args.bootnodes);
    write(join(args.out, "qbftConfigFile.json"), json(blockchainConfigOf(args.chainId)));
    for (let i = 0; i < besu.validators; i++)
      write(join(args.out, `node-${i + 1}`, "config.toml"), nodeConfigOf(i, bootnodes));
  });

task(
  "besu:genesis",
  "Writes a QBFT genesis for the given validators' node addresses (config/besu.ts) — e.g. npx hardhat besu:genesis --validators 0x…,0x…,0x…,0x… --out genesis.json",
)
  .addParam("validators", "Comma-separated validator node addresses (e.g. from `besu public-key export-address`)")
  .addOptionalParam("out", "File to write", "genesis.json")
  .addOptionalParam("chainId", "Chain id (default config/besu.ts)", undefined, types.int)
  .setAction(async (args: { validators: string; out: string; chainId?: number }) => {
    const { genesisOf } = await import("../scripts/lib/besu");
    const genesis = genesisOf(list(args.validators), args.chainId);
    write(args.out, json(genesis));
    return genesis;
  });

task(
  "besu:allowlists",
  "Exports the member registry as the nodes' local-permissioning allow-lists — e.g. npx hardhat besu:allowlists --network besu --nodes member-nodes.json --extra 0x…",
)
  .addParam("nodes", 'JSON file: { "<member account>": ["enode://…@host:port", …], … }')
  .addOptionalParam("extra", "Comma-separated extra accounts allowed to send (deployer, operators)", "")
  .addFlag("investors", "Also allow every wallet of every registered investor")
  .addOptionalParam("out", "File to write", "permissions_config.toml")
  .setAction(async (args: { nodes: string; extra: string; investors: boolean; out: string }, hre) => {
    const { allowlistsOf, permissionsConfigOf } = await import("../scripts/lib/besu");
    const memberNodes = JSON.parse(readFileSync(args.nodes, "utf8")) as Record<string, string[]>;
    const lists = await allowlistsOf(hre, memberNodes, { extra: list(args.extra), investors: args.investors });
    write(args.out, permissionsConfigOf(lists.accounts, lists.nodes));
    console.log(`${lists.accounts.length} accounts, ${lists.nodes.length} nodes allowed`);
    for (const member of lists.excluded) {
      console.log(`left out: ${member.account} (${member.status}), nodes ${member.nodes.join(" ") || "none"}`);
    }
    return lists;
  });
