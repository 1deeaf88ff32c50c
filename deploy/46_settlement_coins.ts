import type { DeployFunction } from "hardhat-deploy/types";
import { coins } from "../config/coins";

/**
 * Registers every settlement coin of config/coins.ts with the settlement engine (`ISettlement.setCoin`), so that
 * instruction legs may move them (issued assets are found in the authority's directory instead). Reads before it
 * writes: a second run sends nothing. Sends as the first of the deployer (the authority's ADMIN, which may call it
 * until the roles step applies config/roles.ts) and the governor (GOVERNOR in config/roles.ts); says so when
 * neither may.
 */
const func: DeployFunction = async (hre) => {
  const { deployments, ethers } = hre;
  const { deployer, governor } = await hre.getNamedAccounts();
  const authority = await ethers.getContractAt(
    "AllianceAuthority",
    (await deployments.get("AllianceAuthority")).address,
  );
  const engineAddress = (await deployments.get("Settlement")).address;
  const engine = await ethers.getContractAt("Settlement", engineAddress);
  const selector = engine.interface.getFunction("setCoin").selector;
  for (const coin of coins) {
    const coinAddress = (await deployments.get(coin.deployment)).address;
    if (await engine.isCoin(coinAddress)) continue;
    let from: string | undefined;
    for (const candidate of [deployer, governor]) {
      if (candidate && (await authority.canCall(candidate, engineAddress, selector))[0]) {
        from = candidate;
        break;
      }
    }
    if (!from) {
      deployments.log(
        `Settlement: ${coin.deployment} is not registered and neither the deployer nor the governor may call ` +
          `setCoin now; schedule setCoin(${coinAddress}, true) through the authority`,
      );
      continue;
    }
    await (await engine.connect(await ethers.getSigner(from)).setCoin(coinAddress, true)).wait();
    deployments.log(`Settlement: registered ${coin.deployment}`);
  }
};
func.tags = ["settlement-coins", "core"];
func.dependencies = ["settlement", "coins"];
export default func;
