import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import hre, { ethers } from "hardhat";
import type { InterfaceAbi } from "ethers";
import { Role as configRole } from "../../config/roles";
import { addressBookOf, platformErrors, SDK_CONTRACTS } from "../../scripts/lib/sdk";
import { buildSdk } from "../../scripts/sdk-pack";
import { addressBook, addressOf, type AddressBook } from "../../sdk/addresses";
import { decodePlatformError, explainRevert, PLATFORM_ERRORS } from "../../sdk/errors";
import { revertDataOf } from "../../sdk/settlement";
import { Role } from "../../sdk/roles";
import { TRANSFER_WITH_AUTHORIZATION_VRS } from "../../sdk/signatures";
import { Restriction } from "../../sdk/restrictions";
import { MemberKind, MemberStatus } from "../../sdk/members";
import { coreFixture } from "../fixtures/core";
import { issueAsset, productTerms } from "../fixtures/assets";
import { ProductType } from "../../sdk/assets";
import type { ISecurityToken } from "../../typechain-types";

const root = join(__dirname, "..", "..");
const sdkDir = join(root, "sdk");

/** The revert data of a call that must revert. */
async function revertOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const data = revertDataOf(error);
    if (data) return data;
    throw error;
  }
  throw new Error("the call did not revert");
}

