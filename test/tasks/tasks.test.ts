import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Role } from "../../config/roles";
import { coreFixture } from "../fixtures/core";
import { rejection } from "../helpers/promises";
import { NO_RULES } from "../behaviors/CompliancePipeline.behavior";

/** The operator commands in tasks/, run as `npx hardhat <task>` would run them. */
describe("operator tasks", function () {
  let log: typeof console.log;
  let logTable: typeof console.table;
  beforeEach(function () {
    [log, logTable] = [console.log, console.table];
    console.log = () => undefined;
    console.table = () => undefined;
  });
  afterEach(function () {
    [console.log, console.table] = [log, logTable];
  });

  describe("roles:diff", function () {
    it("finds nothing to change on a freshly deployed core", async function () {
      await loadFixture(coreFixture);
      expect(await hre.run("roles:diff")).to.deep.equal([]);
    });

    it("lists the drift when the authority departs from config/roles.ts", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const selector = contracts.identity.interface.getFunction("setBaselineClaims")!.selector;
      await contracts.authority
        .connect(accounts.deployer)
        .setTargetFunctionRole(await contracts.identity.getAddress(), [selector], Role.KYC_PROVIDER);
      expect(await hre.run("roles:diff")).to.deep.equal([
        { action: "setTargetFunctionRole", detail: "IdentityRegistry: 1 selector(s) → GOVERNOR" },
      ]);
    });
  });

  describe("member:admit and members:list", function () {
    it("admits a member with its kind's roles and lists it", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      await hre.run("member:admit", {
        account: accounts.carol.address,
        kind: "Auditor",
        name: "Big Four Audit",
        lei: "5493001kjtiigc8y1r12",
      });
      const member = await contracts.members.memberOf(accounts.carol.address);
      expect(member.name).to.equal("Big Four Audit");
      expect(member.leiHash).to.equal(ethers.id("5493001KJTIIGC8Y1R12"));
      expect((await contracts.authority.hasRole(Role.AUDITOR, accounts.carol.address))[0]).to.equal(true);
      expect((await contracts.authority.hasRole(Role.RESERVE_ATTESTOR, accounts.carol.address))[0]).to.equal(true);
      const rows = await hre.run("members:list");
      expect(rows.find((row: { account: string }) => row.account === accounts.carol.address)).to.deep.equal({
        account: accounts.carol.address,
        name: "Big Four Audit",
        kind: "Auditor",
        status: "Active",
        roles: "RESERVE_ATTESTOR AUDITOR",
      });
    });

    it("refuses an unknown kind before sending anything", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const count = await contracts.members.memberCount();
      const error = await rejection(
        hre.run("member:admit", { account: accounts.carol.address, kind: "Bank", name: "X", lei: "Y" }),
      );
      expect(error.message).to.contain("unknown member kind Bank");
      expect(await contracts.members.memberCount()).to.equal(count);
    });
  });

  describe("investor:register and transfer:explain", function () {
    it("registers an investor and explains a transfer to an unregistered wallet", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const id = await hre.run("investor:register", {
        investor: "client-42",
        country: 156,
        claims: "KYC,AML",
        days: 30,
        wallets: accounts.alice.address,
      });
      expect(id).to.equal(ethers.id("client-42"));
      expect(await contracts.identity.isVerified(accounts.alice.address)).to.equal(true);

      const asset = ethers.Wallet.createRandom().address;
      await contracts.compliance.connect(accounts.regulator).configureAsset(asset, NO_RULES);
      const line = await hre.run("transfer:explain", {
        asset,
        from: accounts.alice.address,
        to: accounts.bob.address,
        amount: "5",
      });
      expect(line).to.match(/^RecipientNotVerified \(2\): .*; party 0x/);
      expect(line).to.contain(accounts.bob.address);
    });

    it("refuses an unknown claim name before sending anything", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const count = await contracts.identity.investorCount();
      const error = await rejection(
        hre.run("investor:register", { investor: "x", country: 156, claims: "KYC,VIP", days: 1, wallets: "" }),
      );
      expect(error.message).to.contain("unknown claim VIP");
      expect(await contracts.identity.investorCount()).to.equal(count);
    });
  });
});
