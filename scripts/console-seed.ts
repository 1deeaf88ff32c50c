/**
 * The story the back-office console opens on (`npm run console`, `npm run test:console`), told on the `console`
 * anvil chain over JSON-RPC: `npx hardhat run --network console scripts/console-seed.ts` with the chain's mnemonic
 * in `ASSETLEDGER_MNEMONIC` (scripts/console.ts passes it; it is never written to the repository).
 *
 * 1. deploys the core (the `deploy` task, resumable as on any separate chain);
 * 2. seats the alliance's members: an exchange, an issuer (also the USD coin's issuing bank), a KYC provider, a
 *    regulator and a custodian;
 * 3. registers alice (Hong Kong, professional) and bob (United States); carol is left unregistered, so a transfer
 *    to her is refused (RecipientNotVerified);
 * 4. the coin: on three days the custodian attests reserves and the issuer mints against them (to alice, then
 *    bob); alice pays bob, bob asks to redeem (pending);
 * 5. the issuer issues two equities through the factory, with rules (a cap of 100 investors, a block-list) and a
 *    prospectus whose hash is the keccak-256 of the text in `SEED_PROSPECTUS`; the exchange (their agent) allots
 *    shares, alice sells some to bob, a record-date snapshot is taken; the regulator halts the second equity and
 *    its agent freezes bob there; the issuer mints itself coin for a dividend; a bond (its first coupon due) and a
 *    fund, which the issuer administers;
 * 6. a third equity with a disclosure calendar: the regulator records the exchange as its venue, the exchange sets
 *    a halting annual report (overdue two hours later, flagged: the supervisor halts trading) and an upcoming
 *    interim report; the exchange seizes a few of bob's shares back to alice (a forced transfer) first;
 * 6b. a copper-cathode receipt market the issuer opens through the factory, and a lot of 1,000 kg the custodian
 *    deposits for alice (its lots trade on the settlement page: a leg names the lot and the quantity);
 * 7. writes the address book (`addresses:export`) and the story (`CONSOLE_SEED_OUT`, JSON) for the console.
 */
import { readFileSync, writeFileSync } from "node:fs";
import hre, { deployments, ethers, getNamedAccounts } from "hardhat";
import { coinIssuerRoles } from "../config/roles";
import { instrumentCode, ProductType } from "../sdk/assets";
import { Claim, claimsOf } from "../sdk/claims";
import { assetRules } from "../sdk/rules";
import { encodeEquityTerms } from "../sdk/products/equity";
import { DayCount, addMonths, couponRate, encodeBondTerms } from "../sdk/products/bond";
import { encodeFundTerms } from "../sdk/products/fund";
import { annualReport, interimReport } from "../sdk/disclosure";
import { lotSpecTuple } from "../sdk/products/commodity";
import type {
  AllianceAuthority,
  AssetFactory,
  Compliance,
  DisclosureSupervisor,
  IdentityRegistry,
  MemberRegistry,
  SettlementCoin,
} from "../typechain-types";
import { grantMemberRoles, seatMember } from "./lib/members";
import { issueReceiptMarket } from "./lib/receipts";

/** What the console and its tests read back: the story's accounts and assets. */
export interface ConsoleSeed {
  chainId: number;
  accounts: Record<string, string>;
  members: Record<string, { address: string; kind: string; name: string }>;
  investors: Record<string, { id: string; wallet: string; country: number }>;
  coin: string;
  assets: { address: string; name: string; symbol: string }[];
  prospectus: { name: string; uri: string; hash: string };
  snapshot: number;
  /** A bond (coupon 1 payable) and a fund, the issuer their administrator (the console's lifecycle panel). */
  products: { bond: string; fund: string };
  /** A commodity receipt market and the lot alice holds (1,000 kg). */
  receipts: { market: string; lot: string; quantity: string };
  /** The equity with a disclosure calendar: obligation `overdue` is overdue and halts it, `upcoming` is not due. */
  disclosure: { asset: string; overdue: number; upcoming: number; supervisor: string; compliance: string };
}

async function at<T>(contract: string, deployment: string, signer: string): Promise<T> {
  const address = (await deployments.get(deployment)).address;
  return (await ethers.getContractAt(contract, address, await ethers.getSigner(signer))) as unknown as T;
}

