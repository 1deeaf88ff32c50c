import { expect } from "chai";
import { lotAmount, splitLotAmount, storageFeeOf } from "../../sdk/products/commodity";

describe("sdk/products/commodity", function () {
  describe("lotAmount", function () {
    it("puts the lot id above bit 128 and the quantity below, and splits back", function () {
      expect(lotAmount(1n, 400n)).to.equal((1n << 128n) + 400n);
      const amount = lotAmount((1n << 64n) - 1n, (1n << 80n) - 1n);
      expect(splitLotAmount(amount)).to.deep.equal({ lotId: (1n << 64n) - 1n, quantity: (1n << 80n) - 1n });
    });

    it("refuses a lot id the receipt never numbers and a quantity it never holds", function () {
      expect(() => lotAmount(0n, 1n)).to.throw(RangeError, "lot id 0");
      expect(() => lotAmount(1n << 64n, 1n)).to.throw(RangeError, "lot id");
      expect(() => lotAmount(1n, 0n)).to.throw(RangeError, "quantity 0");
      expect(() => lotAmount(1n, 1n << 80n)).to.throw(RangeError, "quantity");
    });

    it("reads a plain quantity as lot 0 (what executeHold accepts besides a lot amount)", function () {
      expect(splitLotAmount(25n)).to.deep.equal({ lotId: 0n, quantity: 25n });
    });
  });

  it("charges the storage fee per started day", function () {
    const day = 86_400n;
    expect(storageFeeOf(10n, 3n, 0n, day)).to.equal(30n);
    expect(storageFeeOf(10n, 3n, 0n, day + 1n)).to.equal(60n);
  });
});
