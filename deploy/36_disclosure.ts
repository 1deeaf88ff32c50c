import type { DeployFunction } from "hardhat-deploy/types";
import { deployProxy } from "../scripts/lib/deploy";

/**
 * The disclosure supervisor (UUPS proxy): venues' disclosure calendars, filings and overdue halts. It halts and
 * lifts through each asset's compliance pipeline with REGULATOR, granted to it by config/roles.ts `grants`
 * (applied by deploy/90_roles.ts).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  await deployProxy(hre, "DisclosureSupervisor", {
    from: deployer,
    initializer: "initialize",
    args: [authority.address],
  });
};
func.tags = ["disclosure", "core"];
func.dependencies = ["authority"];
export default func;
