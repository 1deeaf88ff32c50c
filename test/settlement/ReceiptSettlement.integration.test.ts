import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { CommodityReceipt, ICommodityReceiptLots } from "../../typechain-types";
import { ProductType } from "../../sdk/assets";
import { Restriction } from "../../sdk/restrictions";
import { encodeReceiptTerms, lotAmount, splitLotAmount } from "../../sdk/products/commodity";
import {
  explainSettlement as sdkExplain,
  gatewayDomainOf,
  gatewayTradeId,
  signPaymentReceipt,
  type GatewayTradeTerms,
} from "../../sdk/settlement";
import { issueAsset } from "../fixtures/assets";
import { TradeStatus } from "../fixtures/gateway";
import { COMMODITY, specOf } from "../tokens/commodity/receipt";
import { HOLD_UNAVAILABLE, instructionId, legKey, signInstruction, type Instruction } from "./helpers";
import {
  consents,
  explainCodes,
  expectLegRefused,
  FRANCE,
  instruction,
  integrationFixture,
  legOf,
  START,
} from "./integration";

const ALICE_LOT = 1_000n;
const BOB_LOT = 250n;
const PRICE = 12n * 10n ** 6n; // aUSD (6 decimals) a kg

/**
 * The settlement layer on the real deployment (`integrationFixture`) with a copper-cathode receipt market issued
 * through the factory: the custodian member deposited lot 1 (1,000 kg) for alice and lot 2 (250 kg) for bob.
 */
async function receiptWorld() {
  const world = await integrationFixture();
  const { accounts, contracts } = world;
  const { asset } = await issueAsset(contracts.factory, accounts.issuer, {
    productType: ProductType.CommodityReceipt,
    terms: encodeReceiptTerms({ commodityCode: COMMODITY, uri: "https://receipts.example/{id}" }),
    instrument: { name: "Copper cathode, grade A", symbol: "CU-A" },
    rules: { countryBlockList: true },
  });
  const receipt = (await ethers.getContractAt("CommodityReceipt", asset)) as unknown as CommodityReceipt;
  const lots = (await ethers.getContractAt("ICommodityReceiptLots", asset)) as unknown as ICommodityReceiptLots;
  const spec = await specOf(accounts.custodian.address);
  await lots.connect(accounts.custodian).issueLot(spec, ALICE_LOT, accounts.alice.address);
  await lots.connect(accounts.custodian).issueLot(spec, BOB_LOT, accounts.bob.address);
  return { ...world, receipt, lots, asset, aliceLot: 1n, bobLot: 2n };
}

type ReceiptWorld = Awaited<ReturnType<typeof receiptWorld>>;

/** Balances of lots 1 and 2 and aUSD of alice, bob and carol, and alice's held units of lot 1. */
async function snapshot(world: ReceiptWorld): Promise<bigint[]> {
  const { usd } = world.contracts;
  const { alice, bob, carol } = world.accounts;
  const out: bigint[] = [];
  for (const holder of [alice, bob, carol]) {
    out.push(
      await world.receipt.balanceOf(holder.address, world.aliceLot),
      await world.receipt.balanceOf(holder.address, world.bobLot),
      await usd.balanceOf(holder.address),
    );
  }
  out.push(await world.receipt.heldOf(alice.address, world.aliceLot));
  return out;
}

/** alice delivers `quantity` of her lot to bob against `quantity × PRICE` aUSD. */
async function delivery(world: ReceiptWorld, quantity: bigint, nonce: bigint, lot = world.aliceLot) {
  const { alice, bob } = world.accounts;
  return instruction(
    [
      await legOf(world.receipt, alice, bob, lotAmount(lot, quantity)),
      await legOf(world.contracts.usd, bob, alice, quantity * PRICE),
    ],
    nonce,
  );
}

/** Settling `ins` fails at leg `failing` with `code` (as explained beforehand) and moves nothing. */
async function expectRefused(world: ReceiptWorld, ins: Instruction, failing: number, code: number, held = 0n) {
  await expectLegRefused(world, ins, failing, code, held, () => snapshot(world));
}

