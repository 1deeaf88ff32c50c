import { deployments, ethers } from "hardhat";
import { Wallet } from "ethers";
import { coreFixture } from "../fixtures/core";
import { Role } from "../../config/roles";
import type {
  AllianceAuthority,
  INetSettlement,
  MemberRegistry,
  NetTokenMock,
  Settlement,
} from "../../typechain-types";
import type { NetInstrumentTerms } from "./netHelpers";

/** Wallets of net-settlement participants: addresses only (they never sign). */
export function participantWallets(n: number, tag = "net participant"): string[] {
  return Array.from({ length: n }, (_, i) => new Wallet(ethers.id(`${tag} ${i}`)).address);
}

/**
 * The core deployment with the exchange (a clearing member: `memberKindRoles.Exchange`) as the clearer, two
 * mock securities (EQA, EQB) registered in the authority's directory and two mock coins (USD, CNY) registered with
 * the engine, every participant funded with 10^12 of each; the clearer's table holds the six participants and
 * three instruments: EQA/USD (lot 10, tick 1), EQB/USD (lot 1, tick 100), EQA/CNY (lot 1, tick 7).
 */
export async function netFixture() {
  const { accounts, contracts } = await coreFixture();
  const { deployer, governor, exchange } = accounts;
  const engineAddress = (await deployments.get("Settlement")).address;
  const engine = (await ethers.getContractAt("Settlement", engineAddress)) as unknown as Settlement;
  const net = (await ethers.getContractAt("INetSettlement", engineAddress)) as unknown as INetSettlement;
  const authority = contracts.authority as AllianceAuthority;
  const deploy = async (symbol: string) =>
    (await ethers.deployContract("NetTokenMock", [symbol, engineAddress])) as unknown as NetTokenMock;
  const eqa = await deploy("EQA");
  const eqb = await deploy("EQB");
  const usd = await deploy("USD");
  const cny = await deploy("CNY");
  const unregistered = await deploy("ROGUE");
  // The deployer (ADMIN) stands in for the factory to register the mock securities.
  await authority.grantRole(Role.ASSET_FACTORY, deployer.address, 0);
  await authority.registerAsset(await eqa.getAddress(), 1, accounts.issuer.address);
  await authority.registerAsset(await eqb.getAddress(), 1, accounts.issuer.address);
  await engine.connect(governor).setCoin(await usd.getAddress(), true);
  await engine.connect(governor).setCoin(await cny.getAddress(), true);
  const wallets = participantWallets(6);
  for (const token of [eqa, eqb, usd, cny]) await token.mintBatch(wallets, 10n ** 12n);
  const clearer = net.connect(exchange);
  await clearer.addParticipants(wallets);
  const instruments: NetInstrumentTerms[] = [
    { token: await eqa.getAddress(), coin: await usd.getAddress(), lotSize: 10n, tickSize: 1n },
    { token: await eqb.getAddress(), coin: await usd.getAddress(), lotSize: 1n, tickSize: 100n },
    { token: await eqa.getAddress(), coin: await cny.getAddress(), lotSize: 1n, tickSize: 7n },
  ];
  for (const i of instruments) await clearer.addInstrument(i.token, i.coin, i.lotSize, i.tickSize);
  return {
    accounts,
    contracts: { ...contracts, authority, engine, net, members: contracts.members as MemberRegistry },
    tokens: { eqa, eqb, usd, cny, unregistered },
    wallets,
    instruments,
    clearer,
  };
}

export type NetWorld = Awaited<ReturnType<typeof netFixture>>;
