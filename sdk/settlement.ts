/**
 * Settlement for dApps, relayers and back offices: the engine's EIP-712 instruction (types, domain, id, signing),
 * the consents and held-legs mask `ISettlement.settle` takes, `explainSettlement` in sentences, and a decoder of
 * custom-error revert data for any list of contract interfaces.
 *
 * Signing goes through one generic helper, {@link signTyped}, with {@link typedSigner} and {@link structHash}
 * beside it: the engine's instruction ({@link signInstruction}) and the payment-gateway settlement's trade terms
 * ({@link signGatewayTrade}) and tranche receipts ({@link signPaymentReceipt}) use them.
 */
import {
  ethers,
  type BaseContract,
  type BytesLike,
  type Interface,
  type InterfaceAbi,
  type ParamType,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { describeRestriction, Restriction } from "./restrictions";

/* EIP-712: THE ENGINE'S DOMAIN AND TYPES (ISettlement's NatSpec) */

/** The engine's EIP-712 domain name and version. */
export const SETTLEMENT_DOMAIN_NAME = "AssetLedger Settlement";
export const SETTLEMENT_DOMAIN_VERSION = "1";

/** `Leg(address token,address from,address to,uint256 amount)`: the exact string the engine hashes. */
export const LEG_TYPE = "Leg(address token,address from,address to,uint256 amount)";
/** `Instruction(bytes32 tradeRef,uint48 deadline,uint256 nonce,Leg[] legs)`: the exact string the engine hashes. */
export const INSTRUCTION_TYPE = "Instruction(bytes32 tradeRef,uint48 deadline,uint256 nonce,Leg[] legs)";
export const LEG_TYPEHASH = ethers.id(LEG_TYPE);
/** EIP-712 appends the referenced struct's type: `Instruction(…)Leg(…)`. */
export const INSTRUCTION_TYPEHASH = ethers.id(INSTRUCTION_TYPE + LEG_TYPE);

/** The instruction's types, ready for `signer.signTypedData` (primary type `Instruction`). */
export const INSTRUCTION_TYPES: Record<string, TypedDataField[]> = {
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

/** One movement: `amount` of `token` from `from` to `to` (`ISettlement.Leg`). */
export interface Leg {
  token: string;
  from: string;
  to: string;
  amount: bigint;
}

/** What the parties agree to (`ISettlement.Instruction`): every leg moves before `deadline`, or none does. */
export interface Instruction {
  /** The trade's reference (e.g. a hash of the venue's trade id). */
  tradeRef: string;
  /** Unix seconds (uint48). */
  deadline: bigint | number;
  /** An unordered nonce of the initiator (the first leg's `from`). */
  nonce: bigint;
  legs: Leg[];
}

/** The engine's domain on chain `chainId` at `engine`: what every party's signature is bound to. */
export function settlementDomain(chainId: bigint | number, engine: string): TypedDataDomain {
  return {
    name: SETTLEMENT_DOMAIN_NAME,
    version: SETTLEMENT_DOMAIN_VERSION,
    chainId,
    verifyingContract: ethers.getAddress(engine),
  };
}

/** The domain of a deployed engine (its address, and the chain id of the provider it is connected to). */
export async function settlementDomainOf(engine: BaseContract): Promise<TypedDataDomain> {
  const provider = engine.runner?.provider;
  if (!provider) throw new Error("settlementDomainOf: the engine is not connected to a provider");
  const { chainId } = await provider.getNetwork();
  return settlementDomain(chainId, await engine.getAddress());
}

/* GENERIC EIP-712 HELPERS (the extension point for every settlement type) */

/** `signer`'s 65-byte EIP-712 signature of `value`, a struct of `types`' primary type, under `domain`. */
export function signTyped(
  signer: Signer,
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  value: Record<string, unknown>,
): Promise<string> {
  return signer.signTypedData(domain, types, value);
}

/** The address `signature` of `value` recovers to (an ECDSA signer; ERC-1271 wallets are asked on chain). */
export function typedSigner(
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  value: Record<string, unknown>,
  signature: string,
): string {
  return ethers.verifyTypedData(domain, types, value, signature);
}

/** The EIP-712 struct hash of `value`, a struct of `types`' primary type (no domain). */
export function structHash(types: Record<string, TypedDataField[]>, value: Record<string, unknown>): string {
  return ethers.TypedDataEncoder.from(types).hash(value);
}

/** The digest a wallet signs for `value` under `domain` (`\x19\x01 ‖ domain separator ‖ struct hash`). */
export function typedDigest(
  domain: TypedDataDomain,
  types: Record<string, TypedDataField[]>,
  value: Record<string, unknown>,
): string {
  return ethers.TypedDataEncoder.hash(domain, types, value);
}

/* PAYMENT-GATEWAY SETTLEMENT: THE TRADE AND RECEIPT TYPES (IGatewaySettlement's NatSpec) */

/** The payment-gateway settlement's EIP-712 domain name and version. */
export const GATEWAY_DOMAIN_NAME = "AssetLedger Gateway Settlement";
export const GATEWAY_DOMAIN_VERSION = "1";

/** The exact string `GatewaySettlement` hashes for a trade's terms (the struct hash is the trade's id). */
export const GATEWAY_TRADE_TYPE =
  "GatewayTrade(address token,address seller,address buyer,address gateway,uint256 quantity,bytes32 paymentRef," +
  "uint48 deadline,uint256 nonce,address feeCoin,address feePayer,address feeAccount,uint256 feeAmount)";
/** The exact string `GatewaySettlement` hashes for a gateway's receipt of one tranche. */
export const PAYMENT_RECEIPT_TYPE = "PaymentReceipt(bytes32 tradeId,uint256 quantity,bytes32 trancheRef)";
export const GATEWAY_TRADE_TYPEHASH = ethers.id(GATEWAY_TRADE_TYPE);
export const PAYMENT_RECEIPT_TYPEHASH = ethers.id(PAYMENT_RECEIPT_TYPE);

/** A trade's types, ready for `signTyped` (primary type `GatewayTrade`). */
export const GATEWAY_TRADE_TYPES: Record<string, TypedDataField[]> = {
  GatewayTrade: [
    { name: "token", type: "address" },
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "gateway", type: "address" },
    { name: "quantity", type: "uint256" },
    { name: "paymentRef", type: "bytes32" },
    { name: "deadline", type: "uint48" },
    { name: "nonce", type: "uint256" },
    { name: "feeCoin", type: "address" },
    { name: "feePayer", type: "address" },
    { name: "feeAccount", type: "address" },
    { name: "feeAmount", type: "uint256" },
  ],
};

/** A receipt's types, ready for `signTyped` (primary type `PaymentReceipt`). */
export const PAYMENT_RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  PaymentReceipt: [
    { name: "tradeId", type: "bytes32" },
    { name: "quantity", type: "uint256" },
    { name: "trancheRef", type: "bytes32" },
  ],
};

