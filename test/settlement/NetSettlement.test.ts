import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { concat, getCreateAddress, ZeroAddress } from "ethers";
import { Role } from "../../config/roles";
import { CONSENT_DEADLINE, consentsOf, netFixture, participantSigners, type NetWorld } from "./netFixture";
import {
  applyGross,
  encodeBatch,
  ledgerGet,
  merkleProof,
  merkleRoot,
  netCalls,
  offsets,
  rawBatch,
  rng,
  serialize,
  tradeLeaf,
  withIds,
  type Ledger,
  type NetTrade,
  type RawBatch,
} from "./netHelpers";

const UNCLASSIFIED = 255;
const INSUFFICIENT = 16;

/** Five trades over participants 0–4 and the three instruments of the fixture (ids from `first`). */
function sampleTrades(first = 0n): NetTrade[] {
  return withIds(first, [
    { buyer: 0, seller: 1, instrument: 0, quantity: 5, price: 100 },
    { buyer: 2, seller: 0, instrument: 0, quantity: 3, price: 101 },
    { buyer: 1, seller: 3, instrument: 1, quantity: 2, price: 50 },
    { buyer: 4, seller: 2, instrument: 2, quantity: 7, price: 9 },
    { buyer: 0, seller: 4, instrument: 1, quantity: 1, price: 51 },
  ]);
}

async function ledgerOf(world: NetWorld): Promise<Ledger> {
  const ledger: Ledger = new Map();
  for (const token of [world.tokens.eqa, world.tokens.eqb, world.tokens.usd, world.tokens.cny]) {
    const m = new Map<string, bigint>();
    for (const w of world.wallets) m.set(w.toLowerCase(), await token.balanceOf(w));
    ledger.set((await token.getAddress()).toLowerCase(), m);
  }
  return ledger;
}

/** Everything a refused call must leave unchanged: balances, the clearer's counters and tables. */
async function stateOf(world: NetWorld) {
  const { net } = world.contracts;
  const clearer = world.accounts.exchange.address;
  const ledger = await ledgerOf(world);
  return {
    balances: [...ledger].map(([t, m]) => [t, [...m]]),
    counters: [
      await net.nextTradeId(clearer),
      await net.lastCycle(clearer),
      await net.batchCount(clearer),
      await net.participantCount(clearer),
      await net.instrumentCount(clearer),
    ],
    participants: await Promise.all(
      Array.from({ length: Number(await net.participantCount(clearer)) }, (_, i) => net.participantOf(clearer, i)),
    ),
    instruments: await Promise.all(
      Array.from({ length: Number(await net.instrumentCount(clearer)) }, (_, i) => net.instrumentOf(clearer, i)),
    ),
  };
}

/** Fields of a batch in order, (offset, size), a trade counting as one field: the first missing one is named. */
function fields(raw: RawBatch): [number, number][] {
  const out: [number, number][] = [
    [0, 1],
    [1, 4],
    [5, 8],
  ];
  const o = offsets(raw);
  out.push([o.participantCount, 2]);
  raw.participants.forEach((_, i) => out.push([o.participantCount + 2 + 4 * i, 4]));
  out.push([o.instrumentCount, 2]);
  raw.instruments.forEach((ins, j) => {
    out.push([o.instruments[j].index, 4], [o.instruments[j].count, 2]);
    ins.locals.forEach((_, i) => out.push([o.instruments[j].locals + 2 * i, 2]));
  });
  out.push([o.tradeCount, 4]);
  raw.trades.forEach((_, i) => out.push([o.trades + 12 * i, 12]));
  return out;
}

