import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { SNAP, deadlineIn, distributionsFixture, entitlement, setRegister } from "./distributions";

/** Six plain holders beyond the network's named accounts (deterministic keys, given ether by the fixture). */
const HOLDERS = Array.from({ length: 6 }, (_, i) => new ethers.Wallet(ethers.id(`holder ${i}`), ethers.provider));
const HOLDER_INDEXES = HOLDERS.map((_, i) => i);

async function holdersFixture() {
  const world = await distributionsFixture();
  for (const holder of HOLDERS) await setBalance(holder.address, 10n ** 20n);
  return world;
}

type Op =
  | { kind: "claim"; who: number }
  | { kind: "claimFor"; who: number }
  | { kind: "push"; who: number[] }
  | { kind: "recover"; lost: number; to: number };

const holderArb = fc.nat({ max: HOLDER_INDEXES.length - 1 });

/** Claims, pushes and — between them — recoveries of one holder's wallet onto another's (chains and loops too). */
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("claim" as const), who: holderArb }),
  fc.record({ kind: fc.constant("claimFor" as const), who: holderArb }),
  fc
    .record({ kind: fc.constant("recover" as const), lost: holderArb, to: holderArb })
    .filter((op) => op.lost !== op.to),
  fc.record({
    kind: fc.constant("push" as const),
    who: fc.array(fc.nat({ max: HOLDER_INDEXES.length - 1 }), { maxLength: 8 }),
  }),
);

const scenarioArb = fc.record({
  balances: fc
    .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), {
      minLength: HOLDER_INDEXES.length,
      maxLength: HOLDER_INDEXES.length,
    })
    .filter((b) => b.some((x) => x > 0n)),
  tokenOwn: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  funded: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 14n })),
  ops: fc.array(opArb, { maxLength: 10 }),
});

describe("Distributions (property)", function () {
  it("never pays more than funded, nor a lost wallet; Σ paid + reclaimed = funded; reclaim beyond unclaimed = funded − Σ entitlements", async function () {
    const holders = HOLDERS;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ balances, tokenOwn, funded, ops }) => {
        const world = await loadFixture(holdersFixture);
        const { token, coin, accounts, agent } = world;
        const tokenAddress = await token.getAddress();
        await setRegister(token, SNAP, [
          ...holders.map((h, i): [string, bigint] => [h.address, balances[i]]),
          [tokenAddress, tokenOwn],
        ]);
        const eligible = balances.reduce((a, b) => a + b, 0n);
        const due = balances.map((b) => entitlement(b, funded, eligible));
        const deadline = await deadlineIn(10n);
        await token.connect(accounts.issuer).declare(1, SNAP, funded, deadline);
        const id = 1n;

        const paid = holders.map(() => false);
        // The model of recoveries (P6): lost → new; a wallet recovered onto forwards nowhere.
        const forward = new Map<number, number>();
        const payee = (i: number): number => (forward.has(i) ? payee(forward.get(i)!) : i);
        const received = holders.map(() => 0n);
        let paidTotal = 0n;
        for (const op of ops) {
          if (op.kind === "recover") {
            await expect(token.recover(holders[op.lost].address, holders[op.to].address))
              .to.emit(token, "EntitlementsForwarded")
              .withArgs(holders[op.lost].address, holders[op.to].address);
            forward.delete(op.to);
            forward.set(op.lost, op.to);
          } else if (op.kind === "claim" || op.kind === "claimFor") {
            const i = op.who;
            const to = payee(i);
            // `claim`: the holder's own key; `claimFor`: its payee's.
            const caller = op.kind === "claim" ? i : to;
            const call =
              op.kind === "claim"
                ? token.connect(holders[i]).claim(id)
                : token.connect(holders[to]).claimFor(id, holders[i].address);
            if (caller !== to) {
              await expect(call)
                .to.be.revertedWithCustomError(token, "DistributionsNotPayee")
                .withArgs(holders[i].address, holders[caller].address, holders[to].address);
            } else if (paid[i]) {
              await expect(call).to.be.revertedWithCustomError(token, "DistributionsAlreadyPaid");
            } else if (due[i] === 0n) {
              await expect(call).to.be.revertedWithCustomError(token, "DistributionsNothingToClaim");
            } else {
              await expect(call)
                .to.emit(token, "DistributionPaid")
                .withArgs(id, holders[i].address, holders[to].address, due[i]);
              paid[i] = true;
              received[to] += due[i];
              paidTotal += due[i];
            }
          } else {
            let expected = 0n;
            for (const i of op.who) {
              if (!paid[i] && due[i] > 0n) {
                paid[i] = true;
                received[payee(i)] += due[i];
                expected += due[i];
              }
            }
            const batch = op.who.map((i) => holders[i].address);
            await expect(token.connect(agent).pushPayments(id, batch)).to.changeTokenBalance(coin, token, -expected);
            paidTotal += expected;
          }
          // P1 and P4 after every step.
          const d = await token.distribution(id);
          expect(d.paid).to.equal(paidTotal);
          expect(d.paid <= d.funded).to.equal(true);
          expect(await coin.balanceOf(tokenAddress)).to.equal(funded - paidTotal);
        }

        // P2, P6: each wallet holds exactly the entitlements paid to it as payee, at the time, of their holders; the
        // views agree with the model.
        for (let i = 0; i < holders.length; i++) {
          expect(await coin.balanceOf(holders[i].address)).to.equal(received[i]);
          expect(await token.payeeOf(holders[i].address)).to.equal(holders[payee(i)].address);
          expect(await token.entitlementOf(id, holders[i].address)).to.equal(due[i]);
          expect(await token.isPaid(id, holders[i].address)).to.equal(paid[i]);
        }

        // P3: after the deadline, reclaim returns the rest: unclaimed entitlements plus the dust.
        await time.increaseTo(deadline + 1n);
        const reclaimed = await token.connect(accounts.issuer).reclaimUnclaimed.staticCall(id);
        const unpaidSupply = balances.reduce((a, b, i) => (paid[i] ? a : a + b), 0n);
        await expect(token.connect(accounts.issuer).reclaimUnclaimed(id))
          .to.emit(token, "DistributionReclaimed")
          .withArgs(id, accounts.issuer.address, reclaimed, unpaidSupply);
        expect(paidTotal + reclaimed).to.equal(funded);
        const sumDue = due.reduce((a, b) => a + b, 0n);
        const dust = funded - sumDue;
        const unclaimed = due.reduce((a, b, i) => (paid[i] ? a : a + b), 0n);
        expect(reclaimed - unclaimed).to.equal(dust);
        const nonZeroHolders = BigInt(balances.filter((b) => b > 0n).length);
        expect(dust >= 0n && dust < nonZeroHolders).to.equal(true);
        expect(await coin.balanceOf(tokenAddress)).to.equal(0n);
      }),
      { numRuns: 40 },
    );
  });
});
