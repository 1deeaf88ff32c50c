import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AccessManager, DistributionsMock, SettlementCoin } from "../../../typechain-types";
import { Role } from "../../../config/roles";
import { issuingCoinsFixture, mintTo, type CoinWorld } from "../coin/funding";

export const DAY = 86_400n;
/** The snapshot the fixture's register is set at. */
export const SNAP = 1n;
/** What the issuer holds in the coin (6 decimals) to fund distributions with. */
export const ISSUER_FUNDS = 10n ** 15n;
/** The coin's holder policy `Open` (anyone not frozen): the mock token is no registered asset. */
export const OPEN_POLICY = 0n;

export interface DistributionsWorld extends CoinWorld {
  /** A fresh AccessManager (the deployer is its admin) guarding the mock: pushPayments → agent, reclaim → issuer. */
  manager: AccessManager;
  token: DistributionsMock;
  coin: SettlementCoin;
  agent: HardhatEthersSigner;
}

/**
 * The `Distributions` extension on a mock token whose snapshot register is set by hand, paying in the alliance's
 * USD settlement coin. The coin is switched to its `Open` holder policy so the mock (not a registered asset) may
 * hold it; with the lead's change to SettlementCoin (registered assets are eligible) the Equity tests use the
 * `Eligible` policy. The issuer holds ISSUER_FUNDS and has approved the mock for all of it; the exchange plays
 * the asset's agent. The register at SNAP is set by each test.
 */
export async function distributionsFixture(): Promise<DistributionsWorld> {
  const world = await issuingCoinsFixture();
  const { accounts, contracts } = world;
  const { deployer, governor, issuer, exchange: agent } = accounts;
  const coin = contracts.coin;
  await coin.connect(governor).setHolderPolicy(OPEN_POLICY);
  const manager = (await ethers.deployContract("AccessManager", [deployer.address])) as unknown as AccessManager;
  const token = (await ethers.deployContract("DistributionsMock", [
    await manager.getAddress(),
    await coin.getAddress(),
    issuer.address,
  ])) as unknown as DistributionsMock;
  const target = await token.getAddress();
  await manager.setTargetFunctionRole(
    target,
    [token.interface.getFunction("pushPayments")!.selector],
    Role.ASSET_AGENT,
  );
  await manager.setTargetFunctionRole(
    target,
    [token.interface.getFunction("reclaimUnclaimed")!.selector],
    Role.ASSET_ISSUER,
  );
  await manager.grantRole(Role.ASSET_AGENT, agent.address, 0);
  await manager.grantRole(Role.ASSET_ISSUER, issuer.address, 0);
  await mintTo(world, coin, issuer.address, ISSUER_FUNDS);
  await coin.connect(issuer).approve(target, ethers.MaxUint256);
  return { ...world, manager, token, coin, agent };
}

/** Sets the register at `snapshotId`: each [holder, balance]. */
export async function setRegister(
  token: DistributionsMock,
  snapshotId: bigint,
  entries: [string, bigint][],
): Promise<void> {
  for (const [holder, balance] of entries) await token.setBalanceAt(holder, snapshotId, balance);
}

/** A deadline `days` days from the latest block. */
export async function deadlineIn(days: bigint): Promise<bigint> {
  return BigInt(await time.latest()) + days * DAY;
}

/** floor(balance × funded / eligible): the entitlement the spec defines. */
export function entitlement(balance: bigint, funded: bigint, eligible: bigint): bigint {
  return (balance * funded) / eligible;
}
