import { expect } from "chai";
import { ethers } from "hardhat";
import { instrumentCode, instrumentCodeText, isProductTypeName, ProductType, productTypeOf } from "../../sdk/assets";

describe("sdk/assets", function () {
  describe("instrumentCode / instrumentCodeText", function () {
    it("pads a security code or ISIN to bytes12 and reads it back", function () {
      expect(instrumentCode("600519")).to.equal("0x363030353139000000000000");
      expect(ethers.dataLength(instrumentCode("CNE0000018R8"))).to.equal(12);
      for (const text of ["600519", "CNE0000018R8", "", "JR0001"]) {
        expect(instrumentCodeText(instrumentCode(text))).to.equal(text);
      }
    });

    it("refuses text longer than 12 bytes", function () {
      expect(() => instrumentCode("CNE0000018R8X")).to.throw(RangeError, "longer than 12 bytes");
    });
  });

  describe("product types", function () {
    it("names each product type and refuses None and unknown names", function () {
      expect(productTypeOf("Bond")).to.equal(ProductType.Bond);
      expect(isProductTypeName("None")).to.equal(false);
      expect(() => productTypeOf("Swap")).to.throw("unknown product type Swap");
    });
  });
});
