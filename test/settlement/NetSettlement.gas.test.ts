import { expect } from "chai";
import { deployments, ethers, network } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { coreFixture } from "../fixtures/core";
import { Role } from "../../config/roles";
import type { INetSettlement, NetSettlementHarness, NetTokenMock, Settlement } from "../../typechain-types";
import { addConsenting, participantSigners } from "./netFixture";
import {
  calldataGas,
  encodeBatch,
  merkleRoot,
  netCalls,
  rawBatch,
  rng,
  tradeLeaf,
  zipf,
  type NetInstrumentTerms,
  type NetTrade,
} from "./netHelpers";

const MEMBERS = 100;
const INSTRUMENTS = 100;
/** A cold call into a token (EIP-2929) and its call frame, beside what the token reports spending inside. */
const CALL_OVERHEAD = 2_600 + 100;

/**
 * The member-level mix of issue 19 on mock tokens: 100 participants and 100 instruments (each its own mock
 * security, against one mock coin), both drawn Zipf(1.1); the trades' buyer ≠ seller, quantity 1–100, price
 * 1–10,000. Fixed seed.
 */
function memberTrades(seed: number, count: number, firstTradeId: bigint): NetTrade[] {
  const random = rng(seed);
  const member = zipf(MEMBERS, 1.1, random);
  const instrument = zipf(INSTRUMENTS, 1.1, random);
  const trades: NetTrade[] = [];
  for (let i = 0; i < count; i++) {
    const buyer = member();
    let seller = member();
    while (seller === buyer) seller = member();
    trades.push({
      tradeId: firstTradeId + BigInt(i),
      buyer,
      seller,
      instrument: instrument(),
      quantity: 1 + Math.floor(random() * 100),
      price: 1 + Math.floor(random() * 10_000),
    });
  }
  return trades;
}

async function gasFixture() {
  const { accounts, contracts } = await coreFixture();
  const { deployer, governor, exchange } = accounts;
  const engineAddress = (await deployments.get("Settlement")).address;
  const engine = (await ethers.getContractAt("Settlement", engineAddress)) as unknown as Settlement;
  const net = (await ethers.getContractAt("INetSettlement", engineAddress, exchange)) as unknown as INetSettlement;
  const harness = (await ethers.deployContract("NetSettlementHarness")) as unknown as NetSettlementHarness;
  const signers = participantSigners(MEMBERS, "gas participant");
  const wallets = signers.map((w) => w.address);
  const coin = (await ethers.deployContract("NetTokenMock", ["USD", engineAddress])) as unknown as NetTokenMock;
  await engine.connect(governor).setCoin(await coin.getAddress(), true);
  await coin.mintBatch(wallets, 10n ** 30n);
  await contracts.authority.grantRole(Role.ASSET_FACTORY, deployer.address, 0);
  await addConsenting(net, signers);
  await harness.connect(exchange).seedParticipants(wallets);
  const instruments: NetInstrumentTerms[] = [];
  for (let i = 0; i < INSTRUMENTS; i++) {
    const token = (await ethers.deployContract("NetTokenMock", [`S${i}`, engineAddress])) as unknown as NetTokenMock;
    const address = await token.getAddress();
    await contracts.authority.registerAsset(address, 1, accounts.issuer.address);
    await token.mintBatch(wallets, 10n ** 30n);
    const terms = { token: address, coin: await coin.getAddress(), lotSize: 100n, tickSize: 1n };
    await net.addInstrument(terms.token, terms.coin, terms.lotSize, terms.tickSize);
    await harness.connect(exchange).seedInstrument(terms.token, terms.coin, terms.lotSize, terms.tickSize);
    instruments.push(terms);
  }
  return { accounts, net, harness, coin, instruments };
}

/**
 * Gas per trade of batch net settlement on mock tokens, split into: the intrinsic cost; call data; the header's
 * decoding (tables read, positions laid out); the trade loop (decode, validate, net, Merkle: `_netTrades`,
 * measured alone by `NetSettlementHarness.measure` in an `eth_call`); the token calls (what the mocks report
 * spending inside `settleNet`, plus a cold call each); the rest (access check, re-entrancy guard, the unused-
 * position check, building the calls, the batch's record and event). Prints the table; the assertions guard the
 * loop against regression (see the report: the loop's gas per trade is what the engine itself adds per trade).
 */