describe("@assetledger/sdk (the package dApps import)", function () {
  describe("the built package", function () {
    // The package is built here (tsc to sdk/dist/), as `npm run sdk:pack` builds it: a clean clone needs nothing else.
    let requireSdk: NodeJS.Require;
    let scratch: string;
    const manifest = JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      exports: Record<string, string | { types: string; default: string }>;
      files: string[];
      peerDependencies: Record<string, string>;
      dependencies?: Record<string, string>;
      sideEffects: boolean;
    };

    before(async function () {
      this.timeout(600_000);
      buildSdk({ compile: false });
      // A consumer's node_modules/@assetledger/sdk: `require` resolves through the package's `exports` map.
      scratch = mkdtempSync(join(tmpdir(), "assetledger-sdk-"));
      mkdirSync(join(scratch, "node_modules", "@assetledger"), { recursive: true });
      symlinkSync(sdkDir, join(scratch, "node_modules", "@assetledger", "sdk"), "dir");
      writeFileSync(join(scratch, "consumer.js"), "");
      requireSdk = createRequire(join(scratch, "consumer.js"));
    });

    after(function () {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it("is named @assetledger/sdk, at the root package's version, with ethers ^6 as its only peer", function () {
      const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
      expect(manifest.name).to.equal("@assetledger/sdk");
      expect(manifest.version).to.equal(rootManifest.version);
      expect(manifest.peerDependencies).to.deep.equal({ ethers: "^6.0.0" });
      expect(manifest.dependencies).to.equal(undefined);
      expect(manifest.files).to.deep.equal(["dist"]);
      expect(manifest.sideEffects).to.equal(false);
    });

    it("resolves every subpath export from dist, with its declarations", function () {
      const subpaths = Object.keys(manifest.exports).filter((path) => !path.endsWith(".json"));
      expect(subpaths).to.include.members([".", "./errors", "./addresses", "./contracts", "./roles", "./settlement"]);
      for (const subpath of subpaths) {
        const target = manifest.exports[subpath] as { types: string; default: string };
        const name = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        const resolved = requireSdk.resolve(name);
        expect(resolved, name).to.equal(join(sdkDir, target.default));
        expect(existsSync(join(sdkDir, target.types)), `${name} types`).to.equal(true);
        const module = requireSdk(name) as Record<string, unknown>;
        expect(Object.keys(module).length, `${name} exports`).to.be.greaterThan(0);
      }
      expect(requireSdk.resolve(`${manifest.name}/addresses.json`)).to.equal(join(sdkDir, "dist", "addresses.json"));
    });

    it("refuses a path the exports map does not list", function () {
      expect(() => requireSdk.resolve("@assetledger/sdk/dist/keccak.js")).to.throw(/not defined by "exports"/);
      expect(() => requireSdk.resolve("@assetledger/sdk/nope")).to.throw(/not defined by "exports"/);
    });

    it("needs no Hardhat: no file of dist requires hardhat or a repository path", function () {
      const sdk = requireSdk("@assetledger/sdk") as Record<string, unknown>;
      const loaded = Object.keys(require.cache).filter((file) => file.startsWith(join(sdkDir, "dist")));
      expect(loaded.length).to.be.greaterThan(10);
      for (const file of loaded) {
        const text = readFileSync(file, "utf8");
        expect(text, file).not.to.match(/require\("(hardhat|@nomicfoundation|\.\.\/\.\.\/(config|scripts))/);
      }
      // The root export carries each part the issue names.
      for (const name of [
        "SettlementCoin__factory",
        "Equity__factory",
        "IBond__factory",
        "INetSettlement__factory",
        "IHoldable__factory",
        "addressBook",
        "Role",
        "ProductType",
        "MemberKind",
        "Restriction",
        "describeExplanation",
        "decodePlatformError",
        "signPermit",
        "signAuthorization",
        "signInstruction",
        "signPaymentReceipt",
        "readRegister",
        "registerToCsv",
      ]) {
        expect(sdk, name).to.have.property(name);
      }
    });

    it("packs dist/ and its manifest only: JavaScript, declarations and the address book", function () {
      const result = spawnSync("npm", ["pack", "--dry-run", "--json"], { cwd: sdkDir, encoding: "utf8" });
      expect(result.status, result.stderr).to.equal(0);
      const [packed] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
      const paths = packed.files.map((file) => file.path);
      expect(paths).to.include.members(["package.json", "dist/index.js", "dist/index.d.ts", "dist/addresses.json"]);
      const strays = paths.filter((path) => path !== "package.json" && !/^dist\/.*\.(js|d\.ts|json)$/.test(path));
      expect(strays).to.deep.equal([]);
      expect(paths.filter((path) => /mocks?\//i.test(path))).to.deep.equal([]);
    });

    it("carries the TypeChain bindings of the public contracts and of no mock", function () {
      const contracts = requireSdk("@assetledger/sdk/contracts") as Record<string, { abi: unknown[] }>;
      const factories = Object.keys(contracts).filter((name) => name.endsWith("__factory"));
      expect(factories.map((name) => name.replace(/__factory$/, ""))).to.have.members([...SDK_CONTRACTS]);
      expect(factories.some((name) => /Mock|Harness/.test(name))).to.equal(false);
      const coin = new ethers.Interface(contracts.SettlementCoin__factory.abi as InterfaceAbi);
      expect(coin.getFunction(TRANSFER_WITH_AUTHORIZATION_VRS)).to.not.equal(null);
    });
  });

  describe("Role", function () {
    it("equals config/roles.ts's Role, id for id", function () {
      expect(Role).to.deep.equal(configRole);
    });
  });

  describe("the error ABI", function () {
    it("holds every custom error of every non-mock contract once, and none only a mock declares", function () {
      const fresh = platformErrors(root, false);
      expect(PLATFORM_ERRORS.map((entry) => entry.signature)).to.deep.equal(fresh.map((entry) => entry.signature));
      const signatures = new Set(PLATFORM_ERRORS.map((entry) => entry.signature));
      expect(signatures.size).to.equal(PLATFORM_ERRORS.length);
      expect(new Set(PLATFORM_ERRORS.map((entry) => entry.selector)).size).to.equal(PLATFORM_ERRORS.length);
      for (const entry of PLATFORM_ERRORS) {
        expect(
          entry.contracts.some((name) => /Mock|Harness/.test(name)),
          entry.signature,
        ).to.equal(false);
      }
      expect(signatures).to.include("SecurityTokenAddressFrozen(address)");
      expect(signatures).to.include("AccessManagedUnauthorized(address)");
    });
  });

  describe("decodePlatformError", function () {
    it("decodes a real revert of each core contract into its name, arguments and a sentence", async function () {
      const { accounts, contracts } = await coreFixture();
      const { governor, kycProvider, exchange, issuer, stranger, alice, bob } = accounts;
      const { authority, members, identity, compliance, coin, factory, settlement } = contracts;
      const far = (await ethers.provider.getBlock("latest"))!.timestamp + 86_400;
      const cases: [string, () => Promise<unknown>, string, (args: Record<string, unknown>) => void][] = [
        [
          "AllianceAuthority",
          () => authority.connect(stranger).grantRole.staticCall(Role.GOVERNOR, stranger.address, 0),
          "AccessManagerUnauthorizedAccount",
          (args) => expect(args.msgsender).to.equal(stranger.address),
        ],
        [
          "MemberRegistry",
          () => members.connect(governor).suspendMember.staticCall(stranger.address, ethers.id("test")),
          "MemberRegistryUnknownMember",
          (args) => expect(args.account).to.equal(stranger.address),
        ],
        [
          "IdentityRegistry",
          () =>
            identity.connect(kycProvider).registerInvestor.staticCall(ethers.ZeroHash, 156, 3n, far, [alice.address]),
          "IdentityRegistryInvalidInvestor",
          (args) => expect(args.investor).to.equal(ethers.ZeroHash),
        ],
        [
          "Compliance",
          () => compliance.connect(exchange).haltTrading.staticCall(stranger.address, far, ethers.id("test")),
          "ComplianceUnknownAsset",
          (args) => expect(args.asset).to.equal(stranger.address),
        ],
        [
          "SettlementCoin",
          () => coin.connect(issuer).mint.staticCall(bob.address, 1n),
          "SettlementCoinNotMinter",
          (args) => expect(args.account).to.equal(issuer.address),
        ],
        [
          "AssetFactory",
          () => factory.assetAt(1, 99),
          "AssetFactoryUnknownAsset",
          (args) => expect(args.index).to.equal(99n),
        ],
        [
          "Settlement",
          () => settlement.affirm.staticCall({ tradeRef: ethers.id("t"), deadline: far, nonce: 1n, legs: [] }),
          "SettlementNoLegs",
          (args) => expect(args).to.deep.equal({}),
        ],
      ];
      for (const [contract, call, name, checkArgs] of cases) {
        const decoded = decodePlatformError(await revertOf(call()));
        expect(decoded.known, contract).to.equal(true);
        if (!decoded.known) continue;
        expect(decoded.name, contract).to.equal(name);
        expect(decoded.contracts, contract).to.include(contract);
        checkArgs(decoded.args);
        expect(decoded.sentence, contract).to.be.a("string").and.not.equal("");
      }
    });

    it("decodes a real revert of each product (Equity, Bond, Fund), restriction code explained", async function () {
      const { accounts, contracts } = await coreFixture();
      const { issuer, exchange, carol } = accounts;
      for (const product of ["Equity", "Bond", "Fund"] as const) {
        const { asset } = await issueAsset(contracts.factory, issuer, {
          productType: ProductType[product],
          terms: await productTerms[product](contracts),
          agents: [exchange.address],
        });
        const token = (await ethers.getContractAt("ISecurityToken", asset)) as unknown as ISecurityToken;
        const decoded = decodePlatformError(await revertOf(token.connect(exchange).mint.staticCall(carol.address, 1n)));
        expect(decoded.known, product).to.equal(true);
        if (!decoded.known) continue;
        expect(decoded.contracts, product).to.include(product);
        expect(decoded.sentence, product).to.contain("RecipientNotVerified (2)");
      }
    });

    it("reads the sentence from the error's NatSpec notice, then its name and arguments", function () {
      const data = new ethers.Interface([
        "error AssetFactoryUnknownAsset(uint8 productType, uint256 index)",
      ]).encodeErrorResult("AssetFactoryUnknownAsset", [1, 99]);
      const decoded = decodePlatformError(data);
      expect(decoded.known && decoded.notice).to.equal("There is no `index`-th `productType` asset.");
      expect(decoded.sentence).to.equal(
        "There is no `index`-th `productType` asset — asset factory unknown asset: productType 1, index 99",
      );
    });

    it("explains a restriction code carried by an error", function () {
      const iface = new ethers.Interface(["error FundInvestorNotEligible(address investor, uint8 code)"]);
      const data = iface.encodeErrorResult("FundInvestorNotEligible", [
        ethers.ZeroAddress,
        Restriction.RecipientNotVerified,
      ]);
      expect(explainRevert(data)).to.contain(
        "code 2 (RecipientNotVerified (2): the recipient's wallet is not registered",
      );
    });

    it("decodes Solidity's Error(string) and Panic(uint256)", function () {
      const builtin = new ethers.Interface(["error Error(string)", "error Panic(uint256)"]);
      expect(explainRevert(builtin.encodeErrorResult("Error", ["boom"]))).to.equal("reverted: boom");
      expect(explainRevert(builtin.encodeErrorResult("Panic", [0x11]))).to.equal(
        "panic 0x11: arithmetic overflow or underflow",
      );
    });

    context("when the data is not a platform error", function () {
      it("answers empty data with its reason", function () {
        const decoded = decodePlatformError("0x");
        expect(decoded).to.deep.include({ known: false, reason: "empty" });
        expect(decoded.sentence).to.match(/^reverted without data/);
        expect(decodePlatformError(new Uint8Array()).known).to.equal(false);
      });

      it("answers an unknown selector with the selector", function () {
        const decoded = decodePlatformError("0xdeadbeef00");
        expect(decoded).to.deep.include({ known: false, reason: "unknown-selector", selector: "0xdeadbeef" });
        expect(decoded.sentence).to.equal("unknown error 0xdeadbeef (5 bytes): no AssetLedger contract declares it");
      });

      it("answers a known selector with arguments that do not decode as malformed", function () {
        const selector = PLATFORM_ERRORS.find((e) => e.name === "MemberRegistryUnknownMember")!.selector;
        const decoded = decodePlatformError(`${selector}1234`);
        expect(decoded).to.deep.include({ known: false, reason: "malformed", selector });
        expect(decoded.sentence).to.contain("MemberRegistryUnknownMember(address)");
      });

      it("answers fewer than 4 bytes as too short", function () {
        expect(decodePlatformError("0x1234")).to.deep.include({ known: false, reason: "short" });
      });

      it("throws a TypeError for input that is not hex", function () {
        expect(() => decodePlatformError("hello")).to.throw(TypeError, /0x-prefixed hex/);
        expect(() => decodePlatformError("0x123")).to.throw(TypeError, /odd number/);
      });

      it("reads the data out of an error ethers threw, and answers one without data as empty", function () {
        const selector = PLATFORM_ERRORS.find((e) => e.name === "SettlementNoLegs")!.selector;
        expect(decodePlatformError({ info: { error: { data: selector } } })).to.deep.include({
          known: true,
          name: "SettlementNoLegs",
        });
        expect(decodePlatformError(new Error("timeout"))).to.deep.include({ known: false, reason: "empty" });
      });
    });
  });

  describe("the address book", function () {
    const book: AddressBook = {
      "7357": {
        network: "anvil",
        chainId: 7357,
        contracts: {
          Compliance: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", abi: "Compliance", blockNumber: 3 },
        },
      },
    };

    it("finds a chain's deployments and a deployment's address", function () {
      expect(addressBook(7357, book).network).to.equal("anvil");
      expect(addressBook(7357n, book).contracts.Compliance.abi).to.equal("Compliance");
      expect(addressOf(7357, "Compliance", book)).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    });

    it("answers an unknown chain id with the chains it knows", function () {
      expect(() => addressBook(1, book)).to.throw(
        "no AssetLedger deployments for chain id 1: the address book knows 7357 (anvil)",
      );
      expect(() => addressBook(1, {})).to.throw(/knows no chain/);
      expect(() => addressBook(-1, book)).to.throw(TypeError, /non-negative integer/);
      expect(() => addressBook(1.5, book)).to.throw(TypeError);
    });

    it("answers an unknown deployment with the deployments it has", function () {
      expect(() => addressOf(7357, "Nope", book)).to.throw(
        "no deployment Nope on anvil (chain id 7357): it has Compliance",
      );
    });

    it("matches the deployment files it is read from", function () {
      const scratch = mkdtempSync(join(tmpdir(), "assetledger-book-"));
      try {
        const dir = join(scratch, "deployments", "besu");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, ".chainId"), "1337");
        const metadata = (source: string, name: string) =>
          JSON.stringify({ settings: { compilationTarget: { [source]: name } } });
        const impl = "0x" + "11".repeat(20);
        const proxy = "0x" + "22".repeat(20);
        const files: Record<string, object> = {
          "SettlementCoinUSD.json": {
            address: proxy,
            transactionHash: ethers.id("proxy"),
            receipt: { blockNumber: 12 },
            implementation: impl,
            metadata: metadata("@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol", "ERC1967Proxy"),
          },
          "SettlementCoin_Implementation.json": {
            address: impl,
            transactionHash: ethers.id("impl"),
            receipt: { blockNumber: 11 },
            metadata: metadata("contracts/tokens/coin/SettlementCoin.sol", "SettlementCoin"),
          },
        };
        for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), JSON.stringify(content));
        // The embedded network's records are never exported; a directory without a chain id is not a network.
        mkdirSync(join(scratch, "deployments", "hardhat"));
        writeFileSync(join(scratch, "deployments", "hardhat", ".chainId"), "31337");
        mkdirSync(join(scratch, "deployments", "stray"));
        const exported = addressBookOf(scratch);
        expect(Object.keys(exported)).to.deep.equal(["1337"]);
        expect(exported["1337"]).to.deep.equal({
          network: "besu",
          chainId: 1337,
          contracts: {
            SettlementCoinUSD: {
              address: ethers.getAddress(proxy),
              abi: "SettlementCoin",
              transactionHash: ethers.id("proxy"),
              blockNumber: 12,
              implementation: ethers.getAddress(impl),
            },
            SettlementCoin_Implementation: {
              address: ethers.getAddress(impl),
              abi: "SettlementCoin",
              transactionHash: ethers.id("impl"),
              blockNumber: 11,
            },
          },
        });
        expect(addressOf(1337, "SettlementCoinUSD", exported)).to.equal(ethers.getAddress(proxy));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    it("is what `addresses:export --out` writes", async function () {
      const scratch = mkdtempSync(join(tmpdir(), "assetledger-export-"));
      try {
        const out = join(scratch, "book.json");
        await hre.run("addresses:export", { out });
        expect(JSON.parse(readFileSync(out, "utf8"))).to.deep.equal(JSON.parse(JSON.stringify(addressBookOf(root))));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    it("matches this repository's saved deployments, record for record", function () {
      const exported = addressBookOf(root);
      for (const network of Object.values(exported)) {
        const dir = join(root, "deployments", network.network);
        expect(readFileSync(join(dir, ".chainId"), "utf8").trim()).to.equal(String(network.chainId));
        for (const [name, record] of Object.entries(network.contracts)) {
          const file = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as {
            address: string;
            transactionHash?: string;
          };
          expect(record.address).to.equal(ethers.getAddress(file.address));
          expect(record.transactionHash).to.equal(file.transactionHash);
        }
      }
    });
  });

  it("re-exports the enums as the contracts number them", function () {
    expect(MemberKind.KycProvider).to.be.a("number");
    expect(MemberStatus.Active).to.be.a("number");
  });
});
