import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Deployment } from "hardhat-deploy/types";

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
