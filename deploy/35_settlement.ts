import type { DeployFunction } from "hardhat-deploy/types";

/**
 * The settlement engine: a plain contract (no proxy hop on the DvP path). Every token implementation names it as
 * its notary (an immutable, `IHoldable.settlementEngine()`), so it is deployed before the coins and products.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  await hre.deployments.deploy("Settlement", { from: deployer, args: [authority.address], log: true });
};
func.tags = ["settlement", "core"];
func.dependencies = ["authority"];
export default func;
