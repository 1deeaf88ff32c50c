/**
 * `npm run demo`: the AssetLedger core on the embedded Hardhat network, as a story. The alliance deploys its core
 * from `deploy/` (roles from config/roles.ts), members join, a KYC provider registers two investors, a regulator
 * sets an asset's rules, and a transfer that a rule blocks is explained. Then the settlement coin: a custodian bank
 * joins and attests the reserves, the issuer becomes the coin's issuing bank (its master-minter call waits out the
 * authority's delay), mints to alice, alice pays bob by a signed authorization a relayer submits, bob redeems, and
 * a mint beyond the reserves is refused.
 *
 * Then securities, issued through the AssetFactory. The issuer issues an equity in one transaction (instrument,
 * prospectus, terms from sdk/products/equity.ts, the exchange as its agent, compliance rules: professional
 * investors from CN, HK, SG or the US, at most 100 investors, a 30-day lock-up), and the factory lists it by issuer
 * and by product type. The agent mints to alice; her transfer to bob is refused during the lock-up and goes through
 * after it, while one to carol (not registered) is explained and refused. The issuer publishes an interim report
 * (ERC-1643). The agent takes a record snapshot, the issuer declares a cash dividend in the coin on it (after a
 * fresh reserve attestation lets it mint the cash), alice claims, the agent pushes bob's payment, and the rounding
 * dust returns to the issuer after the deadline; the register at the snapshot is exported as CSV with
 * sdk/register.ts. Last, an asset manager joins and issues a fund the custodian administers: alice subscribes, and
 * after the cut-off the administrator posts the NAV and deals her subscription.
 *
 * Then settlement (contracts/settlement/). Alice sells bob shares against aUSD in one atomic DvP: the exchange
 * asks the engine to explain the instruction (nothing sent), both sign it (EIP-712) and the exchange submits it; a
 * replay is refused. Alice buys aCNY from bob with aUSD in a PvP. A payment gateway joins; alice sells shares to bob
 * through it, the shares held in place until the gateway's signed receipt (submitted by anyone) delivers them, and
 * a second trade whose payment never comes is refunded at its deadline by anyone.
 *
 * Last, batch net settlement (INetSettlement, sdk/netting.ts): the exchange, a clearing member, registers 40
 * verified investors as participants and the equity and the fund against aUSD as instruments, and settles a cycle
 * of 30,000 trades (the SDK's member-level workload, fixed seed) in batches the SDK sizes under the 16,777,216-gas
 * ceiling, each pre-checked; every final balance equals the SDK's gross model, the regulator verifies one trade's
 * Merkle proof (a tampered one fails), and a batch naming a frozen participant is refused, explained and split.
 *
 * Then a warehouse receipt (scripts/lib/receiptDemo.ts: deposited, pledged, released, sold by DvP against aUSD with
 * a lot amount, delivered), a merchant's loyalty program (scripts/lib/loyaltyDemo.ts) and disclosure supervision
 * (scripts/lib/disclosureDemo.ts: the exchange's calendar on chain, an overdue annual report halting trading until
 * its filing lifts the halt).
 */
import { demoDisclosure } from "./lib/disclosureDemo";
import { demoLoyalty } from "./lib/loyaltyDemo";
import { demoReceipts } from "./lib/receiptDemo";
import { deployments, ethers, getNamedAccounts } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionReceipt } from "ethers";
import type {
  AccessManager,
  AssetFactory,
  Compliance,
  IdentityRegistry,
  IEquity,
  IFund,
  GatewaySettlement,
  INetSettlement,
  MemberRegistry,
  Settlement,
  SettlementCoin,
} from "../typechain-types";
import { coinIssuerRoles, memberRoleExecutionDelay } from "../config/roles";
import { grantMemberRoles, seatMember } from "./lib/members";
import { Claim, claimNames, claimsOf } from "../sdk/claims";
import { describeExplanation } from "../sdk/restrictions";
import { instrumentCode, instrumentCodeText, ProductType } from "../sdk/assets";
import { encodeEquityTerms, shareClassLabel } from "../sdk/products/equity";
import { encodeFundTerms } from "../sdk/products/fund";
import {
  applyGross,
  type Balances,
  batchCounts,
  collectTrades,
  DEFAULT_GAS_COEFFICIENTS,
  defaultGasModel,
  encodeBatch,
  GAS_CEILING_OSAKA,
  type Instrument,
  linearGasModel,
  memberWorkload,
  type PlannedBatch,
  planBatches,
  precheckBatch,
  signClearingConsent,
  splitAroundFailures,
  tradeProof,
} from "../sdk/netting";
import { readRegister, registerToCsv } from "../sdk/register";
import { assetRules } from "../sdk/rules";
import {
  authorization,
  authorizationArgs,
  domainOf,
  signAuthorization,
  TRANSFER_WITH_AUTHORIZATION_VRS,
} from "../sdk/signatures";
import {
  consentsOf,
  describeRevert,
  explainSettlement,
  type Instruction,
  revertDataOf,
  settlementDomainOf,
  signInstruction,
  gatewayDomainOf,
  signPaymentReceipt,
} from "../sdk/settlement";

const DAY = 24 * 3_600;
const YEAR = 365 * DAY;
const country = { CN: 156, HK: 344, SG: 702, US: 840 } as const;

function chapter(title: string): void {
  console.log(`\n== ${title}`);
}

/** A rejection as `Name(arg, …)`, decoded with `contract`'s custom errors. */
function refusal(contract: BaseContract, error: unknown): string {
  const data = (error as { data?: string }).data;
  const decoded = data ? contract.interface.parseError(data) : null;
  return decoded ? `${decoded.name}(${decoded.args.join(", ")})` : String(error);
}