/** A gateway trade's terms (`IGatewaySettlement.TradeTerms`); without a fee leg the four fee fields are zero. */
export interface GatewayTradeTerms {
  token: string;
  seller: string;
  buyer: string;
  gateway: string;
  quantity: bigint;
  /** The off-chain payment's reference (a hash of its ISO 20022 end-to-end id). */
  paymentRef: string;
  /** Unix seconds (uint48): the holds expire then, and anyone may refund the trade. */
  deadline: bigint | number;
  /** An unordered nonce of the seller. */
  nonce: bigint;
  feeCoin: string;
  feePayer: string;
  feeAccount: string;
  feeAmount: bigint;
}

/** A gateway's receipt of one tranche of trade `tradeId`: `quantity` units paid, tranche `trancheRef`. */
export interface PaymentReceipt {
  tradeId: string;
  quantity: bigint;
  trancheRef: string;
}

/** The payment-gateway settlement's domain on chain `chainId` at `gatewaySettlement`. */
export function gatewayDomain(chainId: bigint | number, gatewaySettlement: string): TypedDataDomain {
  return {
    name: GATEWAY_DOMAIN_NAME,
    version: GATEWAY_DOMAIN_VERSION,
    chainId,
    verifyingContract: ethers.getAddress(gatewaySettlement),
  };
}

