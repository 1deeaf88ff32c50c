import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "hardhat-deploy/types";

/**
 * Waits until every transaction `account` sent is mined (its pending nonce equals its mined one), checking every
 * `intervalMs` for at most `timeoutMs`. A deploy killed after sending and before its receipt leaves such a
 * transaction in the node's pool; the steps of the next run read the chain to decide what is left to do (a
 * deployment, a grant, a permission), so they must read it after that transaction, or they would send it twice.
 * hardhat-deploy resumes its own pending deployments (`.pendingTransactions`); this covers every other step.
 */
export async function settlePending(
  hre: HardhatRuntimeEnvironment,
  account: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const { timeoutMs = 120_000, intervalMs = 500 } = options;
  const provider = hre.ethers.provider;
  const started = Date.now();
  for (;;) {
    const [pending, mined] = await Promise.all([
      provider.getTransactionCount(account, "pending"),
      provider.getTransactionCount(account, "latest"),
    ]);
    if (pending <= mined) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `deploy: ${account} has ${pending - mined} transaction(s) pending for ${timeoutMs / 1000} s (nonces ` +
          `${mined}–${pending - 1}); wait for the node to mine them, or replace them, then deploy again`,
      );
    }
    hre.deployments.log(`deploy: waiting for ${pending - mined} pending transaction(s) of ${account}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const PROXY = "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy";

/**
 * Deploys `contract` behind an ERC-1967 proxy (UUPS) and saves it under `name` with the implementation's ABI.
 *
 * Several proxies may share one implementation (`implementationName`), as every settlement coin does. The
 * implementation's constructor gets `constructorArgs` (its immutables, e.g. the coin's settlement engine). `abis`
 * names interfaces whose functions the implementation serves through its `fallback` (a module's, e.g. the coin's
 * `IHoldable`): the saved deployment's ABI includes them, deduplicated.
 *
 * Idempotent: the implementation is reused when its bytecode is unchanged, and an existing proxy is never
 * replaced. When the implementation changed, the proxy is left alone and the function says so: upgrades go
 * through the authority (`upgradeToAndCall` is restricted to UPGRADER, which carries an execution delay).
 */
export async function deployProxy(
  hre: HardhatRuntimeEnvironment,
  name: string,
  options: {
    from: string;
    initializer: string;
    args: unknown[];
    contract?: string;
    implementationName?: string;
    constructorArgs?: unknown[];
    abis?: string[];
  },
): Promise<Deployment> {
  const { deployments, ethers } = hre;
  const contract = options.contract ?? name;
  const implementation = await deployments.deploy(options.implementationName ?? `${name}_Implementation`, {
    contract,
    from: options.from,
    args: options.constructorArgs ?? [],
    log: true,
  });
  const existing = await deployments.getOrNull(name);
  if (existing) {
    if (existing.implementation !== implementation.address) {
      deployments.log(
        `${name}: a new implementation is deployed at ${implementation.address}; schedule ` +
          `upgradeToAndCall on ${existing.address} through the authority to use it`,
      );
    }
    return existing;
  }
  const artifact = await deployments.getExtendedArtifact(contract);
  const data = new ethers.Interface(artifact.abi).encodeFunctionData(options.initializer, options.args);
  const proxy = await deployments.deploy(`${name}_Proxy`, {
    contract: PROXY,
    from: options.from,
    args: [implementation.address, data],
    log: true,
  });
  // A function, event or error once, however many of the ABIs declare it.
  const key = (fragment: { type: string }) =>
    ["function", "event", "error"].includes(fragment.type)
      ? `${fragment.type} ${ethers.Fragment.from(fragment).format("sighash")}`
      : fragment.type;
  const abi = [...artifact.abi];
  const seen = new Set(abi.map(key));
  for (const name of options.abis ?? []) {
    for (const fragment of (await deployments.getExtendedArtifact(name)).abi) {
      if (seen.has(key(fragment))) continue;
      seen.add(key(fragment));
      abi.push(fragment);
    }
  }
  const deployment: Deployment = { ...proxy, abi, implementation: implementation.address };
  await deployments.save(name, deployment);
  return deployment;
}
