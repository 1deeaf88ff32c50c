/**
 * Settlement instructions (`ISettlement`): compose the legs, see the instruction's id and the engine's explanation
 * (`explainSettlement` in sentences) before anything is signed, sign it with the signed-in wallet (EIP-712 typed
 * data: a dev key, or an injected wallet's eth_signTypedData_v4), exchange it with the counterparty as JSON
 * (instruction + signatures), affirm it on chain instead of signing, and settle it.
 */
import { useState } from "react";
import { getAddress, hexlify, id as hashText, isAddress, isHexString, parseUnits, randomBytes, toBigInt } from "ethers";
import {
  Equity__factory,
  ProductType,
  Settlement__factory,
  consentsOf,
  explainSettlement,
  instructionId,
  instructionSigner,
  settlementDomain,
  signInstruction,
  type Instruction,
  type SettlementExplanation,
} from "@assetledger/sdk";
import { lotAmount } from "@assetledger/sdk/products/commodity";
import type { Session } from "../chain";
import { short } from "../format";
import { listAssets } from "./Assets";
import { Field, Loading, Notice, Progress, Select, download, send, useAction, useLoad } from "../ui";

/** A token a leg may move: the coin or an issued asset. */
interface TokenChoice {
  address: string;
  symbol: string;
  label: string;
  receipt: boolean;
}

interface LegDraft {
  token: string;
  from: string;
  to: string;
  amount: string;
  lot: string;
}

/** The JSON two parties exchange: the instruction (numbers as decimal strings) and the signatures by sender. */
export interface InstructionFile {
  kind: "assetledger-settlement-instruction";
  chainId: string;
  engine: string;
  instruction: { tradeRef: string; deadline: string; nonce: string; legs: Record<keyof LegDraft & string, string>[] };
  signatures: Record<string, string>;
}

function engineAddress(session: Session): string {
  const record = session.network.contracts.Settlement;
  if (!record) throw new Error(`no settlement engine (Settlement) on ${session.network.network}`);
  return record.address;
}

async function loadTokens(session: Session): Promise<TokenChoice[]> {
  const coin = await session.contracts.coin.getAddress();
  const coinSymbol = await session.contracts.coin.symbol();
  const assets = await listAssets(session);
  return [
    { address: coin, symbol: coinSymbol, label: `${coinSymbol} (settlement coin)`, receipt: false },
    // A loyalty program is not settled by the engine (closed-loop credits).
    ...assets
      .filter((a) => a.productType !== ProductType.LoyaltyCredit)
      .map((a) => ({
        address: a.address,
        symbol: a.symbol,
        label: `${a.name} (${a.symbol})`,
        receipt: a.productType === ProductType.CommodityReceipt,
      })),
  ];
}

function toFile(session: Session, chainId: bigint, draft: Instruction, signatures: Record<string, string>) {
  const file: InstructionFile = {
    kind: "assetledger-settlement-instruction",
    chainId: String(chainId),
    engine: engineAddress(session),
    instruction: {
      tradeRef: draft.tradeRef,
      deadline: String(draft.deadline),
      nonce: String(draft.nonce),
      legs: draft.legs.map((l) => ({ token: l.token, from: l.from, to: l.to, amount: String(l.amount) })),
    } as InstructionFile["instruction"],
    signatures,
  };
  return JSON.stringify(file, null, 2);
}

