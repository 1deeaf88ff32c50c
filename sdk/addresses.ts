/**
 * The address book: every deployment of every network with saved deployments (hardhat-deploy's
 * `deployments/<network>/*.json`), keyed by chain id. `npm run sdk:pack` bundles it as
 * `@assetledger/sdk/addresses.json`; `npx hardhat addresses:export --out file` writes the same JSON for a dApp
 * that ships its own. The embedded Hardhat network keeps no deployments, so it has no entry.
 *
 *   const book = addressBook(31337);                 // throws for a chain without deployments
 *   const coin = SettlementCoin__factory.connect(book.contracts.SettlementCoinUSD.address, runner);
 */

/** One deployment. */
export interface AddressRecord {
  address: string;
  /** The contract whose ABI it speaks (for a proxy: its implementation's), e.g. `SettlementCoin`. */
  abi: string;
  transactionHash?: string;
  blockNumber?: number;
  /** A proxy's implementation. */
  implementation?: string;
}

/** The deployments of one network. */
export interface NetworkAddresses {
  network: string;
  chainId: number;
  contracts: Record<string, AddressRecord>;
}

/** The whole book: chain id (decimal) → network. */
export type AddressBook = Record<string, NetworkAddresses>;

let bundled: AddressBook | undefined;

/** The book bundled with the package (`addresses.json` beside this module); empty when none was bundled. */
export function bundledAddressBook(): AddressBook {
  if (!bundled) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      bundled = require("./addresses.json") as AddressBook;
    } catch {
      bundled = {};
    }
  }
  return bundled;
}

/** The deployments on `chainId`; throws an Error naming the chains the book knows when it has none there. */
export function addressBook(chainId: number | bigint, book: AddressBook = bundledAddressBook()): NetworkAddresses {
  if (typeof chainId !== "bigint" && (!Number.isSafeInteger(chainId) || chainId < 0)) {
    throw new TypeError(`chain id must be a non-negative integer, got ${chainId}`);
  }
  const network = book[String(chainId)];
  if (!network) {
    const known = Object.values(book).map((n) => `${n.chainId} (${n.network})`);
    throw new Error(
      `no AssetLedger deployments for chain id ${chainId}: the address book knows ${known.length ? known.join(", ") : "no chain"}`,
    );
  }
  return network;
}

/** The address of deployment `name` on `chainId`; throws an Error naming the deployments when it is not there. */
export function addressOf(chainId: number | bigint, name: string, book?: AddressBook): string {
  const network = addressBook(chainId, book);
  const record = network.contracts[name];
  if (!record) {
    throw new Error(
      `no deployment ${name} on ${network.network} (chain id ${chainId}): it has ${Object.keys(network.contracts).join(", ")}`,
    );
  }
  return record.address;
}
