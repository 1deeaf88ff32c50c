/**
 * A transfer, pre-checked: the token's own ERC-1404 verdict (pause, freezes, holds) and the compliance pipeline's
 * explanation (`explainTransfer`, put in words by `describeExplanation`), shown before anything is sent; sending
 * is offered only when both allow it and the signed-in wallet is the sender.
 */
import { useState } from "react";
import { isAddress, parseUnits } from "ethers";
import { Equity__factory, Restriction, describeExplanation, describeRestriction } from "@assetledger/sdk";
import type { Session } from "../chain";
import { formatAmount, short } from "../format";
import { isSecurity, listAssets } from "./Assets";
import { Field, Loading, Notice, Progress, Select, send, useAction, useLoad } from "../ui";

interface Verdict {
  allowed: boolean;
  text: string;
  key: string;
}

export function TransfersPage({ session }: { session: Session }) {
  // A security's ERC-20 transfer (a receipt market's lots move on the Settlement page).
  const { data: assets, error } = useLoad(
    async () => (await listAssets(session)).filter((row) => isSecurity(row.productType)),
    [session],
  );
  const [asset, setAsset] = useState("");
  const [from, setFrom] = useState(session.identity.address);
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const { busy, outcome, setOutcome, run } = useAction();
  if (!assets) return <Loading error={error} />;
  const chosen = asset || assets[0]?.address || "";
  const key = `${chosen}|${from}|${to}|${amount}`;

  const check = () => {
    setVerdict(undefined);
    const problems: string[] = [];
    if (!isAddress(from.trim())) problems.push(`from "${from}" is not an address`);
    if (!isAddress(to.trim())) problems.push(`to "${to}" is not an address`);
    if (!/^\d+(\.\d+)?$/.test(amount.trim())) problems.push(`amount "${amount}" is not a positive number`);
    if (problems.length > 0) {
      setOutcome({ kind: "error", text: `Not checked: ${problems.join("; ")}.` });
      return;
    }
    void run(async (progress) => {
      progress("Asking the token and the compliance pipeline…");
      const token = Equity__factory.connect(chosen, session.provider);
      const decimals = Number(await token.decimals());
      const value = parseUnits(amount.trim(), decimals);
      const balance = await token.balanceOf(from.trim());
      const code = Number(await token.detectTransferRestriction(from.trim(), to.trim(), value));
      let text: string;
      if (code === Restriction.None && balance < value) {
        text = `Refused: the sender holds ${formatAmount(balance, decimals)}, less than the amount.`;
        setVerdict({ allowed: false, text, key });
        return;
      }
      if (code === Restriction.None || code < Restriction.TokenPaused) {
        const explanation = await session.contracts.compliance.explainTransfer(chosen, from.trim(), to.trim(), value);
        text = describeExplanation({
          code: explanation.code,
          party: explanation.party,
          detail: explanation.detail,
          rule: explanation.rule,
          ruleCode: explanation.ruleCode,
          message: explanation.message,
        });
        if (code !== Restriction.None && Number(explanation.code) === Restriction.None)
          text = describeRestriction(code);
      } else {
        text = `${describeRestriction(code)} — the token says: ${await token.messageForTransferRestriction(code)}`;
      }
      setVerdict({ allowed: code === Restriction.None && text === "allowed", text, key });
    });
  };

  const sendIt = () =>
    run(async (progress) => {
      const token = Equity__factory.connect(chosen, session.signer);
      const decimals = Number(await token.decimals());
      const value = parseUnits(amount.trim(), decimals);
      await send(progress, "Transferring", () => token.transfer(to.trim(), value));
      setVerdict(undefined);
      const symbol = assets.find((a) => a.address === chosen)?.symbol ?? "";
      return `Sent ${formatAmount(value, decimals)} ${symbol} to ${short(to.trim())}.`;
    });

  const fresh = verdict && verdict.key === key;
  const mine = from.trim().toLowerCase() === session.identity.address.toLowerCase();
  return (
    <section>
      <h1>Transfers</h1>
      <p className="muted">Check a transfer against the asset&apos;s rules before sending it.</p>
      <form
        className="stack card"
        onSubmit={(event) => {
          event.preventDefault();
          check();
        }}
      >
        <Select
          label="Asset"
          name="asset"
          value={chosen}
          onChange={setAsset}
          options={assets.map((a) => ({ value: a.address, label: `${a.name} (${a.symbol})` }))}
        />
        <Field label="From" value={from} onChange={setFrom} required />
        <Field label="To" value={to} onChange={setTo} placeholder="0x…" required />
        <Field label="Amount" value={amount} onChange={setAmount} placeholder="in whole units, e.g. 10" required />
        <div className="wide">
          <button type="submit" disabled={!!busy}>
            Pre-check
          </button>{" "}
          <button
            type="button"
            disabled={!!busy || !fresh || !verdict?.allowed || !mine}
            onClick={() => void sendIt()}
            title={mine ? undefined : "Only the signed-in wallet can send from its own address"}
          >
            Send
          </button>
        </div>
      </form>
      {fresh && (
        <p
          className={`notice ${verdict.allowed ? "ok" : "error"}`}
          data-testid="explanation"
          role="status"
          aria-live="polite"
        >
          {verdict.allowed ? "allowed" : verdict.text}
        </p>
      )}
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}
