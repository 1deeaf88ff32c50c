import { expect } from "chai";
import {
  expiryPeriod,
  loyaltyTermsProblems,
  periodStart,
  reconcileBreakage,
  LOYALTY_MAX_LIVE_PERIODS,
} from "../../sdk/products/loyalty";

const DAY = 86_400;

describe("sdk/products/loyalty", function () {
  describe("loyaltyTermsProblems", function () {
    it("accepts daily periods with 30-day validity", function () {
      expect(loyaltyTermsProblems({ periodLength: DAY, validity: 30 * DAY })).to.deep.equal([]);
    });

    it("names each bound the program checks", function () {
      expect(loyaltyTermsProblems({ periodLength: 3_599, validity: DAY })).to.have.length(1);
      expect(loyaltyTermsProblems({ periodLength: 366 * DAY, validity: 366 * DAY })).to.have.length(1);
      expect(loyaltyTermsProblems({ periodLength: DAY, validity: DAY - 1 })).to.have.length(1);
      expect(loyaltyTermsProblems({ periodLength: 7 * DAY, validity: 3_651 * DAY })).to.have.length(1);
      expect(
        loyaltyTermsProblems({ periodLength: 3_600, validity: (LOYALTY_MAX_LIVE_PERIODS + 1) * 3_600 }),
      ).to.have.length(1);
    });
  });

  it("expires credits at issue + validity rounded down to a period boundary", function () {
    const terms = { periodLength: DAY, validity: 30 * DAY };
    const issuedAt = 100 * DAY + 5 * 3_600;
    const period = expiryPeriod(issuedAt, terms);
    expect(period).to.equal(130n);
    expect(periodStart(period, terms)).to.equal(130 * DAY);
    expect(periodStart(period, terms)).to.be.at.most(issuedAt + terms.validity);
  });

  describe("reconcileBreakage", function () {
    const events = { issued: 200n, convertedIn: 50n, redeemed: 100n, convertedOut: 10n, convertedToCoin: 5n };

    it("reconciles figures that match the events and add up", function () {
      const figures = { issued: 250n, redeemed: 115n, expired: 20n, outstanding: 115n };
      expect(reconcileBreakage(events, figures)).to.deep.equal([]);
    });

    it("names each discrepancy", function () {
      const figures = { issued: 251n, redeemed: 114n, expired: 20n, outstanding: 115n };
      expect(reconcileBreakage(events, figures)).to.have.length(3);
    });
  });
});
