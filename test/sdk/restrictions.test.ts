import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { describeExplanation, describeRestriction, Restriction, RESTRICTION_MEANINGS } from "../../sdk/restrictions";
import { Claim, claimNames, claimsOf } from "../../sdk/claims";
import { coreFixture } from "../fixtures/core";

describe("sdk", function () {
  describe("Restriction", function () {
    const codes = Object.values(Restriction).filter((value): value is number => typeof value === "number");

    it("numbers the codes 0…17 without gaps, as contracts/types/Restriction.sol does", function () {
      expect(codes).to.deep.equal(Array.from({ length: 18 }, (_, i) => i));
    });
  });

  describe("describeRestriction", function () {
    it("names every code and says what it means", function () {
      for (let code = 0; code <= 17; code++) {
        expect(RESTRICTION_MEANINGS[code as Restriction], `code ${code}`)
          .to.be.a("string")
          .and.not.equal("");
        expect(describeRestriction(code)).to.equal(
          `${Restriction[code]} (${code}): ${RESTRICTION_MEANINGS[code as Restriction]}`,
        );
      }
      expect(describeRestriction(16n)).to.equal(
        "InsufficientUnfrozenBalance (16): the sender's balance not frozen or held is below the amount",
      );
      expect(describeRestriction(18)).to.equal("unknown restriction code 18");
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
      expect(line).to.equal(`ExternalRuleFailed (11): no; party ${party}; rule #2; rule ${rule} code 42`);
      expect(
        describeExplanation({ code: 0n, party, detail: 0n, rule, ruleCode: 0n, message: "the transfer is allowed" }),
      ).to.equal("allowed");
    });
  });

  describe("describeExplanation's figures", function () {
    const NONE = "0x0000000000000000000000000000000000000000";
    const line = (code: Restriction, detail: bigint) =>
      describeExplanation({ code: BigInt(code), party: NONE, detail, rule: NONE, ruleCode: 0n, message: "m" });

    it("reads each code's figure as the pipeline means it", function () {
      const t = BigInt(Date.UTC(2027, 0, 1, 9, 30) / 1_000);
      expect(line(Restriction.LockedUp, t)).to.equal("LockedUp (8): m; until 2027-01-01T09:30:00.000Z");
      expect(line(Restriction.TradingHalted, (1n << 48n) - 1n)).to.equal("TradingHalted (9): m; until further notice");
      expect(line(Restriction.OutsideTradingWindow, t)).to.equal(
        "OutsideTradingWindow (10): m; opens 2027-01-01T09:30:00.000Z",
      );
      expect(line(Restriction.RecipientMissingClaims, claimsOf([Claim.PROFESSIONAL, Claim.INSTITUTIONAL]))).to.equal(
        "RecipientMissingClaims (3): m; missing PROFESSIONAL+INSTITUTIONAL",
      );
      expect(line(Restriction.CountryNotAllowed, 408n)).to.equal("CountryNotAllowed (4): m; country 408");
      expect(line(Restriction.CountryBlocked, 408n)).to.equal("CountryBlocked (5): m; country 408");
      expect(line(Restriction.MaxInvestorsReached, 200n)).to.equal("MaxInvestorsReached (6): m; cap 200");
      expect(line(Restriction.MaxBalanceExceeded, 10n ** 6n)).to.equal("MaxBalanceExceeded (7): m; cap 1000000");
      expect(line(Restriction.ExternalRuleFailed, 0n)).to.equal("ExternalRuleFailed (11): m; rule #0");
      // Its meaning depends on the wallet (an expiry, or the baseline claims it lacks): shown as it is.
      expect(line(Restriction.SenderNotVerified, 1_700_000_000n)).to.equal(
        "SenderNotVerified (1): m; detail 1700000000",
      );
      expect(line(Restriction.RecipientNotVerified, 0n)).to.equal("RecipientNotVerified (2): m");
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
