import { expect } from "chai";
import hre, { deployments, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ERC1271WalletMock } from "../../typechain-types";
import { permissions, Role } from "../../config/roles";
import { shouldBehaveLikeRestricted } from "../behaviors/restricted";
import { coreFixture } from "../fixtures/core";
import { seatMember } from "../../scripts/lib/members";
import {
  gatewayDomain,
  gatewayFixture,
  gatewayTypes,
  HoldStatus,
  openAsSeller,
  receiptTypes,
  ref,
  signReceipt,
  signTrade,
  TradeStatus,
  tradeTerms,
  withFee,
  type GatewayFixture,
  type TradeTerms,
} from "../fixtures/gateway";

const MAX_UINT128 = 2n ** 128n - 1n;

/** What a refused call must leave as it was: the trade, the seller's nonce, every holding, hold and used reference. */
async function worldOf(f: GatewayFixture, terms: TradeTerms) {
  const { settlement, asset, coin, accounts } = f;
  const id = await settlement.tradeId(terms);
  const holders = [accounts.alice, accounts.bob, accounts.carol, accounts.stranger].map((s) => s.address);
  return {
    trade: (await settlement.tradeOf(id)).toString(),
    nonce: await settlement.isNonceUsed(terms.seller, terms.nonce),
    tranche: await settlement.isTrancheUsed(terms.gateway, ref("T-1")),
    balances: await Promise.all(holders.flatMap((h) => [asset.balanceOf(h), coin.balanceOf(h)])),
    held: await Promise.all(holders.flatMap((h) => [asset.heldBalanceOf(h), coin.heldBalanceOf(h)])),
  };
}

/** Suspends (or reinstates) a member through the real MemberRegistry, which revokes (restores) its roles. */
async function setSuspended(f: GatewayFixture, member: string, suspended: boolean) {
  const members = f.contracts.members.connect(f.accounts.governor);
  if (suspended) await members.suspendMember(member, ethers.id("investigation"));
  else await members.reinstateMember(member);
}

