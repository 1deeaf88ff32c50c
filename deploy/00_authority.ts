import type { DeployFunction } from "hardhat-deploy/types";
import { Role } from "../config/roles";

/**
 * The alliance authority: OpenZeppelin's AccessManager that also resolves issued assets to their product type's
 * permission table and keeps asset-scoped roles per asset (contracts/access/AllianceAuthority.sol), with the
 * deployer as its first admin.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const result = await hre.deployments.deploy("AllianceAuthority", {
    contract: "AllianceAuthority",
    from: deployer,
    args: [deployer],
    log: true,
  });
  if (result.newlyDeployed) {
    const authority = await hre.ethers.getContractAt(
      "AllianceAuthority",
      result.address,
      await hre.ethers.getSigner(deployer),
    );
    for (const [label, roleId] of Object.entries(Role)) {
      if (roleId === Role.ADMIN || roleId === Role.PUBLIC) continue;
      await (await authority.labelRole(roleId, label)).wait();
    }
  }
};
func.tags = ["authority", "core"];
export default func;
