import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Addressable } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ERC20 } from "../../typechain-types";

/** What `shouldBehaveLikeERC20` needs from a product's fixture. */
export interface ERC20Setup {
  /** The token (any contract speaking ERC-20 with the ERC-6093 errors). */
  token: Addressable;
  /** Holds the whole supply. May hold and receive the token. */
  initialHolder: HardhatEthersSigner;
  /** Holds nothing; may hold and receive the token. */
  recipient: HardhatEthersSigner;
  /** Holds nothing; may hold and receive the token. Used as the spender. */
  anotherAccount: HardhatEthersSigner;
  /** `totalSupply()`, all of it held by `initialHolder`; at least 3. */
  initialSupply: bigint;
}

/** The token's ERC-20 metadata. */
export interface ERC20Metadata {
  name: string;
  symbol: string;
  decimals: number;
}

/** The token seen through the ERC-20 ABI only, with the accounts of the setup. */
type Subject = Omit<ERC20Setup, "token"> & { token: ERC20 };

const ERC20_ARTIFACT = "@openzeppelin/contracts/token/ERC20/ERC20.sol:ERC20";

/**
 * EIP-20 as a reusable spec, with the ERC-6093 errors OpenZeppelin 5 reverts with. `setup` is a fixture (run
 * through `loadFixture`, so it must be a named function, the same one on every call) returning a token whose
 * three accounts may all hold it: the spec then checks only what EIP-20 promises, never a product's own rules.
 * Every rejection is checked to leave supply, balances and allowances as they were.
 */
