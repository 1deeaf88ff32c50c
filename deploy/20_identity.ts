import type { DeployFunction } from "hardhat-deploy/types";
import { identityDefaults } from "../config/identity";
import { deployProxy } from "../scripts/lib/deploy";

/** IdentityRegistry (UUPS proxy); it deploys its own EligibilityStore when initialized. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  await deployProxy(hre, "IdentityRegistry", {
    from: deployer,
    initializer: "initialize",
    args: [authority.address, identityDefaults.baselineClaims],
  });
};
// Skipped while IdentityRegistry is not written yet (the core is built branch by branch).
func.skip = async (hre) => !(await hre.artifacts.artifactExists("IdentityRegistry"));
func.tags = ["identity", "core"];
func.dependencies = ["authority"];
export default func;
