import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { deploymentsOf, grants, permissions, Role, roleSettings, type RoleName } from "../../config/roles";

/** One change the roles step made (or, with `dryRun`, would make). */
export interface RoleChange {
  action: string;
  detail: string;
}

/**
 * Applies `config/roles.ts` to the authority: role admins, guardians and grant delays, the selector → role
 * table of every deployed core contract, and the configured grants. Reads before it writes, so a second run
 * sends no transaction. Contracts not deployed on this network are skipped.
 */
export async function applyRoles(
  hre: HardhatRuntimeEnvironment,
  options: { from: string; dryRun?: boolean },
): Promise<RoleChange[]> {
  const { deployments, ethers, getNamedAccounts } = hre;
  const signer = await ethers.getSigner(options.from);
  const authorityDeployment = await deployments.get("AllianceAuthority");
  const authority = await ethers.getContractAt("AccessManager", authorityDeployment.address, signer);
  const changes: RoleChange[] = [];
  const send = async (action: string, detail: string, tx: () => Promise<{ wait(): Promise<unknown> }>) => {
    changes.push({ action, detail });
    if (!options.dryRun) await (await tx()).wait();
  };

  for (const [name, settings] of Object.entries(roleSettings) as [RoleName, (typeof roleSettings)[RoleName]][]) {
    const roleId = Role[name];
    const admin = Role[settings?.admin ?? "ADMIN"];
    if ((await authority.getRoleAdmin(roleId)) !== admin) {
      await send("setRoleAdmin", `${name} ← ${settings?.admin}`, () => authority.setRoleAdmin(roleId, admin));
    }
    const guardian = Role[settings?.guardian ?? "ADMIN"];
    if ((await authority.getRoleGuardian(roleId)) !== guardian) {
      await send("setRoleGuardian", `${name} ← ${settings?.guardian}`, () =>
        authority.setRoleGuardian(roleId, guardian),
      );
    }
    // A new grant delay takes effect only after AccessManager's minimum setback, so compare with the last change.
    const grantDelay = BigInt(settings?.grantDelay ?? 0);
    const delayChanges = await authority.queryFilter(authority.filters.RoleGrantDelayChanged(roleId));
    const scheduledDelay = delayChanges.length ? delayChanges[delayChanges.length - 1].args.delay : 0n;
    if (scheduledDelay !== grantDelay) {
      await send("setGrantDelay", `${name} = ${grantDelay}s`, () => authority.setGrantDelay(roleId, grantDelay));
    }
  }

  for (const [contractName, table] of Object.entries(permissions)) {
    for (const deploymentName of deploymentsOf(contractName)) {
      const deployment = await deployments.getOrNull(deploymentName);
      if (!deployment) continue;
      const iface = new ethers.Interface(deployment.abi);
      const byRole = new Map<RoleName, string[]>();
      for (const [signature, role] of Object.entries(table)) {
        const selector = iface.getFunction(signature)?.selector;
        if (!selector) throw new Error(`config/roles.ts: ${contractName} has no function ${signature}`);
        if ((await authority.getTargetFunctionRole(deployment.address, selector)) === Role[role]) continue;
        byRole.set(role, [...(byRole.get(role) ?? []), selector]);
      }
      for (const [role, selectors] of byRole) {
        await send("setTargetFunctionRole", `${deploymentName}: ${selectors.length} selector(s) → ${role}`, () =>
          authority.setTargetFunctionRole(deployment.address, selectors, Role[role]),
        );
      }
    }
  }

  const named = await getNamedAccounts();
  for (const grant of grants) {
    let account: string | undefined;
    if ("account" in grant.to) account = named[grant.to.account];
    else account = (await deployments.getOrNull(grant.to.contract))?.address;
    if (!account) continue;
    // `since` is non-zero once granted, even while a grant delay keeps the grant from taking effect.
    const [since, currentDelay, pendingDelay, effect] = await authority.getAccess(Role[grant.role], account);
    const delay = effect === 0n ? currentDelay : pendingDelay;
    if (since !== 0n && delay === BigInt(grant.executionDelay)) continue;
    const target = "account" in grant.to ? grant.to.account : grant.to.contract;
    await send("grantRole", `${grant.role} → ${target} (delay ${grant.executionDelay}s)`, () =>
      authority.grantRole(Role[grant.role], account, grant.executionDelay),
    );
  }
  return changes;
}
