/**
 * The packed-SDK example (examples/dapp) against the anvil chain of `npm run test:anvil`:
 * - {@link prepareDappWorld} gives the example something to read and pay with, over JSON-RPC as operators would:
 *   an exchange, an issuer and a custodian join; bob is registered; the issuer becomes the USD coin's minter (its
 *   scheduled call waits out the authority's delay), the custodian attests reserves, alice receives coins; the
 *   issuer issues an equity through the factory and its agent allots shares to alice and bob;
 * - {@link runDappExample} copies examples/dapp to a temporary directory with the SDK's tarball, installs it
 *   (`npm install --no-audit --no-fund --prefer-offline`: ethers and @types/node come from the npm registry or its
 *   cache), compiles it with the repository's TypeScript, runs it with node and returns its `RESULT` line.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, ethers, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import { coinIssuerRoles } from "../../config/roles";
import { assetRules } from "../../sdk/rules";
import { Claim, claimsOf } from "../../sdk/claims";
import { instrumentCode, ProductType } from "../../sdk/assets";
import { encodeEquityTerms } from "../../sdk/products/equity";
import type { MemberRegistry } from "../../typechain-types";
import { grantMemberRoles, seatMember } from "./members";

const root = join(__dirname, "..", "..");

/** What the example is run with. */
export interface DappWorld {
  /** The equity whose register it reads. */
  asset: string;
  holder: HDNodeWallet;
  relayer: HDNodeWallet;
  payee: string;
  /** A wallet no KYC provider registered: a transfer to it is refused. */
  outsider: string;
  /** Units of the equity allotted to the holder and the payee. */
  shares: { holder: bigint; payee: bigint };
}

/**
 * Prepares the world on a deployed anvil chain where the KYC provider is seated and alice (verified, synced to the
 * USD coin) registered. `wallet(i)` is the deploy mnemonic's i-th account (hardhat.config.ts's named accounts).
 */
export async function prepareDappWorld(
  provider: JsonRpcProvider,
  wallet: (index: number) => HDNodeWallet,
  contractAt: (name: string, signer: HDNodeWallet) => Contract,
): Promise<DappWorld> {
  const [governor, kycProvider, exchange, issuer] = [wallet(1), wallet(2), wallet(3), wallet(4)];
  const [alice, bob, carol, stranger, custodian] = [wallet(6), wallet(7), wallet(8), wallet(9), wallet(10)];
  const members = contractAt("MemberRegistry", governor) as unknown as MemberRegistry;
  await seatMember(members, exchange.address, "Exchange", "Example Exchange");
  await seatMember(members, issuer.address, "Issuer", "Example Issuer");
  await seatMember(members, custodian.address, "Custodian", "Example Custodian");
  await grantMemberRoles(members, issuer.address, coinIssuerRoles);

  const identity = contractAt("IdentityRegistry", kycProvider);
  const now = async () => (await provider.getBlock("latest"))!.timestamp;
  const kycAml = claimsOf([Claim.KYC, Claim.AML]);
  await (
    await identity.registerInvestor(ethers.id("investor:bob"), 840, kycAml, (await now()) + 365 * 86_400, [bob.address])
  ).wait();

  // The issuer's configureMinter waits out its MASTER_MINTER execution delay through the authority.
  const coin = contractAt("SettlementCoinUSD", issuer);
  const coinAddress = await coin.getAddress();
  const authority = contractAt("AllianceAuthority", issuer);
  const decimals = (await coin.decimals()) as bigint;
  const configureMinter = coin.interface.encodeFunctionData("configureMinter", [
    issuer.address,
    10n ** 9n * 10n ** decimals,
  ]);
  const [, delay] = (await authority.canCall(issuer.address, coinAddress, configureMinter.slice(0, 10))) as [
    boolean,
    bigint,
  ];
  await (await authority.schedule(coinAddress, configureMinter, 0)).wait();
  await provider.send("evm_increaseTime", [Number(delay) + 1]);
  await provider.send("evm_mine", []);
  await (await authority.execute(coinAddress, configureMinter)).wait();
  const reserves = 10n ** 6n * 10n ** decimals;
  await (
    await contractAt("SettlementCoinUSD", custodian).attestReserves(reserves, await now(), ethers.id("reserves"))
  ).wait();
  await (await coin.syncHolders([alice.address, bob.address])).wait();
  await (await coin.mint(alice.address, 1_000n * 10n ** decimals)).wait();

  // An equity, issued through the factory with open rules; the exchange is its agent.
  const factory = contractAt("AssetFactory", issuer);
  const request = {
    productType: ProductType.Equity,
    instrument: {
      name: "Example Dapp Shares",
      symbol: "EXD",
      decimals: 0,
      securityCode: instrumentCode("EXD0001"),
      isin: ethers.zeroPadBytes("0x", 12),
      jurisdiction: 156,
      issuer: ethers.ZeroAddress,
    },
    documents: [],
    terms: encodeEquityTerms({ settlementCoin: coinAddress, shareClass: "ORDINARY", minClaimPeriod: 7 * 86_400 }),
    agents: [exchange.address],
    administrators: [],
    compliance: { rules: assetRules(), allowedCountries: [], blockedCountries: [], maxBalance: 0n },
  };
  const asset = (await factory.issue.staticCall(request)) as string;
  await (await factory.issue(request)).wait();
  const equity = new Contract(asset, ["function mint(address to, uint256 amount)"], exchange);
  const shares = { holder: 1_000n, payee: 500n };
  await (await equity.mint(alice.address, shares.holder)).wait();
  await (await equity.mint(bob.address, shares.payee)).wait();
  return { asset, holder: alice, relayer: stranger, payee: bob.address, outsider: carol.address, shares };
}

