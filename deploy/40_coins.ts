import type { DeployFunction } from "hardhat-deploy/types";
import { coins } from "../config/coins";
import { deployProxy } from "../scripts/lib/deploy";

/**
 * The settlement coins of config/coins.ts, each a UUPS proxy of the one SettlementCoin implementation, which names
 * the settlement engine (`Settlement`, deploy/35_settlement.ts) as its holds' notary. The saved ABI includes
 * `IHoldable` (the hold functions run in the implementation's module, behind its fallback).
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const authority = await hre.deployments.get("AllianceAuthority");
  const identity = await hre.deployments.get("IdentityRegistry");
  const members = await hre.deployments.get("MemberRegistry");
  const settlement = await hre.deployments.get("Settlement");
  for (const coin of coins) {
    await deployProxy(hre, coin.deployment, {
      contract: "SettlementCoin",
      implementationName: "SettlementCoin_Implementation",
      constructorArgs: [settlement.address],
      abis: ["IHoldable"],
      from: deployer,
      initializer: "initialize",
      args: [
        authority.address,
        identity.address,
        members.address,
        coin.name,
        coin.symbol,
        coin.decimals,
        coin.holderPolicy,
        coin.maxAttestationAge,
      ],
    });
  }
};
func.tags = ["coins", "core"];
func.dependencies = ["authority", "identity", "members", "settlement"];
export default func;
