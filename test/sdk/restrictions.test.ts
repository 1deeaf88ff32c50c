import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { describeExplanation, Restriction } from "../../sdk/restrictions";
import { Claim, claimNames, claimsOf } from "../../sdk/claims";
import { coreFixture } from "../fixtures/core";

describe("sdk", function () {
  describe("Restriction", function () {
    const codes = Object.values(Restriction).filter((value): value is number => typeof value === "number");

    it("numbers the codes 0…17 without gaps, as contracts/types/Restriction.sol does", function () {
      expect(codes).to.deep.equal(Array.from({ length: 18 }, (_, i) => i));
    });
  });

  describe("describeExplanation", function () {
    it("reads an explanation from the contract as one line", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const asset = ethers.Wallet.createRandom().address;
      const explanation = await contracts.compliance.explainTransfer(
        asset,
        accounts.alice.address,
        accounts.bob.address,
        1n,
      );
      expect(explanation.message).to.not.equal("");
      expect(describeExplanation(explanation)).to.equal(`AssetNotConfigured (12): ${explanation.message}`);
    });

    it("names the party, the figure and the rule when there are any", function () {
      const party = "0x00000000000000000000000000000000000000a1";
      const rule = "0x00000000000000000000000000000000000000b2";
      const line = describeExplanation({ code: 11n, party, detail: 2n, rule, ruleCode: 42n, message: "no" });
      expect(line).to.equal(`ExternalRuleFailed (11): no; party ${party}; detail 2; rule ${rule} code 42`);
      expect(
        describeExplanation({ code: 0n, party, detail: 0n, rule, ruleCode: 0n, message: "the transfer is allowed" }),
      ).to.equal("allowed");
    });
  });

  describe("claims", function () {
    it("maps claim names to bits and back", function () {
      const bits = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
      expect(bits).to.equal(0b111n);
      expect(claimNames(bits)).to.deep.equal(["KYC", "AML", "PROFESSIONAL"]);
      expect(claimNames(0n)).to.deep.equal([]);
    });
  });
});
