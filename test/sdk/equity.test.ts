import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import {
  CASH_DIVIDEND,
  EQUITY_TERMS_TYPE,
  MAX_RATIO_TERM,
  cashInLieu,
  checkRatio,
  decodeEquityTerms,
  dividendAmount,
  encodeEquityTerms,
  entitlement,
  payout,
  shareClassLabel,
  splitHolding,
} from "../../sdk/products/equity";

const COIN = "0x00000000000000000000000000000000000000c0";

describe("sdk/products/equity", function () {
  describe("encodeEquityTerms / decodeEquityTerms", function () {
    it("encodes the EquityTerms tuple as three words and decodes it back", function () {
      const data = encodeEquityTerms({ settlementCoin: COIN, shareClass: "ORDINARY", minClaimPeriod: 604_800 });
      expect(ethers.dataLength(data)).to.equal(96);
      const [[coin, period, shareClass]] = ethers.AbiCoder.defaultAbiCoder().decode([EQUITY_TERMS_TYPE], data);
      expect([coin, period, shareClass]).to.deep.equal([
        ethers.getAddress(COIN),
        604_800n,
        ethers.encodeBytes32String("ORDINARY"),
      ]);
      expect(decodeEquityTerms(data)).to.deep.equal({
        settlementCoin: ethers.getAddress(COIN),
        shareClass: "ORDINARY",
        minClaimPeriod: 604_800n,
      });
    });

    it("names the tuple IEquity's terms() returns, field for field", async function () {
      const abi = new ethers.Interface((await artifacts.readArtifact("IEquity")).abi);
      const output = abi.getFunction("terms")!.outputs[0];
      expect(ethers.ParamType.from(EQUITY_TERMS_TYPE).format("full")).to.equal(output.format("full"));
    });

    it("takes a share class given as bytes32 hex as it is", function () {
      const word = ethers.id("class A");
      const data = encodeEquityTerms({ settlementCoin: COIN, shareClass: word, minClaimPeriod: 0n });
      expect(decodeEquityTerms(data).shareClass).to.equal(word);
      expect(shareClassLabel(word)).to.equal(word);
    });

    it("rejects a malformed coin address", function () {
      expect(() => encodeEquityTerms({ settlementCoin: "0x1234", shareClass: "A", minClaimPeriod: 0 })).to.throw();
    });
  });

  describe("dividend arithmetic", function () {
    it("rounds each entitlement down and reports the dust", function () {
      const register = new Map([
        ["a", 500n],
        ["b", 300n],
        ["c", 199n],
      ]);
      const { entitlements, total, dust } = payout(register, 1_000_000n, 1_999n, 1_000n);
      expect([...entitlements.values()]).to.deep.equal([500_500n, 300_300n, 199_199n]);
      expect(total).to.equal(999_999n);
      expect(dust).to.equal(1n);
      expect(entitlement(1n, 1_000n, 1_001n)).to.equal(0n);
      expect(() => entitlement(1n, 1n, 0n)).to.throw(RangeError);
    });

    it("sizes a per-share dividend and names the dividend kind", function () {
      expect(dividendAmount(25_000n, 1_150n)).to.equal(28_750_000n);
      expect(CASH_DIVIDEND).to.equal(1);
    });
  });

  describe("split arithmetic", function () {
    it("converts holdings as the contract does, with the fraction not issued", function () {
      expect(splitHolding(600n, 2, 1)).to.deep.equal({ after: 1_200n, fraction: 0n });
      expect(splitHolding(101n, 3, 2)).to.deep.equal({ after: 151n, fraction: 1n });
      expect(splitHolding(27n, 1, 10)).to.deep.equal({ after: 2n, fraction: 7n });
      expect(splitHolding(7n, 1, 10)).to.deep.equal({ after: 0n, fraction: 7n });
      expect(cashInLieu(7n, 10, 50_000_000n)).to.equal(35_000_000n);
    });

    it("accepts the ratios beginSplit accepts and refuses the others", function () {
      for (const [n, d] of [
        [2, 1],
        [1, 10],
        [MAX_RATIO_TERM, 1],
      ]) {
        expect(() => checkRatio(n, d)).not.to.throw();
      }
      for (const [n, d] of [
        [0, 1],
        [1, 0],
        [3, 3],
        [MAX_RATIO_TERM + 1, 1],
        [1.5, 1],
      ]) {
        expect(() => checkRatio(n, d), `${n}:${d}`).to.throw(RangeError);
      }
    });
  });
});
