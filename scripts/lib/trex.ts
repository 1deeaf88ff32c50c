/**
 * The ERC-3643 reference implementation as a bench peer: T-REX 4.1.6 (npm `@tokenysolutions/t-rex`) with
 * ONCHAINID 2.2.1 (npm `@onchain-id/solidity`), deployed from the packages' compiled artifacts (abi + bytecode;
 * none of their sources is compiled or copied here) the way T-REX deploys itself.
 *
 * Infrastructure, once per chain (reported, never counted in `trex.issue`; our own implementations, authority and
 * factory are one-time costs too):
 * 1. the six T-REX implementations (Token, IdentityRegistry, IdentityRegistryStorage, TrustedIssuersRegistry,
 *    ClaimTopicsRegistry, ModularCompliance);
 * 2. the reference `TREXImplementationAuthority` with that version added and used (`addAndUseTREXVersion`, the
 *    version the token implementation itself reports: 4.1.3 — the 4.1.6 package ships `_TOKEN_VERSION = "4.1.3"`);
 * 3. ONCHAINID: the `Identity` implementation (library mode), its `ImplementationAuthority`, the `IdFactory`;
 * 4. `TREXFactory(implementationAuthority, idFactory)`, registered as a token factory of the IdFactory (it creates
 *    each token's ONCHAINID) and as the authority's factory (`setTREXFactory`), plus the `IAFactory` the
 *    reference authority uses to give a suite its own authority (`setIAFactory`);
 * 5. the compliance modules, each an implementation behind a `ModuleProxy` (ERC-1967) initialized once and shared
 *    by every modular compliance that binds it: `CountryAllowModule`, `MaxBalanceModule`,
 *    `TimeTransfersLimitsModule` (see {@link TREX_MODULES} for what 4.1.6 has and lacks);
 * 6. a trusted claim issuer: an ONCHAINID `ClaimIssuer` whose owner adds a CLAIM key (purpose 3, ECDSA) for the
 *    key that signs investors' claims.
 *
 * Per security (`trex.issue`): `TREXFactory.deployTREXSuite` — CREATE2 proxies for the trusted issuers registry,
 * claim topics registry, modular compliance, identity registry storage, identity registry and token; the token's
 * ONCHAINID through the IdFactory; the claim topics; the trusted issuer; the storage bound to the registry; the
 * token as registry agent; the agents; every module bound and configured through `callModuleFunction`; ownership
 * handed to the issuer — then `Token.unpause` by the agent, since a T-REX token starts paused.
 *
 * Per investor (`trex.onboard`): `IdFactory.createIdentity` (an `IdentityProxy` whose management key is the
 * wallet), `Identity.addClaim` by the investor with the claim issuer's signature (the identity asks the issuer
 * whether the claim is valid), `IdentityRegistry.registerIdentity` by the agent.
 *
 * Block gas: the whole suite deploys in one transaction of ≈ 4.2 M gas (the largest infrastructure deployment,
 * TREXFactory, ≈ 5.2 M), inside Hardhat's default 30 M block gas limit; every artifact's runtime code is under
 * EIP-170's 24,576 bytes (TREXFactory, the largest, is 23,495), so the embedded network needs neither
 * `allowUnlimitedContractSize` nor a larger block.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Contract, ContractFactory, ethers, type InterfaceAbi, type Signer } from "ethers";

/** The fields of a Hardhat artifact this helper reads. */
interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, unknown>;
}

const TREX_ARTIFACTS = join(dirname(require.resolve("@tokenysolutions/t-rex/package.json")), "artifacts", "contracts");
const ONCHAINID_ARTIFACTS = join(
  dirname(require.resolve("@onchain-id/solidity/package.json")),
  "artifacts",
  "contracts",
);

function readArtifact(root: string, path: string): Artifact {
  const artifact = JSON.parse(readFileSync(join(root, path), "utf8")) as Artifact;
  if (Object.keys(artifact.linkReferences).length > 0) {
    throw new Error(`${artifact.contractName}: libraries to link, which this helper does not expect`);
  }
  return artifact;
}

/** Reads a T-REX artifact by its path under the package's `artifacts/contracts/`. */
export function trexArtifact(path: string): Artifact {
  return readArtifact(TREX_ARTIFACTS, path);
}

/** Reads an ONCHAINID artifact by its path under the package's `artifacts/contracts/`. */
export function onchainIdArtifact(path: string): Artifact {
  return readArtifact(ONCHAINID_ARTIFACTS, path);
}

