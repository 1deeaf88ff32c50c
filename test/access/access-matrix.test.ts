import hre, { ethers } from "hardhat";
import type { Interface } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { permissions, Role, type RoleName } from "../../config/roles";
import { tableTargets } from "../../scripts/lib/roles";
import { shouldBehaveLikeRestricted } from "../behaviors/restricted";
import { coreFixture, type Accounts } from "../fixtures/core";
import type { AllianceAuthority } from "../../typechain-types";

/**
 * The access matrix: every restricted function of every core contract, called by every named account that does
 * not hold its role, reverts with the authority's error (the authority's own functions with
 * `AccessManagerUnauthorizedAccount(caller, role)`). Product tables are covered per issued asset in
 * test/access/product-access-matrix.test.ts.
 */
describe("access matrix", function () {
  let authority: AllianceAuthority;
  let accounts: Accounts;
  const targets: Record<string, { getAddress(): Promise<string>; interface: Interface }> = {};

  beforeEach(async function () {
    ({
      accounts,
      contracts: { authority },
    } = await loadFixture(coreFixture));
    for (const { contractName, address, iface } of await tableTargets(hre)) {
      if (contractName in targets || !(contractName in permissions)) continue;
      targets[contractName] = await ethers.getContractAt([...iface.fragments], address);
    }
  });

  for (const [contractName, table] of Object.entries(permissions)) {
    describe(contractName, function () {
      const byRole = new Map<RoleName, string[]>();
      for (const [signature, role] of Object.entries(table)) byRole.set(role, [...(byRole.get(role) ?? []), signature]);
      for (const [role, signatures] of byRole) {
        describe(`restricted to ${role}`, function () {
          shouldBehaveLikeRestricted(
            () => ({ authority, target: targets[contractName], callers: Object.values(accounts) }),
            signatures,
            Role[role],
            contractName === "AllianceAuthority"
              ? (caller) => ({ error: "AccessManagerUnauthorizedAccount", args: [caller, Role[role]] })
              : undefined,
          );
        });
      }
    });
  }
});
