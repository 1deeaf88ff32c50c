import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt } from "ethers";
import { Restriction } from "../../sdk/restrictions";
import { assetRules } from "../../sdk/rules";
import { timestampOf } from "../../sdk/products/bond";
import {
  applyGross,
  GAS_CEILING_OSAKA,
  seededRandom,
  tradeProof,
  type NetBatch,
  type NetTrade,
} from "../../sdk/netting";
import {
  INS,
  NEWCOMER,
  PARTICIPANTS,
  START,
  assetsOf,
  balancesOf,
  copy,
  netOf,
  netTokensFixture,
  nextBatch,
  stateOf,
  submit,
  type NetTokensWorld,
} from "../fixtures/netTokens";

type Trade = Omit<NetTrade, "tradeId">;
const t = (buyer: number, seller: number, instrument: number, quantity: number, price: number): Trade => ({
  buyer,
  seller,
  instrument,
  quantity,
  price,
});

/** The Transfer events a settled batch must emit, in order: per `settleNet` call, its debits then its credits. */
function expectedTransfers(world: NetTokensWorld, batch: NetBatch): string[] {
  const engine = world.contracts.settlement.target as string;
  const net = netOf(world, batch);
  const groups: { token: string; wallet: string; delta: bigint }[][] = [];
  let key = "";
  for (const p of net.positions) {
    const k = `i${p.instrument}`;
    if (k !== key) groups.push([]);
    key = k;
    groups[groups.length - 1].push({ token: p.token, wallet: world.wallets[p.participant], delta: p.units });
  }
  key = "";
  for (const c of net.cash) {
    const k = `c${c.coin.toLowerCase()}`;
    if (k !== key) groups.push([]);
    key = k;
    groups[groups.length - 1].push({ token: c.coin, wallet: world.wallets[c.participant], delta: c.cash });
  }
  const out: string[] = [];
  for (const g of groups) {
    for (const e of g) if (e.delta < 0n) out.push(`${e.token}:${e.wallet}>${engine}:${-e.delta}`.toLowerCase());
    for (const e of g) if (e.delta > 0n) out.push(`${e.token}:${engine}>${e.wallet}:${e.delta}`.toLowerCase());
  }
  return out;
}

function transfersOf(receipt: ContractTransactionReceipt): string[] {
  const topic = ethers.id("Transfer(address,address,uint256)");
  return receipt.logs
    .filter((l) => l.topics[0] === topic && l.topics.length === 3)
    .map((l) => {
      const from = ethers.getAddress(ethers.dataSlice(l.topics[1], 12));
      const to = ethers.getAddress(ethers.dataSlice(l.topics[2], 12));
      return `${l.address}:${from}>${to}:${BigInt(l.data)}`.toLowerCase();
    });
}

/** Submits `trades` as the clearer's next batch and checks every balance against gross sequential application. */
async function settleAndCompare(world: NetTokensWorld, trades: Trade[], cycle?: number) {
  const batch = await nextBatch(world, trades, cycle);
  const before = await balancesOf(world);
  const receipt = (await (await submit(world, batch)).wait())!;
  expect(await balancesOf(world)).to.deep.equal(applyGross(copy(before), batch.trades, world.instruments));
  return { batch, receipt };
}

