import { expect } from "chai";
import { artifacts, ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Equity } from "../../../typechain-types";
import type { Interface } from "ethers";
import {
  Role,
  equityLifecyclePermissions,
  equityPermissions,
  equityPublicFunctions,
  type RoleName,
} from "../../../config/roles";
import { shouldBehaveLikeRestricted } from "../../behaviors/restricted";
import { CASH_DIVIDEND, encodeEquityTerms, entitlement, splitHolding } from "../../../sdk/products/equity";
const EQUITY_PRODUCT_TYPE = 1n; // ProductType.Equity (contracts/types/ProductType.sol)
import { DAY, HOLDINGS, MIN_CLAIM_PERIOD, SUPPLY, equityFixture, type EquityWorld } from "./equity";

/** A dividend of 1,000 dollars in the 6-decimal coin. */
const DIVIDEND = 1_000_000_000n;

async function deadlineIn(seconds: bigint): Promise<bigint> {
  return BigInt(await time.latest()) + seconds;
}

/** Everything observable about the equity's corporate actions, for "state unchanged" checks. */
async function stateOf(world: EquityWorld) {
  const { equity, coin, accounts, aliceSecond } = world;
  const wallets = [accounts.alice, aliceSecond, accounts.bob, accounts.carol, accounts.stranger].map((s) => s.address);
  const count = await equity.distributionCount();
  return {
    snapshot: await equity.currentSnapshotId(),
    distributions: count,
    last: count > 0n ? [...(await equity.distribution(count))] : null,
    splitCount: await equity.splitCount(),
    split: [...(await equity.currentSplit())],
    stopped: await equity.transfersStopped(),
    supply: await equity.totalSupply(),
    holders: await equity.holderCount(),
    holdingWallets: await equity.holdingWalletCount(),
    balances: await Promise.all(wallets.map((w) => equity.balanceOf(w))),
    coinOfToken: await coin.balanceOf(await equity.getAddress()),
    coinOfIssuer: await coin.balanceOf(accounts.issuer.address),
  };
}