/** The domain of a deployed payment-gateway settlement (its address and its provider's chain id). */
export async function gatewayDomainOf(gatewaySettlement: BaseContract): Promise<TypedDataDomain> {
  const provider = gatewaySettlement.runner?.provider;
  if (!provider) throw new Error("gatewayDomainOf: the contract is not connected to a provider");
  const { chainId } = await provider.getNetwork();
  return gatewayDomain(chainId, await gatewaySettlement.getAddress());
}

function tradeValue(terms: GatewayTradeTerms): Record<string, unknown> {
  return { ...terms, deadline: BigInt(terms.deadline) };
}

/** A trade's id, as `GatewaySettlement.tradeId` computes it: the EIP-712 struct hash of its terms. */
export function gatewayTradeId(terms: GatewayTradeTerms): string {
  return structHash(GATEWAY_TRADE_TYPES, tradeValue(terms));
}

/** The digest the seller (and a fee payer other than the seller) signs for `terms` under `domain`. */
export function gatewayTradeDigest(domain: TypedDataDomain, terms: GatewayTradeTerms): string {
  return typedDigest(domain, GATEWAY_TRADE_TYPES, tradeValue(terms));
}

/**
 * The seller's (or a third-party fee payer's) signature of `terms`, for `openTrade` submitted by someone else
 * (a seller opening the trade itself needs none).
 */
export function signGatewayTrade(signer: Signer, domain: TypedDataDomain, terms: GatewayTradeTerms): Promise<string> {
  return signTyped(signer, domain, GATEWAY_TRADE_TYPES, tradeValue(terms));
}

/** The address a trade signature recovers to under `domain`. */
export function gatewayTradeSigner(domain: TypedDataDomain, terms: GatewayTradeTerms, signature: string): string {
  return typedSigner(domain, GATEWAY_TRADE_TYPES, tradeValue(terms), signature);
}

/** The digest a gateway signs for `receipt` under `domain` (`GatewaySettlement.receiptDigest`). */
export function paymentReceiptDigest(domain: TypedDataDomain, receipt: PaymentReceipt): string {
  return typedDigest(domain, PAYMENT_RECEIPT_TYPES, { ...receipt });
}

/** The gateway's signed receipt of one tranche, which anyone may submit (`confirmPaymentWithReceipt`). */
export function signPaymentReceipt(signer: Signer, domain: TypedDataDomain, receipt: PaymentReceipt): Promise<string> {
  return signTyped(signer, domain, PAYMENT_RECEIPT_TYPES, { ...receipt });
}

/** The address a receipt signature recovers to under `domain`. */
export function paymentReceiptSigner(domain: TypedDataDomain, receipt: PaymentReceipt, signature: string): string {
  return typedSigner(domain, PAYMENT_RECEIPT_TYPES, { ...receipt }, signature);
}

/* INSTRUCTIONS */

const abi = ethers.AbiCoder.defaultAbiCoder();

/** `instruction` as a plain record for the EIP-712 encoders. */
function instructionValue(instruction: Instruction): Record<string, unknown> {
  return {
    tradeRef: instruction.tradeRef,
    deadline: BigInt(instruction.deadline),
    nonce: instruction.nonce,
    legs: instruction.legs.map(({ token, from, to, amount }) => ({ token, from, to, amount })),
  };
}

/** A leg's EIP-712 struct hash: `keccak256(abi.encode(LEG_TYPEHASH, token, from, to, amount))`. */
export function legHash(leg: Leg): string {
  return ethers.keccak256(
    abi.encode(
      ["bytes32", "address", "address", "address", "uint256"],
      [LEG_TYPEHASH, leg.token, leg.from, leg.to, leg.amount],
    ),
  );
}

