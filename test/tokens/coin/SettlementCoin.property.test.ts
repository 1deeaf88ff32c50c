import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";
import type { SettlementCoin } from "../../../typechain-types";
import { Claim, claimsOf } from "../../../sdk/claims";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";

/* POOLS */

/** Accounts 0–3 are eligible (three verified investors and the issuer, an active member); 4 never is. */
const HOLDERS = ["alice", "bob", "carol", "issuer", "stranger"] as const;
const ELIGIBLE = 4;
/** The issuer's mint allowance, in the coin's smallest unit (amounts below are small on purpose). */
const ALLOWANCE = 12_000n;
const DAY = 86_400;
/** The USD coin's `maxAttestationAge` (config/coins.ts; checked at the start of each run). */
const MAX_AGE = 2 * DAY;
/** Redemption ids compared after every step (a run makes fewer requests). */
const MAX_ID = 12;
const RedemptionStatus = { None: 0, Pending: 1, Confirmed: 2, Rejected: 3 } as const;

/* OPERATIONS */

/**
 * Which redemption confirm and reject aim at, resolved when the step runs: mostly a request made earlier in the
 * run (`pick` modulo their number), sometimes 0 (never an id) or the next id (not requested yet).
 */
type IdPick = number | "zero" | "next";

type Op =
  | { kind: "attest"; reserves: bigint; age: number }
  | { kind: "mint"; to: number; amount: bigint }
  | { kind: "burn"; amount: bigint }
  | { kind: "request"; holder: number; amount: bigint; withReference: boolean }
  | { kind: "confirm"; id: IdPick }
  | { kind: "reject"; id: IdPick }
  | { kind: "transfer"; from: number; to: number; amount: bigint }
  | { kind: "freeze"; account: number }
  | { kind: "unfreeze"; account: number };

/** Mostly eligible accounts, sometimes the stranger. */
const holderArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: ELIGIBLE - 1 }), weight: 8 },
  { arbitrary: fc.constant(ELIGIBLE), weight: 1 },
);
/** Mostly amounts a holder has, sometimes zero or more than anyone holds. */
const amountArb = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 800n }), weight: 8 },
  { arbitrary: fc.constantFrom(0n, 50_000n), weight: 1 },
);
/** Mint amounts: a few of them exhaust the allowance or the reserves. */
const mintArb = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 4_000n }), weight: 8 },
  { arbitrary: fc.constantFrom(0n, 50_000n), weight: 2 },
);
/** Reserves around the allowance, so that both the reserves and the allowance limit mints. */
const reservesArb = fc.bigInt({ min: 0n, max: 25_000n });
/**
 * How long before the block the reserves were counted: mostly fresh, sometimes just within the limit (the next
 * step, one second later, is exactly at it; the one after, past it) or already past it.
 */
const ageArb = fc.oneof(
  { arbitrary: fc.constantFrom(0, 60, DAY), weight: 6 },
  { arbitrary: fc.constantFrom(MAX_AGE - 1, 3 * DAY), weight: 2 },
);
const idArb: fc.Arbitrary<IdPick> = fc.oneof(
  { arbitrary: fc.nat({ max: 7 }), weight: 6 },
  { arbitrary: fc.constantFrom<IdPick>("zero", "next"), weight: 1 },
);
/** Mostly with a payout reference, sometimes without. */
const withReferenceArb = fc.oneof(
  { arbitrary: fc.constant(true), weight: 8 },
  { arbitrary: fc.constant(false), weight: 1 },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("attest" as const), reserves: reservesArb, age: ageArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("mint" as const), to: holderArb, amount: mintArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("burn" as const), amount: amountArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("request" as const),
      holder: holderArb,
      amount: amountArb,
      withReference: withReferenceArb,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("confirm" as const), id: idArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("reject" as const), id: idArb }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("transfer" as const), from: holderArb, to: holderArb, amount: amountArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("freeze" as const), account: holderArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unfreeze" as const), account: holderArb }) },
);

/**
 * Each run starts with an attestation (now and then one already too old to mint on), mints to three of the
 * eligible accounts and a redemption request by the first, so later steps find reserves, balances and a request
 * to work on.
 */
