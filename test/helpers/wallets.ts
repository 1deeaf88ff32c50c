import { ethers } from "hardhat";
import { setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

/**
 * A fresh account with ether, for tests that need more actors than the twelve named accounts (a second issuer,
 * a stand-in contract caller). Returned as a signer the Hardhat network signs for (impersonated).
 */
export async function fundedWallet(): Promise<HardhatEthersSigner> {
  const address = ethers.Wallet.createRandom().address;
  await setBalance(address, ethers.parseEther("100"));
  await ethers.provider.send("hardhat_impersonateAccount", [address]);
  return ethers.getSigner(address);
}
