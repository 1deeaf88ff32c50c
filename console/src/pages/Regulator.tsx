/**
 * Supervision (regulator, auditor): read-only across every asset — holders, frozen wallets, halts, pauses, and the
 * recent events of the tokens and of the compliance pipeline; a filter and a CSV of the overview.
 */
import { useState } from "react";
import { decodeBytes32String, type BaseContract, type EventLog, type Log } from "ethers";
import { Equity__factory, ProductType } from "@assetledger/sdk";
import type { Session } from "../chain";
import { formatAmount, formatCount, formatTime, short } from "../format";
import { isSecurity, listAssets } from "./Assets";
import { Field, Loading, Select, download, useLoad } from "../ui";
import { coinSeizures, forcedTransfers, isSeizure, overdueOf } from "./Seizures";

interface Overview {
  address: string;
  name: string;
  symbol: string;
  product: string;
  issuer: string;
  supply: string;
  /** Distinct investors holding (`holderCount`, what an investor cap counts); −1 where not a security. */
  investors: bigint;
  /** Wallets holding (`holdingWalletCount`); −1 where not a security. */
  holders: bigint;
  paused: boolean;
  haltedUntil: number;
  haltedBy: string;
  frozen: string[];
  /** The overdue disclosure obligations, by document name. */
  overdue: string[];
}

interface Event {
  block: number;
  index: number;
  asset: string;
  name: string;
  detail: string;
}

function detailOf(log: EventLog): string {
  const inputs = log.fragment.inputs;
  return inputs
    .map((input, i) => {
      const value = log.args[i];
      if (input.type === "address") return `${input.name} ${short(String(value))}`;
      if (input.type === "bytes32") {
        try {
          return `${input.name} ${decodeBytes32String(String(value)) || short(String(value))}`;
        } catch {
          return `${input.name} ${short(String(value))}`;
        }
      }
      if (input.type.startsWith("tuple")) return input.name;
      if (["until", "asOf", "expiry", "deadline"].includes(input.name)) return `${input.name} ${formatTime(value)}`;
      return `${input.name} ${String(value)}`;
    })
    .join(", ");
}

const isEventLog = (log: Log | EventLog): log is EventLog => "fragment" in log;

async function loadSupervision(session: Session): Promise<{ overview: Overview[]; events: Event[] }> {
  const assets = await listAssets(session);
  const { compliance } = session.contracts;
  const pipelineLogs = (await (compliance as unknown as BaseContract).queryFilter("*")).filter(isEventLog);
  const overview: Overview[] = [];
  const events: Event[] = [];
  for (const asset of assets) {
    if (!isSecurity(asset.productType)) {
      // A receipt market or a loyalty program: listed with its halt; its lots or credits are not an ERC-20 supply.
      const halt = await compliance.haltOf(asset.address);
      overview.push({
        address: asset.address,
        name: asset.name,
        symbol: asset.symbol,
        product: ProductType[asset.productType],
        issuer: asset.issuerName,
        supply: "—",
        investors: -1n,
        holders: -1n,
        paused: false,
        haltedUntil: Number(halt[0]),
        haltedBy: halt[1],
        frozen: [],
        overdue: [],
      });
      continue;
    }
    const token = Equity__factory.connect(asset.address, session.provider);
    const [supply, decimals, investors, holders, paused, halt, logs, overdue] = await Promise.all([
      token.totalSupply(),
      token.decimals(),
      token.holderCount(),
      token.holdingWalletCount(),
      token.paused(),
      compliance.haltOf(asset.address),
      (token as unknown as BaseContract).queryFilter("*"),
      overdueOf(session, asset.address),
    ]);
    const tokenLogs = logs.filter(isEventLog);
    const candidates = new Set(
      tokenLogs.filter((log) => log.fragment.name === "AddressFrozen").map((log) => String(log.args[0])),
    );
    const frozen: string[] = [];
    for (const wallet of candidates) if (await token.isFrozen(wallet)) frozen.push(wallet);
    overview.push({
      address: asset.address,
      name: asset.name,
      symbol: asset.symbol,
      product: ProductType[asset.productType],
      issuer: asset.issuerName,
      supply: formatAmount(supply, decimals),
      investors,
      holders,
      paused,
      haltedUntil: Number(halt[0]),
      haltedBy: halt[1],
      frozen,
      overdue,
    });
    const mine = pipelineLogs.filter(
      (log) => log.args.length > 0 && String(log.args[0]).toLowerCase() === asset.address.toLowerCase(),
    );
    events.push(...(await forcedTransfers(session, asset.symbol, tokenLogs)));
    for (const log of [...tokenLogs, ...mine]) {
      events.push({
        block: log.blockNumber,
        index: log.index,
        asset: asset.symbol,
        name: log.fragment.name,
        detail: detailOf(log),
      });
    }
  }
  events.push(...(await coinSeizures(session)));
  events.sort((a, b) => b.block - a.block || b.index - a.index);
  return { overview, events: events.slice(0, 100) };
}

