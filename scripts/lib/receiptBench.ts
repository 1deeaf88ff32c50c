/**
 * Commodity-receipt bench rows (issue 20), for scripts/bench.ts: `erc1155.transfer` (OpenZeppelin's ERC-1155
 * `safeTransferFrom` between two holders of an id, contracts/mocks/PlainERC1155.sol) beside `receipt.transfer` (the
 * same between two holders of a lot of a receipt market issued through the factory, its rules eligibility, the
 * country allow-list and an investor cap, memos stored; the note adds the same in a market tracking quantities per
 * wallet), then `receipt.pledge` (an owner's first pledge on a lot), `receipt.split` (one new lot split off) and
 * `receipt.dvp` (a lot's units against aUSD in one two-leg instruction through the settlement engine, both parties
 * signing, a third party submitting; its overhead over the two transfers alone in the note). Runs on the deployed
 * core (deploy tag `core`) with the custodian and issuer members seated, `kyc` a KYC provider and `issuer` a minter
 * of the coin under attested reserves.
 */
import { deployments, ethers } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { AssetFactory, IdentityRegistry, Settlement, SettlementCoin } from "../../typechain-types";
import { lotAmount, lotSpecTuple } from "../../sdk/products/commodity";
import { consentsOf, type Instruction, settlementDomainOf, signInstruction } from "../../sdk/settlement";
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
  /** An issuer member (ISSUER): issues the receipt market through the factory, and mints the coin (a minter). */
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

async function at<T>(name: string, deployment = name): Promise<T> {
  return (await ethers.getContractAt(name, (await deployments.get(deployment)).address)) as T;
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
  const dvp = await benchReceiptDvp(parties, await receipt.getAddress(), seller, buyer, id, receiptTransfer);

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
    dvp,
  ];
}

/**
 * `receipt.dvp`: the seller delivers units of lot `id` against the buyer's aUSD in one instruction (a lot amount leg
 * and a coin leg), both signing, the deployer submitting; both already hold both tokens and the market is cached by
 * the engine (one warm-up settlement). The note sets it against the two transfers alone.
 */
async function benchReceiptDvp(
  parties: ReceiptBenchParties,
  market: string,
  seller: Signer,
  buyer: Signer,
  id: bigint,
  receiptTransfer: number,
): Promise<ReceiptBenchRow> {
  const { deployer, issuer } = parties;
  const engine = await at<Settlement>("Settlement");
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD");
  const [sellerAddress, buyerAddress] = await Promise.all([seller.getAddress(), buyer.getAddress()]);
  await (await coin.syncHolders([sellerAddress, buyerAddress])).wait();
  // A fresh attestation of at least the latest reserves (minting needs a recent one), then the buyer's cash.
  const count = await coin.attestationCount();
  const attested = count === 0n ? 0n : (await coin.attestationAt(count - 1n)).reserves;
  const supply = (await coin.totalSupply()) + 1_000_000n;
  const reserves = attested > supply ? attested : supply;
  const asOf = (await ethers.provider.getBlock("latest"))!.timestamp;
  await (
    await coin.connect(parties.custodian).attestReserves(reserves, asOf, ethers.id("bench:receipt:reserves"))
  ).wait();
  await (await coin.connect(issuer).mint(buyerAddress, 1_000_000n)).wait();
  await (await coin.connect(buyer).transfer(sellerAddress, 1n)).wait();
  const coinTransfer = await gasOf(coin.connect(buyer).transfer(sellerAddress, 1n));
  const domain = await settlementDomainOf(engine);
  let nonce = 0n;
  const settle = async () => {
    const instruction: Instruction = {
      tradeRef: ethers.id(`bench:receipt:dvp:${++nonce}`),
      deadline: BigInt((await ethers.provider.getBlock("latest"))!.timestamp + 3_600),
      nonce,
      legs: [
        { token: market, from: sellerAddress, to: buyerAddress, amount: lotAmount(id, 1n) },
        { token: await coin.getAddress(), from: buyerAddress, to: sellerAddress, amount: 12n },
      ],
    };
    const consents = consentsOf(instruction, {
      [sellerAddress]: await signInstruction(seller, domain, instruction),
      [buyerAddress]: await signInstruction(buyer, domain, instruction),
    });
    return gasOf(engine.connect(deployer).settle(instruction, consents, 0n));
  };
  await settle();
  const value = await settle();
  const overhead = value - (receiptTransfer + coinTransfer - 21_000);
  return {
    id: "receipt.dvp",
    kind: "gas",
    value,
    unit: "gas",
    note:
      `a lot's units against aUSD in one signed two-leg instruction submitted by a third party (lot amount ` +
      `id << 128 | quantity): the engine adds ${overhead} over receipt.transfer + an aUSD transfer between the ` +
      `same holders (${coinTransfer}) − 21,000; cf. dvp.overhead for an equity leg`,
  };
}