const ARTIFACTS = {
  token: () => trexArtifact("token/Token.sol/Token.json"),
  identityRegistry: () => trexArtifact("registry/implementation/IdentityRegistry.sol/IdentityRegistry.json"),
  identityRegistryStorage: () =>
    trexArtifact("registry/implementation/IdentityRegistryStorage.sol/IdentityRegistryStorage.json"),
  trustedIssuersRegistry: () =>
    trexArtifact("registry/implementation/TrustedIssuersRegistry.sol/TrustedIssuersRegistry.json"),
  claimTopicsRegistry: () => trexArtifact("registry/implementation/ClaimTopicsRegistry.sol/ClaimTopicsRegistry.json"),
  modularCompliance: () => trexArtifact("compliance/modular/ModularCompliance.sol/ModularCompliance.json"),
  trexImplementationAuthority: () =>
    trexArtifact("proxy/authority/TREXImplementationAuthority.sol/TREXImplementationAuthority.json"),
  iaFactory: () => trexArtifact("proxy/authority/IAFactory.sol/IAFactory.json"),
  trexFactory: () => trexArtifact("factory/TREXFactory.sol/TREXFactory.json"),
  moduleProxy: () => trexArtifact("compliance/modular/modules/ModuleProxy.sol/ModuleProxy.json"),
  module: (name: TrexModuleName) => trexArtifact(`compliance/modular/modules/${name}.sol/${name}.json`),
  identity: () => onchainIdArtifact("Identity.sol/Identity.json"),
  identityAuthority: () => onchainIdArtifact("proxy/ImplementationAuthority.sol/ImplementationAuthority.json"),
  idFactory: () => onchainIdArtifact("factory/IdFactory.sol/IdFactory.json"),
  claimIssuer: () => onchainIdArtifact("ClaimIssuer.sol/ClaimIssuer.json"),
  dvdTransferManager: () => trexArtifact("DVD/DVDTransferManager.sol/DVDTransferManager.json"),
};

/**
 * The modules bound to every suite, comparable to our rules (DESIGN.md §6: eligibility + country + investor cap +
 * lock-up):
 * - `CountryAllowModule`: the recipient's country (identity registry) must be on the compliance's allow-list;
 * - `MaxBalanceModule`: the recipient investor's (ONCHAINID's) balance must stay ≤ a maximum; it keeps its own
 *   balance per identity, written on every transfer — the closest 4.1.6 has to investor-level holdings;
 * - `TimeTransfersLimitsModule`: what an investor may send within a time window (up to 4 windows), counted per
 *   identity and written on every transfer — the only time-based transfer restriction in 4.1.6.
 * T-REX 4.1.6 has no holder-count / investor-cap module and no lock-up module (no "no transfers before date T"
 * rule): neither is bound, so the reference pays nothing for them while ours does.
 * Eligibility is the identity registry's `isVerified` on the recipient: an identity registered with a country
 * and a valid claim, signed by a trusted issuer, for every required topic.
 */
export const TREX_MODULES = ["CountryAllowModule", "MaxBalanceModule", "TimeTransfersLimitsModule"] as const;
export type TrexModuleName = (typeof TREX_MODULES)[number];

/** Claim topic of the KYC claim every investor of the bench suites holds (ONCHAINID convention: 1 = KYC). */
export const TREX_KYC_TOPIC = 1n;
/** ECDSA signature scheme of ONCHAINID claims. */
const ECDSA_SCHEME = 1n;
/** ERC-734 key purposes and types. */
const CLAIM_KEY_PURPOSE = 3n;
const ECDSA_KEY_TYPE = 1n;

export interface TrexVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface TrexInfrastructure {
  /** TREXFactory, connected to its owner (the deployer), who alone may deploy suites. */
  factory: Contract;
  /** The reference TREXImplementationAuthority. */
  implementationAuthority: Contract;
  /** ONCHAINID's IdFactory, connected to its owner (the deployer), who creates investors' identities. */
  idFactory: Contract;
  /** The trusted claim issuer's ONCHAINID (ClaimIssuer). */
  claimIssuer: Contract;
  /** Signs investors' claims: a CLAIM key of the claim issuer. */
  claimSigner: Signer;
  /** The shared module proxies, by name. */
  modules: Record<TrexModuleName, Contract>;
  version: TrexVersion;
  /** Gas used by each transaction, by step. */
  gas: Record<string, number>;
}

export interface TrexInfrastructureOptions {
  /** Deploys every contract and owns the TREXFactory, the IdFactory, the authority and the modules. */
  deployer: Signer;
  /** Owns the claim issuer's identity (its management key). */
  claimIssuerOwner: Signer;
  /** Signs claims; receives a CLAIM key of the claim issuer. Needs no ether. */
  claimSigner: Signer;
}

type GasLedger = Record<string, number>;

async function deployed(
  gas: GasLedger,
  step: string,
  artifact: Artifact,
  runner: Signer,
  args: unknown[] = [],
): Promise<Contract> {
  const contract = await new ContractFactory(artifact.abi, artifact.bytecode, runner).deploy(...args);
  const receipt = await contract.deploymentTransaction()!.wait();
  gas[step] = Number(receipt!.gasUsed);
  return contract as Contract;
}

