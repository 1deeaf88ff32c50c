import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Interface } from "ethers";
import {
  deploymentsOf,
  grants,
  permissions,
  productPermissions,
  Role,
  roleSettings,
  type RoleName,
} from "../../config/roles";
import { products } from "../../config/products";
import { ProductType, productTarget } from "../../sdk/assets";

/** One change the roles step made (or, with `dryRun`, would make). */
export interface RoleChange {
  action: string;
  detail: string;
}

/**
 * Applies `config/roles.ts` to the authority: role admins, guardians and grant delays, the selector → role
 * table of every deployed core contract and of every product type (on its template target), and the configured
 * grants. Reads before it writes, so a second run
 * sends no transaction. Contracts not deployed on this network are skipped.
 */
export async function applyRoles(
  hre: HardhatRuntimeEnvironment,
  options: { from: string; dryRun?: boolean; log?: (line: string) => void },
): Promise<RoleChange[]> {
  const { deployments, ethers, getNamedAccounts } = hre;
  const signer = await ethers.getSigner(options.from);
  const authorityDeployment = await deployments.get("AllianceAuthority");
  const authority = await ethers.getContractAt("AllianceAuthority", authorityDeployment.address, signer);
  const changes: RoleChange[] = [];
  const send = async (action: string, detail: string, tx: () => Promise<{ wait(): Promise<unknown> }>) => {
    changes.push({ action, detail });
    if (options.dryRun) return;
    await (await tx()).wait();
    options.log?.(`roles: ${action} ${detail}`);
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

  for (const { label, address, iface, contractName } of await tableTargets(hre)) {
    const table = permissions[contractName] ?? productPermissions[contractName];
    const byRole = new Map<RoleName, string[]>();
    for (const [signature, role] of Object.entries(table)) {
      const selector = iface.getFunction(signature)?.selector;
      if (!selector) throw new Error(`config/roles.ts: ${contractName} has no function ${signature}`);
      if ((await authority.getTargetFunctionRole(address, selector)) === Role[role]) continue;
      byRole.set(role, [...(byRole.get(role) ?? []), selector]);
    }
    for (const [role, selectors] of byRole) {
      await send("setTargetFunctionRole", `${label}: ${selectors.length} selector(s) → ${role}`, () =>
        authority.setTargetFunctionRole(address, selectors, Role[role]),
      );
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
    const roleId = Role[grant.role];
    const admin = await authority.getRoleAdmin(roleId);
    if (admin === Role.ADMIN) {
      await send("grantRole", `${grant.role} → ${target} (delay ${grant.executionDelay}s)`, () =>
        authority.grantRole(roleId, account, grant.executionDelay),
      );
      continue;
    }
    // A member-held role granted to a contract (REGULATOR to the disclosure supervisor): its admin is MEMBERSHIP,
    // which only the member registry holds, so ADMIN makes itself the role's admin, grants and gives the role back
    // to its admin, in one transaction (the authority's multicall): no moment exists where ADMIN administers it.
    const calls = [
      authority.interface.encodeFunctionData("setRoleAdmin", [roleId, Role.ADMIN]),
      authority.interface.encodeFunctionData("grantRole", [roleId, account, grant.executionDelay]),
      authority.interface.encodeFunctionData("setRoleAdmin", [roleId, admin]),
    ];
    await send("grantRole", `${grant.role} → ${target} (delay ${grant.executionDelay}s, as ADMIN)`, () =>
      authority.multicall(calls),
    );
  }
  return changes;
}

/** One address a table of config/roles.ts is applied to. */
export interface TableTarget {
  /** The table's key in `permissions`. */
  contractName: string;
  /** A deployment name, or `Bond (product target)` for a product type's template target. */
  label: string;
  address: string;
  iface: Interface;
  /** The product type, for a product table. */
  productType?: ProductType;
}

/**
 * Every address a table of `config/roles.ts` applies to on this network: the deployments of each core contract
 * (those not deployed here are left out) and, for each product table (`productPermissions`) whose contract is in
 * this build, its product type's template target in the authority (`AllianceAuthority.productTarget`), with the
 * product's whole ABI.
 */
export async function tableTargets(hre: HardhatRuntimeEnvironment): Promise<TableTarget[]> {
  const { deployments, ethers, artifacts } = hre;
  const out: TableTarget[] = [];
  for (const contractName of Object.keys(permissions)) {
    for (const deploymentName of deploymentsOf(contractName)) {
      const deployment = await deployments.getOrNull(deploymentName);
      if (!deployment) continue;
      out.push({
        contractName,
        label: deploymentName,
        address: deployment.address,
        iface: new ethers.Interface(deployment.abi),
      });
    }
  }
  for (const contractName of Object.keys(productPermissions)) {
    const product = products[contractName];
    if (!product) throw new Error(`config/roles.ts: ${contractName} is not a product of config/products.ts`);
    if (!(await artifacts.artifactExists(contractName))) continue;
    out.push({
      contractName,
      label: `${contractName} (product target)`,
      address: productTarget(product.productType),
      iface: await productInterface(hre, contractName),
      productType: product.productType,
    });
  }
  return out;
}

/**
 * A product's whole ABI: its implementation's and, when config/products.ts names one, its interface's (a
 * lifecycle's functions run behind the implementation's fallback and are only in the interface), deduplicated.
 */
export async function productInterface(hre: HardhatRuntimeEnvironment, product: string): Promise<Interface> {
  const names = [product, ...(products[product]?.abi ? [products[product].abi!] : [])];
  const seen = new Set<string>();
  const fragments = [];
  for (const name of names) {
    for (const fragment of hre.ethers.Interface.from((await hre.artifacts.readArtifact(name)).abi).fragments) {
      if (!["function", "event", "error"].includes(fragment.type)) continue;
      const key = `${fragment.type} ${fragment.format("sighash")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fragments.push(fragment);
    }
  }
  return new hre.ethers.Interface(fragments);
}
