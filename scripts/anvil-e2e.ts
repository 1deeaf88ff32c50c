/**
 * `npm run test:anvil`: the core on a separate chain. Starts anvil on 127.0.0.1 (free gas, hardfork cancun,
 * chain id 7357), deploys the whole core with `hardhat deploy --network anvil` from a fresh mnemonic whose accounts
 * hold no ether, checks a verified investor end to end over JSON-RPC, deploys again and proves nothing changed
 * (no new contract, no transaction), then stops the node and makes sure its process is gone.
 * The first deploy is interrupted: the deploy process is killed (SIGKILL, its whole process group) at several
 * points — while the authority's roles are labelled, between a proxy's implementation and the proxy, while a
 * product's implementation deploys, in the middle of the permission table — and run again each time; the run that
 * finishes must leave what an uninterrupted deploy leaves: no contract deployed twice (every contract the deployer
 * created is a recorded deployment), no role granted or labelled twice, the permission table equal to
 * config/roles.ts (`roles:diff` finds nothing).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, HDNodeWallet, Mnemonic, Wallet, ethers, type Signer } from "ethers";
import { ANVIL_CHAIN_ID, ANVIL_PORT } from "../config/networks";
import { Claim, claimsOf } from "../sdk/claims";
import { anvilBinary, isAlive, startAnvil, type AnvilNode } from "./lib/anvil";
import { seatMember } from "./lib/members";
import { prepareDappWorld, runDappExample } from "./lib/dapp";
import { buildSdk, packSdk } from "./sdk-pack";
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

/**
 * Runs `npx hardhat <args> --network anvil` and kills its process group (SIGKILL) as soon as its output satisfies
 * `killWhen` (never, when absent); returns whether it was killed, its exit status and its output. Gives up after
 * 600 s.
 */
function hardhatOnAnvil(
  mnemonic: string,
  args: string[],
  killWhen?: (output: string) => boolean,
): Promise<{ killed: boolean; status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["hardhat", ...args, "--network", "anvil"], {
      cwd: root,
      env: { ...process.env, ASSETLEDGER_MNEMONIC: mnemonic, ANVIL_PORT: String(ANVIL_PORT) },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let killed = false;
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(new Error(`hardhat ${args.join(" ")} did not finish in 600 s:\n${output}`));
    }, 600_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (killWhen && !killed && killWhen(output)) {
        killed = true;
        process.kill(-child.pid!, "SIGKILL");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ killed, status, output });
    });
  });
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

/**
 * What an interrupted and resumed deploy must leave: every contract the deployer created recorded as a deployment
 * (none deployed twice), no role granted twice to an account, no role labelled twice, the permission table in sync.
 */
async function checkResumedDeploy(
  provider: ethers.JsonRpcProvider,
  mnemonic: string,
  deployer: string,
  files: Record<string, string>,
): Promise<void> {
  const recorded = new Set(Object.values(files).map((a) => a.toLowerCase()));
  const created: string[] = [];
  const latest = await provider.getBlockNumber();
  for (let n = 0; n <= latest; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.to !== null || tx.from.toLowerCase() !== deployer.toLowerCase()) continue;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt?.status === 1 && receipt.contractAddress) created.push(receipt.contractAddress.toLowerCase());
    }
  }
  const orphans = created.filter((a) => !recorded.has(a));
  check(
    "no contract is deployed twice: every contract the deployer created is a recorded deployment",
    orphans.length === 0 && created.length > 10,
    `${created.length} created, orphans ${orphans.join(" ") || "none"}`,
  );
  const authority = contractAt("AllianceAuthority", new Wallet(ethers.id("reader"), provider));
  const grants = new Map<string, number>();
  for (const log of await authority.queryFilter(authority.filters.RoleGranted())) {
    const { roleId, account } = (log as ethers.EventLog).args;
    const key = `${roleId}:${account}`;
    grants.set(key, (grants.get(key) ?? 0) + 1);
  }
  const twice = [...grants.entries()].filter(([, n]) => n > 1).map(([key]) => key);
  check("no role is granted twice to an account", twice.length === 0 && grants.size > 0, twice.join(" "));
  const labels = new Map<string, number>();
  for (const log of await authority.queryFilter(authority.filters.RoleLabel())) {
    const key = String((log as ethers.EventLog).args.roleId);
    labels.set(key, (labels.get(key) ?? 0) + 1);
  }
  const relabelled = [...labels.entries()].filter(([, n]) => n > 1).map(([key]) => key);
  check("no role is labelled twice, and every role is labelled", relabelled.length === 0 && labels.size >= 20);
  const diff = spawnSync("npx", ["hardhat", "roles:diff", "--network", "anvil"], {
    cwd: root,
    env: { ...process.env, ASSETLEDGER_MNEMONIC: mnemonic, ANVIL_PORT: String(ANVIL_PORT) },
    encoding: "utf8",
    timeout: 300_000,
  });
  check(
    "the permission table equals config/roles.ts (roles:diff finds nothing)",
    diff.status === 0 && /The authority matches config\/roles\.ts\./.test(diff.stdout),
    diff.status === 0 ? "" : `${diff.stdout}${diff.stderr}`.slice(-400),
  );
}

/** Runs `investors:import` on anvil; with `killAfter`, kills it once its progress shows that many registered. */
function runImport(mnemonic: string, file: string, killAfter?: number) {
  const registered = (output: string) =>
    [...output.matchAll(/ ([\d,]+)\/300 /g)].some((m) => Number(m[1].replace(/,/g, "")) >= killAfter!);
  return hardhatOnAnvil(
    mnemonic,
    ["investors:import", "--file", file, "--batch", "100"],
    killAfter === undefined ? undefined : registered,
  );
}