const seedArb: fc.Arbitrary<Op[]> = fc
  .tuple(
    fc.record({
      kind: fc.constant("attest" as const),
      reserves: fc.bigInt({ min: 8_000n, max: 25_000n }),
      age: fc.oneof(
        { arbitrary: fc.constant(0), weight: 6 },
        { arbitrary: fc.constantFrom(MAX_AGE - 1, 3 * DAY), weight: 2 },
      ),
    }),
    fc.shuffledSubarray([0, 1, 2, 3], { minLength: 3, maxLength: 3 }),
    fc.array(fc.bigInt({ min: 1_000n, max: 2_500n }), { minLength: 3, maxLength: 3 }),
    fc.bigInt({ min: 1n, max: 1_000n }),
  )
  .map(([attest, targets, amounts, redeemed]) => [
    attest,
    ...targets.map((to, i): Op => ({ kind: "mint", to, amount: amounts[i] })),
    { kind: "request", holder: targets[0], amount: redeemed, withReference: true },
  ]);

/** Up to 15 steps: the 5 seeding steps, then random operations. */
const opsArb = fc
  .tuple(seedArb, fc.array(opArb, { minLength: 6, maxLength: 10, size: "max" }))
  .map(([seed, rest]) => [...seed, ...rest]);

/* MODEL */

interface ModelRedemption {
  holder: number;
  amount: bigint;
  status: number;
}

/** The expected rejection: the custom error's name and arguments. */
type Rejection = [string, ...unknown[]];

/** The coin as ISettlementCoin describes it, in TypeScript. */
class CoinModel {
  readonly balances: bigint[] = HOLDERS.map(() => 0n);
  readonly frozen: boolean[] = HOLDERS.map(() => false);
  readonly redemptions: ModelRedemption[] = [];
  escrow = 0n;
  supply = 0n;
  allowance = ALLOWANCE;
  attestation: { reserves: bigint; asOf: bigint } | null = null;
  attestations = 0;

  constructor(
    readonly addresses: string[],
    readonly maxAge: bigint,
  ) {}

  /** Applies `op` at block time `at` and returns null, or leaves the model untouched and returns the rejection. */
  apply(op: Op, at: bigint): Rejection | null {
    const issuer = HOLDERS.indexOf("issuer");
    switch (op.kind) {
      case "attest": {
        const asOf = at - BigInt(op.age);
        const previous = this.attestation?.asOf ?? 0n;
        if (asOf < previous) return ["SettlementCoinInvalidAttestation", asOf, previous, at];
        this.attestation = { reserves: op.reserves, asOf };
        this.attestations += 1;
        return null;
      }
      case "mint": {
        if (op.amount === 0n) return ["SettlementCoinInvalidAmount", 0n];
        const minter = this.addresses[issuer];
        if (op.amount > this.allowance)
          return ["SettlementCoinMintAllowanceExceeded", minter, this.allowance, op.amount];
        if (!this.attestation) return ["SettlementCoinNoAttestation"];
        if (this.attestation.asOf + this.maxAge < at)
          return ["SettlementCoinAttestationTooOld", this.attestation.asOf, this.maxAge, at];
        const supplyAfter = this.supply + op.amount;
        if (supplyAfter > this.attestation.reserves)
          return ["SettlementCoinReservesExceeded", supplyAfter, this.attestation.reserves];
        const refused = this.refusesCredit(op.to);
        if (refused) return refused;
        this.allowance -= op.amount;
        this.supply += op.amount;
        this.balances[op.to] += op.amount;
        return null;
      }
      case "burn": {
        if (op.amount === 0n) return ["SettlementCoinInvalidAmount", 0n];
        const refused = this.refusesDebit(issuer, op.amount);
        if (refused) return refused;
        this.balances[issuer] -= op.amount;
        this.supply -= op.amount;
        return null;
      }
      case "request": {
        if (op.amount === 0n) return ["SettlementCoinInvalidAmount", 0n];
        if (!op.withReference) return ["SettlementCoinInvalidPayoutReference"];
        const refused = this.refusesDebit(op.holder, op.amount);
        if (refused) return refused;
        this.balances[op.holder] -= op.amount;
        this.escrow += op.amount;
        this.redemptions.push({ holder: op.holder, amount: op.amount, status: RedemptionStatus.Pending });
        return null;
      }
      case "confirm":
      case "reject": {
        const id = this.idOf(op.id);
        const request = this.redemptions[id - 1];
        if (!request) return ["SettlementCoinUnknownRedemption", BigInt(id)];
        if (request.status !== RedemptionStatus.Pending)
          return ["SettlementCoinRedemptionNotPending", BigInt(id), request.status];
        this.escrow -= request.amount;
        if (op.kind === "confirm") {
          request.status = RedemptionStatus.Confirmed;
          this.supply -= request.amount;
        } else {
          // The escrow returns to the holder even when frozen since; every requester was eligible.
          request.status = RedemptionStatus.Rejected;
          this.balances[request.holder] += request.amount;
        }
        return null;
      }
      case "transfer": {
        const refused = this.refusesDebit(op.from, op.amount) ?? this.refusesCredit(op.to);
        if (refused) return refused;
        this.balances[op.from] -= op.amount;
        this.balances[op.to] += op.amount;
        return null;
      }
      case "freeze":
        if (this.frozen[op.account]) return ["SettlementCoinAccountFrozen", this.addresses[op.account]];
        this.frozen[op.account] = true;
        return null;
      case "unfreeze":
        if (!this.frozen[op.account]) return ["SettlementCoinAccountNotFrozen", this.addresses[op.account]];
        this.frozen[op.account] = false;
        return null;
    }
  }