describe("NetSettlement on the real tokens", function () {
  describe("balances, events, register", function () {
    it("moves balanceOf of the coins and securities exactly as the trades applied one by one", async function () {
      const world = await netTokensFixture();
      const trades = [
        t(0, 2, INS.EQ_USD, 100, 1_234),
        t(2, 3, INS.EQ_USD, 40, 1_240),
        t(3, 0, INS.BOND_USD, 7, 9_950),
        t(4, 5, INS.FUND_USD, 250, 10_123),
        t(5, 4, INS.FUND_USD, 100, 10_125),
        t(6, 2, INS.EQ_CNY, 30, 8_800),
        t(2, 6, INS.EQ_CNY, 30, 8_850),
        t(1, 3, INS.BOND_USD, 2, 9_990),
      ];
      const supplies = await Promise.all(assetsOf(world).map(({ token }) => token.totalSupply()));
      const { batch } = await settleAndCompare(world, trades);
      // Supply never moves.
      expect(await Promise.all(assetsOf(world).map(({ token }) => token.totalSupply()))).to.deep.equal(supplies);
      expect(await world.contracts.net.nextTradeId(world.accounts.exchange.address)).to.equal(
        BigInt(batch.trades.length),
      );
    });

    it("a 1,000-trade batch over every instrument settles within the Osaka gas ceiling, exactly as gross", async function () {
      const world = await netTokensFixture();
      const next = seededRandom(19);
      const random = () => (next() >>> 0) / 4_294_967_296;
      const trades: Trade[] = [];
      for (let i = 0; i < 1_000; i++) {
        // Participants 0–6 hold everything: small quantities keep every short covered.
        const buyer = Math.floor(random() * 7);
        const seller = (buyer + 1 + Math.floor(random() * 6)) % 7;
        trades.push(
          t(buyer, seller, Math.floor(random() * 4), 1 + Math.floor(random() * 5), 1 + Math.floor(random() * 5_000)),
        );
      }
      const { receipt } = await settleAndCompare(world, trades);
      expect(receipt.gasUsed).to.be.lessThan(BigInt(GAS_CEILING_OSAKA));
    });

    it("emits each net change as a Transfer through the engine, debits then credits per token call", async function () {
      const world = await netTokensFixture();
      const trades = [
        t(0, 2, INS.EQ_USD, 100, 1_000),
        t(3, 0, INS.EQ_USD, 30, 1_001),
        t(4, 5, INS.BOND_USD, 3, 10_000),
        t(6, 4, INS.EQ_CNY, 9, 700),
        t(5, 6, INS.FUND_USD, 11, 5_000),
      ];
      const { batch, receipt } = await settleAndCompare(world, trades);
      expect(transfersOf(receipt)).to.deep.equal(expectedTransfers(world, batch));
      // The engine nets to zero on every asset: it never holds anything.
      const engine = world.contracts.settlement.target as string;
      for (const { token } of assetsOf(world)) expect(await token.balanceOf(engine)).to.equal(0n);
    });

    it("keeps holder counts and the register (investor holdings across two wallets) exact", async function () {
      const world = await netTokensFixture();
      const { equity } = world.contracts;
      const [w0, w1] = world.wallets;
      const holders = await equity.holderCount();
      const wallets = await equity.holdingWalletCount();
      expect(await equity.investorBalanceOf(w0)).to.equal(2n * START.equity);
      // Wallet 1 (investor 0's second wallet) sells out; the newcomer buys in: one wallet leaves, no investor
      // leaves (wallet 0 still holds), one investor joins.
      await settleAndCompare(world, [
        t(NEWCOMER, 1, INS.EQ_USD, Number(START.equity), 1_000),
        t(2, 0, INS.EQ_USD, 10, 1_000),
      ]);
      expect(await equity.balanceOf(world.wallets[1])).to.equal(0n);
      expect(await equity.investorBalanceOf(w0)).to.equal(START.equity - 10n);
      expect(await equity.investorBalanceOf(w1)).to.equal(START.equity - 10n);
      expect(await equity.investorBalanceOf(world.wallets[NEWCOMER])).to.equal(START.equity);
      expect(await equity.holderCount()).to.equal(holders + 1n);
      expect(await equity.holdingWalletCount()).to.equal(wallets);
      // Now wallet 0 sells out too, inside a batch where it first buys (to wallet 3) and sells more: investor 0
      // leaves.
      await settleAndCompare(world, [
        t(0, 3, INS.EQ_USD, 5, 1_000),
        t(3, 0, INS.EQ_USD, Number(START.equity - 10n + 5n), 1_000),
      ]);
      expect(await equity.investorBalanceOf(w0)).to.equal(0n);
      expect(await equity.holderCount()).to.equal(holders);
      expect(await equity.holdingWalletCount()).to.equal(wallets - 1n);
    });

    it("a second wallet of an investor buying what the first sells moves nothing at investor level", async function () {
      const world = await netTokensFixture();
      const { fund } = world.contracts;
      const [w0, w1] = world.wallets;
      const holders = await fund.holderCount();
      await settleAndCompare(world, [t(1, 0, INS.FUND_USD, Number(START.fund), 3_000)]);
      expect(await fund.balanceOf(w0)).to.equal(0n);
      expect(await fund.balanceOf(w1)).to.equal(2n * START.fund);
      expect(await fund.investorBalanceOf(w0)).to.equal(2n * START.fund);
      expect(await fund.holderCount()).to.equal(holders);
    });

    it("the investor cap: a new holder is refused when the cap is reached, admitted when a seller leaves in the same batch", async function () {
      const world = await netTokensFixture();
      const { equity, compliance } = world.contracts;
      const holders = await equity.holderCount();
      await compliance
        .connect(world.accounts.regulator)
        .configureAsset(await equity.getAddress(), assetRules({ maxInvestors: Number(holders) }));
      const before = await stateOf(world);
      const batch = await nextBatch(world, [t(2, 3, INS.EQ_USD, 5, 900), t(NEWCOMER, 2, INS.EQ_USD, 5, 900)]);
      await expect(submit(world, batch))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
        .withArgs(1, world.wallets[NEWCOMER], await equity.getAddress(), Restriction.MaxInvestorsReached, anyBytes);
      expect(await stateOf(world)).to.deep.equal(before);
      // Participant 4 sells out to participant 5 in the same batch: its seat goes to the newcomer.
      await settleAndCompare(world, [
        t(NEWCOMER, 2, INS.EQ_USD, 5, 900),
        t(5, 4, INS.EQ_USD, Number(START.equity), 900),
      ]);
      expect(await equity.holderCount()).to.equal(holders);
      expect(await equity.balanceOf(world.wallets[4])).to.equal(0n);
    });

    it("the investor cap counts investors, not wallets: an investor rejoining on two wallets takes one seat", async function () {
      const world = await netTokensFixture();
      const { equity, compliance } = world.contracts;
      // Investor 0 sells out of both wallets.
      await settleAndCompare(world, [
        t(2, 0, INS.EQ_USD, Number(START.equity), 900),
        t(3, 1, INS.EQ_CNY, Number(START.equity), 900),
      ]);
      const holders = await equity.holderCount();
      await compliance
        .connect(world.accounts.regulator)
        .configureAsset(await equity.getAddress(), assetRules({ maxInvestors: Number(holders) + 1 }));
      // Both wallets buy back in one call: one new investor, within the cap; the newcomer would be a second.
      const before = await stateOf(world);
      const over = await nextBatch(world, [
        t(0, 2, INS.EQ_USD, 3, 900),
        t(1, 3, INS.EQ_USD, 4, 900),
        t(NEWCOMER, 4, INS.EQ_USD, 1, 900),
      ]);
      await expect(submit(world, over))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
        .withArgs(2, world.wallets[NEWCOMER], await equity.getAddress(), Restriction.MaxInvestorsReached, anyBytes);
      expect(await stateOf(world)).to.deep.equal(before);
      await settleAndCompare(world, [t(0, 2, INS.EQ_USD, 3, 900), t(1, 3, INS.EQ_USD, 4, 900)]);
      expect(await equity.holderCount()).to.equal(holders + 1n);
      expect(await equity.investorBalanceOf(world.wallets[1])).to.equal(7n);
    });

    it("the balance cap applies to the investor's final balance, both wallets counted", async function () {
      const world = await netTokensFixture();
      const { equity, compliance } = world.contracts;
      const asset = await equity.getAddress();
      const admin = compliance.connect(world.accounts.regulator);
      await admin.configureAsset(asset, assetRules({ maxBalance: true }));
      await admin.setMaxBalance(asset, 2n * START.equity + 10n);
      // Investor 0 holds 2 × START on two wallets: 10 more fit, 11 do not, whichever wallet buys.
      const over = await nextBatch(world, [t(1, 3, INS.EQ_USD, 6, 900), t(0, 4, INS.EQ_USD, 5, 900)]);
      const before = await stateOf(world);
      await expect(submit(world, over))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
        .withArgs(anyIndex, anyWallet, asset, Restriction.MaxBalanceExceeded, anyBytes);
      expect(await stateOf(world)).to.deep.equal(before);
      // A buy and a sale that net to the cap pass: the cap judges the final balance.
      await settleAndCompare(world, [t(1, 3, INS.EQ_USD, 15, 900), t(4, 0, INS.EQ_USD, 5, 900)]);
      expect(await equity.investorBalanceOf(world.wallets[0])).to.equal(2n * START.equity + 10n);
    });

    it("two instruments of one token are judged one settleNet call each, in instrument order", async function () {
      const world = await netTokensFixture();
      const { equity, compliance } = world.contracts;
      const asset = await equity.getAddress();
      const admin = compliance.connect(world.accounts.regulator);
      await admin.configureAsset(asset, assetRules({ maxBalance: true }));
      await admin.setMaxBalance(asset, 2n * START.equity + 10n);
      // Bought 11 against aUSD (instrument 0), sold 1 against aCNY (instrument 3): the batch would leave investor 0
      // at the cap, but the aUSD call sees 11 more first. Positions net per (participant, instrument), not per token.
      const before = await stateOf(world);
      const batch = await nextBatch(world, [t(5, 0, INS.EQ_CNY, 1, 900), t(1, 3, INS.EQ_USD, 11, 900)]);
      await expect(submit(world, batch))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
        .withArgs(1, world.wallets[1], asset, Restriction.MaxBalanceExceeded, anyBytes);
      expect(await stateOf(world)).to.deep.equal(before);
    });
  });

  describe("record dates", function () {
    it("a record date inside the cycle: the snapshot holds the balances before the first batch after it, and the coupon pays them", async function () {
      const world = await netTokensFixture();
      const { bond, bondLifecycle, usd } = world.contracts;
      const { agent, payingAgent } = world.accounts;
      const recordDate = Number(timestampOf("2027-07-10"));
      const paymentDate = Number(timestampOf("2027-07-15"));
      await time.increaseTo(recordDate - 3_600);
      // A batch before the record date.
      await settleAndCompare(world, [t(NEWCOMER, 2, INS.BOND_USD, 300, 10_000), t(3, 4, INS.BOND_USD, 50, 10_000)]);
      const atRecord = await Promise.all(world.wallets.map((w) => bond.balanceOf(w)));
      const supply = await bond.totalSupply();
      const snapshotBefore = await bond.currentSnapshotId();
      await time.increaseTo(recordDate + 60);
      // The first batch after the record date takes the scheduled snapshot before it moves anything.
      await settleAndCompare(world, [
        t(5, NEWCOMER, INS.BOND_USD, 300, 10_100),
        t(2, 3, INS.BOND_USD, 1_050, 10_100),
        t(6, 1, INS.BOND_USD, 1, 10_100),
      ]);
      const id = await bond.currentSnapshotId();
      expect(id).to.equal(snapshotBefore + 1n);
      for (let p = 0; p < PARTICIPANTS; p++) expect(await bond.balanceOfAt(world.wallets[p], id)).to.equal(atRecord[p]);
      expect(await bond.totalSupplyAt(id)).to.equal(supply);
      expect(await bondLifecycle.connect(agent).recordCoupon.staticCall(1)).to.equal(id);
      await bondLifecycle.connect(agent).recordCoupon(1);
      await time.increaseTo(paymentDate);
      const distribution = await bondLifecycle.connect(payingAgent).fundCoupon.staticCall(1);
      await bondLifecycle.connect(payingAgent).fundCoupon(1);
      const perUnit = await bondLifecycle.couponAmountPerUnit(1);
      expect(perUnit).to.be.gt(0n);
      for (let p = 0; p < PARTICIPANTS; p++) {
        expect(await bondLifecycle.claimableOf(distribution, world.wallets[p])).to.equal(atRecord[p] * perUnit);
      }
      // The newcomer held 300 at the record date and sold them after it: it is paid; participant 3 sold out
      // after the record date too, and participant 2 bought: each is paid on its record-date holding.
      const newcomer = world.accounts.participants[NEWCOMER];
      const cash = await usd.balanceOf(newcomer.address);
      await bondLifecycle.connect(newcomer).claim(distribution);
      expect(await usd.balanceOf(newcomer.address)).to.equal(cash + 300n * perUnit);
      expect(await bond.balanceOf(newcomer.address)).to.equal(0n);
    });
  });

  describe("commitment", function () {
    it("proves each trade of a settled batch to verifyTrade, and refuses a trade that was not in it", async function () {
      const world = await netTokensFixture();
      const { batch } = await settleAndCompare(world, [
        t(0, 2, INS.EQ_USD, 1, 100),
        t(2, 3, INS.BOND_USD, 2, 200),
        t(3, 4, INS.FUND_USD, 3, 300),
        t(4, 5, INS.EQ_CNY, 4, 400),
        t(5, 6, INS.EQ_USD, 5, 500),
      ]);
      const clearer = world.accounts.exchange.address;
      const { net } = world.contracts;
      for (let i = 0; i < batch.trades.length; i++) {
        const proof = tradeProof(batch.trades, i);
        expect(await net.verifyTrade(clearer, 1, proof.trade, proof.proof)).to.equal(true);
      }
      const proof = tradeProof(batch.trades, 2);
      const forged = [
        { ...proof.trade, quantity: proof.trade.quantity + 1 },
        { ...proof.trade, price: proof.trade.price + 1 },
        { ...proof.trade, buyer: proof.trade.seller, seller: proof.trade.buyer },
        { ...proof.trade, tradeId: proof.trade.tradeId + 1n },
        { ...proof.trade, instrument: INS.EQ_USD },
      ];
      for (const trade of forged) expect(await net.verifyTrade(clearer, 1, trade, proof.proof)).to.equal(false);
      // A trade of no batch, with a proof of its own one-leaf "batch".
      const alone = tradeProof([{ ...proof.trade, tradeId: 99n }], 0);
      expect(await net.verifyTrade(clearer, 1, alone.trade, alone.proof)).to.equal(false);
    });
  });
});

/** withArgs matchers for fields a test does not pin. */
export const anyBytes = () => true;
export const anyIndex = () => true;
export const anyWallet = () => true;
