import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse, LogDescription } from "ethers";
import fc from "fast-check";
import { FundRequestKind, FundRequestStatus, previewRedemption } from "../../../sdk/products/fund";
import { fundFixture, USD, type FundWorld } from "../../fixtures/fund";

/**
 * NAV dealing conserves value, over random sequences of subscriptions, redemptions, cancellations, NAVs, time,
 * dealing and cash movements:
 * - every dealt subscription splits its coin exactly: coin = fee + cost + refund, and its units are worth the cost
 *   to within one coin unit, never more (units × nav ≤ cost × scale < units × nav + scale);
 * - every dealt redemption pays exactly what its units are worth, rounded down: units × nav = (proceeds + fee) ×
 *   scale + dust with 0 ≤ dust < scale, and its gross leaves the fund's cash;
 * - each request is dealt at the first NAV valued at or after its cut-off;
 * - after every step: the fund's coin = subscription escrow + cash; the escrow = Σ pending subscriptions'
 *   coin = Σ dealing points' pending coin; the fund's own units = Σ pending redemptions' units; no coin is created
 *   or lost among the participants and the fund; supply = Σ unit balances;
 * - at the end, once everything pending is dealt, both escrows are empty.
 */

const INVESTORS = ["alice", "bob", "carol"] as const;
/** Requests dealt over all runs, by kind: the properties must not hold vacuously. */
const dealtCount = [0, 0];
const HOUR = 3_600n;

type Op =
  | { kind: "subscribe"; investor: number; coin: bigint }
  | { kind: "redeem"; investor: number; share: number }
  | { kind: "cancel"; investor: number; pick: number }
  | { kind: "advance"; seconds: bigint }
  | { kind: "nav"; nav: bigint }
  | { kind: "deal" }
  | { kind: "deposit"; coin: bigint }
  | { kind: "withdraw"; share: number };

const investorArb = fc.nat({ max: INVESTORS.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("subscribe" as const),
      investor: investorArb,
      // Mostly above the 100 aUSD minimum, with odd amounts.
      coin: fc.oneof(
        { weight: 8, arbitrary: fc.bigInt({ min: 100n * USD, max: 20_000n * USD }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 100n * USD - 1n }) },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("redeem" as const),
      investor: investorArb,
      share: fc.integer({ min: 1, max: 110 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("cancel" as const), investor: investorArb, pick: fc.nat({ max: 9 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      seconds: fc.oneof(fc.bigInt({ min: 1n, max: 6n * HOUR }), fc.bigInt({ min: 20n * HOUR, max: 50n * HOUR })),
    }),
  },
  // NAVs from 0.000001 to 250 aUSD per whole unit, mostly around 10.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("nav" as const),
      nav: fc.oneof(
        { weight: 6, arbitrary: fc.bigInt({ min: 5n * USD, max: 15n * USD }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 250n * USD }) },
      ),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "deal" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("deposit" as const), coin: fc.bigInt({ min: 1n, max: 50_000n * USD }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), share: fc.integer({ min: 1, max: 100 }) }),
  },
);

/** Each run starts with a subscription by every investor, dealt, so that redemptions find units. */
const seed: Op[] = [
  ...INVESTORS.map((_, investor): Op => ({ kind: "subscribe", investor, coin: 1_000n * USD })),
  { kind: "advance", seconds: 25n * HOUR },
  { kind: "nav", nav: 10n * USD },
  { kind: "deal" },
];
const opsArb = fc.array(opArb, { minLength: 10, maxLength: 24 }).map((ops) => [...seed, ...ops]);

interface ModelRequest {
  id: bigint;
  investor: number;
  kind: FundRequestKind;
  amount: bigint;
  cutOff: bigint;
  feeBps: bigint;
  status: FundRequestStatus;
}

interface Run {
  world: FundWorld;
  scale: bigint;
  fundAddress: string;
  participants: string[];
  totalCoin: bigint;
  clock: bigint;
  navs: { nav: bigint; valuation: bigint }[];
  requests: ModelRequest[];
}

function signer(run: Run, investor: number): HardhatEthersSigner {
  return run.world.accounts[INVESTORS[investor]];
}

