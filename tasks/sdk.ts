/**
 * The SDK package (sdk/package.json, `npm run sdk:pack`):
 * - every `hardhat compile` ends by generating sdk/generated/ (role ids, the platform's error ABI, the public
 *   contracts' TypeChain bindings: scripts/lib/sdk.ts), as TypeChain itself does for typechain-types/;
 *   npx hardhat compile
 * - the address book of the networks with saved deployments, keyed by chain id:
 *   npx hardhat addresses:export --out addresses.json
 */
import { writeFileSync } from "node:fs";
import { task } from "hardhat/config";
import { TASK_COMPILE } from "hardhat/builtin-tasks/task-names";

task(TASK_COMPILE).setAction(async (args: { quiet?: boolean }, hre, runSuper) => {
  const result = await runSuper(args);
  // The coverage build compiles instrumented contracts (solidity-coverage): the SDK is generated from the real ones.
  if (process.env.COVERAGE === "true") return result;
  const { generateSdk } = await import("../scripts/lib/sdk");
  const written = generateSdk(hre.config.paths.root);
  if (written.length > 0 && !args.quiet) console.log(`sdk/generated: wrote ${written.join(", ")}`);
  return result;
});

task(
  "addresses:export",
  "Writes the address book (deployments of every network present, keyed by chain id) as JSON — e.g. npx hardhat addresses:export --out addresses.json",
)
  .addOptionalParam("out", "the file to write (default: print it)", "")
  .setAction(async (args: { out: string }, hre) => {
    const { addressBookOf } = await import("../scripts/lib/sdk");
    const book = addressBookOf(hre.config.paths.root);
    const json = `${JSON.stringify(book, null, 2)}\n`;
    const networks = Object.values(book).map((n) => `${n.network} (${n.chainId}): ${Object.keys(n.contracts).length}`);
    if (args.out) {
      writeFileSync(args.out, json);
      console.log(`address book written to ${args.out}: ${networks.length ? networks.join(", ") : "no network"}`);
    } else {
      process.stdout.write(json);
    }
    return book;
  });
