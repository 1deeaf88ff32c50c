import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import {
  cutOffOf,
  decodeFundTerms,
  encodeFundTerms,
  fundTermsProblems,
  previewRedemption,
  previewSubscription,
  type FundTerms,
} from "../../sdk/products/fund";
import type { FundDealingLibHarness } from "../../typechain-types";

const terms: FundTerms = {
  settlementCoin: "0x00000000000000000000000000000000000000c0",
  dealingPeriod: 86_400,
  cutOffOffset: 57_600,
  entryFeeBps: 200,
  exitFeeBps: 50,
  feeAccount: "0x00000000000000000000000000000000000000fe",
  minSubscription: 1_000_000n,
};

describe("sdk/products/fund", function () {
  describe("encodeFundTerms", function () {
    it("encodes the terms as abi.encode(IFund.FundTerms) and decodes them back", function () {
      const encoded = encodeFundTerms(terms);
      // Seven static fields, one word each.
      expect(ethers.dataLength(encoded)).to.equal(7 * 32);
      expect(decodeFundTerms(encoded)).to.deep.equal(terms);
    });

    it("refuses terms the contract refuses, naming each problem", function () {
      const bad: FundTerms = {
        ...terms,
        settlementCoin: ethers.ZeroAddress,
        dealingPeriod: 0,
        entryFeeBps: 1_001,
        feeAccount: ethers.ZeroAddress,
      };
      // The offset (16:00) is no longer below the zero period, too.
      expect(fundTermsProblems(bad)).to.deep.equal([
        "settlementCoin is the zero address",
        "dealingPeriod must be 1 … 31622400 seconds",
        "cutOffOffset must be less than dealingPeriod",
        "entryFeeBps must be 0 … 1000",
        "feeAccount is the zero address while a fee is charged",
      ]);
      expect(() => encodeFundTerms(bad)).to.throw(/invalid fund terms/);
    });

    it("accepts a zero fee account when no fee is charged", function () {
      expect(fundTermsProblems({ ...terms, entryFeeBps: 0, exitFeeBps: 0, feeAccount: ethers.ZeroAddress })).to.be
        .empty;
    });
  });

  describe("dealing arithmetic", function () {
    async function harness(): Promise<FundDealingLibHarness> {
      return ethers.deployContract("FundDealingLibHarness");
    }

    it("agrees with FundDealingLib (property)", async function () {
      const lib = await loadFixture(harness);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: 0n, max: 10n ** 24n }),
          fc.integer({ min: 0, max: 1_000 }),
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          fc.integer({ min: 0, max: 18 }),
          fc.bigInt({ min: 0n, max: 2n ** 34n }),
          async (amount, feeBps, nav, decimals, time) => {
            const scale = 10n ** BigInt(decimals);
            const sub = await lib.dealSubscription(amount, feeBps, nav, scale);
            expect(previewSubscription(amount, feeBps, nav, decimals)).to.deep.equal({
              fee: sub.fee,
              units: sub.units,
              cost: sub.cost,
              refund: sub.refund,
            });
            const red = await lib.dealRedemption(amount, feeBps, nav, scale);
            expect(previewRedemption(amount, feeBps, nav, decimals)).to.deep.equal({
              gross: red.gross,
              fee: red.fee,
              proceeds: red.proceeds,
            });
            expect(cutOffOf(time, terms)).to.equal(await lib.nextCutOff(time, terms.dealingPeriod, terms.cutOffOffset));
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
