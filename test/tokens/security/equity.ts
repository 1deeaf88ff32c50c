import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Equity, IEquity, SettlementCoin } from "../../../typechain-types";
import { equityLifecyclePermissions, securityTokenPermissions } from "../../../config/roles";
import { encodeEquityTerms, type EquityTerms } from "../../../sdk/products/equity";
import { applyPermissions, securityFixture, type SecurityWorld } from "../../fixtures/security";
import { callThroughAuthority } from "../../helpers/authority";
import { mintTo as mintCoin } from "../coin/funding";

export const DAY = 86_400n;
export const MIN_CLAIM_PERIOD = 7n * DAY;
/** The issuer's coin (6 decimals) to fund dividends with. */
export const ISSUER_COINS = 10n ** 15n;

/** What the fixture mints: alice 600 + 150 on her second wallet, bob 300, carol 100 (1,150 shares). */
export const HOLDINGS = { alice: 600n, aliceSecond: 150n, bob: 300n, carol: 100n } as const;
export const SUPPLY = HOLDINGS.alice + HOLDINGS.aliceSecond + HOLDINGS.bob + HOLDINGS.carol;

/** The terms of the fixture's equity, given the coin's address. */
export function equityTerms(settlementCoin: string): EquityTerms {
  return { settlementCoin, shareClass: "ORDINARY", minClaimPeriod: MIN_CLAIM_PERIOD };
}

const equityBaseFixture = securityFixture<Equity>({
  product: "Equity",
  constructorArgs: async () => [await (await ethers.deployContract("EquityLifecycle")).getAddress()],
  terms: async (core) => encodeEquityTerms(equityTerms(await core.coin.getAddress())),
  // The core's part of the Equity table; the lifecycle's part is applied below through `IEquity`, whose ABI has
  // the functions `Equity` reaches through its fallback.
  permissions: securityTokenPermissions,
});

/**
 * The core's security fixture issuing an Equity (its `EquityLifecycle` deployed first, the USD coin as settlement
 * coin, a 7-day minimum claim period, share class "ORDINARY", 0 decimals), with the whole `Equity` table of
 * config/roles.ts (`equityPermissions`) set on the authority. Nobody holds it yet. The compliant-token behaviour
 * spec runs on this.
 */
export async function equitySecurityFixture(): Promise<SecurityWorld<Equity>> {
  const world = await equityBaseFixture();
  const equity = await ethers.getContractAt("IEquity", await world.contracts.token.getAddress());
  await applyPermissions(world.contracts, world.accounts, equity, equityLifecyclePermissions);
  return world;
}

export interface EquityWorld extends SecurityWorld<Equity> {
  /** The equity behind its proxy, through its complete interface (`IEquity`). */
  equity: IEquity;
  /** The same proxy typed as the implementation (its ABI has AccessManaged's and the hooks' errors). */
  token: Equity;
  /** The settlement coin of the terms (the USD coin). */
  coin: SettlementCoin;
  /** The asset's agent (ASSET_AGENT). */
  agent: HardhatEthersSigner;
  /** alice's second wallet (same investor). */
  aliceSecond: HardhatEthersSigner;
  terms: EquityTerms;
}

/**
 * `equitySecurityFixture` with HOLDINGS minted by the agent (alice on two wallets, bob, carol; dave and stranger
 * hold nothing), and the issuer holding ISSUER_COINS of the USD coin with the token approved for all of them. The
 * coin keeps its `Eligible` holder policy: the equity, an asset the factory registered, and the holders (verified
 * investors) are synced in it (`syncHolders`), as an issuer does before paying dividends.
 */
export async function equityFixture(): Promise<EquityWorld> {
  const world = await equitySecurityFixture();
  const { accounts, contracts } = world;
  const { issuer, agent, alice, aliceSecond, bob, carol } = accounts;
  const coin = contracts.coin;
  const token = contracts.token;
  const address = await token.getAddress();
  const equity = (await ethers.getContractAt("IEquity", address)) as unknown as IEquity;

  await token
    .connect(agent)
    .batchMint(
      [alice.address, aliceSecond.address, bob.address, carol.address],
      [HOLDINGS.alice, HOLDINGS.aliceSecond, HOLDINGS.bob, HOLDINGS.carol],
    );

  await coin.syncHolders([address, alice.address, aliceSecond.address, bob.address, carol.address]);
  const configureMinter = coin.interface.encodeFunctionData("configureMinter", [issuer.address, ISSUER_COINS]);
  await callThroughAuthority(contracts.authority, issuer, await coin.getAddress(), configureMinter);
  await mintCoin({ accounts, contracts }, coin, issuer.address, ISSUER_COINS);
  await coin.connect(issuer).approve(address, ethers.MaxUint256);
  return {
    ...world,
    equity,
    token,
    coin,
    agent,
    aliceSecond,
    terms: equityTerms(await coin.getAddress()),
  };
}
