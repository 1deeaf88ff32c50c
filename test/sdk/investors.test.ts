import { expect } from "chai";
import { Wallet, id } from "ethers";
import { Claim, claimsOf } from "../../sdk/claims";
import { COUNTRY_CODES, countryCode } from "../../sdk/countries";
import { CsvError, csvField, parseCsv } from "../../sdk/csv";
import { INVESTOR_COLUMNS, investorId, parseInvestorCsv } from "../../sdk/investors";

const NOW = Date.UTC(2026, 11, 7) / 1000;
const HEADER = INVESTOR_COLUMNS.join(",");
const [w1, w2, w3] = [1, 2, 3].map((i) => new Wallet(id(`investor wallet ${i}`)).address);

describe("sdk/csv", function () {
  it("reads quoted fields (commas, doubled quotes, line breaks), CRLF and a byte-order mark, with each record's line", function () {
    const text = '\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,end\n';
    expect(parseCsv(text)).to.deep.equal([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["x, y", 'say "hi"', "two\nlines"] },
      { line: 5, fields: ["last", "", "end"] },
    ]);
  });

  it("refuses an unterminated quote and a stray quote, naming the line", function () {
    expect(() => parseCsv('a\n"open,b\n')).to.throw(CsvError, /^line 2: a quoted field is not closed/);
    expect(() => parseCsv('a\nb"c\n')).to.throw(CsvError, /^line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('"a"b\n')).to.throw(CsvError, /^line 1: text after a closing quote/);
  });

  it("quotes a field only when it must, and the quoted field reads back", function () {
    for (const value of ["plain", "a,b", 'q"q', " lead", "x\ny"]) {
      expect(parseCsv(csvField(value) + "\n")[0].fields).to.deep.equal([value]);
    }
    expect(csvField("plain")).to.equal("plain");
  });
});

describe("sdk/countries", function () {
  it("holds the 249 ISO 3166-1 codes, each alpha-2 and numeric once", function () {
    expect(COUNTRY_CODES.size).to.equal(249);
    expect(new Set(COUNTRY_CODES.values()).size).to.equal(249);
  });

  it("reads alpha-2 in any case and numeric codes, and knows no unassigned code", function () {
    expect(countryCode("HK")).to.equal(344);
    expect(countryCode("cn")).to.equal(156);
    expect(countryCode("036")).to.equal(36);
    expect(countryCode("840")).to.equal(840);
    expect(countryCode("XX")).to.equal(undefined);
    expect(countryCode("999")).to.equal(undefined);
    expect(countryCode("HKG")).to.equal(undefined);
    expect(countryCode("")).to.equal(undefined);
  });
});

describe("sdk/investors: parseInvestorCsv", function () {
  it("reads every row as the registry takes it, columns in any order", function () {
    const text = `wallets,expiry,claims,country,investor\n${w1};${w2},2027-06-30,KYC AML|PROFESSIONAL,HK,client-1\n,1893456000,kyc,156,client-2\n`;
    const file = parseInvestorCsv(text, NOW);
    expect(file.errors).to.deep.equal([]);
    expect(file.investors).to.deep.equal([
      {
        line: 2,
        reference: "client-1",
        investor: investorId("client-1"),
        country: 344,
        claims: claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]),
        expiry: Date.UTC(2027, 5, 30, 23, 59, 59) / 1000,
        wallets: [w1, w2],
      },
      {
        line: 3,
        reference: "client-2",
        investor: id("client-2"),
        country: 156,
        claims: 1n,
        expiry: 1893456000,
        wallets: [],
      },
    ]);
  });

  const bad: [string, string, string[]][] = [
    [
      "a wrong column",
      `investor,country,claims,expiry,wallet\n`,
      [`line 1: unknown column "wallet"`, `line 1: missing column "wallets"`],
    ],
    ["a column twice", `${HEADER},country\n`, [`line 1: column "country" twice`]],
    ["an empty file", ``, ["line 1: the file is empty"]],
    [
      "a duplicate investor",
      `${HEADER}\nc-1,HK,KYC,2027-01-01,\nc-2,HK,KYC,2027-01-01,\nc-1,HK,KYC,2027-01-01,\n`,
      [`line 4: investor "c-1" is already on line 2`],
    ],
    ["an unknown country", `${HEADER}\nc-1,ZZ,KYC,2027-01-01,\n`, [`line 2: unknown country "ZZ"`]],
    ["an expired date", `${HEADER}\nc-1,HK,KYC,2026-12-06,\n`, ["line 2: expiry 2026-12-06 has passed"]],
    ["an impossible date", `${HEADER}\nc-1,HK,KYC,2027-02-30,\n`, [`line 2: expiry "2027-02-30" is neither`]],
    ["an unknown claim", `${HEADER}\nc-1,HK,KYC VIP,2027-01-01,\n`, [`line 2: unknown claim "VIP"`]],
    ["a bad wallet", `${HEADER}\nc-1,HK,KYC,2027-01-01,0x1234\n`, [`line 2: "0x1234" is not an address`]],
    [
      "a wallet on two rows",
      `${HEADER}\nc-1,HK,KYC,2027-01-01,${w3}\nc-2,HK,KYC,2027-01-01,${w3.toLowerCase()}\n`,
      [`line 3: wallet ${w3} is already on line 2`],
    ],
    ["a short row", `${HEADER}\nc-1,HK,KYC\n`, ["line 2: 3 fields, the header has 5"]],
    ["an empty reference", `${HEADER}\n ,HK,KYC,2027-01-01,\n`, ["line 2: the investor reference is empty"]],
    ["a broken quote", `${HEADER}\n"c-1,HK,KYC,2027-01-01,\n`, ["line 2: a quoted field is not closed"]],
  ];
  for (const [what, text, expected] of bad) {
    it(`refuses ${what}, naming the line, and yields no investor`, function () {
      const file = parseInvestorCsv(text, NOW);
      expect(file.investors).to.deep.equal([]);
      expect(file.errors).to.have.length(expected.length);
      expected.forEach((prefix, i) => expect(file.errors[i].startsWith(prefix), file.errors[i]).to.equal(true));
    });
  }

  it("reports every problem of a file, not the first", function () {
    const file = parseInvestorCsv(`${HEADER}\nc-1,ZZ,VIP,2020-01-01,nope\nc-2,HK,KYC,2027-01-01,\n`, NOW);
    expect(file.errors.map((e) => e.split(":")[0])).to.deep.equal(["line 2", "line 2", "line 2", "line 2"]);
    expect(file.investors).to.deep.equal([]);
  });
});
