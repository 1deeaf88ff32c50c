import type { DeployFunction } from "hardhat-deploy/types";

/**
 * The settlement engine: a plain contract (no proxy hop on the DvP path). Every token implementation names it as
 * its notary (an immutable, `IHoldable.settlementEngine()`), so it is deployed before the coins and products.
 * Its constructor creates the batch net-settlement module (`NetSettlement`, behind the engine's fallback): the
 * saved ABI includes `INetSettlement`, so the roles step and dApps see the module's functions at the engine.
 */
const func: DeployFunction = async (hre) => {
  const { deployer } = await hre.getNamedAccounts();
  const { deployments } = hre;
  const authority = await deployments.get("AllianceAuthority");
  const engine = await deployments.deploy("Settlement", { from: deployer, args: [authority.address], log: true });
  // A function, event or error once, whichever ABI declares it.
  const key = (fragment: { type: string }) =>
    ["function", "event", "error"].includes(fragment.type)
      ? `${fragment.type} ${hre.ethers.Fragment.from(fragment).format("sighash")}`
      : fragment.type;
  const seen = new Set(engine.abi.map(key));
  const abi = [...engine.abi];
  for (const fragment of (await deployments.getExtendedArtifact("INetSettlement")).abi) {
    if (seen.has(key(fragment))) continue;
    seen.add(key(fragment));
    abi.push(fragment);
  }
  if (abi.length !== engine.abi.length) await deployments.save("Settlement", { ...engine, abi });
};
func.tags = ["settlement", "core"];
func.dependencies = ["authority"];
export default func;