/** Sends `send()` as the next block, one second after the model's clock. */
async function next(run: Run, send: () => Promise<ContractTransactionResponse>) {
  run.clock += 1n;
  await time.setNextBlockTimestamp(run.clock);
  return (await send()).wait();
}

async function expectRefused(run: Run, send: () => Promise<ContractTransactionResponse>, error: string) {
  run.clock += 1n;
  await time.setNextBlockTimestamp(run.clock);
  await expect(send()).to.be.revertedWithCustomError(run.world.contracts.fund, error);
}

/** The index of the NAV that deals `cutOff` in the model's history, or -1. */
function dealingNav(run: Run, cutOff: bigint): number {
  return run.navs.findIndex((n) => n.valuation >= cutOff);
}

async function apply(run: Run, op: Op): Promise<void> {
  const { fund, coin } = run.world.contracts;
  const { administrator, issuer, custodian } = run.world.accounts;
  switch (op.kind) {
    case "subscribe": {
      const investor = signer(run, op.investor);
      if (op.coin < 100n * USD) {
        await expectRefused(run, () => fund.connect(investor).requestSubscription(op.coin), "FundBelowMinSubscription");
        return;
      }
      await next(run, () => fund.connect(investor).requestSubscription(op.coin));
      const id = await fund.requestCount();
      const request = await fund.requestOf(id);
      expect(request.cutOff > run.clock && request.cutOff - 86_400n <= run.clock).to.equal(true);
      run.requests.push({
        id,
        investor: op.investor,
        kind: FundRequestKind.Subscription,
        amount: op.coin,
        cutOff: request.cutOff,
        feeBps: request.feeBps,
        status: FundRequestStatus.Pending,
      });
      return;
    }
    case "redeem": {
      const investor = signer(run, op.investor);
      const balance = await fund.balanceOf(investor.address);
      const units = (balance * BigInt(op.share)) / 100n;
      if (units === 0n) return;
      if (units > balance) {
        await expectRefused(run, () => fund.connect(investor).requestRedemption(units), "ERC20InsufficientBalance");
        return;
      }
      await next(run, () => fund.connect(investor).requestRedemption(units));
      const id = await fund.requestCount();
      const request = await fund.requestOf(id);
      run.requests.push({
        id,
        investor: op.investor,
        kind: FundRequestKind.Redemption,
        amount: units,
        cutOff: request.cutOff,
        feeBps: request.feeBps,
        status: FundRequestStatus.Pending,
      });
      return;
    }
    case "cancel": {
      const mine = run.requests.filter((r) => r.investor === op.investor && r.status === FundRequestStatus.Pending);
      if (mine.length === 0) return;
      const request = mine[op.pick % mine.length];
      const investor = signer(run, op.investor);
      if (run.clock + 1n >= request.cutOff) {
        await expectRefused(run, () => fund.connect(investor).cancelRequest(request.id), "FundCutOffPassed");
        return;
      }
      await next(run, () => fund.connect(investor).cancelRequest(request.id));
      request.status = FundRequestStatus.Cancelled;
      return;
    }
    case "advance":
      run.clock += op.seconds;
      return;
    case "nav": {
      await next(run, () => fund.connect(administrator).postNav(op.nav, run.clock));
      run.navs.push({ nav: op.nav, valuation: run.clock });
      return;
    }
    case "deal":
      await dealEverything(run);
      return;
    case "deposit":
      await next(run, () => fund.connect(administrator).depositCash(op.coin));
      return;
    case "withdraw": {
      const amount = ((await fund.cash()) * BigInt(op.share)) / 100n;
      if (amount === 0n) return;
      await next(run, () => fund.connect(issuer).withdrawCash(custodian.address, amount));
      void coin;
      return;
    }
  }
}

