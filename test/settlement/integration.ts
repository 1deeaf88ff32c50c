import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type {
  GatewaySettlement,
  IHoldable,
  ISecurityToken,
  SecurityToken,
  SettlementCoin,
} from "../../typechain-types";
import { Claim, claimsOf } from "../../sdk/claims";
import { ProductType } from "../../sdk/assets";
import { issueAsset, productTerms } from "../fixtures/assets";
import { extraSigner } from "../fixtures/security";
import { investorId } from "../identity/helpers";
import { issuingCoinsFixture, mintTo } from "../tokens/coin/funding";
import { explainSettlement as sdkExplain } from "../../sdk/settlement";
import { signInstruction, type Instruction, type Leg } from "./helpers";

export const CHINA = 156;
export const FRANCE = 250;
const YEAR = 365n * 86_400n;

/** Starting positions (both coins in their smallest units: aUSD has 6 decimals, aCNY 2). */
export const START = {
  equity: { alice: 1_000n, bob: 500n },
  bond: { alice: 40n, bob: 60n },
  usd: 1_000_000n * 10n ** 6n,
  cny: 1_000_000n * 10n ** 2n,
};

/**
 * The settlement layer on the REAL deployment (deploy tag `core`): the engine and the payment-gateway settlement
 * as deployed, both real settlement coins (aUSD, aCNY, registered with the engine by the deploy step), and an
 * Equity and a Bond issued through the AssetFactory with the deployed implementations, open compliance rules and
 * `agent` as their ASSET_AGENT. Investors (KYC + AML, valid a year): alice and bob (China), carol (France); the
 * stranger is registered nowhere. alice and bob hold both securities; alice, bob and carol hold both coins.
 */
export async function integrationFixture() {
  const world = await issuingCoinsFixture();
  const { accounts, contracts } = world;
  const { alice, bob, carol } = accounts;
  const agent = await extraSigner("settlement agent");
  const expiry = BigInt(await time.latest()) + YEAR;
  const kyc = contracts.identity.connect(accounts.kycProvider);
  const claims = claimsOf([Claim.KYC, Claim.AML]);
  await kyc.registerInvestor(investorId("alice"), CHINA, claims, expiry, [alice.address]);
  await kyc.registerInvestor(investorId("bob"), CHINA, claims, expiry, [bob.address]);
  await kyc.registerInvestor(investorId("carol"), FRANCE, claims, expiry, [carol.address]);
  const wallets = [alice.address, bob.address, carol.address];
  // Registries push only what makes a holder less eligible: the coins read new investors and members (the
  // exchange, the gateway trades' fee account) when anyone syncs them.
  for (const coin of [contracts.coin, contracts.coinCNY]) {
    await coin.syncHolders([...wallets, accounts.exchange.address]);
  }

  const issue = async (productType: ProductType, name: string) => {
    const { asset } = await issueAsset(contracts.factory, accounts.issuer, {
      productType,
      terms: await productTerms[name](contracts),
      agents: [agent.address],
      // The block-list is on (and empty): a test may block a country.
      rules: { countryBlockList: true },
    });
    return (await ethers.getContractAt("SecurityToken", asset)) as unknown as SecurityToken;
  };
  const equity = await issue(ProductType.Equity, "Equity");
  const bond = await issue(ProductType.Bond, "Bond");
  for (const [token, holdings] of [
    [equity, START.equity],
    [bond, START.bond],
  ] as const) {
    await token.connect(agent).mint(alice.address, holdings.alice);
    await token.connect(agent).mint(bob.address, holdings.bob);
  }
  for (const holder of wallets) {
    await mintTo(world, contracts.coin, holder, START.usd);
    await mintTo(world, contracts.coinCNY, holder, START.cny);
  }
  const gateway = (await ethers.getContractAt(
    "GatewaySettlement",
    (await deployments.get("GatewaySettlement")).address,
  )) as unknown as GatewaySettlement;
  // The coins' holds run in their hold module behind the fallback: the IHoldable ABI at the coin's address.
  const holdsOf = async (coin: SettlementCoin) =>
    (await ethers.getContractAt("IHoldable", await coin.getAddress())) as unknown as IHoldable;
  return {
    accounts: { ...accounts, agent },
    contracts: {
      ...contracts,
      engine: contracts.settlement,
      gatewaySettlement: gateway,
      usd: contracts.coin,
      cny: contracts.coinCNY,
      usdHolds: await holdsOf(contracts.coin),
      cnyHolds: await holdsOf(contracts.coinCNY),
      equity,
      bond,
    },
  };
}

