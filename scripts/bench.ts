/**
 * `npm run bench`: gas and throughput, side by side in one run on the embedded Hardhat network (hardfork cancun).
 * Prints a table and writes bench/results.json (`{ gas: { id: number }, throughput: { id: number } }`) and
 * bench/results.md. Gas figures are `gasUsed` of a real transaction unless the id's note says otherwise;
 * throughput figures are operations per second measured on this machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployments, ethers, getNamedAccounts } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import type { Compliance, IdentityRegistry, MemberRegistry } from "../typechain-types";
import { memberKindRoles, Role } from "../config/roles";
import { Claim, claimsOf } from "../sdk/claims";

interface Row {
  id: string;
  kind: "gas" | "throughput";
  value: number;
  unit: string;
  note: string;
}
const rows: Row[] = [];
const YEAR = 365 * 24 * 3_600;

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
  const [deployer, governor, kyc, regulator] = await Promise.all(
    ["deployer", "governor", "kycProvider", "regulator"].map(signer),
  );
  const at = async <T>(name: string) =>
    (await ethers.getContractAt(name, (await deployments.get(name)).address)) as unknown as T;
  const members = await at<MemberRegistry>("MemberRegistry");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
  const compliance = await at<Compliance>("Compliance");
  await (await members.connect(governor).admitMember(kyc.address, 5, "KYC", ethers.id("kyc"))).wait();
  await (await members.connect(governor).grantMemberRole(kyc.address, Role.KYC_PROVIDER, 0)).wait();
  await (await members.connect(governor).admitMember(regulator.address, 7, "Regulator", ethers.id("reg"))).wait();
  for (const role of memberKindRoles.Regulator) {
    await (await members.connect(governor).grantMemberRole(regulator.address, Role[role], 0)).wait();
  }

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

  report();
}

function expectAllowed(allowed: boolean): void {
  if (!allowed) throw new Error("bench setup: the measured transfer must be allowed");
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
  ];
  writeFileSync(join(dir, "results.md"), lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
