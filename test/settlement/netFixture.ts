import { deployments, ethers } from "hardhat";
import { Wallet, type Signer } from "ethers";
import { signClearingConsent } from "../../sdk/netting";
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

/** Wallets of net-settlement participants (keys from `tag`: they sign their consent to the clearer). */
export function participantSigners(n: number, tag = "net participant"): Wallet[] {
  return Array.from({ length: n }, (_, i) => new Wallet(ethers.id(`${tag} ${i}`), ethers.provider));
}

/** The addresses of `participantSigners(n, tag)`. */
export function participantWallets(n: number, tag = "net participant"): string[] {
  return participantSigners(n, tag).map((w) => w.address);
}

/** A consent deadline far ahead (the tests move time by days at most). */
export const CONSENT_DEADLINE = 2n ** 40n;

/**
 * Each of `signers` signs its consent to `clearer`'s runner (the clearer) at the engine `clearer` is attached to
 * until `deadline`: the arguments of `addParticipants`.
 */
export async function consentsOf(
  clearer: INetSettlement,
  signers: Signer[],
  deadline: bigint = CONSENT_DEADLINE,
): Promise<[string[], bigint[], string[]]> {
  const runner = clearer.runner as Signer;
  const clearerAddress = await runner.getAddress();
  const wallets = await Promise.all(signers.map((s) => s.getAddress()));
  const consents = await Promise.all(signers.map((s) => signClearingConsent(s, clearer, clearerAddress, deadline)));
  return [wallets, wallets.map(() => deadline), consents];
}

/** `clearer` (an `INetSettlement` connected to the clearer) appends `signers` with their consents. */
export async function addConsenting(clearer: INetSettlement, signers: Signer[], deadline?: bigint) {
  return clearer.addParticipants(...(await consentsOf(clearer, signers, deadline)));
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
  const signers = participantSigners(6);
  const wallets = signers.map((w) => w.address);
  for (const token of [eqa, eqb, usd, cny]) await token.mintBatch(wallets, 10n ** 12n);
  const clearer = net.connect(exchange);
  await addConsenting(clearer, signers);
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
    signers,
    instruments,
    clearer,
  };
}

export type NetWorld = Awaited<ReturnType<typeof netFixture>>;
