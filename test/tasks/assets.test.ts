import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProductType } from "../../sdk/assets";
import { recordImplementation } from "../../scripts/lib/products";
import type { Register } from "../../sdk/register";
import { factoryFixture, issueAsset } from "../fixtures/assets";
import { investorId } from "../identity/helpers";
import { rejection } from "../helpers/promises";
import { fundedWallet } from "../helpers/wallets";
import type { ProductMock } from "../../typechain-types";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** The operator commands of tasks/assets.ts, run as `npx hardhat <task>` would run them. */
describe("asset tasks", function () {
  let log: typeof console.log;
  let logTable: typeof console.table;
  let write: typeof process.stdout.write;
  let printed: string;
  beforeEach(function () {
    [log, logTable, write] = [console.log, console.table, process.stdout.write];
    printed = "";
    console.log = () => undefined;
    console.table = () => undefined;
    process.stdout.write = ((chunk: string) => {
      printed += chunk;
      return true;
    }) as typeof process.stdout.write;
  });
  afterEach(function () {
    [console.log, console.table, process.stdout.write] = [log, logTable, write];
  });

  describe("asset:list", function () {
    async function listedFixture() {
      const f = await factoryFixture();
      const issued = [];
      for (const productType of [ProductType.Equity, ProductType.Bond, ProductType.Equity]) {
        issued.push((await issueAsset(f.contracts.factory, f.accounts.issuer, { productType })).asset);
      }
      return { ...f, issued };
    }

    it("lists every asset by product type, then in issue order", async function () {
      const { issued } = await loadFixture(listedFixture);
      const rows = await hre.run("asset:list");
      expect(rows.map((row: { asset: string }) => row.asset)).to.deep.equal([issued[0], issued[2], issued[1]]);
      expect(rows[0]).to.include({ product: "Equity", index: 0 });
      expect(rows[2]).to.include({ product: "Bond", index: 0 });
    });

    it("lists one product type with --product", async function () {
      const { accounts, issued } = await loadFixture(listedFixture);
      const rows = await hre.run("asset:list", { product: "Bond" });
      expect(rows).to.have.length(1);
      const symbol = await (await ethers.getContractAt("ProductMock", issued[1])).symbol();
      expect(rows[0]).to.include({ asset: issued[1], product: "Bond", issuer: accounts.issuer.address, symbol });
    });

    it("lists one issuer's assets in issue order with --issuer (a named account or an address)", async function () {
      const { accounts, issued } = await loadFixture(listedFixture);
      for (const issuer of ["issuer", accounts.issuer.address]) {
        const rows = await hre.run("asset:list", { issuer });
        expect(rows.map((row: { asset: string }) => row.asset)).to.deep.equal(issued);
      }
      expect(await hre.run("asset:list", { issuer: "stranger" })).to.deep.equal([]);
      const equities = await hre.run("asset:list", { issuer: "issuer", product: "Equity" });
      expect(equities.map((row: { asset: string }) => row.asset)).to.deep.equal([issued[0], issued[2]]);
    });

    it("refuses an unknown product type", async function () {
      await loadFixture(listedFixture);
      expect((await rejection(hre.run("asset:list", { product: "Warrant" }))).message).to.match(/unknown product type/);
    });
  });

  describe("register:export", function () {
    /**
     * alice holds through two wallets (600 + 150), bob 200, carol 50: 1,000 units. Snapshot 1 is taken; then
     * alice sends bob 100 and her second wallet leaves the registry.
     */
    async function registerFixture() {
      const f = await factoryFixture();
      const { accounts, contracts } = f;
      const aliceSecond = await fundedWallet();
      await contracts.identity.connect(accounts.kycProvider).addWallet(investorId("alice"), aliceSecond.address);
      const { asset } = await issueAsset(contracts.factory, accounts.issuer, {
        agents: [accounts.bob.address],
        instrument: { decimals: 2 },
      });
      const issueBlock = await ethers.provider.getBlockNumber();
      const token = (await ethers.getContractAt("ProductMock", asset)) as unknown as ProductMock;
      const agent = token.connect(accounts.bob);
      await agent.mint(accounts.alice.address, 600n);
      await agent.mint(aliceSecond.address, 150n);
      await agent.mint(accounts.bob.address, 200n);
      await agent.mint(accounts.carol.address, 50n);
      await agent.snapshot();
      const snapshotBlock = await ethers.provider.getBlockNumber();
      await mine(3);
      await token.connect(accounts.alice).transfer(accounts.bob.address, 100n);
      const beforeRemoval = await ethers.provider.getBlockNumber();
      await contracts.identity.connect(accounts.kycProvider).removeWallet(aliceSecond.address);
      return { ...f, asset, token, aliceSecond, issueBlock, snapshotBlock, beforeRemoval };
    }

    const sorted = (...wallets: string[]) => [...wallets].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

    it("exports the register at a snapshot with balanceOfAt and totalSupplyAt", async function () {
      const { accounts, asset, aliceSecond, snapshotBlock } = await loadFixture(registerFixture);
      const register: Register = await hre.run("register:export", { asset, snapshot: "1" });
      expect(register.snapshot).to.equal(1n);
      expect(register.blockNumber).to.equal(snapshotBlock);
      expect(register.totalSupply).to.equal(1000n);
      expect(register.reconciled).to.equal(true);
      expect(printed).to.equal(
        [
          "investor,wallets,balance,share",
          `${investorId("alice")},${sorted(accounts.alice.address, aliceSecond.address).join(";")},7.5,0.75`,
          `${investorId("bob")},${accounts.bob.address},2,0.2`,
          `${investorId("carol")},${accounts.carol.address},0.5,0.05`,
          "",
        ].join("\n"),
      );
    });

    it("exports the register at a block, grouping wallets by the registry as it was then", async function () {
      const { accounts, asset, aliceSecond, beforeRemoval } = await loadFixture(registerFixture);
      const register: Register = await hre.run("register:export", { asset, block: beforeRemoval });
      expect(register.blockNumber).to.equal(beforeRemoval);
      expect(register.rows.map((row) => [row.investor, row.wallets, row.balance, row.share])).to.deep.equal([
        [investorId("alice"), sorted(accounts.alice.address, aliceSecond.address), 650n, "0.65"],
        [investorId("bob"), [accounts.bob.address], 300n, "0.3"],
        [investorId("carol"), [accounts.carol.address], 50n, "0.05"],
      ]);
    });

    it("lists a wallet the registry no longer knows on its own line, with no investor id", async function () {
      const { accounts, asset, aliceSecond } = await loadFixture(registerFixture);
      const register: Register = await hre.run("register:export", { asset });
      expect(register.rows.map((row) => [row.investor, row.wallets, row.balance, row.share])).to.deep.equal([
        [investorId("alice"), [accounts.alice.address], 500n, "0.5"],
        [investorId("bob"), [accounts.bob.address], 300n, "0.3"],
        ["", [aliceSecond.address], 150n, "0.15"],
        [investorId("carol"), [accounts.carol.address], 50n, "0.05"],
      ]);
      expect(register.reconciled).to.equal(true);
    });

    it("writes the CSV to --out", async function () {
      const { asset } = await loadFixture(registerFixture);
      const out = join(mkdtempSync(join(tmpdir(), "register-")), "register.csv");
      await hre.run("register:export", { asset, snapshot: "1", out });
      const csv = readFileSync(out, "utf8");
      expect(csv.split("\n")[0]).to.equal("investor,wallets,balance,share");
      expect(csv.trim().split("\n")).to.have.length(4);
      expect(printed).to.equal("");
    });

    it("exports an empty register before the first mint", async function () {
      const { asset, issueBlock } = await loadFixture(registerFixture);
      const register: Register = await hre.run("register:export", { asset, block: issueBlock });
      expect(register.rows).to.deep.equal([]);
      expect(register.totalSupply).to.equal(0n);
      expect(printed).to.equal("investor,wallets,balance,share\n");
    });

    it("refuses --snapshot with --block, an unknown snapshot and a future block", async function () {
      const { asset } = await loadFixture(registerFixture);
      expect((await rejection(hre.run("register:export", { asset, snapshot: "1", block: 1 }))).message).to.match(
        /not both/,
      );
      expect((await rejection(hre.run("register:export", { asset, snapshot: "2" }))).message).to.match(
        /snapshot 2 does not exist/,
      );
      const future = (await ethers.provider.getBlockNumber()) + 10;
      expect((await rejection(hre.run("register:export", { asset, block: future }))).message).to.match(/future/);
    });
  });

  describe("product:upgrade and product:rollout", function () {
    /** Two Equity assets with holders; the current implementation recorded in the upgrades manifest. */
    async function upgradeFixture() {
      const f = await factoryFixture();
      const { accounts, contracts, implementations } = f;
      await recordImplementation(hre, await implementations.equity.getAddress(), "ProductMock", [
        await contracts.compliance.getAddress(),
        await contracts.identity.getAddress(),
        await contracts.settlement.getAddress(),
      ]);
      const assets: string[] = [];
      for (let i = 0; i < 2; i++) {
        const { asset } = await issueAsset(contracts.factory, accounts.issuer, { agents: [accounts.bob.address] });
        await (
          await ethers.getContractAt("ProductMock", asset)
        )
          .connect(accounts.bob)
          .mint(accounts.alice.address, 10n);
        assets.push(asset);
      }
      return { ...f, assets };
    }

    const implementationOf = async (asset: string) =>
      ethers.getAddress("0x" + (await ethers.provider.getStorage(asset, IMPLEMENTATION_SLOT)).slice(-40));

    it("validates a compatible implementation, deploys it, schedules it; --execute sets it after the delay", async function () {
      const { contracts, assets } = await loadFixture(upgradeFixture);
      const scheduled = await hre.run("product:upgrade", { product: "Equity", implementation: "ProductMockV2" });
      expect(scheduled.executed).to.equal(false);
      expect(await ethers.provider.getCode(scheduled.implementation)).to.not.equal("0x");
      expect(await contracts.factory.productImplementation(ProductType.Equity)).to.not.equal(scheduled.implementation);
      expect(scheduled.due).to.equal(BigInt(await time.latest()) + 2n * 86_400n);

      const early = await rejection(
        hre.run("product:upgrade", { product: "Equity", implementation: scheduled.implementation, execute: true }),
      );
      expect(early.message).to.match(/due at/);

      await time.increase(2 * 86_400);
      const executed = await hre.run("product:upgrade", {
        product: "Equity",
        implementation: scheduled.implementation,
        execute: true,
      });
      expect(executed.executed).to.equal(true);
      expect(await contracts.factory.productImplementation(ProductType.Equity)).to.equal(scheduled.implementation);

      const rolled = await hre.run("product:rollout", { product: "Equity", batch: 1 });
      expect(rolled).to.deep.equal(assets);
      for (const asset of assets) {
        expect(await implementationOf(asset)).to.equal(scheduled.implementation);
        const upgraded = await ethers.getContractAt("ProductMockV2", asset);
        expect(await upgraded.version()).to.equal("2.0.0-mock");
        expect(await upgraded.totalSupply()).to.equal(10n);
      }
    });

    it("refuses an implementation whose storage layout is incompatible, and schedules nothing", async function () {
      const { contracts, implementations } = await loadFixture(upgradeFixture);
      const before = await ethers.provider.getBlockNumber();
      const error = await rejection(
        hre.run("product:upgrade", { product: "Equity", implementation: "ProductLayoutBreakingMock" }),
      );
      expect(error.message).to.match(/New storage layout is incompatible/);
      expect(error.message).to.match(/SecurityToken(Core)?: Deleted `accounts`/);
      expect(error.message).to.match(/Replaced `totalHeld` with `accounts` of incompatible type/);
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
      expect(await contracts.factory.productImplementation(ProductType.Equity)).to.equal(
        await implementations.equity.getAddress(),
      );
    });

    it("refuses --execute when nothing was scheduled", async function () {
      const { implementations } = await loadFixture(upgradeFixture);
      const error = await rejection(
        hre.run("product:upgrade", {
          product: "Equity",
          implementation: await implementations.bond.getAddress(),
          execute: true,
        }),
      );
      expect(error.message).to.match(/nothing is scheduled/);
    });

    it("refuses an account that is not the upgrader before deploying anything", async function () {
      await loadFixture(upgradeFixture);
      const before = await ethers.provider.getBlockNumber();
      const error = await rejection(
        hre.run("product:upgrade", { product: "Equity", implementation: "ProductMockV2", from: "issuer" }),
      );
      expect(error.message).to.match(/may not set product implementations/);
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
    });

    it("rolls out to the listed assets only with --assets", async function () {
      const { contracts, accounts, assets } = await loadFixture(upgradeFixture);
      const v2 = await ethers.deployContract("ProductMockV2", [
        await contracts.compliance.getAddress(),
        await contracts.identity.getAddress(),
        await contracts.settlement.getAddress(),
      ]);
      const data = contracts.factory.interface.encodeFunctionData("setProductImplementation", [
        ProductType.Equity,
        await v2.getAddress(),
      ]);
      await contracts.authority.connect(accounts.governor).schedule(contracts.factory, data, 0);
      await time.increase(2 * 86_400);
      await contracts.authority.connect(accounts.governor).execute(contracts.factory, data);
      await hre.run("product:rollout", { product: "Equity", assets: assets[1] });
      expect(await implementationOf(assets[0])).to.not.equal(await v2.getAddress());
      expect(await implementationOf(assets[1])).to.equal(await v2.getAddress());
    });
  });
});
