import { deployments, ethers } from "hardhat";
import { coreFixture } from "../fixtures/core";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, TypedDataEncoder, Wallet, type Signer } from "ethers";
import type { AllianceAuthority, HoldableTokenMock, Settlement } from "../../typechain-types";
import { Role } from "../../config/roles";
import { INSTRUCTION_TYPES } from "../../sdk/settlement";

/** A leg and an instruction as the engine takes them. */
export interface Leg {
  token: string;
  from: string;
  to: string;
  amount: bigint;
}
export interface Instruction {
  tradeRef: string;
  deadline: bigint;
  nonce: bigint;
  legs: Leg[];
}

/** The EIP-712 types the SDK signs. */
export { INSTRUCTION_TYPES };

export const HOLD_UNAVAILABLE = 254;
export const UNCLASSIFIED = 255;

export async function domainOf(engine: Settlement) {
  return {
    name: "AssetLedger Settlement",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: await engine.getAddress(),
  };
}

/** `signer`'s EIP-712 signature of `instruction` for `engine`. */
export async function signInstruction(engine: Settlement, signer: Signer, instruction: Instruction): Promise<string> {
  return signer.signTypedData(await domainOf(engine), INSTRUCTION_TYPES, instruction);
}

export function instructionId(instruction: Instruction): string {
  return TypedDataEncoder.from(INSTRUCTION_TYPES).hashStruct("Instruction", instruction);
}

export function legKey(id: string, leg: number): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [id, leg]));
}

/**
 * The core deployment (every test file shares hardhat-deploy's one deployment record, so fixtures build on "core"),
 * plus two security-style mock tokens registered in the authority's directory as equities, two coin-style mock
 * tokens registered with `setCoin` (by the governor), one unregistered token, every party funded, and `client`
 * holding SETTLEMENT_CLIENT. The parties are fresh keys, none a named account: they hold no role.
 */
export async function settlementFixture() {
  await coreFixture();
  const [deployer, governor] = await ethers.getSigners();
  const party = async (name: string) => {
    const wallet = new Wallet(ethers.id(`settlement test party: ${name}`), ethers.provider);
    await setBalance(wallet.address, 10n ** 21n);
    return wallet;
  };
  const [alice, bob, carol, submitter, client, stranger, issuer] = await Promise.all(
    ["alice", "bob", "carol", "submitter", "client", "stranger", "issuer"].map(party),
  );
  const authority = (await ethers.getContractAt(
    "AllianceAuthority",
    (await deployments.get("AllianceAuthority")).address,
  )) as unknown as AllianceAuthority;
  const engine = (await ethers.getContractAt(
    "Settlement",
    (await deployments.get("Settlement")).address,
  )) as unknown as Settlement;
  const engineAddress = await engine.getAddress();
  const deploy = async (name: string, coinStyle: boolean) =>
    (await ethers.deployContract("HoldableTokenMock", [
      name,
      engineAddress,
      coinStyle,
    ])) as unknown as HoldableTokenMock;
  const equity = await deploy("EQA", false);
  const equityB = await deploy("EQB", false);
  const usd = await deploy("aUSD", true);
  const cny = await deploy("aCNY", true);
  const rogue = await deploy("ROGUE", false);
  // The deployer (ADMIN) stands in for the factory to register the mock equities.
  await authority.grantRole(Role.ASSET_FACTORY, deployer.address, 0);
  await authority.registerAsset(await equity.getAddress(), 1, issuer.address);
  await authority.registerAsset(await equityB.getAddress(), 1, issuer.address);
  await engine.connect(governor).setCoin(await usd.getAddress(), true);
  await engine.connect(governor).setCoin(await cny.getAddress(), true);
  for (const token of [equity, equityB, usd, cny, rogue]) {
    for (const party of [alice, bob, carol]) await token.mint(party.address, 1_000_000n);
  }
  await authority.grantRole(Role.SETTLEMENT_CLIENT, client.address, 0);
  return {
    accounts: { deployer, governor, alice, bob, carol, submitter, client, stranger, issuer },
    contracts: { authority, engine, equity, equityB, usd, cny, rogue },
  };
}

export type SettlementWorld = Awaited<ReturnType<typeof settlementFixture>>;

/** An instruction over `legs` with a deadline an hour from now. */
export async function instructionOf(legs: Leg[], nonce = 0n, tradeRef = ethers.id("trade")): Promise<Instruction> {
  return { tradeRef, deadline: BigInt(await time.latest()) + 3600n, nonce, legs };
}

export async function leg(
  token: { getAddress(): Promise<string> },
  from: { getAddress(): Promise<string> },
  to: { getAddress(): Promise<string> },
  amount: bigint,
): Promise<Leg> {
  return { token: await token.getAddress(), from: await from.getAddress(), to: await to.getAddress(), amount };
}