/**
 * The instruction's id, as the engine computes it: its EIP-712 struct hash,
 * `keccak256(abi.encode(INSTRUCTION_TYPEHASH, tradeRef, deadline, nonce, keccak256(legHash₀ ‖ legHash₁ ‖ …)))`.
 * Written out from the type strings (the tests check it against ethers' generic encoder).
 */
export function instructionId(instruction: Instruction): string {
  const deadline = BigInt(instruction.deadline);
  if (deadline < 0n || deadline >= 1n << 48n)
    throw new RangeError(`instructionId: deadline ${deadline} is not a uint48`);
  const legs = ethers.keccak256(ethers.concat(instruction.legs.map(legHash)));
  return ethers.keccak256(
    abi.encode(
      ["bytes32", "bytes32", "uint48", "uint256", "bytes32"],
      [INSTRUCTION_TYPEHASH, instruction.tradeRef, deadline, instruction.nonce, legs],
    ),
  );
}

/** The digest a party signs for `instruction` under the engine's `domain`. */
export function instructionDigest(domain: TypedDataDomain, instruction: Instruction): string {
  return typedDigest(domain, INSTRUCTION_TYPES, instructionValue(instruction));
}

/** A party's signature of `instruction` for the engine of `domain` (one per sender; see {@link consentsOf}). */
export function signInstruction(signer: Signer, domain: TypedDataDomain, instruction: Instruction): Promise<string> {
  return signTyped(signer, domain, INSTRUCTION_TYPES, instructionValue(instruction));
}

/** The address `signature` of `instruction` recovers to under `domain`. */
export function instructionSigner(domain: TypedDataDomain, instruction: Instruction, signature: string): string {
  return typedSigner(domain, INSTRUCTION_TYPES, instructionValue(instruction), signature);
}

/**
 * `settle`'s `consents`: for each leg, its sender's signature at the first leg that sender sends, and empty
 * (`0x`) where the sender signed at an earlier leg or consents otherwise (affirmed on chain, is the caller, or
 * pre-funded the leg with a hold) — `signatures` maps a sender's address to its signature.
 */
export function consentsOf(instruction: Instruction, signatures: Readonly<Record<string, string>>): string[] {
  const bySender = new Map(Object.entries(signatures).map(([sender, sig]) => [ethers.getAddress(sender), sig]));
  const used = new Set<string>();
  return instruction.legs.map(({ from }) => {
    const sender = ethers.getAddress(from);
    const signature = bySender.get(sender);
    if (signature === undefined || used.has(sender)) return "0x";
    used.add(sender);
    return signature;
  });
}

/**
 * `settle`'s `heldLegs`: bit `i` set when leg `i` is pre-funded by a hold. Takes the held legs' indices, or one
 * flag per leg.
 */
export function legsHeldMask(held: readonly number[] | readonly boolean[]): bigint {
  let mask = 0n;
  held.forEach((entry: number | boolean, position: number) => {
    if (typeof entry === "boolean") {
      if (entry) mask |= 1n << BigInt(position);
      return;
    }
    if (!Number.isInteger(entry) || entry < 0 || entry > 255) {
      throw new RangeError(`legsHeldMask: leg index ${entry} is not an integer in 0…255`);
    }
    mask |= 1n << BigInt(entry);
  });
  return mask;
}

/* EXPLAINING A SETTLEMENT */

/** How one leg stands (`ISettlement.LegCheck`, as ethers decodes it). */
export interface LegCheck {
  restriction: bigint | number;
  consented: boolean;
  held: boolean;
  registered: boolean;
}

/**
 * Anything with the engine's `explainSettlement` view (a typed contract, or an ethers `Contract`). A connected
 * engine contract also answers `isNonceUsed`, `isCoin` and its event queries, and its runner's provider gives the
 * block time and each token's `decimals()`: {@link explainSettlement} uses them when present to say why an
 * instruction whose legs are fine would not settle and to write amounts in token units.
 */
