import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { extraSigner } from "../../fixtures/security";
import { DAY, HOLDINGS, MIN_CLAIM_PERIOD, SUPPLY, equityFixture, type EquityWorld } from "./equity";

/** A dividend of 1,150 dollars in the 6-decimal coin: one dollar a share. */
const DIVIDEND = 1_150_000_000n;
const PER_SHARE = DIVIDEND / SUPPLY;

async function deadline(): Promise<bigint> {
  return BigInt(await time.latest()) + MIN_CLAIM_PERIOD + DAY;
}

/** The fixture with a dividend declared on a snapshot taken now (id 1). */
async function dividendFixture(): Promise<EquityWorld & { id: bigint }> {
  const world = await equityFixture();
  await world.equity.connect(world.accounts.issuer).declareDividend(0, DIVIDEND, await deadline());
  return { ...world, id: 1n };
}

/** alice's wallet is lost: the agent recovers it onto her second wallet (same investor). */
async function recover(world: EquityWorld, lost: string, replacement: string) {
  return world.equity.connect(world.agent).recoveryAddress(lost, replacement, ethers.ZeroAddress);
}

describe("Equity (issue 17: payments follow recoveries, splits cannot get stuck, money returns to the issuer now)", function () {
  describe("a dividend owed to a wallet that is then recovered", function () {
    it("is pushed to the new wallet, never to the lost key", async function () {
      const world = await loadFixture(dividendFixture);
      const { equity, coin, agent, aliceSecond, id } = world;
      const { alice } = world.accounts;
      const recovery = recover(world, alice.address, aliceSecond.address);
      await recovery;
      const due = HOLDINGS.alice * PER_SHARE;
      const push = equity.connect(agent).pushPayments(id, [alice.address]);
      await expect(push).to.changeTokenBalances(coin, [alice, aliceSecond], [0n, due]);
      await expect(push).to.emit(equity, "DistributionPaid").withArgs(id, alice.address, aliceSecond.address, due);
      await expect(recovery).to.emit(equity, "EntitlementsForwarded").withArgs(alice.address, aliceSecond.address);
      expect(await equity.payeeOf(alice.address)).to.equal(aliceSecond.address);
      expect(await equity.isPaid(id, alice.address)).to.equal(true);
    });

    it("is claimed by the new wallet (claimFor), once; the lost key's claim is refused", async function () {
      const world = await loadFixture(dividendFixture);
      const { equity, coin, agent, aliceSecond, id } = world;
      const { alice, bob } = world.accounts;
      await recover(world, alice.address, aliceSecond.address);
      const before = await coin.balanceOf(alice.address);
      await expect(equity.connect(alice).claim(id))
        .to.be.revertedWithCustomError(equity, "DistributionsNotPayee")
        .withArgs(alice.address, alice.address, aliceSecond.address);
      await expect(equity.connect(bob).claimFor(id, alice.address))
        .to.be.revertedWithCustomError(equity, "DistributionsNotPayee")
        .withArgs(alice.address, bob.address, aliceSecond.address);
      const due = HOLDINGS.alice * PER_SHARE;
      await expect(equity.connect(aliceSecond).claimFor(id, alice.address)).to.changeTokenBalances(
        coin,
        [aliceSecond, equity],
        [due, -due],
      );
      // Its own entitlement stays its own, paid once too.
      await equity.connect(aliceSecond).claim(id);
      await expect(equity.connect(aliceSecond).claimFor(id, alice.address))
        .to.be.revertedWithCustomError(equity, "DistributionsAlreadyPaid")
        .withArgs(id, alice.address);
      await expect(equity.connect(agent).pushPayments(id, [alice.address, aliceSecond.address])).not.to.emit(
        equity,
        "DistributionPaid",
      );
      expect(await coin.balanceOf(alice.address)).to.equal(before);
      expect((await equity.distribution(id)).paid).to.equal((HOLDINGS.alice + HOLDINGS.aliceSecond) * PER_SHARE);
    });

    it("follows for dividends declared after the recovery on a record snapshot taken before it", async function () {
      const world = await loadFixture(equityFixture);
      const { equity, coin, agent, aliceSecond } = world;
      const { alice, issuer } = world.accounts;
      await equity.connect(agent).snapshot();
      await recover(world, alice.address, aliceSecond.address);
      await equity.connect(issuer).declareDividend(1n, DIVIDEND, await deadline());
      await expect(equity.connect(agent).pushPayments(1n, [alice.address])).to.changeTokenBalances(
        coin,
        [alice, aliceSecond],
        [0n, HOLDINGS.alice * PER_SHARE],
      );
    });

    it("follows a chain of recoveries to its end, and a wallet recovered onto forwards nowhere", async function () {
      const world = await loadFixture(dividendFixture);
      const { equity, coin, agent, aliceSecond, id } = world;
      const { alice, kycProvider } = world.accounts;
      await recover(world, alice.address, aliceSecond.address);
      const replacement = await extraSigner("alice's third wallet");
      await world.contracts.identity.connect(kycProvider).recoverWallet(aliceSecond.address, replacement.address);
      await recover(world, aliceSecond.address, replacement.address);
      expect(await equity.payeeOf(alice.address)).to.equal(replacement.address);
      expect(await equity.payeeOf(aliceSecond.address)).to.equal(replacement.address);
      await coin.syncHolder(replacement.address);
      const due = (HOLDINGS.alice + HOLDINGS.aliceSecond) * PER_SHARE;
      await expect(equity.connect(agent).pushPayments(id, [alice.address, aliceSecond.address])).to.changeTokenBalances(
        coin,
        [alice, aliceSecond, replacement],
        [0n, 0n, due],
      );
    });

    it("ends a loop: recovering back onto a once-lost wallet makes it live again", async function () {
      const world = await loadFixture(dividendFixture);
      const { equity, aliceSecond } = world;
      const { alice } = world.accounts;
      await recover(world, alice.address, aliceSecond.address);
      await recover(world, aliceSecond.address, alice.address);
      expect(await equity.payeeOf(alice.address)).to.equal(alice.address);
      expect(await equity.payeeOf(aliceSecond.address)).to.equal(alice.address);
    });

    context("when anyone but the token itself calls recordRecovery", function () {
      it("reverts with DistributionsOnlySelf", async function () {
        const world = await loadFixture(dividendFixture);
        const { equity, agent, aliceSecond } = world;
        const { alice } = world.accounts;
        for (const caller of [agent, alice, world.accounts.issuer]) {
          await expect(equity.connect(caller).recordRecovery(alice.address, aliceSecond.address))
            .to.be.revertedWithCustomError(equity, "DistributionsOnlySelf")
            .withArgs(caller.address);
        }
        expect(await equity.payeeOf(alice.address)).to.equal(alice.address);
      });
    });
  });

  describe("a split", function () {
    it("completes after the agent burned from an unconverted wallet during it", async function () {
      const world = await loadFixture(equityFixture);
      const { equity, agent, aliceSecond } = world;
      const { alice, bob, carol, issuer } = world.accounts;
      await equity.connect(issuer).beginSplit(2, 1);
      await equity.connect(agent).burn(bob.address, 100n);
      await equity.connect(agent).applySplit([alice.address, aliceSecond.address, bob.address, carol.address]);
      await expect(equity.connect(agent).completeSplit()).to.emit(equity, "SplitCompleted");
      expect(await equity.balanceOf(bob.address)).to.equal((HOLDINGS.bob - 100n) * 2n);
      expect(await equity.totalSupply()).to.equal((SUPPLY - 100n) * 2n);
      expect(await equity.transfersStopped()).to.equal(false);
    });

    it("completes after the agent burned a wallet's whole holding during it", async function () {
      const world = await loadFixture(equityFixture);
      const { equity, agent, aliceSecond } = world;
      const { alice, bob, carol, issuer } = world.accounts;
      await equity.connect(issuer).beginSplit(1, 10);
      await equity.connect(agent).burn(carol.address, HOLDINGS.carol);
      await equity.connect(agent).applySplit([alice.address, aliceSecond.address, bob.address, carol.address]);
      await equity.connect(agent).completeSplit();
      expect(await equity.balanceOf(carol.address)).to.equal(0n);
      expect(await equity.balanceOf(alice.address)).to.equal(HOLDINGS.alice / 10n);
    });

    it("refuses a recovery while in progress (EquitySplitInProgress), which works once the split completes", async function () {
      const world = await loadFixture(equityFixture);
      const { equity, agent, aliceSecond } = world;
      const { alice, bob, carol, issuer } = world.accounts;
      await equity.connect(issuer).beginSplit(2, 1);
      await expect(recover(world, alice.address, aliceSecond.address))
        .to.be.revertedWithCustomError(equity, "EquitySplitInProgress")
        .withArgs(1n);
      expect(await equity.balanceOf(alice.address)).to.equal(HOLDINGS.alice);
      await equity.connect(agent).applySplit([alice.address, aliceSecond.address, bob.address, carol.address]);
      await equity.connect(agent).completeSplit();
      await recover(world, alice.address, aliceSecond.address);
      expect(await equity.balanceOf(aliceSecond.address)).to.equal((HOLDINGS.alice + HOLDINGS.aliceSecond) * 2n);
    });

    describe("abortSplit", function () {
      it("calls the split off before any conversion: transfers resume, SplitAborted", async function () {
        const world = await loadFixture(equityFixture);
        const { equity } = world;
        const { alice, bob, issuer } = world.accounts;
        await equity.connect(issuer).beginSplit(2, 1);
        await expect(equity.connect(issuer).abortSplit())
          .to.emit(equity, "SplitAborted")
          .withArgs(1n)
          .and.to.emit(equity, "TransfersResumed");
        expect((await equity.currentSplit()).inProgress).to.equal(false);
        await equity.connect(alice).transfer(bob.address, 1n);
        await equity.connect(issuer).beginSplit(3, 1);
        expect(await equity.splitCount()).to.equal(2n);
      });

      context("once a wallet converted", function () {
        it("reverts with EquitySplitAlreadyApplied", async function () {
          const world = await loadFixture(equityFixture);
          const { equity, agent } = world;
          const { alice, issuer } = world.accounts;
          await equity.connect(issuer).beginSplit(2, 1);
          await equity.connect(agent).applySplit([alice.address]);
          await expect(equity.connect(issuer).abortSplit())
            .to.be.revertedWithCustomError(equity, "EquitySplitAlreadyApplied")
            .withArgs(1n, 1n);
          expect(await equity.transfersStopped()).to.equal(true);
        });
      });

      context("when no split is in progress", function () {
        it("reverts with EquityNoSplitInProgress", async function () {
          const world = await loadFixture(equityFixture);
          await expect(world.equity.connect(world.accounts.issuer).abortSplit()).to.be.revertedWithCustomError(
            world.equity,
            "EquityNoSplitInProgress",
          );
        });
      });

      context("when the caller is not the asset's issuer", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          const world = await loadFixture(equityFixture);
          await world.equity.connect(world.accounts.issuer).beginSplit(2, 1);
          for (const caller of [world.agent, world.accounts.alice]) {
            await expect(world.equity.connect(caller).abortSplit())
              .to.be.revertedWithCustomError(world.token, "AccessManagedUnauthorized")
              .withArgs(caller.address);
          }
          expect((await world.equity.currentSplit()).inProgress).to.equal(true);
        });
      });
    });
  });

  describe("reclaimUnclaimed after the alliance changed the asset's issuer", function () {
    it("returns the money to the issuer now, not the one named at issue", async function () {
      const world = await loadFixture(dividendFixture);
      const { equity, coin, id } = world;
      const { issuer, governor } = world.accounts;
      const successor = await extraSigner("successor issuer");
      await coin.connect(governor).setHolderPolicy(0); // Open: the successor need not be a synced holder
      await world.contracts.authority.connect(governor).setAssetIssuer(await equity.getAddress(), successor.address);
      await time.increaseTo((await equity.distribution(id)).deadline + 1n);
      const reclaim = equity.connect(successor).reclaimUnclaimed(id);
      await expect(reclaim).to.emit(equity, "DistributionReclaimed").withArgs(id, successor.address, DIVIDEND, SUPPLY);
      await expect(reclaim).to.changeTokenBalances(coin, [successor, issuer], [DIVIDEND, 0n]);
    });
  });
});
