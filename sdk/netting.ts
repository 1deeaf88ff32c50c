/**
 * Batch net settlement for clearing members (issue 19; `INetSettlement`, the engine's net module): the batch
 * encoding v1 (`encodeBatch` / `decodeBatch`), the Merkle commitment of a batch's trades (leaves, RFC 6962 roots,
 * a streaming root builder, proofs OpenZeppelin's `MerkleProof` verifies), a reference model of netting
 * (`netPositions`) beside gross one-by-one application (`applyGross`, `GrossLedger`), batch sizing under a gas and a
 * calldata ceiling, seeded workloads (member-level Zipf, investor-level uniform), and an off-chain pre-check that
 * splits a batch around its failing trades.
 *
 * Pure TypeScript and ethers v6. Trades name the clearer's table indices (participants, instruments); a batch lists
 * each participant and each (participant, instrument) position once, and its trades point at positions.
 */
import { ethers, type BytesLike, type InterfaceAbi, type Signer } from "ethers";
import { keccakScratch } from "./keccak";
import { describeRestriction } from "./restrictions";
import {
  decodeRevert,
  describeRevert,
  revertDataOf,
  settlementDomain,
  type DecodedRevert,
  type InterfaceLike,
} from "./settlement";

/* TYPES */

/** One matched trade: `quantity` lots of `instrument` from `seller` to `buyer` at `price` ticks a lot. */
export interface NetTrade {
  /** The clearer's trade id: `firstTradeId + t` for trade `t` of its batch (u64). */
  tradeId: bigint;
  /** The buyer's index in the clearer's participant table (u32). */
  buyer: number;
  /** The seller's index in the clearer's participant table (u32). */
  seller: number;
  /** The instrument's index in the clearer's instrument table (u32). */
  instrument: number;
  /** Lots (u32, ≥ 1): the token moves `quantity × lotSize` units. */
  quantity: number;
  /** Ticks per lot (u32, ≥ 1): the coin moves `quantity × price × tickSize` units. */
  price: number;
}

/** An entry of the clearer's instrument table (`addInstrument`). */
export interface Instrument {
  /** The asset's token. */
  token: string;
  /** The coin its trades pay in. */
  coin: string;
  /** Token units per lot (uint96, ≥ 1). */
  lotSize: bigint;
  /** Coin units per price tick per lot (uint96, ≥ 1). */
  tickSize: bigint;
}

/** The instrument table: by index (an array, or a map for sparse tables). */
export type InstrumentTable = readonly Instrument[] | ReadonlyMap<number, Instrument>;

/** A batch before encoding: trade `t` must carry id `firstTradeId + t`. */
export interface NetBatch {
  cycle: number;
  firstTradeId: bigint;
  trades: readonly NetTrade[];
}

/** The encoding's version byte. */
export const BATCH_VERSION = 1;
/** Bytes of one trade in a batch: u16 buyerPos, u16 sellerPos, u32 quantity, u32 price. */
export const TRADE_BYTES = 12;
/** Position flags the engine passes to `settleNet`: the account received in a trade of the batch. */
export const NET_RECEIVED = 1;
/** Position flags the engine passes to `settleNet`: the account delivered in a trade of the batch. */
export const NET_DELIVERED = 2;

const U16 = 0xffff;
const U32 = 0xffffffff;
const U64 = (1n << 64n) - 1n;
const U96 = (1n << 96n) - 1n;

function instrumentAt(table: InstrumentTable, index: number): Instrument {
  const instrument = Array.isArray(table)
    ? (table as readonly Instrument[])[index]
    : (table as ReadonlyMap<number, Instrument>).get(index);
  if (instrument === undefined) throw new RangeError(`instrument ${index} is not in the instrument table`);
  const { lotSize, tickSize } = instrument;
  if (!(lotSize >= 1n && lotSize <= U96 && tickSize >= 1n && tickSize <= U96)) {
    throw new RangeError(`instrument ${index}: lot size ${lotSize} and tick size ${tickSize} must be in 1…2⁹⁶−1`);
  }
  return instrument;
}

function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

/** Why `trade` (trade `t` of a batch) cannot be encoded, or undefined when it can. */
function tradeProblem(trade: NetTrade, t: number, expectedId: bigint): string | undefined {
  if (trade.tradeId !== expectedId) return `trade ${t} has id ${trade.tradeId}, expected ${expectedId} (consecutive)`;
  if (!isUint(trade.buyer, U32)) return `trade ${t}: buyer ${trade.buyer} is not a u32`;
  if (!isUint(trade.seller, U32)) return `trade ${t}: seller ${trade.seller} is not a u32`;
  if (!isUint(trade.instrument, U32)) return `trade ${t}: instrument ${trade.instrument} is not a u32`;
  if (trade.buyer === trade.seller) return `trade ${t}: buyer and seller are both participant ${trade.buyer}`;
  if (!isUint(trade.quantity, U32) || trade.quantity < 1)
    return `trade ${t}: quantity ${trade.quantity} not in 1…2³²−1`;
  if (!isUint(trade.price, U32) || trade.price < 1) return `trade ${t}: price ${trade.price} not in 1…2³²−1`;
  return undefined;
}

/* BATCH ENCODING V1 */

/** A batch's layout: its participants, instruments and positions in header order. */
export interface BatchLayout {
  /** Participant table indices, ascending (local index = position in this list). */
  participants: number[];
  /** Per instrument (ascending table index): its participants' local indices, ascending. */
  instruments: { instrument: number; participants: number[] }[];
  /** Number of positions (Σ participants per instrument). */
  positions: number;
}

/** Bytes of a batch with `participants`, `instruments`, `positions` and `trades`. */
export function batchBytes(participants: number, instruments: number, positions: number, trades: number): number {
  return 1 + 4 + 8 + 2 + 4 * participants + 2 + 6 * instruments + 2 * positions + 4 + TRADE_BYTES * trades;
}

/**
 * The batch encoding v1 of `batch` (INetSettlement's `submitBatch`): the canonical header — every participant of a
 * trade once, ascending; every instrument ascending with its participants' local indices ascending — then the
 * trades in their order as (buyer position, seller position, quantity, price). Throws a RangeError naming the
 * trade when a trade cannot be encoded (ids not consecutive from `firstTradeId`, a self-trade, a zero quantity or
 * price, a value out of range) or the batch exceeds the format (65,535 participants or instruments, 65,536
 * positions, at least one trade).
 */
export function encodeBatch(batch: NetBatch): Uint8Array {
  const { cycle, firstTradeId, trades } = batch;
  if (!isUint(cycle, U32)) throw new RangeError(`encodeBatch: cycle ${cycle} is not a u32`);
  if (firstTradeId < 0n || firstTradeId + BigInt(trades.length) - 1n > U64) {
    throw new RangeError(`encodeBatch: trade ids ${firstTradeId}…+${trades.length} do not fit a u64`);
  }
  if (trades.length < 1) throw new RangeError("encodeBatch: a batch has at least one trade");
  if (trades.length > U32) throw new RangeError(`encodeBatch: ${trades.length} trades exceed a u32`);
  // Participants and, per instrument, its participants.
  const byInstrument = new Map<number, Set<number>>();
  const everyone = new Set<number>();
  let id = firstTradeId;
  for (let t = 0; t < trades.length; t++, id++) {
    const trade = trades[t];
    const problem = tradeProblem(trade, t, id);
    if (problem) throw new RangeError(`encodeBatch: ${problem}`);
    everyone.add(trade.buyer).add(trade.seller);
    let members = byInstrument.get(trade.instrument);
    if (members === undefined) byInstrument.set(trade.instrument, (members = new Set()));
    members.add(trade.buyer).add(trade.seller);
  }
  const participants = [...everyone].sort((a, b) => a - b);
  if (participants.length > U16) throw new RangeError(`encodeBatch: ${participants.length} participants exceed 65,535`);
  const local = new Map<number, number>();
  participants.forEach((participant, i) => local.set(participant, i));
  const instruments = [...byInstrument.keys()].sort((a, b) => a - b);
  if (instruments.length > U16) throw new RangeError(`encodeBatch: ${instruments.length} instruments exceed 65,535`);
  // Position numbers, instrument-major: position of (instrument, participant) in `positionOf`.
  const positionOf = new Map<number, Map<number, number>>();
  const lists: number[][] = [];
  let positions = 0;
  for (const instrument of instruments) {
    const members = [...byInstrument.get(instrument)!].map((p) => local.get(p)!).sort((a, b) => a - b);
    const numbers = new Map<number, number>();
    for (const member of members) numbers.set(participants[member], positions++);
    positionOf.set(instrument, numbers);
    lists.push(members);
  }
  if (positions > U16 + 1) throw new RangeError(`encodeBatch: ${positions} positions exceed 65,536`);
  // Write.
  const out = new Uint8Array(batchBytes(participants.length, instruments.length, positions, trades.length));
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at, BATCH_VERSION);
  view.setUint32(at + 1, cycle);
  view.setBigUint64(at + 5, firstTradeId);
  view.setUint16(at + 13, participants.length);
  at = 15;
  for (const participant of participants) view.setUint32((at += 4) - 4, participant);
  view.setUint16(at, instruments.length);
  at += 2;
  instruments.forEach((instrument, i) => {
    view.setUint32(at, instrument);
    view.setUint16(at + 4, lists[i].length);
    at += 6;
    for (const member of lists[i]) view.setUint16((at += 2) - 2, member);
  });
  view.setUint32(at, trades.length);
  at += 4;
  for (const trade of trades) {
    const numbers = positionOf.get(trade.instrument)!;
    view.setUint16(at, numbers.get(trade.buyer)!);
    view.setUint16(at + 2, numbers.get(trade.seller)!);
    view.setUint32(at + 4, trade.quantity);
    view.setUint32(at + 8, trade.price);
    at += TRADE_BYTES;
  }
  return out;
}