export interface SettlementExplainer {
  explainSettlement(
    instruction: Instruction,
    consents: BytesLike[],
    heldLegs: bigint,
  ): Promise<{ ok?: boolean; id?: string; legs?: LegCheck[] } | readonly unknown[]>;
  isNonceUsed?(initiator: string, nonce: bigint): Promise<boolean>;
  isCoin?(token: string): Promise<boolean>;
  runner?: ethers.ContractRunner | null;
}

/** What {@link explainSettlement} may be told instead of asking the chain. */
export interface ExplainOptions {
  /** Each token's decimals by address (else read from the token's `decimals()`; raw units when neither works). */
  decimals?: Readonly<Record<string, number | bigint>>;
  /** The time (Unix seconds) to judge the deadline against (else the latest block's). */
  now?: bigint | number;
  /**
   * The identity registry (anything with `isVerified(wallet)`): a coin leg refused as "recipient not verified"
   * whose recipient the registry verifies is explained as the coin's stale cached eligibility (`syncHolder`).
   */
  identity?: { isVerified(wallet: string): Promise<boolean> };
}

/** A `LegCheck` whether ethers decoded it with its field names or as a bare tuple. */
function legCheckOf(raw: LegCheck | readonly unknown[]): LegCheck {
  const named = raw as Partial<LegCheck>;
  const tuple = raw as readonly unknown[];
  return {
    restriction: (named.restriction ?? tuple[0]) as bigint | number,
    consented: (named.consented ?? tuple[1]) as boolean,
    held: (named.held ?? tuple[2]) as boolean,
    registered: (named.registered ?? tuple[3]) as boolean,
  };
}

/** One leg, explained. */
export interface LegExplanation {
  leg: number;
  /** Whether this leg would move now (registered token, consent in hand, no restriction). */
  ok: boolean;
  check: LegCheck;
  sentence: string;
}

/** The engine's verdict on an instruction, leg by leg. */
export interface SettlementExplanation {
  ok: boolean;
  id: string;
  legs: LegExplanation[];
  /**
   * Why the instruction as a whole would not settle, whatever its legs (the view's legs cannot say it): "it
   * expired at …", "it was cancelled …", "it settled already …", "its initiator's nonce … is used". Empty when
   * none applies or none could be read.
   */
  reasons: string[];
  /** The instruction's verdict in one sentence. */
  summary: string;
}

/** A short name for a token: `names[token]` when given, else the address. */
function nameOf(token: string, names: Readonly<Record<string, string>>): string {
  const key = Object.keys(names).find((address) => address.toLowerCase() === token.toLowerCase());
  return key === undefined ? token : names[key];
}

/** `decimals[token]`, matching addresses in any case. */
function lookup<T>(table: Readonly<Record<string, T>> | undefined, token: string): T | undefined {
  if (!table) return undefined;
  const key = Object.keys(table).find((address) => address.toLowerCase() === token.toLowerCase());
  return key === undefined ? undefined : table[key];
}

/**
 * A leg's amount in words: with the token's decimals; a commodity receipt's lot amount (`id << 128 | quantity`, no
 * decimals) as "N units of lot L"; else the raw number.
 */
function shownAmount(amount: bigint, decimals: number | bigint | undefined): string {
  if (decimals !== undefined) return formatAmount(amount, decimals);
  const lot = amount >> 128n;
  return lot === 0n ? String(amount) : `${formatAmount(amount & ((1n << 128n) - 1n), 0)} units of lot ${lot}`;
}

/**
 * `amount` smallest units as a decimal number of `decimals` places, grouped by thousands and without trailing
 * zeros: 500000n with 2 decimals is "5,000", 1250500000n with 6 is "1,250.5".
 */
export function formatAmount(amount: bigint, decimals: number | bigint): string {
  const text = ethers.formatUnits(amount, Number(decimals));
  const [whole, fraction = ""] = text.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = fraction.replace(/0+$/, "");
  return `${sign}${grouped}${trimmed ? `.${trimmed}` : ""}`;
}

/** A call that may be absent or fail (a mock engine, an RPC without logs): undefined then. */
async function attempt<T>(call: (() => Promise<T>) | undefined): Promise<T | undefined> {
  if (!call) return undefined;
  try {
    return await call();
  } catch {
    return undefined;
  }
}

