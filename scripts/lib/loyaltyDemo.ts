/**
 * The loyalty chapter of the demo (issue 20): a coffee merchant joins and launches a program through the factory,
 * a bakery joins and accepts its credits, a customer with no identity earns credits on two days, spends at the
 * bakery (the oldest credits first), and part of the first day's credits expire; the breakage report adds up.
 * Expects the core deployed (deploy tag `core`, roles applied). scripts/demo.ts calls it with its logger.
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { seatMember } from "./members";
import { fundedWallet, launchProgram, loyaltyCore } from "./loyalty";
import { reconcileBreakage } from "../../sdk/products/loyalty";

const DAY = 86_400;

/** What the chapter ends with, for a caller to check. */
export interface LoyaltyDemoResult {
  /** Whether the program's events reconcile with its breakage figures (sdk/products/loyalty.ts). */
  reconciled: boolean;
  program: string;
  customer: string;
  balance: bigint;
  breakage: { issued: bigint; redeemed: bigint; expired: bigint; outstanding: bigint };
}

async function advanceDays(days: number): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [days * DAY]);
  await ethers.provider.send("evm_mine", []);
}

export async function demoLoyalty(
  parties: { deployer: Signer; governor: Signer },
  log: (line: string) => void = console.log,
): Promise<LoyaltyDemoResult> {
  const { deployer, governor } = parties;
  const { factory, members } = await loyaltyCore();
  const wallet = (label: string) => fundedWallet(deployer, `demo:loyalty:${label}`);
  const [coffee, bakery, customer] = await Promise.all(["coffee", "bakery", "customer"].map(wallet));
  await seatMember(members.connect(governor), coffee.address, "Merchant", "Harbour Coffee");
  await seatMember(members.connect(governor), bakery.address, "Merchant", "Pier Bakery");
  log(`  Harbour Coffee and Pier Bakery join as Merchant members (MERCHANT)`);

  const terms = {
    name: "Harbour Coffee Beans",
    symbol: "BEAN",
    decimals: 0,
    merchant: ethers.ZeroAddress,
    periodLength: DAY,
    validity: 30 * DAY,
    transferable: false,
  };
  const program = await launchProgram(factory, coffee, terms);
  const address = await program.getAddress();
  log(`  Harbour Coffee launches BEAN at ${address}: daily buckets, 30-day validity, no transfers`);
  await (await program.connect(coffee).setParticipant(coffee.address, true)).wait();
  await (await program.connect(coffee).setParticipant(bakery.address, true)).wait();
  log(`  Harbour Coffee and Pier Bakery accept BEAN`);

  log(`  the customer ${customer.address} holds no identity: none is needed to earn or spend`);
  await (await program.connect(coffee).issue(customer.address, 120n)).wait();
  await advanceDays(10);
  await (await program.connect(coffee).issue(customer.address, 80n)).wait();
  const show = async (when: string) => {
    const buckets = await program.bucketsOf(customer.address);
    const list = buckets.map(
      (b) => `${b.amount} until ${new Date(Number(b.period) * DAY * 1000).toISOString().slice(0, 10)}`,
    );
    log(`  ${when}: balance ${await program.balanceOf(customer.address)} BEAN (${list.join(", ") || "no buckets"})`);
  };
  await show("earned 120 on day 1 and 80 on day 11");
  await advanceDays(10);
  await (await program.connect(customer).redeem(bakery.address, 100n)).wait();
  await show("spent 100 at Pier Bakery on day 21, oldest first");
  await advanceDays(10);
  await show("day 31, the first day's credits have expired");
  const b = await program.breakage();
  log(
    `  breakage: issued ${b.issued}, redeemed ${b.redeemed}, expired ${b.expired}, outstanding ${b.outstanding} ` +
      `(issued = redeemed + expired + outstanding: ${b.issued === b.redeemed + b.expired + b.outstanding})`,
  );
  // The accountant's reconciliation: the program's events summed against its figures.
  const sum = async (filter: Parameters<typeof program.queryFilter>[0]) =>
    (await program.queryFilter(filter)).reduce(
      (total, event) => total + BigInt((event as { args: { amount: bigint } }).args.amount),
      0n,
    );
  const problems = reconcileBreakage(
    {
      issued: await sum(program.filters.CreditsIssued()),
      convertedIn: await sum(program.filters.CreditsConvertedIn()),
      redeemed: await sum(program.filters.CreditsRedeemed()),
      convertedOut: await sum(program.filters.CreditsConvertedOut()),
      convertedToCoin: await sum(program.filters.CreditsConvertedToCoin()),
    },
    b,
  );
  log(
    `  the accountant reconciles the events with the figures: ${problems.length ? problems.join("; ") : "they agree"}`,
  );
  return {
    reconciled: problems.length === 0,
    program: address,
    customer: customer.address,
    balance: await program.balanceOf(customer.address),
    breakage: { issued: b.issued, redeemed: b.redeemed, expired: b.expired, outstanding: b.outstanding },
  };
}
