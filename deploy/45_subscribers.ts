import type { DeployFunction } from "hardhat-deploy/types";
import { coins } from "../config/coins";

/**
 * Subscribes every settlement coin of config/coins.ts to the identity and member registries
 * (`IEligibilityPublisher.addSubscriber`), so that every change that can make a holder less eligible reaches every
 * coin in the same transaction. Reads before it writes: a second run sends nothing. Sends as the first of the
 * deployer (the authority's ADMIN, which may call it until the roles step applies config/roles.ts) and the
 * governor (GOVERNOR in config/roles.ts) that may call `addSubscriber` at once; says so when neither may.
 */
const func: DeployFunction = async (hre) => {
  const { deployments, ethers } = hre;
  const { deployer, governor } = await hre.getNamedAccounts();
  const authority = await ethers.getContractAt(
    "AllianceAuthority",
    (await deployments.get("AllianceAuthority")).address,
  );
  for (const registryName of ["IdentityRegistry", "MemberRegistry"]) {
    const registryAddress = (await deployments.get(registryName)).address;
    const registry = await ethers.getContractAt("IEligibilityPublisher", registryAddress);
    const selector = registry.interface.getFunction("addSubscriber").selector;
    const subscribed = new Set((await registry.subscribers()).map((address) => address.toLowerCase()));
    for (const coin of coins) {
      const coinAddress = (await deployments.get(coin.deployment)).address;
      if (subscribed.has(coinAddress.toLowerCase())) continue;
      let from: string | undefined;
      for (const candidate of [deployer, governor]) {
        if (candidate && (await authority.canCall(candidate, registryAddress, selector))[0]) {
          from = candidate;
          break;
        }
      }
      if (!from) {
        deployments.log(
          `${registryName}: ${coin.deployment} is not subscribed and neither the deployer nor the governor may ` +
            `call addSubscriber now; schedule addSubscriber(${coinAddress}) through the authority`,
        );
        continue;
      }
      await (await registry.connect(await ethers.getSigner(from)).addSubscriber(coinAddress)).wait();
      deployments.log(`${registryName}: subscribed ${coin.deployment}`);
    }
  }
};
func.tags = ["subscribers", "core"];
func.dependencies = ["coins", "identity", "members"];
export default func;
