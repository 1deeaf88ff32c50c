/** Every issued asset, from the factory's registry, filtered by issuer and product type. */
import { useState } from "react";
import { ProductType } from "@assetledger/sdk";
import type { Session } from "../chain";
import { formatCount, formatTime, short } from "../format";
import { Loading, Select, useLoad } from "../ui";

export interface AssetRow {
  address: string;
  productType: number;
  issuer: string;
  issuerName: string;
  name: string;
  symbol: string;
  issuedAt: number;
}

/**
 * Whether a product is a security token (ERC-20 with ERC-1643 documents, a register and snapshots: equity, bond,
 * fund, and the reserved option and future types); a commodity receipt market (ERC-1155 lots) and a loyalty program
 * are not, and the pages that read a security's views show them their instrument only.
 */
export function isSecurity(productType: number): boolean {
  return productType >= ProductType.Equity && productType <= ProductType.Future;
}

/** Reads the factory's registry: every product type's assets, with their issuer and instrument. */
export async function listAssets(session: Session): Promise<AssetRow[]> {
  const { factory, members } = session.contracts;
  const types = Object.values(ProductType).filter((t): t is ProductType => typeof t === "number" && t !== 0);
  const rows: AssetRow[] = [];
  for (const type of types) {
    const count = await factory.assetCountByProduct(type);
    if (count === 0n) continue;
    const entries = await factory.assetsByProduct(type, 0, count);
    for (const entry of entries) {
      const info = await factory.assetInfo(entry.asset);
      const member = await members.memberOf(info.issuer);
      rows.push({
        address: entry.asset,
        productType: type,
        issuer: info.issuer,
        issuerName: member.name || short(info.issuer),
        name: info.instrument.name,
        symbol: info.instrument.symbol,
        issuedAt: Number(entry.issuedAt),
      });
    }
  }
  return rows;
}

export function AssetsPage({ session }: { session: Session }) {
  const { data, error } = useLoad(() => listAssets(session), [session]);
  const [issuer, setIssuer] = useState("");
  const [type, setType] = useState("");
  if (!data) return <Loading error={error} />;
  const issuers = [...new Map(data.map((row) => [row.issuer, row.issuerName])).entries()];
  const types = [...new Set(data.map((row) => row.productType))];
  const shown = data.filter(
    (row) => (issuer === "" || row.issuer === issuer) && (type === "" || String(row.productType) === type),
  );
  return (
    <section>
      <h1>Assets</h1>
      <p className="muted">
        {formatCount(data.length)} assets issued through the factory, by {formatCount(issuers.length)} issuer(s).
      </p>
      <div className="filters">
        <Select
          label="Issuer"
          name="issuer-filter"
          value={issuer}
          onChange={setIssuer}
          options={[{ value: "", label: "All issuers" }, ...issuers.map(([value, label]) => ({ value, label }))]}
        />
        <Select
          label="Product type"
          name="type-filter"
          value={type}
          onChange={setType}
          options={[
            { value: "", label: "All product types" },
            ...types.map((t) => ({ value: String(t), label: ProductType[t] })),
          ]}
        />
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Symbol</th>
            <th scope="col">Product</th>
            <th scope="col">Issuer</th>
            <th scope="col">Issued</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.address}>
              <td>
                <a href={`#/assets/${row.address}`}>{row.name}</a>
              </td>
              <td>{row.symbol}</td>
              <td>{ProductType[row.productType]}</td>
              <td>{row.issuerName}</td>
              <td>{formatTime(row.issuedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 && <p className="muted">No asset matches the filters.</p>}
    </section>
  );
}
