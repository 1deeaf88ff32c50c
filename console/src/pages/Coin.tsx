/**
 * The settlement coin: supply, the latest attested reserves and their age, the history of reserves against supply
 * (inline SVG), and the redemptions still pending.
 */
import { useState } from "react";
import { ZeroAddress, encodeBytes32String, keccak256, parseUnits, toUtf8Bytes } from "ethers";
import { abilities, type Session } from "../chain";
import { formatAge, formatAmount, formatPercent, formatTime, short } from "../format";
import { Field, Loading, Notice, Progress, send, useAction, useLoad } from "../ui";
import { CoinMinters } from "./CoinMinters";

const STATUS = ["None", "Pending", "Confirmed", "Rejected"];

interface Point {
  time: number;
  value: bigint;
}

async function loadCoin(session: Session) {
  const { coin, members } = session.contracts;
  const [symbol, decimals, supply, escrowed, count, maxAge, block] = await Promise.all([
    coin.symbol(),
    coin.decimals(),
    coin.totalSupply(),
    coin.escrowed(),
    coin.attestationCount(),
    coin.maxAttestationAge(),
    session.provider.getBlock("latest"),
  ]);
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const attestations = await Promise.all(Array.from({ length: Number(count) }, (_, i) => coin.attestationAt(i)));
  const latest = attestations.at(-1);
  const attestor = latest ? (await members.memberOf(latest.attestor)).name || short(latest.attestor) : "";
  // Supply over time: every mint and burn (a Transfer from or to the zero address), at its block's time.
  const transfers = await coin.queryFilter(coin.filters.Transfer());
  const times = new Map<number, number>();
  const timeOf = async (blockNumber: number) => {
    if (!times.has(blockNumber)) times.set(blockNumber, (await session.provider.getBlock(blockNumber))!.timestamp);
    return times.get(blockNumber)!;
  };
  const supplyPoints: Point[] = [];
  let running = 0n;
  for (const log of transfers) {
    const { from, to, value } = log.args;
    if (from !== ZeroAddress && to !== ZeroAddress) continue;
    running += from === ZeroAddress ? value : -value;
    supplyPoints.push({ time: await timeOf(log.blockNumber), value: running });
  }
  const requested = await coin.queryFilter(coin.filters.RedemptionRequested());
  const redemptions = await Promise.all(
    requested.map(async (log) => {
      const r = await coin.redemption(log.args.id);
      return { id: log.args.id, holder: r.holder, amount: r.amount, requestedAt: r.requestedAt, status: r.status };
    }),
  );
  return {
    symbol,
    decimals: Number(decimals),
    supply,
    escrowed,
    maxAge: Number(maxAge),
    now,
    latest,
    attestor,
    reserves: attestations.map((a) => ({ time: Number(a.asOf), value: a.reserves })),
    supplyPoints,
    pending: redemptions.filter((r) => Number(r.status) === 1),
    redemptions,
  };
}

function Chart(props: { reserves: Point[]; supply: Point[]; decimals: number; now: number }) {
  const [width, height, pad] = [720, 240, 48];
  const all = [...props.reserves, ...props.supply];
  if (all.length === 0) return <p className="muted">No history yet.</p>;
  const t0 = Math.min(...all.map((p) => p.time));
  const t1 = Math.max(props.now, ...all.map((p) => p.time));
  const top = all.reduce((m, p) => (p.value > m ? p.value : m), 1n);
  const x = (t: number) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (width - 2 * pad);
  const y = (v: bigint) => height - pad + 8 - (Number((v * 1000n) / top) / 1000) * (height - 2 * pad);
  const steps = (points: Point[]) => {
    if (points.length === 0) return "";
    let d = `M ${x(points[0].time)} ${y(points[0].value)}`;
    for (let i = 1; i < points.length; i++) d += ` H ${x(points[i].time)} V ${y(points[i].value)}`;
    return `${d} H ${x(t1)}`;
  };
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Attested reserves (solid) and coin supply (dashed) over time"
    >
      <line className="axis" x1={pad} y1={height - pad + 8} x2={width - pad} y2={height - pad + 8} />
      <line className="axis" x1={pad} y1={pad - 8} x2={pad} y2={height - pad + 8} />
      <path className="reserves" d={steps(props.reserves)} />
      <path className="supply" d={steps(props.supply)} />
      <text x={pad} y={pad - 14}>
        {formatAmount(top, props.decimals)}
      </text>
      <text x={pad} y={height - 12}>
        {formatTime(t0)}
      </text>
      <text x={width - pad} y={height - 12} textAnchor="end">
        {formatTime(t1)}
      </text>
      <text x={width - pad} y={pad - 14} textAnchor="end">
        — reserves · - - supply
      </text>
    </svg>
  );
}