/** Deals every pending request whose dealing NAV is posted, depositing cash first if redemptions need it. */
async function dealEverything(run: Run): Promise<void> {
  const { fund } = run.world.contracts;
  const { administrator } = run.world.accounts;
  const dealable = run.requests.filter((r) => r.status === FundRequestStatus.Pending && dealingNav(run, r.cutOff) >= 0);
  const subscriptions = dealable.filter((r) => r.kind === FundRequestKind.Subscription);
  const redemptions = dealable.filter((r) => r.kind === FundRequestKind.Redemption);
  if (subscriptions.length !== 0) {
    const receipt = await next(run, () =>
      fund.connect(administrator).dealSubscriptions(subscriptions.map((r) => r.id)),
    );
    checkDealt(run, receipt!, subscriptions);
  }
  if (redemptions.length !== 0) {
    const scale = run.scale;
    const needed = redemptions.reduce((sum, r) => {
      const nav = run.navs[dealingNav(run, r.cutOff)].nav;
      return sum + (r.amount * nav) / scale;
    }, 0n);
    const cash = await fund.cash();
    if (needed > cash) await next(run, () => fund.connect(administrator).depositCash(needed - cash));
    const receipt = await next(run, () => fund.connect(administrator).dealRedemptions(redemptions.map((r) => r.id)));
    checkDealt(run, receipt!, redemptions);
  }
}

