import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { SettlementCoin } from "../../../typechain-types";
import { Claim, claimsOf } from "../../../sdk/claims";
import { coreFixture, type Accounts, type CoreContracts } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";
import { investorId } from "../../identity/helpers";

const YEAR = 365n * 24n * 3600n;
const FRANCE = 250;
const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);

/** The issuer's minter allowance on each coin: more than any test mints. */
export const ISSUER_ALLOWANCE = 10n ** 36n;
/** The reserves the custodian attests before each mint: more than any test's supply. */
export const RESERVES = 10n ** 36n;

export interface CoinWorld {
  accounts: Accounts;
  contracts: CoreContracts;
}

/**
 * The core with both coins ready to mint: the issuer (MASTER_MINTER, with its one-day execution delay) has given
 * itself a minter allowance of `ISSUER_ALLOWANCE` on each, through the authority.
 */
export async function issuingCoinsFixture(): Promise<CoinWorld> {
  const { accounts, contracts } = await coreFixture();
  for (const coin of [contracts.coin, contracts.coinCNY]) {
    const data = coin.interface.encodeFunctionData("configureMinter", [accounts.issuer.address, ISSUER_ALLOWANCE]);
    await callThroughAuthority(contracts.authority, accounts.issuer, await coin.getAddress(), data);
  }
  return { accounts, contracts };
}

/**
 * Registers `label` as a verified investor (France, KYC + AML, valid a year) holding `wallets`, and syncs the
 * wallets into both coins so they may hold and receive them.
 */
export async function registerHolder(world: CoinWorld, label: string, wallets: string[]): Promise<string> {
  const { accounts, contracts } = world;
  const investor = investorId(label);
  const expiry = BigInt(await time.latest()) + YEAR;
  await contracts.identity.connect(accounts.kycProvider).registerInvestor(investor, FRANCE, KYC_AML, expiry, wallets);
  await syncEverywhere(world, wallets);
  return investor;
}

/** Syncs `wallets`' eligibility into both coins. */
export async function syncEverywhere(world: CoinWorld, wallets: string[]): Promise<void> {
  for (const coin of [world.contracts.coin, world.contracts.coinCNY]) await coin.syncHolders(wallets);
}

/** Mints `amount` of `coin` to `to` as the issuer, after the custodian attests fresh reserves. */
export async function mintTo(world: CoinWorld, coin: SettlementCoin, to: string, amount: bigint): Promise<void> {
  const { custodian, issuer } = world.accounts;
  await coin.connect(custodian).attestReserves(RESERVES, await time.latest(), ethers.id("reserve report"));
  await coin.connect(issuer).mint(to, amount);
}
