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

/**
 * Accounts 0–2 are the wallets of three investors the steps remove, re-register, downgrade and let expire; 3 is the
 * issuer (an active member, the minter, never touched); 4 is never registered; 5 is the exchange, a member the
 * steps suspend and reinstate.
 */
const HOLDERS = ["alice", "bob", "carol", "issuer", "stranger", "exchange"] as const;
const INVESTORS = 3;
const ISSUER = 3;
const STRANGER = 4;
const EXCHANGE = 5;
const MAX_UINT40 = 2n ** 40n - 1n;
const MASK64 = 2n ** 64n - 1n;
const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
/** Claims an investor may hold and baselines the registry may require. */
const CLAIM_SETS = [KYC_AML, claimsOf([Claim.KYC]), claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL])];
const investorId = (i: number) => ethers.id(`property:investor:${i}`);
const MemberStatus = { Active: 1n, Suspended: 2n } as const;
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
  | { kind: "unfreeze"; account: number }
  // The world around the coin: registry and membership changes, and anyone's sync.
  | { kind: "removeInvestor"; investor: number }
  | { kind: "registerInvestor"; investor: number; claims: number; lifetime: number }
  | { kind: "updateInvestor"; investor: number; claims: number; lifetime: number }
  | { kind: "setBaseline"; claims: number }
  | { kind: "suspend" }
  | { kind: "reinstate" }
  | { kind: "sync"; account: number };

