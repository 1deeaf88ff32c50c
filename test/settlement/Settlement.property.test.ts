import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { HoldableTokenMock } from "../../typechain-types";
import {
  instructionId,
  legKey,
  settlementFixture,
  signInstruction,
  type Instruction,
  type SettlementWorld,
} from "./helpers";

/* OPERATIONS */

/** A leg over token `t` (0, 1: securities; 2: a coin) between parties 0–2. Amounts stay far below balances. */
interface LegSpec {
  t: number;
  from: number;
  to: number;
  amount: bigint;
}

type Op =
  // A new instruction: its senders consent (or one does not), some legs are pre-funded, and it is settled now or
  // left pending.
  | { kind: "instruct"; legs: LegSpec[]; unsigned: number; prefund: number; settleNow: boolean; reuseNonce: boolean }
  | { kind: "settlePending"; pick: number }
  | { kind: "cancel"; pick: number }
  | { kind: "release"; pick: number; leg: number }
  | { kind: "wait"; seconds: number }
  // The world around the tokens: freezes, recipients refused (pipeline / eligibility), pauses.
  | { kind: "freeze"; t: number; party: number; frozen: boolean }
  | { kind: "refuse"; t: number; party: number; code: number }
  | { kind: "pause"; t: number; paused: boolean };

const legSpec = fc
  .record({
    t: fc.integer({ min: 0, max: 2 }),
    from: fc.integer({ min: 0, max: 2 }),
    shift: fc.integer({ min: 1, max: 2 }),
    amount: fc.bigInt({ min: 1n, max: 1_000n }),
  })
  .map(({ t, from, shift, amount }) => ({ t, from, to: (from + shift) % 3, amount }));

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("instruct" as const),
      legs: fc.array(legSpec, { minLength: 1, maxLength: 4 }),
      unsigned: fc.integer({ min: -6, max: 3 }),
      prefund: fc.integer({ min: 1, max: 15 }),
      settleNow: fc.boolean(),
      reuseNonce: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settlePending" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat(), leg: fc.nat({ max: 4 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 60, max: 5_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("freeze" as const),
      t: fc.integer({ min: 0, max: 2 }),
      party: fc.integer({ min: 0, max: 2 }),
      frozen: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("refuse" as const),
      t: fc.integer({ min: 0, max: 2 }),
      party: fc.integer({ min: 0, max: 2 }),
      code: fc.constantFrom(0, 0, 4, 7),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("pause" as const),
      t: fc.integer({ min: 0, max: 2 }),
      paused: fc.boolean(),
    }),
  },
);

/* MODEL */

interface Pending {
  instruction: Instruction;
  consents: string[];
  held: number;
}

/**
 * Random sequences of instructions, pre-funding holds, settlements, cancels, releases, deadlines and refusals
 * (freezes, pauses, recipients refused) never move one leg without the others (S1), move legs only as
 * instructed, release or execute a hold at most once, and keep every token's Σ balances = supply with
 * held ≤ balance for every holder (the holds model agrees with the token) and the engine holding nothing (S5).
 * `explainSettlement` says `ok` exactly when the settlement that follows succeeds.
 */
