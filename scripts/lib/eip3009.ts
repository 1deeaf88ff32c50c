/**
 * EIP-3009 `transferWithAuthorization` signing for the scripts: the holder signs an EIP-712 message off chain and
 * anyone (a relayer) submits it, paying the gas.
 */
import { ethers, type Signature, type Signer, type TypedDataDomain } from "ethers";

export interface TransferAuthorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

const TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** The token's EIP-712 domain: its ERC-5267 `eip712Domain()`, or else `name()` and `version()`. */
export async function domainOf(token: ethers.Contract | ethers.BaseContract): Promise<TypedDataDomain> {
  const contract = token as ethers.Contract;
  const verifyingContract = await contract.getAddress();
  if (contract.interface.getFunction("eip712Domain")) {
    const [, name, version, chainId] = (await contract.eip712Domain()) as [string, string, string, bigint];
    return { name, version, chainId, verifyingContract };
  }
  const { chainId } = await contract.runner!.provider!.getNetwork();
  return { name: await contract.name(), version: await contract.version(), chainId, verifyingContract };
}

/** An authorization of `value` from `from` to `to`, valid until `validBefore`, with `nonce` (random if omitted). */
export function authorization(
  from: string,
  to: string,
  value: bigint,
  validBefore: bigint,
  nonce: string = ethers.hexlify(ethers.randomBytes(32)),
): TransferAuthorization {
  return { from, to, value, validAfter: 0n, validBefore, nonce };
}

/** `signer` (the `from` of `message`) signs a TransferWithAuthorization for `domain`. */
export async function signTransferAuthorization(
  signer: Signer,
  domain: TypedDataDomain,
  message: TransferAuthorization,
): Promise<Signature> {
  return ethers.Signature.from(await signer.signTypedData(domain, TYPES, message));
}

/** The v/r/s overload's arguments for `transferWithAuthorization`. */
export function transferWithAuthorizationArgs(message: TransferAuthorization, signature: Signature) {
  const { from, to, value, validAfter, validBefore, nonce } = message;
  return [from, to, value, validAfter, validBefore, nonce, signature.v, signature.r, signature.s] as const;
}

/** Selector-qualified name of the v/r/s overload (the token also has a `bytes signature` one). */
export const TRANSFER_WITH_AUTHORIZATION_VRS =
  "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)";
