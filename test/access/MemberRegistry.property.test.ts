import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { coreFixture, MemberKind } from "../fixtures/core";
import { memberKindRoles, Role } from "../../config/roles";
import { ProductType, productTarget } from "../../sdk/assets";
import type { AssetTargetMock } from "../../typechain-types";

/**
 * Random sequences of governance operations on a few accounts and roles, compared step by step with a TypeScript
 * model of the registry. After every step: I1 (each account holds each member-held role in the authority iff the
 * model says it is active with that role, with the recorded execution delay), I2 (memberCount and the member list
 * match the accounts with a record) and the on-chain records match the model. Rejected operations must revert
 * with exactly the error the model predicts.
 *
 * Around an asset (a registered stand-in whose `ping` is mapped to ASSET_AGENT and `pong` to ASSET_ISSUER, issued
 * by alice, a pool member) the sequences also appoint agents and hand the asset to a new issuer, and after every
 * step the agents and the issuer call the asset: each call succeeds iff the model says the caller holds the role
 * in the asset's current tenure and neither it nor the issuer is a suspended or removed member (IAllianceAuthority
 * A5–A7, IMemberRegistry I4: the authority's flag equals "suspended or removed").
 */

const Status = { None: 0n, Active: 1n, Suspended: 2n, Removed: 3n } as const;
type StatusValue = (typeof Status)[keyof typeof Status];

interface ModelMember {
  status: StatusValue;
  kind: number;
  /** Role id → execution delay. */
  roles: Map<bigint, number>;
}

/**
 * Indexes into the account pool: three newcomers and one seated member (the exchange); the stranger, never
 * admitted, only takes part as an asset agent.
 */
const POOL = ["alice", "bob", "carol", "exchange"] as const;
const ASSET_POOL = [...POOL, "stranger"] as const;
/** Member-held roles the sequences use and watch, plus GOVERNOR, which the registry must refuse to grant. */
const MEMBER_ROLES: bigint[] = [Role.CUSTODIAN, Role.AUDITOR, Role.MARKET_SUPERVISOR, Role.EXCHANGE];
const ROLES = [...MEMBER_ROLES, Role.GOVERNOR];
const REASON = ethers.id("property");
const LEI = ethers.id("LEI:property");

type Op =
  | { type: "admit"; who: number; kind: number }
  | { type: "update"; who: number }
  | { type: "grant"; who: number; role: number; delay: number }
  | { type: "revoke"; who: number; role: number }
  | { type: "suspend"; who: number }
  | { type: "reinstate"; who: number }
  | { type: "remove"; who: number }
  | { type: "appoint"; who: number }
  | { type: "handover"; who: number };

const who = fc.integer({ min: 0, max: POOL.length - 1 });
const role = fc.integer({ min: 0, max: ROLES.length - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("admit" as const),
      who,
      kind: fc.constantFrom(MemberKind.None, MemberKind.Custodian, MemberKind.Auditor),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("update" as const), who }) },
  {
    weight: 4,
    arbitrary: fc.record({ type: fc.constant("grant" as const), who, role, delay: fc.constantFrom(0, 3_600) }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("revoke" as const), who, role }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("suspend" as const), who }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("reinstate" as const), who }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("remove" as const), who }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("appoint" as const),
      who: fc.integer({ min: 0, max: ASSET_POOL.length - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("handover" as const), who }) },
);

/**
 * Sequences open by admitting two or three of the newcomers, so that most later operations meet members, then mix
 * every operation (invalid ones included) on the whole pool.
 */
const admissions = fc.uniqueArray(
  fc.record({
    type: fc.constant("admit" as const),
    who: fc.integer({ min: 0, max: 2 }),
    kind: fc.constantFrom(MemberKind.Custodian, MemberKind.Auditor),
  }),
  { minLength: 2, maxLength: 3, selector: (op) => op.who },
);
const sequenceArbitrary: fc.Arbitrary<Op[]> = fc
  .tuple(admissions, fc.array(opArbitrary, { minLength: 8, maxLength: 12, size: "max" }))
  .map(([opening, rest]) => [...opening, ...rest]);

/** The asset around which the sequences run: its issuer and the agents appointed in its current tenure. */
interface ModelAsset {
  issuer: string;
  agents: Set<string>;
}

/** Whether the authority must flag `account` (I4): a suspended or removed member; unknown accounts never are. */
function flagged(model: Map<string, ModelMember>, account: string): boolean {
  const status = model.get(account)?.status;
  return status === Status.Suspended || status === Status.Removed;
}

/** The authority's error for an asset operation, undefined when it must succeed (or change nothing). */
function expectedAssetError(
  model: Map<string, ModelMember>,
  asset: ModelAsset,
  account: string,
  op: Op,
): [string, unknown[]] | undefined {
  if (op.type === "appoint") {
    if (flagged(model, asset.issuer)) return ["AllianceAuthoritySuspendedMember", [asset.issuer]];
  }
  if (op.type === "handover" && account !== asset.issuer && flagged(model, account)) {
    return ["AllianceAuthoritySuspendedMember", [account]];
  }
  return undefined;
}

