/**
 * `npm run demo`: the AssetLedger core on the embedded Hardhat network, as a story. The alliance deploys its core
 * from `deploy/` (roles from config/roles.ts), members join, a KYC provider registers two investors, a regulator
 * sets an asset's rules, and a transfer that a rule blocks is explained. Then the settlement coin: a custodian bank
 * joins and attests the reserves, the issuer becomes the coin's issuing bank (its master-minter call waits out the
 * authority's delay), mints to alice, alice pays bob by a signed authorization a relayer submits, bob redeems, and
 * a mint beyond the reserves is refused.
 */
import { deployments, ethers, getNamedAccounts } from "hardhat";
import type { BaseContract } from "ethers";
import type { AccessManager, Compliance, IdentityRegistry, MemberRegistry, SettlementCoin } from "../typechain-types";
import { coinIssuerRoles, memberRoleExecutionDelay } from "../config/roles";
import { grantMemberRoles, seatMember } from "./lib/members";
import { Claim, claimNames, claimsOf } from "../sdk/claims";
import { describeExplanation } from "../sdk/restrictions";
import {
  authorization,
  authorizationArgs,
  domainOf,
  signAuthorization,
  TRANSFER_WITH_AUTHORIZATION_VRS,
} from "../sdk/signatures";

const YEAR = 365 * 24 * 3_600;
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
  const rules = {
    requiredClaims: claimsOf([Claim.PROFESSIONAL]),
    lockupUntil: 0,
    maxInvestors: 0,
    windowOpen: 0,
    windowClose: 0,
    tradingDays: 0,
    countryAllowList: true,
    countryBlockList: false,
    maxBalance: false,
  };
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
  console.log("\nDemo complete.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
