import { expect } from "chai";
import { deployments, ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { coins } from "../../../config/coins";
import { Role } from "../../../config/roles";
import { Claim, claimsOf } from "../../../sdk/claims";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";
import { shouldBehaveLikeUpgradeable } from "../../behaviors/upgradeable";
import type { SettlementCoin } from "../../../typechain-types";
import { rejection } from "../../helpers/promises";

const DAY = 86_400n;
const YEAR = 365n * DAY;
const MAX_UINT40 = 2n ** 40n - 1n;
const MAX_UINT128 = 2n ** 128n - 1n;
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const ADDRESS_MASK = 2n ** 160n - 1n;

const Policy = { Open: 0n, Eligible: 1n } as const;
const Status = { None: 0n, Pending: 1n, Confirmed: 2n, Rejected: 3n } as const;

const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const KYC_ONLY = claimsOf([Claim.KYC]);
const CHINA = 156;
const investor = (label: string) => ethers.id(`investor:${label}`);
const ALICE = investor("alice");
const BOB = investor("bob");
const CAROL = investor("carol");

/** Amounts in US-dollar coin units (6 decimals). */
const usd = (dollars: number | bigint) => BigInt(dollars) * 10n ** 6n;
const ALLOWANCE = usd(1_000_000);
const RESERVES = usd(10_000);
const REPORT = ethers.id("reserve report 1");
const PAYOUT = ethers.id("IBAN CH00 0000 (hashed)");
const ORDER = ethers.id("court order 42");

/** The settlement engine every coin implementation names (deploy/35_settlement.ts). */
const engineAddress = async () => (await deployments.get("Settlement")).address;

/**
 * The core with the USD coin ready to use: alice, bob and carol are verified investors (KYC + AML, one year) and
 * synced; the issuer is a minter with ALLOWANCE; the custodian attested RESERVES just now; alice holds 1,000 and
 * bob 500. stranger is not registered and not synced.
 */
async function coinFixture() {
  const { accounts, contracts } = await coreFixture();
  const { coin, identity, authority } = contracts;
  const { alice, bob, carol, issuer, custodian, kycProvider } = accounts;
  const kyc = identity.connect(kycProvider);
  const expiry = BigInt(await time.latest()) + YEAR;
  await kyc.registerInvestor(ALICE, CHINA, KYC_AML, expiry, [alice.address]);
  await kyc.registerInvestor(BOB, CHINA, KYC_AML, expiry, [bob.address]);
  await kyc.registerInvestor(CAROL, CHINA, KYC_AML, expiry, [carol.address]);
  await coin.syncHolders([alice.address, bob.address, carol.address]);
  const address = await coin.getAddress();
  await callThroughAuthority(
    authority,
    issuer,
    address,
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, ALLOWANCE]),
  );
  const asOf = BigInt(await time.latest());
  await coin.connect(custodian).attestReserves(RESERVES, asOf, REPORT);
  await coin.connect(issuer).mint(alice.address, usd(1_000));
  await coin.connect(issuer).mint(bob.address, usd(500));
  return { accounts, contracts, coin, address, expiry, asOf, kyc };
}

type Fixture = Awaited<ReturnType<typeof coinFixture>>;

async function deployed(): Promise<Fixture> {
  return loadFixture(coinFixture);
}

/** Schedules (when needed), waits and executes `coin.<fn>(...args)` as `caller` through the authority. */
function throughAuthority(f: Fixture, caller: HardhatEthersSigner, fn: string, args: unknown[]) {
  return callThroughAuthority(
    f.contracts.authority,
    caller,
    f.address,
    f.coin.interface.encodeFunctionData(fn as never, args as never),
  );
}

/** Everything observable about the coin and the accounts the tests use: equal snapshots mean nothing changed. */
async function snapshot(f: Fixture) {
  const { coin, accounts } = f;
  const holders = [
    accounts.alice,
    accounts.bob,
    accounts.carol,
    accounts.stranger,
    accounts.issuer,
    accounts.exchange,
    accounts.gateway,
  ].map((signer) => signer.address);
  holders.push(f.address);
  const redemptionIds = await Promise.all(holders.map((holder) => coin.redemptionsOf(holder)));
  const ids = redemptionIds.flat();
  return {
    totalSupply: await coin.totalSupply(),
    escrowed: await coin.escrowed(),
    paused: await coin.isPaused(),
    policy: await coin.holderPolicy(),
    maxAge: await coin.maxAttestationAge(),
    attestations: await coin.attestationCount(),
    minter: [await coin.isMinter(accounts.issuer.address), await coin.minterAllowance(accounts.issuer.address)],
    accounts: await Promise.all(
      holders.map(async (holder) => [
        await coin.balanceOf(holder),
        await coin.isFrozen(holder),
        await coin.eligibleUntil(holder),
      ]),
    ),
    redemptions: await Promise.all(ids.map(async (id) => [...(await coin.redemption(id))])),
    redemptionIds: redemptionIds.map((list) => [...list]),
  };
}

/** Asserts `action` reverts with the coin's custom error `name` and arguments `args`, changing nothing. */
async function expectRevert(f: Fixture, action: () => Promise<unknown>, name: string, args: unknown[] = []) {
  const before = await snapshot(f);
  await expect(action())
    .to.be.revertedWithCustomError(f.coin, name)
    .withArgs(...args);
  expect(await snapshot(f)).to.deep.equal(before);
}

/** Σ balanceOf over every address that ever appeared in a Transfer event (the coin's escrow included). */
async function sumOfBalances(coin: SettlementCoin): Promise<bigint> {
  const events = await coin.queryFilter(coin.filters.Transfer());
  const holders = new Set<string>();
  for (const event of events) {
    holders.add(event.args.from);
    holders.add(event.args.to);
  }
  holders.delete(ethers.ZeroAddress);
  let sum = 0n;
  for (const holder of holders) sum += await coin.balanceOf(holder);
  return sum;
}

