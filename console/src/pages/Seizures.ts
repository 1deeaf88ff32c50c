/**
 * Supervision's extra readings: an asset's overdue disclosure obligations (IDisclosureSupervisor.overdueOf), and
 * seizures — the security tokens' forced transfers (ERC-3643 emits only `Transfer` for them, so a transfer is
 * forced when its transaction called `forcedTransfer` or `batchForcedTransfer` on the token), their wallet
 * recoveries (`RecoverySuccess`) and the settlement coin's `Seized`.
 */
import { Interface, decodeBytes32String, type EventLog } from "ethers";
import type { Session } from "../chain";
import { short } from "../format";
import { supervisorOf } from "./Disclosure";

/** A row of the recent-events list. */
export interface SupervisedEvent {
  block: number;
  index: number;
  asset: string;
  name: string;
  detail: string;
}

const FORCED = new Interface([
  "function forcedTransfer(address from, address to, uint256 amount)",
  "function batchForcedTransfer(address[] fromList, address[] toList, uint256[] amounts)",
]);
const FORCED_SELECTORS = new Set(
  ["forcedTransfer", "batchForcedTransfer"].map((name) => FORCED.getFunction(name)!.selector),
);

/** Whether an event of the list is a seizure, a forced transfer or a recovery. */
export function isSeizure(name: string): boolean {
  return name === "ForcedTransfer" || name === "Seized" || name === "RecoverySuccess";
}

/** The document names of `asset`'s overdue disclosure obligations (none when the supervisor does not know it). */
export async function overdueOf(session: Session, asset: string): Promise<string[]> {
  try {
    const overdue = await supervisorOf(session, session.provider).overdueOf(asset);
    return overdue.map((obligation) => {
      try {
        return decodeBytes32String(obligation.documentName);
      } catch {
        return short(obligation.documentName);
      }
    });
  } catch {
    return [];
  }
}

/** The forced transfers among a token's logs, as events named `ForcedTransfer`. */
export async function forcedTransfers(session: Session, symbol: string, logs: EventLog[]): Promise<SupervisedEvent[]> {
  const zero = "0x" + "0".repeat(40);
  const moves = logs.filter(
    (log) => log.fragment.name === "Transfer" && String(log.args[0]) !== zero && String(log.args[1]) !== zero,
  );
  const forced = new Map<string, boolean>();
  const events: SupervisedEvent[] = [];
  for (const log of moves) {
    if (!forced.has(log.transactionHash)) {
      const tx = await session.provider.getTransaction(log.transactionHash);
      forced.set(log.transactionHash, !!tx && FORCED_SELECTORS.has(tx.data.slice(0, 10)));
    }
    if (!forced.get(log.transactionHash)) continue;
    events.push({
      block: log.blockNumber,
      index: log.index,
      asset: symbol,
      name: "ForcedTransfer",
      detail: `from ${short(String(log.args[0]))}, to ${short(String(log.args[1]))}, amount ${String(log.args[2])}`,
    });
  }
  return events;
}

/** The settlement coin's seizures (`Seized`). */
export async function coinSeizures(session: Session): Promise<SupervisedEvent[]> {
  const { coin } = session.contracts;
  const [symbol, logs] = await Promise.all([coin.symbol(), coin.queryFilter(coin.filters.Seized())]);
  return logs.map((log) => ({
    block: log.blockNumber,
    index: log.index,
    asset: symbol,
    name: "Seized",
    detail: `from ${short(log.args.from)}, to ${short(log.args.to)}, amount ${String(log.args.amount)}, reference ${decodeBytes32OrHex(
      log.args.legalReference,
    )}`,
  }));
}

function decodeBytes32OrHex(value: string): string {
  try {
    return decodeBytes32String(value) || short(value);
  } catch {
    return short(value);
  }
}
