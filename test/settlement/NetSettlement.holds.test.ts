import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, Wallet, ZeroHash, type Signer } from "ethers";
import { addConsenting, netFixture } from "./netFixture";
import { encodeBatch, withIds, type NetTrade } from "./netHelpers";
import { instructionId, instructionOf, legKey } from "./helpers";
import { Role } from "../../config/roles";
import type { INetSettlement, NetTokenMock } from "../../typechain-types";

const INSUFFICIENT = 16;
/** IHoldable.HoldStatus */
const ACTIVE = 1n;
const RELEASED = 3n;
/** The fixture's instruments: 0 = EQA/USD (lot 10, tick 1), 1 = EQB/USD (lot 1, tick 100), 2 = EQA/CNY (lot 1, tick 7). */
const EQA_USD = 0;
const EQA_CNY = 2;
/** What each holding participant owns of every token. */
const FUNDS = 1_000_000n;

/** The engine's token hold id of a cycle hold (INetSettlement: four words). */
function cycleHoldId(clearer: string, participant: number, token: string, nonce: number): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "address", "uint32"],
      [clearer, participant, token, nonce],
    ),
  );
}

/**
 * The net fixture (six participants 0–5, mock tokens that are holdable) plus three participants with
 * keys (indices 6, 7, 8: A, B, C), each owning `FUNDS` of every token and gas money, and a wallet that is no
 * participant.
 */
async function holdsFixture() {
  const world = await netFixture();
  const key = (name: string) => new Wallet(ethers.id(`net hold ${name}`), ethers.provider);
  const [a, b, c, outsider] = ["A", "B", "C", "outsider"].map(key);
  for (const w of [a, b, c, outsider]) await setBalance(w.address, 10n ** 20n);
  const { eqa, eqb, usd, cny } = world.tokens;
  for (const token of [eqa, eqb, usd, cny]) await token.mintBatch([a.address, b.address, c.address], FUNDS);
  await addConsenting(world.clearer, [a, b, c]);
  return { ...world, a, b, c, outsider, clearerAddress: world.accounts.exchange.address };
}

type HoldsWorld = Awaited<ReturnType<typeof holdsFixture>>;

const A = 6;
const B = 7;
const C = 8;

/** A at `signer` holding for the clearer. */
function as(world: HoldsWorld, signer: Signer): INetSettlement {
  return world.contracts.net.connect(signer);
}

async function hold(world: HoldsWorld, signer: Signer, cycle: number, token: NetTokenMock, amount: bigint, ttl = 3600) {
  const expiry = (await time.latest()) + ttl;
  await as(world, signer).holdForCycle(world.clearerAddress, cycle, await token.getAddress(), amount, expiry);
  return expiry;
}

/** Submits `trades` (ids from the clearer's next id) as one batch of `cycle`. */
async function submit(world: HoldsWorld, cycle: number, trades: Omit<NetTrade, "tradeId">[]) {
  const first = await world.contracts.net.nextTradeId(world.clearerAddress);
  return world.clearer.submitBatch(encodeBatch(cycle, first, withIds(first, trades)));
}

/** `seller` sells `units` of EQA (instrument 0, lot 10: units / 10 lots) to participant 0 at price 1. */
function sellEqa(seller: number, units: bigint, instrument = EQA_USD): Omit<NetTrade, "tradeId"> {
  const lot = instrument === EQA_USD ? 10n : 1n;
  return { buyer: 0, seller, instrument, quantity: Number(units / lot), price: 1 };
}

/** What a refused call must leave unchanged for A, B, C: balances, holds, records, counts, counters. */
async function holdState(world: HoldsWorld) {
  const { net } = world.contracts;
  const out: unknown[] = [await net.nextTradeId(world.clearerAddress), await net.lastCycle(world.clearerAddress)];
  for (const token of [world.tokens.eqa, world.tokens.usd, world.tokens.cny]) {
    for (const [i, w] of [
      [A, world.a],
      [B, world.b],
      [C, world.c],
    ] as const) {
      out.push(
        await token.balanceOf(w.address),
        await token.heldBalanceOf(w.address),
        await token.lockedOf(w.address),
        (await net.cycleHoldOf(world.clearerAddress, i, await token.getAddress())).toString(),
      );
    }
  }
  for (const i of [A, B, C]) out.push(await net.cycleHoldCount(world.clearerAddress, i));
  return out;
}

