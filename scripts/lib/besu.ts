/**
 * The Besu QBFT network kit (networks/besu-qbft/): the genesis, each node's configuration and the local-permissioning
 * allow-lists, built from config/besu.ts and, for the allow-lists, from the deployed MemberRegistry (and, on request,
 * the IdentityRegistry). Pure functions but the last; the `besu:*` tasks (tasks/besu.ts) write their output.
 */
import { encodeRlp, getAddress, isAddress, ZeroHash as ZERO_ID, zeroPadValue } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { besu } from "../../config/besu";
import type { IdentityRegistry, MemberRegistry } from "../../typechain-types";

/** QBFT's genesis `extraData` for header-selected validators: RLP([vanity (32 zero bytes), validators, votes
 * (none), round 0, seals (none)]). Validators must be distinct addresses; Besu sorts nothing for us, so they are
 * listed as given. */
export function qbftExtraData(validators: readonly string[]): string {
  if (validators.length === 0) throw new Error("qbftExtraData: at least one validator");
  const seen = new Set<string>();
  for (const v of validators) {
    if (!isAddress(v)) throw new Error(`qbftExtraData: not an address: ${v}`);
    const key = v.toLowerCase();
    if (seen.has(key)) throw new Error(`qbftExtraData: validator listed twice: ${getAddress(v)}`);
    seen.add(key);
  }
  return encodeRlp([zeroPadValue("0x", 32), validators.map((v) => getAddress(v)), [], "0x", []]);
}

/** The genesis `config` object (config/besu.ts). */
export function genesisConfig(chainId: number = besu.chainId): Record<string, unknown> {
  const config: Record<string, unknown> = { chainId };
  for (const milestone of besu.blockMilestones) config[milestone] = 0;
  for (const milestone of besu.timeMilestones) config[milestone] = 0;
  config.zeroBaseFee = true;
  config.contractSizeLimit = besu.contractSizeLimit;
  config.qbft = {
    blockperiodseconds: besu.qbft.blockPeriodSeconds,
    epochlength: besu.qbft.epochLength,
    requesttimeoutseconds: besu.qbft.requestTimeoutSeconds,
  };
  return config;
}

/** The genesis block's own parameters, `extraData` aside (QBFT: difficulty 1, the BFT mix hash). */
function genesisBlock(): Record<string, unknown> {
  return {
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: "0x" + besu.gasLimit.toString(16),
    difficulty: "0x1",
    // "ctical byzantine fault tolerance": the mix hash every BFT genesis of Besu carries.
    mixHash: "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    coinbase: "0x0000000000000000000000000000000000000000",
    // Free gas: nobody needs ether. An operator may fund accounts here for chains that charge gas.
    alloc: {},
  };
}

/** A complete QBFT genesis for `validators` (their node addresses). */
export function genesisOf(validators: readonly string[], chainId: number = besu.chainId): Record<string, unknown> {
  return { config: genesisConfig(chainId), ...genesisBlock(), extraData: qbftExtraData(validators) };
}

/**
 * The input of `besu operator generate-blockchain-config`: the genesis without `extraData` (Besu writes it from the
 * keys it generates) and how many validator key pairs to generate.
 */
export function blockchainConfigOf(chainId: number = besu.chainId): Record<string, unknown> {
  return {
    genesis: { config: genesisConfig(chainId), ...genesisBlock() },
    blockchain: { nodes: { generate: true, count: besu.validators } },
  };
}

/** A TOML value: string, number, boolean or array of strings (all this kit writes). */
type TomlValue = string | number | boolean | readonly string[];

function tomlValue(value: TomlValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "[" + value.map((v) => JSON.stringify(v)).join(",") + "]";
}

/** `key=value` lines, with a comment line before each key that has one. */
export function toToml(entries: readonly [string, TomlValue, string?][]): string {
  return (
    entries
      .map(([key, value, comment]) => (comment ? `# ${comment}\n` : "") + `${key}=${tomlValue(value)}`)
      .join("\n") + "\n"
  );
}

/** Node `index` (0-based) of the reference network: its config.toml (`besu --config-file=config.toml`). */
export function nodeConfigOf(index: number, bootnodes: readonly string[] = []): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`nodeConfigOf: bad node index ${index}`);
  return toToml([
    ["data-path", "data", "Relative to the node's directory (networks/besu-qbft/README.md)."],
    ["genesis-file", "../genesis.json"],
    ["p2p-port", besu.p2pPort + index],
    ["bootnodes", bootnodes, "enode URLs of the first validators; each must be in the nodes allow-list."],
    ["rpc-http-enabled", true],
    ["rpc-http-host", "127.0.0.1", "Expose through the member's own gateway, never directly."],
    ["rpc-http-port", besu.rpcPort + index],
    ["rpc-http-api", besu.rpcApis],
    ["host-allowlist", ["localhost", "127.0.0.1"]],
    ["min-gas-price", 0, "Free gas (genesis zeroBaseFee): transactions carry gas price 0."],
    [
      "target-gas-limit",
      Number(besu.gasLimit),
      "Keep the genesis block gas limit (net-settlement batches of 100 M gas).",
    ],
    ["permissions-nodes-config-file-enabled", true, "Local permissioning (Besu 25.6 removed on-chain permissioning)."],
    ["permissions-accounts-config-file-enabled", true],
    ["permissions-nodes-config-file", "../permissions_config.toml"],
    ["permissions-accounts-config-file", "../permissions_config.toml"],
  ]);
}

