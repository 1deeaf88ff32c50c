import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import type { INetSettleable, ISecurityToken } from "../../../typechain-types";
import { Restriction } from "../../../sdk/restrictions";
import { assetRules, type AssetRules } from "../../../sdk/rules";
import { Claim, claimsOf } from "../../../sdk/claims";
import { impersonateEngine } from "../../behaviors/HoldableSecurity.behavior";
import { Country, extraSigner, PROFESSIONAL, registerInvestor, type SecurityWorld } from "../../fixtures/security";
import { tokenState } from "../security/helpers";

/** `INetSettleable` flags: the account received in a trade of the batch / delivered in one. */
export const RECEIVED = 1;
export const DELIVERED = 2;

/** What the spec mints (alice's investor holds on two wallets). */
export const HOLDINGS = { alice: 600n, aliceSecond: 150n, bob: 300n, carol: 100n } as const;

/** One position of a batch: account, signed change, flags (default: RECEIVED for a gain, DELIVERED for a loss). */
export type Position = [string, bigint, number?];

export interface NetSetup {
  world: SecurityWorld<BaseContract>;
  /** The product through `ISecurityToken`. */
  token: ISecurityToken;
  /** The product through `INetSettleable`, sent by the impersonated engine. */
  net: INetSettleable;
  /** The implementation's ABI (its errors). */
  errors: BaseContract;
  engine: HardhatEthersSigner;
  /** A new investor (FR) with two wallets, holding nothing; and another (JP) with one. */
  erin: HardhatEthersSigner;
  erinSecond: HardhatEthersSigner;
  frank: HardhatEthersSigner;
  /** Every account the spec watches (`tokenState`). */
  watched: string[];
}

/** What a product needs to show the spec: how to stop its transfers (if it can), a scheduled record date. */
export interface NetSpecOptions {
  /** Stops the product's transfers by its own lifecycle (an equity's split, a bond's default). */
  stopTransfers?: (setup: NetSetup) => Promise<unknown>;
  /** The time of a snapshot scheduled at issue (a bond's first record date). */
  recordDate?: number;
}

/** Sends `positions` as one `settleNet` from the engine. */
export function settle(setup: NetSetup, positions: Position[]): Promise<ContractTransactionResponse> {
  return setup.net.connect(setup.engine).settleNet(...encode(positions));
}

/** The three arrays of `settleNet`. */
export function encode(positions: Position[]): [string[], bigint[], number[]] {
  return [
    positions.map((p) => p[0]),
    positions.map((p) => p[1]),
    positions.map(([, delta, flags]) => flags ?? (delta > 0n ? RECEIVED : delta < 0n ? DELIVERED : 0)),
  ];
}

/** Builds the spec's state on a product world: holdings minted, erin and frank registered, the engine impersonated. */
export async function netSetup(world: SecurityWorld<BaseContract>): Promise<NetSetup> {
  const token = world.contracts.security;
  const { alice, aliceSecond, bob, carol, agent } = world.accounts;
  const agentToken = token.connect(agent);
  await agentToken.mint(alice.address, HOLDINGS.alice);
  await agentToken.mint(aliceSecond.address, HOLDINGS.aliceSecond);
  await agentToken.mint(bob.address, HOLDINGS.bob);
  await agentToken.mint(carol.address, HOLDINGS.carol);
  const erin = await extraSigner("net erin");
  const erinSecond = await extraSigner("net erin second");
  const frank = await extraSigner("net frank");
  await registerInvestor(world, "net erin", [erin.address, erinSecond.address], Country.FR);
  await registerInvestor(world, "net frank", [frank.address], Country.JP);
  const engine = await impersonateEngine(token);
  const address = await token.getAddress();
  const net = (await ethers.getContractAt("INetSettleable", address)) as unknown as INetSettleable;
  const { dave, stranger } = world.accounts;
  const watched = [alice, aliceSecond, bob, carol, dave, stranger, erin, erinSecond, frank].map((s) => s.address);
  return { world, token, net, errors: world.contracts.token, engine, erin, erinSecond, frank, watched };
}

