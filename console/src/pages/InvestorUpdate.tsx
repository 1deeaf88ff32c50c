/**
 * The KYC provider's maintenance of an investor: update its country, claims and expiry (`updateInvestor`), and
 * recover a lost wallet to a new one (`recoverWallet`; only the investor's attesting provider may). Failures show
 * the platform's decoded sentence.
 */
import { useState } from "react";
import { isAddress, isHexString } from "ethers";
import { claimNames, countryCode, countryName } from "@assetledger/sdk";
import { investorId } from "@assetledger/sdk/investors";
import type { Session } from "../chain";
import { formatTime, short } from "../format";
import { ClaimsField, claimBits, Field, Notice, Progress, send, useAction } from "../ui";

/** An investor reference ("client-0001") or a bytes32 id, as the registry's id. */
function idOf(text: string): string {
  const trimmed = text.trim();
  return isHexString(trimmed, 32) ? trimmed : investorId(trimmed);
}

export function UpdateInvestor({ session }: { session: Session }) {
  const [investor, setInvestor] = useState("");
  const [country, setCountry] = useState("");
  const [claims, setClaims] = useState<Set<string>>(new Set());
  const [expiry, setExpiry] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  const read = () =>
    run(async (progress) => {
      progress("Reading the investor's record…");
      const id = idOf(investor);
      const record = await session.contracts.identity.investorRecord(id);
      if (Number(record.expiry) === 0 && Number(record.country) === 0) {
        throw new Error(`No investor ${short(id)} is registered.`);
      }
      setCountry(String(record.country));
      setClaims(new Set(claimNames(record.claims)));
      setExpiry(new Date(Number(record.expiry) * 1000).toISOString().slice(0, 10));
      return `Investor ${short(id)}: ${countryName(Number(record.country))}, claims ${
        claimNames(record.claims).join(", ") || "none"
      }, expires ${formatTime(record.expiry)}.`;
    });
  const submit = () => {
    const problems: string[] = [];
    const code = countryCode(country);
    if (investor.trim() === "") problems.push("the investor is empty");
    if (code === undefined) problems.push(`"${country}" is no ISO 3166-1 country (alpha-2 such as HK, or numeric)`);
    const ends = Date.parse(`${expiry}T23:59:59Z`) / 1000;
    if (!Number.isFinite(ends) || ends * 1000 <= Date.now()) problems.push("the expiry must be a future date");
    if (problems.length > 0) {
      setOutcome({ kind: "error", text: `Not sent: ${problems.join("; ")}.` });
      return;
    }
    const id = idOf(investor);
    const bits = claimBits(claims);
    void run(async (progress) => {
      await send(progress, "Updating the investor", () =>
        session.signed.identity.updateInvestor(id, code!, bits, ends),
      );
      const record = await session.contracts.identity.investorRecord(id);
      return `Updated investor ${short(id)}: now ${countryName(Number(record.country))}, claims ${
        claimNames(record.claims).join(", ") || "none"
      }, expires ${formatTime(record.expiry)}.`;
    });
  };
  return (
    <section className="card">
      <h2>Update an investor</h2>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Field label="Investor to update" value={investor} onChange={setInvestor} placeholder="reference or 0x… id" />
        <div>
          <button type="button" className="secondary" disabled={!!busy} onClick={() => void read()}>
            Read record
          </button>
        </div>
        <Field label="Residence (ISO code)" value={country} onChange={setCountry} placeholder="HK or 344" />
        <Field label="Valid until" type="date" value={expiry} onChange={setExpiry} />
        <ClaimsField legend="Claims after the update" claims={claims} onChange={setClaims} hint="Update claim" />
        <div>
          <button type="submit" disabled={!!busy}>
            Update investor
          </button>
        </div>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}

export function RecoverWallet({ session }: { session: Session }) {
  const [lost, setLost] = useState("");
  const [replacement, setReplacement] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  return (
    <section className="card">
      <h2>Recover a wallet</h2>
      <p className="muted">
        Moves a lost wallet&apos;s identity to a new, unregistered wallet (only the investor&apos;s attesting provider
        may). Each token then moves the holdings through its own recovery.
      </p>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const [from, to] = [lost.trim(), replacement.trim()];
          if (!isAddress(from) || !isAddress(to)) {
            setOutcome({ kind: "error", text: "Not sent: both wallets must be addresses." });
            return;
          }
          void run(async (progress) => {
            await send(progress, "Recovering the wallet", () => session.signed.identity.recoverWallet(from, to));
            const id = await session.contracts.identity.investorOf(to);
            return `Wallet ${short(from)} recovered to ${short(to)} (investor ${short(id)}).`;
          });
        }}
      >
        <Field label="Lost wallet" value={lost} onChange={setLost} placeholder="0x…" />
        <Field label="Replacement wallet" value={replacement} onChange={setReplacement} placeholder="0x…" />
        <button type="submit" disabled={!!busy}>
          Recover wallet
        </button>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}