/** IEquity (the complete interface) with the implementation's own functions (`upgradeToAndCall`, the hooks). */
function fullInterface(): Interface {
  const seen = new Set<string>();
  const fragments = [
    ...ethers.Interface.from(artifacts.readArtifactSync("IEquity").abi).fragments,
    ...ethers.Interface.from(artifacts.readArtifactSync("Equity").abi).fragments,
  ].filter((fragment) => {
    if (!["function", "event", "error"].includes(fragment.type)) return false;
    const key = fragment.format("sighash") + fragment.type;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return new ethers.Interface(fragments);
}

/** A new Equity implementation (with its own lifecycle) on the fixture's core. */
async function newImplementation(world: EquityWorld): Promise<Equity> {
  const lifecycle = await ethers.deployContract("EquityLifecycle");
  return (await ethers.deployContract("Equity", [
    world.contracts.compliance,
    world.contracts.identity,
    world.contracts.settlement,
    lifecycle,
  ])) as unknown as Equity;
}

describe("Equity", function () {
  describe("initialize", function () {
    it("stores the terms, the instrument and the product type", async function () {
      const { equity, terms, accounts } = await loadFixture(equityFixture);
      const stored = await equity.terms();
      expect(stored.settlementCoin).to.equal(terms.settlementCoin);
      expect(stored.shareClass).to.equal(ethers.encodeBytes32String("ORDINARY"));
      expect(stored.minClaimPeriod).to.equal(MIN_CLAIM_PERIOD);
      expect(await equity.settlementCoin()).to.equal(terms.settlementCoin);
      expect(await equity.productType()).to.equal(EQUITY_PRODUCT_TYPE);
      expect(await equity.issuer()).to.equal(accounts.issuer.address);
      expect(await equity.decimals()).to.equal(0n);
    });

    it("emits EquityTermsSet", async function () {
      const world = await loadFixture(equityFixture);
      const { contracts, terms } = world;
      const implementation = await newImplementation(world);
      const init = implementation.interface.encodeFunctionData("initialize", [
        await contracts.authority.getAddress(),
        world.instrument,
        [],
        encodeEquityTerms(terms),
      ]);
      const proxy = await ethers.deployContract("ERC1967Proxy", [implementation, init]);
      const equity = await ethers.getContractAt("IEquity", await proxy.getAddress());
      await expect(proxy.deploymentTransaction())
        .to.emit(equity, "EquityTermsSet")
        .withArgs([terms.settlementCoin, MIN_CLAIM_PERIOD, ethers.encodeBytes32String("ORDINARY")]);
    });

    context("with terms that are not one EquityTerms tuple, or name no coin contract or no share class", function () {
      it("reverts with EquityInvalidTerms", async function () {
        const world = await loadFixture(equityFixture);
        const { contracts, accounts, terms } = world;
        const implementation = await newImplementation(world);
        const lifecycle = await ethers.getContractAt("EquityLifecycle", await implementation.equityLifecycle());
        const bad = [
          "0x",
          encodeEquityTerms(terms) + "00",
          encodeEquityTerms({ ...terms, settlementCoin: ethers.ZeroAddress }),
          encodeEquityTerms({ ...terms, settlementCoin: accounts.alice.address }),
          encodeEquityTerms({ ...terms, shareClass: ethers.ZeroHash }),
          // The token itself as its settlement coin: the proxy's address, known before it is deployed.
          "self",
        ];
        const [deployer] = await ethers.getSigners();
        for (const entry of bad) {
          const self = ethers.getCreateAddress({ from: deployer.address, nonce: await deployer.getNonce() });
          const termsBytes = entry === "self" ? encodeEquityTerms({ ...terms, settlementCoin: self }) : entry;
          const init = implementation.interface.encodeFunctionData("initialize", [
            await contracts.authority.getAddress(),
            world.instrument,
            [],
            termsBytes,
          ]);
          await expect(
            ethers.deployContract("ERC1967Proxy", [implementation, init]),
            entry,
          ).to.be.revertedWithCustomError(lifecycle, "EquityInvalidTerms");
        }
      });
    });

    it("cannot run on the implementation itself", async function () {
      const world = await loadFixture(equityFixture);
      const { contracts, terms } = world;
      const implementation = await newImplementation(world);
      await expect(
        implementation.initialize(
          await contracts.authority.getAddress(),
          world.instrument,
          [],
          encodeEquityTerms(terms),
        ),
      ).to.be.revertedWithCustomError(implementation, "InvalidInitialization");
    });
  });

  describe("the lifecycle behind the fallback", function () {
    it("names its EquityLifecycle", async function () {
      const { token } = await loadFixture(equityFixture);
      const lifecycle = await token.equityLifecycle();
      expect(await ethers.provider.getCode(lifecycle)).to.not.equal("0x");
    });

    context("when the constructor is given a lifecycle without code", function () {
      it("reverts with EquityInvalidLifecycle", async function () {
        const { contracts, token, accounts } = await loadFixture(equityFixture);
        await expect(
          ethers.deployContract("Equity", [
            contracts.compliance,
            contracts.identity,
            contracts.settlement,
            accounts.stranger.address,
          ]),
        )
          .to.be.revertedWithCustomError(token, "EquityInvalidLifecycle")
          .withArgs(accounts.stranger.address);
      });
    });

    context("when initializeEquity is called after initialization", function () {
      it("reverts with NotInitializing and leaves the terms", async function () {
        const { equity, token, terms, accounts } = await loadFixture(equityFixture);
        const before = [...(await equity.terms())];
        await expect(
          equity.connect(accounts.issuer).initializeEquity(encodeEquityTerms({ ...terms, minClaimPeriod: 0n })),
        ).to.be.revertedWithCustomError(token, "NotInitializing");
        expect([...(await equity.terms())]).to.deep.equal(before);
      });
    });

    context("when a selector neither contract has is called", function () {
      it("reverts", async function () {
        const { token, accounts } = await loadFixture(equityFixture);
        await expect(accounts.alice.sendTransaction({ to: await token.getAddress(), data: "0xdeadbeef" })).to.be
          .reverted;
      });
    });

    for (const [name, call] of [
      ["equityIssue", (t: Equity, a: string) => t.equityIssue(a, 1n)],
      ["equityBurn", (t: Equity, a: string) => t.equityBurn(a, 1n)],
      ["equitySnapshot", (t: Equity) => t.equitySnapshot()],
      ["equitySetTransfersStopped", (t: Equity) => t.equitySetTransfersStopped(true)],
    ] as const) {
      context(`when anyone but the token itself calls ${name}`, function () {
        it("reverts with EquityOnlySelf", async function () {
          const world = await loadFixture(equityFixture);
          const before = await stateOf(world);
          for (const caller of [world.agent, world.accounts.issuer, world.accounts.alice]) {
            await expect(call(world.token.connect(caller), world.accounts.alice.address))
              .to.be.revertedWithCustomError(world.token, "EquityOnlySelf")
              .withArgs(caller.address);
          }
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });
    }
  });

  describe("supportsInterface", function () {
    it("answers true for IEquity, IDistributions and ERC-165, false otherwise", async function () {
      const { equity, token } = await loadFixture(equityFixture);
      const selectorXor = (iface: Interface, own: string[]) =>
        own.map((signature) => BigInt(iface.getFunction(signature)!.selector)).reduce((a, b) => a ^ b, 0n);
      const iface = equity.interface as unknown as Interface;
      const distributions = [
        "claim(uint256)",
        "pushPayments(uint256,address[])",
        "reclaimUnclaimed(uint256)",
        "settlementCoin()",
        "distributionCount()",
        "distribution(uint256)",
        "entitlementOf(uint256,address)",
        "isPaid(uint256,address)",
        "claimableOf(uint256,address)",
        "claimFor(uint256,address)",
        "recordRecovery(address,address)",
        "payeeOf(address)",
      ];
      const equityOwn = [
        "initializeEquity(bytes)",
        "declareDividend(uint256,uint256,uint48)",
        "beginSplit(uint32,uint32)",
        "applySplit(address[])",
        "completeSplit()",
        "abortSplit()",
        "terms()",
        "splitCount()",
        "currentSplit()",
        "isSplitApplied(address)",
      ];
      const hex = (x: bigint) => "0x" + x.toString(16).padStart(8, "0");
      expect(await token.supportsInterface(hex(selectorXor(iface, distributions)))).to.equal(true);
      expect(await token.supportsInterface(hex(selectorXor(iface, equityOwn)))).to.equal(true);
      expect(await token.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await token.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("declareDividend", function () {
    context("with record snapshot 0", function () {
      it("takes the record snapshot, pulls the dividend and emits Snapshot, DistributionDeclared, DividendDeclared", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, coin, accounts } = world;
        const { issuer } = accounts;
        const deadline = await deadlineIn(MIN_CLAIM_PERIOD + DAY);
        expect(await equity.connect(issuer).declareDividend.staticCall(0n, DIVIDEND, deadline)).to.deep.equal([1n, 1n]);
        const tx = equity.connect(issuer).declareDividend(0n, DIVIDEND, deadline);
        await expect(tx).to.emit(equity, "Snapshot").withArgs(1n);
        await expect(tx)
          .to.emit(equity, "DistributionDeclared")
          .withArgs(1n, CASH_DIVIDEND, 1n, issuer.address, DIVIDEND, SUPPLY, deadline);
        await expect(tx).to.emit(equity, "DividendDeclared").withArgs(1n, 1n, DIVIDEND, deadline);
        await expect(tx).to.changeTokenBalances(coin, [issuer, equity], [-DIVIDEND, DIVIDEND]);
        expect(await equity.currentSnapshotId()).to.equal(1n);
        const d = await equity.distribution(1n);
        expect(d.snapshotId).to.equal(1n);
        expect(d.kind).to.equal(CASH_DIVIDEND);
        expect(d.eligibleSupply).to.equal(SUPPLY);
      });
    });

    context("with a record snapshot taken earlier", function () {
      it("pays the holders of the record date, not of the declaration date", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, accounts, agent } = world;
        const { issuer, alice, bob } = accounts;
        await equity.connect(agent).snapshot();
        await equity.connect(alice).transfer(bob.address, 100n);
        const deadline = await deadlineIn(MIN_CLAIM_PERIOD + DAY);
        await expect(equity.connect(issuer).declareDividend(1n, DIVIDEND, deadline))
          .to.emit(equity, "DividendDeclared")
          .withArgs(1n, 1n, DIVIDEND, deadline)
          .and.not.to.emit(equity, "Snapshot");
        expect(await equity.entitlementOf(1n, alice.address)).to.equal(entitlement(HOLDINGS.alice, DIVIDEND, SUPPLY));
        expect(await equity.entitlementOf(1n, bob.address)).to.equal(entitlement(HOLDINGS.bob, DIVIDEND, SUPPLY));
      });
    });

    context("when the record snapshot does not exist yet", function () {
      it("reverts with SecurityTokenUnknownSnapshot", async function () {
        const world = await loadFixture(equityFixture);
        const before = await stateOf(world);
        await expect(
          world.equity
            .connect(world.accounts.issuer)
            .declareDividend(1n, DIVIDEND, await deadlineIn(MIN_CLAIM_PERIOD + DAY)),
        )
          .to.be.revertedWithCustomError(world.equity, "SecurityTokenUnknownSnapshot")
          .withArgs(1n, 0n);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });

    context("when the claim period is shorter than the terms' minimum", function () {
      it("reverts with EquityClaimPeriodTooShort", async function () {
        const world = await loadFixture(equityFixture);
        const now = BigInt(await time.latest()) + 1n;
        await time.setNextBlockTimestamp(now);
        const before = await stateOf(world);
        const deadline = now + MIN_CLAIM_PERIOD - 1n;
        await expect(world.equity.connect(world.accounts.issuer).declareDividend(0n, DIVIDEND, deadline))
          .to.be.revertedWithCustomError(world.equity, "EquityClaimPeriodTooShort")
          .withArgs(deadline, now + MIN_CLAIM_PERIOD);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });

    context("when the amount is zero", function () {
      it("reverts with DistributionsInvalidAmount", async function () {
        const world = await loadFixture(equityFixture);
        const before = await stateOf(world);
        await expect(
          world.equity.connect(world.accounts.issuer).declareDividend(0n, 0n, await deadlineIn(MIN_CLAIM_PERIOD + DAY)),
        )
          .to.be.revertedWithCustomError(world.equity, "DistributionsInvalidAmount")
          .withArgs(0n);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });

    context("while a split is in progress", function () {
      it("reverts with EquitySplitInProgress", async function () {
        const world = await loadFixture(equityFixture);
        await world.equity.connect(world.accounts.issuer).beginSplit(2, 1);
        const before = await stateOf(world);
        await expect(
          world.equity
            .connect(world.accounts.issuer)
            .declareDividend(0n, DIVIDEND, await deadlineIn(MIN_CLAIM_PERIOD + DAY)),
        )
          .to.be.revertedWithCustomError(world.equity, "EquitySplitInProgress")
          .withArgs(1n);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });

    context("when the caller is not the asset's issuer", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        const world = await loadFixture(equityFixture);
        const before = await stateOf(world);
        const deadline = await deadlineIn(MIN_CLAIM_PERIOD + DAY);
        for (const caller of [world.agent, world.accounts.alice, world.accounts.stranger]) {
          await expect(world.equity.connect(caller).declareDividend(0n, DIVIDEND, deadline))
            .to.be.revertedWithCustomError(world.token, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });
  });

  describe("a cash dividend end to end", function () {
    it("pays each wallet its share through claims and pushes, and returns unclaimed money and dust to the issuer", async function () {
      const world = await loadFixture(equityFixture);
      const { equity, coin, accounts, agent, aliceSecond } = world;
      const { issuer, alice, bob, carol } = accounts;
      const amount = 1_000_003n; // not a multiple of the supply: there is dust
      const deadline = await deadlineIn(MIN_CLAIM_PERIOD + DAY);
      await equity.connect(issuer).declareDividend(0n, amount, deadline);
      const due = {
        alice: entitlement(HOLDINGS.alice, amount, SUPPLY),
        aliceSecond: entitlement(HOLDINGS.aliceSecond, amount, SUPPLY),
        bob: entitlement(HOLDINGS.bob, amount, SUPPLY),
        carol: entitlement(HOLDINGS.carol, amount, SUPPLY),
      };
      const dust = amount - due.alice - due.aliceSecond - due.bob - due.carol;
      expect(dust).to.be.greaterThan(0n);

      // Shares traded after the record date change nothing.
      await equity.connect(alice).transfer(carol.address, 200n);

      // Each of alice's wallets claims for itself.
      await expect(equity.connect(alice).claim(1n)).to.changeTokenBalance(coin, alice, due.alice);
      await expect(equity.connect(aliceSecond).claim(1n)).to.changeTokenBalance(coin, aliceSecond, due.aliceSecond);
      // The agent pushes bob's; carol never claims.
      await expect(equity.connect(agent).pushPayments(1n, [alice.address, bob.address])).to.changeTokenBalances(
        coin,
        [alice, bob],
        [0n, due.bob],
      );

      await time.increaseTo(deadline + 1n);
      await expect(equity.connect(issuer).reclaimUnclaimed(1n))
        .to.emit(equity, "DistributionReclaimed")
        .withArgs(1n, issuer.address, due.carol + dust, HOLDINGS.carol);
      expect(await coin.balanceOf(await equity.getAddress())).to.equal(0n);
      const d = await equity.distribution(1n);
      expect(d.paid).to.equal(due.alice + due.aliceSecond + due.bob);
      expect(d.reclaimed).to.equal(true);
    });

    context("while a split is in progress", function () {
      it("claims and pushes revert with DistributionsPaymentsStopped", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, accounts, agent } = world;
        await equity.connect(accounts.issuer).declareDividend(0n, DIVIDEND, await deadlineIn(MIN_CLAIM_PERIOD + DAY));
        await equity.connect(accounts.issuer).beginSplit(2, 1);
        const before = await stateOf(world);
        await expect(equity.connect(accounts.alice).claim(1n)).to.be.revertedWithCustomError(
          equity,
          "DistributionsPaymentsStopped",
        );
        await expect(equity.connect(agent).pushPayments(1n, [accounts.bob.address])).to.be.revertedWithCustomError(
          equity,
          "DistributionsPaymentsStopped",
        );
        expect(await equity.claimableOf(1n, accounts.alice.address)).to.equal(0n);
        expect(await stateOf(world)).to.deep.equal(before);
      });
    });

    context("declared before a split and claimed after it", function () {
      it("pays by the record-date holdings (pre-split units)", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, accounts, agent, aliceSecond, coin } = world;
        const { issuer, alice, bob, carol } = accounts;
        await equity.connect(issuer).declareDividend(0n, DIVIDEND, await deadlineIn(MIN_CLAIM_PERIOD + DAY));
        await equity.connect(issuer).beginSplit(2, 1);
        await equity.connect(agent).applySplit([alice.address, aliceSecond.address, bob.address, carol.address]);
        await equity.connect(agent).completeSplit();
        await expect(equity.connect(bob).claim(1n)).to.changeTokenBalance(
          coin,
          bob,
          entitlement(HOLDINGS.bob, DIVIDEND, SUPPLY),
        );
      });
    });
  });

  describe("splits and consolidations", function () {
    async function runSplit(world: EquityWorld, numerator: number, denominator: number) {
      const { equity, accounts, agent, aliceSecond } = world;
      const wallets = [accounts.alice, aliceSecond, accounts.bob, accounts.carol].map((s) => s.address);
      const before = await Promise.all(wallets.map((w) => equity.balanceOf(w)));
      await equity.connect(accounts.issuer).beginSplit(numerator, denominator);
      const applied = equity.connect(agent).applySplit(wallets);
      for (let i = 0; i < wallets.length; i++) {
        const { after, fraction } = splitHolding(before[i], numerator, denominator);
        await expect(applied).to.emit(equity, "SplitApplied").withArgs(1n, wallets[i], before[i], after, fraction);
      }
      const expected = before.map((b) => splitHolding(b, numerator, denominator).after);
      const supplyAfter = expected.reduce((a, b) => a + b, 0n);
      await expect(equity.connect(agent).completeSplit())
        .to.emit(equity, "SplitCompleted")
        .withArgs(1n, SUPPLY_BEFORE(before), supplyAfter)
        .and.to.emit(equity, "TransfersResumed");
      for (let i = 0; i < wallets.length; i++) expect(await equity.balanceOf(wallets[i])).to.equal(expected[i]);
      expect(await equity.totalSupply()).to.equal(supplyAfter);
      expect(await equity.transfersStopped()).to.equal(false);
      return { before, expected, wallets };
    }
    const SUPPLY_BEFORE = (balances: bigint[]) => balances.reduce((a, b) => a + b, 0n);

    describe("beginSplit", function () {
      it("takes the record snapshot, stops transfers and emits SplitBegun", async function () {
        const { equity, accounts } = await loadFixture(equityFixture);
        expect(await equity.connect(accounts.issuer).beginSplit.staticCall(2, 1)).to.equal(1n);
        const tx = equity.connect(accounts.issuer).beginSplit(2, 1);
        await expect(tx).to.emit(equity, "Snapshot").withArgs(1n);
        await expect(tx).to.emit(equity, "TransfersStopped");
        await expect(tx).to.emit(equity, "SplitBegun").withArgs(1n, 1n, 2, 1, 4n);
        expect(await equity.transfersStopped()).to.equal(true);
        expect(await equity.splitCount()).to.equal(1n);
        const split = await equity.currentSplit();
        expect([...split]).to.deep.equal([1n, 2n, 1n, 4n, 0n, true]);
      });

      it("stops transfers between holders until the split completes", async function () {
        const { equity, accounts } = await loadFixture(equityFixture);
        await equity.connect(accounts.issuer).beginSplit(2, 1);
        await expect(equity.connect(accounts.alice).transfer(accounts.bob.address, 1n)).to.be.revertedWithCustomError(
          equity,
          "SecurityTokenTransfersStopped",
        );
      });

      for (const [numerator, denominator] of [
        [0, 1],
        [1, 0],
        [3, 3],
        [1_000_001, 1],
        [1, 1_000_001],
      ]) {
        context(`with ratio ${numerator}:${denominator}`, function () {
          it("reverts with EquityInvalidRatio", async function () {
            const world = await loadFixture(equityFixture);
            const before = await stateOf(world);
            await expect(world.equity.connect(world.accounts.issuer).beginSplit(numerator, denominator))
              .to.be.revertedWithCustomError(world.equity, "EquityInvalidRatio")
              .withArgs(numerator, denominator);
            expect(await stateOf(world)).to.deep.equal(before);
          });
        });
      }

      context("while another split is in progress", function () {
        it("reverts with EquitySplitInProgress", async function () {
          const world = await loadFixture(equityFixture);
          await world.equity.connect(world.accounts.issuer).beginSplit(2, 1);
          const before = await stateOf(world);
          await expect(world.equity.connect(world.accounts.issuer).beginSplit(3, 1))
            .to.be.revertedWithCustomError(world.equity, "EquitySplitInProgress")
            .withArgs(1n);
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });

      context("when the caller is not the asset's issuer", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          const world = await loadFixture(equityFixture);
          const before = await stateOf(world);
          for (const caller of [world.agent, world.accounts.alice, world.accounts.stranger]) {
            await expect(world.equity.connect(caller).beginSplit(2, 1))
              .to.be.revertedWithCustomError(world.token, "AccessManagedUnauthorized")
              .withArgs(caller.address);
          }
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });
    });

    describe("a 2:1 split", function () {
      it("doubles every holding exactly and keeps the holder count", async function () {
        const world = await loadFixture(equityFixture);
        const holders = await world.equity.holderCount();
        await runSplit(world, 2, 1);
        expect(await world.equity.totalSupply()).to.equal(SUPPLY * 2n);
        expect(await world.equity.holderCount()).to.equal(holders);
        expect(await world.equity.balanceOfAt(world.accounts.alice.address, 1n)).to.equal(HOLDINGS.alice);
      });
    });

    describe("a 3:2 split", function () {
      it("converts to floor(b × 3 / 2) and reports the half unit not issued", async function () {
        const world = await loadFixture(equityFixture);
        await world.equity.connect(world.agent).mint(world.accounts.carol.address, 1n); // carol 101: 151.5
        const { expected } = await runSplit(world, 3, 2);
        expect(expected).to.deep.equal([900n, 225n, 450n, 151n]);
      });
    });

    describe("a 1:10 consolidation", function () {
      it("burns the fractions, reports them for cash in lieu, and drops holders left with nothing", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, accounts, agent } = world;
        await equity.connect(agent).burn(accounts.carol.address, 93n); // carol 7: 0.7 of a new share
        await equity.connect(agent).mint(accounts.bob.address, 5n); //    bob 305: 30.5
        const holders = await equity.holderCount();
        const { expected } = await runSplit(world, 1, 10);
        expect(expected).to.deep.equal([60n, 15n, 30n, 0n]);
        expect(await equity.holderCount()).to.equal(holders - 1n);
        expect(await equity.holdingWalletCount()).to.equal(3n);
      });
    });

    describe("applySplit", function () {
      it("skips wallets converted already, listed twice or holding nothing, across batches", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, accounts, agent, aliceSecond } = world;
        const { alice, bob, carol, stranger, issuer } = accounts;
        await equity.connect(issuer).beginSplit(2, 1);
        expect(
          await equity.connect(agent).applySplit.staticCall([alice.address, alice.address, stranger.address]),
        ).to.equal(1n);
        await equity.connect(agent).applySplit([alice.address, alice.address, stranger.address]);
        expect(await equity.isSplitApplied(alice.address)).to.equal(true);
        expect(await equity.isSplitApplied(bob.address)).to.equal(false);
        await expect(
          equity.connect(agent).applySplit([alice.address, bob.address, await equity.getAddress()]),
        ).to.changeTokenBalances(equity, [alice, bob], [0n, HOLDINGS.bob]);
        expect((await equity.currentSplit()).walletsConverted).to.equal(2n);
        await equity.connect(agent).applySplit([aliceSecond.address, carol.address]);
        expect((await equity.currentSplit()).walletsConverted).to.equal(4n);
        await equity.connect(agent).completeSplit();
        expect(await equity.isSplitApplied(alice.address)).to.equal(false);
        expect(await equity.balanceOf(alice.address)).to.equal(HOLDINGS.alice * 2n);
      });

      context("when an agent moved tokens between unconverted wallets during the split", function () {
        it("converts each wallet's balance when converted: the split stays exact", async function () {
          const world = await loadFixture(equityFixture);
          const { equity, accounts, agent } = world;
          const { alice, bob, issuer } = accounts;
          await equity.connect(issuer).beginSplit(2, 1);
          await equity.connect(agent).forcedTransfer(bob.address, alice.address, 10n);
          await expect(equity.connect(agent).applySplit([bob.address, alice.address]))
            .to.emit(equity, "SplitApplied")
            .withArgs(1n, bob.address, HOLDINGS.bob - 10n, (HOLDINGS.bob - 10n) * 2n, 0n)
            .and.to.emit(equity, "SplitApplied")
            .withArgs(1n, alice.address, HOLDINGS.alice + 10n, (HOLDINGS.alice + 10n) * 2n, 0n);
        });
      });

      context("when no split is in progress", function () {
        it("reverts with EquityNoSplitInProgress", async function () {
          const world = await loadFixture(equityFixture);
          const before = await stateOf(world);
          await expect(
            world.equity.connect(world.agent).applySplit([world.accounts.alice.address]),
          ).to.be.revertedWithCustomError(world.equity, "EquityNoSplitInProgress");
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });

      context("when the caller is not the asset's agent", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          const world = await loadFixture(equityFixture);
          await world.equity.connect(world.accounts.issuer).beginSplit(2, 1);
          const before = await stateOf(world);
          for (const caller of [world.accounts.issuer, world.accounts.alice, world.accounts.stranger]) {
            await expect(world.equity.connect(caller).applySplit([world.accounts.alice.address]))
              .to.be.revertedWithCustomError(world.token, "AccessManagedUnauthorized")
              .withArgs(caller.address);
          }
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });
    });

    describe("completeSplit", function () {
      context("before every holding wallet is converted", function () {
        it("reverts with EquitySplitIncomplete", async function () {
          const world = await loadFixture(equityFixture);
          const { equity, accounts, agent } = world;
          await equity.connect(accounts.issuer).beginSplit(2, 1);
          await equity.connect(agent).applySplit([accounts.alice.address, accounts.bob.address]);
          const before = await stateOf(world);
          await expect(equity.connect(agent).completeSplit())
            .to.be.revertedWithCustomError(equity, "EquitySplitIncomplete")
            .withArgs(1n, 2n, 4n);
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });

      context("when no split is in progress", function () {
        it("reverts with EquityNoSplitInProgress", async function () {
          const world = await loadFixture(equityFixture);
          const before = await stateOf(world);
          await expect(world.equity.connect(world.agent).completeSplit()).to.be.revertedWithCustomError(
            world.equity,
            "EquityNoSplitInProgress",
          );
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });

      context("when the caller is not the asset's agent", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          const world = await loadFixture(equityFixture);
          const { equity, accounts, agent, aliceSecond } = world;
          await equity.connect(accounts.issuer).beginSplit(2, 1);
          await equity
            .connect(agent)
            .applySplit([accounts.alice.address, aliceSecond.address, accounts.bob.address, accounts.carol.address]);
          const before = await stateOf(world);
          for (const caller of [accounts.issuer, accounts.alice, accounts.stranger]) {
            await expect(equity.connect(caller).completeSplit())
              .to.be.revertedWithCustomError(world.token, "AccessManagedUnauthorized")
              .withArgs(caller.address);
          }
          expect(await stateOf(world)).to.deep.equal(before);
        });
      });

      it("lets a second split follow the first", async function () {
        const world = await loadFixture(equityFixture);
        await runSplit(world, 2, 1);
        const { equity, accounts, agent, aliceSecond } = world;
        await expect(equity.connect(accounts.issuer).beginSplit(1, 2))
          .to.emit(equity, "SplitBegun")
          .withArgs(2n, 2n, 1, 2, 4n);
        await equity
          .connect(agent)
          .applySplit([accounts.alice.address, aliceSecond.address, accounts.bob.address, accounts.carol.address]);
        await equity.connect(agent).completeSplit();
        expect(await equity.totalSupply()).to.equal(SUPPLY);
      });
    });
  });

  describe("upgrades", function () {
    it("has an upgrade-safe implementation (ERC-7201 storage, immutables and constructor allowed)", async function () {
      const { contracts, token } = await loadFixture(equityFixture);
      const factory = await ethers.getContractFactory("Equity");
      const constructorArgs = [
        await contracts.compliance.getAddress(),
        await contracts.identity.getAddress(),
        await contracts.settlement.getAddress(),
        await token.equityLifecycle(),
      ];
      // The plugin encodes the constructor arguments (its option types leave `constructorArgs` out).
      const options = { kind: "uups", constructorArgs } as Parameters<typeof upgrades.validateImplementation>[1];
      await upgrades.validateImplementation(factory, options);
      // The lifecycle runs in the equity's storage: its namespaces must be upgrade-safe too.
      await upgrades.validateImplementation(await ethers.getContractFactory("EquityLifecycle"), {
        kind: "transparent",
      });
      await upgrades.validateUpgrade(factory, factory, options as Parameters<typeof upgrades.validateUpgrade>[2]);
    });

    context("when ASSET_FACTORY upgrades an asset in the middle of a split with a dividend open", function () {
      it("keeps terms, distributions, the split, its stopped transfers and the register", async function () {
        const world = await loadFixture(equityFixture);
        const { equity, token, accounts, agent, contracts } = world;
        const { issuer, alice, deployer } = accounts;
        await equity.connect(issuer).declareDividend(0n, DIVIDEND, await deadlineIn(MIN_CLAIM_PERIOD + DAY));
        await equity.connect(alice).claim(1n);
        await equity.connect(issuer).beginSplit(3, 2);
        await equity.connect(agent).applySplit([alice.address]);
        const view = async () => [
          await stateOf(world),
          [...(await equity.terms())],
          await equity.isPaid(1n, alice.address),
          await equity.isSplitApplied(alice.address),
          await equity.balanceOfAt(alice.address, 2n),
        ];
        const before = await view();
        await contracts.authority.connect(deployer).grantRole(Role.ASSET_FACTORY, deployer.address, 0);
        const next = await newImplementation(world);
        await expect(token.connect(deployer).upgradeToAndCall(await next.getAddress(), "0x"))
          .to.emit(token, "Upgraded")
          .withArgs(await next.getAddress());
        expect(await view()).to.deep.equal(before);
        expect(await equity.transfersStopped()).to.equal(true);
      });
    });

    context("when the caller does not hold ASSET_FACTORY", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        const world = await loadFixture(equityFixture);
        const { token, accounts, agent } = world;
        const next = await newImplementation(world);
        for (const caller of [accounts.issuer, agent, accounts.governor, accounts.stranger]) {
          await expect(token.connect(caller).upgradeToAndCall(await next.getAddress(), "0x"))
            .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    });
  });

  describe("roles", function () {
    it("the authority maps every function of the Equity table to its role, and claim to none", async function () {
      const { equity, contracts } = await loadFixture(equityFixture);
      const address = await equity.getAddress();
      const iface = fullInterface();
      for (const [signature, role] of Object.entries(equityPermissions)) {
        const selector = iface.getFunction(signature)!.selector;
        expect(await contracts.authority.getTargetFunctionRole(address, selector), signature).to.equal(Role[role]);
      }
      for (const signature of equityPublicFunctions) {
        expect(signature in equityPermissions, signature).to.equal(false);
      }
    });

    it("lets anyone claim: claim is not restricted", async function () {
      const { equity, accounts, contracts } = await loadFixture(equityFixture);
      const selector = (equity.interface as unknown as Interface).getFunction("claim(uint256)")!.selector;
      const [allowed] = await contracts.authority.canCall(
        accounts.stranger.address,
        await equity.getAddress(),
        selector,
      );
      expect(allowed).to.equal(false);
      await expect(equity.connect(accounts.stranger).claim(1n))
        .to.be.revertedWithCustomError(equity, "DistributionsUnknownDistribution")
        .withArgs(1n);
    });
  });

  describe("access matrix", function () {
    let world: EquityWorld;
    beforeEach(async function () {
      world = await loadFixture(equityFixture);
    });
    const byRole = new Map<RoleName, string[]>();
    for (const [signature, role] of Object.entries(equityLifecyclePermissions)) {
      byRole.set(role, [...(byRole.get(role) ?? []), signature]);
    }
    for (const [role, signatures] of byRole) {
      describe(`restricted to ${role}`, function () {
        shouldBehaveLikeRestricted(
          () => ({
            authority: world.contracts.authority,
            target: { getAddress: () => world.equity.getAddress(), interface: fullInterface() },
            callers: Object.values(world.accounts),
          }),
          signatures,
          Role[role],
        );
      });
    }
  });
});
