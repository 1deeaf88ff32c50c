/**
 * `cli.importInvestors.perSecond` (issue 21): the operator CLI's investor import on the embedded network — a CSV of
 * 10,000 investors (one wallet each) parsed, checked against the registry and registered in batches by the KYC
 * provider, exactly as `npx hardhat investors:import` runs it (sdk/investors.ts, scripts/lib/importInvestors.ts).
 * The caller has deployed the core and seated the KYC provider.
 */
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import type { IdentityRegistry } from "../../typechain-types";
import { INVESTOR_COLUMNS, parseInvestorCsv } from "../../sdk/investors";
import { importInvestors } from "./importInvestors";

export interface CliRow {
  id: string;
  kind: "throughput";
  value: number;
  unit: string;
  note: string;
}

export async function benchImportInvestors(kyc: Signer, count = 10_000, batch = 100): Promise<CliRow> {
  const rows = [INVESTOR_COLUMNS.join(",")];
  for (let i = 0; i < count; i++) {
    const wallet = ethers.getAddress(ethers.dataSlice(ethers.id(`cli bench wallet ${i}`), 0, 20));
    rows.push(`cli-bench-${i},HK,KYC AML,2036-01-01,${wallet}`);
  }
  const text = rows.join("\n") + "\n";
  const identity = (await ethers.getContractAt(
    "IdentityRegistry",
    (await deployments.get("IdentityRegistry")).address,
    kyc,
  )) as unknown as IdentityRegistry;
  const started = performance.now();
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  const file = parseInvestorCsv(text, now);
  if (file.errors.length > 0) throw new Error(`cli bench: ${file.errors[0]}`);
  const result = await importInvestors(identity, file.investors, {
    batch,
    progress: () => ({ tick: () => undefined, done: () => 0 }),
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.registered !== count) throw new Error(`cli bench: ${result.registered} of ${count} registered`);
  if ((await identity.investorCount()) < BigInt(count)) throw new Error("cli bench: the registry lacks investors");
  return {
    id: "cli.importInvestors.perSecond",
    kind: "throughput",
    value: Math.round(count / seconds),
    unit: "investors/s",
    note:
      `npx hardhat investors:import's path on the embedded network: a CSV of ${count.toLocaleString("en-US")} ` +
      `investors (one wallet each) parsed and checked, the registry asked which exist, ${result.batches} ` +
      `registerInvestors batches of ${batch}: ${seconds.toFixed(1)} s in all (target: under 60 s)`,
  };
}