describe("SettlementCoin", function () {
  describe("initialize", function () {
    it("sets each configured coin's name, symbol, decimals, policy and attestation age", async function () {
      const { contracts } = await loadFixture(coreFixture);
      for (const [coin, config] of [
        [contracts.coin, coins.find((c) => c.deployment === "SettlementCoinUSD")!],
        [contracts.coinCNY, coins.find((c) => c.deployment === "SettlementCoinCNY")!],
      ] as const) {
        expect(await coin.name()).to.equal(config.name);
        expect(await coin.symbol()).to.equal(config.symbol);
        expect(await coin.decimals()).to.equal(BigInt(config.decimals));
        expect(await coin.holderPolicy()).to.equal(BigInt(config.holderPolicy));
        expect(await coin.maxAttestationAge()).to.equal(BigInt(config.maxAttestationAge));
        expect(await coin.totalSupply()).to.equal(0n);
        expect(await coin.isPaused()).to.equal(false);
        const domain = await coin.eip712Domain();
        expect(domain.name).to.equal(config.name);
        expect(domain.version).to.equal("1");
        expect(await coin.authority()).to.equal(await contracts.authority.getAddress());
      }
    });

    it("makes the coin itself (the redemption escrow) eligible forever", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const address = await contracts.coin.getAddress();
      expect(await contracts.coin.eligibleUntil(address)).to.equal(MAX_UINT40);
      expect(await contracts.coin.isEligible(address)).to.equal(true);
    });

    it("emits HolderPolicySet, MaxAttestationAgeSet and the escrow's HolderEligibilitySynced", async function () {
      const { contracts } = await loadFixture(coreFixture);
      const implementation = await ethers.deployContract("SettlementCoin", [await engineAddress()]);
      const data = implementation.interface.encodeFunctionData("initialize", [
        await contracts.authority.getAddress(),
        await contracts.identity.getAddress(),
        await contracts.members.getAddress(),
        "Test Coin",
        "TST",
        4,
        Policy.Open,
        3_600,
      ]);
      const proxy = await ethers.deployContract("ERC1967Proxy", [await implementation.getAddress(), data]);
      const coin = implementation.attach(await proxy.getAddress()) as SettlementCoin;
      const tx = proxy.deploymentTransaction()!;
      await expect(tx).to.emit(coin, "HolderPolicySet").withArgs(Policy.Open);
      await expect(tx).to.emit(coin, "MaxAttestationAgeSet").withArgs(3_600);
      await expect(tx)
        .to.emit(coin, "HolderEligibilitySynced")
        .withArgs(await proxy.getAddress(), true, MAX_UINT40);
      expect(await coin.decimals()).to.equal(4n);
      expect(await coin.holderPolicy()).to.equal(Policy.Open);
    });

    it("keeps the account words at the ERC-7201 slot of assetledger.storage.SettlementCoin, laid out as documented", async function () {
      const f = await deployed();
      const inner = BigInt(ethers.id("assetledger.storage.SettlementCoin")) - 1n;
      const root = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
      await f.coin.connect(f.accounts.regulator).freeze(f.accounts.alice.address);
      const slot = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [f.accounts.alice.address, root]),
      );
      const word = BigInt(await ethers.provider.getStorage(f.address, slot));
      // Balance, frozen bit, eligibleUntil and, in bits 192–255, the claims alice lacks (all but KYC and AML).
      const missing = ~KYC_AML & (2n ** 64n - 1n);
      expect(word).to.equal(usd(1_000) | (1n << 128n) | (f.expiry << 129n) | (missing << 192n));
      // The zero address's word is the supply's headroom below 2^128 (W2).
      const zeroSlot = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [ethers.ZeroAddress, root]),
      );
      const headroom = BigInt(await ethers.provider.getStorage(f.address, zeroSlot));
      expect(headroom).to.equal(MAX_UINT128 - (await f.coin.totalSupply()));
      expect(await f.coin.balanceOf(ethers.ZeroAddress)).to.equal(0n);
    });

    context("when the proxy is already initialized", function () {
      it("reverts with InvalidInitialization", async function () {
        const { contracts } = await loadFixture(coreFixture);
        const { coin } = contracts;
        await expect(
          coin.initialize(ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress, "X", "X", 2, 0, 0),
        ).to.be.revertedWithCustomError(coin, "InvalidInitialization");
      });
    });

    context("when a registry is the zero address", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const { contracts } = await loadFixture(coreFixture);
        const implementation = await ethers.deployContract("SettlementCoin", [await engineAddress()]);
        const authority = await contracts.authority.getAddress();
        const identity = await contracts.identity.getAddress();
        const members = await contracts.members.getAddress();
        for (const [ids, mem] of [
          [ethers.ZeroAddress, members],
          [identity, ethers.ZeroAddress],
        ]) {
          const data = implementation.interface.encodeFunctionData("initialize", [
            authority,
            ids,
            mem,
            "Coin",
            "C",
            2,
            Policy.Eligible,
            DAY,
          ]);
          const factory = await ethers.getContractFactory("ERC1967Proxy");
          await expect(factory.deploy(await implementation.getAddress(), data))
            .to.be.revertedWithCustomError(implementation, "SettlementCoinInvalidAddress")
            .withArgs(ethers.ZeroAddress);
        }
      });
    });

    context("when the authority is not a contract", function () {
      it("reverts with AccessManagedInvalidAuthority", async function () {
        const { accounts, contracts } = await loadFixture(coreFixture);
        const implementation = await ethers.deployContract("SettlementCoin", [await engineAddress()]);
        const data = implementation.interface.encodeFunctionData("initialize", [
          accounts.stranger.address,
          await contracts.identity.getAddress(),
          await contracts.members.getAddress(),
          "Coin",
          "C",
          2,
          Policy.Eligible,
          DAY,
        ]);
        const factory = await ethers.getContractFactory("ERC1967Proxy");
        await expect(factory.deploy(await implementation.getAddress(), data))
          .to.be.revertedWithCustomError(implementation, "AccessManagedInvalidAuthority")
          .withArgs(accounts.stranger.address);
      });
    });
  });

  /* ISSUANCE */

  describe("configureMinter", function () {
    context("when the master minter schedules it and waits its delay", function () {
      it("makes the account a minter with the allowance and emits MinterConfigured", async function () {
        const f = await deployed();
        const { gateway, issuer } = f.accounts;
        await expect(throughAuthority(f, issuer, "configureMinter", [gateway.address, usd(7)]))
          .to.emit(f.coin, "MinterConfigured")
          .withArgs(gateway.address, usd(7));
        expect(await f.coin.isMinter(gateway.address)).to.equal(true);
        expect(await f.coin.minterAllowance(gateway.address)).to.equal(usd(7));
      });

      it("replaces a minter's former allowance", async function () {
        const f = await deployed();
        const { issuer } = f.accounts;
        await expect(throughAuthority(f, issuer, "configureMinter", [issuer.address, usd(3)]))
          .to.emit(f.coin, "MinterConfigured")
          .withArgs(issuer.address, usd(3));
        expect(await f.coin.minterAllowance(issuer.address)).to.equal(usd(3));
      });
    });

    context("when the master minter calls it directly, without scheduling it", function () {
      it("reverts with the authority's AccessManagerNotScheduled", async function () {
        const f = await deployed();
        const { gateway, issuer } = f.accounts;
        const { authority } = f.contracts;
        const data = f.coin.interface.encodeFunctionData("configureMinter", [gateway.address, usd(7)]);
        const operation = await authority.hashOperation(issuer.address, f.address, data);
        const before = await snapshot(f);
        await expect(f.coin.connect(issuer).configureMinter(gateway.address, usd(7)))
          .to.be.revertedWithCustomError(authority, "AccessManagerNotScheduled")
          .withArgs(operation);
        expect(await snapshot(f)).to.deep.equal(before);
        expect(await f.coin.isMinter(gateway.address)).to.equal(false);
      });
    });

    context("when the minter is the zero address", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => throughAuthority(f, f.accounts.issuer, "configureMinter", [ethers.ZeroAddress, usd(7)]),
          "SettlementCoinInvalidAddress",
          [ethers.ZeroAddress],
        );
      });
    });
  });

  describe("removeMinter", function () {
    context("when the account is a minter", function () {
      it("takes its allowance away and emits MinterRemoved", async function () {
        const f = await deployed();
        const { issuer } = f.accounts;
        await expect(throughAuthority(f, issuer, "removeMinter", [issuer.address]))
          .to.emit(f.coin, "MinterRemoved")
          .withArgs(issuer.address);
        expect(await f.coin.isMinter(issuer.address)).to.equal(false);
        expect(await f.coin.minterAllowance(issuer.address)).to.equal(0n);
        await expect(f.coin.connect(issuer).mint(f.accounts.alice.address, 1n))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinNotMinter")
          .withArgs(issuer.address);
      });
    });

    context("when the account is not a minter", function () {
      it("reverts with SettlementCoinNotMinter", async function () {
        const f = await deployed();
        const { gateway, issuer } = f.accounts;
        await expectRevert(
          f,
          () => throughAuthority(f, issuer, "removeMinter", [gateway.address]),
          "SettlementCoinNotMinter",
          [gateway.address],
        );
      });
    });
  });

  describe("mint", function () {
    context("when every check passes", function () {
      it("credits the recipient, raises the supply, consumes the allowance (C3) and emits Transfer and Minted", async function () {
        const f = await deployed();
        const { carol, issuer } = f.accounts;
        const supply = await f.coin.totalSupply();
        const allowance = await f.coin.minterAllowance(issuer.address);
        const tx = f.coin.connect(issuer).mint(carol.address, usd(250));
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(ethers.ZeroAddress, carol.address, usd(250));
        await expect(tx).to.emit(f.coin, "Minted").withArgs(issuer.address, carol.address, usd(250));
        expect(await f.coin.balanceOf(carol.address)).to.equal(usd(250));
        expect(await f.coin.totalSupply()).to.equal(supply + usd(250));
        expect(await f.coin.minterAllowance(issuer.address)).to.equal(allowance - usd(250));
      });

      it("refreshes the recipient's eligibility first, so a freshly registered investor needs no sync", async function () {
        const f = await deployed();
        const { stranger, issuer } = f.accounts;
        await f.kyc.registerInvestor(investor("stranger"), CHINA, KYC_AML, f.expiry, [stranger.address]);
        expect(await f.coin.eligibleUntil(stranger.address)).to.equal(0n);
        await expect(f.coin.connect(issuer).mint(stranger.address, usd(1)))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(stranger.address, true, f.expiry);
        expect(await f.coin.balanceOf(stranger.address)).to.equal(usd(1));
        expect(await f.coin.eligibleUntil(stranger.address)).to.equal(f.expiry);
      });

      it("mints up to the attested reserves exactly (C2)", async function () {
        const f = await deployed();
        const room = RESERVES - (await f.coin.totalSupply());
        await f.coin.connect(f.accounts.issuer).mint(f.accounts.carol.address, room);
        expect(await f.coin.totalSupply()).to.equal(RESERVES);
      });

      it("accepts an attestation exactly maxAttestationAge old", async function () {
        const f = await deployed();
        const maxAge = await f.coin.maxAttestationAge();
        await time.setNextBlockTimestamp(f.asOf + maxAge);
        await expect(f.coin.connect(f.accounts.issuer).mint(f.accounts.carol.address, 1n)).to.emit(f.coin, "Minted");
      });
    });

    context("when the holder policy is Open", function () {
      it("mints to an account that is not eligible", async function () {
        const f = await deployed();
        const { governor, issuer, stranger } = f.accounts;
        await f.coin.connect(governor).setHolderPolicy(Policy.Open);
        await expect(f.coin.connect(issuer).mint(stranger.address, usd(1)))
          .to.emit(f.coin, "Transfer")
          .withArgs(ethers.ZeroAddress, stranger.address, usd(1));
        expect(await f.coin.balanceOf(stranger.address)).to.equal(usd(1));
      });
    });

    context("when the recipient is the zero address", function () {
      it("reverts with ERC20InvalidReceiver", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(ethers.ZeroAddress, usd(1)),
          "ERC20InvalidReceiver",
          [ethers.ZeroAddress],
        );
      });
    });

    context("when the recipient is the coin itself (the escrow)", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.address, usd(1)),
          "SettlementCoinInvalidAddress",
          [f.address],
        );
      });
    });

    context("when the amount is zero", function () {
      it("reverts with SettlementCoinInvalidAmount", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, 0n),
          "SettlementCoinInvalidAmount",
          [0n],
        );
      });
    });

    context("when the caller holds MINTER but is not a configured minter", function () {
      it("reverts with SettlementCoinNotMinter", async function () {
        const f = await deployed();
        const { gateway, governor, alice } = f.accounts;
        await f.contracts.members.connect(governor).grantMemberRole(gateway.address, Role.MINTER, 0);
        await expectRevert(f, () => f.coin.connect(gateway).mint(alice.address, usd(1)), "SettlementCoinNotMinter", [
          gateway.address,
        ]);
      });
    });

    context("when the amount exceeds the minter's allowance", function () {
      it("reverts with SettlementCoinMintAllowanceExceeded (C3)", async function () {
        const f = await deployed();
        const { issuer, alice } = f.accounts;
        await throughAuthority(f, issuer, "configureMinter", [issuer.address, usd(10)]);
        await f.coin.connect(f.accounts.custodian).attestReserves(RESERVES, await time.latest(), REPORT);
        await expectRevert(
          f,
          () => f.coin.connect(issuer).mint(alice.address, usd(10) + 1n),
          "SettlementCoinMintAllowanceExceeded",
          [issuer.address, usd(10), usd(10) + 1n],
        );
      });
    });

    context("when no reserves were ever attested", function () {
      it("reverts with SettlementCoinNoAttestation", async function () {
        const f = await deployed();
        const { issuer, alice } = f.accounts;
        const cny = f.contracts.coinCNY;
        await callThroughAuthority(
          f.contracts.authority,
          issuer,
          await cny.getAddress(),
          cny.interface.encodeFunctionData("configureMinter", [issuer.address, 100n]),
        );
        await expect(cny.connect(issuer).mint(alice.address, 1n)).to.be.revertedWithCustomError(
          cny,
          "SettlementCoinNoAttestation",
        );
        expect(await cny.totalSupply()).to.equal(0n);
        expect(await cny.minterAllowance(issuer.address)).to.equal(100n);
      });
    });

    context("when the latest attestation is older than maxAttestationAge", function () {
      it("reverts with SettlementCoinAttestationTooOld (C2)", async function () {
        const f = await deployed();
        const maxAge = await f.coin.maxAttestationAge();
        const now = f.asOf + maxAge + 1n;
        await time.setNextBlockTimestamp(now);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, 1n),
          "SettlementCoinAttestationTooOld",
          [f.asOf, maxAge, now],
        );
      });
    });

    context("when the supply would exceed the attested reserves", function () {
      it("reverts with SettlementCoinReservesExceeded (C2)", async function () {
        const f = await deployed();
        const supply = await f.coin.totalSupply();
        const amount = RESERVES - supply + 1n;
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, amount),
          "SettlementCoinReservesExceeded",
          [RESERVES + 1n, RESERVES],
        );
      });
    });

    context("when the supply would exceed 128 bits", function () {
      it("reverts with SettlementCoinBalanceOverflow (W1)", async function () {
        const f = await deployed();
        const { issuer, alice, custodian } = f.accounts;
        await throughAuthority(f, issuer, "configureMinter", [issuer.address, ethers.MaxUint256]);
        await f.coin.connect(custodian).attestReserves(2n ** 200n, await time.latest(), REPORT);
        const room = MAX_UINT128 - (await f.coin.totalSupply());
        await expectRevert(
          f,
          () => f.coin.connect(issuer).mint(alice.address, room + 1n),
          "SettlementCoinBalanceOverflow",
          [MAX_UINT128 + 1n],
        );
        await f.coin.connect(issuer).mint(alice.address, room);
        expect(await f.coin.totalSupply()).to.equal(MAX_UINT128);
      });
    });

    context("when the recipient is not eligible", function () {
      it("reverts with SettlementCoinIneligibleHolder (C5)", async function () {
        const f = await deployed();
        const { issuer, stranger } = f.accounts;
        await expect(f.coin.connect(issuer).mint(stranger.address, usd(1)))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
          .withArgs(stranger.address);
        expect(await f.coin.balanceOf(stranger.address)).to.equal(0n);
        expect(await f.coin.minterAllowance(issuer.address)).to.equal(ALLOWANCE - usd(1_500));
      });

      it("reverts even when a stale cache says it is, once the registry dropped it", async function () {
        const f = await deployed();
        // Only a coin the registry does not tell can hold a stale cache: mint re-syncs its recipient anyway.
        await f.contracts.identity.connect(f.accounts.governor).removeSubscriber(f.address);
        await f.kyc.removeInvestor(CAROL);
        expect(await f.coin.isEligible(f.accounts.carol.address)).to.equal(true);
        await expect(f.coin.connect(f.accounts.issuer).mint(f.accounts.carol.address, usd(1)))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
          .withArgs(f.accounts.carol.address);
      });
    });

    context("when the recipient is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen (C4)", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).freeze(f.accounts.alice.address);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, usd(1)),
          "SettlementCoinAccountFrozen",
          [f.accounts.alice.address],
        );
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, usd(1)),
          "SettlementCoinPaused",
        );
      });
    });
  });

  describe("burn", function () {
    /** The issuer (an active member, so eligible) holding 100 coins. */
    async function withIssuerBalance() {
      const f = await deployed();
      await f.coin.connect(f.accounts.issuer).mint(f.accounts.issuer.address, usd(100));
      return f;
    }

    context("when the minter holds the amount", function () {
      it("burns it from the minter's balance and emits Transfer and Burned", async function () {
        const f = await withIssuerBalance();
        const { issuer } = f.accounts;
        const supply = await f.coin.totalSupply();
        const tx = f.coin.connect(issuer).burn(usd(40));
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(issuer.address, ethers.ZeroAddress, usd(40));
        await expect(tx).to.emit(f.coin, "Burned").withArgs(issuer.address, usd(40));
        expect(await f.coin.balanceOf(issuer.address)).to.equal(usd(60));
        expect(await f.coin.totalSupply()).to.equal(supply - usd(40));
      });
    });

    context("when the amount is zero", function () {
      it("reverts with SettlementCoinInvalidAmount", async function () {
        const f = await withIssuerBalance();
        await expectRevert(f, () => f.coin.connect(f.accounts.issuer).burn(0n), "SettlementCoinInvalidAmount", [0n]);
      });
    });

    context("when the caller is not a configured minter", function () {
      it("reverts with SettlementCoinNotMinter", async function () {
        const f = await withIssuerBalance();
        const { issuer } = f.accounts;
        await throughAuthority(f, issuer, "removeMinter", [issuer.address]);
        await expectRevert(f, () => f.coin.connect(issuer).burn(usd(1)), "SettlementCoinNotMinter", [issuer.address]);
      });
    });

    context("when the minter holds less than the amount", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const f = await withIssuerBalance();
        const { issuer } = f.accounts;
        await expectRevert(f, () => f.coin.connect(issuer).burn(usd(101)), "ERC20InsufficientBalance", [
          issuer.address,
          usd(100),
          usd(101),
        ]);
      });
    });

    context("when the minter is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen", async function () {
        const f = await withIssuerBalance();
        const { issuer, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(issuer.address);
        await expectRevert(f, () => f.coin.connect(issuer).burn(usd(1)), "SettlementCoinAccountFrozen", [
          issuer.address,
        ]);
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await withIssuerBalance();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(f, () => f.coin.connect(f.accounts.issuer).burn(usd(1)), "SettlementCoinPaused");
      });
    });
  });

  /* RESERVES */

  describe("attestReserves", function () {
    context("when asOf is between the previous attestation's and now", function () {
      it("appends the attestation and emits ReservesAttested with its index", async function () {
        const f = await deployed();
        const { custodian } = f.accounts;
        const now = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(now);
        const report = ethers.id("report 2");
        await expect(f.coin.connect(custodian).attestReserves(usd(20_000), now - 5n, report))
          .to.emit(f.coin, "ReservesAttested")
          .withArgs(1n, custodian.address, usd(20_000), now - 5n, report);
        expect(await f.coin.attestationCount()).to.equal(2n);
        const latest = await f.coin.latestAttestation();
        expect([...latest]).to.deep.equal([usd(20_000), now - 5n, report, custodian.address]);
        expect([...(await f.coin.attestationAt(0))]).to.deep.equal([RESERVES, f.asOf, REPORT, custodian.address]);
      });

      it("accepts the same asOf as the previous attestation", async function () {
        const f = await deployed();
        await expect(f.coin.connect(f.accounts.custodian).attestReserves(usd(1), f.asOf, REPORT))
          .to.emit(f.coin, "ReservesAttested")
          .withArgs(1n, f.accounts.custodian.address, usd(1), f.asOf, REPORT);
      });

      it("caps the next mint at the new reserves, even below the supply", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.custodian).attestReserves(usd(1_000), await time.latest(), REPORT);
        await expect(f.coin.connect(f.accounts.issuer).mint(f.accounts.carol.address, 1n))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinReservesExceeded")
          .withArgs(usd(1_500) + 1n, usd(1_000));
      });
    });

    context("when asOf is in the future", function () {
      it("reverts with SettlementCoinInvalidAttestation", async function () {
        const f = await deployed();
        const now = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(now);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.custodian).attestReserves(usd(1), now + 1n, REPORT),
          "SettlementCoinInvalidAttestation",
          [now + 1n, f.asOf, now],
        );
      });
    });

    context("when asOf is before the previous attestation's", function () {
      it("reverts with SettlementCoinInvalidAttestation", async function () {
        const f = await deployed();
        const now = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(now);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.custodian).attestReserves(usd(1), f.asOf - 1n, REPORT),
          "SettlementCoinInvalidAttestation",
          [f.asOf - 1n, f.asOf, now],
        );
      });
    });

    context("when there is no attestation to read", function () {
      it("latestAttestation and attestationAt revert with SettlementCoinNoAttestation", async function () {
        const f = await deployed();
        const cny = f.contracts.coinCNY;
        expect(await cny.attestationCount()).to.equal(0n);
        await expect(cny.latestAttestation()).to.be.revertedWithCustomError(cny, "SettlementCoinNoAttestation");
        await expect(cny.attestationAt(0)).to.be.revertedWithCustomError(cny, "SettlementCoinNoAttestation");
        await expect(f.coin.attestationAt(1)).to.be.revertedWithCustomError(f.coin, "SettlementCoinNoAttestation");
      });
    });
  });

  describe("setMaxAttestationAge", function () {
    it("sets the age and emits MaxAttestationAgeSet", async function () {
      const f = await deployed();
      await expect(f.coin.connect(f.accounts.governor).setMaxAttestationAge(60))
        .to.emit(f.coin, "MaxAttestationAgeSet")
        .withArgs(60);
      expect(await f.coin.maxAttestationAge()).to.equal(60n);
      await time.setNextBlockTimestamp(f.asOf + 61n);
      await expect(f.coin.connect(f.accounts.issuer).mint(f.accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(f.coin, "SettlementCoinAttestationTooOld")
        .withArgs(f.asOf, 60n, f.asOf + 61n);
    });
  });

  /* REDEMPTION */

  describe("requestRedemption", function () {
    context("when the holder has the coins", function () {
      it("escrows them in the coin, records a pending request with id 1 and emits RedemptionRequested", async function () {
        const f = await deployed();
        const { alice } = f.accounts;
        const supply = await f.coin.totalSupply();
        const tx = f.coin.connect(alice).requestRedemption(usd(300), PAYOUT);
        await expect(tx).to.emit(f.coin, "RedemptionRequested").withArgs(1n, alice.address, usd(300), PAYOUT);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, f.address, usd(300));
        const record = await f.coin.redemption(1n);
        expect(record.holder).to.equal(alice.address);
        expect(record.requestedAt).to.equal(BigInt(await time.latest()));
        expect(record.status).to.equal(Status.Pending);
        expect(record.amount).to.equal(usd(300));
        expect(record.payoutReference).to.equal(PAYOUT);
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(700));
        expect(await f.coin.escrowed()).to.equal(usd(300));
        expect(await f.coin.balanceOf(f.address)).to.equal(usd(300));
        expect(await f.coin.totalSupply()).to.equal(supply);
      });

      it("numbers requests from 1 and lists each holder's ids", async function () {
        const f = await deployed();
        const { alice, bob } = f.accounts;
        await f.coin.connect(alice).requestRedemption(usd(1), PAYOUT);
        await f.coin.connect(bob).requestRedemption(usd(2), PAYOUT);
        await f.coin.connect(alice).requestRedemption(usd(3), PAYOUT);
        expect(await f.coin.redemptionsOf(alice.address)).to.deep.equal([1n, 3n]);
        expect(await f.coin.redemptionsOf(bob.address)).to.deep.equal([2n]);
        expect(await f.coin.redemptionsOf(f.accounts.carol.address)).to.deep.equal([]);
        expect((await f.coin.redemption(0n)).status).to.equal(Status.None);
        expect(await f.coin.escrowed()).to.equal(usd(6));
      });

      it("does not need the holder to be eligible any more", async function () {
        const f = await deployed();
        await f.kyc.removeInvestor(ALICE);
        await f.coin.syncHolder(f.accounts.alice.address);
        await expect(f.coin.connect(f.accounts.alice).requestRedemption(usd(1), PAYOUT)).to.emit(
          f.coin,
          "RedemptionRequested",
        );
      });
    });

    context("when the amount is zero", function () {
      it("reverts with SettlementCoinInvalidAmount", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.alice).requestRedemption(0n, PAYOUT),
          "SettlementCoinInvalidAmount",
          [0n],
        );
      });
    });

    context("when the payout reference is empty", function () {
      it("reverts with SettlementCoinInvalidPayoutReference", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.alice).requestRedemption(usd(1), ethers.ZeroHash),
          "SettlementCoinInvalidPayoutReference",
        );
      });
    });

    context("when the holder has less than the amount", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const f = await deployed();
        const { alice } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(alice).requestRedemption(usd(1_001), PAYOUT),
          "ERC20InsufficientBalance",
          [alice.address, usd(1_000), usd(1_001)],
        );
      });
    });

    context("when the holder is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen", async function () {
        const f = await deployed();
        const { alice, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expectRevert(
          f,
          () => f.coin.connect(alice).requestRedemption(usd(1), PAYOUT),
          "SettlementCoinAccountFrozen",
          [alice.address],
        );
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.alice).requestRedemption(usd(1), PAYOUT),
          "SettlementCoinPaused",
        );
      });
    });
  });

  /** alice asked to redeem 300 (request 1). */
  async function withRequest() {
    const f = await deployed();
    await f.coin.connect(f.accounts.alice).requestRedemption(usd(300), PAYOUT);
    return f;
  }

  describe("confirmRedemption", function () {
    context("when the request is pending", function () {
      it("burns the escrow, marks it confirmed and emits RedemptionConfirmed", async function () {
        const f = await withRequest();
        const { issuer, alice } = f.accounts;
        const supply = await f.coin.totalSupply();
        const tx = f.coin.connect(issuer).confirmRedemption(1n);
        await expect(tx).to.emit(f.coin, "RedemptionConfirmed").withArgs(1n, issuer.address);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(f.address, ethers.ZeroAddress, usd(300));
        expect((await f.coin.redemption(1n)).status).to.equal(Status.Confirmed);
        expect(await f.coin.escrowed()).to.equal(0n);
        expect(await f.coin.totalSupply()).to.equal(supply - usd(300));
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(700));
      });
    });

    context("when the request does not exist", function () {
      it("reverts with SettlementCoinUnknownRedemption", async function () {
        const f = await withRequest();
        for (const id of [0n, 2n]) {
          await expectRevert(
            f,
            () => f.coin.connect(f.accounts.issuer).confirmRedemption(id),
            "SettlementCoinUnknownRedemption",
            [id],
          );
        }
      });
    });

    context("when the request was already settled", function () {
      it("reverts with SettlementCoinRedemptionNotPending", async function () {
        const f = await withRequest();
        const { issuer } = f.accounts;
        await f.coin.connect(issuer).confirmRedemption(1n);
        await expectRevert(
          f,
          () => f.coin.connect(issuer).confirmRedemption(1n),
          "SettlementCoinRedemptionNotPending",
          [1n, Status.Confirmed],
        );
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await withRequest();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(f, () => f.coin.connect(f.accounts.issuer).confirmRedemption(1n), "SettlementCoinPaused");
      });
    });
  });

  describe("rejectRedemption", function () {
    const REASON = ethers.id("payout details do not match");

    context("when the request is pending", function () {
      it("returns the escrow to the holder, marks it rejected and emits RedemptionRejected", async function () {
        const f = await withRequest();
        const { issuer, alice } = f.accounts;
        const supply = await f.coin.totalSupply();
        const tx = f.coin.connect(issuer).rejectRedemption(1n, REASON);
        await expect(tx).to.emit(f.coin, "RedemptionRejected").withArgs(1n, issuer.address, REASON);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(f.address, alice.address, usd(300));
        expect((await f.coin.redemption(1n)).status).to.equal(Status.Rejected);
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
        expect(await f.coin.escrowed()).to.equal(0n);
        expect(await f.coin.totalSupply()).to.equal(supply);
      });

      it("returns it even when the holder was frozen since the request (C4's exception)", async function () {
        const f = await withRequest();
        const { issuer, alice, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expect(f.coin.connect(issuer).rejectRedemption(1n, REASON))
          .to.emit(f.coin, "Transfer")
          .withArgs(f.address, alice.address, usd(300));
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
        expect(await f.coin.isFrozen(alice.address)).to.equal(true);
      });
    });

    context("when the holder's eligibility lapsed under the Eligible policy", function () {
      it("reverts with SettlementCoinIneligibleHolder (C5)", async function () {
        const f = await withRequest();
        const { alice } = f.accounts;
        await f.kyc.removeInvestor(ALICE);
        await f.coin.syncHolder(alice.address);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).rejectRedemption(1n, REASON),
          "SettlementCoinIneligibleHolder",
          [alice.address],
        );
      });
    });

    context("when the request does not exist", function () {
      it("reverts with SettlementCoinUnknownRedemption", async function () {
        const f = await withRequest();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).rejectRedemption(7n, REASON),
          "SettlementCoinUnknownRedemption",
          [7n],
        );
      });
    });

    context("when the request was already settled", function () {
      it("reverts with SettlementCoinRedemptionNotPending", async function () {
        const f = await withRequest();
        const { issuer } = f.accounts;
        await f.coin.connect(issuer).rejectRedemption(1n, REASON);
        await expectRevert(
          f,
          () => f.coin.connect(issuer).rejectRedemption(1n, REASON),
          "SettlementCoinRedemptionNotPending",
          [1n, Status.Rejected],
        );
        await expectRevert(
          f,
          () => f.coin.connect(issuer).confirmRedemption(1n),
          "SettlementCoinRedemptionNotPending",
          [1n, Status.Rejected],
        );
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await withRequest();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.issuer).rejectRedemption(1n, REASON),
          "SettlementCoinPaused",
        );
      });
    });
  });

  /* HOLDERS */

  describe("setHolderPolicy", function () {
    it("sets the policy and emits HolderPolicySet", async function () {
      const f = await deployed();
      const { governor, stranger } = f.accounts;
      expect(await f.coin.isEligible(stranger.address)).to.equal(false);
      await expect(f.coin.connect(governor).setHolderPolicy(Policy.Open))
        .to.emit(f.coin, "HolderPolicySet")
        .withArgs(Policy.Open);
      expect(await f.coin.holderPolicy()).to.equal(Policy.Open);
      expect(await f.coin.isEligible(stranger.address)).to.equal(true);
      await expect(f.coin.connect(governor).setHolderPolicy(Policy.Eligible))
        .to.emit(f.coin, "HolderPolicySet")
        .withArgs(Policy.Eligible);
      expect(await f.coin.holderPolicy()).to.equal(Policy.Eligible);
      expect(await f.coin.isEligible(stranger.address)).to.equal(false);
    });

    it("keeps the implementation address in the ERC-1967 slot", async function () {
      const f = await deployed();
      const implementation = await upgrades.erc1967.getImplementationAddress(f.address);
      await f.coin.connect(f.accounts.governor).setHolderPolicy(Policy.Open);
      const word = BigInt(await ethers.provider.getStorage(f.address, IMPLEMENTATION_SLOT));
      expect(ethers.getAddress(ethers.toBeHex(word & ADDRESS_MASK, 20))).to.equal(implementation);
      expect(await f.coin.name()).to.equal("Alliance Settlement Dollar");
    });
  });

  describe("syncHolder", function () {
    context("when the account is a verified investor", function () {
      it("caches its attestation's expiry and emits HolderEligibilitySynced", async function () {
        const f = await deployed();
        const { stranger } = f.accounts;
        const expiry = f.expiry + DAY;
        await f.kyc.registerInvestor(investor("stranger"), CHINA, KYC_AML, expiry, [stranger.address]);
        await expect(f.coin.syncHolder(stranger.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(stranger.address, true, expiry);
        expect(await f.coin.eligibleUntil(stranger.address)).to.equal(expiry);
        expect(await f.coin.isEligible(stranger.address)).to.equal(true);
      });
    });

    context("when the account is an active member", function () {
      it("caches it as eligible forever", async function () {
        const f = await deployed();
        const { exchange } = f.accounts;
        await expect(f.coin.syncHolder(exchange.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(exchange.address, true, MAX_UINT40);
        expect(await f.coin.eligibleUntil(exchange.address)).to.equal(MAX_UINT40);
      });
    });

    context("when the account is the coin itself", function () {
      it("keeps it eligible forever", async function () {
        const f = await deployed();
        await expect(f.coin.syncHolder(f.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(f.address, true, MAX_UINT40);
      });
    });

    context("when the account is neither", function () {
      it("caches it as not eligible", async function () {
        const f = await deployed();
        const { stranger } = f.accounts;
        await expect(f.coin.syncHolder(stranger.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(stranger.address, false, 0n);
        expect(await f.coin.eligibleUntil(stranger.address)).to.equal(0n);
      });
    });

    context("when the investor lacks a baseline claim", function () {
      it("caches it as not eligible", async function () {
        const f = await deployed();
        const { stranger } = f.accounts;
        await f.kyc.registerInvestor(investor("stranger"), CHINA, KYC_ONLY, f.expiry, [stranger.address]);
        await expect(f.coin.syncHolder(stranger.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(stranger.address, false, 0n);
      });
    });

    context("when the investor was removed from the registry", function () {
      it("clears the cached eligibility, after which transfers to it revert", async function () {
        const f = await deployed();
        const { alice, bob } = f.accounts;
        // The registry syncs the coin itself, in the same transaction.
        await expect(f.kyc.removeInvestor(BOB))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(bob.address, false, 0n);
        expect(await f.coin.isEligible(bob.address)).to.equal(false);
        await expect(f.coin.syncHolder(bob.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(bob.address, false, 0n);
        expect(await f.coin.isEligible(bob.address)).to.equal(false);
        expect(await f.coin.balanceOf(bob.address)).to.equal(usd(500));
        await expect(f.coin.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
          .withArgs(bob.address);
        // It may still send out what it holds.
        await expect(f.coin.connect(bob).transfer(alice.address, usd(500)))
          .to.emit(f.coin, "Transfer")
          .withArgs(bob.address, alice.address, usd(500));
      });
    });

    context("when the member was suspended", function () {
      it("clears the cached eligibility", async function () {
        const f = await deployed();
        const { exchange, governor, alice } = f.accounts;
        await f.coin.syncHolder(exchange.address);
        await f.coin.connect(alice).transfer(exchange.address, usd(10));
        await f.contracts.members.connect(governor).suspendMember(exchange.address, ethers.id("audit"));
        await expect(f.coin.syncHolder(exchange.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(exchange.address, false, 0n);
        await expect(f.coin.connect(alice).transfer(exchange.address, 1n))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
          .withArgs(exchange.address);
        expect(await f.coin.balanceOf(exchange.address)).to.equal(usd(10));
      });
    });

    context("when the investor's attestation expired", function () {
      it("caches it as not eligible", async function () {
        const f = await deployed();
        await time.increaseTo(f.expiry);
        await expect(f.coin.syncHolder(f.accounts.alice.address))
          .to.emit(f.coin, "HolderEligibilitySynced")
          .withArgs(f.accounts.alice.address, false, 0n);
      });
    });

    it("keeps the account's balance and frozen bit", async function () {
      const f = await deployed();
      const { alice, regulator } = f.accounts;
      await f.coin.connect(regulator).freeze(alice.address);
      await f.kyc.updateInvestor(ALICE, CHINA, KYC_AML, f.expiry + YEAR);
      await f.coin.syncHolder(alice.address);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
      expect(await f.coin.isFrozen(alice.address)).to.equal(true);
      expect(await f.coin.eligibleUntil(alice.address)).to.equal(f.expiry + YEAR);
    });

    context("when the account is the zero address", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await deployed();
        await expectRevert(f, () => f.coin.syncHolder(ethers.ZeroAddress), "SettlementCoinInvalidAddress", [
          ethers.ZeroAddress,
        ]);
      });
    });
  });

  describe("syncHolders", function () {
    it("syncs each account and emits HolderEligibilitySynced for each", async function () {
      const f = await deployed();
      const { exchange, stranger, carol } = f.accounts;
      const tx = f.coin.connect(stranger).syncHolders([exchange.address, stranger.address, carol.address]);
      await expect(tx).to.emit(f.coin, "HolderEligibilitySynced").withArgs(exchange.address, true, MAX_UINT40);
      await expect(tx).to.emit(f.coin, "HolderEligibilitySynced").withArgs(stranger.address, false, 0n);
      await expect(tx).to.emit(f.coin, "HolderEligibilitySynced").withArgs(carol.address, true, f.expiry);
    });

    context("when one account is the zero address", function () {
      it("reverts with SettlementCoinInvalidAddress and syncs none", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.syncHolders([f.accounts.exchange.address, ethers.ZeroAddress]),
          "SettlementCoinInvalidAddress",
          [ethers.ZeroAddress],
        );
      });
    });
  });

  describe("transfer", function () {
    context("between two synced eligible holders", function () {
      it("moves the amount and emits Transfer", async function () {
        const f = await deployed();
        const { alice, bob } = f.accounts;
        await expect(f.coin.connect(alice).transfer(bob.address, usd(100)))
          .to.emit(f.coin, "Transfer")
          .withArgs(alice.address, bob.address, usd(100));
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(900));
        expect(await f.coin.balanceOf(bob.address)).to.equal(usd(600));
      });

      it("credits a synced holder that held nothing yet", async function () {
        const f = await deployed();
        const { alice, carol } = f.accounts;
        await f.coin.connect(alice).transfer(carol.address, usd(1));
        expect(await f.coin.balanceOf(carol.address)).to.equal(usd(1));
        expect(await f.coin.eligibleUntil(carol.address)).to.equal(f.expiry);
      });

      it("leaves a transfer to oneself with the same balance", async function () {
        const f = await deployed();
        const { alice } = f.accounts;
        await expect(f.coin.connect(alice).transfer(alice.address, usd(1_000)))
          .to.emit(f.coin, "Transfer")
          .withArgs(alice.address, alice.address, usd(1_000));
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
      });
    });

    context("when the recipient's cached eligibility has expired", function () {
      it("accepts it until the second before expiry and reverts with SettlementCoinIneligibleHolder from then", async function () {
        const f = await deployed();
        const { alice, bob } = f.accounts;
        await time.setNextBlockTimestamp(f.expiry - 1n);
        await f.coin.connect(alice).transfer(bob.address, 1n);
        await time.setNextBlockTimestamp(f.expiry);
        await expectRevert(f, () => f.coin.connect(alice).transfer(bob.address, 1n), "SettlementCoinIneligibleHolder", [
          bob.address,
        ]);
        expect(await f.coin.isEligible(bob.address)).to.equal(false);
      });

      it("still lets the expired holder send out what it holds", async function () {
        const f = await deployed();
        const { alice, bob, exchange } = f.accounts;
        await f.coin.syncHolder(exchange.address);
        await time.increaseTo(f.expiry + 1n);
        await expect(f.coin.connect(bob).transfer(exchange.address, usd(500)))
          .to.emit(f.coin, "Transfer")
          .withArgs(bob.address, exchange.address, usd(500));
        await expect(f.coin.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
          .withArgs(bob.address);
      });
    });

    context("when the recipient was never synced", function () {
      it("reverts with SettlementCoinIneligibleHolder under the Eligible policy (C5)", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.alice).transfer(f.accounts.stranger.address, 1n),
          "SettlementCoinIneligibleHolder",
          [f.accounts.stranger.address],
        );
      });

      it("moves the amount under the Open policy", async function () {
        const f = await deployed();
        const { alice, governor, stranger } = f.accounts;
        await f.coin.connect(governor).setHolderPolicy(Policy.Open);
        await expect(f.coin.connect(alice).transfer(stranger.address, usd(5)))
          .to.emit(f.coin, "Transfer")
          .withArgs(alice.address, stranger.address, usd(5));
        expect(await f.coin.balanceOf(stranger.address)).to.equal(usd(5));
      });
    });

    context("when the recipient is the zero address", function () {
      it("reverts with ERC20InvalidReceiver under either policy", async function () {
        const f = await deployed();
        const { alice, governor } = f.accounts;
        await expectRevert(f, () => f.coin.connect(alice).transfer(ethers.ZeroAddress, 1n), "ERC20InvalidReceiver", [
          ethers.ZeroAddress,
        ]);
        await f.coin.connect(governor).setHolderPolicy(Policy.Open);
        await expectRevert(f, () => f.coin.connect(alice).transfer(ethers.ZeroAddress, 1n), "ERC20InvalidReceiver", [
          ethers.ZeroAddress,
        ]);
      });
    });

    context("when the sender is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen (C4)", async function () {
        const f = await deployed();
        const { alice, bob, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expectRevert(f, () => f.coin.connect(alice).transfer(bob.address, 1n), "SettlementCoinAccountFrozen", [
          alice.address,
        ]);
      });
    });

    context("when the recipient is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen (C4), under either policy", async function () {
        const f = await deployed();
        const { alice, bob, regulator, governor } = f.accounts;
        await f.coin.connect(regulator).freeze(bob.address);
        await expectRevert(f, () => f.coin.connect(alice).transfer(bob.address, 1n), "SettlementCoinAccountFrozen", [
          bob.address,
        ]);
        await f.coin.connect(governor).setHolderPolicy(Policy.Open);
        await expectRevert(f, () => f.coin.connect(alice).transfer(bob.address, 1n), "SettlementCoinAccountFrozen", [
          bob.address,
        ]);
      });
    });

    context("when the sender holds less than the amount", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const f = await deployed();
        const { alice, bob } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(alice).transfer(bob.address, usd(1_001)),
          "ERC20InsufficientBalance",
          [alice.address, usd(1_000), usd(1_001)],
        );
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.alice).transfer(f.accounts.bob.address, 1n),
          "SettlementCoinPaused",
        );
      });
    });
  });

  describe("transferFrom", function () {
    it("moves the amount within the allowance, with the same checks as transfer", async function () {
      const f = await deployed();
      const { alice, bob, carol, stranger, regulator } = f.accounts;
      await f.coin.connect(alice).approve(carol.address, usd(50));
      await expect(f.coin.connect(carol).transferFrom(alice.address, bob.address, usd(20)))
        .to.emit(f.coin, "Transfer")
        .withArgs(alice.address, bob.address, usd(20));
      expect(await f.coin.allowance(alice.address, carol.address)).to.equal(usd(30));
      await expectRevert(
        f,
        () => f.coin.connect(carol).transferFrom(alice.address, stranger.address, 1n),
        "SettlementCoinIneligibleHolder",
        [stranger.address],
      );
      await expectRevert(
        f,
        () => f.coin.connect(carol).transferFrom(alice.address, ethers.ZeroAddress, 1n),
        "ERC20InvalidReceiver",
        [ethers.ZeroAddress],
      );
      await f.coin.connect(regulator).freeze(alice.address);
      await expectRevert(
        f,
        () => f.coin.connect(carol).transferFrom(alice.address, bob.address, 1n),
        "SettlementCoinAccountFrozen",
        [alice.address],
      );
    });

    context("when the owner is the zero address", function () {
      it("reverts with ERC20InvalidSender", async function () {
        const f = await deployed();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.carol).transferFrom(ethers.ZeroAddress, f.accounts.bob.address, 0n),
          "ERC20InvalidSender",
          [ethers.ZeroAddress],
        );
      });
    });
  });

  /* ENFORCEMENT */

  describe("freeze", function () {
    it("freezes the account, keeping its balance and eligibility, and emits Frozen", async function () {
      const f = await deployed();
      const { alice, regulator } = f.accounts;
      await expect(f.coin.connect(regulator).freeze(alice.address)).to.emit(f.coin, "Frozen").withArgs(alice.address);
      expect(await f.coin.isFrozen(alice.address)).to.equal(true);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
      expect(await f.coin.eligibleUntil(alice.address)).to.equal(f.expiry);
    });

    context("when the account is already frozen", function () {
      it("reverts with SettlementCoinAccountFrozen", async function () {
        const f = await deployed();
        const { alice, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expectRevert(f, () => f.coin.connect(regulator).freeze(alice.address), "SettlementCoinAccountFrozen", [
          alice.address,
        ]);
      });
    });

    context("when the account is the zero address or the coin's escrow", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await deployed();
        for (const account of [ethers.ZeroAddress, f.address]) {
          await expectRevert(
            f,
            () => f.coin.connect(f.accounts.regulator).freeze(account),
            "SettlementCoinInvalidAddress",
            [account],
          );
        }
      });
    });
  });

  describe("unfreeze", function () {
    it("unfreezes the account and emits Unfrozen", async function () {
      const f = await deployed();
      const { alice, bob, regulator } = f.accounts;
      await f.coin.connect(regulator).freeze(alice.address);
      await expect(f.coin.connect(regulator).unfreeze(alice.address))
        .to.emit(f.coin, "Unfrozen")
        .withArgs(alice.address);
      expect(await f.coin.isFrozen(alice.address)).to.equal(false);
      await expect(f.coin.connect(alice).transfer(bob.address, 1n)).to.emit(f.coin, "Transfer");
    });

    context("when the account is not frozen", function () {
      it("reverts with SettlementCoinAccountNotFrozen", async function () {
        const f = await deployed();
        const { alice, regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(regulator).unfreeze(alice.address),
          "SettlementCoinAccountNotFrozen",
          [alice.address],
        );
      });
    });
  });

  describe("pause", function () {
    it("pauses the coin and emits Paused with the caller", async function () {
      const f = await deployed();
      const { regulator } = f.accounts;
      await expect(f.coin.connect(regulator).pause()).to.emit(f.coin, "Paused").withArgs(regulator.address);
      expect(await f.coin.isPaused()).to.equal(true);
    });

    it("keeps approvals and views working", async function () {
      const f = await deployed();
      const { alice, carol, regulator } = f.accounts;
      await f.coin.connect(regulator).pause();
      await f.coin.connect(alice).approve(carol.address, 1n);
      expect(await f.coin.allowance(alice.address, carol.address)).to.equal(1n);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
    });

    context("when the coin is already paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(f, () => f.coin.connect(f.accounts.regulator).pause(), "SettlementCoinPaused");
      });
    });
  });

  describe("unpause", function () {
    it("unpauses the coin and emits Unpaused with the caller", async function () {
      const f = await deployed();
      const { regulator, alice, bob } = f.accounts;
      await f.coin.connect(regulator).pause();
      await expect(f.coin.connect(regulator).unpause()).to.emit(f.coin, "Unpaused").withArgs(regulator.address);
      expect(await f.coin.isPaused()).to.equal(false);
      await expect(f.coin.connect(alice).transfer(bob.address, 1n)).to.emit(f.coin, "Transfer");
    });

    context("when the coin is not paused", function () {
      it("reverts with SettlementCoinNotPaused", async function () {
        const f = await deployed();
        await expectRevert(f, () => f.coin.connect(f.accounts.regulator).unpause(), "SettlementCoinNotPaused");
      });
    });
  });

  describe("seize", function () {
    context("when the recipient is eligible", function () {
      it("moves the amount whatever pause and freezes, and emits Transfer and Seized", async function () {
        const f = await deployed();
        const { alice, carol, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await f.coin.connect(regulator).freeze(carol.address);
        await f.coin.connect(regulator).pause();
        const supply = await f.coin.totalSupply();
        const tx = f.coin.connect(regulator).seize(alice.address, carol.address, usd(400), ORDER);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, carol.address, usd(400));
        await expect(tx).to.emit(f.coin, "Seized").withArgs(alice.address, carol.address, usd(400), ORDER);
        expect(await f.coin.balanceOf(alice.address)).to.equal(usd(600));
        expect(await f.coin.balanceOf(carol.address)).to.equal(usd(400));
        expect(await f.coin.totalSupply()).to.equal(supply);
        expect(await f.coin.isFrozen(alice.address)).to.equal(true);
      });
    });

    context("when the recipient is not eligible", function () {
      it("reverts with SettlementCoinIneligibleHolder under the Eligible policy (C5)", async function () {
        const f = await deployed();
        const { alice, stranger, regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(regulator).seize(alice.address, stranger.address, 1n, ORDER),
          "SettlementCoinIneligibleHolder",
          [stranger.address],
        );
      });

      it("moves the amount under the Open policy", async function () {
        const f = await deployed();
        const { alice, stranger, regulator, governor } = f.accounts;
        await f.coin.connect(governor).setHolderPolicy(Policy.Open);
        await expect(f.coin.connect(regulator).seize(alice.address, stranger.address, 1n, ORDER))
          .to.emit(f.coin, "Seized")
          .withArgs(alice.address, stranger.address, 1n, ORDER);
      });
    });

    context("when either account is the zero address or the coin's escrow", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await deployed();
        const { alice, bob, regulator } = f.accounts;
        await f.coin.connect(alice).requestRedemption(usd(10), PAYOUT);
        for (const [from, to, bad] of [
          [ethers.ZeroAddress, bob.address, ethers.ZeroAddress],
          [f.address, bob.address, f.address],
          [alice.address, ethers.ZeroAddress, ethers.ZeroAddress],
          [alice.address, f.address, f.address],
        ]) {
          await expectRevert(
            f,
            () => f.coin.connect(regulator).seize(from, to, 1n, ORDER),
            "SettlementCoinInvalidAddress",
            [bad],
          );
        }
      });
    });

    context("when the amount is zero", function () {
      it("reverts with SettlementCoinInvalidAmount", async function () {
        const f = await deployed();
        const { alice, bob, regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(regulator).seize(alice.address, bob.address, 0n, ORDER),
          "SettlementCoinInvalidAmount",
          [0n],
        );
      });
    });

    context("when the account holds less than the amount", function () {
      it("reverts with ERC20InsufficientBalance", async function () {
        const f = await deployed();
        const { alice, bob, regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.coin.connect(regulator).seize(alice.address, bob.address, usd(1_001), ORDER),
          "ERC20InsufficientBalance",
          [alice.address, usd(1_000), usd(1_001)],
        );
      });
    });
  });

  describe("rescue", function () {
    /** 1,000 units of another token sent to the coin by mistake. */
    async function withStrayTokens() {
      const f = await deployed();
      const token = await ethers.deployContract("PlainERC20", [1_000n]);
      await token.transfer(f.address, 1_000n);
      return { ...f, token };
    }

    it("sends another token held by the coin to the recipient and emits TokensRescued", async function () {
      const f = await withStrayTokens();
      const { governor, stranger } = f.accounts;
      const token = await f.token.getAddress();
      await expect(f.coin.connect(governor).rescue(token, stranger.address, 600n))
        .to.emit(f.coin, "TokensRescued")
        .withArgs(token, stranger.address, 600n);
      expect(await f.token.balanceOf(stranger.address)).to.equal(600n);
      expect(await f.token.balanceOf(f.address)).to.equal(400n);
    });

    context("when the token is the coin itself", function () {
      it("reverts with SettlementCoinCannotRescueSelf", async function () {
        const f = await withStrayTokens();
        await f.coin.connect(f.accounts.alice).requestRedemption(usd(10), PAYOUT);
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.governor).rescue(f.address, f.accounts.governor.address, usd(10)),
          "SettlementCoinCannotRescueSelf",
        );
      });
    });

    context("when the recipient is the zero address", function () {
      it("reverts with SettlementCoinInvalidAddress", async function () {
        const f = await withStrayTokens();
        await expectRevert(
          f,
          () => f.coin.connect(f.accounts.governor).rescue(f.token.getAddress(), ethers.ZeroAddress, 1n),
          "SettlementCoinInvalidAddress",
          [ethers.ZeroAddress],
        );
        expect(await f.token.balanceOf(f.address)).to.equal(1_000n);
      });
    });

    context("when the token transfer fails", function () {
      it("reverts with the token's error", async function () {
        const f = await withStrayTokens();
        await expect(
          f.coin.connect(f.accounts.governor).rescue(f.token.getAddress(), f.accounts.governor.address, 1_001n),
        )
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
          .withArgs(f.address, 1_000n, 1_001n);
      });
    });
  });

  /* THE HOT FLAGS IN THE ERC-1967 IMPLEMENTATION SLOT */

  describe("hot flags in the implementation slot", function () {
    /** Upgrades the coin to a fresh implementation through the authority (UPGRADER's two-day delay). */
    async function upgrade(f: Fixture) {
      const implementation = await ethers.deployContract("SettlementCoin", [await engineAddress()]);
      const target = await implementation.getAddress();
      await expect(throughAuthority(f, f.accounts.governor, "upgradeToAndCall", [target, "0x"]))
        .to.emit(f.coin, "Upgraded")
        .withArgs(target);
      return target;
    }

    async function slotWord(f: Fixture): Promise<bigint> {
      return BigInt(await ethers.provider.getStorage(f.address, IMPLEMENTATION_SLOT));
    }

    it("leaves the slot a bare address in the deployed configuration (Eligible, not paused)", async function () {
      const f = await deployed();
      const word = await slotWord(f);
      expect(word >> 160n).to.equal(0n);
      expect(await upgrades.erc1967.getImplementationAddress(f.address)).to.equal(
        ethers.getAddress(ethers.toBeHex(word, 20)),
      );
    });

    it("keeps a pause across an upgrade, the proxy running the new implementation", async function () {
      const f = await deployed();
      const { regulator, alice, bob } = f.accounts;
      await f.coin.connect(regulator).pause();
      expect((await slotWord(f)) >> 160n).to.equal(1n);
      const implementation = await upgrade(f);

      // ERC1967Utils wrote only the low 160 bits: the flag survives and the address is the new one.
      const word = await slotWord(f);
      expect(word >> 160n).to.equal(1n);
      expect(ethers.getAddress(ethers.toBeHex(word & ADDRESS_MASK, 20))).to.equal(implementation);
      // The proxy masks what it reads: calls reach the new implementation.
      expect(await f.coin.isPaused()).to.equal(true);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
      await expect(f.coin.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        f.coin,
        "SettlementCoinPaused",
      );
      // Tools that insist the slot hold a bare address refuse it while a flag is set (documented in _hotFlags).
      const error = await rejection(upgrades.erc1967.getImplementationAddress(f.address));
      expect(error.message).to.match(/not an address/);

      await expect(f.coin.connect(regulator).unpause()).to.emit(f.coin, "Unpaused").withArgs(regulator.address);
      expect(await upgrades.erc1967.getImplementationAddress(f.address)).to.equal(implementation);
      await expect(f.coin.connect(alice).transfer(bob.address, 1n))
        .to.emit(f.coin, "Transfer")
        .withArgs(alice.address, bob.address, 1n);
    });

    it("keeps the Open policy across an upgrade", async function () {
      const f = await deployed();
      const { governor, alice, stranger } = f.accounts;
      await f.coin.connect(governor).setHolderPolicy(Policy.Open);
      const implementation = await upgrade(f);
      expect(await f.coin.holderPolicy()).to.equal(Policy.Open);
      expect(ethers.getAddress(ethers.toBeHex((await slotWord(f)) & ADDRESS_MASK, 20))).to.equal(implementation);
      await expect(f.coin.connect(alice).transfer(stranger.address, 1n)).to.emit(f.coin, "Transfer");
      await f.coin.connect(governor).setHolderPolicy(Policy.Eligible);
      expect(await upgrades.erc1967.getImplementationAddress(f.address)).to.equal(implementation);
    });

    it("keeps the implementation address when the flags change", async function () {
      const f = await deployed();
      const { regulator, governor } = f.accounts;
      const implementation = await upgrades.erc1967.getImplementationAddress(f.address);
      await f.coin.connect(regulator).pause();
      await f.coin.connect(governor).setHolderPolicy(Policy.Open);
      expect((await slotWord(f)) >> 160n).to.equal(3n);
      await f.coin.connect(regulator).unpause();
      await f.coin.connect(governor).setHolderPolicy(Policy.Eligible);
      expect(await slotWord(f)).to.equal(BigInt(implementation));
    });
  });

  shouldBehaveLikeUpgradeable(
    "SettlementCoin",
    async () => {
      const f = await deployed();
      const { accounts } = f;
      await f.coin.connect(accounts.regulator).freeze(accounts.bob.address);
      await f.coin.connect(accounts.alice).requestRedemption(usd(5), PAYOUT);
      return {
        authority: f.contracts.authority,
        proxy: f.coin,
        upgrader: accounts.governor,
        strangers: [accounts.stranger, accounts.issuer, accounts.regulator, accounts.deployer],
        snapshot: () => snapshot(f),
      };
    },
    async () => [await engineAddress()],
  );

  /* INVARIANTS */

  describe("C1: Σ balances (escrow included) equals the supply", function () {
    it("holds after mints, transfers, redemptions, a seizure and a burn", async function () {
      const f = await deployed();
      const { alice, bob, carol, issuer, regulator, exchange } = f.accounts;
      const check = async () => {
        expect(await sumOfBalances(f.coin)).to.equal(await f.coin.totalSupply());
        expect(await f.coin.escrowed()).to.equal(await f.coin.balanceOf(f.address));
      };
      await check();
      await f.coin.syncHolder(exchange.address);
      await f.coin.connect(issuer).mint(carol.address, usd(2_000));
      await f.coin.connect(issuer).mint(issuer.address, usd(100));
      await f.coin.connect(alice).transfer(bob.address, usd(250));
      await f.coin.connect(bob).transfer(exchange.address, usd(50));
      await f.coin.connect(carol).approve(alice.address, usd(500));
      await f.coin.connect(alice).transferFrom(carol.address, alice.address, usd(500));
      await check();
      await f.coin.connect(alice).requestRedemption(usd(300), PAYOUT);
      await f.coin.connect(bob).requestRedemption(usd(200), PAYOUT);
      await f.coin.connect(carol).requestRedemption(usd(100), PAYOUT);
      await check();
      await f.coin.connect(issuer).confirmRedemption(1n);
      await f.coin.connect(issuer).rejectRedemption(2n, ethers.id("no"));
      // The escrow holds exactly the pending request.
      expect(await f.coin.escrowed()).to.equal(usd(100));
      await f.coin.connect(regulator).seize(carol.address, exchange.address, usd(1_000), ORDER);
      await f.coin.connect(issuer).burn(usd(60));
      await check();
      expect(await f.coin.totalSupply()).to.equal(usd(1_500 + 2_000 + 100 - 300 - 60));
    });
  });

  describe("views", function () {
    it("reports minters, eligibility and frozen state of unknown accounts as empty", async function () {
      const f = await deployed();
      const { stranger } = f.accounts;
      expect(await f.coin.isMinter(stranger.address)).to.equal(false);
      expect(await f.coin.minterAllowance(stranger.address)).to.equal(0n);
      expect(await f.coin.isFrozen(stranger.address)).to.equal(false);
      expect(await f.coin.eligibleUntil(stranger.address)).to.equal(0n);
      expect(await f.coin.isEligible(stranger.address)).to.equal(false);
      expect(await f.coin.redemptionsOf(stranger.address)).to.deep.equal([]);
      expect([...(await f.coin.redemption(42n))]).to.deep.equal([ethers.ZeroAddress, 0n, 0n, 0n, ethers.ZeroHash]);
    });
  });
});
