import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { DistributionsMock, FeeOnTransferCoinMock } from "../../../typechain-types";
import {
  DAY,
  SNAP,
  deadlineIn,
  distributionsFixture,
  entitlement,
  setRegister,
  type DistributionsWorld,
} from "./distributions";

const MAX_UINT128 = 2n ** 128n - 1n;
const KIND = 7n;

// The register at SNAP: the token itself holds 1,000 (escrow: not entitled), the holders 999 between them.
const ALICE_UNITS = 500n;
const BOB_UNITS = 300n;
const CAROL_UNITS = 199n;
const TOKEN_UNITS = 1_000n;
const ELIGIBLE = ALICE_UNITS + BOB_UNITS + CAROL_UNITS;
const FUNDED = 1_000_000n;
const ALICE_DUE = entitlement(ALICE_UNITS, FUNDED, ELIGIBLE); // 500,500
const BOB_DUE = entitlement(BOB_UNITS, FUNDED, ELIGIBLE); //     300,300
const CAROL_DUE = entitlement(CAROL_UNITS, FUNDED, ELIGIBLE); // 199,199
const DUST = FUNDED - ALICE_DUE - BOB_DUE - CAROL_DUE; //          1

/** The fixture with the register set at SNAP and one distribution of FUNDED declared by the issuer (id 1). */
async function declaredFixture() {
  const world = await distributionsFixture();
  const { token, accounts } = world;
  const { alice, bob, carol } = accounts;
  await setRegister(token, SNAP, [
    [alice.address, ALICE_UNITS],
    [bob.address, BOB_UNITS],
    [carol.address, CAROL_UNITS],
    [await token.getAddress(), TOKEN_UNITS],
  ]);
  const deadline = await deadlineIn(30n);
  await token.connect(accounts.issuer).declare(KIND, SNAP, FUNDED, deadline);
  return { ...world, deadline, id: 1n };
}

/** Everything observable about distribution `id` and the coin balances around it. */
async function stateOf(world: DistributionsWorld, id: bigint) {
  const { token, coin, accounts } = world;
  const { alice, bob, carol, issuer, stranger } = accounts;
  const holders = [alice, bob, carol, stranger].map((s) => s.address);
  const count = await token.distributionCount();
  return {
    count,
    distribution: id <= count && id > 0n ? [...(await token.distribution(id))] : null,
    paid: id <= count && id > 0n ? await Promise.all(holders.map((h) => token.isPaid(id, h))) : null,
    tokenCoins: await coin.balanceOf(await token.getAddress()),
    issuerCoins: await coin.balanceOf(issuer.address),
    holderCoins: await Promise.all(holders.map((h) => coin.balanceOf(h))),
  };
}

