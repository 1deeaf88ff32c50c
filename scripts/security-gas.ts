/**
 * `npx hardhat run scripts/security-gas.ts`: gas of security-token transfers (SecurityTokenMock behind an
 * ERC-1967 proxy) with the bench's rules on — eligibility, a country allow-list, an investor cap and a lock-up
 * (ended) — beside a plain OpenZeppelin ERC-20. A quick measurement for the core's engineer; `npm run bench`
 * is the reference.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { Country, mintTo, registerInvestor, securityFixture } from "../test/fixtures/security";

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

/** With TRACE set: each call frame of `hash` with the gas it cost, and the transaction's SLOAD/SSTORE count. */
async function trace(label: string, hash: string): Promise<void> {
  if (!process.env.TRACE) return;
  const result = await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: false },
  ]);
  const logs = result.structLogs as { op: string; gas: number; depth: number; stack?: string[] }[];
  console.log(label);
  for (let i = 0; i < logs.length; i++) {
    if (!["CALL", "STATICCALL", "DELEGATECALL"].includes(logs[i].op)) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== logs[i].depth) j++;
    const to = logs[i].stack ? logs[i].stack![logs[i].stack!.length - 2] : "?";
    console.log(
      `${"  ".repeat(logs[i].depth)}${logs[i].op} to …${to.slice(-6)} costs ${logs[i].gas - (logs[j]?.gas ?? 0)}`,
    );
  }
  const count = (op: string) => logs.filter((l) => l.op === op).length;
  if (process.env.TRACE === "ops") {
    const heavy = new Set(["SLOAD", "SSTORE", "CALL", "STATICCALL", "DELEGATECALL", "LOG1", "LOG2", "LOG3", "LOG4"]);
    const byDepth: Record<number, number> = {};
    for (let i = 0; i + 1 < logs.length; i++) {
      if (heavy.has(logs[i].op) || logs[i + 1].depth !== logs[i].depth) continue;
      byDepth[logs[i].depth] = (byDepth[logs[i].depth] ?? 0) + logs[i].gas - logs[i + 1].gas;
    }
    console.log("  execution gas by depth (storage, calls and logs excluded):", byDepth);
    const ops: Record<string, number> = {};
    for (let i = 0; i + 1 < logs.length; i++) {
      if (logs[i].depth !== 2 || heavy.has(logs[i].op) || logs[i + 1].depth !== 2) continue;
      ops[logs[i].op] = (ops[logs[i].op] ?? 0) + logs[i].gas - logs[i + 1].gas;
    }
    console.log(
      "  depth 2 by opcode:",
      Object.entries(ops)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 14),
    );
  }
  console.log(`  SLOAD ${count("SLOAD")}, SSTORE ${count("SSTORE")}, steps ${logs.length}`);
}

async function main(): Promise<void> {
  const erc20 = await ethers.deployContract("PlainERC20", [10n ** 30n]);
  const holder = ethers.Wallet.createRandom().address;
  const erc20New = await gasOf(erc20.transfer(holder, 1n));
  const erc20Existing = await gasOf(erc20.transfer(holder, 1n));

  const now = await time.latest();
  const world = await securityFixture({
    rules: { countryAllowList: true, maxInvestors: Number(process.env.CAP ?? 1_000), lockupUntil: now + 60 },
  })();
  const { contracts, accounts } = world;
  const token = contracts.token;
  const asset = await token.getAddress();
  await contracts.compliance
    .connect(accounts.regulator)
    .setCountriesAllowed(asset, [Country.US, Country.DE, Country.FR], true);
  await time.increase(120);
  const wallets = Array.from({ length: 4 }, () => ethers.Wallet.createRandom().address);
  await registerInvestor(world, "fresh", [wallets[0]]);
  await registerInvestor(world, "fresh2", [wallets[1]]);
  await mintTo(world, { [accounts.alice.address]: 1_000_000n, [accounts.bob.address]: 1_000n });
  const alice = token.connect(accounts.alice);
  // Warm-up: both parties have transferred once (memos stored where the pipeline returns them).
  await gasOf(alice.transfer(accounts.bob.address, 1n));
  const existingTx = await alice.transfer(accounts.bob.address, 1n);
  const existing = await gasOf(Promise.resolve(existingTx));
  await trace("existing", existingTx.hash);
  const newHolderTx = await alice.transfer(wallets[0], 1n);
  const newHolder = await gasOf(Promise.resolve(newHolderTx));
  await trace("new holder", newHolderTx.hash);
  const mint = await gasOf(token.connect(accounts.agent).mint(wallets[1], 1n));
  const snapshot = await gasOf(token.connect(accounts.agent).snapshot());
  const afterSnapshot = await gasOf(alice.transfer(accounts.bob.address, 1n));
  const afterSnapshotAgain = await gasOf(alice.transfer(accounts.bob.address, 1n));

  const rows: [string, number, number][] = [
    ["erc20.transfer.new", erc20New, erc20New],
    ["erc20.transfer.existing", erc20Existing, erc20Existing],
    ["security.transfer.existing", existing, erc20Existing],
    ["security.transfer.new", newHolder, erc20New],
    ["security.mint (new holder, agent)", mint, erc20New],
    ["security.snapshot", snapshot, erc20Existing],
    ["security.transfer.existing, first after a snapshot", afterSnapshot, erc20Existing],
    ["security.transfer.existing, second after a snapshot", afterSnapshotAgain, erc20Existing],
  ];
  for (const [id, gas, base] of rows)
    console.log(`${id.padEnd(54)} ${String(gas).padStart(8)}  ${(gas / base).toFixed(3)} ×`);
  console.log(`targets: existing ≤ ${Math.floor(erc20Existing * 1.6)}, new ≤ ${Math.floor(erc20New * 1.6)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