  /** The redemption id `pick` designates now. */
  idOf(pick: IdPick): number {
    const count = this.redemptions.length;
    if (pick === "zero") return 0;
    if (pick === "next" || count === 0) return count + 1;
    return (pick % count) + 1;
  }

  private refusesDebit(account: number, amount: bigint): Rejection | null {
    const address = this.addresses[account];
    if (this.frozen[account]) return ["SettlementCoinAccountFrozen", address];
    if (this.balances[account] < amount) return ["ERC20InsufficientBalance", address, this.balances[account], amount];
    return null;
  }

  private refusesCredit(account: number): Rejection | null {
    const address = this.addresses[account];
    if (this.frozen[account]) return ["SettlementCoinAccountFrozen", address];
    if (account >= ELIGIBLE) return ["SettlementCoinIneligibleHolder", address];
    return null;
  }
}

/* DRIVER */

/** The core with three verified investors, every eligible account synced and the issuer a minter (no reserves). */
async function coinFixture() {
  const { accounts, contracts } = await coreFixture();
  const now = await time.latest();
  const investors = [accounts.alice, accounts.bob, accounts.carol];
  await contracts.identity.connect(accounts.kycProvider).registerInvestors(
    investors.map((investor, i) => ({
      investor: ethers.id(`property:investor:${i}`),
      country: 344,
      claims: claimsOf([Claim.KYC, Claim.AML]),
      expiry: now + 365 * DAY,
      wallets: [investor.address],
    })),
  );
  const coin = contracts.coin;
  await coin.syncHolders([...investors.map((investor) => investor.address), accounts.issuer.address]);
  const coinAddress = await coin.getAddress();
  await callThroughAuthority(
    contracts.authority,
    accounts.issuer,
    coinAddress,
    coin.interface.encodeFunctionData("configureMinter", [accounts.issuer.address, ALLOWANCE]),
  );
  const signers: HardhatEthersSigner[] = HOLDERS.map((name) => accounts[name]);
  return { accounts, coin, signers };
}

type Fixture = Awaited<ReturnType<typeof coinFixture>>;

/** Sends `op` in the block at time `at` (attestations are dated from it); `id` is the redemption it aims at. */
function send({ accounts, coin, signers }: Fixture, op: Op, at: bigint, id: number) {
  const issuer = coin.connect(accounts.issuer);
  const officer = coin.connect(accounts.regulator);
  switch (op.kind) {
    case "attest":
      return coin
        .connect(accounts.custodian)
        .attestReserves(op.reserves, at - BigInt(op.age), ethers.id(`reserve report ${at}`));
    case "mint":
      return issuer.mint(signers[op.to].address, op.amount);
    case "burn":
      return issuer.burn(op.amount);
    case "request":
      return coin
        .connect(signers[op.holder])
        .requestRedemption(op.amount, op.withReference ? ethers.id(`payout order ${op.holder}`) : ethers.ZeroHash);
    case "confirm":
      return issuer.confirmRedemption(id);
    case "reject":
      return issuer.rejectRedemption(id, ethers.id("payout details do not match"));
    case "transfer":
      return coin.connect(signers[op.from]).transfer(signers[op.to].address, op.amount);
    case "freeze":
      return officer.freeze(signers[op.account].address);
    case "unfreeze":
      return officer.unfreeze(signers[op.account].address);
  }
}

