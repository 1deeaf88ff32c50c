import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { LoyaltyCredit } from "../../../typechain-types";
import { ProductType } from "../../../sdk/assets";
import { installImplementation, issueRequest } from "../../fixtures/assets";
import { DAY, HOUR, launchProgram, loyaltyFixture, programTerms } from "../../fixtures/loyalty";

const MAX_BUCKET = 2n ** 40n - 1n;
const HOUR_N = BigInt(HOUR);
/** ERC-1967's implementation slot. */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** Everything a test might see change: balances, buckets, figures, supply and configuration. */
async function snapshot(program: LoyaltyCredit, holders: string[]) {
  return {
    balances: await Promise.all(holders.map((h) => program.balanceOf(h))),
    buckets: await Promise.all(holders.map(async (h) => (await program.bucketsOf(h)).map((b) => [b.period, b.amount]))),
    breakage: [...(await program.breakage())],
    supply: await program.totalSupply(),
    terms: [...(await program.terms())],
  };
}

/** Moves time to the start of the next period, plus `offset` seconds. */
async function toNextPeriod(program: LoyaltyCredit, offset = 60): Promise<void> {
  const length = Number((await program.terms()).periodLength);
  const now = await time.latest();
  await time.increaseTo((Math.floor(now / length) + 1) * length + offset);
}

