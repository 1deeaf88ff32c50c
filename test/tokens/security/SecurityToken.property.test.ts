import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";
import { extraSigner, registerInvestor, securityFixture, type SecurityWorld } from "../../fixtures/security";

const baseFixture = securityFixture();
const REPLACEMENTS = 6;

interface PropertyWorld {
  world: SecurityWorld;
  /** Every wallet that may ever hold, with the signer that sends from it. */
  wallets: HardhatEthersSigner[];
  /** The investor label of each wallet at the start (replacements: none). */
  investorOf: Map<string, string | null>;
  replacements: HardhatEthersSigner[];
}

/**
 * The security fixture plus erin, an investor with two wallets of her own, and unregistered replacement wallets
 * for recoveries.
 */
async function propertyFixture(): Promise<PropertyWorld> {
  const world = await loadFixture(baseFixture);
  const { alice, aliceSecond, bob, carol } = world.accounts;
  const erin = [await extraSigner("erin 1"), await extraSigner("erin 2")];
  await registerInvestor(
    world,
    "erin",
    erin.map((w) => w.address),
  );
  const replacements = await Promise.all(
    Array.from({ length: REPLACEMENTS }, (_, i) => extraSigner(`replacement ${i}`)),
  );
  const wallets = [alice, aliceSecond, bob, carol, ...erin, ...replacements];
  const investorOf = new Map<string, string | null>([
    [alice.address, "alice"],
    [aliceSecond.address, "alice"],
    [bob.address, "bob"],
    [carol.address, "carol"],
    [erin[0].address, "erin"],
    [erin[1].address, "erin"],
    ...replacements.map((r) => [r.address, null] as [string, null]),
  ]);
  return { world, wallets, investorOf, replacements };
}

type Op =
  | { kind: "mint"; to: number; amount: bigint }
  | { kind: "transfer"; from: number; to: number; share: number }
  | { kind: "forced"; from: number; to: number; share: number }
  | { kind: "burn"; from: number; share: number }
  | { kind: "recover"; from: number }
  | { kind: "snapshot" };

const HOLDERS = 6; // the first six wallets are registered at the start; replacements join by recovery

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("mint" as const),
    to: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    amount: fc.bigInt({ min: 0n, max: 1_000n }),
  }),
  fc.record({
    kind: fc.constant("transfer" as const),
    from: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    to: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    share: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant("forced" as const),
    from: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    to: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    share: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant("burn" as const),
    from: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }),
    share: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ kind: fc.constant("recover" as const), from: fc.nat({ max: HOLDERS + REPLACEMENTS - 1 }) }),
  fc.record({ kind: fc.constant("snapshot" as const) }),
);

/**
 * Invariants T1–T3 on random sequences of mints, transfers, forced transfers, burns, wallet recoveries and
 * snapshots, against a TypeScript model: Σ balances = supply; the holder count equals the investors with a
 * non-zero balance and the holding-wallet count the wallets with one; every snapshot's balances and supply equal
 * the model's copy taken with it.
 */
