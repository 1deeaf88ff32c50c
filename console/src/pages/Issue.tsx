/**
 * The issuer's form: an equity issued through the factory in one transaction — instrument, compliance rules, an
 * agent, and an ERC-1643 document whose hash is computed from a file the issuer picks. (Bonds and funds need their
 * own terms: their operator tasks issue them.)
 */
import { useState } from "react";
import { ZeroAddress, ZeroHash, encodeBytes32String, isAddress, keccak256, zeroPadBytes } from "ethers";
import { ProductType, assetRules, countryCode, encodeEquityTerms, instrumentCode } from "@assetledger/sdk";
import type { Session } from "../chain";
import { short } from "../format";
import { ClaimsField, claimBits, Field, Notice, Progress, send, useAction } from "../ui";

export function IssuePage({ session }: { session: Session }) {
  const [name, setName] = useState("");
  const [symbol, setSymbol] = useState("");
  const [code, setCode] = useState("");
  const [isin, setIsin] = useState("");
  const [jurisdiction, setJurisdiction] = useState("HK");
  const [maxInvestors, setMaxInvestors] = useState("");
  const [blocked, setBlocked] = useState("");
  const [claims, setClaims] = useState<Set<string>>(new Set());
  const [agent, setAgent] = useState("");
  const [docName, setDocName] = useState("prospectus");
  const [docUri, setDocUri] = useState("");
  const [docHash, setDocHash] = useState("");
  const { busy, outcome, setOutcome, run } = useAction();

  const submit = () => {
    const problems: string[] = [];
    if (name.trim() === "") problems.push("the name is empty");
    if (symbol.trim() === "") problems.push("the symbol is empty");
    const country = countryCode(jurisdiction);
    if (country === undefined) problems.push(`"${jurisdiction}" is no ISO 3166-1 country`);
    const blockedCodes = blocked
      .split(/[\s,;]+/)
      .filter((c) => c !== "")
      .map((c) => [c, countryCode(c)] as const);
    for (const [text, value] of blockedCodes) if (value === undefined) problems.push(`"${text}" is no country`);
    if (maxInvestors.trim() !== "" && !/^\d+$/.test(maxInvestors.trim())) {
      problems.push("the investor cap must be a whole number");
    }
    if (agent.trim() !== "" && !isAddress(agent.trim())) problems.push(`agent "${agent}" is not an address`);
    let securityCode = zeroPadBytes("0x", 12);
    let isinCode = zeroPadBytes("0x", 12);
    try {
      if (code.trim()) securityCode = instrumentCode(code.trim());
      if (isin.trim()) isinCode = instrumentCode(isin.trim());
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
    if (docUri.trim() !== "" && docName.trim() === "") problems.push("the document needs a name");
    if (problems.length > 0) {
      setOutcome({ kind: "error", text: `Not sent: ${problems.join("; ")}.` });
      return;
    }
    const coin = session.network.contracts.SettlementCoinUSD?.address;
    const request = {
      productType: ProductType.Equity,
      instrument: {
        name: name.trim(),
        symbol: symbol.trim(),
        decimals: 0,
        securityCode,
        isin: isinCode,
        jurisdiction: country!,
        issuer: ZeroAddress,
      },
      documents:
        docUri.trim() === ""
          ? []
          : [{ name: encodeBytes32String(docName.trim()), uri: docUri.trim(), documentHash: docHash || ZeroHash }],
      terms: encodeEquityTerms({
        settlementCoin: coin ?? ZeroAddress,
        shareClass: "ORDINARY",
        minClaimPeriod: 7 * 86_400,
      }),
      agents: agent.trim() === "" ? [] : [agent.trim()],
      administrators: [],
      compliance: {
        rules: assetRules({
          requiredClaims: claimBits(claims),
          maxInvestors: maxInvestors.trim() === "" ? 0 : Number(maxInvestors.trim()),
          countryBlockList: blockedCodes.length > 0,
        }),
        allowedCountries: [],
        blockedCountries: blockedCodes.map(([, value]) => value!),
        maxBalance: 0n,
      },
    };
    void run(async (progress) => {
      const factory = session.signed.factory;
      progress("Checking the request with the factory…");
      await factory.issue.staticCall(request);
      let address = "";
      await send(progress, "Issuing", async () => {
        const tx = await factory.issue(request);
        return {
          hash: tx.hash,
          wait: async () => {
            const receipt = await tx.wait();
            const issued = receipt?.logs
              .map((log) => factory.interface.parseLog(log))
              .find((parsed) => parsed?.name === "AssetIssued");
            address = String(issued?.args[0] ?? "");
            return receipt;
          },
        };
      });
      return `Issued ${name.trim()} at ${address} (${short(address)}).`;
    });
  };

  return (
    <section>
      <h1>Issue an asset</h1>
      <p className="muted">An equity, issued through the factory in one transaction (you become its issuer).</p>
      <form
        className="stack card"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Field label="Name" value={name} onChange={setName} required />
        <Field label="Symbol" value={symbol} onChange={setSymbol} required />
        <Field label="Security code" value={code} onChange={setCode} hint="at most 12 bytes" />
        <Field label="ISIN" value={isin} onChange={setIsin} hint="optional" />
        <Field label="Jurisdiction" value={jurisdiction} onChange={setJurisdiction} hint="ISO 3166-1, e.g. HK" />
        <Field label="Maximum investors" value={maxInvestors} onChange={setMaxInvestors} hint="empty: no cap" />
        <Field label="Blocked countries" value={blocked} onChange={setBlocked} hint="e.g. KP, IR (empty: none)" />
        <Field label="Agent" value={agent} onChange={setAgent} placeholder="0x… (mints, freezes)" />
        <ClaimsField legend="Claims recipients must hold" claims={claims} onChange={setClaims} />
        <Field label="Document name" value={docName} onChange={setDocName} />
        <Field label="Document URI" value={docUri} onChange={setDocUri} placeholder="https://… (empty: no document)" />
        <div className="field">
          <label htmlFor="issue-doc-file">Document file (its keccak-256 is recorded)</label>
          <input
            id="issue-doc-file"
            type="file"
            onChange={async (event) => {
              const file = event.target.files?.[0];
              setDocHash(file ? keccak256(new Uint8Array(await file.arrayBuffer())) : "");
            }}
          />
          {docHash && <small className="hint mono">{docHash}</small>}
        </div>
        <div className="wide">
          <button type="submit" disabled={!!busy}>
            Issue
          </button>
        </div>
      </form>
      <Progress busy={busy} />
      <Notice outcome={outcome} />
    </section>
  );
}