/** Parses an exchanged instruction, checking every signature recovers to the sender it is filed under. */
function fromFile(
  text: string,
  chainId: bigint,
  engine: string,
): { draft: Instruction; signatures: Record<string, string> } {
  const file = JSON.parse(text) as InstructionFile;
  if (file.kind !== "assetledger-settlement-instruction") throw new Error("not a settlement instruction file");
  if (BigInt(file.chainId) !== chainId) throw new Error(`the instruction is for chain ${file.chainId}, not ${chainId}`);
  if (getAddress(file.engine) !== getAddress(engine)) throw new Error(`the instruction is for engine ${file.engine}`);
  const draft: Instruction = {
    tradeRef: file.instruction.tradeRef,
    deadline: BigInt(file.instruction.deadline),
    nonce: BigInt(file.instruction.nonce),
    legs: file.instruction.legs.map((l) => ({
      token: getAddress(l.token),
      from: getAddress(l.from),
      to: getAddress(l.to),
      amount: BigInt(l.amount),
    })),
  };
  const domain = settlementDomain(chainId, engine);
  const signatures: Record<string, string> = {};
  for (const [sender, signature] of Object.entries(file.signatures ?? {})) {
    const signer = instructionSigner(domain, draft, signature);
    if (signer !== getAddress(sender)) throw new Error(`the signature filed for ${sender} is ${signer}'s`);
    signatures[signer] = signature;
  }
  return { draft, signatures };
}

