import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { ContractTransactionResponse } from "ethers";
import { documentName, ObligationKind, type ObligationTerms } from "../../sdk/disclosure";
import { disclosureFixture, type DisclosureWorld } from "../fixtures/disclosure";

const DAY = 86_400;
const MAX_UINT48 = 2n ** 48n - 1n;
const MAX_GRACE = 180 * DAY;
const HORIZON = 10 * 365 * DAY;
const MAX_OBLIGATIONS = 16;
const NAMES = ["annual-report", "interim-report", "notice"].map(documentName);

/** One obligation as the model sees it. */
interface ModelObligation {
  kind: ObligationKind;
  name: string;
  dueAt: number;
  grace: number;
  period: number;
  halts: boolean;
  windowOpensAt: number;
  fulfilledAt: number;
}

interface Model {
  obligations: Map<bigint, ModelObligation>;
  lastId: bigint;
  /** Each document's `lastModified` on the asset. */
  documents: Map<string, number>;
  /** A regulator's halt is in force (until lifted). */
  regulatorHalt: boolean;
  /** The exchange is a venue of the asset. */
  venue: boolean;
}

type Op =
  | { kind: "add"; periodic: boolean; name: number; due: number; grace: number; period: number; halts: boolean }
  | { kind: "amend"; pick: number; due: number; grace: number; halts: boolean }
  | { kind: "remove"; pick: number }
  | { kind: "publish"; name: number }
  | { kind: "file"; pick: number; publishFirst: boolean }
  | { kind: "flag"; pick: number }
  | { kind: "advance"; seconds: number }
  | { kind: "regulatorHalt" }
  | { kind: "regulatorLift" }
  | { kind: "venue"; on: boolean };

