/**
 * A batch net settlement world on the real deployment (issue 19): the caller has run `deployments.fixture(["core"])`
 * (as bench.ts and demo.ts do); `buildNetWorld` adds N participants, M Equity tokens issued through the deployed
 * AssetFactory, the deployed aUSD coin, every participant funded, and the clearer's tables (participants,
 * instruments) registered with the settlement engine's net module. Used by `npm run bench` (scripts/lib/netBench.ts)
 * and `npm run bench:day`.
 *
 * Participants are wallets verified in the IdentityRegistry (HK, KYC + AML + PROFESSIONAL): eligible holders of
 * the coin (policy `Eligible`) and of the securities alike. Member-level participants stand for clearing members'
 * house or omnibus accounts: a seat in the MemberRegistry grants roles, not the right to hold, so they take the
 * registry path every holder takes. Instrument `i` is Equity token `i` against aUSD: each instrument has its own
 * token, so a position is (participant, token) as the issue means. The Equities are issued with eligibility (the
 * KYC + AML baseline and a required PROFESSIONAL claim) and a country allow-list (CN, HK), no investor cap and no
 * lock-up (the bench's `….country` setting). Setup-only shortcuts: ether balances by `hardhat_setBalance`, the
 * block gas limit raised, the agent impersonated; every token operation is a real, checked transaction.
 */
import { deployments, ethers, getNamedAccounts, network } from "hardhat";
import type { Signer } from "ethers";
import type {
  AccessManager,
  AssetFactory,
  IdentityRegistry,
  INetSettlement,
  ISecurityToken,
  MemberRegistry,
  Settlement,
  SettlementCoin,
} from "../../typechain-types";
import { coinIssuerRoles, memberKindRoles, Role, type RoleName } from "../../config/roles";
import { grantMemberRoles, seatMember } from "./members";
import { Claim, claimsOf } from "../../sdk/claims";
import { assetRules } from "../../sdk/rules";
import { instrumentCode, ProductType } from "../../sdk/assets";
import { encodeEquityTerms } from "../../sdk/products/equity";
import { signClearingConsent, type Instrument } from "../../sdk/netting";

/** ISO 3166-1 numeric codes: the Equities allow CN and HK; participants are HK investors. */
const CHINA = 156;
const HONG_KONG = 344;
const TEN_YEARS = 10 * 365 * 86_400;
/** Block gas limit while building (setup only: batched registrations and mints). */
const SETUP_BLOCK_GAS_LIMIT = 1_000_000_000;

export interface NetWorldOptions {
  /** Participants (wallets) in the clearer's table. */
  participants: number;
  /** Instruments: one Equity each, against aUSD. */
  instruments: number;
  /** Seed of the wallets' keys and the tokens' codes: the same seed, the same addresses (default 1). */
  seed?: number;
  /** Token units of every Equity issued to every participant (default 10^12). */
  securityUnits?: bigint;
  /** aUSD units (6 decimals) minted to every participant (default 10^17: 100 billion aUSD). */
  coinUnits?: bigint;
  /** Token units a lot (default 100 shares). */
  lotSize?: bigint;
  /** aUSD units a price tick per lot (default 10^6: 0.01 aUSD a share × 100 shares). */
  tickSize?: bigint;
  /**
   * Whether participant `p` holds Equity `i` (both 0-based in this world) before any batch, i.e. is issued
   * `securityUnits` of it (default: every participant every Equity). Minting is the setup's slow part (≈ 4 ms a
   * position on the embedded network): a bench funds the positions its trades touch.
   */
  holds?: (participant: number, instrument: number) => boolean;
  /** Progress lines (default none). */
  log?: (line: string) => void;
}

export interface NetWorld {
  /** The settlement engine (the net module is served at its address). */
  engine: string;
  /** INetSettlement at the engine, connected as the clearer. */
  net: INetSettlement;
  /** The clearer: a seated Exchange member (CLEARING_MEMBER). */
  clearer: Signer;
  clearerAddress: string;
  /** The deployed aUSD coin. */
  coin: SettlementCoin;
  coinAddress: string;
  /** The Equity tokens, by instrument (token `i` is instrument `firstInstrument + i`). */
  tokens: string[];
  /** The participants' wallets (wallet `p` is participant `firstParticipant + p`). */
  wallets: string[];
  /**
   * The clearer's instrument table as the SDK takes it (`InstrumentTable`), indexed by table index: entries
   * below `firstInstrument` (an earlier world's) are those instruments too.
   */
  instruments: Instrument[];
  /** Table index of this world's first participant / instrument (0 unless the clearer already had tables). */
  firstParticipant: number;
  firstInstrument: number;
  /** Units issued of Equity `i` to participant `p` where `holds(p, i)` (world-relative), and of aUSD to each. */
  holds: (participant: number, instrument: number) => boolean;
  securityUnits: bigint;
  coinUnits: bigint;
  /** Seconds each setup step took (`issue` is the M Equities through the factory). */
  seconds: Record<string, number>;
}

async function at<T>(name: string, deployment = name): Promise<T> {
  return (await ethers.getContractAt(name, (await deployments.get(deployment)).address)) as unknown as T;
}

