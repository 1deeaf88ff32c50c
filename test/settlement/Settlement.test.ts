import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import { coreFixture } from "../fixtures/core";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Role } from "../../config/roles";
import {
  HOLD_UNAVAILABLE,
  INSTRUCTION_TYPES,
  UNCLASSIFIED,
  domainOf,
  instructionId,
  instructionOf,
  leg,
  legKey,
  settlementFixture,
  signInstruction,
  type Instruction,
} from "./helpers";

describe("Settlement", function () {
  describe("settle", function () {
    it("settles a DvP signed by both parties and submitted by a third party (S1, S3)", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 100n), await leg(usd, bob, alice, 5_000n)]);
      const sigs = [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)];
      const id = instructionId(ins);
      await expect(engine.connect(submitter).settle(ins, sigs, 0))
        .to.emit(engine, "SettlementExecuted")
        .withArgs(id, alice.address, ins.tradeRef, 0n);
      expect(await equity.balanceOf(bob.address)).to.equal(1_000_100n);
      expect(await equity.balanceOf(alice.address)).to.equal(999_900n);
      expect(await usd.balanceOf(alice.address)).to.equal(1_005_000n);
      expect(await usd.balanceOf(bob.address)).to.equal(995_000n);
      expect(await engine.isNonceUsed(alice.address, 0n)).to.equal(true);
      expect(await usd.balanceOf(await engine.getAddress())).to.equal(0n);
    });

    it("settles a PvP of two coins, a DvD of two securities, a single leg and an N-leg instruction", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, carol, submitter } = accounts;
      const { engine, equity, equityB, usd, cny } = contracts;
      const pvp = await instructionOf([await leg(cny, alice, bob, 700n), await leg(usd, bob, alice, 100n)], 1n);
      await engine
        .connect(submitter)
        .settle(pvp, [await signInstruction(engine, alice, pvp), await signInstruction(engine, bob, pvp)], 0);
      expect(await cny.balanceOf(bob.address)).to.equal(1_000_700n);
      const dvd = await instructionOf([await leg(equity, alice, bob, 1n), await leg(equityB, bob, alice, 2n)], 2n);
      await engine
        .connect(submitter)
        .settle(dvd, [await signInstruction(engine, alice, dvd), await signInstruction(engine, bob, dvd)], 0);
      expect(await equityB.balanceOf(alice.address)).to.equal(1_000_002n);
      const single = await instructionOf([await leg(usd, carol, alice, 3n)], 0n);
      await engine.connect(submitter).settle(single, [await signInstruction(engine, carol, single)], 0);
      expect(await usd.balanceOf(carol.address)).to.equal(999_997n);
      // Five legs, three senders: alice signs once (her second leg needs no signature), carol is the caller.
      const n = await instructionOf(
        [
          await leg(equity, alice, bob, 10n),
          await leg(usd, bob, alice, 20n),
          await leg(cny, carol, bob, 30n),
          await leg(equityB, alice, carol, 40n),
          await leg(usd, carol, alice, 50n),
        ],
        3n,
      );
      await engine
        .connect(carol)
        .settle(
          n,
          [await signInstruction(engine, alice, n), await signInstruction(engine, bob, n), "0x", "0x", "0x"],
          0,
        );
      expect(await equityB.balanceOf(carol.address)).to.equal(1_000_040n);
      expect(await usd.balanceOf(carol.address)).to.equal(999_947n);
    });

    it("accepts an ERC-1271 contract wallet's signature", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const wallet = await ethers.deployContract("ERC1271WalletMock", [bob.address]);
      await usd.mint(await wallet.getAddress(), 1_000n);
      const ins = await instructionOf([await leg(equity, alice, wallet, 5n), await leg(usd, wallet, alice, 500n)]);
      await engine
        .connect(submitter)
        .settle(ins, [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)], 0);
      expect(await equity.balanceOf(await wallet.getAddress())).to.equal(5n);
      // A signature by someone else is refused.
      const other = await instructionOf([await leg(usd, wallet, alice, 1n)], 1n);
      await expect(engine.connect(submitter).settle(other, [await signInstruction(engine, alice, other)], 0))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
        .withArgs(instructionId(other), 0n, await wallet.getAddress());
    });

    it("takes an on-chain affirmation as consent, and the submitter's own call", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)]);
      const id = instructionId(ins);
      await expect(engine.connect(alice).affirm(ins)).to.emit(engine, "SettlementAffirmed").withArgs(id, alice.address);
      expect(await engine.isAffirmed(id, alice.address)).to.equal(true);
      await expect(engine.connect(bob).settle(ins, [], 0)).to.emit(engine, "SettlementExecuted");
    });

    it("refuses replayed, expired, wrong-signer, unconsented and cancelled instructions (S2, S3)", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, carol, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)]);
      const id = instructionId(ins);
      const sigs = [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)];
      await engine.connect(submitter).settle(ins, sigs, 0);
      await expect(engine.connect(submitter).settle(ins, sigs, 0))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 0n);
      const wrong = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)], 1n);
      await expect(
        engine
          .connect(submitter)
          .settle(wrong, [await signInstruction(engine, alice, wrong), await signInstruction(engine, carol, wrong)], 0),
      )
        .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
        .withArgs(instructionId(wrong), 1n, bob.address);
      await expect(engine.connect(submitter).settle(wrong, [await signInstruction(engine, alice, wrong), "0x"], 0))
        .to.be.revertedWithCustomError(engine, "SettlementNotConsented")
        .withArgs(instructionId(wrong), 1n, bob.address);
      // A signature for another engine (domain) is refused: sign the same instruction for a second engine.
      const otherEngine = await ethers.deployContract("Settlement", [await contracts.authority.getAddress()]);
      const foreign = await bob.signTypedData(
        { ...(await domainOf(engine)), verifyingContract: await otherEngine.getAddress() },
        INSTRUCTION_TYPES,
        wrong,
      );
      await expect(
        engine.connect(submitter).settle(wrong, [await signInstruction(engine, alice, wrong), foreign], 0),
      ).to.be.revertedWithCustomError(engine, "SettlementInvalidSignature");
      const sigsWrong = [await signInstruction(engine, alice, wrong), await signInstruction(engine, bob, wrong)];
      await time.setNextBlockTimestamp(wrong.deadline);
      await expect(engine.connect(submitter).settle(wrong, sigsWrong, 0))
        .to.be.revertedWithCustomError(engine, "SettlementExpired")
        .withArgs(instructionId(wrong), wrong.deadline, wrong.deadline);
      const cancelled = {
        ...(await instructionOf([await leg(equity, alice, bob, 1n)], 2n)),
        deadline: wrong.deadline + 3600n,
      };
      await expect(engine.connect(alice).cancel(cancelled, "0x"))
        .to.emit(engine, "SettlementCancelled")
        .withArgs(instructionId(cancelled), alice.address, 2n, alice.address);
      await expect(engine.connect(submitter).settle(cancelled, [await signInstruction(engine, alice, cancelled)], 0))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 2n);
      expect(id).to.not.equal(instructionId(wrong));
    });

    it("refuses a leg on an unregistered token (S4) and moves nothing", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity, rogue } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 1n), await leg(rogue, bob, alice, 2n)]);
      await expect(engine.connect(alice).settle(ins, ["0x", await signInstruction(engine, bob, ins)], 0))
        .to.be.revertedWithCustomError(engine, "SettlementUnregisteredAsset")
        .withArgs(1n, await rogue.getAddress());
      expect(await equity.balanceOf(bob.address)).to.equal(1_000_000n);
    });

    describe("when a leg fails", function () {
      const cases: {
        name: string;
        setup: (w: Awaited<ReturnType<typeof settlementFixture>>) => Promise<unknown>;
        leg: number;
        code: number;
        error: string;
      }[] = [
        {
          name: "the security's pipeline refuses the recipient (code 4)",
          setup: ({ contracts, accounts }) => contracts.equity.setRefusal(accounts.bob.address, 4),
          leg: 0,
          code: 4,
          error: "SecurityTokenTransferRestricted(address,address,uint256,uint8)",
        },
        {
          name: "the security is paused (13)",
          setup: ({ contracts }) => contracts.equity.setPaused(true),
          leg: 0,
          code: 13,
          error: "SecurityTokenPaused()",
        },
        {
          name: "the security's transfers are stopped (17)",
          setup: ({ contracts }) => contracts.equity.setTransfersStopped(true),
          leg: 0,
          code: 17,
          error: "SecurityTokenTransfersStopped()",
        },
        {
          name: "the coin's recipient is frozen (15)",
          setup: ({ contracts, accounts }) => contracts.usd.setFrozen(accounts.alice.address, true),
          leg: 1,
          code: 15,
          error: "SettlementCoinAccountFrozen(address)",
        },
        {
          name: "the coin's sender is frozen (14)",
          setup: ({ contracts, accounts }) => contracts.usd.setFrozen(accounts.bob.address, true),
          leg: 1,
          code: 14,
          error: "SettlementCoinAccountFrozen(address)",
        },
        {
          name: "the coin's recipient is not eligible (2)",
          setup: ({ contracts, accounts }) => contracts.usd.setRefusal(accounts.alice.address, 1),
          leg: 1,
          code: 2,
          error: "SettlementCoinIneligibleHolder(address)",
        },
        {
          name: "the coin's sender lacks the amount (16)",
          setup: ({ contracts, accounts }) =>
            contracts.usd
              .setRefusal(accounts.alice.address, 0)
              .then(() => contracts.usd.connect(accounts.bob).transfer(accounts.carol.address, 999_000n)),
          leg: 1,
          code: 16,
          error: "ERC20InsufficientBalance(address,uint256,uint256)",
        },
      ];
      for (const c of cases) {
        it(`reverts with SettlementLegFailed naming the leg, parties, code and raw reason when ${c.name}`, async function () {
          const world = await loadFixture(settlementFixture);
          const { alice, bob, submitter } = world.accounts;
          const { engine, equity, usd } = world.contracts;
          const ins = await instructionOf([await leg(equity, alice, bob, 100n), await leg(usd, bob, alice, 5_000n)]);
          const sigs = [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)];
          await c.setup(world);
          const [ok, , checks] = await engine.connect(submitter).explainSettlement(ins, sigs, 0);
          expect(ok).to.equal(false);
          expect(checks[c.leg].restriction).to.equal(c.code);
          const tx = engine.connect(submitter).settle(ins, sigs, 0);
          const failing = ins.legs[c.leg];
          await expect(tx)
            .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
            .withArgs(c.leg, failing.token, failing.from, failing.to, failing.amount, c.code, (reason: string) =>
              reason.startsWith(ethers.id(c.error).slice(0, 10)),
            );
          expect(await equity.balanceOf(bob.address)).to.equal(1_000_000n);
          expect(await engine.isNonceUsed(alice.address, 0n)).to.equal(false);
        });
      }
    });
  });

  describe("prefund", function () {
    async function prefunded() {
      const world = await loadFixture(settlementFixture);
      const { alice, bob } = world.accounts;
      const { engine, equity, usd } = world.contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 100n), await leg(usd, bob, alice, 5_000n)]);
      const id = instructionId(ins);
      await expect(engine.connect(bob).prefund(ins, 1))
        .to.emit(engine, "SettlementLegPrefunded")
        .withArgs(id, 1n, bob.address, legKey(id, 1), 5_000n)
        .and.to.emit(usd, "HoldPlaced")
        .withArgs(legKey(id, 1), bob.address, 5_000n, ins.deadline);
      return { ...world, ins, id };
    }

    it("holds the leg on the token until the deadline; settle executes the hold", async function () {
      const { accounts, contracts, ins, id } = await prefunded();
      const { alice, bob, submitter } = accounts;
      const { engine, usd } = contracts;
      expect(await usd.heldBalanceOf(bob.address)).to.equal(5_000n);
      expect(await usd.balanceOf(bob.address)).to.equal(1_000_000n);
      expect(await engine.isAffirmed(id, bob.address)).to.equal(true);
      const [ok, , checks] = await engine
        .connect(submitter)
        .explainSettlement(ins, [await signInstruction(engine, alice, ins), "0x"], 2);
      expect(ok).to.equal(true);
      expect(checks[1].held).to.equal(true);
      await expect(engine.connect(submitter).settle(ins, [await signInstruction(engine, alice, ins), "0x"], 2))
        .to.emit(usd, "HoldExecuted")
        .withArgs(legKey(id, 1), bob.address, alice.address, 5_000n, 0n);
      expect(await usd.heldBalanceOf(bob.address)).to.equal(0n);
      expect(await usd.balanceOf(alice.address)).to.equal(1_005_000n);
      // Settled: the hold is gone, it cannot be released again.
      await expect(engine.releasePrefund(ins, 1)).to.be.revertedWithCustomError(usd, "HoldableHoldNotActive");
    });

    it("with every consent a signature, a held leg's hold is executed and the next leg transferred", async function () {
      // The fast path writes a held leg's executeHold call data over a transfer's: the leg after it must still be
      // a settlementTransfer of its own from, to and amount.
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd, cny } = contracts;
      // Warm-up: the equity's directory entry is cached on its first settlement (until then the checked path runs).
      const warm = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 1n)]);
      await (
        await engine
          .connect(submitter)
          .settle(warm, [await signInstruction(engine, alice, warm), await signInstruction(engine, bob, warm)], 0)
      ).wait();
      const ins = await instructionOf([
        await leg(usd, bob, alice, 5_000n),
        await leg(equity, alice, bob, 100n),
        await leg(cny, bob, alice, 7n),
      ]);
      const id = instructionId(ins);
      await (await engine.connect(bob).prefund(ins, 0)).wait();
      const sigs = [
        await signInstruction(engine, bob, ins),
        await signInstruction(engine, alice, ins),
        await signInstruction(engine, bob, ins),
      ];
      await expect(engine.connect(submitter).settle(ins, sigs, 1))
        .to.emit(usd, "HoldExecuted")
        .withArgs(legKey(id, 0), bob.address, alice.address, 5_000n, 0n)
        .and.to.emit(equity, "Transfer")
        .withArgs(alice.address, bob.address, 100n)
        .and.to.emit(cny, "Transfer")
        .withArgs(bob.address, alice.address, 7n)
        .and.to.emit(engine, "SettlementExecuted")
        .withArgs(id, bob.address, ins.tradeRef, ins.nonce);
      expect(await usd.heldBalanceOf(bob.address)).to.equal(0n);
      expect(await usd.balanceOf(alice.address)).to.equal(1_005_001n);
      expect(await equity.balanceOf(bob.address)).to.equal(1_000_101n);
      expect(await cny.balanceOf(bob.address)).to.equal(999_993n);
      await expect(engine.connect(submitter).settle(ins, sigs, 1))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(bob.address, ins.nonce);
    });

    it("a held leg without its hold fails with code 254", async function () {
      const { accounts, contracts, ins } = await prefunded();
      const { alice, submitter } = accounts;
      const { engine, equity } = contracts;
      const sigs = [await signInstruction(engine, alice, ins), "0x"];
      const [, , checks] = await engine.connect(submitter).explainSettlement(ins, sigs, 3);
      expect(checks[0].restriction).to.equal(HOLD_UNAVAILABLE);
      await expect(engine.connect(submitter).settle(ins, sigs, 3))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(0n, await equity.getAddress(), alice.address, ins.legs[0].to, 100n, HOLD_UNAVAILABLE, (r: string) =>
          r.startsWith(equity.interface.getError("HoldableHoldNotActive")!.selector),
        );
    });

    it("stays while the instruction is live; anyone releases it once after expiry or cancel, never twice", async function () {
      const { accounts, contracts, ins, id } = await prefunded();
      const { alice, bob, stranger } = accounts;
      const { engine, usd } = contracts;
      await expect(engine.connect(stranger).releasePrefund(ins, 1))
        .to.be.revertedWithCustomError(engine, "SettlementInstructionLive")
        .withArgs(id, ins.deadline);
      await expect(engine.connect(bob).releasePrefund(ins, 1)).to.be.revertedWithCustomError(
        engine,
        "SettlementInstructionLive",
      );
      // bob prefunded, so bob (a party) may cancel only with alice's consent; alice cancels.
      await expect(engine.connect(bob).cancel(ins, "0x"))
        .to.be.revertedWithCustomError(engine, "SettlementInitiatorNotConsented")
        .withArgs(id, alice.address);
      await engine.connect(alice).cancel(ins, "0x");
      await expect(engine.connect(stranger).releasePrefund(ins, 1))
        .to.emit(engine, "SettlementPrefundReleased")
        .withArgs(id, 1n, legKey(id, 1), stranger.address)
        .and.to.emit(usd, "HoldReleased");
      expect(await usd.heldBalanceOf(bob.address)).to.equal(0n);
      await expect(engine.connect(stranger).releasePrefund(ins, 1)).to.be.revertedWithCustomError(
        usd,
        "HoldableHoldNotActive",
      );
    });

    it("after the deadline anyone releases it", async function () {
      const { accounts, contracts, ins } = await prefunded();
      await time.increaseTo(ins.deadline);
      await contracts.engine.connect(accounts.stranger).releasePrefund(ins, 1);
      expect(await contracts.usd.heldBalanceOf(accounts.bob.address)).to.equal(0n);
    });

    it("refuses a caller other than the leg's sender, a bad index, an unregistered token and a short balance", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity, rogue } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 100n), await leg(rogue, bob, alice, 1n)]);
      const id = instructionId(ins);
      await expect(engine.connect(bob).prefund(ins, 0))
        .to.be.revertedWithCustomError(engine, "SettlementNotLegSender")
        .withArgs(id, 0n, bob.address, alice.address);
      await expect(engine.connect(bob).prefund(ins, 2))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidLegIndex")
        .withArgs(2n, 2n);
      await expect(engine.connect(bob).prefund(ins, 1))
        .to.be.revertedWithCustomError(engine, "SettlementUnregisteredAsset")
        .withArgs(1n, await rogue.getAddress());
      const big = await instructionOf([await leg(equity, alice, bob, 2_000_000n)]);
      await expect(engine.connect(alice).prefund(big, 0)).to.be.revertedWithCustomError(
        equity,
        "HoldableInsufficientAvailableBalance",
      );
      await expect(engine.releasePrefund(ins, 0))
        .to.be.revertedWithCustomError(engine, "SettlementInstructionLive")
        .withArgs(id, ins.deadline);
      await expect(engine.releasePrefund(ins, 5))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidLegIndex")
        .withArgs(5n, 2n);
      await engine.connect(alice).cancel(ins, "0x");
      // Released only on a registered token: the engine calls no other contract.
      await expect(engine.releasePrefund(ins, 1))
        .to.be.revertedWithCustomError(engine, "SettlementUnregisteredAsset")
        .withArgs(1n, await rogue.getAddress());
      expect(await engine.isAffirmed(id, bob.address)).to.equal(false);
    });
  });

  describe("cancel", function () {
    it("lets the initiator cancel, and another party only with the initiator's consent (S6)", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, stranger } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)]);
      const id = instructionId(ins);
      await expect(engine.connect(stranger).cancel(ins, "0x"))
        .to.be.revertedWithCustomError(engine, "SettlementNotParty")
        .withArgs(id, stranger.address);
      await expect(engine.connect(bob).cancel(ins, await signInstruction(engine, stranger, ins)))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
        .withArgs(id, 0n, alice.address);
      await expect(engine.connect(bob).cancel(ins, await signInstruction(engine, alice, ins)))
        .to.emit(engine, "SettlementCancelled")
        .withArgs(id, alice.address, 0n, bob.address);
      await expect(engine.connect(alice).cancel(ins, "0x"))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 0n);
      // After alice affirms another instruction, bob may cancel it without her signature.
      const next = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)], 1n);
      await engine.connect(alice).affirm(next);
      await expect(engine.connect(bob).cancel(next, "0x")).to.emit(engine, "SettlementCancelled");
    });

    it("does not let an attacker burn a victim's nonce with an instruction the victim never agreed to", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, carol, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      // carol forges an instruction naming alice as initiator with nonce 7, herself as the counterparty.
      const forged = await instructionOf([await leg(equity, alice, carol, 1n), await leg(usd, carol, alice, 1n)], 7n);
      await expect(engine.connect(carol).cancel(forged, "0x")).to.be.revertedWithCustomError(
        engine,
        "SettlementInitiatorNotConsented",
      );
      await expect(
        engine.connect(carol).cancel(forged, await signInstruction(engine, carol, forged)),
      ).to.be.revertedWithCustomError(engine, "SettlementInvalidSignature");
      // alice's real trade with nonce 7 still settles.
      const real = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 1n)], 7n);
      await engine
        .connect(submitter)
        .settle(real, [await signInstruction(engine, alice, real), await signInstruction(engine, bob, real)], 0);
      expect(await engine.isNonceUsed(alice.address, 7n)).to.equal(true);
    });
  });

  describe("affirm", function () {
    it("refuses a non-sender, a second affirmation, an expired or used instruction", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 1n)]);
      const id = instructionId(ins);
      await expect(engine.connect(bob).affirm(ins))
        .to.be.revertedWithCustomError(engine, "SettlementNotSender")
        .withArgs(id, bob.address);
      await engine.connect(alice).affirm(ins);
      await expect(engine.connect(alice).affirm(ins))
        .to.be.revertedWithCustomError(engine, "SettlementAlreadyAffirmed")
        .withArgs(id, alice.address);
      await engine.connect(alice).cancel(ins, "0x");
      await expect(engine.connect(alice).affirm(ins))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 0n);
      const late = await instructionOf([await leg(equity, alice, bob, 1n)], 1n);
      await time.increaseTo(late.deadline);
      await expect(engine.connect(alice).affirm(late)).to.be.revertedWithCustomError(engine, "SettlementExpired");
    });
  });

  describe("bad input", function () {
    it("is refused by every entry point with a clear error, changing nothing", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity, usd } = contracts;
      const empty: Instruction = { ...(await instructionOf([])) };
      // Each call is made when awaited, so an early rejection is never left unhandled.
      const calls = [
        () => engine.settle(empty, [], 0),
        () => engine.explainSettlement(empty, [], 0),
        () => engine.connect(alice).affirm(empty),
        () => engine.connect(alice).prefund(empty, 0),
        () => engine.releasePrefund(empty, 0),
        () => engine.connect(alice).cancel(empty, "0x"),
        () => engine.settleWithAuthorizations(empty, [], 0, []),
      ];
      for (const call of calls) await expect(call()).to.be.revertedWithCustomError(engine, "SettlementNoLegs");
      const one = await leg(equity, alice, bob, 1n);
      const many = await instructionOf(Array(65).fill(one));
      await expect(engine.settle(many, [], 0))
        .to.be.revertedWithCustomError(engine, "SettlementTooManyLegs")
        .withArgs(65n, 64n);
      const two = await instructionOf([one, await leg(usd, bob, alice, 1n)]);
      await expect(engine.settle(two, ["0x"], 0))
        .to.be.revertedWithCustomError(engine, "SettlementLengthMismatch")
        .withArgs(2n, 1n);
      await expect(engine.settle(two, [], 4))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidHeldLegs")
        .withArgs(4n, 2n);
      for (const bad of [
        { ...one, amount: 0n },
        { ...one, to: alice.address },
        { ...one, from: ethers.ZeroAddress },
        { ...one, to: ethers.ZeroAddress },
      ]) {
        const ins = await instructionOf([bad]);
        await expect(engine.connect(alice).settle(ins, [], 0))
          .to.be.revertedWithCustomError(engine, "SettlementInvalidLeg")
          .withArgs(0n, bad.from, bad.to, bad.amount);
        await expect(engine.explainSettlement(ins, [], 0)).to.be.revertedWithCustomError(
          engine,
          "SettlementInvalidLeg",
        );
      }
      expect(await engine.nonceBitmap(alice.address, 0)).to.equal(0n);
    });
  });

  describe("EIP-3009 legs", function () {
    async function signReceive(
      token: Awaited<ReturnType<typeof settlementFixture>>["contracts"]["usd"],
      signer: Awaited<ReturnType<typeof settlementFixture>>["accounts"]["bob"],
      to: string,
      value: bigint,
      validBefore: bigint,
      nonce: string,
    ) {
      return signer.signTypedData(
        {
          name: await token.name(),
          version: "1",
          chainId: (await ethers.provider.getNetwork()).chainId,
          verifyingContract: await token.getAddress(),
        },
        {
          ReceiveWithAuthorization: [
            { name: "from", type: "address" },
            { name: "to", type: "address" },
            { name: "value", type: "uint256" },
            { name: "validAfter", type: "uint256" },
            { name: "validBefore", type: "uint256" },
            { name: "nonce", type: "bytes32" },
          ],
        },
        { from: signer.address, to, value, validAfter: 0n, validBefore, nonce },
      );
    }

    it("pays a coin leg by the sender's receiveWithAuthorization bound to the instruction, through the engine", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 10n), await leg(usd, bob, alice, 700n)]);
      const id = instructionId(ins);
      const engineAddress = await engine.getAddress();
      const signature = await signReceive(usd, bob, engineAddress, 700n, ins.deadline, legKey(id, 1));
      const auth = { leg: 1n, validAfter: 0n, validBefore: ins.deadline, signature };
      await expect(
        engine
          .connect(submitter)
          .settleWithAuthorizations(ins, [await signInstruction(engine, alice, ins), "0x"], 0, [auth]),
      ).to.emit(engine, "SettlementExecuted");
      expect(await usd.balanceOf(alice.address)).to.equal(1_000_700n);
      expect(await usd.balanceOf(engineAddress)).to.equal(0n);
      // An authorization for another leg key (not bound to this instruction) fails the leg.
      const other = await instructionOf([await leg(usd, bob, alice, 5n)], 1n);
      const unbound = await signReceive(usd, bob, engineAddress, 5n, other.deadline, legKey(id, 1));
      await expect(engine.settleWithAuthorizations(other, [], 0, [{ ...auth, leg: 0n, signature: unbound }]))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(0n, await usd.getAddress(), bob.address, alice.address, 5n, UNCLASSIFIED, (r: string) =>
          r.startsWith(usd.interface.getError("HoldableTokenMockInvalidAuthorization")!.selector),
        );
    });

    it("refuses an authorization for a leg out of range, named twice, held, or not a coin's", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob } = accounts;
      const { engine, equity, usd } = contracts;
      const ins = await instructionOf([await leg(equity, alice, bob, 10n), await leg(usd, bob, alice, 700n)]);
      const a = (legIndex: bigint) => ({ leg: legIndex, validAfter: 0n, validBefore: ins.deadline, signature: "0x" });
      await expect(engine.settleWithAuthorizations(ins, [], 0, [a(2n)]))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidAuthorization")
        .withArgs(0n, 2n);
      await expect(engine.settleWithAuthorizations(ins, [], 0, [a(1n), a(1n)]))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidAuthorization")
        .withArgs(1n, 1n);
      await expect(engine.settleWithAuthorizations(ins, [], 2, [a(1n)]))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidAuthorization")
        .withArgs(0n, 1n);
      await expect(engine.settleWithAuthorizations(ins, [], 0, [a(0n)]))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidAuthorization")
        .withArgs(0n, 0n);
    });
  });

  describe("re-entrancy", function () {
    it("a malicious token re-entering the engine mid-leg makes the settlement fail", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const inner = await instructionOf([await leg(usd, bob, alice, 1n)], 5n);
      await equity.setReentry(
        await engine.getAddress(),
        engine.interface.encodeFunctionData("settle", [inner, [await signInstruction(engine, bob, inner)], 0]),
      );
      const ins = await instructionOf([await leg(equity, alice, bob, 1n), await leg(usd, bob, alice, 2n)]);
      const sigs = [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)];
      await expect(engine.connect(submitter).settle(ins, sigs, 0))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(0n, await equity.getAddress(), alice.address, bob.address, 1n, UNCLASSIFIED, (r: string) =>
          r.startsWith(engine.interface.getError("ReentrancyGuardReentrantCall")!.selector),
        );
      expect(await engine.isNonceUsed(bob.address, 5n)).to.equal(false);
      // Outside a settlement, the same call through the token is an ordinary (consented) settlement.
      await equity.setReentry(ethers.ZeroAddress, "0x");
      await engine.connect(submitter).settle(ins, sigs, 0);
    });

    it("a malicious ERC-1271 wallet cannot re-enter while its signature is checked", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd } = contracts;
      const wallet = await ethers.deployContract("ReentrantERC1271WalletMock", [bob.address]);
      const walletAddress = await wallet.getAddress();
      await usd.mint(walletAddress, 100n);
      const inner = await instructionOf([await leg(usd, bob, alice, 1n)], 9n);
      await wallet.setReentry(
        await engine.getAddress(),
        engine.interface.encodeFunctionData("settle", [inner, [await signInstruction(engine, bob, inner)], 0]),
      );
      const ins = await instructionOf([await leg(equity, alice, wallet, 1n), await leg(usd, wallet, alice, 2n)]);
      await expect(
        engine
          .connect(submitter)
          .settle(ins, [await signInstruction(engine, alice, ins), await signInstruction(engine, bob, ins)], 0),
      )
        .to.be.revertedWithCustomError(engine, "SettlementInvalidSignature")
        .withArgs(instructionId(ins), 1n, walletAddress);
      expect(await engine.isNonceUsed(bob.address, 9n)).to.equal(false);
    });
  });

  describe("explainSettlement", function () {
    it("reports consent, holds, registration and restrictions per leg without sending", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, submitter } = accounts;
      const { engine, equity, usd, rogue } = contracts;
      const ins = await instructionOf([
        await leg(equity, alice, bob, 1n),
        await leg(usd, bob, alice, 2n),
        await leg(rogue, bob, alice, 3n),
      ]);
      const [ok, id, checks] = await engine
        .connect(submitter)
        .explainSettlement(ins, [await signInstruction(engine, alice, ins), "0x", "0x"], 0);
      expect(ok).to.equal(false);
      expect(id).to.equal(instructionId(ins));
      expect(checks.map((c) => [c.restriction, c.consented, c.held, c.registered])).to.deep.equal([
        [0n, true, false, true],
        [0n, false, false, true],
        [0n, false, false, false],
      ]);
      const two = { ...ins, legs: ins.legs.slice(0, 2) };
      const sigs = [await signInstruction(engine, alice, two), await signInstruction(engine, bob, two)];
      expect((await engine.explainSettlement(two, sigs, 0))[0]).to.equal(true);
      await engine.settle(two, sigs, 0);
      expect((await engine.explainSettlement(two, sigs, 0))[0]).to.equal(false);
    });
  });

  describe("setCoin", function () {
    it("registers and de-registers a coin, refusing bad input", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { engine, usd, rogue, equity } = contracts;
      const rogueAddress = await rogue.getAddress();
      await expect(engine.connect(accounts.governor).setCoin(rogueAddress, true))
        .to.emit(engine, "SettlementCoinSet")
        .withArgs(rogueAddress, true);
      expect(await engine.isCoin(rogueAddress)).to.equal(true);
      expect(await engine.isRegisteredAsset(rogueAddress)).to.equal(true);
      await expect(engine.connect(accounts.governor).setCoin(rogueAddress, true))
        .to.be.revertedWithCustomError(engine, "SettlementInvalidCoin")
        .withArgs(rogueAddress, true);
      await expect(engine.connect(accounts.governor).setCoin(rogueAddress, false))
        .to.emit(engine, "SettlementCoinSet")
        .withArgs(rogueAddress, false);
      await expect(engine.connect(accounts.governor).setCoin(rogueAddress, false)).to.be.revertedWithCustomError(
        engine,
        "SettlementInvalidCoin",
      );
      await expect(
        engine.connect(accounts.governor).setCoin(accounts.alice.address, true),
      ).to.be.revertedWithCustomError(engine, "SettlementInvalidCoin");
      await expect(
        engine.connect(accounts.governor).setCoin(await equity.getAddress(), true),
      ).to.be.revertedWithCustomError(engine, "SettlementInvalidCoin");
      expect(await engine.isCoin(await usd.getAddress())).to.equal(true);
      await expect(engine.connect(accounts.stranger).setCoin(rogueAddress, true)).to.be.revertedWithCustomError(
        engine,
        "AccessManagedUnauthorized",
      );
    });
  });

  describe("hold desk", function () {
    it("lets a settlement client place, execute, release holds and transfer, under its own hold ids", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, client } = accounts;
      const { engine, equity, usd } = contracts;
      const ref = ethers.id("gateway-trade-1");
      const holdId = await engine.clientHoldId(client.address, ref);
      expect(holdId).to.equal(
        ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "bytes32"], [client.address, ref])),
      );
      const expiry = BigInt(await time.latest()) + 3600n;
      const equityAddress = await equity.getAddress();
      await expect(engine.connect(client).placeClientHold(equityAddress, ref, alice.address, 100n, expiry))
        .to.emit(engine, "SettlementClientHoldPlaced")
        .withArgs(client.address, equityAddress, ref, holdId, alice.address, 100n, expiry)
        .and.to.emit(equity, "HoldPlaced");
      await expect(engine.connect(client).executeClientHold(equityAddress, ref, bob.address, 40n))
        .to.emit(engine, "SettlementClientHoldExecuted")
        .withArgs(client.address, equityAddress, ref, bob.address, 40n);
      await expect(engine.connect(client).releaseClientHold(equityAddress, ref))
        .to.emit(engine, "SettlementClientHoldReleased")
        .withArgs(client.address, equityAddress, ref);
      expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
      expect(await equity.balanceOf(bob.address)).to.equal(1_000_040n);
      await expect(engine.connect(client).clientTransfer(await usd.getAddress(), bob.address, alice.address, 9n))
        .to.emit(engine, "SettlementClientTransferred")
        .withArgs(client.address, await usd.getAddress(), bob.address, alice.address, 9n);
      // Another client's id space is its own: bob cannot touch the client's hold (he is no client at all).
      for (const call of [
        () => engine.connect(bob).placeClientHold(equityAddress, ref, alice.address, 1n, expiry),
        () => engine.connect(bob).executeClientHold(equityAddress, ref, bob.address, 1n),
        () => engine.connect(bob).releaseClientHold(equityAddress, ref),
        () => engine.connect(bob).clientTransfer(equityAddress, alice.address, bob.address, 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(engine, "AccessManagedUnauthorized");
      }
    });

    it("refuses an unknown asset and passes on the token's errors", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { alice, bob, client } = accounts;
      const { engine, equity, rogue } = contracts;
      const rogueAddress = await rogue.getAddress();
      const expiry = BigInt(await time.latest()) + 3600n;
      const ref = ethers.id("x");
      for (const call of [
        () => engine.connect(client).placeClientHold(rogueAddress, ref, alice.address, 1n, expiry),
        () => engine.connect(client).executeClientHold(rogueAddress, ref, bob.address, 1n),
        () => engine.connect(client).releaseClientHold(rogueAddress, ref),
        () => engine.connect(client).clientTransfer(rogueAddress, alice.address, bob.address, 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(engine, "SettlementUnknownAsset").withArgs(rogueAddress);
      }
      await expect(
        engine.connect(client).executeClientHold(await equity.getAddress(), ref, bob.address, 1n),
      ).to.be.revertedWithCustomError(equity, "HoldableHoldNotActive");
      // Only the engine is the tokens' notary.
      await expect(equity.connect(client).settlementTransfer(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(equity, "HoldableUnauthorizedEngine")
        .withArgs(client.address);
      expect(Role.SETTLEMENT_CLIENT).to.equal(18n);
    });
  });

  describe("views", function () {
    it("compute the id, digest, leg keys and domain as the SDK does", async function () {
      const { accounts, contracts } = await loadFixture(settlementFixture);
      const { engine, equity } = contracts;
      const ins = await instructionOf([await leg(equity, accounts.alice, accounts.bob, 1n)]);
      const id = instructionId(ins);
      expect(await engine.instructionId(ins)).to.equal(id);
      expect(await engine.instructionDigest(ins)).to.equal(
        ethers.TypedDataEncoder.hash(await domainOf(engine), INSTRUCTION_TYPES, ins),
      );
      expect(await engine.legKey(id, 3)).to.equal(legKey(id, 3));
      expect(await engine.domainSeparator()).to.equal(ethers.TypedDataEncoder.hashDomain(await domainOf(engine)));
      expect(await engine.maxLegs()).to.equal(64n);
      expect(await engine.isRegisteredAsset(await equity.getAddress())).to.equal(true);
      expect(await engine.isRegisteredAsset(await contracts.rogue.getAddress())).to.equal(false);
    });
  });
});

describe("Settlement deployment", function () {
  it("registers every coin of config/coins.ts and no directory asset needs registering", async function () {
    const { contracts } = await loadFixture(coreFixture);
    const engine = await ethers.getContractAt("Settlement", (await deployments.get("Settlement")).address);
    for (const coin of [contracts.coin, contracts.coinCNY]) {
      expect(await engine.isCoin(await coin.getAddress())).to.equal(true);
    }
    expect(await engine.authority()).to.equal(await contracts.authority.getAddress());
  });
});
