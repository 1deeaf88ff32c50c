import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import type { LoyaltyCredit } from "../../../typechain-types";
import { DAY, launchProgram, loyaltyFixture } from "../../fixtures/loyalty";

/**
 * Random sequences of a program's operations — issues, redemptions, transfers, conversions into a second program
 * and back through the LoyaltyExchange (within the routes' caps) — interleaved with time jumps,
 * membership changes (the program's merchant or a participant suspended and reinstated) and configuration changes
 * (transferability, validity, participants), compared step by step with a TypeScript model of the buckets
 * (oldest-first spending, expiry at the start of the bucket's period, the two latest buckets merged at the bound).
 * After every step: every holder's buckets and balance equal the model's (L3: no expired credit counts), the
 * supply equals the sum of the balances (L2), breakage adds up and matches the model (L1), every period's
 * figures add up (L5); a redemption or transfer above the unexpired balance reverts and changes nothing (L4).
 * Operations run at noon-ish of a day so that a step never straddles a period boundary.
 */

const MAX_BUCKETS = 8;
const BIG = 10n ** 6n;

interface Bucket {
  period: bigint;
  amount: bigint;
}

type Op =
  | { type: "issue"; to: number; amount: bigint }
  | { type: "redeem"; from: number; at: number; amount: bigint }
  | { type: "transfer"; from: number; to: number; amount: bigint }
  | { type: "advance"; days: number }
  | { type: "suspend"; who: number }
  | { type: "reinstate"; who: number }
  | { type: "transferable"; on: boolean }
  | { type: "validity"; days: number }
  | { type: "participant"; who: number; on: boolean }
  | { type: "convert"; who: number; amount: bigint; back: boolean };

/** Customers: alice, bob, carol. Merchants: 0 the program's, 1 the partner, 2 the outsider. */
const customer = fc.integer({ min: 0, max: 2 });
const merchantIndex = fc.integer({ min: 0, max: 2 });
const amount = fc.oneof(fc.bigInt({ min: 1n, max: 60n }), fc.bigInt({ min: 1n, max: BIG }));
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant("issue" as const), to: customer, amount }) },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant("redeem" as const), from: customer, at: merchantIndex, amount }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant("transfer" as const), from: customer, to: customer, amount }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("advance" as const), days: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("suspend" as const), who: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("reinstate" as const), who: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("transferable" as const), on: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("validity" as const), days: fc.integer({ min: 1, max: 20 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("participant" as const), who: merchantIndex, on: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("convert" as const),
      who: customer,
      amount: fc.bigInt({ min: 1n, max: 700n }),
      back: fc.boolean(),
    }),
  },
);

/** The exchange's routes: BEAN → CRUMB at 2 per 5, CRUMB → BEAN at 1 per 1; 500 a conversion, 800 a day. */
const ROUTES = [
  { numerator: 2n, denominator: 5n, perConversionCap: 500n, perWindowCap: 800n, window: DAY },
  { numerator: 1n, denominator: 1n, perConversionCap: 500n, perWindowCap: 800n, window: DAY },
];

class Model {
  buckets = new Map<string, Bucket[]>();
  remaining = new Map<bigint, bigint>();
  issuedIn = new Map<bigint, bigint>();
  issued = 0n;
  redeemed = 0n;
  validity = BigInt(30 * DAY);
  transferable = true;
  participants = new Set<string>();
  suspended = new Set<string>();

  live(holder: string, current: bigint): Bucket[] {
    return (this.buckets.get(holder) ?? []).filter((b) => b.period > current).map((b) => ({ ...b }));
  }

  balance(holder: string, current: bigint): bigint {
    return this.live(holder, current).reduce((sum, b) => sum + b.amount, 0n);
  }

  add(map: Map<bigint, bigint>, period: bigint, delta: bigint): void {
    map.set(period, (map.get(period) ?? 0n) + delta);
  }

  /** Mirrors `_insert` and `_redate`. */
  insert(holder: string, list: Bucket[], period: bigint, amount: bigint): void {
    const same = list.find((b) => b.period === period);
    if (same) {
      same.amount += amount;
      return;
    }
    list.push({ period, amount });
    list.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    if (list.length > MAX_BUCKETS) {
      const last = list.pop()!;
      const previous = list[list.length - 1];
      previous.amount += last.amount;
      this.add(this.remaining, last.period, -last.amount);
      this.add(this.remaining, previous.period, last.amount);
      this.add(this.issuedIn, last.period, -last.amount);
      this.add(this.issuedIn, previous.period, last.amount);
    }
    void holder;
  }

