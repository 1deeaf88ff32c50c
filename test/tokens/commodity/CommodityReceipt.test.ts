import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { ProductType } from "../../../sdk/assets";
import { Restriction } from "../../../sdk/restrictions";
import { lotAmount, storageFeeOf } from "../../../sdk/products/commodity";
import { investorId } from "../../identity/helpers";
import { DAY, COMMODITY, issueLot, receiptFixture, specOf } from "./receipt";

const LotOrigin = { None: 0n, Deposit: 1n, Reissue: 2n, Split: 3n, Merge: 4n };
const PledgeState = { None: 0n, Active: 1n, Released: 2n, Enforced: 3n };
const DeliveryState = { None: 0n, Requested: 1n, Confirmed: 2n, Rejected: 3n };

/** One lot of 1,000 kg deposited with the custodian for alice. */
async function withLot() {
  const f = await receiptFixture();
  const id = await issueLot(f.lots, f.accounts.custodian, f.accounts.alice.address, 1_000n);
  return { ...f, id };
}

describe("CommodityReceipt", function () {
  describe("issue through the factory", function () {
    it("is a CommodityReceipt asset with its market, instrument and compliance", async function () {
      const { receipt, lots, contracts, asset, accounts } = await loadFixture(receiptFixture);
      expect(await contracts.authority.productOf(asset)).to.equal(BigInt(ProductType.CommodityReceipt));
      expect(await receipt.productType()).to.equal(BigInt(ProductType.CommodityReceipt));
      expect(await receipt.commodityCode()).to.equal(ethers.encodeBytes32String(COMMODITY));
      expect(await receipt.compliance()).to.equal(await contracts.compliance.getAddress());
      expect(await receipt.settlementEngine()).to.equal(await contracts.settlement.getAddress());
      expect((await lots.instrument()).issuer).to.equal(accounts.issuer.address);
      expect((await contracts.factory.assetInfo(asset)).instrument.name).to.equal("Copper cathode, grade A");
      expect(await receipt.uri(1n)).to.equal("https://receipts.example/{id}");
      expect(await contracts.compliance.isConfigured(asset)).to.equal(true);
    });

    it("answers ERC-165 for ERC-1155 and its metadata URI", async function () {
      const { receipt } = await loadFixture(receiptFixture);
      expect(await receipt.supportsInterface("0xd9b67a26")).to.equal(true);
      expect(await receipt.supportsInterface("0x0e89341c")).to.equal(true);
      expect(await receipt.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await receipt.supportsInterface("0xffffffff")).to.equal(false);
    });

    it("refuses initial documents (nothing is issued)", async function () {
      const { contracts, accounts } = await loadFixture(receiptFixture);
      const { issueAsset } = await import("../../fixtures/assets");
      const { encodeReceiptTerms } = await import("../../../sdk/products/commodity");
      const lots = await ethers.getContractAt("ICommodityReceiptLots", ethers.ZeroAddress);
      const before = await contracts.factory.assetCount();
      await expect(
        issueAsset(contracts.factory, accounts.issuer, {
          productType: ProductType.CommodityReceipt,
          terms: encodeReceiptTerms({ commodityCode: COMMODITY, uri: "" }),
          documents: [{ name: ethers.id("doc"), uri: "ipfs://x", documentHash: ethers.id("x") }],
        }),
      ).to.be.revertedWithCustomError(lots, "CommodityReceiptDocumentsUnsupported");
      expect(await contracts.factory.assetCount()).to.equal(before);
    });
  });

  describe("issueLot", function () {
    it("issues a lot on deposit to a verified owner", async function () {
      const { receipt, lots, accounts } = await loadFixture(receiptFixture);
      const { custodian, alice } = accounts;
      const spec = await specOf(custodian.address);
      const specId = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["tuple(bytes32,bytes32,bytes6,address,bytes32,bytes32,uint48)"],
          [Object.values(spec)],
        ),
      );
      await expect(lots.connect(custodian).issueLot(spec, 1_000n, alice.address))
        .to.emit(lots, "LotIssued")
        .withArgs(1n, alice.address, specId, 1_000n, LotOrigin.Deposit, 0n)
        .and.to.emit(lots, "LotSpecRecorded")
        .and.to.emit(receipt, "TransferSingle")
        .withArgs(custodian.address, ethers.ZeroAddress, alice.address, 1n, 1_000n);
      expect(await receipt.balanceOf(alice.address, 1n)).to.equal(1_000n);
      expect(await receipt.totalSupply(1n)).to.equal(1_000n);
      expect(await receipt.quantityOf(alice.address)).to.equal(1_000n);
      expect(await receipt.holderCount()).to.equal(1n);
      expect(await receipt.holdingWalletCount()).to.equal(1n);
      expect(await receipt.investorBalanceOf(alice.address)).to.equal(1_000n);
      const lot = await receipt.lot(1n);
      expect(lot.specId).to.equal(specId);
      expect(lot.quantity).to.equal(1_000n);
      expect(lot.origin).to.equal(LotOrigin.Deposit);
      expect((await lots.specOf(1n)).warehouse).to.equal(custodian.address);
      expect(await receipt.lotCount()).to.equal(1n);
    });

    context("when the input is bad", function () {
      it("reverts with CommodityReceiptNotCustodian for another warehouse's lot", async function () {
        const { lots, accounts, depot, receipt } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address);
        await expect(lots.connect(depot).issueLot(spec, 1n, accounts.alice.address))
          .to.be.revertedWithCustomError(lots, "CommodityReceiptNotCustodian")
          .withArgs(depot.address, 0n, accounts.custodian.address);
        expect(await receipt.lotCount()).to.equal(0n);
      });

      it("reverts with CommodityReceiptWrongCommodity for another market's spec", async function () {
        const { lots, accounts } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address, { commodityCode: "AL-INGOT" });
        await expect(
          lots.connect(accounts.custodian).issueLot(spec, 1n, accounts.alice.address),
        ).to.be.revertedWithCustomError(lots, "CommodityReceiptWrongCommodity");
      });

      it("reverts with CommodityReceiptInvalidSpec for a storage expiry in the past", async function () {
        const { lots, accounts } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address, { storageExpiry: 1n });
        await expect(
          lots.connect(accounts.custodian).issueLot(spec, 1n, accounts.alice.address),
        ).to.be.revertedWithCustomError(lots, "CommodityReceiptInvalidSpec");
      });

      it("reverts with CommodityReceiptInvalidQuantity for zero or beyond 96 bits", async function () {
        const { lots, accounts } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address);
        for (const quantity of [0n, 2n ** 96n]) {
          await expect(lots.connect(accounts.custodian).issueLot(spec, quantity, accounts.alice.address))
            .to.be.revertedWithCustomError(lots, "CommodityReceiptInvalidQuantity")
            .withArgs(quantity);
        }
      });

      it("reverts with CommodityReceiptTransferRestricted for an unverified owner, as the pipeline explains", async function () {
        const { lots, receipt, accounts, contracts, asset } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address);
        await expect(lots.connect(accounts.custodian).issueLot(spec, 5n, accounts.stranger.address))
          .to.be.revertedWithCustomError(lots, "CommodityReceiptTransferRestricted")
          .withArgs(ethers.ZeroAddress, accounts.stranger.address, 5n, Restriction.RecipientNotVerified);
        const why = await contracts.compliance.explainTransfer(
          asset,
          ethers.ZeroAddress,
          accounts.stranger.address,
          5n,
        );
        expect(why.code).to.equal(BigInt(Restriction.RecipientNotVerified));
        expect(why.party).to.equal(accounts.stranger.address);
        expect(await receipt.lotCount()).to.equal(0n);
      });
    });

    context("when the custodian is suspended", function () {
      it("reverts with AccessManagedUnauthorized (its CUSTODIAN role is gone)", async function () {
        const { lots, receipt, accounts, contracts } = await loadFixture(receiptFixture);
        const spec = await specOf(accounts.custodian.address);
        await contracts.members
          .connect(accounts.governor)
          .suspendMember(accounts.custodian.address, ethers.id("audit"));
        await expect(lots.connect(accounts.custodian).issueLot(spec, 1n, accounts.alice.address))
          .to.be.revertedWithCustomError(receipt, "AccessManagedUnauthorized")
          .withArgs(accounts.custodian.address);
      });
    });
  });

  describe("ERC-1155 transfers", function () {
    it("moves part of a lot between verified holders (compliance asked, memos kept)", async function () {
      const { receipt, accounts, id } = await loadFixture(withLot);
      const { alice, bob } = accounts;
      await expect(receipt.connect(alice).safeTransferFrom(alice.address, bob.address, id, 400n, "0x"))
        .to.emit(receipt, "TransferSingle")
        .withArgs(alice.address, alice.address, bob.address, id, 400n);
      expect(await receipt.balanceOfBatch([alice.address, bob.address], [id, id])).to.deep.equal([600n, 400n]);
      expect(await receipt.holderCount()).to.equal(2n);
      // A second transfer uses the memos: same result.
      await receipt.connect(bob).safeTransferFrom(bob.address, alice.address, id, 400n, "0x");
      expect(await receipt.balanceOf(alice.address, id)).to.equal(1_000n);
      expect(await receipt.holderCount()).to.equal(1n);
      expect(await receipt.holdingWalletCount()).to.equal(1n);
    });

    it("moves several lots in one batch", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const second = await issueLot(lots, accounts.custodian, accounts.alice.address, 50n);
      await expect(
        receipt
          .connect(accounts.alice)
          .safeBatchTransferFrom(accounts.alice.address, accounts.bob.address, [id, second], [1n, 50n], "0x"),
      )
        .to.emit(receipt, "TransferBatch")
        .withArgs(accounts.alice.address, accounts.alice.address, accounts.bob.address, [id, second], [1n, 50n]);
      expect(await receipt.quantityOf(accounts.bob.address)).to.equal(51n);
      expect(await receipt.quantityOf(accounts.alice.address)).to.equal(999n);
    });

    it("lets an approved operator transfer, and refuses an operator without approval", async function () {
      const { receipt, accounts, id } = await loadFixture(withLot);
      const { alice, bob, carol } = accounts;
      await expect(receipt.connect(carol).safeTransferFrom(alice.address, bob.address, id, 1n, "0x"))
        .to.be.revertedWithCustomError(receipt, "ERC1155MissingApprovalForAll")
        .withArgs(carol.address, alice.address);
      await expect(receipt.connect(alice).setApprovalForAll(carol.address, true))
        .to.emit(receipt, "ApprovalForAll")
        .withArgs(alice.address, carol.address, true);
      expect(await receipt.isApprovedForAll(alice.address, carol.address)).to.equal(true);
      await receipt.connect(carol).safeTransferFrom(alice.address, bob.address, id, 1n, "0x");
      expect(await receipt.balanceOf(bob.address, id)).to.equal(1n);
    });

    it("reverts with ERC1155InsufficientBalance beyond the balance (nothing moves)", async function () {
      const { receipt, accounts, id } = await loadFixture(withLot);
      await expect(
        receipt
          .connect(accounts.alice)
          .safeTransferFrom(accounts.alice.address, accounts.bob.address, id, 1_001n, "0x"),
      )
        .to.be.revertedWithCustomError(receipt, "ERC1155InsufficientBalance")
        .withArgs(accounts.alice.address, 1_000n, 1_001n, id);
      expect(await receipt.balanceOf(accounts.alice.address, id)).to.equal(1_000n);
    });

    it("reverts with CommodityReceiptTransferRestricted for a recipient the market's rules refuse", async function () {
      const { receipt, accounts, contracts, asset, id } = await loadFixture(withLot);
      await contracts.compliance.connect(accounts.regulator).setCountriesBlocked(asset, [250], true);
      await expect(
        receipt.connect(accounts.alice).safeTransferFrom(accounts.alice.address, accounts.carol.address, id, 1n, "0x"),
      )
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptTransferRestricted")
        .withArgs(accounts.alice.address, accounts.carol.address, 1n, Restriction.CountryBlocked);
      expect(
        await contracts.compliance.detectTransferRestriction(asset, accounts.alice.address, accounts.carol.address, 1n),
      ).to.equal(Restriction.CountryBlocked);
      expect(await receipt.balanceOf(accounts.carol.address, id)).to.equal(0n);
    });

    it("reverts with ERC1155InvalidReceiver for a contract that does not accept ERC-1155 (a verified wallet)", async function () {
      const { receipt, accounts, contracts, id } = await loadFixture(withLot);
      const plain = await ethers.deployContract("PlainERC20", [0n]);
      const expiry = BigInt(await time.latest()) + 365n * DAY;
      await contracts.identity
        .connect(accounts.kycProvider)
        .registerInvestor(investorId("contract"), 156, 3n, expiry, [await plain.getAddress()]);
      await expect(
        receipt
          .connect(accounts.alice)
          .safeTransferFrom(accounts.alice.address, await plain.getAddress(), id, 1n, "0x"),
      )
        .to.be.revertedWithCustomError(receipt, "ERC1155InvalidReceiver")
        .withArgs(await plain.getAddress());
    });

    it("calls a contract receiver's acceptance hook with the operator, sender, lot and data", async function () {
      const { receipt, lots, accounts, contracts, id } = await loadFixture(withLot);
      const wallet = await ethers.deployContract("ERC1155ReceiverMock");
      const address = await wallet.getAddress();
      const expiry = BigInt(await time.latest()) + 365n * DAY;
      await contracts.identity
        .connect(accounts.kycProvider)
        .registerInvestor(investorId("receiver"), 156, 3n, expiry, [address]);
      await expect(receipt.connect(accounts.alice).safeTransferFrom(accounts.alice.address, address, id, 7n, "0x1234"))
        .to.emit(wallet, "Received")
        .withArgs(accounts.alice.address, accounts.alice.address, id, 7n, "0x1234");
      const second = await issueLot(lots, accounts.custodian, accounts.alice.address, 3n);
      await expect(
        receipt
          .connect(accounts.alice)
          .safeBatchTransferFrom(accounts.alice.address, address, [id, second], [1n, 3n], "0x"),
      )
        .to.emit(wallet, "BatchReceived")
        .withArgs(accounts.alice.address, accounts.alice.address, [id, second], [1n, 3n], "0x");
      expect(await receipt.quantityOf(address)).to.equal(11n);
    });

    it("reverts for the zero receiver", async function () {
      const { receipt, accounts, id } = await loadFixture(withLot);
      await expect(
        receipt.connect(accounts.alice).safeTransferFrom(accounts.alice.address, ethers.ZeroAddress, id, 1n, "0x"),
      )
        .to.be.revertedWithCustomError(receipt, "ERC1155InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("a market that does not track quantities", function () {
    async function untrackedFixture() {
      const { encodeReceiptTerms } = await import("../../../sdk/products/commodity");
      const f = await receiptFixture({
        terms: encodeReceiptTerms({ commodityCode: COMMODITY, uri: "" }),
        rules: { countryBlockList: true },
      });
      const id = await issueLot(f.lots, f.accounts.custodian, f.accounts.alice.address, 100n);
      return { ...f, id };
    }

    it("counts lots and holders without quantities", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(untrackedFixture);
      const { alice, bob } = accounts;
      expect(await receipt.tracksQuantities()).to.equal(false);
      await receipt.connect(alice).safeTransferFrom(alice.address, bob.address, id, 40n, "0x");
      await lots.connect(alice).split(id, [10n, 10n]);
      expect(await receipt.lotsHeldBy(alice.address)).to.equal(3n);
      expect(await receipt.lotsHeldBy(bob.address)).to.equal(1n);
      expect(await receipt.holderCount()).to.equal(2n);
      await receipt.connect(bob).safeTransferFrom(bob.address, alice.address, id, 40n, "0x");
      expect(await receipt.lotsHeldBy(bob.address)).to.equal(0n);
      expect(await receipt.holderCount()).to.equal(1n);
      await expect(receipt.quantityOf(alice.address)).to.be.revertedWithCustomError(
        receipt,
        "CommodityReceiptQuantitiesNotTracked",
      );
    });

    it("fails closed under a per-investor balance cap (investorBalanceOf reverts)", async function () {
      const { receipt, accounts, contracts, asset, id } = await loadFixture(untrackedFixture);
      // bob holds: the cap then asks the receipt for his investor's balance.
      await receipt
        .connect(accounts.alice)
        .safeTransferFrom(accounts.alice.address, accounts.bob.address, id, 1n, "0x");
      await contracts.compliance.connect(accounts.regulator).setMaxBalance(asset, 1_000n);
      const { assetRules } = await import("../../../sdk/rules");
      await contracts.compliance
        .connect(accounts.regulator)
        .configureAsset(asset, assetRules({ countryBlockList: true, maxBalance: true }));
      await expect(
        receipt.connect(accounts.alice).safeTransferFrom(accounts.alice.address, accounts.bob.address, id, 1n, "0x"),
      ).to.be.revertedWithCustomError(receipt, "CommodityReceiptQuantitiesNotTracked");
      expect(await receipt.balanceOf(accounts.bob.address, id)).to.equal(1n);
    });
  });

  describe("split and merge", function () {
    it("splits available units into new lots of the same spec, conserving quantity", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const alice = accounts.alice;
      await expect(lots.connect(alice).split(id, [100n, 200n]))
        .to.emit(lots, "LotSplit")
        .withArgs(id, alice.address, 300n, [2n, 3n]);
      expect(await receipt.balanceOfBatch([alice.address, alice.address, alice.address], [id, 2n, 3n])).to.deep.equal([
        700n,
        100n,
        200n,
      ]);
      expect(await receipt.totalSupply(id)).to.equal(700n);
      expect(await receipt.quantityOf(alice.address)).to.equal(1_000n);
      const child = await receipt.lot(2n);
      expect(child.specId).to.equal((await receipt.lot(id)).specId);
      expect(child.origin).to.equal(LotOrigin.Split);
      expect(child.parent).to.equal(id);
    });

    it("merges whole holdings of lots of one spec into one lot", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const alice = accounts.alice;
      await lots.connect(alice).split(id, [100n, 200n]);
      await expect(lots.connect(alice).merge([id, 2n, 3n]))
        .to.emit(lots, "LotsMerged")
        .withArgs([id, 2n, 3n], alice.address, 4n, 1_000n);
      expect(await receipt.balanceOf(alice.address, 4n)).to.equal(1_000n);
      for (const old of [id, 2n, 3n]) expect(await receipt.totalSupply(old)).to.equal(0n);
      expect((await receipt.lot(4n)).origin).to.equal(LotOrigin.Merge);
    });

    it("reverts with CommodityReceiptSpecMismatch for lots of different specs", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const other = await issueLot(lots, accounts.custodian, accounts.alice.address, 5n, {
        certificateHash: ethers.id("inspection 2"),
      });
      await expect(lots.connect(accounts.alice).merge([id, other]))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptSpecMismatch")
        .withArgs(id, other);
      expect(await receipt.balanceOf(accounts.alice.address, id)).to.equal(1_000n);
    });

    it("reverts with CommodityReceiptInvalidMerge for fewer than two or unordered ids", async function () {
      const { lots, accounts, id } = await loadFixture(withLot);
      await lots.connect(accounts.alice).split(id, [1n]);
      await expect(lots.connect(accounts.alice).merge([id])).to.be.revertedWithCustomError(
        lots,
        "CommodityReceiptInvalidMerge",
      );
      await expect(lots.connect(accounts.alice).merge([2n, id])).to.be.revertedWithCustomError(
        lots,
        "CommodityReceiptInvalidMerge",
      );
    });

    it("never splits pledged units away (CommodityReceiptInsufficientAvailable)", async function () {
      const { receipt, lots, accounts, bank, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 900n);
      await expect(lots.connect(accounts.alice).split(id, [101n]))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptInsufficientAvailable")
        .withArgs(accounts.alice.address, id, 100n, 101n);
      await expect(lots.connect(accounts.alice).split(id, [])).to.be.revertedWithCustomError(
        lots,
        "CommodityReceiptEmptySplit",
      );
      expect(await receipt.lotCount()).to.equal(1n);
    });
  });

  describe("reissueLot (correction)", function () {
    it("burns the old lot and issues a linked one of the same quantity to its holder", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const corrected = await specOf(accounts.custodian.address, { certificateHash: ethers.id("re-inspection") });
      await expect(
        lots.connect(accounts.custodian).reissueLot(id, accounts.alice.address, corrected, ethers.id("typo")),
      )
        .to.emit(lots, "LotReissued")
        .withArgs(id, 2n, accounts.custodian.address, ethers.id("typo"));
      expect(await receipt.successorOf(id)).to.equal(2n);
      expect(await receipt.totalSupply(id)).to.equal(0n);
      expect(await receipt.balanceOf(accounts.alice.address, 2n)).to.equal(1_000n);
      expect((await receipt.lot(2n)).parent).to.equal(id);
      expect((await lots.specOf(2n)).certificateHash).to.equal(ethers.id("re-inspection"));
      expect(await receipt.quantityOf(accounts.alice.address)).to.equal(1_000n);
    });

    it("reverts with CommodityReceiptNotCorrectable while units are pledged or spread over holders", async function () {
      const { receipt, lots, accounts, bank, id } = await loadFixture(withLot);
      const spec = await specOf(accounts.custodian.address);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 1n);
      await expect(lots.connect(accounts.custodian).reissueLot(id, accounts.alice.address, spec, ethers.ZeroHash))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptNotCorrectable")
        .withArgs(id);
      await receipt.connect(bank).releasePledge(1n);
      await receipt
        .connect(accounts.alice)
        .safeTransferFrom(accounts.alice.address, accounts.bob.address, id, 1n, "0x");
      await expect(
        lots.connect(accounts.custodian).reissueLot(id, accounts.alice.address, spec, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(lots, "CommodityReceiptNotCorrectable");
      expect(await receipt.successorOf(id)).to.equal(0n);
    });

    it("reverts with CommodityReceiptNotCustodian for another custodian, and CommodityReceiptUnknownLot", async function () {
      const { lots, accounts, depot, id } = await loadFixture(withLot);
      const spec = await specOf(depot.address);
      await expect(lots.connect(depot).reissueLot(id, accounts.alice.address, spec, ethers.ZeroHash))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptNotCustodian")
        .withArgs(depot.address, 0n, accounts.custodian.address);
      await expect(lots.connect(depot).reissueLot(99n, accounts.alice.address, spec, ethers.ZeroHash))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptUnknownLot")
        .withArgs(99n);
    });
  });

  describe("pledge registry", function () {
    it("pledges units to a lender, who alone holds a pledge on the lot", async function () {
      const { receipt, accounts, bank, id } = await loadFixture(withLot);
      await expect(receipt.connect(accounts.alice).pledge(id, bank.address, 600n))
        .to.emit(receipt, "Pledged")
        .withArgs(1n, id, accounts.alice.address, bank.address, 600n);
      expect(await receipt.pledgedOf(id, accounts.alice.address)).to.equal(600n);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(600n);
      expect(await receipt.availableOf(accounts.alice.address, id)).to.equal(400n);
      expect(await receipt.balanceOf(accounts.alice.address, id)).to.equal(1_000n);
      expect(await receipt.pledgesOfLot(id)).to.deep.equal([1n]);
      expect(await receipt.isSolePledgee(1n)).to.equal(true);
      expect(await receipt.hasExclusivePledge(bank.address, id)).to.equal(true);
      const p = await receipt.pledgeOf(1n);
      expect([p.owner, p.lotId, p.state, p.lender, p.quantity]).to.deep.equal([
        accounts.alice.address,
        id,
        PledgeState.Active,
        bank.address,
        600n,
      ]);
    });

    it("never moves or pledges again pledged units", async function () {
      const { receipt, accounts, bank, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 600n);
      await expect(
        receipt.connect(accounts.alice).safeTransferFrom(accounts.alice.address, accounts.bob.address, id, 401n, "0x"),
      )
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptInsufficientAvailable")
        .withArgs(accounts.alice.address, id, 400n, 401n);
      await expect(receipt.connect(accounts.alice).pledge(id, accounts.bob.address, 401n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptInsufficientAvailable")
        .withArgs(accounts.alice.address, id, 400n, 401n);
      expect(await receipt.pledgesOfLot(id)).to.deep.equal([1n]);
    });

    it("tells a bank another lender holds a pledge on the lot", async function () {
      const { receipt, accounts, bank, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 600n);
      await receipt.connect(accounts.alice).pledge(id, accounts.bob.address, 100n);
      expect(await receipt.isSolePledgee(1n)).to.equal(false);
      expect(await receipt.hasExclusivePledge(bank.address, id)).to.equal(false);
      await receipt.connect(accounts.bob).releasePledge(2n);
      expect(await receipt.isSolePledgee(1n)).to.equal(true);
      expect(await receipt.isSolePledgee(2n)).to.equal(false);
    });

    it("releases: only the lender, once", async function () {
      const { receipt, accounts, bank, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 600n);
      await expect(receipt.connect(accounts.alice).releasePledge(1n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptNotLender")
        .withArgs(accounts.alice.address, 1n, bank.address);
      await expect(receipt.connect(bank).releasePledge(1n))
        .to.emit(receipt, "PledgeReleased")
        .withArgs(1n, id, bank.address, 600n);
      expect(await receipt.availableOf(accounts.alice.address, id)).to.equal(1_000n);
      expect(await receipt.pledgedOf(id, accounts.alice.address)).to.equal(0n);
      await expect(receipt.connect(bank).releasePledge(1n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptPledgeNotActive")
        .withArgs(1n, PledgeState.Released);
    });

    it("enforces on default: the pledged units move to the lender, even once the owner lost its KYC", async function () {
      const { receipt, accounts, bank, contracts, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 600n);
      await contracts.identity.connect(accounts.kycProvider).removeInvestor(investorId("alice"));
      await expect(receipt.connect(bank).enforcePledge(1n))
        .to.emit(receipt, "PledgeEnforced")
        .withArgs(1n, id, bank.address, accounts.alice.address, 600n)
        .and.to.emit(receipt, "TransferSingle")
        .withArgs(bank.address, accounts.alice.address, bank.address, id, 600n);
      expect(await receipt.balanceOf(bank.address, id)).to.equal(600n);
      expect(await receipt.balanceOf(accounts.alice.address, id)).to.equal(400n);
      expect((await receipt.pledgeOf(1n)).state).to.equal(PledgeState.Enforced);
      expect(await receipt.holderCount()).to.equal(2n);
    });

    it("does not enforce to a lender the market refuses (the pledge stays Active)", async function () {
      const { receipt, accounts, bank, contracts, asset, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 600n);
      await contracts.compliance.connect(accounts.regulator).setCountriesBlocked(asset, [156], true);
      await expect(receipt.connect(bank).enforcePledge(1n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptTransferRestricted")
        .withArgs(ethers.ZeroAddress, bank.address, 600n, Restriction.CountryBlocked);
      expect((await receipt.pledgeOf(1n)).state).to.equal(PledgeState.Active);
      expect(await receipt.pledgedOf(id, accounts.alice.address)).to.equal(600n);
    });

    it("refuses an unverified, zero or self lender, and a suspended member lender", async function () {
      const { receipt, accounts, contracts, id } = await loadFixture(withLot);
      const alice = receipt.connect(accounts.alice);
      for (const lender of [accounts.stranger.address, ethers.ZeroAddress, accounts.alice.address]) {
        await expect(alice.pledge(id, lender, 1n))
          .to.be.revertedWithCustomError(receipt, "CommodityReceiptInvalidLender")
          .withArgs(accounts.alice.address, lender);
      }
      // The exchange member, registered as an investor, then suspended.
      const expiry = BigInt(await time.latest()) + 365n * DAY;
      await contracts.identity
        .connect(accounts.kycProvider)
        .registerInvestor(investorId("exchange"), 156, 3n, expiry, [accounts.exchange.address]);
      await contracts.members.connect(accounts.governor).suspendMember(accounts.exchange.address, ethers.id("x"));
      await expect(alice.pledge(id, accounts.exchange.address, 1n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptSuspendedMember")
        .withArgs(accounts.exchange.address);
      expect(await receipt.pledgesOfLot(id)).to.deep.equal([]);
    });

    it("a suspended lender cannot enforce", async function () {
      const { receipt, accounts, contracts, id } = await loadFixture(withLot);
      const expiry = BigInt(await time.latest()) + 365n * DAY;
      await contracts.identity
        .connect(accounts.kycProvider)
        .registerInvestor(investorId("exchange"), 156, 3n, expiry, [accounts.exchange.address]);
      await receipt.connect(accounts.alice).pledge(id, accounts.exchange.address, 10n);
      await contracts.members.connect(accounts.governor).suspendMember(accounts.exchange.address, ethers.id("x"));
      await expect(receipt.connect(accounts.exchange).enforcePledge(1n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptSuspendedMember")
        .withArgs(accounts.exchange.address);
      expect((await receipt.pledgeOf(1n)).state).to.equal(PledgeState.Active);
    });
  });

  describe("delivery", function () {
    it("locks on request, burns on confirmation", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      await expect(lots.connect(accounts.alice).requestDelivery(id, 1_000n))
        .to.emit(lots, "DeliveryRequested")
        .withArgs(1n, id, accounts.alice.address, 1_000n, 0n);
      expect(await receipt.availableOf(accounts.alice.address, id)).to.equal(0n);
      await expect(lots.connect(accounts.custodian).confirmDelivery(1n))
        .to.emit(lots, "DeliveryConfirmed")
        .withArgs(1n, id, accounts.custodian.address)
        .and.to.emit(receipt, "TransferSingle")
        .withArgs(accounts.custodian.address, accounts.alice.address, ethers.ZeroAddress, id, 1_000n);
      expect(await receipt.totalSupply(id)).to.equal(0n);
      expect(await receipt.quantityOf(accounts.alice.address)).to.equal(0n);
      expect(await receipt.holderCount()).to.equal(0n);
      expect((await lots.deliveryOf(1n)).state).to.equal(DeliveryState.Confirmed);
      await expect(lots.connect(accounts.custodian).confirmDelivery(1n))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptDeliveryNotPending")
        .withArgs(1n, DeliveryState.Confirmed);
    });

    it("unlocks on rejection", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      await lots.connect(accounts.alice).requestDelivery(id, 300n);
      await expect(lots.connect(accounts.custodian).rejectDelivery(1n, ethers.id("customs hold")))
        .to.emit(lots, "DeliveryRejected")
        .withArgs(1n, id, accounts.custodian.address, ethers.id("customs hold"));
      expect(await receipt.availableOf(accounts.alice.address, id)).to.equal(1_000n);
      expect(await receipt.totalSupply(id)).to.equal(1_000n);
    });

    it("never delivers pledged units", async function () {
      const { receipt, lots, accounts, bank, id } = await loadFixture(withLot);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 1_000n);
      await expect(lots.connect(accounts.alice).requestDelivery(id, 1n))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptInsufficientAvailable")
        .withArgs(accounts.alice.address, id, 0n, 1n);
    });

    it("only the lot's custodian confirms or rejects", async function () {
      const { lots, accounts, depot, id } = await loadFixture(withLot);
      await lots.connect(accounts.alice).requestDelivery(id, 1n);
      await expect(lots.connect(depot).confirmDelivery(1n))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptNotCustodian")
        .withArgs(depot.address, id, accounts.custodian.address);
      await expect(lots.connect(depot).rejectDelivery(1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptNotCustodian")
        .withArgs(depot.address, id, accounts.custodian.address);
      expect((await lots.deliveryOf(1n)).state).to.equal(DeliveryState.Requested);
    });

    it("a suspended custodian can neither confirm nor reject; reinstated, it confirms", async function () {
      const { receipt, lots, accounts, contracts, id } = await loadFixture(withLot);
      await lots.connect(accounts.alice).requestDelivery(id, 10n);
      const members = contracts.members.connect(accounts.governor);
      await members.suspendMember(accounts.custodian.address, ethers.id("audit"));
      await expect(lots.connect(accounts.custodian).confirmDelivery(1n))
        .to.be.revertedWithCustomError(receipt, "AccessManagedUnauthorized")
        .withArgs(accounts.custodian.address);
      await expect(lots.connect(accounts.custodian).rejectDelivery(1n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(receipt, "AccessManagedUnauthorized")
        .withArgs(accounts.custodian.address);
      expect((await lots.deliveryOf(1n)).state).to.equal(DeliveryState.Requested);
      await members.reinstateMember(accounts.custodian.address);
      await lots.connect(accounts.custodian).confirmDelivery(1n);
      expect(await receipt.totalSupply(id)).to.equal(990n);
    });

    it("escrows the storage fee at request, pays the custodian on confirmation, refunds on rejection", async function () {
      const { receipt, lots, accounts, id } = await loadFixture(withLot);
      const coin = await ethers.deployContract("PlainERC20", [10n ** 12n]);
      const [deployer] = await ethers.getSigners();
      await coin.connect(deployer).transfer(accounts.alice.address, 10n ** 9n);
      await expect(lots.connect(accounts.issuer).setStorageFee(await coin.getAddress(), 2n))
        .to.emit(lots, "StorageFeeSet")
        .withArgs(await coin.getAddress(), 2n);
      await coin.connect(accounts.alice).approve(await receipt.getAddress(), 10n ** 9n);
      await time.increase(3n * DAY);
      const depositedAt = (await receipt.lot(id)).depositedAt;
      await lots.connect(accounts.alice).requestDelivery(id, 100n);
      const fee = storageFeeOf(100n, 2n, depositedAt, BigInt(await time.latest()));
      expect(fee).to.equal(100n * 2n * 4n);
      expect((await lots.deliveryOf(1n)).fee).to.equal(fee);
      expect(await coin.balanceOf(await receipt.getAddress())).to.equal(fee);
      await lots.connect(accounts.custodian).confirmDelivery(1n);
      expect(await coin.balanceOf(accounts.custodian.address)).to.equal(fee);
      await lots.connect(accounts.alice).requestDelivery(id, 100n);
      const second = (await lots.deliveryOf(2n)).fee;
      const before = await coin.balanceOf(accounts.alice.address);
      await lots.connect(accounts.custodian).rejectDelivery(2n, ethers.ZeroHash);
      expect(await coin.balanceOf(accounts.alice.address)).to.equal(before + second);
    });

    it("refuses a fee coin without a fee (CommodityReceiptInvalidFee)", async function () {
      const { lots, accounts } = await loadFixture(withLot);
      await expect(lots.connect(accounts.issuer).setStorageFee(accounts.alice.address, 0n))
        .to.be.revertedWithCustomError(lots, "CommodityReceiptInvalidFee")
        .withArgs(accounts.alice.address, 0n);
      expect((await lots.storageFee())[0]).to.equal(ethers.ZeroAddress);
    });
  });

  describe("settlement holds", function () {
    async function engineFixture() {
      const f = await withLot();
      const engineAddress = await f.contracts.settlement.getAddress();
      await impersonateAccount(engineAddress);
      await setBalance(engineAddress, 10n ** 20n);
      const engine = await ethers.getSigner(engineAddress);
      return { ...f, engine };
    }

    it("holds units for the engine, which executes them to a buyer by the checked path", async function () {
      const { receipt, accounts, engine, id } = await loadFixture(engineFixture);
      const holdId = ethers.id("trade 1");
      const expiry = BigInt(await time.latest()) + DAY;
      await expect(receipt.connect(engine).placeHold(holdId, accounts.alice.address, lotAmount(id, 300n), expiry))
        .to.emit(receipt, "LotHoldPlaced")
        .withArgs(holdId, id);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(300n);
      await expect(receipt.connect(engine).executeHold(holdId, accounts.bob.address, 300n))
        .to.emit(receipt, "HoldExecuted")
        .withArgs(holdId, accounts.alice.address, accounts.bob.address, 300n, 0n);
      expect(await receipt.balanceOf(accounts.bob.address, id)).to.equal(300n);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(0n);
      expect(await receipt.holdLotOf(holdId)).to.equal(id);
      expect((await receipt.holdOf(holdId)).executed).to.equal(300n);
    });

    it("refuses anyone but the engine (HoldableUnauthorizedEngine); anyone releases once expired", async function () {
      const { receipt, accounts, engine, id } = await loadFixture(engineFixture);
      const holdId = ethers.id("trade 2");
      const expiry = BigInt(await time.latest()) + DAY;
      await expect(receipt.connect(accounts.alice).placeHold(holdId, accounts.alice.address, lotAmount(id, 1n), expiry))
        .to.be.revertedWithCustomError(receipt, "HoldableUnauthorizedEngine")
        .withArgs(accounts.alice.address);
      await receipt.connect(engine).placeHold(holdId, accounts.alice.address, lotAmount(id, 1n), expiry);
      await expect(receipt.connect(accounts.alice).executeHold(holdId, accounts.bob.address, 1n))
        .to.be.revertedWithCustomError(receipt, "HoldableUnauthorizedEngine")
        .withArgs(accounts.alice.address);
      await expect(receipt.connect(accounts.stranger).releaseHold(holdId)).to.be.revertedWithCustomError(
        receipt,
        "HoldableHoldNotExpired",
      );
      await time.increaseTo(expiry);
      await receipt.connect(accounts.stranger).releaseHold(holdId);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(0n);
    });

    it("a regulator cancels a hold", async function () {
      const { receipt, accounts, engine, id } = await loadFixture(engineFixture);
      const holdId = ethers.id("trade 3");
      await receipt
        .connect(engine)
        .placeHold(holdId, accounts.alice.address, lotAmount(id, 5n), BigInt(await time.latest()) + DAY);
      await expect(receipt.connect(accounts.regulator).cancelHold(holdId, ethers.id("seizure")))
        .to.emit(receipt, "HoldCancelled")
        .withArgs(holdId, accounts.alice.address, 5n, accounts.regulator.address, ethers.id("seizure"));
      expect(await receipt.availableOf(accounts.alice.address, id)).to.equal(1_000n);
    });

    it("executes a lot amount of the hold's lot; refuses one naming another lot (CommodityReceiptWrongLot)", async function () {
      const { receipt, lots, accounts, engine, id } = await loadFixture(engineFixture);
      const other = await issueLot(lots, accounts.custodian, accounts.alice.address, 50n);
      const holdId = ethers.id("trade 4");
      await receipt
        .connect(engine)
        .placeHold(holdId, accounts.alice.address, lotAmount(id, 100n), BigInt(await time.latest()) + DAY);
      await expect(receipt.connect(engine).executeHold(holdId, accounts.bob.address, lotAmount(other, 10n)))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptWrongLot")
        .withArgs(holdId, other, id);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(100n);
      await receipt.connect(engine).executeHold(holdId, accounts.bob.address, lotAmount(id, 60n));
      expect(await receipt.balanceOf(accounts.bob.address, id)).to.equal(60n);
      expect((await receipt.holdOf(holdId)).amount).to.equal(40n);
    });

    it("refuses a hold on an unknown lot or of no quantity, changing nothing", async function () {
      const { receipt, accounts, engine, id } = await loadFixture(engineFixture);
      const expiry = BigInt(await time.latest()) + DAY;
      await expect(
        receipt.connect(engine).placeHold(ethers.id("u"), accounts.alice.address, lotAmount(99n, 1n), expiry),
      )
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptUnknownLot")
        .withArgs(99n);
      await expect(receipt.connect(engine).placeHold(ethers.id("z"), accounts.alice.address, id << 128n, expiry))
        .to.be.revertedWithCustomError(receipt, "HoldableInvalidHold")
        .withArgs(accounts.alice.address, 0n);
      expect(await receipt.heldOf(accounts.alice.address, id)).to.equal(0n);
      expect(await receipt.holdLotOf(ethers.id("u"))).to.equal(0n);
    });

    it("moves a lot amount for the engine alone (settlementTransfer), by the checked path", async function () {
      const { receipt, contracts, asset, accounts, engine, id } = await loadFixture(engineFixture);
      const { alice, bob, carol } = accounts;
      await expect(receipt.connect(alice).settlementTransfer(alice.address, bob.address, lotAmount(id, 1n)))
        .to.be.revertedWithCustomError(receipt, "HoldableUnauthorizedEngine")
        .withArgs(alice.address);
      await expect(receipt.connect(engine).settlementTransfer(alice.address, ethers.ZeroAddress, lotAmount(id, 1n)))
        .to.be.revertedWithCustomError(receipt, "ERC1155InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
      await expect(receipt.connect(engine).settlementTransfer(ethers.ZeroAddress, bob.address, lotAmount(id, 1n)))
        .to.be.revertedWithCustomError(receipt, "ERC1155InvalidSender")
        .withArgs(ethers.ZeroAddress);
      await expect(receipt.connect(engine).settlementTransfer(alice.address, bob.address, id << 128n))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptInvalidQuantity")
        .withArgs(0n);
      await contracts.compliance.connect(accounts.regulator).setCountriesBlocked(asset, [250], true);
      await expect(receipt.connect(engine).settlementTransfer(alice.address, carol.address, lotAmount(id, 1n)))
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptTransferRestricted")
        .withArgs(alice.address, carol.address, 1n, Restriction.CountryBlocked);
      expect(await receipt.balanceOf(alice.address, id)).to.equal(1_000n);
      await expect(receipt.connect(engine).settlementTransfer(alice.address, bob.address, lotAmount(id, 250n)))
        .to.emit(receipt, "TransferSingle")
        .withArgs(engine.address, alice.address, bob.address, id, 250n);
      expect(await receipt.balanceOf(bob.address, id)).to.equal(250n);
      expect(await receipt.quantityOf(alice.address)).to.equal(750n);
    });

    it("never holds pledged units", async function () {
      const { receipt, accounts, engine, bank, id } = await loadFixture(engineFixture);
      await receipt.connect(accounts.alice).pledge(id, bank.address, 1_000n);
      await expect(
        receipt
          .connect(engine)
          .placeHold(ethers.id("t"), accounts.alice.address, lotAmount(id, 1n), BigInt(await time.latest()) + DAY),
      )
        .to.be.revertedWithCustomError(receipt, "CommodityReceiptInsufficientAvailable")
        .withArgs(accounts.alice.address, id, 0n, 1n);
    });
  });
});
