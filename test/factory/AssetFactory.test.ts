import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Role } from "../../config/roles";
import { ProductType } from "../../sdk/assets";
import { Claim, claimsOf } from "../../sdk/claims";
import { seatMember } from "../../scripts/lib/members";
import { fundedWallet } from "../helpers/wallets";
import {
  CHINA,
  FRANCE,
  factoryFixture,
  issueAsset,
  issueRequest,
  setProductImplementation,
  type IssueOptions,
} from "../fixtures/assets";
import type { AssetFactory, ProductMock, ProductMockV2 } from "../../typechain-types";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const DAY = 86_400;

/** The ERC-1967 implementation of `proxy`. */
async function implementationOf(proxy: string): Promise<string> {
  const word = await ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return ethers.getAddress("0x" + word.slice(-40));
}

describe("AssetFactory", function () {
  let f: Awaited<ReturnType<typeof factoryFixture>>;
  let factory: AssetFactory;
  let issuer: HardhatEthersSigner, alice: HardhatEthersSigner, bob: HardhatEthersSigner;
  let governor: HardhatEthersSigner, stranger: HardhatEthersSigner;

  beforeEach(async function () {
    f = await loadFixture(factoryFixture);
    ({ factory } = f.contracts);
    ({ issuer, alice, bob, governor, stranger } = f.accounts);
  });

  const token = (asset: string) => ethers.getContractAt("ProductMock", asset) as Promise<ProductMock>;

  /** Everything the registry says, to prove a refused call changed nothing. */
  async function registryState() {
    return {
      count: await factory.assetCount(),
      equity: await factory.assetCountByProduct(ProductType.Equity),
      bond: await factory.assetCountByProduct(ProductType.Bond),
      byIssuer: await factory.assetCountByIssuer(issuer.address),
      nonce: await ethers.provider.getTransactionCount(await factory.getAddress()),
    };
  }

  describe("issue", function () {
    const complete: IssueOptions = {
      rules: {
        requiredClaims: claimsOf([Claim.PROFESSIONAL]),
        maxInvestors: 500n,
        countryAllowList: true,
        maxBalance: true,
      },
      allowedCountries: [CHINA, 344, 446],
      maxBalance: 1_000_000n,
      documents: [
        { name: ethers.encodeBytes32String("prospectus"), uri: "ipfs://prospectus", documentHash: ethers.id("p") },
      ],
      terms: ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [42n]),
    };

    context("with a complete request", function () {
      it("deploys a proxy of the product's implementation, initialized with the instrument, documents and terms", async function () {
        const lockup = BigInt(await time.latest()) + 30n * BigInt(DAY);
        const request = issueRequest({
          ...complete,
          rules: { ...complete.rules, lockupUntil: lockup },
          agents: [bob.address],
          instrument: { name: "Example plc", symbol: "EXA", isin: ethers.zeroPadBytes("0x434e30303030", 12) },
        });
        const asset = await factory.connect(issuer).issue.staticCall(request);
        const tx = factory.connect(issuer).issue(request);
        await expect(tx)
          .to.emit(factory, "AssetIssued")
          .withArgs(asset, ProductType.Equity, issuer.address, await f.implementations.equity.getAddress(), 0);
        expect(await implementationOf(asset)).to.equal(await f.implementations.equity.getAddress());
        const security = await token(asset);
        await expect(tx)
          .to.emit(security, "DocumentUpdated")
          .withArgs(ethers.encodeBytes32String("prospectus"), "ipfs://prospectus", ethers.id("p"));
        expect(await security.name()).to.equal("Example plc");
        expect(await security.symbol()).to.equal("EXA");
        expect(await security.decimals()).to.equal(0);
        expect(await security.tag()).to.equal(42n);
        expect(await security.productType()).to.equal(ProductType.Equity);
        expect(await security.authority()).to.equal(await f.contracts.authority.getAddress());
        expect(await security.getAllDocuments()).to.deep.equal([ethers.encodeBytes32String("prospectus")]);
        const [uri, hash] = await security.getDocument(ethers.encodeBytes32String("prospectus"));
        expect([uri, hash]).to.deep.equal(["ipfs://prospectus", ethers.id("p")]);
      });

      it("sets the instrument's issuer to the caller, whatever the request said", async function () {
        const request = issueRequest({ instrument: { issuer: stranger.address } });
        const asset = await factory.connect(issuer).issue.staticCall(request);
        await factory.connect(issuer).issue(request);
        const security = await token(asset);
        expect(await security.issuer()).to.equal(issuer.address);
        expect((await security.instrument()).issuer).to.equal(issuer.address);
        expect(await f.contracts.authority.issuerOf(asset)).to.equal(issuer.address);
      });

      it("registers the asset with the authority and seats the issuer, agents and administrators", async function () {
        const { authority } = f.contracts;
        const request = issueRequest({ agents: [bob.address, alice.address], administrators: [alice.address] });
        const asset = await factory.connect(issuer).issue.staticCall(request);
        const tx = factory.connect(issuer).issue(request);
        await expect(tx).to.emit(authority, "AssetRegistered").withArgs(asset, ProductType.Equity, issuer.address);
        await expect(tx).to.emit(authority, "AssetRoleSet").withArgs(asset, Role.ASSET_AGENT, bob.address, true);
        await expect(tx).to.emit(authority, "AssetRoleSet").withArgs(asset, Role.ASSET_AGENT, alice.address, true);
        await expect(tx)
          .to.emit(authority, "AssetRoleSet")
          .withArgs(asset, Role.ASSET_ADMINISTRATOR, alice.address, true);
        expect(await authority.productOf(asset)).to.equal(ProductType.Equity);
        expect(await authority.hasAssetRole(asset, Role.ASSET_ISSUER, issuer.address)).to.equal(true);
        expect(await authority.assetRolesOf(asset, bob.address)).to.equal(0b10n);
        expect(await authority.assetRolesOf(asset, alice.address)).to.equal(0b110n);
      });

      it("lets the agents use the product table's agent functions on this asset only", async function () {
        const { asset } = await issueAsset(factory, issuer, { agents: [bob.address] });
        const { asset: other } = await issueAsset(factory, issuer, { agents: [alice.address] });
        const security = await token(asset);
        await expect(security.connect(bob).mint(alice.address, 10n))
          .to.emit(security, "Transfer")
          .withArgs(ethers.ZeroAddress, alice.address, 10n);
        await expect(security.connect(alice).mint(alice.address, 10n))
          .to.be.revertedWithCustomError(security, "AccessManagedUnauthorized")
          .withArgs(alice.address);
        await expect(security.connect(issuer).mint(alice.address, 10n))
          .to.be.revertedWithCustomError(security, "AccessManagedUnauthorized")
          .withArgs(issuer.address);
        await expect((await token(other)).connect(bob).mint(alice.address, 10n))
          .to.be.revertedWithCustomError(security, "AccessManagedUnauthorized")
          .withArgs(bob.address);
        expect(await security.balanceOf(alice.address)).to.equal(10n);
      });

      it("lets the issuer manage the asset's documents and agents", async function () {
        const { authority } = f.contracts;
        const { asset } = await issueAsset(factory, issuer);
        const security = await token(asset);
        await expect(
          security.connect(issuer).setDocument(ethers.encodeBytes32String("report"), "ipfs://r", ethers.ZeroHash),
        ).to.emit(security, "DocumentUpdated");
        await expect(authority.connect(issuer).setAssetRole(asset, Role.ASSET_AGENT, bob.address, true))
          .to.emit(authority, "AssetRoleSet")
          .withArgs(asset, Role.ASSET_AGENT, bob.address, true);
        await expect(security.connect(bob).mint(alice.address, 1n)).to.emit(security, "Transfer");
      });

      it("configures the asset's compliance: rules, countries and balance cap", async function () {
        const { compliance } = f.contracts;
        const request = issueRequest({
          ...complete,
          blockedCountries: [408],
          rules: { ...complete.rules, countryBlockList: true },
        });
        const asset = await factory.connect(issuer).issue.staticCall(request);
        await expect(factory.connect(issuer).issue(request)).to.emit(compliance, "AssetConfigured");
        expect(await compliance.isConfigured(asset)).to.equal(true);
        const rules = await compliance.rulesOf(asset);
        expect(rules.requiredClaims).to.equal(claimsOf([Claim.PROFESSIONAL]));
        expect(rules.maxInvestors).to.equal(500n);
        expect([rules.countryAllowList, rules.countryBlockList, rules.maxBalance]).to.deep.equal([true, true, true]);
        expect(await compliance.maxBalanceOf(asset)).to.equal(1_000_000n);
        for (const country of [CHINA, 344, 446])
          expect(await compliance.isCountryAllowed(asset, country)).to.equal(true);
        expect(await compliance.isCountryAllowed(asset, FRANCE)).to.equal(false);
        expect(await compliance.isCountryBlocked(asset, 408)).to.equal(true);
      });

      it("issues an asset whose transfers the configured rules govern", async function () {
        const { asset } = await issueAsset(factory, issuer, { ...complete, agents: [bob.address] });
        const security = await token(asset);
        await security.connect(bob).mint(alice.address, 100n);
        // carol (France, not professional) is refused by the allow-list and the required claims.
        expect(await security.detectTransferRestriction(alice.address, f.accounts.carol.address, 1n)).to.not.equal(0);
        expect(await security.detectTransferRestriction(alice.address, bob.address, 1n)).to.equal(0);
        await expect(security.connect(alice).transfer(bob.address, 10n)).to.emit(security, "Transfer");
        await expect(security.connect(alice).transfer(f.accounts.carol.address, 10n)).to.be.revertedWithCustomError(
          security,
          "SecurityTokenTransferRestricted",
        );
      });
    });

    describe("the asset registry", function () {
      let otherIssuer: HardhatEthersSigner;
      let issued: { asset: string; productType: ProductType; issuer: string }[];

      beforeEach(async function () {
        otherIssuer = await fundedWallet();
        await seatMember(f.contracts.members.connect(governor), otherIssuer.address, "Issuer", "Second Issuer", {
          leiHash: ethers.id("LEI:second"),
        });
        issued = [];
        const plan: [HardhatEthersSigner, ProductType][] = [
          [issuer, ProductType.Equity],
          [otherIssuer, ProductType.Bond],
          [issuer, ProductType.Bond],
          [otherIssuer, ProductType.Equity],
          [issuer, ProductType.Equity],
        ];
        for (const [who, productType] of plan) {
          const { asset } = await issueAsset(factory, who, { productType });
          issued.push({ asset, productType, issuer: who.address });
        }
      });

      it("counts assets in total, by product type and by issuer (F2)", async function () {
        expect(await factory.assetCount()).to.equal(5n);
        expect(await factory.assetCountByProduct(ProductType.Equity)).to.equal(3n);
        expect(await factory.assetCountByProduct(ProductType.Bond)).to.equal(2n);
        expect(await factory.assetCountByProduct(ProductType.Fund)).to.equal(0n);
        expect(await factory.assetCountByIssuer(issuer.address)).to.equal(3n);
        expect(await factory.assetCountByIssuer(otherIssuer.address)).to.equal(2n);
        expect(await factory.assetCountByIssuer(stranger.address)).to.equal(0n);
      });

      it("lists a product type's assets in issue order, page by page", async function () {
        const equities = issued.filter((a) => a.productType === ProductType.Equity).map((a) => a.asset);
        const all = await factory.assetsByProduct(ProductType.Equity, 0, 10);
        expect(all.map((e) => e.asset)).to.deep.equal(equities);
        expect(all.map((e) => e.index)).to.deep.equal([0n, 1n, 2n]);
        expect(all.every((e) => e.productType === BigInt(ProductType.Equity))).to.equal(true);
        expect((await factory.assetsByProduct(ProductType.Equity, 1, 1)).map((e) => e.asset)).to.deep.equal([
          equities[1],
        ]);
        expect((await factory.assetsByProduct(ProductType.Equity, 2, 5)).map((e) => e.asset)).to.deep.equal([
          equities[2],
        ]);
        expect(await factory.assetsByProduct(ProductType.Equity, 3, 5)).to.deep.equal([]);
        expect(await factory.assetsByProduct(ProductType.Fund, 0, 5)).to.deep.equal([]);
      });

      it("lists an issuer's assets newest first, page by page, across product types", async function () {
        const mine = issued
          .filter((a) => a.issuer === issuer.address)
          .map((a) => a.asset)
          .reverse();
        const page = await factory.assetsByIssuer(issuer.address, 0, 10);
        expect(page.map((e) => e.asset)).to.deep.equal(mine);
        expect(page.map((e) => Number(e.productType))).to.deep.equal([
          ProductType.Equity,
          ProductType.Bond,
          ProductType.Equity,
        ]);
        expect((await factory.assetsByIssuer(issuer.address, 1, 1)).map((e) => e.asset)).to.deep.equal([mine[1]]);
        expect((await factory.assetsByIssuer(issuer.address, 2, 9)).map((e) => e.asset)).to.deep.equal([mine[2]]);
        expect(await factory.assetsByIssuer(issuer.address, 3, 1)).to.deep.equal([]);
        expect(await factory.assetsByIssuer(stranger.address, 0, 10)).to.deep.equal([]);
        const theirs = issued
          .filter((a) => a.issuer === otherIssuer.address)
          .map((a) => a.asset)
          .reverse();
        expect((await factory.assetsByIssuer(otherIssuer.address, 0, 10)).map((e) => e.asset)).to.deep.equal(theirs);
      });

      it("lists every asset once under its authority product type (F1)", async function () {
        for (const productType of [ProductType.Equity, ProductType.Bond]) {
          const entries = await factory.assetsByProduct(productType, 0, 10);
          expect(new Set(entries.map((e) => e.asset)).size).to.equal(entries.length);
          for (const entry of entries) {
            expect(await f.contracts.authority.productOf(entry.asset)).to.equal(productType);
          }
        }
      });

      it("records when each asset was issued", async function () {
        const receiptBlock = await ethers.provider.getBlock("latest");
        const [latest] = await factory.assetsByIssuer(issuer.address, 0, 1);
        expect(latest.issuedAt).to.equal(BigInt(receiptBlock!.timestamp));
        const entry = await factory.assetAt(ProductType.Bond, 1);
        expect(entry.asset).to.equal(issued[2].asset);
        expect(entry.index).to.equal(1n);
      });

      it("describes an asset with assetInfo", async function () {
        const info = await factory.assetInfo(issued[1].asset);
        expect(info.productType).to.equal(ProductType.Bond);
        expect(info.issuer).to.equal(otherIssuer.address);
        expect(info.instrument.issuer).to.equal(otherIssuer.address);
        expect(info.instrument.symbol).to.equal(await (await token(issued[1].asset)).symbol());
        const none = await factory.assetInfo(stranger.address);
        expect(none.productType).to.equal(ProductType.None);
        expect(none.issuer).to.equal(ethers.ZeroAddress);
      });

      context("when assetAt is asked past the end", function () {
        it("reverts with AssetFactoryUnknownAsset", async function () {
          await expect(factory.assetAt(ProductType.Bond, 2))
            .to.be.revertedWithCustomError(factory, "AssetFactoryUnknownAsset")
            .withArgs(ProductType.Bond, 2);
        });
      });
    });

    describe("refused requests change nothing", function () {
      async function expectRefused(
        request: ReturnType<typeof issueRequest>,
        contract: { interface: import("ethers").Interface },
        error: string,
        args: unknown[],
        caller = issuer,
      ) {
        const before = await registryState();
        const next = ethers.getCreateAddress({ from: await factory.getAddress(), nonce: before.nonce });
        await expect(factory.connect(caller).issue(request))
          .to.be.revertedWithCustomError(contract, error)
          .withArgs(...args);
        expect(await registryState()).to.deep.equal(before);
        expect(await ethers.provider.getCode(next)).to.equal("0x");
        expect(await f.contracts.authority.productOf(next)).to.equal(ProductType.None);
      }

      context("when the caller is not an issuer", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          for (const caller of [stranger, alice, governor, f.accounts.exchange]) {
            await expectRefused(issueRequest(), factory, "AccessManagedUnauthorized", [caller.address], caller);
          }
        });
      });

      context("when the issuer's membership is suspended", function () {
        it("reverts with AccessManagedUnauthorized", async function () {
          await f.contracts.members.connect(governor).suspendMember(issuer.address, ethers.id("audit"));
          await expectRefused(issueRequest(), factory, "AccessManagedUnauthorized", [issuer.address]);
        });
      });

      context("when the product type is None", function () {
        it("reverts with AssetFactoryInvalidProductType", async function () {
          await expectRefused(
            issueRequest({ productType: ProductType.None }),
            factory,
            "AssetFactoryInvalidProductType",
            [ProductType.None],
          );
        });
      });

      context("when the product type has no implementation", function () {
        it("reverts with AssetFactoryNoImplementation", async function () {
          await expectRefused(
            issueRequest({ productType: ProductType.Option }),
            factory,
            "AssetFactoryNoImplementation",
            [ProductType.Option],
          );
        });
      });

      context("when the instrument is invalid", function () {
        it("reverts with the token's error", async function () {
          const security = f.implementations.equity;
          await expectRefused(
            issueRequest({ instrument: { securityCode: ethers.zeroPadBytes("0x", 12) } }),
            security,
            "SecurityTokenInvalidSecurityCode",
            [],
          );
          await expectRefused(
            issueRequest({ instrument: { jurisdiction: 1000 } }),
            security,
            "SecurityTokenInvalidJurisdiction",
            [1000],
          );
        });
      });

      context("when a document has no URI", function () {
        it("reverts with DocumentsEmptyURI", async function () {
          const name = ethers.encodeBytes32String("prospectus");
          await expectRefused(
            issueRequest({ documents: [{ name, uri: "", documentHash: ethers.ZeroHash }] }),
            f.implementations.equity,
            "DocumentsEmptyURI",
            [name],
          );
        });
      });

      context("when an agent or administrator is the zero address", function () {
        it("reverts with AllianceAuthorityInvalidAccount", async function () {
          const { authority } = f.contracts;
          await expectRefused(
            issueRequest({ agents: [ethers.ZeroAddress] }),
            authority,
            "AllianceAuthorityInvalidAccount",
            [ethers.ZeroAddress],
          );
          await expectRefused(
            issueRequest({ administrators: [bob.address, ethers.ZeroAddress] }),
            authority,
            "AllianceAuthorityInvalidAccount",
            [ethers.ZeroAddress],
          );
        });
      });

      context("when the compliance configuration is invalid", function () {
        it("reverts with the pipeline's error", async function () {
          const { compliance } = f.contracts;
          await expectRefused(
            issueRequest({ allowedCountries: [1000] }),
            compliance,
            "ComplianceInvalidCountry",
            [1000],
          );
          await expectRefused(
            issueRequest({ rules: { windowOpen: 100_000n, windowClose: 0n, tradingDays: 1n } }),
            compliance,
            "ComplianceInvalidTradingWindow",
            [100_000n, 0n, 1n],
          );
        });
      });
    });
  });

  describe("setProductImplementation", function () {
    let v2: ProductMockV2;

    beforeEach(async function () {
      const { compliance, identity } = f.contracts;
      v2 = (await ethers.deployContract("ProductMockV2", [
        await compliance.getAddress(),
        await identity.getAddress(),
        await f.contracts.settlement.getAddress(),
      ])) as unknown as ProductMockV2;
    });

    it("lets the upgrader set it after its execution delay; new assets are issued from it", async function () {
      const { authority } = f.contracts;
      const previous = await f.implementations.equity.getAddress();
      const data = factory.interface.encodeFunctionData("setProductImplementation", [
        ProductType.Equity,
        await v2.getAddress(),
      ]);
      await authority.connect(governor).schedule(factory, data, 0);
      await time.increase(2 * DAY);
      await expect(authority.connect(governor).execute(factory, data))
        .to.emit(factory, "ProductImplementationSet")
        .withArgs(ProductType.Equity, await v2.getAddress(), previous);
      expect(await factory.productImplementation(ProductType.Equity)).to.equal(await v2.getAddress());
      const { asset } = await issueAsset(factory, issuer);
      expect(await implementationOf(asset)).to.equal(await v2.getAddress());
      expect(await (await token(asset)).version()).to.equal("2.0.0-mock");
    });

    it("keeps the product's asset count", async function () {
      await issueAsset(factory, issuer);
      await setProductImplementation(
        f.contracts.authority,
        factory,
        governor,
        ProductType.Equity,
        await v2.getAddress(),
      );
      expect(await factory.assetCountByProduct(ProductType.Equity)).to.equal(1n);
      await issueAsset(factory, issuer);
      expect((await factory.assetsByProduct(ProductType.Equity, 0, 5)).map((e) => e.index)).to.deep.equal([0n, 1n]);
    });

    context("when the upgrader calls it without scheduling", function () {
      it("reverts with AccessManagerNotScheduled", async function () {
        await expect(
          factory.connect(governor).setProductImplementation(ProductType.Equity, v2),
        ).to.be.revertedWithCustomError(f.contracts.authority, "AccessManagerNotScheduled");
        expect(await factory.productImplementation(ProductType.Equity)).to.equal(
          await f.implementations.equity.getAddress(),
        );
      });
    });

    context("when the caller is not the upgrader", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        for (const caller of [issuer, stranger, f.accounts.deployer]) {
          await expect(factory.connect(caller).setProductImplementation(ProductType.Equity, v2))
            .to.be.revertedWithCustomError(factory, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await factory.productImplementation(ProductType.Equity)).to.equal(
          await f.implementations.equity.getAddress(),
        );
      });
    });

    for (const [name, productType, implementation] of [
      ["the zero address", ProductType.Equity, () => ethers.ZeroAddress],
      ["an account without code", ProductType.Equity, () => stranger.address],
      ["a contract that is not UUPS", ProductType.Equity, () => f.contracts.compliance.getAddress()],
      ["an implementation of another product type", ProductType.Equity, () => f.implementations.bond.getAddress()],
      ["a proxy (an issued asset)", ProductType.Equity, async () => (await issueAsset(factory, issuer)).asset],
    ] as const) {
      context(`when the implementation is ${name}`, function () {
        it("reverts with AssetFactoryInvalidImplementation", async function () {
          const address = await implementation();
          await expect(setProductImplementation(f.contracts.authority, factory, governor, productType, address))
            .to.be.revertedWithCustomError(factory, "AssetFactoryInvalidImplementation")
            .withArgs(productType, address);
          expect(await factory.productImplementation(productType)).to.equal(
            await f.implementations.equity.getAddress(),
          );
        });
      });
    }

    context("when the product type is None", function () {
      it("reverts with AssetFactoryInvalidProductType", async function () {
        await expect(
          setProductImplementation(f.contracts.authority, factory, governor, ProductType.None, await v2.getAddress()),
        )
          .to.be.revertedWithCustomError(factory, "AssetFactoryInvalidProductType")
          .withArgs(ProductType.None);
      });
    });
  });

  describe("rollOut", function () {
    let assets: string[];
    let v2: ProductMockV2;
    const prospectus = ethers.encodeBytes32String("prospectus");

    beforeEach(async function () {
      assets = [];
      for (let i = 0; i < 3; i++) {
        const { asset } = await issueAsset(factory, issuer, {
          agents: [bob.address],
          terms: ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [BigInt(100 + i)]),
          documents: [{ name: prospectus, uri: `ipfs://p${i}`, documentHash: ethers.id(`p${i}`) }],
        });
        const security = await token(asset);
        await security.connect(bob).mint(alice.address, BigInt(1_000 + i));
        await security.connect(bob).mint(bob.address, 7n);
        await security.connect(bob).snapshot();
        assets.push(asset);
      }
      const { compliance, identity } = f.contracts;
      v2 = (await ethers.deployContract("ProductMockV2", [
        await compliance.getAddress(),
        await identity.getAddress(),
        await f.contracts.settlement.getAddress(),
      ])) as unknown as ProductMockV2;
      await setProductImplementation(
        f.contracts.authority,
        factory,
        governor,
        ProductType.Equity,
        await v2.getAddress(),
      );
    });

    async function stateOf(asset: string) {
      const security = await token(asset);
      return {
        name: await security.name(),
        instrument: [...(await security.instrument())],
        tag: await security.tag(),
        supply: await security.totalSupply(),
        alice: await security.balanceOf(alice.address),
        bob: await security.balanceOf(bob.address),
        holders: await security.holderCount(),
        snapshot: await security.currentSnapshotId(),
        aliceAt1: await security.balanceOfAt(alice.address, 1),
        document: [...(await security.getDocument(prospectus))],
        authority: await security.authority(),
      };
    }

    it("upgrades every listed asset to the product's implementation and keeps its storage (F4)", async function () {
      const before = await Promise.all(assets.map(stateOf));
      const tx = factory.connect(stranger).rollOut(ProductType.Equity, assets);
      await expect(tx)
        .to.emit(factory, "ProductRolledOut")
        .withArgs(ProductType.Equity, await v2.getAddress(), 3);
      for (const asset of assets) {
        await expect(tx)
          .to.emit(await token(asset), "Upgraded")
          .withArgs(await v2.getAddress());
        expect(await implementationOf(asset)).to.equal(await v2.getAddress());
        const upgraded = (await ethers.getContractAt("ProductMockV2", asset)) as unknown as ProductMockV2;
        expect(await upgraded.version()).to.equal("2.0.0-mock");
        await upgraded.setExtra(5n);
        expect(await upgraded.extra()).to.equal(5n);
      }
      expect(await Promise.all(assets.map(stateOf))).to.deep.equal(before);
      // The upgraded assets keep working: the agent still mints.
      await expect((await token(assets[0])).connect(bob).mint(alice.address, 1n)).to.emit(
        await token(assets[0]),
        "Transfer",
      );
    });

    it("upgrades only the listed assets", async function () {
      await factory.rollOut(ProductType.Equity, [assets[1]]);
      expect(await implementationOf(assets[0])).to.equal(await f.implementations.equity.getAddress());
      expect(await implementationOf(assets[1])).to.equal(await v2.getAddress());
    });

    context("when a listed asset is of another product type", function () {
      it("reverts with AssetFactoryProductMismatch and upgrades none", async function () {
        const { asset: bond } = await issueAsset(factory, issuer, { productType: ProductType.Bond });
        await expect(factory.rollOut(ProductType.Equity, [assets[0], bond]))
          .to.be.revertedWithCustomError(factory, "AssetFactoryProductMismatch")
          .withArgs(bond, ProductType.Bond, ProductType.Equity);
        expect(await implementationOf(assets[0])).to.equal(await f.implementations.equity.getAddress());
      });
    });

    context("when a listed address is not an asset", function () {
      it("reverts with AssetFactoryProductMismatch", async function () {
        await expect(factory.rollOut(ProductType.Equity, [stranger.address]))
          .to.be.revertedWithCustomError(factory, "AssetFactoryProductMismatch")
          .withArgs(stranger.address, ProductType.None, ProductType.Equity);
      });
    });

    context("when the product type has no implementation", function () {
      it("reverts with AssetFactoryNoImplementation", async function () {
        await expect(factory.rollOut(ProductType.Option, []))
          .to.be.revertedWithCustomError(factory, "AssetFactoryNoImplementation")
          .withArgs(ProductType.Option);
      });
    });

    context("when the product's assets are closed in the authority", function () {
      it("reverts: the upgrade is a restricted call on each asset", async function () {
        const { authority } = f.contracts;
        await authority.connect(f.accounts.deployer).setTargetClosed(assets[0], true);
        // The token is resolved before the call is sent: a rejection must not wait for it unhandled.
        const asset = await token(assets[0]);
        await expect(factory.rollOut(ProductType.Equity, [assets[0]]))
          .to.be.revertedWithCustomError(asset, "AccessManagedUnauthorized")
          .withArgs(await factory.getAddress());
      });
    });

    context("when anyone but the factory upgrades an asset directly", function () {
      it("reverts with AccessManagedUnauthorized", async function () {
        const security = await token(assets[0]);
        for (const caller of [issuer, bob, governor, stranger]) {
          await expect(security.connect(caller).upgradeToAndCall(v2, "0x"))
            .to.be.revertedWithCustomError(security, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    });
  });
});