/** The reserve attestor's form: the reserves held now and the hash of the report that proves them. */
function Attest({ session, decimals, onDone }: { session: Session; decimals: number; onDone: () => void }) {
  const [reserves, setReserves] = useState("");
  const [report, setReport] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  return (
    <section className="card">
      <h2>Attest reserves</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (!/^\d+(\.\d+)?$/.test(reserves.trim())) {
            setOutcome({ kind: "error", text: `Not sent: "${reserves}" is not an amount.` });
            return;
          }
          void run(async (progress) => {
            const amount = parseUnits(reserves.trim(), decimals);
            const block = await session.provider.getBlock("latest");
            const reportHash = keccak256(toUtf8Bytes(report.trim() || "report"));
            await send(progress, "Attesting", () =>
              session.signed.coin.attestReserves(amount, block!.timestamp, reportHash),
            );
            onDone();
            return `Attested ${formatAmount(amount, decimals)} of reserves.`;
          });
        }}
      >
        <Field label="Reserves held" value={reserves} onChange={setReserves} placeholder="e.g. 20000.00" required />
        <Field label="Report reference" value={report} onChange={setReport} hint="its keccak-256 is recorded" />
        <button type="submit" disabled={!!busy}>
          Attest
        </button>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}

/** The minter's decision on a pending redemption. */
function Decide({ session, id, onDone }: { session: Session; id: bigint; onDone: () => void }) {
  const { busy, outcome, run } = useAction();
  const act = (confirm: boolean) =>
    run(async (progress) => {
      await send(progress, confirm ? "Confirming" : "Rejecting", () =>
        confirm
          ? session.signed.coin.confirmRedemption(id)
          : session.signed.coin.rejectRedemption(id, encodeBytes32String("rejected in console")),
      );
      onDone();
      return `Redemption ${id} ${confirm ? "confirmed" : "rejected"}.`;
    });
  return (
    <>
      <button type="button" disabled={!!busy} onClick={() => void act(true)}>
        Confirm {String(id)}
      </button>{" "}
      <button type="button" className="secondary" disabled={!!busy} onClick={() => void act(false)}>
        Reject {String(id)}
      </button>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </>
  );
}

export function CoinPage({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => loadCoin(session), [session]);
  const can = abilities(session.identity);
  if (!data) return <Loading error={error} />;
  const age = data.latest ? data.now - Number(data.latest.asOf) : 0;
  const stale = data.maxAge > 0 && age > data.maxAge;
  return (
    <section>
      <h1>Settlement coin ({data.symbol})</h1>
      <div className="grid">
        <section className="card">
          <h2>Supply and reserves</h2>
          <dl>
            <dt>Supply</dt>
            <dd data-testid="supply">
              {formatAmount(data.supply, data.decimals)} {data.symbol}
            </dd>
            <dt>In redemption escrow</dt>
            <dd>
              {formatAmount(data.escrowed, data.decimals)} {data.symbol}
            </dd>
            <dt>Attested reserves</dt>
            <dd data-testid="reserves">
              {data.latest ? `${formatAmount(data.latest.reserves, data.decimals)} ${data.symbol}` : "none attested"}
            </dd>
            {data.latest && (
              <>
                <dt>Attested</dt>
                <dd>
                  {formatTime(data.latest.asOf)} by {data.attestor} — {formatAge(age)} old
                  {stale ? ` (older than the ${formatAge(data.maxAge)} allowed: minting is blocked)` : ""}
                </dd>
                <dt>Coverage</dt>
                <dd>
                  {data.supply === 0n
                    ? "no supply"
                    : formatPercent(String(Number((data.latest.reserves * 10_000n) / data.supply) / 10_000))}{" "}
                  of supply
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card">
          <h2>History</h2>
          <Chart reserves={data.reserves} supply={data.supplyPoints} decimals={data.decimals} now={data.now} />
        </section>
      </div>
      <CoinMinters session={session} version={data} />
      {can.attest && <Attest session={session} decimals={data.decimals} onDone={reload} />}
      <section className="card">
        <h2>Redemptions</h2>
        <p className="muted">{data.pending.length} pending.</p>
        <table data-testid="redemptions">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Holder</th>
              <th scope="col">Amount</th>
              <th scope="col">Requested</th>
              <th scope="col">Status</th>
              {can.mint && <th scope="col">Decision</th>}
            </tr>
          </thead>
          <tbody>
            {data.redemptions.map((r) => (
              <tr key={String(r.id)}>
                <td>{String(r.id)}</td>
                <td className="mono">{short(r.holder)}</td>
                <td className="number">
                  {formatAmount(r.amount, data.decimals)} {data.symbol}
                </td>
                <td>{formatTime(r.requestedAt)}</td>
                <td>{STATUS[Number(r.status)]}</td>
                {can.mint && (
                  <td>{Number(r.status) === 1 && <Decide session={session} id={r.id} onDone={reload} />}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
