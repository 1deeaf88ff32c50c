/**
 * A test-side reference of batch net settlement (INetSettlement): the batch encoding v1, the Merkle commitment
 * (leaf, RFC 6962 root, proofs) and the gross model, written from the design independently of the engine. The SDK's
 * `sdk/netting.ts` is written in parallel; at merge the tests can take these from the SDK instead.
 */
import { concat, getBytes, keccak256, toBeHex, zeroPadValue } from "ethers";

/** A trade as committed: the clearer's table indices. */
export interface NetTrade {
  tradeId: bigint;
  buyer: number;
  seller: number;
  instrument: number;
  quantity: number;
  price: number;
}

/** An instrument's terms, as the clearer registered them. */
export interface NetInstrumentTerms {
  token: string;
  coin: string;
  lotSize: bigint;
  tickSize: bigint;
}

/** A batch field by field (encoding v1), to build well-formed and malformed batches alike. */
export interface RawBatch {
  version: number;
  cycle: number;
  firstTradeId: bigint;
  participants: number[];
  instruments: { index: number; locals: number[] }[];
  trades: { buyerPos: number; sellerPos: number; quantity: number; price: number }[];
}

function be(value: bigint | number, bytes: number): string {
  return zeroPadValue(toBeHex(BigInt(value)), bytes);
}

/** The bytes of a batch (big-endian, packed). */
export function serialize(raw: RawBatch): string {
  const parts: string[] = [be(raw.version, 1), be(raw.cycle, 4), be(raw.firstTradeId, 8)];
  parts.push(be(raw.participants.length, 2), ...raw.participants.map((p) => be(p, 4)));
  parts.push(be(raw.instruments.length, 2));
  for (const instrument of raw.instruments) {
    parts.push(be(instrument.index, 4), be(instrument.locals.length, 2), ...instrument.locals.map((l) => be(l, 2)));
  }
  parts.push(be(raw.trades.length, 4));
  for (const t of raw.trades) parts.push(be(t.buyerPos, 2), be(t.sellerPos, 2), be(t.quantity, 4), be(t.price, 4));
  return concat(parts);
}

/** Byte offsets of a batch's fields (for malformed-input tests). */
export function offsets(raw: RawBatch) {
  let at = 13;
  const participantCount = at;
  at += 2 + 4 * raw.participants.length;
  const instrumentCount = at;
  at += 2;
  const instruments = raw.instruments.map((instrument) => {
    const start = at;
    at += 6 + 2 * instrument.locals.length;
    return { index: start, count: start + 4, locals: start + 6 };
  });
  const tradeCount = at;
  const trades = at + 4;
  return { participantCount, instrumentCount, instruments, tradeCount, trades, end: trades + 12 * raw.trades.length };
}

/**
 * The canonical batch of `trades` (consecutive ids from `firstTradeId`, in this order): participants and
 * instruments ascending, each instrument's positions ascending by participant.
 */
export function rawBatch(cycle: number, firstTradeId: bigint, trades: NetTrade[]): RawBatch {
  trades.forEach((t, i) => {
    if (t.tradeId !== firstTradeId + BigInt(i)) throw new Error(`trade ${i} has id ${t.tradeId}`);
  });
  const participants = [...new Set(trades.flatMap((t) => [t.buyer, t.seller]))].sort((a, b) => a - b);
  const local = new Map(participants.map((p, i) => [p, i]));
  const byInstrument = new Map<number, Set<number>>();
  for (const t of trades) {
    const set = byInstrument.get(t.instrument) ?? new Set<number>();
    set.add(t.buyer).add(t.seller);
    byInstrument.set(t.instrument, set);
  }
  const instrumentIndices = [...byInstrument.keys()].sort((a, b) => a - b);
  const position = new Map<string, number>();
  const instruments = instrumentIndices.map((index) => {
    const locals = [...byInstrument.get(index)!].map((p) => local.get(p)!).sort((a, b) => a - b);
    for (const l of locals) position.set(`${index}:${participants[l]}`, position.size);
    return { index, locals };
  });
  return {
    version: 1,
    cycle,
    firstTradeId,
    participants,
    instruments,
    trades: trades.map((t) => ({
      buyerPos: position.get(`${t.instrument}:${t.buyer}`)!,
      sellerPos: position.get(`${t.instrument}:${t.seller}`)!,
      quantity: t.quantity,
      price: t.price,
    })),
  };
}

export function encodeBatch(cycle: number, firstTradeId: bigint, trades: NetTrade[]): string {
  return serialize(rawBatch(cycle, firstTradeId, trades));
}

/** Trades with consecutive ids from `firstTradeId`. */
export function withIds(firstTradeId: bigint, trades: Omit<NetTrade, "tradeId">[]): NetTrade[] {
  return trades.map((t, i) => ({ ...t, tradeId: firstTradeId + BigInt(i) }));
}

/* MERKLE */

/** keccak256 of the trade's one packed word. */
export function tradeLeaf(t: NetTrade): string {
  const word =
    (t.tradeId << 192n) |
    (BigInt(t.buyer) << 160n) |
    (BigInt(t.seller) << 128n) |
    (BigInt(t.instrument) << 96n) |
    (BigInt(t.quantity) << 64n) |
    (BigInt(t.price) << 32n);
  return keccak256(toBeHex(word, 32));
}

