import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { IdentityRegistry } from "../../typechain-types";
import { identityDefaults } from "../../config/identity";
import { Claim, claimsOf } from "../../sdk/claims";
import { coreFixture } from "../fixtures/core";
import { investorId, packEligibility, walletAddress } from "./helpers";

/* POOLS */

const IDS = [ethers.ZeroHash, investorId("p1"), investorId("p2"), investorId("p3")];
const WALLETS = [...Array.from({ length: 6 }, (_, i) => walletAddress(200 + i)), ethers.ZeroAddress];
/** The most wallets one index may ever have (`maxWalletsEverPerInvestor`). */
const MAX_WALLETS_EVER = 32;
const CLAIMS = [
  0n,
  claimsOf([Claim.KYC]),
  claimsOf([Claim.KYC, Claim.AML]),
  claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]),
];

/* OPERATIONS */

type Op =
  | { kind: "register"; id: number; country: number; claims: bigint; expiry: number; wallets: number[] }
  | { kind: "update"; id: number; country: number; claims: bigint; expiry: number }
  | { kind: "removeInvestor"; id: number }
  | { kind: "addWallet"; id: number; wallet: number }
  | { kind: "removeWallet"; wallet: number }
  | { kind: "recover"; lost: number; next: number }
  | { kind: "baseline"; claims: bigint }
  | { kind: "advance"; seconds: number };

/** Mostly registrable ids, sometimes the zero id. */
const idArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: IDS.length - 1 }), weight: 12 },
);
/** Mostly real wallets, sometimes the zero address. */
const walletArb = fc.oneof(
  { arbitrary: fc.constant(WALLETS.length - 1), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: WALLETS.length - 2 }), weight: 12 },
);
/** Mostly valid countries, sometimes 0 or 1000. */
const countryArb = fc.oneof(
  { arbitrary: fc.constantFrom(1, 250, 756, 999), weight: 10 },
  { arbitrary: fc.constantFrom(0, 1000), weight: 1 },
);
const claimsArb = fc.constantFrom(...CLAIMS);
/** Expiry in seconds after the transaction's block time: mostly valid, sometimes 0 or -1. */
const expiryArb = fc.oneof(
  { arbitrary: fc.constantFrom(5, 20, 60, 600), weight: 10 },
  { arbitrary: fc.constantFrom(-1, 0), weight: 1 },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("register" as const),
      id: idArb,
      country: countryArb,
      claims: claimsArb,
      expiry: expiryArb,
      wallets: fc.array(walletArb, { maxLength: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("update" as const),
      id: idArb,
      country: countryArb,
      claims: claimsArb,
      expiry: expiryArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("removeInvestor" as const), id: idArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("addWallet" as const), id: idArb, wallet: walletArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("removeWallet" as const), wallet: walletArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("recover" as const), lost: walletArb, next: walletArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("baseline" as const), claims: claimsArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), seconds: fc.integer({ min: 1, max: 90 }) }),
  },
);

/** A registration that is valid but for wallets possibly taken: each run starts with a few, so later steps find
 * investors and wallets to work on. */
const seedArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant("register" as const),
  id: fc.integer({ min: 1, max: IDS.length - 1 }),
  country: fc.constantFrom(250, 756),
  claims: claimsArb,
  expiry: fc.constantFrom(60, 600),
  wallets: fc.array(fc.integer({ min: 0, max: WALLETS.length - 2 }), { minLength: 1, maxLength: 1 }),
});

/** Up to 15 steps: 2–3 seeding registrations, then random operations. */
const opsArb = fc
  .tuple(
    fc.array(seedArb, { minLength: 2, maxLength: 3 }),
    fc.array(opArb, { minLength: 6, maxLength: 12, size: "max" }),
  )
  .map(([seed, rest]) => [...seed, ...rest]);

/* MODEL */

interface ModelInvestor {
  country: bigint;
  claims: bigint;
  expiry: bigint;
  index: bigint;
  /** In list order: removal moves the last wallet into the freed position; recovery replaces in place. */
  wallets: string[];
}