/** Each distinct token's decimals: given, else its `decimals()` through `provider`; missing when neither works. */
async function decimalsOf(
  tokens: string[],
  given: ExplainOptions["decimals"],
  runner: ethers.ContractRunner | null | undefined,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const abi = ["function decimals() view returns (uint8)"];
  for (const token of new Set(tokens.map((t) => t.toLowerCase()))) {
    const known = lookup(given, token);
    if (known !== undefined) out.set(token, Number(known));
    else if (runner?.provider) {
      const read = await attempt(() => new ethers.Contract(token, abi, runner).decimals() as Promise<bigint>);
      if (read !== undefined) out.set(token, Number(read));
    }
  }
  return out;
}

/** An ISO-8601 UTC time for Unix seconds `seconds`. */
function isoTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * Why the instruction cannot settle as a whole: its deadline (against `options.now` or the latest block), its
 * initiator's nonce (`isNonceUsed`), told apart as cancelled or settled by the engine's `SettlementCancelled` and
 * `SettlementExecuted` events for its id when the engine can query them.
 */
async function instructionReasons(
  engine: SettlementExplainer,
  instruction: Instruction,
  id: string,
  options: ExplainOptions,
): Promise<string[]> {
  const reasons: string[] = [];
  const now =
    options.now ?? (await attempt(async () => (await engine.runner!.provider!.getBlock("latest"))!.timestamp));
  if (now !== undefined && BigInt(now) >= BigInt(instruction.deadline)) {
    reasons.push(`it expired at ${isoTime(instruction.deadline)} (deadline ${instruction.deadline})`);
  }
  const initiator = instruction.legs[0]?.from;
  const used =
    initiator && (await attempt(engine.isNonceUsed && (() => engine.isNonceUsed!(initiator, instruction.nonce))));
  if (used) {
    const contract = engine as unknown as ethers.Contract;
    const count = (event: string) =>
      attempt(async () => (await contract.queryFilter(contract.filters[event](id))).length);
    const nonce = `its initiator ${initiator}'s nonce ${instruction.nonce} is used`;
    if (((await count("SettlementCancelled")) ?? 0) > 0) reasons.push(`it was cancelled (${nonce})`);
    else if (((await count("SettlementExecuted")) ?? 0) > 0) reasons.push(`it settled already (${nonce})`);
    else reasons.push(`${nonce} (by another instruction settled or cancelled with it)`);
  }
  return reasons;
}

/**
 * Asks `engine` how `instruction` would settle now (`explainSettlement`, a view: nothing is sent) and says it in
 * one sentence per leg: what moves (in token units when the decimals are known), then whether it would and, if
 * not, every reason the engine gave — an unregistered token, the sender's missing consent, the token's
 * restriction code (in `sdk/restrictions.ts`'s words), a leg marked held without a hold that would execute — and,
 * for a coin leg refused as "recipient not verified" whose recipient `options.identity` verifies, that the coin's
 * cached eligibility needs `syncHolder(wallet)`. The instruction's own reasons (expired at a time, cancelled,
 * settled, nonce used) are in `reasons` and the summary. `names` maps token addresses to symbols.
 */
