import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ISecurityToken } from "../../typechain-types";
import { Restriction } from "../../sdk/restrictions";
import type { SecurityWorld } from "../fixtures/security";
import { tokenState } from "../tokens/security/helpers";

/** `IHoldable.HoldStatus`. */
export const HoldStatus = { None: 0n, Active: 1n, Executed: 2n, Released: 3n, Cancelled: 4n } as const;

export const HOUR = 3_600;
/** What the spec mints: alice 1,000, bob 500. */
export const ALICE = 1_000n;
export const BOB = 500n;

/** The settlement engine of the token's implementation, impersonated (hardhat_impersonateAccount) and funded. */
export async function impersonateEngine(token: { settlementEngine(): Promise<string> }): Promise<HardhatEthersSigner> {
  const address = await token.settlementEngine();
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [address] });
  await network.provider.request({ method: "hardhat_setBalance", params: [address, ethers.toQuantity(10n ** 20n)] });
  return ethers.getSigner(address);
}

export interface HoldSetup {
  world: SecurityWorld<BaseContract>;
  /** The product through `ISecurityToken` (which extends `IHoldable`), connected to nobody in particular. */
  token: ISecurityToken;
  /** The implementation's ABI (its errors, AccessManaged's included). */
  errors: BaseContract;
  engine: HardhatEthersSigner;
  /** `holdId("a")` … */
  id: (label: string) => string;
  /** An hour from now. */
  expiry: number;
}

/** Everything observable about the token, and the holds `ids` and every watched account's held and available units. */
export async function holdState(setup: HoldSetup, ids: string[] = []) {
  const { world, token } = setup;
  const accounts = [world.accounts.alice, world.accounts.aliceSecond, world.accounts.bob, world.accounts.carol];
  return {
    token: await tokenState(world),
    totalHeld: await token.totalHeld(),
    held: await Promise.all(accounts.map((a) => token.heldBalanceOf(a.address))),
    available: await Promise.all(accounts.map((a) => token.availableBalanceOf(a.address))),
    holds: await Promise.all(ids.map(async (id) => [...(await token.holdOf(id))])),
  };
}

/**
 * Holds (`IHoldable`) on a security product, run for every product: `worldFixture` is a `securityFixture(...)` (any
 * product) whose implementation names the deployed `Settlement` as its engine; the spec impersonates it. alice is
 * minted 1,000 and bob 500 by the agent. Each rule and each error (with its data) is checked, and a refused call
 * changes nothing (`holdState` before and after).
 */
