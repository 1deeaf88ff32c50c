import type { DeployFunction } from "hardhat-deploy/types";
import { Role } from "../config/roles";
import { settlePending } from "../scripts/lib/deploy";

/**
 * The alliance authority: OpenZeppelin's AccessManager that also resolves issued assets to their product type's
 * permission table and keeps asset-scoped roles per asset (contracts/access/AllianceAuthority.sol), with the
 * deployer as its first admin. Every run first waits for what an interrupted run sent (`settlePending`).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  // Every named account may send in some step (the governor seats, subscribes, registers coins).
  for (const account of new Set(Object.values(await hre.getNamedAccounts()))) await settlePending(hre, account);
  const result = await hre.deployments.deploy("AllianceAuthority", {
    contract: "AllianceAuthority",
    from: deployer,
    args: [deployer],
    log: true,
  });
  // Labels are events only (AccessManager keeps no label to read): label each role whose last label is not its
  // name, so a deploy interrupted while labelling finishes the job without labelling any role twice.
  const authority = await hre.ethers.getContractAt(
    "AllianceAuthority",
    result.address,
    await hre.ethers.getSigner(deployer),
  );
  const labelled = new Map<bigint, string>();
  for (const event of await authority.queryFilter(authority.filters.RoleLabel(), result.receipt?.blockNumber ?? 0)) {
    labelled.set(event.args.roleId, event.args.label);
  }
  for (const [label, roleId] of Object.entries(Role)) {
    if (roleId === Role.ADMIN || roleId === Role.PUBLIC || labelled.get(roleId) === label) continue;
    await (await authority.labelRole(roleId, label)).wait();
    hre.deployments.log(`authority: role ${roleId} labelled ${label}`);
  }
};
func.tags = ["authority", "core"];
export default func;