export async function explainSettlement(
  engine: SettlementExplainer,
  instruction: Instruction,
  consents: BytesLike[],
  heldLegs: bigint,
  names: Readonly<Record<string, string>> = {},
  options: ExplainOptions = {},
): Promise<SettlementExplanation> {
  const result = await engine.explainSettlement(instruction, consents, heldLegs);
  const tuple = result as readonly unknown[];
  const named = result as { ok?: boolean; id?: string; legs?: LegCheck[] };
  const ok = (named.ok ?? tuple[0]) as boolean;
  const id = (named.id ?? tuple[1]) as string;
  const checks = ((named.legs ?? tuple[2]) as (LegCheck | readonly unknown[])[]).map(legCheckOf);
  if (checks.length !== instruction.legs.length) {
    throw new Error(`explainSettlement: the engine explained ${checks.length} legs of ${instruction.legs.length}`);
  }
  const decimals = await decimalsOf(
    instruction.legs.map((l) => l.token),
    options.decimals,
    engine.runner,
  );
  const legs: LegExplanation[] = [];
  for (const [leg, check] of checks.entries()) {
    const { token, from, to, amount } = instruction.legs[leg];
    const marked = ((heldLegs >> BigInt(leg)) & 1n) === 1n;
    const restriction = Number(check.restriction);
    const reasons: string[] = [];
    if (!check.registered) reasons.push("the token is not a registered asset");
    if (!check.consented) reasons.push(`the sender ${from} has not consented (no signature, affirmation or hold)`);
    if (restriction !== 0) reasons.push(describeRestriction(restriction));
    if (restriction === Restriction.RecipientNotVerified && options.identity) {
      const coin = await attempt(engine.isCoin && (() => engine.isCoin!(token)));
      if (coin && (await attempt(() => options.identity!.isVerified(to)))) {
        reasons.push(
          `the identity registry verifies ${to}, but the coin's cached eligibility is stale: call ` +
            `syncHolder(${to}) on the coin (anyone may), then settle`,
        );
      }
    }
    if (marked && !check.held)
      reasons.push("it is marked held but no hold for it is active and executable (none, expired, short or spent)");
    const units = decimals.get(token.toLowerCase());
    const shown = shownAmount(BigInt(amount), units);
    const what = `leg ${leg}: ${shown} of ${nameOf(token, names)} from ${from} to ${to}`;
    const funding = check.held ? "executing its hold" : "from the sender's available balance";
    const sentence =
      reasons.length === 0 ? `${what} would move (${funding})` : `${what} would not move: ${reasons.join("; ")}`;
    legs.push({ leg, ok: reasons.length === 0, check, sentence });
  }
  const reasons = ok ? [] : await instructionReasons(engine, instruction, id, options);
  const failing = legs.filter((leg) => !leg.ok).map((leg) => leg.leg);
  const parts = [...reasons];
  if (failing.length > 0) parts.push(`leg${failing.length > 1 ? "s" : ""} ${failing.join(", ")} would not move`);
  const summary = ok
    ? "the instruction would settle now"
    : parts.length > 0
      ? `the instruction would not settle: ${parts.join("; ")}`
      : "the instruction would not settle although every leg would move: its deadline has passed, its nonce is " +
        "used or cancelled, or it is malformed";
  return { ok, id, legs, reasons, summary };
}

/* REVERT DATA */

/** An ethers `Interface`, an ABI, or a contract (anything with an `interface`). */
export type InterfaceLike = Interface | InterfaceAbi | { interface: Interface };

/** A custom error (or `Error(string)` / `Panic(uint256)`), decoded. */
export interface DecodedRevert {
  name: string;
  /** E.g. `ERC20InsufficientBalance(address,uint256,uint256)`. */
  signature: string;
  selector: string;
  /** Arguments by name (and in order: `argList`). */
  args: Record<string, unknown>;
  argList: unknown[];
  /** One line a person can read, nested errors decoded. */
  sentence: string;
}

function toInterface(like: InterfaceLike): Interface {
  if (like instanceof ethers.Interface) return like;
  if (typeof like === "object" && like !== null && "interface" in like) return like.interface;
  return new ethers.Interface(like as InterfaceAbi);
}

/** "SecurityTokenTransferRestricted" → "security token transfer restricted"; acronyms stay: "ERC20 insufficient…". */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(" ")
    .map((word) => (/^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word))
    .join(" ");
}

const PANICS: Record<number, string> = {
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "invalid enum value",
  0x22: "invalid storage byte array",
  0x31: "pop on an empty array",
  0x32: "array index out of bounds",
  0x41: "out of memory",
  0x51: "call to an uninitialized function",
};

