/**
 * The demo's commodity chapter (issue 20): a warehouse receipt from deposit to delivery — a custodian issues a lot
 * of copper cathode to a trading house, which pledges most of it to its bank; the pledged quantity cannot move and
 * the bank proves nobody else holds a pledge on it; the bank releases it when the loan is repaid; the trading house
 * sells part of the lot to a buyer by delivery versus payment: one instruction, a receipt leg naming the lot
 * (`lotAmount`) against the buyer's aUSD, explained by the engine, signed by both (EIP-712) and settled atomically;
 * the buyer asks for delivery and the warehouse confirms the goods left, burning the units. Quantity is conserved
 * at every step. Expects the core deployed and `issuer` (ISSUER, the aUSD issuing bank), `custodian` (CUSTODIAN,
 * the aUSD reserve attestor) and `kyc` (KYC_PROVIDER) seated.
 */
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import type { AssetFactory, IdentityRegistry, Settlement, SettlementCoin } from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import { lotAmount, lotSpecTuple } from "../../sdk/products/commodity";
import {
  consentsOf,
  formatAmount,
  decodeRevert,
  explainSettlement,
  type Instruction,
  revertDataOf,
  settlementDomainOf,
  signInstruction,
} from "../../sdk/settlement";
import { issueReceiptMarket } from "./receipts";

const CHINA = 156;
const YEAR = 365 * 86_400;

export interface ReceiptDemoParties {
  deployer: Signer;
  kyc: Signer;
  issuer: Signer;
  custodian: Signer;
}

