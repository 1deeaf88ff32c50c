/**
 * The design floor of a net-settlement batch (issue 19): what a batch must pay on this platform's design whatever
 * the code, counted from what it touches. The issue's own floor (`net.floorPerTrade.*`: 5,000 per position
 * rewritten, 22,100 per position written from zero, plus calldata) counts the position writes alone; a batch that
 * keeps the register exact through the real tokens also pays, per position, its ERC-20 `Transfer` event (a holder,
 * an explorer or a back office sees the change through the token: no shadow ledger) and, per batch, the cold
 * reads and calls that reach each table entry, each token and the compliance pipeline once. This floor adds those
 * and nothing the code could avoid: no decoding, no loop, no memory, no argument encoding, no checks beyond the
 * cold accesses they need (Cancun: a cold slot 2,100, a cold account 2,600, a warm access 100).
 */

/** Cancun's costs the floor is made of. */
const COLD_SLOT = 2_100;
const COLD_ACCOUNT = 2_600;
const REWRITE = 2_900;
const FROM_ZERO = 20_000;
/** LOG with `topics` topics (the event signature included) and `words` data words. */
const log = (topics: number, words: number) => 375 + 375 * topics + 8 * 32 * words;
/** KECCAK256 of `words` words. */
const keccak = (words: number) => 30 + 6 * words;

/** The floor's coefficients (gas), each a physical cost named by what pays it. */
export const DESIGN_FLOOR = {
  intrinsic: 21_000,
  /**
   * Per batch: `restricted` (the authority's `canCall`: a cold call, the target's and the selector's role slots),
   * the clearer's counters read cold and rewritten, the batch record's two slots written from zero,
   * `NetBatchSettled` (3 topics, 4 words).
   */
  batch: COLD_ACCOUNT + 2 * COLD_SLOT + (COLD_SLOT + REWRITE) + 2 * (COLD_SLOT + FROM_ZERO) + log(3, 4),
  /** Per participant of the batch: its one table slot, cold. */
  participant: COLD_SLOT,
  /** Per instrument of the batch: its two table slots, cold (the active bitmap word is counted per batch). */
  instrument: 2 * COLD_SLOT,
  /** Per batch with instruments: the active bitmap's word (≤ 256 instruments). */
  instrumentBitmap: COLD_SLOT,
  /**
   * Per token called (each security and each coin of the batch): the call into a cold account, the proxy's
   * implementation slot (cold; the hot flags live there, so the token needs no other slot of its own).
   */
  tokenCall: COLD_ACCOUNT + COLD_SLOT,
  /** Per security called: its compliance configuration in the pipeline (a cold slot keyed by the asset). */
  securityConfig: COLD_SLOT,
  /**
   * Once per batch with securities: the shared implementation and its operations module (cold accounts), the
   * pipeline (cold account) and the eligibility store's header (a cold call and a cold slot).
   */
  securitiesOnce: 3 * COLD_ACCOUNT + COLD_ACCOUNT + COLD_SLOT,
  /** Once per batch with cash: the coin's implementation and its hold module (cold accounts). */
  coinOnce: 2 * COLD_ACCOUNT,
  /** Per position written (net change not zero): the balance word read cold and rewritten, its `Transfer` event. */
  position: COLD_SLOT + REWRITE + log(3, 1),
  /** Per position written from zero: instead of the rewrite, a write from zero. */
  positionCreatedExtra: FROM_ZERO - REWRITE,
  /** Per trade: its Merkle leaf (two words) and its share of the tree (one node of two words). */
  trade: keccak(2) + keccak(2),
} as const;

/** What a batch touched (the SDK's counts of the planned batch, the positions from the ledger). */
export interface FloorCounts {
  trades: number;
  participants: number;
  instruments: number;
  /** Distinct security tokens called (one call per instrument's token). */
  securities: number;
  /** Coins called. */
  coins: number;
  /** Positions and cash positions whose net change is not zero, and those of them written from zero. */
  positionsWritten: number;
  positionsCreated: number;
  /** The transaction's calldata gas (4 per zero byte, 16 per other). */
  calldataGas: number;
}

/** The design floor of one batch, by part (gas). */
export function designFloor(c: FloorCounts): { total: number; parts: Record<string, number> } {
  const f = DESIGN_FLOOR;
  const parts: Record<string, number> = {
    "intrinsic and calldata": f.intrinsic + c.calldataGas,
    "batch (access, counters, record, event)": f.batch,
    "table reads (participants, instruments)":
      f.participant * c.participants + f.instrument * c.instruments + (c.instruments > 0 ? f.instrumentBitmap : 0),
    "token calls (cold accounts, implementation slots, compliance)":
      f.tokenCall * (c.securities + c.coins) +
      f.securityConfig * c.securities +
      (c.securities > 0 ? f.securitiesOnce : 0) +
      (c.coins > 0 ? f.coinOnce : 0),
    "positions (balance word, Transfer event)":
      f.position * c.positionsWritten + f.positionCreatedExtra * c.positionsCreated,
    "trades (Merkle leaf and node)": f.trade * c.trades,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { total, parts };
}