export function SettlementPage({ session }: { session: Session }) {
  const { data, error } = useLoad(
    async () => ({ tokens: await loadTokens(session), chainId: (await session.provider.getNetwork()).chainId }),
    [session],
  );
  const me = session.identity.address;
  const [tradeRef, setTradeRef] = useState("");
  const [hours, setHours] = useState("24");
  const [legs, setLegs] = useState<LegDraft[]>([
    { token: "", from: me, to: "", amount: "", lot: "" },
    { token: "", from: "", to: me, amount: "", lot: "" },
  ]);
  const [draft, setDraft] = useState<Instruction | undefined>();
  const [signatures, setSignatures] = useState<Record<string, string>>({});
  const [explanation, setExplanation] = useState<SettlementExplanation | undefined>();
  const [pasted, setPasted] = useState("");
  const [exported, setExported] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();
  if (!data) return <Loading error={error} />;
  const { tokens, chainId } = data;
  const tokenOf = (address: string) => tokens.find((t) => t.address === (address || tokens[0].address))!;
  const engine = () => Settlement__factory.connect(engineAddress(session), session.provider);
  const names = Object.fromEntries(tokens.map((t) => [t.address, t.symbol]));

  const setLeg = (index: number, patch: Partial<LegDraft>) =>
    setLegs(legs.map((leg, i) => (i === index ? { ...leg, ...patch } : leg)));

  const adopt = (next: Instruction, sigs: Record<string, string>) => {
    setDraft(next);
    setSignatures(sigs);
    setExplanation(undefined);
    setExported("");
  };

  const compose = () =>
    run(async (progress) => {
      progress("Reading the tokens' decimals and the chain's time…");
      const problems: string[] = [];
      const built = [];
      for (const [i, leg] of legs.entries()) {
        const token = tokenOf(leg.token);
        if (!isAddress(leg.from.trim())) problems.push(`leg ${i + 1}: from "${leg.from}" is not an address`);
        if (!isAddress(leg.to.trim())) problems.push(`leg ${i + 1}: to "${leg.to}" is not an address`);
        let amount = 0n;
        try {
          if (token.receipt) amount = lotAmount(BigInt(leg.lot.trim()), BigInt(leg.amount.trim()));
          else {
            const decimals = Number(await Equity__factory.connect(token.address, session.provider).decimals());
            amount = parseUnits(leg.amount.trim(), decimals);
            if (amount <= 0n) throw new Error("not positive");
          }
        } catch {
          problems.push(
            `leg ${i + 1}: amount "${leg.amount}"${token.receipt ? ` of lot "${leg.lot}"` : ""} is invalid`,
          );
        }
        if (problems.length === 0) {
          built.push({
            token: token.address,
            from: getAddress(leg.from.trim()),
            to: getAddress(leg.to.trim()),
            amount,
          });
        }
      }
      if (!tradeRef.trim()) problems.push("the trade reference is empty");
      if (!/^\d+(\.\d+)?$/.test(hours.trim()) || Number(hours) <= 0) problems.push(`deadline "${hours}" is not hours`);
      if (problems.length > 0) throw new Error(`Not composed: ${problems.join("; ")}.`);
      const now = (await session.provider.getBlock("latest"))!.timestamp;
      const ref = isHexString(tradeRef.trim(), 32) ? tradeRef.trim() : hashText(tradeRef.trim());
      const next: Instruction = {
        tradeRef: ref,
        deadline: BigInt(now + Math.round(Number(hours) * 3600)),
        nonce: toBigInt(hexlify(randomBytes(8))),
        legs: built,
      };
      adopt(next, {});
      return `Composed instruction ${instructionId(next)}.`;
    });

  const explain = () =>
    run(async (progress) => {
      if (!draft) return;
      progress("Asking the settlement engine (explainSettlement)…");
      setExplanation(
        await explainSettlement(engine(), draft, consentsOf(draft, signatures), 0n, names, {
          identity: session.contracts.identity,
        }),
      );
    });

  const sign = () =>
    run(async (progress) => {
      if (!draft) return;
      const senders = new Set(draft.legs.map((l) => l.from));
      if (!senders.has(getAddress(me))) throw new Error("the signed-in wallet sends no leg of this instruction");
      progress("Waiting for the wallet to sign the instruction (EIP-712)…");
      const domain = settlementDomain(chainId, engineAddress(session));
      const signature = await signInstruction(session.signer, domain, draft);
      const signer = instructionSigner(domain, draft, signature);
      if (signer !== getAddress(me)) throw new Error(`the wallet's signature recovers to ${signer}`);
      setSignatures({ ...signatures, [signer]: signature });
      setExplanation(undefined);
      return `Signed as ${short(signer)}.`;
    });

  const affirm = () =>
    run(async (progress) => {
      if (!draft) return;
      await send(progress, "Affirming", () => engine().connect(session.signer).affirm(draft));
      setExplanation(undefined);
      return `Affirmed on chain as ${short(me)}.`;
    });

  const settle = () =>
    run(async (progress) => {
      if (!draft) return;
      await send(progress, "Settling", () =>
        engine().connect(session.signer).settle(draft, consentsOf(draft, signatures), 0n),
      );
      setExplanation(undefined);
      return `Settled instruction ${instructionId(draft)}.`;
    });

  const exportIt = () => {
    if (!draft) return;
    const text = toFile(session, chainId, draft, signatures);
    setExported(text);
    download(`instruction-${instructionId(draft).slice(0, 10)}.json`, text, "application/json");
  };

  const importIt = (text: string) => {
    try {
      const { draft: next, signatures: sigs } = fromFile(text, chainId, engineAddress(session));
      adopt(next, sigs);
      setOutcome({
        kind: "ok",
        text: `Imported instruction ${instructionId(next)} with ${Object.keys(sigs).length} signature(s).`,
      });
    } catch (failure) {
      setOutcome({ kind: "error", text: `Not imported: ${failure instanceof Error ? failure.message : failure}` });
    }
  };

  const tokenOptions = tokens.map((t) => ({ value: t.address, label: t.label }));
  const onceSigned = explanation?.legs.filter((l) => !(Number(l.check.restriction) === 0 && l.check.registered));
  return (
    <section>
      <h1>Settlement</h1>
      <p className="muted">
        Compose an instruction whose legs move together or not at all, see what the engine says before anyone signs,
        then collect each sender&apos;s consent and settle.
      </p>
      <form
        className="stack card"
        onSubmit={(event) => {
          event.preventDefault();
          void compose();
        }}
      >
        <h2>Compose</h2>
        <Field label="Trade reference" value={tradeRef} onChange={setTradeRef} placeholder="e.g. HX-2026-0001" />
        <Field label="Deadline (hours from now)" value={hours} onChange={setHours} />
        {legs.map((leg, i) => {
          const receipt = tokenOf(leg.token).receipt;
          return (
            <fieldset key={i} className="wide">
              <legend>Leg {i + 1}</legend>
              <Select
                label={`Leg ${i + 1} asset`}
                value={leg.token || tokens[0].address}
                onChange={(token) => setLeg(i, { token })}
                options={tokenOptions}
              />
              <Field label={`Leg ${i + 1} from`} value={leg.from} onChange={(from) => setLeg(i, { from })} />
              <Field label={`Leg ${i + 1} to`} value={leg.to} onChange={(to) => setLeg(i, { to })} />
              {receipt && (
                <Field label={`Leg ${i + 1} lot id`} value={leg.lot} onChange={(lot) => setLeg(i, { lot })} />
              )}
              <Field
                label={receipt ? `Leg ${i + 1} quantity` : `Leg ${i + 1} amount`}
                value={leg.amount}
                onChange={(amount) => setLeg(i, { amount })}
                hint={receipt ? "units of the lot" : "in whole units of the token"}
              />
              {legs.length > 1 && (
                <button type="button" className="secondary" onClick={() => setLegs(legs.filter((_, j) => j !== i))}>
                  Remove leg {i + 1}
                </button>
              )}
            </fieldset>
          );
        })}
        <div className="wide">
          <button
            type="button"
            className="secondary"
            onClick={() => setLegs([...legs, { token: "", from: me, to: "", amount: "", lot: "" }])}
          >
            Add a leg
          </button>{" "}
          <button type="submit" disabled={!!busy}>
            Compose
          </button>
        </div>
      </form>
      <section className="card">
        <h2>Import from the counterparty</h2>
        <div className="field">
          <label htmlFor="instruction-json">Instruction JSON</label>
          <textarea id="instruction-json" rows={4} value={pasted} onChange={(e) => setPasted(e.target.value)} />
        </div>
        <button type="button" disabled={!pasted.trim()} onClick={() => importIt(pasted)}>
          Import
        </button>{" "}
        <label htmlFor="instruction-file">or a file</label>{" "}
        <input
          id="instruction-file"
          type="file"
          accept="application/json,.json"
          onChange={(event) => void event.target.files?.[0]?.text().then(importIt)}
        />
      </section>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
      {draft && (
        <section className="card" data-testid="instruction">
          <h2>Instruction</h2>
          <dl>
            <dt>Id</dt>
            <dd className="mono" data-testid="instruction-id">
              {instructionId(draft)}
            </dd>
            <dt>Deadline</dt>
            <dd>{new Date(Number(draft.deadline) * 1000).toISOString()}</dd>
            <dt>Signed by</dt>
            <dd data-testid="signed-by">
              {Object.keys(signatures).length === 0 ? "nobody yet" : Object.keys(signatures).map(short).join(", ")}
            </dd>
          </dl>
          <div>
            <button type="button" disabled={!!busy} onClick={() => void explain()}>
              Explain
            </button>{" "}
            <button type="button" disabled={!!busy} onClick={() => void sign()}>
              Sign
            </button>{" "}
            <button type="button" className="secondary" disabled={!!busy} onClick={() => void affirm()}>
              Affirm on chain
            </button>{" "}
            <button type="button" className="secondary" disabled={!!busy} onClick={exportIt}>
              Export JSON
            </button>{" "}
            <button type="button" disabled={!!busy} onClick={() => void settle()}>
              Settle
            </button>
          </div>
          {exported && (
            <div className="field">
              <label htmlFor="instruction-export">Exported instruction (send it to the counterparty)</label>
              <textarea id="instruction-export" rows={6} readOnly value={exported} />
            </div>
          )}
          {explanation && (
            <div data-testid="settlement-explanation">
              <p className={`notice ${explanation.ok ? "ok" : "error"}`} role="status">
                {explanation.summary}
              </p>
              <ul>
                {explanation.legs.map((leg) => (
                  <li key={leg.leg}>{leg.sentence}</li>
                ))}
              </ul>
              <p data-testid="once-signed">
                {onceSigned && onceSigned.length === 0
                  ? "Once every sender consents, all legs would move."
                  : `Even with every consent, leg${onceSigned!.length > 1 ? "s" : ""} ${onceSigned!
                      .map((l) => l.leg)
                      .join(", ")} would not move.`}
              </p>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
