import type { DeployFunction } from "hardhat-deploy/types";

/** Compliance: a plain contract (no proxy hop on the transfer path), reading the identity registry's store. */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  const identity = await hre.deployments.get("IdentityRegistry");
  await hre.deployments.deploy("Compliance", {
    from: deployer,
    args: [authority.address, identity.address],
    log: true,
  });
};
func.tags = ["compliance", "core"];
func.dependencies = ["authority", "identity"];
export default func;
