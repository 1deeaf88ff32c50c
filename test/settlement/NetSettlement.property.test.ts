import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { netFixture, type NetWorld } from "./netFixture";
import {
  applyGross,
  encodeBatch,
  ledgerGet,
  merkleRoot,
  netCalls,
  tradeLeaf,
  type Ledger,
  type NetTrade,
} from "./netHelpers";

type Op =
  | { kind: "batch"; cycleStep: number; trades: Omit<NetTrade, "tradeId">[] }
  | { kind: "participant"; index: number; active: boolean }
  | { kind: "instrument"; index: number; active: boolean }
  | { kind: "refuse"; token: number; wallet: number; code: number }
  | { kind: "lock"; token: number; wallet: number; short: number };

const PARTICIPANTS = 6;
const INSTRUMENTS = 3;

const trade = fc
  .record({
    buyer: fc.integer({ min: 0, max: PARTICIPANTS - 1 }),
    step: fc.integer({ min: 1, max: PARTICIPANTS - 1 }),
    instrument: fc.integer({ min: 0, max: INSTRUMENTS - 1 }),
    quantity: fc.integer({ min: 1, max: 5_000 }),
    price: fc.integer({ min: 1, max: 100_000 }),
  })
  .map(({ buyer, step, instrument, quantity, price }) => ({
    buyer,
    seller: (buyer + step) % PARTICIPANTS,
    instrument,
    quantity,
    price,
  }));

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("batch" as const),
      cycleStep: fc.integer({ min: -1, max: 2 }),
      trades: fc.array(trade, { minLength: 1, maxLength: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("participant" as const),
      index: fc.integer({ min: 0, max: PARTICIPANTS - 1 }),
      active: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("instrument" as const),
      index: fc.integer({ min: 0, max: INSTRUMENTS - 1 }),
      active: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("refuse" as const),
      token: fc.integer({ min: 0, max: 3 }),
      wallet: fc.integer({ min: 0, max: PARTICIPANTS - 1 }),
      code: fc.constantFrom(0, 0, 3, 6, 14),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("lock" as const),
      token: fc.integer({ min: 0, max: 3 }),
      wallet: fc.integer({ min: 0, max: PARTICIPANTS - 1 }),
      // Lock all but `short` units (0: unlock).
      short: fc.constantFrom(0, 1, 5_000, 1_000_000),
    }),
  },
);

/** The engine and the mock tokens as the test expects them to be. */
class Model {
  ledger: Ledger = new Map();
  participantActive = Array(PARTICIPANTS).fill(true);
  instrumentActive = Array(INSTRUMENTS).fill(true);
  refusal = new Map<string, number>();
  locked = new Map<string, bigint>();
  nextTradeId = 0n;
  lastCycle = 0;
  batchCount = 0n;
}

/**
 * Random sequences of batches, with the world around the engine changed in between — participants and instruments
 * deactivated and reactivated, tokens told to refuse a holder, units locked (frozen or held) — against a model:
 * a batch settles iff the model says so, and then every balance equals the trades applied one by one (N2) with
 * every token's sum unchanged (N3); a batch with any failing trade changes nothing (N1) and fails with the error
 * the model predicts (the first refused position's first trade, participant, token and code).
 */
describe("NetSettlement (property)", function () {
  for (const seed of [19, 1919]) {
    it(`net application equals gross application; any failing trade changes nothing (seed ${seed})`, async function () {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 10 }), async (ops) => {
          const world = await loadFixture(netFixture);
          const tokens = [world.tokens.eqa, world.tokens.eqb, world.tokens.usd, world.tokens.cny];
          const addresses = await Promise.all(tokens.map((t) => t.getAddress()));
          const model = new Model();
          for (const address of addresses) {
            model.ledger.set(address.toLowerCase(), new Map(world.wallets.map((w) => [w.toLowerCase(), 10n ** 12n])));
          }
          const supply = async () => Promise.all(tokens.map((t) => t.totalSupply()));
          const supplyBefore = await supply();
          for (const o of ops) await step(world, model, addresses, o);
          await expectLedger(world, model, addresses);
          expect(await supply()).to.deep.equal(supplyBefore);
          const me = world.accounts.exchange.address;
          expect(await world.contracts.net.nextTradeId(me)).to.equal(model.nextTradeId);
          expect(await world.contracts.net.batchCount(me)).to.equal(model.batchCount);
          expect(await world.contracts.net.lastCycle(me)).to.equal(BigInt(model.lastCycle));
        }),
        { seed, numRuns: 6, endOnFailure: true },
      );
    });
  }
});

async function expectLedger(world: NetWorld, model: Model, addresses: string[]) {
  const tokens = [world.tokens.eqa, world.tokens.eqb, world.tokens.usd, world.tokens.cny];
  for (const [t, token] of tokens.entries()) {
    let sum = 0n;
    for (const w of world.wallets) {
      const balance = await token.balanceOf(w);
      expect(balance, `${t} ${w}`).to.equal(ledgerGet(model.ledger, addresses[t], w));
      sum += balance;
    }
    expect(sum).to.equal(10n ** 12n * BigInt(PARTICIPANTS));
  }
}

const key = (token: string, wallet: string) => `${token.toLowerCase()}:${wallet.toLowerCase()}`;