describe("Distributions", function () {
  describe("declaring (the extension's _declareDistribution)", function () {
    async function registerFixture() {
      const world = await distributionsFixture();
      const { token, accounts } = world;
      await setRegister(token, SNAP, [
        [accounts.alice.address, ALICE_UNITS],
        [accounts.bob.address, BOB_UNITS],
        [accounts.carol.address, CAROL_UNITS],
        [await token.getAddress(), TOKEN_UNITS],
      ]);
      return world;
    }

    context("with a register and an approved, funded declarer", function () {
      it("records the distribution, pulls the coin in and emits DistributionDeclared", async function () {
        const world = await loadFixture(registerFixture);
        const { token, coin, accounts } = world;
        const { issuer } = accounts;
        const deadline = await deadlineIn(30n);
        const tx = token.connect(issuer).declare(KIND, SNAP, FUNDED, deadline);
        await expect(tx)
          .to.emit(token, "DistributionDeclared")
          .withArgs(1n, KIND, SNAP, issuer.address, FUNDED, ELIGIBLE, deadline);
        await expect(tx).to.changeTokenBalances(coin, [issuer, token], [-FUNDED, FUNDED]);
        expect(await token.distributionCount()).to.equal(1n);
        const d = await token.distribution(1n);
        expect(d.funded).to.equal(FUNDED);
        expect(d.paid).to.equal(0n);
        expect(d.eligibleSupply).to.equal(ELIGIBLE);
        expect(d.paidSupply).to.equal(0n);
        expect(d.deadline).to.equal(deadline);
        expect(d.snapshotId).to.equal(SNAP);
        expect(d.declaredAt).to.equal(BigInt(await time.latest()));
        expect(d.kind).to.equal(KIND);
        expect(d.reclaimed).to.equal(false);
        expect(d.funder).to.equal(issuer.address);
      });

      it("leaves the token's own snapshot balance out of the eligible supply", async function () {
        const { token } = await loadFixture(registerFixture);
        expect(await token.eligibleSupplyAt(SNAP)).to.equal(ELIGIBLE);
      });

      it("numbers distributions from 1 upwards", async function () {
        const { token, accounts } = await loadFixture(registerFixture);
        const deadline = await deadlineIn(30n);
        await token.connect(accounts.issuer).declare(KIND, SNAP, FUNDED, deadline);
        await expect(token.connect(accounts.issuer).declare(KIND + 1n, SNAP, 5n, deadline))
          .to.emit(token, "DistributionDeclared")
          .withArgs(2n, KIND + 1n, SNAP, accounts.issuer.address, 5n, ELIGIBLE, deadline);
        expect(await token.distributionCount()).to.equal(2n);
      });
    });

    context("when the amount is zero", function () {
      it("reverts with DistributionsInvalidAmount", async function () {
        const world = await loadFixture(registerFixture);
        const before = await stateOf(world, 1n);
        await expect(world.token.connect(world.accounts.issuer).declare(KIND, SNAP, 0n, await deadlineIn(30n)))
          .to.be.revertedWithCustomError(world.token, "DistributionsInvalidAmount")
          .withArgs(0n);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when the amount exceeds 128 bits", function () {
      it("reverts with DistributionsInvalidAmount", async function () {
        const world = await loadFixture(registerFixture);
        const before = await stateOf(world, 1n);
        await expect(
          world.token.connect(world.accounts.issuer).declare(KIND, SNAP, MAX_UINT128 + 1n, await deadlineIn(30n)),
        )
          .to.be.revertedWithCustomError(world.token, "DistributionsInvalidAmount")
          .withArgs(MAX_UINT128 + 1n);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when the deadline is not in the future", function () {
      it("reverts with DistributionsInvalidDeadline", async function () {
        const world = await loadFixture(registerFixture);
        const before = await stateOf(world, 1n);
        const now = BigInt(await time.latest()) + 1n;
        await time.setNextBlockTimestamp(now);
        await expect(world.token.connect(world.accounts.issuer).declare(KIND, SNAP, FUNDED, now))
          .to.be.revertedWithCustomError(world.token, "DistributionsInvalidDeadline")
          .withArgs(now, now);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when nobody but the token held at the snapshot", function () {
      it("reverts with DistributionsNoEligibleSupply", async function () {
        const world = await loadFixture(registerFixture);
        await world.token.setBalanceAt(await world.token.getAddress(), 2n, 50n);
        const before = await stateOf(world, 1n);
        await expect(world.token.connect(world.accounts.issuer).declare(KIND, 2n, FUNDED, await deadlineIn(30n)))
          .to.be.revertedWithCustomError(world.token, "DistributionsNoEligibleSupply")
          .withArgs(2n);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when payments are stopped", function () {
      it("reverts with DistributionsPaymentsStopped", async function () {
        const world = await loadFixture(registerFixture);
        await world.token.setPaymentsStopped(true);
        const before = await stateOf(world, 1n);
        await expect(
          world.token.connect(world.accounts.issuer).declare(KIND, SNAP, FUNDED, await deadlineIn(30n)),
        ).to.be.revertedWithCustomError(world.token, "DistributionsPaymentsStopped");
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when the declarer has not approved the token", function () {
      it("reverts with the coin's ERC20InsufficientAllowance", async function () {
        const world = await loadFixture(registerFixture);
        const { token, coin, accounts } = world;
        await coin.connect(accounts.issuer).approve(await token.getAddress(), FUNDED - 1n);
        const before = await stateOf(world, 1n);
        await expect(token.connect(accounts.issuer).declare(KIND, SNAP, FUNDED, await deadlineIn(30n)))
          .to.be.revertedWithCustomError(coin, "ERC20InsufficientAllowance")
          .withArgs(await token.getAddress(), FUNDED - 1n, FUNDED);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when the coin delivers less than the amount", function () {
      it("reverts with DistributionsFundingShortfall", async function () {
        const { manager, accounts } = await loadFixture(registerFixture);
        const { issuer, alice } = accounts;
        const feeCoin = (await ethers.deployContract("FeeOnTransferCoinMock")) as unknown as FeeOnTransferCoinMock;
        const token = (await ethers.deployContract("DistributionsMock", [
          await manager.getAddress(),
          await feeCoin.getAddress(),
          issuer.address,
        ])) as unknown as DistributionsMock;
        await token.setBalanceAt(alice.address, SNAP, 10n);
        await feeCoin.mint(issuer.address, FUNDED);
        await feeCoin.connect(issuer).approve(await token.getAddress(), FUNDED);
        await expect(token.connect(issuer).declare(KIND, SNAP, FUNDED, await deadlineIn(30n)))
          .to.be.revertedWithCustomError(token, "DistributionsFundingShortfall")
          .withArgs(FUNDED, FUNDED - FUNDED / 100n);
        expect(await token.distributionCount()).to.equal(0n);
        expect(await feeCoin.balanceOf(issuer.address)).to.equal(FUNDED);
      });
    });
  });

  describe("claim", function () {
    context("when a holder claims within the claim period", function () {
      it("pays its entitlement, rounded down, and emits DistributionPaid", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, id } = world;
        const { alice } = accounts;
        expect(await token.claimableOf(id, alice.address)).to.equal(ALICE_DUE);
        expect(await token.connect(alice).claim.staticCall(id)).to.equal(ALICE_DUE);
        const tx = token.connect(alice).claim(id);
        await expect(tx).to.emit(token, "DistributionPaid").withArgs(id, alice.address, alice.address, ALICE_DUE);
        await expect(tx).to.changeTokenBalances(coin, [token, alice], [-ALICE_DUE, ALICE_DUE]);
        expect(await token.isPaid(id, alice.address)).to.equal(true);
        expect(await token.claimableOf(id, alice.address)).to.equal(0n);
        expect(await token.entitlementOf(id, alice.address)).to.equal(ALICE_DUE);
        const d = await token.distribution(id);
        expect(d.paid).to.equal(ALICE_DUE);
        expect(d.paidSupply).to.equal(ALICE_UNITS);
      });

      it("lets every holder claim, leaving exactly the dust in the token", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, id } = world;
        for (const holder of [accounts.alice, accounts.bob, accounts.carol]) await token.connect(holder).claim(id);
        const d = await token.distribution(id);
        expect(d.paid).to.equal(ALICE_DUE + BOB_DUE + CAROL_DUE);
        expect(d.paidSupply).to.equal(ELIGIBLE);
        expect(await coin.balanceOf(await token.getAddress())).to.equal(DUST);
        expect(DUST).to.equal(1n);
      });

      it("pays at the deadline itself", async function () {
        const world = await loadFixture(declaredFixture);
        await time.setNextBlockTimestamp(world.deadline);
        await expect(world.token.connect(world.accounts.bob).claim(world.id))
          .to.emit(world.token, "DistributionPaid")
          .withArgs(world.id, world.accounts.bob.address, world.accounts.bob.address, BOB_DUE);
      });
    });

    context("when the distribution is unknown", function () {
      it("reverts with DistributionsUnknownDistribution", async function () {
        const world = await loadFixture(declaredFixture);
        const before = await stateOf(world, world.id);
        await expect(world.token.connect(world.accounts.alice).claim(2n))
          .to.be.revertedWithCustomError(world.token, "DistributionsUnknownDistribution")
          .withArgs(2n);
        await expect(world.token.connect(world.accounts.alice).claim(0n))
          .to.be.revertedWithCustomError(world.token, "DistributionsUnknownDistribution")
          .withArgs(0n);
        expect(await stateOf(world, world.id)).to.deep.equal(before);
      });
    });

    context("when the holder was already paid", function () {
      it("reverts with DistributionsAlreadyPaid", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id } = world;
        await token.connect(accounts.alice).claim(id);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.alice).claim(id))
          .to.be.revertedWithCustomError(token, "DistributionsAlreadyPaid")
          .withArgs(id, accounts.alice.address);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the caller held nothing at the snapshot", function () {
      it("reverts with DistributionsNothingToClaim", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id } = world;
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.stranger).claim(id))
          .to.be.revertedWithCustomError(token, "DistributionsNothingToClaim")
          .withArgs(id, accounts.stranger.address);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the caller's entitlement rounds down to zero", function () {
      it("reverts with DistributionsNothingToClaim", async function () {
        const world = await loadFixture(distributionsFixture);
        const { token, accounts } = world;
        await setRegister(token, SNAP, [
          [accounts.alice.address, 1_000n],
          [accounts.bob.address, 1n],
        ]);
        await token.connect(accounts.issuer).declare(KIND, SNAP, 1_000n, await deadlineIn(1n));
        expect(await token.entitlementOf(1n, accounts.bob.address)).to.equal(0n);
        const before = await stateOf(world, 1n);
        await expect(token.connect(accounts.bob).claim(1n))
          .to.be.revertedWithCustomError(token, "DistributionsNothingToClaim")
          .withArgs(1n, accounts.bob.address);
        expect(await stateOf(world, 1n)).to.deep.equal(before);
      });
    });

    context("when the claim period is over", function () {
      it("reverts with DistributionsClaimPeriodOver", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id, deadline } = world;
        await time.setNextBlockTimestamp(deadline + 1n);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.alice).claim(id))
          .to.be.revertedWithCustomError(token, "DistributionsClaimPeriodOver")
          .withArgs(id, deadline, deadline + 1n);
        expect(await stateOf(world, id)).to.deep.equal(before);
        expect(await token.claimableOf(id, accounts.alice.address)).to.equal(0n);
      });
    });

    context("when payments are stopped", function () {
      it("reverts with DistributionsPaymentsStopped", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id } = world;
        await token.setPaymentsStopped(true);
        const before = await stateOf(world, id);
        expect(await token.claimableOf(id, accounts.alice.address)).to.equal(0n);
        await expect(token.connect(accounts.alice).claim(id)).to.be.revertedWithCustomError(
          token,
          "DistributionsPaymentsStopped",
        );
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the settlement coin refuses the holder (frozen there)", function () {
      it("reverts with the coin's SettlementCoinAccountFrozen", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, id } = world;
        await coin.connect(accounts.regulator).freeze(accounts.alice.address);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.alice).claim(id))
          .to.be.revertedWithCustomError(coin, "SettlementCoinAccountFrozen")
          .withArgs(accounts.alice.address);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the register is inconsistent with the eligible supply (P1)", function () {
      it("reverts with DistributionsOverpaid", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id } = world;
        await token.setBalanceAt(accounts.stranger.address, SNAP, ELIGIBLE + 1n);
        const due = entitlement(ELIGIBLE + 1n, FUNDED, ELIGIBLE);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.stranger).claim(id))
          .to.be.revertedWithCustomError(token, "DistributionsOverpaid")
          .withArgs(id, due, FUNDED);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });
  });

  describe("pushPayments", function () {
    context("when the agent pushes a batch", function () {
      it("pays every listed holder its entitlement and emits DistributionPaid for each", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, agent, id } = world;
        const { alice, bob } = accounts;
        const batch = [alice.address, bob.address];
        expect(await token.connect(agent).pushPayments.staticCall(id, batch)).to.equal(ALICE_DUE + BOB_DUE);
        const tx = token.connect(agent).pushPayments(id, batch);
        await expect(tx)
          .to.emit(token, "DistributionPaid")
          .withArgs(id, alice.address, alice.address, ALICE_DUE)
          .and.to.emit(token, "DistributionPaid")
          .withArgs(id, bob.address, bob.address, BOB_DUE);
        await expect(tx).to.changeTokenBalances(
          coin,
          [token, alice, bob],
          [-(ALICE_DUE + BOB_DUE), ALICE_DUE, BOB_DUE],
        );
        const d = await token.distribution(id);
        expect(d.paid).to.equal(ALICE_DUE + BOB_DUE);
        expect(d.paidSupply).to.equal(ALICE_UNITS + BOB_UNITS);
        expect(await token.isPaid(id, alice.address)).to.equal(true);
        expect(await token.isPaid(id, bob.address)).to.equal(true);
        expect(await token.isPaid(id, accounts.carol.address)).to.equal(false);
      });

      it("skips holders already paid, listed twice, holding nothing, and the token itself", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, agent, id } = world;
        const { alice, bob, carol, stranger } = accounts;
        await token.connect(alice).claim(id);
        const batch = [
          alice.address,
          bob.address,
          bob.address,
          stranger.address,
          await token.getAddress(),
          carol.address,
        ];
        const tx = token.connect(agent).pushPayments(id, batch);
        await expect(tx).to.changeTokenBalances(
          coin,
          [token, alice, bob, carol, stranger],
          [-(BOB_DUE + CAROL_DUE), 0n, BOB_DUE, CAROL_DUE, 0n],
        );
        const receipt = await (await tx).wait();
        const paidEvents = receipt!.logs
          .map((log) => token.interface.parseLog(log))
          .filter((parsed) => parsed?.name === "DistributionPaid");
        expect(paidEvents.map((e) => e!.args.holder)).to.deep.equal([bob.address, carol.address]);
        const d = await token.distribution(id);
        expect(d.paid).to.equal(FUNDED - DUST);
        expect(d.paidSupply).to.equal(ELIGIBLE);
        expect(await token.isPaid(id, stranger.address)).to.equal(false);
      });

      it("changes nothing for a batch with nothing due", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id } = world;
        const before = await stateOf(world, id);
        await expect(token.connect(agent).pushPayments(id, [accounts.stranger.address])).not.to.emit(
          token,
          "DistributionPaid",
        );
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the coin refuses one holder of the batch", function () {
      it("pays the others, emits DistributionPaymentFailed and leaves that holder unpaid to claim later", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, agent, id } = world;
        const { alice, bob, carol, regulator } = accounts;
        await coin.connect(regulator).freeze(bob.address);
        const tx = token.connect(agent).pushPayments(id, [alice.address, bob.address, carol.address]);
        await expect(tx)
          .to.emit(token, "DistributionPaymentFailed")
          .withArgs(id, bob.address, BOB_DUE)
          .and.to.emit(token, "DistributionPaid")
          .withArgs(id, carol.address, carol.address, CAROL_DUE);
        await expect(tx).to.changeTokenBalances(coin, [alice, bob, carol], [ALICE_DUE, 0n, CAROL_DUE]);
        expect(await token.isPaid(id, bob.address)).to.equal(false);
        const d = await token.distribution(id);
        expect(d.paid).to.equal(ALICE_DUE + CAROL_DUE);
        expect(d.paidSupply).to.equal(ALICE_UNITS + CAROL_UNITS);

        await coin.connect(regulator).unfreeze(bob.address);
        await expect(token.connect(bob).claim(id))
          .to.emit(token, "DistributionPaid")
          .withArgs(id, bob.address, bob.address, BOB_DUE);
      });
    });

    context("when the caller is not the asset's agent", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id } = world;
        const before = await stateOf(world, id);
        for (const caller of [accounts.issuer, accounts.alice, accounts.stranger, accounts.deployer]) {
          await expect(token.connect(caller).pushPayments(id, [accounts.alice.address]))
            .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the distribution is unknown", function () {
      it("reverts with DistributionsUnknownDistribution", async function () {
        const world = await loadFixture(declaredFixture);
        const before = await stateOf(world, world.id);
        await expect(world.token.connect(world.agent).pushPayments(9n, [world.accounts.alice.address]))
          .to.be.revertedWithCustomError(world.token, "DistributionsUnknownDistribution")
          .withArgs(9n);
        expect(await stateOf(world, world.id)).to.deep.equal(before);
      });
    });

    context("when the claim period is over", function () {
      it("reverts with DistributionsClaimPeriodOver", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id, deadline } = world;
        await time.setNextBlockTimestamp(deadline + 1n);
        const before = await stateOf(world, id);
        await expect(token.connect(agent).pushPayments(id, [accounts.alice.address]))
          .to.be.revertedWithCustomError(token, "DistributionsClaimPeriodOver")
          .withArgs(id, deadline, deadline + 1n);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when payments are stopped", function () {
      it("reverts with DistributionsPaymentsStopped", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id } = world;
        await token.setPaymentsStopped(true);
        const before = await stateOf(world, id);
        await expect(token.connect(agent).pushPayments(id, [accounts.alice.address])).to.be.revertedWithCustomError(
          token,
          "DistributionsPaymentsStopped",
        );
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the register is inconsistent with the eligible supply (P1)", function () {
      it("reverts with DistributionsOverpaid and pays nobody", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id } = world;
        await token.setBalanceAt(accounts.stranger.address, SNAP, ELIGIBLE);
        const before = await stateOf(world, id);
        await expect(token.connect(agent).pushPayments(id, [accounts.alice.address, accounts.stranger.address]))
          .to.be.revertedWithCustomError(token, "DistributionsOverpaid")
          .withArgs(id, ALICE_DUE + FUNDED, FUNDED);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });
  });

  describe("reclaimUnclaimed", function () {
    context("after the deadline, with holders who never claimed", function () {
      it("returns unclaimed entitlements and dust to the issuer and emits DistributionReclaimed", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, coin, accounts, id, deadline } = world;
        const { alice, issuer } = accounts;
        await token.connect(alice).claim(id);
        await time.increaseTo(deadline + 1n);
        const returned = FUNDED - ALICE_DUE;
        expect(returned).to.equal(BOB_DUE + CAROL_DUE + DUST);
        expect(await token.connect(issuer).reclaimUnclaimed.staticCall(id)).to.equal(returned);
        const tx = token.connect(issuer).reclaimUnclaimed(id);
        await expect(tx)
          .to.emit(token, "DistributionReclaimed")
          .withArgs(id, issuer.address, returned, BOB_UNITS + CAROL_UNITS);
        await expect(tx).to.changeTokenBalances(coin, [token, issuer], [-returned, returned]);
        const d = await token.distribution(id);
        expect(d.reclaimed).to.equal(true);
        expect(d.paid + returned).to.equal(d.funded);
        expect(await coin.balanceOf(await token.getAddress())).to.equal(0n);
      });
    });

    context("after every holder was paid", function () {
      it("returns exactly the dust, reporting no unclaimed supply", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id, deadline } = world;
        const { alice, bob, carol, issuer } = accounts;
        await token.connect(agent).pushPayments(id, [alice.address, bob.address, carol.address]);
        await time.increaseTo(deadline + 1n);
        await expect(token.connect(issuer).reclaimUnclaimed(id))
          .to.emit(token, "DistributionReclaimed")
          .withArgs(id, issuer.address, DUST, 0n);
      });
    });

    context("when nothing is left", function () {
      it("closes the distribution without a coin transfer", async function () {
        const world = await loadFixture(distributionsFixture);
        const { token, coin, accounts, agent } = world;
        const { alice, bob, issuer } = accounts;
        await setRegister(token, SNAP, [
          [alice.address, 3n],
          [bob.address, 1n],
        ]);
        const deadline = await deadlineIn(1n);
        await token.connect(issuer).declare(KIND, SNAP, 400n, deadline);
        await token.connect(agent).pushPayments(1n, [alice.address, bob.address]);
        await time.increaseTo(deadline + 1n);
        const tx = token.connect(issuer).reclaimUnclaimed(1n);
        await expect(tx).to.emit(token, "DistributionReclaimed").withArgs(1n, issuer.address, 0n, 0n);
        await expect(tx).not.to.emit(coin, "Transfer");
        expect((await token.distribution(1n)).reclaimed).to.equal(true);
      });
    });

    context("then a holder claims", function () {
      it("reverts with DistributionsClaimPeriodOver", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id, deadline } = world;
        await time.increaseTo(deadline + 1n);
        await token.connect(accounts.issuer).reclaimUnclaimed(id);
        await expect(token.connect(accounts.bob).claim(id)).to.be.revertedWithCustomError(
          token,
          "DistributionsClaimPeriodOver",
        );
      });
    });

    context("before the deadline has passed", function () {
      it("reverts with DistributionsClaimPeriodNotOver", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id, deadline } = world;
        await time.setNextBlockTimestamp(deadline);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.issuer).reclaimUnclaimed(id))
          .to.be.revertedWithCustomError(token, "DistributionsClaimPeriodNotOver")
          .withArgs(id, deadline, deadline);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when it was already reclaimed", function () {
      it("reverts with DistributionsAlreadyReclaimed", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id, deadline } = world;
        await time.increaseTo(deadline + 1n);
        await token.connect(accounts.issuer).reclaimUnclaimed(id);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.issuer).reclaimUnclaimed(id))
          .to.be.revertedWithCustomError(token, "DistributionsAlreadyReclaimed")
          .withArgs(id);
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the distribution is unknown", function () {
      it("reverts with DistributionsUnknownDistribution", async function () {
        const world = await loadFixture(declaredFixture);
        const before = await stateOf(world, world.id);
        await expect(world.token.connect(world.accounts.issuer).reclaimUnclaimed(3n))
          .to.be.revertedWithCustomError(world.token, "DistributionsUnknownDistribution")
          .withArgs(3n);
        expect(await stateOf(world, world.id)).to.deep.equal(before);
      });
    });

    context("when payments are stopped", function () {
      it("reverts with DistributionsPaymentsStopped", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, id, deadline } = world;
        await time.increaseTo(deadline + 1n);
        await token.setPaymentsStopped(true);
        const before = await stateOf(world, id);
        await expect(token.connect(accounts.issuer).reclaimUnclaimed(id)).to.be.revertedWithCustomError(
          token,
          "DistributionsPaymentsStopped",
        );
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });

    context("when the caller is not the asset's issuer", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        const world = await loadFixture(declaredFixture);
        const { token, accounts, agent, id, deadline } = world;
        await time.increaseTo(deadline + 1n);
        const before = await stateOf(world, id);
        for (const caller of [agent, accounts.alice, accounts.stranger, accounts.deployer]) {
          await expect(token.connect(caller).reclaimUnclaimed(id))
            .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await stateOf(world, id)).to.deep.equal(before);
      });
    });
  });

  describe("views", function () {
    it("report the settlement coin", async function () {
      const { token, coin } = await loadFixture(declaredFixture);
      expect(await token.settlementCoin()).to.equal(await coin.getAddress());
    });

    it("give the token itself no entitlement", async function () {
      const { token, id } = await loadFixture(declaredFixture);
      expect(await token.entitlementOf(id, await token.getAddress())).to.equal(0n);
      expect(await token.claimableOf(id, await token.getAddress())).to.equal(0n);
    });

    it("revert with DistributionsUnknownDistribution for an unknown id", async function () {
      const { token, accounts } = await loadFixture(declaredFixture);
      const alice = accounts.alice.address;
      // Each call is made when awaited: a rejection never waits unhandled while an earlier one is checked.
      for (const call of [
        () => token.distribution(5n),
        () => token.entitlementOf(5n, alice),
        () => token.isPaid(5n, alice),
        () => token.claimableOf(5n, alice),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(token, "DistributionsUnknownDistribution").withArgs(5n);
      }
    });

    it("keep each distribution's paid flags apart, across words of 256 distributions", async function () {
      const world = await loadFixture(declaredFixture);
      const { token, accounts, agent } = world;
      const deadline = await deadlineIn(30n);
      for (let i = 0; i < 257; i++) await token.connect(accounts.issuer).declare(KIND, SNAP, 1_000n, deadline);
      // ids 1 (from the fixture) … 258: 255 and 256 end and start a word; 258 is in the second word.
      await token.connect(accounts.alice).claim(256n);
      await token.connect(agent).pushPayments(258n, [accounts.alice.address]);
      await token.connect(accounts.alice).claim(1n);
      const paid = async (id: bigint) => token.isPaid(id, accounts.alice.address);
      expect([
        await paid(1n),
        await paid(2n),
        await paid(255n),
        await paid(256n),
        await paid(257n),
        await paid(258n),
      ]).to.deep.equal([true, false, false, true, false, true]);
      expect(await token.isPaid(256n, accounts.bob.address)).to.equal(false);
      await expect(token.connect(accounts.alice).claim(258n))
        .to.be.revertedWithCustomError(token, "DistributionsAlreadyPaid")
        .withArgs(258n, accounts.alice.address);
    });

    it("keep the coin held by the token equal to what open distributions still owe (P4)", async function () {
      const world = await loadFixture(declaredFixture);
      const { token, coin, accounts, id } = world;
      await token.connect(accounts.issuer).declare(KIND, SNAP, 333n, await deadlineIn(60n));
      await token.connect(accounts.alice).claim(id);
      await token.connect(accounts.bob).claim(2n);
      const owed = async (i: bigint) => {
        const d = await token.distribution(i);
        return d.funded - d.paid;
      };
      expect(await coin.balanceOf(await token.getAddress())).to.equal((await owed(1n)) + (await owed(2n)));
      await time.increase(31n * DAY);
      await token.connect(accounts.issuer).reclaimUnclaimed(id);
      expect(await coin.balanceOf(await token.getAddress())).to.equal(await owed(2n));
    });
  });
});
