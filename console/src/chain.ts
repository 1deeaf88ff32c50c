/**
 * The console's view of the chain: the address book, a read provider, the signed-in wallet, and who that wallet is
 * (a member, with its kind, name, status and roles read from the AccessManager, or an investor). Everything goes
 * through the SDK's bindings (`@assetledger/sdk`).
 */
import { BrowserProvider, JsonRpcProvider, Wallet, type Eip1193Provider, type Provider, type Signer } from "ethers";
import {
  AllianceAuthority__factory,
  AssetFactory__factory,
  Compliance__factory,
  IdentityRegistry__factory,
  MemberKind,
  MemberRegistry__factory,
  MemberStatus,
  Role,
  SettlementCoin__factory,
  addressBook,
  type AddressBook,
  type NetworkAddresses,
  type RoleName,
} from "@assetledger/sdk";

/** A dev account of `npm run console` (public/dev/accounts.json, written at run time, git-ignored). */
export interface DevAccount {
  name: string;
  address: string;
  privateKey: string;
}

export interface DevChain {
  rpcUrl: string;
  chainId: number;
  accounts: DevAccount[];
}

export interface Config {
  rpcUrl: string;
  book: AddressBook;
  dev?: DevChain;
}

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** Loads the address book (`addresses.json`, from `npx hardhat addresses:export`) and the dev accounts when present. */
export async function loadConfig(): Promise<Config> {
  const book = (await fetchJson<AddressBook>("addresses.json")) ?? {};
  const dev = await fetchJson<DevChain>("dev/accounts.json");
  const fromQuery = new URLSearchParams(window.location.search).get("rpc");
  return { rpcUrl: fromQuery ?? dev?.rpcUrl ?? "http://127.0.0.1:8545", book, ...(dev ? { dev } : {}) };
}

async function fetchJson<T>(path: string): Promise<T | undefined> {
  try {
    const response = await fetch(path, { cache: "no-store" });
    if (!response.ok) return undefined;
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

/** The platform's contracts on one chain, connected to a runner (a signer for writes, the provider for reads). */
export function contractsOf(network: NetworkAddresses, runner: Provider | Signer) {
  const address = (name: string) => {
    const record = network.contracts[name];
    if (!record) throw new Error(`no deployment ${name} on ${network.network}`);
    return record.address;
  };
  return {
    authority: AllianceAuthority__factory.connect(address("AllianceAuthority"), runner),
    members: MemberRegistry__factory.connect(address("MemberRegistry"), runner),
    identity: IdentityRegistry__factory.connect(address("IdentityRegistry"), runner),
    compliance: Compliance__factory.connect(address("Compliance"), runner),
    factory: AssetFactory__factory.connect(address("AssetFactory"), runner),
    coin: SettlementCoin__factory.connect(address("SettlementCoinUSD"), runner),
  };
}

export type Contracts = ReturnType<typeof contractsOf>;

/** Who the signed-in wallet is. */
export interface Identity {
  address: string;
  member?: { kind: string; name: string; status: string };
  investor?: { id: string; country: number; verified: boolean };
  roles: RoleName[];
}

/** The roles a member account may hold (asset-scoped and public roles are not listed). */
const ALLIANCE_ROLES = (Object.keys(Role) as RoleName[]).filter(
  (name) => !["PUBLIC", "ASSET_ISSUER", "ASSET_AGENT", "ASSET_ADMINISTRATOR", "ASSET_FACTORY"].includes(name),
);

/** Reads what the chain knows about `address`: its member record, its investor record, its alliance roles. */
export async function identify(contracts: Contracts, address: string): Promise<Identity> {
  const [record, investorId, verified, country, roleHeld] = await Promise.all([
    contracts.members.memberOf(address),
    contracts.identity.investorOf(address),
    contracts.identity.isVerified(address),
    contracts.identity.investorCountry(address),
    Promise.all(ALLIANCE_ROLES.map((role) => contracts.authority.hasRole(Role[role], address))),
  ]);
  const roles = ALLIANCE_ROLES.filter((_, i) => roleHeld[i][0]);
  const identity: Identity = { address, roles };
  if (Number(record.kind) !== MemberKind.None) {
    identity.member = {
      kind: MemberKind[Number(record.kind)],
      name: record.name,
      status: MemberStatus[Number(record.status)],
    };
  }
  if (investorId !== "0x" + "0".repeat(64)) identity.investor = { id: investorId, country: Number(country), verified };
  return identity;
}

/** The signed-in session. */
export interface Session {
  provider: Provider;
  signer: Signer;
  network: NetworkAddresses;
  contracts: Contracts;
  signed: Contracts;
  identity: Identity;
  via: "injected" | "dev";
}

/** The network of the address book for the read provider's chain. */
export async function networkOf(provider: Provider, book: AddressBook): Promise<NetworkAddresses> {
  const { chainId } = await provider.getNetwork();
  return addressBook(chainId, book);
}

export function readProvider(config: Config): JsonRpcProvider {
  return new JsonRpcProvider(config.rpcUrl, undefined, { cacheTimeout: -1 });
}

/** Signs in with a dev key (the dev chain's accounts). */
export async function signInDev(config: Config, account: DevAccount): Promise<Session> {
  const provider = readProvider(config);
  const signer = new Wallet(account.privateKey, provider);
  return session(provider, signer, config.book, "dev");
}

/** Signs in with the injected EIP-1193 wallet (`window.ethereum`). */
export async function signInInjected(config: Config): Promise<Session> {
  if (!window.ethereum) throw new Error("no browser wallet (window.ethereum) found");
  const browser = new BrowserProvider(window.ethereum);
  const signer = await browser.getSigner();
  return session(browser, signer, config.book, "injected");
}

async function session(provider: Provider, signer: Signer, book: AddressBook, via: Session["via"]): Promise<Session> {
  const network = await networkOf(provider, book);
  const contracts = contractsOf(network, provider);
  const signed = contractsOf(network, signer);
  const identity = await identify(contracts, await signer.getAddress());
  return { provider, signer, network, contracts, signed, identity, via };
}

/** What the signed-in wallet may do, from its roles. */
export function abilities(identity: Identity) {
  const has = (...roles: RoleName[]) => roles.some((role) => identity.roles.includes(role));
  return {
    issue: has("ISSUER"),
    kyc: has("KYC_PROVIDER"),
    supervise: has("REGULATOR", "AUDITOR"),
    attest: has("RESERVE_ATTESTOR"),
    mint: has("MINTER"),
  };
}
