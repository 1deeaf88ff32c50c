import { expect } from "chai";
import fc from "fast-check";
import { formatShare, formatUnits, registerToCsv, type Register } from "../../sdk/register";
import { isProductTypeName, ProductType, productTypeOf } from "../../sdk/assets";

describe("sdk/register", function () {
  describe("formatUnits", function () {
    it("writes amounts in whole units exactly, without trailing zeros", function () {
      expect(formatUnits(1_234_500n, 6)).to.equal("1.2345");
      expect(formatUnits(1n, 6)).to.equal("0.000001");
      expect(formatUnits(42n, 0)).to.equal("42");
      expect(formatUnits(0n, 6)).to.equal("0");
      expect(formatUnits(5_000_000n, 6)).to.equal("5");
      expect(formatUnits(-150n, 2)).to.equal("-1.5");
      expect(formatUnits(2n ** 104n - 1n, 18)).to.equal("20282409603651.670423947251286015");
    });

    it("round-trips: the digits read back give the amount", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 104n }), fc.integer({ min: 0, max: 18 }), (amount, decimals) => {
          const [whole, fraction = ""] = formatUnits(amount, decimals).split(".");
          expect(BigInt(whole + fraction.padEnd(decimals, "0"))).to.equal(amount);
        }),
      );
    });
  });

  describe("formatShare", function () {
    it("rounds down to 18 digits with integer arithmetic", function () {
      expect(formatShare(1n, 3n)).to.equal("0.333333333333333333");
      expect(formatShare(2n, 3n)).to.equal("0.666666666666666666");
      expect(formatShare(1n, 4n)).to.equal("0.25");
      expect(formatShare(7n, 7n)).to.equal("1");
      expect(formatShare(0n, 7n)).to.equal("0");
      expect(formatShare(1n, 10n ** 30n)).to.equal("0");
      expect(formatShare(1n, 3n, 4)).to.equal("0.3333");
    });

    it("is 0 of an empty supply", function () {
      expect(formatShare(0n, 0n)).to.equal("0");
    });

    it("never exceeds the exact share, and misses it by less than one unit of the last digit", function () {
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: 2n ** 104n }), fc.bigInt({ min: 0n, max: 2n ** 104n }), (whole, raw) => {
          const part = raw % (whole + 1n);
          const [units, fraction = ""] = formatShare(part, whole).split(".");
          const scaled = BigInt(units + fraction.padEnd(18, "0"));
          expect(scaled * whole <= part * 10n ** 18n).to.equal(true);
          expect((scaled + 1n) * whole > part * 10n ** 18n).to.equal(true);
        }),
      );
    });
  });

  describe("registerToCsv", function () {
    it("writes the header and one line per investor, wallets joined with ';'", function () {
      const register: Register = {
        asset: "0x0000000000000000000000000000000000000001",
        blockNumber: 10,
        decimals: 2,
        totalSupply: 300n,
        reconciled: true,
        rows: [
          { investor: "0xaa", wallets: ["0x01", "0x02"], balance: 200n, share: "0.666666666666666666" },
          { investor: "", wallets: ["0x03"], balance: 100n, share: "0.333333333333333333" },
        ],
      };
      expect(registerToCsv(register)).to.equal(
        "investor,wallets,balance,share\n0xaa,0x01;0x02,2,0.666666666666666666\n,0x03,1,0.333333333333333333\n",
      );
    });
  });
});

describe("sdk/assets", function () {
  it("names product types", function () {
    expect(productTypeOf("Bond")).to.equal(ProductType.Bond);
    expect(isProductTypeName("Fund")).to.equal(true);
    expect(isProductTypeName("None")).to.equal(false);
    expect(() => productTypeOf("None")).to.throw(/unknown product type None/);
    expect(() => productTypeOf("Warrant")).to.throw(/use one of Equity, Bond, Fund, Option, Future/);
  });
});