/** What the example printed last: its summary. */
export interface DappResult {
  chainId: number;
  register: { supply: string; rows: { investor: string; balance: string; share: string }[]; reconciled: boolean };
  refusal: { code: number; explanation: string; revert: string };
  payment: {
    from: string;
    to: string;
    relayer: string;
    amount: string;
    holderPaid: string;
    payeeReceived: string;
    relayerIsHolder: boolean;
    nonceUsed: boolean;
  };
}

function step(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 600_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${output}`);
  return output;
}

/**
 * Installs `tarball` into a temporary copy of examples/dapp, compiles and runs it against `rpcUrl`; returns its
 * output, its summary and how long each step took (ms). The copy is removed afterwards.
 */
export function runDappExample(
  tarball: string,
  rpcUrl: string,
  world: DappWorld,
): { output: string; result: DappResult; times: Record<string, number>; installedInside: boolean } {
  const dir = mkdtempSync(join(tmpdir(), "assetledger-dapp-"));
  try {
    cpSync(join(root, "examples", "dapp"), dir, {
      recursive: true,
      filter: (source) => !/[/\\](node_modules|dist)$/.test(source),
    });
    copyFileSync(tarball, join(dir, "assetledger-sdk.tgz"));
    const times: Record<string, number> = {};
    let start = Date.now();
    step("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], dir);
    times.npmInstall = Date.now() - start;
    // The SDK is unpacked from the tarball into the copy's node_modules (not linked to the repository).
    const installed = join(dir, "node_modules", "@assetledger", "sdk", "package.json");
    const installedInside =
      existsSync(installed) &&
      realpathSync(installed).startsWith(realpathSync(dir)) &&
      (JSON.parse(readFileSync(installed, "utf8")) as { name: string }).name === "@assetledger/sdk";
    start = Date.now();
    step(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir], dir);
    times.dappTsc = Date.now() - start;
    start = Date.now();
    const output = step(process.execPath, [join(dir, "dist", "main.js")], dir, {
      ...process.env,
      ASSETLEDGER_RPC_URL: rpcUrl,
      ASSETLEDGER_ASSET: world.asset,
      HOLDER_KEY: world.holder.privateKey,
      RELAYER_KEY: world.relayer.privateKey,
      PAYEE: world.payee,
      OUTSIDER: world.outsider,
    });
    times.dappRun = Date.now() - start;
    const line = output.split("\n").find((text) => text.startsWith("RESULT "));
    if (!line) throw new Error(`the example printed no RESULT line:\n${output}`);
    return { output, result: JSON.parse(line.slice("RESULT ".length)) as DappResult, times, installedInside };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