function overviewCsv(rows: Overview[]): string {
  const lines = [
    "asset,name,symbol,product,issuer,supply,investors,holdingWallets,paused,haltedUntil,frozen,overdueDisclosures",
  ];
  for (const row of rows) {
    lines.push(
      [
        row.address,
        `"${row.name.replace(/"/g, '""')}"`,
        row.symbol,
        row.product,
        `"${row.issuer.replace(/"/g, '""')}"`,
        `"${row.supply}"`,
        row.investors < 0n ? "" : String(row.investors),
        row.holders < 0n ? "" : String(row.holders),
        String(row.paused),
        row.haltedUntil === 0 ? "" : String(row.haltedUntil),
        row.frozen.join(";"),
        row.overdue.join(";"),
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

export function RegulatorPage({ session }: { session: Session }) {
  const { data, error } = useLoad(() => loadSupervision(session), [session]);
  const [filter, setFilter] = useState("");
  const [kind, setKind] = useState("all");
  if (!data) return <Loading error={error}>Reading every asset and its events…</Loading>;
  const needle = filter.trim().toLowerCase();
  const matches = (text: string) => needle === "" || text.toLowerCase().includes(needle);
  const overview = data.overview.filter((row) =>
    matches(
      [
        row.address,
        row.name,
        row.symbol,
        row.product,
        row.issuer,
        ...row.frozen,
        ...row.overdue.map((name) => `overdue ${name}`),
      ].join(" "),
    ),
  );
  const events = data.events.filter(
    (event) => matches(`${event.asset} ${event.name} ${event.detail}`) && (kind === "all" || isSeizure(event.name)),
  );
  return (
    <section>
      <h1>Supervision</h1>
      <p className="muted">Read-only: every asset of the factory&apos;s registry, as the chain shows it now.</p>
      <div className="filters">
        <Field label="Filter" value={filter} onChange={setFilter} placeholder="asset, symbol, issuer, wallet, event" />
        <button
          type="button"
          className="secondary"
          onClick={() => download(`supervision-${new Date().toISOString().slice(0, 10)}.csv`, overviewCsv(overview))}
        >
          Download CSV
        </button>
      </div>
      <table data-testid="overview">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Product</th>
            <th scope="col">Issuer</th>
            <th scope="col">Supply</th>
            <th scope="col">Investors</th>
            <th scope="col">Holding wallets</th>
            <th scope="col">Trading</th>
            <th scope="col">Frozen wallets</th>
            <th scope="col">Disclosure</th>
          </tr>
        </thead>
        <tbody>
          {overview.map((row) => (
            <tr key={row.address}>
              <td>
                <a href={`#/assets/${row.address}`}>{row.name}</a> <span className="muted">{row.symbol}</span>
              </td>
              <td>{row.product}</td>
              <td>{row.issuer}</td>
              <td className="number">{row.supply}</td>
              <td className="number">{row.investors < 0n ? "—" : formatCount(row.investors)}</td>
              <td className="number">{row.holders < 0n ? "—" : formatCount(row.holders)}</td>
              <td>
                {row.paused
                  ? "paused"
                  : row.haltedUntil > 0
                    ? `halted until ${formatTime(row.haltedUntil)} by ${short(row.haltedBy)}`
                    : "open"}
              </td>
              <td className="mono">{row.frozen.join(", ") || "—"}</td>
              <td>
                {row.overdue.length > 0 ? (
                  <strong className="badge overdue">overdue: {row.overdue.join(", ")}</strong>
                ) : (
                  "up to date"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent events</h2>
      <div className="filters">
        <Select
          label="Events shown"
          name="event-kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: "all", label: "All events" },
            { value: "seizures", label: "Seizures, forced transfers and recoveries" },
          ]}
        />
      </div>
      <table data-testid="events">
        <thead>
          <tr>
            <th scope="col">Block</th>
            <th scope="col">Asset</th>
            <th scope="col">Event</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={`${event.block}-${event.index}-${event.name}`}>
              <td className="number">{formatCount(event.block)}</td>
              <td>{event.asset}</td>
              <td>{event.name}</td>
              <td>{event.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
