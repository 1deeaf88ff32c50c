/**
 * Resumable deployments on a separate chain. hardhat-deploy records a deployment's transaction in
 * `.pendingTransactions` only after the node has accepted it, so a deploy killed in between leaves a contract on
 * chain that no record names, and the next run would deploy it again. Before each deployment this module writes an
 * intent — the sender and the nonce its creation will use — to `deployments/<network>/.deployIntents`, and
 * removes it once hardhat-deploy returns. A run that finds an intent left by a killed run looks at that nonce: when
 * the sender has used it and a contract sits at the address it creates, that contract is recorded under the
 * deployment's name with its creating transaction, and hardhat-deploy then reuses it (same transaction data)
 * instead of deploying it again. Installed for every network but the embedded one (hardhat.config.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getCreateAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeployOptions, DeployResult, Receipt } from "hardhat-deploy/types";

interface Intent {
  from: string;
  nonce: number;
}

function journalPath(hre: HardhatRuntimeEnvironment): string {
  return join(hre.config.paths.deployments, hre.network.name, ".deployIntents");
}

function readJournal(path: string): Record<string, Intent> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, Intent>) : {};
}

function writeJournal(path: string, journal: Record<string, Intent>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(journal, null, 2) + "\n");
}

/**
 * The transaction `from` sent with `nonce` (mined): the first block where `from`'s nonce passed it, found by
 * bisection over the chain (archive state of recent blocks suffices: a killed deploy is resumed soon).
 */
async function transactionOf(hre: HardhatRuntimeEnvironment, from: string, nonce: number) {
  const provider = hre.ethers.provider;
  let [lo, hi] = [0, await provider.getBlockNumber()];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await provider.getTransactionCount(from, mid)) > nonce) hi = mid;
    else lo = mid + 1;
  }
  const block = await provider.getBlock(lo, true);
  const tx = block?.prefetchedTransactions.find(
    (t) => t.from.toLowerCase() === from.toLowerCase() && t.nonce === nonce,
  );
  return tx ? provider.getTransactionReceipt(tx.hash) : null;
}

/** Records the contract an interrupted run created for `name` (see the module's comment), if there is one. */
async function recover(hre: HardhatRuntimeEnvironment, name: string, options: DeployOptions, intent: Intent) {
  const { deployments, ethers } = hre;
  if ((await ethers.provider.getTransactionCount(intent.from, "latest")) <= intent.nonce) return;
  const address = getCreateAddress({ from: intent.from, nonce: intent.nonce });
  if ((await ethers.provider.getCode(address)) === "0x") return;
  const existing = await deployments.getOrNull(name);
  if (existing?.address.toLowerCase() === address.toLowerCase()) return;
  const receipt = await transactionOf(hre, intent.from, intent.nonce);
  if (!receipt || receipt.contractAddress?.toLowerCase() !== address.toLowerCase()) return;
  const contract = options.contract ?? name;
  const artifact = typeof contract === "string" ? await deployments.getExtendedArtifact(contract) : contract;
  const saved: Receipt = {
    from: receipt.from,
    to: null as unknown as string,
    contractAddress: address,
    transactionIndex: receipt.index,
    gasUsed: receipt.gasUsed.toString(),
    logsBloom: receipt.logsBloom,
    blockHash: receipt.blockHash,
    transactionHash: receipt.hash,
    logs: [],
    blockNumber: receipt.blockNumber,
    cumulativeGasUsed: receipt.cumulativeGasUsed.toString(),
    status: receipt.status ?? 1,
  };
  await deployments.save(name, {
    ...artifact,
    address,
    args: options.args ?? [],
    transactionHash: receipt.hash,
    receipt: saved,
  });
  deployments.log(`deploy: ${name} was created at ${address} by an interrupted run (nonce ${intent.nonce}): recorded`);
}

/** Wraps `hre.deployments.deploy` with the intent journal (see the module's comment). */
export function makeDeploysResumable(hre: HardhatRuntimeEnvironment): void {
  const deployments = hre.deployments;
  const deploy = deployments.deploy.bind(deployments);
  deployments.deploy = async (name: string, options: DeployOptions): Promise<DeployResult> => {
    const path = journalPath(hre);
    const journal = readJournal(path);
    if (journal[name]) await recover(hre, name, options, journal[name]);
    const from = options.from.startsWith("0x") ? options.from : (await hre.getNamedAccounts())[options.from];
    journal[name] = { from, nonce: await hre.ethers.provider.getTransactionCount(from, "pending") };
    writeJournal(path, journal);
    const result = await deploy(name, options);
    const after = readJournal(path);
    delete after[name];
    writeJournal(path, after);
    return result;
  };
}
