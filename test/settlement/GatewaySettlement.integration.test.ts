import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  gatewayDomainOf,
  gatewayTradeId,
  signGatewayTrade,
  signPaymentReceipt,
  type GatewayTradeTerms,
} from "../../sdk/settlement";
import { HoldStatus, TradeStatus } from "../fixtures/gateway";
import { integrationFixture, START, type IntegrationWorld } from "./integration";

const ref = (text: string) => ethers.id(text);

/** alice sells `quantity` equity to bob through the gateway member, due in a day; a fee leg when `fee` is given. */
async function terms(
  world: IntegrationWorld,
  nonce: bigint,
  quantity = 100n,
  fee?: bigint,
): Promise<GatewayTradeTerms> {
  const { alice, bob, gateway, exchange } = world.accounts;
  const { equity, cny } = world.contracts;
  return {
    token: await equity.getAddress(),
    seller: alice.address,
    buyer: bob.address,
    gateway: gateway.address,
    quantity,
    paymentRef: ref(`E2E-${nonce}`),
    deadline: BigInt(await time.latest()) + 86_400n,
    nonce,
    feeCoin: fee === undefined ? ethers.ZeroAddress : await cny.getAddress(),
    feePayer: fee === undefined ? ethers.ZeroAddress : bob.address,
    feeAccount: fee === undefined ? ethers.ZeroAddress : exchange.address,
    feeAmount: fee ?? 0n,
  };
}

/** Neither the engine nor the gateway settlement holds any unit of any token. */
async function expectCustodyFree(world: IntegrationWorld) {
  const { engine, gatewaySettlement, equity, bond, usd, cny } = world.contracts;
  for (const token of [equity, bond, usd, cny]) {
    for (const holder of [engine, gatewaySettlement]) expect(await token.balanceOf(holder)).to.equal(0n);
  }
}

