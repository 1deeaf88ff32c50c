/** Small building blocks: labelled fields, an action button with progress, notices, hash routing. */
import { useCallback, useEffect, useId, useState, type ReactNode } from "react";
import { Claim, claimsOf } from "@assetledger/sdk";
import { errorSentence } from "./format";

export function Field(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: string;
  hint?: string;
  required?: boolean;
  name?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        onChange={(event) => props.onChange(event.target.value)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function Select(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export type Outcome = { kind: "ok" | "error" | "info"; text: string } | undefined;

export function Notice({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p className={`notice ${outcome.kind}`} role={outcome.kind === "error" ? "alert" : "status"}>
      {outcome.text}
    </p>
  );
}

/**
 * Runs a long action with progress: the button is disabled and its step is shown; a failure shows the platform's
 * sentence for the revert (`decodePlatformError`).
 */
export function useAction() {
  const [busy, setBusy] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome>();
  const run = useCallback(async (action: (progress: (step: string) => void) => Promise<string | void>) => {
    setOutcome(undefined);
    setBusy("Starting…");
    try {
      const text = await action((step) => setBusy(step));
      if (text) setOutcome({ kind: "ok", text });
    } catch (error) {
      setOutcome({ kind: "error", text: errorSentence(error) });
    } finally {
      setBusy(undefined);
    }
  }, []);
  return { busy, outcome, setOutcome, run };
}

export function Progress({ busy }: { busy?: string }) {
  if (!busy) return null;
  return (
    <p className="progress" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {busy}
    </p>
  );
}

/** Sends a transaction and waits for its block, telling `progress` each step. */
export async function send(
  progress: (step: string) => void,
  what: string,
  tx: () => Promise<{ hash: string; wait(): Promise<unknown> }>,
): Promise<void> {
  progress(`${what}: waiting for the wallet to sign…`);
  const sent = await tx();
  progress(`${what}: sent ${sent.hash.slice(0, 10)}…, waiting for the block…`);
  await sent.wait();
}

/** The current hash route, e.g. "#/assets/0x…" → ["assets", "0x…"]. */
export function useRoute(): string[] {
  const read = () =>
    window.location.hash
      .replace(/^#\/?/, "")
      .split("/")
      .filter((part) => part !== "");
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** Loads data with `load` whenever `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (value) => live && setData(value),
      (failure: unknown) => live && setError(errorSentence(failure)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

export function Loading({ error, children }: { error?: string; children?: ReactNode }) {
  if (error) return <Notice outcome={{ kind: "error", text: error }} />;
  return <p className="muted">{children ?? "Loading…"}</p>;
}

/** Offers `text` as a file download. */
export function download(fileName: string, text: string, type = "text/csv"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** The identity registry's claims by name (`Claim`'s keys). */
const CLAIM_NAMES = Object.keys(Claim).filter((key) => Number.isNaN(Number(key))) as (keyof typeof Claim)[];

/** The claim bits (`claimsOf`) of a set of claim names chosen in a `ClaimsField`. */
export function claimBits(names: Set<string>): bigint {
  return claimsOf([...names].map((name) => Claim[name as keyof typeof Claim]));
}

/**
 * One checkbox per claim, in a fieldset with `legend`; `hint` is read before each claim's name by screen readers
 * only (where another form on the page has the same claims).
 */
export function ClaimsField(props: {
  legend: string;
  claims: Set<string>;
  onChange: (claims: Set<string>) => void;
  hint?: string;
}) {
  const { legend, claims, onChange, hint } = props;
  return (
    <fieldset className="wide">
      <legend>{legend}</legend>
      {CLAIM_NAMES.map((name) => (
        <label key={name}>
          <input
            type="checkbox"
            checked={claims.has(name)}
            onChange={(event) => {
              const next = new Set(claims);
              if (event.target.checked) next.add(name);
              else next.delete(name);
              onChange(next);
            }}
          />{" "}
          {hint && <span className="visually-hidden">{hint} </span>}
          {name}
        </label>
      ))}
    </fieldset>
  );
}