export function shouldBehaveLikeHoldableSecurityToken(worldFixture: () => Promise<SecurityWorld<BaseContract>>): void {
  async function holdFixture(): Promise<HoldSetup> {
    const world = await loadFixture(worldFixture);
    const token = world.contracts.security;
    const agent = token.connect(world.accounts.agent);
    await agent.mint(world.accounts.alice.address, ALICE);
    await agent.mint(world.accounts.bob.address, BOB);
    const engine = await impersonateEngine(token);
    return {
      world,
      token,
      errors: world.contracts.token,
      engine,
      id: (label: string) => ethers.id(`hold ${label}`),
      expiry: (await time.latest()) + HOUR,
    };
  }

  /** alice's 600 held under "a" until `expiry`. */
  async function heldFixture(): Promise<HoldSetup> {
    const setup = await loadFixture(holdFixture);
    const { token, engine, world, id, expiry } = setup;
    await token.connect(engine).placeHold(id("a"), world.accounts.alice.address, 600n, expiry);
    return setup;
  }

  /** Expects `tx` to revert with `error(args)` and to change nothing. */
  async function expectRefused(
    setup: HoldSetup,
    tx: () => Promise<unknown>,
    error: string,
    args: unknown[],
    ids: string[] = [setup.id("a")],
  ): Promise<void> {
    const before = await holdState(setup, ids);
    await expect(tx())
      .to.be.revertedWithCustomError(setup.errors, error)
      .withArgs(...args);
    expect(await holdState(setup, ids)).to.deep.equal(before);
  }

  describe("as a holdable token (IHoldable)", function () {
    it("names the deployed settlement engine and declares IHoldable in ERC-165", async function () {
      const { token, world } = await loadFixture(holdFixture);
      expect(await token.settlementEngine()).to.equal(await world.contracts.settlement.getAddress());
      const holdable = (await ethers.getContractAt("IHoldable", ethers.ZeroAddress)).interface;
      let interfaceId = 0n;
      holdable.forEachFunction((f) => (interfaceId ^= BigInt(f.selector)));
      const erc165 = await ethers.getContractAt("IERC165", await token.getAddress());
      expect(await erc165.supportsInterface(ethers.toBeHex(interfaceId, 4))).to.equal(true);
    });

    describe("placeHold", function () {
      it("holds units in place: the balance stays the holder's, the available balance drops", async function () {
        const setup = await loadFixture(holdFixture);
        const { token, engine, world, id, expiry } = setup;
        const alice = world.accounts.alice.address;
        await expect(token.connect(engine).placeHold(id("a"), alice, 600n, expiry))
          .to.emit(token, "HoldPlaced")
          .withArgs(id("a"), alice, 600n, expiry);
        expect(await token.balanceOf(alice)).to.equal(ALICE);
        expect(await token.heldBalanceOf(alice)).to.equal(600n);
        expect(await token.availableBalanceOf(alice)).to.equal(400n);
        expect(await token.totalHeld()).to.equal(600n);
        expect([...(await token.holdOf(id("a")))]).to.deep.equal([alice, BigInt(expiry), HoldStatus.Active, 600n, 0n]);
        // A second hold takes from what is left.
        await token.connect(engine).placeHold(id("b"), alice, 400n, expiry);
        expect(await token.availableBalanceOf(alice)).to.equal(0n);
        expect(await token.totalHeld()).to.equal(ALICE);
      });

      it("reverts with HoldableUnauthorizedEngine for any caller but the engine", async function () {
        const setup = await loadFixture(holdFixture);
        const { token, world, id, expiry } = setup;
        const { alice, agent, issuer, stranger } = world.accounts;
        for (const caller of [alice, agent, issuer, stranger]) {
          await expectRefused(
            setup,
            () => token.connect(caller).placeHold(id("a"), alice.address, 1n, expiry),
            "HoldableUnauthorizedEngine",
            [caller.address],
          );
        }
      });

      it("reverts with HoldableInvalidHold for a zero amount, a zero holder or the token itself", async function () {
        const setup = await loadFixture(holdFixture);
        const { token, engine, world, id, expiry } = setup;
        const alice = world.accounts.alice.address;
        const self = await token.getAddress();
        const placing = (holder: string, amount: bigint) => () =>
          token.connect(engine).placeHold(id("a"), holder, amount, expiry);
        await expectRefused(setup, placing(alice, 0n), "HoldableInvalidHold", [alice, 0n]);
        await expectRefused(setup, placing(ethers.ZeroAddress, 1n), "HoldableInvalidHold", [ethers.ZeroAddress, 1n]);
        await expectRefused(setup, placing(self, 1n), "HoldableInvalidHold", [self, 1n]);
      });

      it("reverts with HoldableInvalidExpiry for an expiry not in the future", async function () {
        const setup = await loadFixture(holdFixture);
        const { token, engine, world, id } = setup;
        const now = (await time.latest()) + 1; // the next block's time
        await time.setNextBlockTimestamp(now);
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("a"), world.accounts.alice.address, 1n, now),
          "HoldableInvalidExpiry",
          [now],
        );
      });

      it("reverts with HoldableHoldExists for an id placed before, even once released", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id, expiry } = setup;
        const bob = world.accounts.bob.address;
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("a"), bob, 1n, expiry),
          "HoldableHoldExists",
          [id("a")],
        );
        await token.connect(engine).releaseHold(id("a"));
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("a"), bob, 1n, expiry),
          "HoldableHoldExists",
          [id("a")],
        );
      });

      it("reverts with HoldableInsufficientAvailableBalance beyond the balance less held and frozen units", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id, expiry } = setup;
        const alice = world.accounts.alice.address;
        await token.connect(world.accounts.agent).freezePartialTokens(alice, 300n);
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("b"), alice, 101n, expiry),
          "HoldableInsufficientAvailableBalance",
          [alice, 100n, 101n],
        );
        await token.connect(engine).placeHold(id("b"), alice, 100n, expiry);
        expect(await token.availableBalanceOf(alice)).to.equal(0n);
      });

      it("reverts with SecurityTokenPaused while paused and SecurityTokenAddressFrozen for a frozen holder", async function () {
        const setup = await loadFixture(holdFixture);
        const { token, engine, world, id, expiry } = setup;
        const agent = token.connect(world.accounts.agent);
        const alice = world.accounts.alice.address;
        await agent.pause();
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("a"), alice, 1n, expiry),
          "SecurityTokenPaused",
          [],
        );
        await agent.unpause();
        await agent.setAddressFrozen(alice, true);
        await expectRefused(
          setup,
          () => token.connect(engine).placeHold(id("a"), alice, 1n, expiry),
          "SecurityTokenAddressFrozen",
          [alice],
        );
      });
    });

    describe("while units are held", function () {
      it("refuses to transfer them (code 16 InsufficientUnfrozenBalance) and transfers the rest", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world } = setup;
        const { alice, bob } = world.accounts;
        expect(await token.detectTransferRestriction(alice.address, bob.address, 401n)).to.equal(
          Restriction.InsufficientUnfrozenBalance,
        );
        expect(await token.messageForTransferRestriction(Restriction.InsufficientUnfrozenBalance)).to.equal(
          "The sender's balance not frozen or held is below the amount",
        );
        await expectRefused(
          setup,
          () => token.connect(alice).transfer(bob.address, 401n),
          "SecurityTokenInsufficientUnfrozenBalance",
          [alice.address, 400n, 401n],
        );
        await token.connect(alice).approve(bob.address, 1_000n);
        await expectRefused(
          setup,
          () => token.connect(bob).transferFrom(alice.address, bob.address, 401n),
          "SecurityTokenInsufficientUnfrozenBalance",
          [alice.address, 400n, 401n],
        );
        await expectRefused(
          setup,
          () => token.connect(alice).batchTransfer([bob.address, bob.address], [200n, 201n]),
          "SecurityTokenInsufficientUnfrozenBalance",
          [alice.address, 200n, 201n],
        );
        expect(await token.detectTransferRestriction(alice.address, bob.address, 400n)).to.equal(Restriction.None);
        await token.connect(alice).transfer(bob.address, 400n);
        expect(await token.balanceOf(alice.address)).to.equal(600n);
        expect(await token.heldBalanceOf(alice.address)).to.equal(600n);
      });

      it("lets forcedTransfer and burn take frozen units but not held ones (HoldableInsufficientAvailableBalance)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world } = setup;
        const { alice, bob, agent } = world.accounts;
        const asAgent = token.connect(agent);
        await asAgent.freezePartialTokens(alice.address, 300n);
        const refusals: [() => Promise<unknown>, bigint][] = [
          [() => asAgent.forcedTransfer(alice.address, bob.address, 401n), 401n],
          [() => asAgent.burn(alice.address, 401n), 401n],
          [() => asAgent.batchForcedTransfer([alice.address], [bob.address], [401n]), 401n],
          [() => asAgent.batchBurn([alice.address, alice.address], [200n, 201n]), 201n],
        ];
        for (const [tx, amount] of refusals) {
          const expected = amount === 201n ? 200n : 400n;
          await expectRefused(setup, tx, "HoldableInsufficientAvailableBalance", [alice.address, expected, amount]);
        }
        // 400 (its 300 frozen among them) may go: the frozen units it needs are released, the held ones stay.
        await expect(asAgent.forcedTransfer(alice.address, bob.address, 300n))
          .to.emit(token, "TokensUnfrozen")
          .withArgs(alice.address, 200n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(100n);
        await asAgent.burn(alice.address, 100n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(0n);
        expect(await token.balanceOf(alice.address)).to.equal(600n);
        expect(await token.heldBalanceOf(alice.address)).to.equal(600n);
      });

      it("freezes at most the balance less held units (HoldableInsufficientAvailableBalance)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world } = setup;
        const alice = world.accounts.alice.address;
        const asAgent = token.connect(world.accounts.agent);
        await expectRefused(
          setup,
          () => asAgent.freezePartialTokens(alice, 401n),
          "HoldableInsufficientAvailableBalance",
          [alice, 400n, 401n],
        );
        await expectRefused(
          setup,
          () => asAgent.batchFreezePartialTokens([alice], [401n]),
          "HoldableInsufficientAvailableBalance",
          [alice, 400n, 401n],
        );
        await asAgent.freezePartialTokens(alice, 400n);
        expect(await token.availableBalanceOf(alice)).to.equal(0n);
      });

      it("refuses to recover a wallet with held units until the agent cancels the hold", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world, id } = setup;
        const { alice, aliceSecond, agent } = world.accounts;
        const asAgent = token.connect(agent);
        await expectRefused(
          setup,
          () => asAgent.recoveryAddress(alice.address, aliceSecond.address, ethers.ZeroAddress),
          "HoldableInsufficientAvailableBalance",
          [alice.address, 400n, ALICE],
        );
        await asAgent.cancelHold(id("a"), ethers.encodeBytes32String("wallet lost"));
        await asAgent.recoveryAddress(alice.address, aliceSecond.address, ethers.ZeroAddress);
        expect(await token.balanceOf(aliceSecond.address)).to.equal(ALICE);
      });

      it("counts held units for the holder in a snapshot, the register and the holder count", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id } = setup;
        const { alice, bob, agent } = world.accounts;
        const holders = await token.holderCount();
        await token.connect(agent).snapshot();
        const snapshotId = await token.currentSnapshotId();
        await token.connect(engine).executeHold(id("a"), bob.address, 600n);
        expect(await token.balanceOfAt(alice.address, snapshotId)).to.equal(ALICE);
        expect(await token.balanceOfAt(bob.address, snapshotId)).to.equal(BOB);
        expect(await token.investorBalanceOf(alice.address)).to.equal(400n);
        expect(await token.holderCount()).to.equal(holders);
      });
    });

    describe("the order of the checks (HoldLib's, then the product's own)", function () {
      it("placeHold: holder and amount, expiry, id, then paused, frozen", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id } = setup;
        const agent = token.connect(world.accounts.agent);
        const alice = world.accounts.alice.address;
        const past = await time.latest();
        const expiry = past + HOUR;
        await agent.setAddressFrozen(alice, true);
        await agent.pause();
        // Every later fault is present in each call; the first one in the order is reported.
        const place = (label: string, amount: bigint, until: number) =>
          token.connect(engine).placeHold(id(label), alice, amount, until);
        await expectRefused(setup, () => place("a", 0n, past), "HoldableInvalidHold", [alice, 0n]);
        await expectRefused(setup, () => place("a", 5_000n, past), "HoldableInvalidExpiry", [past]);
        await expectRefused(setup, () => place("a", 5_000n, expiry), "HoldableHoldExists", [id("a")]);
        await expectRefused(setup, () => place("b", 5_000n, expiry), "SecurityTokenPaused", []);
        await agent.unpause();
        await expectRefused(setup, () => place("b", 5_000n, expiry), "SecurityTokenAddressFrozen", [alice]);
      });

      it("executeHold: recipient and amount first, then active, not expired, within what remains", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, id, expiry } = setup;
        const execute = (label: string, to: string, amount: bigint) =>
          token.connect(engine).executeHold(id(label), to, amount);
        // The products have always checked the recipient and amount before the record (the coin after expiry).
        await expectRefused(setup, () => execute("none", ethers.ZeroAddress, 0n), "HoldableInvalidHold", [
          ethers.ZeroAddress,
          0n,
        ]);
        const bob = setup.world.accounts.bob.address;
        await expectRefused(setup, () => execute("none", bob, 1_000n), "HoldableHoldNotActive", [
          id("none"),
          HoldStatus.None,
        ]);
        await time.increaseTo(expiry);
        await expectRefused(setup, () => execute("a", bob, 1_000n), "HoldableHoldExpired", [id("a"), expiry]);
      });
    });

    describe("executeHold", function () {
      it("moves a tranche to the recipient, then the rest, and ends the hold (HoldExecuted, Transfer)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id, expiry } = setup;
        const { alice, bob } = world.accounts;
        await expect(token.connect(engine).executeHold(id("a"), bob.address, 200n))
          .to.emit(token, "HoldExecuted")
          .withArgs(id("a"), alice.address, bob.address, 200n, 400n)
          .and.to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 200n);
        expect([...(await token.holdOf(id("a")))]).to.deep.equal([
          alice.address,
          BigInt(expiry),
          HoldStatus.Active,
          400n,
          200n,
        ]);
        expect(await token.heldBalanceOf(alice.address)).to.equal(400n);
        expect(await token.availableBalanceOf(alice.address)).to.equal(400n);
        await token.connect(engine).executeHold(id("a"), bob.address, 400n);
        expect([...(await token.holdOf(id("a")))]).to.deep.equal([
          alice.address,
          BigInt(expiry),
          HoldStatus.Executed,
          0n,
          600n,
        ]);
        expect(await token.balanceOf(alice.address)).to.equal(400n);
        expect(await token.balanceOf(bob.address)).to.equal(BOB + 600n);
        expect(await token.heldBalanceOf(alice.address)).to.equal(0n);
        expect(await token.availableBalanceOf(alice.address)).to.equal(400n);
        expect(await token.totalHeld()).to.equal(0n);
        await expectRefused(
          setup,
          () => token.connect(engine).executeHold(id("a"), bob.address, 1n),
          "HoldableHoldNotActive",
          [id("a"), HoldStatus.Executed],
        );
      });

      it("executes held units beside frozen ones (frozen + held ≤ balance)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id } = setup;
        const { alice, bob, agent } = world.accounts;
        await token.connect(agent).freezePartialTokens(alice.address, 400n);
        await token.connect(engine).executeHold(id("a"), bob.address, 600n);
        expect(await token.balanceOf(alice.address)).to.equal(400n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(400n);
      });

      it("refuses bad input, strangers and amounts beyond the hold, changing nothing", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id } = setup;
        const { bob, alice } = world.accounts;
        const asEngine = token.connect(engine);
        await expectRefused(
          setup,
          () => token.connect(alice).executeHold(id("a"), bob.address, 1n),
          "HoldableUnauthorizedEngine",
          [alice.address],
        );
        await expectRefused(setup, () => asEngine.executeHold(id("a"), ethers.ZeroAddress, 1n), "HoldableInvalidHold", [
          ethers.ZeroAddress,
          1n,
        ]);
        await expectRefused(setup, () => asEngine.executeHold(id("a"), bob.address, 0n), "HoldableInvalidHold", [
          bob.address,
          0n,
        ]);
        await expectRefused(setup, () => asEngine.executeHold(id("x"), bob.address, 1n), "HoldableHoldNotActive", [
          id("x"),
          HoldStatus.None,
        ]);
        await expectRefused(setup, () => asEngine.executeHold(id("a"), bob.address, 601n), "HoldableExceedsHold", [
          id("a"),
          600n,
          601n,
        ]);
      });

      it("reverts with HoldableHoldExpired at and after the expiry", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id, expiry } = setup;
        await time.setNextBlockTimestamp(expiry);
        await expect(token.connect(engine).executeHold(id("a"), world.accounts.bob.address, 1n))
          .to.be.revertedWithCustomError(setup.errors, "HoldableHoldExpired")
          .withArgs(id("a"), expiry);
      });

      it("goes through the transfer's checks: pause, freezes, the recipient's eligibility", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id } = setup;
        const { alice, bob, stranger, agent } = world.accounts;
        const asAgent = token.connect(agent);
        const executing = (to: string) => () => token.connect(engine).executeHold(id("a"), to, 100n);
        await asAgent.pause();
        await expectRefused(setup, executing(bob.address), "SecurityTokenPaused", []);
        await asAgent.unpause();
        await asAgent.setAddressFrozen(alice.address, true);
        await expectRefused(setup, executing(bob.address), "SecurityTokenAddressFrozen", [alice.address]);
        await asAgent.setAddressFrozen(alice.address, false);
        await asAgent.setAddressFrozen(bob.address, true);
        await expectRefused(setup, executing(bob.address), "SecurityTokenAddressFrozen", [bob.address]);
        await expectRefused(setup, executing(stranger.address), "SecurityTokenTransferRestricted", [
          alice.address,
          stranger.address,
          100n,
          Restriction.RecipientNotVerified,
        ]);
      });
    });

    describe("releaseHold", function () {
      it("lets the engine release before the expiry, even while paused and frozen (HoldReleased)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world, id, expiry } = setup;
        const { alice, agent } = world.accounts;
        await token.connect(agent).pause();
        await token.connect(agent).setAddressFrozen(alice.address, true);
        await expect(token.connect(engine).releaseHold(id("a")))
          .to.emit(token, "HoldReleased")
          .withArgs(id("a"), alice.address, 600n, engine.address);
        expect([...(await token.holdOf(id("a")))]).to.deep.equal([
          alice.address,
          BigInt(expiry),
          HoldStatus.Released,
          0n,
          0n,
        ]);
        expect(await token.heldBalanceOf(alice.address)).to.equal(0n);
        expect(await token.totalHeld()).to.equal(0n);
        expect(await token.balanceOf(alice.address)).to.equal(ALICE);
        await expectRefused(setup, () => token.connect(engine).releaseHold(id("a")), "HoldableHoldNotActive", [
          id("a"),
          HoldStatus.Released,
        ]);
      });

      it("lets anyone release once expired, nobody but the engine before (HoldableHoldNotExpired)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world, id, expiry } = setup;
        const { stranger, alice, agent, issuer } = world.accounts;
        // The holder, the agent and the issuer are no notaries either.
        for (const caller of [stranger, alice, agent, issuer]) {
          await expectRefused(setup, () => token.connect(caller).releaseHold(id("a")), "HoldableHoldNotExpired", [
            id("a"),
            expiry,
          ]);
        }
        await time.setNextBlockTimestamp(expiry);
        await expect(token.connect(stranger).releaseHold(id("a")))
          .to.emit(token, "HoldReleased")
          .withArgs(id("a"), alice.address, 600n, stranger.address);
        expect(await token.availableBalanceOf(alice.address)).to.equal(ALICE);
      });

      it("reverts with HoldableHoldNotActive for a hold never placed", async function () {
        const setup = await loadFixture(heldFixture);
        await expectRefused(
          setup,
          () => setup.token.connect(setup.engine).releaseHold(setup.id("x")),
          "HoldableHoldNotActive",
          [setup.id("x"), HoldStatus.None],
        );
      });
    });

    describe("cancelHold", function () {
      it("lets the agent cancel, also while paused, with a reason (HoldCancelled)", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world, id, engine } = setup;
        const { alice, agent, bob } = world.accounts;
        const reason = ethers.encodeBytes32String("court order 17");
        await token.connect(engine).executeHold(id("a"), bob.address, 100n);
        await token.connect(agent).pause();
        await expect(token.connect(agent).cancelHold(id("a"), reason))
          .to.emit(token, "HoldCancelled")
          .withArgs(id("a"), alice.address, 500n, agent.address, reason);
        const hold = await token.holdOf(id("a"));
        expect([hold.status, hold.amount, hold.executed]).to.deep.equal([HoldStatus.Cancelled, 0n, 100n]);
        expect(await token.heldBalanceOf(alice.address)).to.equal(0n);
        await token.connect(agent).unpause();
        await expectRefused(
          setup,
          () => token.connect(engine).executeHold(id("a"), bob.address, 1n),
          "HoldableHoldNotActive",
          [id("a"), HoldStatus.Cancelled],
        );
        await expectRefused(setup, () => token.connect(agent).cancelHold(id("a"), reason), "HoldableHoldNotActive", [
          id("a"),
          HoldStatus.Cancelled,
        ]);
      });

      it("refuses every caller without ASSET_AGENT, the engine and the holder included", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, world, id, engine } = setup;
        const { alice, issuer, administrator, regulator, stranger } = world.accounts;
        for (const caller of [alice, issuer, administrator, regulator, stranger, engine]) {
          await expectRefused(
            setup,
            () => token.connect(caller).cancelHold(id("a"), ethers.ZeroHash),
            "AccessManagedUnauthorized",
            [caller.address],
          );
        }
      });
    });

    describe("settlementTransfer", function () {
      it("moves the available balance as a transfer, without an allowance", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world } = setup;
        const { alice, bob } = world.accounts;
        await expect(token.connect(engine).settlementTransfer(alice.address, bob.address, 400n))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 400n);
        expect(await token.balanceOf(alice.address)).to.equal(600n);
        expect(await token.allowance(alice.address, engine.address)).to.equal(0n);
      });

      it("applies every check of transfer and refuses any caller but the engine", async function () {
        const setup = await loadFixture(heldFixture);
        const { token, engine, world } = setup;
        const { alice, bob, stranger, agent } = world.accounts;
        const asEngine = token.connect(engine);
        await expectRefused(
          setup,
          () => token.connect(alice).settlementTransfer(alice.address, bob.address, 1n),
          "HoldableUnauthorizedEngine",
          [alice.address],
        );
        await expectRefused(
          setup,
          () => token.connect(agent).settlementTransfer(alice.address, bob.address, 1n),
          "HoldableUnauthorizedEngine",
          [agent.address],
        );
        await expectRefused(
          setup,
          () => asEngine.settlementTransfer(ethers.ZeroAddress, bob.address, 1n),
          "ERC20InvalidSender",
          [ethers.ZeroAddress],
        );
        await expectRefused(
          setup,
          () => asEngine.settlementTransfer(alice.address, ethers.ZeroAddress, 1n),
          "ERC20InvalidReceiver",
          [ethers.ZeroAddress],
        );
        await expectRefused(
          setup,
          () => asEngine.settlementTransfer(alice.address, bob.address, 401n),
          "SecurityTokenInsufficientUnfrozenBalance",
          [alice.address, 400n, 401n],
        );
        await expectRefused(
          setup,
          () => asEngine.settlementTransfer(alice.address, stranger.address, 1n),
          "SecurityTokenTransferRestricted",
          [alice.address, stranger.address, 1n, Restriction.RecipientNotVerified],
        );
        await token.connect(agent).pause();
        await expectRefused(
          setup,
          () => asEngine.settlementTransfer(alice.address, bob.address, 1n),
          "SecurityTokenPaused",
          [],
        );
      });
    });
  });
}