describe("NetSettlement", function () {
  describe("wiring", function () {
    it("is the module the engine created, reached through the engine's fallback", async function () {
      const { contracts } = await loadFixture(netFixture);
      const engine = await contracts.engine.getAddress();
      // The engine's first CREATE (contract nonces start at 1).
      const module = getCreateAddress({ from: engine, nonce: 1 });
      const artifact = await hre.artifacts.readArtifact("NetSettlement");
      expect(await ethers.provider.getCode(module)).to.equal(artifact.deployedBytecode);
    });

    it("shares the engine's authority slot (AccessManaged first in both storage layouts)", async function () {
      const layout = async (name: string) => {
        const artifact = await hre.artifacts.readArtifact(name);
        const info = await hre.artifacts.getBuildInfo(`${artifact.sourceName}:${name}`);
        const output = info!.output.contracts[artifact.sourceName][name] as unknown as {
          storageLayout: { storage: { label: string; slot: string; offset: number }[] };
        };
        return output.storageLayout.storage;
      };
      const module = await layout("NetSettlement");
      const engine = await layout("Settlement");
      const authorityOf = (s: { label: string; slot: string; offset: number }[]) =>
        s
          .filter((v) => v.label === "_authority" || v.label === "_consumingSchedule")
          .map((v) => ({ label: v.label, slot: v.slot, offset: v.offset }));
      expect(authorityOf(module)).to.deep.equal(authorityOf(engine));
      expect(authorityOf(module).map((v) => [v.slot, v.offset])).to.deep.equal([
        ["0", 0],
        ["0", 20],
      ]);
      // The module keeps nothing else in sequential storage (its state is ERC-7201 namespaced).
      expect(module.map((v) => v.label)).to.deep.equal(["_authority", "_consumingSchedule"]);
    });

    it("restricted functions ask the engine's authority about the engine's address", async function () {
      const { accounts, contracts, wallets } = await loadFixture(netFixture);
      const { net, authority, engine } = contracts;
      const selector = net.interface.getFunction("submitBatch").selector;
      expect(await authority.getTargetFunctionRole(await engine.getAddress(), selector)).to.equal(Role.CLEARING_MEMBER);
      // The exchange is a clearing member by its kind (config/roles.ts memberKindRoles).
      expect((await authority.hasRole(Role.CLEARING_MEMBER, accounts.exchange.address))[0]).to.equal(true);
      await expect(net.connect(accounts.stranger).addParticipants([wallets[0]], [CONSENT_DEADLINE], ["0x"]))
        .to.be.revertedWithCustomError(engine, "AccessManagedUnauthorized")
        .withArgs(accounts.stranger.address);
      // Suspending the member takes the role away (the member registry revokes its roles).
      await contracts.members.connect(accounts.governor).suspendMember(accounts.exchange.address, ethers.id("test"));
      await expect(net.connect(accounts.exchange).submitBatch(encodeBatch(1, 0n, sampleTrades())))
        .to.be.revertedWithCustomError(engine, "AccessManagedUnauthorized")
        .withArgs(accounts.exchange.address);
    });

    it("the module called directly has no authority: every restricted function refuses", async function () {
      const { accounts, contracts, wallets } = await loadFixture(netFixture);
      const module = getCreateAddress({ from: await contracts.engine.getAddress(), nonce: 1 });
      const direct = await ethers.getContractAt("NetSettlement", module, accounts.exchange);
      expect(await direct.authority()).to.equal(ZeroAddress);
      await expect(direct.addParticipants([wallets[0]], [CONSENT_DEADLINE], ["0x"])).to.be.reverted;
      await expect(direct.submitBatch(encodeBatch(1, 0n, sampleTrades()))).to.be.reverted;
    });
  });

  describe("participants", function () {
    it("appends wallets with an event each and returns the first index", async function () {
      const { accounts, clearer, contracts } = await loadFixture(netFixture);
      const signers = participantSigners(3, "more");
      const more = signers.map((w) => w.address);
      const args = await consentsOf(clearer, signers);
      expect(await clearer.addParticipants.staticCall(...args)).to.equal(6n);
      const tx = clearer.addParticipants(...args);
      for (let i = 0; i < 3; i++) {
        await expect(tx)
          .to.emit(contracts.net, "NetParticipantAdded")
          .withArgs(accounts.exchange.address, 6 + i, more[i]);
      }
      const me = accounts.exchange.address;
      expect(await contracts.net.participantCount(me)).to.equal(9n);
      expect(await contracts.net.participantOf(me, 7)).to.deep.equal([more[1], true]);
      expect(await contracts.net.participantIndexOf(me, more[2])).to.deep.equal([true, 8n]);
      expect(await contracts.net.participantIndexOf(me, accounts.stranger.address)).to.deep.equal([false, 0n]);
      expect(await contracts.net.participantOf(me, 9)).to.deep.equal([ZeroAddress, false]);
    });

    it("keeps one table per clearer", async function () {
      const world = await loadFixture(netFixture);
      const { accounts, contracts, wallets } = world;
      const other = accounts.custodian;
      await contracts.members.connect(accounts.governor).grantMemberRole(other.address, Role.CLEARING_MEMBER, 0);
      const args = await consentsOf(contracts.net.connect(other), [world.signers[3]]);
      expect(await contracts.net.connect(other).addParticipants.staticCall(...args)).to.equal(0n);
      await contracts.net.connect(other).addParticipants(...args);
      expect(await contracts.net.participantOf(other.address, 0)).to.deep.equal([wallets[3], true]);
      expect(await contracts.net.participantOf(accounts.exchange.address, 0)).to.deep.equal([wallets[0], true]);
      expect(await contracts.net.nextTradeId(other.address)).to.equal(0n);
    });

    for (const [name, build, error, args] of [
      ["no wallet", () => [], "NetNoParticipants", () => []],
      ["the zero address", (w: string[]) => [w[6], ZeroAddress], "NetInvalidParticipant", () => [1, ZeroAddress]],
      [
        "a wallet already a participant",
        (w: string[]) => [w[6], w[2]],
        "NetParticipantExists",
        (w: string[]) => [w[2], 2],
      ],
      ["a wallet twice in the call", (w: string[]) => [w[6], w[6]], "NetParticipantExists", (w: string[]) => [w[6], 6]],
    ] as [string, (w: string[]) => string[], string, (w: string[]) => unknown[]][]) {
      it(`refuses ${name} with ${error}, changing nothing`, async function () {
        const world = await loadFixture(netFixture);
        const signers = [...world.signers, ...participantSigners(1, "fresh")];
        const w = signers.map((s) => s.address);
        // Each wallet's own valid consent (none for the zero address): the refusal is for the wallet itself.
        const picked = build(w);
        const [, deadlines, signed] = await consentsOf(
          world.clearer,
          picked.map((a) => signers.find((s) => s.address === a) ?? signers[0]),
        );
        const consents = signed.map((c, i) => (picked[i] === ZeroAddress ? "0x" : c));
        const before = await stateOf(world);
        await expect(world.clearer.addParticipants(picked, deadlines, consents))
          .to.be.revertedWithCustomError(world.contracts.net, error)
          .withArgs(...args(w));
        expect(await stateOf(world)).to.deep.equal(before);
      });
    }

    it("refuses the engine itself as a participant", async function () {
      const world = await loadFixture(netFixture);
      const engine = await world.contracts.engine.getAddress();
      await expect(world.clearer.addParticipants([engine], [CONSENT_DEADLINE], ["0x"]))
        .to.be.revertedWithCustomError(world.contracts.net, "NetInvalidParticipant")
        .withArgs(0, engine);
    });

    it("deactivates and reactivates a participant with events; refuses an unknown or unchanged one", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, accounts } = world;
      const me = accounts.exchange.address;
      await expect(clearer.setParticipantActive(2, false))
        .to.emit(contracts.net, "NetParticipantActiveSet")
        .withArgs(me, 2, false);
      expect(await contracts.net.participantOf(me, 2)).to.deep.equal([world.wallets[2], false]);
      let before = await stateOf(world);
      await expect(clearer.setParticipantActive(2, false))
        .to.be.revertedWithCustomError(contracts.net, "NetActiveUnchanged")
        .withArgs(2, false);
      await expect(clearer.setParticipantActive(6, true))
        .to.be.revertedWithCustomError(contracts.net, "NetUnknownParticipant")
        .withArgs(6, 6);
      expect(await stateOf(world)).to.deep.equal(before);
      await expect(clearer.setParticipantActive(2, true))
        .to.emit(contracts.net, "NetParticipantActiveSet")
        .withArgs(me, 2, true);
      before = await stateOf(world);
      await expect(clearer.setParticipantActive(2, true))
        .to.be.revertedWithCustomError(contracts.net, "NetActiveUnchanged")
        .withArgs(2, true);
      expect(await stateOf(world)).to.deep.equal(before);
    });
  });

  describe("instruments", function () {
    it("appends an instrument with its event and returns its index", async function () {
      const { clearer, contracts, accounts, tokens } = await loadFixture(netFixture);
      const [eqb, cny] = [await tokens.eqb.getAddress(), await tokens.cny.getAddress()];
      expect(await clearer.addInstrument.staticCall(eqb, cny, 3, 4)).to.equal(3n);
      await expect(clearer.addInstrument(eqb, cny, 3, 4))
        .to.emit(contracts.net, "NetInstrumentAdded")
        .withArgs(accounts.exchange.address, 3, eqb, cny, 3, 4);
      expect(await contracts.net.instrumentOf(accounts.exchange.address, 3)).to.deep.equal([eqb, cny, 3n, 4n, true]);
      expect(await contracts.net.instrumentCount(accounts.exchange.address)).to.equal(4n);
      expect(await contracts.net.instrumentOf(accounts.exchange.address, 4)).to.deep.equal([
        ZeroAddress,
        ZeroAddress,
        0n,
        0n,
        false,
      ]);
    });

    it("refuses a token outside the directory, a coin not registered, zero sizes, changing nothing", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, tokens } = world;
      const [eqa, usd, rogue] = await Promise.all(
        [tokens.eqa, tokens.usd, tokens.unregistered].map((t) => t.getAddress()),
      );
      const before = await stateOf(world);
      await expect(clearer.addInstrument(rogue, usd, 1, 1))
        .to.be.revertedWithCustomError(contracts.net, "NetNotAnAsset")
        .withArgs(rogue);
      await expect(clearer.addInstrument(usd, usd, 1, 1))
        .to.be.revertedWithCustomError(contracts.net, "NetNotAnAsset")
        .withArgs(usd);
      await expect(clearer.addInstrument(eqa, rogue, 1, 1))
        .to.be.revertedWithCustomError(contracts.net, "NetNotACoin")
        .withArgs(rogue);
      // A directory asset is not a coin.
      await expect(clearer.addInstrument(eqa, eqa, 1, 1))
        .to.be.revertedWithCustomError(contracts.net, "NetNotACoin")
        .withArgs(eqa);
      await expect(clearer.addInstrument(eqa, usd, 0, 1))
        .to.be.revertedWithCustomError(contracts.net, "NetInvalidSizes")
        .withArgs(0, 1);
      await expect(clearer.addInstrument(eqa, usd, 1, 0))
        .to.be.revertedWithCustomError(contracts.net, "NetInvalidSizes")
        .withArgs(1, 0);
      expect(await stateOf(world)).to.deep.equal(before);
    });

    it("deactivates and reactivates an instrument with events; refuses an unknown or unchanged one", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, accounts } = world;
      const me = accounts.exchange.address;
      await expect(clearer.setInstrumentActive(1, false))
        .to.emit(contracts.net, "NetInstrumentActiveSet")
        .withArgs(me, 1, false);
      expect((await contracts.net.instrumentOf(me, 1)).active).to.equal(false);
      expect((await contracts.net.instrumentOf(me, 0)).active).to.equal(true);
      const before = await stateOf(world);
      await expect(clearer.setInstrumentActive(1, false))
        .to.be.revertedWithCustomError(contracts.net, "NetActiveUnchanged")
        .withArgs(1, false);
      await expect(clearer.setInstrumentActive(3, false))
        .to.be.revertedWithCustomError(contracts.net, "NetUnknownInstrument")
        .withArgs(3, 3);
      await expect(clearer.setInstrumentActive(0, true))
        .to.be.revertedWithCustomError(contracts.net, "NetActiveUnchanged")
        .withArgs(0, true);
      expect(await stateOf(world)).to.deep.equal(before);
      await expect(clearer.setInstrumentActive(1, true))
        .to.emit(contracts.net, "NetInstrumentActiveSet")
        .withArgs(me, 1, true);
      expect((await contracts.net.instrumentOf(me, 1)).active).to.equal(true);
    });
  });

  describe("submitBatch", function () {
    it("applies the net changes: balances equal the trades applied one by one (N2), Σ per token is zero (N3)", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, accounts, instruments, wallets } = world;
      const trades = sampleTrades();
      const before = await ledgerOf(world);
      const batch = encodeBatch(7, 0n, trades);
      const root = merkleRoot(trades.map(tradeLeaf));
      expect(await clearer.submitBatch.staticCall(batch)).to.deep.equal([1n, root]);
      const tx = clearer.submitBatch(batch);
      await expect(tx).to.emit(contracts.net, "NetBatchSettled").withArgs(accounts.exchange.address, 1, 7, 0, 5, root);
      const after = await ledgerOf(world);
      const expected = applyGross(before, trades, instruments, wallets);
      for (const [token, m] of after) {
        let sum = 0n;
        for (const [w, balance] of m) {
          expect(balance, `${token} ${w}`).to.equal(ledgerGet(expected, token, w));
          sum += balance - ledgerGet(before, token, w);
        }
        expect(sum).to.equal(0n);
      }
      const me = accounts.exchange.address;
      expect(await contracts.net.nextTradeId(me)).to.equal(5n);
      expect(await contracts.net.lastCycle(me)).to.equal(7n);
      expect(await contracts.net.batchCount(me)).to.equal(1n);
      const record = await contracts.net.batchOf(me, 1);
      const block = await ethers.provider.getBlock((await (await tx).wait())!.blockNumber);
      expect(record).to.deep.equal([root, 7n, 0n, 5n, BigInt(block!.timestamp)]);
    });

    it("nets extreme sizes exactly: u32 quantities and prices, u96 lot and tick sizes, a position both bought and sold", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, tokens, wallets } = world;
      const max32 = 2 ** 32 - 1;
      const max96 = 2n ** 96n - 1n;
      const terms = { token: await tokens.eqb.getAddress(), coin: await tokens.cny.getAddress() };
      await clearer.addInstrument(terms.token, terms.coin, max96, max96);
      const instruments = [...world.instruments, { ...terms, lotSize: max96, tickSize: max96 }];
      // Enough for every debit below: units up to 2^32 × 2^96, coin up to 2^32 × 2^32 × 2^96 a trade.
      for (const w of wallets.slice(0, 3)) {
        await tokens.eqb.mint(w, 2n ** 200n);
        await tokens.cny.mint(w, 2n ** 200n);
      }
      const trades = withIds(0n, [
        { buyer: 0, seller: 1, instrument: 3, quantity: max32, price: max32 },
        { buyer: 1, seller: 0, instrument: 3, quantity: max32, price: 1 },
        { buyer: 0, seller: 2, instrument: 3, quantity: 1, price: max32 },
        { buyer: 2, seller: 0, instrument: 2, quantity: max32, price: max32 },
      ]);
      const before = await ledgerOf(world);
      await clearer.submitBatch(encodeBatch(1, 0n, trades));
      const after = await ledgerOf(world);
      const expected = applyGross(before, trades, instruments, wallets);
      for (const [token, m] of after) {
        for (const [w, balance] of m) expect(balance, `${token} ${w}`).to.equal(ledgerGet(expected, token, w));
      }
      // Participant 0 bought and sold instrument 3: its units moved by the net of both (one lot); participant 1
      // bought back what it sold. Participants 0 and 2 pay and receive CNY on two instruments of different ticks.
      expect(ledgerGet(after, terms.token, wallets[0]) - ledgerGet(before, terms.token, wallets[0])).to.equal(max96);
      expect(ledgerGet(after, terms.token, wallets[1])).to.equal(ledgerGet(before, terms.token, wallets[1]));
    });

    it("calls settleNet per instrument then per coin with the net deltas and flags, Transfers through the engine", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, instruments, wallets, tokens, contracts } = world;
      const trades = sampleTrades();
      const receipt = await (await clearer.submitBatch(encodeBatch(1, 0n, trades))).wait();
      const engine = (await contracts.engine.getAddress()).toLowerCase();
      const applied = receipt!.logs
        .filter((log) => log.topics[0] === tokens.eqa.interface.getEvent("NetApplied").topicHash)
        .map((log) => log.address.toLowerCase());
      const calls = netCalls(trades, instruments, wallets);
      expect(applied).to.deep.equal(calls.map((c) => c.token.toLowerCase()));
      // Every non-zero change is a Transfer to or from the engine.
      const transfers = receipt!.logs
        .filter((log) => log.topics[0] === tokens.eqa.interface.getEvent("Transfer").topicHash)
        .map((log) => {
          const parsed = tokens.eqa.interface.parseLog(log)!;
          return [
            log.address.toLowerCase(),
            parsed.args[0].toLowerCase(),
            parsed.args[1].toLowerCase(),
            parsed.args[2],
          ];
        });
      const expected = calls.flatMap((c) => {
        const debits = c.accounts
          .map((a, i) => [c.token.toLowerCase(), a.toLowerCase(), engine, -c.deltas[i]])
          .filter((_, i) => c.deltas[i] < 0n);
        const credits = c.accounts
          .map((a, i) => [c.token.toLowerCase(), engine, a.toLowerCase(), c.deltas[i]])
          .filter((_, i) => c.deltas[i] > 0n);
        return [...debits, ...credits];
      });
      expect(transfers).to.deep.equal(expected);
      // The flags the tokens got: a participant who bought and sold the same instrument is both.
      expect(calls[0].flags).to.deep.equal([3, 2, 1]);
    });

    it("continues trade ids and takes the same cycle again; refuses a replay, a gap and a regressed cycle", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts } = world;
      await clearer.submitBatch(encodeBatch(3, 0n, sampleTrades()));
      const before = await stateOf(world);
      await expect(clearer.submitBatch(encodeBatch(3, 0n, sampleTrades())))
        .to.be.revertedWithCustomError(contracts.net, "NetTradeIdMismatch")
        .withArgs(0, 5);
      await expect(clearer.submitBatch(encodeBatch(3, 6n, sampleTrades(6n))))
        .to.be.revertedWithCustomError(contracts.net, "NetTradeIdMismatch")
        .withArgs(6, 5);
      await expect(clearer.submitBatch(encodeBatch(2, 5n, sampleTrades(5n))))
        .to.be.revertedWithCustomError(contracts.net, "NetCycleRegressed")
        .withArgs(2, 3);
      expect(await stateOf(world)).to.deep.equal(before);
      await expect(clearer.submitBatch(encodeBatch(3, 5n, sampleTrades(5n))))
        .to.emit(contracts.net, "NetBatchSettled")
        .withArgs(world.accounts.exchange.address, 2, 3, 5, 5, merkleRoot(sampleTrades(5n).map(tradeLeaf)));
    });

    describe("malformed batches (each refused, changing nothing)", function () {
      it("every truncation names the first missing field", async function () {
        const world = await loadFixture(netFixture);
        const raw = rawBatch(1, 0n, sampleTrades());
        const bytes = ethers.getBytes(serialize(raw));
        const list = fields(raw);
        for (let length = 0; length < bytes.length; length++) {
          const missing = list.find(([at, size]) => at + size > length)!;
          await expect(world.clearer.submitBatch.staticCall(bytes.slice(0, length)), `length ${length}`)
            .to.be.revertedWithCustomError(world.contracts.net, "NetBatchTruncated")
            .withArgs(missing[0], length);
        }
        const before = await stateOf(world);
        await expect(world.clearer.submitBatch(bytes.slice(0, bytes.length - 1))).to.be.revertedWithCustomError(
          world.contracts.net,
          "NetBatchTruncated",
        );
        expect(await stateOf(world)).to.deep.equal(before);
      });

      it("trailing bytes", async function () {
        const world = await loadFixture(netFixture);
        const batch = encodeBatch(1, 0n, sampleTrades());
        const length = ethers.dataLength(batch);
        for (const extra of ["0x00", "0x" + "01".repeat(12)]) {
          await expect(world.clearer.submitBatch(concat([batch, extra])))
            .to.be.revertedWithCustomError(world.contracts.net, "NetBatchTrailingBytes")
            .withArgs(length, length + ethers.dataLength(extra));
        }
      });

      it("a version other than 1", async function () {
        const world = await loadFixture(netFixture);
        for (const version of [0, 2, 255]) {
          const raw = { ...rawBatch(1, 0n, sampleTrades()), version };
          await expect(world.clearer.submitBatch(serialize(raw)))
            .to.be.revertedWithCustomError(world.contracts.net, "NetBatchVersion")
            .withArgs(version);
        }
      });

      it("an empty count: participants, instruments, an instrument's positions, trades", async function () {
        const world = await loadFixture(netFixture);
        const net = world.contracts.net;
        const raw = rawBatch(1, 0n, sampleTrades());
        const o = offsets(raw);
        const cases: [RawBatch, number][] = [
          [{ ...raw, participants: [] }, o.participantCount],
          [{ ...raw, instruments: [] }, o.instrumentCount],
          [
            { ...raw, instruments: [raw.instruments[0], { index: 1, locals: [] }, raw.instruments[2]] },
            o.instruments[1].count,
          ],
          [{ ...raw, trades: [] }, o.tradeCount],
        ];
        for (const [bad, at] of cases) {
          await expect(world.clearer.submitBatch(serialize(bad)))
            .to.be.revertedWithCustomError(net, "NetBatchEmpty")
            .withArgs(at);
        }
      });

      it("lists not strictly ascending: participants, instruments, local indices", async function () {
        const world = await loadFixture(netFixture);
        const net = world.contracts.net;
        const raw = rawBatch(1, 0n, sampleTrades());
        const o = offsets(raw);
        const p = raw.participants;
        const swap = <T>(a: T[], i: number, j: number) => a.map((x, k) => (k === i ? a[j] : k === j ? a[i] : x));
        await expect(world.clearer.submitBatch(serialize({ ...raw, participants: swap(p, 1, 2) })))
          .to.be.revertedWithCustomError(net, "NetBatchNotAscending")
          .withArgs(o.participantCount + 2 + 8, p[2], p[1]);
        await expect(world.clearer.submitBatch(serialize({ ...raw, participants: [p[0], p[0], ...p.slice(2)] })))
          .to.be.revertedWithCustomError(net, "NetBatchNotAscending")
          .withArgs(o.participantCount + 2 + 4, p[0], p[0]);
        await expect(world.clearer.submitBatch(serialize({ ...raw, instruments: swap(raw.instruments, 0, 1) })))
          .to.be.revertedWithCustomError(net, "NetBatchNotAscending")
          .withArgs(o.instruments[0].index + 6 + 2 * raw.instruments[1].locals.length, 1, 0);
        const locals = raw.instruments[1].locals;
        await expect(
          world.clearer.submitBatch(
            serialize({
              ...raw,
              instruments: [raw.instruments[0], { index: 1, locals: swap(locals, 0, 1) }, raw.instruments[2]],
            }),
          ),
        )
          .to.be.revertedWithCustomError(net, "NetBatchNotAscending")
          .withArgs(o.instruments[1].locals + 2, locals[1], locals[0]);
        await expect(
          world.clearer.submitBatch(
            serialize({
              ...raw,
              instruments: [
                raw.instruments[0],
                { index: 1, locals: [locals[0], locals[0], ...locals.slice(2)] },
                raw.instruments[2],
              ],
            }),
          ),
        )
          .to.be.revertedWithCustomError(net, "NetBatchNotAscending")
          .withArgs(o.instruments[1].locals + 2, locals[0], locals[0]);
      });

      it("a local index not below P", async function () {
        const world = await loadFixture(netFixture);
        const raw = rawBatch(1, 0n, sampleTrades());
        const o = offsets(raw);
        const bad = { ...raw, instruments: [raw.instruments[0], raw.instruments[1], { index: 2, locals: [2, 5] }] };
        await expect(world.clearer.submitBatch(serialize(bad)))
          .to.be.revertedWithCustomError(world.contracts.net, "NetBatchLocalIndex")
          .withArgs(o.instruments[2].locals + 2, 5, 5);
      });

      it("an unknown or inactive participant or instrument", async function () {
        const world = await loadFixture(netFixture);
        const { clearer, contracts, wallets, tokens } = world;
        const net = contracts.net;
        const raw = rawBatch(1, 0n, sampleTrades());
        await expect(clearer.submitBatch(serialize({ ...raw, participants: [0, 1, 2, 3, 6] })))
          .to.be.revertedWithCustomError(net, "NetUnknownParticipant")
          .withArgs(6, 6);
        await expect(
          clearer.submitBatch(
            serialize({ ...raw, instruments: [...raw.instruments.slice(0, 2), { index: 3, locals: [2, 4] }] }),
          ),
        )
          .to.be.revertedWithCustomError(net, "NetUnknownInstrument")
          .withArgs(3, 3);
        await clearer.setParticipantActive(3, false);
        await clearer.setInstrumentActive(2, false);
        const before = await stateOf(world);
        await expect(clearer.submitBatch(serialize(raw)))
          .to.be.revertedWithCustomError(net, "NetParticipantInactive")
          .withArgs(3, wallets[3]);
        await clearer.setParticipantActive(3, true);
        await expect(clearer.submitBatch(serialize(raw)))
          .to.be.revertedWithCustomError(net, "NetInstrumentInactive")
          .withArgs(2, await tokens.eqa.getAddress());
        await clearer.setParticipantActive(3, false);
        await clearer.setParticipantActive(3, true);
        expect((await stateOf(world)).balances).to.deep.equal(before.balances);
      });

      it("bad trades: positions out of range or of two instruments, self-trades, zero quantity or price", async function () {
        const world = await loadFixture(netFixture);
        const net = world.contracts.net;
        const raw = rawBatch(1, 0n, sampleTrades());
        const n = raw.instruments.reduce((s, i) => s + i.locals.length, 0);
        const withTrade = (i: number, t: Partial<RawBatch["trades"][number]>) => ({
          ...raw,
          trades: raw.trades.map((x, k) => (k === i ? { ...x, ...t } : x)),
        });
        const t3 = raw.trades[3];
        const cases: [RawBatch, string, unknown[]][] = [
          [withTrade(3, { buyerPos: n }), "NetTradeInvalidPositions", [3, n, t3.sellerPos, n]],
          [withTrade(3, { sellerPos: 0xffff }), "NetTradeInvalidPositions", [3, t3.buyerPos, 0xffff, n]],
          // Position 0 is of instrument 0, the seller's of instrument 2.
          [withTrade(3, { buyerPos: 0 }), "NetTradeInvalidPositions", [3, 0, t3.sellerPos, n]],
          [withTrade(3, { buyerPos: t3.sellerPos }), "NetSelfTrade", [3, 2]],
          [withTrade(3, { quantity: 0 }), "NetTradeZero", [3, 0, t3.price]],
          [withTrade(3, { price: 0 }), "NetTradeZero", [3, t3.quantity, 0]],
          [withTrade(0, { quantity: 0, price: 0 }), "NetTradeZero", [0, 0, 0]],
        ];
        const before = await stateOf(world);
        for (const [bad, error, args] of cases) {
          await expect(world.clearer.submitBatch(serialize(bad)), error)
            .to.be.revertedWithCustomError(net, error)
            .withArgs(...args);
        }
        expect(await stateOf(world)).to.deep.equal(before);
      });

      it("a position no trade uses", async function () {
        const world = await loadFixture(netFixture);
        // Participant 2 listed on instrument 0 but trading nothing there.
        const raw: RawBatch = {
          version: 1,
          cycle: 1,
          firstTradeId: 0n,
          participants: [0, 1, 2],
          instruments: [{ index: 0, locals: [0, 1, 2] }],
          trades: [{ buyerPos: 0, sellerPos: 1, quantity: 1, price: 1 }],
        };
        await expect(world.clearer.submitBatch(serialize(raw)))
          .to.be.revertedWithCustomError(world.contracts.net, "NetPositionUnused")
          .withArgs(2, 2, 0);
      });
    });

    describe("a token's refusal", function () {
      it("maps NetPositionRefused of an instrument's token to NetTradeFailed naming the position's first trade", async function () {
        const world = await loadFixture(netFixture);
        const { clearer, contracts, wallets, tokens } = world;
        await tokens.eqb.setRefusal(wallets[0], 6);
        const before = await stateOf(world);
        // Participant 0's EQB position (instrument 1) is first touched by trade 4; it is entry 0 of EQB's call, +1.
        const reason = tokens.eqb.interface.encodeErrorResult("NetPositionRefused", [0, wallets[0], 1, 6]);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades())))
          .to.be.revertedWithCustomError(contracts.net, "NetTradeFailed")
          .withArgs(4, wallets[0], await tokens.eqb.getAddress(), 6, reason);
        expect(await stateOf(world)).to.deep.equal(before);
      });

      it("maps a coin's refusal to the first trade paid in that coin by or to the participant", async function () {
        const world = await loadFixture(netFixture);
        const { clearer, contracts, wallets, tokens } = world;
        await tokens.usd.setRefusal(wallets[3], 3);
        const before = await stateOf(world);
        // USD participants 0, 1, 2, 3, 4: participant 3 is entry 3, receiving 2 × 50 × 100.
        const reason = tokens.usd.interface.encodeErrorResult("NetPositionRefused", [3, wallets[3], 10_000, 3]);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades())))
          .to.be.revertedWithCustomError(contracts.net, "NetTradeFailed")
          .withArgs(2, wallets[3], await tokens.usd.getAddress(), 3, reason);
        expect(await stateOf(world)).to.deep.equal(before);
      });

      it("an uncovered short: a debit beyond the available balance (code 16)", async function () {
        const world = await loadFixture(netFixture);
        const { clearer, contracts, wallets, tokens } = world;
        await tokens.eqa.setLocked(wallets[1], 10n ** 12n - 49n);
        const before = await stateOf(world);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades())))
          .to.be.revertedWithCustomError(contracts.net, "NetTradeFailed")
          .withArgs(0, wallets[1], await tokens.eqa.getAddress(), INSUFFICIENT, anyValue);
        expect(await stateOf(world)).to.deep.equal(before);
        await tokens.eqa.setLocked(wallets[1], 10n ** 12n - 50n);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades()))).to.emit(contracts.net, "NetBatchSettled");
      });

      it("any other refusal: code 255, no participant, the first trade of that token, the raw reason", async function () {
        const world = await loadFixture(netFixture);
        const { clearer, contracts, tokens } = world;
        await tokens.cny.setBroken(true);
        const before = await stateOf(world);
        const reason = tokens.cny.interface.encodeErrorResult("NetTokenMockBroken", [2]);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades())))
          .to.be.revertedWithCustomError(contracts.net, "NetTradeFailed")
          .withArgs(3, ZeroAddress, await tokens.cny.getAddress(), UNCLASSIFIED, reason);
        await tokens.cny.setBroken(false);
        await tokens.eqb.setBroken(true);
        await expect(clearer.submitBatch(encodeBatch(1, 0n, sampleTrades())))
          .to.be.revertedWithCustomError(contracts.net, "NetTradeFailed")
          .withArgs(2, ZeroAddress, await tokens.eqb.getAddress(), UNCLASSIFIED, anyValue);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });
  });

  describe("Merkle commitment", function () {
    it("the root of every batch size equals the reference (RFC 6962 shape, commutative nodes)", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, accounts } = world;
      const random = rng(19);
      let next = 0n;
      let batchNo = 0n;
      for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 33]) {
        const trades: NetTrade[] = [];
        for (let i = 0; i < size; i++) {
          const buyer = Math.floor(random() * 6);
          const seller = (buyer + 1 + Math.floor(random() * 5)) % 6;
          trades.push({
            tradeId: next + BigInt(i),
            buyer,
            seller,
            instrument: Math.floor(random() * 3),
            quantity: 1 + Math.floor(random() * 1000),
            price: 1 + Math.floor(random() * 100_000),
          });
        }
        const root = merkleRoot(trades.map(tradeLeaf));
        expect(await contracts.net.batchRoot(accounts.exchange.address, encodeBatch(1, next, trades))).to.equal(root);
        await expect(clearer.submitBatch(encodeBatch(1, next, trades)))
          .to.emit(contracts.net, "NetBatchSettled")
          .withArgs(accounts.exchange.address, ++batchNo, 1, next, size, root);
        next += BigInt(size);
      }
    });

    it("batchRoot checks a batch as submitBatch does, against the named clearer's tables", async function () {
      const world = await loadFixture(netFixture);
      const { contracts, accounts } = world;
      const batch = encodeBatch(1, 0n, sampleTrades());
      expect(await contracts.net.batchRoot(accounts.exchange.address, batch)).to.equal(
        merkleRoot(sampleTrades().map(tradeLeaf)),
      );
      // Another clearer has no participants.
      await expect(contracts.net.batchRoot(accounts.custodian.address, batch))
        .to.be.revertedWithCustomError(contracts.net, "NetUnknownParticipant")
        .withArgs(0, 0);
      const raw = rawBatch(1, 0n, sampleTrades());
      const bad = { ...raw, trades: raw.trades.map((t, i) => (i === 1 ? { ...t, price: 0 } : t)) };
      await expect(contracts.net.batchRoot(accounts.exchange.address, serialize(bad)))
        .to.be.revertedWithCustomError(contracts.net, "NetTradeZero")
        .withArgs(1, raw.trades[1].quantity, 0);
    });

    it("tradeLeaf is the packed word's keccak; verifyTrade accepts every proof, refuses tampered ones and others' trades", async function () {
      const world = await loadFixture(netFixture);
      const { clearer, contracts, accounts } = world;
      const net = contracts.net;
      const me = accounts.exchange.address;
      // The largest quantity and price a batch carries.
      await world.tokens.usd.mint(world.wallets[5], 2n ** 80n);
      const first = withIds(0n, [
        ...sampleTrades().map((t) => ({
          buyer: t.buyer,
          seller: t.seller,
          instrument: t.instrument,
          quantity: t.quantity,
          price: t.price,
        })),
        { buyer: 5, seller: 3, instrument: 1, quantity: 2 ** 32 - 1, price: 2 ** 32 - 1 },
      ]);
      await clearer.submitBatch(encodeBatch(1, 0n, first));
      const second = sampleTrades(6n);
      await clearer.submitBatch(encodeBatch(1, 6n, second));
      const leaves = first.map(tradeLeaf);
      for (const [i, t] of first.entries()) {
        expect(await net.tradeLeaf(t)).to.equal(leaves[i]);
        const proof = merkleProof(leaves, i);
        expect(await net.verifyTrade(me, 1, t, proof), `trade ${i}`).to.equal(true);
        // Tampered: a sibling's byte, a field of the trade, the batch number, the clearer.
        if (proof.length) {
          const bad = [...proof];
          bad[0] = ethers.toBeHex(BigInt(bad[0]) ^ 1n, 32);
          expect(await net.verifyTrade(me, 1, t, bad)).to.equal(false);
        }
        expect(await net.verifyTrade(me, 1, { ...t, quantity: t.quantity - 1 }, proof)).to.equal(false);
        expect(await net.verifyTrade(me, 2, t, proof)).to.equal(false);
        expect(await net.verifyTrade(accounts.custodian.address, 1, t, proof)).to.equal(false);
      }
      // A trade of batch 2 with batch 1's proofs, and a trade in no batch.
      const secondLeaves = second.map(tradeLeaf);
      expect(await net.verifyTrade(me, 2, second[1], merkleProof(secondLeaves, 1))).to.equal(true);
      expect(await net.verifyTrade(me, 1, second[1], merkleProof(leaves, 1))).to.equal(false);
      const outsider = { ...first[2], buyer: 4 };
      expect(await net.verifyTrade(me, 1, outsider, merkleProof(leaves, 2))).to.equal(false);
      // Nothing proves a batch that does not exist.
      expect(await net.verifyTrade(me, 3, first[0], [])).to.equal(false);
    });
  });
});