/** A decoded batch: its header, its layout and its trades with table indices. */
export interface DecodedBatch extends BatchLayout {
  version: number;
  cycle: number;
  firstTradeId: bigint;
  trades: NetTrade[];
}

/** A malformed batch: `offset` is the byte where decoding stopped. */
export class BatchDecodeError extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`decodeBatch: at byte ${offset}: ${problem}`);
    this.name = "BatchDecodeError";
  }
}

/**
 * Decodes and validates a batch of encoding v1 as the engine does, and returns its trades with table indices:
 * `decodeBatch(encodeBatch(b))` gives `b`'s trades back. Throws a {@link BatchDecodeError} naming the byte offset
 * of the first problem: truncated data, trailing bytes, another version, lists not strictly ascending, a local
 * participant index ≥ P, an instrument listing no participant, no trades, a trade's position out of range,
 * positions of different instruments or of the same participant, a zero quantity or price, a position no trade
 * uses, trade ids past 2⁶⁴ − 1.
 */
export function decodeBatch(data: BytesLike): DecodedBatch {
  const bytes = ethers.getBytes(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (count: number, what: string) => {
    if (bytes.length - at < count) {
      throw new BatchDecodeError(at, `truncated: ${what} needs ${count} bytes, ${bytes.length - at} left`);
    }
  };
  need(15, "the header (version, cycle, first trade id, participant count)");
  const version = view.getUint8(0);
  if (version !== BATCH_VERSION) throw new BatchDecodeError(0, `version ${version}, expected ${BATCH_VERSION}`);
  const cycle = view.getUint32(1);
  const firstTradeId = view.getBigUint64(5);
  const participantCount = view.getUint16(13);
  at = 15;
  need(4 * participantCount, `${participantCount} participant indices`);
  const participants: number[] = [];
  for (let i = 0; i < participantCount; i++, at += 4) {
    const participant = view.getUint32(at);
    if (i > 0 && participant <= participants[i - 1]) {
      throw new BatchDecodeError(
        at,
        `participant ${participant} not above ${participants[i - 1]} (strictly ascending)`,
      );
    }
    participants.push(participant);
  }
  need(2, "the instrument count");
  const instrumentCount = view.getUint16(at);
  at += 2;
  const instruments: { instrument: number; participants: number[] }[] = [];
  const positionParticipant: number[] = [];
  const positionInstrument: number[] = [];
  for (let i = 0; i < instrumentCount; i++) {
    need(6, `instrument ${i}'s index and participant count`);
    const instrument = view.getUint32(at);
    if (i > 0 && instrument <= instruments[i - 1].instrument) {
      throw new BatchDecodeError(
        at,
        `instrument ${instrument} not above ${instruments[i - 1].instrument} (strictly ascending)`,
      );
    }
    const count = view.getUint16(at + 4);
    if (count === 0) throw new BatchDecodeError(at + 4, `instrument ${instrument} lists no participant`);
    at += 6;
    need(2 * count, `instrument ${instrument}'s ${count} participant local indices`);
    const members: number[] = [];
    for (let k = 0; k < count; k++, at += 2) {
      const member = view.getUint16(at);
      if (member >= participantCount) {
        throw new BatchDecodeError(
          at,
          `local participant ${member} of instrument ${instrument} ≥ P = ${participantCount}`,
        );
      }
      if (k > 0 && member <= members[k - 1]) {
        throw new BatchDecodeError(at, `local participant ${member} not above ${members[k - 1]} (strictly ascending)`);
      }
      members.push(member);
      positionParticipant.push(member);
      positionInstrument.push(instrument);
    }
    instruments.push({ instrument, participants: members });
  }
  const positions = positionParticipant.length;
  need(4, "the trade count");
  const tradeCount = view.getUint32(at);
  if (tradeCount < 1) throw new BatchDecodeError(at, "no trades (T ≥ 1)");
  at += 4;
  if (firstTradeId + BigInt(tradeCount) - 1n > U64) {
    throw new BatchDecodeError(5, `trade ids ${firstTradeId} + ${tradeCount} pass 2⁶⁴ − 1`);
  }
  need(TRADE_BYTES * tradeCount, `${tradeCount} trades of ${TRADE_BYTES} bytes`);
  const used = new Uint8Array(positions);
  const trades: NetTrade[] = new Array<NetTrade>(tradeCount);
  for (let t = 0; t < tradeCount; t++, at += TRADE_BYTES) {
    const buyerPos = view.getUint16(at);
    const sellerPos = view.getUint16(at + 2);
    const quantity = view.getUint32(at + 4);
    const price = view.getUint32(at + 8);
    if (buyerPos >= positions) throw new BatchDecodeError(at, `trade ${t}: buyer position ${buyerPos} ≥ ${positions}`);
    if (sellerPos >= positions) {
      throw new BatchDecodeError(at + 2, `trade ${t}: seller position ${sellerPos} ≥ ${positions}`);
    }
    if (positionInstrument[buyerPos] !== positionInstrument[sellerPos]) {
      throw new BatchDecodeError(
        at,
        `trade ${t}: positions ${buyerPos} and ${sellerPos} are of instruments ` +
          `${positionInstrument[buyerPos]} and ${positionInstrument[sellerPos]}`,
      );
    }
    if (positionParticipant[buyerPos] === positionParticipant[sellerPos]) {
      throw new BatchDecodeError(
        at,
        `trade ${t}: buyer and seller are both participant ${participants[positionParticipant[buyerPos]]}`,
      );
    }
    if (quantity < 1) throw new BatchDecodeError(at + 4, `trade ${t}: quantity 0`);
    if (price < 1) throw new BatchDecodeError(at + 8, `trade ${t}: price 0`);
    used[buyerPos] = 1;
    used[sellerPos] = 1;
    trades[t] = {
      tradeId: firstTradeId + BigInt(t),
      buyer: participants[positionParticipant[buyerPos]],
      seller: participants[positionParticipant[sellerPos]],
      instrument: positionInstrument[buyerPos],
      quantity,
      price,
    };
  }
  if (at !== bytes.length) throw new BatchDecodeError(at, `${bytes.length - at} trailing bytes after the trades`);
  const unused = used.indexOf(0);
  if (unused >= 0) {
    throw new BatchDecodeError(
      at,
      `position ${unused} (participant ${participants[positionParticipant[unused]]}, instrument ` +
        `${positionInstrument[unused]}) is used by no trade`,
    );
  }
  return { version, cycle, firstTradeId, participants, instruments, positions, trades };
}

/* MERKLE COMMITMENT */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A 32-bit value's bytes reversed: a big-endian field as Keccak's little-endian word. */
function swap(value: number): number {
  return ((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24);
}

/** The 8 words of `hash` (0x + 64 hex digits) into `out` at `offset`. */
function wordsOf(hash: string, out: Int32Array, offset: number): void {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new TypeError(`not a bytes32: ${hash}`);
  for (let k = 0; k < 8; k++) out[offset + k] = swap(parseInt(hash.slice(2 + 8 * k, 10 + 8 * k), 16));
}

/** The 8 words at `offset` as 0x + 64 hex digits. */
function hexOf(words: Int32Array, offset: number): string {
  let hex = "0x";
  for (let k = 0; k < 8; k++) {
    const w = words[offset + k];
    hex += HEX[w & 0xff] + HEX[(w >>> 8) & 0xff] + HEX[(w >>> 16) & 0xff] + HEX[w >>> 24];
  }
  return hex;
}

/** The hashing kernel's input (the leaf word of a trade, or a node's two children) and digest, in place. */
const { input: pair, output: digest } = keccakScratch;

/** Writes trade's leaf hash to `out` at `offset`. */
function leafInto(trade: NetTrade, out: Int32Array, offset: number): void {
  const id = trade.tradeId;
  if (id < 0n || id > U64) throw new RangeError(`tradeLeaf: trade id ${id} is not a u64`);
  pair[0] = swap(Number(id >> 32n));
  pair[1] = swap(Number(id & 0xffffffffn));
  pair[2] = swap(trade.buyer);
  pair[3] = swap(trade.seller);
  pair[4] = swap(trade.instrument);
  pair[5] = swap(trade.quantity);
  pair[6] = swap(trade.price);
  pair[7] = 0;
  keccakScratch.hash(8);
  for (let k = 0; k < 8; k++) out[offset + k] = digest[k];
}

/** `node(a, b) = keccak256(min ‖ max)` of the hashes at `a` (in `left`) and `b` (in `right`), into `out`. */
function nodeInto(left: Int32Array, a: number, right: Int32Array, b: number, out: Int32Array, offset: number): void {
  let aFirst = true;
  for (let k = 0; k < 8; k++) {
    const x = left[a + k];
    const y = right[b + k];
    if (x !== y) {
      aFirst = swap(x) >>> 0 < swap(y) >>> 0;
      break;
    }
  }
  const low = aFirst ? 0 : 8;
  const high = 8 - low;
  for (let k = 0; k < 8; k++) {
    pair[low + k] = left[a + k];
    pair[high + k] = right[b + k];
  }
  keccakScratch.hash(16);
  for (let k = 0; k < 8; k++) out[offset + k] = digest[k];
}

/**
 * A trade's Merkle leaf: `keccak256` of one 32-byte word, tradeId u64 ‖ buyer u32 ‖ seller u32 ‖ instrument u32 ‖
 * quantity u32 ‖ price u32 ‖ 4 zero bytes (table indices), as `INetSettlement.tradeLeaf` computes it.
 */
export function tradeLeaf(trade: NetTrade): string {
  const out = new Int32Array(8);
  leafInto(trade, out, 0);
  return hexOf(out, 0);
}

/** `keccak256(min(a, b) ‖ max(a, b))`: OpenZeppelin's `Hashes.commutativeKeccak256`. */
export function merkleNode(a: string, b: string): string {
  const words = new Int32Array(16);
  wordsOf(a, words, 0);
  wordsOf(b, words, 8);
  nodeInto(words, 0, words, 8, words, 0);
  return hexOf(words, 0);
}

/**
 * The root of a sequence of trades built leaf by leaf in O(log n) memory: a stack of the peaks of perfect
 * subtrees (one per set bit of the count), merged as leaves arrive and folded right to left at the end — the
 * RFC 6962 tree (`root(D[0..n)) = node(root(D[0..k)), root(D[k..n)))`, k the largest power of two < n), as the
 * engine builds it.
 */
export class MerkleStream {
  private readonly peaks = new Int32Array(8 * 65);
  private readonly scratch = new Int32Array(8);
  private depth = 0;
  private count = 0;

  /** Leaves pushed so far. */
  get size(): number {
    return this.count;
  }

  /** Appends trade's leaf. */
  push(trade: NetTrade): this {
    leafInto(trade, this.scratch, 0);
    return this.pushWords(this.scratch, 0);
  }

  /** Appends every trade of `trades`. */
  pushAll(trades: Iterable<NetTrade>): this {
    for (const trade of trades) this.push(trade);
    return this;
  }

  /** Appends a leaf given as a bytes32 hex string. */
  pushLeaf(leaf: string): this {
    wordsOf(leaf, this.scratch, 0);
    return this.pushWords(this.scratch, 0);
  }

  private pushWords(words: Int32Array, offset: number): this {
    const peaks = this.peaks;
    let top = 8 * this.depth;
    for (let k = 0; k < 8; k++) peaks[top + k] = words[offset + k];
    // Each trailing set bit of the count is a peak of the same height as the new one: merge them.
    for (let n = this.count; n & 1; n = Math.floor(n / 2)) {
      nodeInto(peaks, top - 8, peaks, top, peaks, top - 8);
      top -= 8;
    }
    this.depth = top / 8 + 1;
    this.count++;
    return this;
  }

  /** The root of the leaves so far (at least one). */
  root(): string {
    if (this.count === 0) throw new RangeError("MerkleStream.root: no leaves");
    const acc = new Int32Array(8);
    const peaks = this.peaks;
    const top = 8 * (this.depth - 1);
    for (let k = 0; k < 8; k++) acc[k] = peaks[top + k];
    for (let at = top - 8; at >= 0; at -= 8) nodeInto(peaks, at, acc, 0, acc, 0);
    return hexOf(acc, 0);
  }
}

/** The Merkle root of `trades` (at least one), as the engine stores it for their batch. */
export function merkleRoot(trades: Iterable<NetTrade>): string {
  return new MerkleStream().pushAll(trades).root();
}

/** The root of leaves `from…to` (words in `leaves`) into `out` at `offset`. */
function subtreeInto(leaves: Int32Array, from: number, to: number, out: Int32Array, offset: number): void {
  if (to - from === 1) {
    for (let k = 0; k < 8; k++) out[offset + k] = leaves[8 * from + k];
    return;
  }
  const half = largestPowerOfTwoBelow(to - from);
  const children = new Int32Array(16);
  subtreeInto(leaves, from, from + half, children, 0);
  subtreeInto(leaves, from + half, to, children, 8);
  nodeInto(children, 0, children, 8, out, offset);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The proof that trade `index` of `trades` is in their tree: the siblings from its leaf up (RFC 6962's audit path),
 * for OpenZeppelin's `MerkleProof.verify(proof, root, leaf)` and the engine's `verifyTrade`.
 */
export function merkleProof(trades: readonly NetTrade[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= trades.length) {
    throw new RangeError(`merkleProof: index ${index} not in 0…${trades.length - 1}`);
  }
  const leaves = new Int32Array(8 * trades.length);
  trades.forEach((trade, i) => leafInto(trade, leaves, 8 * i));
  const path: string[] = [];
  const sibling = new Int32Array(8);
  const walk = (from: number, to: number) => {
    if (to - from === 1) return;
    const half = largestPowerOfTwoBelow(to - from);
    if (index < from + half) {
      walk(from, from + half);
      subtreeInto(leaves, from + half, to, sibling, 0);
    } else {
      walk(from + half, to);
      subtreeInto(leaves, from, from + half, sibling, 0);
    }
    path.push(hexOf(sibling, 0));
  };
  walk(0, trades.length);
  return path;
}

/** What a participant or the regulator needs to check one trade of a batch with the engine's `verifyTrade`. */
export interface TradeProof {
  /** The trade, as `verifyTrade`'s `NetTrade` argument. */
  trade: NetTrade;
  leaf: string;
  proof: string[];
  /** The batch's root (`NetBatchSettled`'s). */
  root: string;
}

/** The proof of trade `index` of a batch's `trades`, with its leaf and the batch's root. */
export function tradeProof(trades: readonly NetTrade[], index: number): TradeProof {
  const proof = merkleProof(trades, index);
  const trade = trades[index];
  return { trade, leaf: tradeLeaf(trade), proof, root: merkleRoot(trades) };
}

/** The root `proof` leads to from `leaf`: OpenZeppelin's `MerkleProof.processProof`. */
export function processProof(proof: readonly string[], leaf: string): string {
  return proof.reduce((hash, sibling) => merkleNode(hash, sibling), leaf);
}

/** Whether `proof` proves `leaf` under `root`: OpenZeppelin's `MerkleProof.verify`. */
export function verifyProof(proof: readonly string[], root: string, leaf: string): boolean {
  return processProof(proof, leaf) === root.toLowerCase();
}

/* REFERENCE MODEL */

/** A (participant, instrument) position's net change in a batch. */
export interface NetPosition {
  participant: number;
  instrument: number;
  token: string;
  /** Net token units: + bought, − sold. */
  units: bigint;
  /** {@link NET_RECEIVED} | {@link NET_DELIVERED}. */
  flags: number;
  /** The index (in the batch) of the first trade touching the position: the trade `NetTradeFailed` names. */
  firstTrade: number;
}

/** A (participant, coin) cash position's net change in a batch. */
export interface CashPosition {
  participant: number;
  coin: string;
  /** Net coin units: + received (sold), − paid (bought). */
  cash: bigint;
  flags: number;
  firstTrade: number;
}

/** What a batch nets to. */
export interface NetResult {
  /** Positions in header order (instrument ascending, then participant ascending). */
  positions: NetPosition[];
  /** Cash positions, by coin (as first met in instrument order), then participant ascending. */
  cash: CashPosition[];
}

/**
 * The reference model of netting: per (participant, instrument) the net units (quantity × lotSize, to the buyer
 * from the seller) and per (participant, coin) the net cash (quantity × price × tickSize, to the seller from the
 * buyer), each with its flags (received in some trade, delivered in some trade) and the first trade touching it.
 */
export function netPositions(trades: readonly NetTrade[], instruments: InstrumentTable): NetResult {
  const positions = new Map<number, Map<number, NetPosition>>();
  const cash = new Map<string, Map<number, CashPosition>>();
  const touch = <K, V extends { flags: number }>(map: Map<K, V>, key: K, create: () => V, flag: number) => {
    let entry = map.get(key);
    if (entry === undefined) map.set(key, (entry = create()));
    entry.flags |= flag;
    return entry;
  };
  trades.forEach((trade, t) => {
    const instrument = instrumentAt(instruments, trade.instrument);
    const units = BigInt(trade.quantity) * instrument.lotSize;
    const amount = BigInt(trade.quantity) * BigInt(trade.price) * instrument.tickSize;
    let byParticipant = positions.get(trade.instrument);
    if (byParticipant === undefined) positions.set(trade.instrument, (byParticipant = new Map()));
    const position = (participant: number): NetPosition => ({
      participant,
      instrument: trade.instrument,
      token: instrument.token,
      units: 0n,
      flags: 0,
      firstTrade: t,
    });
    touch(byParticipant, trade.buyer, () => position(trade.buyer), NET_RECEIVED).units += units;
    touch(byParticipant, trade.seller, () => position(trade.seller), NET_DELIVERED).units -= units;
    const coin = instrument.coin.toLowerCase();
    let byPayer = cash.get(coin);
    if (byPayer === undefined) cash.set(coin, (byPayer = new Map()));
    const cashPosition = (participant: number): CashPosition => ({
      participant,
      coin: instrument.coin,
      cash: 0n,
      flags: 0,
      firstTrade: t,
    });
    touch(byPayer, trade.buyer, () => cashPosition(trade.buyer), NET_DELIVERED).cash -= amount;
    touch(byPayer, trade.seller, () => cashPosition(trade.seller), NET_RECEIVED).cash += amount;
  });
  const byKey = <V>(map: Map<number, V>) => [...map.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  const coinOrder: string[] = [];
  for (const instrument of [...positions.keys()].sort((a, b) => a - b)) {
    const coin = instrumentAt(instruments, instrument).coin.toLowerCase();
    if (!coinOrder.includes(coin)) coinOrder.push(coin);
  }
  return {
    positions: [...positions.entries()].sort(([a], [b]) => a - b).flatMap(([, map]) => byKey(map)),
    cash: coinOrder.flatMap((coin) => byKey(cash.get(coin)!)),
  };
}

/** Balances: asset address (lower case) → participant index → units. */
export type Balances = Map<string, Map<number, bigint>>;

function addTo(balances: Balances, asset: string, participant: number, amount: bigint): void {
  const key = asset.toLowerCase();
  let accounts = balances.get(key);
  if (accounts === undefined) balances.set(key, (accounts = new Map()));
  accounts.set(participant, (accounts.get(participant) ?? 0n) + amount);
}

/**
 * Applies `trades` one by one (gross: each trade moves its units from seller to buyer and its cash from buyer to
 * seller) to `balances`, which it changes and returns. No check: a balance may go negative; compare with the chain.
 */
export function applyGross(balances: Balances, trades: Iterable<NetTrade>, instruments: InstrumentTable): Balances {
  for (const trade of trades) {
    const instrument = instrumentAt(instruments, trade.instrument);
    const units = BigInt(trade.quantity) * instrument.lotSize;
    const amount = BigInt(trade.quantity) * BigInt(trade.price) * instrument.tickSize;
    addTo(balances, instrument.token, trade.seller, -units);
    addTo(balances, instrument.token, trade.buyer, units);
    addTo(balances, instrument.coin, trade.buyer, -amount);
    addTo(balances, instrument.coin, trade.seller, amount);
  }
  return balances;
}

/** Applies a batch's net result to `balances` (changed and returned): what the engine's `settleNet` calls do. */
export function applyNet(balances: Balances, net: NetResult): Balances {
  for (const position of net.positions) addTo(balances, position.token, position.participant, position.units);
  for (const position of net.cash) addTo(balances, position.coin, position.participant, position.cash);
  return balances;
}

/**
 * A gross ledger for long runs (a day of trades): dense per (asset, participant) accumulators in doubles, exact
 * because every amount and every running balance is checked to stay within ±(2⁵³ − 1) (it throws otherwise: use
 * {@link applyGross}). Participants are 0…`participants − 1`.
 */
export class GrossLedger {
  private readonly assets: string[] = [];
  private readonly accounts: Float64Array[] = [];
  private readonly tokenOf: Int32Array;
  private readonly coinOf: Int32Array;
  private readonly lot: Float64Array;
  private readonly tick: Float64Array;

  constructor(
    instruments: readonly Instrument[],
    readonly participants: number,
  ) {
    const assetIndex = (address: string) => {
      const key = address.toLowerCase();
      let i = this.assets.indexOf(key);
      if (i < 0) {
        i = this.assets.push(key) - 1;
        this.accounts.push(new Float64Array(participants));
      }
      return i;
    };
    this.tokenOf = Int32Array.from(instruments, (instrument) => assetIndex(instrument.token));
    this.coinOf = Int32Array.from(instruments, (instrument) => assetIndex(instrument.coin));
    const safe = (value: bigint, what: string) => {
      if (value < 1n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`GrossLedger: ${what} ${value}`);
      return Number(value);
    };
    this.lot = Float64Array.from(instruments, (instrument) => safe(instrument.lotSize, "lot size"));
    this.tick = Float64Array.from(instruments, (instrument) => safe(instrument.tickSize, "tick size"));
  }

  /** Adds `amount` to `participant`'s balance of `asset` (e.g. an opening balance). */
  credit(asset: string, participant: number, amount: bigint): void {
    const i = this.assets.indexOf(asset.toLowerCase());
    if (i < 0) throw new RangeError(`GrossLedger: ${asset} is no instrument's token or coin`);
    this.add(this.accounts[i], participant, GrossLedger.exact(Number(amount), "credit"));
  }

  /** Applies `trades` one by one. */
  apply(trades: Iterable<NetTrade>): this {
    for (const trade of trades) {
      const i = trade.instrument;
      if (!(i >= 0 && i < this.tokenOf.length)) throw new RangeError(`GrossLedger: instrument ${i} unknown`);
      const units = GrossLedger.exact(trade.quantity * this.lot[i], "units");
      const cash = GrossLedger.exact(trade.quantity * trade.price * this.tick[i], "cash");
      const token = this.accounts[this.tokenOf[i]];
      const coin = this.accounts[this.coinOf[i]];
      this.add(token, trade.seller, -units);
      this.add(token, trade.buyer, units);
      this.add(coin, trade.buyer, -cash);
      this.add(coin, trade.seller, cash);
    }
    return this;
  }

  /** `participant`'s balance of `asset`. */
  balance(asset: string, participant: number): bigint {
    const i = this.assets.indexOf(asset.toLowerCase());
    return i < 0 ? 0n : BigInt(this.accounts[i][participant] ?? 0);
  }

  /** Every non-zero balance, as {@link Balances}. */
  balances(): Balances {
    const out: Balances = new Map();
    this.assets.forEach((asset, i) => {
      const accounts = new Map<number, bigint>();
      this.accounts[i].forEach((value, participant) => value !== 0 && accounts.set(participant, BigInt(value)));
      out.set(asset, accounts);
    });
    return out;
  }

  private static exact(value: number, what: string): number {
    if (!Number.isSafeInteger(value)) throw new RangeError(`GrossLedger: ${what} ${value} is not a safe integer`);
    return value;
  }

  private add(accounts: Float64Array, participant: number, amount: number): void {
    if (!(participant >= 0 && participant < accounts.length)) {
      throw new RangeError(`GrossLedger: participant ${participant} not in 0…${accounts.length - 1}`);
    }
    const value = accounts[participant] + amount;
    if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`GrossLedger: a balance leaves the exact range of doubles (${value})`);
    }
    accounts[participant] = value;
  }
}

/* BATCH SIZING */

/** The per-transaction gas cap of Ethereum's Osaka rules (EIP-7825): a batch under it runs on any chain. */
export const GAS_CEILING_OSAKA = 16_777_216;
/** A consortium chain pinned to Cancun has no per-transaction cap: the Besu kit's block gas limit must allow it. */
export const GAS_CEILING_CONSORTIUM = 100_000_000;
/**
 * Default ceiling of a submission's transaction data (selector and ABI encoding included): 1 MiB, 2 MiB of hex in a
 * JSON-RPC request, under common nodes' request size limits; ≈ 87,000 trades of 12 bytes. Configurable.
 */
export const DEFAULT_CALLDATA_CEILING = 1_048_576;

/** What a batch's gas depends on. */
export interface BatchCounts {
  trades: number;
  participants: number;
  instruments: number;
  coins: number;
  /** (participant, instrument) positions. */
  positions: number;
  /** (participant, coin) positions. */
  cashPositions: number;
  /** Positions and cash positions whose balance is zero before the batch (a write from zero: ≈ 22,100 gas). */
  positionsCreated: number;
  /** Positions and cash positions holding a balance before the batch (a rewrite: ≈ 5,000 gas). */
  positionsRewritten: number;
  /** The batch's bytes. */
  batchBytes: number;
  /** The transaction's data: selector, ABI head and the batch padded to 32 bytes. */
  calldataBytes: number;
  /** Zero bytes of the transaction's data (4 gas instead of 16); 0 when not known (an upper bound). */
  calldataZeroBytes: number;
}

/** A batch's gas from its counts. */
export type GasModel = (counts: BatchCounts) => number;

/** The coefficients of {@link linearGasModel}. */
export interface GasCoefficients {
  /** Transaction intrinsic gas. */
  intrinsic: number;
  /** Per non-zero / zero byte of transaction data. */
  calldataNonZeroByte: number;
  calldataZeroByte: number;
  /** Once per batch: call dispatch, header, the batch record and its event. */
  batch: number;
  /** Per trade: decoding, validation, accumulation, its leaf and Merkle node. */
  trade: number;
  /** Per participant: its table entry (a cold slot) and memory. */
  participant: number;
  /** Per instrument: its table entry and the token's `settleNet` call (cold account, the token's fixed checks). */
  instrument: number;
  /** Per coin: the coin's `settleNet` call. */
  coin: number;
  /** Per position or cash position: the token's per-account checks (frozen, compliance) and arrays. */
  position: number;
  /** Per position written from zero / rewritten (storage). */
  positionCreated: number;
  positionRewritten: number;
}

/**
 * Defaults measured on the real tokens (`npm run bench`'s call trace of a member-level 100 M batch and of an
 * investor-level 16 M batch, issue 19): the engine ≈ 910 gas a trade besides call data (its trade loop ≈ 600, the
 * rest its tables and the calls' arguments); a security's `settleNet` ≈ 12,500 gas a call and ≈ 7,900 a rewritten
 * position (the 5,000 of the balance word's rewrite, the `Transfer` event, the checks; the pipeline ≈ 340), the
 * coin's ≈ 7,500 a cash position. Fitted so that the model stays above each measured warm-up batch (by 1–8 %); a
 * position written from zero is counted with a new holder's accounting (≈ 34,000 on a security). Calibrate on your
 * chain (one `estimateGas` of a sample batch) and pass your own to {@link linearGasModel}.
 */
export const DEFAULT_GAS_COEFFICIENTS: Readonly<GasCoefficients> = {
  intrinsic: 21_000,
  calldataNonZeroByte: 16,
  calldataZeroByte: 4,
  batch: 66_000,
  trade: 760,
  participant: 2_600,
  instrument: 20_000,
  coin: 20_000,
  position: 4_100,
  positionCreated: 30_000,
  positionRewritten: 5_000,
};

/** A gas model linear in the counts. */
export function linearGasModel(coefficients: Partial<GasCoefficients> = {}): GasModel {
  const c = { ...DEFAULT_GAS_COEFFICIENTS, ...coefficients };
  return (n) =>
    c.intrinsic +
    c.calldataNonZeroByte * (n.calldataBytes - n.calldataZeroBytes) +
    c.calldataZeroByte * n.calldataZeroBytes +
    c.batch +
    c.trade * n.trades +
    c.participant * n.participants +
    c.instrument * n.instruments +
    c.coin * n.coins +
    c.position * (n.positions + n.cashPositions) +
    c.positionCreated * n.positionsCreated +
    c.positionRewritten * n.positionsRewritten;
}

/** The default gas model ({@link DEFAULT_GAS_COEFFICIENTS}). */
export const defaultGasModel: GasModel = linearGasModel();

/** Bytes of `submitBatch(batch)`'s transaction data for a batch of `bytes` bytes. */
export function submitCalldataBytes(bytes: number): number {
  return 4 + 32 + 32 + 32 * Math.ceil(bytes / 32);
}

/** The ceilings a batch must stay under, and how its gas is estimated. */
export interface SizingOptions {
  /** Gas ceiling (default {@link GAS_CEILING_OSAKA}). */
  gasCeiling?: number;
  /** Ceiling of the transaction's data in bytes (default {@link DEFAULT_CALLDATA_CEILING}). */
  calldataCeiling?: number;
  /** Default {@link defaultGasModel}. */
  gasModel?: GasModel;
  /**
   * The instrument table: coins group cash positions. Without it every instrument counts as its own coin (an
   * upper bound).
   */
  instruments?: InstrumentTable;
  /**
   * Whether `participant` holds a balance of `asset` (a token's or a coin's address, in lower case) before the
   * batch; without it (or without `instruments`) every position counts as created (an upper bound).
   */
  holds?: (participant: number, asset: string) => boolean;
  /** At most this many trades a batch (default none). */
  maxTrades?: number;
}

/** A batch sized under the ceilings. */
export interface PlannedBatch extends NetBatch {
  counts: BatchCounts;
  /** The model's gas for it. */
  gas: number;
}

/** The running counts of a batch being filled, trade by trade. */
class BatchTally {
  readonly participants = new Set<number>();
  readonly positions = new Map<number, Set<number>>();
  readonly cash = new Map<string, Set<number>>();
  trades = 0;
  positionCount = 0;
  cashCount = 0;
  created = 0;
  rewritten = 0;
  private readonly coins = new Map<number, string>();
  private readonly tokens = new Map<number, string>();

  constructor(private readonly options: SizingOptions) {}

  private coinOf(instrument: number): string {
    let coin = this.coins.get(instrument);
    if (coin === undefined) {
      coin = this.options.instruments
        ? instrumentAt(this.options.instruments, instrument).coin.toLowerCase()
        : `instrument:${instrument}`;
      this.coins.set(instrument, coin);
    }
    return coin;
  }

  private tokenOf(instrument: number): string {
    let token = this.tokens.get(instrument);
    if (token === undefined) {
      token = this.options.instruments ? instrumentAt(this.options.instruments, instrument).token.toLowerCase() : "";
      this.tokens.set(instrument, token);
    }
    return token;
  }

  private isNew(participant: number, asset: string): boolean {
    const holds = this.options.holds;
    return holds === undefined || asset === "" || asset.startsWith("instrument:") || !holds(participant, asset);
  }

  /** The counts with `trade` added (`commit` to keep it). */
  with(trade: NetTrade, commit: boolean): BatchCounts {
    const { buyer, seller, instrument } = trade;
    let participants = this.participants.size;
    if (!this.participants.has(buyer)) participants++;
    if (!this.participants.has(seller)) participants++;
    const members = this.positions.get(instrument);
    const coin = this.coinOf(instrument);
    const payers = this.cash.get(coin);
    let positions = this.positionCount;
    let cashPositions = this.cashCount;
    let created = this.created;
    let rewritten = this.rewritten;
    const token = this.tokenOf(instrument);
    for (const party of [buyer, seller]) {
      if (members === undefined || !members.has(party)) {
        positions++;
        if (this.isNew(party, token)) created++;
        else rewritten++;
      }
      if (payers === undefined || !payers.has(party)) {
        cashPositions++;
        if (this.isNew(party, coin)) created++;
        else rewritten++;
      }
    }
    const instruments = this.positions.size + (members === undefined ? 1 : 0);
    const coins = this.cash.size + (payers === undefined ? 1 : 0);
    if (commit) {
      this.participants.add(buyer).add(seller);
      if (members === undefined) this.positions.set(instrument, new Set([buyer, seller]));
      else members.add(buyer).add(seller);
      if (payers === undefined) this.cash.set(coin, new Set([buyer, seller]));
      else payers.add(buyer).add(seller);
      this.positionCount = positions;
      this.cashCount = cashPositions;
      this.created = created;
      this.rewritten = rewritten;
      this.trades++;
    }
    const bytes = batchBytes(participants, instruments, positions, this.trades + (commit ? 0 : 1));
    return {
      trades: this.trades + (commit ? 0 : 1),
      participants,
      instruments,
      coins,
      positions,
      cashPositions,
      positionsCreated: created,
      positionsRewritten: rewritten,
      batchBytes: bytes,
      calldataBytes: submitCalldataBytes(bytes),
      calldataZeroBytes: 0,
    };
  }
}

/** Why `counts` (gas `gas`) cannot be one batch under `options`, or undefined. */
function ceilingProblem(counts: BatchCounts, gas: number, options: SizingOptions): string | undefined {
  const gasCeiling = options.gasCeiling ?? GAS_CEILING_OSAKA;
  const calldataCeiling = options.calldataCeiling ?? DEFAULT_CALLDATA_CEILING;
  if (gas > gasCeiling) return `its estimated gas ${gas} exceeds the gas ceiling ${gasCeiling}`;
  if (counts.calldataBytes > calldataCeiling) {
    return `its ${counts.calldataBytes} bytes of calldata exceed the calldata ceiling ${calldataCeiling}`;
  }
  if (counts.participants > U16) return `its ${counts.participants} participants exceed 65,535`;
  if (counts.instruments > U16) return `its ${counts.instruments} instruments exceed 65,535`;
  if (counts.positions > U16 + 1) return `its ${counts.positions} positions exceed 65,536`;
  if (options.maxTrades !== undefined && counts.trades > options.maxTrades) {
    return `its ${counts.trades} trades exceed the maximum ${options.maxTrades}`;
  }
  return undefined;
}

/**
 * Cuts consecutive trades (ids consecutive) into batches, in order, each as large as fits: no batch's estimated gas
 * crosses `gasCeiling`, no batch's transaction data crosses `calldataCeiling`, and the encoding's limits hold.
 * Streams: memory is one batch. Throws when a single trade cannot fit, or ids are not consecutive.
 */
export function* planBatches(
  trades: Iterable<NetTrade>,
  cycle: number,
  options: SizingOptions = {},
): Generator<PlannedBatch> {
  const model = options.gasModel ?? defaultGasModel;
  let tally = new BatchTally(options);
  let batch: NetTrade[] = [];
  let counts: BatchCounts | undefined;
  let expected: bigint | undefined;
  for (const trade of trades) {
    if (expected !== undefined && trade.tradeId !== expected) {
      throw new RangeError(`planBatches: trade id ${trade.tradeId} follows ${expected - 1n} (ids must be consecutive)`);
    }
    expected = trade.tradeId + 1n;
    const problem = tradeProblem(trade, batch.length, trade.tradeId);
    if (problem) throw new RangeError(`planBatches: ${problem}`);
    const next = tally.with(trade, false);
    if (batch.length > 0 && ceilingProblem(next, model(next), options) !== undefined) {
      yield { cycle, firstTradeId: batch[0].tradeId, trades: batch, counts: counts!, gas: model(counts!) };
      tally = new BatchTally(options);
      batch = [];
    }
    counts = tally.with(trade, true);
    const problemAlone = batch.length === 0 ? ceilingProblem(counts, model(counts), options) : undefined;
    if (problemAlone)
      throw new BatchCeilingError(`planBatches: trade ${trade.tradeId} alone cannot be a batch: ${problemAlone}`);
    batch.push(trade);
  }
  if (batch.length > 0)
    yield { cycle, firstTradeId: batch[0].tradeId, trades: batch, counts: counts!, gas: model(counts!) };
}

/** {@link planBatches} into an array. */
export function splitIntoBatches(
  trades: Iterable<NetTrade>,
  options: SizingOptions & { cycle?: number } = {},
): PlannedBatch[] {
  return [...planBatches(trades, options.cycle ?? 0, options)];
}

/** The counts of a whole batch (positions, cash positions, participants…); calldata zero bytes counted exactly. */
export function batchCounts(batch: NetBatch, options: Pick<SizingOptions, "instruments" | "holds"> = {}): BatchCounts {
  const tally = new BatchTally(options);
  let counts: BatchCounts | undefined;
  for (const trade of batch.trades) counts = tally.with(trade, true);
  if (counts === undefined) throw new RangeError("batchCounts: no trades");
  const data = ethers.getBytes(NET_SETTLEMENT_INTERFACE.encodeFunctionData("submitBatch", [encodeBatch(batch)]));
  let zeros = 0;
  for (const byte of data) if (byte === 0) zeros++;
  return { ...counts, calldataBytes: data.length, calldataZeroBytes: zeros };
}

/** A batch refused by the SDK before sending: it would cross its gas or calldata ceiling. */
export class BatchCeilingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchCeilingError";
  }
}

/** A batch ready to send. */
export interface PreparedBatch extends NetBatch {
  /** The batch encoding v1: `submitBatch`'s argument. */
  bytes: Uint8Array;
  counts: BatchCounts;
  gas: number;
}

/**
 * Encodes one batch and checks it against the ceilings: throws a {@link BatchCeilingError} saying which ceiling it
 * would cross and by how much (gas from the model on the exact counts, calldata from the encoded transaction).
 */
export function prepareBatch(batch: NetBatch, options: SizingOptions = {}): PreparedBatch {
  const bytes = encodeBatch(batch);
  const counts = batchCounts(batch, options);
  const gas = (options.gasModel ?? defaultGasModel)(counts);
  const problem = ceilingProblem(counts, gas, options);
  if (problem) {
    throw new BatchCeilingError(
      `prepareBatch: the batch of ${batch.trades.length} trades from id ${batch.firstTradeId} is refused: ${problem}`,
    );
  }
  return { ...batch, bytes, counts, gas };
}

/* WORKLOADS */

/** A seeded generator of 32-bit integers (SFC32 seeded by SplitMix32): fast and reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = 1;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Draws 0…n−1 with probability ∝ 1 / (rank + 1)^exponent (Zipf), in O(1) (Walker's alias method). */
export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, exponent));
  const total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => (w * n) / total);
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    probability[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) probability[i] = 1;
  return () => {
    const i = Math.floor((random() / 4294967296) * n);
    return random() / 4294967296 < probability[i] ? i : alias[i];
  };
}