/** Checks each dealt request's event against the conservation rules and the dealing rule, and records it. */
function checkDealt(run: Run, receipt: ContractTransactionReceipt, dealt: ModelRequest[]): void {
  const { fund } = run.world.contracts;
  const scale = run.scale;
  const parsed = receipt.logs.map((log) => fund.interface.parseLog(log)).filter((e): e is LogDescription => e !== null);
  const events = parsed.filter((e) => e.name === "SubscriptionDealt" || e.name === "RedemptionDealt");
  expect(events.length).to.equal(dealt.length);
  let fees = 0n;
  for (const request of dealt) {
    const event = events.find((e) => e.args.id === request.id)!;
    const navIndex = dealingNav(run, request.cutOff);
    expect(event.args.navIndex, "dealt at the first NAV at or after the cut-off").to.equal(BigInt(navIndex));
    const nav = run.navs[navIndex].nav;
    if (request.kind === FundRequestKind.Subscription) {
      const { coin, fee, units, cost, refund } = event.args;
      expect(coin).to.equal(request.amount);
      expect(fee + cost + refund, "coin = fee + cost + refund").to.equal(coin);
      expect(units * nav <= cost * scale, "the units are worth no more than their cost").to.equal(true);
      if (units > 0n) expect(cost * scale < units * nav + scale, "cost exceeds value by < 1 coin unit").to.equal(true);
      else expect(refund).to.equal(coin);
      expect(fee * 10_000n <= coin * request.feeBps).to.equal(true);
      fees += fee;
    } else {
      const { units, gross, fee, proceeds } = event.args;
      expect(units).to.equal(request.amount);
      expect(proceeds + fee, "gross = proceeds + fee").to.equal(gross);
      const dust = units * nav - gross * scale;
      expect(dust >= 0n && dust < scale, "units × nav = gross × scale + dust").to.equal(true);
      expect(gross).to.equal(previewRedemption(units, Number(request.feeBps), nav, run.world.decimals).gross);
      fees += fee;
    }
    request.status = FundRequestStatus.Dealt;
    dealtCount[request.kind] += 1;
  }
  const paid = receipt.logs
    .map((log) => {
      try {
        return fund.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((e) => e?.name === "FeesPaid");
  expect(
    paid.reduce((s, e) => s + (e!.args.amount as bigint), 0n),
    "fees paid = Σ fees",
  ).to.equal(fees);
}

async function checkInvariants(run: Run): Promise<void> {
  const { fund, coin } = run.world.contracts;
  const escrow = await fund.subscriptionEscrow();
  const cash = await fund.cash();
  expect(await coin.balanceOf(run.fundAddress), "fund coin = escrow + cash").to.equal(escrow + cash);
  const pending = run.requests.filter((r) => r.status === FundRequestStatus.Pending);
  const pendingCoin = pending.filter((r) => r.kind === FundRequestKind.Subscription).reduce((s, r) => s + r.amount, 0n);
  const pendingUnits = pending.filter((r) => r.kind === FundRequestKind.Redemption).reduce((s, r) => s + r.amount, 0n);
  expect(escrow, "escrow = Σ pending subscriptions").to.equal(pendingCoin);
  expect(await fund.balanceOf(run.fundAddress), "fund units = Σ pending redemptions").to.equal(pendingUnits);
  const cutOffs = [...new Set(pending.map((r) => r.cutOff))];
  let pointCoin = 0n;
  let pointUnits = 0n;
  for (const cutOff of cutOffs) {
    const point = await fund.dealingPoint(cutOff);
    pointCoin += point.subscriptionCoin;
    pointUnits += point.redemptionUnits;
  }
  expect(pointCoin).to.equal(pendingCoin);
  expect(pointUnits).to.equal(pendingUnits);
  for (const request of run.requests)
    expect((await fund.requestOf(request.id)).status).to.equal(BigInt(request.status));
  const coins = await Promise.all([...run.participants, run.fundAddress].map((a) => coin.balanceOf(a)));
  expect(
    coins.reduce((a, b) => a + b, 0n),
    "no coin created or lost",
  ).to.equal(run.totalCoin);
  const units = await Promise.all([...run.participants, run.fundAddress].map((a) => fund.balanceOf(a)));
  expect(
    units.reduce((a, b) => a + b, 0n),
    "supply = Σ balances",
  ).to.equal(await fund.totalSupply());
}

async function start(fixture: () => Promise<FundWorld>): Promise<Run> {
  const world = await loadFixture(fixture);
  const { fund, coin } = world.contracts;
  const { alice, bob, carol, administrator, feeAccount, issuer, custodian } = world.accounts;
  const participants = [alice, bob, carol, administrator, feeAccount, issuer, custodian].map((s) => s.address);
  const fundAddress = await fund.getAddress();
  const coins = await Promise.all([...participants, fundAddress].map((a) => coin.balanceOf(a)));
  return {
    world,
    scale: 10n ** (await fund.decimals()),
    fundAddress,
    participants,
    totalCoin: coins.reduce((a, b) => a + b, 0n),
    clock: BigInt(await time.latest()),
    navs: [],
    requests: [],
  };
}

/** Ends a run: a NAV valued after every pending cut-off, everything dealt, both escrows empty. */
async function settle(run: Run): Promise<void> {
  const last = run.requests.reduce((m, r) => (r.cutOff > m ? r.cutOff : m), 0n);
  if (run.clock < last) run.clock = last;
  await next(run, () =>
    run.world.contracts.fund.connect(run.world.accounts.administrator).postNav(11n * USD, run.clock),
  );
  run.navs.push({ nav: 11n * USD, valuation: run.clock });
  await dealEverything(run);
  await checkInvariants(run);
  expect(await run.world.contracts.fund.subscriptionEscrow()).to.equal(0n);
  expect(await run.world.contracts.fund.balanceOf(run.fundAddress)).to.equal(0n);
  expect(run.requests.every((r) => r.status !== FundRequestStatus.Pending)).to.equal(true);
}

const sixDecimals = fundFixture();
const wholeUnits = fundFixture({ decimals: 0, terms: { entryFeeBps: 1_000, exitFeeBps: 333 } });

describe("Fund (property)", function () {
  for (const [name, fixture, runs] of [
    ["units of 6 decimals, 1 % entry and 0.5 % exit fees", sixDecimals, 12],
    ["whole units, 10 % entry and 3.33 % exit fees", wholeUnits, 8],
  ] as const) {
    it(`NAV dealing conserves value over random sequences (${name})`, async function () {
      await fc.assert(
        fc.asyncProperty(opsArb, async (ops) => {
          const run = await start(fixture);
          for (const op of ops) {
            await apply(run, op);
            await checkInvariants(run);
          }
          await settle(run);
        }),
        { numRuns: runs },
      );
      expect(dealtCount[FundRequestKind.Subscription], "subscriptions dealt").to.be.greaterThan(runs);
      expect(dealtCount[FundRequestKind.Redemption], "redemptions dealt").to.be.greaterThan(runs / 2);
      dealtCount.fill(0);
    });
  }
});
