import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  gatewayDomainOf,
  gatewayTradeId,
  revertDataOf,
  signGatewayTrade,
  signPaymentReceipt,
} from "../../sdk/settlement";
import { Claim, claimsOf } from "../../sdk/claims";
import { investorId } from "../identity/helpers";
import { instructionId, legKey, type Instruction } from "./helpers";
import { CHINA, consents, FRANCE, instruction, integrationFixture, legOf, type IntegrationWorld } from "./integration";

/** `IHoldable.HoldStatus`: Active is 1; Executed, Released and Cancelled (2–4) are final. */
const ACTIVE = 1n;

type Op =
  | { kind: "instruct"; shape: "dvp" | "pvp" | "split"; a: number; b: number; x: bigint; y: bigint; prefund: boolean }
  | { kind: "settle"; i: number }
  | { kind: "release"; i: number }
  | { kind: "cancel"; i: number }
  | { kind: "open"; a: number; b: number; q: bigint; fee: bigint }
  | { kind: "confirm"; k: number; q: bigint; receipt: boolean }
  | { kind: "fail"; k: number }
  | { kind: "expire"; k: number }
  | { kind: "wait"; seconds: number }
  | { kind: "freeze"; token: "equity" | "cny"; who: number; on: boolean }
  | { kind: "pause"; token: "equity" | "cny"; on: boolean }
  | { kind: "block"; on: boolean }
  | { kind: "suspend"; on: boolean }
  | { kind: "kyc"; who: number; verified: boolean }
  | { kind: "cancelHold"; k: number };

const party = fc.integer({ min: 0, max: 2 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("instruct" as const),
      shape: fc.constantFrom("dvp" as const, "pvp" as const, "split" as const),
      a: party,
      b: party,
      x: fc.bigInt({ min: 1n, max: 400n }),
      y: fc.bigInt({ min: 1n, max: 5_000n }),
      prefund: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("settle" as const), i: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("release" as const), i: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), i: fc.nat(7) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      a: party,
      b: party,
      q: fc.bigInt({ min: 1n, max: 300n }),
      fee: fc.bigInt({ min: 0n, max: 999n }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("confirm" as const),
      k: fc.nat(7),
      q: fc.bigInt({ min: 1n, max: 300n }),
      receipt: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fail" as const), k: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const), k: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 60, max: 5_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("freeze" as const),
      token: fc.constantFrom("equity" as const, "cny" as const),
      who: party,
      on: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("pause" as const),
      token: fc.constantFrom("equity" as const, "cny" as const),
      on: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("block" as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("suspend" as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelHold" as const), k: fc.nat(15) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("kyc" as const), who: party, verified: fc.boolean() }),
  },
);

interface Token {
  address: string;
  name: string;
}

/**
 * Random DvP/PvP instructions (some pre-funded), gateway trades with fees, confirmations by transaction and
 * receipt, failures, deadlines, freezes, pauses, country blocks, gateway suspensions and officers' hold
 * cancellations, on the real deployment. A model of every balance follows each operation that succeeded (a
 * settlement moves all its legs, a tranche its units and its fee share); an operation that reverted moves
 * nothing. After each operation: the chain equals the model, Σ balances = supply and held ≤ balance for every
 * holder of every token, the engine and the gateway settlement hold nothing, and no hold leaves a final status.
 */
describe("Settlement and GatewaySettlement on the real deployment: property (integration)", function () {
  it("keeps legs atomic, holds final once ended, supplies whole and the contracts empty", async function () {
    const counts: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 24 }), async (random) => {
        // Each run opens with a settled DvP, a trade with a confirmed tranche and a PvP beyond the payer's balance
        // (a leg failure), then goes random.
        const ops: Op[] = [
          { kind: "instruct", shape: "dvp", a: 0, b: 1, x: 10n, y: 100n, prefund: false },
          { kind: "settle", i: 0 },
          { kind: "open", a: 0, b: 1, q: 50n, fee: 7n },
          { kind: "confirm", k: 0, q: 20n, receipt: true },
          { kind: "instruct", shape: "pvp", a: 1, b: 2, x: 1n, y: 10n ** 12n, prefund: false },
          { kind: "settle", i: 1 },
          ...random,
        ];
        const world = await loadFixture(integrationFixture);
        await run(world, ops, counts);
      }),
      // A fixed seed: the test's guards below (every kind of operation exercised) must hold on every CI run.
      { numRuns: Number(process.env.SETTLEMENT_PROPERTY_RUNS ?? 8), seed: 18_003 },
    );
    if (process.env.DEBUG_PROP) console.log(counts);
    // The runs exercised both settlement paths, their refusals and the gateway.
    for (const outcome of ["settle ok", "open ok", "confirm ok", "leg failed"])
      expect(counts[outcome] ?? 0).to.be.greaterThan(0);
  });
});

