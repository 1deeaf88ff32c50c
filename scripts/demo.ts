/**
 * `npm run demo`: the AssetLedger core on the embedded Hardhat network, as a story. The alliance deploys its core
 * from `deploy/` (roles from config/roles.ts), members join, a KYC provider registers two investors, a regulator
 * sets an asset's rules, and a transfer that a rule blocks is explained.
 */
import { deployments, ethers, getNamedAccounts } from "hardhat";
import type { AccessManager, Compliance, IdentityRegistry, MemberRegistry } from "../typechain-types";
import { memberKindRoles, Role } from "../config/roles";
import { Claim, claimNames, claimsOf } from "../sdk/claims";
import { describeExplanation } from "../sdk/restrictions";

const YEAR = 365 * 24 * 3_600;
const MemberKind = { Exchange: 1, Issuer: 2, KycProvider: 5, Regulator: 7 } as const;
const country = { CN: 156, HK: 344, SG: 702, US: 840 } as const;

function chapter(title: string): void {
  console.log(`\n== ${title}`);
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
  for (const [name, contract] of Object.entries({ authority, members, identity, compliance })) {
    console.log(`  ${name.padEnd(10)} ${await contract.getAddress()}`);
  }

  const named = await getNamedAccounts();
  const signer = (name: string) => ethers.getSigner(named[name]);
  const [governor, kyc, exchange, issuer, regulator] = await Promise.all(
    ["governor", "kycProvider", "exchange", "issuer", "regulator"].map(signer),
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
    await (
      await members.connect(governor).admitMember(account.address, MemberKind[kind], name, ethers.id(name))
    ).wait();
    for (const role of memberKindRoles[kind]) {
      await (await members.connect(governor).grantMemberRole(account.address, Role[role], 0)).wait();
    }
    console.log(`  ${name} joins as ${kind}, holding ${memberKindRoles[kind].join(", ")}`);
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
    const data = (error as { data?: string }).data;
    const decoded = data ? identity.interface.parseError(data) : null;
    console.log(
      `  its registration is refused: ${decoded ? `${decoded.name}(${decoded.args.join(", ")})` : String(error)}`,
    );
  }
  await (await members.connect(governor).reinstateMember(kyc.address)).wait();
  const [canAgain] = await authority.canCall(
    kyc.address,
    await identity.getAddress(),
    identity.interface.getFunction("registerInvestor")!.selector,
  );
  console.log(`  reinstated, it may register again: ${canAgain}`);
  console.log("\nDemo complete.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
