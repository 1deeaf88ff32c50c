/**
 * Off-chain signatures a dApp or relayer makes for the alliance's tokens: EIP-2612 permits and EIP-3009 transfer,
 * receive and cancel authorizations (the holder signs, anyone — or, for a receive authorization, only the payee —
 * submits and pays the gas).
 */
import { ethers, type BaseContract, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

/**
 * A token's EIP-712 domain, ready for `signer.signTypedData`: what it reports through ERC-5267
 * `eip712Domain()` (every OpenZeppelin EIP712 contract), or else its `name()` and `version()` (older tokens).
 */
export async function domainOf(token: BaseContract): Promise<TypedDataDomain> {
  const contract = token as ethers.Contract;
  const verifyingContract = await contract.getAddress();
  if (contract.interface.getFunction("eip712Domain")) {
    const [, name, version, chainId] = (await contract.eip712Domain()) as [string, string, string, bigint];
    return { name, version, chainId, verifyingContract };
  }
  const { chainId } = await contract.runner!.provider!.getNetwork();
  return { name: await contract.name(), version: await contract.version(), chainId, verifyingContract };
}

/** EIP-2612 `Permit`. */
export const PERMIT_TYPES: Record<string, TypedDataField[]> = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const AUTHORIZATION_FIELDS: TypedDataField[] = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** EIP-3009 `TransferWithAuthorization`: anyone may submit it. */
export const TRANSFER_WITH_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  TransferWithAuthorization: AUTHORIZATION_FIELDS,
};

/** EIP-3009 `ReceiveWithAuthorization`: only the payee (`to`) may submit it. */
export const RECEIVE_WITH_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  ReceiveWithAuthorization: AUTHORIZATION_FIELDS,
};

/** EIP-3009 `CancelAuthorization`. */
export const CANCEL_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** An EIP-2612 permit's signed fields. */
export interface Permit {
  owner: string;
  spender: string;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** An EIP-3009 transfer or receive authorization's signed fields. */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/** Which EIP-3009 authorization a signature is for. */
export type AuthorizationKind = "transfer" | "receive";

const AUTHORIZATION_TYPES: Record<AuthorizationKind, Record<string, TypedDataField[]>> = {
  transfer: TRANSFER_WITH_AUTHORIZATION_TYPES,
  receive: RECEIVE_WITH_AUTHORIZATION_TYPES,
};

/** A fresh random EIP-3009 nonce. */
export function randomNonce(): string {
  return ethers.hexlify(ethers.randomBytes(32));
}

/** `signer`'s 65-byte signature of `permit` under `domain`. */
export function signPermit(signer: Signer, domain: TypedDataDomain, permit: Permit): Promise<string> {
  return signer.signTypedData(domain, PERMIT_TYPES, permit);
}

/** `signer`'s 65-byte signature of a transfer or receive authorization under `domain`. */
export function signAuthorization(
  signer: Signer,
  domain: TypedDataDomain,
  kind: AuthorizationKind,
  authorization: Authorization,
): Promise<string> {
  return signer.signTypedData(domain, AUTHORIZATION_TYPES[kind], authorization);
}

/** `signer`'s 65-byte signature cancelling `authorizer`'s `nonce` under `domain`. */
export function signCancellation(
  signer: Signer,
  domain: TypedDataDomain,
  authorizer: string,
  nonce: string,
): Promise<string> {
  return signer.signTypedData(domain, CANCEL_AUTHORIZATION_TYPES, { authorizer, nonce });
}

/** The address that `signature` of `permit` recovers to (what a token sees when the signed fields differ). */
export function permitSigner(domain: TypedDataDomain, permit: Permit, signature: string): string {
  return ethers.verifyTypedData(domain, PERMIT_TYPES, permit, signature);
}

/** A transfer authorization of `value` from `from` to `to`, valid now until `validBefore`, with `nonce`. */
export function authorization(
  from: string,
  to: string,
  value: bigint,
  validBefore: bigint,
  nonce: string = randomNonce(),
): Authorization {
  return { from, to, value, validAfter: 0n, validBefore, nonce };
}

/** The arguments of the v/r/s overload of `transferWithAuthorization` / `receiveWithAuthorization`. */
export function authorizationArgs(message: Authorization, signature: string) {
  const { v, r, s } = ethers.Signature.from(signature);
  const { from, to, value, validAfter, validBefore, nonce } = message;
  return [from, to, value, validAfter, validBefore, nonce, v, r, s] as const;
}

/** The v/r/s overload's signature (the alliance's tokens also have a `bytes signature` one, for ERC-1271). */
export const TRANSFER_WITH_AUTHORIZATION_VRS =
  "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
