/**
 * Loyalty-credit bench rows (`loyalty.issue`, `loyalty.redeem`, `loyalty.transfer`), each beside an OpenZeppelin
 * ERC-20 transfer to an existing holder measured in the same run (`PlainERC20`, the yardstick of
 * `erc20.transfer.existing`). Expects the core deployed (deploy tag `core`, roles applied). scripts/bench.ts adds
 * the rows to its table.
 */
import { ethers } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import { seatMember } from "./members";
import { fundedWallet, launchProgram, loyaltyCore } from "./loyalty";

/** One bench row (the shape of scripts/bench.ts `Row`). */
export interface LoyaltyBenchRow {
  id: string;
  kind: "gas";
  value: number;
  unit: string;
  note: string;
}

/** One physical cost of a redemption that the design cannot avoid (Cancun prices). */
export interface FloorItem {
  what: string;
  gas: number;
}

export interface LoyaltyBenchResult {
  rows: LoyaltyBenchRow[];
  /** `loyalty.redeem`'s floor, item by item (its sum is `redeemFloorGas`). */
  redeemFloor: FloorItem[];
  redeemFloorGas: number;
  /** The OpenZeppelin ERC-20 transfer to an existing holder, measured in this run. */
  erc20Existing: number;
  /** `loyalty.redeem` and `loyalty.transfer` ÷ `erc20Existing` (target ≤ 1.5). */
  ratios: { redeem: number; transfer: number };
}

const DAY = 86_400;

/** Cancun gas prices (EIP-2929, EIP-2200, EIP-2028 and the LOG schedule). */
const COLD_SLOT = 2_100;
const REWRITE = 2_900;
const COLD_ACCOUNT = 2_600;
const log = (topics: number, bytes: number) => 375 + 375 * topics + 8 * bytes;

/**
 * The floor of a redemption whose spent buckets fall in `periodWords` period words (four periods share a word):
 * what the design must pay whatever the code, and nothing a stale cache could save. `calldata` is the transaction's
 * input (4 gas a zero byte, 16 a non-zero one).
 */