async function main(): Promise<void> {
  const started = Date.now();
  await hre.run("deploy", { noCompile: true });
  console.log(`deployed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const named = await getNamedAccounts();
  const { governor, kycProvider, exchange, issuer, regulator, alice, bob, custodian } = named;
  const provider = ethers.provider;
  const now = async () => (await provider.getBlock("latest"))!.timestamp;
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  // 2. Members.
  const registry = await at<MemberRegistry>("MemberRegistry", "MemberRegistry", governor);
  const members = {
    exchange: { address: exchange, kind: "Exchange", name: "Harbour Exchange" },
    issuer: { address: issuer, kind: "Issuer", name: "Lotus Holdings" },
    kycProvider: { address: kycProvider, kind: "KycProvider", name: "Jade Identity Services" },
    regulator: { address: regulator, kind: "Regulator", name: "Securities Commission" },
    custodian: { address: custodian, kind: "Custodian", name: "Pearl Custody" },
  } as const;
  for (const member of Object.values(members)) {
    await seatMember(registry, member.address, member.kind, member.name);
  }
  await grantMemberRoles(registry, issuer, coinIssuerRoles);

  // 3. Investors.
  const identity = await at<IdentityRegistry>("IdentityRegistry", "IdentityRegistry", kycProvider);
  const year = 365 * 86_400;
  const investors = {
    alice: { id: ethers.id("console:alice"), wallet: alice, country: 344 },
    bob: { id: ethers.id("console:bob"), wallet: bob, country: 840 },
  };
  await wait(
    identity.registerInvestor(
      investors.alice.id,
      investors.alice.country,
      claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]),
      (await now()) + year,
      [alice],
    ),
  );
  await wait(
    identity.registerInvestor(
      investors.bob.id,
      investors.bob.country,
      claimsOf([Claim.KYC, Claim.AML]),
      (await now()) + year,
      [bob],
    ),
  );

  // 4. The coin: the issuer's minter allowance waits out its execution delay through the authority.
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD", issuer);
  const coinAddress = await coin.getAddress();
  const authority = await at<AllianceAuthority>("AllianceAuthority", "AllianceAuthority", issuer);
  const decimals = await coin.decimals();
  const unit = 10n ** decimals;
  const configureMinter = coin.interface.encodeFunctionData("configureMinter", [issuer, 10n ** 9n * unit]);
  const [, delay] = await authority.canCall(issuer, coinAddress, configureMinter.slice(0, 10));
  await wait(authority.schedule(coinAddress, configureMinter, 0));
  await provider.send("evm_increaseTime", [Number(delay) + 1]);
  await provider.send("evm_mine", []);
  await wait(authority.execute(coinAddress, configureMinter));
  const attestor = coin.connect(await ethers.getSigner(custodian));
  await wait(coin.syncHolders([alice, bob]));
  // Three days: each the custodian's report, then what the issuer mints against it (supply stays below reserves).
  const days: [bigint, string, bigint][] = [
    [8_000n, alice, 6_000n],
    [11_000n, alice, 4_000n],
    [15_000n, bob, 2_500n],
  ];
  for (const [i, [reserves, to, minted]] of days.entries()) {
    await wait(attestor.attestReserves(reserves * unit, await now(), ethers.id(`reserve report ${i + 1}`)));
    await wait(coin.mint(to, minted * unit));
    await provider.send("evm_increaseTime", [86_400]);
    await provider.send("evm_mine", []);
  }
  await wait(coin.connect(await ethers.getSigner(alice)).transfer(bob, 125n * unit));
  await wait(coin.connect(await ethers.getSigner(bob)).requestRedemption(300n * unit, ethers.id("bob payout")));

  // 5. Two equities through the factory.
  const factory = await at<AssetFactory>("AssetFactory", "AssetFactory", issuer);
  const prospectusText = readFileSync(process.env.SEED_PROSPECTUS ?? "console/e2e/prospectus.txt");
  const prospectus = {
    name: "prospectus",
    uri: "https://lotus.example/prospectus.pdf",
    hash: ethers.keccak256(prospectusText),
  };
  const equities = [
    { name: "Lotus Holdings Ordinary", symbol: "LOTUS", code: "LOT0001" },
    { name: "Lotus Holdings Preference", symbol: "LOTP", code: "LOT0002" },
    { name: "Lotus Holdings Growth", symbol: "LOTG", code: "LOT0005" },
  ];
  const assets: ConsoleSeed["assets"] = [];
  for (const equity of equities) {
    const request = {
      productType: ProductType.Equity,
      instrument: {
        name: equity.name,
        symbol: equity.symbol,
        decimals: 0,
        securityCode: instrumentCode(equity.code),
        isin: ethers.zeroPadBytes("0x", 12),
        jurisdiction: 344,
        issuer: ethers.ZeroAddress,
      },
      documents: [
        { name: ethers.encodeBytes32String(prospectus.name), uri: prospectus.uri, documentHash: prospectus.hash },
      ],
      terms: encodeEquityTerms({ settlementCoin: coinAddress, shareClass: "ORDINARY", minClaimPeriod: 7 * 86_400 }),
      agents: [exchange],
      administrators: [],
      compliance: {
        rules: assetRules({ requiredClaims: claimsOf([Claim.AML]), maxInvestors: 100, countryBlockList: true }),
        allowedCountries: [],
        blockedCountries: [408],
        maxBalance: 0n,
      },
    };
    const address = await factory.issue.staticCall(request);
    await wait(factory.issue(request));
    assets.push({ address, name: equity.name, symbol: equity.symbol });
  }
  const agentOf = async (asset: string) => ethers.getContractAt("Equity", asset, await ethers.getSigner(exchange));
  const ordinary = await agentOf(assets[0].address);
  await wait(ordinary.mint(alice, 1_000n));
  await wait(ordinary.mint(bob, 500n));
  await wait(ordinary.connect(await ethers.getSigner(alice)).transfer(bob, 50n));
  await wait(ordinary.snapshot());
  const snapshot = Number(await ordinary.currentSnapshotId());
  await wait(ordinary.connect(await ethers.getSigner(alice)).transfer(bob, 25n));
  const preference = await agentOf(assets[1].address);
  await wait(preference.mint(alice, 200n));
  await wait(preference.mint(bob, 100n));
  await wait(preference.setAddressFrozen(bob, true));
  const compliance = await at<{ imposeHalt(a: string, u: bigint, r: string): Promise<{ wait(): Promise<unknown> }> }>(
    "Compliance",
    "Compliance",
    regulator,
  );
  await wait(compliance.imposeHalt(assets[1].address, (1n << 48n) - 1n, ethers.encodeBytes32String("inquiry")));
  // The issuer's cash for a dividend on the ordinary shares (the console's lifecycle panel declares it): the coin
  // learns the issuer and the equity as holders, and the issuer mints itself 2,000 (supply stays below reserves).
  await wait(coin.syncHolders([issuer, assets[0].address]));
  await wait(coin.mint(issuer, 2_000n * unit));

  // A bond whose first monthly coupon fell due yesterday and a daily-dealing fund; the issuer administers both
  // (pays the coupon, posts the NAV), the exchange is their agent; alice and bob hold bonds.
  const midnight = BigInt(Math.floor((await now()) / 86_400) * 86_400);
  const firstCoupon = midnight - 86_400n;
  const products = { bond: "", fund: "" };
  for (const [key, productType, name, symbol, code, terms] of [
    [
      "bond",
      ProductType.Bond,
      "Lotus Holdings 5% 2028",
      "LOT28",
      "LOT0010",
      encodeBondTerms({
        settlementCoin: coinAddress,
        faceValue: 1_000n * unit,
        couponRate: couponRate(500),
        frequency: 12,
        dayCount: DayCount.Thirty360BondBasis,
        endOfMonth: false,
        issueDate: addMonths(firstCoupon, -1, false),
        firstCouponDate: firstCoupon,
        maturityDate: addMonths(firstCoupon, 24, false),
        recordDays: 1,
        callableFrom: 0n,
        callNotice: 0,
        claimPeriod: 30 * 86_400,
      }),
    ],
    [
      "fund",
      ProductType.Fund,
      "Lotus Income Fund",
      "LOTIF",
      "LOT0020",
      encodeFundTerms({
        settlementCoin: coinAddress,
        dealingPeriod: 86_400,
        cutOffOffset: 0,
        entryFeeBps: 0,
        exitFeeBps: 0,
        feeAccount: ethers.ZeroAddress,
        minSubscription: 0n,
      }),
    ],
  ] as const) {
    const request = {
      productType,
      instrument: {
        name,
        symbol,
        decimals: 0,
        securityCode: instrumentCode(code),
        isin: ethers.zeroPadBytes("0x", 12),
        jurisdiction: 344,
        issuer: ethers.ZeroAddress,
      },
      documents: [],
      terms,
      agents: [exchange],
      administrators: [issuer],
      compliance: {
        rules: assetRules({ requiredClaims: claimsOf([Claim.AML]) }),
        allowedCountries: [],
        blockedCountries: [],
        maxBalance: 0n,
      },
    };
    products[key] = await factory.issue.staticCall(request);
    await wait(factory.issue(request));
  }
  const bond = await agentOf(products.bond);
  await wait(bond.mint(alice, 5n));
  await wait(bond.mint(bob, 3n));
  await wait(coin.syncHolders([products.bond, products.fund]));

  // 6. A disclosure calendar on a third equity (the second is halted by the regulator already).
  const growthToken = await agentOf(assets[2].address);
  await wait(growthToken.mint(alice, 300n));
  await wait(growthToken.mint(bob, 100n));
  await wait(growthToken.forcedTransfer(bob, alice, 10n));
  const asCompliance = await at<Compliance>("Compliance", "Compliance", regulator);
  await wait(asCompliance.setVenue(assets[2].address, exchange, true));
  const supervisor = await at<DisclosureSupervisor>("DisclosureSupervisor", "DisclosureSupervisor", exchange);
  const start = await now();
  const overdueTerms = annualReport(start + 3_600, 0, true);
  const overdue = Number(await supervisor.addObligation.staticCall(assets[2].address, overdueTerms));
  await wait(supervisor.addObligation(assets[2].address, overdueTerms));
  const upcomingTerms = interimReport(start + 90 * 86_400, 14 * 86_400, true);
  const upcoming = Number(await supervisor.addObligation.staticCall(assets[2].address, upcomingTerms));
  await wait(supervisor.addObligation(assets[2].address, upcomingTerms));
  await provider.send("evm_increaseTime", [2 * 3_600]);
  await provider.send("evm_mine", []);
  await wait(supervisor.connect(await ethers.getSigner(alice)).flagOverdue(assets[2].address, overdue));
  const disclosure = {
    asset: assets[2].address,
    overdue,
    upcoming,
    supervisor: await supervisor.getAddress(),
    compliance: await asCompliance.getAddress(),
  };

  // 6b. A receipt market and alice's lot.
  const { asset: market, lots } = await issueReceiptMarket(factory, await ethers.getSigner(issuer), {
    name: "Copper cathode grade A receipts",
    symbol: "CU-A",
    code: "CU-CATH-A",
    commodityCode: "CU-CATH-A",
    jurisdiction: 344,
  });
  const spec = lotSpecTuple({
    commodityCode: "CU-CATH-A",
    gradeHash: ethers.id("LME grade A"),
    unit: "kg",
    warehouse: custodian,
    locationCode: "HKHKG-W03",
    certificateHash: ethers.id("console inspection certificate"),
    storageExpiry: BigInt((await now()) + 365 * 86_400),
  });
  const depositor = lots.connect(await ethers.getSigner(custodian));
  const lot = await depositor.issueLot.staticCall(spec, 1_000n, alice);
  await wait(depositor.issueLot(spec, 1_000n, alice));
  const receipts = { market, lot: String(lot), quantity: "1000" };

  // 7. What the console reads.
  const out = process.env.CONSOLE_SEED_OUT;
  if (out) {
    const seed: ConsoleSeed = {
      chainId: Number((await provider.getNetwork()).chainId),
      accounts: named,
      members,
      investors,
      coin: coinAddress,
      assets,
      prospectus,
      snapshot,
      products,
      receipts,
      disclosure,
    };
    writeFileSync(out, `${JSON.stringify(seed, null, 2)}\n`);
  }
  const book = process.env.CONSOLE_ADDRESSES_OUT;
  if (book) await hre.run("addresses:export", { out: book });
  console.log(
    `seeded: ${Object.keys(members).length} members, 2 investors, ${assets.length} equities, a bond, a fund, carol ` +
      `unregistered, a disclosure halt on ${equities[2].symbol} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