/** Mostly the investors and the issuer, sometimes the exchange or the stranger. */
const holderArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: ISSUER }), weight: 8 },
  { arbitrary: fc.constantFrom(STRANGER, EXCHANGE), weight: 2 },
);
const investorArb = fc.integer({ min: 0, max: INVESTORS - 1 });
const claimSetArb = fc.integer({ min: 0, max: CLAIM_SETS.length - 1 });
/** An attestation's lifetime in seconds: mostly a year, sometimes a few seconds (it lapses a few steps later). */
const lifetimeArb = fc.oneof(
  { arbitrary: fc.constant(365 * DAY), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 1 },
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
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("removeInvestor" as const), investor: investorArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("registerInvestor" as const),
      investor: investorArb,
      claims: claimSetArb,
      lifetime: lifetimeArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("updateInvestor" as const),
      investor: investorArb,
      claims: claimSetArb,
      lifetime: lifetimeArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("setBaseline" as const), claims: claimSetArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("suspend" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reinstate" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("sync" as const), account: holderArb }) },
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

/** Up to 19 steps: the 5 seeding steps, then random operations. */
const opsArb = fc
  .tuple(seedArb, fc.array(opArb, { minLength: 8, maxLength: 14, size: "max" }))
  .map(([seed, rest]) => [...seed, ...rest]);

/* MODEL */

interface ModelRedemption {
  holder: number;
  amount: bigint;
  status: number;
}

/** The expected rejection: the custom error's name and arguments. */
type Rejection = [string, ...unknown[]];

/** What the registries say of an investor. */
interface InvestorTruth {
  registered: boolean;
  claims: bigint;
  expiry: bigint;
}

/** What the coin caches of an account (its word's `eligibleUntil` and `missingClaims`). */
interface Cache {
  until: bigint;
  missing: bigint;
}

/**
 * The coin as ISettlementCoin describes it, and the registries around it, in TypeScript. The registries push every
 * change that can make a holder less eligible to the coin (a re-sync of the wallets concerned, the baseline);
 * registrations and reinstatements reach it only at the next sync.
 */
class CoinModel {
  readonly balances: bigint[] = HOLDERS.map(() => 0n);
  readonly investors: InvestorTruth[];
  exchangeActive = true;
  /** The identity registry's baseline claims, and the coin's copy (zero until the first push). */
  baseline = KYC_AML;
  coinBaseline = 0n;
  readonly cache: Cache[];
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
    expiry: bigint,
  ) {
    this.investors = Array.from({ length: INVESTORS }, () => ({ registered: true, claims: KYC_AML, expiry }));
    // The fixture synced every account but the stranger.
    this.cache = HOLDERS.map((_, i) => this.synced(i, expiry - 365n * BigInt(DAY)));
  }

  /** What a sync of `account` at time `at` caches. */
  synced(account: number, at: bigint): Cache {
    if (account === ISSUER || (account === EXCHANGE && this.exchangeActive)) return { until: MAX_UINT40, missing: 0n };
    const investor = this.investors[account];
    if (investor?.registered && investor.expiry > at && (investor.claims & this.baseline) === this.baseline) {
      return { until: investor.expiry, missing: ~investor.claims & MASK64 };
    }
    return { until: 0n, missing: 0n };
  }

  /** Whether the coin lets `account` receive at `at`, from its cache alone. */
  cachedEligible(account: number, at: bigint, cache = this.cache[account]): boolean {
    return cache.until > at && (cache.missing & this.coinBaseline) === 0n;
  }

  /** Whether the registries say `account` is eligible at `at`: C5 requires every receiver to be. */
  trulyEligible(account: number, at: bigint): boolean {
    return this.synced(account, at).until > at;
  }

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
        // mint syncs its recipient first (undone with the mint if the mint reverts).
        const synced = this.synced(op.to, at);
        const refused = this.refusesCredit(op.to, at, synced);
        if (refused) return refused;
        this.cache[op.to] = synced;
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
        // The escrow returns even to a holder frozen since, but never to one no longer eligible (C5).
        if (op.kind === "reject" && !this.cachedEligible(request.holder, at))
          return ["SettlementCoinIneligibleHolder", this.addresses[request.holder]];
        this.escrow -= request.amount;
        if (op.kind === "confirm") {
          request.status = RedemptionStatus.Confirmed;
          this.supply -= request.amount;
        } else {
          request.status = RedemptionStatus.Rejected;
          this.balances[request.holder] += request.amount;
        }
        return null;
      }
      case "transfer": {
        const refused = this.refusesDebit(op.from, op.amount) ?? this.refusesCredit(op.to, at);
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
      case "removeInvestor": {
        const investor = this.investors[op.investor];
        if (!investor.registered) return ["IdentityRegistryUnknownInvestor", investorId(op.investor)];
        investor.registered = false;
        this.cache[op.investor] = this.synced(op.investor, at);
        return null;
      }
      case "registerInvestor": {
        const investor = this.investors[op.investor];
        if (investor.registered) return ["IdentityRegistryInvestorExists", investorId(op.investor)];
        Object.assign(investor, {
          registered: true,
          claims: CLAIM_SETS[op.claims],
          expiry: at + BigInt(op.lifetime),
        });
        return null;
      }
      case "updateInvestor": {
        const investor = this.investors[op.investor];
        if (!investor.registered) return ["IdentityRegistryUnknownInvestor", investorId(op.investor)];
        investor.claims = CLAIM_SETS[op.claims];
        investor.expiry = at + BigInt(op.lifetime);
        this.cache[op.investor] = this.synced(op.investor, at);
        return null;
      }
      case "setBaseline":
        this.baseline = CLAIM_SETS[op.claims];
        this.coinBaseline = this.baseline;
        return null;
      case "suspend":
        if (!this.exchangeActive)
          return [
            "MemberRegistryUnexpectedStatus",
            this.addresses[EXCHANGE],
            MemberStatus.Suspended,
            MemberStatus.Active,
          ];
        this.exchangeActive = false;
        this.cache[EXCHANGE] = this.synced(EXCHANGE, at);
        return null;
      case "reinstate":
        if (this.exchangeActive)
          return [
            "MemberRegistryUnexpectedStatus",
            this.addresses[EXCHANGE],
            MemberStatus.Active,
            MemberStatus.Suspended,
          ];
        this.exchangeActive = true;
        return null;
      case "sync":
        this.cache[op.account] = this.synced(op.account, at);
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

  private refusesCredit(account: number, at: bigint, cache = this.cache[account]): Rejection | null {
    const address = this.addresses[account];
    if (this.frozen[account]) return ["SettlementCoinAccountFrozen", address];
    if (!this.cachedEligible(account, at, cache)) return ["SettlementCoinIneligibleHolder", address];
    return null;
  }
}

/* DRIVER */

/**
 * The core with three verified investors (KYC + AML, one year), every account but the stranger synced and the issuer
 * a minter (no reserves). Both coins are subscribed to both registries (the deploy step).
 */
async function coinFixture() {
  const { accounts, contracts } = await coreFixture();
  const now = await time.latest();
  const expiry = BigInt(now + 365 * DAY);
  const investors = [accounts.alice, accounts.bob, accounts.carol];
  await contracts.identity.connect(accounts.kycProvider).registerInvestors(
    investors.map((investor, i) => ({
      investor: ethers.id(`property:investor:${i}`),
      country: 344,
      claims: claimsOf([Claim.KYC, Claim.AML]),
      expiry,
      wallets: [investor.address],
    })),
  );
  const coin = contracts.coin;
  await coin.syncHolders([
    ...investors.map((investor) => investor.address),
    accounts.issuer.address,
    accounts.exchange.address,
  ]);
  const coinAddress = await coin.getAddress();
  await callThroughAuthority(
    contracts.authority,
    accounts.issuer,
    coinAddress,
    coin.interface.encodeFunctionData("configureMinter", [accounts.issuer.address, ALLOWANCE]),
  );
  const signers: HardhatEthersSigner[] = HOLDERS.map((name) => accounts[name]);
  return { accounts, contracts, coin, signers, expiry };
}

type Fixture = Awaited<ReturnType<typeof coinFixture>>;

/** Sends `op` in the block at time `at` (attestations are dated from it); `id` is the redemption it aims at. */
function send({ accounts, contracts, coin, signers }: Fixture, op: Op, at: bigint, id: number) {
  const issuer = coin.connect(accounts.issuer);
  const officer = coin.connect(accounts.regulator);
  const kyc = contracts.identity.connect(accounts.kycProvider);
  const governor = accounts.governor;
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
    case "removeInvestor":
      return kyc.removeInvestor(investorId(op.investor));
    case "registerInvestor":
      return kyc.registerInvestor(investorId(op.investor), 344, CLAIM_SETS[op.claims], at + BigInt(op.lifetime), [
        signers[op.investor].address,
      ]);
    case "updateInvestor":
      return kyc.updateInvestor(investorId(op.investor), 344, CLAIM_SETS[op.claims], at + BigInt(op.lifetime));
    case "setBaseline":
      return contracts.identity.connect(governor).setBaselineClaims(CLAIM_SETS[op.claims]);
    case "suspend":
      return contracts.members.connect(governor).suspendMember(accounts.exchange.address, ethers.id("property"));
    case "reinstate":
      return contracts.members.connect(governor).reinstateMember(accounts.exchange.address);
    case "sync":
      return coin.syncHolder(signers[op.account].address);
  }
}

