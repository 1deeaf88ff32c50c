/**
 * An asset's disclosure calendar (IDisclosureSupervisor): each obligation in words with its state, overdue ones
 * marked; a venue exchange (MARKET_SUPERVISOR and `Compliance.isVenue`) adds, amends and removes obligations;
 * anyone records a filing or flags an overdue obligation. The issuer publishes a document (ERC-1643: name, URI and
 * the keccak-256 of a file) that a filing then records.
 */
import { useState } from "react";
import { encodeBytes32String, keccak256, type Provider, type Signer } from "ethers";
import {
  DISCLOSURE_LIMITS,
  DisclosureSupervisor__factory,
  Equity__factory,
  ObligationKind,
  ObligationState,
  adHocFiling,
  annualReport,
  describeObligation,
  interimReport,
  type ObligationTerms,
} from "@assetledger/sdk";
import type { Session } from "../chain";
import { Field, Loading, Notice, Progress, Select, send, useAction, useLoad } from "../ui";

const DAY = 86_400;

/** The disclosure supervisor of the session's chain, connected to `runner`. */
export function supervisorOf(session: Session, runner: Provider | Signer) {
  const record = session.network.contracts.DisclosureSupervisor;
  if (!record) throw new Error(`no deployment DisclosureSupervisor on ${session.network.network}`);
  return DisclosureSupervisor__factory.connect(record.address, runner);
}

/** One obligation as the calendar shows it. */
export interface CalendarEntry {
  id: number;
  sentence: string;
  state: ObligationState;
  overdue: boolean;
  halts: boolean;
  dueAt: number;
  gracePeriod: number;
}

/** `asset`'s calendar at the chain's latest block time, by id. */
export async function readCalendar(session: Session, asset: string): Promise<CalendarEntry[]> {
  const supervisor = supervisorOf(session, session.provider);
  const [obligations, block] = await Promise.all([
    supervisor.obligationsOf(asset),
    session.provider.getBlock("latest"),
  ]);
  const now = block!.timestamp;
  return obligations
    .map((obligation) => ({
      id: Number(obligation.id),
      sentence: describeObligation(obligation, now),
      state: Number(obligation.state) as ObligationState,
      overdue: Number(obligation.state) === ObligationState.Overdue,
      halts: obligation.halts,
      dueAt: Number(obligation.dueAt),
      gracePeriod: Number(obligation.gracePeriod),
    }))
    .sort((a, b) => a.id - b.id);
}

async function loadDisclosure(session: Session, asset: string) {
  const { compliance, factory } = session.contracts;
  const me = session.identity.address;
  const [calendar, venue, info] = await Promise.all([
    readCalendar(session, asset),
    compliance.isVenue(asset, me),
    factory.assetInfo(asset),
  ]);
  return {
    calendar,
    isVenueSupervisor: venue && session.identity.roles.includes("MARKET_SUPERVISOR"),
    isIssuer: info.issuer.toLowerCase() === me.toLowerCase(),
  };
}

