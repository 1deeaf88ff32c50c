/**
 * Operator commands for members (thin over sdk/ and the deployments). Every command prints what it did; long ones
 * show progress and end with a summary; a refusal prints the decoded custom error and what to do.
 *   npx hardhat investors:import --file investors.csv [--batch 100] [--from kycProvider] [--check]
 *   npx hardhat member:suspend --account 0x… --reason "licence review"
 *   npx hardhat member:reinstate --account 0x…
 *   npx hardhat coin:attest --reserves 1000000.00 --report sha256-of-the-report [--coin SettlementCoinUSD]
 *   npx hardhat coin:mint --to 0x… --amount 250.00 [--from issuer]
 *   npx hardhat coin:redemption --id 3 --confirm | --reject "payout failed"
 *   npx hardhat dividend:declare --asset 0x… --amount 5000.00 --days 30
 *   npx hardhat coupon:fund --asset 0x… --period 1
 *   npx hardhat nav:post --asset 0x… --nav 1.0425
 *   npx hardhat asset:issue --sheet bond.json [--check]
 */
import { readFileSync } from "node:fs";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { BaseContract } from "ethers";
import type {
  AssetFactory,
  IBond,
  IEquity,
  IFund,
  IdentityRegistry,
  MemberRegistry,
  SettlementCoin,
} from "../typechain-types";

/** A deployment as `name`'s interface, signed by a named account or an address (or unsigned). */
async function deployed<T>(hre: HardhatRuntimeEnvironment, deployment: string, name: string, from?: string) {
  const { address } = await hre.deployments.get(deployment);
  return (await hre.ethers.getContractAt(name, address, from ? await signer(hre, from) : undefined)) as unknown as T;
}

const memberRegistry = (hre: HardhatRuntimeEnvironment, from: string) =>
  deployed<MemberRegistry>(hre, "MemberRegistry", "MemberRegistry", from);
const coinAt = (hre: HardhatRuntimeEnvironment, deployment: string, from: string) =>
  deployed<SettlementCoin>(hre, deployment, "SettlementCoin", from);

/** Issued asset `asset` as interface `name`, signed by `from`. */
async function assetAt<T>(hre: HardhatRuntimeEnvironment, name: string, asset: string, from: string): Promise<T> {
  return (await hre.ethers.getContractAt(name, asset, await signer(hre, from))) as unknown as T;
}

/** The latest block's timestamp (the chain's now). */
async function latestTime(hre: HardhatRuntimeEnvironment): Promise<number> {
  return (await hre.ethers.provider.getBlock("latest"))!.timestamp;
}

async function signer(hre: HardhatRuntimeEnvironment, from: string) {
  const named = await hre.getNamedAccounts();
  return hre.ethers.getSigner(named[from] ?? from);
}

/**
 * Sends `send()` and waits for it; a refusal becomes an error whose message is the decoded custom error (name,
 * arguments, sentence) and `hint`, instead of raw revert data.
 */
async function sent(
  contract: BaseContract,
  what: string,
  hint: string,
  send: () => Promise<{ wait(): Promise<unknown> }>,
) {
  const { decodeRevert, revertDataOf } = await import("../sdk/settlement");
  try {
    return await (await send()).wait();
  } catch (error) {
    const data = revertDataOf(error);
    const decoded = data ? decodeRevert(data, [contract.interface]) : undefined;
    if (!decoded) throw error;
    throw new Error(
      `${what} refused: ${decoded.name}(${decoded.argList.map(String).join(", ")}): ${decoded.sentence} — ${hint}`,
      { cause: error },
    );
  }
}

/** `amount` (a decimal string, e.g. "250.00") in base units of a token with `decimals`. */
function units(hre: HardhatRuntimeEnvironment, amount: string, decimals: bigint | number): bigint {
  try {
    return hre.ethers.parseUnits(amount.trim(), Number(decimals));
  } catch {
    throw new Error(`"${amount}" is not an amount with at most ${decimals} decimals`);
  }
}