/** Options shared by the workloads. */
export interface WorkloadOptions {
  /** The seed (u32): the same seed, the same trades. */
  seed: number;
  /** How many trades. */
  trades: number;
  /** The first trade's id (default 0). */
  firstTradeId?: bigint;
  /** Trades per chunk yielded (default 10,000). */
  chunk?: number;
  /** Table index of participant 0 / instrument 0 (default 0). */
  firstParticipant?: number;
  firstInstrument?: number;
}

function* workload(
  options: WorkloadOptions,
  instruments: number,
  drawParticipant: () => number,
  drawInstrument: () => number,
  maxQuantity: number,
  random: () => number,
): Generator<NetTrade[]> {
  const { trades, chunk = 10_000, firstParticipant = 0, firstInstrument = 0 } = options;
  if (!Number.isSafeInteger(trades) || trades < 0) throw new RangeError(`workload: ${trades} trades`);
  // Each instrument's reference price (ticks), from its own stream: the same whatever the number of trades.
  const priceRandom = seededRandom((options.seed ^ 0x5bd1e995) >>> 0);
  const reference = Array.from({ length: instruments }, () => 100 + (priceRandom() % 9_901));
  let id = options.firstTradeId ?? 0n;
  for (let done = 0; done < trades;) {
    const size = Math.min(chunk, trades - done);
    const out = new Array<NetTrade>(size);
    for (let t = 0; t < size; t++) {
      // Two distinct parties, then the sides by a fair coin: redrawing the second alone would make the busiest
      // participants buy more often than they sell (under Zipf(1.1) member 0 bought ≈ 23 % of trades and sold
      // ≈ 19 %), a drift that spent its cash within ≈ 1.2 million member-level trades.
      let buyer = drawParticipant();
      let seller = drawParticipant();
      while (seller === buyer) seller = drawParticipant();
      if (random() & 1) [buyer, seller] = [seller, buyer];
      const instrument = drawInstrument();
      const ref = reference[instrument];
      // Price within ±1 % of the reference; quantity skewed to small lots (1 … maxQuantity).
      const price = ref - Math.floor(ref / 100) + (random() % (2 * Math.floor(ref / 100) + 1));
      const u = random() / 4294967296;
      out[t] = {
        tradeId: id++,
        buyer: firstParticipant + buyer,
        seller: firstParticipant + seller,
        instrument: firstInstrument + instrument,
        quantity: 1 + Math.floor(u * u * maxQuantity),
        price,
      };
    }
    done += size;
    yield out;
  }
}