/** Everything the coin exposes about the pool, as plain values. */
async function chainState(coin: SettlementCoin, signers: HardhatEthersSigner[], minter: string) {
  const addresses = signers.map((signer) => signer.address);
  const [balances, frozen, redemptions, escrowBalance, escrowed, supply, allowance, attestations] = await Promise.all([
    Promise.all(addresses.map((address) => coin.balanceOf(address))),
    Promise.all(addresses.map((address) => coin.isFrozen(address))),
    Promise.all(
      Array.from({ length: MAX_ID }, async (_, i) => {
        const { holder, amount, status } = await coin.redemption(i + 1);
        return { holder, amount, status: Number(status) };
      }),
    ),
    coin.balanceOf(coin.target),
    coin.escrowed(),
    coin.totalSupply(),
    coin.minterAllowance(minter),
    coin.attestationCount(),
  ]);
  return { balances, frozen, redemptions, escrowBalance, escrowed, supply, allowance, attestations };
}

/** The same read-out, as the model predicts it. */
function modelState(model: CoinModel) {
  const redemptions = Array.from({ length: MAX_ID }, (_, i) => {
    const request = model.redemptions[i];
    return request
      ? { holder: model.addresses[request.holder], amount: request.amount, status: request.status }
      : { holder: ethers.ZeroAddress, amount: 0n, status: RedemptionStatus.None };
  });
  return {
    balances: [...model.balances],
    frozen: [...model.frozen],
    redemptions,
    escrowBalance: model.escrow,
    escrowed: model.escrow,
    supply: model.supply,
    allowance: model.allowance,
    attestations: BigInt(model.attestations),
  };
}

/**
 * Random sequences of attestations, mints, burns, redemption requests, confirmations and rejections, transfers,
 * freezes and unfreezes over four eligible accounts and one that is not, mirrored by a TypeScript model. After
 * every step: C1 (Σ balances of every account + the escrow `balanceOf(coin)` = `totalSupply`), the chain equals
 * the model (balances, freezes, escrow, supply, allowance, attestations, redemption records); at every successful
 * mint C2 (supply ≤ the latest attested reserves, attested at most `maxAttestationAge` before). A step the model
 * refuses must revert with the model's custom error and arguments and change nothing.
 */
describe("SettlementCoin (property)", () => {
  it("matches the model and keeps supply = Σ balances + escrow ≤ attested reserves over random sequences", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const fixture = await loadFixture(coinFixture);
        const { accounts, coin, signers } = fixture;
        const model = new CoinModel(
          signers.map((signer) => signer.address),
          BigInt(await coin.maxAttestationAge()),
        );
        expect(model.maxAge, "maxAttestationAge").to.equal(BigInt(MAX_AGE));
        const minter = accounts.issuer.address;
        expect(await chainState(coin, signers, minter), "fixture").to.deep.equal(modelState(model));
        for (const [n, op] of ops.entries()) {
          const step = `step ${n} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          const at = BigInt(await time.latest()) + 1n;
          await time.setNextBlockTimestamp(at);
          const id = op.kind === "confirm" || op.kind === "reject" ? model.idOf(op.id) : 0;
          const rejection = model.apply(op, at);
          if (rejection) {
            const [name, ...args] = rejection;
            const before = await chainState(coin, signers, minter);
            const reverted = expect(send(fixture, op, at, id), step).to.be.revertedWithCustomError(coin, name);
            await (args.length ? reverted.withArgs(...args) : reverted);
            expect(await chainState(coin, signers, minter), `${step}: state after the rejection`).to.deep.equal(before);
          } else {
            await (await send(fixture, op, at, id)).wait();
            if (op.kind === "mint") {
              const latest = await coin.latestAttestation();
              expect(await coin.totalSupply(), `${step}: C2 supply ≤ reserves`).to.be.at.most(latest.reserves);
              expect(at - latest.asOf, `${step}: C2 attestation age`).to.be.at.most(model.maxAge);
            }
          }
          const state = await chainState(coin, signers, minter);
          const sum = state.balances.reduce((a, b) => a + b, 0n) + state.escrowBalance;
          expect(sum, `${step}: C1 Σ balances + escrow = supply`).to.equal(state.supply);
          expect(state, `${step}: chain = model`).to.deep.equal(modelState(model));
        }
      }),
      { numRuns: 20 },
    );
  });
});
