import { ethers } from "ethers";
import type { MemberRegistry } from "../../typechain-types";
import { memberKindRoles, memberRoleExecutionDelay, Role, type RoleName } from "../../config/roles";
import { MemberKind, type MemberKindName } from "../../sdk/members";

/**
 * Grants an admitted member `roles` through the member registry, each with the execution delay config/roles.ts
 * gives it (`memberRoleExecutionDelay`; none for the others). `registry` is connected as the governor.
 */
export async function grantMemberRoles(registry: MemberRegistry, account: string, roles: RoleName[]): Promise<void> {
  for (const role of roles) {
    await (await registry.grantMemberRole(account, Role[role], memberRoleExecutionDelay[role] ?? 0)).wait();
  }
}

/**
 * Admits `account` as a member of `kind` and grants it the roles of its kind (config/roles.ts `memberKindRoles`)
 * or `options.roles`, with their configured execution delays. `registry` is connected as the governor. The LEI
 * hash defaults to the hash of the name. Returns the roles granted.
 */
export async function seatMember(
  registry: MemberRegistry,
  account: string,
  kind: MemberKindName,
  name: string,
  options: { leiHash?: string; roles?: RoleName[] } = {},
): Promise<RoleName[]> {
  const roles = options.roles ?? memberKindRoles[kind];
  await (await registry.admitMember(account, MemberKind[kind], name, options.leiHash ?? ethers.id(name))).wait();
  await grantMemberRoles(registry, account, roles);
  return roles;
}
