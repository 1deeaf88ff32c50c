import { expect } from "chai";
import {
  adHocFiling,
  annualReport,
  describeObligation,
  DISCLOSURE_DOCUMENTS,
  DISCLOSURE_PERIODS,
  documentName,
  interimReport,
  ObligationKind,
  ObligationState,
  obligationState,
  type ObligationView,
} from "../../sdk/disclosure";

const DAY = 86_400;
/** 2027-04-30 00:00 UTC. */
const DUE = Date.UTC(2027, 3, 30) / 1000;

function view(overrides: Partial<ObligationView> = {}): ObligationView {
  return { ...annualReport(DUE, 30 * DAY, true), id: 1, windowOpensAt: 0, fulfilledAt: 0, ...overrides };
}

describe("sdk/disclosure", function () {
  it("builds the usual obligations' terms", function () {
    expect(annualReport(DUE, DAY)).to.deep.equal({
      kind: ObligationKind.Periodic,
      documentName: DISCLOSURE_DOCUMENTS.annualReport,
      dueAt: DUE,
      gracePeriod: DAY,
      period: 365 * DAY,
      halts: false,
    });
    expect(interimReport(DUE, 0, true).period).to.equal(DISCLOSURE_PERIODS.interim);
    expect(adHocFiling("merger-notice", DUE, 0)).to.include({
      kind: ObligationKind.AdHoc,
      documentName: documentName("merger-notice"),
      period: 0,
    });
    expect(() => documentName("x".repeat(32))).to.throw();
  });

  it("states an obligation as the contract does, at the boundaries", function () {
    const o = view();
    expect(obligationState(o, DUE)).to.equal(ObligationState.Upcoming);
    expect(obligationState(o, DUE + 1)).to.equal(ObligationState.InGrace);
    expect(obligationState(o, DUE + 30 * DAY)).to.equal(ObligationState.InGrace);
    expect(obligationState(o, DUE + 30 * DAY + 1)).to.equal(ObligationState.Overdue);
    expect(obligationState(view({ ...adHocFiling("n", DUE, 0), fulfilledAt: DUE }), DUE + DAY)).to.equal(
      ObligationState.Fulfilled,
    );
    // A periodic obligation's `fulfilledAt` is its last period's: the current one is judged by its due date.
    expect(obligationState(view({ fulfilledAt: DUE - DAY }), DUE + 31 * DAY)).to.equal(ObligationState.Overdue);
  });

  it("describes each state in words", function () {
    expect(describeObligation(view(), DUE - 10 * DAY)).to.equal(
      "annual-report (every 365 days): due 2027-04-30 00:00 UTC, a grace of 30 days; in 10 days; " +
        "trading halts if it is overdue",
    );
    expect(describeObligation(view({ halts: false }), DUE + DAY)).to.equal(
      "annual-report (every 365 days): past due (due 2027-04-30 00:00 UTC, a grace of 30 days); " +
        "overdue after 2027-05-30 00:00 UTC, when trading continues",
    );
    expect(describeObligation(view(), DUE + 31 * DAY)).to.equal(
      "annual-report (every 365 days): overdue since 2027-05-30 00:00 UTC (due 2027-04-30 00:00 UTC, a grace of " +
        "30 days); trading halts until it is filed",
    );
    expect(describeObligation(view({ ...adHocFiling("merger-notice", DUE, 0), fulfilledAt: DUE - DAY }), DUE)).to.equal(
      "merger-notice (one-off): filed 2027-04-29 00:00 UTC",
    );
    expect(describeObligation(view({ gracePeriod: 0 }), DUE - 5 * 3_600)).to.equal(
      "annual-report (every 365 days): due 2027-04-30 00:00 UTC, no grace; in 5 hours; trading halts if it is overdue",
    );
  });
});