/** The expected rejection: the custom error's name and arguments. */
type Rejection = [string, ...unknown[]];

/** The registry as the spec describes it, in TypeScript. */
class RegistryModel {
  readonly investors = new Map<string, ModelInvestor>();
  readonly owner = new Map<string, string>();
  /** R7: every wallet unlinked from an index (removed, recovered away, or with its investor), in order. */
  readonly departed = new Map<bigint, string[]>();
  baseline = identityDefaults.baselineClaims;
  /** Advanced once by every accepted call that can make a wallet less eligible. */
  epoch = 0n;
  lastIndex = 0n;
  now = 0n;

  /** Applies `op` at block time `at` and returns null, or leaves the model untouched and returns the rejection. */
  apply(op: Exclude<Op, { kind: "advance" }>, at: bigint): Rejection | null {
    const rejection = this.applyChange(op, at);
    const addition = op.kind === "register" || op.kind === "addWallet";
    if (!rejection && !addition) this.epoch += 1n;
    return rejection;
  }

  private applyChange(op: Exclude<Op, { kind: "advance" }>, at: bigint): Rejection | null {
    switch (op.kind) {
      case "baseline": {
        this.baseline = op.claims;
        return null;
      }
      case "register": {
        const id = IDS[op.id];
        if (id === ethers.ZeroHash) return ["IdentityRegistryInvalidInvestor", id];
        if (this.investors.has(id)) return ["IdentityRegistryInvestorExists", id];
        const invalid = this.checkAttestation(op.country, at + BigInt(op.expiry), at);
        if (invalid) return invalid;
        const linked: string[] = [];
        for (const index of op.wallets) {
          const wallet = WALLETS[index];
          if (wallet === ethers.ZeroAddress) return ["IdentityRegistryInvalidWallet", wallet];
          if (linked.includes(wallet)) return ["IdentityRegistryWalletTaken", wallet, id];
          const owner = this.owner.get(wallet);
          if (owner) return ["IdentityRegistryWalletTaken", wallet, owner];
          linked.push(wallet);
        }
        this.lastIndex += 1n;
        this.investors.set(id, {
          country: BigInt(op.country),
          claims: op.claims,
          expiry: at + BigInt(op.expiry),
          index: this.lastIndex,
          wallets: linked,
        });
        for (const wallet of linked) this.owner.set(wallet, id);
        return null;
      }
      case "update": {
        const id = IDS[op.id];
        const investor = this.investors.get(id);
        if (!investor) return ["IdentityRegistryUnknownInvestor", id];
        const invalid = this.checkAttestation(op.country, at + BigInt(op.expiry), at);
        if (invalid) return invalid;
        investor.country = BigInt(op.country);
        investor.claims = op.claims;
        investor.expiry = at + BigInt(op.expiry);
        return null;
      }
      case "removeInvestor": {
        const id = IDS[op.id];
        const investor = this.investors.get(id);
        if (!investor) return ["IdentityRegistryUnknownInvestor", id];
        for (const wallet of investor.wallets) this.owner.delete(wallet);
        this.departedOf(investor.index).push(...investor.wallets);
        this.investors.delete(id);
        return null;
      }
      case "addWallet": {
        const id = IDS[op.id];
        const wallet = WALLETS[op.wallet];
        const investor = this.investors.get(id);
        if (!investor) return ["IdentityRegistryUnknownInvestor", id];
        if (wallet === ethers.ZeroAddress) return ["IdentityRegistryInvalidWallet", wallet];
        const owner = this.owner.get(wallet);
        if (owner) return ["IdentityRegistryWalletTaken", wallet, owner];
        if (this.everCount(investor) + 1 > MAX_WALLETS_EVER) {
          return ["IdentityRegistryWalletHistoryFull", id, MAX_WALLETS_EVER];
        }
        investor.wallets.push(wallet);
        this.owner.set(wallet, id);
        return null;
      }
      case "removeWallet": {
        const wallet = WALLETS[op.wallet];
        const owner = this.owner.get(wallet);
        if (!owner) return ["IdentityRegistryUnknownWallet", wallet];
        this.unlink(owner, wallet);
        return null;
      }
      case "recover": {
        const lost = WALLETS[op.lost];
        const next = WALLETS[op.next];
        const owner = this.owner.get(lost);
        if (!owner) return ["IdentityRegistryUnknownWallet", lost];
        if (next === ethers.ZeroAddress) return ["IdentityRegistryInvalidWallet", next];
        const nextOwner = this.owner.get(next);
        if (nextOwner) return ["IdentityRegistryWalletTaken", next, nextOwner];
        const investor = this.investors.get(owner)!;
        if (this.everCount(investor) + 1 > MAX_WALLETS_EVER) {
          return ["IdentityRegistryWalletHistoryFull", owner, MAX_WALLETS_EVER];
        }
        const wallets = investor.wallets;
        wallets[wallets.indexOf(lost)] = next;
        this.departedOf(investor.index).push(lost);
        this.owner.delete(lost);
        this.owner.set(next, owner);
        return null;
      }
    }
  }

