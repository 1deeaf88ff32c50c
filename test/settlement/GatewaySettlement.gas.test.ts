import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  gatewayFixture,
  openAsSeller,
  ref,
  signReceipt,
  signTrade,
  tradeTerms,
  withFee,
  type GatewayFixture,
} from "../fixtures/gateway";

/** Gas of a transaction, intrinsic cost included. */
async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return (await (await tx).wait())!.gasUsed;
}

/**
 * Gas of the payment-gateway settlement's operations, over the mock hold desk and mock holdable tokens (the real
 * engine and tokens add their own costs: a proxy hop and the compliance check of each delivery). Each bound is the
 * measured figure plus ≈ 3 %, so a change that makes an operation dearer shows here.
 */
describe("GatewaySettlement gas", function () {
  const rows: [string, bigint][] = [];
  let f: GatewayFixture;

  beforeEach(async function () {
    f = await loadFixture(gatewayFixture);
    // A first trade of alice's, so later openings find her nonce word and the holders' slots warm on chain.
    const first = await openAsSeller(f, await withFee(f, await tradeTerms(f, { nonce: 1_000n }), 1n));
    await f.settlement.connect(f.accounts.gateway).confirmPayment(first, 100n, ref("warm-up"));
  });

  after(function () {
    console.log("\n    gateway settlement gas (mock desk and tokens):");
    for (const [name, gas] of rows) console.log(`      ${name.padEnd(44)} ${gas.toLocaleString("en-US")}`);
  });

  async function measure(name: string, bound: bigint, tx: Promise<ContractTransactionResponse>) {
    const gas = await gasOf(tx);
    rows.push([name, gas]);
    expect(gas, name).to.be.lessThanOrEqual(bound);
  }

  it("opens a trade (gateway.hold)", async function () {
    const terms = await tradeTerms(f);
    await measure(
      "openTrade, by the seller",
      320_000n,
      f.settlement.connect(f.accounts.alice).openTrade(terms, "0x", "0x"),
    );
  });

  it("opens a trade with a fee leg", async function () {
    const terms = await withFee(f, await tradeTerms(f), 10n);
    await measure(
      "openTrade, fee leg, by the seller",
      507_000n,
      f.settlement.connect(f.accounts.alice).openTrade(terms, "0x", "0x"),
    );
  });

  it("opens a trade on the seller's signature", async function () {
    const terms = await tradeTerms(f);
    const signature = await signTrade(f.accounts.alice, f.settlement, terms);
    await measure(
      "openTrade, seller's signature, third party",
      328_000n,
      f.settlement.connect(f.accounts.stranger).openTrade(terms, signature, "0x"),
    );
  });

  it("confirms a whole trade by transaction (gateway.confirm)", async function () {
    const id = await openAsSeller(f, await tradeTerms(f));
    await measure(
      "confirmPayment, whole",
      147_000n,
      f.settlement.connect(f.accounts.gateway).confirmPayment(id, 100n, ref("T-1")),
    );
  });

  it("confirms a first tranche by transaction", async function () {
    const id = await openAsSeller(f, await tradeTerms(f));
    await measure(
      "confirmPayment, first of two tranches",
      145_000n,
      f.settlement.connect(f.accounts.gateway).confirmPayment(id, 40n, ref("T-1")),
    );
  });

  it("confirms a whole trade with a fee leg", async function () {
    const id = await openAsSeller(f, await withFee(f, await tradeTerms(f), 10n));
    await measure(
      "confirmPayment, whole, fee leg",
      202_000n,
      f.settlement.connect(f.accounts.gateway).confirmPayment(id, 100n, ref("T-1")),
    );
  });

  it("confirms a whole trade by a receipt", async function () {
    const id = await openAsSeller(f, await tradeTerms(f));
    const receipt = await signReceipt(f.accounts.gateway, f.settlement, id, 100n, ref("T-1"));
    await measure(
      "confirmPaymentWithReceipt, whole",
      156_000n,
      f.settlement.connect(f.accounts.stranger).confirmPaymentWithReceipt(id, 100n, ref("T-1"), receipt),
    );
  });

  it("fails a trade", async function () {
    const failed = await openAsSeller(f, await tradeTerms(f));
    await measure(
      "reportFailure",
      90_000n,
      f.settlement.connect(f.accounts.gateway).reportFailure(failed, ethers.id("x")),
    );
  });

  it("expires a trade", async function () {
    const terms = await tradeTerms(f);
    const expired = await openAsSeller(f, terms);
    await time.increaseTo(terms.deadline);
    await measure("expireTrade", 90_000n, f.settlement.connect(f.accounts.stranger).expireTrade(expired));
  });
});