/**
 * The member-level mix: `members` clearing members (default 100) trading `instruments` instruments (default 100),
 * both drawn Zipf(`zipf`, default 1.1) — member 0 and instrument 0 the busiest; quantity 1…1,000 lots (skewed
 * small), price within ±1 % of the instrument's reference (100…10,000 ticks). Yields chunks of trades.
 */
export function* memberWorkload(
  options: WorkloadOptions & { members?: number; instruments?: number; zipf?: number },
): Generator<NetTrade[]> {
  const { members = 100, instruments = 100, zipf = 1.1 } = options;
  if (members < 2) throw new RangeError("memberWorkload: at least 2 members");
  const random = seededRandom(options.seed);
  yield* workload(
    options,
    instruments,
    zipfSampler(members, zipf, random),
    zipfSampler(instruments, zipf, random),
    1_000,
    random,
  );
}

/**
 * The investor-level mix: `investors` (default 1,000) trading `instruments` (default 100), all drawn uniformly;
 * quantity 1…100 lots (skewed small), price within ±1 % of the reference. Yields chunks of trades.
 */
export function* investorWorkload(
  options: WorkloadOptions & { investors?: number; instruments?: number },
): Generator<NetTrade[]> {
  const { investors = 1_000, instruments = 100 } = options;
  if (investors < 2) throw new RangeError("investorWorkload: at least 2 investors");
  const random = seededRandom(options.seed);
  yield* workload(
    options,
    instruments,
    () => random() % investors,
    () => random() % instruments,
    100,
    random,
  );
}

