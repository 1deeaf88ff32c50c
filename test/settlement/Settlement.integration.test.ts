import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { explainSettlement as sdkExplain } from "../../sdk/settlement";
import { signAuthorization, domainOf as tokenDomainOf } from "../../sdk/signatures";
import { Restriction } from "../../sdk/restrictions";
import { Claim, claimsOf } from "../../sdk/claims";
import { investorId } from "../identity/helpers";
import { extraSigner } from "../fixtures/security";
import { HOLD_UNAVAILABLE, instructionId, legKey, signInstruction, type Instruction } from "./helpers";
import {
  CHINA,
  consents,
  explainCodes,
  expectLegRefused,
  FRANCE,
  instruction,
  integrationFixture,
  legOf,
  positions,
  START,
  type IntegrationWorld,
} from "./integration";

/**
 * Settles `ins` (signed by every sender, submitted by the stranger) expecting leg `failing` to fail with `codes[failing]`;
 * checks that explainSettlement (view and SDK) gives `codes` for the legs, and that nothing moved.
 */
async function expectRefused(world: IntegrationWorld, ins: Instruction, failing: number, codes: number[], held = 0n) {
  const { alice, bob, carol, stranger } = world.accounts;
  const { engine } = world.contracts;
  expect(await explainCodes(world, ins, await consents(world, ins, [alice, bob, carol]), held)).to.deep.equal(codes);
  const holders = [alice.address, bob.address, carol.address, stranger.address, await engine.getAddress()];
  await expectLegRefused(world, ins, failing, codes[failing], held, () => positions(world, holders));
}

