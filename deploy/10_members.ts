import type { DeployFunction } from "hardhat-deploy/types";
import { deployProxy } from "../scripts/lib/deploy";

/** MemberRegistry (UUPS proxy), governed by the authority. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  await deployProxy(hre, "MemberRegistry", { from: deployer, initializer: "initialize", args: [authority.address] });
};
func.tags = ["members", "core"];
func.dependencies = ["authority"];
export default func;