  isVerified(wallet: string): boolean {
    const owner = this.owner.get(wallet);
    if (!owner) return false;
    const investor = this.investors.get(owner)!;
    return investor.expiry > this.now && (investor.claims & this.baseline) === this.baseline;
  }

  walletCount(): number {
    return this.owner.size;
  }

  departedOf(index: bigint): string[] {
    if (!this.departed.has(index)) this.departed.set(index, []);
    return this.departed.get(index)!;
  }

  /** I5: the wallets the investor's index has ever had, which its words carry. */
  everCount(investor: ModelInvestor): number {
    return investor.wallets.length + this.departedOf(investor.index).length;
  }

  private checkAttestation(country: number, expiry: bigint, at: bigint): Rejection | null {
    if (country === 0 || country > 999) return ["IdentityRegistryInvalidCountry", country];
    if (expiry <= at) return ["IdentityRegistryInvalidExpiry", expiry, at];
    return null;
  }

  private unlink(owner: string, wallet: string) {
    const investor = this.investors.get(owner)!;
    this.departedOf(investor.index).push(wallet);
    const wallets = investor.wallets;
    const position = wallets.indexOf(wallet);
    wallets[position] = wallets[wallets.length - 1];
    wallets.pop();
    this.owner.delete(wallet);
  }
}

/* DRIVER */

function send(
  identity: IdentityRegistry,
  governed: IdentityRegistry,
  op: Exclude<Op, { kind: "advance" }>,
  at: bigint,
) {
  switch (op.kind) {
    case "baseline":
      return governed.setBaselineClaims(op.claims);
    case "register":
      return identity.registerInvestor(
        IDS[op.id],
        op.country,
        op.claims,
        at + BigInt(op.expiry),
        op.wallets.map((i) => WALLETS[i]),
      );
    case "update":
      return identity.updateInvestor(IDS[op.id], op.country, op.claims, at + BigInt(op.expiry));
    case "removeInvestor":
      return identity.removeInvestor(IDS[op.id]);
    case "addWallet":
      return identity.addWallet(IDS[op.id], WALLETS[op.wallet]);
    case "removeWallet":
      return identity.removeWallet(WALLETS[op.wallet]);
    case "recover":
      return identity.recoverWallet(WALLETS[op.lost], WALLETS[op.next]);
  }
}

