import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { SNAP, deadlineIn, distributionsFixture, setRegister } from "./distributions";

const HOLDERS = Array.from({ length: 10 }, (_, i) => new ethers.Wallet(ethers.id(`gas holder ${i}`), ethers.provider));

/** The mock with ten holders of 100 each and two distributions declared; every holder was paid in the first. */
async function paidOnceFixture() {
  const world = await distributionsFixture();
  const { token, accounts, agent } = world;
  for (const holder of HOLDERS) await setBalance(holder.address, 10n ** 20n);
  await setRegister(
    token,
    SNAP,
    HOLDERS.map((h): [string, bigint] => [h.address, 100n]),
  );
  const deadline = await deadlineIn(30n);
  await token.connect(accounts.issuer).declare(1, SNAP, 10_000_000n, deadline);
  await token.connect(accounts.issuer).declare(1, SNAP, 10_000_000n, deadline);
  await token.connect(agent).pushPayments(
    1n,
    HOLDERS.map((h) => h.address),
  );
  return world;
}

/**
 * Gas of the payment paths in the USD settlement coin, for holders who already hold the coin and were paid in an
 * earlier distribution (the common case of a regular dividend or coupon): the paid flag flips a bit in a word
 * already written, and the coin credits an existing balance.
 */
describe("Distributions (gas)", function () {
  it("a claim costs at most 75,000 gas", async function () {
    const { token } = await loadFixture(paidOnceFixture);
    const receipt = await (await token.connect(HOLDERS[0]).claim(2n)).wait();
    expect(receipt!.gasUsed).to.be.lessThanOrEqual(75_000n);
  });

  it("a push costs at most 30,000 gas per holder in a batch of ten", async function () {
    const { token, agent } = await loadFixture(paidOnceFixture);
    const receipt = await (
      await token.connect(agent).pushPayments(
        2n,
        HOLDERS.map((h) => h.address),
      )
    ).wait();
    expect(receipt!.gasUsed / BigInt(HOLDERS.length)).to.be.lessThanOrEqual(30_000n);
  });
});