async function sent(
  gas: GasLedger,
  step: string,
  tx: Promise<ethers.ContractTransactionResponse>,
): Promise<ethers.ContractTransactionReceipt> {
  const receipt = (await (await tx).wait())!;
  gas[step] = Number(receipt.gasUsed);
  return receipt;
}

/** Sums a gas ledger. */
export function totalGas(gas: Record<string, number>): number {
  return Object.values(gas).reduce((sum, value) => sum + value, 0);
}

/** Deploys the one-time T-REX + ONCHAINID infrastructure (steps 1–6 of the file's comment). */
export async function deployTrexInfrastructure(options: TrexInfrastructureOptions): Promise<TrexInfrastructure> {
  const gas: GasLedger = {};
  const { deployer } = options;

  // 1. Implementations (T-REX's own fixture deploys them without initializing them).
  const implementations = {
    tokenImplementation: await deployed(gas, "impl.Token", ARTIFACTS.token(), deployer),
    ctrImplementation: await deployed(gas, "impl.ClaimTopicsRegistry", ARTIFACTS.claimTopicsRegistry(), deployer),
    irImplementation: await deployed(gas, "impl.IdentityRegistry", ARTIFACTS.identityRegistry(), deployer),
    irsImplementation: await deployed(
      gas,
      "impl.IdentityRegistryStorage",
      ARTIFACTS.identityRegistryStorage(),
      deployer,
    ),
    tirImplementation: await deployed(gas, "impl.TrustedIssuersRegistry", ARTIFACTS.trustedIssuersRegistry(), deployer),
    mcImplementation: await deployed(gas, "impl.ModularCompliance", ARTIFACTS.modularCompliance(), deployer),
  };
  const contracts = Object.fromEntries(
    await Promise.all(Object.entries(implementations).map(async ([key, c]) => [key, await c.getAddress()])),
  ) as Record<keyof typeof implementations, string>;

  // 2. The reference implementation authority, using the version the token implementation reports.
  const version = parseVersion(await implementations.tokenImplementation.getFunction("version").staticCall());
  const implementationAuthority = await deployed(
    gas,
    "TREXImplementationAuthority",
    ARTIFACTS.trexImplementationAuthority(),
    deployer,
    [true, ethers.ZeroAddress, ethers.ZeroAddress],
  );
  await sent(gas, "authority.addAndUseTREXVersion", implementationAuthority.addAndUseTREXVersion(version, contracts));

  // 3. ONCHAINID: identity implementation (library mode: it can never be initialized), its authority, the factory.
  const identityImplementation = await deployed(gas, "oid.Identity", ARTIFACTS.identity(), deployer, [
    await deployer.getAddress(),
    true,
  ]);
  const identityAuthority = await deployed(
    gas,
    "oid.ImplementationAuthority",
    ARTIFACTS.identityAuthority(),
    deployer,
    [await identityImplementation.getAddress()],
  );
  const idFactory = await deployed(gas, "oid.IdFactory", ARTIFACTS.idFactory(), deployer, [
    await identityAuthority.getAddress(),
  ]);

  // 4. The T-REX factory, wired to the IdFactory and to the authority; the authority's IA factory.
  const factory = await deployed(gas, "TREXFactory", ARTIFACTS.trexFactory(), deployer, [
    await implementationAuthority.getAddress(),
    await idFactory.getAddress(),
  ]);
  const factoryAddress = await factory.getAddress();
  await sent(gas, "oid.IdFactory.addTokenFactory", idFactory.addTokenFactory(factoryAddress));
  await sent(gas, "authority.setTREXFactory", implementationAuthority.setTREXFactory(factoryAddress));
  const iaFactory = await deployed(gas, "IAFactory", ARTIFACTS.iaFactory(), deployer, [factoryAddress]);
  await sent(gas, "authority.setIAFactory", implementationAuthority.setIAFactory(await iaFactory.getAddress()));

  // 5. Modules: implementation + ModuleProxy initialized in its constructor; shared by every compliance.
  const modules = {} as Record<TrexModuleName, Contract>;
  for (const name of TREX_MODULES) {
    const artifact = ARTIFACTS.module(name);
    const implementation = await deployed(gas, `module.${name}.implementation`, artifact, deployer);
    const initialize = implementation.interface.encodeFunctionData("initialize", []);
    const proxy = await deployed(gas, `module.${name}.proxy`, ARTIFACTS.moduleProxy(), deployer, [
      await implementation.getAddress(),
      initialize,
    ]);
    modules[name] = new Contract(await proxy.getAddress(), artifact.abi, deployer);
  }

  // 6. The trusted claim issuer and its claim-signing key.
  const claimIssuer = await deployed(gas, "oid.ClaimIssuer", ARTIFACTS.claimIssuer(), options.claimIssuerOwner, [
    await options.claimIssuerOwner.getAddress(),
  ]);
  await sent(
    gas,
    "oid.ClaimIssuer.addKey",
    claimIssuer.addKey(keyOf(await options.claimSigner.getAddress()), CLAIM_KEY_PURPOSE, ECDSA_KEY_TYPE),
  );

  return {
    factory,
    implementationAuthority,
    idFactory,
    claimIssuer,
    claimSigner: options.claimSigner,
    modules,
    version,
    gas,
  };
}

