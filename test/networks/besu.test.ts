import { expect } from "chai";
import hre, { artifacts, ethers } from "hardhat";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeRlp, getAddress, Wallet, ZeroHash } from "ethers";
import { besu, BESU_ENV } from "../../config/besu";
import { besuEnvProblems } from "../../config/networks";
import {
  allowlistsOf,
  blockchainConfigOf,
  genesisOf,
  nodeConfigOf,
  permissionsConfigOf,
  qbftExtraData,
} from "../../scripts/lib/besu";
import { GAS_CEILING_CONSORTIUM } from "../../sdk/netting";
import { coreFixture } from "../fixtures/core";
import { parseToml } from "../helpers/toml";
import { rejection } from "../helpers/promises";

const KIT = join(__dirname, "..", "..", "networks", "besu-qbft");
const ENODE = (n: number, port = 30_303) => `enode://${n.toString(16).padStart(128, "0")}@10.0.0.${n}:${port}`;
const validators = [1, 2, 3, 4].map((i) => new Wallet(ethers.id(`validator ${i}`)).address);

describe("networks/besu-qbft (the Besu QBFT kit)", function () {
  describe("qbftConfigFile.json (input of `besu operator generate-blockchain-config`)", function () {
    const file = JSON.parse(readFileSync(join(KIT, "qbftConfigFile.json"), "utf8"));

    it("is what `npx hardhat besu:kit` writes from config/besu.ts", function () {
      expect(file).to.deep.equal(blockchainConfigOf());
    });

    it("enables every milestone through Cancun at 0 and none after", function () {
      const config = file.genesis.config;
      for (const milestone of [...besu.blockMilestones, ...besu.timeMilestones]) {
        expect(config[milestone], milestone).to.equal(0);
      }
      for (const later of besu.laterMilestones) expect(config).not.to.have.property(later);
      expect(config.chainId).to.equal(besu.chainId);
    });

    it("runs free gas with QBFT, EIP-170's size limit and a block gas limit that admits a 100 M batch", function () {
      const { config, gasLimit, difficulty, extraData } = file.genesis;
      expect(config.zeroBaseFee).to.equal(true);
      expect(config.contractSizeLimit).to.equal(24_576);
      expect(config.qbft).to.deep.equal({
        blockperiodseconds: besu.qbft.blockPeriodSeconds,
        epochlength: besu.qbft.epochLength,
        requesttimeoutseconds: besu.qbft.requestTimeoutSeconds,
      });
      expect(BigInt(gasLimit)).to.be.gte(BigInt(GAS_CEILING_CONSORTIUM));
      expect(difficulty).to.equal("0x1");
      expect(extraData, "Besu writes extraData from the keys it generates").to.equal(undefined);
      expect(file.blockchain.nodes).to.deep.equal({ generate: true, count: besu.validators });
    });
  });

  describe("node-N/config.toml", function () {
    for (let i = 0; i < besu.validators; i++) {
      it(`node-${i + 1}: parses, equals the generator's output, free gas and local permissioning on`, function () {
        const text = readFileSync(join(KIT, `node-${i + 1}`, "config.toml"), "utf8");
        expect(text).to.equal(nodeConfigOf(i));
        const toml = parseToml(text);
        expect(toml["min-gas-price"]).to.equal(0);
        expect(toml["genesis-file"]).to.equal("../genesis.json");
        expect(toml["p2p-port"]).to.equal(besu.p2pPort + i);
        expect(toml["rpc-http-port"]).to.equal(besu.rpcPort + i);
        expect(toml["target-gas-limit"]).to.equal(Number(besu.gasLimit));
        expect(toml["permissions-nodes-config-file-enabled"]).to.equal(true);
        expect(toml["permissions-accounts-config-file-enabled"]).to.equal(true);
        expect(toml["rpc-http-api"]).to.deep.equal([...besu.rpcApis]);
        expect(toml["rpc-http-api"]).not.to.include.members(["ADMIN", "DEBUG"]);
      });
    }

    it("rejects a bad node index", function () {
      expect(() => nodeConfigOf(-1)).to.throw(/bad node index/);
      expect(() => nodeConfigOf(1.5)).to.throw(/bad node index/);
    });
  });

  describe("genesisOf / qbftExtraData", function () {
    it("writes QBFT's extraData: 32-byte vanity, the validators, no vote, round 0, no seal", function () {
      const genesis = genesisOf(validators) as { extraData: string; config: unknown };
      const [vanity, listed, votes, round, seals] = decodeRlp(genesis.extraData) as [string, string[], [], string, []];
      expect(vanity).to.equal(ZeroHash);
      expect(listed.map((v) => getAddress(v))).to.deep.equal(validators);
      expect(votes).to.deep.equal([]);
      expect(round).to.equal("0x");
      expect(seals).to.deep.equal([]);
      expect(genesis.config).to.deep.equal((blockchainConfigOf().genesis as { config: unknown }).config);
    });

    it("takes a chain id", function () {
      expect((genesisOf(validators, 4_242) as { config: { chainId: number } }).config.chainId).to.equal(4_242);
    });

    it("refuses no validator, a duplicate and a non-address, naming it", function () {
      expect(() => qbftExtraData([])).to.throw(/at least one validator/);
      expect(() => qbftExtraData([validators[0], validators[0].toLowerCase()])).to.throw(/listed twice/);
      expect(() => qbftExtraData(["0x1234"])).to.throw(/not an address: 0x1234/);
    });

    it("is written by `besu:genesis`", async function () {
      const dir = mkdtempSync(join(tmpdir(), "besu-"));
      try {
        const out = join(dir, "genesis.json");
        const log = console.log;
        console.log = () => undefined;
        try {
          await hre.run("besu:genesis", { validators: validators.join(","), out });
        } finally {
          console.log = log;
        }
        expect(JSON.parse(readFileSync(out, "utf8"))).to.deep.equal(genesisOf(validators));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("contract-size limit", function () {
    it("every deployable contract of this build fits it, and its initcode twice it (EIP-3860)", async function () {
      const names = (await artifacts.getAllFullyQualifiedNames()).filter(
        (name) => name.startsWith("contracts/") && !name.startsWith("contracts/mocks/"),
      );
      let checked = 0;
      for (const name of names) {
        const artifact = await artifacts.readArtifact(name);
        const runtime = (artifact.deployedBytecode.length - 2) / 2;
        const initcode = (artifact.bytecode.length - 2) / 2;
        if (runtime === 0) continue; // interfaces, abstract contracts, libraries without code
        checked++;
        expect(runtime, `${name} runtime`).to.be.at.most(besu.contractSizeLimit);
        expect(initcode, `${name} initcode`).to.be.at.most(2 * besu.contractSizeLimit);
      }
      expect(checked).to.be.greaterThan(20);
    });
  });

  describe("permissionsConfigOf", function () {
    it("writes both allow-lists and parses back", function () {
      const toml = parseToml(permissionsConfigOf(validators, [ENODE(1), ENODE(2, 30_304)]));
      expect(toml["accounts-allowlist"]).to.deep.equal(validators);
      expect(toml["nodes-allowlist"]).to.deep.equal([ENODE(1), ENODE(2, 30_304)]);
    });

    it("refuses what is not an enode URL, naming it", function () {
      expect(() => permissionsConfigOf([], ["enode://abc@1.2.3.4:30303"])).to.throw(/not an enode URL: enode:\/\/abc/);
      expect(() => permissionsConfigOf([], [ENODE(1).replace(":30303", "")])).to.throw(/not an enode URL/);
    });
  });

  describe("allowlistsOf and besu:allowlists (the member registry as allow-lists)", function () {
    it("allows active members and their nodes, leaves suspended ones out and says so", async function () {
      const { accounts, contracts } = await coreFixture();
      await contracts.members.connect(accounts.governor).suspendMember(accounts.issuer.address, ethers.id("review"));
      const lists = await allowlistsOf(hre, {
        [accounts.exchange.address]: [ENODE(1)],
        [accounts.issuer.address]: [ENODE(2)],
      });
      expect(lists.accounts).to.include(accounts.exchange.address);
      expect(lists.accounts).to.include(accounts.kycProvider.address);
      expect(lists.accounts).not.to.include(accounts.issuer.address);
      expect(lists.nodes).to.deep.equal([ENODE(1)]);
      expect(lists.excluded).to.deep.equal([
        { account: accounts.issuer.address, status: "Suspended", nodes: [ENODE(2)] },
      ]);
      expect(lists.accounts).not.to.include(accounts.alice.address);
    });

    it("adds extra accounts, and every registered investor's wallets on request (skipping removed investors)", async function () {
      const { accounts, contracts } = await coreFixture();
      const identity = contracts.identity.connect(accounts.kycProvider);
      const expiry = (await ethers.provider.getBlock("latest"))!.timestamp + 86_400;
      await identity.registerInvestor(ethers.id("gone"), 344, 3n, expiry, [accounts.carol.address]);
      await identity.registerInvestor(ethers.id("alice"), 344, 3n, expiry, [accounts.alice.address]);
      await identity.registerInvestor(ethers.id("bob"), 344, 3n, expiry, [accounts.bob.address]);
      await identity.removeInvestor(ethers.id("gone"));
      const withInvestors = await allowlistsOf(hre, {}, { extra: [accounts.deployer.address], investors: true });
      expect(withInvestors.accounts).to.include.members([
        accounts.deployer.address,
        accounts.alice.address,
        accounts.bob.address,
      ]);
      expect(withInvestors.accounts).not.to.include(accounts.carol.address);
      const without = await allowlistsOf(hre, {});
      expect(without.accounts).not.to.include(accounts.alice.address);
    });

    it("refuses nodes listed for an account that is not a member, a bad extra account and a bad enode", async function () {
      const { accounts } = await coreFixture();
      expect((await rejection(allowlistsOf(hre, { [accounts.alice.address]: [ENODE(1)] }))).message).to.equal(
        `besu:allowlists: ${accounts.alice.address} has nodes listed but is not a member`,
      );
      expect((await rejection(allowlistsOf(hre, {}, { extra: ["0xnope"] }))).message).to.equal(
        "besu:allowlists: not an address: 0xnope",
      );
      expect((await rejection(allowlistsOf(hre, { [accounts.exchange.address]: ["enode://x@y:1"] }))).message).to.match(
        /not an enode URL: enode:\/\/x@y:1/,
      );
    });

    it("besu:allowlists writes a permissions file the nodes read", async function () {
      const { accounts } = await coreFixture();
      const dir = mkdtempSync(join(tmpdir(), "besu-"));
      try {
        const nodes = join(dir, "member-nodes.json");
        writeFileSync(nodes, JSON.stringify({ [accounts.exchange.address]: [ENODE(7)] }));
        const out = join(dir, "permissions_config.toml");
        const log = console.log;
        console.log = () => undefined;
        try {
          await hre.run("besu:allowlists", { nodes, extra: accounts.deployer.address, out });
        } finally {
          console.log = log;
        }
        const toml = parseToml(readFileSync(out, "utf8"));
        expect(toml["nodes-allowlist"]).to.deep.equal([ENODE(7)]);
        expect(toml["accounts-allowlist"]).to.include.members([accounts.deployer.address, accounts.exchange.address]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the besu network's environment", function () {
    const good = {
      [BESU_ENV.url]: "http://10.0.0.1:8545",
      [BESU_ENV.chainId]: String(besu.chainId),
      [BESU_ENV.keys]: `0x${"11".repeat(32)},0x${"22".repeat(32)}`,
    };

    it("is accepted when complete (keys, or a mnemonic instead)", function () {
      expect(besuEnvProblems(good)).to.deep.equal([]);
      expect(besuEnvProblems({ ...good, [BESU_ENV.keys]: undefined, ASSETLEDGER_MNEMONIC: "test" })).to.deep.equal([]);
    });

    it("names each missing or malformed variable", function () {
      expect(besuEnvProblems({})).to.have.length(3);
      expect(besuEnvProblems({})[0]).to.match(/^BESU_RPC_URL is not set/);
      expect(besuEnvProblems({ ...good, [BESU_ENV.url]: "ftp://x" })).to.deep.equal([
        "BESU_RPC_URL is not an http(s) URL: ftp://x",
      ]);
      expect(besuEnvProblems({ ...good, [BESU_ENV.chainId]: "0x10" })).to.deep.equal([
        "BESU_CHAIN_ID is not a positive integer: 0x10",
      ]);
      expect(besuEnvProblems({ ...good, [BESU_ENV.keys]: "0x12" })).to.deep.equal([
        "BESU_PRIVATE_KEYS: key 1 is not a 0x-prefixed 32-byte hex key",
      ]);
    });

    it("stops a command on `--network besu` before anything runs, naming the missing variable", function () {
      this.timeout(60_000);
      const env = { ...process.env };
      for (const name of Object.values(BESU_ENV)) delete env[name];
      delete env.ASSETLEDGER_MNEMONIC;
      const run = spawnSync("npx", ["hardhat", "--network", "besu", "members:list"], {
        cwd: join(__dirname, "..", ".."),
        env,
        encoding: "utf8",
      });
      expect(run.status).to.not.equal(0);
      expect(run.stderr + run.stdout).to.match(/BESU_RPC_URL is not set/);
    });
  });
});