async function main(): Promise<void> {
  chapter("The alliance deploys its core (deploy/, roles from config/roles.ts)");
  await deployments.fixture(["core"]);
  const at = async <T>(contract: string, deployment = contract) =>
    (await ethers.getContractAt(contract, (await deployments.get(deployment)).address)) as unknown as T;
  const authority = await at<AccessManager>("AccessManager", "AllianceAuthority");
  const members = await at<MemberRegistry>("MemberRegistry");
  const identity = await at<IdentityRegistry>("IdentityRegistry");
  const compliance = await at<Compliance>("Compliance");
  const coin = await at<SettlementCoin>("SettlementCoin", "SettlementCoinUSD");
  for (const [name, contract] of Object.entries({ authority, members, identity, compliance, coin })) {
    console.log(`  ${name.padEnd(10)} ${await contract.getAddress()}`);
  }

  const named = await getNamedAccounts();
  const signer = (name: string) => ethers.getSigner(named[name]);
  const [governor, kyc, exchange, issuer, regulator, custodian, relayer] = await Promise.all(
    ["governor", "kycProvider", "exchange", "issuer", "regulator", "custodian", "gateway"].map(signer),
  );
  const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map(signer));

  chapter("Members join the alliance");
  const seats = [
    [exchange, "Exchange", "Harbour Stock Exchange"],
    [issuer, "Issuer", "Jade River Manufacturing Ltd"],
    [kyc, "KycProvider", "Alliance KYC Services"],
    [regulator, "Regulator", "Securities and Futures Regulator"],
  ] as const;
  for (const [account, kind, name] of seats) {
    const roles = await seatMember(members.connect(governor), account.address, kind, name);
    console.log(`  ${name} joins as ${kind}, holding ${roles.join(", ")}`);
  }

  chapter("A KYC provider registers two investors (no personal data on chain)");
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;
  const investors = [
    {
      who: alice,
      id: ethers.id("investor:alice"),
      country: country.CN,
      claims: [Claim.KYC, Claim.AML, Claim.PROFESSIONAL],
    },
    {
      who: bob,
      id: ethers.id("investor:bob"),
      country: country.US,
      claims: [Claim.KYC, Claim.AML, Claim.PROFESSIONAL],
    },
  ];
  for (const investor of investors) {
    const tx = await identity
      .connect(kyc)
      .registerInvestor(investor.id, investor.country, claimsOf(investor.claims), now + YEAR, [investor.who.address]);
    const receipt = await tx.wait();
    console.log(
      `  investor ${investor.id.slice(0, 10)}… country ${investor.country}, claims ${claimNames(claimsOf(investor.claims)).join("+")}, ` +
        `wallet ${investor.who.address} — verified: ${await identity.isVerified(investor.who.address)} (${receipt!.gasUsed} gas)`,
    );
  }
  console.log(`  carol ${carol.address} is not registered — verified: ${await identity.isVerified(carol.address)}`);

  chapter("The regulator sets the rules of an equity the issuer is preparing");
  const asset = ethers.getAddress(`0x${ethers.id("demo:jade-river-equity").slice(26)}`);
  const rules = assetRules({ requiredClaims: claimsOf([Claim.PROFESSIONAL]), countryAllowList: true });
  await (await compliance.connect(regulator).configureAsset(asset, rules)).wait();
  await (
    await compliance.connect(regulator).setCountriesAllowed(asset, [country.CN, country.HK, country.SG], true)
  ).wait();
  console.log(`  asset ${asset}: professional investors only, from CN, HK or SG`);

  chapter("Transfers are checked before they are tried, and a refusal is explained");
  const cases = [
    ["alice → bob", alice.address, bob.address],
    ["alice → carol", alice.address, carol.address],
  ] as const;
  for (const [label, from, to] of cases) {
    const code = await compliance.detectTransferRestriction(asset, from, to, 100n);
    const explanation = await compliance.explainTransfer(asset, from, to, 100n);
    console.log(`  ${label}: ERC-1404 code ${code} — ${describeExplanation(explanation)}`);
  }

  chapter("A suspended member loses its roles at once");
  await (await members.connect(governor).suspendMember(kyc.address, ethers.id("audit finding 2026-17"))).wait();
  const [canRegister] = await authority.canCall(
    kyc.address,
    await identity.getAddress(),
    identity.interface.getFunction("registerInvestor")!.selector,
  );
  console.log(`  after suspension the KYC provider may register investors: ${canRegister}`);
  try {
    await identity
      .connect(kyc)
      .registerInvestor(ethers.id("investor:dan"), country.HK, claimsOf([Claim.KYC]), now + YEAR, []);
  } catch (error) {
    console.log(`  its registration is refused: ${refusal(identity, error)}`);
  }
  await (await members.connect(governor).reinstateMember(kyc.address)).wait();
  const [canAgain] = await authority.canCall(
    kyc.address,
    await identity.getAddress(),
    identity.interface.getFunction("registerInvestor")!.selector,
  );
  console.log(`  reinstated, it may register again: ${canAgain}`);

  const symbol = await coin.symbol();
  const decimals = await coin.decimals();
  const usd = (amount: bigint) => `${ethers.formatUnits(amount, decimals)} ${symbol}`;
  const coinAddress = await coin.getAddress();

  chapter(`A custodian bank joins, and the issuer becomes the issuing bank of the ${symbol} settlement coin`);
  const bank = "Lion Rock Custodian Bank";
  const custodianRoles = await seatMember(members.connect(governor), custodian.address, "Custodian", bank);
  console.log(`  ${bank} joins as Custodian, holding ${custodianRoles.join(", ")}`);
  await grantMemberRoles(members.connect(governor), issuer.address, coinIssuerRoles);
  for (const role of coinIssuerRoles) {
    const delay = memberRoleExecutionDelay[role] ?? 0;
    console.log(`  the issuer is granted ${role}${delay ? ` with a ${delay / 3_600}-hour execution delay` : ""}`);
  }
  const allowance = 5_000_000n * 10n ** decimals;
  const configureMinter = coin.interface.encodeFunctionData("configureMinter", [issuer.address, allowance]);
  const [, delay] = await authority.canCall(issuer.address, coinAddress, configureMinter.slice(0, 10));
  await (await authority.connect(issuer).schedule(coinAddress, configureMinter, 0)).wait();
  console.log(`  the issuer schedules configureMinter(itself, ${usd(allowance)}) through the authority`);
  try {
    await authority.connect(issuer).execute.staticCall(coinAddress, configureMinter);
  } catch (error) {
    console.log(`  executing it at once is refused: ${refusal(authority, error)}`);
  }
  await ethers.provider.send("evm_increaseTime", [Number(delay)]);
  await ethers.provider.send("evm_mine", []);
  await (await authority.connect(issuer).execute(coinAddress, configureMinter)).wait();
  console.log(
    `  ${Number(delay) / 3_600} hours later it executes: minter ${await coin.isMinter(issuer.address)}, ` +
      `allowance ${usd(await coin.minterAllowance(issuer.address))}`,
  );

  chapter("The custodian attests the reserves backing the coin");
  const reserves = 1_000_000n * 10n ** decimals;
  const countedAt = (await ethers.provider.getBlock("latest"))!.timestamp;
  await (await coin.connect(custodian).attestReserves(reserves, countedAt, ethers.id("reserve report 2026-11"))).wait();
  const attestation = await coin.latestAttestation();
  console.log(
    `  ${usd(attestation.reserves)} held as of ${new Date(Number(attestation.asOf) * 1_000).toISOString()}, ` +
      `attested by ${attestation.attestor} (report hash ${attestation.reportHash.slice(0, 10)}…)`,
  );

  chapter("The issuer mints to alice, an eligible investor");
  await (await coin.syncHolders([alice.address, bob.address, carol.address])).wait();
  for (const [name, who] of [
    ["alice", alice],
    ["bob", bob],
    ["carol", carol],
  ] as const) {
    console.log(`  ${name} synced: eligible ${await coin.isEligible(who.address)}`);
  }
  const minted = 250_000n * 10n ** decimals;
  await (await coin.connect(issuer).mint(alice.address, minted)).wait();
  console.log(
    `  minted ${usd(minted)} to alice; supply ${usd(await coin.totalSupply())} of ${usd(reserves)} reserves, ` +
      `allowance left ${usd(await coin.minterAllowance(issuer.address))}`,
  );
  try {
    await coin.connect(issuer).mint.staticCall(carol.address, 10n ** decimals);
  } catch (error) {
    console.log(`  a mint to carol (not a verified investor) is refused: ${refusal(coin, error)}`);
  }

  chapter("Alice pays bob without gas: she signs an authorization, a relayer submits it (EIP-3009)");
  const paid = 12_500n * 10n ** decimals;
  const message = authorization(
    alice.address,
    bob.address,
    paid,
    BigInt((await ethers.provider.getBlock("latest"))!.timestamp + 3_600),
  );
  const signature = await signAuthorization(alice, await domainOf(coin), "transfer", message);
  console.log(
    `  alice signs: ${usd(paid)} to bob, valid until ${new Date(Number(message.validBefore) * 1_000).toISOString()}`,
  );
  const relayed = await (
    await coin.connect(relayer).getFunction(TRANSFER_WITH_AUTHORIZATION_VRS)(...authorizationArgs(message, signature))
  ).wait();
  console.log(`  a relayer ${relayer.address} submits it (${relayed!.gasUsed} gas, paid by the relayer)`);
  console.log(`  alice ${usd(await coin.balanceOf(alice.address))}, bob ${usd(await coin.balanceOf(bob.address))}`);

  chapter("Bob redeems for fiat; the issuer pays out and confirms, burning the escrow");
  const redeemed = 10_000n * 10n ** decimals;
  const payoutReference = ethers.id("payout order: bob, account ending 4321");
  const request = await (await coin.connect(bob).requestRedemption(redeemed, payoutReference)).wait();
  const [requested] = request!.logs
    .map((log) => coin.interface.parseLog(log))
    .filter((log) => log?.name === "RedemptionRequested");
  const id = requested!.args.id as bigint;
  console.log(
    `  bob requests redemption #${id} of ${usd(redeemed)} to payout ${payoutReference.slice(0, 10)}…; ` +
      `escrowed ${usd(await coin.escrowed())}, bob ${usd(await coin.balanceOf(bob.address))}`,
  );
  await (await coin.connect(issuer).confirmRedemption(id)).wait();
  const status = ["None", "Pending", "Confirmed", "Rejected"][Number((await coin.redemption(id)).status)];
  console.log(
    `  the issuer confirms the payout: request ${status}, escrowed ${usd(await coin.escrowed())}, ` +
      `supply ${usd(await coin.totalSupply())}`,
  );

  chapter("A mint that would exceed the attested reserves is refused");
  const tooMuch = 800_000n * 10n ** decimals;
  try {
    await coin.connect(issuer).mint(alice.address, tooMuch);
    console.log("  unexpectedly accepted");
  } catch (error) {
    const data = (error as { data?: string }).data;
    const decoded = data ? coin.interface.parseError(data) : null;
    if (decoded?.name === "SettlementCoinReservesExceeded") {
      const [supplyAfter, held] = decoded.args as unknown as [bigint, bigint];
      console.log(
        `  mint ${usd(tooMuch)} → ${decoded.name}(supplyAfter ${usd(supplyAfter)}, reserves ${usd(held)}): ` +
          `${usd(supplyAfter - held)} more than the reserves`,
      );
    } else {
      console.log(`  refused: ${refusal(coin, error)}`);
    }
  }
  console.log(`  supply stays ${usd(await coin.totalSupply())}`);

  const cast: Cast = {
    authority,
    compliance,
    coin,
    members,
    identity,
    governor,
    kyc,
    issuer,
    exchange,
    regulator,
    custodian,
    alice,
    bob,
    carol,
  };
  const { equity, fund } = await securities(cast);
  await settlement(cast, equity);
  await nettedCycle(cast, equity, fund);

  chapter("A warehouse receipt: deposited, pledged to a bank, released, sold, delivered");
  await demoReceipts({ deployer: await signer("deployer"), kyc, issuer, custodian }, (line) => console.log(line));

  chapter("A merchant's loyalty program: credits earned, spent oldest first, partly expired; the breakage report");
  await demoLoyalty({ deployer: await signer("deployer"), governor }, (line) => console.log(line));

  chapter("Disclosure supervision: the exchange's calendar, an overdue report halts trading, the filing lifts it");
  await demoDisclosure(equity, { issuer, exchange, regulator, holder: alice, recipient: bob }, (line) =>
    console.log(line),
  );
  console.log("\nDemo complete.");
}