/** The error the registry must revert with for `op` in `state`, or undefined when `op` must succeed. */
function expectedError(member: ModelMember, account: string, op: Op): [string, unknown[]] | undefined {
  const { status } = member;
  const unknown: [string, unknown[]] = ["MemberRegistryUnknownMember", [account]];
  const unexpected = (expected: StatusValue): [string, unknown[]] => [
    "MemberRegistryUnexpectedStatus",
    [account, status, expected],
  ];
  const current = status === Status.Active || status === Status.Suspended;
  switch (op.type) {
    case "admit":
      if (op.kind === MemberKind.None) return ["MemberRegistryInvalidKind", [MemberKind.None]];
      if (current) return ["MemberRegistryAlreadyMember", [account, status]];
      return undefined;
    case "update":
      if (status === Status.None) return unknown;
      if (!current) return unexpected(Status.Active);
      return undefined;
    case "grant": {
      const roleId = ROLES[op.role];
      if (!MEMBER_ROLES.includes(roleId)) return ["MemberRegistryInvalidRole", [roleId]];
      if (status === Status.None) return unknown;
      if (status !== Status.Active) return unexpected(Status.Active);
      if (member.roles.has(roleId)) return ["MemberRegistryRoleAlreadyGranted", [account, roleId]];
      return undefined;
    }
    case "revoke": {
      const roleId = ROLES[op.role];
      if (status === Status.None) return unknown;
      if (!current) return unexpected(Status.Active);
      if (!member.roles.has(roleId)) return ["MemberRegistryRoleNotGranted", [account, roleId]];
      return undefined;
    }
    case "suspend":
      if (status === Status.None) return unknown;
      if (status !== Status.Active) return unexpected(Status.Active);
      return undefined;
    case "reinstate":
      if (status === Status.None) return unknown;
      if (status !== Status.Suspended) return unexpected(Status.Suspended);
      return undefined;
    case "remove":
      if (status === Status.None) return unknown;
      if (!current) return unexpected(Status.Active);
      return undefined;
    case "appoint":
    case "handover":
      return undefined;
  }
}

/** Applies a successful `op` to the model. */
function applyToModel(model: Map<string, ModelMember>, list: string[], account: string, op: Op) {
  const member = model.get(account)!;
  switch (op.type) {
    case "admit":
      if (member.status === Status.None) list.push(account);
      member.status = Status.Active;
      member.kind = op.kind;
      break;
    case "update":
      break;
    case "grant":
      member.roles.set(ROLES[op.role], op.delay);
      break;
    case "revoke":
      member.roles.delete(ROLES[op.role]);
      break;
    case "suspend":
      member.status = Status.Suspended;
      break;
    case "reinstate":
      member.status = Status.Active;
      break;
    case "remove":
      member.status = Status.Removed;
      member.roles.clear();
      break;
    case "appoint":
    case "handover":
      break;
  }
}

/** The core, plus the asset stand-in registered as a Bond issued by alice. */
async function assetFixture() {
  const { accounts, contracts } = await coreFixture();
  const { authority } = contracts;
  const admin = authority.connect(accounts.deployer);
  const asset = (await ethers.deployContract("AssetTargetMock", [
    await authority.getAddress(),
  ])) as unknown as AssetTargetMock;
  const target = productTarget(ProductType.Bond);
  await admin.setTargetFunctionRole(target, [asset.interface.getFunction("ping").selector], Role.ASSET_AGENT);
  await admin.setTargetFunctionRole(target, [asset.interface.getFunction("pong").selector], Role.ASSET_ISSUER);
  await admin.grantRole(Role.ASSET_FACTORY, accounts.deployer.address, 0);
  await admin.registerAsset(asset, ProductType.Bond, accounts.alice.address);
  return { accounts, contracts, asset };
}