export function shouldBehaveLikeERC20(setup: () => Promise<ERC20Setup>, metadata: ERC20Metadata): void {
  async function subject(): Promise<Subject> {
    const s = await loadFixture(setup);
    const token = (await ethers.getContractAt(ERC20_ARTIFACT, await s.token.getAddress())) as unknown as ERC20;
    return { ...s, token };
  }

  /** Everything EIP-20 exposes about the setup's accounts (and the zero address), as plain values. */
  async function stateOf(s: Subject) {
    const accounts = [s.initialHolder.address, s.recipient.address, s.anotherAccount.address, ethers.ZeroAddress];
    return {
      totalSupply: await s.token.totalSupply(),
      balances: await Promise.all(accounts.map((account) => s.token.balanceOf(account))),
      allowances: await Promise.all(
        accounts.flatMap((owner) => accounts.map((spender) => s.token.allowance(owner, spender))),
      ),
    };
  }

  describe("ERC-20", function () {
    describe("metadata", function () {
      it("returns the name", async function () {
        const { token } = await subject();
        expect(await token.name()).to.equal(metadata.name);
      });

      it("returns the symbol", async function () {
        const { token } = await subject();
        expect(await token.symbol()).to.equal(metadata.symbol);
      });

      it("returns the decimals", async function () {
        const { token } = await subject();
        expect(await token.decimals()).to.equal(BigInt(metadata.decimals));
      });
    });

    describe("totalSupply", function () {
      it("returns the initial supply", async function () {
        const { token, initialSupply } = await subject();
        expect(await token.totalSupply()).to.equal(initialSupply);
      });
    });

    describe("balanceOf", function () {
      context("when the account holds tokens", function () {
        it("returns its balance", async function () {
          const { token, initialHolder, initialSupply } = await subject();
          expect(await token.balanceOf(initialHolder.address)).to.equal(initialSupply);
        });
      });

      context("when the account holds none", function () {
        it("returns zero", async function () {
          const { token, recipient, anotherAccount } = await subject();
          expect(await token.balanceOf(recipient.address)).to.equal(0n);
          expect(await token.balanceOf(anotherAccount.address)).to.equal(0n);
          expect(await token.balanceOf(ethers.ZeroAddress)).to.equal(0n);
        });
      });
    });

    describe("transfer", function () {
      context("when the sender holds enough", function () {
        it("moves the amount from the sender to the recipient and emits Transfer", async function () {
          const s = await subject();
          const amount = s.initialSupply / 3n;
          await expect(s.token.connect(s.initialHolder).transfer(s.recipient.address, amount))
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.recipient.address, amount);
          expect(await s.token.balanceOf(s.initialHolder.address)).to.equal(s.initialSupply - amount);
          expect(await s.token.balanceOf(s.recipient.address)).to.equal(amount);
          expect(await s.token.totalSupply()).to.equal(s.initialSupply);
        });

        it("returns true", async function () {
          const s = await subject();
          expect(await s.token.connect(s.initialHolder).transfer.staticCall(s.recipient.address, 1n)).to.equal(true);
        });
      });

      context("when the sender transfers its whole balance", function () {
        it("leaves the sender with nothing and the recipient with everything", async function () {
          const s = await subject();
          await expect(s.token.connect(s.initialHolder).transfer(s.recipient.address, s.initialSupply))
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.recipient.address, s.initialSupply);
          expect(await s.token.balanceOf(s.initialHolder.address)).to.equal(0n);
          expect(await s.token.balanceOf(s.recipient.address)).to.equal(s.initialSupply);
        });
      });

      context("when the amount is zero", function () {
        it("emits Transfer with zero and moves nothing", async function () {
          const s = await subject();
          const before = await stateOf(s);
          await expect(s.token.connect(s.initialHolder).transfer(s.recipient.address, 0n))
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.recipient.address, 0n);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the sender sends to itself", function () {
        it("emits Transfer and leaves its balance as it was", async function () {
          const s = await subject();
          const before = await stateOf(s);
          const amount = s.initialSupply / 2n;
          await expect(s.token.connect(s.initialHolder).transfer(s.initialHolder.address, amount))
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.initialHolder.address, amount);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the sender holds less than the amount", function () {
        it("reverts with ERC20InsufficientBalance", async function () {
          const s = await subject();
          const before = await stateOf(s);
          const needed = s.initialSupply + 1n;
          await expect(s.token.connect(s.initialHolder).transfer(s.recipient.address, needed))
            .to.be.revertedWithCustomError(s.token, "ERC20InsufficientBalance")
            .withArgs(s.initialHolder.address, s.initialSupply, needed);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the sender holds nothing", function () {
        it("reverts with ERC20InsufficientBalance", async function () {
          const s = await subject();
          const before = await stateOf(s);
          await expect(s.token.connect(s.anotherAccount).transfer(s.recipient.address, 1n))
            .to.be.revertedWithCustomError(s.token, "ERC20InsufficientBalance")
            .withArgs(s.anotherAccount.address, 0n, 1n);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the recipient is the zero address", function () {
        it("reverts with ERC20InvalidReceiver", async function () {
          const s = await subject();
          const before = await stateOf(s);
          await expect(s.token.connect(s.initialHolder).transfer(ethers.ZeroAddress, 1n))
            .to.be.revertedWithCustomError(s.token, "ERC20InvalidReceiver")
            .withArgs(ethers.ZeroAddress);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });
    });

    describe("approve", function () {
      context("when the spender has no allowance", function () {
        it("sets the allowance and emits Approval", async function () {
          const s = await subject();
          const amount = s.initialSupply / 2n;
          await expect(s.token.connect(s.initialHolder).approve(s.anotherAccount.address, amount))
            .to.emit(s.token, "Approval")
            .withArgs(s.initialHolder.address, s.anotherAccount.address, amount);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(amount);
        });

        it("returns true", async function () {
          const s = await subject();
          expect(await s.token.connect(s.initialHolder).approve.staticCall(s.anotherAccount.address, 1n)).to.equal(
            true,
          );
        });

        it("moves no tokens", async function () {
          const s = await subject();
          await s.token.connect(s.initialHolder).approve(s.anotherAccount.address, s.initialSupply);
          expect(await s.token.balanceOf(s.initialHolder.address)).to.equal(s.initialSupply);
          expect(await s.token.balanceOf(s.anotherAccount.address)).to.equal(0n);
        });
      });

      context("when the spender already has an allowance", function () {
        it("replaces it rather than adding to it, and emits Approval", async function () {
          const s = await subject();
          const owner = s.token.connect(s.initialHolder);
          await owner.approve(s.anotherAccount.address, 100n);
          await expect(owner.approve(s.anotherAccount.address, 40n))
            .to.emit(s.token, "Approval")
            .withArgs(s.initialHolder.address, s.anotherAccount.address, 40n);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(40n);
        });

        it("revokes it when set to zero", async function () {
          const s = await subject();
          const owner = s.token.connect(s.initialHolder);
          await owner.approve(s.anotherAccount.address, 100n);
          await expect(owner.approve(s.anotherAccount.address, 0n))
            .to.emit(s.token, "Approval")
            .withArgs(s.initialHolder.address, s.anotherAccount.address, 0n);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(0n);
        });
      });

      context("when the amount exceeds the owner's balance", function () {
        it("sets it all the same", async function () {
          const s = await subject();
          const amount = s.initialSupply * 10n;
          await expect(s.token.connect(s.initialHolder).approve(s.anotherAccount.address, amount))
            .to.emit(s.token, "Approval")
            .withArgs(s.initialHolder.address, s.anotherAccount.address, amount);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(amount);
        });
      });

      context("when the owner holds nothing", function () {
        it("sets the allowance", async function () {
          const s = await subject();
          await expect(s.token.connect(s.recipient).approve(s.anotherAccount.address, 7n))
            .to.emit(s.token, "Approval")
            .withArgs(s.recipient.address, s.anotherAccount.address, 7n);
          expect(await s.token.allowance(s.recipient.address, s.anotherAccount.address)).to.equal(7n);
        });
      });

      context("when the spender is the zero address", function () {
        it("reverts with ERC20InvalidSpender", async function () {
          const s = await subject();
          const before = await stateOf(s);
          await expect(s.token.connect(s.initialHolder).approve(ethers.ZeroAddress, 1n))
            .to.be.revertedWithCustomError(s.token, "ERC20InvalidSpender")
            .withArgs(ethers.ZeroAddress);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });
    });

    describe("transferFrom", function () {
      /** The setup with `anotherAccount` allowed `allowance` of `initialHolder`'s tokens. */
      async function approved(allowance: bigint): Promise<Subject> {
        const s = await subject();
        await s.token.connect(s.initialHolder).approve(s.anotherAccount.address, allowance);
        return s;
      }

      context("when the spender has enough allowance and the owner enough balance", function () {
        it("moves the amount from the owner to the recipient and emits Transfer", async function () {
          const s = await approved(100n);
          await expect(
            s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, 60n),
          )
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.recipient.address, 60n);
          expect(await s.token.balanceOf(s.initialHolder.address)).to.equal(s.initialSupply - 60n);
          expect(await s.token.balanceOf(s.recipient.address)).to.equal(60n);
          expect(await s.token.balanceOf(s.anotherAccount.address)).to.equal(0n);
          expect(await s.token.totalSupply()).to.equal(s.initialSupply);
        });

        it("lowers the allowance by the amount", async function () {
          const s = await approved(100n);
          await s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, 60n);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(40n);
        });

        it("returns true", async function () {
          const s = await approved(100n);
          expect(
            await s.token
              .connect(s.anotherAccount)
              .transferFrom.staticCall(s.initialHolder.address, s.recipient.address, 60n),
          ).to.equal(true);
        });

        it("may send to the spender itself", async function () {
          const s = await approved(100n);
          await expect(
            s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.anotherAccount.address, 100n),
          )
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.anotherAccount.address, 100n);
          expect(await s.token.balanceOf(s.anotherAccount.address)).to.equal(100n);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(0n);
        });
      });

      context("when the amount equals the allowance", function () {
        it("spends the allowance to zero", async function () {
          const s = await approved(3n);
          await s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, 3n);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(0n);
          expect(await s.token.balanceOf(s.recipient.address)).to.equal(3n);
        });
      });

      context("when the allowance is the maximum uint256", function () {
        it("moves the tokens and leaves the allowance infinite", async function () {
          const s = await approved(ethers.MaxUint256);
          await expect(
            s.token
              .connect(s.anotherAccount)
              .transferFrom(s.initialHolder.address, s.recipient.address, s.initialSupply),
          )
            .to.emit(s.token, "Transfer")
            .withArgs(s.initialHolder.address, s.recipient.address, s.initialSupply);
          expect(await s.token.balanceOf(s.recipient.address)).to.equal(s.initialSupply);
          expect(await s.token.allowance(s.initialHolder.address, s.anotherAccount.address)).to.equal(
            ethers.MaxUint256,
          );
        });
      });

      context("when the spender has less allowance than the amount", function () {
        it("reverts with ERC20InsufficientAllowance", async function () {
          const s = await approved(99n);
          const before = await stateOf(s);
          await expect(
            s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, 100n),
          )
            .to.be.revertedWithCustomError(s.token, "ERC20InsufficientAllowance")
            .withArgs(s.anotherAccount.address, 99n, 100n);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the spender has no allowance", function () {
        it("reverts with ERC20InsufficientAllowance", async function () {
          const s = await subject();
          const before = await stateOf(s);
          await expect(s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, 1n))
            .to.be.revertedWithCustomError(s.token, "ERC20InsufficientAllowance")
            .withArgs(s.anotherAccount.address, 0n, 1n);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the owner holds less than the amount", function () {
        it("reverts with ERC20InsufficientBalance", async function () {
          const s = await approved(ethers.MaxUint256);
          const before = await stateOf(s);
          const needed = s.initialSupply + 1n;
          await expect(
            s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, s.recipient.address, needed),
          )
            .to.be.revertedWithCustomError(s.token, "ERC20InsufficientBalance")
            .withArgs(s.initialHolder.address, s.initialSupply, needed);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });

      context("when the recipient is the zero address", function () {
        it("reverts with ERC20InvalidReceiver", async function () {
          const s = await approved(100n);
          const before = await stateOf(s);
          await expect(s.token.connect(s.anotherAccount).transferFrom(s.initialHolder.address, ethers.ZeroAddress, 1n))
            .to.be.revertedWithCustomError(s.token, "ERC20InvalidReceiver")
            .withArgs(ethers.ZeroAddress);
          expect(await stateOf(s)).to.deep.equal(before);
        });
      });
    });
  });
}
