import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import type { Interface } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AccessManager } from "../../typechain-types";
import { placeholder } from "../helpers/abi";

/**
 * A UUPS contract upgraded through the alliance authority: only the UPGRADER may, and only by scheduling the
 * upgrade and waiting its execution delay; state survives; the storage layout is upgrade-safe.
 */
export function shouldBehaveLikeUpgradeable(
  contractName: string,
  setup: () => Promise<{
    authority: AccessManager;
    proxy: { getAddress(): Promise<string>; interface: Interface };
    upgrader: HardhatEthersSigner;
    strangers: HardhatEthersSigner[];
    /** A view of the state that must survive an upgrade. */
    snapshot: () => Promise<unknown>;
  }>,
  /** The implementation's constructor arguments (its immutables), when it takes any. */
  constructorArgs: () => Promise<unknown[]> = async () => [],
): void {
  describe(`${contractName} upgrades`, function () {
    it("has an upgrade-safe implementation (ERC-7201 storage, no constructor state)", async function () {
      const factory = await ethers.getContractFactory(contractName);
      const options = { kind: "uups" as const, constructorArgs: await constructorArgs() };
      await upgrades.validateImplementation(factory, options);
      await upgrades.validateUpgrade(factory, factory, options);
    });

    context("when the upgrader schedules the upgrade and waits its execution delay", function () {
      it("moves the proxy to the new implementation and keeps its state", async function () {
        const { authority, proxy, upgrader, snapshot } = await setup();
        const before = await snapshot();
        const implementation = await ethers.deployContract(contractName, await constructorArgs());
        const data = proxy.interface.encodeFunctionData("upgradeToAndCall", [await implementation.getAddress(), "0x"]);
        const target = await proxy.getAddress();
        const [, delay] = await authority.canCall(upgrader.address, target, data.slice(0, 10));
        expect(delay, "the upgrader's execution delay").to.be.greaterThan(0n);

        await expect(authority.connect(upgrader).execute(target, data)).to.be.revertedWithCustomError(
          authority,
          "AccessManagerNotScheduled",
        );
        await authority.connect(upgrader).schedule(target, data, 0);
        const operation = await authority.hashOperation(upgrader.address, target, data);
        await expect(authority.connect(upgrader).execute(target, data))
          .to.be.revertedWithCustomError(authority, "AccessManagerNotReady")
          .withArgs(operation);

        await time.increase(delay);
        await expect(authority.connect(upgrader).execute(target, data))
          .to.emit(proxy as never, "Upgraded")
          .withArgs(await implementation.getAddress());
        expect(await upgrades.erc1967.getImplementationAddress(target)).to.equal(await implementation.getAddress());
        expect(await snapshot()).to.deep.equal(before);
      });
    });

    context("when anyone else tries", function () {
      it("reverts with AccessManagedUnauthorized and keeps the implementation", async function () {
        const { proxy, strangers } = await setup();
        const target = await proxy.getAddress();
        const current = await upgrades.erc1967.getImplementationAddress(target);
        const implementation = await ethers.deployContract(contractName, await constructorArgs());
        const data = proxy.interface.encodeFunctionData("upgradeToAndCall", [await implementation.getAddress(), "0x"]);
        for (const stranger of strangers) {
          await expect(stranger.sendTransaction({ to: target, data }))
            .to.be.revertedWithCustomError(proxy as never, "AccessManagedUnauthorized")
            .withArgs(stranger.address);
        }
        expect(await upgrades.erc1967.getImplementationAddress(target)).to.equal(current);
      });
    });

    context("when the implementation is called directly", function () {
      it("cannot be initialized", async function () {
        const implementation = await ethers.deployContract(contractName, await constructorArgs());
        const fragment = implementation.interface.getFunction("initialize")!;
        const args = fragment.inputs.map(placeholder);
        await expect(implementation.getFunction("initialize")(...args)).to.be.revertedWithCustomError(
          implementation,
          "InvalidInitialization",
        );
      });
    });
  });
}
