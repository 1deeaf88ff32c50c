import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { bondFixture } from "../../fixtures/bond";
import { quarterlyAct365In2028 } from "./bondSchedules";

const { settlementCoin: _coin, ...terms } = quarterlyAct365In2028.terms;
/** The quarterly ACT/365 bond in millionths of a unit (6 decimals), nobody holding it. */
const fractional = bondFixture("property", terms, { decimals: 6, holdings: [0n, 0n, 0n] });

describe("Bond properties", function () {
  it("never pays out more than funded, coupons or redemption, and accounts every unit of dust", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }), // whose units are partly frozen at redemption
        async (holdings, frozenIndex) => {
          const world = await loadFixture(fractional);
          const { bond, coin } = world.contracts;
          const { agent, payingAgent, alice, bob, carol } = world.accounts;
          const holders = [alice, bob, carol];
          await bond.connect(agent).batchMint(
            holders.map((h) => h.address),
            holdings,
          );
          const supply = holdings.reduce((a, b) => a + b, 0n);
          const unit = 10n ** 6n;
          const token = await bond.getAddress();
          for (let period = 1; period <= 4; period++) {
            const data = await bond.couponPeriod(period);
            if (BigInt(await time.latest()) < data.paymentDate) await time.increaseTo(data.paymentDate);
            await bond.connect(payingAgent).fundCoupon(period);
            const id = (await bond.couponPeriod(period)).distributionId;
            const funded = (await bond.distribution(id)).funded;
            expect(funded).to.equal((data.amountPerUnit * supply) / unit);
            await bond.connect(agent).pushPayments(
              id,
              holders.map((h) => h.address),
            );
            const d = await bond.distribution(id);
            expect(d.paid).to.be.at.most(d.funded);
            // Each entitlement rounds down by less than one coin unit: the dust is below the number of holders.
            expect(d.funded - d.paid).to.be.lessThan(3n);
          }
          await bond.connect(agent).freezePartialTokens(holders[frozenIndex].address, holdings[frozenIndex] / 2n);
          await bond.connect(payingAgent).fundRedemption();
          const funded = (await bond.redemption()).funded;
          expect(funded).to.equal((supply * 100_000_000n) / unit);
          await bond.connect(agent).redeemFor(holders.map((h) => h.address));
          const r = await bond.redemption();
          expect(r.paid).to.be.at.most(r.funded);
          // What is left covers the frozen units exactly, plus less than one coin unit per redeemed holder.
          const frozen = holdings[frozenIndex] / 2n;
          expect(await bond.totalSupply()).to.equal(frozen);
          const owedFrozen = (frozen * 100_000_000n) / unit;
          expect(r.funded - r.paid).to.be.at.least(owedFrozen);
          expect(r.funded - r.paid - owedFrozen).to.be.lessThan(4n);
          // The coin the bond holds is exactly what its open payments still owe (B6).
          expect(await coin.balanceOf(token)).to.equal(r.funded - r.paid + (await dustLeft()));

          async function dustLeft(): Promise<bigint> {
            let left = 0n;
            for (let id = 1n; id <= 4n; id++) {
              const d = await bond.distribution(id);
              left += d.funded - d.paid;
            }
            return left;
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