async function step(world: NetWorld, model: Model, addresses: string[], o: Op) {
  const { clearer, contracts, wallets } = world;
  const net = contracts.net;
  const tokens = [world.tokens.eqa, world.tokens.eqb, world.tokens.usd, world.tokens.cny];
  if (o.kind === "participant" || o.kind === "instrument") {
    const flags = o.kind === "participant" ? model.participantActive : model.instrumentActive;
    const call =
      o.kind === "participant"
        ? clearer.setParticipantActive(o.index, o.active)
        : clearer.setInstrumentActive(o.index, o.active);
    if (flags[o.index] === o.active) {
      await expect(call).to.be.revertedWithCustomError(net, "NetActiveUnchanged").withArgs(o.index, o.active);
    } else {
      await call;
      flags[o.index] = o.active;
    }
    return;
  }
  if (o.kind === "refuse") {
    await tokens[o.token].setRefusal(wallets[o.wallet], o.code);
    model.refusal.set(key(addresses[o.token], wallets[o.wallet]), o.code);
    return;
  }
  if (o.kind === "lock") {
    const balance = ledgerGet(model.ledger, addresses[o.token], wallets[o.wallet]);
    const locked = o.short === 0 || BigInt(o.short) > balance ? 0n : balance - BigInt(o.short);
    await tokens[o.token].setLocked(wallets[o.wallet], locked);
    model.locked.set(key(addresses[o.token], wallets[o.wallet]), locked);
    return;
  }
  // A batch.
  const cycle = Math.max(0, model.lastCycle + o.cycleStep);
  const trades: NetTrade[] = o.trades.map((t, i) => ({ ...t, tradeId: model.nextTradeId + BigInt(i) }));
  const batch = encodeBatch(cycle, model.nextTradeId, trades);
  const tx = clearer.submitBatch(batch);
  if (cycle < model.lastCycle) {
    await expect(tx).to.be.revertedWithCustomError(net, "NetCycleRegressed").withArgs(cycle, model.lastCycle);
    return;
  }
  const participants = [...new Set(trades.flatMap((t) => [t.buyer, t.seller]))].sort((a, b) => a - b);
  const inactive = participants.find((p) => !model.participantActive[p]);
  if (inactive !== undefined) {
    await expect(tx).to.be.revertedWithCustomError(net, "NetParticipantInactive").withArgs(inactive, wallets[inactive]);
    return;
  }
  const instrumentIndices = [...new Set(trades.map((t) => t.instrument))].sort((a, b) => a - b);
  const off = instrumentIndices.find((i) => !model.instrumentActive[i]);
  if (off !== undefined) {
    await expect(tx)
      .to.be.revertedWithCustomError(net, "NetInstrumentInactive")
      .withArgs(off, world.instruments[off].token);
    return;
  }
  // The mock tokens' rules, call by call: debits (refusal, then the available balance), then credits.
  const ledger: Ledger = new Map([...model.ledger].map(([t, m]) => [t, new Map(m)]));
  const coins = [...new Set(instrumentIndices.map((i) => world.instruments[i].coin))];
  let failure: { trade: number; wallet: string; token: string; code: number } | undefined;
  const calls = netCalls(trades, world.instruments, wallets);
  for (const [c, call] of calls.entries()) {
    const m = ledger.get(call.token.toLowerCase())!;
    const order = [
      ...call.deltas.map((d, i) => [d, i] as const).filter(([d]) => d < 0n),
      ...call.deltas.map((d, i) => [d, i] as const).filter(([d]) => d >= 0n),
    ];
    for (const [delta, i] of order) {
      const wallet = call.accounts[i];
      const code = model.refusal.get(key(call.token, wallet)) ?? 0;
      const balance = m.get(wallet.toLowerCase())!;
      const available = balance - (model.locked.get(key(call.token, wallet)) ?? 0n);
      const refused = code !== 0 ? code : delta < 0n && available < -delta ? 16 : 0;
      if (refused) {
        const p = wallets.indexOf(wallet);
        const isInstrument = c < instrumentIndices.length;
        const trade = trades.findIndex(
          (t) =>
            (t.buyer === p || t.seller === p) &&
            (isInstrument
              ? t.instrument === instrumentIndices[c]
              : world.instruments[t.instrument].coin === coins[c - instrumentIndices.length]),
        );
        failure = { trade, wallet, token: call.token, code: refused };
        break;
      }
      m.set(wallet.toLowerCase(), balance + delta);
    }
    if (failure) break;
  }
  if (failure) {
    await expect(tx)
      .to.be.revertedWithCustomError(net, "NetTradeFailed")
      .withArgs(failure.trade, failure.wallet, failure.token, failure.code, anyValue);
    await expectLedger(world, model, addresses);
    return;
  }
  await expect(tx)
    .to.emit(net, "NetBatchSettled")
    .withArgs(
      world.accounts.exchange.address,
      model.batchCount + 1n,
      cycle,
      model.nextTradeId,
      trades.length,
      merkleRoot(trades.map(tradeLeaf)),
    );
  // N2: the netted result is the gross one.
  const gross = applyGross(model.ledger, trades, world.instruments, wallets);
  for (const [t, m] of ledger) for (const [w, b] of m) expect(b, `${t} ${w}`).to.equal(ledgerGet(gross, t, w));
  model.ledger = ledger;
  model.nextTradeId += BigInt(trades.length);
  model.lastCycle = cycle;
  model.batchCount += 1n;
  await expectLedger(world, model, addresses);
}