  /** Issues `amount` credits of `period` to `to` (the period figures, the bucket, the totals). */
  issue(to: string, period: bigint, amount: bigint, current: bigint): void {
    const list = this.live(to, current);
    this.add(this.remaining, period, amount);
    this.add(this.issuedIn, period, amount);
    this.insert(to, list, period, amount);
    this.buckets.set(to, list);
    this.issued += amount;
  }

  /** Burns `amount` of `from`'s oldest live credits, counted redeemed. */
  burn(from: string, amount: bigint, current: bigint): void {
    const list = this.live(from, current);
    for (const piece of this.spend(list, amount)) this.add(this.remaining, piece.period, -piece.amount);
    this.buckets.set(from, list);
    this.redeemed += amount;
  }

  /** Every period this model's figures name. */
  periods(): bigint[] {
    return [...this.issuedIn.keys()];
  }

  /** Mirrors `_spend`: oldest first; returns the pieces taken. */
  spend(list: Bucket[], amount: bigint): Bucket[] {
    const pieces: Bucket[] = [];
    let left = amount;
    while (left > 0n) {
      const head = list[0];
      const take = head.amount < left ? head.amount : left;
      pieces.push({ period: head.period, amount: take });
      head.amount -= take;
      left -= take;
      if (head.amount === 0n) list.shift();
    }
    return pieces;
  }
}

/** The loyalty fixture, the partner's program CRUMB (daily, 30 days) and the two routes of `ROUTES`. */
async function conversionFixture() {
  const f = await loyaltyFixture();
  const crumb = await launchProgram(f.contracts.factory, f.accounts.partner, { name: "Pier Crumbs", symbol: "CRUMB" });
  const governor = f.exchange.connect(f.accounts.governor);
  await governor.setRoute(f.program, crumb, ROUTES[0]);
  await governor.setRoute(crumb, f.program, ROUTES[1]);
  return { ...f, crumb };
}

