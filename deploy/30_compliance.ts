import { ethers } from "ethers";
import type { DeployFunction } from "hardhat-deploy/types";

/**
 * Compliance: a plain contract (no proxy hop on the transfer path), reading the identity registry's store. The
 * registry's first pipeline names no predecessor (serial 1); a successor is deployed by a later step naming the
 * newest pipeline, which the governor has approved (`approveSuccessor`) at the successor's address.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  const identity = await hre.deployments.get("IdentityRegistry");
  // The pipeline's English (explainTransfer, messageForTransferRestriction): a linked library, off the transfer path.
  const messages = await hre.deployments.deploy("ComplianceMessagesLib", { from: deployer, log: true });
  await hre.deployments.deploy("Compliance", {
    from: deployer,
    libraries: { ComplianceMessagesLib: messages.address },
    args: [authority.address, identity.address, ethers.ZeroAddress],
    log: true,
  });
};
func.tags = ["compliance", "core"];
func.dependencies = ["authority", "identity"];
export default func;