export function redeemFloor(calldata: string, periodWords: number): FloorItem[] {
  const bytes = ethers.getBytes(calldata);
  const zeros = bytes.filter((b) => b === 0).length;
  return [
    {
      what: `intrinsic 21,000 + calldata (${bytes.length} bytes, ${zeros} zero)`,
      gas: 21_000 + 4 * zeros + 16 * (bytes.length - zeros),
    },
    { what: "proxy: cold implementation slot + cold implementation account", gas: COLD_SLOT + COLD_ACCOUNT },
    { what: "the merchant's participant flag (cold slot)", gas: COLD_SLOT },
    { what: "the authority's address (AccessManaged's slot, cold)", gas: COLD_SLOT },
    { what: "isMemberSuspended: cold authority account + its flag (cold slot)", gas: COLD_ACCOUNT + COLD_SLOT },
    { what: "config word (period length; redeemed count): cold read + rewrite", gas: COLD_SLOT + REWRITE },
    { what: "the holder's bucket word: cold read + rewrite", gas: COLD_SLOT + REWRITE },
    {
      what: `${periodWords} period word(s) of remaining credits: cold read + rewrite each`,
      gas: periodWords * (COLD_SLOT + REWRITE),
    },
    {
      what: "Transfer(customer, 0, amount) + CreditsRedeemed(customer, merchant, amount): 2 × LOG3 of 32 bytes",
      gas: 2 * log(3, 32),
    },
  ];
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

/** Moves the chain to noon of the next day (a new expiry period of a daily program). */
async function nextDay(): Promise<void> {
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  await ethers.provider.send("evm_setNextBlockTimestamp", [(Math.floor(now / DAY) + 1) * DAY + DAY / 2]);
  await ethers.provider.send("evm_mine", []);
}

/**
 * Seats a Merchant member (the governor admits it), launches a daily program with 30-day validity through the
 * factory, and measures:
 * - `loyalty.issue`: credits to a customer who already holds credits, in a new bucket (a day's purchase);
 * - `loyalty.redeem`: a customer holding four buckets (four days) redeems across all four at the merchant;
 * - `loyalty.transfer`: a customer holding four buckets transfers across all four to a customer who holds one.
 */
export async function benchLoyalty(parties: { deployer: Signer; governor: Signer }): Promise<LoyaltyBenchResult> {
  const { deployer, governor } = parties;
  const { factory, members } = await loyaltyCore();
  const wallet = (label: string) => fundedWallet(deployer, `bench:loyalty:${label}`, "10");
  const [merchant, spender, sender, receiver, regular] = await Promise.all(
    ["merchant", "spender", "sender", "receiver", "regular"].map(wallet),
  );
  await seatMember(members.connect(governor), merchant.address, "Merchant", "Bench Merchant");
  const terms = {
    name: "Bench Points",
    symbol: "BPT",
    decimals: 0,
    merchant: ethers.ZeroAddress,
    periodLength: DAY,
    validity: 30 * DAY,
    transferable: true,
  };
  const program = await launchProgram(factory, merchant, terms);
  await (await program.connect(merchant).setParticipant(merchant.address, true)).wait();

  // Four daily buckets for the spender and the sender; one for the receiver and the regular customer.
  for (let day = 0; day < 4; day++) {
    await nextDay();
    await (await program.connect(merchant).issue(spender.address, 100n)).wait();
    await (await program.connect(merchant).issue(sender.address, 100n)).wait();
    if (day === 0) {
      await (await program.connect(merchant).issue(receiver.address, 100n)).wait();
      await (await program.connect(merchant).issue(regular.address, 100n)).wait();
    }
  }
  await nextDay();
  const issue = await gasOf(program.connect(merchant).issue(regular.address, 100n));
  // The spend crosses all four of the spender's buckets: the period words (four periods each) they fall in.
  const periodWords = new Set((await program.bucketsOf(spender.address)).map((b) => b.period / 4n)).size;
  const redeemTx = await program.connect(spender).redeem(merchant.address, 350n);
  const redeem = await gasOf(Promise.resolve(redeemTx));
  const transfer = await gasOf(program.connect(sender).transfer(receiver.address, 350n));
  if (
    (await program.bucketsOf(spender.address)).length !== 1 ||
    (await program.bucketsOf(sender.address)).length !== 1
  ) {
    throw new Error("loyalty bench: the spend did not cross four buckets");
  }

  const erc20 = await ethers.deployContract("PlainERC20", [10n ** 30n], deployer);
  const holder = ethers.Wallet.createRandom().address;
  await (await erc20.transfer(holder, 1n)).wait();
  const erc20Existing = await gasOf(erc20.transfer(holder, 1n));
  const ratio = (value: number) => value / erc20Existing;
  const floor = redeemFloor(redeemTx.data, periodWords);
  const floorGas = floor.reduce((sum, item) => sum + item.gas, 0);
  const times = (value: number) => `${ratio(value).toFixed(3)}× erc20.transfer.existing (${erc20Existing})`;
  return {
    erc20Existing,
    ratios: { redeem: ratio(redeem), transfer: ratio(transfer) },
    redeemFloor: floor,
    redeemFloorGas: floorGas,
    rows: [
      {
        id: "loyalty.issue",
        kind: "gas",
        value: issue,
        unit: "gas",
        note: `merchant issues credits in a new daily bucket to a customer holding one; ${times(issue)}`,
      },
      {
        id: "loyalty.redeem",
        kind: "gas",
        value: redeem,
        unit: "gas",
        note:
          `customer redeems across 4 buckets at a participating merchant (burned); ${times(redeem)}; ` +
          `${(redeem / floorGas).toFixed(3)}× its floor of ${floorGas} (target ≤ 1.10× the floor; 1.5× ERC-20 is ` +
          `below the floor: ${(floorGas / erc20Existing).toFixed(3)}×) = ` +
          floor.map((item) => `${item.gas} ${item.what}`).join(" + "),
      },
      {
        id: "loyalty.transfer",
        kind: "gas",
        value: transfer,
        unit: "gas",
        note: `across 4 buckets to a customer holding one; ${times(transfer)}; target ≤ 1.5×`,
      },
    ],
  };
}
