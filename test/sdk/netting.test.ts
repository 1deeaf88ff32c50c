import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "ethers";
import { ethers as network } from "hardhat";
import { keccakWords, keccakWordsJs, keccakWordsWasm, type KeccakWords } from "../../sdk/keccak";
import {
  applyGross,
  applyNet,
  BatchCeilingError,
  batchCounts,
  BatchDecodeError,
  collectTrades,
  decodeBatch,
  encodeBatch,
  GAS_CEILING_CONSORTIUM,
  GAS_CEILING_OSAKA,
  GrossLedger,
  investorWorkload,
  linearGasModel,
  memberWorkload,
  merkleNode,
  merkleProof,
  merkleRoot,
  MerkleStream,
  NET_DELIVERED,
  NET_RECEIVED,
  NET_SETTLEMENT_ABI,
  NET_SETTLEMENT_INTERFACE,
  netPositions,
  planBatches,
  precheckBatch,
  prepareBatch,
  processProof,
  splitAroundFailures,
  splitIntoBatches,
  tradeLeaf,
  tradeProof,
  verifyProof,
  type Balances,
  type Instrument,
  type NetBatch,
  type NetTrade,
  type PlannedBatch,
  type NetSettlementLike,
} from "../../sdk/netting";
import { Restriction } from "../../sdk/restrictions";

const address = (label: string) => ethers.computeAddress(ethers.id(label));

/** An independent leaf: `abi.encodePacked` of the leaf's fields, hashed by ethers. */
function referenceLeaf(t: NetTrade): string {
  return ethers.keccak256(
    ethers.solidityPacked(
      ["uint64", "uint32", "uint32", "uint32", "uint32", "uint32", "uint32"],
      [t.tradeId, t.buyer, t.seller, t.instrument, t.quantity, t.price, 0],
    ),
  );
}

/** An independent node: OpenZeppelin's commutative keccak, by ethers. */
function referenceNode(a: string, b: string): string {
  return ethers.keccak256(ethers.concat(BigInt(a) < BigInt(b) ? [a, b] : [b, a]));
}

