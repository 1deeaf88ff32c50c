/**
 * The settlement coin's minters with their allowances (from `MinterConfigured` / `MinterRemoved`, read back with
 * `isMinter` and `minterAllowance`), and every reserve attestation as a table beside the chart.
 */
import type { Session } from "../chain";
import { formatAmount, formatTime, short } from "../format";
import { Loading, useLoad } from "../ui";

async function loadMinters(session: Session) {
  const { coin, members } = session.contracts;
  const [decimals, symbol, configured, count] = await Promise.all([
    coin.decimals(),
    coin.symbol(),
    coin.queryFilter(coin.filters.MinterConfigured()),
    coin.attestationCount(),
  ]);
  const nameOf = async (address: string) => (await members.memberOf(address)).name || short(address);
  const candidates = [...new Set(configured.map((log) => log.args.minter))];
  const minters = (
    await Promise.all(
      candidates.map(async (minter) => {
        const [isMinter, allowance, name] = await Promise.all([
          coin.isMinter(minter),
          coin.minterAllowance(minter),
          nameOf(minter),
        ]);
        return { minter, isMinter, allowance, name };
      }),
    )
  ).filter((row) => row.isMinter);
  const attestations = await Promise.all(
    Array.from({ length: Number(count) }, async (_, i) => {
      const a = await coin.attestationAt(i);
      return {
        index: i + 1,
        reserves: a.reserves,
        asOf: Number(a.asOf),
        report: a.reportHash,
        by: await nameOf(a.attestor),
      };
    }),
  );
  return { decimals: Number(decimals), symbol, minters, attestations: attestations.reverse() };
}

export function CoinMinters({ session, version }: { session: Session; version: unknown }) {
  const { data, error } = useLoad(() => loadMinters(session), [session, version]);
  if (!data) return <Loading error={error} />;
  return (
    <div className="grid">
      <section className="card">
        <h2>Minters</h2>
        {data.minters.length === 0 && <p className="muted">No minter is configured.</p>}
        <table data-testid="minters">
          <thead>
            <tr>
              <th scope="col">Minter</th>
              <th scope="col">Address</th>
              <th scope="col">Allowance left</th>
            </tr>
          </thead>
          <tbody>
            {data.minters.map((row) => (
              <tr key={row.minter}>
                <td>{row.name}</td>
                <td className="mono">{short(row.minter)}</td>
                <td className="number">
                  {formatAmount(row.allowance, data.decimals)} {data.symbol}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>Attestations</h2>
        <table data-testid="attestations">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">As of</th>
              <th scope="col">Reserves</th>
              <th scope="col">Attestor</th>
              <th scope="col">Report</th>
            </tr>
          </thead>
          <tbody>
            {data.attestations.map((row) => (
              <tr key={row.index}>
                <td className="number">{row.index}</td>
                <td>{formatTime(row.asOf)}</td>
                <td className="number">
                  {formatAmount(row.reserves, data.decimals)} {data.symbol}
                </td>
                <td>{row.by}</td>
                <td className="mono" title={row.report}>
                  {short(row.report)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
