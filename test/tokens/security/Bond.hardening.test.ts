import { expect } from "chai";
import { ethers } from "hardhat";
import { Role } from "../../../config/roles";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BondTerms } from "../../../sdk/products/bond";
import { timestampOf as at } from "../../../sdk/products/bond";
import { bondFixture, DAY, type BondWorld } from "../../fixtures/bond";
import { extraSigner } from "../../fixtures/security";
import { quarterlyAct365In2028, semiAnnual30360, type HandSchedule } from "./bondSchedules";

function termsOf(schedule: HandSchedule, overrides: Partial<BondTerms> = {}): Omit<BondTerms, "settlementCoin"> {
  const { settlementCoin: _coin, ...terms } = { ...schedule.terms, ...overrides };
  return terms;
}

/** Quarterly 4 % ACT/365 2028–2029, face 100 aUSD; alice 3, bob 2, carol 5 units. */
const quarterly = bondFixture("hardeningQuarterly", termsOf(quarterlyAct365In2028));
/** A zero-coupon bond: face 100 aUSD, issued 2028-01-01, maturing 2030-01-01. */
const zeroCoupon = bondFixture(
  "hardeningZeroCoupon",
  termsOf(quarterlyAct365In2028, {
    frequency: 0,
    couponRate: 0n,
    firstCouponDate: 0n,
    issueDate: at("2028-01-01"),
    maturityDate: at("2030-01-01"),
  }),
);
/** A bond issued after its first record dates (2024–2026 schedule): nothing to schedule at issue. */
const backdated = bondFixture("hardeningBackdated", termsOf(semiAnnual30360));
const PERIOD_1 = quarterlyAct365In2028.periods[0];
const PERIOD_2 = quarterlyAct365In2028.periods[1];
const CLAIM_PERIOD = 30n * DAY;

async function reach(timestamp: bigint): Promise<void> {
  if (BigInt(await time.latest()) < timestamp) await time.increaseTo(timestamp);
}

/** Coupon `period` funded on its payment date (recorded then if nobody recorded it); returns its distribution id. */
async function fund(world: BondWorld, period: number): Promise<bigint> {
  const { bond } = world.contracts;
  await reach((await bond.couponPeriod(period)).paymentDate);
  await bond.connect(world.accounts.payingAgent).fundCoupon(period);
  return (await bond.couponPeriod(period)).distributionId;
}

