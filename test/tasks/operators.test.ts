import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { coreFixture } from "../fixtures/core";
import { rejection } from "../helpers/promises";
import { INVESTOR_COLUMNS, investorId } from "../../sdk/investors";
import { MemberStatus } from "../../sdk/members";

/** `count` investor rows `ref-<i>`, each with one fresh wallet, a year from the latest block. */
function csv(count: number, wallet: (i: number) => string = (i) => new Wallet(ethers.id(`op wallet ${i}`)).address) {
  const rows = [INVESTOR_COLUMNS.join(",")];
  for (let i = 0; i < count; i++) rows.push(`ref-${i},HK,KYC AML,2030-01-01,${wallet(i)}`);
  return rows.join("\n") + "\n";
}

describe("operator tasks (tasks/operators.ts)", function () {
  let dir: string;
  let log: typeof console.log;
  let stderr: typeof process.stderr.write;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "operators-"));
    log = console.log;
    stderr = process.stderr.write;
    console.log = () => undefined;
    process.stderr.write = (() => true) as typeof process.stderr.write;
  });
  afterEach(function () {
    console.log = log;
    process.stderr.write = stderr;
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const registeredEvents = async (identity: Awaited<ReturnType<typeof coreFixture>>["contracts"]["identity"]) =>
    (await identity.queryFilter(identity.filters.InvestorRegistered())).length;

  describe("investors:import", function () {
    it("registers every row in batches and ends with a summary", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const before = await contracts.identity.investorCount();
      const result = await hre.run("investors:import", { file: file("a.csv", csv(250)), batch: 100 });
      expect(result).to.include({ registered: 250, skipped: 0, batches: 3 });
      expect(await contracts.identity.investorCount()).to.equal(before + 250n);
      const wallet = new Wallet(ethers.id("op wallet 249")).address;
      expect(await contracts.identity.investorOf(wallet)).to.equal(investorId("ref-249"));
      expect(await contracts.identity.isVerified(wallet)).to.equal(true);
    });

    it("resumes an interrupted import without registering anyone twice", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const all = csv(250);
      const firstPart = all.split("\n").slice(0, 121).join("\n") + "\n"; // header + 120 rows: the run cut short
      await hre.run("investors:import", { file: file("part.csv", firstPart), batch: 50 });
      const result = await hre.run("investors:import", { file: file("all.csv", all), batch: 50 });
      expect(result).to.include({ registered: 130, skipped: 120 });
      expect(await registeredEvents(contracts.identity)).to.equal(250);
      const again = await hre.run("investors:import", { file: file("all.csv", all), batch: 50 });
      expect(again).to.include({ registered: 0, skipped: 250, batches: 0 });
    });

    it("refuses a bad file whole, naming each line, and sends nothing", async function () {
      await loadFixture(coreFixture);
      const block = await ethers.provider.getBlockNumber();
      const text = csv(3) + `ref-1,HK,KYC,2030-01-01,\nref-9,QQ,KYC,2020-01-01,\n`;
      const error = await rejection(hre.run("investors:import", { file: file("bad.csv", text) }));
      expect(error.message).to.contain("3 problem(s), nothing sent");
      expect(error.message).to.contain(`line 5: investor "ref-1" is already on line 3`);
      expect(error.message).to.contain(`line 6: unknown country "QQ"`);
      expect(error.message).to.contain("line 6: expiry 2020-01-01 has passed");
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("--check checks the file and sends nothing", async function () {
      await loadFixture(coreFixture);
      const block = await ethers.provider.getBlockNumber();
      expect(await hre.run("investors:import", { file: file("ok.csv", csv(5)), check: true })).to.deep.equal({
        rows: 5,
      });
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("stops at a refused batch with the decoded error, the row and what to do; a fixed run finishes", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      // Row 150's wallet is alice's, who belongs to another investor already.
      await contracts.identity
        .connect(accounts.kycProvider)
        .registerInvestor(ethers.id("someone else"), 344, 3n, 1_900_000_000, [accounts.alice.address]);
      const text = csv(200, (i) =>
        i === 150 ? accounts.alice.address : new Wallet(ethers.id(`op wallet ${i}`)).address,
      );
      const error = await rejection(hre.run("investors:import", { file: file("taken.csv", text), batch: 100 }));
      expect(error.message).to.match(/^line 152 \(ref-150\): IdentityRegistryWalletTaken\(/);
      expect(error.message).to.contain("the wallet belongs to another investor");
      expect((await contracts.identity.investorRecord(investorId("ref-99"))).index).to.not.equal(0n);
      expect((await contracts.identity.investorRecord(investorId("ref-100"))).index).to.equal(0n);
      const fixed = csv(200, (i) =>
        i === 150 ? accounts.bob.address : new Wallet(ethers.id(`op wallet ${i}`)).address,
      );
      const result = await hre.run("investors:import", { file: file("fixed.csv", fixed), batch: 100 });
      expect(result).to.include({ registered: 100, skipped: 100 });
    });

    it("refuses a caller that is not a KYC provider with the decoded error and the fix", async function () {
      await loadFixture(coreFixture);
      const error = await rejection(hre.run("investors:import", { file: file("x.csv", csv(2)), from: "stranger" }));
      expect(error.message).to.match(/AccessManagedUnauthorized\(.*send as a KYC provider/);
    });
  });

  describe("member:suspend and member:reinstate", function () {
    it("suspends and reinstates a member", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      await hre.run("member:suspend", { account: accounts.exchange.address, reason: "licence review" });
      expect((await contracts.members.memberOf(accounts.exchange.address)).status).to.equal(MemberStatus.Suspended);
      await hre.run("member:reinstate", { account: accounts.exchange.address });
      expect((await contracts.members.memberOf(accounts.exchange.address)).status).to.equal(MemberStatus.Active);
    });

    it("prints the decoded refusal and what to do for a stranger", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const error = await rejection(hre.run("member:suspend", { account: accounts.carol.address, reason: "x" }));
      expect(error.message).to.match(/^member:suspend refused: MemberRegistry\w+\(.*only an active member/);
    });
  });

  describe("coin:attest, coin:mint and coin:redemption", function () {
    it("attests reserves as the custodian", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const count = await contracts.coin.attestationCount();
      await hre.run("coin:attest", { reserves: "1000000.50", report: "audit-2026-12" });
      expect(await contracts.coin.attestationCount()).to.equal(count + 1n);
      expect((await contracts.coin.latestAttestation()).reserves).to.equal(1_000_000_500_000n);
    });

    it("refuses a mint beyond the minter's allowance with the decoded error, and bad input before sending", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const error = await rejection(hre.run("coin:mint", { to: accounts.alice.address, amount: "10" }));
      expect(error.message).to.match(/^coin:mint refused: SettlementCoin\w+\(.*mint as a MINTER within its allowance/);
      const bad = await rejection(hre.run("coin:mint", { to: accounts.alice.address, amount: "1.1234567" }));
      expect(bad.message).to.equal(`"1.1234567" is not an amount with at most 6 decimals`);
    });

    it("asks for exactly one of --confirm and --reject", async function () {
      await loadFixture(coreFixture);
      expect((await rejection(hre.run("coin:redemption", { id: 1 }))).message).to.equal(
        "say either --confirm or --reject <reason>",
      );
      expect((await rejection(hre.run("coin:redemption", { id: 1, confirm: true, reject: "x" }))).message).to.equal(
        "say either --confirm or --reject <reason>",
      );
    });

    it("decodes the refusal of an unknown redemption", async function () {
      await loadFixture(coreFixture);
      const error = await rejection(hre.run("coin:redemption", { id: 99, confirm: true }));
      expect(error.message).to.match(/^coin:redemption refused: \w+\(.*only a pending request/);
    });
  });

  describe("asset:issue", function () {
    const sheetOf = (agent: string, jurisdiction = "CN") =>
      JSON.stringify(
        {
          product: "Equity",
          instrument: {
            name: "Sheet Holdings Ordinary",
            symbol: "SHO",
            decimals: 0,
            securityCode: "600999",
            isin: "US0378331005",
            jurisdiction,
          },
          terms: { settlementCoin: "SettlementCoinUSD", shareClass: "ORDINARY" },
          agents: [agent],
          compliance: { requiredClaims: ["PROFESSIONAL"], allowedCountries: ["CN", "HK"] },
        },
        null,
        2,
      );

    it("issues an Equity from a term sheet through the factory", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const asset: string = await hre.run("asset:issue", {
        sheet: file("equity.json", sheetOf(accounts.carol.address)),
      });
      const info = await contracts.factory.assetInfo(asset);
      expect(info.productType).to.equal(1n);
      expect(info.issuer).to.equal(accounts.issuer.address);
      expect(info.instrument.symbol).to.equal("SHO");
      expect(await contracts.compliance.isCountryAllowed(asset, 344)).to.equal(true);
    });

    it("issues from a YAML term sheet too", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const yaml = [
        "product: Equity",
        "instrument:",
        "  name: Yaml Holdings",
        "  symbol: YML",
        "  decimals: 0",
        '  securityCode: "600998"',
        "  isin: US0378331005",
        "  jurisdiction: HK",
        "terms:",
        "  settlementCoin: SettlementCoinUSD",
        `agents: ["${accounts.carol.address}"]`,
        "",
      ].join("\n");
      const asset: string = await hre.run("asset:issue", { sheet: file("equity.yaml", yaml) });
      expect((await contracts.factory.assetInfo(asset)).instrument.symbol).to.equal("YML");
    });

    it("refuses a bad sheet naming the line, and sends nothing", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const block = await ethers.provider.getBlockNumber();
      const error = await rejection(
        hre.run("asset:issue", { sheet: file("bad.json", sheetOf(accounts.carol.address, "Atlantis")) }),
      );
      expect(error.message).to.match(
        /1 problem\(s\), nothing sent:\n {2}line 9, instrument\.jurisdiction: unknown country "Atlantis"/,
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("dividend:declare and nav:post refuse a stranger with the decoded error and bad input before sending", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const asset: string = await hre.run("asset:issue", { sheet: file("d.json", sheetOf(accounts.carol.address)) });
      const refused = await rejection(hre.run("dividend:declare", { asset, amount: "10", days: 30, from: "stranger" }));
      expect(refused.message).to.match(/^dividend:declare refused: \w+\(.*declare as the asset's issuer/);
      const block = await ethers.provider.getBlockNumber();
      const bad = await rejection(hre.run("nav:post", { asset, nav: "1.1234567" }));
      expect(bad.message).to.equal(`"1.1234567" is not an amount with at most 6 decimals`);
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("decodes the factory's refusal of a caller that is not an issuer", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const error = await rejection(
        hre.run("asset:issue", { sheet: file("e.json", sheetOf(accounts.carol.address)), from: "stranger" }),
      );
      expect(error.message).to.match(/^asset:issue refused: \w+\(.*issue as an active issuer member/);
    });
  });
});