export type IntegrationWorld = Awaited<ReturnType<typeof integrationFixture>>;

export type AnyToken = SecurityToken | SettlementCoin | ISecurityToken;

/** A leg over contracts and signers. */
export async function legOf(
  token: { getAddress(): Promise<string> },
  from: { address: string },
  to: { address: string },
  amount: bigint,
): Promise<Leg> {
  return { token: await token.getAddress(), from: from.address, to: to.address, amount };
}

/** An instruction over `legs`, due in an hour. */
export async function instruction(legs: Leg[], nonce: bigint, tradeRef = ethers.id(`trade ${nonce}`)) {
  return { tradeRef, deadline: BigInt(await time.latest()) + 3_600n, nonce, legs } as Instruction;
}

/** `settle`'s consents: each distinct sender's signature at its first leg. */
export async function consents(
  world: IntegrationWorld,
  ins: Instruction,
  signers: HardhatEthersSigner[],
): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const leg of ins.legs) {
    const signer = signers.find((s) => s.address === leg.from);
    if (!signer || seen.has(leg.from)) {
      out.push("0x");
      continue;
    }
    seen.add(leg.from);
    out.push(await signInstruction(world.contracts.engine, signer, ins));
  }
  return out;
}

/** Every balance and held amount of `holders` on `tokens` (a snapshot to compare after a refused settlement). */
export async function positions(world: IntegrationWorld, holders: string[]): Promise<bigint[]> {
  const { equity, bond, usdHolds, cnyHolds } = world.contracts;
  const out: bigint[] = [];
  for (const token of [equity, bond]) {
    for (const holder of holders) out.push(await token.balanceOf(holder), await token.heldBalanceOf(holder));
  }
  for (const token of [usdHolds, cnyHolds]) {
    const erc20 = await ethers.getContractAt("IERC20", await token.getAddress());
    for (const holder of holders) out.push(await erc20.balanceOf(holder), await token.heldBalanceOf(holder));
  }
  return out;
}

/** Every leg's restriction code as the engine's view and the SDK give it (they must agree). */
export async function explainCodes(world: IntegrationWorld, ins: Instruction, sigs: string[], held = 0n) {
  const { engine } = world.contracts;
  const [, , checks] = await engine.explainSettlement(ins, sigs, held);
  const view = checks.map((c) => Number(c.restriction));
  const sdk = await sdkExplain(engine, ins, sigs, held);
  expect(sdk.legs.map((l) => Number(l.check.restriction))).to.deep.equal(view);
  return view;
}

/**
 * Settles `ins` (signed by alice, bob and carol where they send, submitted by the stranger) expecting leg `failing`
 * to fail with `code`, as `explainSettlement` says beforehand; `state` reads the same before and after (nothing
 * moved) and the initiator's nonce stays unused.
 */
export async function expectLegRefused(
  world: IntegrationWorld,
  ins: Instruction,
  failing: number,
  code: number,
  held: bigint,
  state: () => Promise<unknown>,
) {
  const { alice, bob, carol, stranger } = world.accounts;
  const { engine } = world.contracts;
  const sigs = await consents(world, ins, [alice, bob, carol]);
  const [ok] = await engine.explainSettlement(ins, sigs, held);
  expect(ok).to.equal(false);
  expect((await explainCodes(world, ins, sigs, held))[failing]).to.equal(code);
  const before = await state();
  const leg = ins.legs[failing];
  await expect(engine.connect(stranger).settle(ins, sigs, held))
    .to.be.revertedWithCustomError(engine, "SettlementLegFailed")
    .withArgs(failing, leg.token, leg.from, leg.to, leg.amount, code, (reason: string) => reason !== "0x");
  expect(await state()).to.deep.equal(before);
  expect(await engine.isNonceUsed(ins.legs[0].from, ins.nonce)).to.equal(false);
}
