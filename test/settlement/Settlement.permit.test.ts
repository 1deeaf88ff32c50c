import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { domainOf, signPermit } from "../../sdk/signatures";
import { consents, instruction, integrationFixture, legOf, START, type IntegrationWorld } from "./integration";

/** alice delivers 100 equity to bob against 500,000 aCNY cents (5,000 CNY), nonce `nonce`. */
async function dvp(world: IntegrationWorld, nonce: bigint) {
  const { alice, bob } = world.accounts;
  const { equity, cny } = world.contracts;
  return instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, 500_000n)], nonce);
}

/**
 * The engine moves legs by the tokens' engine-only `settlementTransfer` / `executeHold`, never by `transferFrom`:
 * no allowance, so no approve and no EIP-2612 permit is needed (EIP-3009 authorizations are the coin's gasless
 * way in, `settleWithAuthorizations`).
 */
describe("Settlement needs no allowance (permit is unnecessary)", function () {
  it("a buyer with zero allowance who never approved settles a DvP submitted by a third party", async function () {
    const world = await loadFixture(integrationFixture);
    const { alice, bob, stranger } = world.accounts;
    const { engine, equity, cny } = world.contracts;
    for (const token of [cny, equity]) {
      expect(await token.allowance(bob.address, engine)).to.equal(0n);
      expect(await token.allowance(alice.address, engine)).to.equal(0n);
    }
    const ins = await dvp(world, 1n);
    await expect(engine.connect(stranger).settle(ins, await consents(world, ins, [alice, bob]), 0n)).to.emit(
      engine,
      "SettlementExecuted",
    );
    expect(await cny.balanceOf(bob.address)).to.equal(START.cny - 500_000n);
    expect(await cny.balanceOf(alice.address)).to.equal(START.cny + 500_000n);
    expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 100n);
    expect(await cny.allowance(bob.address, engine)).to.equal(0n);
    expect(await equity.allowance(alice.address, engine)).to.equal(0n);
  });

  it("a permit the buyer signed for the engine changes nothing: the same DvP settles the same, the allowance unspent", async function () {
    const world = await loadFixture(integrationFixture);
    const { alice, bob, stranger } = world.accounts;
    const { engine, cny } = world.contracts;
    const value = 500_000n;
    const permit = {
      owner: bob.address,
      spender: await engine.getAddress(),
      value,
      nonce: await cny.nonces(bob.address),
      deadline: BigInt(await time.latest()) + 3_600n,
    };
    const { v, r, s } = ethers.Signature.from(await signPermit(bob, await domainOf(cny), permit));
    await cny.connect(stranger).permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s);
    expect(await cny.allowance(bob.address, engine)).to.equal(value);
    const ins = await dvp(world, 1n);
    await engine.connect(stranger).settle(ins, await consents(world, ins, [alice, bob]), 0n);
    expect(await cny.balanceOf(bob.address)).to.equal(START.cny - value);
    expect(await cny.balanceOf(alice.address)).to.equal(START.cny + value);
    // The engine never calls transferFrom: the allowance is still whole.
    expect(await cny.allowance(bob.address, engine)).to.equal(value);
  });
});
