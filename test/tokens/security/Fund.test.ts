import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Interface } from "ethers";
import { fundLifecyclePermissions, fundPublicFunctions, Role, type RoleName } from "../../../config/roles";
import { Claim, claimsOf } from "../../../sdk/claims";
import { Restriction } from "../../../sdk/restrictions";
import { assetRules } from "../../../sdk/rules";
import {
  encodeFundTerms,
  FundRequestKind,
  FundRequestStatus,
  previewRedemption,
  previewSubscription,
} from "../../../sdk/products/fund";
import { shouldBehaveLikeRestricted } from "../../behaviors/restricted";
import { impersonateEngine } from "../../behaviors/HoldableSecurity.behavior";
import { DAY, fundFixture, fundInstrument, fundTable, HOUR, USD, type FundWorld } from "../../fixtures/fund";

const PROXY = "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy";
/** NAV 10 aUSD per whole unit. */
const NAV10 = 10n * USD;
const REASON = ethers.encodeBytes32String("investor left");
/** Restriction code 15, `RecipientFrozen` (contracts/types/Restriction.sol; sdk/restrictions.ts gains it with the core). */
const RECIPIENT_FROZEN = 15;

const baseFixture = fundFixture();
const wholeUnitsFixture = fundFixture({ decimals: 0 });
const noFeesFixture = fundFixture({
  terms: { entryFeeBps: 0, exitFeeBps: 0, feeAccount: ethers.ZeroAddress, minSubscription: 0n },
});

/**
 * The base fund after one dealing: alice subscribed 10,000 aUSD and bob 5,000 aUSD, dealt at NAV #0 = 10 aUSD
 * (1 % entry fee): alice holds 990 units, bob 495; the fund's cash is 14,850 aUSD, the fee account has 150 aUSD.
 * The chain stands just after the dealing, before the next cut-off.
 */
async function seededFixture(): Promise<FundWorld> {
  const world = await loadFixture(baseFixture);
  const { fund } = world.contracts;
  const { alice, bob, administrator } = world.accounts;
  await fund.connect(alice).requestSubscription(10_000n * USD);
  await fund.connect(bob).requestSubscription(5_000n * USD);
  const { cutOff } = await fund.requestOf(1);
  await time.increaseTo(cutOff);
  await fund.connect(administrator).postNav(NAV10, cutOff);
  await fund.connect(administrator).dealSubscriptions([1, 2]);
  return world;
}

/** Everything the fund's state shows about the named accounts, as plain values (deep-equal iff unchanged). */
async function fundState(world: FundWorld) {
  const { fund, coin } = world.contracts;
  const address = await fund.getAddress();
  const { alice, bob, carol, administrator, feeAccount, stranger } = world.accounts;
  const holders = [alice, bob, carol, administrator, feeAccount, stranger].map((s) => s.address);
  const count = await fund.requestCount();
  const requests = [];
  for (let id = 1n; id <= count; id++) requests.push([...(await fund.requestOf(id))]);
  const navCount = await fund.navCount();
  const navs = [];
  for (let i = 0n; i < navCount; i++) navs.push([...(await fund.navAt(i))]);
  return {
    terms: [...(await fund.fundTerms())],
    cash: await fund.cash(),
    escrow: await fund.subscriptionEscrow(),
    supply: await fund.totalSupply(),
    fundUnits: await fund.balanceOf(address),
    fundCoin: await coin.balanceOf(address),
    units: await Promise.all(holders.map((h) => fund.balanceOf(h))),
    coins: await Promise.all(holders.map((h) => coin.balanceOf(h))),
    requests,
    navs,
    holders: await fund.holderCount(),
  };
}

async function subscribe(world: FundWorld, investor: HardhatEthersSigner, coin: bigint): Promise<bigint> {
  await world.contracts.fund.connect(investor).requestSubscription(coin);
  return world.contracts.fund.requestCount();
}

async function redeem(world: FundWorld, investor: HardhatEthersSigner, units: bigint): Promise<bigint> {
  await world.contracts.fund.connect(investor).requestRedemption(units);
  return world.contracts.fund.requestCount();
}

/** Posts `nav` valued at `valuationTime`, moving the chain there first if needed. */
async function postNav(world: FundWorld, nav: bigint, valuationTime: bigint): Promise<void> {
  if (BigInt(await time.latest()) < valuationTime) await time.increaseTo(valuationTime);
  await world.contracts.fund.connect(world.accounts.administrator).postNav(nav, valuationTime);
}

