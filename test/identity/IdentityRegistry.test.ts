import { expect } from "chai";
import { deployments, ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { IdentityRegistry } from "../../typechain-types";
import { Role } from "../../config/roles";
import { identityDefaults } from "../../config/identity";
import { Claim, claimsOf } from "../../sdk/claims";
import { coreFixture, type Accounts } from "../fixtures/core";
import { investorId, packEligibility, registryState, walletAddress } from "./helpers";

const DAY = 24n * 3600n;
const YEAR = 365n * DAY;
const MAX_WALLETS = 16;

const FRANCE = 250n;
const SWITZERLAND = 756n;
const JAPAN = 392n;

const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const PROFESSIONAL = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
const KYC_ONLY = claimsOf([Claim.KYC]);

const A = investorId("A");
const B = investorId("B");
const C = investorId("C");
const UNKNOWN = investorId("unknown");
const DAVE = walletAddress(1);
const ERIN = walletAddress(2);

/** The deployed core with handles on the registry, its store and a one-year expiry. */
async function deployed() {
  const { accounts, contracts } = await loadFixture(coreFixture);
  const { identity, authority } = contracts;
  const store = await ethers.getContractAt("EligibilityStore", await identity.eligibilityStore());
  const expiry = BigInt(await time.latest()) + YEAR;
  const [, , , , , , , , , , , secondProvider] = await ethers.getSigners();
  return { accounts, authority, identity, kyc: identity.connect(accounts.kycProvider), store, expiry, secondProvider };
}

/** Investor A (France, professional) holds alice and bob; investor B (Switzerland, KYC + AML) holds carol. */
async function withInvestors() {
  const f = await loadFixture(deployed);
  const { alice, bob, carol } = f.accounts;
  await f.kyc.registerInvestor(A, FRANCE, PROFESSIONAL, f.expiry, [alice.address, bob.address]);
  await f.kyc.registerInvestor(B, SWITZERLAND, KYC_AML, f.expiry, [carol.address]);
  return f;
}

type Fixture = Awaited<ReturnType<typeof deployed>>;

/** The registry's observable state about the investors and wallets the tests use. */
function stateOf(f: Fixture, extraWallets: string[] = []) {
  const { alice, bob, carol, stranger } = f.accounts;
  return registryState(
    f.identity,
    [A, B, C, UNKNOWN],
    [alice.address, bob.address, carol.address, stranger.address, DAVE, ERIN, ...extraWallets],
  );
}

/** The names of the registry's events in `tx`, in emission order. */
async function eventNames(f: Fixture, tx: Promise<ContractTransactionResponse>): Promise<(string | undefined)[]> {
  const receipt = await (await tx).wait();
  // The registry's own events: the subscribed coins' re-syncs (HolderEligibilitySynced…) are theirs.
  const registry = (await f.identity.getAddress()).toLowerCase();
  return receipt!.logs
    .filter((log) => log.address.toLowerCase() === registry)
    .map((log) => f.identity.interface.parseLog(log)?.name);
}

/** Grants KYC_PROVIDER to the fixture's second provider, the way the alliance admin seats a member by hand. */
async function seatSecondProvider(f: Fixture) {
  const { deployer } = f.accounts;
  const authority = f.authority.connect(deployer);
  await authority.grantRole(Role.MEMBERSHIP, deployer.address, 0);
  await authority.grantRole(Role.KYC_PROVIDER, f.secondProvider.address, 0);
  return f.identity.connect(f.secondProvider);
}

/**
 * One `it` per account lacking the role: the call reverts with the authority's AccessManagedUnauthorized and
 * changes nothing.
 */
function itRejectsCallers(
  callers: (keyof Accounts)[],
  call: (identity: IdentityRegistry, f: Fixture) => Promise<unknown>,
) {
  for (const name of callers) {
    it(`reverts with AccessManagedUnauthorized when called by ${name}`, async () => {
      const f = await loadFixture(withInvestors);
      const caller: HardhatEthersSigner = f.accounts[name];
      const before = await stateOf(f);
      await expect(call(f.identity.connect(caller), f))
        .to.be.revertedWithCustomError(f.identity, "AccessManagedUnauthorized")
        .withArgs(caller.address);
      expect(await stateOf(f)).to.deep.equal(before);
    });
  }
}

const NOT_KYC_PROVIDERS: (keyof Accounts)[] = ["alice", "stranger", "exchange", "issuer", "regulator", "governor"];
const NOT_GOVERNORS: (keyof Accounts)[] = ["alice", "stranger", "exchange", "issuer", "regulator", "kycProvider"];

describe("IdentityRegistry", () => {
  describe("initialize", () => {
    it("sets the authority, the baseline claims and an empty registry", async () => {
      const f = await loadFixture(deployed);
      expect(await f.identity.authority()).to.equal(await f.authority.getAddress());
      expect(await f.identity.baselineClaims()).to.equal(identityDefaults.baselineClaims);
      expect(await f.identity.investorCount()).to.equal(0n);
      expect(await f.identity.walletCount()).to.equal(0n);
      expect(await f.identity.maxWalletsPerInvestor()).to.equal(BigInt(MAX_WALLETS));
    });

    it("deploys an eligibility store that only the proxy may write", async () => {
      const f = await loadFixture(deployed);
      expect(await f.store.registry()).to.equal(await f.identity.getAddress());
      expect(await ethers.provider.getCode(await f.store.getAddress())).to.not.equal("0x");
    });

    it("emits BaselineClaimsSet", async () => {
      const f = await loadFixture(deployed);
      const events = await f.identity.queryFilter(f.identity.filters.BaselineClaimsSet());
      expect(events.map((e) => e.args.claims)).to.deep.equal([identityDefaults.baselineClaims]);
    });

    it("reverts with InvalidInitialization when called again", async () => {
      const f = await loadFixture(deployed);
      const storeBefore = await f.identity.eligibilityStore();
      await expect(
        f.identity.connect(f.accounts.stranger).initialize(f.accounts.stranger.address, 0n),
      ).to.be.revertedWithCustomError(f.identity, "InvalidInitialization");
      expect(await f.identity.authority()).to.equal(await f.authority.getAddress());
      expect(await f.identity.baselineClaims()).to.equal(identityDefaults.baselineClaims);
      expect(await f.identity.eligibilityStore()).to.equal(storeBefore);
    });

    it("reverts with InvalidInitialization on the bare implementation", async () => {
      await loadFixture(deployed);
      const { implementation } = await deployments.get("IdentityRegistry");
      const bare = await ethers.getContractAt("IdentityRegistry", implementation!);
      await expect(bare.initialize(ethers.ZeroAddress, 0n)).to.be.revertedWithCustomError(
        bare,
        "InvalidInitialization",
      );
    });
  });

  describe("registerInvestor", () => {
    context("with one wallet", () => {
      it("emits InvestorRegistered and WalletAdded", async () => {
        const f = await loadFixture(deployed);
        const { alice, kycProvider } = f.accounts;
        await expect(f.kyc.registerInvestor(A, FRANCE, PROFESSIONAL, f.expiry, [alice.address]))
          .to.emit(f.identity, "InvestorRegistered")
          .withArgs(A, kycProvider.address, FRANCE, PROFESSIONAL, f.expiry)
          .and.to.emit(f.identity, "WalletAdded")
          .withArgs(A, alice.address, kycProvider.address);
      });

      it("stores the record, the index and the wallet's packed word", async () => {
        const f = await loadFixture(deployed);
        const { alice, kycProvider } = f.accounts;
        await f.kyc.registerInvestor(A, FRANCE, PROFESSIONAL, f.expiry, [alice.address]);
        const record = await f.identity.investorRecord(A);
        expect(record.country).to.equal(FRANCE);
        expect(record.claims).to.equal(PROFESSIONAL);
        expect(record.expiry).to.equal(f.expiry);
        expect(record.provider).to.equal(kycProvider.address);
        expect(record.index).to.equal(1n);
        expect(record.walletCount).to.equal(1n);
        expect(await f.identity.investorAt(1)).to.equal(A);
        expect(await f.identity.walletsOf(A)).to.deep.equal([alice.address]);
        const word = packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 1);
        expect(await f.identity.eligibilityOf(alice.address)).to.equal(word);
        expect(await f.store.eligibilityOf(alice.address)).to.equal(word);
      });

      it("makes the wallet contained, verified and attributed to the investor", async () => {
        const f = await loadFixture(deployed);
        const { alice } = f.accounts;
        await f.kyc.registerInvestor(A, FRANCE, PROFESSIONAL, f.expiry, [alice.address]);
        expect(await f.identity.contains(alice.address)).to.equal(true);
        expect(await f.identity.isVerified(alice.address)).to.equal(true);
        expect(await f.identity.investorOf(alice.address)).to.equal(A);
        expect(await f.identity.investorCountry(alice.address)).to.equal(FRANCE);
        expect(await f.identity.investorCount()).to.equal(1n);
        expect(await f.identity.walletCount()).to.equal(1n);
      });

      it("leaves the store silent: only the registry emits events", async () => {
        const f = await loadFixture(deployed);
        const receipt = await (
          await f.kyc.registerInvestor(A, FRANCE, PROFESSIONAL, f.expiry, [f.accounts.alice.address])
        ).wait();
        const emitters = new Set(receipt!.logs.map((log) => log.address));
        expect([...emitters]).to.deep.equal([await f.identity.getAddress()]);
      });
    });

    context("with no wallet", () => {
      it("registers the investor alone", async () => {
        const f = await loadFixture(deployed);
        await expect(f.kyc.registerInvestor(A, FRANCE, KYC_AML, f.expiry, []))
          .to.emit(f.identity, "InvestorRegistered")
          .withArgs(A, f.accounts.kycProvider.address, FRANCE, KYC_AML, f.expiry)
          .and.not.to.emit(f.identity, "WalletAdded");
        expect((await f.identity.investorRecord(A)).walletCount).to.equal(0n);
        expect(await f.identity.investorCount()).to.equal(1n);
        expect(await f.identity.walletCount()).to.equal(0n);
      });
    });

    context("with several wallets", () => {
      it("emits InvestorRegistered, then WalletAdded for each wallet in order", async () => {
        const f = await loadFixture(deployed);
        const wallets = [f.accounts.alice.address, f.accounts.bob.address, DAVE];
        const tx = f.kyc.registerInvestor(A, FRANCE, KYC_AML, f.expiry, wallets);
        await expect(tx).to.emit(f.identity, "WalletAdded").withArgs(A, DAVE, f.accounts.kycProvider.address);
        expect(await eventNames(f, tx)).to.deep.equal([
          "InvestorRegistered",
          "WalletAdded",
          "WalletAdded",
          "WalletAdded",
        ]);
        expect(await f.identity.walletsOf(A)).to.deep.equal(wallets);
        expect(await f.identity.walletCount()).to.equal(3n);
        for (const wallet of wallets) {
          expect(await f.identity.eligibilityOf(wallet)).to.equal(packEligibility(1n, FRANCE, KYC_AML, f.expiry, 3));
        }
      });

      it(`accepts ${MAX_WALLETS} wallets`, async () => {
        const f = await loadFixture(deployed);
        const wallets = Array.from({ length: MAX_WALLETS }, (_, i) => walletAddress(100 + i));
        await f.kyc.registerInvestor(A, FRANCE, KYC_AML, f.expiry, wallets);
        expect((await f.identity.investorRecord(A)).walletCount).to.equal(BigInt(MAX_WALLETS));
        expect(await f.identity.walletCount()).to.equal(BigInt(MAX_WALLETS));
      });
    });

    context("when investors come and go", () => {
      it("gives each registration a fresh index and never reuses one", async () => {
        const f = await loadFixture(deployed);
        await f.kyc.registerInvestor(A, FRANCE, KYC_AML, f.expiry, [f.accounts.alice.address]);
        await f.kyc.registerInvestor(B, FRANCE, KYC_AML, f.expiry, []);
        await f.kyc.removeInvestor(A);
        await f.kyc.registerInvestor(A, JAPAN, KYC_AML, f.expiry, [f.accounts.alice.address]);
        expect((await f.identity.investorRecord(A)).index).to.equal(3n);
        expect(await f.identity.investorAt(1)).to.equal(ethers.ZeroHash);
        expect(await f.identity.investorAt(2)).to.equal(B);
        expect(await f.identity.investorAt(3)).to.equal(A);
        expect(await f.identity.eligibilityOf(f.accounts.alice.address)).to.equal(
          packEligibility(3n, JAPAN, KYC_AML, f.expiry, 1),
        );
      });
    });

    context("when the country is at the bounds", () => {
      for (const country of [1n, 999n]) {
        it(`accepts country ${country}`, async () => {
          const f = await loadFixture(deployed);
          await f.kyc.registerInvestor(A, country, KYC_AML, f.expiry, [f.accounts.alice.address]);
          expect(await f.identity.investorCountry(f.accounts.alice.address)).to.equal(country);
        });
      }
    });

    context("when the input is invalid", () => {
      it("reverts with IdentityRegistryInvalidInvestor for the zero id", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.registerInvestor(ethers.ZeroHash, FRANCE, KYC_AML, f.expiry, [DAVE]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidInvestor")
          .withArgs(ethers.ZeroHash);
        expect(await stateOf(f)).to.deep.equal(before);
      });

      it("reverts with IdentityRegistryInvestorExists when the investor is registered", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.registerInvestor(A, JAPAN, KYC_AML, f.expiry, [DAVE]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvestorExists")
          .withArgs(A);
        expect(await stateOf(f)).to.deep.equal(before);
      });

      for (const country of [0n, 1000n, 65535n]) {
        it(`reverts with IdentityRegistryInvalidCountry for country ${country}`, async () => {
          const f = await loadFixture(withInvestors);
          const before = await stateOf(f);
          await expect(f.kyc.registerInvestor(C, country, KYC_AML, f.expiry, [DAVE]))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidCountry")
            .withArgs(country);
          expect(await stateOf(f)).to.deep.equal(before);
        });
      }

      for (const [label, offset] of [
        ["now", 0n],
        ["in the past", -1n],
      ] as const) {
        it(`reverts with IdentityRegistryInvalidExpiry when the expiry is ${label}`, async () => {
          const f = await loadFixture(withInvestors);
          const before = await stateOf(f);
          const now = BigInt(await time.latest()) + 10n;
          await time.setNextBlockTimestamp(now);
          await expect(f.kyc.registerInvestor(C, FRANCE, KYC_AML, now + offset, [DAVE]))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidExpiry")
            .withArgs(now + offset, now);
          expect(await stateOf(f)).to.deep.equal(before);
        });
      }

      it("reverts with IdentityRegistryInvalidWallet for the zero address", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.registerInvestor(C, FRANCE, KYC_AML, f.expiry, [DAVE, ethers.ZeroAddress]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidWallet")
          .withArgs(ethers.ZeroAddress);
        expect(await stateOf(f)).to.deep.equal(before);
      });

      it("reverts with IdentityRegistryWalletTaken when another investor holds a wallet", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.registerInvestor(C, FRANCE, KYC_AML, f.expiry, [DAVE, f.accounts.carol.address]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
          .withArgs(f.accounts.carol.address, B);
        expect(await stateOf(f)).to.deep.equal(before);
      });

      it("reverts with IdentityRegistryWalletTaken when a wallet is listed twice", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.registerInvestor(C, FRANCE, KYC_AML, f.expiry, [DAVE, ERIN, DAVE]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
          .withArgs(DAVE, C);
        expect(await stateOf(f)).to.deep.equal(before);
      });

      it(`reverts with IdentityRegistryTooManyWallets for ${MAX_WALLETS + 1} wallets`, async () => {
        const f = await loadFixture(withInvestors);
        const wallets = Array.from({ length: MAX_WALLETS + 1 }, (_, i) => walletAddress(100 + i));
        const before = await stateOf(f, wallets);
        await expect(f.kyc.registerInvestor(C, FRANCE, KYC_AML, f.expiry, wallets))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryTooManyWallets")
          .withArgs(C, MAX_WALLETS);
        expect(await stateOf(f, wallets)).to.deep.equal(before);
      });
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) =>
        identity.registerInvestor(C, FRANCE, KYC_AML, f.expiry, [DAVE]),
      );
    });
  });

  describe("registerInvestors", () => {
    it("registers every investor, with its events", async () => {
      const f = await loadFixture(deployed);
      const { alice, bob, carol, kycProvider } = f.accounts;
      const tx = f.kyc.registerInvestors([
        { investor: A, country: FRANCE, claims: PROFESSIONAL, expiry: f.expiry, wallets: [alice.address] },
        { investor: B, country: JAPAN, claims: KYC_AML, expiry: f.expiry + DAY, wallets: [bob.address, carol.address] },
      ]);
      await expect(tx)
        .to.emit(f.identity, "InvestorRegistered")
        .withArgs(A, kycProvider.address, FRANCE, PROFESSIONAL, f.expiry)
        .and.to.emit(f.identity, "InvestorRegistered")
        .withArgs(B, kycProvider.address, JAPAN, KYC_AML, f.expiry + DAY)
        .and.to.emit(f.identity, "WalletAdded")
        .withArgs(B, carol.address, kycProvider.address);
      expect(await eventNames(f, tx)).to.deep.equal([
        "InvestorRegistered",
        "WalletAdded",
        "InvestorRegistered",
        "WalletAdded",
        "WalletAdded",
      ]);
      expect(await f.identity.investorCount()).to.equal(2n);
      expect(await f.identity.walletCount()).to.equal(3n);
      expect(await f.identity.investorOf(carol.address)).to.equal(B);
      expect(await f.identity.eligibilityOf(bob.address)).to.equal(
        packEligibility(2n, JAPAN, KYC_AML, f.expiry + DAY, 2),
      );
    });

    it("reverts with IdentityRegistryEmptyBatch for no investor", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.registerInvestors([])).to.be.revertedWithCustomError(f.identity, "IdentityRegistryEmptyBatch");
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with the bad item's error and registers nothing when an item in the middle is invalid", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      const third = investorId("third");
      await expect(
        f.kyc.registerInvestors([
          { investor: C, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [DAVE] },
          { investor: UNKNOWN, country: 0n, claims: KYC_AML, expiry: f.expiry, wallets: [ERIN] },
          { investor: third, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [] },
        ]),
      )
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidCountry")
        .withArgs(0n);
      expect(await stateOf(f)).to.deep.equal(before);
      expect((await f.identity.investorRecord(third)).index).to.equal(0n);
    });

    it("reverts with IdentityRegistryInvestorExists when an id appears twice", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(
        f.kyc.registerInvestors([
          { investor: C, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [DAVE] },
          { investor: C, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [ERIN] },
        ]),
      )
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvestorExists")
        .withArgs(C);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with IdentityRegistryWalletTaken when two items share a wallet", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(
        f.kyc.registerInvestors([
          { investor: C, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [DAVE] },
          { investor: UNKNOWN, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [ERIN, DAVE] },
        ]),
      )
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
        .withArgs(DAVE, C);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) =>
        identity.registerInvestors([
          { investor: C, country: FRANCE, claims: KYC_AML, expiry: f.expiry, wallets: [DAVE] },
        ]),
      );
    });
  });

  describe("updateInvestor", () => {
    it("emits InvestorUpdated", async () => {
      const f = await loadFixture(withInvestors);
      await expect(f.kyc.updateInvestor(A, JAPAN, KYC_ONLY, f.expiry + DAY))
        .to.emit(f.identity, "InvestorUpdated")
        .withArgs(A, f.accounts.kycProvider.address, JAPAN, KYC_ONLY, f.expiry + DAY);
    });

    it("rewrites the record and every wallet's word, keeping the index", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob, carol } = f.accounts;
      await f.kyc.updateInvestor(A, JAPAN, KYC_ONLY, f.expiry + DAY);
      const record = await f.identity.investorRecord(A);
      expect([record.country, record.claims, record.expiry, record.index, record.walletCount]).to.deep.equal([
        JAPAN,
        KYC_ONLY,
        f.expiry + DAY,
        1n,
        2n,
      ]);
      const word = packEligibility(1n, JAPAN, KYC_ONLY, f.expiry + DAY, 2);
      expect(await f.identity.eligibilityOf(alice.address)).to.equal(word);
      expect(await f.identity.eligibilityOf(bob.address)).to.equal(word);
      expect(await f.identity.investorCountry(bob.address)).to.equal(JAPAN);
      // KYC alone misses the baseline (KYC + AML).
      expect(await f.identity.isVerified(alice.address)).to.equal(false);
      // Investor B is untouched.
      expect(await f.identity.eligibilityOf(carol.address)).to.equal(
        packEligibility(2n, SWITZERLAND, KYC_AML, f.expiry, 1),
      );
    });

    it("verifies an expired investor again once re-attested", async () => {
      const f = await loadFixture(withInvestors);
      const { alice } = f.accounts;
      await time.increaseTo(f.expiry);
      expect(await f.identity.isVerified(alice.address)).to.equal(false);
      await f.kyc.updateInvestor(A, FRANCE, PROFESSIONAL, f.expiry + YEAR);
      expect(await f.identity.isVerified(alice.address)).to.equal(true);
    });

    context("when another KYC provider re-attests", () => {
      it("reverts with IdentityRegistryNotAttestingProvider and changes nothing (R5)", async () => {
        const f = await loadFixture(withInvestors);
        const second = await seatSecondProvider(f);
        const before = await stateOf(f);
        await expect(second.updateInvestor(A, FRANCE, PROFESSIONAL, f.expiry + DAY))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address);
        expect(await stateOf(f)).to.deep.equal(before);
        expect((await f.identity.investorRecord(A)).provider).to.equal(f.accounts.kycProvider.address);
      });

      it("records the provider of each registration", async () => {
        const f = await loadFixture(withInvestors);
        const second = await seatSecondProvider(f);
        await expect(second.registerInvestor(C, JAPAN, KYC_AML, f.expiry, [DAVE]))
          .to.emit(f.identity, "WalletAdded")
          .withArgs(C, DAVE, f.secondProvider.address);
        expect((await f.identity.investorRecord(C)).provider).to.equal(f.secondProvider.address);
        expect((await f.identity.investorRecord(A)).provider).to.equal(f.accounts.kycProvider.address);
      });
    });

    context("when the input is invalid", () => {
      for (const [label, investor] of [
        ["an unknown id", UNKNOWN],
        ["the zero id", ethers.ZeroHash],
      ]) {
        it(`reverts with IdentityRegistryUnknownInvestor for ${label}`, async () => {
          const f = await loadFixture(withInvestors);
          const before = await stateOf(f);
          await expect(f.kyc.updateInvestor(investor, FRANCE, KYC_AML, f.expiry))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
            .withArgs(investor);
          expect(await stateOf(f)).to.deep.equal(before);
        });
      }

      for (const country of [0n, 1000n]) {
        it(`reverts with IdentityRegistryInvalidCountry for country ${country}`, async () => {
          const f = await loadFixture(withInvestors);
          const before = await stateOf(f);
          await expect(f.kyc.updateInvestor(A, country, KYC_AML, f.expiry))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidCountry")
            .withArgs(country);
          expect(await stateOf(f)).to.deep.equal(before);
        });
      }

      it("reverts with IdentityRegistryInvalidExpiry when the expiry is not in the future", async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        const now = BigInt(await time.latest()) + 10n;
        await time.setNextBlockTimestamp(now);
        await expect(f.kyc.updateInvestor(A, FRANCE, KYC_AML, now))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidExpiry")
          .withArgs(now, now);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) => identity.updateInvestor(A, JAPAN, KYC_AML, f.expiry));
    });
  });

  describe("updateInvestors", () => {
    it("re-attests every investor, with its events", async () => {
      const f = await loadFixture(withInvestors);
      const { kycProvider, bob, carol } = f.accounts;
      await expect(
        f.kyc.updateInvestors([A, B], [JAPAN, FRANCE], [KYC_AML, PROFESSIONAL], [f.expiry + 1n, f.expiry + 2n]),
      )
        .to.emit(f.identity, "InvestorUpdated")
        .withArgs(A, kycProvider.address, JAPAN, KYC_AML, f.expiry + 1n)
        .and.to.emit(f.identity, "InvestorUpdated")
        .withArgs(B, kycProvider.address, FRANCE, PROFESSIONAL, f.expiry + 2n);
      expect(await f.identity.eligibilityOf(bob.address)).to.equal(
        packEligibility(1n, JAPAN, KYC_AML, f.expiry + 1n, 2),
      );
      expect(await f.identity.eligibilityOf(carol.address)).to.equal(
        packEligibility(2n, FRANCE, PROFESSIONAL, f.expiry + 2n, 1),
      );
    });

    const mismatches: { label: string; countries: bigint[]; claims: bigint[]; expiries: number; actual: number }[] = [
      { label: "countries", countries: [JAPAN], claims: [KYC_AML, KYC_AML], expiries: 2, actual: 1 },
      { label: "claims", countries: [JAPAN, JAPAN], claims: [KYC_AML, KYC_AML, KYC_AML], expiries: 2, actual: 3 },
      { label: "expiries", countries: [JAPAN, JAPAN], claims: [KYC_AML, KYC_AML], expiries: 1, actual: 1 },
    ];
    for (const { label, countries, claims, expiries, actual } of mismatches) {
      it(`reverts with IdentityRegistryLengthMismatch when ${label} has another length`, async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        const expiryList = Array.from({ length: expiries }, () => f.expiry);
        await expect(f.kyc.updateInvestors([A, B], countries, claims, expiryList))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryLengthMismatch")
          .withArgs(2, actual);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    it("reverts with IdentityRegistryEmptyBatch for no investor", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.updateInvestors([], [], [], [])).to.be.revertedWithCustomError(
        f.identity,
        "IdentityRegistryEmptyBatch",
      );
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with the bad item's error and updates nothing when an item in the middle is unknown", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      const e = f.expiry + DAY;
      await expect(
        f.kyc.updateInvestors([A, UNKNOWN, B], [JAPAN, JAPAN, JAPAN], [KYC_AML, KYC_AML, KYC_AML], [e, e, e]),
      )
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
        .withArgs(UNKNOWN);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) =>
        identity.updateInvestors([A], [JAPAN], [KYC_AML], [f.expiry]),
      );
    });
  });

  describe("removeInvestor", () => {
    it("emits WalletRemoved for each wallet, then InvestorRemoved", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob, kycProvider } = f.accounts;
      const tx = f.kyc.removeInvestor(A);
      await expect(tx)
        .to.emit(f.identity, "WalletRemoved")
        .withArgs(A, alice.address, kycProvider.address)
        .and.to.emit(f.identity, "WalletRemoved")
        .withArgs(A, bob.address, kycProvider.address)
        .and.to.emit(f.identity, "InvestorRemoved")
        .withArgs(A, kycProvider.address);
      expect(await eventNames(f, tx)).to.deep.equal([
        "WalletRemoved",
        "WalletRemoved",
        "InvestorRemoved",
        "EligibilityEpochAdvanced",
      ]);
    });

    it("clears the record, the index and every wallet's word", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob, carol } = f.accounts;
      await f.kyc.removeInvestor(A);
      const record = await f.identity.investorRecord(A);
      expect([...record]).to.deep.equal([0n, 0n, 0n, ethers.ZeroAddress, 0n, 0n]);
      expect(await f.identity.walletsOf(A)).to.deep.equal([]);
      expect(await f.identity.investorAt(1)).to.equal(ethers.ZeroHash);
      for (const wallet of [alice.address, bob.address]) {
        expect(await f.identity.eligibilityOf(wallet)).to.equal(0n);
        expect(await f.identity.contains(wallet)).to.equal(false);
        expect(await f.identity.isVerified(wallet)).to.equal(false);
        expect(await f.identity.investorOf(wallet)).to.equal(ethers.ZeroHash);
        expect(await f.identity.investorCountry(wallet)).to.equal(0n);
      }
      expect(await f.identity.investorCount()).to.equal(1n);
      expect(await f.identity.walletCount()).to.equal(1n);
      expect(await f.identity.isVerified(carol.address)).to.equal(true);
    });

    it("frees the wallets for another investor", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.removeInvestor(A);
      await f.kyc.addWallet(B, f.accounts.alice.address);
      expect(await f.identity.investorOf(f.accounts.alice.address)).to.equal(B);
    });

    it("removes an investor with no wallet", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.registerInvestor(C, JAPAN, KYC_AML, f.expiry, []);
      await expect(f.kyc.removeInvestor(C))
        .to.emit(f.identity, "InvestorRemoved")
        .withArgs(C, f.accounts.kycProvider.address)
        .and.not.to.emit(f.identity, "WalletRemoved");
      expect(await f.identity.investorCount()).to.equal(2n);
    });

    for (const [label, investor] of [
      ["an unknown id", UNKNOWN],
      ["the zero id", ethers.ZeroHash],
    ]) {
      it(`reverts with IdentityRegistryUnknownInvestor for ${label}`, async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.removeInvestor(investor))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
          .withArgs(investor);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity) => identity.removeInvestor(A));
    });
  });

  describe("removeInvestors", () => {
    it("removes every investor, with its events", async () => {
      const f = await loadFixture(withInvestors);
      const { kycProvider, carol } = f.accounts;
      const tx = f.kyc.removeInvestors([A, B]);
      await expect(tx)
        .to.emit(f.identity, "InvestorRemoved")
        .withArgs(A, kycProvider.address)
        .and.to.emit(f.identity, "InvestorRemoved")
        .withArgs(B, kycProvider.address)
        .and.to.emit(f.identity, "WalletRemoved")
        .withArgs(B, carol.address, kycProvider.address);
      expect(await eventNames(f, tx)).to.deep.equal([
        "WalletRemoved",
        "WalletRemoved",
        "InvestorRemoved",
        "WalletRemoved",
        "InvestorRemoved",
        "EligibilityEpochAdvanced",
      ]);
      expect(await f.identity.investorCount()).to.equal(0n);
      expect(await f.identity.walletCount()).to.equal(0n);
    });

    it("reverts with IdentityRegistryEmptyBatch for no investor", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.removeInvestors([])).to.be.revertedWithCustomError(f.identity, "IdentityRegistryEmptyBatch");
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with the bad item's error and removes nothing when an item in the middle is unknown", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.removeInvestors([A, UNKNOWN, B]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
        .withArgs(UNKNOWN);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with IdentityRegistryUnknownInvestor when an id appears twice", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.removeInvestors([A, A]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
        .withArgs(A);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity) => identity.removeInvestors([A]));
    });
  });

  describe("addWallet", () => {
    it("emits WalletAdded", async () => {
      const f = await loadFixture(withInvestors);
      await expect(f.kyc.addWallet(B, DAVE))
        .to.emit(f.identity, "WalletAdded")
        .withArgs(B, DAVE, f.accounts.kycProvider.address);
    });

    it("gives the wallet its investor's word and counts it", async () => {
      const f = await loadFixture(withInvestors);
      const { carol } = f.accounts;
      await f.kyc.addWallet(B, DAVE);
      expect(await f.identity.eligibilityOf(DAVE)).to.equal(await f.identity.eligibilityOf(carol.address));
      expect(await f.identity.investorOf(DAVE)).to.equal(B);
      expect(await f.identity.isVerified(DAVE)).to.equal(true);
      expect(await f.identity.walletsOf(B)).to.deep.equal([carol.address, DAVE]);
      expect((await f.identity.investorRecord(B)).walletCount).to.equal(2n);
      expect(await f.identity.walletCount()).to.equal(4n);
      expect(await f.identity.investorCount()).to.equal(2n);
    });

    it("reverts with IdentityRegistryNotAttestingProvider for another provider, and changes nothing (R5)", async () => {
      const f = await loadFixture(withInvestors);
      const second = await seatSecondProvider(f);
      const before = await stateOf(f);
      await expect(second.addWallet(B, DAVE))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
        .withArgs(B, f.accounts.kycProvider.address, f.secondProvider.address);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it(`accepts wallets up to ${MAX_WALLETS}`, async () => {
      const f = await loadFixture(withInvestors);
      for (let i = 1; i < MAX_WALLETS; i++) await f.kyc.addWallet(B, walletAddress(100 + i));
      expect((await f.identity.investorRecord(B)).walletCount).to.equal(BigInt(MAX_WALLETS));
      expect((await f.identity.walletsOf(B)).length).to.equal(MAX_WALLETS);
    });

    for (const [label, investor] of [
      ["an unknown id", UNKNOWN],
      ["the zero id", ethers.ZeroHash],
    ]) {
      it(`reverts with IdentityRegistryUnknownInvestor for ${label}`, async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.addWallet(investor, DAVE))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
          .withArgs(investor);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    it("reverts with IdentityRegistryInvalidWallet for the zero address", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.addWallet(B, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidWallet")
        .withArgs(ethers.ZeroAddress);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    for (const [label, owner] of [
      ["another investor", A],
      ["the same investor", B],
    ]) {
      it(`reverts with IdentityRegistryWalletTaken when ${label} holds the wallet`, async () => {
        const f = await loadFixture(withInvestors);
        const wallet = owner === A ? f.accounts.alice.address : f.accounts.carol.address;
        const before = await stateOf(f);
        await expect(f.kyc.addWallet(B, wallet))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
          .withArgs(wallet, owner);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    it("reverts with IdentityRegistryTooManyWallets beyond the maximum", async () => {
      const f = await loadFixture(withInvestors);
      for (let i = 1; i < MAX_WALLETS; i++) await f.kyc.addWallet(B, walletAddress(100 + i));
      const before = await stateOf(f);
      await expect(f.kyc.addWallet(B, DAVE))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryTooManyWallets")
        .withArgs(B, MAX_WALLETS);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity) => identity.addWallet(B, DAVE));
    });
  });

  describe("addWallets", () => {
    it("links every wallet, with its events", async () => {
      const f = await loadFixture(withInvestors);
      const { kycProvider } = f.accounts;
      await expect(f.kyc.addWallets([A, B], [DAVE, ERIN]))
        .to.emit(f.identity, "WalletAdded")
        .withArgs(A, DAVE, kycProvider.address)
        .and.to.emit(f.identity, "WalletAdded")
        .withArgs(B, ERIN, kycProvider.address);
      expect(await f.identity.investorOf(DAVE)).to.equal(A);
      expect(await f.identity.investorOf(ERIN)).to.equal(B);
      expect(await f.identity.walletCount()).to.equal(5n);
    });

    it("reverts with IdentityRegistryLengthMismatch when the arrays differ in length", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.addWallets([A, B], [DAVE]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryLengthMismatch")
        .withArgs(2, 1);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with IdentityRegistryEmptyBatch for no wallet", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.addWallets([], [])).to.be.revertedWithCustomError(f.identity, "IdentityRegistryEmptyBatch");
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with the bad item's error and links nothing when an item in the middle is invalid", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.addWallets([A, B, B], [DAVE, f.accounts.bob.address, ERIN]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
        .withArgs(f.accounts.bob.address, A);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity) => identity.addWallets([B], [DAVE]));
    });
  });

  describe("removeWallet", () => {
    it("emits WalletRemoved", async () => {
      const f = await loadFixture(withInvestors);
      await expect(f.kyc.removeWallet(f.accounts.alice.address))
        .to.emit(f.identity, "WalletRemoved")
        .withArgs(A, f.accounts.alice.address, f.accounts.kycProvider.address);
    });

    it("clears the wallet's word and keeps the investor", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.removeWallet(alice.address);
      expect(await f.identity.eligibilityOf(alice.address)).to.equal(0n);
      expect(await f.identity.contains(alice.address)).to.equal(false);
      expect(await f.identity.isVerified(alice.address)).to.equal(false);
      expect(await f.identity.investorOf(alice.address)).to.equal(ethers.ZeroHash);
      expect(await f.identity.walletsOf(A)).to.deep.equal([bob.address]);
      expect((await f.identity.investorRecord(A)).walletCount).to.equal(1n);
      expect(await f.identity.isVerified(bob.address)).to.equal(true);
      expect(await f.identity.investorCount()).to.equal(2n);
      expect(await f.identity.walletCount()).to.equal(2n);
    });

    it("moves the investor's last wallet into the removed wallet's position", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.addWallets([A, A], [DAVE, ERIN]);
      await f.kyc.removeWallet(alice.address);
      expect(await f.identity.walletsOf(A)).to.deep.equal([ERIN, bob.address, DAVE]);
      await f.kyc.removeWallet(DAVE);
      expect(await f.identity.walletsOf(A)).to.deep.equal([ERIN, bob.address]);
      expect((await f.identity.investorRecord(A)).walletCount).to.equal(2n);
      expect(await f.identity.walletCount()).to.equal(3n);
    });

    it(`finds a wallet in any of the ${MAX_WALLETS} positions`, async () => {
      const f = await loadFixture(withInvestors);
      const wallets = Array.from({ length: MAX_WALLETS }, (_, i) => walletAddress(100 + i));
      await f.kyc.registerInvestor(C, JAPAN, KYC_AML, f.expiry, wallets);
      await f.kyc.removeWallet(wallets[MAX_WALLETS - 1]);
      await f.kyc.removeWallet(wallets[MAX_WALLETS - 2]);
      await f.kyc.removeWallet(wallets[0]);
      expect(await f.identity.walletsOf(C)).to.deep.equal([wallets[MAX_WALLETS - 3], ...wallets.slice(1, -3)]);
      for (const wallet of [wallets[0], wallets[MAX_WALLETS - 2], wallets[MAX_WALLETS - 1]]) {
        expect(await f.identity.contains(wallet)).to.equal(false);
      }
      expect((await f.identity.investorRecord(C)).walletCount).to.equal(BigInt(MAX_WALLETS - 3));
    });

    it("leaves an investor registered with no wallet", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.removeWallet(f.accounts.carol.address);
      const record = await f.identity.investorRecord(B);
      expect([record.index, record.walletCount]).to.deep.equal([2n, 0n]);
      expect(await f.identity.investorCount()).to.equal(2n);
    });

    for (const [label, wallet] of [
      ["an unregistered wallet", DAVE],
      ["the zero address", ethers.ZeroAddress],
    ]) {
      it(`reverts with IdentityRegistryUnknownWallet for ${label}`, async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.removeWallet(wallet))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownWallet")
          .withArgs(wallet);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) => identity.removeWallet(f.accounts.alice.address));
    });
  });

  describe("removeWallets", () => {
    it("unlinks every wallet, with its events", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, carol, kycProvider } = f.accounts;
      await expect(f.kyc.removeWallets([alice.address, carol.address]))
        .to.emit(f.identity, "WalletRemoved")
        .withArgs(A, alice.address, kycProvider.address)
        .and.to.emit(f.identity, "WalletRemoved")
        .withArgs(B, carol.address, kycProvider.address);
      expect(await f.identity.walletCount()).to.equal(1n);
      expect(await f.identity.investorCount()).to.equal(2n);
    });

    it("reverts with IdentityRegistryEmptyBatch for no wallet", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.removeWallets([])).to.be.revertedWithCustomError(f.identity, "IdentityRegistryEmptyBatch");
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with the bad item's error and unlinks nothing when an item in the middle is unknown", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.removeWallets([f.accounts.alice.address, DAVE, f.accounts.carol.address]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownWallet")
        .withArgs(DAVE);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    it("reverts with IdentityRegistryUnknownWallet when a wallet appears twice", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      const { alice } = f.accounts;
      await expect(f.kyc.removeWallets([alice.address, alice.address]))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownWallet")
        .withArgs(alice.address);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) => identity.removeWallets([f.accounts.alice.address]));
    });
  });

  describe("recoverWallet", () => {
    it("emits WalletRecovered", async () => {
      const f = await loadFixture(withInvestors);
      await expect(f.kyc.recoverWallet(f.accounts.alice.address, DAVE))
        .to.emit(f.identity, "WalletRecovered")
        .withArgs(A, f.accounts.alice.address, DAVE);
    });

    it("moves the lost wallet's word (one more wallet in the index's history) and set membership", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      const word = await f.identity.eligibilityOf(alice.address);
      await f.kyc.recoverWallet(alice.address, DAVE);
      expect(await f.identity.eligibilityOf(DAVE)).to.equal(word + (1n << 160n));
      expect(await f.identity.eligibilityOf(alice.address)).to.equal(0n);
      expect(await f.identity.isVerified(DAVE)).to.equal(true);
      expect(await f.identity.isVerified(alice.address)).to.equal(false);
      expect(await f.identity.investorOf(DAVE)).to.equal(A);
      expect(await f.identity.contains(alice.address)).to.equal(false);
      expect([...(await f.identity.walletsOf(A))].sort()).to.deep.equal([bob.address, DAVE].sort());
      expect((await f.identity.investorRecord(A)).walletCount).to.equal(2n);
      expect(await f.identity.walletCount()).to.equal(3n);
      expect(await f.identity.investorCount()).to.equal(2n);
    });

    it("puts the new wallet in the lost wallet's position", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.addWallet(A, ERIN);
      await f.kyc.recoverWallet(alice.address, DAVE);
      expect(await f.identity.walletsOf(A)).to.deep.equal([DAVE, bob.address, ERIN]);
      await f.kyc.recoverWallet(bob.address, alice.address);
      expect(await f.identity.walletsOf(A)).to.deep.equal([DAVE, alice.address, ERIN]);
    });

    it("lets a later update reach the recovered wallet", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.recoverWallet(f.accounts.alice.address, DAVE);
      await f.kyc.updateInvestor(A, JAPAN, KYC_AML, f.expiry);
      expect(await f.identity.investorCountry(DAVE)).to.equal(JAPAN);
      expect(await f.identity.eligibilityOf(f.accounts.alice.address)).to.equal(0n);
    });

    for (const [label, lost] of [
      ["an unregistered lost wallet", DAVE],
      ["the zero address as lost wallet", ethers.ZeroAddress],
    ]) {
      it(`reverts with IdentityRegistryUnknownWallet for ${label}`, async () => {
        const f = await loadFixture(withInvestors);
        const before = await stateOf(f);
        await expect(f.kyc.recoverWallet(lost, ERIN))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownWallet")
          .withArgs(lost);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    it("reverts with IdentityRegistryInvalidWallet when the new wallet is the zero address", async () => {
      const f = await loadFixture(withInvestors);
      const before = await stateOf(f);
      await expect(f.kyc.recoverWallet(f.accounts.alice.address, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryInvalidWallet")
        .withArgs(ethers.ZeroAddress);
      expect(await stateOf(f)).to.deep.equal(before);
    });

    for (const [label, pick] of [
      ["another investor's wallet", (a: Accounts) => [a.carol.address, B]],
      ["a wallet of the same investor", (a: Accounts) => [a.bob.address, A]],
      ["the lost wallet itself", (a: Accounts) => [a.alice.address, A]],
    ] as const) {
      it(`reverts with IdentityRegistryWalletTaken when the new wallet is ${label}`, async () => {
        const f = await loadFixture(withInvestors);
        const [wallet, owner] = pick(f.accounts);
        const before = await stateOf(f);
        await expect(f.kyc.recoverWallet(f.accounts.alice.address, wallet))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletTaken")
          .withArgs(wallet, owner);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }

    context("when the caller is not a KYC provider", () => {
      itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) => identity.recoverWallet(f.accounts.alice.address, DAVE));
    });
  });

  describe("the attesting provider (R5)", () => {
    context("when a second KYC provider acts on an investor it did not attest", () => {
      it("cannot recover the investor onto a wallet it controls", async () => {
        const f = await loadFixture(withInvestors);
        const second = await seatSecondProvider(f);
        const before = await stateOf(f, [f.secondProvider.address]);
        await expect(second.recoverWallet(f.accounts.alice.address, f.secondProvider.address))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address);
        expect(await stateOf(f, [f.secondProvider.address])).to.deep.equal(before);
        expect(await f.identity.contains(f.secondProvider.address)).to.equal(false);
      });

      const calls: [string, (identity: IdentityRegistry, f: Fixture) => Promise<unknown>][] = [
        ["updateInvestors", (identity, f) => identity.updateInvestors([A], [JAPAN], [KYC_AML], [f.expiry])],
        ["removeInvestor", (identity) => identity.removeInvestor(A)],
        ["removeInvestors", (identity) => identity.removeInvestors([A])],
        ["addWallets", (identity) => identity.addWallets([A], [DAVE])],
        ["removeWallet", (identity, f) => identity.removeWallet(f.accounts.alice.address)],
        ["removeWallets", (identity, f) => identity.removeWallets([f.accounts.alice.address])],
      ];
      for (const [name, call] of calls) {
        it(`cannot ${name}: reverts with IdentityRegistryNotAttestingProvider and changes nothing`, async () => {
          const f = await loadFixture(withInvestors);
          const second = await seatSecondProvider(f);
          const before = await stateOf(f);
          await expect(call(second, f))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
            .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address);
          expect(await stateOf(f)).to.deep.equal(before);
        });
      }

      it("fails a whole batch when one item is not its own", async () => {
        const f = await loadFixture(withInvestors);
        const second = await seatSecondProvider(f);
        await second.registerInvestor(C, JAPAN, KYC_AML, f.expiry, [DAVE]);
        const before = await stateOf(f);
        await expect(second.removeInvestors([C, B]))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
          .withArgs(B, f.accounts.kycProvider.address, f.secondProvider.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    describe("handover (requestAttestation, confirmAttestation, approveAttestation)", () => {
      async function requested() {
        const f = await loadFixture(withInvestors);
        const second = await seatSecondProvider(f);
        await expect(second.requestAttestation(A))
          .to.emit(f.identity, "AttestationRequested")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address);
        expect(await f.identity.attestationRequestOf(A)).to.equal(f.secondProvider.address);
        return { ...f, second };
      }

      it("a request alone changes nothing: the requester still cannot recover", async () => {
        const f = await requested();
        await expect(f.second.recoverWallet(f.accounts.alice.address, DAVE))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address);
      });

      it("the current provider's confirmation hands the investor over; then only the new provider changes it", async () => {
        const f = await requested();
        await expect(f.kyc.confirmAttestation(A, f.secondProvider.address))
          .to.emit(f.identity, "AttestationTransferred")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address, f.accounts.kycProvider.address);
        expect((await f.identity.investorRecord(A)).provider).to.equal(f.secondProvider.address);
        expect(await f.identity.attestationRequestOf(A)).to.equal(ethers.ZeroAddress);
        await expect(f.second.recoverWallet(f.accounts.alice.address, DAVE))
          .to.emit(f.identity, "WalletRecovered")
          .withArgs(A, f.accounts.alice.address, DAVE);
        await expect(f.kyc.updateInvestor(A, JAPAN, KYC_AML, f.expiry))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNotAttestingProvider")
          .withArgs(A, f.secondProvider.address, f.accounts.kycProvider.address);
      });

      it("the regulator's approval hands over an investor whose provider was suspended", async () => {
        const f = await requested();
        const members = (
          await ethers.getContractAt("MemberRegistry", (await deployments.get("MemberRegistry")).address)
        ).connect(f.accounts.governor);
        await members.suspendMember(f.accounts.kycProvider.address, ethers.id("suspended"));
        await expect(f.identity.connect(f.accounts.regulator).approveAttestation(A, f.secondProvider.address))
          .to.emit(f.identity, "AttestationTransferred")
          .withArgs(A, f.accounts.kycProvider.address, f.secondProvider.address, f.accounts.regulator.address);
        await expect(f.second.recoverWallet(f.accounts.alice.address, DAVE)).to.emit(f.identity, "WalletRecovered");
      });

      it("a new request replaces the pending one", async () => {
        const f = await requested();
        const { deployer, stranger } = f.accounts;
        await f.authority.connect(deployer).grantRole(Role.KYC_PROVIDER, stranger.address, 0);
        await expect(f.identity.connect(stranger).requestAttestation(A))
          .to.emit(f.identity, "AttestationRequested")
          .withArgs(A, f.accounts.kycProvider.address, stranger.address);
        await expect(f.kyc.confirmAttestation(A, f.secondProvider.address))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNoAttestationRequest")
          .withArgs(A, f.secondProvider.address);
      });

      it("removing the investor drops the pending request", async () => {
        const f = await requested();
        await f.kyc.removeInvestor(A);
        expect(await f.identity.attestationRequestOf(A)).to.equal(ethers.ZeroAddress);
        await f.kyc.registerInvestor(A, FRANCE, KYC_AML, f.expiry, []);
        await expect(f.kyc.confirmAttestation(A, f.secondProvider.address))
          .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNoAttestationRequest")
          .withArgs(A, f.secondProvider.address);
      });

      context("when the input is invalid", () => {
        it("requestAttestation reverts with IdentityRegistryAlreadyAttesting for the attesting provider", async () => {
          const f = await loadFixture(withInvestors);
          await expect(f.kyc.requestAttestation(A))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryAlreadyAttesting")
            .withArgs(A, f.accounts.kycProvider.address);
          expect(await f.identity.attestationRequestOf(A)).to.equal(ethers.ZeroAddress);
        });

        it("requestAttestation reverts with IdentityRegistryUnknownInvestor for an unknown investor", async () => {
          const f = await loadFixture(withInvestors);
          await expect(f.kyc.requestAttestation(UNKNOWN))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
            .withArgs(UNKNOWN);
        });

        it("confirmAttestation reverts with IdentityRegistrySelfConfirmation for the requester", async () => {
          const f = await requested();
          await expect(f.second.confirmAttestation(A, f.secondProvider.address))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistrySelfConfirmation")
            .withArgs(A, f.secondProvider.address);
          expect((await f.identity.investorRecord(A)).provider).to.equal(f.accounts.kycProvider.address);
        });

        it("confirmAttestation reverts with IdentityRegistryNoAttestationRequest for another requester", async () => {
          const f = await requested();
          for (const requester of [f.accounts.stranger.address, ethers.ZeroAddress]) {
            await expect(f.kyc.confirmAttestation(A, requester))
              .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNoAttestationRequest")
              .withArgs(A, requester);
          }
          await expect(f.kyc.confirmAttestation(B, f.secondProvider.address))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryNoAttestationRequest")
            .withArgs(B, f.secondProvider.address);
          expect((await f.identity.investorRecord(A)).provider).to.equal(f.accounts.kycProvider.address);
        });

        it("approveAttestation reverts with IdentityRegistryUnknownInvestor for an unknown investor", async () => {
          const f = await requested();
          await expect(f.identity.connect(f.accounts.regulator).approveAttestation(UNKNOWN, f.secondProvider.address))
            .to.be.revertedWithCustomError(f.identity, "IdentityRegistryUnknownInvestor")
            .withArgs(UNKNOWN);
        });
      });

      context("when the caller lacks the role", () => {
        itRejectsCallers(NOT_KYC_PROVIDERS, (identity) => identity.requestAttestation(A));
        itRejectsCallers(NOT_KYC_PROVIDERS, (identity, f) => identity.confirmAttestation(A, f.secondProvider.address));
        itRejectsCallers(["alice", "stranger", "exchange", "issuer", "kycProvider", "governor"], (identity, f) =>
          identity.approveAttestation(A, f.secondProvider.address),
        );
      });
    });
  });

  describe("setBaselineClaims", () => {
    it("emits BaselineClaimsSet and stores the claims", async () => {
      const f = await loadFixture(withInvestors);
      await expect(f.identity.connect(f.accounts.governor).setBaselineClaims(PROFESSIONAL))
        .to.emit(f.identity, "BaselineClaimsSet")
        .withArgs(PROFESSIONAL);
      expect(await f.identity.baselineClaims()).to.equal(PROFESSIONAL);
    });

    it("flips isVerified for investors that lack a newly required claim, and back", async () => {
      const f = await loadFixture(withInvestors);
      const governed = f.identity.connect(f.accounts.governor);
      const { alice, carol } = f.accounts;
      await governed.setBaselineClaims(PROFESSIONAL);
      expect(await f.identity.isVerified(alice.address)).to.equal(true);
      expect(await f.identity.isVerified(carol.address)).to.equal(false);
      await governed.setBaselineClaims(KYC_AML);
      expect(await f.identity.isVerified(carol.address)).to.equal(true);
    });

    it("verifies a registered investor holding no claim when the baseline is empty", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.registerInvestor(C, JAPAN, 0n, f.expiry, [DAVE]);
      expect(await f.identity.isVerified(DAVE)).to.equal(false);
      await f.identity.connect(f.accounts.governor).setBaselineClaims(0n);
      expect(await f.identity.isVerified(DAVE)).to.equal(true);
      expect(await f.identity.isVerified(ERIN)).to.equal(false);
    });

    context("when the caller is not a governor", () => {
      itRejectsCallers(NOT_GOVERNORS, (identity) => identity.setBaselineClaims(0n));
    });
  });

  describe("eligibility epoch", () => {
    it("starts at 0, in the registry and its store", async () => {
      const f = await loadFixture(deployed);
      expect(await f.identity.eligibilityEpoch()).to.equal(0n);
      expect(await f.store.epoch()).to.equal(0n);
    });

    type Call = [string, (f: Fixture) => Promise<ContractTransactionResponse>];
    const advancing: Call[] = [
      ["updateInvestor", (f) => f.kyc.updateInvestor(A, JAPAN, KYC_AML, f.expiry + DAY)],
      ["updateInvestor re-attesting the same record", (f) => f.kyc.updateInvestor(A, FRANCE, PROFESSIONAL, f.expiry)],
      [
        "updateInvestors (once for the batch)",
        (f) => f.kyc.updateInvestors([A, B], [JAPAN, JAPAN], [KYC_AML, KYC_AML], [f.expiry, f.expiry]),
      ],
      ["removeInvestor", (f) => f.kyc.removeInvestor(A)],
      ["removeInvestors (once for the batch)", (f) => f.kyc.removeInvestors([A, B])],
      ["removeWallet", (f) => f.kyc.removeWallet(f.accounts.bob.address)],
      [
        "removeWallets (once for the batch)",
        (f) => f.kyc.removeWallets([f.accounts.bob.address, f.accounts.carol.address]),
      ],
      ["recoverWallet", (f) => f.kyc.recoverWallet(f.accounts.alice.address, DAVE)],
      ["setBaselineClaims", (f) => f.identity.connect(f.accounts.governor).setBaselineClaims(KYC_ONLY)],
    ];
    for (const [name, call] of advancing) {
      it(`advances by one on ${name} and emits EligibilityEpochAdvanced`, async () => {
        const f = await loadFixture(withInvestors);
        const epoch = await f.identity.eligibilityEpoch();
        const tx = call(f);
        await expect(tx)
          .to.emit(f.identity, "EligibilityEpochAdvanced")
          .withArgs(epoch + 1n);
        const names = await eventNames(f, tx);
        expect(names.filter((n) => n === "EligibilityEpochAdvanced")).to.have.length(1);
        expect(names[names.length - 1]).to.equal("EligibilityEpochAdvanced");
        expect(await f.identity.eligibilityEpoch()).to.equal(epoch + 1n);
        expect(await f.store.epoch()).to.equal(epoch + 1n);
      });
    }

    const additions: Call[] = [
      ["registerInvestor", (f) => f.kyc.registerInvestor(C, JAPAN, KYC_AML, f.expiry, [DAVE, ERIN])],
      [
        "registerInvestors",
        (f) =>
          f.kyc.registerInvestors([{ investor: C, country: JAPAN, claims: KYC_AML, expiry: f.expiry, wallets: [] }]),
      ],
      ["addWallet", (f) => f.kyc.addWallet(A, DAVE)],
      ["addWallets", (f) => f.kyc.addWallets([A, B], [DAVE, ERIN])],
    ];
    for (const [name, call] of additions) {
      it(`stays on ${name}, a pure addition`, async () => {
        const f = await loadFixture(withInvestors);
        const epoch = await f.identity.eligibilityEpoch();
        await expect(call(f)).not.to.emit(f.identity, "EligibilityEpochAdvanced");
        expect(await f.identity.eligibilityEpoch()).to.equal(epoch);
      });
    }

    it("counts every advancing call", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.updateInvestor(B, JAPAN, KYC_AML, f.expiry);
      await f.kyc.addWallet(B, DAVE);
      await f.kyc.removeWallet(DAVE);
      await f.kyc.recoverWallet(f.accounts.carol.address, ERIN);
      expect(await f.identity.eligibilityEpoch()).to.equal(3n);
    });
  });

  describe("wallet count in every wallet's word", () => {
    it("rewrites the other wallets' words when a wallet is added", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.addWallet(A, DAVE);
      const word = packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 3);
      for (const wallet of [alice.address, bob.address, DAVE]) {
        expect(await f.identity.eligibilityOf(wallet)).to.equal(word);
      }
    });

    it("keeps the count when a wallet is removed: the count is of every wallet the index ever had", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.addWallets([A, A], [DAVE, ERIN]);
      await f.kyc.removeWallet(bob.address);
      const word = packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 4);
      for (const wallet of [alice.address, DAVE, ERIN]) {
        expect(await f.identity.eligibilityOf(wallet)).to.equal(word);
      }
      await f.kyc.removeWallets([DAVE, ERIN]);
      expect(await f.identity.eligibilityOf(alice.address)).to.equal(word);
      expect(await f.identity.walletHistoryOf(1)).to.deep.equal([alice.address, bob.address, DAVE, ERIN]);
    });

    it("grows the count in every wallet's word when a wallet is recovered", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.recoverWallet(alice.address, DAVE);
      const word = packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 3);
      expect(await f.identity.eligibilityOf(DAVE)).to.equal(word);
      expect(await f.identity.eligibilityOf(bob.address)).to.equal(word);
      expect(await f.identity.walletHistoryOf(1)).to.deep.equal([DAVE, bob.address, alice.address]);
    });

    it("keeps the count through an update, and the history through the investor's removal", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, bob } = f.accounts;
      await f.kyc.removeWallet(bob.address);
      await f.kyc.updateInvestor(A, JAPAN, KYC_AML, f.expiry);
      expect(await f.identity.eligibilityOf(alice.address)).to.equal(packEligibility(1n, JAPAN, KYC_AML, f.expiry, 2));
      await f.kyc.removeInvestor(A);
      expect(await f.identity.walletHistoryOf(1)).to.deep.equal([bob.address, alice.address]);
      expect(await f.identity.walletHistoryOf(99)).to.deep.equal([]);
    });

    it("refuses to add or recover a wallet beyond the index's history and changes nothing", async () => {
      const f = await loadFixture(withInvestors);
      const maxEver = Number(await f.identity.maxWalletsEverPerInvestor());
      expect(maxEver).to.equal(32);
      const pool = Array.from({ length: maxEver }, (_, i) => walletAddress(300 + i));
      await f.kyc.registerInvestor(C, JAPAN, KYC_AML, f.expiry, [pool[0]]);
      // Cycle wallets through the investor until its index has had maxEver of them.
      for (let i = 1; i < maxEver; i++) {
        await f.kyc.addWallet(C, pool[i]);
        if (i % 8 === 0) await f.kyc.removeWallets(pool.slice(i - 7, i + 1));
      }
      const index = (await f.identity.investorRecord(C)).index;
      expect((await f.identity.walletHistoryOf(index)).length).to.equal(maxEver);
      const before = await f.identity.walletHistoryOf(index);
      await expect(f.kyc.addWallet(C, DAVE))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletHistoryFull")
        .withArgs(C, maxEver);
      await expect(f.kyc.recoverWallet(pool[0], DAVE))
        .to.be.revertedWithCustomError(f.identity, "IdentityRegistryWalletHistoryFull")
        .withArgs(C, maxEver);
      expect(await f.identity.walletHistoryOf(index)).to.deep.equal(before);
      expect(await f.identity.contains(DAVE)).to.equal(false);
      // A removal is never refused.
      await f.kyc.removeWallet(pool[0]);
    });

    it(`carries up to ${MAX_WALLETS} wallets`, async () => {
      const f = await loadFixture(withInvestors);
      const wallets = Array.from({ length: MAX_WALLETS - 1 }, (_, i) => walletAddress(100 + i));
      await f.kyc.registerInvestor(C, JAPAN, KYC_AML, f.expiry, wallets);
      await f.kyc.addWallet(C, DAVE);
      const word = packEligibility(3n, JAPAN, KYC_AML, f.expiry, MAX_WALLETS);
      for (const wallet of [wallets[0], wallets[MAX_WALLETS - 2], DAVE]) {
        expect(await f.identity.eligibilityOf(wallet)).to.equal(word);
      }
    });
  });

  describe("views", () => {
    it("report nothing for an unregistered wallet", async () => {
      const f = await loadFixture(withInvestors);
      expect(await f.identity.isVerified(DAVE)).to.equal(false);
      expect(await f.identity.investorCountry(DAVE)).to.equal(0n);
      expect(await f.identity.contains(DAVE)).to.equal(false);
      expect(await f.identity.investorOf(DAVE)).to.equal(ethers.ZeroHash);
      expect(await f.identity.eligibilityOf(DAVE)).to.equal(0n);
    });

    it("report an empty record for an unknown investor", async () => {
      const f = await loadFixture(withInvestors);
      expect([...(await f.identity.investorRecord(UNKNOWN))]).to.deep.equal([0n, 0n, 0n, ethers.ZeroAddress, 0n, 0n]);
      expect(await f.identity.walletsOf(UNKNOWN)).to.deep.equal([]);
      expect(await f.identity.investorAt(0)).to.equal(ethers.ZeroHash);
      expect(await f.identity.investorAt(3)).to.equal(ethers.ZeroHash);
    });

    context("when the attestation expires", () => {
      it("verifies the wallet before the expiry and not from the expiry on", async () => {
        const f = await loadFixture(withInvestors);
        const { alice } = f.accounts;
        await time.increaseTo(f.expiry - 1n);
        expect(await f.identity.isVerified(alice.address)).to.equal(true);
        await time.increaseTo(f.expiry);
        expect(await f.identity.isVerified(alice.address)).to.equal(false);
        // Still registered and attributed: only verification lapses.
        expect(await f.identity.contains(alice.address)).to.equal(true);
        expect(await f.identity.investorOf(alice.address)).to.equal(A);
        expect(await f.identity.investorCountry(alice.address)).to.equal(FRANCE);
      });
    });
  });

  describe("EligibilityStore", () => {
    it("returns both parties' words and the baseline claims in one call", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, carol } = f.accounts;
      const [a, c, baseline] = await f.store.partiesOf(alice.address, DAVE);
      expect(a).to.equal(await f.identity.eligibilityOf(alice.address));
      expect(c).to.equal(0n);
      expect(baseline).to.equal(await f.identity.baselineClaims());
      const [x, y] = await f.store.partiesOf(carol.address, alice.address);
      expect([x, y]).to.deep.equal([
        packEligibility(2n, SWITZERLAND, KYC_AML, f.expiry, 1),
        packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 2),
      ]);
    });

    it("returns the baseline claims and the epoch from one header word", async () => {
      const f = await loadFixture(withInvestors);
      await f.kyc.removeWallet(f.accounts.bob.address);
      await f.identity.connect(f.accounts.governor).setBaselineClaims(PROFESSIONAL);
      expect(await f.store.header()).to.deep.equal([PROFESSIONAL, 2n]);
      // The mapping of words is slot 0; the header (baseline in bits 0–63, epoch in 64–127) is slot 1.
      const header = BigInt(await ethers.provider.getStorage(await f.store.getAddress(), 1));
      expect(header).to.equal(PROFESSIONAL | (2n << 64n));
    });

    it("returns the words it is asked for and the header in one call, reading no word for the zero address", async () => {
      const f = await loadFixture(withInvestors);
      const { alice, carol } = f.accounts;
      await f.kyc.removeWallet(f.accounts.bob.address);
      expect(await f.store.partiesAndHeaderOf(carol.address, alice.address)).to.deep.equal([
        packEligibility(2n, SWITZERLAND, KYC_AML, f.expiry, 1),
        packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 2),
        KYC_AML,
        1n,
      ]);
      expect(await f.store.partiesAndHeaderOf(ethers.ZeroAddress, alice.address)).to.deep.equal([
        0n,
        packEligibility(1n, FRANCE, PROFESSIONAL, f.expiry, 2),
        KYC_AML,
        1n,
      ]);
      expect(await f.store.partiesAndHeaderOf(ethers.ZeroAddress, ethers.ZeroAddress)).to.deep.equal([
        0n,
        0n,
        KYC_AML,
        1n,
      ]);
    });

    it("lets only the registry advance the epoch", async () => {
      const f = await loadFixture(withInvestors);
      for (const writer of [f.accounts.governor, f.accounts.kycProvider, f.accounts.stranger]) {
        await expect(f.store.connect(writer).advanceEpoch())
          .to.be.revertedWithCustomError(f.store, "EligibilityStoreUnauthorizedWriter")
          .withArgs(writer.address);
      }
      expect(await f.store.epoch()).to.equal(0n);
    });

    it("holds the registry's baseline claims, which only the registry sets", async () => {
      const f = await loadFixture(withInvestors);
      await f.identity.connect(f.accounts.governor).setBaselineClaims(0b111n);
      expect(await f.store.baselineClaims()).to.equal(0b111n);
      await expect(f.store.connect(f.accounts.governor).setBaselineClaims(0n))
        .to.be.revertedWithCustomError(f.store, "EligibilityStoreUnauthorizedWriter")
        .withArgs(f.accounts.governor.address);
      expect(await f.store.baselineClaims()).to.equal(0b111n);
    });

    for (const name of ["stranger", "kycProvider", "governor", "deployer"] as const) {
      it(`reverts with EligibilityStoreUnauthorizedWriter when ${name} writes directly`, async () => {
        const f = await loadFixture(withInvestors);
        const writer = f.accounts[name];
        const word = packEligibility(9n, FRANCE, PROFESSIONAL, f.expiry, 1);
        const before = await stateOf(f);
        await expect(f.store.connect(writer).write(DAVE, word))
          .to.be.revertedWithCustomError(f.store, "EligibilityStoreUnauthorizedWriter")
          .withArgs(writer.address);
        await expect(f.store.connect(writer).write(f.accounts.alice.address, 0n))
          .to.be.revertedWithCustomError(f.store, "EligibilityStoreUnauthorizedWriter")
          .withArgs(writer.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    }
  });

  describe("upgrades", () => {
    async function newImplementation() {
      const implementation = await (await ethers.getContractFactory("IdentityRegistry")).deploy();
      return implementation.getAddress();
    }

    it("pass OpenZeppelin's upgrade-safety validation as UUPS", async () => {
      await upgrades.validateImplementation(await ethers.getContractFactory("IdentityRegistry"), { kind: "uups" });
    });

    context("when the caller is not an upgrader", () => {
      for (const name of ["stranger", "alice", "kycProvider", "exchange", "issuer", "regulator"] as const) {
        it(`reverts with AccessManagedUnauthorized when ${name} upgrades`, async () => {
          const f = await loadFixture(withInvestors);
          const caller = f.accounts[name];
          const proxy = await f.identity.getAddress();
          const implementation = await upgrades.erc1967.getImplementationAddress(proxy);
          const next = await newImplementation();
          await expect(f.identity.connect(caller).upgradeToAndCall(next, "0x"))
            .to.be.revertedWithCustomError(f.identity, "AccessManagedUnauthorized")
            .withArgs(caller.address);
          expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(implementation);
        });
      }
    });

    it("upgrades through the authority after the upgrader's delay, keeping every record", async () => {
      const f = await loadFixture(withInvestors);
      const { governor } = f.accounts;
      const next = await newImplementation();
      const proxy = await f.identity.getAddress();
      const data = f.identity.interface.encodeFunctionData("upgradeToAndCall", [next, "0x"]);
      const before = await stateOf(f);
      const authority = f.authority.connect(governor);
      await time.increase(2n * DAY); // past UPGRADER's grant delay, should it still be pending
      await authority.schedule(proxy, data, 0);
      await time.increase(2n * DAY);
      await expect(authority.execute(proxy, data)).to.emit(f.identity, "Upgraded").withArgs(next);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(next);
      expect(await stateOf(f)).to.deep.equal(before);
      expect(await f.store.registry()).to.equal(proxy);
      await f.kyc.addWallet(B, DAVE);
      expect(await f.identity.investorOf(DAVE)).to.equal(B);
    });
  });
});