/** RFC 6962's recursive definition, written plainly. */
function referenceRoot(leaves: string[]): string {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return referenceNode(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

function trade(id: number, buyer: number, seller: number, instrument: number, quantity = 1, price = 1): NetTrade {
  return { tradeId: BigInt(id), buyer, seller, instrument, quantity, price };
}

function plain(trades: readonly NetTrade[]) {
  return trades.map((t) => ({ ...t, tradeId: String(t.tradeId) }));
}

/** Arbitrary batches: a few participants and instruments so positions repeat; ids consecutive. */
const batchArb = fc
  .record({
    cycle: fc.integer({ min: 0, max: 0xffffffff }),
    firstTradeId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1000n }),
    trades: fc.array(
      fc.record({
        buyer: fc.integer({ min: 0, max: 12 }),
        sellerOffset: fc.integer({ min: 1, max: 12 }),
        instrument: fc.integer({ min: 0, max: 5 }),
        quantity: fc.integer({ min: 1, max: 0xffffffff }),
        price: fc.integer({ min: 1, max: 0xffffffff }),
        spread: fc.constantFrom(1, 1_000, 300_000_000),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  })
  .map(({ cycle, firstTradeId, trades }): NetBatch => ({
    cycle,
    firstTradeId,
    trades: trades.map((t, i) => ({
      tradeId: firstTradeId + BigInt(i),
      // Spread the table indices so u32 values are exercised, keeping repeats.
      buyer: t.buyer * t.spread,
      seller: ((t.buyer + t.sellerOffset) % 13) * t.spread,
      instrument: t.instrument * t.spread,
      quantity: t.quantity,
      price: t.price,
    })),
  }))
  .filter(({ trades }) => trades.every((t) => t.buyer !== t.seller));

const COIN = address("coin");
const COIN2 = address("coin2");
const INSTRUMENTS: Instrument[] = Array.from({ length: 6 }, (_, i) => ({
  token: address(`token${i}`),
  coin: i % 2 === 0 ? COIN : COIN2,
  lotSize: BigInt(1 + i * 10),
  tickSize: BigInt(1 + (i % 3)),
}));

describe("sdk/netting", function () {
  describe("keccakWords", function () {
    const kernels: [string, KeccakWords | undefined][] = [
      ["WebAssembly", keccakWordsWasm],
      ["JavaScript", keccakWordsJs],
    ];

    it("runs the WebAssembly kernel on Node", function () {
      expect(keccakWordsWasm).to.be.a("function");
      expect(keccakWords).to.equal(keccakWordsWasm);
    });

    for (const [name, kernel] of kernels) {
      it(`${name}: equals ethers' keccak256 on 32- and 64-byte inputs, at any offsets`, function () {
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: 64, maxLength: 64 }),
            fc.boolean(),
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: 0, max: 5 }),
            (bytes, wide, inOffset, outOffset) => {
              const input = new Int32Array(22);
              input.set(new Int32Array(bytes.buffer.slice(0)), inOffset);
              const out = new Int32Array(14);
              kernel!(input, inOffset, wide ? 16 : 8, out, outOffset);
              const digest = ethers.hexlify(new Uint8Array(out.buffer, 4 * outOffset, 32));
              expect(digest).to.equal(ethers.keccak256(wide ? bytes : bytes.slice(0, 32)));
            },
          ),
          { seed: 19, numRuns: 300 },
        );
      });
    }

    it("speed: leaves hashed into a streaming root per second, by kernel (printed)", function () {
      this.timeout(60_000);
      const trades = collectTrades(memberWorkload({ seed: 9, trades: 50_000 }));
      const cpu = () => process.cpuUsage().user / 1e6;
      const rates: string[] = [];
      const time = (label: string, run: () => void, count: number) => {
        const start = cpu();
        run();
        rates.push(`${label} ${Math.round(count / (cpu() - start)).toLocaleString("en-US")}`);
      };
      const root = merkleRoot(trades);
      time(
        "leaves into merkleRoot (a leaf and a node hash each)",
        () => expect(merkleRoot(trades)).to.equal(root),
        trades.length,
      );
      const words = Int32Array.from({ length: 16 * 4096 }, (_, i) => Math.imul(i, 0x9e3779b1));
      const out = new Int32Array(8);
      const hashes = (kernel: KeccakWords, count: number) => () => {
        for (let i = 0; i < count; i++) kernel(words, 16 * (i & 4095), 16, out, 0);
      };
      time("hashes (64 bytes): WebAssembly kernel", hashes(keccakWordsWasm!, 200_000), 200_000);
      time("JavaScript kernel", hashes(keccakWordsJs, 50_000), 50_000);
      const inputs = Array.from({ length: 4096 }, (_, i) => ethers.hexlify(new Uint8Array(words.buffer, 64 * i, 64)));
      time("ethers.keccak256", () => inputs.forEach((hex) => ethers.keccak256(hex)), inputs.length);
      console.log(`      per CPU second: ${rates.join("; ")}`);
    });
  });

  describe("encodeBatch / decodeBatch", function () {
    it("encodes a small batch to the exact bytes of encoding v1", function () {
      // Participants 7 and 9 trade instrument 4; 9 and 30 trade instrument 2: local 0 = 7, 1 = 9, 2 = 30;
      // instrument 2 lists (1, 2) → positions 0, 1; instrument 4 lists (0, 1) → positions 2, 3.
      const bytes = encodeBatch({
        cycle: 3,
        firstTradeId: 0x1122334455667788n,
        trades: [
          { tradeId: 0x1122334455667788n, buyer: 9, seller: 7, instrument: 4, quantity: 5, price: 0x0102 },
          { tradeId: 0x1122334455667789n, buyer: 9, seller: 30, instrument: 2, quantity: 0x10000, price: 1 },
        ],
      });
      expect(ethers.hexlify(bytes)).to.equal(
        "0x" +
          "01" + // version
          "00000003" + // cycle
          "1122334455667788" + // first trade id
          "0003" +
          "00000007" +
          "00000009" +
          "0000001e" + // P, participants
          "0002" + // I
          "00000002" +
          "0002" +
          "0001" +
          "0002" + // instrument 2: K = 2, locals 1, 2
          "00000004" +
          "0002" +
          "0000" +
          "0001" + // instrument 4: K = 2, locals 0, 1
          "00000002" + // T
          "0003" +
          "0002" +
          "00000005" +
          "00000102" + // buyer 9 @ instrument 4 = position 3, seller 7 = 2
          "0000" +
          "0001" +
          "00010000" +
          "00000001", // buyer 9 @ instrument 2 = position 0, seller 30 = 1
      );
    });

    it("round-trips random batches, and re-encodes a decoded batch to the same bytes", function () {
      fc.assert(
        fc.property(batchArb, (batch) => {
          const bytes = encodeBatch(batch);
          const decoded = decodeBatch(bytes);
          expect(decoded.version).to.equal(1);
          expect(decoded.cycle).to.equal(batch.cycle);
          expect(decoded.firstTradeId).to.equal(batch.firstTradeId);
          expect(plain(decoded.trades)).to.deep.equal(plain(batch.trades));
          expect(decoded.participants).to.deep.equal(
            [...new Set(batch.trades.flatMap((t) => [t.buyer, t.seller]))].sort((a, b) => a - b),
          );
          expect(ethers.hexlify(encodeBatch(decoded))).to.equal(ethers.hexlify(bytes));
        }),
        { seed: 1919, numRuns: 200 },
      );
    });

    it("refuses trades it cannot encode, naming the trade", function () {
      const ok = [trade(10, 1, 2, 0), trade(11, 2, 1, 0)];
      const encode =
        (trades: NetTrade[], firstTradeId = 10n) =>
        () =>
          encodeBatch({ cycle: 0, firstTradeId, trades });
      expect(encode([])).to.throw(RangeError, "at least one trade");
      expect(encode(ok, 9n)).to.throw(RangeError, "trade 0 has id 10, expected 9");
      expect(encode([ok[0], trade(13, 2, 1, 0)])).to.throw(RangeError, "trade 1 has id 13, expected 11");
      expect(encode([ok[0], trade(11, 3, 3, 0)])).to.throw(
        RangeError,
        "trade 1: buyer and seller are both participant 3",
      );
      expect(encode([ok[0], trade(11, 1, 2, 0, 0)])).to.throw(RangeError, "trade 1: quantity 0");
      expect(encode([ok[0], trade(11, 1, 2, 0, 1, 0)])).to.throw(RangeError, "trade 1: price 0");
      expect(encode([ok[0], trade(11, 1, 2, 0, 2 ** 32)])).to.throw(RangeError, "trade 1: quantity");
      expect(encode([ok[0], trade(11, -1, 2, 0)])).to.throw(RangeError, "trade 1: buyer -1 is not a u32");
      expect(() => encodeBatch({ cycle: 2 ** 32, firstTradeId: 10n, trades: ok })).to.throw(RangeError, "cycle");
      expect(encode([trade(0, 1, 2, 0)], (1n << 64n) - 1n)).to.throw(RangeError, "trade 0 has id 0");
      const last = (1n << 64n) - 1n;
      expect(
        () =>
          encodeBatch({
            cycle: 0,
            firstTradeId: last,
            trades: [
              { ...trade(0, 1, 2, 0), tradeId: last },
              { ...trade(0, 2, 1, 0), tradeId: last + 1n },
            ],
          }),
        "ids past a u64",
      ).to.throw(RangeError, "do not fit a u64");
    });

    describe("malformed batches: a clear error naming the offset", function () {
      // P = 3 (7, 9, 30); instrument 2: locals (1, 2) = positions 0, 1; instrument 4: locals (0, 1) = positions 2, 3.
      const good = ethers.getBytes(
        "0x01" +
          "00000003" +
          "0000000000000064" +
          "0003" +
          "00000007" +
          "00000009" +
          "0000001e" +
          "0002" +
          "00000002" +
          "0002" +
          "0001" +
          "0002" +
          "00000004" +
          "0002" +
          "0000" +
          "0001" +
          "00000002" +
          "0003" +
          "0002" +
          "00000005" +
          "00000102" +
          "0000" +
          "0001" +
          "00010000" +
          "00000001",
      );
      const TRADES = 15 + 12 + 2 + 10 + 10 + 4; // offset of the first trade: 58
      const patched = (at: number, hex: string) => {
        const bytes = Uint8Array.from(good);
        bytes.set(ethers.getBytes(hex), at);
        return bytes;
      };
      const refuses = (bytes: Uint8Array, offset: number, message: string) => {
        let error: unknown;
        try {
          decodeBatch(bytes);
        } catch (e) {
          error = e;
        }
        expect(error, message).to.be.instanceOf(BatchDecodeError);
        expect((error as BatchDecodeError).offset, (error as Error).message).to.equal(offset);
        expect((error as Error).message)
          .to.contain(`at byte ${offset}:`)
          .and.contain(message);
      };

      it("decodes the good batch", function () {
        expect(good.length).to.equal(TRADES + 24);
        expect(plain(decodeBatch(good).trades)).to.deep.equal(
          plain([trade(100, 9, 7, 4, 5, 0x102), trade(101, 9, 30, 2, 0x10000, 1)]),
        );
      });

      it("every truncation, and trailing bytes", function () {
        for (let length = 0; length < good.length; length++) {
          expect(() => decodeBatch(good.slice(0, length)), `length ${length}`).to.throw(BatchDecodeError, "truncated");
        }
        refuses(Uint8Array.from([...good, 0]), good.length, "1 trailing bytes");
      });

      it("another version", function () {
        refuses(patched(0, "0x02"), 0, "version 2, expected 1");
      });

      it("participants not strictly ascending", function () {
        refuses(patched(19, "0x00000007"), 19, "participant 7 not above 7");
        refuses(patched(23, "0x00000008"), 23, "participant 8 not above 9");
      });

      it("instruments not strictly ascending, or listing no participant", function () {
        refuses(patched(39, "0x00000002"), 39, "instrument 2 not above 2");
        refuses(patched(33, "0x0000"), 33, "instrument 2 lists no participant");
      });

      it("a local participant index ≥ P, or not strictly ascending", function () {
        refuses(patched(35, "0x0003"), 35, "local participant 3 of instrument 2 ≥ P = 3");
        refuses(patched(37, "0x0001"), 37, "local participant 1 not above 1");
      });

      it("no trades", function () {
        refuses(Uint8Array.from([...patched(TRADES - 4, "0x00000000").slice(0, TRADES)]), TRADES - 4, "no trades");
      });

      it("a position out of range, across instruments, or a self-trade", function () {
        refuses(patched(TRADES, "0x0004"), TRADES, "trade 0: buyer position 4 ≥ 4");
        refuses(patched(TRADES + 2, "0x0009"), TRADES + 2, "trade 0: seller position 9 ≥ 4");
        refuses(patched(TRADES + 2, "0x0001"), TRADES, "positions 3 and 1 are of instruments 4 and 2");
        refuses(patched(TRADES + 12, "0x00000000"), TRADES + 12, "buyer and seller are both participant 9");
      });

      it("a zero quantity or price", function () {
        refuses(patched(TRADES + 4, "0x00000000"), TRADES + 4, "trade 0: quantity 0");
        refuses(patched(TRADES + 20, "0x00000000"), TRADES + 20, "trade 1: price 0");
      });

      it("a position no trade uses", function () {
        // The second trade trades instrument 4 as the first: positions 0 and 1 (instrument 2) are unused.
        refuses(patched(TRADES + 12, "0x00030002"), good.length, "position 0 (participant 9, instrument 2)");
      });

      it("trade ids past 2⁶⁴ − 1", function () {
        refuses(patched(5, "0xffffffffffffffff"), 5, "pass 2⁶⁴ − 1");
      });
    });
  });

  describe("Merkle commitment", function () {
    const trades = collectTrades(memberWorkload({ seed: 5, trades: 300 }));

    it("a leaf is keccak256 of the packed word; a node is the commutative keccak", function () {
      for (const t of trades.slice(0, 20)) expect(tradeLeaf(t)).to.equal(referenceLeaf(t));
      const big = {
        tradeId: (1n << 64n) - 1n,
        buyer: 2 ** 32 - 1,
        seller: 0,
        instrument: 2 ** 31,
        quantity: 1,
        price: 7,
      };
      expect(tradeLeaf(big)).to.equal(referenceLeaf(big));
      const [a, b] = [tradeLeaf(trades[0]), tradeLeaf(trades[1])];
      expect(merkleNode(a, b)).to.equal(referenceNode(a, b)).and.equal(merkleNode(b, a));
      expect(merkleNode(a, a)).to.equal(ethers.keccak256(ethers.concat([a, a])));
    });

    it("the root equals RFC 6962's recursive definition, built streaming, for many sizes", function () {
      const sizes = [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 300,
      ];
      for (const n of sizes) {
        const slice = trades.slice(0, n);
        const reference = referenceRoot(slice.map(referenceLeaf));
        expect(merkleRoot(slice), `n = ${n}`).to.equal(reference);
        const stream = new MerkleStream();
        slice.forEach((t) => stream.pushLeaf(referenceLeaf(t)));
        expect(stream.size).to.equal(n);
        expect(stream.root(), `streaming leaves, n = ${n}`).to.equal(reference);
      }
      expect(() => new MerkleStream().root()).to.throw(RangeError, "no leaves");
    });

    it("a stream's root can be read at any point and goes on", function () {
      const stream = new MerkleStream();
      for (let n = 1; n <= 40; n++) {
        stream.push(trades[n - 1]);
        expect(stream.root(), `n = ${n}`).to.equal(merkleRoot(trades.slice(0, n)));
      }
    });

    it("every proof of small trees verifies, and only for its own leaf", function () {
      for (let n = 1; n <= 33; n++) {
        const slice = trades.slice(0, n);
        const root = merkleRoot(slice);
        for (let i = 0; i < n; i++) {
          const proof = merkleProof(slice, i);
          expect(proof.length).to.be.at.most(Math.ceil(Math.log2(n)));
          expect(verifyProof(proof, root, referenceLeaf(slice[i])), `n = ${n}, i = ${i}`).to.equal(true);
          expect(processProof(proof, tradeLeaf(slice[i]))).to.equal(root);
          expect(
            proof.reduce(referenceNode, referenceLeaf(slice[i])),
            "OpenZeppelin's processProof, by ethers",
          ).to.equal(root);
          if (n > 1) {
            expect(verifyProof(proof, root, referenceLeaf(slice[(i + 1) % n])), "another trade of the batch").to.equal(
              false,
            );
          }
        }
      }
    });

    it("tradeProof gives the trade, its leaf, its proof and the root", function () {
      const slice = trades.slice(0, 77);
      const { trade: t, leaf, proof, root } = tradeProof(slice, 40);
      expect(t).to.equal(slice[40]);
      expect(leaf).to.equal(referenceLeaf(slice[40]));
      expect(root).to.equal(referenceRoot(slice.map(referenceLeaf)));
      expect(proof.reduce(referenceNode, leaf)).to.equal(root);
    });

    it("tampered proofs, trades and trades not in the batch fail", function () {
      const slice = trades.slice(0, 100);
      const root = merkleRoot(slice);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 99 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (i, pick, bit) => {
          const proof = merkleProof(slice, i);
          const leaf = tradeLeaf(slice[i]);
          expect(verifyProof(proof, root, leaf)).to.equal(true);
          const at = pick % proof.length;
          const flipped = proof.map((h, k) => (k === at ? ethers.toBeHex(BigInt(h) ^ (1n << BigInt(bit)), 32) : h));
          expect(verifyProof(flipped, root, leaf), "a sibling changed").to.equal(false);
          expect(verifyProof(proof.slice(0, -1), root, leaf), "a sibling dropped").to.equal(false);
          expect(verifyProof([...proof, proof[0]], root, leaf), "a sibling added").to.equal(false);
          const t = slice[i];
          expect(verifyProof(proof, root, tradeLeaf({ ...t, quantity: t.quantity + 1 })), "quantity").to.equal(false);
          expect(verifyProof(proof, root, tradeLeaf({ ...t, tradeId: t.tradeId + 1n })), "id").to.equal(false);
          expect(verifyProof(proof, root, tradeLeaf(trades[100 + (pick % 200)])), "not in the batch").to.equal(false);
        }),
        { seed: 61, numRuns: 60 },
      );
    });
  });

  describe("reference model", function () {
    function balancesEqual(a: Balances, b: Balances) {
      const flat = (m: Balances) =>
        [...m.entries()]
          .flatMap(([asset, accounts]) =>
            [...accounts.entries()].filter(([, v]) => v !== 0n).map(([p, v]) => `${asset}:${p}:${v}`),
          )
          .sort();
      expect(flat(a)).to.deep.equal(flat(b));
    }

    it("net application equals gross, conserves every asset, and flags and first trades are exact", function () {
      fc.assert(
        fc.property(
          batchArb,
          fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), { minLength: 13, maxLength: 13 }),
          (batch, opening) => {
            const trades = batch.trades
              .map((t) => ({ ...t, instrument: t.instrument % 6, buyer: t.buyer % 13, seller: t.seller % 13 }))
              .filter((t) => t.buyer !== t.seller);
            if (trades.length === 0) return;
            const start = (): Balances =>
              new Map(
                [...new Set(INSTRUMENTS.flatMap((i) => [i.token, i.coin]))].map((asset) => [
                  asset.toLowerCase(),
                  new Map(opening.map((v, p) => [p, v])),
                ]),
              );
            const net = netPositions(trades, INSTRUMENTS);
            balancesEqual(applyNet(start(), net), applyGross(start(), trades, INSTRUMENTS));
            // Conservation: per token and per coin the changes sum to zero.
            const sums = new Map<string, bigint>();
            for (const p of net.positions) sums.set(p.token, (sums.get(p.token) ?? 0n) + p.units);
            for (const c of net.cash) sums.set(c.coin, (sums.get(c.coin) ?? 0n) + c.cash);
            for (const [asset, sum] of sums) expect(sum, asset).to.equal(0n);
            // Flags and first trades, from the definition.
            for (const p of net.positions) {
              const mine = trades.map((t, i) => ({ t, i })).filter(({ t }) => t.instrument === p.instrument);
              const bought = mine.filter(({ t }) => t.buyer === p.participant);
              const sold = mine.filter(({ t }) => t.seller === p.participant);
              expect(p.flags).to.equal((bought.length ? NET_RECEIVED : 0) | (sold.length ? NET_DELIVERED : 0));
              expect(p.firstTrade).to.equal(Math.min(...[...bought, ...sold].map(({ i }) => i)));
            }
            for (const c of net.cash) {
              const mine = trades
                .map((t, i) => ({ t, i }))
                .filter(({ t }) => INSTRUMENTS[t.instrument].coin === c.coin);
              const paid = mine.filter(({ t }) => t.buyer === c.participant);
              const received = mine.filter(({ t }) => t.seller === c.participant);
              expect(c.flags).to.equal((received.length ? NET_RECEIVED : 0) | (paid.length ? NET_DELIVERED : 0));
              expect(c.firstTrade).to.equal(Math.min(...[...paid, ...received].map(({ i }) => i)));
            }
            // Positions in header order: instrument, then participant, ascending.
            const keys = net.positions.map((p) => p.instrument * 100 + p.participant);
            expect(keys).to.deep.equal([...keys].sort((a, b) => a - b));
            // The dense ledger agrees with the bigint one (amounts small enough for exact doubles).
            const small = trades.map((t) => ({
              ...t,
              quantity: 1 + (t.quantity % 1000),
              price: 1 + (t.price % 100_000),
            }));
            const ledger = new GrossLedger(INSTRUMENTS, 13).apply(small);
            balancesEqual(ledger.balances(), applyGross(new Map(), small, INSTRUMENTS));
          },
        ),
        { seed: 7, numRuns: 100 },
      );
    });

    it("the dense ledger refuses amounts beyond exact doubles", function () {
      const ledger = new GrossLedger([{ token: address("t"), coin: COIN, lotSize: 1n, tickSize: 10n ** 9n }], 2);
      expect(() => ledger.apply([trade(0, 0, 1, 0, 2 ** 32 - 1, 2 ** 32 - 1)])).to.throw(RangeError, "cash");
      expect(() => ledger.apply([trade(0, 0, 2, 0)])).to.throw(RangeError, "participant 2 not in 0…1");
    });
  });

  describe("batch sizing", function () {
    const instruments: Instrument[] = Array.from({ length: 100 }, (_, i) => ({
      token: address(`token${i}`),
      coin: i < 50 ? COIN : COIN2,
      lotSize: 1n,
      tickSize: 1n,
    }));

    it("exports the issue's two gas ceilings", function () {
      expect(GAS_CEILING_OSAKA).to.equal(16_777_216);
      expect(GAS_CEILING_CONSORTIUM).to.equal(100_000_000);
    });

    it("never crosses either ceiling, keeps every trade in order, and fills batches", function () {
      const trades = collectTrades(memberWorkload({ seed: 11, trades: 6_000, firstTradeId: 500n }));
      for (const [gasCeiling, calldataCeiling] of [
        [GAS_CEILING_OSAKA, 1_048_576],
        [GAS_CEILING_CONSORTIUM, 1_048_576],
        [GAS_CEILING_CONSORTIUM, 20_000],
        [3_000_000, 1_048_576],
      ]) {
        const held = new Set<string>();
        const options = {
          gasCeiling,
          calldataCeiling,
          instruments,
          holds: (p: number, asset: string) => held.has(`${p}:${asset.toLowerCase()}`),
        };
        const batches: PlannedBatch[] = [];
        // Lazily: what a batch writes is held when the next one is planned.
        for (const batch of planBatches(trades, 4, options)) {
          const i = batches.push(batch) - 1;
          expect(batch.cycle).to.equal(4);
          const prepared = prepareBatch(batch, options); // throws if over a ceiling
          expect(prepared.gas).to.be.at.most(gasCeiling).and.at.most(batch.gas);
          expect(prepared.counts.calldataBytes).to.be.at.most(calldataCeiling);
          expect(batch.counts.positions).to.equal(prepared.counts.positions);
          // Full: the next trade would not have fitted.
          const next = trades[Number(batch.firstTradeId - 500n) + batch.trades.length];
          if (next !== undefined) {
            const more = { ...batch, trades: [...batch.trades, next] };
            const c = batchCounts(more, { ...options });
            const gas = linearGasModel()({ ...c, calldataZeroBytes: 0 });
            expect(gas > gasCeiling || c.calldataBytes > calldataCeiling, `batch ${i} could take one more`).to.equal(
              true,
            );
          }
          // What this batch writes is held afterwards: the next batches rewrite.
          for (const t of batch.trades) {
            const instrument = instruments[t.instrument];
            for (const p of [t.buyer, t.seller]) {
              held.add(`${p}:${instrument.token.toLowerCase()}`).add(`${p}:${instrument.coin.toLowerCase()}`);
            }
          }
        }
        expect(batches.flatMap((b) => b.trades)).to.deep.equal(trades);
      }
    });

    it("refuses a batch over a ceiling before sending, and a trade that fits no batch", function () {
      const trades = collectTrades(memberWorkload({ seed: 12, trades: 3_000 }));
      const batch = { cycle: 0, firstTradeId: 0n, trades };
      expect(() => prepareBatch(batch, { gasCeiling: GAS_CEILING_OSAKA })).to.throw(
        BatchCeilingError,
        "exceeds the gas ceiling 16777216",
      );
      expect(() => prepareBatch(batch, { gasCeiling: 10 ** 9, calldataCeiling: 30_000 })).to.throw(
        BatchCeilingError,
        "exceed the calldata ceiling 30000",
      );
      expect(() => splitIntoBatches(trades, { gasCeiling: 50_000 })).to.throw(
        BatchCeilingError,
        "alone cannot be a batch",
      );
      expect(() => splitIntoBatches([trades[0], trades[2]])).to.throw(RangeError, "consecutive");
    });

    it("counts positions written from zero or rewritten by what the participants hold", function () {
      const trades = [trade(0, 1, 2, 0, 3, 4), trade(1, 2, 3, 0), trade(2, 1, 3, 60), trade(3, 3, 1, 60)];
      const batch = { cycle: 0, firstTradeId: 0n, trades };
      const seen: string[] = [];
      const counts = batchCounts(batch, {
        instruments,
        holds: (p, asset) => (seen.push(asset), p === 1),
      });
      // Positions: instrument 0 × {1, 2, 3}, instrument 60 × {1, 3}; cash: COIN × {1, 2, 3}, COIN2 × {1, 3}.
      expect(counts).to.include({
        trades: 4,
        participants: 3,
        instruments: 2,
        coins: 2,
        positions: 5,
        cashPositions: 5,
      });
      expect(counts).to.include({ positionsRewritten: 4, positionsCreated: 6 }); // participant 1's four
      expect(seen.every((asset) => asset === asset.toLowerCase())).to.equal(true);
      expect(new Set(seen)).to.deep.equal(
        new Set([instruments[0].token, instruments[60].token, COIN, COIN2].map((a) => a.toLowerCase())),
      );
      expect(batchCounts(batch, { instruments, holds: () => true })).to.include({ positionsCreated: 0 });
      // Without the table every instrument is its own coin and every position counts as created (upper bounds).
      expect(batchCounts(batch)).to.include({ coins: 2, cashPositions: 5, positionsCreated: 10 });
      const data = NET_SETTLEMENT_INTERFACE.encodeFunctionData("submitBatch", [encodeBatch(batch)]);
      expect(counts.calldataBytes).to.equal(ethers.dataLength(data));
      expect(counts.calldataZeroBytes).to.equal(ethers.getBytes(data).filter((byte) => byte === 0).length);
    });

    it("streams: batches come before the input ends", function () {
      let pulled = 0;
      function* source() {
        for (const chunk of memberWorkload({ seed: 13, trades: 50_000, chunk: 1_000 })) {
          pulled += chunk.length;
          yield* chunk;
        }
      }
      const first = planBatches(source(), 0, { gasCeiling: GAS_CEILING_OSAKA }).next();
      expect(first.done).to.equal(false);
      expect(pulled).to.be.lessThan(50_000);
    });
  });

  describe("workloads", function () {
    it("are deterministic, chunking aside, and differ by seed", function () {
      const a = collectTrades(memberWorkload({ seed: 1, trades: 2_500, chunk: 1_000 }));
      const b = collectTrades(memberWorkload({ seed: 1, trades: 2_500, chunk: 333 }));
      const c = collectTrades(memberWorkload({ seed: 2, trades: 2_500 }));
      expect(plain(a)).to.deep.equal(plain(b));
      expect(plain(a)).to.not.deep.equal(plain(c));
      const i1 = collectTrades(investorWorkload({ seed: 1, trades: 2_000, firstTradeId: 7n }));
      const i2 = collectTrades(investorWorkload({ seed: 1, trades: 2_000, firstTradeId: 7n, chunk: 7 }));
      expect(plain(i1)).to.deep.equal(plain(i2));
      expect(i1[0].tradeId).to.equal(7n);
    });

    it("draw sensible trades: ids consecutive, buyer ≠ seller, ranges", function () {
      const check = (trades: NetTrade[], participants: number, maxQuantity: number, first: number) => {
        const bad = trades.filter(
          (t, i) =>
            t.tradeId !== BigInt(i) ||
            t.buyer === t.seller ||
            !(t.buyer - first >= 0 && t.buyer - first < participants) ||
            !(t.seller - first >= 0 && t.seller - first < participants) ||
            !(t.instrument >= 0 && t.instrument < 100) ||
            !(t.quantity >= 1 && t.quantity <= maxQuantity) ||
            !(t.price >= 99 && t.price <= 10_100),
        );
        expect(plain(bad.slice(0, 3))).to.deep.equal([]);
        return new Set(trades.flatMap((t) => [t.buyer, t.seller])).size;
      };
      const members = collectTrades(memberWorkload({ seed: 3, trades: 20_000, firstParticipant: 5 }));
      expect(check(members, 100, 1_000, 5)).to.be.greaterThan(90);
      const investors = collectTrades(investorWorkload({ seed: 3, trades: 20_000 }));
      expect(check(investors, 1_000, 100, 0)).to.be.greaterThan(990);
      // Zipf(1.1): member 0 is the busiest by far; uniform investors are not.
      const share = (trades: NetTrade[], p: number) => trades.filter((t) => t.buyer === p).length / trades.length;
      expect(share(members, 5)).to.be.greaterThan(0.15);
      expect(share(investors, 0)).to.be.lessThan(0.005);
    });

    it("positions per trade of member batches of 5,000 and 80,000 trades (issue: ≈ 0.53 and ≈ 0.10)", function () {
      this.timeout(60_000);
      const figures: string[] = [];
      for (const size of [5_000, 80_000]) {
        let sum = 0;
        const seeds = [1, 2, 3];
        for (const seed of seeds) {
          const trades = collectTrades(memberWorkload({ seed, trades: size }));
          const net = netPositions(
            trades,
            Array.from({ length: 100 }, () => INSTRUMENTS[0]),
          );
          sum += net.positions.length / size;
        }
        const perTrade = sum / seeds.length;
        figures.push(`${size}: ${perTrade.toFixed(3)}`);
        expect(perTrade).to.be.within(size === 5_000 ? 0.45 : 0.08, size === 5_000 ? 0.6 : 0.12);
      }
      console.log(`      member-level positions per trade (seeds 1–3): ${figures.join(", ")}`);
      const investors = collectTrades(investorWorkload({ seed: 1, trades: 5_000 }));
      const spread =
        netPositions(
          investors,
          Array.from({ length: 100 }, () => INSTRUMENTS[0]),
        ).positions.length / 5_000;
      console.log(`      investor-level positions per trade (5,000 trades): ${spread.toFixed(3)}`);
      expect(spread).to.be.greaterThan(1.8); // uniform flow barely nets: almost two new positions a trade
    });
  });

  describe("precheckBatch / splitAroundFailures", function () {
    const wallets = Array.from({ length: 8 }, (_, i) => address(`participant${i}`));
    const instruments: Instrument[] = [0, 1, 2].map((i) => ({
      token: address(`security${i}`),
      coin: i < 2 ? COIN : COIN2,
      lotSize: 10n,
      tickSize: 1n,
    }));

    /**
     * A fake engine: decodes the batch, nets it, and refuses the first position (instruments in order, then coins)
     * of a frozen wallet or whose debit exceeds its balance, as `NetTradeFailed` naming the position's first trade.
     */
    function fakeEngine(
      frozen: Map<string, Set<string>>,
      balances: Balances,
      other?: string,
      inactive: { participants?: number[]; instruments?: number[] } = {},
    ): NetSettlementLike {
      const revert = (data: string) => Object.assign(new Error("execution reverted"), { data });
      return {
        submitBatch: {
          async staticCall(bytes) {
            if (other) throw revert(other);
            const { trades, participants, instruments: listed } = decodeBatch(bytes);
            for (const p of participants) {
              if (inactive.participants?.includes(p)) {
                throw revert(NET_SETTLEMENT_INTERFACE.encodeErrorResult("NetParticipantInactive", [p, wallets[p]]));
              }
            }
            for (const { instrument: i } of listed) {
              if (inactive.instruments?.includes(i)) {
                throw revert(
                  NET_SETTLEMENT_INTERFACE.encodeErrorResult("NetInstrumentInactive", [i, instruments[i].token]),
                );
              }
            }
            const net = netPositions(trades, instruments);
            const entries = [
              ...net.positions.map((p) => ({ ...p, asset: p.token, delta: p.units })),
              ...net.cash.map((c) => ({ ...c, asset: c.coin, delta: c.cash })),
            ];
            for (const e of entries) {
              const wallet = wallets[e.participant];
              const balance = balances.get(e.asset.toLowerCase())?.get(e.participant) ?? 0n;
              const code = frozen.get(e.asset)?.has(wallet)
                ? e.delta > 0n || e.flags & NET_RECEIVED
                  ? Restriction.RecipientFrozen
                  : Restriction.SenderFrozen
                : balance + e.delta < 0n
                  ? Restriction.InsufficientUnfrozenBalance
                  : 0;
              if (code !== 0) {
                const data = NET_SETTLEMENT_INTERFACE.encodeErrorResult("NetTradeFailed", [
                  e.firstTrade,
                  wallet,
                  e.asset,
                  code,
                  "0x",
                ]);
                throw revert(data);
              }
            }
            return [1n, merkleRoot(trades)];
          },
        },
      };
    }

    const rich = (): Balances =>
      new Map(
        [...instruments.flatMap((i) => [i.token, i.coin])].map((asset) => [
          asset.toLowerCase(),
          new Map(wallets.map((_, p) => [p, 10n ** 15n])),
        ]),
      );

    it("precheckBatch says which trade fails and why, or that the batch passes", async function () {
      const trades = [trade(0, 1, 2, 0, 5, 100), trade(1, 3, 1, 1, 5, 100), trade(2, 4, 1, 0, 1, 1)];
      const batch = { cycle: 1, firstTradeId: 0n, trades };
      const pass = await precheckBatch(fakeEngine(new Map(), rich()), batch);
      expect(pass.ok).to.equal(true);
      const frozen = new Map([[instruments[0].token, new Set([wallets[4]])]]);
      const verdict = await precheckBatch(fakeEngine(frozen, rich()), batch);
      expect(verdict.ok).to.equal(false);
      if (verdict.ok) return;
      expect(verdict.failure).to.include({
        tradeIndex: 2,
        participant: wallets[4],
        token: instruments[0].token,
        code: Restriction.RecipientFrozen,
      });
      expect(verdict.failure.sentence).to.equal(
        `trade 2 fails: ${instruments[0].token} refuses participant ${wallets[4]}: RecipientFrozen (15): ` +
          "the recipient's address is frozen",
      );
    });

    it("other custom errors are decoded; a refusal naming no trade cannot be split", async function () {
      const data = NET_SETTLEMENT_INTERFACE.encodeErrorResult("NetUnbalanced", [5n]);
      const batch = { cycle: 1, firstTradeId: 0n, trades: [trade(0, 1, 2, 0)] };
      const verdict = await precheckBatch(fakeEngine(new Map(), rich(), data), batch);
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) expect(verdict.failure.sentence).to.equal("net unbalanced: sum 5");
      const unknown = await precheckBatch(fakeEngine(new Map(), rich(), "0xdeadbeef00"), batch);
      if (!unknown.ok) expect(unknown.failure.sentence).to.equal("unknown error 0xdeadbeef (5 bytes)");
      await splitAroundFailures(fakeEngine(new Map(), rich(), data), batch).then(
        () => expect.fail("no error"),
        (error: Error) => expect(error.message).to.contain("refuses the batch as a whole: net unbalanced"),
      );
      const offline: NetSettlementLike = {
        submitBatch: {
          staticCall: () => Promise.reject(new Error("connection refused")),
        },
      };
      await precheckBatch(offline, batch).then(
        () => expect.fail("no error"),
        (error: Error) => expect(error.message).to.equal("connection refused"),
      );
    });

    it("splits around failing positions until the batch passes: random worlds", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              buyer: fc.integer({ min: 0, max: 7 }),
              seller: fc.integer({ min: 0, max: 7 }),
              instrument: fc.integer({ min: 0, max: 2 }),
              quantity: fc.integer({ min: 1, max: 50 }),
            }),
            { minLength: 1, maxLength: 40 },
          ),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 7 })), { maxLength: 3 }),
          fc.array(
            fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 800 })),
            {
              maxLength: 12,
            },
          ),
          async (raw, freezes, lows) => {
            const trades = raw
              .filter((t) => t.buyer !== t.seller)
              .map((t, i) => trade(40 + i, t.buyer, t.seller, t.instrument, t.quantity, 3));
            if (trades.length === 0) return;
            const frozen = new Map<string, Set<string>>();
            for (const [i, p] of freezes) {
              const set = frozen.get(instruments[i].token) ?? new Set<string>();
              frozen.set(instruments[i].token, set.add(wallets[p]));
            }
            const balances = rich();
            const assets = [...instruments.map((i) => i.token), COIN, COIN2];
            for (const [a, p, v] of lows) balances.get(assets[a].toLowerCase())!.set(p, BigInt(v));
            const engine = fakeEngine(frozen, balances);
            const batch = { cycle: 2, firstTradeId: 40n, trades };
            const result = await splitAroundFailures(engine, batch, { participants: wallets, instruments });
            // Every trade is either included (in order) or excluded, once.
            const all = [...result.included, ...result.excluded.map((e) => e.index)].sort((a, b) => a - b);
            expect(all).to.deep.equal(trades.map((_, i) => i));
            expect(result.included).to.deep.equal([...result.included].sort((a, b) => a - b));
            if (result.batch) {
              expect(plain(result.batch.trades)).to.deep.equal(
                plain(result.included.map((i, t) => ({ ...trades[i], tradeId: 40n + BigInt(t) }))),
              );
              expect((await precheckBatch(engine, result.bytes!)).ok).to.equal(true);
            } else expect(result.included).to.deep.equal([]);
            // Each exclusion touches the refused participant's position in the refusing asset.
            for (const { trade: t, failure } of result.excluded) {
              const wallet = failure.participant!;
              expect([wallets[t.buyer], wallets[t.seller]]).to.include(wallet);
              const instrument = instruments[t.instrument];
              expect([instrument.token, instrument.coin]).to.include(failure.token);
              expect(failure.code).to.be.oneOf([
                Restriction.SenderFrozen,
                Restriction.RecipientFrozen,
                Restriction.InsufficientUnfrozenBalance,
              ]);
            }
            // Nothing left out needlessly: with no frozen wallet and no low balance, all pass in one round.
            if (freezes.length === 0 && lows.length === 0) {
              expect(result.excluded).to.deep.equal([]);
              expect(result.rounds).to.equal(1);
            }
          },
        ),
        { seed: 1919, numRuns: 80 },
      );
    });

    it("drops the trades of the refused position only (a coin refusal: the participant's cash in that coin)", async function () {
      const trades = [
        trade(0, 1, 2, 0, 5, 10), // pays COIN
        trade(1, 1, 3, 2, 5, 10), // pays COIN2
        trade(2, 1, 4, 1, 5, 10), // pays COIN
        trade(3, 5, 6, 0, 5, 10),
      ];
      const balances = rich();
      balances.get(COIN.toLowerCase())!.set(1, 0n); // participant 1 cannot pay in COIN
      const result = await splitAroundFailures(
        fakeEngine(new Map(), balances),
        { cycle: 0, firstTradeId: 0n, trades },
        {
          participants: wallets,
          instruments,
        },
      );
      expect(result.excluded.map((e) => e.index)).to.deep.equal([0, 2]);
      expect(result.excluded[0].failure).to.include({ token: COIN, code: Restriction.InsufficientUnfrozenBalance });
      expect(result.included).to.deep.equal([1, 3]);
      expect(result.rounds).to.equal(2);
      // Without the tables only the failing trade goes, one round at a time.
      const blind = await splitAroundFailures(fakeEngine(new Map(), balances), { cycle: 0, firstTradeId: 0n, trades });
      expect(blind.excluded.map((e) => e.index)).to.deep.equal([0, 2]);
      expect(blind.rounds).to.equal(3);
    });

    it("precheckBatch reads the revert of a real contract through ethers (a stub that always reverts)", async function () {
      const [signer] = await network.getSigners();
      const data = NET_SETTLEMENT_INTERFACE.encodeErrorResult("NetTradeFailed", [
        3n,
        wallets[1],
        instruments[2].token,
        Restriction.SenderFrozen,
        "0x",
      ]);
      const hex2 = (n: number) => n.toString(16).padStart(4, "0");
      const length = ethers.dataLength(data);
      // Runtime: CODECOPY(0, 15, length); REVERT(0, length); then the revert data.
      const runtime = ethers.concat([`0x61${hex2(length)}61000f600039` + `61${hex2(length)}6000fd`, data]);
      // Init: CODECOPY(0, 13, runtime length); RETURN(0, runtime length).
      const init = ethers.concat([`0x61${hex2(ethers.dataLength(runtime))}8061000d6000396000f3`, runtime]);
      const receipt = await (await signer.sendTransaction({ data: init })).wait();
      const engine = new ethers.Contract(receipt!.contractAddress!, NET_SETTLEMENT_ABI) as unknown as NetSettlementLike;
      const verdict = await precheckBatch(
        engine,
        { cycle: 0, firstTradeId: 0n, trades: [trade(0, 1, 2, 0)] },
        { signer },
      );
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) {
        expect(verdict.failure).to.include({ tradeIndex: 3, participant: wallets[1], code: Restriction.SenderFrozen });
        expect(verdict.failure.sentence).to.contain("SenderFrozen (14)");
      }
    });

    it("an inactive participant or instrument takes out every trade naming it", async function () {
      const trades = [trade(0, 1, 2, 0), trade(1, 3, 4, 1), trade(2, 2, 5, 2), trade(3, 3, 6, 0), trade(4, 5, 6, 1)];
      const engine = fakeEngine(new Map(), rich(), undefined, { participants: [2], instruments: [1] });
      const verdict = await precheckBatch(engine, { cycle: 0, firstTradeId: 0n, trades });
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) {
        expect(verdict.failure).to.include({ participantIndex: 2, instrumentIndex: undefined, tradeIndex: undefined });
        expect(verdict.failure.sentence).to.equal(`net participant inactive: index 2, wallet ${wallets[2]}`);
      }
      const result = await splitAroundFailures(
        engine,
        { cycle: 0, firstTradeId: 0n, trades },
        { participants: wallets, instruments },
      );
      expect(result.excluded.map((e) => [e.index, e.failure.error?.name])).to.deep.equal([
        [0, "NetParticipantInactive"],
        [2, "NetParticipantInactive"],
        [1, "NetInstrumentInactive"],
        [4, "NetInstrumentInactive"],
      ]);
      expect(result.included).to.deep.equal([3]);
      expect(result.batch!.trades).to.deep.equal([{ ...trades[3], tradeId: 0n }]);
      expect(result.rounds).to.equal(3);
    });
  });
});
