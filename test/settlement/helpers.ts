import { deployments, ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, TypedDataEncoder, type Signer } from "ethers";
import type { AllianceAuthority, HoldableTokenMock, Settlement } from "../../typechain-types";
import { Role } from "../../config/roles";

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

/** The EIP-712 types the SDK signs (design note: exact strings). */
export const INSTRUCTION_TYPES = {
  Instruction: [
    { name: "tradeRef", type: "bytes32" },
    { name: "deadline", type: "uint48" },
    { name: "nonce", type: "uint256" },
    { name: "legs", type: "Leg[]" },
  ],
  Leg: [
    { name: "token", type: "address" },
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "amount", type: "uint256" },
  ],
};

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
 * The engine on a bare authority (the deployer is its ADMIN: no table applied), two security-style tokens
 * registered in the authority's directory as equities, two coin-style tokens registered with `setCoin`, one
 * unregistered token, every party funded; the hold desk restricted to SETTLEMENT_CLIENT, granted to `client`.
 */
export async function settlementFixture() {
  await deployments.fixture(["authority", "settlement"]);
  const signers = await ethers.getSigners();
  const [deployer, alice, bob, carol, submitter, client, stranger, issuer] = signers;
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
  await authority.registerAsset(await equity.getAddress(), 1, issuer.address);
  await authority.registerAsset(await equityB.getAddress(), 1, issuer.address);
  await engine.setCoin(await usd.getAddress(), true);
  await engine.setCoin(await cny.getAddress(), true);
  for (const token of [equity, equityB, usd, cny, rogue]) {
    for (const party of [alice, bob, carol]) await token.mint(party.address, 1_000_000n);
  }
  const clientSelectors = (
    ["placeClientHold", "executeClientHold", "releaseClientHold", "clientTransfer"] as const
  ).map((name) => engine.interface.getFunction(name).selector);
  await authority.setTargetFunctionRole(engineAddress, clientSelectors, Role.SETTLEMENT_CLIENT);
  await authority.grantRole(Role.SETTLEMENT_CLIENT, client.address, 0);
  return {
    accounts: { deployer, alice, bob, carol, submitter, client, stranger, issuer },
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
  from: HardhatEthersSigner | { getAddress(): Promise<string> },
  to: HardhatEthersSigner | { getAddress(): Promise<string> },
  amount: bigint,
): Promise<Leg> {
  return { token: await token.getAddress(), from: await from.getAddress(), to: await to.getAddress(), amount };
}