/** The members and investors the coin chapters set up, for the securities chapters. */
interface Cast {
  authority: AccessManager;
  compliance: Compliance;
  coin: SettlementCoin;
  members: MemberRegistry;
  identity: IdentityRegistry;
  governor: HardhatEthersSigner;
  kyc: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  exchange: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  custodian: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
}

async function latest(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

/**
 * A wallet beyond the named accounts, at an address derived from `seed`, given ether and signed for by the
 * Hardhat network (impersonated).
 */
async function freshSigner(seed: string): Promise<HardhatEthersSigner> {
  const address = ethers.computeAddress(ethers.id(seed));
  await ethers.provider.send("hardhat_setBalance", [address, ethers.toQuantity(ethers.parseEther("100"))]);
  await ethers.provider.send("hardhat_impersonateAccount", [address]);
  return ethers.getSigner(address);
}

/** Mines the next block at `timestamp`. */
async function travelTo(timestamp: number): Promise<void> {
  await ethers.provider.send("evm_setNextBlockTimestamp", [timestamp]);
  await ethers.provider.send("evm_mine", []);
}

function isoDate(timestamp: bigint | number): string {
  return new Date(Number(timestamp) * 1_000).toISOString();
}

/** The `AssetIssued` event of an `AssetFactory.issue` receipt: the new asset's address and registry index. */
function issuedAsset(factory: AssetFactory, receipt: ContractTransactionReceipt): { asset: string; index: bigint } {
  const [event] = receipt.logs
    .map((log) => factory.interface.parseLog(log))
    .filter((log) => log?.name === "AssetIssued");
  return { asset: event!.args.asset as string, index: event!.args.index as bigint };
}

/**
 * The security-token chapters: an equity issued through the factory, traded under its rules, disclosed, paying a
 * dividend on a record date with its register exported; then a fund dealing a subscription at its NAV.
 */
async function securities(cast: Cast): Promise<{ equity: IEquity; fund: IFund }> {
  const { authority, compliance, coin, members, governor, issuer, exchange, custodian, alice, bob, carol } = cast;
  const factory = (await ethers.getContractAt(
    "AssetFactory",
    (await deployments.get("AssetFactory")).address,
  )) as unknown as AssetFactory;
  const symbol = await coin.symbol();
  const decimals = await coin.decimals();
  const usd = (amount: bigint) => `${ethers.formatUnits(amount, decimals)} ${symbol}`;
  const coinUnits = (amount: bigint) => amount * 10n ** decimals;
  const coinAddress = await coin.getAddress();
  const agent = exchange;

  chapter("The issuer issues an equity through the AssetFactory: one transaction, fully configured");
  const lockupUntil = (await latest()) + 30 * DAY;
  const prospectus = {
    name: ethers.encodeBytes32String("prospectus"),
    uri: "https://disclosure.example/jade-river/prospectus-2026.pdf",
    documentHash: ethers.id("Jade River Manufacturing prospectus, 2026"),
  };
  const request = {
    productType: ProductType.Equity,
    instrument: {
      name: "Jade River Manufacturing Ordinary Shares",
      symbol: "JRM",
      decimals: 0,
      securityCode: instrumentCode("JR0001"),
      isin: instrumentCode("CNE100000JR0"),
      jurisdiction: country.CN,
      issuer: ethers.ZeroAddress, // the factory sets the caller
    },
    documents: [prospectus],
    terms: encodeEquityTerms({ settlementCoin: coinAddress, shareClass: "ORDINARY", minClaimPeriod: 7 * DAY }),
    agents: [agent.address],
    administrators: [],
    compliance: {
      rules: assetRules({
        requiredClaims: claimsOf([Claim.PROFESSIONAL]),
        lockupUntil,
        maxInvestors: 100,
        countryAllowList: true,
      }),
      allowedCountries: [country.CN, country.HK, country.SG, country.US],
      blockedCountries: [],
      maxBalance: 0n,
    },
  };
  const issueReceipt = (await (await factory.connect(issuer).issue(request)).wait())!;
  const { asset: equityAddress, index: equityIndex } = issuedAsset(factory, issueReceipt);
  const equity = (await ethers.getContractAt("IEquity", equityAddress)) as unknown as IEquity;
  const instrument = await equity.instrument();
  console.log(
    `  ${instrument.name} (${instrument.symbol}, ${instrument.decimals} decimals) at ${equityAddress}: ` +
      `${issueReceipt.gasUsed} gas`,
  );
  console.log(
    `  security code ${instrumentCodeText(instrument.securityCode)}, ISIN ${instrumentCodeText(instrument.isin)}, jurisdiction ` +
      `${instrument.jurisdiction}, issuer ${instrument.issuer}`,
  );
  const terms = await equity.terms();
  console.log(
    `  terms: dividends in ${await (await ethers.getContractAt("SettlementCoin", terms.settlementCoin)).symbol()}, ` +
      `share class ${shareClassLabel(terms.shareClass)}, claim period at least ${Number(terms.minClaimPeriod) / DAY} days`,
  );
  const [prospectusUri, prospectusHash] = await equity.getDocument(prospectus.name);
  console.log(`  prospectus (ERC-1643) ${prospectusUri}, hash ${prospectusHash.slice(0, 10)}…`);
  const storedRules = await compliance.rulesOf(equityAddress);
  const allowed = [];
  for (const code of Object.values(country)) {
    if (await compliance.isCountryAllowed(equityAddress, code)) allowed.push(code);
  }
  console.log(
    `  rules: claims ${claimNames(storedRules.requiredClaims).join("+")}, countries ${allowed.join(", ")}, ` +
      `at most ${storedRules.maxInvestors} investors, locked up until ${isoDate(storedRules.lockupUntil)}`,
  );
  const mintSelector = equity.interface.getFunction("mint").selector;
  const [agentMints] = await authority.canCall(agent.address, equityAddress, mintSelector);
  const [issuerMints] = await authority.canCall(issuer.address, equityAddress, mintSelector);
  console.log(
    `  Harbour Stock Exchange is its agent — may mint: ${agentMints}; the issuer itself may mint: ${issuerMints}`,
  );
  const byIssuer = await factory.assetsByIssuer(issuer.address, 0, 10);
  const byProduct = await factory.assetsByProduct(ProductType.Equity, 0, 10);
  console.log(
    `  the factory lists it: ${byIssuer.length} asset(s) of the issuer [${byIssuer.map((entry) => entry.asset).join(", ")}], ` +
      `Equity #${equityIndex} of ${await factory.assetCountByProduct(ProductType.Equity)} ` +
      `(${byProduct.some((entry) => entry.asset === equityAddress) ? "listed" : "missing"} by product type)`,
  );

  chapter("The agent allots shares to alice; a transfer is checked, refused, then allowed once the lock-up ends");
  const shares = async (who: HardhatEthersSigner) => `${await equity.balanceOf(who.address)} ${instrument.symbol}`;
  await (await equity.connect(agent).mint(alice.address, 3_000n)).wait();
  console.log(`  minted to alice: ${await shares(alice)}; supply ${await equity.totalSupply()}`);
  const transfers = [
    ["alice → bob (US)", bob.address],
    ["alice → carol (not registered)", carol.address],
  ] as const;
  for (const [name, to] of transfers) {
    const code = await equity.detectTransferRestriction(alice.address, to, 1_000n);
    const explanation = await compliance.explainTransfer(equityAddress, alice.address, to, 1_000n);
    console.log(`  ${name}: ERC-1404 code ${code} — ${describeExplanation(explanation)}`);
  }
  try {
    await equity.connect(alice).transfer(bob.address, 1_000n);
    console.log("  unexpectedly accepted");
  } catch (error) {
    console.log(`  alice's transfer to bob during the lock-up is refused: ${refusal(equity, error)}`);
  }
  await travelTo(lockupUntil + 1);
  console.log(`  ${isoDate(await latest())}: the lock-up has ended`);
  await (await equity.connect(alice).transfer(bob.address, 1_000n)).wait();
  console.log(`  alice → bob 1000: alice ${await shares(alice)}, bob ${await shares(bob)}`);
  try {
    await equity.connect(alice).transfer(carol.address, 100n);
    console.log("  unexpectedly accepted");
  } catch (error) {
    console.log(`  alice → carol is still refused: ${refusal(equity, error)}`);
  }
  console.log(
    `  investors holding: ${await equity.holderCount()} of ${storedRules.maxInvestors} allowed, ` +
      `wallets holding: ${await equity.holdingWalletCount()}`,
  );

  chapter("Disclosure: the issuer publishes its interim report (ERC-1643)");
  const report = ethers.encodeBytes32String("interim-report-2026H2");
  await (
    await equity
      .connect(issuer)
      .setDocument(
        report,
        "https://disclosure.example/jade-river/interim-2026h2.pdf",
        ethers.id("Jade River interim report, second half 2026"),
      )
  ).wait();
  for (const name of await equity.getAllDocuments()) {
    const [uri, hash, lastModified] = await equity.getDocument(name);
    console.log(
      `  ${ethers.decodeBytes32String(name)}: ${uri} (hash ${hash.slice(0, 10)}…, set ${isoDate(lastModified)})`,
    );
  }

  chapter(`Record date and a cash dividend in ${symbol}`);
  await (await equity.connect(agent).snapshot()).wait();
  const recordSnapshot = await equity.currentSnapshotId();
  console.log(
    `  the agent takes record snapshot #${recordSnapshot}: alice ${await equity.balanceOfAt(alice.address, recordSnapshot)}, ` +
      `bob ${await equity.balanceOfAt(bob.address, recordSnapshot)} of ${await equity.totalSupplyAt(recordSnapshot)}`,
  );
  await (await equity.connect(alice).transfer(bob.address, 500n)).wait();
  console.log(`  after the record date alice sells bob 500: alice ${await shares(alice)}, bob ${await shares(bob)}`);
  const eligibleBefore = await coin.isEligible(equityAddress);
  await (await coin.syncHolders([equityAddress, issuer.address])).wait();
  console.log(
    `  the equity is synced in the coin so it may hold ${symbol}: eligible ${eligibleBefore} → ` +
      `${await coin.isEligible(equityAddress)}`,
  );
  const dividend = coinUnits(10_000n);
  const age = (await latest()) - Number((await coin.latestAttestation()).asOf);
  try {
    await coin.connect(issuer).mint.staticCall(issuer.address, dividend);
  } catch (error) {
    console.log(
      `  ${Math.floor(age / DAY)} days after the coin's last attestation, minting is refused: ${refusal(coin, error)}`,
    );
  }
  const today = isoDate(await latest()).slice(0, 10);
  await (
    await coin
      .connect(custodian)
      .attestReserves(coinUnits(1_000_000n), await latest(), ethers.id(`reserve report ${today}`))
  ).wait();
  console.log(`  the custodian attests ${usd((await coin.latestAttestation()).reserves)} again as of ${today}`);
  await (await coin.connect(issuer).mint(issuer.address, dividend)).wait();
  await (await coin.connect(issuer).approve(equityAddress, dividend)).wait();
  const deadline = (await latest()) + 14 * DAY;
  await (await equity.connect(issuer).declareDividend(recordSnapshot, dividend, deadline)).wait();
  const distributionId = await equity.distributionCount();
  const declared = await equity.distribution(distributionId);
  console.log(
    `  the issuer mints itself ${usd(dividend)} and declares dividend #${distributionId} on snapshot #${declared.snapshotId}: ` +
      `${usd(declared.funded)} over ${declared.eligibleSupply} shares, claimable until ${isoDate(declared.deadline)}`,
  );
  const aliceCoin = await coin.balanceOf(alice.address);
  await (await equity.connect(alice).claim(distributionId)).wait();
  console.log(
    `  alice claims ${usd((await coin.balanceOf(alice.address)) - aliceCoin)} for her ` +
      `${await equity.balanceOfAt(alice.address, recordSnapshot)} shares at the record date`,
  );
  const [aliceBefore, bobBefore] = [await coin.balanceOf(alice.address), await coin.balanceOf(bob.address)];
  await (await equity.connect(agent).pushPayments(distributionId, [alice.address, bob.address])).wait();
  console.log(
    `  the agent pushes payments to alice and bob: bob receives ${usd((await coin.balanceOf(bob.address)) - bobBefore)}` +
      ` for his ${await equity.balanceOfAt(bob.address, recordSnapshot)}, alice ` +
      `${usd((await coin.balanceOf(alice.address)) - aliceBefore)} more (paid already: ${await equity.isPaid(distributionId, alice.address)})`,
  );
  const paid = await equity.distribution(distributionId);
  console.log(
    `  paid ${usd(paid.paid)} of ${usd(paid.funded)}: rounding dust ${usd(paid.funded - paid.paid)}; ` +
      `the equity holds ${usd(await coin.balanceOf(equityAddress))}`,
  );
  await travelTo(Number(paid.deadline) + 1);
  const issuerCoin = await coin.balanceOf(issuer.address);
  await (await equity.connect(issuer).reclaimUnclaimed(distributionId)).wait();
  console.log(
    `  after the deadline the issuer reclaims ${usd((await coin.balanceOf(issuer.address)) - issuerCoin)} ` +
      `(the dust); the equity holds ${usd(await coin.balanceOf(equityAddress))}`,
  );

  chapter(`The ownership register at snapshot #${recordSnapshot}, as \`register:export\` writes it (sdk/register.ts)`);
  const register = await readRegister(ethers.provider, {
    asset: equityAddress,
    snapshot: recordSnapshot,
    fromBlock: issueReceipt.blockNumber,
  });
  for (const line of registerToCsv(register).trimEnd().split("\n")) console.log(`  ${line}`);
  console.log(`  block ${register.blockNumber}, supply ${register.totalSupply}, reconciled ${register.reconciled}`);

  chapter("An asset manager joins and issues a fund; the custodian administers it, a subscription is dealt");
  const manager = await freshSigner("demo:harbour-asset-management");
  const managerName = "Harbour Asset Management";
  await seatMember(members.connect(governor), manager.address, "Issuer", managerName);
  const fundRequest = {
    productType: ProductType.Fund,
    instrument: {
      name: "Harbour Asia Income Fund A",
      symbol: "HAIF",
      decimals: 2,
      securityCode: instrumentCode("HAIF01"),
      isin: instrumentCode("HK0000HAIF09"),
      jurisdiction: country.HK,
      issuer: ethers.ZeroAddress,
    },
    documents: [],
    terms: encodeFundTerms({
      settlementCoin: coinAddress,
      dealingPeriod: DAY,
      cutOffOffset: 16 * 3_600,
      entryFeeBps: 50,
      exitFeeBps: 0,
      feeAccount: manager.address,
      minSubscription: coinUnits(1_000n),
    }),
    agents: [agent.address], // listed on the exchange, which may allot units (the netted cycle below)
    administrators: [custodian.address],
    compliance: {
      rules: { ...request.compliance.rules, lockupUntil: 0, maxInvestors: 0, countryAllowList: false },
      allowedCountries: [],
      blockedCountries: [],
      maxBalance: 0n,
    },
  };
  const fundReceipt = (await (await factory.connect(manager).issue(fundRequest)).wait())!;
  const { asset: fundAddress } = issuedAsset(factory, fundReceipt);
  const fund = (await ethers.getContractAt("IFund", fundAddress)) as unknown as IFund;
  console.log(
    `  ${managerName} joins as Issuer and issues ${await fund.name()} (${await fund.symbol()}) at ${fundAddress}: ` +
      `${fundReceipt.gasUsed} gas; the factory now lists ${await factory.assetCount()} assets, ` +
      `${await factory.assetCountByIssuer(manager.address)} by ${managerName}`,
  );
  await (await coin.syncHolders([fundAddress, manager.address])).wait();
  const subscription = coinUnits(25_000n);
  await (await coin.connect(alice).approve(fundAddress, subscription)).wait();
  const subscribeTx = await (await fund.connect(alice).requestSubscription(subscription)).wait();
  const [subscribed] = subscribeTx!.logs
    .map((log) => fund.interface.parseLog(log))
    .filter((log) => log?.name === "SubscriptionRequested");
  const requestId = subscribed!.args.id as bigint;
  const cutOff = Number(subscribed!.args.cutOff);
  console.log(
    `  alice requests subscription #${requestId} of ${usd(subscription)}, escrowed until the cut-off ${isoDate(cutOff)} ` +
      `(escrow ${usd(await fund.subscriptionEscrow())})`,
  );
  await travelTo(cutOff + 3_600);
  const navPerUnit = 10_234_500n; // 10.2345 per unit, in the coin's smallest unit
  await (await fund.connect(custodian).postNav(navPerUnit, cutOff)).wait();
  const nav = await fund.latestNav();
  console.log(`  Lion Rock posts the NAV valued at the cut-off: ${usd(nav.navPerUnit)} per unit`);
  const managerCoin = await coin.balanceOf(manager.address);
  const dealReceipt = await (await fund.connect(custodian).dealSubscriptions([requestId])).wait();
  const [deal] = dealReceipt!.logs
    .map((log) => fund.interface.parseLog(log))
    .filter((log) => log?.name === "SubscriptionDealt");
  const fundDecimals = Number(await fund.decimals());
  const units = (amount: bigint) => `${ethers.formatUnits(amount, fundDecimals)} ${fundRequest.instrument.symbol}`;
  const status = ["None", "Pending", "Cancelled", "Rejected", "Dealt"][
    Number((await fund.requestOf(requestId)).status)
  ];
  console.log(
    `  request ${status}: ${units(deal!.args.units as bigint)} issued to alice for ${usd(deal!.args.cost as bigint)}, ` +
      `entry fee ${usd(deal!.args.fee as bigint)}, ${usd(deal!.args.refund as bigint)} refunded`,
  );
  console.log(
    `  alice holds ${units(await fund.balanceOf(alice.address))}; the fund's cash ${usd(await fund.cash())}, ` +
      `${managerName} received ${usd((await coin.balanceOf(manager.address)) - managerCoin)} in fees`,
  );
  return { equity, fund };
}

/**
 * The settlement chapters: a DvP of the equity against aUSD between alice and bob (explained, signed by both,
 * submitted by the exchange), an aCNY/aUSD PvP, and two payment-gateway trades: one confirmed by the gateway's
 * signed receipt, one refunded at its deadline by anyone.
 */
async function settlement(cast: Cast, equity: IEquity): Promise<void> {
  const { authority, coin, members, governor, issuer, exchange, custodian, alice, bob, carol } = cast;
  const engine = (await ethers.getContractAt(
    "Settlement",
    (await deployments.get("Settlement")).address,
  )) as unknown as Settlement;
  const gatewaySettlement = (await ethers.getContractAt(
    "GatewaySettlement",
    (await deployments.get("GatewaySettlement")).address,
  )) as unknown as GatewaySettlement;
  const cny = (await ethers.getContractAt(
    "SettlementCoin",
    (await deployments.get("SettlementCoinCNY")).address,
  )) as unknown as SettlementCoin;
  const [equityAddress, usdAddress, cnyAddress] = await Promise.all(
    [equity, coin, cny].map((token) => token.getAddress()),
  );
  const [usdSymbol, usdDecimals, cnySymbol, cnyDecimals, shareSymbol] = await Promise.all([
    coin.symbol(),
    coin.decimals(),
    cny.symbol(),
    cny.decimals(),
    equity.symbol(),
  ]);
  const usd = (amount: bigint) => `${ethers.formatUnits(amount, usdDecimals)} ${usdSymbol}`;
  const yuan = (amount: bigint) => `${ethers.formatUnits(amount, cnyDecimals)} ${cnySymbol}`;
  const names = { [equityAddress]: shareSymbol, [usdAddress]: usdSymbol, [cnyAddress]: cnySymbol };
  const holdings = async (who: HardhatEthersSigner) =>
    `${await equity.balanceOf(who.address)} ${shareSymbol} (${await equity.availableBalanceOf(who.address)} ` +
    `available), ${usd(await coin.balanceOf(who.address))}`;
  const domain = await settlementDomainOf(engine);

  chapter(`Delivery versus payment: bob buys 200 ${shareSymbol} from alice for ${usd(2_000n * 10n ** usdDecimals)}`);
  const dvp: Instruction = {
    tradeRef: ethers.id("HSE trade 2026-12-07 #0001"),
    deadline: BigInt((await latest()) + DAY),
    nonce: 1n,
    legs: [
      { token: equityAddress, from: alice.address, to: bob.address, amount: 200n },
      { token: usdAddress, from: bob.address, to: alice.address, amount: 2_000n * 10n ** usdDecimals },
    ],
  };
  const unsigned = await explainSettlement(engine.connect(exchange), dvp, [], 0n, names);
  console.log(`  the exchange asks the engine first (nothing sent): ${unsigned.summary}`);
  for (const leg of unsigned.legs) console.log(`    ${leg.sentence}`);
  const consents = consentsOf(dvp, {
    [alice.address]: await signInstruction(alice, domain, dvp),
    [bob.address]: await signInstruction(bob, domain, dvp),
  });
  console.log(`  alice and bob each sign the instruction (EIP-712, id ${unsigned.id.slice(0, 10)}…)`);
  const signed = await explainSettlement(engine.connect(exchange), dvp, consents, 0n, names);
  console.log(`  asked again with both signatures: ${signed.summary}`);
  const settled = await (await engine.connect(exchange).settle(dvp, consents, 0n)).wait();
  console.log(`  Harbour Stock Exchange submits it: both legs move in one transaction (${settled!.gasUsed} gas)`);
  console.log(`  alice ${await holdings(alice)}; bob ${await holdings(bob)}`);
  const after = await explainSettlement(engine.connect(exchange), dvp, consents, 0n, names);
  console.log(`  asked once more, the SDK says why: ${after.summary}`);
  try {
    await engine.connect(exchange).settle.staticCall(dvp, consents, 0n);
  } catch (error) {
    console.log(`  submitting it again is refused: ${describeRevert(revertDataOf(error) ?? "0x", [engine])}`);
  }

  chapter(`Payment versus payment: alice buys ${cnySymbol} from bob with ${usdSymbol} at 7.20`);
  const cnyUnit = 10n ** cnyDecimals;
  const cnyReserves = 10_000_000n * cnyUnit;
  await (await cny.connect(custodian).attestReserves(cnyReserves, await latest(), ethers.id("CNY reserves"))).wait();
  const configureMinter = cny.interface.encodeFunctionData("configureMinter", [issuer.address, cnyReserves]);
  const [, delay] = await authority.canCall(issuer.address, cnyAddress, configureMinter.slice(0, 10));
  await (await authority.connect(issuer).schedule(cnyAddress, configureMinter, 0)).wait();
  await ethers.provider.send("evm_increaseTime", [Number(delay)]);
  await ethers.provider.send("evm_mine", []);
  await (await authority.connect(issuer).execute(cnyAddress, configureMinter)).wait();
  await (await cny.syncHolders([alice.address, bob.address])).wait();
  await (await cny.connect(issuer).mint(bob.address, 100_000n * cnyUnit)).wait();
  console.log(`  the issuer, also the ${cnySymbol} issuing bank, mints ${yuan(100_000n * cnyUnit)} to bob`);
  const pvp: Instruction = {
    tradeRef: ethers.id("FX deal 2026-12-07 #0042"),
    deadline: BigInt((await latest()) + DAY),
    nonce: 2n,
    legs: [
      { token: usdAddress, from: alice.address, to: bob.address, amount: 1_000n * 10n ** usdDecimals },
      { token: cnyAddress, from: bob.address, to: alice.address, amount: 7_200n * cnyUnit },
    ],
  };
  const pvpConsents = consentsOf(pvp, {
    [alice.address]: await signInstruction(alice, domain, pvp),
    [bob.address]: await signInstruction(bob, domain, pvp),
  });
  const pvpExplained = await explainSettlement(engine.connect(exchange), pvp, pvpConsents, 0n, names);
  console.log(`  explained: ${pvpExplained.summary}`);
  const pvpSettled = await (await engine.connect(exchange).settle(pvp, pvpConsents, 0n)).wait();
  console.log(
    `  settled in one transaction (${pvpSettled!.gasUsed} gas): alice ${usd(await coin.balanceOf(alice.address))}, ` +
      `${yuan(await cny.balanceOf(alice.address))}; bob ${usd(await coin.balanceOf(bob.address))}, ` +
      `${yuan(await cny.balanceOf(bob.address))}`,
  );

  chapter("A payment gateway joins; alice sells shares to bob against a payment made off chain");
  // A wallet with its own key (not impersonated): the gateway signs payment receipts.
  const gateway = new ethers.Wallet(ethers.id("demo:pearl-delta-payments"), ethers.provider);
  await ethers.provider.send("hardhat_setBalance", [gateway.address, ethers.toQuantity(ethers.parseEther("100"))]);
  const gatewayName = "Pearl Delta Payments";
  const gatewayRoles = await seatMember(members.connect(governor), gateway.address, "PaymentGateway", gatewayName);
  console.log(`  ${gatewayName} joins as PaymentGateway, holding ${gatewayRoles.join(", ")}`);
  const gatewayDomain = await gatewayDomainOf(gatewaySettlement);
  const trade = (nonce: bigint, quantity: bigint, endToEndId: string, deadline: number) => ({
    token: equityAddress,
    seller: alice.address,
    buyer: bob.address,
    gateway: gateway.address,
    quantity,
    paymentRef: ethers.id(endToEndId),
    deadline,
    nonce,
    feeCoin: ethers.ZeroAddress,
    feePayer: ethers.ZeroAddress,
    feeAccount: ethers.ZeroAddress,
    feeAmount: 0n,
  });
  const first = trade(1n, 150n, "E2E-PDP-20261207-0001", (await latest()) + DAY);
  const firstId = await gatewaySettlement.tradeId(first);
  await (await gatewaySettlement.connect(alice).openTrade(first, "0x", "0x")).wait();
  console.log(
    `  alice opens trade ${firstId.slice(0, 10)}…: ${first.quantity} ${shareSymbol} held in place for bob, payment ` +
      `ref ${first.paymentRef.slice(0, 10)}…; alice still owns them: ${await holdings(alice)}`,
  );
  const trancheRef = ethers.id("E2E-PDP-20261207-0001/1");
  const receipt = await signPaymentReceipt(gateway, gatewayDomain, {
    tradeId: firstId,
    quantity: first.quantity,
    trancheRef,
  });
  console.log(`  bob pays through ${gatewayName}, which signs a payment receipt (EIP-712) for the whole quantity`);
  const confirmed = await (
    await gatewaySettlement.connect(carol).confirmPaymentWithReceipt(firstId, first.quantity, trancheRef, receipt)
  ).wait();
  const tradeStatus = ["None", "Open", "Completed", "Failed", "Expired"];
  console.log(
    `  carol, anyone, submits the receipt (${confirmed!.gasUsed} gas): trade ` +
      `${tradeStatus[Number(await gatewaySettlement.statusOf(firstId))]}; bob ${await holdings(bob)}`,
  );

  chapter("A gateway trade whose payment never comes is refunded at its deadline, by anyone");
  const second = trade(2n, 80n, "E2E-PDP-20261207-0002", (await latest()) + 2 * 3_600);
  const secondId = await gatewaySettlement.tradeId(second);
  await (await gatewaySettlement.connect(alice).openTrade(second, "0x", "0x")).wait();
  console.log(`  alice opens a second trade of ${second.quantity} ${shareSymbol}, due ${isoDate(second.deadline)}`);
  console.log(`  alice ${await holdings(alice)}`);
  try {
    await gatewaySettlement.connect(carol).expireTrade.staticCall(secondId);
  } catch (error) {
    console.log(`  before the deadline nobody can close it: ${refusal(gatewaySettlement, error)}`);
  }
  await travelTo(second.deadline);
  await (await gatewaySettlement.connect(carol).expireTrade(secondId)).wait();
  console.log(
    `  at ${isoDate(await latest())} carol closes it: trade ` +
      `${tradeStatus[Number(await gatewaySettlement.statusOf(secondId))]}, the hold released; alice ${await holdings(alice)}`,
  );
}

/** The netted cycle's size: trades (member-level mix, fixed seed) among this many participants. */
const NET_TRADES = 30_000;
const NET_PARTICIPANTS = 40;
const NET_SEED = 19;

/** `x` rounded up to two significant digits (a funding amount). */
function roundUp(x: bigint): bigint {
  let unit = 1n;
  while (x / unit >= 100n) unit *= 10n;
  return (x / unit + 1n) * unit;
}

/** `n` with thousands separators. */
function grouped(n: bigint | number): string {
  return n.toLocaleString("en-US");
}

/** `amount` of a token with `decimals`, its whole part grouped, without a trailing `.0`. */
function amountOf(amount: bigint, decimals: bigint | number): string {
  const [whole, fraction] = ethers.formatUnits(amount, decimals).split(".");
  return `${grouped(BigInt(whole))}${fraction === undefined || fraction === "0" ? "" : `.${fraction}`}`;
}

/**
 * The netted settlement cycle (INetSettlement, sdk/netting.ts): the exchange, a clearing member, registers verified
 * investors as participants and the equity and the fund against aUSD as instruments, and settles a cycle of
 * {@link NET_TRADES} matched trades (the SDK's member-level workload, fixed seed) in batches the SDK sizes under the
 * 16,777,216-gas ceiling, each pre-checked before it is sent. Every final balance is checked against the SDK's
 * gross model; the regulator verifies one trade's Merkle proof, and a tampered one fails. Last, a batch naming a
 * frozen participant is refused whole, explained, and the SDK splits it around the refused position.
 */
async function nettedCycle(cast: Cast, equity: IEquity, fund: IFund): Promise<void> {
  const { coin, identity, kyc, issuer, exchange, regulator, custodian } = cast;
  const engineAddress = (await deployments.get("Settlement")).address;
  const net = (await ethers.getContractAt("INetSettlement", engineAddress)) as unknown as INetSettlement;
  const clearer = net.connect(exchange);
  const [equityAddress, fundAddress, coinAddress] = await Promise.all(
    [equity, fund, coin].map((token) => token.getAddress()),
  );
  const [shareSymbol, fundSymbol, usdSymbol, usdDecimals, shareDecimals, fundDecimals] = await Promise.all([
    equity.symbol(),
    fund.symbol(),
    coin.symbol(),
    coin.decimals(),
    equity.decimals(),
    fund.decimals(),
  ]);
  const usd = (amount: bigint) => `${amountOf(amount, usdDecimals)} ${usdSymbol}`;
  const assets = [
    {
      name: shareSymbol,
      token: equity,
      address: equityAddress,
      show: (a: bigint) => `${amountOf(a, shareDecimals)} ${shareSymbol}`,
    },
    {
      name: fundSymbol,
      token: fund,
      address: fundAddress,
      show: (a: bigint) => `${amountOf(a, fundDecimals)} ${fundSymbol}`,
    },
    { name: usdSymbol, token: coin, address: coinAddress, show: usd },
  ];

  chapter(`A netted settlement cycle: ${grouped(NET_TRADES)} trades cleared by the exchange in batches`);
  // Participants: verified investors (professional, from the equity's countries), wallets the KYC provider vouches
  // for; each signs its consent to the exchange as its clearer (EIP-712 `ClearingConsent`, valid a day), then the
  // clearer submits.
  const firstParticipant = Number(await net.participantCount(exchange.address));
  const firstInstrument = Number(await net.instrumentCount(exchange.address));
  const keys = Array.from(
    { length: NET_PARTICIPANTS },
    (_, i) => new ethers.Wallet(ethers.id(`demo:net participant ${i}`), ethers.provider),
  );
  const wallets = keys.map((k) => k.address);
  const walletOf = (index: number) => wallets[index - firstParticipant];
  const expiry = (await latest()) + YEAR;
  const homes = [country.CN, country.HK, country.SG, country.US];
  await (
    await identity.connect(kyc).registerInvestors(
      wallets.map((wallet, i) => ({
        investor: ethers.id(`investor:net participant ${i}`),
        country: homes[i % homes.length],
        claims: claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]),
        expiry,
        wallets: [wallet],
      })),
    )
  ).wait();
  await (await coin.syncHolders(wallets)).wait();
  const consentDeadline = BigInt(await latest()) + 86_400n;
  const consents = await Promise.all(
    keys.map((k) => signClearingConsent(k, engineAddress, exchange.address, consentDeadline)),
  );
  await (
    await clearer.addParticipants(
      wallets,
      wallets.map(() => consentDeadline),
      consents,
    )
  ).wait();
  const terms: Instrument[] = [
    { token: equityAddress, coin: coinAddress, lotSize: 10n ** shareDecimals, tickSize: 10n },
    { token: fundAddress, coin: coinAddress, lotSize: 10n ** fundDecimals, tickSize: 10n },
  ];
  for (const i of terms) await (await clearer.addInstrument(i.token, i.coin, i.lotSize, i.tickSize)).wait();
  const instruments = new Map(terms.map((t, i) => [firstInstrument + i, t]));
  console.log(
    `  the KYC provider registers ${NET_PARTICIPANTS} professional investors (one registerInvestors call); the ` +
      `exchange adds them, each with its signed consent, as participants ${firstParticipant}…${firstParticipant + NET_PARTICIPANTS - 1}`,
  );
  for (const [index, i] of instruments) {
    const asset = assets.find((a) => a.address === i.token)!;
    console.log(
      `  instrument #${index}: ${asset.name} against ${usdSymbol}, a lot ${asset.show(i.lotSize)}, ` +
        `a price tick ${usd(i.tickSize)} a lot`,
    );
  }

  // The cycle's trades, and a second cycle's batch (below, with a frozen participant): the SDK's member-level mix.
  const workload = (seed: number, trades: number, firstTradeId: bigint) =>
    collectTrades(
      memberWorkload({
        seed,
        trades,
        members: NET_PARTICIPANTS,
        instruments: terms.length,
        firstParticipant,
        firstInstrument,
        firstTradeId,
      }),
    );
  const firstTradeId = await net.nextTradeId(exchange.address);
  const cycle = Number(await net.lastCycle(exchange.address)) + 1;
  const trades = workload(NET_SEED, NET_TRADES, firstTradeId);
  const later = workload(NET_SEED + 1, 2_000, firstTradeId + BigInt(NET_TRADES));
  // Funding: the SDK's gross model (trade by trade) says how deep any participant's balance dips along the trades;
  // everyone gets a round amount above the deepest dip, enough whatever the batching.
  const dip = new Map<string, bigint>();
  const path: Balances = new Map();
  for (const trade of [...trades, ...later]) {
    applyGross(path, [trade], instruments);
    const { token, coin } = instruments.get(trade.instrument)!;
    for (const asset of [token.toLowerCase(), coin.toLowerCase()]) {
      for (const party of [trade.buyer, trade.seller]) {
        const balance = path.get(asset)!.get(party)!;
        if (balance < (dip.get(asset) ?? 0n)) dip.set(asset, balance);
      }
    }
  }
  const funding = new Map(
    assets.map((a) => [a.address, roundUp(((dip.get(a.address.toLowerCase()) ?? 0n) * -5n) / 4n)]),
  );
  await (
    await equity.connect(exchange).batchMint(
      wallets,
      wallets.map(() => funding.get(equityAddress)!),
    )
  ).wait();
  await (
    await fund.connect(exchange).batchMint(
      wallets,
      wallets.map(() => funding.get(fundAddress)!),
    )
  ).wait();
  const cash = funding.get(coinAddress)! * BigInt(NET_PARTICIPANTS);
  const reserves = roundUp((await coin.totalSupply()) + cash);
  const today = isoDate(await latest()).slice(0, 10);
  await (await coin.connect(custodian).attestReserves(reserves, await latest(), ethers.id(`reserves ${today}`))).wait();
  for (const wallet of wallets) await (await coin.connect(issuer).mint(wallet, funding.get(coinAddress)!)).wait();
  console.log(
    `  each participant is funded with ${assets.map((a) => a.show(funding.get(a.address)!)).join(", ")} ` +
      `(the exchange allots the securities as their agent; the custodian attests ${usd(reserves)} and the issuer ` +
      `mints the cash): above the deepest dip of any balance along the trades, by the SDK's model`,
  );
  const opening: Balances = new Map();
  for (const asset of assets) {
    const balances = await Promise.all(wallets.map((wallet) => asset.token.balanceOf(wallet)));
    opening.set(asset.address.toLowerCase(), new Map(balances.map((b, i) => [firstParticipant + i, b])));
  }
  const copy = (balances: Balances): Balances => new Map([...balances].map(([a, m]) => [a, new Map(m)]));
  const model = applyGross(copy(opening), trades, instruments);

  /** Sends one encoded batch after a pre-check; returns its receipt's figures. */
  const submit = async (bytes: Uint8Array) => {
    const verdict = await precheckBatch(clearer, bytes);
    if (!verdict.ok) throw new Error(`the pre-check refuses a batch: ${verdict.failure.sentence}`);
    const receipt = (await (await clearer.submitBatch(bytes, { gasLimit: GAS_CEILING_OSAKA })).wait())!;
    const event = receipt.logs
      .filter((log) => log.address === engineAddress)
      .map((log) => net.interface.parseLog(log))
      .find((log) => log?.name === "NetBatchSettled")!;
    return { batchNo: event.args.batchNo as bigint, root: event.args.root as string, gas: receipt.gasUsed };
  };

  // The SDK's default gas model is a guess before calibration: the node's estimate of a sample batch corrects its
  // gas per trade (only upwards; an error in the fixed part lands on the trades, so batches come out smaller).
  const sample = { cycle, firstTradeId, trades: trades.slice(0, 2_000) };
  const sampleModel = defaultGasModel(batchCounts(sample, { instruments, holds: () => true }));
  const sampleGas = Number(await clearer.submitBatch.estimateGas(encodeBatch(sample)));
  const perTrade = Math.max(
    DEFAULT_GAS_COEFFICIENTS.trade,
    DEFAULT_GAS_COEFFICIENTS.trade + Math.ceil((sampleGas - sampleModel) / sample.trades.length),
  );
  // Every participant holds every asset before each batch: positions are rewrites.
  const sizing = {
    gasCeiling: GAS_CEILING_OSAKA,
    gasModel: linearGasModel({ trade: perTrade }),
    instruments,
    holds: () => true,
  };
  console.log(
    `  gas model: the SDK's defaults put a sample batch of ${grouped(sample.trades.length)} trades at ` +
      `${grouped(sampleModel)} gas, the node estimates ${grouped(sampleGas)}: ` +
      (perTrade === DEFAULT_GAS_COEFFICIENTS.trade
        ? "the defaults do not understate, the demo plans with them"
        : `the demo calibrates the model's gas per trade from ${DEFAULT_GAS_COEFFICIENTS.trade} to ${perTrade} ` +
          "(linearGasModel) before planning"),
  );
  console.log(
    `  ${grouped(trades.length)} trades of cycle ${cycle} (memberWorkload, seed ${NET_SEED}: ${NET_PARTICIPANTS} ` +
      `participants and ${terms.length} instruments drawn Zipf(1.1)), ids ${firstTradeId}…${firstTradeId + BigInt(trades.length) - 1n}`,
  );
  const settled: { batchNo: bigint; root: string; batch: PlannedBatch }[] = [];
  let gas = 0n;
  let positions = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const batch of planBatches(trades, cycle, sizing)) {
    const result = await submit(encodeBatch(batch));
    settled.push({ ...result, batch });
    gas += result.gas;
    const { counts } = batch;
    positions += counts.positions + counts.cashPositions;
    console.log(
      `  batch #${result.batchNo}: ${grouped(counts.trades)} trades, ${counts.participants} participants, ` +
        `${counts.positions} positions + ${counts.cashPositions} cash positions, ${grouped(result.gas)} gas ` +
        `(SDK's estimate ${grouped(batch.gas)}), root ${result.root.slice(0, 10)}…`,
    );
  }
  const elapsed = (performance.now() - started) / 1_000;
  const { user, system } = process.cpuUsage(cpu);
  const cpuSeconds = (user + system) / 1e6;
  console.log(
    `  trades ${grouped(trades.length)}, batches ${settled.length} (sized by planBatches under ` +
      `${grouped(GAS_CEILING_OSAKA)} gas, each pre-checked by precheckBatch), gas per trade ` +
      `${grouped(Math.round(Number(gas) / trades.length))}, positions written ${positions} ` +
      `(${(positions / trades.length).toFixed(4)} a trade)`,
  );
  console.log(
    `  elapsed ${elapsed.toFixed(1)} s from planning and encoding to the last receipt, pre-checks included: ` +
      `${grouped(Math.round(trades.length / elapsed))} trades/s on the embedded network (the process used ` +
      `${cpuSeconds.toFixed(1)} s of CPU: ${grouped(Math.round(trades.length / cpuSeconds))} trades per CPU second)`,
  );

  /** Every participant's balance of every asset against `expected`: the mismatches. */
  const mismatches = async (expected: Balances): Promise<string[]> => {
    const out: string[] = [];
    for (const asset of assets) {
      const balances = await Promise.all(wallets.map((wallet) => asset.token.balanceOf(wallet)));
      balances.forEach((balance, i) => {
        const want = expected.get(asset.address.toLowerCase())?.get(firstParticipant + i) ?? 0n;
        if (balance !== want) out.push(`participant ${firstParticipant + i} ${asset.name}: ${balance} ≠ ${want}`);
      });
    }
    return out;
  };
  const wrong = await mismatches(model);
  if (wrong.length > 0) throw new Error(`balances differ from the SDK's model: ${wrong.join("; ")}`);
  console.log(
    `  every participant's final balance equals the SDK's model (applyGross, the trades one by one): ` +
      `${NET_PARTICIPANTS * assets.length} of ${NET_PARTICIPANTS * assets.length} balances ` +
      `(${NET_PARTICIPANTS} participants × ${assets.map((a) => a.name).join(", ")})`,
  );
  const busiest = firstParticipant;
  console.log(
    `  e.g. participant ${busiest} (the busiest): ` +
      assets
        .map((a) => {
          const key = a.address.toLowerCase();
          return `${a.show(opening.get(key)!.get(busiest)!)} → ${a.show(model.get(key)!.get(busiest)!)}`;
        })
        .join(", "),
  );

  chapter("The regulator audits one trade of the cycle against its batch's commitment");
  const tradeId = firstTradeId + BigInt(Math.floor(NET_TRADES * 0.6) + 7);
  const holder = settled.find(({ batch }) => tradeId - batch.firstTradeId < BigInt(batch.trades.length))!;
  const proof = tradeProof(holder.batch.trades, Number(tradeId - holder.batch.firstTradeId));
  const stored = (await net.batchOf(exchange.address, holder.batchNo)).root;
  const { trade } = proof;
  const asset = assets.find((a) => a.address === instruments.get(trade.instrument)!.token)!;
  console.log(
    `  trade #${tradeId}: participant ${trade.buyer} buys ${trade.quantity} lots of ${asset.name} from participant ` +
      `${trade.seller} at ${trade.price} ticks; the exchange hands the regulator its proof (tradeProof: ` +
      `${proof.proof.length} hashes)`,
  );
  const verify = (t: typeof trade, p: string[]) =>
    net.connect(regulator).verifyTrade(exchange.address, holder.batchNo, t, p);
  const proven = await verify(trade, proof.proof);
  console.log(
    `  trade #${tradeId} in batch ${holder.batchNo}: ${proven ? "proven" : "NOT proven"} (verifyTrade, a view the ` +
      `regulator calls), root ${proof.root}${proof.root === stored ? ", the root stored on chain" : " ≠ stored " + stored}`,
  );
  const altered = { ...trade, quantity: trade.quantity + 1 };
  const forged = [...proof.proof];
  forged[0] = ethers.toBeHex(BigInt(forged[0]) ^ 1n, 32);
  console.log(
    `  tampered: the trade with ${altered.quantity} lots instead of ${trade.quantity} — ` +
      `${(await verify(altered, proof.proof)) ? "accepted (!)" : "refused"}; its proof with one bit of a hash flipped — ` +
      `${(await verify(trade, forged)) ? "accepted (!)" : "refused"}`,
  );

  chapter("A batch naming a frozen participant is refused whole; the SDK explains it and settles the rest");
  const frozenIndex = firstParticipant + 2;
  await (await equity.connect(exchange).setAddressFrozen(walletOf(frozenIndex), true)).wait();
  console.log(
    `  the exchange, the equity's agent, freezes participant ${frozenIndex}'s wallet ${walletOf(frozenIndex)}`,
  );
  const next = { cycle: cycle + 1, firstTradeId: later[0].tradeId, trades: later };
  const verdict = await precheckBatch(clearer, next);
  if (verdict.ok) throw new Error("the pre-check accepts a batch naming a frozen participant");
  const { failure } = verdict; // netFailureOf: NetTradeFailed decoded
  console.log(
    `  cycle ${next.cycle}'s batch of ${grouped(later.length)} trades, pre-checked: ` +
      `${failure.error?.name}(trade ${failure.tradeIndex}, participant ${failure.participant}, token ` +
      `${failure.token} (${assets.find((a) => a.address === failure.token)?.name ?? "?"}), code ${failure.code})`,
  );
  console.log(`  the SDK's reading (netFailureOf): ${failure.sentence}`);
  const split = await splitAroundFailures(clearer, next, { participants: walletOf, instruments });
  const left = await submit(split.bytes!);
  console.log(
    `  splitAroundFailures leaves out the ${split.excluded.length} trades of participant ${frozenIndex}'s ` +
      `${shareSymbol} position (${split.rounds} pre-checks); the other ${grouped(split.included.length)} settle as ` +
      `batch #${left.batchNo} (${grouped(left.gas)} gas), the left-out ones wait for a later batch`,
  );
  applyGross(model, split.batch!.trades, instruments);
  const still = await mismatches(model);
  if (still.length > 0) throw new Error(`balances differ from the SDK's model: ${still.join("; ")}`);
  console.log(`  every balance still equals the SDK's model with those trades left out`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