describe("LoyaltyCredit", function () {
  let f: Awaited<ReturnType<typeof loyaltyFixture>>;
  let program: LoyaltyCredit;
  let merchant: HardhatEthersSigner;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;

  beforeEach(async function () {
    f = await loadFixture(loyaltyFixture);
    ({ program } = f);
    ({ merchant, alice, bob } = f.accounts);
  });

  describe("launch", function () {
    it("is a LoyaltyCredit asset of the factory whose issuer is the launching merchant", async function () {
      const address = await program.getAddress();
      expect(await f.contracts.authority.productOf(address)).to.equal(ProductType.LoyaltyCredit);
      expect(await f.contracts.authority.issuerOf(address)).to.equal(merchant.address);
      expect(await f.contracts.factory.assetCountByProduct(ProductType.LoyaltyCredit)).to.equal(1n);
      const info = await f.contracts.factory.assetInfo(address);
      expect(info.issuer).to.equal(merchant.address);
      expect(await program.productType()).to.equal(ProductType.LoyaltyCredit);
      expect(await program.merchant()).to.equal(merchant.address);
      expect(await program.name()).to.equal("Harbour Coffee Beans");
      expect(await program.symbol()).to.equal("BEAN");
      expect(await program.decimals()).to.equal(0n);
    });

    it("sets the merchant to the caller whatever the terms say", async function () {
      const launched = await launchProgram(f.contracts.factory, f.accounts.partner, { merchant: alice.address });
      expect(await launched.merchant()).to.equal(f.accounts.partner.address);
    });

    it("emits ProgramLaunched from the new program", async function () {
      const factory = f.contracts.factory.connect(f.accounts.partner);
      const address = await factory.issueLoyaltyProgram.staticCall(programTerms());
      const receipt = (await (await factory.issueLoyaltyProgram(programTerms())).wait())!;
      const launched = receipt.logs
        .filter((log) => log.address === address)
        .map((log) => program.interface.parseLog(log))
        .find((log) => log?.name === "ProgramLaunched");
      expect(launched?.args).to.deep.equal([f.accounts.partner.address, BigInt(DAY), BigInt(30 * DAY), true]);
    });

    for (const [label, periodLength, validity] of [
      ["a period under an hour", HOUR - 1, DAY],
      ["a period over a year", 366 * DAY, 366 * DAY],
      ["a validity under a period", DAY, DAY - 1],
      ["a validity over ten years", DAY, 3_651 * DAY],
      ["a validity over 2,048 periods", HOUR, 2_049 * HOUR],
    ] as const) {
      it(`reverts with LoyaltyCreditInvalidTerms for ${label}`, async function () {
        const count = await f.contracts.factory.assetCountByProduct(ProductType.LoyaltyCredit);
        await expect(
          f.contracts.factory.connect(f.accounts.partner).issueLoyaltyProgram(programTerms({ periodLength, validity })),
        )
          .to.be.revertedWithCustomError(program, "LoyaltyCreditInvalidTerms")
          .withArgs(periodLength, validity);
        expect(await f.contracts.factory.assetCountByProduct(ProductType.LoyaltyCredit)).to.equal(count);
      });
    }

    it("cannot be launched through `issue`", async function () {
      const factory = f.contracts.factory;
      await expect(
        factory.connect(f.accounts.issuer).issue.staticCall(issueRequest({ productType: ProductType.LoyaltyCredit })),
      )
        .to.be.revertedWithCustomError(factory, "AssetFactoryInvalidProductType")
        .withArgs(ProductType.LoyaltyCredit);
    });

    it("cannot be initialized again", async function () {
      await expect(
        program.initialize(alice.address, programTerms({ merchant: alice.address })),
      ).to.be.revertedWithCustomError(program, "InvalidInitialization");
    });

    it("is upgraded with its product type by the factory's rollOut, keeping its credits", async function () {
      await program.connect(merchant).issue(alice.address, 42n);
      const implementation = await ethers.deployContract("LoyaltyCredit", [await f.exchange.getAddress()]);
      await installImplementation(
        f.contracts,
        f.accounts,
        ProductType.LoyaltyCredit,
        await implementation.getAddress(),
      );
      await f.contracts.factory.rollOut(ProductType.LoyaltyCredit, [await program.getAddress()]);
      const slot = await ethers.provider.getStorage(await program.getAddress(), IMPLEMENTATION_SLOT);
      expect(ethers.getAddress(ethers.dataSlice(slot, 12))).to.equal(await implementation.getAddress());
      expect(await program.balanceOf(alice.address)).to.equal(42n);
      expect([...(await program.breakage())]).to.deep.equal([42n, 0n, 0n, 42n]);
    });

    it("refuses a caller that is not a merchant", async function () {
      await expect(f.contracts.factory.connect(alice).issueLoyaltyProgram(programTerms()))
        .to.be.revertedWithCustomError(f.contracts.factory, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("issue", function () {
    it("credits the customer with a bucket expiring validity later, rounded down to a period", async function () {
      const tx = program.connect(merchant).issue(alice.address, 100n);
      await expect(tx).to.emit(program, "Transfer").withArgs(ethers.ZeroAddress, alice.address, 100n);
      const now = BigInt(await time.latest());
      const period = (now + 30n * BigInt(DAY)) / BigInt(DAY);
      await expect(tx).to.emit(program, "CreditsIssued").withArgs(alice.address, 100n, period);
      expect(await program.balanceOf(alice.address)).to.equal(100n);
      expect((await program.bucketsOf(alice.address)).map((b) => [b.period, b.amount])).to.deep.equal([[period, 100n]]);
      expect(await program.totalSupply()).to.equal(100n);
      expect([...(await program.breakage())]).to.deep.equal([100n, 0n, 0n, 100n]);
      expect([...(await program.periodFigures(period))]).to.deep.equal([100n, 0n, 0n, 100n]);
    });

    it("adds to the bucket of the same period", async function () {
      await program.connect(merchant).issue(alice.address, 100n);
      await program.connect(merchant).issue(alice.address, 50n);
      const buckets = await program.bucketsOf(alice.address);
      if (buckets.length === 2) return; // the two issues straddled a period boundary; covered elsewhere
      expect(buckets.map((b) => b.amount)).to.deep.equal([150n]);
    });

    it("reverts with LoyaltyCreditInvalidAmount for 0 and above a bucket, changing nothing", async function () {
      const before = await snapshot(program, [alice.address]);
      for (const amount of [0n, MAX_BUCKET + 1n]) {
        await expect(program.connect(merchant).issue(alice.address, amount))
          .to.be.revertedWithCustomError(program, "LoyaltyCreditInvalidAmount")
          .withArgs(amount, MAX_BUCKET);
      }
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
    });

    it("reverts with ERC20InvalidReceiver for the zero address", async function () {
      await expect(program.connect(merchant).issue(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(program, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with LoyaltyCreditBucketOverflow when a bucket would exceed 2^40 - 1", async function () {
      await toNextPeriod(program);
      await program.connect(merchant).issue(alice.address, MAX_BUCKET);
      const before = await snapshot(program, [alice.address]);
      await expect(program.connect(merchant).issue(alice.address, 1n)).to.be.revertedWithCustomError(
        program,
        "LoyaltyCreditBucketOverflow",
      );
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
    });

    it("merges the two latest buckets at the earlier expiry beyond eight buckets", async function () {
      for (let i = 0; i < 8; i++) {
        await program.connect(merchant).issue(alice.address, 10n);
        await toNextPeriod(program);
      }
      const buckets = await program.bucketsOf(alice.address);
      expect(buckets.length).to.equal(8);
      const newest = buckets[7].period;
      const tx = program.connect(merchant).issue(alice.address, 5n);
      const now = BigInt(await time.latest());
      const period = (now + 30n * BigInt(DAY)) / BigInt(DAY);
      await expect(tx).to.emit(program, "CreditsRedated").withArgs(alice.address, period, newest, 5n);
      const after = await program.bucketsOf(alice.address);
      expect(after.length).to.equal(8);
      expect(after[7].period).to.equal(newest);
      expect(after[7].amount).to.equal(15n);
      expect(await program.balanceOf(alice.address)).to.equal(85n);
      expect([...(await program.periodFigures(period))]).to.deep.equal([0n, 0n, 0n, 0n]);
      expect([...(await program.periodFigures(newest))]).to.deep.equal([15n, 0n, 0n, 15n]);
      const b = await program.breakage();
      expect(b.issued).to.equal(b.redeemed + b.expired + b.outstanding);
    });

    it("is refused to a suspended merchant, and restored on reinstatement", async function () {
      const members = f.contracts.members.connect(f.accounts.governor);
      await members.suspendMember(merchant.address, ethers.id("audit"));
      await expect(program.connect(merchant).issue(alice.address, 1n))
        .to.be.revertedWithCustomError(program, "AccessManagedUnauthorized")
        .withArgs(merchant.address);
      for (const call of [
        program.connect(merchant).setTransferable(false),
        program.connect(merchant).setValidity(DAY),
        program.connect(merchant).setParticipant(f.accounts.outsider.address, true),
      ]) {
        await expect(call).to.be.revertedWithCustomError(program, "AccessManagedUnauthorized");
      }
      await members.reinstateMember(merchant.address);
      await program.connect(merchant).issue(alice.address, 1n);
      expect(await program.balanceOf(alice.address)).to.equal(1n);
    });

    it("is refused to another program's merchant", async function () {
      await launchProgram(f.contracts.factory, f.accounts.partner);
      await expect(program.connect(f.accounts.partner).issue(alice.address, 1n))
        .to.be.revertedWithCustomError(program, "AccessManagedUnauthorized")
        .withArgs(f.accounts.partner.address);
    });
  });

  describe("expiry", function () {
    it("stops counting a bucket once its period begins, without touching the account", async function () {
      await program.connect(merchant).issue(alice.address, 100n);
      const [bucket] = await program.bucketsOf(alice.address);
      await time.increaseTo(bucket.period * BigInt(DAY) - 1n);
      expect(await program.balanceOf(alice.address)).to.equal(100n);
      await time.increaseTo(bucket.period * BigInt(DAY));
      expect(await program.balanceOf(alice.address)).to.equal(0n);
      expect(await program.bucketsOf(alice.address)).to.deep.equal([]);
      expect(await program.totalSupply()).to.equal(0n);
      expect([...(await program.breakage())]).to.deep.equal([100n, 0n, 100n, 0n]);
      expect([...(await program.periodFigures(bucket.period))]).to.deep.equal([100n, 0n, 100n, 0n]);
    });

    it("never lets expired credits be spent", async function () {
      await program.connect(merchant).issue(alice.address, 100n);
      await time.increase(31 * DAY);
      await program.connect(merchant).issue(alice.address, 10n);
      await expect(program.connect(alice).redeem(merchant.address, 11n))
        .to.be.revertedWithCustomError(program, "ERC20InsufficientBalance")
        .withArgs(alice.address, 10n, 11n);
      await expect(program.connect(alice).transfer(bob.address, 11n))
        .to.be.revertedWithCustomError(program, "ERC20InsufficientBalance")
        .withArgs(alice.address, 10n, 11n);
    });
  });

  describe("redeem", function () {
    beforeEach(async function () {
      for (const amount of [10n, 20n, 30n]) {
        await program.connect(merchant).issue(alice.address, amount);
        await toNextPeriod(program);
      }
    });

    it("burns the oldest credits first at a participating merchant", async function () {
      const before = await program.bucketsOf(alice.address);
      const tx = program.connect(alice).redeem(f.accounts.partner.address, 25n);
      await expect(tx).to.emit(program, "Transfer").withArgs(alice.address, ethers.ZeroAddress, 25n);
      await expect(tx).to.emit(program, "CreditsRedeemed").withArgs(alice.address, f.accounts.partner.address, 25n);
      const after = await program.bucketsOf(alice.address);
      expect(after.map((b) => [b.period, b.amount])).to.deep.equal([
        [before[1].period, 5n],
        [before[2].period, 30n],
      ]);
      expect(await program.balanceOf(alice.address)).to.equal(35n);
      expect([...(await program.breakage())]).to.deep.equal([60n, 25n, 0n, 35n]);
      expect([...(await program.periodFigures(before[0].period))]).to.deep.equal([10n, 10n, 0n, 0n]);
      expect([...(await program.periodFigures(before[1].period))]).to.deep.equal([20n, 15n, 0n, 5n]);
    });

    it("reverts with ERC20InsufficientBalance above the unexpired balance, changing nothing", async function () {
      const before = await snapshot(program, [alice.address]);
      await expect(program.connect(alice).redeem(merchant.address, 61n))
        .to.be.revertedWithCustomError(program, "ERC20InsufficientBalance")
        .withArgs(alice.address, 60n, 61n);
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
    });

    it("reverts with LoyaltyCreditInvalidAmount for 0", async function () {
      await expect(program.connect(alice).redeem(merchant.address, 0n))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditInvalidAmount")
        .withArgs(0n, MAX_BUCKET);
    });

    it("reverts with LoyaltyCreditNotParticipating at a merchant not participating, changing nothing", async function () {
      const before = await snapshot(program, [alice.address]);
      await expect(program.connect(alice).redeem(f.accounts.outsider.address, 1n))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditNotParticipating")
        .withArgs(f.accounts.outsider.address);
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
    });

    it("reverts with LoyaltyCreditSuspendedMerchant at a suspended participant, until reinstated", async function () {
      const members = f.contracts.members.connect(f.accounts.governor);
      await members.suspendMember(f.accounts.partner.address, ethers.id("audit"));
      const before = await snapshot(program, [alice.address]);
      await expect(program.connect(alice).redeem(f.accounts.partner.address, 1n))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditSuspendedMerchant")
        .withArgs(f.accounts.partner.address);
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
      await members.reinstateMember(f.accounts.partner.address);
      await program.connect(alice).redeem(f.accounts.partner.address, 1n);
      expect(await program.balanceOf(alice.address)).to.equal(59n);
    });

    it("spends across four buckets", async function () {
      await program.connect(merchant).issue(alice.address, 40n);
      expect((await program.bucketsOf(alice.address)).length).to.equal(4);
      await program.connect(alice).redeem(merchant.address, 95n);
      expect((await program.bucketsOf(alice.address)).map((b) => b.amount)).to.deep.equal([5n]);
    });
  });

  describe("transfer", function () {
    beforeEach(async function () {
      for (const amount of [10n, 20n]) {
        await program.connect(merchant).issue(alice.address, amount);
        await toNextPeriod(program);
      }
    });

    it("moves the oldest credits, keeping their expiry", async function () {
      const before = await program.bucketsOf(alice.address);
      await expect(program.connect(alice).transfer(bob.address, 15n))
        .to.emit(program, "Transfer")
        .withArgs(alice.address, bob.address, 15n);
      expect((await program.bucketsOf(bob.address)).map((b) => [b.period, b.amount])).to.deep.equal([
        [before[0].period, 10n],
        [before[1].period, 5n],
      ]);
      expect((await program.bucketsOf(alice.address)).map((b) => [b.period, b.amount])).to.deep.equal([
        [before[1].period, 15n],
      ]);
      expect(await program.totalSupply()).to.equal(30n);
      expect([...(await program.breakage())]).to.deep.equal([30n, 0n, 0n, 30n]);
    });

    it("to oneself changes no balance", async function () {
      const before = await snapshot(program, [alice.address]);
      await program.connect(alice).transfer(alice.address, 25n);
      expect(await snapshot(program, [alice.address])).to.deep.equal(before);
    });

    it("reverts with LoyaltyCreditNotTransferable when the program forbids transfers", async function () {
      await expect(program.connect(merchant).setTransferable(false))
        .to.emit(program, "TransferabilitySet")
        .withArgs(false);
      const before = await snapshot(program, [alice.address, bob.address]);
      await expect(program.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditNotTransferable")
        .withArgs(alice.address, bob.address);
      await program.connect(alice).approve(bob.address, 1n);
      await expect(program.connect(bob).transferFrom(alice.address, bob.address, 1n)).to.be.revertedWithCustomError(
        program,
        "LoyaltyCreditNotTransferable",
      );
      expect((await snapshot(program, [alice.address, bob.address])).balances).to.deep.equal(before.balances);
      // Redemption is not a transfer: still allowed.
      await program.connect(alice).redeem(merchant.address, 1n);
    });

    it("reverts with ERC20InvalidReceiver for the zero address", async function () {
      await expect(program.connect(alice).transfer(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(program, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("transferFrom spends the allowance, and reverts with ERC20InsufficientAllowance above it", async function () {
      await expect(program.connect(alice).approve(bob.address, 5n))
        .to.emit(program, "Approval")
        .withArgs(alice.address, bob.address, 5n);
      await expect(program.connect(bob).transferFrom(alice.address, bob.address, 6n))
        .to.be.revertedWithCustomError(program, "ERC20InsufficientAllowance")
        .withArgs(bob.address, 5n, 6n);
      await program.connect(bob).transferFrom(alice.address, bob.address, 5n);
      expect(await program.allowance(alice.address, bob.address)).to.equal(0n);
      expect(await program.balanceOf(bob.address)).to.equal(5n);
      await program.connect(alice).approve(bob.address, ethers.MaxUint256);
      await program.connect(bob).transferFrom(alice.address, bob.address, 5n);
      expect(await program.allowance(alice.address, bob.address)).to.equal(ethers.MaxUint256);
    });

    it("approve reverts with ERC20InvalidSpender for the zero address", async function () {
      await expect(program.connect(alice).approve(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(program, "ERC20InvalidSpender")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("configuration", function () {
    it("setParticipant adds a merchant member and removes it", async function () {
      const outsider = f.accounts.outsider.address;
      await expect(program.connect(merchant).setParticipant(outsider, true))
        .to.emit(program, "ParticipantSet")
        .withArgs(outsider, true);
      expect(await program.isParticipant(outsider)).to.equal(true);
      await program.connect(merchant).setParticipant(outsider, false);
      expect(await program.isParticipant(outsider)).to.equal(false);
    });

    it("setParticipantByAlliance lets the governor add and remove a participant", async function () {
      const outsider = f.accounts.outsider.address;
      await expect(program.connect(f.accounts.governor).setParticipantByAlliance(outsider, true))
        .to.emit(program, "ParticipantSet")
        .withArgs(outsider, true);
      expect(await program.isParticipant(outsider)).to.equal(true);
      await program.connect(f.accounts.governor).setParticipantByAlliance(outsider, false);
      expect(await program.isParticipant(outsider)).to.equal(false);
      await expect(program.connect(merchant).setParticipantByAlliance(outsider, true))
        .to.be.revertedWithCustomError(program, "AccessManagedUnauthorized")
        .withArgs(merchant.address);
    });

    it("setParticipant reverts with LoyaltyCreditNotMerchant for an account without MERCHANT", async function () {
      await expect(program.connect(merchant).setParticipant(alice.address, true))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditNotMerchant")
        .withArgs(alice.address);
      expect(await program.isParticipant(alice.address)).to.equal(false);
      await expect(program.connect(merchant).setParticipant(ethers.ZeroAddress, false))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditInvalidMerchant")
        .withArgs(ethers.ZeroAddress);
    });

    it("setValidity applies to credits issued afterwards", async function () {
      await program.connect(merchant).issue(alice.address, 1n);
      await expect(program.connect(merchant).setValidity(2 * DAY))
        .to.emit(program, "ValiditySet")
        .withArgs(30 * DAY, 2 * DAY);
      await program.connect(merchant).issue(bob.address, 1n);
      await time.increase(2 * DAY);
      expect(await program.balanceOf(bob.address)).to.equal(0n);
      expect(await program.balanceOf(alice.address)).to.equal(1n);
      const b = await program.breakage();
      expect([...b]).to.deep.equal([2n, 0n, 1n, 1n]);
    });

    it("setValidity reverts with LoyaltyCreditInvalidTerms out of range, changing nothing", async function () {
      await expect(program.connect(merchant).setValidity(DAY - 1))
        .to.be.revertedWithCustomError(program, "LoyaltyCreditInvalidTerms")
        .withArgs(DAY, DAY - 1);
      expect((await program.terms()).validity).to.equal(30 * DAY);
    });

    for (const [name, call] of [
      ["issue", (p: LoyaltyCredit, s: HardhatEthersSigner) => p.connect(s).issue(s.address, 1n)],
      ["setParticipant", (p: LoyaltyCredit, s: HardhatEthersSigner) => p.connect(s).setParticipant(s.address, false)],
      ["setTransferable", (p: LoyaltyCredit, s: HardhatEthersSigner) => p.connect(s).setTransferable(true)],
      ["setValidity", (p: LoyaltyCredit, s: HardhatEthersSigner) => p.connect(s).setValidity(DAY)],
      [
        "upgradeToAndCall",
        (p: LoyaltyCredit, s: HardhatEthersSigner) => p.connect(s).upgradeToAndCall(ethers.ZeroAddress, "0x"),
      ],
    ] as const) {
      it(`${name} is refused to every account but the program's merchant (the factory for upgrades)`, async function () {
        const callers = [
          ...Object.values(f.accounts).filter((s) => s.address !== merchant.address),
          ...(name === "upgradeToAndCall" ? [merchant] : []),
        ];
        for (const caller of callers) {
          await expect(call(program, caller), caller.address)
            .to.be.revertedWithCustomError(program, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    }
  });

  describe("settlement", function () {
    it("is not settled by the engine, the hold desk or net settlement: closed-loop credits do not trade", async function () {
      const { accounts, contracts, program } = await loadFixture(loyaltyFixture);
      const { merchant, alice, bob, exchange } = accounts;
      await program.connect(merchant).issue(alice.address, 100n);
      const engine = contracts.settlement;
      const token = await program.getAddress();
      const instruction = {
        tradeRef: ethers.id("loyalty trade"),
        deadline: BigInt(await time.latest()) + HOUR_N,
        nonce: 1n,
        legs: [{ token, from: alice.address, to: bob.address, amount: 10n }],
      };
      const [ok, , checks] = await engine.explainSettlement(instruction, [], 0n);
      expect(ok).to.equal(false);
      expect(checks[0].registered).to.equal(false);
      await expect(engine.connect(alice).settle(instruction, ["0x"], 0n))
        .to.be.revertedWithCustomError(engine, "SettlementUnregisteredAsset")
        .withArgs(0n, token);
      await expect(engine.connect(alice).prefund(instruction, 0n))
        .to.be.revertedWithCustomError(engine, "SettlementUnregisteredAsset")
        .withArgs(0n, token);
      const gateway = await ethers.getContractAt(
        "GatewaySettlement",
        (await deployments.get("GatewaySettlement")).address,
      );
      const terms = {
        token,
        seller: alice.address,
        buyer: bob.address,
        gateway: accounts.gateway.address,
        quantity: 10n,
        paymentRef: ethers.id("E2E-loyalty"),
        deadline: BigInt(await time.latest()) + HOUR_N,
        nonce: 1n,
        feeCoin: ethers.ZeroAddress,
        feePayer: ethers.ZeroAddress,
        feeAccount: ethers.ZeroAddress,
        feeAmount: 0n,
      };
      await expect(gateway.connect(alice).openTrade(terms, "0x", "0x"))
        .to.be.revertedWithCustomError(engine, "SettlementUnknownAsset")
        .withArgs(token);
      const net = await ethers.getContractAt("INetSettlement", await engine.getAddress());
      await expect(net.connect(exchange).addInstrument(token, await contracts.coin.getAddress(), 1, 1))
        .to.be.revertedWithCustomError(net, "NetNotAnAsset")
        .withArgs(token);
      expect(await program.balanceOf(alice.address)).to.equal(100n);
      expect(await program.balanceOf(bob.address)).to.equal(0n);
    });
  });
});