export function DisclosureCalendar({
  session,
  asset,
  onChange,
}: {
  session: Session;
  asset: string;
  onChange?: () => void;
}) {
  const { data, error, reload } = useLoad(() => loadDisclosure(session, asset), [session, asset]);
  const { busy, outcome, run } = useAction();
  const changed = () => {
    reload();
    onChange?.();
  };
  if (!data) {
    return (
      <section className="card">
        <h2>Disclosure calendar</h2>
        <Loading error={error} />
      </section>
    );
  }
  const supervisor = supervisorOf(session, session.signer);
  const act = (label: string, id: number, what: "file" | "flag" | "remove") =>
    run(async (progress) => {
      await send(progress, `${label} ${id}`, () =>
        what === "file"
          ? supervisor.recordFiling(asset, id)
          : what === "flag"
            ? supervisor.flagOverdue(asset, id)
            : supervisor.removeObligation(asset, id),
      );
      changed();
      return what === "file"
        ? `Filing recorded for obligation ${id}.`
        : what === "flag"
          ? `Obligation ${id} flagged overdue.`
          : `Obligation ${id} removed.`;
    });
  return (
    <section className="card">
      <h2>Disclosure calendar</h2>
      {data.calendar.length === 0 && <p className="muted">No disclosure obligation on this asset.</p>}
      <table data-testid="disclosure">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Obligation</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {data.calendar.map((entry) => (
            <tr key={entry.id} className={entry.overdue ? "overdue" : undefined}>
              <td className="number">{entry.id}</td>
              <td>{entry.sentence}</td>
              <td>
                {entry.overdue ? <strong className="badge overdue">OVERDUE</strong> : ObligationState[entry.state]}
                {entry.halts ? " · halts" : ""}
              </td>
              <td>
                <button type="button" disabled={!!busy} onClick={() => void act("Record filing", entry.id, "file")}>
                  Record filing {entry.id}
                </button>{" "}
                {entry.overdue && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={!!busy}
                    onClick={() => void act("Flag overdue", entry.id, "flag")}
                  >
                    Flag overdue {entry.id}
                  </button>
                )}{" "}
                {data.isVenueSupervisor && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={!!busy}
                    onClick={() => void act("Remove", entry.id, "remove")}
                  >
                    Remove {entry.id}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
      {data.isVenueSupervisor && (
        <ObligationForm session={session} asset={asset} calendar={data.calendar} onDone={changed} />
      )}
      {data.isIssuer && <PublishDocument session={session} asset={asset} onDone={changed} />}
    </section>
  );
}

/** A `datetime-local` value (read as UTC) as unix seconds. */
function utcSeconds(value: string): number {
  return Math.floor(Date.parse(`${value}:00Z`) / 1000);
}

function ObligationForm(props: { session: Session; asset: string; calendar: CalendarEntry[]; onDone: () => void }) {
  const [mode, setMode] = useState("add");
  const [kind, setKind] = useState("annual");
  const [name, setName] = useState("material-event");
  const [due, setDue] = useState("");
  const [grace, setGrace] = useState("30");
  const [halts, setHalts] = useState(true);
  const { busy, outcome, run } = useAction();
  const supervisor = supervisorOf(props.session, props.session.signer);
  const submit = () =>
    run(async (progress) => {
      if (!due) throw new Error("Give the due date (UTC).");
      const dueAt = utcSeconds(due);
      const graceSeconds = Math.round(Number(grace) * DAY);
      if (!Number.isFinite(dueAt)) throw new Error(`"${due}" is not a date.`);
      if (!(graceSeconds >= 0) || graceSeconds > DISCLOSURE_LIMITS.maxGracePeriod) {
        throw new Error(`The grace is 0 … ${DISCLOSURE_LIMITS.maxGracePeriod / DAY} days.`);
      }
      if (mode === "add") {
        const terms: ObligationTerms =
          kind === "annual"
            ? annualReport(dueAt, graceSeconds, halts)
            : kind === "interim"
              ? interimReport(dueAt, graceSeconds, halts)
              : adHocFiling(name, dueAt, graceSeconds, halts);
        const id = await supervisor.addObligation.staticCall(props.asset, terms);
        await send(progress, "Add obligation", () => supervisor.addObligation(props.asset, terms));
        props.onDone();
        return `Obligation ${id} added (${
          terms.kind === ObligationKind.Periodic ? kind + " report" : name
        }, due ${new Date(dueAt * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC).`;
      }
      const id = Number(mode);
      await send(progress, `Amend obligation ${id}`, () =>
        supervisor.amendObligation(props.asset, id, dueAt, graceSeconds, halts),
      );
      props.onDone();
      return `Obligation ${id} amended.`;
    });
  return (
    <form
      className="stack"
      aria-label="Obligation"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>Add or amend an obligation (venue)</h3>
      <Select
        label="Obligation to change"
        name="obligation-mode"
        value={mode}
        onChange={setMode}
        options={[
          { value: "add", label: "A new obligation" },
          ...props.calendar.map((entry) => ({ value: String(entry.id), label: `Amend obligation ${entry.id}` })),
        ]}
      />
      {mode === "add" && (
        <Select
          label="Kind"
          name="obligation-kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: "annual", label: "Annual report (every 365 days)" },
            { value: "interim", label: "Interim report (every 182 days)" },
            { value: "adhoc", label: "Ad-hoc filing (once)" },
          ]}
        />
      )}
      {mode === "add" && kind === "adhoc" && (
        <Field
          label="Obligation document"
          value={name}
          onChange={setName}
          hint="The ERC-1643 document name that fulfils it."
        />
      )}
      <Field label="Due (UTC)" type="datetime-local" value={due} onChange={setDue} />
      <Field label="Grace (days)" type="number" value={grace} onChange={setGrace} />
      <div className="field">
        <label>
          <input type="checkbox" checked={halts} onChange={(event) => setHalts(event.target.checked)} /> Trading halts
          while it is overdue
        </label>
      </div>
      <button type="submit" disabled={!!busy}>
        {mode === "add" ? "Add obligation" : "Amend obligation"}
      </button>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </form>
  );
}

function PublishDocument(props: { session: Session; asset: string; onDone: () => void }) {
  const [name, setName] = useState("annual-report");
  const [uri, setUri] = useState("");
  const [file, setFile] = useState<File | undefined>();
  const { busy, outcome, run } = useAction();
  const submit = () =>
    run(async (progress) => {
      if (!name.trim()) throw new Error("Give the document's name.");
      if (!file) throw new Error("Choose the document's file: its keccak-256 is recorded.");
      const hash = keccak256(new Uint8Array(await file.arrayBuffer()));
      const token = Equity__factory.connect(props.asset, props.session.signer);
      await send(progress, "Publish document", () => token.setDocument(encodeBytes32String(name.trim()), uri, hash));
      props.onDone();
      return `Published ${name.trim()} (${file.name}, keccak-256 ${hash.slice(0, 10)}…).`;
    });
  return (
    <form
      className="stack"
      aria-label="Publish a document"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>Publish a document (issuer)</h3>
      <Field label="Document name" name="publish-name" value={name} onChange={setName} />
      <Field label="Document URI" name="publish-uri" value={uri} onChange={setUri} placeholder="https://…" />
      <div className="field">
        <label htmlFor="publish-file">Document file</label>
        <input id="publish-file" type="file" onChange={(event) => setFile(event.target.files?.[0])} />
      </div>
      <button type="submit" disabled={!!busy}>
        Publish document
      </button>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </form>
  );
}
