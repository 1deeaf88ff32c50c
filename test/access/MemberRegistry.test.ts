import { expect } from "chai";
import { deployments, ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { coreFixture, MemberKind, type Accounts } from "../fixtures/core";
import { memberRoleExecutionDelay, Role } from "../../config/roles";
import type { AccessManager, MemberRegistry, RestrictedTargetMock } from "../../typechain-types";
import type { IMemberRegistry } from "../../typechain-types/contracts/access/MemberRegistry";

/** Values of IMemberRegistry.MemberStatus. */
const MemberStatus = { None: 0n, Active: 1n, Suspended: 2n, Removed: 3n } as const;

const HOUR = 3_600;
const DAY = 24 * HOUR;
const MAX_NAME_LENGTH = 64n;
/** A role id nobody configured: its admin is ADMIN until a test makes it member-held. */
const HIGHEST_ROLE = 63n;
const REASON = ethers.id("decision:2025-007");
const NAME = "Alice Custody AG";
const LEI = ethers.id("LEI:529900T8BM49AURSDO55");

/** Member-held roles the tests watch in the authority (config/roles.ts), plus the highest id the bitmap holds. */
const WATCHED_ROLES = [
  Role.COMPLIANCE_ADMIN,
  Role.MARKET_SUPERVISOR,
  Role.EXCHANGE,
  Role.ISSUER,
  Role.CUSTODIAN,
  Role.PAYMENT_GATEWAY,
  Role.KYC_PROVIDER,
  Role.AUDITOR,
  Role.REGULATOR,
  HIGHEST_ROLE,
];

/** Accounts without GOVERNOR: each must be refused by every governance function. */
const OUTSIDERS = ["alice", "stranger", "kycProvider", "exchange", "issuer", "regulator"] as const;

const bit = (roleId: bigint) => 1n << roleId;
const bits = (...roleIds: bigint[]) => roleIds.reduce((acc, roleId) => acc | bit(roleId), 0n);

/**
 * The registry as the core fixture seats it, connected as the governor. Every test starts from
 * `loadFixture(coreFixture)` and sets up anything more (alice admitted, suspended, removed…) on top.
 */
async function registry() {
  const { accounts, contracts } = await loadFixture(coreFixture);
  return { accounts, authority: contracts.authority, members: contracts.members.connect(accounts.governor) };
}

/** A contract whose `ping()` the authority guards with `roleId` (set by the deployer, the authority's admin). */
async function guardedTarget({ accounts, authority }: Context, roleId: bigint): Promise<RestrictedTargetMock> {
  const target = await ethers.deployContract("RestrictedTargetMock", [await authority.getAddress()], accounts.deployer);
  const ping = target.interface.getFunction("ping").selector;
  await authority.connect(accounts.deployer).setTargetFunctionRole(await target.getAddress(), [ping], roleId);
  return target as unknown as RestrictedTargetMock;
}

type Context = Awaited<ReturnType<typeof registry>>;

/** Alice admitted as a custodian holding CUSTODIAN (no delay), AUDITOR (1 h) and role 63 (2 h, made member-held). */
async function withAlice(): Promise<Context> {
  const ctx = await registry();
  const { accounts, authority, members } = ctx;
  await authority.connect(accounts.deployer).setRoleAdmin(HIGHEST_ROLE, Role.MEMBERSHIP);
  await members.admitMember(accounts.alice.address, MemberKind.Custodian, NAME, LEI);
  await members.grantMemberRole(accounts.alice.address, Role.CUSTODIAN, 0);
  await members.grantMemberRole(accounts.alice.address, Role.AUDITOR, HOUR);
  await members.grantMemberRole(accounts.alice.address, HIGHEST_ROLE, 2 * HOUR);
  return ctx;
}
const ALICE_ROLES: [bigint, number][] = [
  [Role.CUSTODIAN, 0],
  [Role.AUDITOR, HOUR],
  [HIGHEST_ROLE, 2 * HOUR],
];

/** The alice setup with alice suspended. */
async function withSuspendedAlice(): Promise<Context> {
  const ctx = await withAlice();
  await ctx.members.suspendMember(ctx.accounts.alice.address, REASON);
  return ctx;
}

/** The alice setup with alice removed. */
async function withRemovedAlice(): Promise<Context> {
  const ctx = await withAlice();
  await ctx.members.removeMember(ctx.accounts.alice.address, REASON);
  return ctx;
}

/** A member record's fields, in the order IMemberRegistry.Member declares them. */
function fieldsOf(record: IMemberRegistry.MemberStructOutput) {
  return [record.kind, record.status, record.roles, record.admittedAt, record.leiHash, record.name];
}

/** Everything the registry and the authority say about the watched accounts and roles. */
async function snapshot({ accounts, authority, members }: Context) {
  const watched = [
    accounts.alice,
    accounts.bob,
    accounts.stranger,
    accounts.kycProvider,
    accounts.exchange,
    accounts.issuer,
    accounts.regulator,
  ];
  const count = await members.memberCount();
  const list: string[] = [];
  for (let i = 0n; i < count; i++) list.push(await members.memberAt(i));
  const pairs = watched.flatMap((signer) => WATCHED_ROLES.map((roleId) => [roleId, signer.address] as const));
  // One call for every (role, account) pair the authority knows (AccessManager is Multicall).
  const held = await authority.multicall.staticCall(
    pairs.map(([roleId, account]) => authority.interface.encodeFunctionData("hasRole", [roleId, account])),
  );
  const records = await Promise.all(
    watched.map(async (signer) => ({
      account: signer.address,
      record: fieldsOf(await members.memberOf(signer.address)),
      delays: await Promise.all(WATCHED_ROLES.map((roleId) => members.executionDelayOf(signer.address, roleId))),
    })),
  );
  return { count, list, records, held };
}

/** Asserts `call` reverts for an account lacking GOVERNOR, once per outsider. */
function itRejectsOutsiders(
  fixture: () => Promise<Context>,
  call: (members: MemberRegistry, accounts: Accounts) => Promise<unknown>,
) {
  for (const name of OUTSIDERS) {
    it(`reverts with AccessManagedUnauthorized when called by ${name}`, async () => {
      const ctx = await fixture();
      const caller = ctx.accounts[name];
      const before = await snapshot(ctx);
      await expect(call(ctx.members.connect(caller), ctx.accounts))
        .to.be.revertedWithCustomError(ctx.members, "AccessManagedUnauthorized")
        .withArgs(caller.address);
      expect(await snapshot(ctx)).to.deep.equal(before);
    });
  }
}

/** Asserts the authority grants `account` exactly the given roles with the given delays (I1). */
async function expectAuthorityRoles(authority: AccessManager, account: string, held: [bigint, number][]) {
  const delays = new Map(held.map(([roleId, delay]) => [roleId, BigInt(delay)]));
  for (const roleId of WATCHED_ROLES) {
    const [isMember, executionDelay] = await authority.hasRole(roleId, account);
    expect(isMember, `role ${roleId}`).to.equal(delays.has(roleId));
    if (delays.has(roleId)) {
      expect(executionDelay, `delay of role ${roleId}`).to.equal(delays.get(roleId));
      const [since, currentDelay, , effect] = await authority.getAccess(roleId, account);
      expect(since).to.be.greaterThan(0n);
      expect(currentDelay).to.equal(delays.get(roleId));
      expect(effect).to.equal(0n);
    }
  }
}

describe("MemberRegistry", function () {
  describe("deployment", function () {
    it("is governed by the alliance authority", async function () {
      const { authority, members } = await registry();
      expect(await members.authority()).to.equal(await authority.getAddress());
    });

    it("holds MEMBERSHIP in the authority, the admin of every member-held role", async function () {
      const { authority, members } = await registry();
      const [isMember, delay] = await authority.hasRole(Role.MEMBERSHIP, await members.getAddress());
      expect(isMember).to.equal(true);
      expect(delay).to.equal(0n);
      for (const roleId of WATCHED_ROLES.filter((r) => r !== HIGHEST_ROLE)) {
        expect(await authority.getRoleAdmin(roleId)).to.equal(Role.MEMBERSHIP);
      }
    });

    it("seats the core fixture's members through the registry, in admission order", async function () {
      const { accounts, authority, members } = await registry();
      const seated = [
        accounts.kycProvider,
        accounts.exchange,
        accounts.issuer,
        accounts.regulator,
        accounts.custodian,
        accounts.gateway,
      ];
      expect(await members.memberCount()).to.equal(6n);
      for (const [i, signer] of seated.entries()) {
        expect(await members.memberAt(i)).to.equal(signer.address);
        expect(await members.isActiveMember(signer.address)).to.equal(true);
      }
      await expectAuthorityRoles(authority, accounts.kycProvider.address, [[Role.KYC_PROVIDER, 0]]);
      await expectAuthorityRoles(authority, accounts.exchange.address, [
        [Role.EXCHANGE, 0],
        [Role.MARKET_SUPERVISOR, 0],
      ]);
      await expectAuthorityRoles(authority, accounts.issuer.address, [
        [Role.ISSUER, 0],
        [Role.MASTER_MINTER, memberRoleExecutionDelay.MASTER_MINTER!],
        [Role.MINTER, 0],
      ]);
      await expectAuthorityRoles(authority, accounts.regulator.address, [
        [Role.REGULATOR, 0],
        [Role.MARKET_SUPERVISOR, 0],
        [Role.COMPLIANCE_ADMIN, 0],
      ]);
      expect((await members.memberOf(accounts.regulator.address)).roles).to.equal(
        bits(Role.REGULATOR, Role.MARKET_SUPERVISOR, Role.COMPLIANCE_ADMIN, Role.COMPLIANCE_OFFICER),
      );
    });

    it("keeps its state at the ERC-7201 slot of assetledger.storage.MemberRegistry", async function () {
      const { members } = await registry();
      const inner = BigInt(ethers.id("assetledger.storage.MemberRegistry")) - 1n;
      const slot = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
      // Layout: members (slot), executionDelays (slot + 1), accounts (slot + 2: the array's length).
      const length = await ethers.provider.getStorage(await members.getAddress(), slot + 2n);
      expect(BigInt(length)).to.equal(await members.memberCount());
    });
  });

  describe("initialize", function () {
    context("when the proxy is already initialized", function () {
      it("reverts with InvalidInitialization", async function () {
        const { accounts, authority, members } = await registry();
        await expect(
          members.connect(accounts.stranger).initialize(accounts.stranger.address),
        ).to.be.revertedWithCustomError(members, "InvalidInitialization");
        expect(await members.authority()).to.equal(await authority.getAddress());
      });
    });

    context("when called on the implementation", function () {
      it("reverts with InvalidInitialization", async function () {
        const { accounts, authority, members } = await registry();
        const implementation = await ethers.getContractAt(
          "MemberRegistry",
          (await deployments.get("MemberRegistry_Implementation")).address,
        );
        await expect(
          implementation.connect(accounts.stranger).initialize(await authority.getAddress()),
        ).to.be.revertedWithCustomError(members, "InvalidInitialization");
        expect(await implementation.authority()).to.equal(ethers.ZeroAddress);
      });
    });

    context("when the authority has no code", function () {
      it("reverts with AccessManagedInvalidAuthority", async function () {
        const { accounts, members } = await registry();
        const implementation = (await deployments.get("MemberRegistry_Implementation")).address;
        const data = members.interface.encodeFunctionData("initialize", [accounts.alice.address]);
        const proxy = await ethers.getContractFactory("ERC1967Proxy", accounts.deployer);
        await expect(proxy.deploy(implementation, data))
          .to.be.revertedWithCustomError(members, "AccessManagedInvalidAuthority")
          .withArgs(accounts.alice.address);
      });
    });
  });

  describe("admitMember", function () {
    context("when the account never was a member", function () {
      it("admits it as an active member holding no role and emits MemberAdmitted", async function () {
        const { accounts, authority, members } = await registry();
        const { alice } = accounts;
        await expect(members.admitMember(alice.address, MemberKind.Custodian, NAME, LEI))
          .to.emit(members, "MemberAdmitted")
          .withArgs(alice.address, MemberKind.Custodian, LEI, NAME);
        const record = await members.memberOf(alice.address);
        expect(record.kind).to.equal(BigInt(MemberKind.Custodian));
        expect(record.status).to.equal(MemberStatus.Active);
        expect(record.roles).to.equal(0n);
        expect(record.admittedAt).to.equal(BigInt(await time.latest()));
        expect(record.leiHash).to.equal(LEI);
        expect(record.name).to.equal(NAME);
        expect(await members.isActiveMember(alice.address)).to.equal(true);
        expect(await members.isActiveMemberOfKind(alice.address, MemberKind.Custodian)).to.equal(true);
        expect(await members.isActiveMemberOfKind(alice.address, MemberKind.Exchange)).to.equal(false);
        await expectAuthorityRoles(authority, alice.address, []);
      });

      it("appends it to the member list", async function () {
        const { accounts, members } = await registry();
        await members.admitMember(accounts.alice.address, MemberKind.Custodian, NAME, LEI);
        await members.admitMember(accounts.bob.address, MemberKind.Auditor, "Bob Audit", LEI);
        expect(await members.memberCount()).to.equal(8n);
        expect(await members.memberAt(6)).to.equal(accounts.alice.address);
        expect(await members.memberAt(7)).to.equal(accounts.bob.address);
      });

      it("accepts a name of exactly 64 bytes, counting UTF-8 bytes", async function () {
        const { accounts, members } = await registry();
        const name = "é".repeat(32); // 2 bytes each
        await expect(members.admitMember(accounts.alice.address, MemberKind.Auditor, name, LEI))
          .to.emit(members, "MemberAdmitted")
          .withArgs(accounts.alice.address, MemberKind.Auditor, LEI, name);
        expect((await members.memberOf(accounts.alice.address)).name).to.equal(name);
      });
    });

    context("when the account was removed", function () {
      it("admits it again with its new details, no roles and no duplicate list entry", async function () {
        const { accounts, authority, members } = await withRemovedAlice();
        const { alice } = accounts;
        const count = await members.memberCount();
        const newLei = ethers.id("LEI:NEW");
        await time.increase(DAY);
        await expect(members.admitMember(alice.address, MemberKind.PaymentGateway, "Alice Pay", newLei))
          .to.emit(members, "MemberAdmitted")
          .withArgs(alice.address, MemberKind.PaymentGateway, newLei, "Alice Pay");
        const record = await members.memberOf(alice.address);
        expect(record.kind).to.equal(BigInt(MemberKind.PaymentGateway));
        expect(record.status).to.equal(MemberStatus.Active);
        expect(record.roles).to.equal(0n);
        expect(record.admittedAt).to.equal(BigInt(await time.latest()));
        expect(record.name).to.equal("Alice Pay");
        expect(record.leiHash).to.equal(newLei);
        expect(await members.memberCount()).to.equal(count);
        expect(await members.memberAt(6)).to.equal(alice.address);
        for (const [roleId] of ALICE_ROLES) expect(await members.executionDelayOf(alice.address, roleId)).to.equal(0n);
        await expectAuthorityRoles(authority, alice.address, []);
      });
    });

    context("when the account is the zero address", function () {
      it("reverts with MemberRegistryInvalidAccount", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ethers.ZeroAddress, MemberKind.Exchange, NAME, LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidAccount")
          .withArgs(ethers.ZeroAddress);
        expect(await snapshot(ctx)).to.deep.equal(before);
        expect((await ctx.members.memberOf(ethers.ZeroAddress)).status).to.equal(MemberStatus.None);
      });
    });

    context("when the kind is None", function () {
      it("reverts with MemberRegistryInvalidKind", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.None, NAME, LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidKind")
          .withArgs(MemberKind.None);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the kind is not a MemberKind", function () {
      it("reverts without a reason (ABI decoding)", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(
          ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Merchant + 1, NAME, LEI),
        ).to.be.revertedWithoutReason();
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the name is empty", function () {
      it("reverts with MemberRegistryInvalidName", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Auditor, "", LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidName")
          .withArgs(0n, MAX_NAME_LENGTH);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the name is longer than 64 bytes", function () {
      it("reverts with MemberRegistryInvalidName for 65 ASCII bytes", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Auditor, "a".repeat(65), LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidName")
          .withArgs(65n, MAX_NAME_LENGTH);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });

      it("reverts with MemberRegistryInvalidName for 33 two-byte characters", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Auditor, "é".repeat(33), LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidName")
          .withArgs(66n, MAX_NAME_LENGTH);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the LEI hash is zero", function () {
      it("reverts with MemberRegistryInvalidLeiHash", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(
          ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Auditor, NAME, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidLeiHash");
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the account is an active member", function () {
      it("reverts with MemberRegistryAlreadyMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.exchange.address, MemberKind.Issuer, NAME, LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryAlreadyMember")
          .withArgs(ctx.accounts.exchange.address, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the account is a suspended member", function () {
      it("reverts with MemberRegistryAlreadyMember", async function () {
        const ctx = await withSuspendedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Issuer, NAME, LEI))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryAlreadyMember")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Suspended);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(registry, (members, accounts) =>
        members.admitMember(accounts.bob.address, MemberKind.Exchange, NAME, LEI),
      );
    });
  });

  describe("updateMember", function () {
    const newName = "Alice Custody SE";
    const newLei = ethers.id("LEI:549300NEW");

    context("when the member is active", function () {
      it("changes its name and LEI hash only and emits MemberUpdated", async function () {
        const { accounts, members } = await withAlice();
        const before = await members.memberOf(accounts.alice.address);
        await expect(members.updateMember(accounts.alice.address, newName, newLei))
          .to.emit(members, "MemberUpdated")
          .withArgs(accounts.alice.address, newLei, newName);
        const after = await members.memberOf(accounts.alice.address);
        expect(after.name).to.equal(newName);
        expect(after.leiHash).to.equal(newLei);
        expect([after.kind, after.status, after.roles, after.admittedAt]).to.deep.equal([
          before.kind,
          before.status,
          before.roles,
          before.admittedAt,
        ]);
      });
    });

    context("when the member is suspended", function () {
      it("changes its name and LEI hash and keeps it suspended", async function () {
        const { accounts, authority, members } = await withSuspendedAlice();
        await expect(members.updateMember(accounts.alice.address, newName, newLei))
          .to.emit(members, "MemberUpdated")
          .withArgs(accounts.alice.address, newLei, newName);
        const after = await members.memberOf(accounts.alice.address);
        expect(after.name).to.equal(newName);
        expect(after.status).to.equal(MemberStatus.Suspended);
        await expectAuthorityRoles(authority, accounts.alice.address, []);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.updateMember(ctx.accounts.stranger.address, newName, newLei))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.updateMember(ctx.accounts.alice.address, newName, newLei))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the name is empty", function () {
      it("reverts with MemberRegistryInvalidName", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.updateMember(ctx.accounts.alice.address, "", newLei))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidName")
          .withArgs(0n, MAX_NAME_LENGTH);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the name is longer than 64 bytes", function () {
      it("reverts with MemberRegistryInvalidName", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.updateMember(ctx.accounts.alice.address, "x".repeat(100), newLei))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidName")
          .withArgs(100n, MAX_NAME_LENGTH);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the LEI hash is zero", function () {
      it("reverts with MemberRegistryInvalidLeiHash", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(
          ctx.members.updateMember(ctx.accounts.alice.address, newName, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidLeiHash");
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(withAlice, (members, accounts) => members.updateMember(accounts.alice.address, "x", LEI));
    });
  });

  describe("grantMemberRole", function () {
    async function withAdmittedAlice() {
      const ctx = await registry();
      await ctx.members.admitMember(ctx.accounts.alice.address, MemberKind.Custodian, NAME, LEI);
      return ctx;
    }

    context("when the member is active and the role member-held", function () {
      it("records the role, grants it in the authority and emits MemberRoleGranted", async function () {
        const { accounts, authority, members } = await withAdmittedAlice();
        const { alice } = accounts;
        const tx = members.grantMemberRole(alice.address, Role.CUSTODIAN, 0);
        await expect(tx).to.emit(members, "MemberRoleGranted").withArgs(alice.address, Role.CUSTODIAN, 0);
        await expect(tx).to.emit(authority, "RoleGranted").withArgs(Role.CUSTODIAN, alice.address, 0, anyValue, true);
        expect((await members.memberOf(alice.address)).roles).to.equal(bit(Role.CUSTODIAN));
        expect(await members.executionDelayOf(alice.address, Role.CUSTODIAN)).to.equal(0n);
        await expectAuthorityRoles(authority, alice.address, [[Role.CUSTODIAN, 0]]);
      });

      it("grants the role with the execution delay and records it", async function () {
        const { accounts, authority, members } = await withAdmittedAlice();
        const { alice } = accounts;
        await expect(members.grantMemberRole(alice.address, Role.AUDITOR, HOUR))
          .to.emit(members, "MemberRoleGranted")
          .withArgs(alice.address, Role.AUDITOR, HOUR);
        expect(await members.executionDelayOf(alice.address, Role.AUDITOR)).to.equal(BigInt(HOUR));
        await expectAuthorityRoles(authority, alice.address, [[Role.AUDITOR, HOUR]]);
      });

      it("adds each role to the bitmap, up to role id 63", async function () {
        const { accounts, authority, members } = await withAlice();
        expect((await members.memberOf(accounts.alice.address)).roles).to.equal(
          bits(Role.CUSTODIAN, Role.AUDITOR, HIGHEST_ROLE),
        );
        await expectAuthorityRoles(authority, accounts.alice.address, ALICE_ROLES);
      });
    });

    context("when the member's role guards a function", function () {
      it("lets the member call it, and nobody else", async function () {
        const ctx = await withAdmittedAlice();
        const { accounts, authority, members } = ctx;
        const target = await guardedTarget(ctx, Role.CUSTODIAN);
        const ping = target.interface.getFunction("ping").selector;
        await expect(target.connect(accounts.alice).ping())
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(accounts.alice.address);
        await members.grantMemberRole(accounts.alice.address, Role.CUSTODIAN, 0);
        await expect(target.connect(accounts.alice).ping()).to.emit(target, "Pinged").withArgs(accounts.alice.address);
        await expect(target.connect(accounts.stranger).ping())
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(accounts.stranger.address);
        expect(await authority.canCall(accounts.alice.address, await target.getAddress(), ping)).to.deep.equal([
          true,
          0n,
        ]);
      });

      it("makes the member schedule its calls when granted with an execution delay", async function () {
        const ctx = await withAdmittedAlice();
        const { accounts, authority, members } = ctx;
        const target = await guardedTarget(ctx, Role.CUSTODIAN);
        const targetAddress = await target.getAddress();
        const ping = target.interface.encodeFunctionData("ping");
        await members.grantMemberRole(accounts.alice.address, Role.CUSTODIAN, HOUR);
        const operationId = await authority.hashOperation(accounts.alice.address, targetAddress, ping);
        await expect(target.connect(accounts.alice).ping())
          .to.be.revertedWithCustomError(authority, "AccessManagerNotScheduled")
          .withArgs(operationId);
        await authority.connect(accounts.alice).schedule(targetAddress, ping, 0);
        await time.increase(HOUR);
        await expect(target.connect(accounts.alice).ping()).to.emit(target, "Pinged").withArgs(accounts.alice.address);
      });
    });

    context("when the role id does not fit the bitmap", function () {
      for (const roleId of [64n, Role.PUBLIC]) {
        it(`reverts with MemberRegistryInvalidRole for role ${roleId}`, async function () {
          const ctx = await withAdmittedAlice();
          await ctx.authority.connect(ctx.accounts.deployer).setRoleAdmin(64n, Role.MEMBERSHIP);
          const before = await snapshot(ctx);
          await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, roleId, 0))
            .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidRole")
            .withArgs(roleId);
          expect(await snapshot(ctx)).to.deep.equal(before);
          expect((await ctx.authority.hasRole(roleId, ctx.accounts.alice.address))[0]).to.equal(roleId === Role.PUBLIC);
        });
      }
    });

    context("when the role is not administered by MEMBERSHIP", function () {
      for (const [label, roleId] of [
        ["ADMIN", Role.ADMIN],
        ["GOVERNOR", Role.GOVERNOR],
        ["UPGRADER", Role.UPGRADER],
        ["MEMBERSHIP", Role.MEMBERSHIP],
        ["an unconfigured role", HIGHEST_ROLE],
      ] as const) {
        it(`reverts with MemberRegistryInvalidRole for ${label}`, async function () {
          const ctx = await withAdmittedAlice();
          const before = await snapshot(ctx);
          await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, roleId, 0))
            .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidRole")
            .withArgs(roleId);
          expect(await snapshot(ctx)).to.deep.equal(before);
          expect((await ctx.authority.hasRole(roleId, ctx.accounts.alice.address))[0]).to.equal(false);
        });
      }

      it("reverts with MemberRegistryInvalidRole once governance moves a role's admin away", async function () {
        const ctx = await withAdmittedAlice();
        await ctx.authority.connect(ctx.accounts.deployer).setRoleAdmin(Role.AUDITOR, Role.ADMIN);
        const before = await snapshot(ctx);
        await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, Role.AUDITOR, 0))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidRole")
          .withArgs(Role.AUDITOR);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.grantMemberRole(ctx.accounts.stranger.address, Role.CUSTODIAN, 0))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member is suspended", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withSuspendedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, Role.PAYMENT_GATEWAY, 0))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Suspended, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, Role.CUSTODIAN, 0))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member already holds the role", function () {
      it("reverts with MemberRegistryRoleAlreadyGranted, even with another delay", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.grantMemberRole(ctx.accounts.alice.address, Role.AUDITOR, 0))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryRoleAlreadyGranted")
          .withArgs(ctx.accounts.alice.address, Role.AUDITOR);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(withAdmittedAlice, (members, accounts) =>
        members.grantMemberRole(accounts.alice.address, Role.CUSTODIAN, 0),
      );
    });
  });

  describe("revokeMemberRole", function () {
    context("when the member is active", function () {
      it("forgets the role, revokes it in the authority and emits MemberRoleRevoked", async function () {
        const { accounts, authority, members } = await withAlice();
        const { alice } = accounts;
        const tx = members.revokeMemberRole(alice.address, Role.AUDITOR);
        await expect(tx).to.emit(members, "MemberRoleRevoked").withArgs(alice.address, Role.AUDITOR);
        await expect(tx).to.emit(authority, "RoleRevoked").withArgs(Role.AUDITOR, alice.address);
        expect((await members.memberOf(alice.address)).roles).to.equal(bits(Role.CUSTODIAN, HIGHEST_ROLE));
        expect(await members.executionDelayOf(alice.address, Role.AUDITOR)).to.equal(0n);
        await expectAuthorityRoles(authority, alice.address, [
          [Role.CUSTODIAN, 0],
          [HIGHEST_ROLE, 2 * HOUR],
        ]);
      });

      it("takes away the member's access to the functions the role guards", async function () {
        const ctx = await registry();
        const { accounts, members } = ctx;
        const target = await guardedTarget(ctx, Role.MARKET_SUPERVISOR);
        await expect(target.connect(accounts.exchange).ping()).to.emit(target, "Pinged");
        await members.revokeMemberRole(accounts.exchange.address, Role.MARKET_SUPERVISOR);
        await expect(target.connect(accounts.exchange).ping())
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(accounts.exchange.address);
        await expect(target.connect(accounts.regulator).ping()).to.emit(target, "Pinged");
      });
    });

    context("when the member is suspended", function () {
      it("forgets the role without touching the authority, so reinstatement leaves it out", async function () {
        const { accounts, authority, members } = await withSuspendedAlice();
        const { alice } = accounts;
        const tx = members.revokeMemberRole(alice.address, Role.AUDITOR);
        await expect(tx).to.emit(members, "MemberRoleRevoked").withArgs(alice.address, Role.AUDITOR);
        await expect(tx).not.to.emit(authority, "RoleRevoked");
        expect((await members.memberOf(alice.address)).roles).to.equal(bits(Role.CUSTODIAN, HIGHEST_ROLE));
        expect(await members.executionDelayOf(alice.address, Role.AUDITOR)).to.equal(0n);
        await expectAuthorityRoles(authority, alice.address, []);
        await members.reinstateMember(alice.address);
        await expectAuthorityRoles(authority, alice.address, [
          [Role.CUSTODIAN, 0],
          [HIGHEST_ROLE, 2 * HOUR],
        ]);
      });
    });

    context("when the role id does not fit the bitmap", function () {
      it("reverts with MemberRegistryInvalidRole", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.revokeMemberRole(ctx.accounts.alice.address, 64n))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryInvalidRole")
          .withArgs(64n);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.revokeMemberRole(ctx.accounts.stranger.address, Role.CUSTODIAN))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.revokeMemberRole(ctx.accounts.alice.address, Role.CUSTODIAN))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member does not hold the role", function () {
      it("reverts with MemberRegistryRoleNotGranted", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.revokeMemberRole(ctx.accounts.issuer.address, Role.EXCHANGE))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryRoleNotGranted")
          .withArgs(ctx.accounts.issuer.address, Role.EXCHANGE);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(registry, (members, accounts) =>
        members.revokeMemberRole(accounts.exchange.address, Role.EXCHANGE),
      );
    });
  });

  describe("suspendMember", function () {
    context("when the member is active", function () {
      it("revokes every role in the authority, keeps the bitmap and delays, and emits MemberSuspended", async function () {
        const { accounts, authority, members } = await withAlice();
        const { alice } = accounts;
        const tx = members.suspendMember(alice.address, REASON);
        await expect(tx).to.emit(members, "MemberSuspended").withArgs(alice.address, REASON);
        for (const [roleId] of ALICE_ROLES) {
          await expect(tx).to.emit(authority, "RoleRevoked").withArgs(roleId, alice.address);
        }
        await expect(tx).not.to.emit(members, "MemberRoleRevoked");
        const record = await members.memberOf(alice.address);
        expect(record.status).to.equal(MemberStatus.Suspended);
        expect(record.roles).to.equal(bits(Role.CUSTODIAN, Role.AUDITOR, HIGHEST_ROLE));
        for (const [roleId, delay] of ALICE_ROLES) {
          expect(await members.executionDelayOf(alice.address, roleId)).to.equal(BigInt(delay));
        }
        expect(await members.isActiveMember(alice.address)).to.equal(false);
        expect(await members.isActiveMemberOfKind(alice.address, MemberKind.Custodian)).to.equal(false);
        await expectAuthorityRoles(authority, alice.address, []);
      });

      it("takes away the member's access to every function its roles guard", async function () {
        const ctx = await registry();
        const { accounts, members } = ctx;
        const target = await guardedTarget(ctx, Role.KYC_PROVIDER);
        await expect(target.connect(accounts.kycProvider).ping()).to.emit(target, "Pinged");
        await members.suspendMember(accounts.kycProvider.address, REASON);
        await expect(target.connect(accounts.kycProvider).ping())
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(accounts.kycProvider.address);
      });

      it("suspends a member holding no role", async function () {
        const { accounts, members } = await registry();
        await members.admitMember(accounts.bob.address, MemberKind.Auditor, "Bob Audit", LEI);
        await expect(members.suspendMember(accounts.bob.address, REASON))
          .to.emit(members, "MemberSuspended")
          .withArgs(accounts.bob.address, REASON);
        expect((await members.memberOf(accounts.bob.address)).status).to.equal(MemberStatus.Suspended);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.suspendMember(ctx.accounts.stranger.address, REASON))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member is already suspended", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withSuspendedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.suspendMember(ctx.accounts.alice.address, REASON))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Suspended, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.suspendMember(ctx.accounts.alice.address, REASON))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(registry, (members, accounts) => members.suspendMember(accounts.exchange.address, REASON));
    });
  });

  describe("reinstateMember", function () {
    context("when the member is suspended", function () {
      it("grants its roles again with their execution delays and emits MemberReinstated", async function () {
        const { accounts, authority, members } = await withSuspendedAlice();
        const { alice } = accounts;
        const tx = members.reinstateMember(alice.address);
        await expect(tx).to.emit(members, "MemberReinstated").withArgs(alice.address);
        for (const [roleId, delay] of ALICE_ROLES) {
          await expect(tx).to.emit(authority, "RoleGranted").withArgs(roleId, alice.address, delay, anyValue, true);
        }
        await expect(tx).not.to.emit(members, "MemberRoleGranted");
        const record = await members.memberOf(alice.address);
        expect(record.status).to.equal(MemberStatus.Active);
        expect(record.roles).to.equal(bits(Role.CUSTODIAN, Role.AUDITOR, HIGHEST_ROLE));
        expect(await members.isActiveMemberOfKind(alice.address, MemberKind.Custodian)).to.equal(true);
        await expectAuthorityRoles(authority, alice.address, ALICE_ROLES);
      });

      it("gives the member back its access to the functions its roles guard", async function () {
        const ctx = await registry();
        const { accounts, members } = ctx;
        const target = await guardedTarget(ctx, Role.COMPLIANCE_ADMIN);
        await members.suspendMember(accounts.regulator.address, REASON);
        await members.reinstateMember(accounts.regulator.address);
        await expect(target.connect(accounts.regulator).ping())
          .to.emit(target, "Pinged")
          .withArgs(accounts.regulator.address);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.reinstateMember(ctx.accounts.stranger.address))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member is active", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.reinstateMember(ctx.accounts.alice.address))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Active, MemberStatus.Suspended);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.reinstateMember(ctx.accounts.alice.address))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Suspended);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(withSuspendedAlice, (members, accounts) => members.reinstateMember(accounts.alice.address));
    });
  });

  describe("removeMember", function () {
    context("when the member is active", function () {
      it("revokes and forgets its roles, keeps its record and emits MemberRemoved", async function () {
        const { accounts, authority, members } = await withAlice();
        const { alice } = accounts;
        const count = await members.memberCount();
        const tx = members.removeMember(alice.address, REASON);
        for (const [roleId] of ALICE_ROLES) {
          await expect(tx).to.emit(members, "MemberRoleRevoked").withArgs(alice.address, roleId);
          await expect(tx).to.emit(authority, "RoleRevoked").withArgs(roleId, alice.address);
        }
        await expect(tx).to.emit(members, "MemberRemoved").withArgs(alice.address, REASON);
        const record = await members.memberOf(alice.address);
        expect(record.status).to.equal(MemberStatus.Removed);
        expect(record.roles).to.equal(0n);
        expect(record.kind).to.equal(BigInt(MemberKind.Custodian));
        expect(record.name).to.equal(NAME);
        expect(record.leiHash).to.equal(LEI);
        for (const [roleId] of ALICE_ROLES) expect(await members.executionDelayOf(alice.address, roleId)).to.equal(0n);
        expect(await members.isActiveMember(alice.address)).to.equal(false);
        expect(await members.memberCount()).to.equal(count);
        await expectAuthorityRoles(authority, alice.address, []);
      });
    });

    context("when the member is suspended", function () {
      it("forgets its roles without touching the authority and emits MemberRemoved", async function () {
        const { accounts, authority, members } = await withSuspendedAlice();
        const { alice } = accounts;
        const tx = members.removeMember(alice.address, REASON);
        for (const [roleId] of ALICE_ROLES) {
          await expect(tx).to.emit(members, "MemberRoleRevoked").withArgs(alice.address, roleId);
        }
        await expect(tx).not.to.emit(authority, "RoleRevoked");
        await expect(tx).to.emit(members, "MemberRemoved").withArgs(alice.address, REASON);
        const record = await members.memberOf(alice.address);
        expect(record.status).to.equal(MemberStatus.Removed);
        expect(record.roles).to.equal(0n);
        for (const [roleId] of ALICE_ROLES) expect(await members.executionDelayOf(alice.address, roleId)).to.equal(0n);
        await expectAuthorityRoles(authority, alice.address, []);
      });
    });

    context("when the account never was a member", function () {
      it("reverts with MemberRegistryUnknownMember", async function () {
        const ctx = await registry();
        const before = await snapshot(ctx);
        await expect(ctx.members.removeMember(ctx.accounts.stranger.address, REASON))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnknownMember")
          .withArgs(ctx.accounts.stranger.address);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the member was already removed", function () {
      it("reverts with MemberRegistryUnexpectedStatus", async function () {
        const ctx = await withRemovedAlice();
        const before = await snapshot(ctx);
        await expect(ctx.members.removeMember(ctx.accounts.alice.address, REASON))
          .to.be.revertedWithCustomError(ctx.members, "MemberRegistryUnexpectedStatus")
          .withArgs(ctx.accounts.alice.address, MemberStatus.Removed, MemberStatus.Active);
        expect(await snapshot(ctx)).to.deep.equal(before);
      });
    });

    context("when the caller lacks GOVERNOR", function () {
      itRejectsOutsiders(registry, (members, accounts) => members.removeMember(accounts.exchange.address, REASON));
    });
  });

  describe("views", function () {
    it("memberOf returns an empty record for an account never admitted", async function () {
      const { accounts, members } = await registry();
      const record = await members.memberOf(accounts.stranger.address);
      expect(fieldsOf(record)).to.deep.equal([0n, 0n, 0n, 0n, ethers.ZeroHash, ""]);
      expect(await members.isActiveMember(accounts.stranger.address)).to.equal(false);
      expect(await members.isActiveMemberOfKind(accounts.stranger.address, MemberKind.None)).to.equal(false);
      expect(await members.executionDelayOf(accounts.stranger.address, Role.EXCHANGE)).to.equal(0n);
    });

    it("isActiveMemberOfKind tells each seated member's kind", async function () {
      const { accounts, members } = await registry();
      expect(await members.isActiveMemberOfKind(accounts.kycProvider.address, MemberKind.KycProvider)).to.equal(true);
      expect(await members.isActiveMemberOfKind(accounts.exchange.address, MemberKind.Exchange)).to.equal(true);
      expect(await members.isActiveMemberOfKind(accounts.issuer.address, MemberKind.Issuer)).to.equal(true);
      expect(await members.isActiveMemberOfKind(accounts.regulator.address, MemberKind.Regulator)).to.equal(true);
      expect(await members.isActiveMemberOfKind(accounts.regulator.address, MemberKind.Exchange)).to.equal(false);
    });

    it("memberAt reverts with an out-of-bounds panic past the last member", async function () {
      const { members } = await registry();
      await expect(members.memberAt(await members.memberCount())).to.be.revertedWithPanic(0x32);
    });
  });

  describe("invariant I1: authority roles follow the member's status", function () {
    it("holds through suspension, reinstatement, revocation and removal", async function () {
      const { accounts, authority, members } = await withAlice();
      const alice = accounts.alice.address;
      await expectAuthorityRoles(authority, alice, ALICE_ROLES);

      await members.suspendMember(alice, REASON);
      for (const roleId of WATCHED_ROLES) expect((await authority.hasRole(roleId, alice))[0]).to.equal(false);

      await time.increase(DAY);
      await members.reinstateMember(alice);
      for (const [roleId, delay] of ALICE_ROLES) {
        const [since, currentDelay] = await authority.getAccess(roleId, alice);
        expect(since).to.equal(BigInt(await time.latest()));
        expect(currentDelay).to.equal(BigInt(delay));
      }
      await expectAuthorityRoles(authority, alice, ALICE_ROLES);

      await members.suspendMember(alice, REASON);
      await members.reinstateMember(alice);
      await expectAuthorityRoles(authority, alice, ALICE_ROLES);

      await members.removeMember(alice, REASON);
      await expectAuthorityRoles(authority, alice, []);
    });

    it("holds for every seated member when each is suspended and reinstated", async function () {
      const { accounts, authority, members } = await registry();
      for (const signer of [accounts.kycProvider, accounts.exchange, accounts.issuer, accounts.regulator]) {
        const roles = (await members.memberOf(signer.address)).roles;
        const held = WATCHED_ROLES.filter((roleId) => (roles & bit(roleId)) !== 0n).map(
          (roleId) => [roleId, 0] as [bigint, number],
        );
        expect(held.length).to.be.greaterThan(0);
        await members.suspendMember(signer.address, REASON);
        await expectAuthorityRoles(authority, signer.address, []);
        await members.reinstateMember(signer.address);
        await expectAuthorityRoles(authority, signer.address, held);
      }
    });
  });

  describe("upgradeToAndCall", function () {
    async function withNewImplementation() {
      const ctx = await registry();
      const implementation = await (await ethers.getContractFactory("MemberRegistry", ctx.accounts.deployer)).deploy();
      const newImplementation = await implementation.getAddress();
      const data = ctx.members.interface.encodeFunctionData("upgradeToAndCall", [newImplementation, "0x"]);
      return { ...ctx, newImplementation, data };
    }

    it("passes the OpenZeppelin upgrade-safety validation as a UUPS implementation", async function () {
      await upgrades.validateImplementation(await ethers.getContractFactory("MemberRegistry"), { kind: "uups" });
    });

    context("when the governor schedules it and waits the UPGRADER execution delay", function () {
      it("upgrades the proxy and keeps its state", async function () {
        const ctx = await withNewImplementation();
        const { accounts, authority, members, newImplementation, data } = ctx;
        const proxy = await members.getAddress();
        const before = await snapshot(ctx);
        const [isUpgrader, delay] = await authority.hasRole(Role.UPGRADER, accounts.governor.address);
        expect(isUpgrader).to.equal(true);
        expect(delay).to.equal(BigInt(2 * DAY));

        const operationId = await authority.hashOperation(accounts.governor.address, proxy, data);
        await authority.connect(accounts.governor).schedule(proxy, data, 0);
        await time.increase(2 * DAY - 60);
        await expect(authority.connect(accounts.governor).execute(proxy, data))
          .to.be.revertedWithCustomError(authority, "AccessManagerNotReady")
          .withArgs(operationId);

        await time.increase(60);
        await expect(authority.connect(accounts.governor).execute(proxy, data))
          .to.emit(members, "Upgraded")
          .withArgs(newImplementation);
        expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(newImplementation);
        expect(await snapshot(ctx)).to.deep.equal(before);
        expect(await members.authority()).to.equal(await authority.getAddress());
      });
    });

    context("when the governor calls it without scheduling", function () {
      it("reverts with the authority's AccessManagerNotScheduled", async function () {
        const { accounts, authority, members, newImplementation, data } = await withNewImplementation();
        const proxy = await members.getAddress();
        const implementation = await upgrades.erc1967.getImplementationAddress(proxy);
        const operationId = await authority.hashOperation(accounts.governor.address, proxy, data);
        await expect(members.upgradeToAndCall(newImplementation, "0x"))
          .to.be.revertedWithCustomError(authority, "AccessManagerNotScheduled")
          .withArgs(operationId);
        expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementation);
      });
    });

    context("when an account without UPGRADER schedules it", function () {
      it("reverts with the authority's AccessManagerUnauthorizedCall", async function () {
        const { accounts, authority, members, data } = await withNewImplementation();
        const proxy = await members.getAddress();
        await expect(authority.connect(accounts.stranger).schedule(proxy, data, 0))
          .to.be.revertedWithCustomError(authority, "AccessManagerUnauthorizedCall")
          .withArgs(accounts.stranger.address, proxy, data.slice(0, 10));
      });
    });

    context("when the caller lacks UPGRADER", function () {
      for (const name of OUTSIDERS) {
        it(`reverts with AccessManagedUnauthorized when called by ${name}`, async function () {
          const { accounts, members, newImplementation } = await withNewImplementation();
          const caller: HardhatEthersSigner = accounts[name];
          const proxy = await members.getAddress();
          const implementation = await upgrades.erc1967.getImplementationAddress(proxy);
          await expect(members.connect(caller).upgradeToAndCall(newImplementation, "0x"))
            .to.be.revertedWithCustomError(members, "AccessManagedUnauthorized")
            .withArgs(caller.address);
          expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementation);
        });
      }
    });
  });
});
