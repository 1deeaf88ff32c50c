import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { instructionId, instructionOf, leg, settlementFixture, signInstruction } from "./helpers";

/** The 32-byte word at byte `offset` of `data`'s arguments (after the selector). */
function wordAt(data: string, offset: number): bigint {
  return BigInt(ethers.dataSlice(data, 4 + offset, 4 + offset + 32));
}

/** `data` with the word at byte `offset` of its arguments replaced by `value`. */
function patched(data: string, offset: number, value: bigint): string {
  const bytes = ethers.getBytes(data);
  bytes.set(ethers.getBytes(ethers.toBeHex(value, 32)), 4 + offset);
  return ethers.hexlify(bytes);
}

/**
 * `settle` reads its calldata by hand (`Settlement.settle`'s fast path); anything it does not take falls back to the
 * checked path (`_authorize`, through the compiler's decoder), which refuses it as before: the decoder's own
 * revert (no reason) for a malformed word it reads first, or the error the rest of the input meets first (a
 * changed word changes the instruction's id, so a signature no longer matches). Malformed offsets, lengths and
 * dirty words must revert and change nothing, never be read as something else.
 */
describe("Settlement: settle's hand-decoded calldata", function () {
  async function world() {
    const base = await settlementFixture();
    const { accounts, contracts } = base;
    const { alice, bob, submitter } = accounts;
    const { engine, equity, usd } = contracts;
    // The equity's first settlement caches it (the fast path takes cached assets only).
    const warm = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 1n)], 0n);
    await engine
      .connect(submitter)
      .settle(warm, [await signInstruction(engine, alice, warm), await signInstruction(engine, bob, warm)], 0);
    const ins = await instructionOf([await leg(equity, alice, bob, 100n), await leg(usd, bob, alice, 5_000n)], 1n);
    const sigs = [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)];
    const data = engine.interface.encodeFunctionData("settle", [ins, sigs, 0]);
    // Where the parts lie (byte offsets within the arguments).
    const instruction = Number(wordAt(data, 0));
    const legs = instruction + Number(wordAt(data, instruction + 0x60));
    const table = Number(wordAt(data, 0x20)) + 0x20;
    const consent = (i: number) => table + Number(wordAt(data, table + 0x20 * i));
    return { ...base, ins, sigs, data, at: { instruction, legs, table, consent } };
  }

  const send = (w: Awaited<ReturnType<typeof world>>, data: string) =>
    w.accounts.submitter.sendTransaction({ to: w.contracts.engine.target, data });

  async function expectNothingMoved(w: Awaited<ReturnType<typeof world>>, data: string) {
    const { alice, bob } = w.accounts;
    const { engine, equity, usd } = w.contracts;
    const before = [await equity.balanceOf(alice.address), await usd.balanceOf(bob.address)];
    await expect(send(w, data)).to.be.reverted;
    expect(await engine.isNonceUsed(alice.address, 1n)).to.equal(false);
    expect([await equity.balanceOf(alice.address), await usd.balanceOf(bob.address)]).to.deep.equal(before);
  }

  it("the well-formed calldata settles (the cases below differ from it in one word)", async function () {
    const w = await loadFixture(world);
    await expect(send(w, w.data)).to.emit(w.contracts.engine, "SettlementExecuted");
  });

  it("a legs offset past the call data, or so large that sums would overflow, reverts", async function () {
    const w = await loadFixture(world);
    const slot = w.at.instruction + 0x60;
    for (const offset of [BigInt(ethers.dataLength(w.data)), 1n << 32n, ethers.MaxUint256 - 0x1fn]) {
      await expectNothingMoved(w, patched(w.data, slot, offset));
    }
  });

  it("a legs length running past the call data reverts (not read as fewer legs)", async function () {
    const w = await loadFixture(world);
    for (const length of [3n, 64n, 65n, 1n << 32n, ethers.MaxUint256]) {
      await expectNothingMoved(w, patched(w.data, w.at.legs, length));
    }
  });

  it("a signature offset or length past the call data reverts", async function () {
    const w = await loadFixture(world);
    const slot = w.at.table + 0x20;
    for (const offset of [BigInt(ethers.dataLength(w.data)), 1n << 32n, ethers.MaxUint256]) {
      await expectNothingMoved(w, patched(w.data, slot, offset));
    }
    for (const length of [97n, 1n << 32n, ethers.MaxUint256]) {
      await expectNothingMoved(w, patched(w.data, w.at.consent(1), length));
    }
    // The last signature cut short: its 65 bytes no longer fit in the call data.
    await expectNothingMoved(w, ethers.dataSlice(w.data, 0, ethers.dataLength(w.data) - 32));
  });

  it("dirty upper bits in a leg's addresses or in the deadline revert (the decoder's check, or a signature no longer matching the changed id)", async function () {
    const w = await loadFixture(world);
    const dirty = 1n << 160n;
    for (const offset of [w.at.legs + 0x20, w.at.legs + 0x40, w.at.legs + 0x60, w.at.legs + 0xa0 + 0x40]) {
      await expectNothingMoved(w, patched(w.data, offset, wordAt(w.data, offset) | dirty));
    }
    const deadline = w.at.instruction + 0x20;
    await expectNothingMoved(w, patched(w.data, deadline, wordAt(w.data, deadline) | (1n << 48n)));
  });

  it("two consents pointing at one signature are each checked against their own leg's sender", async function () {
    const w = await loadFixture(world);
    const { bob } = w.accounts;
    const { engine } = w.contracts;
    // consents[1] aliases consents[0] (alice's signature): bob's leg has no signature of bob's.
    const aliased = patched(w.data, w.at.table + 0x20, wordAt(w.data, w.at.table));
    await expect(send(w, aliased))
      .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
      .withArgs(instructionId(w.ins), 1n, bob.address);
  });

  it("a signature of another length is left to the checked path, which refuses it as before", async function () {
    const w = await loadFixture(world);
    const { alice } = w.accounts;
    const { engine } = w.contracts;
    await expect(engine.connect(w.accounts.submitter).settle(w.ins, [ethers.dataSlice(w.sigs[0], 0, 64), w.sigs[1]], 0))
      .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
      .withArgs(instructionId(w.ins), 0n, alice.address);
  });
});
