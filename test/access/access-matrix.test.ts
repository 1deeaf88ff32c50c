import { deployments, ethers } from "hardhat";
import type { Interface } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploymentsOf, permissions, Role, type RoleName } from "../../config/roles";
import { shouldBehaveLikeRestricted } from "../behaviors/restricted";
import { coreFixture, type Accounts } from "../fixtures/core";
import type { AccessManager } from "../../typechain-types";

/**
 * The access matrix: every restricted function of every core contract, called by every named account that does
 * not hold its role, reverts with the authority's error.
 */
describe("access matrix", function () {
  let authority: AccessManager;
  let accounts: Accounts;
  const targets: Record<string, { getAddress(): Promise<string>; interface: Interface }> = {};

  beforeEach(async function () {
    ({
      accounts,
      contracts: { authority },
    } = await loadFixture(coreFixture));
    for (const name of Object.keys(permissions)) {
      const deployment = await deployments.get(deploymentsOf(name)[0]);
      targets[name] = await ethers.getContractAt(deployment.abi, deployment.address);
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
          );
        });
      }
    });
  }
});
