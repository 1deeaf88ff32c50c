import { ethers } from "hardhat";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Equity, SettlementCoin } from "../../../typechain-types";
import { equityLifecyclePermissions, Role, type RoleName } from "../../../config/roles";
import { Claim, claimsOf } from "../../../sdk/claims";
import { encodeEquityTerms, type EquityTerms } from "../../../sdk/products/equity";
import { NO_RULES } from "../../behaviors/CompliancePipeline.behavior";
import { investorId } from "../../identity/helpers";
import { issuingCoinsFixture, mintTo, type CoinWorld } from "../coin/funding";

export const DAY = 86_400n;
export const MIN_CLAIM_PERIOD = 7n * DAY;
export const FRANCE = 250;
export const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
/** The issuer's coin (6 decimals) to fund dividends with. */
export const ISSUER_COINS = 10n ** 15n;
/** The coin's `Open` holder policy: the token may hold the coin (until registered assets are eligible holders). */
export const OPEN_POLICY = 0n;

/** What the fixture mints: alice 600 + 150 on her second wallet, bob 300, carol 100 (1,150 shares). */
export const HOLDINGS = { alice: 600n, aliceSecond: 150n, bob: 300n, carol: 100n } as const;
export const SUPPLY = HOLDINGS.alice + HOLDINGS.aliceSecond + HOLDINGS.bob + HOLDINGS.carol;

/**
 * The security-token core's restricted functions (ISecurityToken @custom:access). Applied with the Equity
 * lifecycle table until the core's `securityTokenPermissions` lands in config/roles.ts.
 */
export const SECURITY_TOKEN_TABLE: Record<string, RoleName> = {
  "mint(address,uint256)": "ASSET_AGENT",
  "burn(address,uint256)": "ASSET_AGENT",
  "forcedTransfer(address,address,uint256)": "ASSET_AGENT",
  "setAddressFrozen(address,bool)": "ASSET_AGENT",
  "freezePartialTokens(address,uint256)": "ASSET_AGENT",
  "unfreezePartialTokens(address,uint256)": "ASSET_AGENT",
  "recoveryAddress(address,address,address)": "ASSET_AGENT",
  "pause()": "ASSET_AGENT",
  "unpause()": "ASSET_AGENT",
  "batchForcedTransfer(address[],address[],uint256[])": "ASSET_AGENT",
  "batchMint(address[],uint256[])": "ASSET_AGENT",
  "batchBurn(address[],uint256[])": "ASSET_AGENT",
  "batchSetAddressFrozen(address[],bool[])": "ASSET_AGENT",
  "batchFreezePartialTokens(address[],uint256[])": "ASSET_AGENT",
  "batchUnfreezePartialTokens(address[],uint256[])": "ASSET_AGENT",
  "snapshot()": "ASSET_AGENT",
  "setDocument(bytes32,string,bytes32)": "ASSET_ISSUER",
  "removeDocument(bytes32)": "ASSET_ISSUER",
  "upgradeToAndCall(address,bytes)": "ASSET_FACTORY",
};

/** The Equity table the fixture applies. */
export const EQUITY_TABLE: Record<string, RoleName> = { ...SECURITY_TOKEN_TABLE, ...equityLifecyclePermissions };

export interface EquityWorld extends CoinWorld {
  equity: Equity;
  /** The settlement coin of the terms (the USD coin). */
  coin: SettlementCoin;
  /** The asset's agent (ASSET_AGENT): the exchange member. */
  agent: HardhatEthersSigner;
  /** alice's second wallet (same investor). */
  aliceSecond: HardhatEthersSigner;
  terms: EquityTerms;
}

/** The instrument the fixture issues. */
export function instrumentOf(issuer: string) {
  return {
    name: "Example Issuer plc ordinary shares",
    symbol: "EXMPL",
    decimals: 0,
    securityCode: ethers.encodeBytes32String("600519").slice(0, 26),
    isin: ethers.encodeBytes32String("FR0000000001").slice(0, 26),
    jurisdiction: FRANCE,
    issuer,
  };
}

/**
 * An Equity behind an ERC-1967 proxy, initialized with the USD coin as its settlement coin, a 7-day minimum
 * claim period and share class "ORDINARY"; its table applied to the proxy by the authority's admin; the issuer
 * holds ASSET_ISSUER and the exchange ASSET_AGENT; compliance configured with no rules. alice (two wallets), bob
 * and carol are verified investors holding HOLDINGS; stranger is not registered. The issuer holds ISSUER_COINS
 * and approved the token for all of them. The coin runs its `Open` holder policy so the token may hold it.
 */
export async function equityFixture(): Promise<EquityWorld> {
  const world = await issuingCoinsFixture();
  const { accounts, contracts } = world;
  const { deployer, governor, issuer, exchange: agent, regulator, kycProvider, alice, bob, carol } = accounts;
  const { authority, compliance, identity, coin } = contracts;
  await coin.connect(governor).setHolderPolicy(OPEN_POLICY);

  const terms: EquityTerms = {
    settlementCoin: await coin.getAddress(),
    shareClass: "ORDINARY",
    minClaimPeriod: MIN_CLAIM_PERIOD,
  };
  const implementation = await ethers.deployContract("Equity", [
    await compliance.getAddress(),
    await identity.getAddress(),
  ]);
  const init = implementation.interface.encodeFunctionData("initialize", [
    await authority.getAddress(),
    instrumentOf(issuer.address),
    [],
    encodeEquityTerms(terms),
  ]);
  const proxy = await ethers.deployContract("ERC1967Proxy", [await implementation.getAddress(), init]);
  const equity = (await ethers.getContractAt("Equity", await proxy.getAddress())) as unknown as Equity;
  const address = await equity.getAddress();

  const byRole = new Map<RoleName, string[]>();
  for (const [signature, role] of Object.entries(EQUITY_TABLE)) {
    byRole.set(role, [...(byRole.get(role) ?? []), equity.interface.getFunction(signature)!.selector]);
  }
  const admin = authority.connect(deployer);
  for (const [role, selectors] of byRole) await admin.setTargetFunctionRole(address, selectors, Role[role]);
  await admin.grantRole(Role.ASSET_ISSUER, issuer.address, 0);
  await admin.grantRole(Role.ASSET_AGENT, agent.address, 0);
  await compliance.connect(regulator).configureAsset(address, NO_RULES);

  const aliceSecond = new ethers.Wallet(ethers.id("alice second wallet"), ethers.provider);
  await setBalance(aliceSecond.address, 10n ** 20n);
  const expiry = BigInt(await time.latest()) + 365n * DAY;
  const kyc = identity.connect(kycProvider);
  await kyc.registerInvestor(investorId("alice"), FRANCE, KYC_AML, expiry, [alice.address, aliceSecond.address]);
  await kyc.registerInvestor(investorId("bob"), FRANCE, KYC_AML, expiry, [bob.address]);
  await kyc.registerInvestor(investorId("carol"), FRANCE, KYC_AML, expiry, [carol.address]);
  await equity
    .connect(agent)
    .batchMint(
      [alice.address, aliceSecond.address, bob.address, carol.address],
      [HOLDINGS.alice, HOLDINGS.aliceSecond, HOLDINGS.bob, HOLDINGS.carol],
    );

  await mintTo(world, coin, issuer.address, ISSUER_COINS);
  await coin.connect(issuer).approve(address, ethers.MaxUint256);
  return { ...world, equity, coin, agent, aliceSecond: aliceSecond as unknown as HardhatEthersSigner, terms };
}