async function checkInvestorImport(mnemonic: string, identity: Contract): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "import-"));
  try {
    const file = join(dir, "investors.csv");
    const rows = ["investor,country,claims,expiry,wallets"];
    for (let i = 0; i < 300; i++) {
      rows.push(
        `e2e-${i},HK,KYC AML,2036-01-01,${ethers.getAddress(ethers.dataSlice(ethers.id(`e2e wallet ${i}`), 0, 20))}`,
      );
    }
    writeFileSync(file, rows.join("\n") + "\n");
    const before = Number(await identity.investorCount());
    const first = await runImport(mnemonic, file, 100);
    check("the CSV import is killed after its first batch", first.killed, first.killed ? "" : first.output.slice(-300));
    const afterKill = Number(await identity.investorCount());
    check("the killed import registered part of the file", afterKill > before && afterKill < before + 300);
    const second = await runImport(mnemonic, file);
    const resumed =
      second.status === 0 &&
      new RegExp(`${before + 300 - afterKill} registered, ${afterKill - before} already registered`).test(
        second.output,
      );
    check(
      "the import run again finishes, skipping those already registered",
      resumed,
      resumed ? "" : second.output.slice(-300),
    );
    const events = await identity.queryFilter(identity.filters.InvestorRegistered());
    const ids = events.map((e) => (e as ethers.EventLog).args.investor as string);
    check(
      "every investor of the file is registered once",
      Number(await identity.investorCount()) === before + 300 && new Set(ids).size === ids.length,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

    // The first deploy, killed at several points and run again each time, then run to the end.
    const seen =
      (pattern: RegExp, times = 1) =>
      (output: string) =>
        (output.match(pattern) ?? []).length >= times;
    const killPoints: [string, (output: string) => boolean][] = [
      ["while the authority's roles are labelled", seen(/authority: role \d+ labelled/g, 3)],
      ["between MemberRegistry's implementation and its proxy", seen(/deploying "MemberRegistry_Proxy"/g)],
      ["while a product's implementation deploys", seen(/deploying "Bond\w*"/g)],
      ["in the middle of the permission table", seen(/roles: setTargetFunctionRole/g, 3)],
    ];
    for (const [where, point] of killPoints) {
      const run = await hardhatOnAnvil(mnemonic, ["deploy"], point);
      check(`the deploy is killed ${where}`, run.killed, run.killed ? "" : run.output.slice(-400));
    }
    const resumed = deploy(mnemonic);
    check("the deploy run after the kills completes", /roles:|reusing/.test(resumed));
    const first = deployed();
    await checkResumedDeploy(provider, mnemonic, deployer.address, first);
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

    // The operator CLI's investor import over JSON-RPC: a CSV of 300 investors, the import killed after its first
    // batch and run again: everyone registered once.
    await checkInvestorImport(mnemonic, identity);

    // A second deploy changes nothing.
    const block = await provider.getBlockNumber();
    const nonce = await provider.getTransactionCount(deployer.address);
    const output = deploy(mnemonic);
    check("a second deploy sends no transaction", (await provider.getBlockNumber()) === block, `block ${block}`);
    check("the deployer's nonce is unchanged", (await provider.getTransactionCount(deployer.address)) === nonce);
    check("a second deploy deploys no contract", JSON.stringify(deployed()) === JSON.stringify(first));
    check("a second deploy reuses every deployment", !/deploying "/.test(output));

    // The packed SDK's example dApp (examples/dapp): installed from the tarball, it reads a register, explains a
    // refused transfer and relays a gasless coin payment.
    {
      const world = await prepareDappWorld(provider, wallet, contractAt);
      const started = Date.now();
      const built = buildSdk();
      const packed = packSdk();
      const dapp = runDappExample(packed.tarball, `http://127.0.0.1:${ANVIL_PORT}`, world);
      const { register, refusal, payment } = dapp.result;
      console.log(dapp.output.replace(/^/gm, "    | ").trimEnd());
      const timings = { ...built, ...dapp.times };
      console.log(
        `  sdk tarball ${(packed.bytes / 1024).toFixed(1)} kB; ${Object.entries(timings)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join(", ")}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
      );
      check("the example installs the SDK from its tarball, inside its own copy", dapp.installedInside);
      check(
        "the example runs on the anvil chain, found in the bundled address book",
        dapp.result.chainId === ANVIL_CHAIN_ID,
      );
      const balances = register.rows.map((row) => row.balance);
      const shares = [world.shares.holder, world.shares.payee].map(String);
      const readsRegister =
        register.reconciled &&
        register.supply === String(world.shares.holder + world.shares.payee) &&
        JSON.stringify(balances) === JSON.stringify(shares);
      check(
        "the example reads the equity's register: two investors, reconciled",
        readsRegister,
        readsRegister ? "" : JSON.stringify(register),
      );
      const explains =
        refusal.code === 2 && /^RecipientNotVerified \(2\)/.test(refusal.explanation) && /code 2/.test(refusal.revert);
      check(
        "the example explains the refused transfer to an unregistered wallet (RecipientNotVerified, 2)",
        explains,
        explains ? "" : JSON.stringify(refusal),
      );
      const pays =
        payment.holderPaid === payment.amount &&
        payment.payeeReceived === payment.amount &&
        !payment.relayerIsHolder &&
        payment.nonceUsed &&
        payment.relayer === world.relayer.address;
      check(
        "the example's gasless payment moves the coin from the holder to the payee, submitted by another account",
        pays,
        pays ? "" : JSON.stringify(payment),
      );
      check("the relayer held no ether", (await provider.getBalance(world.relayer.address)) === 0n);
    }
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
