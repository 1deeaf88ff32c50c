/**
 * The anvil half of the net settlement bench (scripts/lib/netBench.ts starts anvil and runs this with
 * `hardhat run --network anvil`): deploys the core on the node, builds a member-level world (100 participants, 100
 * Equities vs aUSD: scripts/lib/netWorld.ts) and settles the member-level workload at the 100 M ceiling over
 * JSON-RPC: a warm-up batch, then 3 measured batches. Writes the figures (`NetMeasure`) as JSON to the file
 * `NET_RPC_OUT` names.
 */
import { writeFileSync } from "node:fs";
import { deployments } from "hardhat";
import { GAS_CEILING_CONSORTIUM } from "../sdk/netting";
import { buildNetWorld } from "./lib/netWorld";
import { Ledger, measure, MEMBER_100M, MEMBERS, INSTRUMENTS } from "./lib/netBench";

async function main(): Promise<void> {
  const out = process.env.NET_RPC_OUT;
  if (!out) throw new Error("bench-net-rpc: NET_RPC_OUT must name the output file");
  const log = (line: string) => console.log(`[anvil] ${line}`);
  await deployments.fixture(["core"]);
  const world = await buildNetWorld({ participants: MEMBERS, instruments: INSTRUMENTS, seed: 19, log });
  const ledger = new Ledger(world);
  const m = await measure(
    world,
    ledger,
    "member",
    GAS_CEILING_CONSORTIUM,
    MEMBER_100M.batches,
    MEMBER_100M.seed,
    MEMBER_100M.trades,
    log,
  );
  writeFileSync(out, JSON.stringify({ measure: m, seconds: world.seconds }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
