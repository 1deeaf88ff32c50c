import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { DAY, loyaltyFixture } from "../../fixtures/loyalty";

/**
 * Random sequences of a program's operations — issues, redemptions, transfers — interleaved with time jumps,
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
  | { type: "participant"; who: number; on: boolean };

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
);

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

describe("LoyaltyCredit (properties)", function () {
  it("balances never count expired credits, spending never exceeds them, and breakage always adds up", async function () {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 10, maxLength: 30 }), async (ops) => {
        const { accounts, contracts, program } = await loadFixture(loyaltyFixture);
        const customers = [accounts.alice, accounts.bob, accounts.carol];
        const merchants = [accounts.merchant, accounts.partner, accounts.outsider];
        const members = contracts.members.connect(accounts.governor);
        const model = new Model();
        model.participants.add(accounts.merchant.address);
        model.participants.add(accounts.partner.address);
        const periods = new Set<bigint>();

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

        const check = async (label: string) => {
          const cur = BigInt(Math.floor((await time.latest()) / DAY));
          let sum = 0n;
          for (const holder of [...customers, ...merchants]) {
            const expected = model.live(holder.address, cur);
            const actual = (await program.bucketsOf(holder.address)).map((b) => ({
              period: b.period,
              amount: b.amount,
            }));
            expect(actual, `${label}: buckets of ${holder.address}`).to.deep.equal(expected);
            const balance = await program.balanceOf(holder.address);
            expect(balance, `${label}: balance`).to.equal(model.balance(holder.address, cur));
            sum += balance;
          }
          expect(await program.totalSupply(), `${label}: supply = Σ balances`).to.equal(sum);
          const b = await program.breakage();
          expect(b.issued, `${label}: issued`).to.equal(model.issued);
          expect(b.redeemed, `${label}: redeemed`).to.equal(model.redeemed);
          expect(b.outstanding, `${label}: outstanding`).to.equal(sum);
          expect(b.issued, `${label}: breakage adds up`).to.equal(b.redeemed + b.expired + b.outstanding);
          for (const period of periods) {
            const p = await program.periodFigures(period);
            const remaining = model.remaining.get(period) ?? 0n;
            expect(p.issued, `${label}: issued in ${period}`).to.equal(model.issuedIn.get(period) ?? 0n);
            expect(p.issued, `${label}: period ${period} adds up`).to.equal(p.redeemed + p.expired + p.outstanding);
            expect(p.expired + p.outstanding, `${label}: remaining of ${period}`).to.equal(remaining);
            if (period <= cur) expect(p.outstanding).to.equal(0n);
            else expect(p.expired).to.equal(0n);
          }
        };

        for (const [step, op] of ops.entries()) {
          const label = `step ${step} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          switch (op.type) {
            case "issue": {
              const to = customers[op.to].address;
              const ok = await send(() => program.connect(accounts.merchant).issue(to, op.amount));
              const allowed = !model.suspended.has(accounts.merchant.address);
              expect(ok, label).to.equal(allowed);
              if (!ok) break;
              const period = (BigInt(now) + model.validity) / BigInt(DAY);
              periods.add(period);
              const list = model.live(to, current());
              model.add(model.remaining, period, op.amount);
              model.add(model.issuedIn, period, op.amount);
              model.insert(to, list, period, op.amount);
              for (const b of list) periods.add(b.period);
              model.buckets.set(to, list);
              model.issued += op.amount;
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
              if (!ok) break;
              const list = model.live(from.address, current());
              for (const piece of model.spend(list, op.amount)) model.add(model.remaining, piece.period, -piece.amount);
              model.buckets.set(from.address, list);
              model.redeemed += op.amount;
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
          }
          await check(label);
        }
      }),
      { numRuns: 25 },
    );
  });
});