describe("GatewaySettlement on the real deployment (integration)", function () {
  let world: IntegrationWorld;
  beforeEach(async function () {
    world = await loadFixture(integrationFixture);
  });

  it("is the engine's SETTLEMENT_CLIENT on the real deployment", async function () {
    const { gatewaySettlement, engine } = world.contracts;
    expect(await gatewaySettlement.settlementEngine()).to.equal(await engine.getAddress());
  });

  it("refuses a fee in a registered asset that is not a settlement coin (the bond) before any signature, holding nothing", async function () {
    const { alice, bob } = world.accounts;
    const { gatewaySettlement, engine, equity, bond } = world.contracts;
    const t = { ...(await terms(world, 9n, 100n, 5n)), feeCoin: await bond.getAddress() };
    expect(await engine.isRegisteredAsset(bond)).to.equal(true);
    expect(await engine.isCoin(bond)).to.equal(false);
    await expect(gatewaySettlement.connect(alice).openTrade(t, "0x", "0x"))
      .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementFeeCoinNotRegistered")
      .withArgs(t.feeCoin, await engine.getAddress());
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    expect(await bond.heldBalanceOf(bob.address)).to.equal(0n);
    expect(await gatewaySettlement.isNonceUsed(alice.address, 9n)).to.equal(false);
  });

  it("opened by the seller, confirmed by the gateway's transaction; the register shows the seller until then", async function () {
    const { alice, bob, gateway, agent } = world.accounts;
    const { gatewaySettlement, equity } = world.contracts;
    const t = await terms(world, 1n);
    const id = gatewayTradeId(t);
    expect(id).to.equal(await gatewaySettlement.tradeId(t));
    await expect(gatewaySettlement.connect(alice).openTrade(t, "0x", "0x")).to.emit(gatewaySettlement, "TradeOpened");
    const [assetHold] = await gatewaySettlement.holdIdsOf(id);
    expect((await equity.holdOf(assetHold)).status).to.equal(HoldStatus.Active);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(100n);
    expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice);
    await equity.connect(agent).snapshot();
    const snapshotId = await equity.currentSnapshotId();
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 100n, ref("tranche 1")))
      .to.emit(gatewaySettlement, "TradeCompleted")
      .withArgs(id);
    expect(await equity.balanceOfAt(alice.address, snapshotId)).to.equal(START.equity.alice);
    expect(await equity.balanceOf(alice.address)).to.equal(START.equity.alice - 100n);
    expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 100n);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    expect(await gatewaySettlement.statusOf(id)).to.equal(TradeStatus.Completed);
    await expectCustodyFree(world);
  });

  it("opened by signatures (seller and fee payer), settled in tranches by a transaction and a receipt a third party submits, the fee paid pro rata", async function () {
    const { alice, bob, gateway, exchange, stranger } = world.accounts;
    const { gatewaySettlement, equity, cny, cnyHolds } = world.contracts;
    const domain = await gatewayDomainOf(gatewaySettlement);
    const t = await terms(world, 2n, 100n, 1_001n);
    const id = gatewayTradeId(t);
    await gatewaySettlement
      .connect(stranger)
      .openTrade(t, await signGatewayTrade(alice, domain, t), await signGatewayTrade(bob, domain, t));
    expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(1_001n);
    // Tranche 1 (30) by transaction: fee ⌊1001 × 30 / 100⌋ = 300.
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 30n, ref("tranche A")))
      .to.emit(gatewaySettlement, "PaymentConfirmed")
      .withArgs(id, gateway.address, ref("tranche A"), 30n, 300n, 70n, gateway.address);
    expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 30n);
    expect(await cny.balanceOf(exchange.address)).to.equal(300n);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(70n);
    // Tranche 2 (70) by the gateway's receipt, submitted by a stranger: the rest of the fee, 701.
    const receipt = { tradeId: id, quantity: 70n, trancheRef: ref("tranche B") };
    const signature = await signPaymentReceipt(gateway, domain, receipt);
    await expect(gatewaySettlement.connect(stranger).confirmPaymentWithReceipt(id, 70n, ref("tranche B"), signature))
      .to.emit(gatewaySettlement, "TradeCompleted")
      .withArgs(id);
    expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 100n);
    expect(await cny.balanceOf(exchange.address)).to.equal(1_001n);
    expect(await cny.balanceOf(bob.address)).to.equal(START.cny - 1_001n);
    expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
    // The receipt cannot be replayed.
    await expect(
      gatewaySettlement.connect(stranger).confirmPaymentWithReceipt(id, 70n, ref("tranche B"), signature),
    ).to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementTradeNotOpen");
    await expectCustodyFree(world);
  });

  it("a reported failure releases the asset and the fee to their holders", async function () {
    const { alice, bob, gateway } = world.accounts;
    const { gatewaySettlement, equity, cnyHolds } = world.contracts;
    const t = await terms(world, 3n, 100n, 500n);
    const id = gatewayTradeId(t);
    const domain = await gatewayDomainOf(gatewaySettlement);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", await signGatewayTrade(bob, domain, t));
    await gatewaySettlement.connect(gateway).confirmPayment(id, 40n, ref("part"));
    await expect(gatewaySettlement.connect(gateway).reportFailure(id, ethers.id("AC04 closed account")))
      .to.emit(gatewaySettlement, "TradeFailed")
      .withArgs(id, gateway.address, ethers.id("AC04 closed account"), 60n, 300n);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
    expect(await equity.balanceOf(bob.address)).to.equal(START.equity.bob + 40n);
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 10n, ref("late"))).to.be.revertedWithCustomError(
      gatewaySettlement,
      "GatewaySettlementTradeNotOpen",
    );
    await expectCustodyFree(world);
  });

  it("anyone refunds the trade at its deadline; not before, and only once", async function () {
    const { alice, bob, stranger, gateway } = world.accounts;
    const { gatewaySettlement, equity, cnyHolds } = world.contracts;
    const t = await terms(world, 4n, 100n, 200n);
    const id = gatewayTradeId(t);
    const domain = await gatewayDomainOf(gatewaySettlement);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", await signGatewayTrade(bob, domain, t));
    await expect(gatewaySettlement.connect(stranger).expireTrade(id)).to.be.revertedWithCustomError(
      gatewaySettlement,
      "GatewaySettlementDeadlineNotPassed",
    );
    await time.increaseTo(t.deadline);
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 100n, ref("too late")))
      .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementDeadlinePassed")
      .withArgs(id, t.deadline);
    await expect(gatewaySettlement.connect(stranger).expireTrade(id))
      .to.emit(gatewaySettlement, "TradeExpired")
      .withArgs(id, stranger.address, 100n, 200n);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
    await expect(gatewaySettlement.connect(stranger).expireTrade(id)).to.be.revertedWithCustomError(
      gatewaySettlement,
      "GatewaySettlementTradeNotOpen",
    );
    await expectCustodyFree(world);
  });

  it("holds released on the tokens by anyone after the deadline: the refund still closes the trade once", async function () {
    const { alice, bob, stranger } = world.accounts;
    const { gatewaySettlement, equity, cnyHolds } = world.contracts;
    const t = await terms(world, 9n, 100n, 30n);
    const id = gatewayTradeId(t);
    const domain = await gatewayDomainOf(gatewaySettlement);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", await signGatewayTrade(bob, domain, t));
    const [assetHold, feeHold] = await gatewaySettlement.holdIdsOf(id);
    await time.increaseTo(t.deadline);
    await equity.connect(stranger).releaseHold(assetHold);
    await cnyHolds.connect(stranger).releaseHold(feeHold);
    await expect(gatewaySettlement.connect(stranger).expireTrade(id))
      .to.emit(gatewaySettlement, "TradeExpired")
      .withArgs(id, stranger.address, 0n, 0n);
    expect(await gatewaySettlement.statusOf(id)).to.equal(TradeStatus.Expired);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    await expectCustodyFree(world);
  });

  it("a gateway member suspended in the MemberRegistry can no longer confirm, by transaction or receipt", async function () {
    const { alice, gateway, governor, stranger } = world.accounts;
    const { gatewaySettlement, members, equity } = world.contracts;
    const t = await terms(world, 5n);
    const id = gatewayTradeId(t);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", "0x");
    const signature = await signPaymentReceipt(gateway, await gatewayDomainOf(gatewaySettlement), {
      tradeId: id,
      quantity: 100n,
      trancheRef: ref("signed before"),
    });
    await members.connect(governor).suspendMember(gateway.address, ethers.id("investigation"));
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 100n, ref("x"))).to.be.revertedWithCustomError(
      gatewaySettlement,
      "AccessManagedUnauthorized",
    );
    await expect(
      gatewaySettlement.connect(stranger).confirmPaymentWithReceipt(id, 100n, ref("signed before"), signature),
    )
      .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementNotGateway")
      .withArgs(gateway.address);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(100n);
    // Reinstated, it confirms again.
    await members.connect(governor).reinstateMember(gateway.address);
    await gatewaySettlement.connect(stranger).confirmPaymentWithReceipt(id, 100n, ref("signed before"), signature);
    expect(await gatewaySettlement.statusOf(id)).to.equal(TradeStatus.Completed);
  });

  it("an officer cancelling the hold underneath: confirmations fail, the trade closes cleanly", async function () {
    const { alice, bob, gateway, agent, stranger } = world.accounts;
    const { gatewaySettlement, equity, cnyHolds } = world.contracts;
    const t = await terms(world, 6n, 100n, 100n);
    const id = gatewayTradeId(t);
    const domain = await gatewayDomainOf(gatewaySettlement);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", await signGatewayTrade(bob, domain, t));
    await gatewaySettlement.connect(gateway).confirmPayment(id, 25n, ref("first"));
    const [assetHold] = await gatewaySettlement.holdIdsOf(id);
    await equity.connect(agent).cancelHold(assetHold, ethers.id("court order"));
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    await expect(
      gatewaySettlement.connect(gateway).confirmPayment(id, 25n, ref("second")),
    ).to.be.revertedWithCustomError(equity, "HoldableHoldNotActive");
    // The trade fails cleanly: nothing of the asset left to release, the rest of the fee released.
    await expect(gatewaySettlement.connect(gateway).reportFailure(id, ethers.id("hold cancelled")))
      .to.emit(gatewaySettlement, "TradeFailed")
      .withArgs(id, gateway.address, ethers.id("hold cancelled"), 0n, 75n);
    expect(await cnyHolds.heldBalanceOf(bob.address)).to.equal(0n);
    expect(await gatewaySettlement.statusOf(id)).to.equal(TradeStatus.Failed);
    // The same at the deadline for a trade whose fee hold an officer cancelled.
    const t2 = await terms(world, 7n, 10n, 10n);
    const id2 = gatewayTradeId(t2);
    await gatewaySettlement.connect(alice).openTrade(t2, "0x", await signGatewayTrade(bob, domain, t2));
    const [, feeHold] = await gatewaySettlement.holdIdsOf(id2);
    await cnyHolds.connect(world.accounts.regulator).cancelHold(feeHold, ethers.id("seizure"));
    await time.increaseTo(t2.deadline);
    await expect(gatewaySettlement.connect(stranger).expireTrade(id2))
      .to.emit(gatewaySettlement, "TradeExpired")
      .withArgs(id2, stranger.address, 10n, 0n);
    expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    await expectCustodyFree(world);
  });

  it("a tranche the real compliance refuses (buyer's wallet frozen) moves neither the asset nor the fee", async function () {
    const { alice, bob, gateway, agent, exchange } = world.accounts;
    const { gatewaySettlement, equity, cny } = world.contracts;
    const t = await terms(world, 8n, 100n, 100n);
    const id = gatewayTradeId(t);
    const domain = await gatewayDomainOf(gatewaySettlement);
    await gatewaySettlement.connect(alice).openTrade(t, "0x", await signGatewayTrade(bob, domain, t));
    await equity.connect(agent).setAddressFrozen(bob.address, true);
    await expect(gatewaySettlement.connect(gateway).confirmPayment(id, 50n, ref("refused")))
      .to.be.revertedWithCustomError(equity, "SecurityTokenAddressFrozen")
      .withArgs(bob.address);
    expect(await cny.balanceOf(exchange.address)).to.equal(0n);
    expect(await gatewaySettlement.remainingOf(id)).to.equal(100n);
    expect(await gatewaySettlement.isTrancheUsed(gateway.address, ref("refused"))).to.equal(false);
  });
});