/** `items` in chunks of `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sends `count` transactions `send(i)` with at most `inFlight` unconfirmed at a time; waits for every receipt. */
async function pipelined(count: number, inFlight: number, send: (i: number) => Promise<{ wait(): Promise<unknown> }>) {
  for (let start = 0; start < count; start += inFlight) {
    const sent = [];
    for (let i = start; i < Math.min(count, start + inFlight); i++) sent.push(await send(i));
    await Promise.all(sent.map((tx) => tx.wait()));
  }
}

/** A wallet of key `keccak256(tag)` with ether for gas (setup: `hardhat_setBalance`; anvil knows it too). */
async function funded(tag: string): Promise<Signer> {
  const wallet = new ethers.Wallet(ethers.id(tag), ethers.provider);
  await network.provider.send("hardhat_setBalance", [wallet.address, "0x" + (10n ** 24n).toString(16)]);
  return wallet;
}

/** Seats `account` as a member of `kind` with `roles` unless it is active already; then grants missing `roles`. */
async function ensureMember(
  registry: MemberRegistry,
  authority: AccessManager,
  account: string,
  kind: "Exchange" | "Issuer" | "KycProvider" | "Custodian",
  roles: RoleName[],
): Promise<void> {
  if (!(await registry.isActiveMember(account))) {
    await seatMember(registry, account, kind, `Net ${kind}`, { roles });
    return;
  }
  const missing: RoleName[] = [];
  for (const role of roles) if (!(await authority.hasRole(Role[role], account))[0]) missing.push(role);
  if (missing.length > 0) await grantMemberRoles(registry, account, missing);
}

/**
 * Builds the world (see the file's comment). Idempotent about the actors (the named KYC provider, issuer,
 * custodian and exchange are seated only if they are not yet); each call adds fresh participants, Equities and
 * table entries.
 */