describe("Settlement on the real deployment (integration)", function () {
  let world: IntegrationWorld;
  beforeEach(async function () {
    world = await loadFixture(integrationFixture);
  });

  describe("settling", function () {
    it("settles a DvP of the equity against aCNY signed by both parties and submitted by a third party", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      const price = 5_000n * 100n;
      const ins = await instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, price)], 1n);
      const sigs = await consents(world, ins, [alice, bob]);
      const [ok, id] = await engine.explainSettlement(ins, sigs, 0n);
      expect(ok).to.equal(true);
      expect(id).to.equal(instructionId(ins));
      await expect(engine.connect(stranger).settle(ins, sigs, 0n))
        .to.emit(engine, "SettlementExecuted")
        .withArgs(id, alice.address, ins.tradeRef, 1n);
      expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice - 100n);
      expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 100n);
      expect(await cny.balanceOf(alice.address)).to.equal(START.cny + price);
      expect(await cny.balanceOf(bob.address)).to.equal(START.cny - price);
      expect(await cny.balanceOf(engine)).to.equal(0n);
      expect(await equity.balanceOf(engine)).to.equal(0n);
      // Replay: the nonce is spent.
      await expect(engine.connect(stranger).settle(ins, sigs, 0n))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 1n);
    });

    it("settles a PvP of aCNY against aUSD at an agreed rate", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, usd, cny } = world.contracts;
      // 1,000 USD at 7.1234 CNY per USD: 7,123.40 CNY.
      const usdAmount = 1_000n * 10n ** 6n;
      const cnyAmount = (usdAmount * 71_234n * 100n) / (10_000n * 10n ** 6n);
      expect(cnyAmount).to.equal(712_340n);
      const ins = await instruction(
        [await legOf(cny, alice, bob, cnyAmount), await legOf(usd, bob, alice, usdAmount)],
        2n,
      );
      await engine.connect(stranger).settle(ins, await consents(world, ins, [alice, bob]), 0n);
      expect(await cny.balanceOf(bob.address)).to.equal(START.cny + cnyAmount);
      expect(await usd.balanceOf(alice.address)).to.equal(START.usd + usdAmount);
      expect(await cny.totalSupply()).to.equal(3n * START.cny);
    });

    it("settles a DvD of the equity against the bond", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, equity, bond } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 30n), await legOf(bond, bob, alice, 7n)], 3n);
      await engine.connect(stranger).settle(ins, await consents(world, ins, [alice, bob]), 0n);
      expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 30n);
      expect(await bond.balanceOf(alice.address)).to.equal(START.bond.alice + 7n);
    });

    it("settles a prefunded DvP: the seller stays the owner in a snapshot taken while held, then execution", async function () {
      const { alice, bob, stranger, agent } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 200n), await legOf(cny, bob, alice, 9_900n)], 4n);
      const id = instructionId(ins);
      await expect(engine.connect(alice).prefund(ins, 0n))
        .to.emit(engine, "SettlementLegPrefunded")
        .withArgs(id, 0n, alice.address, legKey(id, 0), 200n);
      expect(await equity.heldBalanceOf(alice.address)).to.equal(200n);
      expect(await equity.availableBalanceOf(alice.address)).to.equal(START.equity.alice - 200n);
      // The held units cannot go elsewhere.
      await expect(equity.connect(alice).transfer(bob.address, START.equity.alice - 199n)).to.be.reverted;
      await equity.connect(agent).snapshot();
      const snapshotId = await equity.currentSnapshotId();
      expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice);
      // bob signs only; the held leg needs no signature of alice's.
      const sigs = ["0x", await signInstruction(engine, bob, ins)];
      const [ok, , checks] = await engine.explainSettlement(ins, sigs, 1n);
      expect(ok).to.equal(true);
      expect(checks[0].held).to.equal(true);
      await engine.connect(stranger).settle(ins, sigs, 1n);
      expect(await equity.balanceOfAt(alice.address, snapshotId)).to.equal(START.equity.alice);
      expect(await equity.balanceOfAt(bob.address, snapshotId)).to.equal(START.equity.bob);
      expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 200n);
      expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
      expect((await equity.holdOf(legKey(id, 0))).status).to.equal(2n); // Executed
      // Executed once: a release now refuses.
      await expect(engine.releasePrefund(ins, 0n)).to.be.revertedWithCustomError(equity, "HoldableHoldNotActive");
    });

    it("pays a coin leg by EIP-3009 receiveWithAuthorization (the engine is an eligible coin holder)", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      expect(await cny.isEligible(engine)).to.equal(true);
      const ins = await instruction([await legOf(equity, alice, bob, 10n), await legOf(cny, bob, alice, 777n)], 5n);
      const id = instructionId(ins);
      const signature = await signAuthorization(bob, await tokenDomainOf(cny), "receive", {
        from: bob.address,
        to: await engine.getAddress(),
        value: 777n,
        validAfter: 0n,
        validBefore: ins.deadline,
        nonce: legKey(id, 1),
      });
      const auth = { leg: 1n, validAfter: 0n, validBefore: ins.deadline, signature };
      await engine
        .connect(stranger)
        .settleWithAuthorizations(ins, [await signInstruction(engine, alice, ins), "0x"], 0n, [auth]);
      expect(await cny.balanceOf(alice.address)).to.equal(START.cny + 777n);
      expect(await cny.balanceOf(engine)).to.equal(0n);
      expect(await cny.authorizationState(bob.address, legKey(id, 1))).to.equal(true);
    });
  });

  describe("refusals of an EIP-3009 coin leg (taken by the engine, forwarded in the same call)", function () {
    async function authorizedDvp(nonce: bigint, price: bigint) {
      const { alice, bob } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 10n), await legOf(cny, bob, alice, price)], nonce);
      const signature = await signAuthorization(bob, await tokenDomainOf(cny), "receive", {
        from: bob.address,
        to: await engine.getAddress(),
        value: price,
        validAfter: 0n,
        validBefore: ins.deadline,
        nonce: legKey(instructionId(ins), 1),
      });
      const auth = { leg: 1n, validAfter: 0n, validBefore: ins.deadline, signature };
      return { ins, auths: [auth], sigs: [await signInstruction(engine, alice, ins), "0x"] };
    }

    for (const [label, code, setUp] of [
      [
        "the recipient frozen",
        Restriction.RecipientFrozen,
        (w: IntegrationWorld) => w.contracts.cny.connect(w.accounts.regulator).freeze(w.accounts.alice.address),
      ],
      [
        "the payer frozen",
        Restriction.SenderFrozen,
        (w: IntegrationWorld) => w.contracts.cny.connect(w.accounts.regulator).freeze(w.accounts.bob.address),
      ],
      [
        "the coin paused",
        Restriction.TokenPaused,
        (w: IntegrationWorld) => w.contracts.cny.connect(w.accounts.regulator).pause(),
      ],
    ] as const) {
      it(`${label}: SettlementLegFailed with code ${code}, nothing moves, the authorization unused`, async function () {
        const { bob, stranger } = world.accounts;
        const { engine, cny } = world.contracts;
        const { ins, auths, sigs } = await authorizedDvp(40n, 500n);
        await setUp(world);
        const before = await positions(world, [world.accounts.alice.address, bob.address, await engine.getAddress()]);
        const leg = ins.legs[1];
        await expect(engine.connect(stranger).settleWithAuthorizations(ins, sigs, 0n, auths))
          .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
          .withArgs(1n, leg.token, leg.from, leg.to, leg.amount, code, (reason: string) => reason !== "0x");
        expect(
          await positions(world, [world.accounts.alice.address, bob.address, await engine.getAddress()]),
        ).to.deep.equal(before);
        expect(await cny.authorizationState(bob.address, legKey(instructionId(ins), 1))).to.equal(false);
      });
    }

    it("held units are not paid by authorization: InsufficientUnfrozenBalance", async function () {
      const { bob, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      // bob holds nearly all his aCNY for another instruction.
      const other = await instruction(
        [
          await legOf(cny, bob, world.accounts.carol, START.cny - 100n),
          await legOf(equity, world.accounts.alice, bob, 1n),
        ],
        41n,
      );
      await engine.connect(bob).prefund(other, 0n);
      const { ins, auths, sigs } = await authorizedDvp(42n, 500n);
      const leg = ins.legs[1];
      await expect(engine.connect(stranger).settleWithAuthorizations(ins, sigs, 0n, auths))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(
          1n,
          leg.token,
          leg.from,
          leg.to,
          leg.amount,
          Restriction.InsufficientUnfrozenBalance,
          (reason: string) => reason !== "0x",
        );
      expect(await cny.balanceOf(engine)).to.equal(0n);
    });
  });

  describe("refusals by the real tokens, and explainSettlement's same answer", function () {
    it("a buyer not verified in the identity registry: RecipientNotVerified on the equity leg", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, stranger, 5n), await legOf(cny, bob, alice, 50n)], 6n);
      await expectRefused(world, ins, 0, [Restriction.RecipientNotVerified, 0]);
    });

    it("a country blocked by the asset's compliance: CountryBlocked", async function () {
      const { alice, carol, regulator } = world.accounts;
      const { compliance, equity, cny } = world.contracts;
      await compliance.connect(regulator).setCountriesBlocked(equity, [FRANCE], true);
      const ins = await instruction([await legOf(equity, alice, carol, 5n), await legOf(cny, carol, alice, 50n)], 7n);
      await expectRefused(world, ins, 0, [Restriction.CountryBlocked, 0]);
    });

    it("a halted asset: TradingHalted", async function () {
      const { alice, bob, regulator } = world.accounts;
      const { compliance, equity, cny } = world.contracts;
      await compliance.connect(regulator).imposeHalt(equity, (await time.latest()) + 86_400, ethers.id("news"));
      const ins = await instruction([await legOf(equity, alice, bob, 5n), await legOf(cny, bob, alice, 50n)], 8n);
      await expectRefused(world, ins, 0, [Restriction.TradingHalted, 0]);
    });

    it("registry changes: a seller and a buyer no longer verified, on plain and held legs", async function () {
      const { alice, bob, kycProvider } = world.accounts;
      const { engine, identity, equity, cny } = world.contracts;
      const expiry = (await time.latest()) + 86_400 * 365;
      const ins = await instruction([await legOf(equity, alice, bob, 5n), await legOf(cny, bob, alice, 50n)], 20n);
      const held = await instruction([await legOf(equity, alice, bob, 6n), await legOf(cny, bob, alice, 60n)], 21n);
      await engine.connect(alice).prefund(held, 0n);
      // The buyer loses its AML claim: the equity refuses it as a recipient on a plain and a held leg; the coin
      // still lets it pay (a coin checks the recipient only).
      await identity.connect(kycProvider).updateInvestor(investorId("bob"), CHINA, claimsOf([Claim.KYC]), expiry);
      await expectRefused(world, ins, 0, [Restriction.RecipientNotVerified, 0]);
      await expectRefused(world, held, 0, [Restriction.RecipientNotVerified, 0], 1n);
      // Restored, then the seller loses it: SenderNotVerified, and the coin (told in the same transaction by the
      // registry) no longer lets it receive the price.
      await identity
        .connect(kycProvider)
        .updateInvestor(investorId("bob"), CHINA, claimsOf([Claim.KYC, Claim.AML]), expiry);
      await identity.connect(kycProvider).updateInvestor(investorId("alice"), CHINA, claimsOf([Claim.KYC]), expiry);
      await expectRefused(world, ins, 0, [Restriction.SenderNotVerified, Restriction.RecipientNotVerified]);
      await expectRefused(world, held, 0, [Restriction.SenderNotVerified, Restriction.RecipientNotVerified], 1n);
    });

    it("the coin's checks in its order: paused, sender frozen, available balance, recipient frozen, eligibility", async function () {
      const { alice, bob, regulator, stranger } = world.accounts;
      const { equity, cny } = world.contracts;
      const officer = cny.connect(regulator);
      // Recipient not eligible (the stranger is registered nowhere).
      let ins = await instruction([await legOf(cny, bob, stranger, 50n)], 9n);
      await expectRefused(world, ins, 0, [Restriction.RecipientNotVerified]);
      // Recipient frozen comes before eligibility.
      await officer.freeze(stranger.address);
      await expectRefused(world, ins, 0, [Restriction.RecipientFrozen]);
      // The available balance comes before the recipient's freeze.
      ins = await instruction(
        [await legOf(equity, alice, bob, 5n), await legOf(cny, bob, stranger, START.cny + 1n)],
        10n,
      );
      await expectRefused(world, ins, 1, [0, Restriction.InsufficientUnfrozenBalance]);
      // The sender's freeze comes before the balance.
      await officer.freeze(bob.address);
      await expectRefused(world, ins, 1, [0, Restriction.SenderFrozen]);
      // The pause comes first.
      await officer.pause();
      await expectRefused(world, ins, 1, [0, Restriction.TokenPaused]);
    });

    it("the securities' checks: paused, sender frozen, recipient frozen, frozen units", async function () {
      const { alice, bob, agent } = world.accounts;
      const { equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 900n), await legOf(cny, bob, alice, 50n)], 11n);
      await equity.connect(agent).freezePartialTokens(alice.address, 200n);
      await expectRefused(world, ins, 0, [Restriction.InsufficientUnfrozenBalance, 0]);
      await equity.connect(agent).setAddressFrozen(bob.address, true);
      await expectRefused(world, ins, 0, [Restriction.RecipientFrozen, 0]);
      await equity.connect(agent).setAddressFrozen(alice.address, true);
      await expectRefused(world, ins, 0, [Restriction.SenderFrozen, 0]);
      await equity.connect(agent).pause();
      await expectRefused(world, ins, 0, [Restriction.TokenPaused, 0]);
    });

    it("a held leg: the hold is checked first, then the token's own checks and its pipeline", async function () {
      const { alice, bob, agent, regulator } = world.accounts;
      const { compliance, equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, 50n)], 12n);
      const id = instructionId(ins);
      await world.contracts.engine.connect(alice).prefund(ins, 0n);
      // Halted: the pipeline refuses the held units' move.
      await compliance.connect(regulator).imposeHalt(equity, (await time.latest()) + 86_400, ethers.id("news"));
      await expectRefused(world, ins, 0, [Restriction.TradingHalted, 0], 1n);
      // Paused comes before the pipeline.
      await equity.connect(agent).pause();
      await expectRefused(world, ins, 0, [Restriction.TokenPaused, 0], 1n);
      // An officer cancels the hold: the hold comes first.
      await equity.connect(agent).cancelHold(legKey(id, 0), ethers.id("court order"));
      await expectRefused(world, ins, 0, [HOLD_UNAVAILABLE, 0], 1n);
    });

    it("a held coin leg: the hold first, then paused, sender frozen, recipient frozen, eligibility", async function () {
      const { alice, bob, regulator } = world.accounts;
      const { engine, equity, cny, cnyHolds } = world.contracts;
      const ins = await instruction([await legOf(cny, bob, alice, 500n), await legOf(equity, alice, bob, 5n)], 13n);
      const id = instructionId(ins);
      await engine.connect(bob).prefund(ins, 0n);
      expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(500n);
      await cny.connect(regulator).freeze(alice.address);
      await expectRefused(world, ins, 0, [Restriction.RecipientFrozen, 0], 1n);
      await cny.connect(regulator).freeze(bob.address);
      await expectRefused(world, ins, 0, [Restriction.SenderFrozen, 0], 1n);
      await cny.connect(regulator).pause();
      await expectRefused(world, ins, 0, [Restriction.TokenPaused, 0], 1n);
      await cnyHolds.connect(regulator).cancelHold(legKey(id, 0), ethers.id("seizure"));
      await expectRefused(world, ins, 0, [HOLD_UNAVAILABLE, 0], 1n);
      expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
    });
  });

  describe("legs of one sender in one token (explainSettlement counts the earlier legs' balance effects)", function () {
    it("a seller allocating more than it has over two legs: the second leg is refused, explained and settled", async function () {
      const { alice, bob, carol } = world.accounts;
      const { equity, cny } = world.contracts;
      // alice has 1,000 shares: 600 to bob and 600 to carol cannot both move.
      const ins = await instruction(
        [
          await legOf(equity, alice, bob, 600n),
          await legOf(equity, alice, carol, 600n),
          await legOf(cny, bob, alice, 100n),
        ],
        30n,
      );
      await expectRefused(world, ins, 1, [0, Restriction.InsufficientUnfrozenBalance, 0]);
      // The same on the coin: bob pays more than he has over two legs.
      const pay = await instruction(
        [await legOf(cny, bob, alice, START.cny / 2n + 1n), await legOf(cny, bob, carol, START.cny / 2n)],
        31n,
      );
      await expectRefused(world, pay, 1, [0, Restriction.InsufficientUnfrozenBalance]);
    });

    it("a held leg before an unheld leg of the same seller: the held units are not counted twice", async function () {
      const { alice, bob, carol, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      // alice holds 900 of her 1,000 shares for bob, and sends 100 unheld to carol.
      const ins = await instruction(
        [
          await legOf(equity, alice, bob, 900n),
          await legOf(equity, alice, carol, 100n),
          await legOf(cny, bob, alice, 1n),
        ],
        33n,
      );
      await engine.connect(alice).prefund(ins, 0n);
      const sigs = await consents(world, ins, [bob]);
      expect(await explainCodes(world, ins, sigs, 1n)).to.deep.equal([0, 0, 0]);
      expect((await engine.explainSettlement(ins, sigs, 1n))[0]).to.equal(true);
      await engine.connect(stranger).settle(ins, sigs, 1n);
      expect(await equity.balanceOf(alice.address)).to.equal(0n);
      expect(await equity.balanceOf(carol.address)).to.equal(100n);
    });

    it("a chain (carol buys from bob what she delivers to alice): explained as moving, and settled", async function () {
      const { alice, bob, carol, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      expect(await equity.balanceOf(carol.address)).to.equal(0n);
      const ins = await instruction(
        [
          await legOf(equity, bob, carol, 50n),
          await legOf(equity, carol, alice, 50n),
          await legOf(cny, alice, bob, 100n),
        ],
        32n,
      );
      const sigs = await consents(world, ins, [alice, bob, carol]);
      expect(await explainCodes(world, ins, sigs)).to.deep.equal([0, 0, 0]);
      expect((await engine.explainSettlement(ins, sigs, 0n))[0]).to.equal(true);
      await engine.connect(stranger).settle(ins, sigs, 0n);
      expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice + 50n);
      expect(await equity.balanceOf(carol.address)).to.equal(0n);
    });
  });

  describe("cancel and expiry", function () {
    it("the initiator cancels: the instruction can no longer settle, and anyone releases a prefund", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, equity, cny, cnyHolds } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, 50n)], 14n);
      const id = instructionId(ins);
      await engine.connect(bob).prefund(ins, 1n);
      const sigs = await consents(world, ins, [alice, bob]);
      await expect(engine.connect(alice).cancel(ins, "0x"))
        .to.emit(engine, "SettlementCancelled")
        .withArgs(id, alice.address, 14n, alice.address);
      await expect(engine.connect(stranger).settle(ins, sigs, 2n))
        .to.be.revertedWithCustomError(engine, "SettlementNonceUsed")
        .withArgs(alice.address, 14n);
      expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(50n);
      await engine.connect(stranger).releasePrefund(ins, 1n);
      expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
      await expect(engine.connect(stranger).releasePrefund(ins, 1n)).to.be.revertedWithCustomError(
        cnyHolds,
        "HoldableHoldNotActive",
      );
    });

    it("an expired instruction refuses to settle, and its prefund is released by anyone (on the token too)", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, equity, cny } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, 50n)], 15n);
      const id = instructionId(ins);
      await engine.connect(alice).prefund(ins, 0n);
      const sigs = await consents(world, ins, [alice, bob]);
      await expect(engine.releasePrefund(ins, 0n)).to.be.revertedWithCustomError(engine, "SettlementInstructionLive");
      await time.increaseTo(ins.deadline);
      await expect(engine.connect(stranger).settle(ins, sigs, 1n)).to.be.revertedWithCustomError(
        engine,
        "SettlementExpired",
      );
      await equity.connect(stranger).releaseHold(legKey(id, 0));
      expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
      expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice);
    });
  });

  describe("the SDK's explainSettlement in words (instruction reasons, token units, syncHolder)", function () {
    /** alice delivers 100 equity to bob against 5,000.25 aCNY (500,025 cents), nonce 31. */
    async function dvp() {
      const { alice, bob } = world.accounts;
      const { equity, cny } = world.contracts;
      return instruction([await legOf(equity, alice, bob, 100n), await legOf(cny, bob, alice, 500_025n)], 31n);
    }

    it("writes each amount in its token's units (aCNY has 2 decimals)", async function () {
      const { alice, bob } = world.accounts;
      const { engine, cny, equity } = world.contracts;
      const ins = await dvp();
      const names = { [await equity.getAddress()]: "EQ", [await cny.getAddress()]: "aCNY" };
      const equityUnits = (await equity.decimals()) === 0n ? "100" : ethers.formatUnits(100n, await equity.decimals());
      const explanation = await sdkExplain(engine, ins, await consents(world, ins, [alice, bob]), 0n, names);
      expect(explanation.ok).to.equal(true);
      expect(explanation.legs[0].sentence).to.contain(`leg 0: ${equityUnits} of EQ from`);
      expect(explanation.legs[1].sentence).to.contain("leg 1: 5,000.25 of aCNY from");
      expect(explanation.reasons).to.deep.equal([]);
    });

    it("says when it expired, in UTC", async function () {
      const { alice, bob } = world.accounts;
      const { engine } = world.contracts;
      const ins = await dvp();
      await time.increaseTo(ins.deadline);
      const explanation = await sdkExplain(engine, ins, await consents(world, ins, [alice, bob]), 0n);
      const at = new Date(Number(ins.deadline) * 1000).toISOString().replace(".000Z", "Z");
      expect(explanation.ok).to.equal(false);
      expect(explanation.legs.every((leg) => leg.ok)).to.equal(true);
      expect(explanation.reasons).to.deep.equal([`it expired at ${at} (deadline ${ins.deadline})`]);
      expect(explanation.summary).to.equal(
        `the instruction would not settle: it expired at ${at} (deadline ${ins.deadline})`,
      );
    });

    it("says it was cancelled, or settled already, or that its nonce went with another instruction", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine } = world.contracts;
      const cancelled = await dvp();
      const sigs = await consents(world, cancelled, [alice, bob]);
      await engine.connect(alice).cancel(cancelled, "0x");
      const nonce = `its initiator ${alice.address}'s nonce 31 is used`;
      expect((await sdkExplain(engine, cancelled, sigs, 0n)).reasons).to.deep.equal([`it was cancelled (${nonce})`]);
      const other = { ...cancelled, nonce: 32n };
      const otherSigs = await consents(world, other, [alice, bob]);
      await engine.connect(stranger).settle(other, otherSigs, 0n);
      expect((await sdkExplain(engine, other, otherSigs, 0n)).summary).to.equal(
        `the instruction would not settle: it settled already (${nonce.replace("31", "32")})`,
      );
      const sameNonce = { ...other, tradeRef: ethers.id("another trade") };
      expect(
        (await sdkExplain(engine, sameNonce, await consents(world, sameNonce, [alice, bob]), 0n)).reasons,
      ).to.deep.equal([`${nonce.replace("31", "32")} (by another instruction settled or cancelled with it)`]);
    });

    it("a coin leg to a wallet the registry verifies but the coin has not synced: says to call syncHolder", async function () {
      const { alice, bob, kycProvider } = world.accounts;
      const { engine, equity, cny, identity } = world.contracts;
      const dave = await extraSigner("settlement dave");
      await identity
        .connect(kycProvider)
        .registerInvestor(
          investorId("dave"),
          CHINA,
          claimsOf([Claim.KYC, Claim.AML]),
          BigInt(await time.latest()) + 86_400n * 365n,
          [dave.address],
        );
      expect(await identity.isVerified(dave.address)).to.equal(true);
      expect(await cny.isEligible(dave.address)).to.equal(false);
      // bob sells equity to alice, paid by alice to dave (bob's payee wallet).
      const ins = await instruction([await legOf(equity, bob, alice, 10n), await legOf(cny, alice, dave, 1_000n)], 33n);
      const sigs = await consents(world, ins, [alice, bob]);
      const explanation = await sdkExplain(engine, ins, sigs, 0n, {}, { identity });
      expect(Number(explanation.legs[1].check.restriction)).to.equal(Restriction.RecipientNotVerified);
      expect(explanation.legs[1].sentence).to.contain(`call syncHolder(${dave.address}) on the coin`);
      // Without the registry the SDK cannot tell, and says only what the coin says.
      expect((await sdkExplain(engine, ins, sigs, 0n)).legs[1].sentence).to.not.contain("syncHolder");
      await cny.syncHolder(dave.address);
      expect((await sdkExplain(engine, ins, sigs, 0n, {}, { identity })).ok).to.equal(true);
    });

    it("an equity leg refused as recipient not verified gets no syncHolder hint (only coins cache eligibility)", async function () {
      const { alice, stranger } = world.accounts;
      const { engine, equity, identity } = world.contracts;
      const ins = await instruction([await legOf(equity, alice, stranger, 1n)], 34n);
      const explanation = await sdkExplain(engine, ins, await consents(world, ins, [alice]), 0n, {}, { identity });
      expect(Number(explanation.legs[0].check.restriction)).to.equal(Restriction.RecipientNotVerified);
      expect(explanation.legs[0].sentence).to.not.contain("syncHolder");
    });
  });
});
