import type { DeployFunction } from "hardhat-deploy/types";

/**
 * The LoyaltyExchange: a plain contract converting credits between loyalty programs on routes the alliance sets
 * (GOVERNOR, config/roles.ts). Deployed before the products: the LoyaltyCredit implementation (deploy/50_products.ts,
 * config/products.ts) names it as an immutable. Programs themselves are launched by merchants through the
 * AssetFactory (`issueLoyaltyProgram`).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  await hre.deployments.deploy("LoyaltyExchange", { from: deployer, args: [authority.address], log: true });
};
func.tags = ["loyalty", "core"];
func.dependencies = ["authority"];
export default func;