async function expectMatches(identity: IdentityRegistry, model: RegistryModel, step: string) {
  for (const wallet of WALLETS) {
    const owner = model.owner.get(wallet);
    const country = owner ? model.investors.get(owner)!.country : 0n;
    expect(await identity.isVerified(wallet), `${step}: isVerified(${wallet})`).to.equal(model.isVerified(wallet));
    expect(await identity.investorOf(wallet), `${step}: investorOf(${wallet})`).to.equal(owner ?? ethers.ZeroHash);
    expect(await identity.investorCountry(wallet), `${step}: investorCountry(${wallet})`).to.equal(country);
    expect(await identity.contains(wallet), `${step}: contains(${wallet})`).to.equal(owner !== undefined);
    const investor = owner ? model.investors.get(owner)! : undefined;
    const word = investor
      ? packEligibility(investor.index, investor.country, investor.claims, investor.expiry, model.everCount(investor))
      : 0n;
    expect(await identity.eligibilityOf(wallet), `${step}: eligibilityOf(${wallet})`).to.equal(word);
  }
  for (let index = 1n; index <= model.lastIndex + 1n; index++) {
    const id = [...model.investors].find(([, investor]) => investor.index === index)?.[0] ?? ethers.ZeroHash;
    expect(await identity.investorAt(index), `${step}: investorAt(${index})`).to.equal(id);
    const current = id === ethers.ZeroHash ? [] : model.investors.get(id)!.wallets;
    expect([...(await identity.walletHistoryOf(index))], `${step}: walletHistoryOf(${index})`).to.deep.equal([
      ...current,
      ...model.departedOf(index),
    ]);
  }
  for (const id of IDS) {
    const investor = model.investors.get(id);
    const record = await identity.investorRecord(id);
    expect(
      [record.country, record.claims, record.expiry, record.index, record.walletCount],
      `${step}: investorRecord(${id})`,
    ).to.deep.equal(
      investor
        ? [investor.country, investor.claims, investor.expiry, investor.index, BigInt(investor.wallets.length)]
        : [0n, 0n, 0n, 0n, 0n],
    );
    expect([...(await identity.walletsOf(id))], `${step}: walletsOf(${id})`).to.deep.equal(investor?.wallets ?? []);
  }
  expect(await identity.eligibilityEpoch(), `${step}: eligibilityEpoch`).to.equal(model.epoch);
  expect(await identity.baselineClaims(), `${step}: baselineClaims`).to.equal(model.baseline);
  expect(await identity.investorCount(), `${step}: investorCount`).to.equal(BigInt(model.investors.size));
  expect(await identity.walletCount(), `${step}: walletCount`).to.equal(BigInt(model.walletCount()));
}

/**
 * After every step the registry's views equal the model's, which checks the invariants of IIdentityRegistry (I1
 * a wallet has one investor and `investorOf != 0` iff `contains`; I2 every wallet carries its investor's word; I3
 * `isVerified`; I4 the counters; I5 every word carries the wallets its investor's index has ever had, listed by `walletHistoryOf`; I6 the epoch advances once
 * per accepted update, removal, recovery or baseline change and never on additions or rejections) and of
 * IdentityRegistry (R1 indexes, R2 wallet counts, R3 words iff set members).
 * A rejected step must revert with the model's error and leave every view unchanged.
 */
describe("IdentityRegistry (property)", () => {
  it("matches the model over random sequences of registrations, updates, removals, recoveries, baseline changes and expiries", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const { accounts, contracts } = await loadFixture(coreFixture);
        const identity = contracts.identity.connect(accounts.kycProvider);
        const governed = contracts.identity.connect(accounts.governor);
        const model = new RegistryModel();
        model.now = BigInt(await time.latest());
        for (const [n, op] of ops.entries()) {
          const step = `step ${n} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          if (op.kind === "advance") {
            await time.increase(op.seconds);
          } else {
            const at = BigInt(await time.latest()) + 1n;
            await time.setNextBlockTimestamp(at);
            const rejection = model.apply(op, at);
            if (rejection) {
              const [name, ...args] = rejection;
              await expect(send(identity, governed, op, at), step)
                .to.be.revertedWithCustomError(identity, name)
                .withArgs(...args);
            } else {
              await (await send(identity, governed, op, at)).wait();
            }
          }
          model.now = BigInt(await time.latest());
          await expectMatches(identity, model, step);
        }
      }),
      { numRuns: 20 },
    );
  });
});
