import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Role, securityTokenPermissions, type RoleName } from "../../../config/roles";
import { Restriction } from "../../../sdk/restrictions";
import { shouldBehaveLikeRestricted } from "../../behaviors/restricted";
import {
  Country,
  document,
  extraSigner,
  investors,
  KYC_AML,
  mintTo,
  registerInvestor,
  securityFixture,
  type SecurityWorld,
} from "../../fixtures/security";
import { ADDRESS_MASK, IMPLEMENTATION_SLOT, MAX_SUPPLY, tokenState } from "./helpers";
import { assetRules } from "../../../sdk/rules";
import { instrumentCode } from "../../../sdk/assets";

const fixture = securityFixture();
const DAY = 86_400;
const ProductType = { None: 0n, Equity: 1n } as const;

/** alice holds 1,000 and aliceSecond 0, bob 500; carol nothing. */
async function funded(): Promise<SecurityWorld> {
  const world = await loadFixture(fixture);
  await mintTo(world, { [world.accounts.alice.address]: 1_000n, [world.accounts.bob.address]: 500n });
  return world;
}

async function fundedFixture(): Promise<SecurityWorld> {
  return funded();
}

describe("SecurityToken", function () {
  describe("initialize", function () {
    it("stores the instrument and emits InstrumentSet", async function () {
      const world = await loadFixture(fixture);
      const token = world.contracts.token;
      const instrument = await token.instrument();
      expect(instrument.name).to.equal(world.instrument.name);
      expect(instrument.symbol).to.equal(world.instrument.symbol);
      expect(instrument.decimals).to.equal(world.instrument.decimals);
      expect(instrument.securityCode).to.equal(world.instrument.securityCode);
      expect(instrument.isin).to.equal(world.instrument.isin);
      expect(instrument.jurisdiction).to.equal(world.instrument.jurisdiction);
      expect(instrument.issuer).to.equal(world.accounts.issuer.address);
      expect(await token.issuer()).to.equal(world.accounts.issuer.address);
      expect(await token.productType()).to.equal(ProductType.Equity);
      const [event] = await token.queryFilter(token.filters.InstrumentSet());
      expect(event.args.productType).to.equal(ProductType.Equity);
      expect(event.args.issuer).to.equal(world.accounts.issuer.address);
      expect(event.args.instrument.securityCode).to.equal(world.instrument.securityCode);
    });

    it("attaches the initial documents", async function () {
      const world = await loadFixture(fixture);
      const token = world.contracts.token;
      const [prospectus] = world.documents;
      expect(await token.getAllDocuments()).to.deep.equal([prospectus.name]);
      const [uri, hash, lastModified] = await token.getDocument(prospectus.name);
      expect([uri, hash]).to.deep.equal([prospectus.uri, prospectus.documentHash]);
      expect(lastModified).to.be.greaterThan(0n);
      const events = await token.queryFilter(token.filters.DocumentUpdated());
      expect(events.map((e) => [e.args.name, e.args.uri, e.args.documentHash])).to.deep.equal([
        [prospectus.name, prospectus.uri, prospectus.documentHash],
      ]);
    });

    it("wires the immutables and the operations module", async function () {
      const { contracts } = await loadFixture(fixture);
      const token = contracts.token;
      expect(await token.compliance()).to.equal(await contracts.compliance.getAddress());
      expect(await token.identityRegistry()).to.equal(await contracts.identity.getAddress());
      expect(await token.eligibilityStore()).to.equal(await contracts.identity.eligibilityStore());
      expect(await token.authority()).to.equal(await contracts.authority.getAddress());
      expect(await ethers.provider.getCode(await token.operations())).to.not.equal("0x");
      expect(await token.version()).to.equal("1.0.0");
    });

    it("cannot run twice", async function () {
      const world = await loadFixture(fixture);
      const { token, authority } = world.contracts;
      await expect(
        token.initialize(await authority.getAddress(), world.instrument, [], "0x"),
      ).to.be.revertedWithCustomError(token, "InvalidInitialization");
    });

    describe("with a bad instrument", function () {
      async function tryInitialize(override: Record<string, unknown>, authority?: string) {
        const world = await loadFixture(fixture);
        const { contracts } = world;
        const implementation = await ethers.getContractAt("SecurityTokenMock", contracts.implementation);
        const data = implementation.interface.encodeFunctionData("initialize", [
          authority ?? (await contracts.authority.getAddress()),
          { ...world.instrument, ...override },
          [],
          "0x",
        ]);
        const factory = await ethers.getContractFactory(
          "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy",
        );
        return { tx: factory.deploy(contracts.implementation, data), token: implementation };
      }

      it("reverts with SecurityTokenInvalidSecurityCode for a zero code", async function () {
        const { tx, token } = await tryInitialize({ securityCode: instrumentCode("") });
        await expect(tx).to.be.revertedWithCustomError(token, "SecurityTokenInvalidSecurityCode");
      });

      it("reverts with SecurityTokenInvalidIssuer for the zero address", async function () {
        const { tx, token } = await tryInitialize({ issuer: ethers.ZeroAddress });
        await expect(tx)
          .to.be.revertedWithCustomError(token, "SecurityTokenInvalidIssuer")
          .withArgs(ethers.ZeroAddress);
      });

      for (const jurisdiction of [0, 1000]) {
        it(`reverts with SecurityTokenInvalidJurisdiction for ${jurisdiction}`, async function () {
          const { tx, token } = await tryInitialize({ jurisdiction });
          await expect(tx)
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidJurisdiction")
            .withArgs(jurisdiction);
        });
      }

      it("reverts with SecurityTokenInvalidDecimals above 18", async function () {
        const { tx, token } = await tryInitialize({ decimals: 19 });
        await expect(tx).to.be.revertedWithCustomError(token, "SecurityTokenInvalidDecimals").withArgs(19);
      });

      it("reverts with AccessManagedInvalidAuthority when the authority is not a contract", async function () {
        const stranger = ethers.Wallet.createRandom().address;
        const { tx, token } = await tryInitialize({}, stranger);
        await expect(tx).to.be.revertedWithCustomError(token, "AccessManagedInvalidAuthority").withArgs(stranger);
      });

      it("reverts with DocumentsInvalidName for an unnamed document", async function () {
        const world = await loadFixture(fixture);
        const { contracts } = world;
        const implementation = await ethers.getContractAt("SecurityTokenMock", contracts.implementation);
        const data = implementation.interface.encodeFunctionData("initialize", [
          await contracts.authority.getAddress(),
          world.instrument,
          [{ name: ethers.ZeroHash, uri: "ipfs://x", documentHash: ethers.ZeroHash }],
          "0x",
        ]);
        const factory = await ethers.getContractFactory(
          "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol:ERC1967Proxy",
        );
        await expect(factory.deploy(contracts.implementation, data)).to.be.revertedWithCustomError(
          implementation,
          "DocumentsInvalidName",
        );
      });
    });

    describe("the implementation", function () {
      it("refuses a compliance pipeline reading another identity registry", async function () {
        const { contracts } = await loadFixture(fixture);
        const other = ethers.Wallet.createRandom().address;
        const factory = await ethers.getContractFactory("SecurityTokenMock");
        await expect(factory.deploy(await contracts.compliance.getAddress(), other, contracts.settlement))
          .to.be.revertedWithCustomError(factory, "SecurityTokenRegistryMismatch")
          .withArgs(await contracts.identity.getAddress(), other);
      });

      it("cannot be initialized directly, nor can its operations module", async function () {
        const world = await loadFixture(fixture);
        const implementation = await ethers.getContractAt("SecurityTokenMock", world.contracts.implementation);
        const authority = await world.contracts.authority.getAddress();
        await expect(implementation.initialize(authority, world.instrument, [], "0x")).to.be.revertedWithCustomError(
          implementation,
          "InvalidInitialization",
        );
        const operations = await ethers.getContractAt("SecurityTokenOperations", await implementation.operations());
        await expect(operations.initializeCore(world.instrument, [], ProductType.Equity)).to.be.revertedWithCustomError(
          operations,
          "NotInitializing",
        );
      });

      it("is upgrade-safe for OpenZeppelin's validation (UUPS, ERC-7201)", async function () {
        const factory = await ethers.getContractFactory("SecurityTokenMock");
        const { contracts } = await loadFixture(fixture);
        // The plugin deploys nothing here but encodes the constructor, so it needs the arguments (its types in
        // 3.9 leave `constructorArgs` out of these two functions' options: passed as a variable).
        const options = {
          kind: "uups" as const,
          constructorArgs: [
            await contracts.compliance.getAddress(),
            await contracts.identity.getAddress(),
            await contracts.settlement.getAddress(),
          ],
        };
        await upgrades.validateImplementation(factory, options);
        await upgrades.validateUpgrade(factory, factory, options);
      });
    });
  });

  describe("supportsInterface (ERC-165)", function () {
    const ids = {
      IERC165: "0x01ffc9a7",
      IERC20: "0x36372b07",
    };

    it("answers true for ERC-165, ERC-20 and every interface of the token", async function () {
      const { contracts } = await loadFixture(fixture);
      const token = contracts.token;
      const interfaceId = (names: string[]) =>
        ethers.toBeHex(
          names.reduce((id, signature) => id ^ BigInt(ethers.id(signature).slice(0, 10)), 0n),
          4,
        );
      const fragments = async (name: string) => {
        const artifact = await ethers.getContractFactory(name).catch(() => null);
        const iface = artifact ? artifact.interface : (await ethers.getContractAt(name, ethers.ZeroAddress)).interface;
        return iface;
      };
      const own = async (name: string, inherited: string[]) => {
        const iface = await fragments(name);
        const excluded = new Set<string>();
        for (const base of inherited) (await fragments(base)).forEachFunction((f) => excluded.add(f.format("sighash")));
        const signatures: string[] = [];
        iface.forEachFunction((f) => {
          if (!excluded.has(f.format("sighash"))) signatures.push(f.format("sighash"));
        });
        return interfaceId(signatures);
      };
      const expected = {
        ...ids,
        IERC20Metadata: await own("IERC20Metadata", ["IERC20"]),
        IERC1404: await own("IERC1404", []),
        IERC1643: await own("IERC1643", []),
        IComplianceSubject: await own("IComplianceSubject", []),
        IHoldable: await own("IHoldable", []),
        ISecurityToken: await own("ISecurityToken", [
          "ISecurityTokenOperations",
          "IERC20Metadata",
          "IERC1404",
          "IComplianceSubject",
          "IHoldable",
        ]),
      };
      for (const [name, id] of Object.entries(expected)) {
        expect(await token.supportsInterface(id), name).to.equal(true);
      }
    });

    it("answers false for other ids", async function () {
      const { contracts } = await loadFixture(fixture);
      for (const id of ["0xffffffff", "0x00000000", "0x80ac58cd"]) {
        expect(await contracts.token.supportsInterface(id), id).to.equal(false);
      }
    });
  });

  describe("mint", function () {
    context("when the agent mints to a verified investor", function () {
      it("credits the recipient, grows the supply and the register, and emits Transfer", async function () {
        const world = await loadFixture(fixture);
        const { agent, carol } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).mint(carol.address, 250n))
          .to.emit(token, "Transfer")
          .withArgs(ethers.ZeroAddress, carol.address, 250n);
        expect(await token.balanceOf(carol.address)).to.equal(250n);
        expect(await token.totalSupply()).to.equal(250n);
        expect(await token.holderCount()).to.equal(1n);
        expect(await token.holdingWalletCount()).to.equal(1n);
      });

      it("still mints while transfers are paused", async function () {
        const world = await loadFixture(fixture);
        const { agent, carol } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).pause();
        await expect(token.connect(agent).mint(carol.address, 1n))
          .to.emit(token, "Transfer")
          .withArgs(ethers.ZeroAddress, carol.address, 1n);
      });
    });

    context("when the pipeline refuses the recipient", function () {
      it("reverts with SecurityTokenTransferRestricted and the code", async function () {
        const world = await loadFixture(fixture);
        const { agent, stranger, dave } = world.accounts;
        const token = world.contracts.token;
        const before = await tokenState(world);
        await expect(token.connect(agent).mint(stranger.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenTransferRestricted")
          .withArgs(ethers.ZeroAddress, stranger.address, 1n, Restriction.RecipientNotVerified);
        await expect(token.connect(agent).mint(dave.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenTransferRestricted")
          .withArgs(ethers.ZeroAddress, dave.address, 1n, Restriction.RecipientNotVerified);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the recipient is frozen", function () {
      it("reverts with SecurityTokenAddressFrozen", async function () {
        const world = await loadFixture(fixture);
        const { agent, carol } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).setAddressFrozen(carol.address, true);
        const before = await tokenState(world);
        await expect(token.connect(agent).mint(carol.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenAddressFrozen")
          .withArgs(carol.address);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when transfers are stopped", function () {
      it("reverts with SecurityTokenTransfersStopped", async function () {
        const world = await loadFixture(fixture);
        const { agent, carol } = world.accounts;
        const token = world.contracts.token;
        await token.exposedSetTransfersStopped(true);
        const before = await tokenState(world);
        await expect(token.connect(agent).mint(carol.address, 1n)).to.be.revertedWithCustomError(
          token,
          "SecurityTokenTransfersStopped",
        );
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the supply would exceed 2^104 − 1", function () {
      it("reverts with SecurityTokenSupplyCapExceeded", async function () {
        const world = await loadFixture(fixture);
        const { agent, carol, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).mint(carol.address, MAX_SUPPLY);
        const before = await tokenState(world);
        await expect(token.connect(agent).mint(bob.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenSupplyCapExceeded")
          .withArgs(MAX_SUPPLY + 1n, MAX_SUPPLY);
        await expect(token.connect(agent).mint(bob.address, ethers.MaxUint256))
          .to.be.revertedWithCustomError(token, "SecurityTokenSupplyCapExceeded")
          .withArgs(ethers.MaxUint256, MAX_SUPPLY);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the recipient is the zero address", function () {
      it("reverts with ERC20InvalidReceiver", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        await expect(token.connect(world.accounts.agent).mint(ethers.ZeroAddress, 1n))
          .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });
  });

  describe("burn", function () {
    context("when the agent burns part of a balance", function () {
      it("debits the holder, shrinks the supply and emits Transfer to zero", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).burn(alice.address, 400n))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, ethers.ZeroAddress, 400n);
        expect(await token.balanceOf(alice.address)).to.equal(600n);
        expect(await token.totalSupply()).to.equal(1_100n);
        expect(await token.holderCount()).to.equal(2n);
      });
    });

    context("when the agent burns a whole balance", function () {
      it("removes the investor from the register", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).burn(bob.address, 500n);
        expect(await token.holderCount()).to.equal(1n);
        expect(await token.holdingWalletCount()).to.equal(1n);
      });
    });

    context("when the burn needs frozen tokens", function () {
      it("releases them first and emits TokensUnfrozen", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).freezePartialTokens(alice.address, 900n);
        await expect(token.connect(agent).burn(alice.address, 300n))
          .to.emit(token, "TokensUnfrozen")
          .withArgs(alice.address, 200n)
          .and.to.emit(token, "Transfer")
          .withArgs(alice.address, ethers.ZeroAddress, 300n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(700n);
      });
    });

    context("when the holder is frozen or transfers are paused or stopped", function () {
      it("burns all the same", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).setAddressFrozen(alice.address, true);
        await token.connect(agent).pause();
        await token.exposedSetTransfersStopped(true);
        await expect(token.connect(agent).burn(alice.address, 1n))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, ethers.ZeroAddress, 1n);
      });
    });

    context("when the holder holds less", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob } = world.accounts;
        const token = world.contracts.token;
        const before = await tokenState(world);
        await expect(token.connect(agent).burn(bob.address, 501n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(bob.address, 500n, 501n);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the address is zero or the token itself", function () {
      it("reverts with SecurityTokenInvalidAddress", async function () {
        const world = await loadFixture(fundedFixture);
        const token = world.contracts.token;
        for (const account of [ethers.ZeroAddress, await token.getAddress()]) {
          await expect(token.connect(world.accounts.agent).burn(account, 0n))
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
            .withArgs(account);
        }
      });
    });
  });

  describe("forcedTransfer", function () {
    context("when the agent forces a transfer to a verified investor", function () {
      it("moves the tokens despite lock-up, pause and freezes, and returns true", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, carol, regulator } = world.accounts;
        const token = world.contracts.token;
        const asset = await token.getAddress();
        await world.contracts.compliance
          .connect(regulator)
          .configureAsset(asset, assetRules({ lockupUntil: (await time.latest()) + DAY }));
        await token.connect(agent).pause();
        await token.connect(agent).setAddressFrozen(alice.address, true);
        await token.connect(agent).setAddressFrozen(carol.address, true);
        expect(await token.connect(agent).forcedTransfer.staticCall(alice.address, carol.address, 100n)).to.equal(true);
        await expect(token.connect(agent).forcedTransfer(alice.address, carol.address, 100n))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, carol.address, 100n);
        expect(await token.balanceOf(carol.address)).to.equal(100n);
        expect(await token.holderCount()).to.equal(3n);
      });

      it("releases the frozen tokens it needs", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, carol } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).freezePartialTokens(alice.address, 1_000n);
        await expect(token.connect(agent).forcedTransfer(alice.address, carol.address, 1_000n))
          .to.emit(token, "TokensUnfrozen")
          .withArgs(alice.address, 1_000n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(0n);
      });
    });

    context("when the recipient is not verified", function () {
      it("reverts with SecurityTokenRecipientNotVerified", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, dave, stranger } = world.accounts;
        const token = world.contracts.token;
        const before = await tokenState(world);
        for (const to of [dave.address, stranger.address]) {
          await expect(token.connect(agent).forcedTransfer(alice.address, to, 1n))
            .to.be.revertedWithCustomError(token, "SecurityTokenRecipientNotVerified")
            .withArgs(to);
        }
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the sender holds less", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob, carol } = world.accounts;
        const token = world.contracts.token;
        const before = await tokenState(world);
        await expect(token.connect(agent).forcedTransfer(bob.address, carol.address, 501n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(bob.address, 500n, 501n);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when a party is the zero address or the token", function () {
      it("reverts with SecurityTokenInvalidAddress", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice } = world.accounts;
        const token = world.contracts.token;
        const self = await token.getAddress();
        for (const [from, to, bad] of [
          [ethers.ZeroAddress, alice.address, ethers.ZeroAddress],
          [self, alice.address, self],
          [alice.address, ethers.ZeroAddress, ethers.ZeroAddress],
          [alice.address, self, self],
        ]) {
          await expect(token.connect(agent).forcedTransfer(from, to, 0n))
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
            .withArgs(bad);
        }
      });
    });
  });

  describe("setAddressFrozen", function () {
    context("when the agent freezes a holder", function () {
      it("emits AddressFrozen and stops the holder sending and receiving", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).setAddressFrozen(alice.address, true))
          .to.emit(token, "AddressFrozen")
          .withArgs(alice.address, true, agent.address);
        expect(await token.isFrozen(alice.address)).to.equal(true);
        const before = await tokenState(world);
        await expect(token.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenAddressFrozen")
          .withArgs(alice.address);
        await expect(token.connect(bob).transfer(alice.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenAddressFrozen")
          .withArgs(alice.address);
        expect(await tokenState(world)).to.deep.equal(before);
        expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(
          Restriction.SenderFrozen,
        );
        expect(await token.detectTransferRestriction(bob.address, alice.address, 1n)).to.equal(
          Restriction.RecipientFrozen,
        );
      });
    });

    context("when the agent unfreezes", function () {
      it("emits AddressFrozen with false and lets the holder transfer again", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).setAddressFrozen(alice.address, true);
        await expect(token.connect(agent).setAddressFrozen(alice.address, false))
          .to.emit(token, "AddressFrozen")
          .withArgs(alice.address, false, agent.address);
        expect(await token.isFrozen(alice.address)).to.equal(false);
        await token.connect(alice).transfer(bob.address, 1n);
      });
    });

    context("when the address is zero or the token", function () {
      it("reverts with SecurityTokenInvalidAddress", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        const before = await tokenState(world);
        for (const account of [ethers.ZeroAddress, await token.getAddress()]) {
          await expect(token.connect(world.accounts.agent).setAddressFrozen(account, true))
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
            .withArgs(account);
        }
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });
  });

  describe("freezePartialTokens and unfreezePartialTokens", function () {
    context("when the agent freezes part of a balance", function () {
      it("emits TokensFrozen, counts it, and leaves only the rest transferable", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).freezePartialTokens(alice.address, 600n))
          .to.emit(token, "TokensFrozen")
          .withArgs(alice.address, 600n);
        await token.connect(agent).freezePartialTokens(alice.address, 100n);
        expect(await token.getFrozenTokens(alice.address)).to.equal(700n);
        await token.connect(alice).transfer(bob.address, 300n);
        const before = await tokenState(world);
        await expect(token.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(token, "SecurityTokenInsufficientUnfrozenBalance")
          .withArgs(alice.address, 0n, 1n);
        expect(await tokenState(world)).to.deep.equal(before);
        expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(
          Restriction.InsufficientUnfrozenBalance,
        );
      });
    });

    context("when the freeze exceeds the balance", function () {
      it("reverts with SecurityTokenFreezeExceedsBalance", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).freezePartialTokens(bob.address, 400n);
        const before = await tokenState(world);
        await expect(token.connect(agent).freezePartialTokens(bob.address, 101n))
          .to.be.revertedWithCustomError(token, "SecurityTokenFreezeExceedsBalance")
          .withArgs(bob.address, 500n, 501n);
        await expect(token.connect(agent).freezePartialTokens(bob.address, ethers.MaxUint256))
          .to.be.revertedWithCustomError(token, "SecurityTokenFreezeExceedsBalance")
          .withArgs(bob.address, 500n, ethers.MaxUint256);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the agent releases frozen tokens", function () {
      it("emits TokensUnfrozen and makes them transferable", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob, carol } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).freezePartialTokens(bob.address, 500n);
        await expect(token.connect(agent).unfreezePartialTokens(bob.address, 200n))
          .to.emit(token, "TokensUnfrozen")
          .withArgs(bob.address, 200n);
        expect(await token.getFrozenTokens(bob.address)).to.equal(300n);
        await token.connect(bob).transfer(carol.address, 200n);
        await token.connect(agent).unfreezePartialTokens(bob.address, 300n);
        expect(await token.getFrozenTokens(bob.address)).to.equal(0n);
        await token.connect(bob).transfer(carol.address, 300n);
      });
    });

    context("when more is released than is frozen", function () {
      it("reverts with SecurityTokenUnfreezeExceedsFrozen", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).freezePartialTokens(bob.address, 50n);
        const before = await tokenState(world);
        await expect(token.connect(agent).unfreezePartialTokens(bob.address, 51n))
          .to.be.revertedWithCustomError(token, "SecurityTokenUnfreezeExceedsFrozen")
          .withArgs(bob.address, 50n, 51n);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the address is zero or the token", function () {
      it("reverts with SecurityTokenInvalidAddress", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        for (const account of [ethers.ZeroAddress, await token.getAddress()]) {
          await expect(token.connect(world.accounts.agent).freezePartialTokens(account, 0n))
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
            .withArgs(account);
        }
      });
    });
  });

  describe("recoveryAddress", function () {
    /** alice's investor recovers aliceSecond's... no: alice (1,000, 300 frozen, frozen address) loses her wallet. */
    async function lostWallet() {
      const world = await loadFixture(fundedFixture);
      const { agent, alice, kycProvider } = world.accounts;
      const token = world.contracts.token;
      await token.connect(agent).freezePartialTokens(alice.address, 300n);
      await token.connect(agent).setAddressFrozen(alice.address, true);
      const replacement = await extraSigner("alice replacement");
      await world.contracts.identity.connect(kycProvider).recoverWallet(alice.address, replacement.address);
      return { world, token, replacement };
    }

    context("when the registry has moved the lost wallet's identity to the new wallet", function () {
      it("moves the balance, the frozen tokens and the freeze, emits RecoverySuccess, and returns true", async function () {
        const { world, token, replacement } = await lostWallet();
        const { agent, alice } = world.accounts;
        expect(
          await token.connect(agent).recoveryAddress.staticCall(alice.address, replacement.address, ethers.ZeroAddress),
        ).to.equal(true);
        await expect(token.connect(agent).recoveryAddress(alice.address, replacement.address, ethers.ZeroAddress))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, replacement.address, 1_000n)
          .and.to.emit(token, "TokensUnfrozen")
          .withArgs(alice.address, 300n)
          .and.to.emit(token, "TokensFrozen")
          .withArgs(replacement.address, 300n)
          .and.to.emit(token, "AddressFrozen")
          .withArgs(replacement.address, true, agent.address)
          .and.to.emit(token, "RecoverySuccess")
          .withArgs(alice.address, replacement.address, ethers.ZeroAddress);
        expect(await token.balanceOf(alice.address)).to.equal(0n);
        expect(await token.balanceOf(replacement.address)).to.equal(1_000n);
        expect(await token.getFrozenTokens(replacement.address)).to.equal(300n);
        expect(await token.isFrozen(replacement.address)).to.equal(true);
        expect(await token.holderCount()).to.equal(2n);
        expect(await token.holdingWalletCount()).to.equal(2n);
      });
    });

    context("when the new wallet is another wallet of the same investor that already holds", function () {
      it("adds the holdings to it and keeps the investor counted once", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, aliceSecond } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).mint(aliceSecond.address, 5n);
        expect(await token.holdingWalletCount()).to.equal(3n);
        await expect(token.connect(agent).recoveryAddress(alice.address, aliceSecond.address, ethers.ZeroAddress))
          .to.emit(token, "RecoverySuccess")
          .withArgs(alice.address, aliceSecond.address, ethers.ZeroAddress);
        expect(await token.balanceOf(aliceSecond.address)).to.equal(1_005n);
        expect(await token.holderCount()).to.equal(2n);
        expect(await token.holdingWalletCount()).to.equal(2n);
      });
    });

    context("when the new wallet belongs to another investor", function () {
      it("reverts with SecurityTokenRecoveryMismatch", async function () {
        const { world, token } = await lostWallet();
        const { agent, alice, carol, bob } = world.accounts;
        const before = await tokenState(world);
        await expect(token.connect(agent).recoveryAddress(alice.address, carol.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "SecurityTokenRecoveryMismatch")
          .withArgs(alice.address, carol.address);
        await expect(token.connect(agent).recoveryAddress(bob.address, world.accounts.dave.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "SecurityTokenRecoveryMismatch")
          .withArgs(bob.address, world.accounts.dave.address);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the new wallet is not registered", function () {
      it("reverts with SecurityTokenRecoveryMismatch", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, bob, stranger } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).recoveryAddress(bob.address, stranger.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "SecurityTokenRecoveryMismatch")
          .withArgs(bob.address, stranger.address);
      });
    });

    context("when an ONCHAINID is given", function () {
      it("reverts with SecurityTokenInvalidOnchainID", async function () {
        const { world, token, replacement } = await lostWallet();
        const onchainId = ethers.Wallet.createRandom().address;
        const before = await tokenState(world);
        await expect(
          token
            .connect(world.accounts.agent)
            .recoveryAddress(world.accounts.alice.address, replacement.address, onchainId),
        )
          .to.be.revertedWithCustomError(token, "SecurityTokenInvalidOnchainID")
          .withArgs(onchainId);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the lost wallet holds nothing", function () {
      it("reverts with SecurityTokenNothingToRecover", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, carol, aliceSecond, alice } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).recoveryAddress(aliceSecond.address, alice.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "SecurityTokenNothingToRecover")
          .withArgs(aliceSecond.address);
        await expect(token.connect(agent).recoveryAddress(carol.address, alice.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(token, "SecurityTokenNothingToRecover")
          .withArgs(carol.address);
      });
    });

    context("when a wallet is zero, the token, or both wallets are the same", function () {
      it("reverts with SecurityTokenInvalidAddress", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice } = world.accounts;
        const token = world.contracts.token;
        const self = await token.getAddress();
        for (const [lost, fresh, bad] of [
          [ethers.ZeroAddress, alice.address, ethers.ZeroAddress],
          [alice.address, self, self],
          [alice.address, alice.address, alice.address],
        ]) {
          await expect(token.connect(agent).recoveryAddress(lost, fresh, ethers.ZeroAddress))
            .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
            .withArgs(bad);
        }
      });
    });
  });

  describe("pause and unpause", function () {
    context("when the agent pauses", function () {
      it("emits Paused and refuses transfers between holders with SecurityTokenPaused", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(agent).pause()).to.emit(token, "Paused").withArgs(agent.address);
        expect(await token.paused()).to.equal(true);
        const before = await tokenState(world);
        await expect(token.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
          token,
          "SecurityTokenPaused",
        );
        await token.connect(alice).approve(bob.address, 10n);
        await expect(token.connect(bob).transferFrom(alice.address, bob.address, 1n)).to.be.revertedWithCustomError(
          token,
          "SecurityTokenPaused",
        );
        expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(Restriction.TokenPaused);
        expect(await token.detectTransferRestriction(ethers.ZeroAddress, bob.address, 1n)).to.equal(Restriction.None);
        const after = await tokenState(world);
        expect(after).to.deep.equal(before);
      });

      it("reverts with SecurityTokenPaused when already paused", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        await token.connect(world.accounts.agent).pause();
        await expect(token.connect(world.accounts.agent).pause()).to.be.revertedWithCustomError(
          token,
          "SecurityTokenPaused",
        );
        expect(await token.paused()).to.equal(true);
      });
    });

    context("when the agent unpauses", function () {
      it("emits Unpaused and lets transfers through", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token;
        await token.connect(agent).pause();
        await expect(token.connect(agent).unpause()).to.emit(token, "Unpaused").withArgs(agent.address);
        expect(await token.paused()).to.equal(false);
        await token.connect(alice).transfer(bob.address, 1n);
      });

      it("reverts with SecurityTokenNotPaused when not paused", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        await expect(token.connect(world.accounts.agent).unpause()).to.be.revertedWithCustomError(
          token,
          "SecurityTokenNotPaused",
        );
        expect(await token.paused()).to.equal(false);
      });
    });
  });

  describe("transfers stopped (products' hot flag)", function () {
    it("refuses transfers and mints, allows burns and forced transfers, and resumes", async function () {
      const world = await loadFixture(fundedFixture);
      const { agent, alice, bob, carol } = world.accounts;
      const token = world.contracts.token;
      await expect(token.exposedSetTransfersStopped(true)).to.emit(token, "TransfersStopped");
      expect(await token.transfersStopped()).to.equal(true);
      const before = await tokenState(world);
      await expect(token.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        token,
        "SecurityTokenTransfersStopped",
      );
      expect(await tokenState(world)).to.deep.equal(before);
      expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(
        Restriction.TransfersStopped,
      );
      expect(await token.detectTransferRestriction(ethers.ZeroAddress, bob.address, 1n)).to.equal(
        Restriction.TransfersStopped,
      );
      await token.connect(agent).burn(alice.address, 1n);
      await token.connect(agent).forcedTransfer(alice.address, carol.address, 1n);
      await expect(token.exposedSetTransfersStopped(false)).to.emit(token, "TransfersResumed");
      await token.connect(alice).transfer(bob.address, 1n);
    });

    it("reports paused before stopped", async function () {
      const world = await loadFixture(fundedFixture);
      const { agent, alice, bob } = world.accounts;
      const token = world.contracts.token;
      await token.exposedSetTransfersStopped(true);
      await token.connect(agent).pause();
      await expect(token.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        token,
        "SecurityTokenPaused",
      );
      expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(Restriction.TokenPaused);
    });

    it("refuses a mint while paused and stopped as its ERC-1404 code says: stopped (a pause does not reach mints)", async function () {
      const world = await loadFixture(fundedFixture);
      const { agent, bob } = world.accounts;
      const token = world.contracts.token;
      await token.exposedSetTransfersStopped(true);
      await token.connect(agent).pause();
      expect(await token.detectTransferRestriction(ethers.ZeroAddress, bob.address, 1n)).to.equal(
        Restriction.TransfersStopped,
      );
      await expect(token.connect(agent).mint(bob.address, 1n)).to.be.revertedWithCustomError(
        token,
        "SecurityTokenTransfersStopped",
      );
    });
  });

  describe("ERC-1404", function () {
    it("answers the pipeline's code when the token has none of its own", async function () {
      const world = await loadFixture(fundedFixture);
      const { alice, bob, stranger } = world.accounts;
      const token = world.contracts.token;
      expect(await token.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(Restriction.None);
      expect(await token.detectTransferRestriction(alice.address, stranger.address, 1n)).to.equal(
        Restriction.RecipientNotVerified,
      );
      expect(await token.detectTransferRestriction(alice.address, bob.address, 1_001n)).to.equal(
        Restriction.InsufficientUnfrozenBalance,
      );
    });

    it("gives the token's sentences for 13–17 and the pipeline's for the rest", async function () {
      const { contracts } = await loadFixture(fixture);
      const token = contracts.token;
      const own: [number, string][] = [
        [Restriction.TokenPaused, "Transfers of the token are paused"],
        [Restriction.SenderFrozen, "The sender's address is frozen"],
        [Restriction.RecipientFrozen, "The recipient's address is frozen"],
        [Restriction.InsufficientUnfrozenBalance, "The sender's balance not frozen or held is below the amount"],
        [Restriction.TransfersStopped, "Transfers of the token are stopped"],
      ];
      for (const [code, sentence] of own) expect(await token.messageForTransferRestriction(code)).to.equal(sentence);
      for (const code of [0, 1, 6, 12, 42]) {
        expect(await token.messageForTransferRestriction(code)).to.equal(
          await contracts.compliance.messageForTransferRestriction(code),
        );
      }
    });
  });

  describe("batches", function () {
    describe("batchTransfer", function () {
      it("transfers to each recipient, all or nothing", async function () {
        const world = await loadFixture(fundedFixture);
        const { alice, bob, carol, stranger } = world.accounts;
        const token = world.contracts.token;
        await expect(token.connect(alice).batchTransfer([bob.address, carol.address], [10n, 20n]))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 10n)
          .and.to.emit(token, "Transfer")
          .withArgs(alice.address, carol.address, 20n);
        expect(await token.balanceOf(carol.address)).to.equal(20n);
        const before = await tokenState(world);
        await expect(token.connect(alice).batchTransfer([bob.address, stranger.address], [1n, 1n]))
          .to.be.revertedWithCustomError(token, "SecurityTokenTransferRestricted")
          .withArgs(alice.address, stranger.address, 1n, Restriction.RecipientNotVerified);
        await expect(token.connect(alice).batchTransfer([bob.address, ethers.ZeroAddress], [1n, 1n]))
          .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
        expect(await tokenState(world)).to.deep.equal(before);
      });

      it("reverts with SecurityTokenLengthMismatch", async function () {
        const world = await loadFixture(fundedFixture);
        const token = world.contracts.token;
        await expect(token.connect(world.accounts.alice).batchTransfer([world.accounts.bob.address], []))
          .to.be.revertedWithCustomError(token, "SecurityTokenLengthMismatch")
          .withArgs(1n, 0n);
      });
    });

    describe("batchMint and batchBurn", function () {
      it("mint and burn for each holder, all or nothing", async function () {
        const world = await loadFixture(fixture);
        const { agent, alice, bob, stranger } = world.accounts;
        const token = world.contracts.token.connect(agent);
        await expect(token.batchMint([alice.address, bob.address], [3n, 4n]))
          .to.emit(token, "Transfer")
          .withArgs(ethers.ZeroAddress, bob.address, 4n);
        expect(await token.totalSupply()).to.equal(7n);
        await expect(token.batchBurn([alice.address, bob.address], [1n, 4n]))
          .to.emit(token, "Transfer")
          .withArgs(bob.address, ethers.ZeroAddress, 4n);
        expect(await token.totalSupply()).to.equal(2n);
        const before = await tokenState(world);
        await expect(token.batchMint([alice.address, stranger.address], [1n, 1n])).to.be.revertedWithCustomError(
          token,
          "SecurityTokenTransferRestricted",
        );
        await expect(token.batchBurn([alice.address, bob.address], [1n, 1n]))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(bob.address, 0n, 1n);
        await expect(token.batchMint([alice.address], [1n, 2n]))
          .to.be.revertedWithCustomError(token, "SecurityTokenLengthMismatch")
          .withArgs(1n, 2n);
        await expect(token.batchBurn([alice.address], []))
          .to.be.revertedWithCustomError(token, "SecurityTokenLengthMismatch")
          .withArgs(1n, 0n);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    describe("batchForcedTransfer", function () {
      it("forces each transfer, all or nothing", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob, carol, stranger } = world.accounts;
        const token = world.contracts.token.connect(agent);
        await token.batchForcedTransfer([alice.address, bob.address], [carol.address, carol.address], [1n, 2n]);
        expect(await token.balanceOf(carol.address)).to.equal(3n);
        const before = await tokenState(world);
        await expect(
          token.batchForcedTransfer([alice.address, bob.address], [carol.address, stranger.address], [1n, 1n]),
        )
          .to.be.revertedWithCustomError(token, "SecurityTokenRecipientNotVerified")
          .withArgs(stranger.address);
        for (const [froms, tos, amounts] of [
          [[alice.address], [carol.address, bob.address], [1n]],
          [[alice.address], [carol.address], []],
        ] as [string[], string[], bigint[]][]) {
          await expect(token.batchForcedTransfer(froms, tos, amounts)).to.be.revertedWithCustomError(
            token,
            "SecurityTokenLengthMismatch",
          );
        }
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    describe("batchSetAddressFrozen, batchFreezePartialTokens, batchUnfreezePartialTokens", function () {
      it("apply to each address, all or nothing", async function () {
        const world = await loadFixture(fundedFixture);
        const { agent, alice, bob } = world.accounts;
        const token = world.contracts.token.connect(agent);
        await expect(token.batchSetAddressFrozen([alice.address, bob.address], [true, false]))
          .to.emit(token, "AddressFrozen")
          .withArgs(alice.address, true, agent.address)
          .and.to.emit(token, "AddressFrozen")
          .withArgs(bob.address, false, agent.address);
        await token.batchFreezePartialTokens([alice.address, bob.address], [10n, 20n]);
        expect(await token.getFrozenTokens(bob.address)).to.equal(20n);
        await token.batchUnfreezePartialTokens([alice.address, bob.address], [10n, 5n]);
        expect(await token.getFrozenTokens(alice.address)).to.equal(0n);
        expect(await token.getFrozenTokens(bob.address)).to.equal(15n);
        const before = await tokenState(world);
        await expect(token.batchFreezePartialTokens([alice.address, bob.address], [1n, 1_000n]))
          .to.be.revertedWithCustomError(token, "SecurityTokenFreezeExceedsBalance")
          .withArgs(bob.address, 500n, 1_015n);
        await expect(token.batchUnfreezePartialTokens([bob.address, alice.address], [1n, 1n]))
          .to.be.revertedWithCustomError(token, "SecurityTokenUnfreezeExceedsFrozen")
          .withArgs(alice.address, 0n, 1n);
        await expect(token.batchSetAddressFrozen([alice.address, ethers.ZeroAddress], [false, true]))
          .to.be.revertedWithCustomError(token, "SecurityTokenInvalidAddress")
          .withArgs(ethers.ZeroAddress);
        await expect(token.batchSetAddressFrozen([alice.address], [])).to.be.revertedWithCustomError(
          token,
          "SecurityTokenLengthMismatch",
        );
        await expect(token.batchFreezePartialTokens([], [1n])).to.be.revertedWithCustomError(
          token,
          "SecurityTokenLengthMismatch",
        );
        await expect(token.batchUnfreezePartialTokens([alice.address], [])).to.be.revertedWithCustomError(
          token,
          "SecurityTokenLengthMismatch",
        );
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });
  });

  describe("documents (ERC-1643)", function () {
    context("when the issuer sets a document", function () {
      it("emits DocumentUpdated, lists it and records when it was set", async function () {
        const world = await loadFixture(fixture);
        const { issuer } = world.accounts;
        const token = world.contracts.token;
        const report = document("annual-report-2025");
        await expect(token.connect(issuer).setDocument(report.name, report.uri, report.documentHash))
          .to.emit(token, "DocumentUpdated")
          .withArgs(report.name, report.uri, report.documentHash);
        const [uri, hash, lastModified] = await token.getDocument(report.name);
        expect([uri, hash, lastModified]).to.deep.equal([report.uri, report.documentHash, BigInt(await time.latest())]);
        expect(await token.getAllDocuments()).to.deep.equal([world.documents[0].name, report.name]);
      });

      it("replaces a document of the same name without listing it twice", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token.connect(world.accounts.issuer);
        const name = world.documents[0].name;
        await expect(token.setDocument(name, "ipfs://v2", ethers.ZeroHash))
          .to.emit(token, "DocumentUpdated")
          .withArgs(name, "ipfs://v2", ethers.ZeroHash);
        expect(await token.getAllDocuments()).to.deep.equal([name]);
        expect((await token.getDocument(name))[0]).to.equal("ipfs://v2");
      });

      it("reverts with DocumentsInvalidName or DocumentsEmptyURI for bad input", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token.connect(world.accounts.issuer);
        const before = await tokenState(world);
        await expect(token.setDocument(ethers.ZeroHash, "ipfs://x", ethers.ZeroHash)).to.be.revertedWithCustomError(
          token,
          "DocumentsInvalidName",
        );
        const name = ethers.encodeBytes32String("terms");
        await expect(token.setDocument(name, "", ethers.ZeroHash))
          .to.be.revertedWithCustomError(token, "DocumentsEmptyURI")
          .withArgs(name);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });

    context("when the issuer removes a document", function () {
      it("emits DocumentRemoved with its last URI and hash and unlists it", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token.connect(world.accounts.issuer);
        const [prospectus] = world.documents;
        const [a, b] = [document("a"), document("b")];
        for (const d of [a, b]) await token.setDocument(d.name, d.uri, d.documentHash);
        await expect(token.removeDocument(prospectus.name))
          .to.emit(token, "DocumentRemoved")
          .withArgs(prospectus.name, prospectus.uri, prospectus.documentHash);
        expect(await token.getAllDocuments()).to.deep.equal([b.name, a.name]);
        expect(await token.getDocument(prospectus.name)).to.deep.equal(["", ethers.ZeroHash, 0n]);
        await token.removeDocument(a.name);
        await token.removeDocument(b.name);
        expect(await token.getAllDocuments()).to.deep.equal([]);
      });

      it("reverts with DocumentsUnknownDocument for a name not attached", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token.connect(world.accounts.issuer);
        const name = ethers.encodeBytes32String("nothing");
        const before = await tokenState(world);
        await expect(token.removeDocument(name))
          .to.be.revertedWithCustomError(token, "DocumentsUnknownDocument")
          .withArgs(name);
        expect(await tokenState(world)).to.deep.equal(before);
      });
    });
  });

  describe("snapshots", function () {
    context("when the agent takes a snapshot", function () {
      it("emits Snapshot with ids 1, 2, … and returns the id", async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token.connect(world.accounts.agent);
        expect(await token.currentSnapshotId()).to.equal(0n);
        expect(await token.snapshot.staticCall()).to.equal(1n);
        await expect(token.snapshot()).to.emit(token, "Snapshot").withArgs(1n);
        await expect(token.snapshot()).to.emit(token, "Snapshot").withArgs(2n);
        expect(await token.currentSnapshotId()).to.equal(2n);
      });
    });

    it("keeps each holder's balance and the supply as they were at every snapshot", async function () {
      const world = await loadFixture(fundedFixture);
      const { agent, alice, bob, carol } = world.accounts;
      const token = world.contracts.token;
      const agentToken = token.connect(agent);
      await agentToken.snapshot(); // 1: alice 1000, bob 500, carol 0, supply 1500
      await token.connect(alice).transfer(carol.address, 100n);
      await token.connect(alice).transfer(carol.address, 100n);
      await agentToken.snapshot(); // 2: alice 800, bob 500, carol 200, supply 1500
      await agentToken.snapshot(); // 3: the same
      await agentToken.mint(bob.address, 50n);
      await agentToken.burn(alice.address, 800n);
      await agentToken.snapshot(); // 4: alice 0, bob 550, carol 200, supply 750
      await token.connect(carol).transfer(alice.address, 200n); // after 4: alice 200, carol 0
      const expected: [string, bigint[]][] = [
        [alice.address, [1_000n, 800n, 800n, 0n]],
        [bob.address, [500n, 500n, 500n, 550n]],
        [carol.address, [0n, 200n, 200n, 200n]],
      ];
      for (const [account, balances] of expected) {
        for (let id = 1; id <= 4; id++) {
          expect(await token.balanceOfAt(account, id), `${account} at ${id}`).to.equal(balances[id - 1]);
        }
      }
      expect(await Promise.all([1, 2, 3, 4].map((id) => token.totalSupplyAt(id)))).to.deep.equal([
        1_500n,
        1_500n,
        1_500n,
        750n,
      ]);
      expect(await token.balanceOf(alice.address)).to.equal(200n);
    });

    it("gives zero to holders that arrived after a snapshot", async function () {
      const world = await loadFixture(fundedFixture);
      const { agent, alice, carol } = world.accounts;
      const token = world.contracts.token;
      await token.connect(agent).snapshot();
      await token.connect(alice).transfer(carol.address, 10n);
      await token.connect(agent).snapshot();
      await token.connect(alice).transfer(carol.address, 10n);
      expect(await token.balanceOfAt(carol.address, 1)).to.equal(0n);
      expect(await token.balanceOfAt(carol.address, 2)).to.equal(10n);
      expect(await token.balanceOf(carol.address)).to.equal(20n);
    });

    it("takes internal snapshots for products the same way", async function () {
      const world = await loadFixture(fundedFixture);
      const token = world.contracts.token;
      await expect(token.exposedSnapshot()).to.emit(token, "Snapshot").withArgs(1n);
      await token.connect(world.accounts.agent).burn(world.accounts.bob.address, 500n);
      expect(await token.totalSupplyAt(1)).to.equal(1_500n);
      expect(await token.balanceOfAt(world.accounts.bob.address, 1)).to.equal(500n);
    });

    for (const id of [0, 1]) {
      it(`reverts with SecurityTokenUnknownSnapshot for id ${id} when only ${id === 0 ? "1 exists" : "0 exist"}`, async function () {
        const world = await loadFixture(fixture);
        const token = world.contracts.token;
        if (id === 0) await token.connect(world.accounts.agent).snapshot();
        const current = await token.currentSnapshotId();
        await expect(token.balanceOfAt(world.accounts.alice.address, id))
          .to.be.revertedWithCustomError(token, "SecurityTokenUnknownSnapshot")
          .withArgs(id, current);
        await expect(token.totalSupplyAt(id))
          .to.be.revertedWithCustomError(token, "SecurityTokenUnknownSnapshot")
          .withArgs(id, current);
      });
    }

    it("reverts with SecurityTokenSnapshotLimit once every 24-bit id is used", async function () {
      const world = await loadFixture(fixture);
      const token = world.contracts.token;
      const address = await token.getAddress();
      const word = BigInt(await ethers.provider.getStorage(address, IMPLEMENTATION_SLOT));
      const lastId = 2n ** 24n - 2n;
      await ethers.provider.send("hardhat_setStorageAt", [
        address,
        IMPLEMENTATION_SLOT,
        ethers.toBeHex(word | (lastId << 168n), 32),
      ]);
      await expect(token.connect(world.accounts.agent).snapshot())
        .to.emit(token, "Snapshot")
        .withArgs(lastId + 1n);
      await expect(token.connect(world.accounts.agent).snapshot()).to.be.revertedWithCustomError(
        token,
        "SecurityTokenSnapshotLimit",
      );
      expect(await token.currentSnapshotId()).to.equal(lastId + 1n);
    });

    it("keeps the snapshot id and pause in the implementation slot, above the address", async function () {
      const world = await loadFixture(fixture);
      const token = world.contracts.token;
      const address = await token.getAddress();
      const word = async () => BigInt(await ethers.provider.getStorage(address, IMPLEMENTATION_SLOT));
      expect((await word()) >> 160n).to.equal(0n);
      await token.connect(world.accounts.agent).snapshot();
      await token.connect(world.accounts.agent).pause();
      expect((await word()) >> 160n).to.equal((1n << 8n) | 1n);
      expect((await word()) & ADDRESS_MASK).to.equal(BigInt(world.contracts.implementation));
    });
  });

  describe("register", function () {
    it("counts an investor once across its wallets", async function () {
      const world = await loadFixture(fixture);
      const { agent, alice, aliceSecond, bob } = world.accounts;
      const token = world.contracts.token;
      await token.connect(agent).mint(alice.address, 10n);
      await token.connect(agent).mint(aliceSecond.address, 10n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 2n]);
      expect(await token.investorBalanceOf(alice.address)).to.equal(20n);
      expect(await token.investorBalanceOf(aliceSecond.address)).to.equal(20n);
      await token.connect(alice).transfer(bob.address, 10n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      await token.connect(aliceSecond).transfer(alice.address, 10n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      await token.connect(alice).transfer(bob.address, 10n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 1n]);
      expect(await token.investorBalanceOf(alice.address)).to.equal(0n);
      expect(await token.investorBalanceOf(bob.address)).to.equal(20n);
    });

    it("keeps the count when an investor moves everything between its wallets", async function () {
      const world = await loadFixture(fundedFixture);
      const { alice, aliceSecond } = world.accounts;
      const token = world.contracts.token;
      await token.connect(alice).transfer(aliceSecond.address, 1_000n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      await token.connect(aliceSecond).transfer(alice.address, 1_000n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
    });

    it("counts an investor with three wallets once", async function () {
      const world = await loadFixture(fixture);
      const { agent, kycProvider } = world.accounts;
      const token = world.contracts.token;
      const wallets = await Promise.all(["w1", "w2", "w3"].map((label) => extraSigner(label)));
      const investor = await registerInvestor(world, "erin", [wallets[0].address, wallets[1].address]);
      await world.contracts.identity.connect(kycProvider).addWallet(investor, wallets[2].address);
      for (const wallet of wallets) await token.connect(agent).mint(wallet.address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 3n]);
      expect(await token.investorBalanceOf(wallets[1].address)).to.equal(15n);
      await token.connect(agent).burn(wallets[0].address, 5n);
      await token.connect(agent).burn(wallets[2].address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 1n]);
      await token.connect(agent).burn(wallets[1].address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([0n, 0n]);
    });

    it("never counts the token's own escrow", async function () {
      const world = await loadFixture(fundedFixture);
      const { bob } = world.accounts;
      const token = world.contracts.token;
      const self = await token.getAddress();
      await token.exposedMoveUnchecked(bob.address, self, 500n);
      expect(await token.balanceOf(self)).to.equal(500n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 1n]);
      await token.exposedMoveUnchecked(self, bob.address, 200n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      await token.exposedBurnUnchecked(self, 300n);
      expect(await token.totalSupply()).to.equal(1_200n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
    });

    it("counts a wallet unregistered when it started holding as an investor of its own", async function () {
      const world = await loadFixture(fixture);
      const { stranger, dave } = world.accounts;
      const token = world.contracts.token;
      await token.exposedIssueUnchecked(stranger.address, 5n);
      await token.exposedIssueUnchecked(world.accounts.carol.address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      expect(await token.investorBalanceOf(stranger.address)).to.equal(5n);
      await token.exposedMoveUnchecked(stranger.address, dave.address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([2n, 2n]);
      await token.exposedBurnUnchecked(dave.address, 5n);
      expect([await token.holderCount(), await token.holdingWalletCount()]).to.deep.equal([1n, 1n]);
    });
  });

  describe("register after registry changes (counts follow what the token recorded)", function () {
    /** alice's two wallets hold 10 each; bob holds 10. */
    async function twoWalletsHold(): Promise<SecurityWorld> {
      const world = await loadFixture(fixture);
      await mintTo(world, {
        [world.accounts.alice.address]: 10n,
        [world.accounts.aliceSecond.address]: 10n,
        [world.accounts.bob.address]: 10n,
      });
      return world;
    }
    const counts = async (world: SecurityWorld) => [
      await world.contracts.token.holderCount(),
      await world.contracts.token.holdingWalletCount(),
    ];

    it("counts a removed investor's two holding wallets once, down to zero and no further", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, alice, aliceSecond, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      await world.contracts.identity.connect(kycProvider).removeInvestor(investors.alice);
      await token.burn(alice.address, 10n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      expect(await world.contracts.token.investorBalanceOf(aliceSecond.address)).to.equal(10n);
      await token.forcedTransfer(aliceSecond.address, world.accounts.bob.address, 10n);
      expect(await counts(world)).to.deep.equal([1n, 1n]);
    });

    it("never wraps the count: after the removal a new investor is still admitted under a cap", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, alice, aliceSecond, bob, carol, kycProvider, regulator } = world.accounts;
      const token = world.contracts.token.connect(agent);
      await world.contracts.compliance
        .connect(regulator)
        .configureAsset(await token.getAddress(), assetRules({ maxInvestors: 2 }));
      await world.contracts.identity.connect(kycProvider).removeInvestor(investors.alice);
      await token.burn(alice.address, 10n);
      await token.burn(aliceSecond.address, 10n);
      await token.burn(bob.address, 10n);
      expect(await counts(world)).to.deep.equal([0n, 0n]);
      await token.mint(carol.address, 1n);
      await token.mint(bob.address, 1n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
    });

    it("keeps the investor counted while a wallet removed from it still holds", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, alice, aliceSecond, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      await world.contracts.identity.connect(kycProvider).removeWallet(aliceSecond.address);
      await token.burn(alice.address, 10n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      await token.burn(aliceSecond.address, 10n);
      expect(await counts(world)).to.deep.equal([1n, 1n]);
    });

    it("keeps the investor counted while a recovered wallet still holds (recoveryAddress not yet called)", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, alice, aliceSecond, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      const fresh = await extraSigner("alice fresh");
      await world.contracts.identity.connect(kycProvider).recoverWallet(aliceSecond.address, fresh.address);
      await token.burn(alice.address, 10n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      await token.mint(fresh.address, 5n);
      expect(await counts(world)).to.deep.equal([2n, 3n]);
      await token.recoveryAddress(aliceSecond.address, fresh.address, ethers.ZeroAddress);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      await token.burn(fresh.address, 15n);
      expect(await counts(world)).to.deep.equal([1n, 1n]);
    });

    it("does not count a sole wallet's replacement as a second investor before recoveryAddress", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, bob, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      const fresh = await extraSigner("bob fresh");
      await world.contracts.identity.connect(kycProvider).recoverWallet(bob.address, fresh.address);
      await token.mint(fresh.address, 5n);
      expect(await counts(world)).to.deep.equal([2n, 4n]);
      expect(await world.contracts.token.investorBalanceOf(fresh.address)).to.equal(15n);
    });

    it("keeps counting a sole wallet's investor after a sibling added later was removed while holding", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, bob, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      const identity = world.contracts.identity.connect(kycProvider);
      const extra = await extraSigner("bob extra");
      await identity.addWallet(investors.bob, extra.address);
      await token.mint(extra.address, 5n);
      expect(await counts(world)).to.deep.equal([2n, 4n]);
      await identity.removeWallet(extra.address);
      await token.burn(bob.address, 10n);
      expect(await counts(world)).to.deep.equal([2n, 3n]);
      await token.burn(extra.address, 5n);
      expect(await counts(world)).to.deep.equal([1n, 2n]);
    });

    it("counts a wallet re-registered to another investor under the investor it held for", async function () {
      const world = await loadFixture(twoWalletsHold);
      const { agent, alice, aliceSecond, kycProvider } = world.accounts;
      const token = world.contracts.token.connect(agent);
      await world.contracts.identity.connect(kycProvider).removeWallet(aliceSecond.address);
      await registerInvestor(world, "frank", [aliceSecond.address]);
      await token.burn(alice.address, 10n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      await token.mint(aliceSecond.address, 1n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
      await token.burn(aliceSecond.address, 11n);
      expect(await counts(world)).to.deep.equal([1n, 1n]);
      await token.mint(aliceSecond.address, 1n);
      expect(await counts(world)).to.deep.equal([2n, 2n]);
    });
  });

  describe("upgrades", function () {
    async function upgradeable() {
      const world = await loadFixture(fundedFixture);
      const factory = await extraSigner("factory");
      await world.contracts.authority
        .connect(world.accounts.deployer)
        .grantRole(Role.ASSET_FACTORY, factory.address, 0);
      const next = await ethers.deployContract("SecurityTokenMock", [
        await world.contracts.compliance.getAddress(),
        await world.contracts.identity.getAddress(),
        await world.contracts.settlement.getAddress(),
      ]);
      return { world, factory, next: await next.getAddress() };
    }

    context("when the holder of ASSET_FACTORY upgrades", function () {
      it("moves the proxy to the new implementation and keeps state, pause and snapshots", async function () {
        const { world, factory, next } = await upgradeable();
        const token = world.contracts.token;
        await token.connect(world.accounts.agent).snapshot();
        await token.connect(world.accounts.alice).transfer(world.accounts.carol.address, 7n);
        await token.connect(world.accounts.agent).pause();
        const before = await tokenState(world);
        await expect(token.connect(factory).upgradeToAndCall(next, "0x")).to.emit(token, "Upgraded").withArgs(next);
        const word = BigInt(await ethers.provider.getStorage(await token.getAddress(), IMPLEMENTATION_SLOT));
        expect(word & ADDRESS_MASK).to.equal(BigInt(next));
        expect(await tokenState(world)).to.deep.equal(before);
        expect(await token.paused()).to.equal(true);
        expect(await token.currentSnapshotId()).to.equal(1n);
      });
    });

    context("when anyone else tries", function () {
      it("reverts with AccessManagedUnauthorized and keeps the implementation", async function () {
        const { world, next } = await upgradeable();
        const token = world.contracts.token;
        for (const caller of [world.accounts.agent, world.accounts.issuer, world.accounts.governor]) {
          await expect(token.connect(caller).upgradeToAndCall(next, "0x"))
            .to.be.revertedWithCustomError(token, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        const word = BigInt(await ethers.provider.getStorage(await token.getAddress(), IMPLEMENTATION_SLOT));
        expect(word & ADDRESS_MASK).to.equal(BigInt(world.contracts.implementation));
      });
    });
  });

  describe("access", function () {
    let world: SecurityWorld;
    let callers: HardhatEthersSigner[];

    beforeEach(async function () {
      world = await loadFixture(fundedFixture);
      const { agent, administrator, aliceSecond, dave, ...named } = world.accounts;
      callers = [...Object.values(named), agent, administrator, aliceSecond, dave];
    });

    const byRole = new Map<RoleName, string[]>();
    for (const [signature, role] of Object.entries(securityTokenPermissions)) {
      byRole.set(role, [...(byRole.get(role) ?? []), signature]);
    }
    for (const [role, signatures] of byRole) {
      describe(`restricted to ${role}`, function () {
        shouldBehaveLikeRestricted(
          () => ({ authority: world.contracts.authority, target: world.contracts.token, callers }),
          signatures,
          Role[role],
        );
      });
    }

    it("lists every state-changing function of the core as restricted or public in config/roles.ts", async function () {
      const { securityTokenPublicFunctions } = await import("../../../config/roles");
      const iface = (await ethers.getContractAt("ISecurityToken", ethers.ZeroAddress)).interface;
      const open = new Set(securityTokenPublicFunctions);
      const missing: string[] = [];
      iface.forEachFunction((f) => {
        if (f.stateMutability === "view" || f.stateMutability === "pure") return;
        const signature = f.format("sighash");
        if (signature.startsWith("initialize(")) return;
        if (!(signature in securityTokenPermissions) && !open.has(signature)) missing.push(signature);
      });
      expect(missing).to.deep.equal([]);
    });
  });

  describe("with another investor from a blocked country", function () {
    it("refuses transfers as the pipeline says, naming the code", async function () {
      const world = await loadFixture(fundedFixture);
      const { alice, regulator } = world.accounts;
      const token = world.contracts.token;
      const asset = await token.getAddress();
      const jp = await extraSigner("jp investor");
      await registerInvestor(world, "jp", [jp.address], Country.JP, KYC_AML);
      await world.contracts.compliance.connect(regulator).configureAsset(asset, assetRules({ countryBlockList: true }));
      await world.contracts.compliance.connect(regulator).setCountriesBlocked(asset, [Country.JP], true);
      await expect(token.connect(alice).transfer(jp.address, 1n))
        .to.be.revertedWithCustomError(token, "SecurityTokenTransferRestricted")
        .withArgs(alice.address, jp.address, 1n, Restriction.CountryBlocked);
      expect(await token.detectTransferRestriction(alice.address, jp.address, 1n)).to.equal(Restriction.CountryBlocked);
      expect(investors.alice).to.equal(ethers.id("alice"));
      void anyValue;
    });
  });
});