describe("Fund", function () {
  describe("initialize", function () {
    it("stores the terms, emits FundTermsSet and is a Fund product", async function () {
      const { contracts, terms } = await loadFixture(baseFixture);
      const { fund } = contracts;
      const stored = await fund.fundTerms();
      expect(stored.settlementCoin).to.equal(terms.settlementCoin);
      expect(stored.dealingPeriod).to.equal(terms.dealingPeriod);
      expect(stored.cutOffOffset).to.equal(terms.cutOffOffset);
      expect(stored.entryFeeBps).to.equal(terms.entryFeeBps);
      expect(stored.exitFeeBps).to.equal(terms.exitFeeBps);
      expect(stored.feeAccount).to.equal(terms.feeAccount);
      expect(stored.minSubscription).to.equal(terms.minSubscription);
      expect(await fund.settlementCoin()).to.equal(terms.settlementCoin);
      expect(await fund.productType()).to.equal(3n); // ProductType.Fund
      expect(await fund.decimals()).to.equal(6n);
      expect(await fund.MAX_FEE_BPS()).to.equal(1_000n);
      expect(await fund.cash()).to.equal(0n);
      expect(await fund.subscriptionEscrow()).to.equal(0n);
      expect(await fund.requestCount()).to.equal(0n);
      expect(await fund.navCount()).to.equal(0n);
    });

    it("emits FundTermsSet with the terms", async function () {
      const { accounts, contracts, terms } = await loadFixture(baseFixture);
      const data = contracts.token.interface.encodeFunctionData("initialize", [
        await contracts.authority.getAddress(),
        fundInstrument(accounts.issuer.address, 6),
        [],
        encodeFundTerms(terms),
      ]);
      const proxy = await ethers.deployContract(PROXY, [contracts.implementation, data]);
      await expect(proxy.deploymentTransaction())
        .to.emit(contracts.fund.attach(await proxy.getAddress()), "FundTermsSet")
        .withArgs([
          terms.settlementCoin,
          terms.dealingPeriod,
          terms.cutOffOffset,
          terms.entryFeeBps,
          terms.exitFeeBps,
          terms.feeAccount,
          terms.minSubscription,
        ]);
    });

    it("answers supportsInterface for the fund's lifecycle, the core and ERC-165", async function () {
      const { contracts } = await loadFixture(baseFixture);
      const lifecycleId = interfaceId(contracts.lifecycle.interface, [
        "initialize(bytes,uint8)",
        "authority()",
        "setAuthority(address)",
        "isConsumingScheduledOp()",
      ]);
      expect(await contracts.fund.supportsInterface(lifecycleId)).to.equal(true);
      expect(await contracts.fund.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await contracts.fund.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("exposes its lifecycle logic", async function () {
      const { contracts } = await loadFixture(baseFixture);
      expect(await contracts.token.fundLifecycle()).to.equal(await contracts.lifecycle.getAddress());
    });

    context("when the lifecycle logic is not a contract", function () {
      it("reverts with FundInvalidLifecycle", async function () {
        const { contracts, accounts } = await loadFixture(baseFixture);
        const factory = await ethers.getContractFactory("Fund");
        await expect(
          factory.deploy(
            await contracts.compliance.getAddress(),
            await contracts.identity.getAddress(),
            await contracts.settlement.getAddress(),
            accounts.stranger.address,
          ),
        )
          .to.be.revertedWithCustomError(contracts.token, "FundInvalidLifecycle")
          .withArgs(accounts.stranger.address);
      });
    });

    context("with invalid terms", function () {
      async function deployWith(world: FundWorld, terms: string) {
        const data = world.contracts.token.interface.encodeFunctionData("initialize", [
          await world.contracts.authority.getAddress(),
          fundInstrument(world.accounts.issuer.address, 6),
          [],
          terms,
        ]);
        return ethers.deployContract(PROXY, [world.contracts.implementation, data]);
      }
      /** Encodes terms without the SDK's own checks (the contract's are under test). */
      function rawTerms(world: FundWorld, overrides: Record<string, unknown>): [string, unknown[]] {
        const t = { ...world.terms, ...overrides };
        const tuple = [
          t.settlementCoin,
          t.dealingPeriod,
          t.cutOffOffset,
          t.entryFeeBps,
          t.exitFeeBps,
          t.feeAccount,
          t.minSubscription,
        ];
        return [
          ethers.AbiCoder.defaultAbiCoder().encode(
            ["tuple(address,uint32,uint32,uint16,uint16,address,uint96)"],
            [tuple],
          ),
          tuple,
        ];
      }

      const invalid: [string, (w: FundWorld) => Record<string, unknown>][] = [
        ["the settlement coin is the zero address", () => ({ settlementCoin: ethers.ZeroAddress })],
        ["the settlement coin is not a contract", (w) => ({ settlementCoin: w.accounts.stranger.address })],
        ["the dealing period is zero", () => ({ dealingPeriod: 0, cutOffOffset: 0 })],
        ["the dealing period is longer than 366 days", () => ({ dealingPeriod: 366 * DAY + 1, cutOffOffset: 0 })],
        ["the cut-off offset is not below the period", () => ({ cutOffOffset: DAY })],
      ];
      for (const [name, overrides] of invalid) {
        context(`when ${name}`, function () {
          it("reverts with FundInvalidTerms", async function () {
            const world = await loadFixture(baseFixture);
            const [encoded, tuple] = rawTerms(world, overrides(world));
            await expect(deployWith(world, encoded))
              .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidTerms")
              .withArgs(tuple);
          });
        });
      }

      context("when a fee is above MAX_FEE_BPS", function () {
        it("reverts with FundFeeTooHigh", async function () {
          const world = await loadFixture(baseFixture);
          const [entry] = rawTerms(world, { entryFeeBps: 1_001 });
          await expect(deployWith(world, entry))
            .to.be.revertedWithCustomError(world.contracts.fund, "FundFeeTooHigh")
            .withArgs(1_001, 1_000);
          const [exit] = rawTerms(world, { exitFeeBps: 5_000 });
          await expect(deployWith(world, exit))
            .to.be.revertedWithCustomError(world.contracts.fund, "FundFeeTooHigh")
            .withArgs(5_000, 1_000);
        });
      });

      context("when a fee is charged without a fee account", function () {
        it("reverts with FundInvalidFeeAccount", async function () {
          const world = await loadFixture(baseFixture);
          const [encoded] = rawTerms(world, { feeAccount: ethers.ZeroAddress });
          await expect(deployWith(world, encoded))
            .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidFeeAccount")
            .withArgs(ethers.ZeroAddress);
        });
      });

      it("accepts a zero fee account when no fee is charged", async function () {
        const world = await loadFixture(baseFixture);
        const [encoded] = rawTerms(world, { feeAccount: ethers.ZeroAddress, entryFeeBps: 0, exitFeeBps: 0 });
        await expect(deployWith(world, encoded)).to.not.be.reverted;
      });
    });

    context("when the lifecycle's initializer is called after initialization", function () {
      it("reverts with NotInitializing and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { contracts, accounts } = world;
        const before = await fundState(world);
        const data = contracts.lifecycle.interface.encodeFunctionData("initialize", [
          encodeFundTerms({ ...world.terms, feeAccount: accounts.stranger.address }),
          6,
        ]);
        await expect(
          accounts.stranger.sendTransaction({ to: await contracts.fund.getAddress(), data }),
        ).to.be.revertedWithCustomError(contracts.lifecycle, "NotInitializing");
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("hooks", function () {
    for (const [name, args] of [
      ["fundMint", (w: FundWorld) => [w.accounts.stranger.address, 1n]],
      ["fundBurnEscrow", () => [1n]],
      ["fundMoveEscrow", (w: FundWorld) => [w.accounts.alice.address, w.accounts.stranger.address, 1n]],
    ] as const) {
      context(`when ${name} is called by anyone but the fund itself`, function () {
        it("reverts with FundOnlySelf and changes nothing", async function () {
          const world = await loadFixture(seededFixture);
          const before = await fundState(world);
          for (const caller of [world.accounts.stranger, world.accounts.agent, world.accounts.administrator]) {
            const token = world.contracts.token.connect(caller) as unknown as Record<
              string,
              (...a: unknown[]) => Promise<unknown>
            >;
            await expect(token[name](...args(world)))
              .to.be.revertedWithCustomError(world.contracts.token, "FundOnlySelf")
              .withArgs(caller.address);
          }
          expect(await fundState(world)).to.deep.equal(before);
        });
      });
    }
  });

  describe("setFees", function () {
    it("sets the rates and the fee account and emits FeesSet", async function () {
      const { contracts, accounts } = await loadFixture(baseFixture);
      await expect(contracts.fund.connect(accounts.issuer).setFees(250, 0, accounts.carol.address))
        .to.emit(contracts.fund, "FeesSet")
        .withArgs(250, 0, accounts.carol.address);
      const terms = await contracts.fund.fundTerms();
      expect([terms.entryFeeBps, terms.exitFeeBps, terms.feeAccount]).to.deep.equal([250n, 0n, accounts.carol.address]);
    });

    context("when a rate is above MAX_FEE_BPS", function () {
      it("reverts with FundFeeTooHigh and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.issuer).setFees(1_001, 0, world.accounts.carol.address))
          .to.be.revertedWithCustomError(fund, "FundFeeTooHigh")
          .withArgs(1_001, 1_000);
        await expect(fund.connect(world.accounts.issuer).setFees(0, 1_001, world.accounts.carol.address))
          .to.be.revertedWithCustomError(fund, "FundFeeTooHigh")
          .withArgs(1_001, 1_000);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the fee account is the zero address", function () {
      it("reverts with FundInvalidFeeAccount and changes nothing, even with zero rates", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.issuer).setFees(0, 0, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(fund, "FundInvalidFeeAccount")
          .withArgs(ethers.ZeroAddress);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when a request is pending", function () {
      it("keeps the rate the request was made with", async function () {
        const world = await loadFixture(baseFixture);
        const { fund, coin } = world.contracts;
        const { alice, issuer, administrator, feeAccount } = world.accounts;
        const id = await subscribe(world, alice, 1_000n * USD);
        await fund.connect(issuer).setFees(1_000, 1_000, feeAccount.address);
        expect((await fund.requestOf(id)).feeBps).to.equal(100n);
        const { cutOff } = await fund.requestOf(id);
        await postNav(world, NAV10, cutOff);
        const feesBefore = await coin.balanceOf(feeAccount.address);
        await fund.connect(administrator).dealSubscriptions([id]);
        expect((await coin.balanceOf(feeAccount.address)) - feesBefore).to.equal(10n * USD); // 1 %, not 10 %
      });
    });
  });

  describe("setMinSubscription", function () {
    it("sets the minimum and emits MinSubscriptionSet", async function () {
      const { contracts, accounts } = await loadFixture(baseFixture);
      await expect(contracts.fund.connect(accounts.issuer).setMinSubscription(5n * USD))
        .to.emit(contracts.fund, "MinSubscriptionSet")
        .withArgs(5n * USD);
      expect((await contracts.fund.fundTerms()).minSubscription).to.equal(5n * USD);
    });
  });

  describe("postNav", function () {
    it("records the NAV, emits NavPosted and returns its index", async function () {
      const { contracts, accounts } = await loadFixture(baseFixture);
      const { fund } = contracts;
      const valuation = BigInt(await time.latest()) - 60n;
      expect(await fund.connect(accounts.administrator).postNav.staticCall(NAV10, valuation)).to.equal(0n);
      await expect(fund.connect(accounts.administrator).postNav(NAV10, valuation))
        .to.emit(fund, "NavPosted")
        .withArgs(0, NAV10, valuation);
      const posted = BigInt(await time.latest());
      await expect(fund.connect(accounts.administrator).postNav(11n * USD, posted))
        .to.emit(fund, "NavPosted")
        .withArgs(1, 11n * USD, posted);
      expect(await fund.navCount()).to.equal(2n);
      expect([...(await fund.navAt(0))]).to.deep.equal([NAV10, valuation, posted]);
      expect([...(await fund.latestNav())]).to.deep.equal([11n * USD, posted, posted + 1n]);
    });

    context("when the NAV is zero", function () {
      it("reverts with FundInvalidNav and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.administrator).postNav(0, await time.latest()))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidNav")
          .withArgs(0);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the valuation time is in the future", function () {
      it("reverts with FundNavInFuture and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const before = await fundState(world);
        const now = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(now);
        await expect(world.contracts.fund.connect(world.accounts.administrator).postNav(NAV10, now + 1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundNavInFuture")
          .withArgs(now + 1n, now);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the valuation time is not after the previous NAV's", function () {
      it("reverts with FundNavNotAfterPrevious and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const valuation = BigInt(await time.latest());
        await fund.connect(world.accounts.administrator).postNav(NAV10, valuation);
        const before = await fundState(world);
        for (const time_ of [valuation, valuation - 1n]) {
          await expect(fund.connect(world.accounts.administrator).postNav(NAV10, time_))
            .to.be.revertedWithCustomError(fund, "FundNavNotAfterPrevious")
            .withArgs(time_, valuation);
        }
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("NAV views", function () {
    it("navAt reverts with FundNavNotFound past the end", async function () {
      const { contracts } = await loadFixture(seededFixture);
      await expect(contracts.fund.navAt(1))
        .to.be.revertedWithCustomError(contracts.fund, "FundNavNotFound")
        .withArgs(1, 1);
    });

    it("latestNav reverts with FundNavNotFound before the first NAV", async function () {
      const { contracts } = await loadFixture(baseFixture);
      await expect(contracts.fund.latestNav())
        .to.be.revertedWithCustomError(contracts.fund, "FundNavNotFound")
        .withArgs(0, 0);
    });

    it("dealingNavOf finds the first NAV valued at or after a cut-off", async function () {
      const world = await loadFixture(baseFixture);
      const { fund } = world.contracts;
      const cutOff = await fund.nextCutOff();
      expect((await fund.dealingNavOf(cutOff))[0]).to.equal(false);
      await postNav(world, 9n * USD, cutOff - 1n);
      expect((await fund.dealingNavOf(cutOff))[0]).to.equal(false);
      await postNav(world, NAV10, cutOff);
      await postNav(world, 11n * USD, cutOff + BigInt(HOUR));
      const [found, index, nav] = await fund.dealingNavOf(cutOff);
      expect([found, index, nav.navPerUnit]).to.deep.equal([true, 1n, NAV10]);
      expect((await fund.dealingNavOf(cutOff + 1n))[1]).to.equal(2n);
      expect((await fund.dealingNavOf(0))[1]).to.equal(0n);
    });
  });

  describe("dealing points", function () {
    it("cutOffOf follows the daily 16:00 UTC rule", async function () {
      const { contracts } = await loadFixture(baseFixture);
      const midnight = 1_704_067_200n; // 2024-01-01T00:00:00Z
      const fourPm = midnight + 16n * 3_600n;
      expect(await contracts.fund.cutOffOf(midnight)).to.equal(fourPm);
      expect(await contracts.fund.cutOffOf(fourPm - 1n)).to.equal(fourPm);
      expect(await contracts.fund.cutOffOf(fourPm)).to.equal(fourPm + 86_400n);
    });

    it("a request joins the dealing point of the first cut-off after it", async function () {
      const world = await loadFixture(baseFixture);
      const { fund } = world.contracts;
      const cutOff = await fund.nextCutOff();
      await time.setNextBlockTimestamp(cutOff - 1n);
      const first = await subscribe(world, world.accounts.alice, 100n * USD);
      await time.setNextBlockTimestamp(cutOff);
      const second = await subscribe(world, world.accounts.bob, 200n * USD);
      expect((await fund.requestOf(first)).cutOff).to.equal(cutOff);
      expect((await fund.requestOf(second)).cutOff).to.equal(cutOff + BigInt(DAY));
      expect([...(await fund.dealingPoint(cutOff))]).to.deep.equal([100n * USD, 0n]);
      expect([...(await fund.dealingPoint(cutOff + BigInt(DAY)))]).to.deep.equal([200n * USD, 0n]);
    });
  });

  describe("requestSubscription", function () {
    it("escrows the coin, records the request and emits SubscriptionRequested", async function () {
      const world = await loadFixture(baseFixture);
      const { fund, coin } = world.contracts;
      const { alice } = world.accounts;
      const fundAddress = await fund.getAddress();
      const cutOff = await fund.nextCutOff();
      const amount = 1_000n * USD;
      const tx = fund.connect(alice).requestSubscription(amount);
      await expect(tx).to.emit(fund, "SubscriptionRequested").withArgs(1, alice.address, cutOff, amount);
      await expect(tx).to.changeTokenBalances(coin, [alice, fundAddress], [-amount, amount]);
      expect(await fund.requestCount()).to.equal(1n);
      expect([...(await fund.requestOf(1))]).to.deep.equal([
        alice.address,
        cutOff,
        BigInt(FundRequestKind.Subscription),
        BigInt(FundRequestStatus.Pending),
        100n,
        amount,
        0n,
        0n,
      ]);
      expect(await fund.subscriptionEscrow()).to.equal(amount);
      expect(await fund.cash()).to.equal(0n);
      expect((await fund.dealingPoint(cutOff)).subscriptionCoin).to.equal(amount);
      expect(await fund.requestCountOf(alice.address)).to.equal(1n);
      expect(await fund.requestsOf(alice.address, 0, 10)).to.deep.equal([1n]);
      expect(await fund.balanceOf(alice.address)).to.equal(0n);
    });

    context("when the amount is zero", function () {
      it("reverts with FundInvalidAmount and changes nothing", async function () {
        const world = await loadFixture(noFeesFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.alice).requestSubscription(0))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidAmount")
          .withArgs(0);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the amount is below the minimum subscription", function () {
      it("reverts with FundBelowMinSubscription and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.alice).requestSubscription(100n * USD - 1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundBelowMinSubscription")
          .withArgs(100n * USD - 1n, 100n * USD);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the amount does not fit a request's 104 bits", function () {
      it("reverts with FundAmountTooLarge and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const before = await fundState(world);
        const max = 2n ** 104n - 1n;
        await expect(world.contracts.fund.connect(world.accounts.alice).requestSubscription(max + 1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundAmountTooLarge")
          .withArgs(max + 1n, max);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    const ineligible: [string, (w: FundWorld) => Promise<HardhatEthersSigner>, Restriction][] = [
      ["the caller is not registered", async (w) => w.accounts.stranger, Restriction.RecipientNotVerified],
      ["the caller lacks the baseline claims", async (w) => w.accounts.dave, Restriction.RecipientNotVerified],
      [
        "the caller is frozen",
        async (w) => {
          await w.contracts.fund.connect(w.accounts.agent).setAddressFrozen(w.accounts.alice.address, true);
          return w.accounts.alice;
        },
        RECIPIENT_FROZEN,
      ],
    ];
    for (const [name, setUp, code] of ineligible) {
      context(`when ${name}`, function () {
        it("reverts with FundInvestorNotEligible and changes nothing", async function () {
          const world = await loadFixture(baseFixture);
          const { fund, coin } = world.contracts;
          const investor = await setUp(world);
          await coin.connect(investor).approve(await fund.getAddress(), ethers.MaxUint256);
          const before = await fundState(world);
          await expect(fund.connect(investor).requestSubscription(1_000n * USD))
            .to.be.revertedWithCustomError(fund, "FundInvestorNotEligible")
            .withArgs(investor.address, code);
          expect(await fundState(world)).to.deep.equal(before);
        });
      });
    }

    context("when the token is paused", function () {
      it("reverts with SecurityTokenPaused and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        await world.contracts.fund.connect(world.accounts.agent).pause();
        const before = await fundState(world);
        await expect(
          world.contracts.fund.connect(world.accounts.alice).requestSubscription(1_000n * USD),
        ).to.be.revertedWithCustomError(world.contracts.fund, "SecurityTokenPaused");
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the fund may not take the coin", function () {
      it("reverts with the coin's error and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund, coin } = world.contracts;
        await coin.connect(world.accounts.alice).approve(await fund.getAddress(), 10n);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.alice).requestSubscription(1_000n * USD))
          .to.be.revertedWithCustomError(coin, "ERC20InsufficientAllowance")
          .withArgs(await fund.getAddress(), 10n, 1_000n * USD);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("requestRedemption", function () {
    it("escrows the units in the fund, records the request and emits RedemptionRequested", async function () {
      const world = await loadFixture(seededFixture);
      const { fund } = world.contracts;
      const { alice } = world.accounts;
      const fundAddress = await fund.getAddress();
      const cutOff = await fund.nextCutOff();
      const units = 100n * USD;
      const holders = await fund.holderCount();
      const tx = fund.connect(alice).requestRedemption(units);
      await expect(tx).to.emit(fund, "RedemptionRequested").withArgs(3, alice.address, cutOff, units);
      await expect(tx).to.emit(fund, "Transfer").withArgs(alice.address, fundAddress, units);
      await expect(tx).to.changeTokenBalances(fund, [alice, fundAddress], [-units, units]);
      expect([...(await fund.requestOf(3))]).to.deep.equal([
        alice.address,
        cutOff,
        BigInt(FundRequestKind.Redemption),
        BigInt(FundRequestStatus.Pending),
        50n,
        units,
        0n,
        0n,
      ]);
      expect((await fund.dealingPoint(cutOff)).redemptionUnits).to.equal(units);
      expect(await fund.holderCount()).to.equal(holders);
      expect(await fund.requestsOf(alice.address, 0, 10)).to.deep.equal([1n, 3n]);
    });

    it("lets a holder redeem everything: it stops counting as an investor, the escrow never counts", async function () {
      const world = await loadFixture(seededFixture);
      const { fund } = world.contracts;
      await fund.connect(world.accounts.bob).requestRedemption(495n * USD);
      expect(await fund.holderCount()).to.equal(1n);
      expect(await fund.holdingWalletCount()).to.equal(1n);
    });

    context("when the amount is zero", function () {
      it("reverts with FundInvalidAmount and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.alice).requestRedemption(0))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidAmount")
          .withArgs(0);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when units are held for a settlement", function () {
      it("escrows only units not held: beyond, SecurityTokenInsufficientUnfrozenBalance, changing nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const { alice } = world.accounts;
        const engine = await impersonateEngine(fund);
        await fund
          .connect(engine)
          .placeHold(ethers.id("trade"), alice.address, 900n * USD, (await time.latest()) + DAY);
        const before = await fundState(world);
        await expect(fund.connect(alice).requestRedemption(100n * USD))
          .to.be.revertedWithCustomError(fund, "SecurityTokenInsufficientUnfrozenBalance")
          .withArgs(alice.address, 90n * USD, 100n * USD);
        expect(await fundState(world)).to.deep.equal(before);
        await fund.connect(alice).requestRedemption(90n * USD);
        expect(await fund.heldBalanceOf(alice.address)).to.equal(900n * USD);
      });
    });

    context("when the caller holds fewer units", function () {
      it("reverts with ERC20InsufficientBalance (as a transfer would) and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.alice).requestRedemption(990n * USD + 1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "ERC20InsufficientBalance")
          .withArgs(world.accounts.alice.address, 990n * USD, 990n * USD + 1n);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when some of the caller's units are frozen", function () {
      it("reverts with SecurityTokenInsufficientUnfrozenBalance beyond the unfrozen units", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const { alice, agent } = world.accounts;
        await fund.connect(agent).freezePartialTokens(alice.address, 900n * USD);
        const before = await fundState(world);
        await expect(fund.connect(alice).requestRedemption(90n * USD + 1n))
          .to.be.revertedWithCustomError(fund, "SecurityTokenInsufficientUnfrozenBalance")
          .withArgs(alice.address, 90n * USD, 90n * USD + 1n);
        expect(await fundState(world)).to.deep.equal(before);
        await expect(fund.connect(alice).requestRedemption(90n * USD)).to.emit(fund, "RedemptionRequested");
        expect(await fund.getFrozenTokens(alice.address)).to.equal(900n * USD);
      });
    });

    context("when the caller is frozen", function () {
      it("reverts with SecurityTokenAddressFrozen and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        await world.contracts.fund.connect(world.accounts.agent).setAddressFrozen(world.accounts.alice.address, true);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.alice).requestRedemption(1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "SecurityTokenAddressFrozen")
          .withArgs(world.accounts.alice.address);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the token is paused", function () {
      it("reverts with SecurityTokenPaused and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        await world.contracts.fund.connect(world.accounts.agent).pause();
        const before = await fundState(world);
        await expect(
          world.contracts.fund.connect(world.accounts.alice).requestRedemption(1n),
        ).to.be.revertedWithCustomError(world.contracts.fund, "SecurityTokenPaused");
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("during the asset's lock-up (a market rule)", function () {
      it("escrows the units: a redemption is a transaction with the fund, not a transfer between investors", async function () {
        const world = await loadFixture(seededFixture);
        const { fund, compliance } = world.contracts;
        const { alice, bob, regulator } = world.accounts;
        await compliance
          .connect(regulator)
          .configureAsset(await fund.getAddress(), assetRules({ lockupUntil: (await time.latest()) + DAY }));
        expect(await fund.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(Restriction.LockedUp);
        await expect(fund.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
          fund,
          "SecurityTokenTransferRestricted",
        );
        await expect(fund.connect(alice).requestRedemption(1n)).to.emit(fund, "RedemptionRequested");
      });
    });
  });

  describe("cancelRequest", function () {
    it("refunds a subscription before the cut-off and emits RequestCancelled", async function () {
      const world = await loadFixture(baseFixture);
      const { fund, coin } = world.contracts;
      const { alice } = world.accounts;
      const id = await subscribe(world, alice, 1_000n * USD);
      const { cutOff } = await fund.requestOf(id);
      await time.setNextBlockTimestamp(cutOff - 1n);
      const tx = fund.connect(alice).cancelRequest(id);
      await expect(tx).to.emit(fund, "RequestCancelled").withArgs(id, alice.address);
      await expect(tx).to.changeTokenBalances(coin, [alice, await fund.getAddress()], [1_000n * USD, -1_000n * USD]);
      expect((await fund.requestOf(id)).status).to.equal(BigInt(FundRequestStatus.Cancelled));
      expect(await fund.subscriptionEscrow()).to.equal(0n);
      expect((await fund.dealingPoint(cutOff)).subscriptionCoin).to.equal(0n);
    });

    it("returns a redemption's units before the cut-off", async function () {
      const world = await loadFixture(seededFixture);
      const { fund } = world.contracts;
      const { alice } = world.accounts;
      const id = await redeem(world, alice, 100n * USD);
      const { cutOff } = await fund.requestOf(id);
      const tx = fund.connect(alice).cancelRequest(id);
      await expect(tx).to.emit(fund, "RequestCancelled").withArgs(id, alice.address);
      await expect(tx).to.changeTokenBalances(fund, [alice, await fund.getAddress()], [100n * USD, -100n * USD]);
      expect((await fund.dealingPoint(cutOff)).redemptionUnits).to.equal(0n);
      expect(await fund.balanceOf(alice.address)).to.equal(990n * USD);
    });

    context("at the cut-off or after", function () {
      it("reverts with FundCutOffPassed and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        const { cutOff } = await fund.requestOf(id);
        const before = await fundState(world);
        await time.setNextBlockTimestamp(cutOff);
        await expect(fund.connect(world.accounts.alice).cancelRequest(id))
          .to.be.revertedWithCustomError(fund, "FundCutOffPassed")
          .withArgs(id, cutOff, cutOff);
        await expect(fund.connect(world.accounts.alice).cancelRequest(id))
          .to.be.revertedWithCustomError(fund, "FundCutOffPassed")
          .withArgs(id, cutOff, cutOff + 1n);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the caller is not the requester", function () {
      it("reverts with FundNotRequester and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        const before = await fundState(world);
        for (const caller of [world.accounts.bob, world.accounts.administrator, world.accounts.issuer]) {
          await expect(fund.connect(caller).cancelRequest(id))
            .to.be.revertedWithCustomError(fund, "FundNotRequester")
            .withArgs(id, caller.address, world.accounts.alice.address);
        }
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the request does not exist", function () {
      it("reverts with FundUnknownRequest", async function () {
        const world = await loadFixture(baseFixture);
        for (const id of [0n, 1n]) {
          await expect(world.contracts.fund.connect(world.accounts.alice).cancelRequest(id))
            .to.be.revertedWithCustomError(world.contracts.fund, "FundUnknownRequest")
            .withArgs(id);
        }
      });
    });

    context("when the request is no longer pending", function () {
      it("reverts with FundRequestNotPending and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        await fund.connect(world.accounts.alice).cancelRequest(id);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.alice).cancelRequest(id))
          .to.be.revertedWithCustomError(fund, "FundRequestNotPending")
          .withArgs(id, FundRequestStatus.Cancelled);
        await expect(fund.connect(world.accounts.alice).cancelRequest(1))
          .to.be.revertedWithCustomError(fund, "FundRequestNotPending")
          .withArgs(1, FundRequestStatus.Dealt);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the token is paused", function () {
      it("reverts with SecurityTokenPaused and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        await world.contracts.fund.connect(world.accounts.agent).pause();
        const before = await fundState(world);
        await expect(
          world.contracts.fund.connect(world.accounts.alice).cancelRequest(id),
        ).to.be.revertedWithCustomError(world.contracts.fund, "SecurityTokenPaused");
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("rejectRequests", function () {
    it("refunds pending requests of both kinds, before or after the cut-off, and emits RequestRejected", async function () {
      const world = await loadFixture(seededFixture);
      const { fund, coin } = world.contracts;
      const { alice, bob, administrator } = world.accounts;
      const sub = await subscribe(world, alice, 1_000n * USD);
      const red = await redeem(world, bob, 95n * USD);
      await time.increaseTo((await fund.requestOf(sub)).cutOff + 5n);
      const tx = fund.connect(administrator).rejectRequests([sub, red], REASON);
      await expect(tx).to.emit(fund, "RequestRejected").withArgs(sub, alice.address, REASON);
      await expect(tx).to.emit(fund, "RequestRejected").withArgs(red, bob.address, REASON);
      await expect(tx).to.changeTokenBalances(coin, [alice, await fund.getAddress()], [1_000n * USD, -1_000n * USD]);
      await expect(tx).to.changeTokenBalances(fund, [bob, await fund.getAddress()], [95n * USD, -95n * USD]);
      expect((await fund.requestOf(sub)).status).to.equal(BigInt(FundRequestStatus.Rejected));
      expect((await fund.requestOf(red)).status).to.equal(BigInt(FundRequestStatus.Rejected));
      expect(await fund.subscriptionEscrow()).to.equal(0n);
    });

    it("works while the token is paused", async function () {
      const world = await loadFixture(baseFixture);
      const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
      await world.contracts.fund.connect(world.accounts.agent).pause();
      await expect(world.contracts.fund.connect(world.accounts.administrator).rejectRequests([id], REASON))
        .to.emit(world.contracts.fund, "RequestRejected")
        .withArgs(id, world.accounts.alice.address, REASON);
    });

    context("when one request of the batch is not pending", function () {
      it("reverts with FundRequestNotPending and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).rejectRequests([id, 1], REASON))
          .to.be.revertedWithCustomError(fund, "FundRequestNotPending")
          .withArgs(1, FundRequestStatus.Dealt);
        await expect(fund.connect(world.accounts.administrator).rejectRequests([id, id], REASON))
          .to.be.revertedWithCustomError(fund, "FundRequestNotPending")
          .withArgs(id, FundRequestStatus.Rejected);
        await expect(fund.connect(world.accounts.administrator).rejectRequests([id, 99], REASON))
          .to.be.revertedWithCustomError(fund, "FundUnknownRequest")
          .withArgs(99);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("dealSubscriptions", function () {
    it("issues units at the dealing NAV, pays the fee, keeps the cost as cash and emits SubscriptionDealt", async function () {
      const world = await loadFixture(baseFixture);
      const { fund, coin } = world.contracts;
      const { alice, bob, administrator, feeAccount } = world.accounts;
      const fundAddress = await fund.getAddress();
      const a = await subscribe(world, alice, 1_000n * USD);
      const b = await subscribe(world, bob, 2_345_678_901n);
      const { cutOff } = await fund.requestOf(a);
      const nav = 12_345_678n; // 12.345678 aUSD
      await postNav(world, nav, cutOff);
      const da = previewSubscription(1_000n * USD, 100, nav, 6);
      const db = previewSubscription(2_345_678_901n, 100, nav, 6);
      // Hand-computed: 1,000 aUSD − 1 % = 990 aUSD buys ⌊990,000,000 × 10^6 / 12,345,678⌋ units.
      expect(da.units).to.equal(80_190_006n);
      expect(da.fee).to.equal(10n * USD);

      const tx = fund.connect(administrator).dealSubscriptions([a, b]);
      await expect(tx)
        .to.emit(fund, "SubscriptionDealt")
        .withArgs(a, alice.address, 0, 1_000n * USD, da.fee, da.units, da.cost, da.refund);
      await expect(tx)
        .to.emit(fund, "SubscriptionDealt")
        .withArgs(b, bob.address, 0, 2_345_678_901n, db.fee, db.units, db.cost, db.refund);
      await expect(tx)
        .to.emit(fund, "FeesPaid")
        .withArgs(feeAccount.address, da.fee + db.fee);
      await expect(tx).to.emit(fund, "Transfer").withArgs(ethers.ZeroAddress, alice.address, da.units);
      await expect(tx).to.changeTokenBalances(fund, [alice, bob], [da.units, db.units]);
      await expect(tx).to.changeTokenBalances(
        coin,
        [alice, bob, feeAccount, fundAddress],
        [da.refund, db.refund, da.fee + db.fee, -(da.fee + db.fee + da.refund + db.refund)],
      );
      expect(await fund.cash()).to.equal(da.cost + db.cost);
      expect(await fund.subscriptionEscrow()).to.equal(0n);
      expect(await coin.balanceOf(fundAddress)).to.equal(da.cost + db.cost);
      expect((await fund.dealingPoint(cutOff)).subscriptionCoin).to.equal(0n);
      expect([...(await fund.requestOf(a))]).to.deep.equal([
        alice.address,
        cutOff,
        BigInt(FundRequestKind.Subscription),
        BigInt(FundRequestStatus.Dealt),
        100n,
        1_000n * USD,
        da.units,
        0n,
      ]);
      expect(await fund.holderCount()).to.equal(2n);
      expect(await fund.totalSupply()).to.equal(da.units + db.units);
    });

    it("deals at the first NAV valued at or after the cut-off, not an earlier one nor a later one", async function () {
      const world = await loadFixture(noFeesFixture);
      const { fund } = world.contracts;
      const { alice, bob, administrator } = world.accounts;
      const a = await subscribe(world, alice, 1_000n * USD);
      const { cutOff } = await fund.requestOf(a);
      await time.setNextBlockTimestamp(cutOff);
      const b = await subscribe(world, bob, 1_000n * USD); // made at the cut-off: the next dealing point
      expect((await fund.requestOf(b)).cutOff).to.equal(cutOff + BigInt(DAY));
      await postNav(world, 8n * USD, cutOff - 1n); // valued before the cut-off: never deals it
      await postNav(world, NAV10, cutOff + 1n); // the dealing NAV of `a`
      await postNav(world, 20n * USD, cutOff + BigInt(DAY)); // the dealing NAV of `b`
      await postNav(world, 40n * USD, cutOff + BigInt(DAY) + 1n);
      await expect(fund.connect(administrator).dealSubscriptions([b, a]))
        .to.emit(fund, "SubscriptionDealt")
        .withArgs(a, alice.address, 1, 1_000n * USD, 0, 100n * USD, 1_000n * USD, 0)
        .and.to.emit(fund, "SubscriptionDealt")
        .withArgs(b, bob.address, 2, 1_000n * USD, 0, 50n * USD, 1_000n * USD, 0);
      expect((await fund.requestOf(a)).navIndex).to.equal(1n);
      expect((await fund.requestOf(b)).navIndex).to.equal(2n);
    });

    it("refunds the remainder that buys no whole unit of a 0-decimal fund", async function () {
      const world = await loadFixture(wholeUnitsFixture);
      const { fund, coin } = world.contracts;
      const { alice, administrator } = world.accounts;
      const id = await subscribe(world, alice, 1_000n * USD);
      await postNav(world, 7n * USD, (await fund.requestOf(id)).cutOff);
      // 1 % fee: 990 aUSD buys 141 units for 987 aUSD; 3 aUSD refunded.
      const tx = fund.connect(administrator).dealSubscriptions([id]);
      await expect(tx)
        .to.emit(fund, "SubscriptionDealt")
        .withArgs(id, alice.address, 0, 1_000n * USD, 10n * USD, 141, 987n * USD, 3n * USD);
      await expect(tx).to.changeTokenBalance(coin, alice, 3n * USD);
      expect(await fund.balanceOf(alice.address)).to.equal(141n);
      expect(await fund.cash()).to.equal(987n * USD);
    });

    it("refunds everything and takes no fee when the coin buys no unit", async function () {
      const world = await loadFixture(wholeUnitsFixture);
      const { fund, coin } = world.contracts;
      const { alice, administrator, feeAccount } = world.accounts;
      const id = await subscribe(world, alice, 100n * USD);
      await postNav(world, 100n * USD, (await fund.requestOf(id)).cutOff);
      const tx = fund.connect(administrator).dealSubscriptions([id]);
      await expect(tx)
        .to.emit(fund, "SubscriptionDealt")
        .withArgs(id, alice.address, 0, 100n * USD, 0, 0, 0, 100n * USD);
      await expect(tx).to.not.emit(fund, "FeesPaid");
      await expect(tx).to.changeTokenBalances(coin, [alice, feeAccount], [100n * USD, 0]);
      expect(await fund.balanceOf(alice.address)).to.equal(0n);
      expect(await fund.cash()).to.equal(0n);
    });

    it("keeps working while the token is paused", async function () {
      const world = await loadFixture(baseFixture);
      const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
      await postNav(world, NAV10, (await world.contracts.fund.requestOf(id)).cutOff);
      await world.contracts.fund.connect(world.accounts.agent).pause();
      await expect(world.contracts.fund.connect(world.accounts.administrator).dealSubscriptions([id])).to.emit(
        world.contracts.fund,
        "SubscriptionDealt",
      );
    });

    context("before the dealing NAV is posted", function () {
      it("reverts with FundNoDealingNav and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const { fund } = world.contracts;
        const id = await subscribe(world, world.accounts.alice, 1_000n * USD);
        const { cutOff } = await fund.requestOf(id);
        await postNav(world, NAV10, cutOff - 1n);
        await time.increaseTo(cutOff + 100n);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).dealSubscriptions([id]))
          .to.be.revertedWithCustomError(fund, "FundNoDealingNav")
          .withArgs(id, cutOff);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when a request of the batch is a redemption", function () {
      it("reverts with FundWrongRequestKind and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const sub = await subscribe(world, world.accounts.carol, 1_000n * USD);
        const red = await redeem(world, world.accounts.alice, 10n * USD);
        await postNav(world, NAV10, (await fund.requestOf(sub)).cutOff);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).dealSubscriptions([sub, red]))
          .to.be.revertedWithCustomError(fund, "FundWrongRequestKind")
          .withArgs(red, FundRequestKind.Redemption);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when a request is dealt twice or unknown", function () {
      it("reverts with FundRequestNotPending or FundUnknownRequest and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).dealSubscriptions([1]))
          .to.be.revertedWithCustomError(fund, "FundRequestNotPending")
          .withArgs(1, FundRequestStatus.Dealt);
        await expect(fund.connect(world.accounts.administrator).dealSubscriptions([7]))
          .to.be.revertedWithCustomError(fund, "FundUnknownRequest")
          .withArgs(7);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when a subscriber is no longer eligible at dealing", function () {
      it("reverts the batch with the token's SecurityTokenTransferRestricted; the refund waits for eligibility", async function () {
        const world = await loadFixture(baseFixture);
        const { fund, coin, identity } = world.contracts;
        const { alice, bob, administrator, kycProvider } = world.accounts;
        const a = await subscribe(world, alice, 1_000n * USD);
        const b = await subscribe(world, bob, 1_000n * USD);
        await postNav(world, NAV10, (await fund.requestOf(a)).cutOff);
        // bob loses his AML claim: no longer verified under the KYC + AML baseline.
        const expiry = BigInt(await time.latest()) + 1_000_000n;
        await identity.connect(kycProvider).updateInvestor(ethers.id("bob"), 276, claimsOf([Claim.KYC]), expiry);
        const before = await fundState(world);
        await expect(fund.connect(administrator).dealSubscriptions([a, b]))
          .to.be.revertedWithCustomError(fund, "SecurityTokenTransferRestricted")
          .withArgs(ethers.ZeroAddress, bob.address, 99n * USD, Restriction.RecipientNotVerified);
        expect(await fundState(world)).to.deep.equal(before);
        await fund.connect(administrator).dealSubscriptions([a]);
        // The registry told the coin at once: bob cannot receive the refund while he is not eligible (C5)…
        await expect(fund.connect(administrator).rejectRequests([b], REASON))
          .to.be.revertedWithCustomError(coin, "SettlementCoinIneligibleHolder")
          .withArgs(bob.address);
        // …and can once re-attested (the registry re-syncs the coin on every update).
        await identity
          .connect(kycProvider)
          .updateInvestor(ethers.id("bob"), 276, claimsOf([Claim.KYC, Claim.AML]), expiry);
        await expect(fund.connect(administrator).rejectRequests([b], REASON)).to.changeTokenBalance(
          coin,
          bob,
          1_000n * USD,
        );
      });
    });
  });

  describe("dealRedemptions", function () {
    it("burns the escrowed units, pays the proceeds from cash and the fee, and emits RedemptionDealt", async function () {
      const world = await loadFixture(seededFixture);
      const { fund, coin } = world.contracts;
      const { alice, bob, administrator, feeAccount } = world.accounts;
      const fundAddress = await fund.getAddress();
      const a = await redeem(world, alice, 100n * USD);
      const b = await redeem(world, bob, 33_333_333n);
      const { cutOff } = await fund.requestOf(a);
      const nav = 10_500_001n;
      await postNav(world, nav, cutOff);
      const ra = previewRedemption(100n * USD, 50, nav, 6);
      const rb = previewRedemption(33_333_333n, 50, nav, 6);
      // Hand-computed: 100 units × 10.500001 = 1,050.0001 aUSD; 0.5 % fee = 5.2500005 → 5.250000.
      expect(ra).to.deep.equal({ gross: 1_050_000_100n, fee: 5_250_000n, proceeds: 1_044_750_100n });
      const cashBefore = await fund.cash();
      const supplyBefore = await fund.totalSupply();

      const tx = fund.connect(administrator).dealRedemptions([a, b]);
      await expect(tx)
        .to.emit(fund, "RedemptionDealt")
        .withArgs(a, alice.address, 1, 100n * USD, ra.gross, ra.fee, ra.proceeds);
      await expect(tx)
        .to.emit(fund, "RedemptionDealt")
        .withArgs(b, bob.address, 1, 33_333_333n, rb.gross, rb.fee, rb.proceeds);
      await expect(tx)
        .to.emit(fund, "FeesPaid")
        .withArgs(feeAccount.address, ra.fee + rb.fee);
      await expect(tx)
        .to.emit(fund, "Transfer")
        .withArgs(fundAddress, ethers.ZeroAddress, 100n * USD);
      await expect(tx).to.changeTokenBalances(
        coin,
        [alice, bob, feeAccount, fundAddress],
        [ra.proceeds, rb.proceeds, ra.fee + rb.fee, -(ra.gross + rb.gross)],
      );
      expect(await fund.cash()).to.equal(cashBefore - ra.gross - rb.gross);
      expect(await fund.balanceOf(fundAddress)).to.equal(0n);
      expect(await fund.totalSupply()).to.equal(supplyBefore - 100n * USD - 33_333_333n);
      expect((await fund.dealingPoint(cutOff)).redemptionUnits).to.equal(0n);
      expect([...(await fund.requestOf(a))]).to.deep.equal([
        alice.address,
        cutOff,
        BigInt(FundRequestKind.Redemption),
        BigInt(FundRequestStatus.Dealt),
        50n,
        100n * USD,
        ra.proceeds,
        1n,
      ]);
    });

    context("when the fund's cash does not cover the batch", function () {
      it("reverts with FundInsufficientCash and changes nothing; a deposit lets it deal", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const { alice, issuer, administrator } = world.accounts;
        const a = await redeem(world, alice, 990n * USD);
        await postNav(world, 20n * USD, (await fund.requestOf(a)).cutOff);
        await fund.connect(issuer).withdrawCash(issuer.address, 10_000n * USD);
        const before = await fundState(world);
        await expect(fund.connect(administrator).dealRedemptions([a]))
          .to.be.revertedWithCustomError(fund, "FundInsufficientCash")
          .withArgs(4_850n * USD, 19_800n * USD);
        expect(await fundState(world)).to.deep.equal(before);
        await fund.connect(administrator).depositCash(14_950n * USD);
        await expect(fund.connect(administrator).dealRedemptions([a])).to.emit(fund, "RedemptionDealt");
        expect(await fund.cash()).to.equal(0n);
      });
    });

    context("when a request of the batch is a subscription", function () {
      it("reverts with FundWrongRequestKind and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const red = await redeem(world, world.accounts.alice, 10n * USD);
        const sub = await subscribe(world, world.accounts.carol, 1_000n * USD);
        await postNav(world, NAV10, (await fund.requestOf(sub)).cutOff);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).dealRedemptions([red, sub]))
          .to.be.revertedWithCustomError(fund, "FundWrongRequestKind")
          .withArgs(sub, FundRequestKind.Subscription);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("before the dealing NAV is posted", function () {
      it("reverts with FundNoDealingNav and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const id = await redeem(world, world.accounts.alice, 10n * USD);
        const { cutOff } = await fund.requestOf(id);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.administrator).dealRedemptions([id]))
          .to.be.revertedWithCustomError(fund, "FundNoDealingNav")
          .withArgs(id, cutOff);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("depositCash", function () {
    it("takes the caller's coin into the fund's cash and emits CashDeposited", async function () {
      const world = await loadFixture(baseFixture);
      const { fund, coin } = world.contracts;
      const { administrator } = world.accounts;
      const tx = fund.connect(administrator).depositCash(500n * USD);
      await expect(tx)
        .to.emit(fund, "CashDeposited")
        .withArgs(administrator.address, 500n * USD, 500n * USD);
      await expect(tx).to.changeTokenBalances(
        coin,
        [administrator, await fund.getAddress()],
        [-500n * USD, 500n * USD],
      );
      expect(await fund.cash()).to.equal(500n * USD);
    });

    context("when the amount is zero", function () {
      it("reverts with FundInvalidAmount and changes nothing", async function () {
        const world = await loadFixture(baseFixture);
        const before = await fundState(world);
        await expect(world.contracts.fund.connect(world.accounts.administrator).depositCash(0))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundInvalidAmount")
          .withArgs(0);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("when the cash would not fit 128 bits", function () {
      it("reverts with FundAmountTooLarge and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const before = await fundState(world);
        const room = 2n ** 128n - 1n - (await world.contracts.fund.cash());
        await expect(world.contracts.fund.connect(world.accounts.administrator).depositCash(room + 1n))
          .to.be.revertedWithCustomError(world.contracts.fund, "FundAmountTooLarge")
          .withArgs(room + 1n, room);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("withdrawCash", function () {
    it("pays the fund's cash out and emits CashWithdrawn", async function () {
      const world = await loadFixture(seededFixture);
      const { fund, coin } = world.contracts;
      const { issuer, custodian } = world.accounts;
      const tx = fund.connect(issuer).withdrawCash(custodian.address, 14_000n * USD);
      await expect(tx)
        .to.emit(fund, "CashWithdrawn")
        .withArgs(custodian.address, 14_000n * USD, 850n * USD);
      await expect(tx).to.changeTokenBalances(
        coin,
        [custodian, await fund.getAddress()],
        [14_000n * USD, -14_000n * USD],
      );
      expect(await fund.cash()).to.equal(850n * USD);
    });

    context("beyond the fund's cash (the subscription escrow is not cash)", function () {
      it("reverts with FundInsufficientCash and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        await subscribe(world, world.accounts.carol, 1_000n * USD);
        const before = await fundState(world);
        await expect(fund.connect(world.accounts.issuer).withdrawCash(world.accounts.issuer.address, 14_851n * USD))
          .to.be.revertedWithCustomError(fund, "FundInsufficientCash")
          .withArgs(14_850n * USD, 14_851n * USD);
        expect(await fundState(world)).to.deep.equal(before);
      });
    });

    context("with a zero amount or an invalid recipient", function () {
      it("reverts with FundInvalidAmount or SecurityTokenInvalidAddress and changes nothing", async function () {
        const world = await loadFixture(seededFixture);
        const { fund } = world.contracts;
        const issuer = world.accounts.issuer;
        const before = await fundState(world);
        await expect(fund.connect(issuer).withdrawCash(issuer.address, 0))
          .to.be.revertedWithCustomError(fund, "FundInvalidAmount")
          .withArgs(0);
        for (const to of [ethers.ZeroAddress, await fund.getAddress()]) {
          await expect(fund.connect(issuer).withdrawCash(to, 1))
            .to.be.revertedWithCustomError(fund, "SecurityTokenInvalidAddress")
            .withArgs(to);
        }
        expect(await fundState(world)).to.deep.equal(before);
      });
    });
  });

  describe("request views", function () {
    it("requestOf reverts with FundUnknownRequest for an id never issued", async function () {
      const { contracts } = await loadFixture(seededFixture);
      for (const id of [0n, 3n]) {
        await expect(contracts.fund.requestOf(id))
          .to.be.revertedWithCustomError(contracts.fund, "FundUnknownRequest")
          .withArgs(id);
      }
    });

    it("requestsOf pages through an investor's requests, oldest first", async function () {
      const world = await loadFixture(baseFixture);
      const { fund } = world.contracts;
      const { alice, bob } = world.accounts;
      for (let i = 0; i < 5; i++) await subscribe(world, i % 2 === 0 ? alice : bob, 100n * USD);
      expect(await fund.requestCountOf(alice.address)).to.equal(3n);
      expect(await fund.requestsOf(alice.address, 0, 10)).to.deep.equal([1n, 3n, 5n]);
      expect(await fund.requestsOf(alice.address, 1, 1)).to.deep.equal([3n]);
      expect(await fund.requestsOf(alice.address, 2, 5)).to.deep.equal([5n]);
      expect(await fund.requestsOf(alice.address, 3, 5)).to.deep.equal([]);
      expect(await fund.requestsOf(bob.address, 0, 0)).to.deep.equal([]);
      expect(await fund.requestsOf(world.accounts.carol.address, 0, 10)).to.deep.equal([]);
    });

    it("previews dealing with the current fees", async function () {
      const { contracts } = await loadFixture(baseFixture);
      const nav = 12_345_678n;
      expect([...(await contracts.fund.previewSubscription(1_000n * USD, nav))]).to.deep.equal(
        Object.values(previewSubscription(1_000n * USD, 100, nav, 6)),
      );
      expect([...(await contracts.fund.previewRedemption(100n * USD, nav))]).to.deep.equal(
        Object.values(previewRedemption(100n * USD, 50, nav, 6)),
      );
      await expect(contracts.fund.previewSubscription(1, 0))
        .to.be.revertedWithCustomError(contracts.fund, "FundInvalidNav")
        .withArgs(0);
    });
  });

  describe("end to end", function () {
    it("subscribes, deals, redeems and settles with every coin and unit accounted", async function () {
      const world = await loadFixture(baseFixture);
      const { fund, coin } = world.contracts;
      const { alice, bob, administrator, issuer, feeAccount, custodian } = world.accounts;
      const fundAddress = await fund.getAddress();
      const people = [alice, bob, administrator, feeAccount, custodian, issuer].map((s) => s.address);
      const totalCoin = async () =>
        (await Promise.all([...people, fundAddress].map((a) => coin.balanceOf(a)))).reduce((x, y) => x + y, 0n);
      const coinBefore = await totalCoin();

      // Day 1: two subscriptions, one cancelled before the cut-off.
      const a = await subscribe(world, alice, 2_500n * USD);
      const b = await subscribe(world, bob, 777_777_777n);
      const c = await subscribe(world, bob, 300n * USD);
      await fund.connect(bob).cancelRequest(c);
      const day1 = (await fund.requestOf(a)).cutOff;
      await postNav(world, 10n * USD, day1);
      await fund.connect(administrator).dealSubscriptions([a, b]);
      // The manager invests most of the cash.
      await fund.connect(issuer).withdrawCash(custodian.address, 3_000n * USD);

      // Day 2: alice redeems half, bob subscribes again; the NAV rose.
      const half = (await fund.balanceOf(alice.address)) / 2n;
      const r = await redeem(world, alice, half);
      const s = await subscribe(world, bob, 100n * USD);
      const day2 = (await fund.requestOf(r)).cutOff;
      expect(day2).to.equal(day1 + BigInt(DAY));
      await postNav(world, 11_111_111n, day2 + 60n);
      await coin.connect(custodian).approve(fundAddress, ethers.MaxUint256);
      await fund.connect(administrator).depositCash(1_500n * USD);
      await fund.connect(administrator).dealSubscriptions([s]);
      await fund.connect(administrator).dealRedemptions([r]);

      // Escrows are empty; the fund's coin is exactly its cash; no coin was created or lost.
      expect(await fund.subscriptionEscrow()).to.equal(0n);
      expect(await fund.balanceOf(fundAddress)).to.equal(0n);
      expect(await coin.balanceOf(fundAddress)).to.equal(await fund.cash());
      expect(await totalCoin()).to.equal(coinBefore);
      expect(await fund.totalSupply()).to.equal(
        (await fund.balanceOf(alice.address)) + (await fund.balanceOf(bob.address)),
      );
      expect(await fund.holderCount()).to.equal(2n);
    });
  });

  describe("access", function () {
    // The lifecycle's functions are in `IFund`'s ABI, the core's upgrade entry in the implementation's.
    const byRole = new Map<string, { role: RoleName; lifecycle: boolean; signatures: string[] }>();
    for (const [signature, role] of Object.entries(fundTable)) {
      const lifecycle = signature in fundLifecyclePermissions;
      const key = `${role} (${lifecycle ? "lifecycle" : "core"})`;
      const group = byRole.get(key) ?? { role, lifecycle, signatures: [] };
      group.signatures.push(signature);
      byRole.set(key, group);
    }
    let world: FundWorld;
    /** Per role: every named account but those holding it on this fund (asset-scoped roles are per asset). */
    const callersWithout = new Map<RoleName, HardhatEthersSigner[]>();
    beforeEach(async function () {
      world = await loadFixture(baseFixture);
      const authority = await ethers.getContractAt("AllianceAuthority", await world.contracts.authority.getAddress());
      const fundAddress = await world.contracts.fund.getAddress();
      for (const { role } of byRole.values()) {
        const callers: HardhatEthersSigner[] = [];
        for (const caller of Object.values(world.accounts)) {
          if (!(await authority.hasAssetRole(fundAddress, Role[role], caller.address))) callers.push(caller);
        }
        callersWithout.set(role, callers);
      }
    });
    for (const [key, { role, lifecycle, signatures }] of byRole) {
      describe(`restricted to ${key}`, function () {
        shouldBehaveLikeRestricted(
          () => ({
            authority: world.contracts.authority,
            target: lifecycle ? world.contracts.fund : world.contracts.token,
            callers: callersWithout.get(role)!,
          }),
          signatures,
          Role[role],
        );
      });
    }

    it("leaves requests and cancellations unrestricted: investors holding no role call them", async function () {
      const { fund, authority } = world.contracts;
      const { alice } = world.accounts;
      const address = await fund.getAddress();
      for (const signature of fundPublicFunctions) {
        const selector = ethers.id(signature).slice(0, 10);
        // Unmapped: the authority would answer ADMIN, which alice does not hold, were the function restricted.
        expect(await authority.getTargetFunctionRole(address, selector)).to.equal(Role.ADMIN);
        expect((await authority.canCall(alice.address, address, selector))[0]).to.equal(false);
      }
      const id = await subscribe(world, alice, 100n * USD);
      await expect(fund.connect(alice).cancelRequest(id)).to.emit(fund, "RequestCancelled");
    });
  });
});

/** ERC-165 id of the functions of `iface` other than `exclude`. */
function interfaceId(iface: Interface, exclude: string[]): string {
  let id = 0n;
  iface.forEachFunction((fragment) => {
    if (!exclude.includes(fragment.format("sighash"))) id ^= BigInt(fragment.selector);
  });
  return ethers.toBeHex(id, 4);
}