// Mostly valid due dates (0 and 1 are not in the future), and a few beyond the horizon.
const due = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }) },
  { weight: 12, arbitrary: fc.integer({ min: 2, max: 15 * DAY }) },
  { weight: 1, arbitrary: fc.constant(HORIZON + 2) },
);
const grace = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 * DAY }), fc.constant(MAX_GRACE + 1));
const ops: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      periodic: fc.boolean(),
      name: fc.integer({ min: 0, max: 2 }),
      due,
      grace,
      period: fc.integer({ min: 5 * DAY, max: 60 * DAY }),
      halts: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("amend" as const), pick: fc.nat(), due, grace, halts: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("publish" as const), name: fc.integer({ min: 0, max: 2 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("file" as const), pick: fc.nat(), publishFirst: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("flag" as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      seconds: fc.oneof(fc.integer({ min: 1, max: 3_600 }), fc.integer({ min: 3_600, max: 20 * DAY })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("regulatorHalt" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("regulatorLift" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("venue" as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("venue" as const), on: fc.constant(true) }) },
);

function isOverdue(o: ModelObligation, now: number): boolean {
  if (o.kind === ObligationKind.AdHoc && o.fulfilledAt !== 0) return false;
  return now > o.dueAt + o.grace;
}

function scheduleValid(dueAt: number, graceSeconds: number, period: number, now: number): boolean {
  const maxGrace = period !== 0 && period <= MAX_GRACE ? period - 1 : MAX_GRACE;
  return dueAt > now && dueAt <= now + HORIZON && graceSeconds <= maxGrace;
}

/**
 * Sends one transaction in the next block, at a time fixed in advance (the latest block's plus one), and says
 * whether it succeeded and at what time.
 */
async function send(tx: () => Promise<ContractTransactionResponse>): Promise<{ ok: boolean; at: number }> {
  const at = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(at);
  try {
    await (await tx()).wait();
    return { ok: true, at };
  } catch {
    return { ok: false, at };
  }
}

function pickId(model: Model, pick: number): bigint | undefined {
  const ids = [...model.obligations.keys()].sort((a, b) => (a < b ? -1 : 1));
  return ids.length === 0 ? undefined : ids[pick % ids.length];
}

/** Runs `op` on chain and on the model; checks the chain's verdict equals the model's. */
async function step(w: DisclosureWorld, model: Model, op: Op): Promise<void> {
  const exchange = w.supervisor.connect(w.accounts.exchange);
  const calendarBefore = (await w.supervisor.obligationsOf(w.asset)).map((o) => [...o]);
  let expected: boolean | undefined;
  let result: { ok: boolean; at: number } | undefined;
  switch (op.kind) {
    case "add": {
      const t = (await time.latest()) + 1;
      const terms: ObligationTerms = {
        kind: op.periodic ? ObligationKind.Periodic : ObligationKind.AdHoc,
        documentName: NAMES[op.name],
        dueAt: t + op.due - 1,
        gracePeriod: op.grace,
        period: op.periodic ? op.period : 0,
        halts: op.halts,
      };
      expected =
        model.venue &&
        model.obligations.size < MAX_OBLIGATIONS &&
        scheduleValid(Number(terms.dueAt), op.grace, Number(terms.period), t);
      result = await send(() => exchange.addObligation(w.asset, terms));
      if (result.ok) {
        model.lastId++;
        model.obligations.set(model.lastId, {
          kind: terms.kind,
          name: terms.documentName,
          dueAt: Number(terms.dueAt),
          grace: op.grace,
          period: Number(terms.period),
          halts: op.halts,
          windowOpensAt: result.at,
          fulfilledAt: 0,
        });
      }
      break;
    }
    case "amend": {
      const id = pickId(model, op.pick);
      if (id === undefined) return;
      const o = model.obligations.get(id)!;
      const t = (await time.latest()) + 1;
      const dueAt = t + op.due - 1;
      expected =
        model.venue &&
        (o.kind === ObligationKind.Periodic || o.fulfilledAt === 0) &&
        scheduleValid(dueAt, op.grace, o.period, t);
      result = await send(() => exchange.amendObligation(w.asset, id, dueAt, op.grace, op.halts));
      if (result.ok) Object.assign(o, { dueAt, grace: op.grace, halts: op.halts });
      break;
    }
    case "remove": {
      const id = pickId(model, op.pick);
      if (id === undefined) return;
      expected = model.venue;
      result = await send(() => exchange.removeObligation(w.asset, id));
      if (result.ok) model.obligations.delete(id);
      break;
    }
    case "publish": {
      const name = NAMES[op.name];
      result = await send(() =>
        w.equity.connect(w.accounts.issuer).setDocument(name, `ipfs://${op.name}`, ethers.id(`${op.name}`)),
      );
      expected = true;
      model.documents.set(name, result.at);
      break;
    }
    case "file": {
      const id = pickId(model, op.pick);
      if (id === undefined) return;
      const o = model.obligations.get(id)!;
      if (op.publishFirst) await step(w, model, { kind: "publish", name: NAMES.indexOf(o.name) });
      const modified = model.documents.get(o.name);
      expected =
        (o.kind === ObligationKind.Periodic || o.fulfilledAt === 0) &&
        modified !== undefined &&
        modified > o.windowOpensAt;
      result = await send(() => w.supervisor.connect(w.accounts.stranger).recordFiling(w.asset, id));
      if (result.ok) {
        if (o.kind === ObligationKind.Periodic) {
          o.windowOpensAt = Math.max(o.dueAt, modified!);
          o.dueAt += o.period;
        }
        o.fulfilledAt = result.at;
      }
      break;
    }
    case "flag": {
      const id = pickId(model, op.pick);
      if (id === undefined) return;
      const t = (await time.latest()) + 1;
      expected = isOverdue(model.obligations.get(id)!, t);
      result = await send(() => w.supervisor.connect(w.accounts.bob).flagOverdue(w.asset, id));
      break;
    }
    case "advance":
      await time.increase(op.seconds);
      return;
    case "regulatorHalt":
      result = await send(() =>
        w.contracts.compliance.connect(w.accounts.regulator).imposeHalt(w.asset, MAX_UINT48, ethers.id("inquiry")),
      );
      expected = true;
      model.regulatorHalt = true;
      break;
    case "regulatorLift": {
      const [until] = await w.contracts.compliance.haltOf(w.asset);
      expected = until !== 0n;
      result = await send(() => w.contracts.compliance.connect(w.accounts.regulator).liftHalt(w.asset));
      model.regulatorHalt = false;
      break;
    }
    case "venue":
      if (op.on === model.venue) return;
      result = await send(() =>
        w.contracts.compliance.connect(w.accounts.regulator).setVenue(w.asset, w.accounts.exchange, op.on),
      );
      expected = true;
      model.venue = op.on;
      break;
  }
  expect(result!.ok, `${JSON.stringify(op)} succeeded`).to.equal(expected);
  if (!result!.ok) {
    expect((await w.supervisor.obligationsOf(w.asset)).map((o) => [...o])).to.deep.equal(calendarBefore);
  }
}

/** A keeper: flags every overdue obligation the chain reports, as anyone would. */
async function keep(w: DisclosureWorld): Promise<void> {
  for (const o of await w.supervisor.overdueOf(w.asset)) {
    const { ok } = await send(() => w.supervisor.connect(w.accounts.stranger).flagOverdue(w.asset, o.id));
    expect(ok, `flagOverdue(${o.id})`).to.equal(true);
  }
}

/** The invariants: the calendar, each obligation's overdue verdict, and who halts the asset. */
async function check(w: DisclosureWorld, model: Model): Promise<void> {
  const now = await time.latest();
  const ids = (await w.supervisor.obligationsOf(w.asset)).map((o) => o.id).sort((a, b) => (a < b ? -1 : 1));
  expect(ids).to.deep.equal([...model.obligations.keys()].sort((a, b) => (a < b ? -1 : 1)));
  let haltingOverdue = false;
  for (const [id, o] of model.obligations) {
    const onChain = await w.supervisor.obligationOf(w.asset, id);
    expect([Number(onChain.dueAt), Number(onChain.windowOpensAt), Number(onChain.fulfilledAt)]).to.deep.equal([
      o.dueAt,
      o.windowOpensAt,
      o.fulfilledAt,
    ]);
    expect(await w.supervisor.isOverdue(w.asset, id), `isOverdue(${id})`).to.equal(isOverdue(o, now));
    if (o.halts && isOverdue(o, now)) haltingOverdue = true;
  }
  const [until, by] = await w.contracts.compliance.haltOf(w.asset);
  if (model.regulatorHalt) {
    expect([until, by]).to.deep.equal([MAX_UINT48, w.accounts.regulator.address]);
  } else if (haltingOverdue) {
    expect([until, by]).to.deep.equal([MAX_UINT48, await w.supervisor.getAddress()]);
  } else {
    expect(until, "halted with no halting obligation overdue").to.equal(0n);
  }
  // The pipeline refuses transfers iff the asset is halted.
  const explanation = await w.contracts.compliance.explainTransfer(w.asset, w.accounts.alice, w.accounts.bob, 1n);
  expect(explanation.code === 9n).to.equal(until !== 0n);
}

describe("DisclosureSupervisor (property)", function () {
  it("isOverdue matches the model, and the asset is halted iff a halting obligation is overdue or a regulator halted it", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 8, maxLength: 26 }), async (sequence) => {
        const w = await loadFixture(disclosureFixture);
        const model: Model = {
          obligations: new Map(),
          lastId: 0n,
          documents: new Map(),
          regulatorHalt: false,
          venue: true,
        };
        for (const op of sequence) {
          await step(w, model, op);
          await keep(w);
          await check(w, model);
        }
      }),
      { numRuns: 40 },
    );
  });
});
