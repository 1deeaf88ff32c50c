/**
 * Operator commands: a thin layer over the deployments, config/ and sdk/. Each prints what it did or found.
 *   npx hardhat roles:diff --network besu
 *   npx hardhat members:list
 *   npx hardhat member:admit --account 0x… --kind KycProvider --name "…" --lei 5493001KJTIIGC8Y1R12
 *   npx hardhat investor:register --investor client-42 --country 156 --claims KYC,AML --days 365 --wallets 0x…,0x…
 *   npx hardhat transfer:explain --asset 0x… --from 0x… --to 0x… --amount 100
 * Issued assets (tasks/assets.ts): asset:list, register:export, product:upgrade, product:rollout.
 */
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Compliance, IdentityRegistry, MemberRegistry } from "../typechain-types";
import { isMemberKindName, MemberKind, MemberStatus } from "../sdk/members";
import "./assets";
import "./besu";
import "./operators";
import "./sdk";

/** The kinds a member can have, for help texts and errors. */
const KINDS = Object.keys(MemberKind).filter(isMemberKindName).join(", ");

async function contract<T>(hre: HardhatRuntimeEnvironment, name: string, signerName?: string): Promise<T> {
  const deployment = await hre.deployments.get(name);
  const named = await hre.getNamedAccounts();
  const signer = signerName ? await hre.ethers.getSigner(named[signerName] ?? signerName) : undefined;
  return (await hre.ethers.getContractAt(name, deployment.address, signer)) as unknown as T;
}

task(
  "roles:diff",
  "Lists what applying config/roles.ts would change on this network (nothing when in sync) — e.g. npx hardhat roles:diff --network besu",
).setAction(async (_args, hre) => {
  const { applyRoles } = await import("../scripts/lib/roles");
  const { deployer } = await hre.getNamedAccounts();
  const changes = await applyRoles(hre, { from: deployer, dryRun: true });
  if (changes.length === 0) console.log("The authority matches config/roles.ts.");
  for (const change of changes) console.log(`${change.action} ${change.detail}`);
  return changes;
});

task(
  "members:list",
  "Lists the alliance's members with their kind, status and roles — e.g. npx hardhat members:list --network besu",
).setAction(async (_args, hre) => {
  const { Role } = await import("../config/roles");
  const members = await contract<MemberRegistry>(hre, "MemberRegistry");
  const names = Object.entries(Role);
  const rows = [];
  for (let i = 0n; i < (await members.memberCount()); i++) {
    const account = await members.memberAt(i);
    const member = await members.memberOf(account);
    const roles = names.filter(([, id]) => id < 64n && (member.roles >> id) & 1n).map(([name]) => name);
    rows.push({
      account,
      name: member.name,
      kind: MemberKind[Number(member.kind)],
      status: MemberStatus[Number(member.status)],
      roles: roles.join(" "),
    });
  }
  console.table(rows);
  return rows;
});

task(
  "member:admit",
  'Admits a member and grants it the roles of its kind (config/roles.ts) — e.g. npx hardhat member:admit --account 0x… --kind KycProvider --name "KYC Co" --lei 5493001KJTIIGC8Y1R12',
)
  .addParam("account", "the member's account")
  .addParam("kind", `one of ${KINDS}`)
  .addParam("name", "display name")
  .addParam("lei", "the member's LEI (only its hash goes on chain)")
  .addOptionalParam("from", "the governor's named account or address", "governor")
  .setAction(async (args: { account: string; kind: string; name: string; lei: string; from: string }, hre) => {
    const { seatMember } = await import("../scripts/lib/members");
    if (!isMemberKindName(args.kind)) {
      throw new Error(`unknown member kind ${args.kind}: use one of ${KINDS}`);
    }
    const members = await contract<MemberRegistry>(hre, "MemberRegistry", args.from);
    const leiHash = hre.ethers.id(args.lei.trim().toUpperCase());
    const roles = await seatMember(members, args.account, args.kind, args.name, { leiHash });
    console.log(`${args.name} (${args.account}) admitted as ${args.kind}: ${roles.join(", ")}`);
  });

task(
  "investor:register",
  "Registers an investor with its wallets (as a KYC provider) — e.g. npx hardhat investor:register --investor client-42 --country 344 --claims KYC,AML --days 365 --wallets 0x…",
)
  .addParam("investor", "the KYC provider's reference for the investor (hashed into the on-chain id)")
  .addParam("country", "ISO 3166-1 numeric country code", undefined, types.int)
  .addParam("claims", "comma-separated claim names from sdk/claims.ts, e.g. KYC,AML,PROFESSIONAL")
  .addParam("days", "days until the attestation expires", undefined, types.int)
  .addOptionalParam("wallets", "comma-separated wallet addresses", "")
  .addOptionalParam("from", "the KYC provider's named account or address", "kycProvider")
  .setAction(
    async (
      args: { investor: string; country: number; claims: string; days: number; wallets: string; from: string },
      hre,
    ) => {
      const { Claim, claimsOf } = await import("../sdk/claims");
      const claims = args.claims.split(",").map((name) => {
        const claim = Claim[name.trim() as keyof typeof Claim];
        if (claim === undefined) throw new Error(`unknown claim ${name}: see sdk/claims.ts`);
        return claim;
      });
      const identity = await contract<IdentityRegistry>(hre, "IdentityRegistry", args.from);
      const id = hre.ethers.id(args.investor);
      const latest = await hre.ethers.provider.getBlock("latest");
      const expiry = latest!.timestamp + args.days * 86_400;
      const wallets = args.wallets ? args.wallets.split(",").map((wallet) => hre.ethers.getAddress(wallet.trim())) : [];
      await (await identity.registerInvestor(id, args.country, claimsOf(claims), expiry, wallets)).wait();
      console.log(`investor ${id} registered with ${wallets.length} wallet(s), expiring at ${expiry}`);
      return id;
    },
  );

task(
  "transfer:explain",
  "Says whether the compliance pipeline allows a transfer, and why not — e.g. npx hardhat transfer:explain --asset 0x… --from 0x… --to 0x… --amount 100",
)
  .addParam("asset", "the asset's address")
  .addParam("from", "the sender (the zero address for a mint)")
  .addParam("to", "the recipient")
  .addParam("amount", "the amount in the asset's smallest unit")
  .setAction(async (args: { asset: string; from: string; to: string; amount: string }, hre) => {
    const { describeExplanation } = await import("../sdk/restrictions");
    const compliance = await contract<Compliance>(hre, "Compliance");
    const explanation = await compliance.explainTransfer(args.asset, args.from, args.to, BigInt(args.amount));
    const line = describeExplanation(explanation);
    console.log(line);
    return line;
  });