describe("NetSettlement gas", function () {
  it("member-level batches of 1,000 and 5,000 trades: gas per trade by part", async function () {
    this.timeout(600_000);
    const { accounts, net, harness, instruments } = await loadFixture(gasFixture);
    await network.provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
    const rows: Record<string, Record<string, number | string>> = {};
    const loops: number[] = [];
    let next = 0n;
    for (const [count, seed] of [
      [1_000, 1],
      [5_000, 2],
    ]) {
      const trades = memberTrades(seed, count, next);
      const batch = encodeBatch(1, next, trades);
      const raw = rawBatch(1, next, trades);
      const positions = raw.instruments.reduce((s, i) => s + i.locals.length, 0);
      await harness.connect(accounts.exchange).seedNextTradeId(next);
      const [decodeGas, loopGas, root] = await harness.connect(accounts.exchange).measure(batch);
      expect(root).to.equal(merkleRoot(trades.map(tradeLeaf)));
      const tx = await net.submitBatch(batch, { gasLimit: 900_000_000 });
      const receipt = (await tx.wait())!;
      const mock = await ethers.getContractAt("NetTokenMock", instruments[0].token);
      const topic = mock.interface.getEvent("NetApplied").topicHash;
      const reported = receipt.logs
        .filter((log) => log.topics[0] === topic)
        .map((log) => mock.interface.parseLog(log)!.args.gasUsed as bigint);
      const tokens = Number(reported.reduce((a, b) => a + b, 0n)) + reported.length * CALL_OVERHEAD;
      const total = Number(receipt.gasUsed);
      const calldata = calldataGas(tx.data);
      const rest = total - 21_000 - calldata - Number(decodeGas) - Number(loopGas) - tokens;
      const per = (g: number) => Math.round(g / count);
      rows[`${count} trades`] = {
        participants: raw.participants.length,
        instruments: raw.instruments.length,
        "positions/trade": (positions / count).toFixed(3),
        "total/trade": per(total),
        "intrinsic/trade": per(21_000),
        "calldata/trade": per(calldata),
        "header/trade": per(Number(decodeGas)),
        "loop/trade": per(Number(loopGas)),
        "token calls/trade": per(tokens),
        "rest/trade": per(rest),
      };
      loops.push(Number(loopGas) / count);
      next += BigInt(count);
    }
    console.table(rows);
    // The trade loop (decode + validate + net + Merkle) stays lean.
    for (const loop of loops) expect(loop).to.be.lessThan(650);
  });

  it("cycle holds: what a batch pays for them, per covered position (1,000 member-level trades)", async function () {
    this.timeout(600_000);
    const HOLDERS = 10;
    const HELD = 10; // instruments 0–9 and the coin
    const trades = memberTrades(3, 1_000, 0n);
    /** Holders (the first members: the most active of the Zipf draw) hold every asset for `cycle`, then batch. */
    const run = async (cycle: number | undefined) => {
      const { accounts, net, coin, instruments } = await loadFixture(gasFixture);
      await network.provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
      const clearer = accounts.exchange.address;
      if (cycle !== undefined) {
        const expiry = (await time.latest()) + 86_400;
        for (let i = 0; i < HOLDERS; i++) {
          const wallet = new Wallet(ethers.id(`gas participant ${i}`), ethers.provider);
          await setBalance(wallet.address, 10n ** 20n);
          const held = [await coin.getAddress(), ...instruments.slice(0, HELD).map((t) => t.token)];
          for (const token of held) await net.connect(wallet).holdForCycle(clearer, cycle, token, 10n ** 20n, expiry);
        }
      }
      const receipt = (await (await net.submitBatch(encodeBatch(1, 0n, trades), { gasLimit: 900_000_000 })).wait())!;
      const topic = net.interface.getEvent("NetCycleHoldDrawn").topicHash;
      return { gas: Number(receipt.gasUsed), drawn: receipt.logs.filter((l) => l.topics[0] === topic).length };
    };
    const none = await run(undefined);
    const otherCycle = await run(2);
    const covered = await run(1);
    // Every debit (any asset) of a participant with cycle holds costs a look at its record (one cold slot).
    const { instruments } = await loadFixture(gasFixture);
    const signers = participantSigners(MEMBERS, "gas participant");
    const wallets = signers.map((w) => w.address);
    const holders = new Set(wallets.slice(0, HOLDERS));
    const lookups = netCalls(trades, instruments, wallets).reduce(
      (n, call) => n + call.accounts.filter((a, i) => holders.has(a) && call.deltas[i] < 0n).length,
      0,
    );
    console.table({
      "no cycle holds": { "gas/trade": Math.round(none.gas / trades.length) },
      "holds for another cycle": {
        "gas/trade": Math.round(otherCycle.gas / trades.length),
        "holders' debits looked up": lookups,
        "gas per look-up": Math.round((otherCycle.gas - none.gas) / lookups),
      },
      "holds for this cycle": {
        "gas/trade": Math.round(covered.gas / trades.length),
        "holders' debits looked up": lookups,
        "covered positions": covered.drawn,
        "gas per covered position beyond its look-up": Math.round((covered.gas - otherCycle.gas) / covered.drawn),
      },
    });
    expect(none.drawn).to.equal(0);
    expect(otherCycle.drawn).to.equal(0);
    expect(covered.drawn).to.be.greaterThan(0);
  });
});