/** "4.1.3" → { major: 4, minor: 1, patch: 3 }. */
function parseVersion(text: string): TrexVersion {
  const parts = text.split(".").map(Number);
  if (parts.length !== 3 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new Error(`T-REX: unexpected token version "${text}"`);
  }
  return { major: parts[0], minor: parts[1], patch: parts[2] };
}

/** An ERC-734 key: keccak256 of the ABI-encoded address. */
function keyOf(address: string): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address"], [address]));
}

export interface TrexSuiteOptions {
  /** CREATE2 salt of the suite's contracts (one suite per salt and factory). */
  salt: string;
  /** Receives ownership of every contract of the suite. */
  owner: string;
  /** Agent of the token and of the identity registry: mints, registers identities, unpauses. */
  agent: Signer;
  name: string;
  symbol: string;
  decimals: number;
  /** Claim topics every investor must hold, all from the infrastructure's claim issuer (≤ 5). */
  claimTopics: bigint[];
  /** CountryAllowModule: ISO 3166-1 numeric codes allowed to receive. */
  allowedCountries: number[];
  /** The modules bound to the suite's compliance, in this order ({@link TREX_MODULES} unless given). */
  modules?: readonly TrexModuleName[];
  /** MaxBalanceModule: maximum balance per investor identity (required when the module is bound). */
  maxBalance?: bigint;
  /** TimeTransfersLimitsModule: what an investor may send within `limitTime` seconds (required when bound). */
  transferLimit?: { limitTime: number; limitValue: bigint };
}

export interface TrexSuite {
  /** The token, connected to the agent. */
  token: Contract;
  /** The identity registry, connected to the agent. */
  identityRegistry: Contract;
  identityRegistryStorage: string;
  trustedIssuersRegistry: string;
  claimTopicsRegistry: string;
  /** The modular compliance (read-only use: its owner is the suite's owner). */
  compliance: Contract;
  claimTopics: bigint[];
  /** The modules bound to the compliance, in binding order. */
  modules: readonly TrexModuleName[];
  /** Gas of every transaction that issues the configured security: `deployTREXSuite`, `unpause`. */
  gas: Record<string, number>;
}

