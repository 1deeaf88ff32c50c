import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

const MAGIC_VALUE = "0x1626ba7e";
const INVALID = "0xffffffff";

async function walletFixture() {
  const [owner, other] = await ethers.getSigners();
  const wallet = await ethers.deployContract("ERC1271WalletMock", [owner.address]);
  const target = await ethers.deployContract("PlainERC20", [1000n]);
  return { owner, other, wallet, target };
}

/** The test-only contract wallet the EIP-3009 tests sign with: checked here so those tests can trust it. */
describe("ERC1271WalletMock", function () {
  describe("constructor", function () {
    it("records the owner", async function () {
      const { wallet, owner } = await loadFixture(walletFixture);
      expect(await wallet.owner()).to.equal(owner.address);
    });

    context("when the owner is the zero address", function () {
      it("reverts with ERC1271WalletMockInvalidOwner", async function () {
        const factory = await ethers.getContractFactory("ERC1271WalletMock");
        await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          factory,
          "ERC1271WalletMockInvalidOwner",
        );
      });
    });
  });

  describe("isValidSignature", function () {
    // The hash an EIP-712 signer signs: what tokens hand to a contract wallet.
    const domain = { name: "Test", version: "1", chainId: 31337n };
    const types = { Message: [{ name: "contents", type: "string" }] };
    const message = { contents: "some message" };
    const hash = ethers.TypedDataEncoder.hash(domain, types, message);

    it("returns the ERC-1271 magic value for the owner's signature of the hash", async function () {
      const { wallet, owner } = await loadFixture(walletFixture);
      const signature = await owner.signTypedData(domain, types, message);
      expect(await wallet.isValidSignature(hash, signature)).to.equal(MAGIC_VALUE);
    });

    context("when another key signed", function () {
      it("returns 0xffffffff", async function () {
        const { wallet, other } = await loadFixture(walletFixture);
        const signature = await other.signTypedData(domain, types, message);
        expect(await wallet.isValidSignature(hash, signature)).to.equal(INVALID);
      });
    });

    context("when the owner signed another hash", function () {
      it("returns 0xffffffff", async function () {
        const { wallet, owner } = await loadFixture(walletFixture);
        const signature = await owner.signTypedData(domain, types, { contents: "another message" });
        expect(await wallet.isValidSignature(hash, signature)).to.equal(INVALID);
      });
    });

    context("when the signature is malformed", function () {
      it("returns 0xffffffff instead of reverting", async function () {
        const { wallet } = await loadFixture(walletFixture);
        expect(await wallet.isValidSignature(hash, "0x")).to.equal(INVALID);
        expect(await wallet.isValidSignature(hash, ethers.hexlify(ethers.randomBytes(65)))).to.equal(INVALID);
      });
    });
  });

  describe("execute", function () {
    it("calls the target as the wallet and emits Executed", async function () {
      const { wallet, owner, target } = await loadFixture(walletFixture);
      const walletAddress = await wallet.getAddress();
      await target.transfer(walletAddress, 100n);
      const data = target.interface.encodeFunctionData("transfer", [owner.address, 30n]);
      const result = ethers.AbiCoder.defaultAbiCoder().encode(["bool"], [true]);
      await expect(wallet.connect(owner).execute(await target.getAddress(), data))
        .to.emit(wallet, "Executed")
        .withArgs(await target.getAddress(), data, result)
        .and.to.emit(target, "Transfer")
        .withArgs(walletAddress, owner.address, 30n);
      expect(await target.balanceOf(walletAddress)).to.equal(70n);
    });

    context("when the call reverts", function () {
      it("bubbles the target's error up", async function () {
        const { wallet, owner, target } = await loadFixture(walletFixture);
        const data = target.interface.encodeFunctionData("transfer", [owner.address, 1n]);
        await expect(wallet.connect(owner).execute(await target.getAddress(), data))
          .to.be.revertedWithCustomError(target, "ERC20InsufficientBalance")
          .withArgs(await wallet.getAddress(), 0n, 1n);
      });
    });

    context("when the caller is not the owner", function () {
      it("reverts with ERC1271WalletMockNotOwner", async function () {
        const { wallet, other, owner, target } = await loadFixture(walletFixture);
        const walletAddress = await wallet.getAddress();
        await target.transfer(walletAddress, 100n);
        const data = target.interface.encodeFunctionData("transfer", [other.address, 30n]);
        await expect(wallet.connect(other).execute(await target.getAddress(), data))
          .to.be.revertedWithCustomError(wallet, "ERC1271WalletMockNotOwner")
          .withArgs(other.address);
        expect(await target.balanceOf(walletAddress)).to.equal(100n);
        expect(await target.balanceOf(other.address)).to.equal(0n);
        expect(await wallet.owner()).to.equal(owner.address);
      });
    });
  });
});
