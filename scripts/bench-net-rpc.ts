/**
 * The anvil half of the net settlement bench (scripts/lib/netBench.ts starts anvil and runs this with
 * `hardhat run --network anvil`): deploys the core on the node and runs `benchNetRpc` over JSON-RPC: the member-level
 * workload at the 100 M ceiling and the investor-level one at 16 M. Writes the figures (`NetRpcResult`) as JSON to
 * the file `NET_RPC_OUT` names.
 */
import { writeFileSync } from "node:fs";
import { deployments } from "hardhat";
import { benchNetRpc } from "./lib/netBench";

async function main(): Promise<void> {
  const out = process.env.NET_RPC_OUT;
  if (!out) throw new Error("bench-net-rpc: NET_RPC_OUT must name the output file");
  await deployments.fixture(["core"]);
  const result = await benchNetRpc((line) => console.log(`[anvil] ${line}`));
  writeFileSync(out, JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