/** The contract whose custom error `name` is. */
function errorSource({ contracts, coin }: Fixture, name: string) {
  if (name.startsWith("IdentityRegistry")) return contracts.identity;
  if (name.startsWith("MemberRegistry")) return contracts.members;
  return coin;
}

/**
 * C5 from the registries' own state at `at`, not the model's: `account` is an active member, or its wallet's
 * eligibility word is registered, unexpired and holds every baseline claim.
 */
async function registriesSayEligible({ contracts }: Fixture, account: string, at: bigint): Promise<boolean> {
  if (await contracts.members.isActiveMember(account)) return true;
  const word = await contracts.identity.eligibilityOf(account);
  const baseline = await contracts.identity.baselineClaims();
  const claims = (word >> 48n) & MASK64;
  const expiry = (word >> 112n) & (2n ** 48n - 1n);
  return (word & 0xffffffffn) !== 0n && expiry > at && (claims & baseline) === baseline;
}

/** Everything the coin exposes about the pool, as plain values. */
async function chainState(coin: SettlementCoin, signers: HardhatEthersSigner[], minter: string) {
  const addresses = signers.map((signer) => signer.address);
  const [balances, frozen, eligibleUntil, redemptions, escrowBalance, escrowed, supply, allowance, attestations] =
    await Promise.all([
      Promise.all(addresses.map((address) => coin.balanceOf(address))),
      Promise.all(addresses.map((address) => coin.isFrozen(address))),
      Promise.all(addresses.map((address) => coin.eligibleUntil(address))),
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
  return { balances, frozen, eligibleUntil, redemptions, escrowBalance, escrowed, supply, allowance, attestations };
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
    eligibleUntil: model.cache.map((cache) => cache.until),
    redemptions,
    escrowBalance: model.escrow,
    escrowed: model.escrow,
    supply: model.supply,
    allowance: model.allowance,
    attestations: BigInt(model.attestations),
  };
}

/** The pool account `op` credits, if it succeeds (the rejected redemption's holder for a reject). */
function recipientOf(model: CoinModel, op: Op, id: number): number | null {
  if (op.kind === "transfer" || op.kind === "mint") return op.to;
  if (op.kind === "reject") return model.redemptions[id - 1]?.holder ?? null;
  return null;
}

/**
 * Random sequences of attestations, mints, burns, redemption requests, confirmations and rejections, transfers,
 * freezes and unfreezes over the pool, mirrored by a TypeScript model, with the world changing around the coin in
 * between: investors removed, re-registered, downgraded (fewer claims, an attestation lapsing a few seconds later)
 * and their wallets re-synced by anyone; the baseline claims raised and lowered; the exchange suspended and
 * reinstated. Nothing syncs the coin after a registry change but the registries themselves. After every step:
 * C1 (Σ balances of every account + the escrow `balanceOf(coin)` = `totalSupply`), the chain equals the model
 * (balances, freezes, cached eligibility, escrow, supply, allowance, attestations, redemption records), and C5: the
 * coin counts no account eligible that the registries do not (the model's cache never says more than its
 * registries), and every account a step credited is eligible by the registries' own state at that block. At every
 * successful mint C2 (supply ≤ the latest attested reserves, attested at most `maxAttestationAge` before). A step
 * the model refuses must revert with the model's custom error and arguments and change nothing.
 */
describe("SettlementCoin (property)", () => {
  it("matches the model, keeps C1, C2 and C5 while the registries and membership change around it", async () => {
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const fixture = await loadFixture(coinFixture);
        const { accounts, coin, signers } = fixture;
        const model = new CoinModel(
          signers.map((signer) => signer.address),
          BigInt(await coin.maxAttestationAge()),
          fixture.expiry,
        );
        expect(model.maxAge, "maxAttestationAge").to.equal(BigInt(MAX_AGE));
        const minter = accounts.issuer.address;
        expect(await chainState(coin, signers, minter), "fixture").to.deep.equal(modelState(model));
        for (const [n, op] of ops.entries()) {
          const step = `step ${n} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          const at = BigInt(await time.latest()) + 1n;
          await time.setNextBlockTimestamp(at);
          const id = op.kind === "confirm" || op.kind === "reject" ? model.idOf(op.id) : 0;
          const recipient = recipientOf(model, op, id);
          const rejection = model.apply(op, at);
          if (rejection) {
            const [name, ...args] = rejection;
            const before = await chainState(coin, signers, minter);
            const reverted = expect(send(fixture, op, at, id), step).to.be.revertedWithCustomError(
              errorSource(fixture, name),
              name,
            );
            await (args.length ? reverted.withArgs(...args) : reverted);
            expect(await chainState(coin, signers, minter), `${step}: state after the rejection`).to.deep.equal(before);
          } else {
            await (await send(fixture, op, at, id)).wait();
            if (op.kind === "mint") {
              const latest = await coin.latestAttestation();
              expect(await coin.totalSupply(), `${step}: C2 supply ≤ reserves`).to.be.at.most(latest.reserves);
              expect(at - latest.asOf, `${step}: C2 attestation age`).to.be.at.most(model.maxAge);
            }
            if (recipient !== null) {
              const eligible = await registriesSayEligible(fixture, signers[recipient].address, at);
              expect(eligible, `${step}: C5 the recipient is eligible by the registries`).to.equal(true);
            }
          }
          for (let i = 0; i < HOLDERS.length; i++) {
            if (model.cachedEligible(i, at)) {
              expect(
                model.trulyEligible(i, at),
                `${step}: C5 ${HOLDERS[i]}'s cache says no more than the registries`,
              ).to.equal(true);
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