describe("Bond (issue 17: coupons at the record date, payments follow recoveries, money returns to the issuer now)", function () {
  describe("the register a coupon pays", function () {
    it("is the record date's: a buyer after the record date, before the agent records, gets nothing", async function () {
      const world = await loadFixture(quarterly);
      const { bond } = world.contracts;
      const { agent, alice, bob } = world.accounts;
      const recordDate = (await bond.couponPeriod(1)).recordDate;
      await reach(recordDate + 3_600n);
      // The first balance change at or after the record date takes the scheduled snapshot first.
      await expect(bond.connect(alice).transfer(bob.address, 3n)).to.emit(bond, "Snapshot").withArgs(1n);
      await reach(recordDate + 2n * DAY);
      await expect(bond.connect(agent).recordCoupon(1))
        .to.emit(bond, "CouponRecorded")
        .withArgs(1, 1, recordDate)
        .and.to.emit(bond, "RecordDateScheduled")
        .withArgs(2, (await bond.couponPeriod(2)).recordDate);
      const id = await fund(world, 1);
      expect(await bond.entitlementOf(id, alice.address)).to.equal(3n * PERIOD_1.amountPerUnit);
      expect(await bond.entitlementOf(id, bob.address)).to.equal(2n * PERIOD_1.amountPerUnit);
    });

    it("is the record date's when the paying agent funds an unrecorded coupon late", async function () {
      const world = await loadFixture(quarterly);
      const { bond } = world.contracts;
      const { alice, carol } = world.accounts;
      await reach((await bond.couponPeriod(1)).recordDate);
      await bond.connect(carol).transfer(alice.address, 5n);
      const id = await fund(world, 1);
      expect(await bond.entitlementOf(id, alice.address)).to.equal(3n * PERIOD_1.amountPerUnit);
      expect(await bond.entitlementOf(id, carol.address)).to.equal(5n * PERIOD_1.amountPerUnit);
    });

    it("counts a transfer made before the record date, and schedules each next record date", async function () {
      const world = await loadFixture(quarterly);
      const { bond } = world.contracts;
      const { agent, alice, bob } = world.accounts;
      const first = (await bond.couponPeriod(1)).recordDate;
      await time.setNextBlockTimestamp(first - 1n);
      await expect(bond.connect(alice).transfer(bob.address, 1n)).not.to.emit(bond, "Snapshot");
      await reach(first);
      await bond.connect(agent).recordCoupon(1);
      const second = (await bond.couponPeriod(2)).recordDate;
      await reach(second);
      await bond.connect(bob).transfer(alice.address, 3n);
      await reach(second + 5n * DAY);
      await bond.connect(agent).recordCoupon(2);
      const id1 = await fund(world, 1);
      const id2 = await fund(world, 2);
      expect(await bond.entitlementOf(id1, alice.address)).to.equal(2n * PERIOD_1.amountPerUnit);
      expect(await bond.entitlementOf(id2, alice.address)).to.equal(2n * PERIOD_2.amountPerUnit);
      expect(await bond.entitlementOf(id2, bob.address)).to.equal(3n * PERIOD_2.amountPerUnit);
    });

    it("of a bond issued after its first record date is the register when recorded (nobody held at that date)", async function () {
      const world = await loadFixture(backdated);
      const { bond } = world.contracts;
      const { agent, alice } = world.accounts;
      expect(BigInt(await time.latest())).to.be.greaterThan((await bond.couponPeriod(1)).recordDate);
      await bond.connect(agent).recordCoupon(1);
      const id = await fund(world, 1);
      expect(await bond.entitlementOf(id, alice.address)).to.equal(3n * semiAnnual30360.periods[0].amountPerUnit);
    });

    context("when a period is recorded before the one preceding it", function () {
      it("reverts with BondCouponOutOfOrder", async function () {
        const world = await loadFixture(quarterly);
        const { bond } = world.contracts;
        await reach((await bond.couponPeriod(2)).recordDate);
        await expect(bond.connect(world.accounts.agent).recordCoupon(2))
          .to.be.revertedWithCustomError(bond, "BondCouponOutOfOrder")
          .withArgs(2, 1);
        expect((await bond.couponPeriod(2)).snapshotId).to.equal(0n);
      });
    });

    context("when anyone but the bond itself calls bondScheduleSnapshot", function () {
      it("reverts with BondOnlySelf", async function () {
        const world = await loadFixture(quarterly);
        const { token } = world.contracts;
        const { agent, issuer } = world.accounts;
        for (const caller of [agent, issuer]) {
          await expect(token.connect(caller).bondScheduleSnapshot(1n))
            .to.be.revertedWithCustomError(token, "BondOnlySelf")
            .withArgs(caller.address);
        }
      });
    });
  });

  describe("a coupon owed to a wallet that is then recovered", function () {
    it("is pushed to the new wallet, and the lost key cannot claim it", async function () {
      const world = await loadFixture(quarterly);
      const { bond, coin } = world.contracts;
      const { agent, alice, aliceSecond } = world.accounts;
      const id = await fund(world, 1);
      const recovery = bond.connect(agent).recoveryAddress(alice.address, aliceSecond.address, ethers.ZeroAddress);
      await recovery;
      const due = 3n * PERIOD_1.amountPerUnit;
      await expect(bond.connect(agent).pushPayments(id, [alice.address])).to.changeTokenBalances(
        coin,
        [alice, aliceSecond],
        [0n, due],
      );
      await expect(bond.connect(alice).claim(id))
        .to.be.revertedWithCustomError(bond, "DistributionsNotPayee")
        .withArgs(alice.address, alice.address, aliceSecond.address);
      await expect(recovery).to.emit(bond, "EntitlementsForwarded").withArgs(alice.address, aliceSecond.address);
    });
  });

  describe("after the alliance changed the bond's issuer", function () {
    async function successorFixture() {
      const world = await quarterly();
      const successor = await extraSigner("bond successor issuer");
      await world.contracts.authority
        .connect(world.accounts.governor)
        .setAssetIssuer(await world.contracts.bond.getAddress(), successor.address);
      // A handover ends the previous issuer's appointments: the successor appoints its own paying agent.
      await world.contracts.authority
        .connect(successor)
        .setAssetRole(world.contracts.bond, Role.ASSET_ADMINISTRATOR, world.accounts.payingAgent.address, true);
      return { world, successor };
    }

    it("reclaimUnclaimed returns a coupon's unclaimed money to the issuer now", async function () {
      const { world, successor } = await loadFixture(successorFixture);
      const { bond, coin } = world.contracts;
      const id = await fund(world, 1);
      await reach((await bond.distribution(id)).deadline + 1n);
      const funded = (await bond.distribution(id)).funded;
      await expect(bond.connect(successor).reclaimUnclaimed(id)).to.changeTokenBalances(
        coin,
        [successor, world.accounts.issuer],
        [funded, 0n],
      );
    });

    it("reclaimRedemption returns the unredeemed money to the issuer now", async function () {
      const world = await loadFixture(zeroCoupon);
      const { bond, coin, authority } = world.contracts;
      const { payingAgent, governor, issuer } = world.accounts;
      const successor = await extraSigner("zero-coupon successor issuer");
      await authority.connect(governor).setAssetIssuer(await bond.getAddress(), successor.address);
      await authority.connect(successor).setAssetRole(bond, Role.ASSET_ADMINISTRATOR, payingAgent.address, true);
      await reach(at("2030-01-01"));
      await bond.connect(payingAgent).fundRedemption();
      const funded = (await bond.redemption()).funded;
      await reach(BigInt(await time.latest()) + CLAIM_PERIOD + 1n);
      const reclaim = bond.connect(successor).reclaimRedemption();
      await expect(reclaim).to.emit(bond, "RedemptionReclaimed").withArgs(successor.address, funded);
      await expect(reclaim).to.changeTokenBalances(coin, [successor, issuer], [funded, 0n]);
    });
  });
});
