/**
 * Commodity-receipt bench rows (issue 20), for scripts/bench.ts: `erc1155.transfer` (OpenZeppelin's ERC-1155
 * `safeTransferFrom` between two holders of an id, contracts/mocks/PlainERC1155.sol) beside `receipt.transfer` (the
 * same between two holders of a lot of a receipt market issued through the factory, its rules eligibility, the
 * country allow-list and an investor cap, memos stored; the note adds the same in a market tracking quantities per
 * wallet), then `receipt.pledge` (an owner's first pledge on a lot)
 * and `receipt.split` (one new lot split off). Runs on the deployed core (deploy tag `core`) with the custodian and
 * issuer members seated and `kyc` a KYC provider.
 */
import { deployments, ethers } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { AssetFactory, IdentityRegistry } from "../../typechain-types";
import { lotSpecTuple } from "../../sdk/products/commodity";
import { issueReceiptMarket } from "./receipts";

/** A bench row, as scripts/bench.ts writes them. */
export interface ReceiptBenchRow {
  id: string;
  kind: "gas" | "throughput";
  value: number;
  unit: string;
  note: string;
}

export interface ReceiptBenchParties {
  deployer: Signer;
  /** A KYC-provider member. */
  kyc: Signer;
  /** An issuer member (ISSUER): issues the receipt market through the factory. */
  issuer: Signer;
  /** A custodian member (CUSTODIAN): the warehouse. */
  custodian: Signer;
  /** The claims every registered bench investor gets. */
  kycClaims: bigint;
}

const CHINA = 156;
const YEAR = 365 * 86_400;
/** The receipt market's investor cap (on, far from reached). */
const RECEIPT_CAP = 10_000;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

async function at<T>(name: string): Promise<T> {
  return (await ethers.getContractAt(name, (await deployments.get(name)).address)) as T;
}

/** Measures the rows; the receipt transfer's ratio to the plain ERC-1155 transfer is in its note. */
export async function benchReceipt(parties: ReceiptBenchParties): Promise<ReceiptBenchRow[]> {
  const { deployer, kyc, issuer, custodian } = parties;
  const factory = await at<AssetFactory>("AssetFactory");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
  const wallet = (label: string) => new ethers.Wallet(ethers.id(`bench:receipt:${label}`), ethers.provider);
  const [seller, buyer, lender] = ["seller", "buyer", "lender"].map(wallet);
  for (const w of [seller, buyer, lender]) {
    await (await deployer.sendTransaction({ to: w.address, value: ethers.parseEther("10") })).wait();
  }
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  for (const w of [seller, buyer, lender]) {
    await (
      await identity
        .connect(kyc)
        .registerInvestor(ethers.id(`bench:receipt:${w.address}`), CHINA, parties.kycClaims, now + YEAR, [w.address])
    ).wait();
  }

  // The baseline: OpenZeppelin's ERC-1155, both parties holding the id.
  const plain = await ethers.deployContract("PlainERC1155", [], deployer);
  await (await plain.mint(seller.address, 1n, 1_000n)).wait();
  await (await plain.mint(buyer.address, 1n, 1n)).wait();
  const plainTransfer = await gasOf(
    plain.connect(seller).getFunction("safeTransferFrom")(seller.address, buyer.address, 1n, 1n, "0x"),
  );

  // Receipt markets through the factory, with three built-in rules on: one not tracking quantities per wallet (the
  // default), one tracking them (as a per-investor balance cap needs).
  let serial = 0;
  const issueMarket = async (trackQuantities: boolean) => {
    serial++;
    const { receipt, lots } = await issueReceiptMarket(factory, issuer, {
      name: `Bench copper cathode ${serial}`,
      symbol: `BCU${serial}`,
      code: `CU-BENCH-${serial}`,
      commodityCode: "CU-CATH-A",
      jurisdiction: CHINA,
      trackQuantities,
      rules: { maxInvestors: RECEIPT_CAP, countryAllowList: true },
      allowedCountries: [CHINA],
    });
    const spec = lotSpecTuple({
      commodityCode: "CU-CATH-A",
      gradeHash: ethers.id("LME grade A"),
      unit: "kg",
      warehouse: await custodian.getAddress(),
      locationCode: "CNSHA-B12",
      certificateHash: ethers.id("bench inspection"),
      storageExpiry: BigInt(now + YEAR),
    });
    await (await lots.connect(custodian).issueLot(spec, 10_000n, seller.address)).wait();
    // The buyer's first units (a new holder, memos stored for both), then the measured transfer between holders.
    await (await receipt.connect(seller).safeTransferFrom(seller.address, buyer.address, 1n, 1n, "0x")).wait();
    const transfer = await gasOf(receipt.connect(seller).safeTransferFrom(seller.address, buyer.address, 1n, 1n, "0x"));
    return { receipt, lots, transfer };
  };
  const { receipt, lots, transfer: receiptTransfer } = await issueMarket(false);
  const { transfer: trackedTransfer } = await issueMarket(true);
  const id = 1n;
  const pledge = await gasOf(receipt.connect(seller).pledge(id, lender.address, 1_000n));
  const split = await gasOf(lots.connect(seller).split(id, [500n]));

  const ratio = receiptTransfer / plainTransfer;
  return [
    {
      id: "erc1155.transfer",
      kind: "gas",
      value: plainTransfer,
      unit: "gas",
      note: "OpenZeppelin ERC-1155 safeTransferFrom, both parties holding the id (contracts/mocks/PlainERC1155.sol)",
    },
    {
      id: "receipt.transfer",
      kind: "gas",
      value: receiptTransfer,
      unit: "gas",
      note:
        `compliant receipt safeTransferFrom between two holders of a lot (eligibility, allow-list, investor cap; ` +
        `memos stored; ERC-1967 proxy): ${ratio.toFixed(3)} × erc1155.transfer (target ≤ 1.6 ×); in a market ` +
        `tracking quantities per wallet (for a balance cap) ${trackedTransfer} gas, ` +
        `${(trackedTransfer / plainTransfer).toFixed(3)} ×`,
    },
    {
      id: "receipt.pledge",
      kind: "gas",
      value: pledge,
      unit: "gas",
      note: "an owner's first pledge on a lot to a verified lender (record, lot list, exclusivity counters)",
    },
    {
      id: "receipt.split",
      kind: "gas",
      value: split,
      unit: "gas",
      note: "split one new lot of the same spec off a lot (lifecycle module, by delegatecall)",
    },
  ];
}