/** OpenZeppelin's `Hashes.commutativeKeccak256`. */
export function node(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962's tree over `leaves` (commutative nodes). */
export function merkleRoot(leaves: string[]): string {
  if (leaves.length === 0) throw new Error("no leaves");
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return node(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** The sibling path of leaf `i`, bottom-up. */
export function merkleProof(leaves: string[], i: number): string[] {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return i < k
    ? [...merkleProof(leaves.slice(0, k), i), merkleRoot(leaves.slice(k))]
    : [...merkleProof(leaves.slice(k), i - k), merkleRoot(leaves.slice(0, k))];
}

/** OpenZeppelin's `MerkleProof.processProof`. */
export function processProof(proof: string[], leaf: string): string {
  return proof.reduce((h, sibling) => node(h, sibling), leaf);
}

/* GROSS MODEL */

/** Balances by token address (lower case), then account address (lower case). */
export type Ledger = Map<string, Map<string, bigint>>;

export function ledgerGet(ledger: Ledger, token: string, account: string): bigint {
  return ledger.get(token.toLowerCase())?.get(account.toLowerCase()) ?? 0n;
}

function ledgerAdd(ledger: Ledger, token: string, account: string, delta: bigint) {
  const t = token.toLowerCase();
  if (!ledger.has(t)) ledger.set(t, new Map());
  const m = ledger.get(t)!;
  m.set(account.toLowerCase(), (m.get(account.toLowerCase()) ?? 0n) + delta);
}

/** Applies `trades` one by one (units seller → buyer, cash buyer → seller) to a copy of `ledger`. */
export function applyGross(
  ledger: Ledger,
  trades: NetTrade[],
  instruments: NetInstrumentTerms[],
  wallets: string[],
): Ledger {
  const out: Ledger = new Map([...ledger].map(([t, m]) => [t, new Map(m)]));
  for (const t of trades) {
    const ins = instruments[t.instrument];
    const units = BigInt(t.quantity) * ins.lotSize;
    const cash = BigInt(t.quantity) * BigInt(t.price) * ins.tickSize;
    ledgerAdd(out, ins.token, wallets[t.seller], -units);
    ledgerAdd(out, ins.token, wallets[t.buyer], units);
    ledgerAdd(out, ins.coin, wallets[t.buyer], -cash);
    ledgerAdd(out, ins.coin, wallets[t.seller], cash);
  }
  return out;
}

/**
 * The `settleNet` calls the engine makes for a canonical batch of `trades`, in order: per instrument (ascending),
 * its positions (participants ascending) with delta and flags; then per coin (in order of first instrument) the
 * participants (ascending) that paid or received it.
 */
export function netCalls(
  trades: NetTrade[],
  instruments: NetInstrumentTerms[],
  wallets: string[],
): { token: string; accounts: string[]; deltas: bigint[]; flags: number[] }[] {
  const raw = rawBatch(0, trades[0].tradeId, trades);
  const calls: { token: string; accounts: string[]; deltas: bigint[]; flags: number[] }[] = [];
  const coins: string[] = [];
  const cash = new Map<string, Map<number, { received: bigint; paid: bigint }>>();
  for (const group of raw.instruments) {
    const ins = instruments[group.index];
    if (!coins.includes(ins.coin)) coins.push(ins.coin);
    const accounts: string[] = [];
    const deltas: bigint[] = [];
    const flags: number[] = [];
    for (const l of group.locals) {
      const p = raw.participants[l];
      let bought = 0n;
      let sold = 0n;
      for (const t of trades) {
        if (t.instrument !== group.index) continue;
        const units = BigInt(t.quantity) * ins.lotSize;
        if (t.buyer === p) bought += units;
        if (t.seller === p) sold += units;
      }
      accounts.push(wallets[p]);
      deltas.push(bought - sold);
      flags.push((bought > 0n ? 1 : 0) | (sold > 0n ? 2 : 0));
    }
    calls.push({ token: ins.token, accounts, deltas, flags });
  }
  for (const t of trades) {
    const ins = instruments[t.instrument];
    const amount = BigInt(t.quantity) * BigInt(t.price) * ins.tickSize;
    if (!cash.has(ins.coin)) cash.set(ins.coin, new Map());
    const m = cash.get(ins.coin)!;
    const b = m.get(t.buyer) ?? { received: 0n, paid: 0n };
    b.paid += amount;
    m.set(t.buyer, b);
    const s = m.get(t.seller) ?? { received: 0n, paid: 0n };
    s.received += amount;
    m.set(t.seller, s);
  }
  for (const coin of coins) {
    const m = cash.get(coin)!;
    const ps = [...m.keys()].sort((a, b) => a - b);
    calls.push({
      token: coin,
      accounts: ps.map((p) => wallets[p]),
      deltas: ps.map((p) => m.get(p)!.received - m.get(p)!.paid),
      flags: ps.map((p) => (m.get(p)!.received > 0n ? 1 : 0) | (m.get(p)!.paid > 0n ? 2 : 0)),
    });
  }
  return calls;
}

/** Calldata gas of `data` (EIP-2028: 4 per zero byte, 16 per other byte). */
export function calldataGas(data: string): number {
  return getBytes(data).reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
}

/** A deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Zipf(s) sampler over 0 .. n − 1. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