export async function demoReceipts(parties: ReceiptDemoParties, log: (line: string) => void = console.log) {
  const { deployer, kyc, issuer, custodian } = parties;
  const at = async <T>(name: string, deployment = name) =>
    (await ethers.getContractAt(name, (await deployments.get(deployment)).address)) as unknown as T;
  const factory = await at<AssetFactory>("AssetFactory");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
  const engine = await at<Settlement>("Settlement");
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD");
  const wallet = async (label: string) => {
    const w = new ethers.Wallet(ethers.id(`demo:receipts:${label}`), ethers.provider);
    await (await deployer.sendTransaction({ to: w.address, value: ethers.parseEther("1") })).wait();
    return w;
  };
  const [trader, bank, buyer] = await Promise.all(["trader", "bank", "buyer"].map(wallet));
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  for (const [w, name] of [
    [trader, "Eastern Metals Trading"],
    [bank, "Harbour Commercial Bank"],
    [buyer, "Delta Cable Works"],
  ] as const) {
    await (
      await identity
        .connect(kyc)
        .registerInvestor(ethers.id(`demo:receipts:${name}`), CHINA, claimsOf([Claim.KYC, Claim.AML]), now + YEAR, [
          w.address,
        ])
    ).wait();
  }
  log("  the KYC provider registers a trading house, its bank and a cable maker (CN, KYC + AML)");

  const { asset, receipt, lots } = await issueReceiptMarket(factory, issuer, {
    name: "Copper cathode LME grade A receipts",
    symbol: "CU-A",
    code: "CU-CATH-A",
    commodityCode: "CU-CATH-A",
    jurisdiction: CHINA,
    rules: { countryAllowList: true },
    allowedCountries: [CHINA],
  });
  log(`  the exchange's copper receipt market is issued through the AssetFactory at ${asset} (one ERC-1155, CN only)`);

  const spec = lotSpecTuple({
    commodityCode: "CU-CATH-A",
    gradeHash: ethers.id("LME grade A, 99.99 % Cu"),
    unit: "kg",
    warehouse: await custodian.getAddress(),
    locationCode: "CNSHA-B12",
    certificateHash: ethers.id("inspection certificate SGS-2026-4471"),
    storageExpiry: BigInt(now + YEAR),
  });
  const id = await lots.connect(custodian).issueLot.staticCall(spec, 25_000n, trader.address);
  await (await lots.connect(custodian).issueLot(spec, 25_000n, trader.address)).wait();
  log(
    `  the warehouse takes 25,000 kg on deposit and issues lot #${id} to the trading house (spec and certificate hashed)`,
  );

  const pledgeId = await receipt.connect(trader).pledge.staticCall(id, bank.address, 20_000n);
  await (await receipt.connect(trader).pledge(id, bank.address, 20_000n)).wait();
  log(`  the trading house pledges 20,000 kg of lot #${id} to its bank (pledge #${pledgeId})`);
  log(
    `  the bank checks on chain that nobody else holds a pledge on its collateral: ` +
      `isSolePledgee = ${await receipt.isSolePledgee(pledgeId)}, pledged ${await receipt.pledgedOf(id, trader.address)} kg`,
  );
  try {
    await receipt.connect(trader).safeTransferFrom(trader.address, buyer.address, id, 10_000n, "0x");
    throw new Error("a transfer of pledged quantity went through");
  } catch (error) {
    const data = revertDataOf(error);
    const decoded = data ? decodeRevert(data, [receipt.interface]) : undefined;
    if (!decoded) throw error;
    log(`  selling 10,000 kg now is refused: ${decoded.name} — ${decoded.sentence}`);
  }
  await (await receipt.connect(bank).releasePledge(pledgeId)).wait();
  log(`  the loan is repaid: the bank releases pledge #${pledgeId}`);

  // The cable maker pays in aUSD: the custodian attests the reserves behind the new cash, the issuing bank mints it.
  const [decimals, symbol] = await Promise.all([coin.decimals(), coin.symbol()]);
  const price = 98_000n * 10n ** decimals;
  const latest = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
  await (await coin.syncHolders([trader.address, buyer.address])).wait();
  const reserves = (await coin.totalSupply()) + price;
  await (
    await coin.connect(custodian).attestReserves(reserves, await latest(), ethers.id("receipt demo reserves"))
  ).wait();
  await (await coin.connect(issuer).mint(buyer.address, price)).wait();
  const sale: Instruction = {
    tradeRef: ethers.id("CU-A trade 2026-12-07 #0007"),
    deadline: BigInt((await latest()) + 86_400),
    nonce: 1n,
    legs: [
      { token: asset, from: trader.address, to: buyer.address, amount: lotAmount(id, 10_000n) },
      { token: await coin.getAddress(), from: buyer.address, to: trader.address, amount: price },
    ],
  };
  const domain = await settlementDomainOf(engine);
  const consents = consentsOf(sale, {
    [trader.address]: await signInstruction(trader, domain, sale),
    [buyer.address]: await signInstruction(buyer, domain, sale),
  });
  const names = { [asset]: "CU-A", [await coin.getAddress()]: symbol };
  const explained = await explainSettlement(engine, sale, consents, 0n, names);
  log(
    `  the trading house sells 10,000 kg of lot #${id} to the cable maker for ${formatAmount(price, decimals)} ` +
      `${symbol} by DvP: one instruction, the receipt leg naming the lot (id << 128 | quantity), both sign it`,
  );
  for (const leg of explained.legs) log(`    ${leg.sentence}`);
  if (!explained.ok) throw new Error(`the receipt DvP would not settle: ${explained.summary}`);
  const settled = await (await engine.connect(buyer).settle(sale, consents, 0n)).wait();
  log(
    `  settled atomically (${settled!.gasUsed} gas): the lot's units and the cash moved in one transaction, the ` +
      `receipt leg checked by the market's compliance pipeline like a security; the trading house now holds ` +
      `${formatAmount(await coin.balanceOf(trader.address), decimals)} ${symbol}`,
  );

  const requestId = await lots.connect(buyer).requestDelivery.staticCall(id, 10_000n);
  await (await lots.connect(buyer).requestDelivery(id, 10_000n)).wait();
  await (await lots.connect(custodian).confirmDelivery(requestId)).wait();
  const left = await receipt.totalSupply(id);
  log(
    `  the cable maker asks for delivery (request #${requestId}); the warehouse confirms the goods left and the ` +
      `10,000 kg are burned: lot #${id} now ${left} kg, all the trading house's`,
  );
  const holds = (await receipt.balanceOf(trader.address, id)) + (await receipt.balanceOf(buyer.address, id));
  if (left !== 15_000n || holds !== left) throw new Error("receipt quantities do not add up");
  log("  25,000 deposited = 10,000 delivered + 15,000 in the warehouse: quantity conserved");
  return { asset, id, left };
}
