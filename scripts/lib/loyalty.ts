/**
 * Loyalty programs on the deployed core, shared by the bench (scripts/lib/loyaltyBench.ts), the demo
 * (scripts/lib/loyaltyDemo.ts) and the test fixture (test/fixtures/loyalty.ts).
 */
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import type { AssetFactory, ILoyaltyCredit, LoyaltyCredit, MemberRegistry } from "../../typechain-types";

/** The deployed factory and member registry. */
export async function loyaltyCore(): Promise<{ factory: AssetFactory; members: MemberRegistry }> {
  const at = async <T>(name: string) =>
    (await ethers.getContractAt(name, (await deployments.get(name)).address)) as unknown as T;
  return { factory: await at<AssetFactory>("AssetFactory"), members: await at<MemberRegistry>("MemberRegistry") };
}

/** A wallet of key `keccak256(tag)`, given `ether` by `funder` for its gas. */
export async function fundedWallet(funder: Signer, tag: string, ether = "1") {
  const wallet = new ethers.Wallet(ethers.id(tag), ethers.provider);
  await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther(ether) })).wait();
  return wallet;
}

/** Launches a loyalty program as `merchant` (a Merchant member) through the factory. */
export async function launchProgram(
  factory: AssetFactory,
  merchant: Signer,
  terms: ILoyaltyCredit.ProgramTermsStruct,
): Promise<LoyaltyCredit> {
  const address = await factory.connect(merchant).issueLoyaltyProgram.staticCall(terms);
  await (await factory.connect(merchant).issueLoyaltyProgram(terms)).wait();
  return (await ethers.getContractAt("LoyaltyCredit", address)) as unknown as LoyaltyCredit;
}