describe("NetSettlement cycle holds", function () {
  describe("holdForCycle", function () {
    it("places a token hold for the cycle under a deterministic id, with events, counted on the participant", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      const expiry = (await time.latest()) + 3600;
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 3, token, 400n, expiry))
        .to.emit(net, "NetCycleHoldPlaced")
        .withArgs(world.clearerAddress, A, token, id, 3, 400n, expiry)
        .and.to.emit(eqa, "HoldPlaced")
        .withArgs(id, world.a.address, 400n, expiry);
      const h = await net.cycleHoldOf(world.clearerAddress, A, token);
      expect([h.holdId, h.cycle, h.expiry, h.live, h.amount]).to.deep.equal([id, 3n, BigInt(expiry), true, 400n]);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(400n);
      // A hold on the coin too: one record per asset.
      await hold(world, world.a, 3, world.tokens.usd, 5n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(2n);
    });

    it("the held units cannot be moved away between batches", async function () {
      const world = await loadFixture(holdsFixture);
      const { eqa } = world.tokens;
      await hold(world, world.a, 1, eqa, FUNDS - 100n);
      await expect(eqa.connect(world.a).transfer(world.b.address, 101n))
        .to.be.revertedWithCustomError(eqa, "NetTokenMockInsufficient")
        .withArgs(world.a.address, 100n, 101n);
      await eqa.connect(world.a).transfer(world.b.address, 100n);
      await submit(world, 1, [sellEqa(B, 10n)]);
      await expect(eqa.connect(world.a).transfer(world.b.address, 1n)).to.be.revertedWithCustomError(
        eqa,
        "NetTokenMockInsufficient",
      );
    });

    const refusals: [string, (w: HoldsWorld) => Promise<unknown>, string, (w: HoldsWorld) => Promise<unknown[]>][] = [
      [
        "an unknown clearer",
        async (w) => as(w, w.a).holdForCycle(w.outsider.address, 1, await w.tokens.eqa.getAddress(), 1n, 2 ** 40),
        "NetUnknownClearer",
        async (w) => [w.outsider.address],
      ],
      [
        "a caller that is no participant",
        async (w) => as(w, w.outsider).holdForCycle(w.clearerAddress, 1, await w.tokens.eqa.getAddress(), 1n, 2 ** 40),
        "NetNotParticipant",
        async (w) => [w.clearerAddress, w.outsider.address],
      ],
      [
        "an asset of none of the clearer's instruments",
        async (w) =>
          as(w, w.a).holdForCycle(w.clearerAddress, 1, await w.tokens.unregistered.getAddress(), 1n, 2 ** 40),
        "NetNotDeliverable",
        async (w) => [w.clearerAddress, await w.tokens.unregistered.getAddress()],
      ],
      [
        "a zero amount",
        async (w) => as(w, w.a).holdForCycle(w.clearerAddress, 1, await w.tokens.eqa.getAddress(), 0n, 2 ** 40),
        "NetCycleHoldZero",
        async () => [],
      ],
    ];
    for (const [what, call, error, args] of refusals) {
      it(`refuses ${what} (${error}) and changes nothing`, async function () {
        const world = await loadFixture(holdsFixture);
        const before = await holdState(world);
        await expect(call(world))
          .to.be.revertedWithCustomError(world.contracts.net, error)
          .withArgs(...(await args(world)));
        expect(await holdState(world)).to.deep.equal(before);
      });
    }

    it("refuses a past cycle (below lastCycle; the current cycle is fine) and changes nothing", async function () {
      const world = await loadFixture(holdsFixture);
      await submit(world, 5, [sellEqa(B, 10n)]);
      const before = await holdState(world);
      const token = await world.tokens.eqa.getAddress();
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 4, token, 1n, 2 ** 40))
        .to.be.revertedWithCustomError(world.contracts.net, "NetCycleHoldPast")
        .withArgs(4, 5);
      expect(await holdState(world)).to.deep.equal(before);
      await as(world, world.a).holdForCycle(world.clearerAddress, 5, token, 1n, 2 ** 40);
    });

    it("refuses an expiry not in the future and changes nothing", async function () {
      const world = await loadFixture(holdsFixture);
      const before = await holdState(world);
      const now = await time.latest();
      const token = await world.tokens.eqa.getAddress();
      // The block's time pinned: under load a wall-clock second may pass between the two calls.
      await time.setNextBlockTimestamp(now + 1);
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 1, token, 1n, now + 1))
        .to.be.revertedWithCustomError(world.contracts.net, "NetCycleHoldExpiry")
        .withArgs(now + 1, now + 1);
      expect(await holdState(world)).to.deep.equal(before);
    });

    it("refuses a second live hold on the same asset (even for another cycle) and changes nothing", async function () {
      const world = await loadFixture(holdsFixture);
      const { eqa } = world.tokens;
      await hold(world, world.a, 1, eqa, 10n);
      const before = await holdState(world);
      const token = await eqa.getAddress();
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 2, token, 10n, 2 ** 40))
        .to.be.revertedWithCustomError(world.contracts.net, "NetCycleHoldExists")
        .withArgs(A, token, cycleHoldId(world.clearerAddress, A, token, 1), 1);
      expect(await holdState(world)).to.deep.equal(before);
    });

    it("passes on the token's refusal (more than the available balance) and changes nothing", async function () {
      const world = await loadFixture(holdsFixture);
      const { eqa } = world.tokens;
      await eqa.setLocked(world.a.address, 10n);
      const before = await holdState(world);
      await expect(
        as(world, world.a).holdForCycle(world.clearerAddress, 1, await eqa.getAddress(), FUNDS - 9n, 2 ** 40),
      )
        .to.be.revertedWithCustomError(eqa, "HoldableInsufficientAvailableBalance")
        .withArgs(world.a.address, FUNDS - 10n, FUNDS - 9n);
      expect(await holdState(world)).to.deep.equal(before);
    });
  });

  describe("drawn by the cycle's batches", function () {
    it("covers a short the free balance could not: released before settleNet, the rest re-placed after", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      // Everything A owns is held for cycle 1: its free balance is zero.
      const expiry = await hold(world, world.a, 1, eqa, FUNDS);
      expect(await eqa.availableBalanceOf(world.a.address)).to.equal(0n);
      const id1 = cycleHoldId(world.clearerAddress, A, token, 1);
      const id2 = cycleHoldId(world.clearerAddress, A, token, 2);
      const tx = submit(world, 1, [sellEqa(A, 300n)]);
      await expect(tx)
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, token, id1, 1n, 300n, id2, FUNDS - 300n)
        .and.to.emit(eqa, "HoldReleased")
        .withArgs(id1, world.a.address, FUNDS, await world.contracts.engine.getAddress())
        .and.to.emit(eqa, "HoldPlaced")
        .withArgs(id2, world.a.address, FUNDS - 300n, expiry);
      expect(await eqa.balanceOf(world.a.address)).to.equal(FUNDS - 300n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(FUNDS - 300n);
      expect((await eqa.holdOf(id1)).status).to.equal(RELEASED);
      const h = await net.cycleHoldOf(world.clearerAddress, A, token);
      expect([h.holdId, h.live, h.amount, h.expiry]).to.deep.equal([id2, true, FUNDS - 300n, BigInt(expiry)]);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
    });

    it("without the hold the same short is refused (the balance alone is held elsewhere)", async function () {
      const world = await loadFixture(holdsFixture);
      const { eqa } = world.tokens;
      await eqa.setLocked(world.a.address, FUNDS);
      await expect(submit(world, 1, [sellEqa(A, 300n)]))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
        .withArgs(0, world.a.address, await eqa.getAddress(), INSUFFICIENT, (data: string) => data.length > 2);
    });

    it("is consumed in parts across several batches of the cycle, then closed", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, 1_000n);
      const id = (n: number) => cycleHoldId(world.clearerAddress, A, token, n);
      await expect(submit(world, 1, [sellEqa(A, 300n)]))
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, token, id(1), 1n, 300n, id(2), 700n);
      await expect(submit(world, 1, [sellEqa(A, 500n)]))
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, token, id(2), 2n, 500n, id(3), 200n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(200n);
      // A debit beyond the hold: the hold's 200 first, the free balance the rest; the record closes.
      await expect(submit(world, 1, [sellEqa(A, 400n)]))
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, token, id(3), 3n, 200n, ZeroHash, 0n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(0n);
      expect(await eqa.balanceOf(world.a.address)).to.equal(FUNDS - 1_200n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
      const h = await net.cycleHoldOf(world.clearerAddress, A, token);
      expect([h.holdId, h.live, h.amount]).to.deep.equal([id(3), false, 0n]);
      // A new hold on the asset takes the next nonce.
      await hold(world, world.a, 1, eqa, 5n);
      expect((await net.cycleHoldOf(world.clearerAddress, A, token)).holdId).to.equal(id(4));
    });

    it("is drawn once per instrument of the same token in one batch, and on the coin a buyer pays", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa, usd } = world.tokens;
      const [eqaAddress, usdAddress] = [await eqa.getAddress(), await usd.getAddress()];
      await hold(world, world.a, 1, eqa, 1_000n);
      await hold(world, world.b, 1, usd, 1_000n);
      const eqaId = (n: number) => cycleHoldId(world.clearerAddress, A, eqaAddress, n);
      // A sells 100 EQA against USD and 50 against CNY; B buys 10 lots of EQB at 1 (100 × 10 = 1,000 USD... 10 × 1
      // × 100 = 1,000 USD), all of its hold.
      const tx = submit(world, 1, [
        sellEqa(A, 100n),
        sellEqa(A, 50n, EQA_CNY),
        { buyer: B, seller: 1, instrument: 1, quantity: 10, price: 1 },
      ]);
      await expect(tx)
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, eqaAddress, eqaId(1), 1n, 100n, eqaId(2), 900n);
      await expect(tx)
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(world.clearerAddress, A, eqaAddress, eqaId(2), 1n, 50n, eqaId(3), 850n);
      await expect(tx)
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(
          world.clearerAddress,
          B,
          usdAddress,
          cycleHoldId(world.clearerAddress, B, usdAddress, 1),
          1n,
          1_000n,
          ZeroHash,
          0n,
        );
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(850n);
      expect(await usd.heldBalanceOf(world.b.address)).to.equal(0n);
      expect(await usd.balanceOf(world.b.address)).to.equal(FUNDS - 1_000n);
      expect(await net.cycleHoldCount(world.clearerAddress, B)).to.equal(0n);
    });

    it("credits never grow a hold; a participant gaining on the held asset keeps it whole", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa, usd } = world.tokens;
      await hold(world, world.a, 1, eqa, 100n);
      await hold(world, world.a, 1, usd, 100n);
      // A buys EQA (credit) and is paid nothing in USD... it pays USD: the USD hold is drawn, the EQA hold is not.
      await expect(submit(world, 1, [{ buyer: A, seller: 1, instrument: EQA_USD, quantity: 3, price: 10 }])).to.emit(
        net,
        "NetCycleHoldDrawn",
      );
      const h = await net.cycleHoldOf(world.clearerAddress, A, await eqa.getAddress());
      expect([h.holdId, h.amount]).to.deep.equal([
        cycleHoldId(world.clearerAddress, A, await eqa.getAddress(), 1),
        100n,
      ]);
      expect(await usd.heldBalanceOf(world.a.address)).to.equal(70n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(100n);
    });

    it("leaves a hold for another cycle untouched (the debit needs free balance)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 2, eqa, FUNDS - 100n);
      // Cycle 1 debits 100 from the free balance: the cycle-2 hold is not drawn.
      await expect(submit(world, 1, [sellEqa(A, 100n)])).not.to.emit(net, "NetCycleHoldDrawn");
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(FUNDS - 100n);
      // One more unit is not there: refused, the hold is not taken.
      await expect(submit(world, 1, [sellEqa(A, 10n)]))
        .to.be.revertedWithCustomError(net, "NetTradeFailed")
        .withArgs(0, world.a.address, token, INSUFFICIENT, (data: string) => data.length > 2);
      const h = await net.cycleHoldOf(world.clearerAddress, A, token);
      expect([h.holdId, h.live, h.amount]).to.deep.equal([
        cycleHoldId(world.clearerAddress, A, token, 1),
        true,
        FUNDS - 100n,
      ]);
      // Its own cycle draws it.
      await expect(submit(world, 2, [sellEqa(A, 10n)])).to.emit(net, "NetCycleHoldDrawn");
    });

    it("never takes units held for other purposes (a bilateral prefund of Settlement I)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net, engine } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      const instruction = await instructionOf([
        { token, from: world.a.address, to: world.b.address, amount: 600_000n },
      ]);
      await engine.connect(world.a).prefund(instruction, 0);
      const prefundId = legKey(instructionId(instruction), 0);
      await hold(world, world.a, 1, eqa, 100_000n);
      // Free: 300,000; cycle hold 100,000; prefund 600,000. A debit of 400,010 would need prefunded units.
      await expect(submit(world, 1, [sellEqa(A, 400_010n)]))
        .to.be.revertedWithCustomError(net, "NetTradeFailed")
        .withArgs(0, world.a.address, token, INSUFFICIENT, (data: string) => data.length > 2);
      // 400,000 is the cycle hold and the free balance: the prefund stays whole.
      await expect(submit(world, 1, [sellEqa(A, 400_000n)]))
        .to.emit(net, "NetCycleHoldDrawn")
        .withArgs(
          world.clearerAddress,
          A,
          token,
          cycleHoldId(world.clearerAddress, A, token, 1),
          1n,
          100_000n,
          ZeroHash,
          0n,
        );
      const prefund = await eqa.holdOf(prefundId);
      expect([prefund.status, prefund.amount]).to.deep.equal([ACTIVE, 600_000n]);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(600_000n);
      expect(await eqa.balanceOf(world.a.address)).to.equal(600_000n);
    });

    it("never takes units held for a settlement client (a gateway trade's hold desk hold)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net, engine, authority } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      // The deployer (ADMIN) stands in for the gateway settlement contract.
      const [deployer] = await ethers.getSigners();
      await authority.grantRole(Role.SETTLEMENT_CLIENT, deployer.address, 0);
      const clientRef = ethers.id("gateway trade");
      const holdId = await engine
        .connect(deployer)
        .placeClientHold.staticCall(token, clientRef, world.a.address, 900_000n, 2 ** 40);
      await engine.connect(deployer).placeClientHold(token, clientRef, world.a.address, 900_000n, 2 ** 40);
      await hold(world, world.a, 1, eqa, 50_000n);
      // Free: 50,000; cycle hold 50,000; the gateway's 900,000 is out of reach.
      await expect(submit(world, 1, [sellEqa(A, 100_010n)]))
        .to.be.revertedWithCustomError(net, "NetTradeFailed")
        .withArgs(0, world.a.address, token, INSUFFICIENT, (data: string) => data.length > 2);
      await submit(world, 1, [sellEqa(A, 100_000n)]);
      const gateway = await eqa.holdOf(holdId);
      expect([gateway.status, gateway.amount]).to.deep.equal([ACTIVE, 900_000n]);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(900_000n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
    });

    it("a refused batch that would draw a hold changes nothing (the hold stays as it was)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa, usd } = world.tokens;
      await hold(world, world.a, 1, eqa, 1_000n);
      await hold(world, world.b, 1, usd, 1_000n);
      await usd.setRefusal(world.c.address, 7);
      const before = await holdState(world);
      await expect(
        submit(world, 1, [sellEqa(A, 300n), { buyer: B, seller: C, instrument: EQA_USD, quantity: 1, price: 5 }]),
      ).to.be.revertedWithCustomError(net, "NetTradeFailed");
      expect(await holdState(world)).to.deep.equal(before);
    });
  });

  describe("expiry, release, lapse", function () {
    it("an expired hold covers nothing: the batch releases it and closes the record", async function () {
      const world = await loadFixture(holdsFixture);
      const { net, engine } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, FUNDS, 100);
      await time.increase(200);
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      const tx = submit(world, 1, [sellEqa(A, 300n)]);
      await expect(tx).to.emit(net, "NetCycleHoldLapsed").withArgs(world.clearerAddress, A, token, id);
      await expect(tx)
        .to.emit(eqa, "HoldReleased")
        .withArgs(id, world.a.address, FUNDS, await engine.getAddress());
      await expect(tx).not.to.emit(net, "NetCycleHoldDrawn");
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(0n);
      expect(await eqa.balanceOf(world.a.address)).to.equal(FUNDS - 300n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
    });

    it("a hold released through the token's expiry path leaves the bit set: the engine tolerates and closes it", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, 500n, 100);
      await time.increase(200);
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      await eqa.connect(world.outsider).releaseHold(id);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
      expect((await net.cycleHoldOf(world.clearerAddress, A, token)).live).to.equal(false);
      // The next batch debiting A finds it inactive: closed, nothing drawn, nothing released.
      const tx = submit(world, 1, [sellEqa(A, 300n)]);
      await expect(tx).to.emit(net, "NetCycleHoldLapsed").withArgs(world.clearerAddress, A, token, id);
      await expect(tx).not.to.emit(eqa, "HoldReleased");
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
    });

    it("a stale record does not block a new hold (holdForCycle closes it first)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, 500n);
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      // An officer cancels the token hold (anyone, in the mock).
      await eqa.cancelHold(id, ethers.id("court order"));
      const expiry = (await time.latest()) + 1000;
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 1, token, 200n, expiry))
        .to.emit(net, "NetCycleHoldLapsed")
        .withArgs(world.clearerAddress, A, token, id)
        .and.to.emit(net, "NetCycleHoldPlaced")
        .withArgs(world.clearerAddress, A, token, cycleHoldId(world.clearerAddress, A, token, 2), 1, 200n, expiry);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
      // An expired but still active hold is released by the engine first.
      await time.increase(2000);
      await expect(as(world, world.a).holdForCycle(world.clearerAddress, 1, token, 300n, (await time.latest()) + 1000))
        .to.emit(eqa, "HoldReleased")
        .withArgs(
          cycleHoldId(world.clearerAddress, A, token, 2),
          world.a.address,
          200n,
          await world.contracts.engine.getAddress(),
        );
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(300n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
    });

    it("the clearer releases any time; a released hold is not drawn", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, FUNDS);
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      await expect(world.clearer.releaseCycleHold(world.clearerAddress, A, token))
        .to.emit(net, "NetCycleHoldReleased")
        .withArgs(world.clearerAddress, A, token, id, world.clearerAddress)
        .and.to.emit(eqa, "HoldReleased");
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(0n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
      await expect(submit(world, 1, [sellEqa(A, 300n)])).not.to.emit(net, "NetCycleHoldDrawn");
      expect(await eqa.balanceOf(world.a.address)).to.equal(FUNDS - 300n);
    });

    it("the participant releases once its cycle is past, anyone once expired; others are refused", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa, usd } = world.tokens;
      const [eqaAddress, usdAddress] = [await eqa.getAddress(), await usd.getAddress()];
      const expiry = await hold(world, world.a, 1, eqa, 10n);
      for (const caller of [world.a, world.outsider, world.b]) {
        await expect(as(world, caller).releaseCycleHold(world.clearerAddress, A, eqaAddress))
          .to.be.revertedWithCustomError(net, "NetCycleHoldLocked")
          .withArgs(caller.address, 1, 0, expiry);
      }
      await submit(world, 1, [sellEqa(B, 10n)]);
      // Cycle 1 is current (lastCycle 1): still locked for the participant.
      await expect(as(world, world.a).releaseCycleHold(world.clearerAddress, A, eqaAddress))
        .to.be.revertedWithCustomError(net, "NetCycleHoldLocked")
        .withArgs(world.a.address, 1, 1, expiry);
      // Refused: the hold is as it was.
      expect((await net.cycleHoldOf(world.clearerAddress, A, eqaAddress)).amount).to.equal(10n);
      expect(await eqa.heldBalanceOf(world.a.address)).to.equal(10n);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(1n);
      await submit(world, 2, [sellEqa(B, 10n)]);
      await expect(
        as(world, world.b).releaseCycleHold(world.clearerAddress, A, eqaAddress),
      ).to.be.revertedWithCustomError(net, "NetCycleHoldLocked");
      await expect(as(world, world.a).releaseCycleHold(world.clearerAddress, A, eqaAddress))
        .to.emit(net, "NetCycleHoldReleased")
        .withArgs(
          world.clearerAddress,
          A,
          eqaAddress,
          cycleHoldId(world.clearerAddress, A, eqaAddress, 1),
          world.a.address,
        );
      // Anyone, once expired.
      await hold(world, world.a, 2, usd, 10n, 100);
      await time.increase(200);
      await expect(as(world, world.outsider).releaseCycleHold(world.clearerAddress, A, usdAddress))
        .to.emit(net, "NetCycleHoldReleased")
        .withArgs(
          world.clearerAddress,
          A,
          usdAddress,
          cycleHoldId(world.clearerAddress, A, usdAddress, 1),
          world.outsider.address,
        );
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
      expect(await usd.heldBalanceOf(world.a.address)).to.equal(0n);
    });

    it("anyone closes a record whose token hold is gone (released by expiry, cancelled)", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const { eqa } = world.tokens;
      const token = await eqa.getAddress();
      await hold(world, world.a, 1, eqa, 10n);
      const id = cycleHoldId(world.clearerAddress, A, token, 1);
      await eqa.cancelHold(id, ethers.id("seizure"));
      await expect(as(world, world.outsider).releaseCycleHold(world.clearerAddress, A, token))
        .to.emit(net, "NetCycleHoldLapsed")
        .withArgs(world.clearerAddress, A, token, id);
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
    });

    it("refuses an unknown participant and a missing hold, changing nothing", async function () {
      const world = await loadFixture(holdsFixture);
      const { net } = world.contracts;
      const token = await world.tokens.eqa.getAddress();
      const before = await holdState(world);
      await expect(world.clearer.releaseCycleHold(world.clearerAddress, 9, token))
        .to.be.revertedWithCustomError(net, "NetUnknownParticipant")
        .withArgs(9, 9);
      await expect(world.clearer.releaseCycleHold(world.clearerAddress, A, token))
        .to.be.revertedWithCustomError(net, "NetNoCycleHold")
        .withArgs(A, token);
      expect(await holdState(world)).to.deep.equal(before);
      await hold(world, world.a, 1, world.tokens.eqa, 10n);
      await world.clearer.releaseCycleHold(world.clearerAddress, A, token);
      await expect(world.clearer.releaseCycleHold(world.clearerAddress, A, token))
        .to.be.revertedWithCustomError(net, "NetNoCycleHold")
        .withArgs(A, token);
      // The refusals changed nothing: the state is the start's but for the closed record (its last id kept).
      expect(await net.cycleHoldCount(world.clearerAddress, A)).to.equal(0n);
      expect(await world.tokens.eqa.heldBalanceOf(world.a.address)).to.equal(0n);
    });
  });
});