describe("SecurityToken (property)", function () {
  it("keeps supply = Σ balances, the register counts and every snapshot equal to a model", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 4, maxLength: 14 }), async (ops) => {
        const { world, wallets, replacements } = await loadFixture(propertyFixture);
        const investorOf = new Map((await loadFixture(propertyFixture)).investorOf);
        const token = world.contracts.token;
        const agent = token.connect(world.accounts.agent);
        const identity = world.contracts.identity.connect(world.accounts.kycProvider);
        const balances = new Map<string, bigint>(wallets.map((w) => [w.address, 0n]));
        const snapshots: { balances: Map<string, bigint>; supply: bigint }[] = [];
        let nextReplacement = 0;
        const supply = () => [...balances.values()].reduce((a, b) => a + b, 0n);
        const amountOf = (holder: string, share: number) => (balances.get(holder)! * BigInt(share)) / 100n;

        for (const op of ops) {
          if (op.kind === "mint") {
            const to = wallets[op.to].address;
            if (!investorOf.get(to)) continue;
            await agent.mint(to, op.amount);
            balances.set(to, balances.get(to)! + op.amount);
          } else if (op.kind === "transfer" || op.kind === "forced") {
            const [from, to] = [wallets[op.from], wallets[op.to]];
            if (!investorOf.get(from.address) || !investorOf.get(to.address)) continue;
            const amount = amountOf(from.address, op.share);
            if (op.kind === "transfer") await token.connect(from).transfer(to.address, amount);
            else await agent.forcedTransfer(from.address, to.address, amount);
            balances.set(from.address, balances.get(from.address)! - amount);
            balances.set(to.address, balances.get(to.address)! + amount);
          } else if (op.kind === "burn") {
            const from = wallets[op.from].address;
            const amount = amountOf(from, op.share);
            await agent.burn(from, amount);
            balances.set(from, balances.get(from)! - amount);
          } else if (op.kind === "recover") {
            const lost = wallets[op.from].address;
            const investor = investorOf.get(lost);
            if (!investor || balances.get(lost) === 0n || nextReplacement === replacements.length) continue;
            const fresh = replacements[nextReplacement++].address;
            await identity.recoverWallet(lost, fresh);
            await agent.recoveryAddress(lost, fresh, ethers.ZeroAddress);
            investorOf.set(fresh, investor);
            investorOf.set(lost, null);
            balances.set(fresh, balances.get(lost)!);
            balances.set(lost, 0n);
          } else {
            await agent.snapshot();
            snapshots.push({ balances: new Map(balances), supply: supply() });
          }

          // T1 and T2 after every operation.
          expect(await token.totalSupply(), "T1 supply").to.equal(supply());
          const holding = [...balances.entries()].filter(([, balance]) => balance > 0n);
          const holdingInvestors = new Set(holding.map(([wallet]) => investorOf.get(wallet)));
          expect(await token.holdingWalletCount(), "T2 wallets").to.equal(BigInt(holding.length));
          expect(await token.holderCount(), `T2 investors after ${op.kind}`).to.equal(BigInt(holdingInvestors.size));
        }

        for (const wallet of wallets) {
          expect(await token.balanceOf(wallet.address), "balance").to.equal(balances.get(wallet.address));
        }
        // T3 for every snapshot taken.
        for (let i = 0; i < snapshots.length; i++) {
          const id = i + 1;
          expect(await token.totalSupplyAt(id), `supply at ${id}`).to.equal(snapshots[i].supply);
          for (const wallet of wallets) {
            expect(await token.balanceOfAt(wallet.address, id), `balance at ${id}`).to.equal(
              snapshots[i].balances.get(wallet.address),
            );
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});

type WorldOp =
  | { kind: "mint"; to: number; amount: bigint }
  | { kind: "transfer"; from: number; to: number; share: number }
  | { kind: "forced"; from: number; to: number; share: number }
  | { kind: "burn"; from: number; share: number }
  | { kind: "recoveryAddress"; from: number; to: number }
  | { kind: "removeInvestor"; wallet: number }
  | { kind: "removeWallet"; wallet: number }
  | { kind: "recoverWallet"; wallet: number; fresh: number; follow: boolean }
  | { kind: "addWallet"; wallet: number; fresh: number }
  | { kind: "register"; fresh: number };

const POOL = 10; // alice, aliceSecond, bob, carol and six wallets that start unregistered
const poolIndex = fc.nat({ max: POOL - 1 });
const share = fc.integer({ min: 0, max: 100 });
const worldOpArbitrary: fc.Arbitrary<WorldOp> = fc.oneof(
  fc.record({ kind: fc.constant("mint" as const), to: poolIndex, amount: fc.bigInt({ min: 1n, max: 1_000n }) }),
  fc.record({ kind: fc.constant("transfer" as const), from: poolIndex, to: poolIndex, share }),
  fc.record({ kind: fc.constant("forced" as const), from: poolIndex, to: poolIndex, share }),
  fc.record({ kind: fc.constant("burn" as const), from: poolIndex, share }),
  fc.record({ kind: fc.constant("recoveryAddress" as const), from: poolIndex, to: poolIndex }),
  fc.record({ kind: fc.constant("removeInvestor" as const), wallet: poolIndex }),
  fc.record({ kind: fc.constant("removeWallet" as const), wallet: poolIndex }),
  fc.record({ kind: fc.constant("recoverWallet" as const), wallet: poolIndex, fresh: poolIndex, follow: fc.boolean() }),
  fc.record({ kind: fc.constant("addWallet" as const), wallet: poolIndex, fresh: poolIndex }),
  fc.record({ kind: fc.constant("register" as const), fresh: poolIndex }),
);

/** Runs `action`; false when it reverts (the operation was not possible in this state: the model skips it). */
async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch {
    return false;
  }
}

/**
 * T2 while the registry changes around the token: random registry changes (remove an investor, remove a wallet,
 * recover a wallet with or without the token's `recoveryAddress`, add a wallet, register a wallet anew) between
 * token operations (mint, transfer, forced transfer, burn, recoveryAddress). The model is the token's own record:
 * each wallet caches the registry's investor index when its balance leaves zero; the holder count is the number of
 * distinct non-zero indexes cached by holding wallets (an index-0 wallet an investor of its own), the
 * holding-wallet count the holding wallets, and `investorBalanceOf` the balances held under a wallet's index.
 */
describe("SecurityToken (property, registry changes)", function () {
  async function poolFixture() {
    const world = await loadFixture(baseFixture);
    const { alice, aliceSecond, bob, carol } = world.accounts;
    const extra = await Promise.all(Array.from({ length: POOL - 4 }, (_, i) => extraSigner(`pool ${i}`)));
    return { world, wallets: [alice, aliceSecond, bob, carol, ...extra] };
  }

  it("keeps holderCount, holdingWalletCount and investorBalanceOf equal to the token's records", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(worldOpArbitrary, { minLength: 6, maxLength: 18 }), async (ops) => {
        const { world, wallets } = await loadFixture(poolFixture);
        const token = world.contracts.token;
        const agent = token.connect(world.accounts.agent);
        const identity = world.contracts.identity.connect(world.accounts.kycProvider);
        const addresses = wallets.map((w) => w.address);
        const balances = new Map<string, bigint>(addresses.map((a) => [a, 0n]));
        const cached = new Map<string, bigint>(addresses.map((a) => [a, 0n]));
        let registrations = 0;
        const indexOf = async (wallet: string) => (await identity.eligibilityOf(wallet)) & 0xffffffffn;
        const amountOf = (holder: string, part: number) => (balances.get(holder)! * BigInt(part)) / 100n;

        for (const op of ops) {
          // The registry's index of every wallet before the operation: what a wallet starting to hold caches.
          const before = new Map<string, bigint>();
          for (const a of addresses) before.set(a, await indexOf(a));
          const move = (from: string | null, to: string | null, amount: bigint) => {
            if (from) balances.set(from, balances.get(from)! - amount);
            if (to) {
              if (balances.get(to) === 0n && amount !== 0n) cached.set(to, before.get(to)!);
              balances.set(to, balances.get(to)! + amount);
            }
          };
          if (op.kind === "mint") {
            const to = addresses[op.to];
            if (await attempt(() => agent.mint(to, op.amount))) move(null, to, op.amount);
          } else if (op.kind === "transfer" || op.kind === "forced") {
            const [from, to] = [addresses[op.from], addresses[op.to]];
            const amount = amountOf(from, op.share);
            const sent = await attempt(() =>
              op.kind === "transfer"
                ? token.connect(wallets[op.from]).transfer(to, amount)
                : agent.forcedTransfer(from, to, amount),
            );
            if (sent && from !== to) {
              // The recipient's cache is taken before the sender's balance changes.
              move(null, to, amount);
              move(from, null, amount);
            }
          } else if (op.kind === "burn") {
            const from = addresses[op.from];
            const amount = amountOf(from, op.share);
            if (await attempt(() => agent.burn(from, amount))) move(from, null, amount);
          } else if (op.kind === "recoveryAddress") {
            const [lost, fresh] = [addresses[op.from], addresses[op.to]];
            const amount = balances.get(lost)!;
            if (await attempt(() => agent.recoveryAddress(lost, fresh, ethers.ZeroAddress))) {
              move(null, fresh, amount);
              move(lost, null, amount);
            }
          } else if (op.kind === "removeInvestor") {
            const investor = await identity.investorOf(addresses[op.wallet]);
            await attempt(() => identity.removeInvestor(investor));
          } else if (op.kind === "removeWallet") {
            await attempt(() => identity.removeWallet(addresses[op.wallet]));
          } else if (op.kind === "recoverWallet") {
            const [lost, fresh] = [addresses[op.wallet], addresses[op.fresh]];
            const amount = balances.get(lost)!;
            const recovered = await attempt(() => identity.recoverWallet(lost, fresh));
            if (recovered && op.follow && amount !== 0n) {
              for (const a of addresses) before.set(a, await indexOf(a));
              await agent.recoveryAddress(lost, fresh, ethers.ZeroAddress);
              move(null, fresh, amount);
              move(lost, null, amount);
            }
          } else if (op.kind === "addWallet") {
            const investor = await identity.investorOf(addresses[op.wallet]);
            await attempt(() => identity.addWallet(investor, addresses[op.fresh]));
          } else {
            await attempt(() => registerInvestor(world, `re-registered ${registrations++}`, [addresses[op.fresh]]));
          }

          const holding = addresses.filter((a) => balances.get(a)! > 0n);
          const indexes = new Set(holding.filter((a) => cached.get(a)! !== 0n).map((a) => cached.get(a)!));
          const ownInvestors = holding.filter((a) => cached.get(a)! === 0n).length;
          expect(await token.holdingWalletCount(), `wallets after ${op.kind}`).to.equal(BigInt(holding.length));
          expect(await token.holderCount(), `investors after ${op.kind}`).to.equal(BigInt(indexes.size + ownInvestors));
          for (const wallet of holding) {
            const index = cached.get(wallet)!;
            const expected =
              index === 0n
                ? balances.get(wallet)!
                : holding.filter((a) => cached.get(a) === index).reduce((sum, a) => sum + balances.get(a)!, 0n);
            expect(await token.investorBalanceOf(wallet), `investorBalanceOf after ${op.kind}`).to.equal(expected);
          }
        }
        for (const wallet of addresses) {
          expect(await token.balanceOf(wallet), "balance").to.equal(balances.get(wallet));
        }
      }),
      { numRuns: 25 },
    );
  });
});