/** Sets the asset's rules (COMPLIANCE_ADMIN: the regulator in the fixture). */
export async function setRules(setup: NetSetup, rules: Partial<AssetRules>): Promise<void> {
  const { compliance } = setup.world.contracts;
  await compliance
    .connect(setup.world.accounts.regulator)
    .configureAsset(await setup.token.getAddress(), assetRules(rules));
}

/**
 * Net settlement (`INetSettleable.settleNet`) on a security product: the happy path (balances, supply, the
 * `Transfer` events through the engine, debits before credits, holder counts with sibling wallets, snapshots and
 * record dates), then every refusal, each reverting with its error and data and changing nothing, with the code a
 * transfer in which the party takes that role gets from `detectTransferRestriction`.
 */
export function shouldSettleNetLikeASecurity(
  worldFixture: () => Promise<SecurityWorld<BaseContract>>,
  options: NetSpecOptions = {},
): void {
  async function fixture(): Promise<NetSetup> {
    return netSetup(await loadFixture(worldFixture));
  }

  /** Expects `tx` to revert with `NetPositionRefused(index, account, delta, code)` and to change nothing. */
  async function expectRefusedAt(
    setup: NetSetup,
    positions: Position[],
    index: number,
    code: Restriction,
  ): Promise<void> {
    const [account, delta] = positions[index];
    await expectReverted(setup, positions, "NetPositionRefused", [index, account, delta, code]);
  }

  async function expectReverted(
    setup: NetSetup,
    positions: Position[],
    error: string,
    args: unknown[],
    from?: HardhatEthersSigner,
  ): Promise<void> {
    const before = await tokenState(setup.world, setup.watched);
    const tx = setup.net.connect(from ?? setup.engine).settleNet(...encode(positions));
    await expect(tx)
      .to.be.revertedWithCustomError(setup.errors, error)
      .withArgs(...args);
    expect(await tokenState(setup.world, setup.watched)).to.deep.equal(before);
  }

  /** The code `detectTransferRestriction` gives a transfer of `amount` from `from` to `to`. */
  async function detect(setup: NetSetup, from: string, to: string, amount: bigint): Promise<bigint> {
    return BigInt(await setup.token.detectTransferRestriction(from, to, amount));
  }

  describe("settleNet (INetSettleable)", function () {
    it("declares INetSettleable in ERC-165", async function () {
      const setup = await loadFixture(fixture);
      // INetSettleable has one function: its interface id is that function's selector.
      const id = ethers.id("settleNet(address[],int256[],uint8[])").slice(0, 10);
      const erc165 = await ethers.getContractAt("IERC165", await setup.token.getAddress());
      expect(await erc165.supportsInterface(id)).to.equal(true);
    });

    context("when every position passes", function () {
      it("applies the changes: balances, supply unchanged, debits then credits as Transfers through the engine", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol } = setup.world.accounts;
        const engine = setup.engine.address;
        const supply = await setup.token.totalSupply();
        const tx = await settle(setup, [
          [carol.address, 40n],
          [alice.address, -100n],
          [bob.address, 60n],
        ]);
        const receipt = await tx.wait();
        const transfers = receipt!.logs
          .map((log) => setup.token.interface.parseLog(log))
          .filter((log) => log?.name === "Transfer")
          .map((log) => [log!.args[0], log!.args[1], log!.args[2]]);
        expect(transfers).to.deep.equal([
          [alice.address, engine, 100n],
          [engine, carol.address, 40n],
          [engine, bob.address, 60n],
        ]);
        expect(await setup.token.balanceOf(alice.address)).to.equal(HOLDINGS.alice - 100n);
        expect(await setup.token.balanceOf(bob.address)).to.equal(HOLDINGS.bob + 60n);
        expect(await setup.token.balanceOf(carol.address)).to.equal(HOLDINGS.carol + 40n);
        expect(await setup.token.balanceOf(engine)).to.equal(0n);
        expect(await setup.token.totalSupply()).to.equal(supply);
      });

      it("keeps holder and holding-wallet counts exact: leavers, new investors, sibling wallets", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol } = setup.world.accounts;
        const { erin, erinSecond } = setup;
        expect(await setup.token.holderCount()).to.equal(3n);
        expect(await setup.token.holdingWalletCount()).to.equal(4n);
        // bob leaves; erin joins on two wallets; alice empties one wallet while her second still holds.
        await settle(setup, [
          [bob.address, -300n],
          [erin.address, 200n],
          [erinSecond.address, 100n],
          [alice.address, -600n],
          [carol.address, 600n],
        ]);
        expect(await setup.token.holderCount()).to.equal(3n); // alice (second wallet), carol, erin
        expect(await setup.token.holdingWalletCount()).to.equal(4n); // aliceSecond, carol, erin, erinSecond
        expect(await setup.token.investorBalanceOf(erinSecond.address)).to.equal(300n);
        // Back again: erin leaves from both wallets, bob comes back.
        await settle(setup, [
          [erin.address, -200n],
          [erinSecond.address, -100n],
          [bob.address, 300n],
        ]);
        expect(await setup.token.holderCount()).to.equal(3n);
        expect(await setup.token.holdingWalletCount()).to.equal(3n);
      });

      it("checks a position whose net change is zero and changes nothing for it", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol } = setup.world.accounts;
        await settle(setup, [
          [alice.address, 0n, RECEIVED | DELIVERED],
          [bob.address, -10n],
          [carol.address, 10n],
        ]);
        expect(await setup.token.balanceOf(alice.address)).to.equal(HOLDINGS.alice);
        expect(await setup.token.balanceOf(carol.address)).to.equal(HOLDINGS.carol + 10n);
      });

      it("applies duplicate accounts in order", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob } = setup.world.accounts;
        // bob's 300 go out and come back within the call: a debit that needs his whole balance, then the credits.
        await settle(setup, [
          [bob.address, 100n],
          [bob.address, -300n],
          [alice.address, 200n],
          [alice.address, -0n, DELIVERED],
        ]);
        expect(await setup.token.balanceOf(bob.address)).to.equal(100n);
        expect(await setup.token.balanceOf(alice.address)).to.equal(HOLDINGS.alice + 200n);
        expect(await setup.token.holderCount()).to.equal(3n);
        expect(await setup.token.holdingWalletCount()).to.equal(4n);
      });

      it("keeps every snapshot: balances at a record date taken before the batch", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, agent } = setup.world.accounts;
        await setup.token.connect(agent).snapshot();
        const id = await setup.token.currentSnapshotId();
        const supply = await setup.token.totalSupply();
        await settle(setup, [
          [alice.address, -100n],
          [bob.address, 100n],
        ]);
        await settle(setup, [
          [alice.address, -1n],
          [bob.address, 1n],
        ]);
        expect(await setup.token.balanceOfAt(alice.address, id)).to.equal(HOLDINGS.alice);
        expect(await setup.token.balanceOfAt(bob.address, id)).to.equal(HOLDINGS.bob);
        expect(await setup.token.totalSupplyAt(id)).to.equal(supply);
        expect(await setup.token.balanceOf(alice.address)).to.equal(HOLDINGS.alice - 101n);
      });

      if (options.recordDate !== undefined) {
        const recordDate = options.recordDate;
        it("takes the snapshot scheduled at the record date before applying the batch", async function () {
          const setup = await loadFixture(fixture);
          const { alice, bob } = setup.world.accounts;
          const before = await setup.token.currentSnapshotId();
          await time.increaseTo(recordDate);
          await expect(
            settle(setup, [
              [alice.address, -100n],
              [bob.address, 100n],
            ]),
          )
            .to.emit(setup.errors, "Snapshot")
            .withArgs(before + 1n);
          expect(await setup.token.balanceOfAt(alice.address, before + 1n)).to.equal(HOLDINGS.alice);
          expect(await setup.token.balanceOfAt(bob.address, before + 1n)).to.equal(HOLDINGS.bob);
          expect(await setup.token.balanceOf(bob.address)).to.equal(HOLDINGS.bob + 100n);
        });
      }

      it("lets a debit free the investor cap for a new investor in the same call", async function () {
        const setup = await loadFixture(fixture);
        const { bob } = setup.world.accounts;
        await setRules(setup, { maxInvestors: 3 });
        await settle(setup, [
          [setup.erin.address, 300n],
          [bob.address, -300n],
        ]);
        expect(await setup.token.holderCount()).to.equal(3n);
        expect(await setup.token.balanceOf(setup.erin.address)).to.equal(300n);
      });

      it("counts a sibling wallet of a holding investor as no new investor under the cap", async function () {
        const setup = await loadFixture(fixture);
        const { bob, carol } = setup.world.accounts;
        await setRules(setup, { maxInvestors: 4 });
        // erin joins (4th investor) on both wallets at once; the second is no new investor.
        await settle(setup, [
          [bob.address, -50n],
          [carol.address, -50n],
          [setup.erin.address, 50n],
          [setup.erinSecond.address, 50n],
        ]);
        expect(await setup.token.holderCount()).to.equal(4n);
      });
    });

    context("when the call is malformed", function () {
      it("reverts with HoldableUnauthorizedEngine for any caller but the engine", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, agent } = setup.world.accounts;
        const positions: Position[] = [
          [alice.address, -1n],
          [bob.address, 1n],
        ];
        await expectReverted(setup, positions, "HoldableUnauthorizedEngine", [agent.address], agent);
        await expectReverted(setup, positions, "HoldableUnauthorizedEngine", [alice.address], alice);
      });

      it("reverts with NetLengthMismatch when the arrays differ in length", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob } = setup.world.accounts;
        const before = await tokenState(setup.world, setup.watched);
        const net = setup.net.connect(setup.engine);
        await expect(net.settleNet([alice.address, bob.address], [-1n], [DELIVERED, RECEIVED]))
          .to.be.revertedWithCustomError(setup.errors, "NetLengthMismatch")
          .withArgs(2, 1, 2);
        await expect(net.settleNet([alice.address, bob.address], [-1n, 1n], [DELIVERED]))
          .to.be.revertedWithCustomError(setup.errors, "NetLengthMismatch")
          .withArgs(2, 2, 1);
        expect(await tokenState(setup.world, setup.watched)).to.deep.equal(before);
      });

      it("reverts with NetUnbalanced when the changes do not sum to zero", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob } = setup.world.accounts;
        await expectReverted(
          setup,
          [
            [alice.address, -100n],
            [bob.address, 101n],
          ],
          "NetUnbalanced",
          [1n],
        );
      });

      it("checks the sum before anything else: NetUnbalanced over a pause, a freeze, a short balance, a bad address", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, agent } = setup.world.accounts;
        // A short debit first, then a bad address, then a frozen account: the sum still decides.
        await setup.token.connect(agent).setAddressFrozen(carol.address, true);
        const positions: Position[] = [
          [bob.address, -301n],
          [ethers.ZeroAddress, 1n],
          [carol.address, 1n],
          [alice.address, 1n],
        ];
        await expectReverted(setup, positions, "NetUnbalanced", [-298n]);
        await setup.token.connect(agent).pause();
        await expectReverted(setup, positions, "NetUnbalanced", [-298n]);
      });

      it("panics when the sum overflows, whatever comes after", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob } = setup.world.accounts;
        const max = 2n ** 255n - 1n;
        const before = await tokenState(setup.world, setup.watched);
        await expect(
          setup.net.connect(setup.engine).settleNet(
            ...encode([
              [bob.address, 1n],
              [alice.address, max],
              [ethers.ZeroAddress, -1n],
            ]),
          ),
        ).to.be.revertedWithPanic(0x11);
        expect(await tokenState(setup.world, setup.watched)).to.deep.equal(before);
      });

      it("refuses a bad address or a freeze anywhere before a short balance listed earlier", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, agent } = setup.world.accounts;
        const self = await setup.token.getAddress();
        await expectReverted(
          setup,
          [
            [bob.address, -301n],
            [alice.address, 300n],
            [self, 1n],
            [carol.address, 0n],
          ],
          "SecurityTokenInvalidAddress",
          [self],
        );
        await setup.token.connect(agent).setAddressFrozen(carol.address, true);
        await expectRefusedAt(
          setup,
          [
            [bob.address, -301n],
            [alice.address, 301n],
            [carol.address, 0n, RECEIVED],
          ],
          2,
          Restriction.RecipientFrozen,
        );
      });

      it("reverts with SecurityTokenInvalidAddress for the zero address or the token itself", async function () {
        const setup = await loadFixture(fixture);
        const { alice } = setup.world.accounts;
        const self = await setup.token.getAddress();
        await expectReverted(
          setup,
          [
            [alice.address, -1n],
            [ethers.ZeroAddress, 1n],
          ],
          "SecurityTokenInvalidAddress",
          [ethers.ZeroAddress],
        );
        await expectReverted(
          setup,
          [
            [alice.address, -1n],
            [self, 1n],
          ],
          "SecurityTokenInvalidAddress",
          [self],
        );
      });

      it("refuses a debit beyond any balance, type(int256).min included", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol } = setup.world.accounts;
        const min = -(2n ** 255n);
        await expectRefusedAt(
          setup,
          [
            [alice.address, min],
            [bob.address, 2n ** 254n],
            [carol.address, 2n ** 254n],
          ],
          0,
          Restriction.InsufficientUnfrozenBalance,
        );
      });
    });

    context("when the token refuses", function () {
      it("refuses while paused (TokenPaused)", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, agent } = setup.world.accounts;
        await setup.token.connect(agent).pause();
        const positions: Position[] = [
          [alice.address, -10n],
          [bob.address, 10n],
        ];
        await expectRefusedAt(setup, positions, 0, Restriction.TokenPaused);
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(BigInt(Restriction.TokenPaused));
      });

      if (options.stopTransfers !== undefined) {
        const stop = options.stopTransfers;
        it("refuses while the product stops transfers (TransfersStopped)", async function () {
          const setup = await loadFixture(fixture);
          const { alice, bob } = setup.world.accounts;
          await stop(setup);
          const positions: Position[] = [
            [alice.address, -10n],
            [bob.address, 10n],
          ];
          await expectRefusedAt(setup, positions, 0, Restriction.TransfersStopped);
          expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(BigInt(Restriction.TransfersStopped));
        });
      }

      it("refuses a frozen sender or recipient, even with a zero net change (SenderFrozen, RecipientFrozen)", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, agent } = setup.world.accounts;
        await setup.token.connect(agent).setAddressFrozen(alice.address, true);
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [carol.address, 10n],
            [alice.address, 0n, DELIVERED],
          ],
          2,
          Restriction.SenderFrozen,
        );
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [carol.address, 10n],
            [alice.address, 0n, RECEIVED],
          ],
          2,
          Restriction.RecipientFrozen,
        );
        await expectRefusedAt(
          setup,
          [
            [alice.address, 10n],
            [bob.address, -10n],
          ],
          0,
          Restriction.RecipientFrozen,
        );
        expect(await detect(setup, alice.address, bob.address, 1n)).to.equal(BigInt(Restriction.SenderFrozen));
        expect(await detect(setup, bob.address, alice.address, 1n)).to.equal(BigInt(Restriction.RecipientFrozen));
      });

      it("refuses a debit beyond the balance neither frozen nor held (InsufficientUnfrozenBalance)", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, agent } = setup.world.accounts;
        await expectRefusedAt(
          setup,
          [
            [bob.address, 101n],
            [carol.address, -101n],
          ],
          1,
          Restriction.InsufficientUnfrozenBalance,
        );
        await setup.token.connect(agent).freezePartialTokens(alice.address, 500n);
        await setup.token
          .connect(setup.engine)
          .placeHold(ethers.id("net hold"), alice.address, 60n, (await time.latest()) + 3_600);
        // 600 − 500 frozen − 60 held = 40 available.
        await expectRefusedAt(
          setup,
          [
            [alice.address, -41n],
            [bob.address, 41n],
          ],
          0,
          Restriction.InsufficientUnfrozenBalance,
        );
        expect(await detect(setup, alice.address, bob.address, 41n)).to.equal(
          BigInt(Restriction.InsufficientUnfrozenBalance),
        );
        await settle(setup, [
          [alice.address, -40n],
          [bob.address, 40n],
        ]);
        expect(await setup.token.availableBalanceOf(alice.address)).to.equal(0n);
        expect(await setup.token.getFrozenTokens(alice.address)).to.equal(500n);
        expect(await setup.token.heldBalanceOf(alice.address)).to.equal(60n);
      });
    });

    context("when the compliance pipeline refuses", function () {
      it("refuses a recipient or a sender that is not verified", async function () {
        const setup = await loadFixture(fixture);
        const { bob, carol, stranger, dave, kycProvider } = setup.world.accounts;
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [stranger.address, 10n],
          ],
          1,
          Restriction.RecipientNotVerified,
        );
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [dave.address, 10n],
          ],
          1,
          Restriction.RecipientNotVerified,
        );
        // bob loses his AML claim (baseline KYC + AML): he may no longer send.
        const far = (await time.latest()) + 365 * 86_400;
        await setup.world.contracts.identity
          .connect(kycProvider)
          .updateInvestor(ethers.id("bob"), Country.DE, claimsOf([Claim.KYC]), far);
        const positions: Position[] = [
          [carol.address, 10n],
          [bob.address, -10n],
        ];
        await expectRefusedAt(setup, positions, 1, Restriction.SenderNotVerified);
        expect(await detect(setup, bob.address, carol.address, 10n)).to.equal(BigInt(Restriction.SenderNotVerified));
        // A party of both roles reads as the sender, as the pipeline orders its steps.
        await expectRefusedAt(
          setup,
          [
            [carol.address, 10n],
            [setup.world.accounts.alice.address, -10n],
            [bob.address, 0n, RECEIVED | DELIVERED],
          ],
          2,
          Restriction.SenderNotVerified,
        );
      });

      it("refuses a recipient lacking a required claim (RecipientMissingClaims)", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob } = setup.world.accounts;
        await setRules(setup, { requiredClaims: PROFESSIONAL });
        await expectRefusedAt(
          setup,
          [
            [alice.address, -10n],
            [bob.address, 10n],
          ],
          1,
          Restriction.RecipientMissingClaims,
        );
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(
          BigInt(Restriction.RecipientMissingClaims),
        );
        // A sender needs no claim beyond the baseline: bob sells to alice (professional).
        await settle(setup, [
          [bob.address, -10n],
          [alice.address, 10n],
        ]);
        expect(await setup.token.balanceOf(alice.address)).to.equal(HOLDINGS.alice + 10n);
      });

      it("refuses a blocked country on either side, a country off the allow-list as recipient", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, regulator } = setup.world.accounts;
        const { compliance } = setup.world.contracts;
        const asset = await setup.token.getAddress();
        await setRules(setup, { countryBlockList: true });
        await compliance.connect(regulator).setCountriesBlocked(asset, [Country.FR], true);
        await expectRefusedAt(
          setup,
          [
            [carol.address, -10n],
            [bob.address, 10n],
          ],
          0,
          Restriction.CountryBlocked,
        );
        expect(await detect(setup, carol.address, bob.address, 10n)).to.equal(BigInt(Restriction.CountryBlocked));
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [carol.address, 10n],
          ],
          1,
          Restriction.CountryBlocked,
        );
        await setRules(setup, { countryAllowList: true });
        await compliance.connect(regulator).setCountriesAllowed(asset, [Country.US, Country.DE], true);
        await expectRefusedAt(
          setup,
          [
            [bob.address, -10n],
            [carol.address, 10n],
          ],
          1,
          Restriction.CountryNotAllowed,
        );
        expect(await detect(setup, bob.address, carol.address, 10n)).to.equal(BigInt(Restriction.CountryNotAllowed));
        // The allow-list binds recipients only: carol (FR) may sell to alice (US).
        await settle(setup, [
          [carol.address, -10n],
          [alice.address, 10n],
        ]);
      });

      it("refuses a new investor when the cap is reached exactly (MaxInvestorsReached)", async function () {
        const setup = await loadFixture(fixture);
        const { bob } = setup.world.accounts;
        await setRules(setup, { maxInvestors: 3 });
        const positions: Position[] = [
          [bob.address, -100n],
          [setup.erin.address, 100n],
        ];
        await expectRefusedAt(setup, positions, 1, Restriction.MaxInvestorsReached);
        expect(await detect(setup, bob.address, setup.erin.address, 100n)).to.equal(
          BigInt(Restriction.MaxInvestorsReached),
        );
        // Two new investors where one leaves: the second is refused.
        await expectRefusedAt(
          setup,
          [
            [bob.address, -300n],
            [setup.erin.address, 100n],
            [setup.frank.address, 200n],
          ],
          2,
          Restriction.MaxInvestorsReached,
        );
      });

      it("refuses a final investor balance above the cap (MaxBalanceExceeded)", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, carol, regulator } = setup.world.accounts;
        await setRules(setup, { maxBalance: true });
        await setup.world.contracts.compliance.connect(regulator).setMaxBalance(await setup.token.getAddress(), 500n);
        await expectRefusedAt(
          setup,
          [
            [alice.address, -201n],
            [bob.address, 201n],
          ],
          1,
          Restriction.MaxBalanceExceeded,
        );
        expect(await detect(setup, alice.address, bob.address, 201n)).to.equal(BigInt(Restriction.MaxBalanceExceeded));
        // The final balance counts, not the gross flow: bob receives 300 and delivers 100.
        await settle(setup, [
          [alice.address, -200n],
          [bob.address, 200n, RECEIVED | DELIVERED],
          [carol.address, 0n, RECEIVED | DELIVERED],
        ]);
        expect(await setup.token.balanceOf(bob.address)).to.equal(500n);
        // erin on two wallets: her investor's balance is the sum.
        await expectRefusedAt(
          setup,
          [
            [alice.address, -300n],
            [bob.address, -201n],
            [setup.erin.address, 250n],
            [setup.erinSecond.address, 251n],
          ],
          2,
          Restriction.MaxBalanceExceeded,
        );
      });

      it("refuses during a lock-up, a halt or outside trading hours", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, regulator } = setup.world.accounts;
        const positions: Position[] = [
          [alice.address, -10n],
          [bob.address, 10n],
        ];
        const now = await time.latest();
        await setRules(setup, { lockupUntil: now + 86_400 });
        await expectRefusedAt(setup, positions, 0, Restriction.LockedUp);
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(BigInt(Restriction.LockedUp));
        const secondOfDay = (now + 10) % 86_400;
        await setRules(setup, {
          windowOpen: (secondOfDay + 3_600) % 86_400,
          windowClose: (secondOfDay + 7_200) % 86_400,
          tradingDays: 0x7f,
        });
        await expectRefusedAt(setup, positions, 0, Restriction.OutsideTradingWindow);
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(BigInt(Restriction.OutsideTradingWindow));
        await setRules(setup, {});
        await setup.world.contracts.compliance
          .connect(regulator)
          .imposeHalt(await setup.token.getAddress(), (await time.latest()) + 3_600, ethers.id("news"));
        await expectRefusedAt(setup, positions, 0, Restriction.TradingHalted);
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(BigInt(Restriction.TradingHalted));
      });

      it("refuses an asset with an external rule (ExternalRuleFailed): a net position has no (from, to) pair", async function () {
        const setup = await loadFixture(fixture);
        const { alice, bob, regulator } = setup.world.accounts;
        const rule = await ethers.deployContract("ComplianceRuleMock", [10n ** 18n]);
        await setup.world.contracts.compliance
          .connect(regulator)
          .addExternalRule(await setup.token.getAddress(), await rule.getAddress());
        // The rule allows this transfer, but cannot judge a net position.
        expect(await detect(setup, alice.address, bob.address, 10n)).to.equal(0n);
        await expectRefusedAt(
          setup,
          [
            [alice.address, -10n],
            [bob.address, 10n],
          ],
          0,
          Restriction.ExternalRuleFailed,
        );
      });
    });
  });
}
