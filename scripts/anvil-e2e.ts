/**
 * `npm run test:anvil`: the core on a separate chain. Starts anvil on 127.0.0.1 (free gas, hardfork cancun,
 * chain id 7357), deploys the whole core with `hardhat deploy --network anvil` from a fresh mnemonic whose accounts
 * hold no ether, checks a verified investor end to end over JSON-RPC, deploys again and proves nothing changed
 * (no new contract, no transaction), then stops the node and makes sure its process is gone.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Contract, HDNodeWallet, Mnemonic, Wallet, ethers, type Signer } from "ethers";
import { ANVIL_CHAIN_ID, ANVIL_PORT } from "../config/networks";
import { Claim, claimsOf } from "../sdk/claims";
import { anvilBinary, isAlive, startAnvil, type AnvilNode } from "./lib/anvil";
import { seatMember } from "./lib/members";
import type { MemberRegistry } from "../typechain-types";

const root = join(__dirname, "..");
const deploymentsDir = join(root, "deployments", "anvil");
let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? "✓" : "✗"} ${name}${detail ? ` (${detail})` : ""}`);
}

function deploy(mnemonic: string): string {
  const result = spawnSync("npx", ["hardhat", "deploy", "--network", "anvil"], {
    cwd: root,
    env: { ...process.env, ASSETLEDGER_MNEMONIC: mnemonic, ANVIL_PORT: String(ANVIL_PORT) },
    encoding: "utf8",
    timeout: 600_000,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) throw new Error(`hardhat deploy --network anvil failed:\n${output}`);
  return output;
}

function deployed(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(deploymentsDir).filter((f) => f.endsWith(".json"))) {
    out[file] = JSON.parse(readFileSync(join(deploymentsDir, file), "utf8")).address;
  }
  return out;
}

function contractAt(name: string, signer: Signer): Contract {
  const { address, abi } = JSON.parse(readFileSync(join(deploymentsDir, `${name}.json`), "utf8"));
  return new Contract(address, abi, signer);
}

async function main(): Promise<void> {
  if (!anvilBinary()) {
    if (process.platform === "linux" && process.arch === "x64") throw new Error("anvil binary missing: run npm ci");
    console.log(`anvil end-to-end: skipped (no anvil build for ${process.platform}-${process.arch})`);
    return;
  }
  const mnemonic = Wallet.createRandom().mnemonic!.phrase;
  rmSync(deploymentsDir, { recursive: true, force: true });
  console.log(`anvil end-to-end on 127.0.0.1:${ANVIL_PORT}, chain id ${ANVIL_CHAIN_ID}`);
  let node: AnvilNode | undefined;
  try {
    node = await startAnvil({ port: ANVIL_PORT, chainId: ANVIL_CHAIN_ID });
    const { provider } = node;
    const wallet = (i: number) =>
      HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(mnemonic), `m/44'/60'/0'/0/${i}`).connect(provider);
    const [deployer, governor, kycProvider] = [wallet(0), wallet(1), wallet(2)];
    const [alice, bob] = [wallet(6), wallet(7)];

    check("the node runs chain id 7357", (await provider.getNetwork()).chainId === BigInt(ANVIL_CHAIN_ID));
    // Cancun headers carry the beacon root and blob gas fields; Prague's add `requestsHash`.
    const header = await provider.send("eth_getBlockByNumber", ["latest", false]);
    check(
      "the node runs hardfork cancun, not later",
      "parentBeaconBlockRoot" in header && "excessBlobGas" in header && !("requestsHash" in header),
    );
    check("the deployer holds no ether", (await provider.getBalance(deployer.address)) === 0n);

    deploy(mnemonic);
    const first = deployed();
    const names = [
      "AllianceAuthority",
      "MemberRegistry",
      "IdentityRegistry",
      "Compliance",
      "SettlementCoinUSD",
      "SettlementCoinCNY",
      "AssetFactory",
    ];
    for (const name of names) {
      const code = await provider.getCode(first[`${name}.json`] ?? ethers.ZeroAddress);
      check(`${name} is deployed`, code.length > 2);
    }
    check("the deployer still holds no ether", (await provider.getBalance(deployer.address)) === 0n);
    // Every coin hears of every less-eligible change in both registries (deploy/45_subscribers.ts).
    for (const registry of ["IdentityRegistry", "MemberRegistry"]) {
      const subscribers = (await contractAt(registry, deployer).subscribers()) as string[];
      check(
        `${registry} tells both coins of every less-eligible change`,
        ["SettlementCoinUSD", "SettlementCoinCNY"].every((coin) => subscribers.includes(first[`${coin}.json`])),
      );
    }

    // One verified investor, end to end over JSON-RPC.
    const members = contractAt("MemberRegistry", governor) as unknown as MemberRegistry;
    await seatMember(members, kycProvider.address, "KycProvider", "KYC provider");
    const identity = contractAt("IdentityRegistry", kycProvider);
    const latest = await provider.getBlock("latest");
    const expiry = latest!.timestamp + 365 * 24 * 3_600;
    const investor = ethers.id("investor:alice");
    await (
      await identity.registerInvestor(investor, 156, claimsOf([Claim.KYC, Claim.AML]), expiry, [alice.address])
    ).wait();
    check("alice is verified", await identity.isVerified(alice.address));
    check("alice's investor id is read back", (await identity.investorOf(alice.address)) === investor);
    check("alice's country is 156", (await identity.investorCountry(alice.address)) === 156n);
    check("bob is not verified", !(await identity.isVerified(bob.address)));
    check("the KYC provider holds no ether", (await provider.getBalance(kycProvider.address)) === 0n);

    // The verified investor may hold the settlement coin once its eligibility is synced.
    const coin = contractAt("SettlementCoinUSD", alice);
    await (await coin.syncHolder(alice.address)).wait();
    check("alice may hold the USD settlement coin", await coin.isEligible(alice.address));
    check("bob may not hold it", !(await coin.isEligible(bob.address)));
    check("the coin has 6 decimals", (await coin.decimals()) === 6n);

    // A second deploy changes nothing.
    const block = await provider.getBlockNumber();
    const nonce = await provider.getTransactionCount(deployer.address);
    const output = deploy(mnemonic);
    check("a second deploy sends no transaction", (await provider.getBlockNumber()) === block, `block ${block}`);
    check("the deployer's nonce is unchanged", (await provider.getTransactionCount(deployer.address)) === nonce);
    check("a second deploy deploys no contract", JSON.stringify(deployed()) === JSON.stringify(first));
    check("a second deploy reuses every deployment", !/deploying "/.test(output));
  } finally {
    if (node) {
      const pid = node.process.pid!;
      await node.stop();
      check("the anvil process is gone after stop", !isAlive(pid), `pid ${pid}`);
    }
  }
}

main()
  .catch((error: unknown) => {
    failed++;
    console.error(error);
  })
  .finally(() => {
    console.log(`anvil end-to-end: ${passed} checks passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  });