/** The local-permissioning file every node reads (`permissions_config.toml`). */
export function permissionsConfigOf(accounts: readonly string[], nodes: readonly string[]): string {
  for (const node of nodes) {
    if (!/^enode:\/\/[0-9a-f]{128}@[^:@\s]+:\d{1,5}(\?discport=\d{1,5})?$/.test(node)) {
      throw new Error(`permissionsConfigOf: not an enode URL: ${node}`);
    }
  }
  return toToml([
    [
      "accounts-allowlist",
      accounts,
      "Accounts that may send transactions: the alliance's active members and any listed.",
    ],
    ["nodes-allowlist", nodes, "Nodes of active members (and the validators)."],
  ]);
}

/** What `allowlistsOf` read and decided. */
export interface Allowlists {
  accounts: string[];
  nodes: string[];
  /** Members left out (suspended, removed), with their nodes: the operator's review list. */
  excluded: { account: string; status: string; nodes: string[] }[];
}

/** Member → its nodes' enode URLs (the operator's file: the registry keeps no network addresses). */
export type MemberNodes = Record<string, readonly string[]>;

/**
 * The allow-lists of the deployed network: every active member's account and nodes; `extra` accounts (e.g. the
 * deployer, the validators' operators) and, with `investors`, every wallet of every registered investor (dApps
 * whose users send their own transactions). A member listed in `memberNodes` that is not active is excluded, and
 * said so; one that is not a member at all is an error (a typo must not silently drop a node).
 */
export async function allowlistsOf(
  hre: HardhatRuntimeEnvironment,
  memberNodes: MemberNodes,
  options: { extra?: readonly string[]; investors?: boolean } = {},
): Promise<Allowlists> {
  const registry = (await hre.ethers.getContractAt(
    "MemberRegistry",
    (await hre.deployments.get("MemberRegistry")).address,
  )) as unknown as MemberRegistry;
  const ACTIVE = 1n;
  const STATUS = ["None", "Active", "Suspended", "Removed"];
  const accounts = new Set<string>();
  const nodes = new Set<string>();
  const excluded: Allowlists["excluded"] = [];
  const listed = new Map(Object.entries(memberNodes).map(([account, urls]) => [getAddress(account), urls]));
  const count = await registry.memberCount();
  const members = new Set<string>();
  for (let i = 0n; i < count; i++) {
    const account = getAddress(await registry.memberAt(i));
    members.add(account);
    const member = await registry.memberOf(account);
    const urls = listed.get(account) ?? [];
    if (member.status === ACTIVE) {
      accounts.add(account);
      for (const url of urls) nodes.add(url);
    } else {
      excluded.push({ account, status: STATUS[Number(member.status)] ?? String(member.status), nodes: [...urls] });
    }
  }
  for (const account of listed.keys()) {
    if (!members.has(account)) throw new Error(`besu:allowlists: ${account} has nodes listed but is not a member`);
  }
  for (const account of options.extra ?? []) {
    if (!isAddress(account)) throw new Error(`besu:allowlists: not an address: ${account}`);
    accounts.add(getAddress(account));
  }
  if (options.investors) {
    const identity = (await hre.ethers.getContractAt(
      "IdentityRegistry",
      (await hre.deployments.get("IdentityRegistry")).address,
    )) as unknown as IdentityRegistry;
    // Indices start at 1 and are never reused; a removed investor's index reads 0 (IdentityRegistry R1): walk
    // them until every live investor is found.
    const investors = await identity.investorCount();
    for (let index = 1n, found = 0n; found < investors; index++) {
      if (index > 0xffffffffn) throw new Error("besu:allowlists: the registry's investor count is not reachable");
      const investor = await identity.investorAt(index);
      if (investor === ZERO_ID) continue;
      found++;
      for (const wallet of await identity.walletsOf(investor)) accounts.add(getAddress(wallet));
    }
  }
  const nodesAllowed = [...nodes];
  permissionsConfigOf([], nodesAllowed); // validates every URL
  return { accounts: [...accounts].sort(), nodes: nodesAllowed.sort(), excluded };
}
