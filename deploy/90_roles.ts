import type { DeployFunction } from "hardhat-deploy/types";
import { applyRoles } from "../scripts/lib/roles";

/** Applies config/roles.ts to the authority; sends nothing when the authority already matches it. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  // Each change is logged once mined: a deploy interrupted here resumes from the authority's state.
  await applyRoles(hre, { from: deployer, log: (line) => hre.deployments.log(line) });
};
func.tags = ["roles", "core"];
func.dependencies = ["authority"];
export default func;