/** One argument as text; `bytes` that hold revert data known to `interfaces` are decoded in place. */
function formatValue(type: ParamType, value: unknown, interfaces: Interface[], depth: number): string {
  if (type.isArray()) {
    return `[${(value as unknown[]).map((item) => formatValue(type.arrayChildren!, item, interfaces, depth)).join(", ")}]`;
  }
  if (type.isTuple()) {
    const items = value as unknown[];
    return `{${type.components!.map((c, i) => `${c.name || i} ${formatValue(c, items[i], interfaces, depth)}`).join(", ")}}`;
  }
  if (type.type === "uint8" && (type.name === "restriction" || type.name === "code")) {
    return `${value} (${describeRestriction(value as bigint)})`;
  }
  if (type.type === "bytes" && depth < 4) {
    const inner = decode(value as string, interfaces, depth + 1);
    if (inner) return `(${inner.sentence})`;
    return (value as string) === "0x" ? "empty" : (value as string);
  }
  return String(value);
}

function decode(data: BytesLike, interfaces: Interface[], depth: number): DecodedRevert | undefined {
  const hex = ethers.hexlify(data);
  if (ethers.dataLength(hex) < 4) return undefined;
  for (const iface of interfaces) {
    let parsed: ethers.ErrorDescription | null;
    try {
      parsed = iface.parseError(hex);
    } catch {
      continue; // selector known, data malformed for it: let another interface try
    }
    if (!parsed) continue;
    const inputs = parsed.fragment.inputs;
    const argList = inputs.map((_, i) => parsed.args[i] as unknown);
    const args: Record<string, unknown> = {};
    inputs.forEach((input, i) => (args[input.name || String(i)] = argList[i]));
    let sentence: string;
    if (parsed.name === "Error" && parsed.signature === "Error(string)") {
      sentence = `reverted: ${String(argList[0])}`;
    } else if (parsed.name === "Panic" && parsed.signature === "Panic(uint256)") {
      const code = Number(argList[0]);
      sentence = `panic 0x${code.toString(16).padStart(2, "0")}: ${PANICS[code] ?? "unknown panic code"}`;
    } else {
      const shown = inputs.map(
        (input, i) => `${input.name || `#${i}`} ${formatValue(input, argList[i], interfaces, depth)}`,
      );
      sentence = shown.length ? `${words(parsed.name)}: ${shown.join(", ")}` : words(parsed.name);
    }
    return { name: parsed.name, signature: parsed.signature, selector: parsed.selector, args, argList, sentence };
  }
  return undefined;
}

/**
 * Decodes revert `data` with the first of `interfaces` that knows its selector (custom errors, and Solidity's
 * `Error(string)` and `Panic(uint256)`): its name, arguments and a sentence. `bytes` arguments holding revert data
 * (a leg's underlying reason) are decoded in the sentence with the same interfaces; a `uint8` named `restriction`
 * or `code` is read as a restriction code. Undefined when no interface knows the selector.
 */
export function decodeRevert(data: BytesLike, interfaces: readonly InterfaceLike[]): DecodedRevert | undefined {
  return decode(data, interfaces.map(toInterface), 0);
}

/** A sentence for any revert data: decoded when an interface knows it, else its selector and length. */
export function describeRevert(data: BytesLike, interfaces: readonly InterfaceLike[]): string {
  const hex = ethers.hexlify(data);
  if (hex === "0x") return "reverted without data";
  const decoded = decodeRevert(hex, interfaces);
  if (decoded) return decoded.sentence;
  return `unknown error ${ethers.dataSlice(hex, 0, Math.min(4, ethers.dataLength(hex)))} (${ethers.dataLength(hex)} bytes)`;
}

/**
 * The revert data carried by an error thrown by ethers or a provider (`error.data`, or that of a wrapped error),
 * or undefined when it carries none.
 */
export function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const { data, error: inner, info, cause } = current as Record<string, unknown>;
    if (typeof data === "string" && ethers.isHexString(data)) return data;
    if (typeof data === "object" && data !== null) queue.push(data);
    queue.push(inner, cause, (info as Record<string, unknown> | undefined)?.error);
  }
  return undefined;
}
