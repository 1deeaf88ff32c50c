import { ethers, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

/** Anything exposing ERC-5267 `eip712Domain()` (every OpenZeppelin EIP712 contract). */
export interface HasEIP712Domain {
  eip712Domain(): Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }>;
}

/** The EIP-712 domain the contract itself reports (ERC-5267), ready for `signer.signTypedData`. */
export async function domainOf(contract: HasEIP712Domain): Promise<TypedDataDomain> {
  const { name, version, chainId, verifyingContract } = await contract.eip712Domain();
  return { name, version, chainId, verifyingContract };
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
