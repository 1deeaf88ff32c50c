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
  if (process.env.TRACE) {
    const trace = await ethers.provider.send("debug_traceTransaction", [
      existingTx.hash,
      { disableStorage: true, disableMemory: true, disableStack: false },
    ]);
    const logs = trace.structLogs as { op: string; gas: number; depth: number; stack?: string[] }[];
    for (let i = 0; i < logs.length; i++) {
      const op = logs[i].op;
      if (!["CALL", "STATICCALL", "DELEGATECALL"].includes(op)) continue;
      let j = i + 1;
      while (j < logs.length && logs[j].depth !== logs[i].depth) j++;
      const to = logs[i].stack ? logs[i].stack![logs[i].stack!.length - 2] : "?";
      console.log(`${"  ".repeat(logs[i].depth)}${op} to ${to.slice(-8)} costs ${logs[i].gas - (logs[j]?.gas ?? 0)}`);
    }
    const counts: Record<string, number> = {};
    for (const l of logs) if (l.depth === 2) counts[l.op] = (counts[l.op] ?? 0) + 1;
    console.log(
      "SLOAD/SSTORE at depth 2:",
      counts.SLOAD,
      counts.SSTORE,
      "steps",
      logs.filter((l) => l.depth === 2).length,
    );
  }
  const newHolder = await gasOf(alice.transfer(wallets[0], 1n));
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
