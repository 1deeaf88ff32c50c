/**
 * Commodity warehouse receipts: the terms encoder the factory's `initialize(…, terms)` takes for a receipt market
 * (`abi.encode(commodityCode, ICommodityReceiptTypes.Terms)`), the lot specification a custodian issues, and the
 * storage fee the receipt charges on a delivery request, so a back office predicts it to the unit.
 */
import {
  AbiCoder,
  ZeroAddress,
  encodeBytes32String,
  getAddress,
  hexlify,
  isHexString,
  toUtf8Bytes,
  zeroPadBytes,
} from "ethers";

/** A receipt market's terms. */
export interface ReceiptTerms {
  /** The market's commodity code: a label of at most 31 bytes ("CU-CATH-A") or a bytes32 hex string. */
  commodityCode: string;
  /** The ERC-1155 metadata URI. */
  uri: string;
  /** The coin storage fees are paid in (omitted: no fees). */
  feeCoin?: string;
  /** The fee per unit of a lot and started day since its deposit, in the coin's smallest unit. */
  feePerUnitPerDay?: bigint;
  /**
   * Keep each wallet's quantity across lots (`quantityOf`, `investorBalanceOf`), as a per-investor balance cap needs;
   * costs two more storage writes per transfer. Fixed at issue; default false.
   */
  trackQuantities?: boolean;
}

/** `ICommodityReceiptTypes.LotSpec`, as a dApp writes it (hashes as bytes32 hex strings). */
export interface LotSpec {
  commodityCode: string;
  gradeHash: string;
  /** The unit quantities count, at most 6 ASCII bytes ("kg", "t"). */
  unit: string;
  warehouse: string;
  locationCode: string;
  certificateHash: string;
  storageExpiry: number | bigint;
}

/** A label or a bytes32 hex string, as a bytes32. */
export function labelWord(label: string): string {
  return isHexString(label, 32) ? label : encodeBytes32String(label);
}

/** A unit label as the `bytes6` of `LotSpec.unit`. */
export function unitWord(unit: string): string {
  const bytes = toUtf8Bytes(unit);
  if (bytes.length === 0 || bytes.length > 6) throw new Error(`unit "${unit}" must be 1 to 6 bytes`);
  return zeroPadBytes(hexlify(bytes), 6);
}

/** Encodes `terms` as the `terms` argument of `CommodityReceipt.initialize` (and of the factory's issue request). */
export function encodeReceiptTerms(terms: ReceiptTerms): string {
  return AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "tuple(string uri, address feeCoin, uint256 feePerUnitPerDay, bool trackQuantities)"],
    [
      labelWord(terms.commodityCode),
      [
        terms.uri,
        terms.feeCoin ? getAddress(terms.feeCoin) : ZeroAddress,
        terms.feePerUnitPerDay ?? 0n,
        terms.trackQuantities ?? false,
      ],
    ],
  );
}

/** `spec` as the contract's tuple (labels encoded as bytes32, the unit as bytes6). */
export function lotSpecTuple(spec: LotSpec) {
  return {
    commodityCode: labelWord(spec.commodityCode),
    gradeHash: spec.gradeHash,
    unit: isHexString(spec.unit, 6) ? spec.unit : unitWord(spec.unit),
    warehouse: getAddress(spec.warehouse),
    locationCode: labelWord(spec.locationCode),
    certificateHash: spec.certificateHash,
    storageExpiry: BigInt(spec.storageExpiry),
  };
}

/**
 * The storage fee a delivery request of `quantity` units pays (`requestDelivery`): quantity × fee × the days
 * started since the deposit (at least one).
 */
export function storageFeeOf(quantity: bigint, feePerUnitPerDay: bigint, depositedAt: bigint, now: bigint): bigint {
  const day = 86_400n;
  const days = (now - depositedAt + day - 1n) / day;
  return quantity * feePerUnitPerDay * (days === 0n ? 1n : days);
}

/** The largest lot id a lot amount carries (the receipt numbers lots in 64 bits). */
const MAX_LOT_ID = (1n << 64n) - 1n;
/** The largest quantity of a lot (`CommodityReceiptCore`: quantities are below 2^80). */
const MAX_LOT_QUANTITY = (1n << 80n) - 1n;

/**
 * The amount a settlement leg, a prefunding hold or a gateway trade carries for `quantity` units of lot `lotId` of a
 * commodity receipt market: `lotId << 128 | quantity` (`ICommodityReceipt`, "Settlement"), so that the signed
 * instruction names the lot as well as the quantity.
 */
export function lotAmount(lotId: bigint, quantity: bigint): bigint {
  if (lotId <= 0n || lotId > MAX_LOT_ID) throw new RangeError(`lot id ${lotId} is not between 1 and 2^64 - 1`);
  if (quantity <= 0n || quantity > MAX_LOT_QUANTITY) {
    throw new RangeError(`quantity ${quantity} is not between 1 and 2^80 - 1`);
  }
  return (lotId << 128n) | quantity;
}

/** The lot id and quantity of a lot amount (`lotAmount`'s inverse). */
export function splitLotAmount(amount: bigint): { lotId: bigint; quantity: bigint } {
  return { lotId: amount >> 128n, quantity: amount & ((1n << 128n) - 1n) };
}
