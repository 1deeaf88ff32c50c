/** One asset: its instrument, its documents (with a file's hash checked), its rules in words, its register. */
import { useState } from "react";
import { decodeBytes32String, keccak256, sha256, type EventLog } from "ethers";
import {
  Equity__factory,
  ProductType,
  countryName,
  describeRules,
  instrumentCodeText,
  readRegister,
  registerToCsv,
  type AssetRules,
  type Register,
} from "@assetledger/sdk";
import type { Session } from "../chain";
import { formatAmount, formatCount, formatPercent, formatTime, short } from "../format";
import { DisclosureCalendar } from "./Disclosure";
import { isSecurity } from "./Assets";
import { Lifecycle } from "./Lifecycle";
import { Loading, Notice, Progress, Select, download, useAction, useLoad, type Outcome } from "../ui";

/** The set a list-changed event log leaves: `[country, on]` pairs applied in order. */
function listOf(logs: (EventLog | unknown)[]): number[] {
  const set = new Set<number>();
  for (const log of logs) {
    const args = (log as EventLog).args;
    if (!args) continue;
    const country = Number(args[1]);
    if (args[2]) set.add(country);
    else set.delete(country);
  }
  return [...set].sort((a, b) => a - b);
}

/** A commodity receipt market or a loyalty program: its instrument and issuer from the factory. */
async function loadOtherProduct(session: Session, asset: string) {
  const { factory, members } = session.contracts;
  const info = await factory.assetInfo(asset);
  return { info, issuerName: (await members.memberOf(info.issuer)).name };
}

function OtherProductPage({ session, asset }: { session: Session; asset: string }) {
  const { data, error } = useLoad(() => loadOtherProduct(session, asset), [session, asset]);
  if (!data) return <Loading error={error} />;
  const { instrument } = data.info;
  const type = Number(data.info.productType);
  return (
    <section>
      <p>
        <a href="#/assets">← Assets</a>
      </p>
      <h1>
        {instrument.name} <span className="muted">({instrument.symbol})</span>
      </h1>
      <section className="card">
        <h2>Instrument</h2>
        <dl>
          <dt>Product</dt>
          <dd data-testid="product">{ProductType[type]}</dd>
          <dt>Issuer</dt>
          <dd>
            {data.issuerName} <span className="muted">{short(data.info.issuer)}</span>
          </dd>
          <dt>Jurisdiction</dt>
          <dd>{countryName(Number(instrument.jurisdiction))}</dd>
          <dt>Address</dt>
          <dd className="mono">{asset}</dd>
        </dl>
        <p className="muted">
          {type === ProductType.CommodityReceipt
            ? "A commodity receipt market: its lots trade on the Settlement page (a leg names the lot and the quantity)."
            : "A loyalty program: credits stay in the merchants' closed loop and are not settled here."}
        </p>
      </section>
    </section>
  );
}

async function loadAsset(session: Session, asset: string) {
  const { compliance, factory, members } = session.contracts;
  const token = Equity__factory.connect(asset, session.provider);
  const [info, supply, decimals, wallets, paused, snapshots, names, rules, maxBalance, external, halt] =
    await Promise.all([
      factory.assetInfo(asset),
      token.totalSupply(),
      token.decimals(),
      token.holdingWalletCount(),
      token.paused(),
      token.currentSnapshotId(),
      token.getAllDocuments(),
      compliance.rulesOf(asset),
      compliance.maxBalanceOf(asset),
      compliance.externalRulesOf(asset),
      compliance.haltOf(asset),
    ]);
  const documents = await Promise.all(
    names.map(async (name) => {
      const [uri, hash, modified] = await token.getDocument(name);
      return { name: decodeBytes32String(name), uri, hash, modified: Number(modified) };
    }),
  );
  const allowed = listOf(await compliance.queryFilter(compliance.filters.CountryAllowListChanged(asset)));
  const blocked = listOf(await compliance.queryFilter(compliance.filters.CountryBlockListChanged(asset)));
  const issuerName = (await members.memberOf(info.issuer)).name;
  const assetRules: AssetRules = {
    requiredClaims: rules.requiredClaims,
    lockupUntil: Number(rules.lockupUntil),
    maxInvestors: Number(rules.maxInvestors),
    windowOpen: Number(rules.windowOpen),
    windowClose: Number(rules.windowClose),
    tradingDays: Number(rules.tradingDays),
    countryAllowList: rules.countryAllowList,
    countryBlockList: rules.countryBlockList,
    maxBalance: rules.maxBalance,
  };
  return {
    info,
    issuerName,
    supply,
    decimals: Number(decimals),
    wallets,
    paused,
    snapshots: Number(snapshots),
    documents,
    rules: describeRules(
      assetRules,
      { allowed, blocked },
      {
        maxBalance,
        decimals: Number(decimals),
        externalRules: external.length,
        formatTime,
        formatAmount,
        formatCount,
      },
    ),
    halt: { until: Number(halt[0]), by: halt[1] },
  };
}

export function AssetPage({ session, asset }: { session: Session; asset: string }) {
  const { data: type, error } = useLoad(
    async () => Number((await session.contracts.factory.assetInfo(asset)).productType),
    [session, asset],
  );
  if (type === undefined) return <Loading error={error} />;
  if (!isSecurity(type)) return <OtherProductPage session={session} asset={asset} />;
  return <SecurityPage session={session} asset={asset} />;
}

