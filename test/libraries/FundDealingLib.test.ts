import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { FundDealingLibHarness } from "../../typechain-types";

const DAY = 86_400n;
const HOUR = 3_600n;
const BPS = 10_000n;

async function harnessFixture(): Promise<FundDealingLibHarness> {
  return ethers.deployContract("FundDealingLibHarness");
}

/** Reference model of the library, in plain bigint arithmetic. */
const model = {
  nextCutOff(time: bigint, period: bigint, offset: bigint): bigint {
    if (time < offset) return offset;
    return time - ((time - offset) % period) + period;
  },
  subscription(coin: bigint, feeBps: bigint, nav: bigint, scale: bigint) {
    const fee = (coin * feeBps) / BPS;
    const units = ((coin - fee) * scale) / nav;
    if (units === 0n) return { fee: 0n, units: 0n, cost: 0n, refund: coin };
    const cost = (units * nav + scale - 1n) / scale;
    return { fee, units, cost, refund: coin - fee - cost };
  },
  redemption(units: bigint, feeBps: bigint, nav: bigint, scale: bigint) {
    const gross = (units * nav) / scale;
    const fee = (gross * feeBps) / BPS;
    return { gross, fee, proceeds: gross - fee };
  },
};

describe("FundDealingLib", function () {
  let lib: FundDealingLibHarness;

  beforeEach(async function () {
    lib = await loadFixture(harnessFixture);
  });

  describe("nextCutOff", function () {
    // 2024-01-01T00:00:00Z
    const midnight = 1_704_067_200n;
    const fourPm = 16n * HOUR;

    it("returns the same day's cut-off for a request made before it", async function () {
      expect(await lib.nextCutOff(midnight + 9n * HOUR, DAY, fourPm)).to.equal(midnight + fourPm);
    });

    it("returns the same day's cut-off for a request made one second before it", async function () {
      expect(await lib.nextCutOff(midnight + fourPm - 1n, DAY, fourPm)).to.equal(midnight + fourPm);
    });

    it("returns the next day's cut-off for a request made exactly at a cut-off", async function () {
      expect(await lib.nextCutOff(midnight + fourPm, DAY, fourPm)).to.equal(midnight + DAY + fourPm);
    });

    it("returns the next day's cut-off for a request made after the cut-off", async function () {
      expect(await lib.nextCutOff(midnight + 20n * HOUR, DAY, fourPm)).to.equal(midnight + DAY + fourPm);
    });

    it("handles a zero offset (cut-offs at midnight)", async function () {
      expect(await lib.nextCutOff(midnight, DAY, 0n)).to.equal(midnight + DAY);
      expect(await lib.nextCutOff(midnight - 1n, DAY, 0n)).to.equal(midnight);
    });

    it("returns the offset itself for a time before the first cut-off", async function () {
      expect(await lib.nextCutOff(5n, DAY, fourPm)).to.equal(fourPm);
    });

    it("handles weekly dealing (1970-01-01 was a Thursday: offset 4 days + 12h is Monday noon)", async function () {
      const week = 7n * DAY;
      const mondayNoon = 4n * DAY + 12n * HOUR;
      // 2024-01-03 (a Wednesday) 10:00 → Monday 2024-01-08 12:00
      expect(await lib.nextCutOff(midnight + 2n * DAY + 10n * HOUR, week, mondayNoon)).to.equal(
        midnight + 7n * DAY + 12n * HOUR,
      );
    });

    it("is the first cut-off strictly after the time (property)", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 2n ** 40n }),
          fc.bigInt({ min: 1n, max: 366n * DAY }),
          fc.bigInt({ min: 0n, max: 2n ** 40n }),
          async (time, period, rawOffset) => {
            const offset = rawOffset % period;
            const cutOff = await lib.nextCutOff(time, period, offset);
            expect(cutOff).to.equal(model.nextCutOff(time, period, offset));
            expect(cutOff > time).to.equal(true);
            expect((cutOff - offset) % period).to.equal(0n);
            expect(cutOff >= offset).to.equal(true);
            // No cut-off lies in (time, cutOff): the previous one is at or before the time, or before the offset.
            expect(cutOff - period <= time || cutOff === offset).to.equal(true);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe("feeOf", function () {
    it("takes the rate in basis points, rounded down", async function () {
      expect(await lib.feeOf(1_000_000n, 150n)).to.equal(15_000n);
      expect(await lib.feeOf(999n, 150n)).to.equal(14n); // 14.985
      expect(await lib.feeOf(66n, 1n)).to.equal(0n);
      expect(await lib.feeOf(12_345n, 0n)).to.equal(0n);
    });
  });

  describe("dealSubscription", function () {
    it("deals a round subscription with no fee and no remainder", async function () {
      // 1,000 aUSD at 10 aUSD per unit, units with 6 decimals → 100 units.
      const deal = await lib.dealSubscription(1_000_000_000n, 0n, 10_000_000n, 10n ** 6n);
      expect(deal.fee).to.equal(0n);
      expect(deal.units).to.equal(100_000_000n);
      expect(deal.cost).to.equal(1_000_000_000n);
      expect(deal.refund).to.equal(0n);
    });

    it("takes the entry fee from the coin before buying units", async function () {
      // 1,000 aUSD, 2 % entry fee → 20 aUSD fee, 980 aUSD buys 98 units at 10.
      const deal = await lib.dealSubscription(1_000_000_000n, 200n, 10_000_000n, 10n ** 6n);
      expect(deal.fee).to.equal(20_000_000n);
      expect(deal.units).to.equal(98_000_000n);
      expect(deal.cost).to.equal(980_000_000n);
      expect(deal.refund).to.equal(0n);
    });

    it("refunds what does not buy a whole unit of a 0-decimal fund", async function () {
      // 1,000 aUSD at 30 aUSD per share → 33 shares for 990 aUSD, 10 aUSD refunded.
      const deal = await lib.dealSubscription(1_000_000_000n, 0n, 30_000_000n, 1n);
      expect(deal.units).to.equal(33n);
      expect(deal.cost).to.equal(990_000_000n);
      expect(deal.refund).to.equal(10_000_000n);
    });

    it("rounds the cost up so the fund is never diluted", async function () {
      // 100 coin units at NAV 3 per whole unit, 2 decimals: units = ⌊100·100/3⌋ = 3333, worth 99.99 → cost 100.
      const deal = await lib.dealSubscription(100n, 0n, 3n, 100n);
      expect(deal.units).to.equal(3_333n);
      expect(deal.cost).to.equal(100n);
      expect(deal.refund).to.equal(0n);
    });

    it("deals nothing, takes no fee and refunds everything when no smallest unit is bought", async function () {
      const deal = await lib.dealSubscription(29_000_000n, 100n, 30_000_000n, 1n);
      expect(deal.fee).to.equal(0n);
      expect(deal.units).to.equal(0n);
      expect(deal.cost).to.equal(0n);
      expect(deal.refund).to.equal(29_000_000n);
    });

    it("conserves the coin and never dilutes the fund (property)", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 2n ** 104n - 1n }),
          fc.bigInt({ min: 0n, max: 1_000n }),
          fc.bigInt({ min: 1n, max: 2n ** 128n - 1n }),
          fc.integer({ min: 0, max: 18 }),
          async (coin, feeBps, nav, decimals) => {
            const scale = 10n ** BigInt(decimals);
            const deal = await lib.dealSubscription(coin, feeBps, nav, scale);
            const expected = model.subscription(coin, feeBps, nav, scale);
            expect([deal.fee, deal.units, deal.cost, deal.refund]).to.deep.equal([
              expected.fee,
              expected.units,
              expected.cost,
              expected.refund,
            ]);
            expect(deal.fee + deal.cost + deal.refund).to.equal(coin);
            expect(deal.units * nav <= deal.cost * scale).to.equal(true);
            if (deal.cost > 0n) expect(deal.units * nav > (deal.cost - 1n) * scale).to.equal(true);
            // The coin left after the fee buys no further smallest unit.
            const net = coin - (coin * feeBps) / BPS;
            expect((deal.units + 1n) * nav > net * scale).to.equal(true);
          },
        ),
        { numRuns: 80 },
      );
    });
  });

  describe("dealRedemption", function () {
    it("pays units at the NAV less the exit fee", async function () {
      // 50 units (6 decimals) at 12.5 aUSD, 1 % exit fee: gross 625, fee 6.25, proceeds 618.75.
      const deal = await lib.dealRedemption(50_000_000n, 100n, 12_500_000n, 10n ** 6n);
      expect(deal.gross).to.equal(625_000_000n);
      expect(deal.fee).to.equal(6_250_000n);
      expect(deal.proceeds).to.equal(618_750_000n);
    });

    it("rounds the gross amount down, leaving the dust in the fund", async function () {
      // 3333 units (2 decimals) at NAV 3 per whole unit: 99.99 coin units → 99.
      const deal = await lib.dealRedemption(3_333n, 0n, 3n, 100n);
      expect(deal.gross).to.equal(99n);
      expect(deal.fee).to.equal(0n);
      expect(deal.proceeds).to.equal(99n);
    });

    it("accounts for every coin unit and the sub-unit dust (property)", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 2n ** 104n - 1n }),
          fc.bigInt({ min: 0n, max: 1_000n }),
          fc.bigInt({ min: 1n, max: 2n ** 128n - 1n }),
          fc.integer({ min: 0, max: 18 }),
          async (units, feeBps, nav, decimals) => {
            const scale = 10n ** BigInt(decimals);
            const deal = await lib.dealRedemption(units, feeBps, nav, scale);
            const expected = model.redemption(units, feeBps, nav, scale);
            expect([deal.gross, deal.fee, deal.proceeds]).to.deep.equal([
              expected.gross,
              expected.fee,
              expected.proceeds,
            ]);
            expect(deal.proceeds + deal.fee).to.equal(deal.gross);
            const dust = units * nav - deal.gross * scale;
            expect(dust >= 0n && dust < scale).to.equal(true);
            expect(deal.fee * BPS <= deal.gross * feeBps).to.equal(true);
          },
        ),
        { numRuns: 80 },
      );
    });
  });

  describe("firstAtOrAfter", function () {
    const times = [100n, 200n, 300n, 400n, 500n];

    it("finds nothing in an empty history", async function () {
      const [found, index] = await lib.firstAtOrAfter(100n);
      expect(found).to.equal(false);
      expect(index).to.equal(0n);
    });

    it("finds nothing when every NAV is valued before the cut-off", async function () {
      await lib.setTimes(times);
      expect((await lib.firstAtOrAfter(501n))[0]).to.equal(false);
    });

    it("finds a NAV valued exactly at the cut-off", async function () {
      await lib.setTimes(times);
      expect(await lib.firstAtOrAfter(300n)).to.deep.equal([true, 2n]);
    });

    it("finds the first NAV valued after the cut-off", async function () {
      await lib.setTimes(times);
      expect(await lib.firstAtOrAfter(301n)).to.deep.equal([true, 3n]);
      expect(await lib.firstAtOrAfter(1n)).to.deep.equal([true, 0n]);
      expect(await lib.firstAtOrAfter(450n)).to.deep.equal([true, 4n]);
    });

    it("agrees with a linear scan (property)", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.bigInt({ min: 1n, max: 1_000n }), { maxLength: 20 }),
          fc.bigInt({ min: 0n, max: 1_001n }),
          async (raw, cutOff) => {
            const sorted = [...raw].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            await lib.setTimes(sorted);
            const expectedIndex = sorted.findIndex((t) => t >= cutOff);
            const [found, index] = await lib.firstAtOrAfter(cutOff);
            expect(found).to.equal(expectedIndex !== -1);
            if (found) expect(index).to.equal(BigInt(expectedIndex));
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});