task(
  "investors:import",
  "Registers the investors of a CSV file in batches, resumable (as a KYC provider) — e.g. npx hardhat investors:import --file investors.csv --batch 100",
)
  .addParam("file", "CSV: investor,country,claims,expiry,wallets (sdk/investors.ts); e.g. --file investors.csv")
  .addOptionalParam("batch", "investors per transaction (100: ≈ 12.5 M gas, under Osaka's 16.7 M cap)", 100, types.int)
  .addOptionalParam("from", "the KYC provider's named account or address", "kycProvider")
  .addFlag("check", "check the file and the registry only; send nothing")
  .setAction(async (args: { file: string; batch: number; from: string; check: boolean }, hre) => {
    const { parseInvestorCsv } = await import("../sdk/investors");
    const { importInvestors } = await import("../scripts/lib/importInvestors");
    const latest = await hre.ethers.provider.getBlock("latest");
    const file = parseInvestorCsv(readFileSync(args.file, "utf8"), latest!.timestamp);
    if (file.errors.length > 0) {
      throw new Error(`${args.file}: ${file.errors.length} problem(s), nothing sent:\n  ${file.errors.join("\n  ")}`);
    }
    console.log(`${args.file}: ${file.investors.length} investor(s), every row valid`);
    if (args.check) return { rows: file.investors.length };
    const identity = await deployed<IdentityRegistry>(hre, "IdentityRegistry", "IdentityRegistry", args.from);
    const fromBlock = (await hre.deployments.get("IdentityRegistry")).receipt?.blockNumber ?? 0;
    return importInvestors(identity, file.investors, { batch: args.batch, fromBlock });
  });

task(
  "member:suspend",
  'Suspends a member: its roles and its asset-scoped powers stop (as the governor) — e.g. npx hardhat member:suspend --account 0x… --reason "licence review"',
)
  .addParam("account", "the member's account, e.g. --account 0xAb…")
  .addParam("reason", 'why, hashed on chain, e.g. --reason "licence review"')
  .addOptionalParam("from", "the governor's named account or address", "governor")
  .setAction(async (args: { account: string; reason: string; from: string }, hre) => {
    const members = await memberRegistry(hre, args.from);
    await sent(members, "member:suspend", "only an active member can be suspended, by the governor", () =>
      members.suspendMember(args.account, hre.ethers.id(args.reason)),
    );
    console.log(`${args.account} suspended (${args.reason})`);
  });

task(
  "member:reinstate",
  "Reinstates a suspended member (as the governor) — e.g. npx hardhat member:reinstate --account 0x…",
)
  .addParam("account", "the member's account, e.g. --account 0xAb…")
  .addOptionalParam("from", "the governor's named account or address", "governor")
  .setAction(async (args: { account: string; from: string }, hre) => {
    const members = await memberRegistry(hre, args.from);
    await sent(members, "member:reinstate", "only a suspended member can be reinstated, by the governor", () =>
      members.reinstateMember(args.account),
    );
    console.log(`${args.account} reinstated`);
  });

task(
  "coin:attest",
  "Posts a reserve attestation of a settlement coin (as a reserve attestor) — e.g. npx hardhat coin:attest --reserves 1000000.00 --report audit-2026-12",
)
  .addParam("reserves", "the fiat reserves in coin units, e.g. --reserves 1000000.00")
  .addParam("report", "the attestation report's reference, hashed on chain, e.g. --report audit-2026-12")
  .addOptionalParam("asOf", "unix time of the figure (default: the latest block's)", undefined, types.int)
  .addOptionalParam("coin", "the coin's deployment name", "SettlementCoinUSD")
  .addOptionalParam("from", "the attestor's named account or address", "custodian")
  .setAction(async (args: { reserves: string; report: string; asOf?: number; coin: string; from: string }, hre) => {
    const coin = await coinAt(hre, args.coin, args.from);
    const amount = units(hre, args.reserves, await coin.decimals());
    const asOf = args.asOf ?? (await latestTime(hre));
    await sent(coin, "coin:attest", "attest as a RESERVE_ATTESTOR, never in the future nor older than the last", () =>
      coin.attestReserves(amount, asOf, hre.ethers.id(args.report)),
    );
    console.log(`${args.coin}: reserves ${args.reserves} attested as of ${new Date(asOf * 1000).toISOString()}`);
  });

