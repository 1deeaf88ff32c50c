import { expect } from "chai";
import { applyGross, memberWorkload, type Balances, type Instrument, type NetTrade } from "../../sdk/netting";
import { carryTrades, DAY_DEFAULTS, DayLedger, parseCount, parseDayArgs, rebased } from "../../scripts/lib/day";

const TOKENS = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000a2"];
const COIN = "0x00000000000000000000000000000000000000c0";
const instruments: Instrument[] = TOKENS.map((token) => ({ token, coin: COIN, lotSize: 100n, tickSize: 10n ** 6n }));

function trades(count: number, seed = 7): NetTrade[] {
  const out: NetTrade[] = [];
  for (const chunk of memberWorkload({ seed, trades: count, members: 6, instruments: 2, chunk: 50 }))
    out.push(...chunk);
  return out;
}

const balanceIn = (balances: Balances, asset: string, p: number) => balances.get(asset.toLowerCase())?.get(p) ?? 0n;

describe("bench:day (scripts/lib/day.ts)", () => {
  describe("parseDayArgs", () => {
    it("defaults to the exchange day: 80,000,000 member-level trades at 100,000,000 gas", () => {
      expect(parseDayArgs([])).to.deep.equal(DAY_DEFAULTS);
      expect(DAY_DEFAULTS).to.include({ trades: 80_000_000, workload: "member", ceiling: 100_000_000 });
    });

    it("reads flags (--name value and --name=value) over the environment", () => {
      const options = parseDayArgs(["--trades", "1e6", "--workload=investor", "--ceiling", "16m"], {
        DAY_TRADES: "5",
        DAY_WINDOW: "250k",
        DAY_SEED: "3",
      });
      expect(options).to.include({ trades: 1_000_000, workload: "investor", ceiling: 16_000_000 });
      expect(options).to.include({ window: 250_000, seed: 3, help: false });
      expect(parseDayArgs(["--help"]).help).to.equal(true);
      expect(parseDayArgs(["--node", "anvil"]).node).to.equal("anvil");
      expect(parseDayArgs([], { DAY_NODE: "anvil" }).node).to.equal("anvil");
      expect(parseCount("1_000_000", "x")).to.equal(1_000_000);
      expect(parseCount("80,000,000", "x")).to.equal(80_000_000);
    });

    it("refuses bad input naming the option", () => {
      expect(() => parseDayArgs(["--trades", "many"])).to.throw(RangeError, /--trades/);
      expect(() => parseDayArgs(["--trades", "0"])).to.throw(RangeError, /at least one trade/);
      expect(() => parseDayArgs(["--workload", "retail"])).to.throw(RangeError, /retail/);
      expect(() => parseDayArgs(["--ceiling", "1000"])).to.throw(RangeError, /below 1,000,000/);
      expect(() => parseDayArgs(["--trades"])).to.throw(RangeError, /needs a value/);
      expect(() => parseDayArgs(["--speed", "9"])).to.throw(RangeError, /unknown argument/);
      expect(() => parseDayArgs(["--node", "besu"])).to.throw(RangeError, /besu/);
      expect(() => parseDayArgs([], { DAY_WORKLOAD: "x" })).to.throw(RangeError, /DAY_WORKLOAD/);
    });
  });

  describe("DayLedger", () => {
    it("equals the SDK's gross application, from opening balances", () => {
      const sample = trades(500);
      const ledger = new DayLedger(instruments, 6);
      const reference: Balances = new Map();
      for (const asset of [...TOKENS, COIN]) {
        for (let p = 0; p < 6; p++) {
          ledger.open(asset, p, 10n ** 15n + BigInt(p));
          const accounts = reference.get(asset.toLowerCase()) ?? new Map<number, bigint>();
          reference.set(asset.toLowerCase(), accounts.set(p, 10n ** 15n + BigInt(p)));
        }
      }
      ledger.apply(sample.slice(0, 200));
      ledger.apply(sample.slice(200));
      applyGross(reference, sample, instruments);
      expect(ledger.applied).to.equal(500);
      for (const asset of [...TOKENS, COIN]) {
        for (let p = 0; p < 6; p++) expect(ledger.balance(asset, p)).to.equal(balanceIn(reference, asset, p));
      }
    });

    it("refuses a self-trade or an unknown participant", () => {
      const ledger = new DayLedger(instruments, 6);
      const trade = { tradeId: 0n, buyer: 1, seller: 1, instrument: 0, quantity: 1, price: 1 };
      expect(() => ledger.apply([trade])).to.throw(RangeError, /parties 1 and 1/);
      expect(() => ledger.apply([{ ...trade, seller: 6 }])).to.throw(RangeError, /parties/);
    });
  });

  describe("carryTrades", () => {
    it("takes the opening balances to the ledger's balances, with consecutive ids and no self-trade", () => {
      const ledger = new DayLedger(instruments, 6);
      ledger.apply(trades(2_000, 11));
      const carry = carryTrades(ledger, instruments, 42n);
      carry.forEach((trade, i) => {
        expect(trade.tradeId).to.equal(42n + BigInt(i));
        expect(trade.buyer).to.not.equal(trade.seller);
        expect(trade.quantity).to.be.within(1, 0xffffffff);
        expect(trade.price).to.be.within(1, 0xffffffff);
      });
      const replayed = applyGross(new Map(), carry, instruments);
      for (const asset of [...TOKENS, COIN]) {
        for (let p = 0; p < 6; p++) expect(balanceIn(replayed, asset, p)).to.equal(ledger.balance(asset, p));
      }
    });

    it("renumbers a stream window by window", () => {
      const stream = trades(10)[Symbol.iterator]();
      const first = [...rebased(stream, 4, 100n)];
      const second = [...rebased(stream, 10, 7n)];
      expect(first.map((t) => t.tradeId)).to.deep.equal([100n, 101n, 102n, 103n]);
      expect(second.map((t) => t.tradeId)).to.deep.equal([7n, 8n, 9n, 10n, 11n, 12n]);
    });
  });
});