export async function buildNetWorld(options: NetWorldOptions): Promise<NetWorld> {
  const {
    participants,
    instruments,
    seed = 1,
    securityUnits = 10n ** 12n,
    coinUnits = 10n ** 17n,
    lotSize = 100n,
    tickSize = 10n ** 6n,
    holds = () => true,
    log = () => undefined,
  } = options;
  if (participants < 2 || instruments < 1) throw new RangeError("buildNetWorld: ≥ 2 participants and ≥ 1 instrument");
  const seconds: Record<string, number> = {};
  let started = performance.now();
  const lap = (step: string) => {
    seconds[step] = Math.round((performance.now() - started) / 10) / 100;
    log(`netWorld: ${step} ${seconds[step]} s`);
    started = performance.now();
  };
  await network.provider.send("evm_setBlockGasLimit", ["0x" + SETUP_BLOCK_GAS_LIMIT.toString(16)]);
  const named = await getNamedAccounts();
  const signer = (name: string) => ethers.getSigner(named[name]);
  const [governor, kyc, issuer, custodian, clearer] = await Promise.all(
    ["governor", "kycProvider", "issuer", "custodian", "exchange"].map(signer),
  );
  const authority = await at<AccessManager>("AccessManager", "AllianceAuthority");
  const members = (await at<MemberRegistry>("MemberRegistry")).connect(governor);
  const identity = (await at<IdentityRegistry>("IdentityRegistry")).connect(kyc);
  const factory = (await at<AssetFactory>("AssetFactory")).connect(issuer);
  const engine = await at<Settlement>("Settlement");
  const engineAddress = await engine.getAddress();
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD");
  const coinAddress = await coin.getAddress();
  const net = (await ethers.getContractAt("INetSettlement", engineAddress, clearer)) as unknown as INetSettlement;

  // Actors: the KYC provider, the issuer (also aUSD's master minter and minter), the custodian, the clearer.
  await ensureMember(members, authority, kyc.address, "KycProvider", memberKindRoles.KycProvider);
  await ensureMember(members, authority, issuer.address, "Issuer", [...memberKindRoles.Issuer, ...coinIssuerRoles]);
  await ensureMember(members, authority, custodian.address, "Custodian", memberKindRoles.Custodian);
  await ensureMember(members, authority, clearer.address, "Exchange", memberKindRoles.Exchange);
  if (!(await engine.isCoin(coinAddress))) await (await engine.connect(governor).setCoin(coinAddress, true)).wait();
  lap("actors");

  // Participants: verified investors, 250 a registration.
  // Keyed wallets: each signs its consent to the clearer (`addParticipants`), nothing else.
  const keys = Array.from({ length: participants }, (_, i) => ethers.id(`net:${seed}:participant:${i}`));
  const wallets = keys.map((key) => ethers.computeAddress(key));
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  const claims = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
  for (const [c, part] of chunks(wallets, 250).entries()) {
    const investors = part.map((wallet, i) => ({
      investor: ethers.id(`net:${seed}:investor:${c * 250 + i}`),
      country: HONG_KONG,
      claims,
      expiry: now + TEN_YEARS,
      wallets: [wallet],
    }));
    await (await identity.registerInvestors(investors, { gasLimit: 200_000_000 })).wait();
  }
  lap("register");

  // aUSD: reserves attested above the supply to come, the issuer's allowance covers every participant.
  const needed = coinUnits * BigInt(participants);
  const configure = coin.interface.encodeFunctionData("configureMinter", [
    issuer.address,
    (await coin.minterAllowance(issuer.address)) + needed,
  ]);
  const [, delay] = await authority.canCall(issuer.address, coinAddress, configure.slice(0, 10));
  if (delay > 0n) {
    await (await authority.connect(issuer).schedule(coinAddress, configure, 0)).wait();
    await network.provider.send("evm_increaseTime", [Number(delay)]);
    await network.provider.send("evm_mine", []);
    await (await authority.connect(issuer).execute(coinAddress, configure)).wait();
  } else {
    await (await issuer.sendTransaction({ to: coinAddress, data: configure })).wait();
  }
  const asOf = (await ethers.provider.getBlock("latest"))!.timestamp;
  const reserves = (await coin.totalSupply()) + needed;
  await (
    await coin.connect(custodian).attestReserves(reserves, asOf, ethers.id(`net:${seed}:reserves:${asOf}`))
  ).wait();
  const minter = coin.connect(issuer);
  await pipelined(participants, 64, (i) => minter.mint(wallets[i], coinUnits, { gasLimit: 500_000 }));
  lap("coin");

  // Equities through the factory, then an agent mints to every participant (batchMint, 250 a transaction).
  const agent = await funded(`net:${seed}:agent`);
  const agentAddress = await agent.getAddress();
  const base = Number(await factory.assetCount());
  const tokens: string[] = [];
  for (let i = 0; i < instruments; i++) {
    const serial = base + i;
    const request = {
      productType: ProductType.Equity,
      instrument: {
        name: `Net Holdings ${serial} Ordinary Shares`,
        symbol: `NH${serial}`,
        decimals: 0,
        securityCode: instrumentCode(String(800_000 + serial)),
        isin: instrumentCode(`CNE2${String(serial).padStart(8, "0")}`),
        jurisdiction: CHINA,
        issuer: ethers.ZeroAddress,
      },
      documents: [],
      terms: encodeEquityTerms({ settlementCoin: coinAddress, shareClass: "ORDINARY", minClaimPeriod: 7 * 86_400 }),
      agents: [agentAddress],
      administrators: [],
      compliance: {
        rules: assetRules({ requiredClaims: claimsOf([Claim.PROFESSIONAL]), countryAllowList: true }),
        allowedCountries: [CHINA, HONG_KONG],
        blockedCountries: [],
        maxBalance: 0n,
      },
    };
    const receipt = (await (await factory.issue(request)).wait())!;
    const issued = receipt.logs
      .map((entry) => factory.interface.parseLog(entry))
      .find((event) => event?.name === "AssetIssued");
    if (!issued) throw new Error(`buildNetWorld: no AssetIssued event for Equity ${serial}`);
    tokens.push(issued.args.asset as string);
  }
  lap("issue");
  const calls: { token: ISecurityToken; part: string[] }[] = [];
  for (const [i, token] of tokens.entries()) {
    const security = (await ethers.getContractAt("ISecurityToken", token, agent)) as unknown as ISecurityToken;
    const holders = wallets.filter((_, p) => holds(p, i));
    for (const part of chunks(holders, 250)) calls.push({ token: security, part });
  }
  await pipelined(calls.length, 16, (i) =>
    calls[i].token.batchMint(
      calls[i].part,
      calls[i].part.map(() => securityUnits),
      { gasLimit: 100_000_000 },
    ),
  );
  lap("mint");

  // The clearer's tables.
  const firstParticipant = Number(await net.participantCount(clearer.address));
  const deadline = (await ethers.provider.getBlock("latest"))!.timestamp + 86_400;
  const consents: string[] = [];
  for (const key of keys) {
    const signer = new ethers.Wallet(key, ethers.provider);
    consents.push(await signClearingConsent(signer, engineAddress, clearer.address, deadline));
  }
  for (const [c, part] of chunks(wallets, 500).entries()) {
    const signatures = consents.slice(c * 500, c * 500 + part.length);
    const deadlines = part.map(() => deadline);
    await (await net.addParticipants(part, deadlines, signatures, { gasLimit: 200_000_000 })).wait();
  }
  const firstInstrument = Number(await net.instrumentCount(clearer.address));
  const table: Instrument[] = [];
  for (let i = 0; i < firstInstrument; i++) {
    const entry = await net.instrumentOf(clearer.address, i);
    table.push({ token: entry.token, coin: entry.coin, lotSize: entry.lotSize, tickSize: entry.tickSize });
  }
  await pipelined(tokens.length, 32, (i) => net.addInstrument(tokens[i], coinAddress, lotSize, tickSize));
  for (const token of tokens) table.push({ token, coin: coinAddress, lotSize, tickSize });
  lap("tables");

  return {
    engine: engineAddress,
    net,
    clearer,
    clearerAddress: clearer.address,
    coin,
    coinAddress,
    tokens,
    wallets,
    instruments: table,
    firstParticipant,
    firstInstrument,
    holds,
    securityUnits,
    coinUnits,
    seconds,
  };
}