describe("MemberRegistry properties", function () {
  it("keeps I1, I2 and I4, matches the model and ends asset powers with membership through random sequences", async function () {
    await fc.assert(
      fc.asyncProperty(sequenceArbitrary, async (ops) => {
        const { accounts, contracts, asset } = await loadFixture(assetFixture);
        const { authority } = contracts;
        const modelAsset: ModelAsset = { issuer: accounts.alice.address, agents: new Set() };
        const signerOf = new Map(ASSET_POOL.map((name) => [accounts[name].address, accounts[name]]));
        const members = contracts.members.connect(accounts.governor);
        const addresses = POOL.map((name) => accounts[name].address);

        const model = new Map<string, ModelMember>();
        for (const account of addresses) model.set(account, { status: Status.None, kind: 0, roles: new Map() });
        model.set(accounts.exchange.address, {
          status: Status.Active,
          kind: MemberKind.Exchange,
          // The roles its kind is seated with (config/roles.ts `memberKindRoles.Exchange`).
          roles: new Map(memberKindRoles.Exchange.map((name): [bigint, number] => [Role[name], 0])),
        });
        const list = [
          accounts.kycProvider,
          accounts.exchange,
          accounts.issuer,
          accounts.regulator,
          accounts.custodian,
          accounts.gateway,
        ].map((signer) => signer.address);

        for (const op of ops) {
          const account = op.type === "appoint" ? accounts[ASSET_POOL[op.who]].address : addresses[op.who];
          const member = model.get(account) ?? { status: Status.None, kind: 0, roles: new Map() };
          let tx: Promise<unknown>;
          switch (op.type) {
            case "admit":
              tx = members.admitMember(account, op.kind, `member ${op.who}`, LEI);
              break;
            case "update":
              tx = members.updateMember(account, `renamed ${op.who}`, LEI);
              break;
            case "grant":
              tx = members.grantMemberRole(account, ROLES[op.role], op.delay);
              break;
            case "revoke":
              tx = members.revokeMemberRole(account, ROLES[op.role]);
              break;
            case "suspend":
              tx = members.suspendMember(account, REASON);
              break;
            case "reinstate":
              tx = members.reinstateMember(account);
              break;
            case "remove":
              tx = members.removeMember(account, REASON);
              break;
            case "appoint":
              tx = authority
                .connect(signerOf.get(modelAsset.issuer)!)
                .setAssetRole(asset, Role.ASSET_AGENT, account, true);
              break;
            case "handover":
              tx = authority.connect(accounts.governor).setAssetIssuer(asset, account);
              break;
          }
          const assetOp = op.type === "appoint" || op.type === "handover";
          const error = assetOp
            ? expectedAssetError(model, modelAsset, account, op)
            : expectedError(member, account, op);
          if (error) {
            await expect(tx, JSON.stringify(op))
              .to.be.revertedWithCustomError(assetOp ? authority : members, error[0])
              .withArgs(...error[1]);
          } else {
            await expect(tx, JSON.stringify(op)).not.to.be.reverted;
            if (op.type === "appoint") modelAsset.agents.add(account);
            else if (op.type === "handover" && account !== modelAsset.issuer) {
              modelAsset.issuer = account;
              modelAsset.agents.clear();
            } else applyToModel(model, list, account, op);
          }

          // I4 and A5–A7: the flags follow the statuses, and every appointee and the issuer call the asset with
          // the model's verdict; the other accounts are asked through canCall.
          const issuerActive = !flagged(model, modelAsset.issuer);
          for (const [address, signer] of signerOf) {
            const step = `${address} after ${JSON.stringify(op)}`;
            expect(await authority.isMemberSuspended(address), `I4: ${step}`).to.equal(flagged(model, address));
            const mayPing = issuerActive && modelAsset.agents.has(address) && !flagged(model, address);
            const mayPong = issuerActive && address === modelAsset.issuer;
            if (modelAsset.agents.has(address)) {
              const ping = asset.connect(signer).ping();
              if (mayPing) await expect(ping, `ping: ${step}`).to.emit(asset, "Pinged");
              else
                await expect(ping, `ping: ${step}`).to.be.revertedWithCustomError(asset, "AccessManagedUnauthorized");
            } else {
              const [allowed] = await authority.canCall(address, asset, asset.interface.getFunction("ping").selector);
              expect(allowed, `ping: ${step}`).to.equal(false);
            }
            if (address === modelAsset.issuer) {
              const pong = asset.connect(signer).pong();
              if (mayPong) await expect(pong, `pong: ${step}`).to.emit(asset, "Ponged");
              else
                await expect(pong, `pong: ${step}`).to.be.revertedWithCustomError(asset, "AccessManagedUnauthorized");
            } else {
              const [allowed] = await authority.canCall(address, asset, asset.interface.getFunction("pong").selector);
              expect(allowed, `pong: ${step}`).to.equal(false);
            }
          }

          // I1: the authority grants exactly the model's roles of active members, with the recorded delays.
          const pairs = addresses.flatMap((address) => MEMBER_ROLES.map((roleId) => [roleId, address] as const));
          const held = await authority.multicall.staticCall(
            pairs.map(([roleId, address]) => authority.interface.encodeFunctionData("hasRole", [roleId, address])),
          );
          pairs.forEach(([roleId, address], i) => {
            const [isMember, executionDelay] = authority.interface.decodeFunctionResult("hasRole", held[i]);
            const expected = model.get(address)!;
            const holds = expected.status === Status.Active && expected.roles.has(roleId);
            expect(isMember, `I1: role ${roleId} of ${address} after ${JSON.stringify(op)}`).to.equal(holds);
            if (holds) expect(executionDelay).to.equal(BigInt(expected.roles.get(roleId)!));
          });

          // I2: one list entry per account with a record, in order of first admission.
          expect(await members.memberCount(), "I2").to.equal(BigInt(list.length));
          for (const [i, address] of list.entries()) expect(await members.memberAt(i)).to.equal(address);

          // The records follow the model.
          for (const address of addresses) {
            const expected = model.get(address)!;
            const record = await members.memberOf(address);
            expect(record.status).to.equal(expected.status);
            expect(record.kind).to.equal(BigInt(expected.kind));
            const bitmap = [...expected.roles.keys()].reduce((acc, roleId) => acc | (1n << roleId), 0n);
            expect(record.roles).to.equal(bitmap);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
