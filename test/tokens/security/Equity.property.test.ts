import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";
import { entitlement, splitHolding } from "../../../sdk/products/equity";
import { Country, KYC_AML } from "../../fixtures/security";
import { DAY, MIN_CLAIM_PERIOD, equityFixture } from "./equity";

/**
 * Six wallets of four investors besides the fixture's: investor P holds wallets 0 and 1, Q wallets 2 and 3, R
 * wallet 4, S wallet 5. The fixture's holders are burned to zero, so the register is only what each run mints.
 */
const WALLETS = Array.from(
  { length: 6 },
  (_, i) => new ethers.Wallet(ethers.id(`equity holder ${i}`), ethers.provider),
);
const INVESTOR_OF = [0, 0, 1, 1, 2, 3];

async function propertyFixture() {
  const world = await equityFixture();
  const { token, accounts, agent, aliceSecond, contracts } = world;
  const { alice, bob, carol, kycProvider } = accounts;
  for (const holder of [alice, aliceSecond, bob, carol]) {
    await token.connect(agent).burn(holder.address, await token.balanceOf(holder.address));
  }
  const expiry = BigInt(await time.latest()) + 365n * DAY;
  for (let investor = 0; investor < 4; investor++) {
    const wallets = WALLETS.filter((_, i) => INVESTOR_OF[i] === investor).map((w) => w.address);
    await contracts.identity
      .connect(kycProvider)
      .registerInvestor(ethers.id(`property ${investor}`), Country.FR, KYC_AML, expiry, wallets);
  }
  for (const wallet of WALLETS) await setBalance(wallet.address, 10n ** 20n);
  // Verified investors now: synced in the coin, so they may be paid dividends.
  await contracts.coin.syncHolders(WALLETS.map((wallet) => wallet.address));
  return world;
}

type Op =
  { kind: "claim"; who: number } | { kind: "push"; who: number[] } | { kind: "transfer"; from: number; to: number };

const walletArb = fc.nat({ max: WALLETS.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("claim" as const), who: walletArb }),
  fc.record({ kind: fc.constant("push" as const), who: fc.array(walletArb, { maxLength: 6 }) }),
  fc.record({ kind: fc.constant("transfer" as const), from: walletArb, to: walletArb }),
);

const scenarioArb = fc.record({
  holdings: fc
    .array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: WALLETS.length, maxLength: WALLETS.length })
    .filter((h) => h.some((x) => x > 0n)),
  dividend: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10n ** 13n })),
  ops: fc.array(opArb, { maxLength: 6 }),
  ratio: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })).filter(([n, d]) => n !== d),
  batches: fc.array(fc.array(walletArb, { maxLength: 6 }), { maxLength: 3 }),
});

describe("Equity (property)", function () {
  it("a dividend pays each holder its floor share and returns exactly the rest; a split converts the register exactly", async function () {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ holdings, dividend, ops, ratio, batches }) => {
        const { equity, token, coin, accounts, agent } = await loadFixture(propertyFixture);
        const { issuer } = accounts;
        const signers = WALLETS as unknown as HardhatEthersSigner[];
        const addresses = WALLETS.map((w) => w.address);
        const minted = addresses.filter((_, i) => holdings[i] > 0n);
        await token.connect(agent).batchMint(
          minted,
          holdings.filter((h) => h > 0n),
        );

        // The dividend, on a snapshot taken at declaration.
        const supply = holdings.reduce((a, b) => a + b, 0n);
        const due = holdings.map((h) => entitlement(h, dividend, supply));
        const deadline = BigInt(await time.latest()) + MIN_CLAIM_PERIOD + DAY;
        await equity.connect(issuer).declareDividend(0n, dividend, deadline);
        const id = await equity.distributionCount();

        const balances = [...holdings];
        const paid = holdings.map(() => false);
        let paidTotal = 0n;
        for (const op of ops) {
          if (op.kind === "transfer") {
            // Trading after the record date changes balances, never entitlements.
            const amount = balances[op.from] / 2n;
            await equity.connect(signers[op.from]).transfer(addresses[op.to], amount);
            balances[op.from] -= amount;
            balances[op.to] += amount;
          } else if (op.kind === "claim") {
            const call = equity.connect(signers[op.who]).claim(id);
            if (paid[op.who]) await expect(call).to.be.revertedWithCustomError(equity, "DistributionsAlreadyPaid");
            else if (due[op.who] === 0n)
              await expect(call).to.be.revertedWithCustomError(equity, "DistributionsNothingToClaim");
            else {
              await expect(call).to.changeTokenBalance(coin, signers[op.who], due[op.who]);
              paid[op.who] = true;
              paidTotal += due[op.who];
            }
          } else {
            let expected = 0n;
            for (const i of op.who) {
              if (!paid[i] && due[i] > 0n) {
                paid[i] = true;
                expected += due[i];
              }
            }
            await expect(
              equity.connect(agent).pushPayments(
                id,
                op.who.map((i) => addresses[i]),
              ),
            ).to.changeTokenBalance(coin, equity, -expected);
            paidTotal += expected;
          }
          const d = await equity.distribution(id);
          expect(d.paid).to.equal(paidTotal);
          expect(d.paid <= d.funded).to.equal(true);
        }
        await time.increaseTo(deadline + 1n);
        const reclaimed = await equity.connect(issuer).reclaimUnclaimed.staticCall(id);
        await equity.connect(issuer).reclaimUnclaimed(id);
        const sumDue = due.reduce((a, b) => a + b, 0n);
        const unclaimed = due.reduce((a, b, i) => (paid[i] ? a : a + b), 0n);
        expect(paidTotal + reclaimed).to.equal(dividend);
        expect(reclaimed - unclaimed).to.equal(dividend - sumDue);
        expect(await coin.balanceOf(await equity.getAddress())).to.equal(0n);

        // A split: random batches (duplicates, wallets holding nothing), then every wallet, then complete.
        const [numerator, denominator] = ratio;
        await equity.connect(issuer).beginSplit(numerator, denominator);
        for (const batch of [...batches, WALLETS.map((_, i) => i)]) {
          await equity.connect(agent).applySplit(batch.map((i) => addresses[i]));
        }
        await equity.connect(agent).completeSplit();
        const after = balances.map((b) => splitHolding(b, numerator, denominator).after);
        for (let i = 0; i < WALLETS.length; i++) expect(await equity.balanceOf(addresses[i])).to.equal(after[i]);
        expect(await equity.totalSupply()).to.equal(after.reduce((a, b) => a + b, 0n));
        const investorsHolding = new Set(INVESTOR_OF.filter((_, i) => after[i] > 0n));
        expect(await equity.holderCount()).to.equal(BigInt(investorsHolding.size));
        expect(await equity.holdingWalletCount()).to.equal(BigInt(after.filter((b) => b > 0n).length));
      }),
      { numRuns: 15 },
    );
  });
});