function SecurityPage({ session, asset }: { session: Session; asset: string }) {
  const { data, error, reload } = useLoad(() => loadAsset(session, asset), [session, asset]);
  if (!data) return <Loading error={error} />;
  const { instrument } = data.info;
  return (
    <section>
      <p>
        <a href="#/assets">← Assets</a>
      </p>
      <h1>
        {instrument.name} <span className="muted">({instrument.symbol})</span>
      </h1>
      <div className="grid">
        <section className="card">
          <h2>Instrument</h2>
          <dl>
            <dt>Product</dt>
            <dd>{ProductType[Number(data.info.productType)]}</dd>
            <dt>Issuer</dt>
            <dd>
              {data.issuerName} <span className="muted">{short(data.info.issuer)}</span>
            </dd>
            <dt>Security code</dt>
            <dd>{instrumentCodeText(instrument.securityCode) || "—"}</dd>
            <dt>ISIN</dt>
            <dd>{instrumentCodeText(instrument.isin) || "—"}</dd>
            <dt>Jurisdiction</dt>
            <dd>{countryName(Number(instrument.jurisdiction))}</dd>
            <dt>Decimals</dt>
            <dd>{data.decimals}</dd>
            <dt>Supply</dt>
            <dd data-testid="supply">{formatAmount(data.supply, data.decimals)}</dd>
            <dt>Holding wallets</dt>
            <dd>{formatCount(data.wallets)}</dd>
            <dt>Status</dt>
            <dd data-testid="status">
              {data.paused ? "paused" : data.halt.until > 0 ? `halted until ${formatTime(data.halt.until)}` : "trading"}
            </dd>
            <dt>Address</dt>
            <dd className="mono">{asset}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>Compliance rules</h2>
          <ul data-testid="rules">
            {data.rules.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      </div>
      <Documents documents={data.documents} />
      <DisclosureCalendar session={session} asset={asset} onChange={reload} />
      <Lifecycle session={session} asset={asset} productType={Number(data.info.productType)} />
      <RegisterView session={session} asset={asset} snapshots={data.snapshots} symbol={instrument.symbol} />
    </section>
  );
}

interface Document {
  name: string;
  uri: string;
  hash: string;
  modified: number;
}

function Documents({ documents }: { documents: Document[] }) {
  const [outcome, setOutcome] = useState<Record<string, Outcome>>({});
  const verify = async (doc: Document, file: File | undefined) => {
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const [k, s] = [keccak256(bytes), sha256(bytes)];
    const match = k === doc.hash ? "keccak-256" : s === doc.hash ? "SHA-256" : undefined;
    setOutcome({
      ...outcome,
      [doc.name]: match
        ? { kind: "ok", text: `${file.name} matches the recorded hash (${match}).` }
        : { kind: "error", text: `${file.name} does not match: its keccak-256 is ${k}, the record says ${doc.hash}.` },
    });
  };
  return (
    <section className="card">
      <h2>Documents (ERC-1643)</h2>
      {documents.length === 0 && <p className="muted">No document attached.</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">URI</th>
            <th scope="col">Hash</th>
            <th scope="col">Set</th>
            <th scope="col">Verify a copy</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((doc) => (
            <tr key={doc.name}>
              <td>{doc.name}</td>
              <td>
                <a href={doc.uri} rel="noreferrer noopener" target="_blank">
                  {doc.uri}
                </a>
              </td>
              <td className="mono" title={doc.hash}>
                {short(doc.hash)}
              </td>
              <td>{formatTime(doc.modified)}</td>
              <td>
                <label htmlFor={`verify-${doc.name}`}>File to check against {doc.name}</label>
                <input
                  id={`verify-${doc.name}`}
                  type="file"
                  onChange={(event) => void verify(doc, event.target.files?.[0])}
                />
                <Notice outcome={outcome[doc.name]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RegisterView(props: { session: Session; asset: string; snapshots: number; symbol: string }) {
  const [at, setAt] = useState("latest");
  const [register, setRegister] = useState<Register | undefined>();
  const { busy, outcome, run } = useAction();
  const options = [
    { value: "latest", label: "Latest block" },
    ...Array.from({ length: props.snapshots }, (_, i) => ({
      value: String(props.snapshots - i),
      label: `Snapshot ${props.snapshots - i}`,
    })),
  ];
  const read = () =>
    run(async (progress) => {
      progress("Reading the register (Transfer logs, balances, investors)…");
      const options = at === "latest" ? { asset: props.asset } : { asset: props.asset, snapshot: BigInt(at) };
      setRegister(await readRegister(props.session.provider, options));
    });
  const where = register
    ? register.snapshot !== undefined
      ? `snapshot-${register.snapshot}`
      : `block-${register.blockNumber}`
    : "";
  return (
    <section className="card">
      <h2>Register</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void read();
        }}
      >
        <Select label="As of" name="register-at" value={at} onChange={setAt} options={options} />
        <button type="submit" disabled={!!busy}>
          Read the register
        </button>
        {register && (
          <button
            type="button"
            className="secondary"
            onClick={() => download(`register-${props.symbol}-${where}.csv`, registerToCsv(register))}
          >
            Download CSV
          </button>
        )}
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
      {register && (
        <>
          <p className="muted">
            Block {formatCount(register.blockNumber)}
            {register.snapshot !== undefined ? `, snapshot ${register.snapshot}` : ""}; supply{" "}
            {formatAmount(register.totalSupply, register.decimals)};{" "}
            {register.reconciled ? "the rows add up to the supply" : "WARNING: the rows do not add up to the supply"}.
          </p>
          <table data-testid="register">
            <thead>
              <tr>
                <th scope="col">Investor</th>
                <th scope="col">Wallets</th>
                <th scope="col">Balance</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {register.rows.map((row) => (
                <tr key={row.investor + row.wallets[0]}>
                  <td className="mono">{row.investor ? short(row.investor) : "(not registered)"}</td>
                  <td className="mono">{row.wallets.map(short).join(", ")}</td>
                  <td className="number">{formatAmount(row.balance, register.decimals)}</td>
                  <td className="number">{formatPercent(row.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