async function run(world: IntegrationWorld, ops: Op[], counts: Record<string, number>) {
  const { accounts, contracts } = world;
  const { alice, bob, carol, agent, regulator, gateway, governor, stranger, exchange, kycProvider } = accounts;
  const {
    engine,
    gatewaySettlement: gs,
    equity,
    usd,
    cny,
    cnyHolds,
    usdHolds,
    compliance,
    members,
    identity,
  } = contracts;
  const parties: HardhatEthersSigner[] = [alice, bob, carol];
  const tokens: Token[] = [
    { address: await equity.getAddress(), name: "equity" },
    { address: await usd.getAddress(), name: "usd" },
    { address: await cny.getAddress(), name: "cny" },
  ];
  const holders = [alice, bob, carol, exchange, stranger].map((s) => s.address);
  const custodians = [await engine.getAddress(), await gs.getAddress()];
  const erc20 = (address: string) => ethers.getContractAt("IERC20", address);
  const holdable = (address: string) => ethers.getContractAt("IHoldable", address);
  const domain = await gatewayDomainOf(gs);
  // carol holds the equity too, so that every party may sell it.
  await equity.connect(agent).mint(carol.address, 300n);

  // The model: every balance of every token.
  const model = new Map<string, bigint>();
  const key = (token: string, holder: string) => `${token}:${holder}`;
  for (const token of tokens) {
    const contract = await erc20(token.address);
    for (const holder of [...holders, ...custodians])
      model.set(key(token.address, holder), await contract.balanceOf(holder));
  }
  const move = (token: string, from: string, to: string, amount: bigint) => {
    model.set(key(token, from), model.get(key(token, from))! - amount);
    model.set(key(token, to), model.get(key(token, to))! + amount);
  };

  const pending: { ins: Instruction; prefunded: boolean }[] = [];
  const trades: { id: string; token: string; seller: string; buyer: string; q: bigint; fee: bigint }[] = [];
  const tradeModel = new Map<string, { settled: bigint; feePaid: bigint }>();
  const holds: { token: string; id: string }[] = [];
  const finalHolds = new Map<string, bigint>();
  let nonce = 1n;
  let tranche = 0;

  const attempt = async (label: string, action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      counts[`${label} ok`] = (counts[`${label} ok`] ?? 0) + 1;
      return true;
    } catch (error) {
      if (!(error instanceof Error) || !/revert/i.test(error.message)) throw error;
      counts[`${label} refused`] = (counts[`${label} refused`] ?? 0) + 1;
      if (process.env.DEBUG_PROP) console.log(label, error.message.slice(0, 200));
      return false;
    }
  };

  for (const op of ops) {
    switch (op.kind) {
      case "instruct": {
        if (op.a === op.b) break;
        const [a, b] = [parties[op.a], parties[op.b]];
        // A split: the seller delivers to both others in two legs of the same token (explainSettlement counts
        // the first leg's debit when it explains the second).
        const c = parties[3 - op.a - op.b];
        const legs =
          op.shape === "dvp"
            ? [await legOf(equity, a, b, op.x), await legOf(cny, b, a, op.y)]
            : op.shape === "pvp"
              ? [await legOf(cny, a, b, op.y), await legOf(usd, b, a, op.y * 7n)]
              : [await legOf(equity, a, b, op.x), await legOf(equity, a, c, op.x * 2n), await legOf(cny, b, a, op.y)];
        const ins = await instruction(legs, nonce++);
        let prefunded = false;
        if (op.prefund) {
          prefunded = await attempt("prefund", () =>
            engine
              .connect(a)
              .prefund(ins, 0n)
              .then((tx) => tx.wait()),
          );
          if (prefunded) holds.push({ token: legs[0].token, id: legKey(instructionId(ins), 0) });
        }
        pending.push({ ins, prefunded });
        break;
      }
      case "settle": {
        const entry = pending[op.i % Math.max(pending.length, 1)];
        if (!entry) break;
        const { ins, prefunded } = entry;
        const sigs = await consents(world, ins, parties);
        if (prefunded) sigs[0] = "0x";
        const mask = prefunded ? 1n : 0n;
        // explainSettlement, asked in the same state, must agree with what settle does, leg for leg.
        const [wouldSettle, , checks] = await engine.connect(stranger).explainSettlement(ins, sigs, mask);
        let failure: string | undefined;
        const ok = await attempt("settle", async () => {
          try {
            return await (await engine.connect(stranger).settle(ins, sigs, mask)).wait();
          } catch (error) {
            failure = revertDataOf(error);
            throw error;
          }
        });
        expect(ok, "explainSettlement's verdict").to.equal(wouldSettle);
        const parsed = failure ? engine.interface.parseError(failure) : null;
        if (parsed?.name === "SettlementLegFailed") {
          counts["leg failed"] = (counts["leg failed"] ?? 0) + 1;
          const leg = Number(parsed.args[0]);
          expect(Number(checks[leg].restriction), `leg ${leg}'s explained code`).to.equal(Number(parsed.args[5]));
          for (let j = 0; j < leg; j++) expect(checks[j].restriction, `leg ${j} before it`).to.equal(0n);
        }
        if (ok) for (const leg of ins.legs) move(leg.token, leg.from, leg.to, leg.amount);
        break;
      }
      case "release": {
        const entry = pending[op.i % Math.max(pending.length, 1)];
        if (!entry?.prefunded) break;
        const hold = await (await holdable(entry.ins.legs[0].token)).holdOf(legKey(instructionId(entry.ins), 0));
        const ok = await attempt("release", () =>
          engine
            .connect(stranger)
            .releasePrefund(entry.ins, 0n)
            .then((tx) => tx.wait()),
        );
        // A hold no longer active is never released (again).
        if (hold.status !== ACTIVE) expect(ok).to.equal(false);
        break;
      }
      case "cancel": {
        const entry = pending[op.i % Math.max(pending.length, 1)];
        if (!entry) break;
        const initiator = parties.find((p) => p.address === entry.ins.legs[0].from)!;
        await attempt("cancel", () =>
          engine
            .connect(initiator)
            .cancel(entry.ins, "0x")
            .then((tx) => tx.wait()),
        );
        break;
      }
      case "open": {
        if (op.a === op.b) break;
        const [a, b] = [parties[op.a], parties[op.b]];
        const terms = {
          token: tokens[0].address,
          seller: a.address,
          buyer: b.address,
          gateway: gateway.address,
          quantity: op.q,
          paymentRef: ethers.id(`payment ${nonce}`),
          deadline: BigInt(await time.latest()) + 7_200n,
          nonce: nonce++,
          feeCoin: op.fee === 0n ? ethers.ZeroAddress : tokens[2].address,
          feePayer: op.fee === 0n ? ethers.ZeroAddress : b.address,
          feeAccount: op.fee === 0n ? ethers.ZeroAddress : exchange.address,
          feeAmount: op.fee,
        };
        const feeSignature = op.fee === 0n ? "0x" : await signGatewayTrade(b, domain, terms);
        const ok = await attempt("open", () =>
          gs
            .connect(a)
            .openTrade(terms, "0x", feeSignature)
            .then((tx) => tx.wait()),
        );
        if (ok) {
          const id = gatewayTradeId(terms);
          trades.push({ id, token: terms.token, seller: a.address, buyer: b.address, q: op.q, fee: op.fee });
          tradeModel.set(id, { settled: 0n, feePaid: 0n });
          const [assetHold, feeHold] = await gs.holdIdsOf(id);
          holds.push({ token: terms.token, id: assetHold });
          if (op.fee !== 0n) holds.push({ token: tokens[2].address, id: feeHold });
        }
        break;
      }
      case "confirm": {
        const trade = trades[op.k % Math.max(trades.length, 1)];
        if (!trade) break;
        // A tranche within what remains (or, when nothing does, one too many: refused).
        const remaining = trade.q - tradeModel.get(trade.id)!.settled;
        const q = remaining === 0n ? op.q : 1n + ((op.q - 1n) % remaining);
        const trancheRef = ethers.id(`tranche ${tranche++}`);
        const ok = await attempt("confirm", async () => {
          if (!op.receipt) return (await gs.connect(gateway).confirmPayment(trade.id, q, trancheRef)).wait();
          const signature = await signPaymentReceipt(gateway, domain, {
            tradeId: trade.id,
            quantity: q,
            trancheRef,
          });
          return (await gs.connect(stranger).confirmPaymentWithReceipt(trade.id, q, trancheRef, signature)).wait();
        });
        if (ok) {
          const state = tradeModel.get(trade.id)!;
          state.settled += q;
          const feeDue = (trade.fee * state.settled) / trade.q;
          move(trade.token, trade.seller, trade.buyer, q);
          if (feeDue > state.feePaid) move(tokens[2].address, trade.buyer, exchange.address, feeDue - state.feePaid);
          state.feePaid = feeDue;
        }
        break;
      }
      case "fail": {
        const trade = trades[op.k % Math.max(trades.length, 1)];
        if (trade) await attempt("fail", () => gs.connect(gateway).reportFailure(trade.id, ethers.id("failed")));
        break;
      }
      case "expire": {
        const trade = trades[op.k % Math.max(trades.length, 1)];
        if (trade) await attempt("expire", () => gs.connect(stranger).expireTrade(trade.id));
        break;
      }
      case "wait":
        await time.increase(op.seconds);
        break;
      case "freeze":
        if (op.token === "equity") await equity.connect(agent).setAddressFrozen(parties[op.who].address, op.on);
        else if (op.on) await attempt("freeze", () => cny.connect(regulator).freeze(parties[op.who].address));
        else await attempt("unfreeze", () => cny.connect(regulator).unfreeze(parties[op.who].address));
        break;
      case "pause": {
        const contract = op.token === "equity" ? equity.connect(agent) : cny.connect(regulator);
        await attempt(op.on ? "pause" : "unpause", () => (op.on ? contract.pause() : contract.unpause()));
        break;
      }
      case "block":
        await compliance.connect(regulator).setCountriesBlocked(equity, [FRANCE], op.on);
        break;
      case "suspend":
        await attempt("suspend", () =>
          op.on
            ? members.connect(governor).suspendMember(gateway.address, ethers.id("review"))
            : members.connect(governor).reinstateMember(gateway.address),
        );
        break;
      case "kyc": {
        // The KYC provider drops (or restores) a party's AML claim: it is no longer (again) verified.
        const who = parties[op.who];
        const label = ["alice", "bob", "carol"][op.who];
        const claims = claimsOf(op.verified ? [Claim.KYC, Claim.AML] : [Claim.KYC]);
        const country = op.who === 2 ? FRANCE : CHINA;
        const expiry = (await time.latest()) + 365 * 86_400;
        await identity.connect(kycProvider).updateInvestor(investorId(label), country, claims, expiry);
        // The registries push what makes a holder less eligible; anyone syncs the rest.
        for (const coin of [usd, cny]) await coin.syncHolder(who.address);
        break;
      }
      case "cancelHold": {
        const hold = holds[op.k % Math.max(holds.length, 1)];
        if (!hold) break;
        const officer = hold.token === tokens[0].address ? equity.connect(agent) : cnyHolds.connect(regulator);
        await attempt("cancelHold", () => officer.cancelHold(hold.id, ethers.id("officer")));
        break;
      }
    }
    await checkWorld();
  }

  async function checkWorld() {
    for (const token of tokens) {
      const contract = await erc20(token.address);
      const holds = token.name === "equity" ? equity : token.name === "usd" ? usdHolds : cnyHolds;
      let sum = 0n;
      for (const holder of [...holders, ...custodians]) {
        const balance = await contract.balanceOf(holder);
        expect(balance, `${token.name} balance of ${holder}`).to.equal(model.get(key(token.address, holder)));
        expect(await holds.heldBalanceOf(holder), `${token.name} held by ${holder}`).to.be.lte(balance);
        sum += balance;
      }
      expect(sum, `${token.name}: Σ balances = supply`).to.equal(await contract.totalSupply());
      for (const custodian of custodians) expect(await contract.balanceOf(custodian)).to.equal(0n);
    }
    // A hold that ended stays ended, its executed amount unchanged.
    for (const hold of holds) {
      const state = await (await holdable(hold.token)).holdOf(hold.id);
      const ended = finalHolds.get(hold.id);
      if (ended !== undefined) {
        expect(state.status, "a final hold status never changes").to.equal(ended >> 128n);
        expect(state.executed, "a final hold executes nothing more").to.equal(ended & ((1n << 128n) - 1n));
      } else if (state.status !== ACTIVE) {
        finalHolds.set(hold.id, (state.status << 128n) | state.executed);
      }
    }
  }
}
