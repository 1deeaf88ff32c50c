import type { DeployFunction } from "hardhat-deploy/types";
import { applyRoles } from "../scripts/lib/roles";

/** Applies config/roles.ts to the authority; sends nothing when the authority already matches it. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const changes = await applyRoles(hre, { from: deployer });
  for (const change of changes) hre.deployments.log(`roles: ${change.action} ${change.detail}`);
};
func.tags = ["roles", "core"];
func.dependencies = ["authority"];
export default func;