task(
  "coin:mint",
  "Mints a settlement coin within the minter's allowance and the attested reserves — e.g. npx hardhat coin:mint --to 0x… --amount 250.00",
)
  .addParam("to", "the recipient (an eligible holder), e.g. --to 0xAb…")
  .addParam("amount", "coin units, e.g. --amount 250.00")
  .addOptionalParam("coin", "the coin's deployment name", "SettlementCoinUSD")
  .addOptionalParam("from", "the minter's named account or address", "issuer")
  .setAction(async (args: { to: string; amount: string; coin: string; from: string }, hre) => {
    const coin = await coinAt(hre, args.coin, args.from);
    const amount = units(hre, args.amount, await coin.decimals());
    await sent(
      coin,
      "coin:mint",
      "mint as a MINTER within its allowance and the attested reserves, to a synced eligible holder",
      () => coin.mint(args.to, amount),
    );
    console.log(`${args.coin}: ${args.amount} minted to ${args.to}`);
  });

task(
  "coin:redemption",
  "Confirms (burns) or rejects (refunds) a redemption request (as a minter) — e.g. npx hardhat coin:redemption --id 3 --confirm",
)
  .addParam("id", "the request id, e.g. --id 3", undefined, types.int)
  .addFlag("confirm", "the fiat payout was made: burn the escrow")
  .addOptionalParam("reject", 'reject with this reason, e.g. --reject "payout failed"')
  .addOptionalParam("coin", "the coin's deployment name", "SettlementCoinUSD")
  .addOptionalParam("from", "the minter's named account or address", "issuer")
  .setAction(async (args: { id: number; confirm: boolean; reject?: string; coin: string; from: string }, hre) => {
    if (args.confirm === (args.reject !== undefined)) throw new Error("say either --confirm or --reject <reason>");
    const coin = await coinAt(hre, args.coin, args.from);
    const hint = "only a pending request can be decided, by a MINTER";
    if (args.confirm) await sent(coin, "coin:redemption", hint, () => coin.confirmRedemption(args.id));
    else await sent(coin, "coin:redemption", hint, () => coin.rejectRedemption(args.id, hre.ethers.id(args.reject!)));
    console.log(`${args.coin}: redemption ${args.id} ${args.confirm ? "confirmed" : `rejected (${args.reject})`}`);
  });

task(
  "dividend:declare",
  "Declares an Equity dividend on a new record snapshot, funded now (as the asset's issuer) — e.g. npx hardhat dividend:declare --asset 0x… --amount 5000.00 --days 30",
)
  .addParam("asset", "the Equity's address, e.g. --asset 0xAb…")
  .addParam("amount", "the total in the asset's coin units, e.g. --amount 5000.00")
  .addParam("days", "days holders have to claim, e.g. --days 30", undefined, types.int)
  .addOptionalParam("from", "the issuer's named account or address", "issuer")
  .setAction(async (args: { asset: string; amount: string; days: number; from: string }, hre) => {
    const equity = await assetAt<IEquity>(hre, "IEquity", args.asset, args.from);
    const coinAddress = await equity.settlementCoin();
    const coin = await hre.ethers.getContractAt("IERC20Metadata", coinAddress);
    const amount = units(hre, args.amount, await coin.decimals());
    const deadline = (await latestTime(hre)) + args.days * 86_400;
    await sent(equity, "dividend:declare", "declare as the asset's issuer, having approved the coin to the asset", () =>
      equity.declareDividend(0, amount, deadline),
    );
    console.log(`${args.asset}: dividend of ${args.amount} declared, claimable for ${args.days} days`);
  });

task(
  "coupon:fund",
  "Pays a bond coupon period from the paying agent's coin (as the asset's administrator) — e.g. npx hardhat coupon:fund --asset 0x… --period 1",
)
  .addParam("asset", "the Bond's address, e.g. --asset 0xAb…")
  .addParam("period", "the coupon period (1-based), e.g. --period 1", undefined, types.int)
  .addOptionalParam("from", "the paying agent's named account or address", "issuer")
  .setAction(async (args: { asset: string; period: number; from: string }, hre) => {
    const bond = await assetAt<IBond>(hre, "IBond", args.asset, args.from);
    await sent(
      bond,
      "coupon:fund",
      "fund as the paying agent (ASSET_ADMINISTRATOR) on or after the payment date, coin approved to the bond",
      () => bond.fundCoupon(args.period),
    );
    console.log(`${args.asset}: coupon ${args.period} funded`);
  });

