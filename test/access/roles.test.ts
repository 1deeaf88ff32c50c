import { expect } from "chai";
import hre, { deployments, ethers, getNamedAccounts } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  authorityBuiltinFunctions,
  grants,
  permissions,
  productPermissions,
  productPublicFunctions,
  publicFunctions,
  Role,
  roleSettings,
  type RoleName,
} from "../../config/roles";
import { applyRoles, tableTargets } from "../../scripts/lib/roles";
import { coreFixture } from "../fixtures/core";
import { stateChangingFunctions } from "../helpers/abi";

/**
 * Functions guarded otherwise (or not at all, by design): every `initialize…(...)` (initializers, a lifecycle's too),
 * AccessManaged's `setAuthority` (the authority's `updateAuthority`), and AccessManager's own functions on the
 * authority (its built-in rules).
 */
function isRoleGuardedElsewhere(contractName: string, signature: string): boolean {
  if (signature.startsWith("initialize") || signature === "setAuthority(address)") return true;
  return contractName === "AllianceAuthority" && authorityBuiltinFunctions.includes(signature);
}

describe("config/roles.ts", function () {
  it("mirrors the role ids of contracts/access/Roles.sol", async function () {
    const harness = await ethers.deployContract("RolesHarness");
    const [ids, names] = [await harness.ids(), await harness.names()];
    expect(Object.keys(Role)).to.have.members([...names]);
    names.forEach((name, i) => expect(Role[name as RoleName], name).to.equal(ids[i]));
  });

  it("names a role for every state-changing function of every core contract and product", async function () {
    await loadFixture(coreFixture);
    const checked = new Set<string>();
    for (const { contractName, iface } of await tableTargets(hre)) {
      if (checked.has(contractName)) continue;
      checked.add(contractName);
      const table = permissions[contractName] ?? productPermissions[contractName];
      const open = new Set(publicFunctions[contractName] ?? productPublicFunctions[contractName] ?? []);
      const missing = stateChangingFunctions(iface)
        .map((fragment) => fragment.format("sighash"))
        .filter(
          (signature) =>
            !isRoleGuardedElsewhere(contractName, signature) && !(signature in table) && !open.has(signature),
        );
      expect(missing, `${contractName} functions missing from config/roles.ts`).to.deep.equal([]);
      const both = [...open].filter((signature) => signature in table);
      expect(both, `${contractName} functions both public and restricted`).to.deep.equal([]);
    }
    expect([...checked]).to.include.members(Object.keys(permissions));
    for (const product of Object.keys(productPermissions)) {
      if (await hre.artifacts.artifactExists(product)) expect([...checked]).to.include(product);
    }
  });

  describe("when deployed", function () {
    it("the authority's selector → role table equals the file, on every deployment and product target", async function () {
      const { contracts } = await loadFixture(coreFixture);
      for (const { contractName, label, address, iface } of await tableTargets(hre)) {
        const table = permissions[contractName] ?? productPermissions[contractName];
        for (const fragment of stateChangingFunctions(iface)) {
          const signature = fragment.format("sighash");
          const expected = signature in table ? Role[table[signature]] : Role.ADMIN;
          const actual = await contracts.authority.getTargetFunctionRole(address, fragment.selector);
          expect(actual, `${label}.${signature}`).to.equal(expected);
        }
      }
    });

    it("every role has the admin, guardian and grant delay the file gives it", async function () {
      const { contracts } = await loadFixture(coreFixture);
      for (const name of Object.keys(Role) as RoleName[]) {
        if (name === "ADMIN" || name === "PUBLIC") continue;
        const settings = roleSettings[name];
        expect(await contracts.authority.getRoleAdmin(Role[name]), `${name} admin`).to.equal(
          Role[settings?.admin ?? "ADMIN"],
        );
        expect(await contracts.authority.getRoleGuardian(Role[name]), `${name} guardian`).to.equal(
          Role[settings?.guardian ?? "ADMIN"],
        );
        const changes = await contracts.authority.queryFilter(
          contracts.authority.filters.RoleGrantDelayChanged(Role[name]),
        );
        const scheduled = changes.length ? changes[changes.length - 1].args.delay : 0n;
        expect(scheduled, `${name} grant delay`).to.equal(BigInt(settings?.grantDelay ?? 0));
      }
    });

    it("sensitive grants carry the execution delay the file gives them", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const named = await getNamedAccounts();
      for (const grant of grants) {
        const account =
          "account" in grant.to ? named[grant.to.account] : (await deployments.get(grant.to.contract)).address;
        const [since, currentDelay] = await contracts.authority.getAccess(Role[grant.role], account);
        expect(since, `${grant.role} granted`).to.not.equal(0n);
        expect(currentDelay, `${grant.role} execution delay`).to.equal(BigInt(grant.executionDelay));
      }
      expect(grants.find((g) => g.role === "UPGRADER")!.executionDelay).to.be.greaterThan(0);
    });

    it("applying the file again changes nothing", async function () {
      await loadFixture(coreFixture);
      const { deployer } = await getNamedAccounts();
      const block = await ethers.provider.getBlockNumber();
      expect(await applyRoles(hre, { from: deployer, dryRun: true })).to.deep.equal([]);
      expect(await applyRoles(hre, { from: deployer })).to.deep.equal([]);
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("only the member registry administers member-held roles", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const registry = await contracts.members.getAddress();
      const [isMember] = await contracts.authority.hasRole(Role.MEMBERSHIP, registry);
      expect(isMember).to.equal(true);
      for (const [name, settings] of Object.entries(roleSettings)) {
        if (settings?.admin !== "MEMBERSHIP") continue;
        expect(await contracts.authority.getRoleAdmin(Role[name as RoleName])).to.equal(Role.MEMBERSHIP);
      }
    });
  });
});