describe("LoyaltyCredit (properties)", function () {
  it("balances never count expired credits, spending never exceeds them, and breakage always adds up", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 10, maxLength: 30 }), async (ops) => {
        const { accounts, contracts, program, crumb, exchange } = await loadFixture(conversionFixture);
        const customers = [accounts.alice, accounts.bob, accounts.carol];
        const merchants = [accounts.merchant, accounts.partner, accounts.outsider];
        const members = contracts.members.connect(accounts.governor);
        const model = new Model();
        model.participants.add(accounts.merchant.address);
        model.participants.add(accounts.partner.address);
        const crumbModel = new Model();
        const usage = [
          { window: -1, used: 0n },
          { window: -1, used: 0n },
        ];

        // Noon of the next day: every operation of a step runs within one period.
        let now = (Math.floor((await time.latest()) / DAY) + 1) * DAY + DAY / 2;
        await time.increaseTo(now);

        /** Sends `tx` in the next block (one second later), and returns whether it succeeded. */
        const send = async (tx: () => Promise<ContractTransactionResponse>): Promise<boolean> => {
          now += 1;
          await time.setNextBlockTimestamp(now);
          try {
            await (await tx()).wait();
            return true;
          } catch {
            return false;
          }
        };
        const current = () => BigInt(Math.floor(now / DAY));

        const checkProgram = async (label: string, token: LoyaltyCredit, m: Model) => {
          const cur = BigInt(Math.floor((await time.latest()) / DAY));
          let sum = 0n;
          for (const holder of [...customers, ...merchants]) {
            const expected = m.live(holder.address, cur);
            const actual = (await token.bucketsOf(holder.address)).map((b) => ({
              period: b.period,
              amount: b.amount,
            }));
            expect(actual, `${label}: buckets of ${holder.address}`).to.deep.equal(expected);
            const balance = await token.balanceOf(holder.address);
            expect(balance, `${label}: balance`).to.equal(m.balance(holder.address, cur));
            sum += balance;
          }
          expect(await token.totalSupply(), `${label}: supply = Σ balances`).to.equal(sum);
          const b = await token.breakage();
          expect(b.issued, `${label}: issued`).to.equal(m.issued);
          expect(b.redeemed, `${label}: redeemed`).to.equal(m.redeemed);
          expect(b.outstanding, `${label}: outstanding`).to.equal(sum);
          expect(b.issued, `${label}: breakage adds up`).to.equal(b.redeemed + b.expired + b.outstanding);
          for (const period of m.periods()) {
            const p = await token.periodFigures(period);
            const remaining = m.remaining.get(period) ?? 0n;
            expect(p.issued, `${label}: issued in ${period}`).to.equal(m.issuedIn.get(period) ?? 0n);
            expect(p.issued, `${label}: period ${period} adds up`).to.equal(p.redeemed + p.expired + p.outstanding);
            expect(p.expired + p.outstanding, `${label}: remaining of ${period}`).to.equal(remaining);
            if (period <= cur) expect(p.outstanding).to.equal(0n);
            else expect(p.expired).to.equal(0n);
          }
        };
        const check = async (label: string) => {
          await checkProgram(`${label} BEAN`, program, model);
          await checkProgram(`${label} CRUMB`, crumb, crumbModel);
        };

        for (const [step, op] of ops.entries()) {
          const label = `step ${step} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          switch (op.type) {
            case "issue": {
              const to = customers[op.to].address;
              const ok = await send(() => program.connect(accounts.merchant).issue(to, op.amount));
              const allowed = !model.suspended.has(accounts.merchant.address);
              expect(ok, label).to.equal(allowed);
              if (ok) model.issue(to, (BigInt(now) + model.validity) / BigInt(DAY), op.amount, current());
              break;
            }
            case "redeem": {
              const from = customers[op.from];
              const at = merchants[op.at].address;
              const ok = await send(() => program.connect(from).redeem(at, op.amount));
              const allowed =
                model.participants.has(at) &&
                !model.suspended.has(at) &&
                op.amount <= model.balance(from.address, current());
              expect(ok, label).to.equal(allowed);
              if (ok) model.burn(from.address, op.amount, current());
              break;
            }
            case "transfer": {
              const from = customers[op.from].address;
              const to = customers[op.to].address;
              const ok = await send(() => program.connect(customers[op.from]).transfer(to, op.amount));
              const allowed = model.transferable && op.amount <= model.balance(from, current());
              expect(ok, label).to.equal(allowed);
              if (!ok) break;
              const list = model.live(from, current());
              const pieces = model.spend(list, op.amount);
              model.buckets.set(from, list);
              const received = model.live(to, current());
              for (const piece of pieces) model.insert(to, received, piece.period, piece.amount);
              model.buckets.set(to, received);
              break;
            }
            case "advance":
              if (op.days === 0) break;
              now += op.days * DAY;
              await time.increaseTo(now);
              break;
            case "suspend": {
              const who = merchants[op.who].address;
              const ok = await send(() => members.suspendMember(who, ethers.id("property")));
              expect(ok, label).to.equal(!model.suspended.has(who));
              model.suspended.add(who);
              break;
            }
            case "reinstate": {
              const who = merchants[op.who].address;
              const ok = await send(() => members.reinstateMember(who));
              expect(ok, label).to.equal(model.suspended.has(who));
              model.suspended.delete(who);
              break;
            }
            case "transferable": {
              const ok = await send(() => program.connect(accounts.merchant).setTransferable(op.on));
              expect(ok, label).to.equal(!model.suspended.has(accounts.merchant.address));
              if (ok) model.transferable = op.on;
              break;
            }
            case "validity": {
              const ok = await send(() => program.connect(accounts.merchant).setValidity(op.days * DAY));
              expect(ok, label).to.equal(!model.suspended.has(accounts.merchant.address));
              if (ok) model.validity = BigInt(op.days * DAY);
              break;
            }
            case "participant": {
              const who = merchants[op.who].address;
              const ok = await send(() => program.connect(accounts.merchant).setParticipant(who, op.on));
              // Adding needs the MERCHANT role, which a suspension revokes.
              const allowed = !model.suspended.has(accounts.merchant.address) && (!op.on || !model.suspended.has(who));
              expect(ok, label).to.equal(allowed);
              if (ok && op.on) model.participants.add(who);
              if (ok && !op.on) model.participants.delete(who);
              break;
            }
            case "convert": {
              const who = customers[op.who];
              const [source, target, sourceModel, targetModel] = op.back
                ? [crumb, program, crumbModel, model]
                : [program, crumb, model, crumbModel];
              const route = ROUTES[op.back ? 1 : 0];
              const ok = await send(() => exchange.connect(who).convert(source, target, op.amount));
              const window = Math.floor(now / DAY);
              const use = usage[op.back ? 1 : 0];
              const used = use.window === window ? use.used : 0n;
              const out = (op.amount * route.numerator) / route.denominator;
              const allowed =
                op.amount <= route.perConversionCap &&
                out > 0n &&
                used + op.amount <= route.perWindowCap &&
                !model.suspended.has(accounts.merchant.address) &&
                !model.suspended.has(accounts.partner.address) &&
                op.amount <= sourceModel.balance(who.address, current());
              expect(ok, label).to.equal(allowed);
              if (!ok) break;
              usage[op.back ? 1 : 0] = { window, used: used + op.amount };
              sourceModel.burn(who.address, op.amount, current());
              targetModel.issue(who.address, (BigInt(now) + targetModel.validity) / BigInt(DAY), out, current());
              break;
            }
          }
          await check(label);
        }
      }),
      { numRuns: 25 },
    );
  });
});
