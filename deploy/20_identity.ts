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
func.tags = ["identity", "core"];
func.dependencies = ["authority"];
export default func;