/** Every trade of a workload's chunks, in one array (for small runs). */
export function collectTrades(chunks: Iterable<readonly NetTrade[]>): NetTrade[] {
  const out: NetTrade[] = [];
  for (const chunk of chunks) for (const trade of chunk) out.push(trade);
  return out;
}

/* THE ENGINE'S ABI, PRE-CHECK AND SPLITTING AROUND FAILURES */

const TRADE_TUPLE = "(uint64 tradeId, uint32 buyer, uint32 seller, uint32 instrument, uint32 quantity, uint32 price)";

/**
 * `INetSettlement` (attached at the settlement engine's address) as the SDK uses it: its functions, events and
 * errors, with the tokens' `INetSettleable` errors a refusal may carry. The engine's compiled interface is the
 * reference: pass its contract to the functions below and its own ABI decodes first.
 */
export const NET_SETTLEMENT_ABI: InterfaceAbi = [
  "function addParticipants(address[] wallets, uint256[] deadlines, bytes[] consents) returns (uint32 first)",
  "function setParticipantActive(uint32 index, bool active)",
  "function setClearingConsent(address clearer, bool consent)",
  "function addInstrument(address token, address coin, uint96 lotSize, uint96 tickSize) returns (uint32 index)",
  "function setInstrumentActive(uint32 index, bool active)",
  "function submitBatch(bytes batch) returns (uint64 batchNo, bytes32 root)",
  `function verifyTrade(address clearer, uint64 batchNo, ${TRADE_TUPLE} trade, bytes32[] proof) view returns (bool)`,
  `function tradeLeaf(${TRADE_TUPLE} trade) pure returns (bytes32)`,
  "function batchCount(address clearer) view returns (uint64)",
  "function nextTradeId(address clearer) view returns (uint64)",
  "function lastCycle(address clearer) view returns (uint32)",
  "function participantCount(address clearer) view returns (uint32)",
  "function participantOf(address clearer, uint32 index) view returns (address wallet, bool active)",
  "function participantIndexOf(address clearer, address wallet) view returns (bool found, uint32 index)",
  "function instrumentCount(address clearer) view returns (uint32)",
  "event NetParticipantAdded(address indexed clearer, uint32 indexed index, address indexed wallet)",
  "event NetParticipantActiveSet(address indexed clearer, uint32 indexed index, bool active)",
  "event NetClearingConsentSet(address indexed clearer, uint32 indexed index, address indexed wallet, bool consent)",
  "event NetBatchSettled(address indexed clearer, uint64 indexed batchNo, uint32 cycle, uint64 firstTradeId, " +
    "uint32 tradeCount, bytes32 root)",
  "error NetInvalidParticipant(uint256 position, address wallet)",
  "error NetParticipantExists(address wallet, uint32 index)",
  "error NetNoParticipants()",
  "error NetConsentLengths(uint256 wallets, uint256 deadlines, uint256 consents)",
  "error NetConsentExpired(uint256 position, address wallet, uint256 deadline, uint256 time)",
  "error NetConsentInvalid(uint256 position, address wallet, uint256 deadline)",
  "error NetParticipantWithdrawn(address clearer, uint32 index, address wallet)",
  "error NetConsentUnchanged(address clearer, uint32 index, bool consent)",
  "error NetNotParticipant(address clearer, address caller)",
  "error NetTableFull(uint256 size)",
  "error NetUnknownParticipant(uint32 index, uint32 count)",
  "error NetUnknownInstrument(uint32 index, uint32 count)",
  "error NetActiveUnchanged(uint32 index, bool active)",
  "error NetNotAnAsset(address token)",
  "error NetNotACoin(address coin)",
  "error NetInvalidSizes(uint96 lotSize, uint96 tickSize)",
  "error NetBatchTruncated(uint256 offset, uint256 length)",
  "error NetBatchTrailingBytes(uint256 end, uint256 length)",
  "error NetBatchVersion(uint8 version)",
  "error NetBatchEmpty(uint256 offset)",
  "error NetBatchNotAscending(uint256 offset, uint256 previous, uint256 value)",
  "error NetBatchLocalIndex(uint256 offset, uint256 local, uint256 participants)",
  "error NetCycleRegressed(uint32 cycle, uint32 lastCycle)",
  "error NetTradeIdMismatch(uint64 firstTradeId, uint64 expected)",
  "error NetParticipantInactive(uint32 index, address wallet)",
  "error NetInstrumentInactive(uint32 index, address token)",
  "error NetTradeInvalidPositions(uint256 tradeIndex, uint16 buyerPos, uint16 sellerPos, uint256 positions)",
  "error NetSelfTrade(uint256 tradeIndex, uint32 participant)",
  "error NetTradeZero(uint256 tradeIndex, uint32 quantity, uint32 price)",
  "error NetPositionUnused(uint256 position, uint32 participant, uint32 instrument)",
  "error NetTradeFailed(uint256 tradeIndex, address participant, address token, uint8 code, bytes reason)",
  "error NetPositionRefused(uint256 index, address account, int256 delta, uint8 code)",
  "error NetUnbalanced(int256 sum)",
  "error NetLengthMismatch(uint256 accounts, uint256 deltas, uint256 flags)",
];