describe("Commodity receipts in settlement (integration)", function () {
  let world: ReceiptWorld;
  beforeEach(async function () {
    world = await loadFixture(receiptWorld);
  });

  describe("DvP", function () {
    it("delivers a lot's units against the coin in one atomic instruction, explained first", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine, usd } = world.contracts;
      const ins = await delivery(world, 400n, 1n);
      const sigs = await consents(world, ins, [alice, bob]);
      const explained = await sdkExplain(engine, ins, sigs, 0n);
      expect(explained.ok).to.equal(true);
      expect(explained.legs[0].sentence).to.contain("400 units of lot 1");
      await expect(engine.connect(stranger).settle(ins, sigs, 0n))
        .to.emit(engine, "SettlementAssetCached")
        .withArgs(world.asset, ProductType.CommodityReceipt)
        .and.to.emit(world.receipt, "TransferSingle")
        .withArgs(await engine.getAddress(), alice.address, bob.address, world.aliceLot, 400n)
        .and.to.emit(engine, "SettlementExecuted");
      expect(await world.receipt.balanceOf(alice.address, world.aliceLot)).to.equal(ALICE_LOT - 400n);
      expect(await world.receipt.balanceOf(bob.address, world.aliceLot)).to.equal(400n);
      expect(await world.receipt.balanceOf(bob.address, world.bobLot)).to.equal(BOB_LOT);
      expect(await usd.balanceOf(alice.address)).to.equal(START.usd + 400n * PRICE);
      expect(await usd.balanceOf(bob.address)).to.equal(START.usd - 400n * PRICE);
      expect(await world.receipt.totalSupply(world.aliceLot)).to.equal(ALICE_LOT);
      // Neither the engine nor anyone else keeps custody of the units.
      expect(await world.receipt.balanceOf(await engine.getAddress(), world.aliceLot)).to.equal(0n);
      // The instruction is spent: a replay is refused.
      await expect(engine.connect(stranger).settle(ins, sigs, 0n)).to.be.revertedWithCustomError(
        engine,
        "SettlementNonceUsed",
      );
    });

    it("refuses more units than the sender's available units of the named lot, explained as insufficient balance", async function () {
      await expectRefused(world, await delivery(world, ALICE_LOT + 1n, 2n), 0, Restriction.InsufficientUnfrozenBalance);
      // alice holds no units of bob's lot, whatever she holds of hers.
      await expectRefused(
        world,
        await delivery(world, 1n, 3n, world.bobLot),
        0,
        Restriction.InsufficientUnfrozenBalance,
      );
    });

    it("never moves pledged units: a pledge makes them unavailable to a DvP until released", async function () {
      const { alice, carol } = world.accounts;
      await world.receipt.connect(alice).pledge(world.aliceLot, carol.address, 700n);
      await expectRefused(world, await delivery(world, 400n, 4n), 0, Restriction.InsufficientUnfrozenBalance);
      await world.receipt.connect(carol).releasePledge(1n);
      const ins = await delivery(world, 400n, 4n);
      const sigs = await consents(world, ins, [alice, world.accounts.bob]);
      expect(await explainCodes(world, ins, sigs)).to.deep.equal([0, 0]);
    });

    it("asks the market's pipeline: a recipient whose country the market blocks is refused and explained", async function () {
      const { alice, carol } = world.accounts;
      await world.contracts.compliance
        .connect(world.accounts.regulator)
        .setCountriesBlocked(world.asset, [FRANCE], true);
      const ins = await instruction(
        [
          await legOf(world.receipt, alice, carol, lotAmount(world.aliceLot, 10n)),
          await legOf(world.contracts.usd, carol, alice, 10n * PRICE),
        ],
        5n,
      );
      await expectRefused(world, ins, 0, Restriction.CountryBlocked);
    });

    it("counts earlier legs in the same lot (and only that lot) toward a sender's available units", async function () {
      const { alice, bob, carol, stranger } = world.accounts;
      const { engine } = world.contracts;
      // bob passes on at once the units of alice's lot he receives in leg 0.
      const chain = await instruction(
        [
          await legOf(world.receipt, alice, bob, lotAmount(world.aliceLot, 300n)),
          await legOf(world.receipt, bob, carol, lotAmount(world.aliceLot, 300n)),
          await legOf(world.contracts.usd, carol, alice, 300n * PRICE),
        ],
        6n,
      );
      const sigs = await consents(world, chain, [alice, bob, carol]);
      expect(await explainCodes(world, chain, sigs)).to.deep.equal([0, 0, 0]);
      // Units received in lot 1 do not let bob deliver more of lot 2 than he holds.
      const otherLot = await instruction(
        [
          await legOf(world.receipt, alice, bob, lotAmount(world.aliceLot, 300n)),
          await legOf(world.receipt, bob, carol, lotAmount(world.bobLot, BOB_LOT + 1n)),
        ],
        7n,
      );
      const otherSigs = await consents(world, otherLot, [alice, bob, carol]);
      expect(await explainCodes(world, otherLot, otherSigs)).to.deep.equal([
        0,
        Restriction.InsufficientUnfrozenBalance,
      ]);
      await engine.connect(stranger).settle(chain, sigs, 0n);
      expect(await world.receipt.balanceOf(carol.address, world.aliceLot)).to.equal(300n);
      expect(await world.receipt.balanceOf(bob.address, world.aliceLot)).to.equal(0n);
    });

    it("refuses a lot amount with no quantity: the receipt refuses it, and the engine explains it as unclassified", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine } = world.contracts;
      const ins = await instruction(
        [
          await legOf(world.receipt, alice, bob, world.aliceLot << 128n),
          await legOf(world.contracts.usd, bob, alice, PRICE),
        ],
        8n,
      );
      const sigs = await consents(world, ins, [alice, bob]);
      expect(await explainCodes(world, ins, sigs)).to.deep.equal([255, 0]);
      const before = await snapshot(world);
      await expect(engine.connect(stranger).settle(ins, sigs, 0n))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(0n, world.asset, alice.address, bob.address, world.aliceLot << 128n, 255n, (r: string) => r !== "0x");
      expect(await snapshot(world)).to.deep.equal(before);
    });
  });

  describe("prefunded (held) receipt legs", function () {
    it("holds the seller's units of the lot, then settles from the hold", async function () {
      const { alice, bob, stranger } = world.accounts;
      const { engine } = world.contracts;
      const ins = await delivery(world, 600n, 9n);
      const id = instructionId(ins);
      await expect(engine.connect(alice).prefund(ins, 0n))
        .to.emit(engine, "SettlementLegPrefunded")
        .withArgs(id, 0n, alice.address, legKey(id, 0), lotAmount(world.aliceLot, 600n))
        .and.to.emit(world.receipt, "LotHoldPlaced")
        .withArgs(legKey(id, 0), world.aliceLot);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(600n);
      expect(await world.receipt.availableOf(alice.address, world.aliceLot)).to.equal(ALICE_LOT - 600n);
      expect(await world.receipt.holdLotOf(legKey(id, 0))).to.equal(world.aliceLot);
      // The held units cannot be pledged or moved otherwise meanwhile.
      await expect(
        world.receipt.connect(alice).pledge(world.aliceLot, world.accounts.carol.address, ALICE_LOT - 599n),
      ).to.be.revertedWithCustomError(world.receipt, "CommodityReceiptInsufficientAvailable");
      const sigs = ["0x", await signInstruction(engine, bob, ins)];
      const [ok, , checks] = await engine.explainSettlement(ins, sigs, 1n);
      expect(ok).to.equal(true);
      expect(checks[0].held).to.equal(true);
      await engine.connect(stranger).settle(ins, sigs, 1n);
      expect(await world.receipt.balanceOf(bob.address, world.aliceLot)).to.equal(600n);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(0n);
      expect((await world.receipt.holdOf(legKey(id, 0))).status).to.equal(2n); // Executed
    });

    it("explains a held leg whose hold a regulator cancelled as hold unavailable, and settles nothing", async function () {
      const { alice, bob, regulator } = world.accounts;
      const { engine } = world.contracts;
      const ins = await delivery(world, 100n, 10n);
      const id = instructionId(ins);
      await engine.connect(alice).prefund(ins, 0n);
      await world.receipt.connect(regulator).cancelHold(legKey(id, 0), ethers.id("court order"));
      const sigs = ["0x", await signInstruction(engine, bob, ins)];
      expect((await explainCodes(world, ins, sigs, 1n))[0]).to.equal(HOLD_UNAVAILABLE);
      await expect(engine.connect(world.accounts.stranger).settle(ins, sigs, 1n))
        .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
        .withArgs(
          0n,
          world.asset,
          alice.address,
          bob.address,
          ins.legs[0].amount,
          HOLD_UNAVAILABLE,
          (r: string) => r !== "0x",
        );
      expect(await world.receipt.balanceOf(alice.address, world.aliceLot)).to.equal(ALICE_LOT);
    });
  });

  describe("gateway trades (fiat off chain)", function () {
    async function lotTerms(quantity: bigint, nonce: bigint, token?: string): Promise<GatewayTradeTerms> {
      const { alice, bob, gateway } = world.accounts;
      return {
        token: token ?? world.asset,
        seller: alice.address,
        buyer: bob.address,
        gateway: gateway.address,
        quantity,
        paymentRef: ethers.id(`E2E-lot-${nonce}`),
        deadline: BigInt(await time.latest()) + 86_400n,
        nonce,
        feeCoin: ethers.ZeroAddress,
        feePayer: ethers.ZeroAddress,
        feeAccount: ethers.ZeroAddress,
        feeAmount: 0n,
      };
    }

    it("holds the lot's units at opening and delivers them in tranches as the gateway confirms the payments", async function () {
      const { alice, bob, gateway, stranger } = world.accounts;
      const { gatewaySettlement } = world.contracts;
      const terms = await lotTerms(lotAmount(world.aliceLot, 500n), 1n);
      const id = gatewayTradeId(terms);
      await expect(gatewaySettlement.connect(alice).openTrade(terms, "0x", "0x"))
        .to.emit(gatewaySettlement, "TradeOpened")
        .and.to.emit(world.receipt, "LotHoldPlaced");
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(500n);
      expect((await gatewaySettlement.tradeOf(id)).quantity).to.equal(500n);
      expect(await gatewaySettlement.remainingOf(id)).to.equal(500n);
      await gatewaySettlement.connect(gateway).confirmPayment(id, 200n, ethers.id("tranche 1"));
      expect(await world.receipt.balanceOf(bob.address, world.aliceLot)).to.equal(200n);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(300n);
      // The second tranche by the gateway's signed receipt, submitted by anyone.
      const domain = await gatewayDomainOf(gatewaySettlement);
      const signature = await signPaymentReceipt(gateway, domain, {
        tradeId: id,
        quantity: 300n,
        trancheRef: ethers.id("tranche 2"),
      });
      await expect(
        gatewaySettlement.connect(stranger).confirmPaymentWithReceipt(id, 300n, ethers.id("tranche 2"), signature),
      ).to.emit(gatewaySettlement, "TradeCompleted");
      expect(await world.receipt.balanceOf(bob.address, world.aliceLot)).to.equal(500n);
      expect(await world.receipt.balanceOf(alice.address, world.aliceLot)).to.equal(ALICE_LOT - 500n);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(0n);
      expect((await gatewaySettlement.tradeOf(id)).status).to.equal(BigInt(TradeStatus.Completed));
    });

    it("releases the lot's units when the payment fails", async function () {
      const { alice, gateway } = world.accounts;
      const { gatewaySettlement } = world.contracts;
      const terms = await lotTerms(lotAmount(world.aliceLot, 500n), 2n);
      const id = gatewayTradeId(terms);
      await gatewaySettlement.connect(alice).openTrade(terms, "0x", "0x");
      await expect(gatewaySettlement.connect(gateway).reportFailure(id, ethers.id("payment returned")))
        .to.emit(gatewaySettlement, "TradeFailed")
        .withArgs(id, gateway.address, ethers.id("payment returned"), 500n, 0n);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(0n);
      expect(await world.receipt.balanceOf(alice.address, world.aliceLot)).to.equal(ALICE_LOT);
    });

    it("refuses a lot amount for an asset that is not a receipt market, and a lot amount without quantity", async function () {
      const { alice } = world.accounts;
      const { gatewaySettlement, equity } = world.contracts;
      const onEquity = await lotTerms(lotAmount(1n, 10n), 3n, await equity.getAddress());
      await expect(gatewaySettlement.connect(alice).openTrade(onEquity, "0x", "0x"))
        .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementInvalidQuantity")
        .withArgs(onEquity.quantity);
      const empty = await lotTerms(world.aliceLot << 128n, 4n);
      await expect(gatewaySettlement.connect(alice).openTrade(empty, "0x", "0x"))
        .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementInvalidQuantity")
        .withArgs(empty.quantity);
      const hugeLot = await lotTerms((1n << 192n) | 10n, 5n);
      await expect(gatewaySettlement.connect(alice).openTrade(hugeLot, "0x", "0x"))
        .to.be.revertedWithCustomError(gatewaySettlement, "GatewaySettlementInvalidQuantity")
        .withArgs(hugeLot.quantity);
      expect(await world.receipt.heldOf(alice.address, world.aliceLot)).to.equal(0n);
      expect(await equity.heldBalanceOf(alice.address)).to.equal(0n);
    });

    it("a receipt market is not a net-settlement instrument (its lots are not netted)", async function () {
      const { engine, usd } = world.contracts;
      const net = await ethers.getContractAt("INetSettlement", await engine.getAddress());
      await expect(net.connect(world.accounts.exchange).addInstrument(world.asset, await usd.getAddress(), 1, 1))
        .to.be.revertedWithCustomError(net, "NetNotAnAsset")
        .withArgs(world.asset);
    });

    it("a lot the seller does not hold is refused by the receipt at opening", async function () {
      const { alice } = world.accounts;
      const { gatewaySettlement } = world.contracts;
      const terms = await lotTerms(lotAmount(world.bobLot, 10n), 6n);
      await expect(gatewaySettlement.connect(alice).openTrade(terms, "0x", "0x")).to.be.revertedWithCustomError(
        world.receipt,
        "ERC1155InsufficientBalance",
      );
      expect(splitLotAmount(terms.quantity)).to.deep.equal({ lotId: world.bobLot, quantity: 10n });
    });
  });
});
