import { ethers } from "hardhat";
import type { BaseContract } from "ethers";
import type { SecurityWorld } from "../../fixtures/security";

export const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
export const ADDRESS_MASK = 2n ** 160n - 1n;
/** The largest supply (and so balance) a security token holds: its balance field is 104 bits wide. */
export const MAX_SUPPLY = 2n ** 104n - 1n;

/** The accounts whose state `tokenState` reads: the fixture's holders, the token itself and the zero address. */
export async function watched(world: SecurityWorld<BaseContract>): Promise<string[]> {
  const { alice, aliceSecond, bob, carol, dave, stranger, agent } = world.accounts;
  return [
    alice.address,
    aliceSecond.address,
    bob.address,
    carol.address,
    dave.address,
    stranger.address,
    agent.address,
    await world.contracts.security.getAddress(),
    ethers.ZeroAddress,
  ];
}

/**
 * Everything a security token exposes about `accounts` and itself, as plain values: two states are deep-equal iff
 * nothing observable changed (balances, freezes, supply, register counts, flags, snapshots, documents).
 */
export async function tokenState(world: SecurityWorld<BaseContract>, accounts?: string[]) {
  const token = world.contracts.security;
  const list = accounts ?? (await watched(world));
  const snapshots = Number(await token.currentSnapshotId());
  return {
    totalSupply: await token.totalSupply(),
    holderCount: await token.holderCount(),
    holdingWalletCount: await token.holdingWalletCount(),
    paused: await token.paused(),
    transfersStopped: await token.transfersStopped(),
    currentSnapshotId: BigInt(snapshots),
    supplyAt: await Promise.all(Array.from({ length: snapshots }, (_, i) => token.totalSupplyAt(i + 1))),
    documents: [...(await token.getAllDocuments())],
    accounts: await Promise.all(
      list.map(async (account) => ({
        balance: await token.balanceOf(account),
        frozen: await token.isFrozen(account),
        frozenTokens: await token.getFrozenTokens(account),
        at: await Promise.all(Array.from({ length: snapshots }, (_, i) => token.balanceOfAt(account, i + 1))),
      })),
    ),
  };
}
