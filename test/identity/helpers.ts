import { ethers } from "hardhat";
import type { IdentityRegistry } from "../../typechain-types";

/** The eligibility word as `EligibilityLib.pack` lays it out (contracts/types/Eligibility.sol). */
export function packEligibility(
  index: bigint,
  country: bigint,
  claims: bigint,
  expiry: bigint,
  walletCount: bigint | number,
): bigint {
  return index | (country << 32n) | (claims << 48n) | (expiry << 112n) | (BigInt(walletCount) << 160n);
}

/** A deterministic address that is not one of the named signers. */
export function walletAddress(n: number): string {
  return ethers.getAddress("0x" + (0xa11ce000 + n).toString(16).padStart(40, "0"));
}

/** An opaque investor id. */
export function investorId(label: string): string {
  return ethers.id(`investor:${label}`);
}

/**
 * Everything the registry exposes about `investors` and `wallets`, plus its counters, as plain values: two
 * snapshots are deep-equal iff nothing observable about them changed.
 */
export async function registryState(identity: IdentityRegistry, investors: string[], wallets: string[]) {
  const lastIndexProbe = 8;
  return {
    investorCount: await identity.investorCount(),
    walletCount: await identity.walletCount(),
    baselineClaims: await identity.baselineClaims(),
    eligibilityEpoch: await identity.eligibilityEpoch(),
    investorAt: await Promise.all(Array.from({ length: lastIndexProbe }, (_, i) => identity.investorAt(i + 1))),
    investors: await Promise.all(
      investors.map(async (investor) => ({
        record: [...(await identity.investorRecord(investor))],
        wallets: [...(await identity.walletsOf(investor))],
      })),
    ),
    wallets: await Promise.all(
      wallets.map(async (wallet) => ({
        word: await identity.eligibilityOf(wallet),
        investor: await identity.investorOf(wallet),
        verified: await identity.isVerified(wallet),
      })),
    ),
  };
}