describe("Settlement property", function () {
  it("settles atomically, releases holds once, and keeps supplies and holds consistent", async function () {
    this.timeout(600_000);
    /** How often each outcome happened over all runs (the property must exercise each). */
    const seen = { settled: 0, refused: 0, prefunded: 0, released: 0, heldSettled: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 6, maxLength: 16 }), async (ops) => {
        const world: SettlementWorld = await loadFixture(settlementFixture);
        const { alice, bob, carol, submitter, stranger } = world.accounts;
        const { engine, equity, equityB, usd } = world.contracts;
        const parties = [alice, bob, carol];
        const tokens: HoldableTokenMock[] = [equity, equityB, usd];
        const holders = [...parties.map((p) => p.address), await engine.getAddress()];
        const pending: Pending[] = [];
        /** Model of every hold the engine placed: amount while active, 0 once executed or released. */
        const holds = new Map<string, { token: number; holder: number; amount: bigint; done: boolean }>();
        let nonce = 0n;

        const balances = async () => Promise.all(tokens.map((t) => Promise.all(holders.map((h) => t.balanceOf(h)))));
        const tokenIndex = async (address: string) => {
          for (let i = 0; i < tokens.length; i++) if ((await tokens[i].getAddress()) === address) return i;
          throw new Error("unknown token");
        };

        /** Settles `p` (explain first): all legs move or none; returns whether it settled. */
        const settle = async (p: Pending) => {
          const [ok] = await engine.connect(submitter).explainSettlement(p.instruction, p.consents, p.held);
          const before = await balances();
          let settled = true;
          try {
            await (await engine.connect(submitter).settle(p.instruction, p.consents, p.held)).wait();
          } catch {
            settled = false;
          }
          expect(settled, "explainSettlement agrees with settle").to.equal(ok);
          seen[settled ? "settled" : "refused"]++;
          if (settled && p.held !== 0) seen.heldSettled++;
          const after = await balances();
          const expected = before.map((row) => [...row]);
          if (settled) {
            const id = instructionId(p.instruction);
            for (const [i, l] of p.instruction.legs.entries()) {
              const t = await tokenIndex(l.token);
              expected[t][parties.findIndex((x) => x.address === l.from)] -= l.amount;
              expected[t][parties.findIndex((x) => x.address === l.to)] += l.amount;
              if ((p.held >> i) & 1) {
                const hold = holds.get(legKey(id, i))!;
                expect(hold.done, "a hold executed once").to.equal(false);
                hold.done = true;
              }
            }
          }
          expect(after, settled ? "every leg moved" : "no leg moved").to.deep.equal(expected);
          return settled;
        };

        /** Anyone releases leg `legIndex`'s pre-funding hold: exactly when the instruction is dead and the hold
         * active, never twice. */
        const release = async (p: Pending, legIndex: number) => {
          const id = instructionId(p.instruction);
          const hold = holds.get(legKey(id, legIndex));
          const live =
            BigInt(await time.latest()) + 1n < p.instruction.deadline &&
            !(await engine.isNonceUsed(p.instruction.legs[0].from, p.instruction.nonce));
          let released = true;
          try {
            await (await engine.connect(stranger).releasePrefund(p.instruction, legIndex)).wait();
          } catch {
            released = false;
          }
          expect(released).to.equal(!live && hold !== undefined && !hold.done);
          if (released) {
            hold!.done = true;
            seen.released++;
          }
        };

        for (const o of ops) {
          switch (o.kind) {
            case "instruct": {
              const legs = await Promise.all(
                o.legs.map(async (l) => ({
                  token: await tokens[l.t].getAddress(),
                  from: parties[l.from].address,
                  to: parties[l.to].address,
                  amount: l.amount,
                })),
              );
              const useNonce = o.reuseNonce && nonce > 0n ? nonce - 1n : nonce++;
              const instruction: Instruction = {
                tradeRef: ethers.id(`trade ${useNonce}`),
                deadline: BigInt(await time.latest()) + 3_000n,
                nonce: useNonce,
                legs,
              };
              const consents = await Promise.all(
                o.legs.map((l, i) =>
                  i === o.unsigned ? Promise.resolve("0x") : signInstruction(engine, parties[l.from], instruction),
                ),
              );
              const id = instructionId(instruction);
              let held = 0;
              for (let i = 0; i < legs.length; i++) {
                if (((o.prefund >> i) & 1) === 0) continue;
                try {
                  await (await engine.connect(parties[o.legs[i].from]).prefund(instruction, i)).wait();
                  held |= 1 << i;
                  seen.prefunded++;
                  holds.set(legKey(id, i), {
                    token: o.legs[i].t,
                    holder: o.legs[i].from,
                    amount: legs[i].amount,
                    done: false,
                  });
                } catch {
                  // Refused (paused, frozen, nonce used…): the hold was not placed.
                  expect((await tokens[o.legs[i].t].holdOf(legKey(id, i))).status).to.equal(0n);
                }
              }
              const p = { instruction, consents, held };
              if (!o.settleNow || !(await settle(p))) pending.push(p);
              break;
            }
            case "settlePending": {
              if (pending.length === 0) break;
              const index = o.pick % pending.length;
              if (await settle(pending[index])) pending.splice(index, 1);
              break;
            }
            case "cancel": {
              if (pending.length === 0) break;
              const p = pending[o.pick % pending.length];
              const initiator = parties.find((x) => x.address === p.instruction.legs[0].from)!;
              const used = await engine.isNonceUsed(initiator.address, p.instruction.nonce);
              const tx = engine.connect(initiator).cancel(p.instruction, "0x");
              if (used) await expect(tx).to.be.revertedWithCustomError(engine, "SettlementNonceUsed");
              else await expect(tx).to.emit(engine, "SettlementCancelled");
              // Its pre-funding holds are now anyone's to release, once.
              for (let i = 0; i < p.instruction.legs.length; i++) await release(p, i);
              break;
            }
            case "release": {
              if (pending.length === 0) break;
              const p = pending[o.pick % pending.length];
              await release(p, o.leg % p.instruction.legs.length);
              break;
            }
            case "wait":
              await time.increase(o.seconds);
              break;
            case "freeze":
              await tokens[o.t].setFrozen(parties[o.party].address, o.frozen);
              break;
            case "refuse":
              await tokens[o.t].setRefusal(parties[o.party].address, o.code);
              break;
            case "pause":
              await tokens[o.t].setPaused(o.paused);
              break;
          }

          // Invariants after every step.
          for (const [t, token] of tokens.entries()) {
            const rows = await Promise.all(holders.map((h) => token.balanceOf(h)));
            expect(
              rows.reduce((a, b) => a + b, 0n),
              "Σ balances = supply",
            ).to.equal(await token.totalSupply());
            expect(rows[3], "the engine holds nothing").to.equal(0n);
            for (const [i, party] of parties.entries()) {
              const held = await token.heldBalanceOf(party.address);
              expect(held <= rows[i], "held ≤ balance").to.equal(true);
              let modelled = 0n;
              for (const h of holds.values()) if (h.token === t && h.holder === i && !h.done) modelled += h.amount;
              expect(held, "held = Σ active holds").to.equal(modelled);
            }
          }
        }
      }),
      // A fixed seed: the test's guards below (every kind of operation exercised) must hold on every CI run.
      { numRuns: 20, seed: 18_001 },
    );
    for (const [outcome, count] of Object.entries(seen)) expect(count, outcome).to.be.greaterThan(0);
  });
});
