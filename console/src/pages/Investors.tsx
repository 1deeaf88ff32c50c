/** The KYC provider's page: register an investor, add a wallet, and a wallet's eligibility explained. */
import { useState } from "react";
import { isAddress, isHexString } from "ethers";
import { claimNames, countryCode, countryName } from "@assetledger/sdk";
import { investorId } from "@assetledger/sdk/investors";
import type { Session } from "../chain";
import { formatAmount, formatTime, short } from "../format";
import { ClaimsField, claimBits, Field, Notice, Progress, send, useAction } from "../ui";
import { RecoverWallet, UpdateInvestor } from "./InvestorUpdate";

export function InvestorsPage({ session }: { session: Session }) {
  return (
    <section>
      <h1>Investors</h1>
      <RegisterInvestor session={session} />
      <AddWallet session={session} />
      <UpdateInvestor session={session} />
      <RecoverWallet session={session} />
      <Eligibility session={session} />
    </section>
  );
}

function oneYearFromNow(): string {
  const date = new Date(Date.now() + 365 * 86_400_000);
  return date.toISOString().slice(0, 10);
}

function RegisterInvestor({ session }: { session: Session }) {
  const [reference, setReference] = useState("");
  const [country, setCountry] = useState("");
  const [claims, setClaims] = useState<Set<string>>(new Set());
  const [expiry, setExpiry] = useState(oneYearFromNow());
  const [wallet, setWallet] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  const submit = () => {
    const problems: string[] = [];
    const code = countryCode(country);
    if (reference.trim() === "") problems.push("the investor reference is empty");
    if (code === undefined) problems.push(`"${country}" is no ISO 3166-1 country (alpha-2 such as HK, or numeric)`);
    const ends = Date.parse(`${expiry}T23:59:59Z`) / 1000;
    if (!Number.isFinite(ends) || ends * 1000 <= Date.now()) problems.push("the expiry must be a future date");
    if (wallet.trim() !== "" && !isAddress(wallet.trim())) problems.push(`"${wallet}" is not an address`);
    if (problems.length > 0) {
      setOutcome({ kind: "error", text: `Not sent: ${problems.join("; ")}.` });
      return;
    }
    const id = investorId(reference.trim());
    const bits = claimBits(claims);
    const wallets = wallet.trim() === "" ? [] : [wallet.trim()];
    void run(async (progress) => {
      await send(progress, "Registering the investor", () =>
        session.signed.identity.registerInvestor(id, code!, bits, ends, wallets),
      );
      return `Registered investor ${reference.trim()} (id ${short(id)}), ${countryName(code!)}, claims ${
        claimNames(bits).join(", ") || "none"
      }${wallets.length ? `, wallet ${short(wallets[0])}` : ""}.`;
    });
  };
  return (
    <section className="card">
      <h2>Register an investor</h2>
      <p className="muted">
        No personal data goes on chain: the investor is the keccak-256 of your own reference, a country, claims and an
        expiry.
      </p>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Field
          label="Investor reference"
          value={reference}
          onChange={setReference}
          placeholder="client-0001"
          required
        />
        <Field label="Country" value={country} onChange={setCountry} placeholder="HK or 344" required />
        <Field label="Attestation expires" type="date" value={expiry} onChange={setExpiry} required />
        <Field label="First wallet" value={wallet} onChange={setWallet} placeholder="0x… (optional)" />
        <ClaimsField legend="Claims" claims={claims} onChange={setClaims} />
        <div>
          <button type="submit" disabled={!!busy}>
            Register investor
          </button>
        </div>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}

function AddWallet({ session }: { session: Session }) {
  const [investor, setInvestor] = useState("");
  const [wallet, setWallet] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  return (
    <section className="card">
      <h2>Add a wallet</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const text = investor.trim();
          const id = isHexString(text, 32) ? text : investorId(text);
          if (!isAddress(wallet.trim())) {
            setOutcome({ kind: "error", text: `Not sent: "${wallet}" is not an address.` });
            return;
          }
          void run(async (progress) => {
            await send(progress, "Adding the wallet", () => session.signed.identity.addWallet(id, wallet.trim()));
            return `Wallet ${short(wallet.trim())} added to investor ${short(id)}.`;
          });
        }}
      >
        <Field label="Investor reference or id" value={investor} onChange={setInvestor} required />
        <Field label="Wallet to add" value={wallet} onChange={setWallet} placeholder="0x…" required />
        <button type="submit" disabled={!!busy}>
          Add wallet
        </button>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}

/** Why a wallet may or may not hold the alliance's assets, in sentences. */
export async function explainEligibility(session: Session, wallet: string): Promise<string[]> {
  const { identity, members, coin } = session.contracts;
  const lines: string[] = [];
  const member = await members.memberOf(wallet);
  if (member.name) lines.push(`${short(wallet)} is the member ${member.name}.`);
  if (!(await identity.contains(wallet))) {
    lines.push(
      `${short(wallet)} is not registered with any investor: it may neither hold nor receive a security (RecipientNotVerified).`,
    );
    return lines;
  }
  const id = await identity.investorOf(wallet);
  const [record, verified, baseline, wallets, coinEligible, block] = await Promise.all([
    identity.investorRecord(id),
    identity.isVerified(wallet),
    identity.baselineClaims(),
    identity.walletsOf(id),
    coin.isEligible(wallet),
    session.provider.getBlock("latest"),
  ]);
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const provider = (await members.memberOf(record.provider)).name || short(record.provider);
  lines.push(
    `Investor ${short(id)} from ${countryName(Number(record.country))}, attested by ${provider}, with ${
      wallets.length
    } wallet(s); claims ${claimNames(record.claims).join(", ") || "none"}.`,
  );
  const expired = Number(record.expiry) <= now;
  lines.push(`The attestation ${expired ? "expired" : "expires"} ${formatTime(record.expiry)}.`);
  const missing = baseline & ~record.claims;
  if (missing !== 0n) lines.push(`It lacks the baseline claims ${claimNames(missing).join(", ")}.`);
  lines.push(
    verified
      ? "Verified: it may hold any asset whose own rules (claims, countries, caps) it also meets."
      : "Not verified: it may neither hold nor receive a security.",
  );
  const balance = await coin.balanceOf(wallet);
  lines.push(
    `Settlement coin: ${coinEligible ? "eligible" : "not eligible"} (balance ${formatAmount(balance, await coin.decimals())}).`,
  );
  return lines;
}

function Eligibility({ session }: { session: Session }) {
  const [wallet, setWallet] = useState("");
  const [lines, setLines] = useState<string[]>([]);
  const { busy, outcome, setOutcome, run } = useAction();
  return (
    <section className="card">
      <h2>A wallet&apos;s eligibility</h2>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (!isAddress(wallet.trim())) {
            setOutcome({ kind: "error", text: `"${wallet}" is not an address.` });
            return;
          }
          void run(async (progress) => {
            progress("Reading the identity registry…");
            setLines(await explainEligibility(session, wallet.trim()));
          });
        }}
      >
        <Field label="Wallet to explain" value={wallet} onChange={setWallet} placeholder="0x…" required />
        <button type="submit" disabled={!!busy}>
          Explain eligibility
        </button>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
      {lines.length > 0 && (
        <ul data-testid="eligibility">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