/** Issues one complete configured security through `TREXFactory.deployTREXSuite`, then unpauses it. */
export async function issueTrexSuite(infra: TrexInfrastructure, options: TrexSuiteOptions): Promise<TrexSuite> {
  const gas: GasLedger = {};
  const agent = await options.agent.getAddress();
  const modules = options.modules ?? TREX_MODULES;
  const tokenDetails = {
    owner: options.owner,
    name: options.name,
    symbol: options.symbol,
    decimals: options.decimals,
    irs: ethers.ZeroAddress, // a new identity registry storage for the suite
    ONCHAINID: ethers.ZeroAddress, // the factory creates the token's identity through the IdFactory
    irAgents: [agent],
    tokenAgents: [agent],
    complianceModules: await Promise.all(modules.map((name) => infra.modules[name].getAddress())),
    // One settings call per module, same order as `complianceModules` (the compliance is msg.sender).
    complianceSettings: modules.map((name) => moduleSettings(infra.modules[name], name, options)),
  };
  const claimDetails = {
    claimTopics: options.claimTopics,
    issuers: [await infra.claimIssuer.getAddress()],
    issuerClaims: [options.claimTopics],
  };
  const receipt = await sent(
    gas,
    "deployTREXSuite",
    infra.factory.deployTREXSuite(options.salt, tokenDetails, claimDetails),
  );
  const deployedEvent = receipt.logs
    .map((log) => {
      try {
        return infra.factory.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .find((parsed) => parsed?.name === "TREXSuiteDeployed");
  if (!deployedEvent) throw new Error("T-REX: deployTREXSuite emitted no TREXSuiteDeployed");
  const [tokenAddress, ir, irs, tir, ctr, mc] = deployedEvent.args as unknown as string[];

  const token = new Contract(tokenAddress, ARTIFACTS.token().abi, options.agent);
  await sent(gas, "unpause", token.unpause());
  return {
    token,
    identityRegistry: new Contract(ir, ARTIFACTS.identityRegistry().abi, options.agent),
    identityRegistryStorage: irs,
    trustedIssuersRegistry: tir,
    claimTopicsRegistry: ctr,
    compliance: new Contract(mc, ARTIFACTS.modularCompliance().abi, options.agent),
    claimTopics: options.claimTopics,
    modules,
    gas,
  };
}

/** The call that configures module `name` for a new suite (sent by the compliance through the factory). */
function moduleSettings(module: Contract, name: TrexModuleName, options: TrexSuiteOptions): string {
  switch (name) {
    case "CountryAllowModule":
      return module.interface.encodeFunctionData("batchAllowCountries", [options.allowedCountries]);
    case "MaxBalanceModule":
      if (options.maxBalance === undefined) throw new Error("T-REX: MaxBalanceModule bound without a maxBalance");
      return module.interface.encodeFunctionData("setMaxBalance", [options.maxBalance]);
    case "TimeTransfersLimitsModule":
      if (options.transferLimit === undefined) {
        throw new Error("T-REX: TimeTransfersLimitsModule bound without a transferLimit");
      }
      return module.interface.encodeFunctionData("setTimeTransferLimit", [options.transferLimit]);
  }
}

/** The claim issuer's signature of `(identity, topic, data)`, as ONCHAINID's `ClaimIssuer.isClaimValid` checks it. */
export async function signTrexClaim(
  claimSigner: Signer,
  identity: string,
  topic: bigint,
  data: string,
): Promise<string> {
  const hash = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256", "bytes"], [identity, topic, data]),
  );
  return claimSigner.signMessage(ethers.getBytes(hash));
}

/** Public data of every bench claim: short (one storage slot), which favours the reference's verification cost. */
export const TREX_CLAIM_DATA = ethers.hexlify(ethers.toUtf8Bytes("KYC approved"));

export interface TrexOnboarding {
  /** The investor's ONCHAINID. */
  identity: string;
  /** Gas of `createIdentity`, one `addClaim` per topic, `registerIdentity`. */
  gas: Record<string, number>;
}

/**
 * Onboards an investor wallet: its ONCHAINID from the IdFactory, a claim signed by the trusted issuer for each of
 * `topics` (the suite's by default; pass `[]` for an identity without claims) added by the wallet itself, and
 * its registration with `country` in the suite's identity registry by the agent.
 */
export async function onboardTrexInvestor(
  infra: TrexInfrastructure,
  suite: TrexSuite,
  investor: Signer,
  country: number,
  salt: string,
  topics: bigint[] = suite.claimTopics,
): Promise<TrexOnboarding> {
  const gas: GasLedger = {};
  const wallet = await investor.getAddress();
  await sent(gas, "createIdentity", infra.idFactory.createIdentity(wallet, salt));
  const identity = (await infra.idFactory.getIdentity(wallet)) as string;
  const identityContract = new Contract(identity, ARTIFACTS.identity().abi, investor);
  const issuer = await infra.claimIssuer.getAddress();
  for (const topic of topics) {
    const signature = await signTrexClaim(infra.claimSigner, identity, topic, TREX_CLAIM_DATA);
    await sent(
      gas,
      `addClaim.${topic}`,
      identityContract.addClaim(topic, ECDSA_SCHEME, issuer, signature, TREX_CLAIM_DATA, ""),
    );
  }
  await sent(gas, "registerIdentity", suite.identityRegistry.registerIdentity(wallet, identity, country));
  return { identity, gas };
}

/* BENCH SCENARIO */

/** Settings of the bench suites: shares (0 decimals), one KYC topic, two countries, a daily transfer limit. */
export const TREX_BENCH_SETTINGS = {
  decimals: 0,
  claimTopics: [TREX_KYC_TOPIC],
  allowedCountries: [156, 344],
  maxBalance: 1_000_000n,
  transferLimit: { limitTime: 86_400, limitValue: 1_000_000n },
} as const;

/** A country no bench suite allows (ISO 3166-1 numeric: KP); its investor is verified all the same. */
export const TREX_BENCH_REFUSED_COUNTRY = 408;

/**
 * The like-for-like suites, each measured with the same scenario as the main one (all of {@link TREX_MODULES}):
 * `country` binds CountryAllowModule only (against our eligibility + country allow-list), `countryMaxBalance`
 * CountryAllowModule and MaxBalanceModule (against the same plus our per-investor balance cap). Neither binds
 * TimeTransfersLimitsModule, which has no counterpart on our side.
 */
export const TREX_BENCH_VARIANTS = {
  country: ["CountryAllowModule"],
  countryMaxBalance: ["CountryAllowModule", "MaxBalanceModule"],
} as const satisfies Record<string, readonly TrexModuleName[]>;
export type TrexBenchVariant = keyof typeof TREX_BENCH_VARIANTS;

/** One suite's figures in the bench scenario. */
export interface TrexSuiteBench {
  /** Every transaction issuing the configured security, by step, and their sum. */
  issue: { total: number; steps: Record<string, number> };
  /** A verified investor's first receipt. */
  transferNew: number;
  /** Both parties hold. */
  transferExisting: number;
  /** One investor's identity, claim and registration (the suite's third investor). */
  onboard: { total: number; steps: Record<string, number> };
  /** The modules bound, in binding order. */
  modules: readonly TrexModuleName[];
}

/** `trex.*`: the main suite (every module of {@link TREX_MODULES}), the like-for-like variants, the infrastructure. */
export interface TrexBench extends TrexSuiteBench {
  variants: Record<TrexBenchVariant, TrexSuiteBench>;
  /** The DvD swap through T-REX's DVDTransferManager (see {@link benchTrexDvd}). */
  dvd: TrexDvdBench;
  /** One-time infrastructure, by step, and its sum. */
  infrastructure: { total: number; steps: Record<string, number> };
  version: TrexVersion;
}

/**
 * The bench scenario: infrastructure, then one suite per module set (the main one first, then each of
 * {@link TREX_BENCH_VARIANTS}), each with its own investors (see {@link benchTrexSuite}), then the DvD swap on the
 * `country` suite ({@link benchTrexDvd}) against an ERC-20 made by `erc20` (a factory whose constructor takes the
 * supply minted to the deployer: the bench's OpenZeppelin `PlainERC20`). Every account is a wallet with a fixed
 * key funded by `funder`, so every run sends the same call data.
 */
export async function benchTrex(funder: Signer, erc20: ContractFactory): Promise<TrexBench> {
  const wallet = benchWallets(funder);
  const deployer = await wallet("deployer");
  const claimIssuerOwner = await wallet("claimIssuerOwner");
  const claimSigner = await wallet("claimSigner", false);
  const infra = await deployTrexInfrastructure({ deployer, claimIssuerOwner, claimSigner });
  const main = await benchTrexSuite(infra, wallet, "", TREX_MODULES);
  const variants = {} as Record<TrexBenchVariant, TrexSuiteBench>;
  let dvd: TrexDvdBench | undefined;
  for (const [label, modules] of Object.entries(TREX_BENCH_VARIANTS) as [
    TrexBenchVariant,
    readonly TrexModuleName[],
  ][]) {
    const run = await benchTrexSuite(infra, wallet, label, modules);
    variants[label] = run.bench;
    if (label === TREX_DVD_SUITE) dvd = await benchTrexDvd(deployer, erc20, run);
  }
  return {
    ...main.bench,
    variants,
    dvd: dvd!,
    infrastructure: { total: totalGas(infra.gas), steps: infra.gas },
    version: infra.version,
  };
}

/** The like-for-like suite the DvD swaps (eligibility + country allow-list: CountryAllowModule only). */
export const TREX_DVD_SUITE: TrexBenchVariant = "country";

/** The swap {@link benchTrexDvd} measures: shares the maker delivers, ERC-20 units the taker pays. */
export const TREX_DVD_TRADE = { shares: 1n, price: 100n * 10n ** 18n } as const;

/** `trex.dvd.*`: one swap between two existing holders of both tokens, step by step. */
export interface TrexDvdBench {
  /** The maker's `initiateDVDTransfer` (records both deliveries; moves nothing). */
  initiate: number;
  /** The taker's `takeDVDTransfer`: the settlement (both `transferFrom`s). */
  take: number;
  /** The standing allowances each party granted the manager once, before any swap (not in the sum). */
  approvals: { token: number; erc20: number };
  /** The suite whose token is swapped. */
  suite: TrexBenchVariant;
}

/**
 * T-REX's own DvP: its `DVDTransferManager` (4.1.6, the package's compiled artifact) swapping the suite's token for
 * an ERC-20 between alice and bob of `run`, who both hold both before the measured swap. Setup, not measured: the
 * manager is deployed with no fee for the pair (`modifyFee` never called: our `dvp.settle` has no fee leg either);
 * the ERC-20 is deployed and both parties get some; each party grants the manager a standing allowance once (alice
 * on the token, bob on the ERC-20) — T-REX's manager moves both legs by `transferFrom`, our engine needs none. One
 * warm-up swap runs first (the manager's nonce leaves zero, the allowances are in use), then the measured one:
 * alice (maker) `initiateDVDTransfer(token, 1 share, bob, erc20, price)`, bob (taker) `takeDVDTransfer(id)`, which
 * moves the share to bob and the price to alice. Throws unless the measured swap moved exactly both legs and
 * cleared the transfer.
 */
async function benchTrexDvd(deployer: Signer, erc20Factory: ContractFactory, run: TrexSuiteRun): Promise<TrexDvdBench> {
  const { suite, alice, bob } = run;
  const fail = (what: string) => new Error(`bench setup (T-REX DvD): ${what}`);
  const artifact = ARTIFACTS.dvdTransferManager();
  const manager = (await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy()) as Contract;
  await manager.waitForDeployment();
  const managerAddress = await manager.getAddress();
  const { shares, price } = TREX_DVD_TRADE;
  const erc20 = (await erc20Factory.connect(deployer).deploy(1_000_000n * price)) as Contract;
  await erc20.waitForDeployment();
  const tokenAddress = await suite.token.getAddress();
  const erc20Address = await erc20.getAddress();
  for (const investor of [alice, bob]) await (await erc20.transfer(investor.address, 1_000n * price)).wait();
  const gasOf = async (tx: Promise<ethers.ContractTransactionResponse>) => Number((await (await tx).wait())!.gasUsed);
  const approvals = {
    token: await gasOf((suite.token.connect(alice) as Contract).approve(managerAddress, 100n * shares)),
    erc20: await gasOf((erc20.connect(bob) as Contract).approve(managerAddress, 100n * price)),
  };
  const balances = async () =>
    Promise.all([
      suite.token.balanceOf(alice.address),
      suite.token.balanceOf(bob.address),
      erc20.balanceOf(alice.address),
      erc20.balanceOf(bob.address),
    ]) as Promise<bigint[]>;
  const swap = async () => {
    const initiate = (await (
      await (manager.connect(alice) as Contract).initiateDVDTransfer(
        tokenAddress,
        shares,
        bob.address,
        erc20Address,
        price,
      )
    ).wait())!;
    const initiated = initiate.logs
      .map((log: ethers.Log) => manager.interface.parseLog(log))
      .find((parsed: ethers.LogDescription | null) => parsed?.name === "DVDTransferInitiated");
    if (!initiated) throw fail("initiateDVDTransfer emitted no DVDTransferInitiated");
    const transferId = initiated.args[0] as string;
    const take = await gasOf((manager.connect(bob) as Contract).takeDVDTransfer(transferId));
    const [delivery] = (await manager.token1ToDeliver(transferId)) as [string];
    if (delivery !== ethers.ZeroAddress) throw fail("the executed transfer must be cleared");
    return { initiate: Number(initiate.gasUsed), take };
  };
  await swap(); // warm-up
  const before = await balances();
  if (before.some((balance) => balance === 0n)) throw fail("both parties must hold both tokens before the swap");
  const measured = await swap();
  const after = await balances();
  const expected = [before[0] - shares, before[1] + shares, before[2] + price, before[3] - price];
  if (after.some((balance, i) => balance !== expected[i])) {
    throw fail(`balances ${after.join(", ")} after the swap, expected ${expected.join(", ")}`);
  }
  return { ...measured, approvals, suite: TREX_DVD_SUITE };
}

type BenchWallet = (name: string, fund?: boolean) => Promise<ethers.Wallet>;

/** Wallets with fixed keys (`bench:trex:<name>`), funded with 10 ether by `funder` unless `fund` is false. */
function benchWallets(funder: Signer): BenchWallet {
  const provider = funder.provider!;
  return async (name, fund = true) => {
    const account = new ethers.Wallet(ethers.id(`bench:trex:${name}`), provider);
    if (fund) await (await funder.sendTransaction({ to: account.address, value: ethers.parseEther("10") })).wait();
    return account;
  };
}

/**
 * One suite binding `modules` (settings {@link TREX_BENCH_SETTINGS}), issued by the shared owner and agent, and
 * its investors alice (CN), carol (HK), bob (HK) and dave (KP, verified but not allowed), named with `label`.
 * The agent mints to alice. Before anything is measured the suite must prove its rules are on: the bound
 * modules are exactly `modules`; alice → bob is allowed; a transfer to an unregistered wallet and one to dave
 * are refused; with MaxBalanceModule bound a receipt above the maximum balance is refused (by the compliance
 * for a transfer and by the token for a mint), without it it is allowed. Then alice sends to carol (so a
 * sender's transfer-limit window is already open, as for an investor who trades daily) and the measured
 * transfers follow: alice → bob (bob never held), alice → bob again (both hold).
 */
async function benchTrexSuite(
  infra: TrexInfrastructure,
  wallet: BenchWallet,
  label: string,
  modules: readonly TrexModuleName[],
): Promise<TrexSuiteRun> {
  const name = (who: string) => (label ? `${label}:${who}` : who);
  const owner = await wallet("owner", false);
  const agent = await wallet("agent", !label);
  const [alice, bob, carol, dave] = [
    await wallet(name("alice")),
    await wallet(name("bob")),
    await wallet(name("carol")),
    await wallet(name("dave")),
  ];
  const suite = await issueTrexSuite(infra, {
    ...TREX_BENCH_SETTINGS,
    claimTopics: [...TREX_BENCH_SETTINGS.claimTopics],
    allowedCountries: [...TREX_BENCH_SETTINGS.allowedCountries],
    modules,
    salt: label ? `bench:trex:suite:${label}` : "bench:trex:suite",
    owner: owner.address,
    agent,
    name: "Bench Share",
    symbol: "BSH",
  });
  await onboardTrexInvestor(infra, suite, alice, 156, `bench:trex:${name("alice")}`);
  await onboardTrexInvestor(infra, suite, carol, 344, `bench:trex:${name("carol")}`);
  const onboard = await onboardTrexInvestor(infra, suite, bob, 344, `bench:trex:${name("bob")}`);
  await onboardTrexInvestor(infra, suite, dave, TREX_BENCH_REFUSED_COUNTRY, `bench:trex:${name("dave")}`);
  await (await suite.token.mint(alice.address, 1_000n)).wait();
  await expectTrexRulesOn(infra, suite, { alice, bob, dave });

  const tokenAs = (account: Signer) => suite.token.connect(account) as Contract;
  await (await tokenAs(alice).transfer(carol.address, 1n)).wait();
  if ((await suite.token.balanceOf(bob.address)) !== 0n) throw new Error("bench setup: bob must start with 0");
  const transferGas = async () => Number((await (await tokenAs(alice).transfer(bob.address, 1n)).wait())!.gasUsed);
  const transferNew = await transferGas();
  const transferExisting = await transferGas();
  if ((await suite.token.balanceOf(bob.address)) !== 2n) throw new Error("bench setup: bob must hold 2");
  const bench = {
    issue: { total: totalGas(suite.gas), steps: suite.gas },
    transferNew,
    transferExisting,
    onboard: { total: totalGas(onboard.gas), steps: onboard.gas },
    modules,
  };
  return { bench, suite, alice, bob };
}

/** A measured suite, with its token (connected to the agent) and two of its holding investors. */
interface TrexSuiteRun {
  bench: TrexSuiteBench;
  suite: TrexSuite;
  /** Holds the suite's token (sent to carol and bob). */
  alice: ethers.Wallet;
  /** Holds the suite's token (received twice from alice). */
  bob: ethers.Wallet;
}

/**
 * Throws unless `suite` binds exactly `suite.modules` and each refuses what it should (see {@link benchTrexSuite}):
 * `alice` holds tokens, `bob` is a verified investor in an allowed country, `dave` one in a country not allowed;
 * the suite's token is connected to its agent and its maximum balance, if bound, is at most
 * `TREX_BENCH_SETTINGS.maxBalance`.
 */
export async function expectTrexRulesOn(
  infra: TrexInfrastructure,
  suite: TrexSuite,
  investors: { alice: Signer; bob: Signer; dave: Signer },
): Promise<void> {
  const fail = (what: string) => new Error(`bench setup (T-REX, ${suite.modules.join(" + ")}): ${what}`);
  const bound = (await suite.compliance.getModules()) as string[];
  const expected = await Promise.all(suite.modules.map((name) => infra.modules[name].getAddress()));
  if (bound.join() !== expected.join())
    throw fail(`modules bound ${bound.join(", ")}, expected ${expected.join(", ")}`);
  const [alice, bob, dave] = await Promise.all(
    [investors.alice, investors.bob, investors.dave].map((s) => s.getAddress()),
  );
  const tokenAs = suite.token.connect(investors.alice) as Contract;
  try {
    await tokenAs.transfer.staticCall(bob, 1n);
  } catch (error) {
    throw fail(`alice → bob must be allowed: ${String(error)}`);
  }
  const stranger = ethers.computeAddress(ethers.id("bench:trex:stranger"));
  await expectTrexRevert(
    tokenAs.transfer.staticCall(stranger, 1n),
    "Transfer not possible",
    fail("unregistered recipient"),
  );
  if (!(await suite.identityRegistry.isVerified(dave))) throw fail("dave must be verified");
  await expectTrexRevert(tokenAs.transfer.staticCall(dave, 1n), "Transfer not possible", fail("country not allowed"));
  const above = TREX_BENCH_SETTINGS.maxBalance + 1n;
  const capped = suite.modules.includes("MaxBalanceModule");
  if (((await suite.compliance.canTransfer(alice, bob, above)) as boolean) === capped) {
    throw fail(`a receipt above the maximum balance must be ${capped ? "refused" : "allowed (no cap bound)"}`);
  }
  if (capped) {
    await expectTrexRevert(
      suite.token.mint.staticCall(bob, above),
      "Compliance not followed",
      fail("mint above the maximum balance"),
    );
  }
}

/** Resolves if `call` reverts with `reason`; otherwise rejects with `failure`. */
async function expectTrexRevert(call: Promise<unknown>, reason: string, failure: Error): Promise<void> {
  try {
    await call;
  } catch (error) {
    // ethers decodes the reason (`reason`); Hardhat's in-process provider may only quote it in the message.
    const { reason: decoded, message } = error as { reason?: string; message?: string };
    if (decoded === reason || message?.includes(`reason string '${reason}'`)) return;
    failure.message += ` must revert with "${reason}": ${String(error)}`;
    throw failure;
  }
  failure.message += ` must revert with "${reason}"`;
  throw failure;
}
