import type { DeployFunction } from "hardhat-deploy/types";

/**
 * The payment-gateway settlement: a plain contract, client of the settlement engine's hold desk (it is granted
 * SETTLEMENT_CLIENT by config/roles.ts `grants`, applied by deploy/90_roles.ts).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  const engine = await hre.deployments.get("Settlement");
  await hre.deployments.deploy("GatewaySettlement", {
    from: deployer,
    args: [authority.address, engine.address],
    log: true,
  });
};
func.tags = ["gateway", "core"];
func.dependencies = ["authority", "settlement"];
export default func;
