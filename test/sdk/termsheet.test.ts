import { expect } from "chai";
import { AbiCoder, Wallet, id } from "ethers";
import { instrumentCode, ProductType } from "../../sdk/assets";
import { Claim, claimsOf } from "../../sdk/claims";
import { BOND_TERMS_ABI, couponRate, DayCount, decodeBondTerms, timestampOf } from "../../sdk/products/bond";
import { decodeEquityTerms } from "../../sdk/products/equity";
import { decodeFundTerms } from "../../sdk/products/fund";
import { parseTermSheet, type TermSheetContext } from "../../sdk/termsheet";

const USD = new Wallet(id("termsheet usd")).address;
const agent = new Wallet(id("termsheet agent")).address;
const context: TermSheetContext = { coins: { SettlementCoinUSD: USD }, coinDecimals: () => 6 };
const instrument = {
  name: "Example Holdings Ordinary",
  symbol: "EXH",
  decimals: 0,
  securityCode: "600000",
  isin: "US0378331005",
  jurisdiction: "CN",
};
const sheet = (value: unknown) => JSON.stringify(value, null, 2);

describe("sdk/termsheet: parseTermSheet", function () {
  it("turns an Equity sheet into the factory's request", function () {
    const { request, errors } = parseTermSheet(
      sheet({
        product: "Equity",
        instrument,
        documents: [{ name: "prospectus", uri: "ipfs://p", hash: id("prospectus") }],
        terms: { settlementCoin: "SettlementCoinUSD", shareClass: "A", minClaimPeriodDays: 14 },
        agents: [agent],
        compliance: {
          requiredClaims: ["PROFESSIONAL"],
          allowedCountries: ["CN", "HK"],
          maxInvestors: 200,
          lockupUntil: "2027-01-01",
          maxBalance: "1000000",
          tradingWindow: { open: "09:30", close: "15:00", days: ["Mon", "Tue", "Wed", "Thu", "Fri"] },
        },
      }),
      context,
    );
    expect(errors).to.deep.equal([]);
    expect(request!.productType).to.equal(ProductType.Equity);
    expect(request!.instrument).to.deep.include({ jurisdiction: 156, securityCode: instrumentCode("600000") });
    expect(request!.documents[0].documentHash).to.equal(id("prospectus"));
    expect(decodeEquityTerms(request!.terms)).to.deep.include({ settlementCoin: USD, minClaimPeriod: 14n * 86_400n });
    expect(request!.agents).to.deep.equal([agent]);
    expect(request!.compliance.rules).to.deep.equal({
      requiredClaims: claimsOf([Claim.PROFESSIONAL]),
      lockupUntil: Number(timestampOf("2027-01-01")),
      maxInvestors: 200,
      windowOpen: 9 * 3_600 + 30 * 60,
      windowClose: 15 * 3_600,
      tradingDays: 0b11111,
      countryAllowList: true,
      countryBlockList: false,
      maxBalance: true,
    });
    expect(request!.compliance.allowedCountries).to.deep.equal([156, 344]);
    expect(request!.compliance.maxBalance).to.equal(1_000_000n);
  });

  it("turns a Bond sheet into terms in the contract's units", function () {
    const { request, errors } = parseTermSheet(
      sheet({
        product: "Bond",
        instrument,
        terms: {
          settlementCoin: USD,
          faceValue: "100.00",
          couponPercent: "4.25",
          frequency: 2,
          dayCount: "Actual365Fixed",
          issueDate: "2026-12-15",
          firstCouponDate: "2027-06-15",
          maturityDate: "2031-12-15",
          recordDays: 5,
          claimPeriodDays: 365,
        },
      }),
      context,
    );
    expect(errors).to.deep.equal([]);
    const terms = decodeBondTerms(request!.terms);
    expect(terms).to.deep.include({
      faceValue: 100_000_000n,
      couponRate: couponRate(425),
      frequency: 2,
      dayCount: DayCount.Actual365Fixed,
      maturityDate: timestampOf("2031-12-15"),
      claimPeriod: 365 * 86_400,
    });
    expect(AbiCoder.defaultAbiCoder().decode([BOND_TERMS_ABI], request!.terms)).to.have.length(1);
  });

  it("turns a Fund sheet into dealing terms", function () {
    const { request, errors } = parseTermSheet(
      sheet({
        product: "Fund",
        instrument: { ...instrument, decimals: 6 },
        terms: {
          settlementCoin: "SettlementCoinUSD",
          dealingPeriodHours: 24,
          cutOffOffsetHours: 15,
          entryFeeBps: 50,
          feeAccount: agent,
          minSubscription: "1000",
        },
      }),
      context,
    );
    expect(errors).to.deep.equal([]);
    expect(decodeFundTerms(request!.terms)).to.deep.include({
      dealingPeriod: 86_400,
      cutOffOffset: 15 * 3_600,
      entryFeeBps: 50,
      minSubscription: 1_000_000_000n,
    });
  });

  const equity = { product: "Equity", instrument, terms: { settlementCoin: "SettlementCoinUSD" } };
  const bad: [string, unknown, string[]][] = [
    ["an unknown product", { ...equity, product: "Warrant" }, [`product: unknown product "Warrant"`]],
    [
      "a missing field",
      { ...equity, instrument: { ...instrument, symbol: undefined } },
      ["instrument.symbol: missing"],
    ],
    [
      "a misspelt field",
      { ...equity, terms: { settlementCoin: "SettlementCoinUSD", shareclass: "A" } },
      ["terms.shareclass: unknown field"],
    ],
    [
      "a bad ISIN check digit",
      { ...equity, instrument: { ...instrument, isin: "US0378331004" } },
      [`instrument.isin: "US0378331004" is not an ISIN`],
    ],
    [
      "an unknown country",
      { ...equity, instrument: { ...instrument, jurisdiction: "XX" } },
      [`instrument.jurisdiction: unknown country "XX"`],
    ],
    [
      "an unknown coin",
      { ...equity, terms: { settlementCoin: "SettlementCoinEUR" } },
      [`terms.settlementCoin: unknown coin "SettlementCoinEUR"`],
    ],
    [
      "an unknown claim",
      { ...equity, compliance: { requiredClaims: ["VIP"] } },
      [`compliance.requiredClaims[0]: unknown claim "VIP"`],
    ],
    [
      "a country listed twice",
      { ...equity, compliance: { allowedCountries: ["HK", "344"] } },
      ["compliance.allowedCountries[1]: country 344 is listed twice"],
    ],
    [
      "a bad date",
      { ...equity, compliance: { lockupUntil: "2027-02-30" } },
      [`compliance.lockupUntil: "2027-02-30" is not a date`],
    ],
    [
      "a bad trading time",
      { ...equity, compliance: { tradingWindow: { open: "9:30", close: "15:00", days: ["Mon"] } } },
      [`compliance.tradingWindow.open: "9:30" is not a time`],
    ],
    ["a bad agent", { ...equity, agents: ["0x12"] }, [`agents[0]: "0x12" is not an address`]],
    [
      "a bad document hash",
      { ...equity, documents: [{ name: "p", uri: "u", hash: "0x12" }] },
      ["documents[0].hash: not a 32-byte hex hash"],
    ],
    [
      "a bond maturing before its issue",
      {
        product: "Bond",
        instrument,
        terms: {
          settlementCoin: USD,
          faceValue: "100.0000001",
          couponPercent: "4",
          frequency: 5,
          dayCount: "Actual999",
          issueDate: "2030-01-01",
          firstCouponDate: "2029-06-01",
          maturityDate: "2029-01-01",
          recordDays: 5,
          claimPeriodDays: 30,
        },
      },
      [
        "terms.faceValue: has more than 6 decimals",
        "terms.frequency: must be 0, 1, 2, 3, 4, 6 or 12",
        `terms.dayCount: unknown day count "Actual999"`,
        "terms.firstCouponDate: must be after issueDate",
        "terms.firstCouponDate: must be on or before maturityDate",
        "terms.maturityDate: must be after issueDate",
      ],
    ],
    [
      "fund terms the contract refuses",
      { product: "Fund", instrument, terms: { settlementCoin: USD, dealingPeriodHours: 24, entryFeeBps: 2_000 } },
      ["terms: entryFeeBps must be 0 … 1000", "terms: feeAccount is the zero address while a fee is charged"],
    ],
  ];
  for (const [what, value, expected] of bad) {
    it(`refuses ${what}, naming the field and its line, and yields no request`, function () {
      const { request, errors } = parseTermSheet(sheet(value), context);
      expect(request).to.equal(undefined);
      for (const fragment of expected) {
        expect(
          errors.some((e) => /^line \d+, /.test(e) && e.includes(fragment)),
          `${fragment} in ${JSON.stringify(errors)}`,
        ).to.equal(true);
      }
      expect(errors).to.have.length(expected.length);
    });
  }

  it("names the line of a field", function () {
    const text = sheet({ ...equity, instrument: { ...instrument, jurisdiction: "XX" } });
    const line = text.split("\n").findIndex((l) => l.includes('"jurisdiction"')) + 1;
    expect(parseTermSheet(text, context).errors).to.deep.equal([
      `line ${line}, instrument.jurisdiction: unknown country "XX" (ISO 3166-1)`,
    ]);
  });

  it("refuses text that is not JSON, with the line", function () {
    const { errors } = parseTermSheet('{\n  "product": "Equity",\n  oops\n}', context);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^line 3: not JSON/);
  });
});