task(
  "nav:post",
  "Posts a fund's NAV per unit (as the asset's administrator) — e.g. npx hardhat nav:post --asset 0x… --nav 1.0425",
)
  .addParam("asset", "the Fund's address, e.g. --asset 0xAb…")
  .addParam("nav", "NAV per unit in coin units, e.g. --nav 1.0425")
  .addOptionalParam("at", "valuation time, unix seconds (default: the latest block's)", undefined, types.int)
  .addOptionalParam("from", "the administrator's named account or address", "issuer")
  .setAction(async (args: { asset: string; nav: string; at?: number; from: string }, hre) => {
    const fund = await assetAt<IFund>(hre, "IFund", args.asset, args.from);
    const coin = await hre.ethers.getContractAt("IERC20Metadata", await fund.settlementCoin());
    const nav = units(hre, args.nav, await coin.decimals());
    const at = args.at ?? (await latestTime(hre));
    await sent(fund, "nav:post", "post as the fund's administrator, valuation times increasing, never ahead", () =>
      fund.postNav(nav, at),
    );
    console.log(`${args.asset}: NAV ${args.nav} posted as of ${new Date(at * 1000).toISOString()}`);
  });

task(
  "asset:issue",
  "Issues a security through the AssetFactory from a JSON or YAML term sheet (as an issuer member) — e.g. npx hardhat asset:issue --sheet bond.json --check",
)
  .addParam("sheet", "the term sheet, .json or .yaml (sdk/termsheet.ts documents every field), e.g. --sheet bond.yaml")
  .addOptionalParam("from", "the issuer's named account or address", "issuer")
  .addFlag("check", "check the sheet only; send nothing")
  .setAction(async (args: { sheet: string; from: string; check: boolean }, hre) => {
    const { parseTermSheet } = await import("../sdk/termsheet");
    const { coins: coinConfigs } = await import("../config/coins");
    const text = readFileSync(args.sheet, "utf8");
    const coins: Record<string, string> = {};
    const decimals = new Map<string, number>();
    const remember = async (address: string) => {
      const coin = await hre.ethers.getContractAt("IERC20Metadata", address);
      decimals.set(address.toLowerCase(), Number(await coin.decimals()));
    };
    for (const { deployment } of coinConfigs) {
      const found = await hre.deployments.getOrNull(deployment);
      if (!found) continue;
      coins[deployment] = found.address;
      await remember(found.address);
    }
    // A coin named by address (not a deployment of this network): its decimals are read before the sheet is checked.
    const named = /settlementCoin"?\s*:\s*"?(0x[0-9a-fA-F]{40})/.exec(text)?.[1];
    if (named && hre.ethers.isAddress(named) && (await hre.ethers.provider.getCode(named)) !== "0x")
      await remember(named);
    const format = /\.ya?ml$/i.test(args.sheet) ? "yaml" : "json";
    const parsed = parseTermSheet(
      text,
      {
        coins,
        coinDecimals: (coin) => {
          const known = decimals.get(coin.toLowerCase());
          if (known === undefined)
            throw new Error(`${args.sheet}: settlementCoin ${coin} is not a contract on this network`);
          return known;
        },
      },
      format,
    );
    if (parsed.errors.length > 0) {
      throw new Error(
        `${args.sheet}: ${parsed.errors.length} problem(s), nothing sent:\n  ${parsed.errors.join("\n  ")}`,
      );
    }
    console.log(
      `${args.sheet}: ${parsed.request!.instrument.name} (${parsed.request!.instrument.symbol}), sheet valid`,
    );
    if (args.check) return parsed.request;
    const factory = await deployed<AssetFactory>(hre, "AssetFactory", "AssetFactory", args.from);
    const receipt = (await sent(
      factory,
      "asset:issue",
      "issue as an active issuer member; agents and administrators must be accounts, the terms the product accepts",
      () => factory.issue(parsed.request!),
    )) as import("ethers").ContractTransactionReceipt;
    const issued = receipt.logs
      .map((log) => factory.interface.parseLog(log))
      .find((event) => event?.name === "AssetIssued");
    const asset = issued?.args.asset as string;
    console.log(`${parsed.request!.instrument.symbol} issued at ${asset}`);
    return asset;
  });
