/**
 * The demo's commodity chapter (issue 20): a warehouse receipt from deposit to delivery — a custodian issues a lot
 * of copper cathode to a trading house, which pledges most of it to its bank; the pledged quantity cannot move and
 * the bank proves nobody else holds a pledge on it; the bank releases it when the loan is repaid; the trading house
 * sells part of the lot to a buyer (an ERC-1155 transfer through the compliance pipeline, the cash paid off chain:
 * the settlement engine does not take receipt legs yet); the buyer asks for delivery and the warehouse confirms the
 * goods left, burning the units. Quantity is conserved at every step. Expects the core deployed and `issuer`
 * (ISSUER), `custodian` (CUSTODIAN) and `kyc` (KYC_PROVIDER) seated.
 */
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import type { AssetFactory, IdentityRegistry } from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import { lotSpecTuple } from "../../sdk/products/commodity";
import { decodeRevert, revertDataOf } from "../../sdk/settlement";
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
  const at = async <T>(name: string) =>
    (await ethers.getContractAt(name, (await deployments.get(name)).address)) as unknown as T;
  const factory = await at<AssetFactory>("AssetFactory");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
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

  await (await receipt.connect(trader).safeTransferFrom(trader.address, buyer.address, id, 10_000n, "0x")).wait();
  log(
    `  the trading house sells 10,000 kg to the cable maker, checked by the compliance pipeline like a security ` +
      `(cash paid off chain: the settlement engine's receipt legs are the next step)`,
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