/** The EIP-712 type a wallet signs to join a clearer's participant table (`addParticipants`). */
export const CLEARING_CONSENT_TYPES = {
  ClearingConsent: [
    { name: "clearer", type: "address" },
    { name: "wallet", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

/**
 * `signer`'s consent to be a participant of `clearer` at the engine `engine` until `deadline` (unix seconds,
 * inclusive): its EIP-712 signature of `ClearingConsent(clearer, wallet = signer, deadline)` under the engine's
 * domain, to pass with `deadline` to the clearer's `addParticipants`. A contract wallet (ERC-1271) gives instead
 * whatever its `isValidSignature` accepts for the same digest (`clearingConsentDigest`). The engine checks it as
 * `ISettlement.isValidTypedSignature` does.
 */
export async function signClearingConsent(
  signer: Signer,
  engine: string | { getAddress(): Promise<string> },
  clearer: string,
  deadline: bigint | number,
): Promise<string> {
  const provider = signer.provider;
  if (!provider) throw new Error("signClearingConsent: the signer is not connected to a provider");
  const { chainId } = await provider.getNetwork();
  const address = typeof engine === "string" ? engine : await engine.getAddress();
  const value = { clearer: ethers.getAddress(clearer), wallet: await signer.getAddress(), deadline };
  return signer.signTypedData(settlementDomain(chainId, address), CLEARING_CONSENT_TYPES, value);
}

/** The EIP-712 digest of `wallet`'s consent to `clearer` until `deadline` at `engine` on chain `chainId`. */
export function clearingConsentDigest(
  chainId: bigint | number,
  engine: string,
  clearer: string,
  wallet: string,
  deadline: bigint | number,
): string {
  return ethers.TypedDataEncoder.hash(settlementDomain(chainId, engine), CLEARING_CONSENT_TYPES, {
    clearer: ethers.getAddress(clearer),
    wallet: ethers.getAddress(wallet),
    deadline,
  });
}

/** {@link NET_SETTLEMENT_ABI} as an ethers `Interface`. */
export const NET_SETTLEMENT_INTERFACE = new ethers.Interface(NET_SETTLEMENT_ABI);

/** Why the engine would refuse a batch. */
export interface NetFailure {
  /** The failing trade's index in the batch (`NetTradeFailed`: the first trade of the refused position). */
  tradeIndex?: number;
  /** The refused participant's wallet. */
  participant?: string;
  /** The token (or coin) that refused. */
  token?: string;
  /** The restriction code (`Restriction`); 255: another refusal, see `reason`. */
  code?: number;
  /** The token's raw revert data when `code` is 255. */
  reason?: string;
  /** A participant table index the engine refuses as a whole (`NetParticipantInactive`, `NetUnknownParticipant`). */
  participantIndex?: number;
  /** An instrument table index the engine refuses (`NetInstrumentInactive`, `NetUnknownInstrument`). */
  instrumentIndex?: number;
  /** One sentence. */
  sentence: string;
  /** The decoded error, when an interface knows it. */
  error?: DecodedRevert;
  /** The revert data. */
  data: string;
}

/**
 * The engine, loosely typed until `INetSettlement`'s typechain type exists: an ethers contract with
 * {@link NET_SETTLEMENT_ABI} (or the engine's own ABI) at the settlement engine's address.
 */
export interface NetSettlementLike {
  submitBatch: { staticCall(batch: BytesLike): Promise<unknown> };
  connect?(runner: Signer): NetSettlementLike;
  interface?: ethers.Interface;
}

/** Options of {@link precheckBatch} and {@link splitAroundFailures}. */
export interface PrecheckOptions {
  /** The clearer submitting (the engine is connected to it), when the contract is not connected already. */
  signer?: Signer;
  /** More interfaces to decode errors with (e.g. the tokens'). */
  interfaces?: readonly InterfaceLike[];
}

function asNumber(value: unknown): number | undefined {
  return typeof value === "bigint" || typeof value === "number" ? Number(value) : undefined;
}

/** A revert of the engine as a {@link NetFailure}. */
export function netFailureOf(data: string, interfaces: readonly InterfaceLike[] = []): NetFailure {
  const all = [...interfaces, NET_SETTLEMENT_INTERFACE];
  const error = decodeRevert(data, all);
  if (!error) return { sentence: describeRevert(data, all), data };
  const args = error.args;
  const tradeIndex = asNumber(args.tradeIndex);
  const participant = typeof args.participant === "string" ? args.participant : undefined;
  const token = typeof args.token === "string" ? args.token : undefined;
  const code = asNumber(args.code);
  const reason = typeof args.reason === "string" ? args.reason : undefined;
  const index = asNumber(args.index);
  const participantIndex = /^Net(ParticipantInactive|UnknownParticipant)$/.test(error.name) ? index : undefined;
  const instrumentIndex = /^Net(InstrumentInactive|UnknownInstrument)$/.test(error.name) ? index : undefined;
  let sentence = error.sentence;
  if (error.name === "NetTradeFailed") {
    const why =
      code === 255
        ? `the token refused for another reason: ${describeRevert(reason ?? "0x", all)}`
        : describeRestriction(code ?? 0);
    sentence = `trade ${tradeIndex} fails: ${token} refuses participant ${participant}: ${why}`;
  }
  return { tradeIndex, participant, token, code, reason, participantIndex, instrumentIndex, sentence, error, data };
}

/** The result of {@link precheckBatch}. */
export type PrecheckResult = { ok: true; result: unknown } | { ok: false; failure: NetFailure };

/**
 * Asks the engine whether `batch` would settle now (`submitBatch` by `staticCall`: nothing is sent) and, if not,
 * says why: the failing trade, participant, token and code of `NetTradeFailed`, or another custom error decoded.
 * Errors without revert data (the node unreachable…) are thrown.
 */
export async function precheckBatch(
  engine: NetSettlementLike,
  batch: NetBatch | BytesLike,
  options: PrecheckOptions = {},
): Promise<PrecheckResult> {
  const bytes = typeof batch === "object" && "trades" in batch ? encodeBatch(batch) : batch;
  const target = options.signer && engine.connect ? engine.connect(options.signer) : engine;
  const interfaces = [...(options.interfaces ?? []), ...(engine.interface ? [engine.interface] : [])];
  try {
    return { ok: true, result: await target.submitBatch.staticCall(bytes) };
  } catch (error) {
    const data = revertDataOf(error);
    if (data === undefined) throw error;
    return { ok: false, failure: netFailureOf(data, interfaces) };
  }
}

/** A trade left out of a batch, and why. */
export interface ExcludedTrade {
  /** Its index in the trades given. */
  index: number;
  trade: NetTrade;
  failure: NetFailure;
}

/** The result of {@link splitAroundFailures}. */
export interface SplitResult {
  /** The batch that passes the pre-check (trades renumbered from `firstTradeId`), or undefined when none is left. */
  batch?: NetBatch;
  bytes?: Uint8Array;
  /** Indices (in the trades given) of the trades in `batch`, in order. */
  included: number[];
  excluded: ExcludedTrade[];
  /** Pre-checks made. */
  rounds: number;
}

/**
 * Pre-checks `batch` and, while the engine refuses it, leaves out the trades touching the refused position and
 * tries again, until the batch passes or no trade is left. The position is found from `NetTradeFailed`: the
 * failing trade's buyer or seller whose wallet (`participants`, the clearer's participant table by index) is the
 * refused participant, and the token refusing — the instrument's token (its (participant, instrument) position) or
 * its coin (the participant's cash in that coin: every trade of the batch paying in it). Without the tables, or
 * when the wallet or token matches neither (an unclassified refusal names no participant), only the failing trade
 * is left out. An inactive or unknown participant or instrument (`NetParticipantInactive`, `NetInstrumentInactive`,
 * `NetUnknown…`) takes every trade naming it out. A refusal naming neither a trade nor a table entry (a cycle or
 * trade-id mismatch, a malformed batch) is thrown as an Error with the failure's sentence. The remaining trades keep their order and are renumbered from `firstTradeId` (ids are
 * positional); the left-out trades are to be sent again in a later batch.
 */
export async function splitAroundFailures(
  engine: NetSettlementLike,
  batch: NetBatch,
  options: PrecheckOptions & {
    participants?: readonly string[] | ((index: number) => string);
    instruments?: InstrumentTable;
    maxRounds?: number;
  } = {},
): Promise<SplitResult> {
  const walletOf = (index: number): string | undefined => {
    const table = options.participants;
    if (table === undefined) return undefined;
    return (typeof table === "function" ? table(index) : table[index])?.toLowerCase();
  };
  let current = batch.trades.map((trade, index) => ({ trade, index }));
  const excluded: ExcludedTrade[] = [];
  const maxRounds = options.maxRounds ?? Infinity;
  for (let rounds = 1; ; rounds++) {
    if (current.length === 0) return { included: [], excluded, rounds: rounds - 1 };
    const trades = current.map(({ trade }, t) => ({ ...trade, tradeId: batch.firstTradeId + BigInt(t) }));
    const candidate: NetBatch = { cycle: batch.cycle, firstTradeId: batch.firstTradeId, trades };
    const bytes = encodeBatch(candidate);
    const verdict = await precheckBatch(engine, bytes, options);
    if (verdict.ok) return { batch: candidate, bytes, included: current.map(({ index }) => index), excluded, rounds };
    const failure = verdict.failure;
    const t = failure.tradeIndex;
    // An inactive or unknown participant or instrument: every trade naming it goes.
    const { participantIndex: p, instrumentIndex: i } = failure;
    const named = (trade: NetTrade) => trade.buyer === p || trade.seller === p || trade.instrument === i;
    if ((p !== undefined || i !== undefined) && current.some(({ trade }) => named(trade))) {
      if (rounds >= maxRounds) {
        throw new Error(`splitAroundFailures: still refused after ${rounds} rounds: ${failure.sentence}`);
      }
      const keep: typeof current = [];
      for (const entry of current) {
        if (named(entry.trade)) excluded.push({ ...entry, failure });
        else keep.push(entry);
      }
      current = keep;
      continue;
    }
    if (t === undefined || !(t >= 0 && t < current.length)) {
      throw new Error(`splitAroundFailures: the engine refuses the batch as a whole: ${failure.sentence}`);
    }
    if (rounds >= maxRounds)
      throw new Error(`splitAroundFailures: still refused after ${rounds} rounds: ${failure.sentence}`);
    const failing = current[t].trade;
    const wallet = failure.participant?.toLowerCase();
    const party =
      wallet === undefined ? undefined : [failing.buyer, failing.seller].find((p) => walletOf(p) === wallet);
    const instrument = options.instruments ? instrumentAt(options.instruments, failing.instrument) : undefined;
    const token = failure.token?.toLowerCase();
    let touches: (trade: NetTrade) => boolean = (trade) => trade === failing;
    if (party !== undefined && instrument !== undefined && token !== undefined) {
      const involved = (trade: NetTrade) => trade.buyer === party || trade.seller === party;
      if (token === instrument.token.toLowerCase()) {
        touches = (trade) => trade.instrument === failing.instrument && involved(trade);
      } else if (token === instrument.coin.toLowerCase()) {
        touches = (trade) =>
          involved(trade) && instrumentAt(options.instruments!, trade.instrument).coin.toLowerCase() === token;
      }
    }
    const keep: typeof current = [];
    for (const entry of current) {
      if (touches(entry.trade)) excluded.push({ index: entry.index, trade: entry.trade, failure });
      else keep.push(entry);
    }
    current = keep;
  }
}