describe("GatewaySettlement", function () {
  let f: GatewayFixture;
  let alice: HardhatEthersSigner, bob: HardhatEthersSigner, carol: HardhatEthersSigner;
  let gateway: HardhatEthersSigner, stranger: HardhatEthersSigner, deployer: HardhatEthersSigner;

  beforeEach(async function () {
    f = await loadFixture(gatewayFixture);
    ({ alice, bob, carol, gateway, stranger, deployer } = f.accounts);
  });

  describe("deployment", function () {
    it("names its engine and authority", async function () {
      expect(await f.settlement.settlementEngine()).to.equal(await f.desk.getAddress());
      expect(await f.settlement.authority()).to.equal(await f.contracts.authority.getAddress());
    });

    it("the core deployment names the Settlement engine and grants the settlement SETTLEMENT_CLIENT", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const deployed = await deployments.get("GatewaySettlement");
      const settlement = await ethers.getContractAt("GatewaySettlement", deployed.address);
      expect(await settlement.settlementEngine()).to.equal((await deployments.get("Settlement")).address);
      const [isClient, delay] = await contracts.authority.hasRole(Role.SETTLEMENT_CLIENT, deployed.address);
      expect(isClient).to.equal(true);
      expect(delay).to.equal(0n);
      const selector = settlement.interface.getFunction("confirmPayment")!.selector;
      expect(await contracts.authority.getTargetFunctionRole(deployed.address, selector)).to.equal(
        Role.PAYMENT_GATEWAY,
      );
    });
  });

  describe("EIP-712", function () {
    it("has the domain AssetLedger Gateway Settlement, version 1", async function () {
      const domain = await f.settlement.eip712Domain();
      const expected = await gatewayDomain(f.settlement);
      expect(domain.name).to.equal(expected.name);
      expect(domain.version).to.equal(expected.version);
      expect(domain.chainId).to.equal(expected.chainId);
      expect(domain.verifyingContract).to.equal(expected.verifyingContract);
    });

    it("a trade's id is the struct hash of GatewayTrade and its digest the typed-data hash", async function () {
      const terms = await withFee(f, await tradeTerms(f), 7n, bob.address);
      const domain = await gatewayDomain(f.settlement);
      expect(await f.settlement.tradeId(terms)).to.equal(
        ethers.TypedDataEncoder.hashStruct("GatewayTrade", gatewayTypes, terms),
      );
      expect(await f.settlement.tradeDigest(terms)).to.equal(ethers.TypedDataEncoder.hash(domain, gatewayTypes, terms));
      expect(ethers.TypedDataEncoder.from(gatewayTypes).encodeType("GatewayTrade")).to.equal(
        "GatewayTrade(address token,address seller,address buyer,address gateway,uint256 quantity,bytes32 paymentRef," +
          "uint48 deadline,uint256 nonce,address feeCoin,address feePayer,address feeAccount,uint256 feeAmount)",
      );
    });

    it("a receipt's digest is the typed-data hash of PaymentReceipt", async function () {
      const domain = await gatewayDomain(f.settlement);
      const receipt = { tradeId: ethers.id("trade"), quantity: 5n, trancheRef: ref("T-1") };
      expect(await f.settlement.receiptDigest(receipt.tradeId, receipt.quantity, receipt.trancheRef)).to.equal(
        ethers.TypedDataEncoder.hash(domain, receiptTypes, receipt),
      );
    });
  });

  describe("openTrade", function () {
    context("when the seller opens it", function () {
      it("holds the quantity in the token for the trade and records it", async function () {
        const terms = await tradeTerms(f);
        const id = await f.settlement.tradeId(terms);
        const [assetHoldId] = await f.settlement.holdIdsOf(id);
        expect(assetHoldId).to.equal(await f.desk.clientHoldId(await f.settlement.getAddress(), id));
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.emit(f.settlement, "TradeOpened")
          .withArgs(
            id,
            alice.address,
            gateway.address,
            bob.address,
            terms.token,
            100n,
            terms.paymentRef,
            terms.deadline,
          )
          .and.to.emit(f.asset, "HoldPlaced")
          .withArgs(assetHoldId, alice.address, 100n, terms.deadline)
          .and.not.to.emit(f.settlement, "TradeFeeLegHeld");
        const trade = await f.settlement.tradeOf(id);
        expect(trade.token).to.equal(terms.token);
        expect(trade.deadline).to.equal(terms.deadline);
        expect(trade.status).to.equal(TradeStatus.Open);
        expect([trade.seller, trade.buyer, trade.gateway]).to.deep.equal([alice.address, bob.address, gateway.address]);
        expect([trade.quantity, trade.settled, trade.feeAmount, trade.feePaid]).to.deep.equal([100n, 0n, 0n, 0n]);
        expect(trade.paymentRef).to.equal(terms.paymentRef);
        expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Open);
        expect(await f.settlement.remainingOf(id)).to.equal(100n);
        expect(await f.settlement.isNonceUsed(alice.address, 1n)).to.equal(true);
        // The seller stays the owner: its balance is unchanged, its available balance lower.
        expect(await f.asset.balanceOf(alice)).to.equal(1_000n);
        expect(await f.asset.heldBalanceOf(alice)).to.equal(100n);
        expect(await f.asset.availableBalanceOf(alice)).to.equal(900n);
        expect(await f.asset.balanceOf(f.settlement)).to.equal(0n);
      });

      it("holds the fee leg from its payer in the coin", async function () {
        const terms = await withFee(f, await tradeTerms(f), 30n);
        const id = await f.settlement.tradeId(terms);
        const [, feeHoldId] = await f.settlement.holdIdsOf(id);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.emit(f.settlement, "TradeFeeLegHeld")
          .withArgs(id, terms.feeCoin, alice.address, carol.address, 30n)
          .and.to.emit(f.coin, "HoldPlaced")
          .withArgs(feeHoldId, alice.address, 30n, terms.deadline);
        const trade = await f.settlement.tradeOf(id);
        expect([trade.feeCoin, trade.feePayer, trade.feeAccount]).to.deep.equal([
          terms.feeCoin,
          alice.address,
          carol.address,
        ]);
        expect(trade.feeAmount).to.equal(30n);
        expect(await f.coin.heldBalanceOf(alice)).to.equal(30n);
      });

      it("reverts with GatewaySettlementFeeCoinNotRegistered for a fee in a token the engine has not registered as a settlement coin (the asset itself, or a de-registered coin), changing nothing", async function () {
        for (const feeCoin of [await f.asset.getAddress(), await f.coin.getAddress()]) {
          if (feeCoin === (await f.coin.getAddress())) await f.desk.setCoin(f.coin, false);
          const terms = { ...(await withFee(f, await tradeTerms(f), 10n)), feeCoin };
          const before = await worldOf(f, terms);
          await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
            .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementFeeCoinNotRegistered")
            .withArgs(feeCoin, await f.desk.getAddress());
          expect(await worldOf(f, terms)).to.deep.equal(before);
        }
      });
    });

    context("when a third party opens it with the seller's signature", function () {
      it("accepts the seller's ECDSA signature", async function () {
        const terms = await tradeTerms(f);
        const signature = await signTrade(alice, f.settlement, terms);
        await expect(f.settlement.connect(stranger).openTrade(terms, signature, "0x")).to.emit(
          f.settlement,
          "TradeOpened",
        );
        expect(await f.asset.heldBalanceOf(alice)).to.equal(100n);
      });

      it("accepts an ERC-1271 seller's signature", async function () {
        const wallet = (await ethers.deployContract("ERC1271WalletMock", [
          carol.address,
        ])) as unknown as ERC1271WalletMock;
        await f.asset.mint(wallet, 100n);
        const terms = await tradeTerms(f, { seller: await wallet.getAddress() });
        const signature = await signTrade(carol, f.settlement, terms);
        await expect(f.settlement.connect(stranger).openTrade(terms, signature, "0x")).to.emit(
          f.settlement,
          "TradeOpened",
        );
        expect(await f.asset.heldBalanceOf(wallet)).to.equal(100n);
      });

      it("reverts with GatewaySettlementInvalidSignature for another signer or no signature, changing nothing", async function () {
        const terms = await tradeTerms(f);
        const digest = await f.settlement.tradeDigest(terms);
        const before = await worldOf(f, terms);
        for (const signature of [await signTrade(bob, f.settlement, terms), "0x"]) {
          await expect(f.settlement.connect(stranger).openTrade(terms, signature, "0x"))
            .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature")
            .withArgs(alice.address, digest);
        }
        // A signature of other terms (another buyer) does not open these.
        const other = await signTrade(alice, f.settlement, { ...terms, buyer: carol.address });
        await expect(f.settlement.connect(stranger).openTrade(terms, other, "0x")).to.be.revertedWithCustomError(
          f.settlement,
          "GatewaySettlementInvalidSignature",
        );
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });
    });

    context("when the fee payer is not the seller", function () {
      it("needs the payer's signature, unless the payer is the caller", async function () {
        const terms = await withFee(f, await tradeTerms(f), 20n, bob.address);
        const digest = await f.settlement.tradeDigest(terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature")
          .withArgs(bob.address, digest);
        const bobs = await signTrade(bob, f.settlement, terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", bobs)).to.emit(f.settlement, "TradeFeeLegHeld");
        expect(await f.coin.heldBalanceOf(bob)).to.equal(20n);

        const second = await withFee(f, await tradeTerms(f, { nonce: 2n }), 20n, bob.address);
        const alices = await signTrade(alice, f.settlement, second);
        await expect(f.settlement.connect(bob).openTrade(second, alices, "0x")).to.emit(
          f.settlement,
          "TradeFeeLegHeld",
        );
        expect(await f.coin.heldBalanceOf(bob)).to.equal(40n);
      });
    });

    context("replay", function () {
      it("reverts with GatewaySettlementNonceUsed when the same terms or nonce are opened again", async function () {
        const terms = await tradeTerms(f);
        const signature = await signTrade(alice, f.settlement, terms);
        await f.settlement.connect(stranger).openTrade(terms, signature, "0x");
        await expect(f.settlement.connect(stranger).openTrade(terms, signature, "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNonceUsed")
          .withArgs(alice.address, 1n);
        await expect(f.settlement.connect(alice).openTrade({ ...terms, quantity: 5n }, "0x", "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNonceUsed")
          .withArgs(alice.address, 1n);
        expect(await f.asset.heldBalanceOf(alice)).to.equal(100n);
      });
    });

    context("bad input", function () {
      const cases: [
        string,
        (f: GatewayFixture, t: TradeTerms) => Promise<TradeTerms>,
        string,
        (t: TradeTerms) => unknown[],
      ][] = [
        [
          "a zero token",
          async (_f, t) => ({ ...t, token: ethers.ZeroAddress }),
          "GatewaySettlementInvalidToken",
          (t) => [t.token],
        ],
        [
          "a zero buyer",
          async (_f, t) => ({ ...t, buyer: ethers.ZeroAddress }),
          "GatewaySettlementInvalidParties",
          (t) => [t.seller, t.buyer],
        ],
        [
          "a buyer who is the seller",
          async (_f, t) => ({ ...t, buyer: t.seller }),
          "GatewaySettlementInvalidParties",
          (t) => [t.seller, t.buyer],
        ],
        ["a zero quantity", async (_f, t) => ({ ...t, quantity: 0n }), "GatewaySettlementInvalidQuantity", () => [0n]],
        [
          "a quantity above 2^128 − 1",
          async (_f, t) => ({ ...t, quantity: MAX_UINT128 + 1n }),
          "GatewaySettlementInvalidQuantity",
          () => [MAX_UINT128 + 1n],
        ],
        [
          "a zero payment reference",
          async (_f, t) => ({ ...t, paymentRef: ethers.ZeroHash }),
          "GatewaySettlementInvalidReference",
          () => [ethers.ZeroHash],
        ],
        [
          "a fee without a coin",
          async (f, t) => ({ ...(await withFee(f, t, 5n)), feeCoin: ethers.ZeroAddress }),
          "GatewaySettlementInvalidFee",
          (t) => [t.feeCoin, t.feePayer, t.feeAccount, t.feeAmount],
        ],
        [
          "a fee without a payer",
          async (f, t) => ({ ...(await withFee(f, t, 5n)), feePayer: ethers.ZeroAddress }),
          "GatewaySettlementInvalidFee",
          (t) => [t.feeCoin, t.feePayer, t.feeAccount, t.feeAmount],
        ],
        [
          "a fee without an account",
          async (f, t) => ({ ...(await withFee(f, t, 5n)), feeAccount: ethers.ZeroAddress }),
          "GatewaySettlementInvalidFee",
          (t) => [t.feeCoin, t.feePayer, t.feeAccount, t.feeAmount],
        ],
        [
          "a fee above 2^128 − 1",
          async (f, t) => withFee(f, t, MAX_UINT128 + 1n),
          "GatewaySettlementInvalidFee",
          (t) => [t.feeCoin, t.feePayer, t.feeAccount, t.feeAmount],
        ],
        [
          "fee fields without a fee",
          async (f, t) => withFee(f, t, 0n),
          "GatewaySettlementInvalidFee",
          (t) => [t.feeCoin, t.feePayer, t.feeAccount, 0n],
        ],
        [
          "a gateway that is no payment-gateway member",
          async (f, t) => ({ ...t, gateway: f.accounts.exchange.address }),
          "GatewaySettlementNotGateway",
          (t) => [t.gateway],
        ],
        [
          "a zero gateway",
          async (_f, t) => ({ ...t, gateway: ethers.ZeroAddress }),
          "GatewaySettlementNotGateway",
          (t) => [t.gateway],
        ],
      ];
      for (const [what, make, error, args] of cases) {
        it(`reverts with ${error} for ${what}, changing nothing`, async function () {
          const terms = await make(f, await tradeTerms(f));
          const before = await worldOf(f, terms);
          await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
            .to.be.revertedWithCustomError(f.settlement, error)
            .withArgs(...args(terms));
          expect(await worldOf(f, terms)).to.deep.equal(before);
        });
      }

      it("reverts with GatewaySettlementInvalidParties for a zero seller", async function () {
        const terms = await tradeTerms(f, { seller: ethers.ZeroAddress });
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidParties")
          .withArgs(ethers.ZeroAddress, bob.address);
      });

      it("reverts with GatewaySettlementInvalidDeadline for a deadline not in the future, changing nothing", async function () {
        const now = BigInt((await time.latest()) + 1);
        const terms = await tradeTerms(f, { deadline: Number(now) });
        const before = await worldOf(f, terms);
        await time.setNextBlockTimestamp(now);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidDeadline")
          .withArgs(now, now);
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });

      it("reverts with GatewaySettlementNotGateway for a suspended gateway member", async function () {
        await setSuspended(f, gateway.address, true);
        const terms = await tradeTerms(f);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNotGateway")
          .withArgs(gateway.address);
      });

      it("reverts with the engine's error for an unregistered token, changing nothing", async function () {
        const other = await ethers.deployContract("HoldableTokenMock2", [await f.desk.getAddress()]);
        await other.mint(alice, 100n);
        const terms = await tradeTerms(f, { token: await other.getAddress() });
        const before = await worldOf(f, terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.desk, "SettlementDeskMockUnregisteredAsset")
          .withArgs(terms.token);
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });

      it("reverts with the token's error when the seller's available balance is short, changing nothing", async function () {
        const terms = await tradeTerms(f, { quantity: 1_001n });
        const before = await worldOf(f, terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.asset, "HoldableInsufficientAvailableBalance")
          .withArgs(alice.address, 1_000n, 1_001n);
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });

      it("reverts with the token's error when the fee payer's coin is short, changing nothing", async function () {
        const terms = await withFee(f, await tradeTerms(f), 1_001n);
        const before = await worldOf(f, terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.coin, "HoldableInsufficientAvailableBalance")
          .withArgs(alice.address, 1_000n, 1_001n);
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });

      it("reverts with the token's error when the seller is frozen, changing nothing", async function () {
        await f.asset.setFrozen(alice, true);
        const terms = await tradeTerms(f);
        const before = await worldOf(f, terms);
        await expect(f.settlement.connect(alice).openTrade(terms, "0x", "0x"))
          .to.be.revertedWithCustomError(f.asset, "HoldableTokenMock2Frozen")
          .withArgs(alice.address);
        expect(await worldOf(f, terms)).to.deep.equal(before);
      });
    });
  });

  describe("cancelNonce", function () {
    it("withdraws a signed trade not yet opened", async function () {
      const terms = await tradeTerms(f, { nonce: 2n ** 200n + 7n });
      const signature = await signTrade(alice, f.settlement, terms);
      await expect(f.settlement.connect(alice).cancelNonce(terms.nonce))
        .to.emit(f.settlement, "NonceCancelled")
        .withArgs(alice.address, terms.nonce);
      expect(await f.settlement.isNonceUsed(alice.address, terms.nonce)).to.equal(true);
      expect(await f.settlement.isNonceUsed(alice.address, terms.nonce + 1n)).to.equal(false);
      await expect(f.settlement.connect(stranger).openTrade(terms, signature, "0x"))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNonceUsed")
        .withArgs(alice.address, terms.nonce);
    });

    it("reverts with GatewaySettlementNonceUsed for a nonce used or cancelled", async function () {
      await f.settlement.connect(alice).cancelNonce(3n);
      await expect(f.settlement.connect(alice).cancelNonce(3n))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNonceUsed")
        .withArgs(alice.address, 3n);
      // Nonces are the caller's own: bob's nonce 3 is free.
      await expect(f.settlement.connect(bob).cancelNonce(3n)).to.emit(f.settlement, "NonceCancelled");
    });
  });

  describe("confirmPayment", function () {
    let terms: TradeTerms;
    let id: string;

    beforeEach(async function () {
      terms = await tradeTerms(f);
      id = await openAsSeller(f, terms);
    });

    it("delivers the whole quantity to the buyer and completes the trade", async function () {
      const [assetHoldId] = await f.settlement.holdIdsOf(id);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 100n, ref("T-1")))
        .to.emit(f.settlement, "PaymentConfirmed")
        .withArgs(id, gateway.address, ref("T-1"), 100n, 0n, 0n, gateway.address)
        .and.to.emit(f.settlement, "TradeCompleted")
        .withArgs(id)
        .and.to.emit(f.asset, "HoldExecuted")
        .withArgs(assetHoldId, alice.address, bob.address, 100n, 0n);
      expect(await f.asset.balanceOf(alice)).to.equal(900n);
      expect(await f.asset.balanceOf(bob)).to.equal(600n);
      expect(await f.asset.heldBalanceOf(alice)).to.equal(0n);
      expect((await f.asset.holdOf(assetHoldId)).status).to.equal(HoldStatus.Executed);
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Completed);
      expect(await f.settlement.remainingOf(id)).to.equal(0n);
      expect((await f.settlement.tradeOf(id)).settled).to.equal(100n);
      expect(await f.settlement.isTrancheUsed(gateway.address, ref("T-1"))).to.equal(true);
    });

    it("settles in tranches that sum to the whole, completing with the last", async function () {
      const tranches = [30n, 45n, 25n];
      let remaining = 100n;
      for (const [i, quantity] of tranches.entries()) {
        remaining -= quantity;
        const tx = f.settlement.connect(gateway).confirmPayment(id, quantity, ref(`T-${i}`));
        await expect(tx)
          .to.emit(f.settlement, "PaymentConfirmed")
          .withArgs(id, gateway.address, ref(`T-${i}`), quantity, 0n, remaining, gateway.address);
        if (remaining > 0n) await expect(tx).not.to.emit(f.settlement, "TradeCompleted");
        else await expect(tx).to.emit(f.settlement, "TradeCompleted");
        expect(await f.settlement.remainingOf(id)).to.equal(remaining);
        expect(await f.asset.heldBalanceOf(alice)).to.equal(remaining);
        expect(await f.asset.balanceOf(bob)).to.equal(500n + 100n - remaining);
      }
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Completed);
    });

    it("reverts with GatewaySettlementExceedsRemaining above what remains, changing nothing", async function () {
      await f.settlement.connect(gateway).confirmPayment(id, 60n, ref("T-0"));
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 41n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementExceedsRemaining")
        .withArgs(id, 40n, 41n);
      expect(await worldOf(f, terms)).to.deep.equal(before);
    });

    it("reverts with GatewaySettlementInvalidQuantity for a zero tranche and GatewaySettlementInvalidReference for a zero reference", async function () {
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 0n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidQuantity")
        .withArgs(0n);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidReference")
        .withArgs(ethers.ZeroHash);
      expect(await worldOf(f, terms)).to.deep.equal(before);
    });

    it("reverts with GatewaySettlementTrancheUsed for a tranche reference used before, on this trade or another", async function () {
      await f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1"));
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTrancheUsed")
        .withArgs(gateway.address, ref("T-1"));
      const second = await openAsSeller(f, await tradeTerms(f, { nonce: 2n }));
      await expect(f.settlement.connect(gateway).confirmPayment(second, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTrancheUsed")
        .withArgs(gateway.address, ref("T-1"));
      expect(await f.settlement.remainingOf(id)).to.equal(90n);
      expect(await f.settlement.remainingOf(second)).to.equal(100n);
    });

    it("another gateway's references are its own", async function () {
      await seatMember(
        f.contracts.members.connect(f.accounts.governor),
        stranger.address,
        "PaymentGateway",
        "Second Gateway",
      );
      const other = await openAsSeller(f, await tradeTerms(f, { nonce: 2n, gateway: stranger.address }));
      await f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1"));
      await expect(f.settlement.connect(stranger).confirmPayment(other, 10n, ref("T-1"))).to.emit(
        f.settlement,
        "PaymentConfirmed",
      );
    });

    it("reverts with GatewaySettlementNotTradeGateway when another gateway member confirms or fails it", async function () {
      await seatMember(
        f.contracts.members.connect(f.accounts.governor),
        stranger.address,
        "PaymentGateway",
        "Second Gateway",
      );
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(stranger).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNotTradeGateway")
        .withArgs(id, stranger.address, gateway.address);
      await expect(f.settlement.connect(stranger).reportFailure(id, ethers.id("no")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNotTradeGateway")
        .withArgs(id, stranger.address, gateway.address);
      expect(await worldOf(f, terms)).to.deep.equal(before);
    });

    it("reverts with AccessManagedUnauthorized for a suspended gateway, and works again once reinstated", async function () {
      await setSuspended(f, gateway.address, true);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "AccessManagedUnauthorized")
        .withArgs(gateway.address);
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("no")))
        .to.be.revertedWithCustomError(f.settlement, "AccessManagedUnauthorized")
        .withArgs(gateway.address);
      await setSuspended(f, gateway.address, false);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1"))).to.emit(
        f.settlement,
        "PaymentConfirmed",
      );
    });

    it("reverts with GatewaySettlementDeadlinePassed from the deadline on, changing nothing", async function () {
      await time.setNextBlockTimestamp(terms.deadline);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementDeadlinePassed")
        .withArgs(id, terms.deadline);
      expect(await f.settlement.remainingOf(id)).to.equal(100n);
      expect(await f.settlement.isTrancheUsed(gateway.address, ref("T-1"))).to.equal(false);
    });

    it("accepts a tranche one second before the deadline", async function () {
      await time.setNextBlockTimestamp(terms.deadline - 1);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1"))).to.emit(
        f.settlement,
        "PaymentConfirmed",
      );
    });

    it("reverts with GatewaySettlementTradeNotOpen for a trade never opened, completed, failed or expired", async function () {
      const unknown = ethers.id("unknown");
      await expect(f.settlement.connect(gateway).confirmPayment(unknown, 1n, ref("T-1")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(unknown, TradeStatus.None);
      await f.settlement.connect(gateway).confirmPayment(id, 100n, ref("T-1"));
      await expect(f.settlement.connect(gateway).confirmPayment(id, 1n, ref("T-2")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Completed);
      const failed = await openAsSeller(f, await tradeTerms(f, { nonce: 2n }));
      await f.settlement.connect(gateway).reportFailure(failed, ethers.id("rejected"));
      await expect(f.settlement.connect(gateway).confirmPayment(failed, 1n, ref("T-2")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(failed, TradeStatus.Failed);
      const expiring = await tradeTerms(f, { nonce: 3n });
      const expired = await openAsSeller(f, expiring);
      await time.increaseTo(expiring.deadline);
      await f.settlement.connect(stranger).expireTrade(expired);
      await expect(f.settlement.connect(gateway).confirmPayment(expired, 1n, ref("T-2")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(expired, TradeStatus.Expired);
    });

    it("reverts with the token's error when the token refuses the delivery (a frozen buyer), changing nothing", async function () {
      await f.asset.setFrozen(bob, true);
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.asset, "HoldableTokenMock2Frozen")
        .withArgs(bob.address);
      expect(await worldOf(f, terms)).to.deep.equal(before);
      expect(await f.settlement.remainingOf(id)).to.equal(100n);
    });

    it("fails cleanly when an officer cancelled the hold; the gateway's failure then closes the trade releasing nothing", async function () {
      const [assetHoldId] = await f.settlement.holdIdsOf(id);
      await f.asset.connect(deployer).cancelHold(assetHoldId, ethers.id("court order"));
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-1")))
        .to.be.revertedWithCustomError(f.asset, "HoldableHoldNotActive")
        .withArgs(assetHoldId, HoldStatus.Cancelled);
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("hold cancelled")))
        .to.emit(f.settlement, "TradeFailed")
        .withArgs(id, gateway.address, ethers.id("hold cancelled"), 0n, 0n)
        .and.not.to.emit(f.asset, "HoldReleased");
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Failed);
    });

    it("never redirects: the units go to the buyer the trade opened with", async function () {
      await f.settlement.connect(gateway).confirmPayment(id, 40n, ref("T-1"));
      const receipt = await signReceipt(gateway, f.settlement, id, 60n, ref("T-2"));
      await f.settlement.connect(carol).confirmPaymentWithReceipt(id, 60n, ref("T-2"), receipt);
      expect(await f.asset.balanceOf(bob)).to.equal(600n);
      expect(await f.asset.balanceOf(carol)).to.equal(0n);
      expect(await f.asset.balanceOf(gateway)).to.equal(0n);
    });
  });

  describe("confirmPaymentWithReceipt", function () {
    let terms: TradeTerms;
    let id: string;

    beforeEach(async function () {
      terms = await tradeTerms(f);
      id = await openAsSeller(f, terms);
    });

    it("confirms a tranche on the gateway's receipt, submitted by anyone", async function () {
      const receipt = await signReceipt(gateway, f.settlement, id, 40n, ref("T-1"));
      await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
        .to.emit(f.settlement, "PaymentConfirmed")
        .withArgs(id, gateway.address, ref("T-1"), 40n, 0n, 60n, stranger.address);
      expect(await f.asset.balanceOf(bob)).to.equal(540n);
    });

    it("reverts with GatewaySettlementTrancheUsed when a receipt is replayed", async function () {
      const receipt = await signReceipt(gateway, f.settlement, id, 40n, ref("T-1"));
      await f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt);
      await expect(f.settlement.connect(bob).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTrancheUsed")
        .withArgs(gateway.address, ref("T-1"));
      // Nor by transaction under the same reference.
      await expect(f.settlement.connect(gateway).confirmPayment(id, 40n, ref("T-1"))).to.be.revertedWithCustomError(
        f.settlement,
        "GatewaySettlementTrancheUsed",
      );
      expect(await f.settlement.remainingOf(id)).to.equal(60n);
    });

    it("reverts with GatewaySettlementInvalidSignature for a receipt signed by anyone but the trade's gateway, or altered", async function () {
      await seatMember(
        f.contracts.members.connect(f.accounts.governor),
        stranger.address,
        "PaymentGateway",
        "Second Gateway",
      );
      const digest = await f.settlement.receiptDigest(id, 40n, ref("T-1"));
      const before = await worldOf(f, terms);
      for (const signer of [alice, bob, stranger]) {
        const receipt = await signReceipt(signer, f.settlement, id, 40n, ref("T-1"));
        await expect(f.settlement.connect(bob).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature")
          .withArgs(gateway.address, digest);
      }
      const receipt = await signReceipt(gateway, f.settlement, id, 40n, ref("T-1"));
      await expect(f.settlement.connect(bob).confirmPaymentWithReceipt(id, 100n, ref("T-1"), receipt))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature")
        .withArgs(gateway.address, await f.settlement.receiptDigest(id, 100n, ref("T-1")));
      expect(await worldOf(f, terms)).to.deep.equal(before);
      const second = await openAsSeller(f, await tradeTerms(f, { nonce: 2n }));
      await expect(
        f.settlement.connect(bob).confirmPaymentWithReceipt(second, 40n, ref("T-1"), receipt),
      ).to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature");
      await expect(
        f.settlement.connect(bob).confirmPaymentWithReceipt(id, 40n, ref("T-1"), "0x"),
      ).to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature");
      expect(await f.settlement.remainingOf(id)).to.equal(100n);
    });

    it("reverts with GatewaySettlementNotGateway when the gateway was suspended after signing", async function () {
      const receipt = await signReceipt(gateway, f.settlement, id, 40n, ref("T-1"));
      await setSuspended(f, gateway.address, true);
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNotGateway")
        .withArgs(gateway.address);
      expect(await worldOf(f, terms)).to.deep.equal(before);
      await setSuspended(f, gateway.address, false);
      await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt)).to.emit(
        f.settlement,
        "PaymentConfirmed",
      );
    });

    it("reverts with GatewaySettlementDeadlinePassed or GatewaySettlementTradeNotOpen as a transaction would", async function () {
      const receipt = await signReceipt(gateway, f.settlement, id, 40n, ref("T-1"));
      await time.increaseTo(terms.deadline);
      await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementDeadlinePassed")
        .withArgs(id, terms.deadline);
      await f.settlement.connect(stranger).expireTrade(id);
      await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(id, 40n, ref("T-1"), receipt))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Expired);
    });

    context("when the gateway is an ERC-1271 contract wallet", function () {
      let wallet: ERC1271WalletMock;
      let walletTerms: TradeTerms;
      let walletTrade: string;

      beforeEach(async function () {
        wallet = (await ethers.deployContract("ERC1271WalletMock", [carol.address])) as unknown as ERC1271WalletMock;
        const members = f.contracts.members.connect(f.accounts.governor);
        await seatMember(members, await wallet.getAddress(), "PaymentGateway", "Contract Gateway");
        walletTerms = await tradeTerms(f, { nonce: 9n, gateway: await wallet.getAddress() });
        walletTrade = await openAsSeller(f, walletTerms);
      });

      it("accepts its owner's signature as the gateway's receipt", async function () {
        const receipt = await signReceipt(carol, f.settlement, walletTrade, 100n, ref("W-1"));
        await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(walletTrade, 100n, ref("W-1"), receipt))
          .to.emit(f.settlement, "PaymentConfirmed")
          .withArgs(walletTrade, walletTerms.gateway, ref("W-1"), 100n, 0n, 0n, stranger.address)
          .and.to.emit(f.settlement, "TradeCompleted");
      });

      it("refuses a signature its owner did not make, and its receipts once suspended", async function () {
        const forged = await signReceipt(bob, f.settlement, walletTrade, 100n, ref("W-1"));
        await expect(
          f.settlement.connect(stranger).confirmPaymentWithReceipt(walletTrade, 100n, ref("W-1"), forged),
        ).to.be.revertedWithCustomError(f.settlement, "GatewaySettlementInvalidSignature");
        const receipt = await signReceipt(carol, f.settlement, walletTrade, 100n, ref("W-1"));
        await setSuspended(f, walletTerms.gateway, true);
        await expect(f.settlement.connect(stranger).confirmPaymentWithReceipt(walletTrade, 100n, ref("W-1"), receipt))
          .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementNotGateway")
          .withArgs(walletTerms.gateway);
      });

      it("confirms by transaction through the wallet", async function () {
        const data = f.settlement.interface.encodeFunctionData("confirmPayment", [walletTrade, 100n, ref("W-1")]);
        await expect(wallet.connect(carol).execute(f.settlement, data)).to.emit(f.settlement, "TradeCompleted");
      });
    });
  });

  describe("fees", function () {
    it("pays the fee pro rata to the tranches, the last one taking the rounding remainder", async function () {
      const terms = await withFee(f, await tradeTerms(f, { quantity: 3n }), 100n);
      const id = await openAsSeller(f, terms);
      const [, feeHoldId] = await f.settlement.holdIdsOf(id);
      const expected = [33n, 33n, 34n];
      for (const [i, fee] of expected.entries()) {
        await expect(f.settlement.connect(gateway).confirmPayment(id, 1n, ref(`T-${i}`)))
          .to.emit(f.settlement, "PaymentConfirmed")
          .withArgs(id, gateway.address, ref(`T-${i}`), 1n, fee, 2n - BigInt(i), gateway.address)
          .and.to.emit(f.coin, "HoldExecuted")
          .withArgs(
            feeHoldId,
            alice.address,
            carol.address,
            fee,
            100n - expected.slice(0, i + 1).reduce((a, b) => a + b),
          );
      }
      expect(await f.coin.balanceOf(carol)).to.equal(1_100n);
      expect(await f.coin.balanceOf(alice)).to.equal(900n);
      expect(await f.coin.heldBalanceOf(alice)).to.equal(0n);
      expect((await f.coin.holdOf(feeHoldId)).status).to.equal(HoldStatus.Executed);
      expect((await f.settlement.tradeOf(id)).feePaid).to.equal(100n);
    });

    it("moves no fee for a tranche whose share rounds to zero", async function () {
      const terms = await withFee(f, await tradeTerms(f, { quantity: 100n }), 3n);
      const id = await openAsSeller(f, terms);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 10n, ref("T-0")))
        .to.emit(f.settlement, "PaymentConfirmed")
        .withArgs(id, gateway.address, ref("T-0"), 10n, 0n, 90n, gateway.address)
        .and.not.to.emit(f.coin, "HoldExecuted");
      await f.settlement.connect(gateway).confirmPayment(id, 90n, ref("T-1"));
      expect(await f.coin.balanceOf(carol)).to.equal(1_003n);
    });

    it("releases the unpaid fee with the rest of the asset when the trade fails", async function () {
      const terms = await withFee(f, await tradeTerms(f), 50n, bob.address);
      const signature = await signTrade(bob, f.settlement, terms);
      await f.settlement.connect(alice).openTrade(terms, "0x", signature);
      const id = await f.settlement.tradeId(terms);
      await f.settlement.connect(gateway).confirmPayment(id, 40n, ref("T-0"));
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("chargeback")))
        .to.emit(f.settlement, "TradeFailed")
        .withArgs(id, gateway.address, ethers.id("chargeback"), 60n, 30n);
      expect(await f.coin.balanceOf(carol)).to.equal(1_020n);
      expect(await f.coin.balanceOf(bob)).to.equal(980n);
      expect(await f.coin.heldBalanceOf(bob)).to.equal(0n);
      expect(await f.coin.availableBalanceOf(bob)).to.equal(980n);
    });

    it("a confirmation the fee leg cannot pay (a frozen fee account) reverts whole: no unit moves without its fee", async function () {
      const terms = await withFee(f, await tradeTerms(f), 50n);
      const id = await openAsSeller(f, terms);
      await f.coin.setFrozen(carol, true);
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(gateway).confirmPayment(id, 100n, ref("T-1")))
        .to.be.revertedWithCustomError(f.coin, "HoldableTokenMock2Frozen")
        .withArgs(carol.address);
      expect(await worldOf(f, terms)).to.deep.equal(before);
    });
  });

  describe("reportFailure", function () {
    let terms: TradeTerms;
    let id: string;

    beforeEach(async function () {
      terms = await tradeTerms(f);
      id = await openAsSeller(f, terms);
    });

    it("releases what remains held to the seller; confirmed tranches stay with the buyer", async function () {
      const [assetHoldId] = await f.settlement.holdIdsOf(id);
      await f.settlement.connect(gateway).confirmPayment(id, 25n, ref("T-0"));
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("insufficient funds")))
        .to.emit(f.settlement, "TradeFailed")
        .withArgs(id, gateway.address, ethers.id("insufficient funds"), 75n, 0n)
        .and.to.emit(f.asset, "HoldReleased")
        .withArgs(assetHoldId, alice.address, 75n, await f.desk.getAddress());
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Failed);
      expect(await f.settlement.remainingOf(id)).to.equal(0n);
      expect(await f.asset.heldBalanceOf(alice)).to.equal(0n);
      expect(await f.asset.availableBalanceOf(alice)).to.equal(975n);
      expect(await f.asset.balanceOf(bob)).to.equal(525n);
    });

    it("reverts with GatewaySettlementTradeNotOpen the second time: never released twice", async function () {
      await f.settlement.connect(gateway).reportFailure(id, ethers.id("x"));
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("x")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Failed);
      await time.increaseTo(terms.deadline);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Failed);
    });

    it("reverts with GatewaySettlementTradeNotOpen after completion: no release after settlement", async function () {
      await f.settlement.connect(gateway).confirmPayment(id, 100n, ref("T-0"));
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("x")))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Completed);
      await time.increaseTo(terms.deadline);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Completed);
      expect(await f.asset.balanceOf(bob)).to.equal(600n);
    });

    it("may be reported after the deadline too", async function () {
      await time.increaseTo(terms.deadline + 10);
      await expect(f.settlement.connect(gateway).reportFailure(id, ethers.id("late")))
        .to.emit(f.settlement, "TradeFailed")
        .withArgs(id, gateway.address, ethers.id("late"), 100n, 0n);
    });
  });

  describe("expireTrade", function () {
    let terms: TradeTerms;
    let id: string;

    beforeEach(async function () {
      terms = await withFee(f, await tradeTerms(f), 10n);
      id = await openAsSeller(f, terms);
    });

    it("reverts with GatewaySettlementDeadlineNotPassed before the deadline, changing nothing", async function () {
      await time.setNextBlockTimestamp(terms.deadline - 1);
      const before = await worldOf(f, terms);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementDeadlineNotPassed")
        .withArgs(id, terms.deadline);
      expect(await worldOf(f, terms)).to.deep.equal(before);
    });

    it("lets anyone release what remains, the fee included, from the deadline on", async function () {
      await f.settlement.connect(gateway).confirmPayment(id, 50n, ref("T-0"));
      await time.setNextBlockTimestamp(terms.deadline);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.emit(f.settlement, "TradeExpired")
        .withArgs(id, stranger.address, 50n, 5n);
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Expired);
      expect(await f.asset.heldBalanceOf(alice)).to.equal(0n);
      expect(await f.coin.heldBalanceOf(alice)).to.equal(0n);
      expect(await f.asset.balanceOf(alice)).to.equal(950n);
      expect(await f.coin.balanceOf(alice)).to.equal(995n);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.be.revertedWithCustomError(f.settlement, "GatewaySettlementTradeNotOpen")
        .withArgs(id, TradeStatus.Expired);
    });

    it("closes a trade whose holds someone already released on the tokens after their expiry, releasing nothing", async function () {
      const [assetHoldId, feeHoldId] = await f.settlement.holdIdsOf(id);
      await time.increaseTo(terms.deadline);
      await f.asset.connect(stranger).releaseHold(assetHoldId);
      await f.coin.connect(stranger).releaseHold(feeHoldId);
      await expect(f.settlement.connect(stranger).expireTrade(id))
        .to.emit(f.settlement, "TradeExpired")
        .withArgs(id, stranger.address, 0n, 0n);
      expect(await f.settlement.statusOf(id)).to.equal(TradeStatus.Expired);
    });

    it("releases even while the token is paused or the seller frozen (nothing moves)", async function () {
      await f.asset.setPaused(true);
      await f.asset.setFrozen(alice, true);
      await time.increaseTo(terms.deadline);
      await expect(f.settlement.connect(stranger).expireTrade(id)).to.emit(f.settlement, "TradeExpired");
      expect(await f.asset.heldBalanceOf(alice)).to.equal(0n);
    });
  });

  describe("access", function () {
    it("config/roles.ts guards confirmPayment and reportFailure with PAYMENT_GATEWAY and lists the rest as public", async function () {
      expect(permissions.GatewaySettlement).to.deep.equal({
        "confirmPayment(bytes32,uint256,bytes32)": "PAYMENT_GATEWAY",
        "reportFailure(bytes32,bytes32)": "PAYMENT_GATEWAY",
      });
    });

    shouldBehaveLikeRestricted(
      () => ({ authority: f.contracts.authority, target: f.settlement, callers: Object.values(f.accounts) }),
      Object.keys(permissions.GatewaySettlement),
      Role.PAYMENT_GATEWAY,
    );

    it("the desk refuses a caller that is not a settlement client", async function () {
      await expect(
        f.desk.connect(alice).placeClientHold(f.asset, ethers.id("x"), alice, 1n, (await time.latest()) + 60),
      )
        .to.be.revertedWithCustomError(f.desk, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    it("the settlement holds no asset (G6) and the engine names the tokens' holds", async function () {
      const id = await openAsSeller(f, await withFee(f, await tradeTerms(f), 10n));
      await f.settlement.connect(gateway).confirmPayment(id, 30n, ref("T-0"));
      expect(await f.asset.balanceOf(f.settlement)).to.equal(0n);
      expect(await f.coin.balanceOf(f.settlement)).to.equal(0n);
      expect(await hre.ethers.provider.getBalance(f.settlement)).to.equal(0n);
    });
  });
});
