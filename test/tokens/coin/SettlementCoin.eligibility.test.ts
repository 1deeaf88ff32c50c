import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../../sdk/claims";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";

const YEAR = 365n * 86_400n;
const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const KYC_ONLY = claimsOf([Claim.KYC]);
const KYC_AML_PRO = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
const CHINA = 156;
const ALICE = ethers.id("investor:alice");
const BOB = ethers.id("investor:bob");
const CAROL = ethers.id("investor:carol");
const usd = (dollars: number) => BigInt(dollars) * 10n ** 6n;

/**
 * The core with both coins subscribed to both registries (the deploy step does it): alice is a verified investor
 * with two wallets (alice, aliceSecond), bob and carol one each (carol also PROFESSIONAL); the exchange is an
 * active member. Every one of them is synced in both coins, and bob holds 500 USD coins. Nothing below calls
 * `syncHolder` after the registry change: the registries must push it.
 */
async function fixture() {
  const { accounts, contracts } = await coreFixture();
  const { coin, coinCNY, identity, authority } = contracts;
  const { alice, bob, carol, exchange, issuer, custodian, kycProvider } = accounts;
  // Wallets that only receive here: they need no key the node knows.
  const [aliceSecond, newWallet] = [ethers.Wallet.createRandom(), ethers.Wallet.createRandom()];
  const kyc = identity.connect(kycProvider);
  const expiry = BigInt(await time.latest()) + YEAR;
  await kyc.registerInvestor(ALICE, CHINA, KYC_AML, expiry, [alice.address, aliceSecond.address]);
  await kyc.registerInvestor(BOB, CHINA, KYC_AML, expiry, [bob.address]);
  await kyc.registerInvestor(CAROL, CHINA, KYC_AML_PRO, expiry, [carol.address]);
  const holders = [alice, aliceSecond, bob, carol, exchange].map((signer) => signer.address);
  await coin.syncHolders(holders);
  await coinCNY.syncHolders(holders);
  await callThroughAuthority(
    authority,
    issuer,
    await coin.getAddress(),
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, usd(1_000_000)]),
  );
  await coin.connect(custodian).attestReserves(usd(10_000), await time.latest(), ethers.id("report"));
  await coin.connect(issuer).mint(bob.address, usd(500));
  return { accounts, contracts, coin, coinCNY, kyc, expiry, aliceSecond, newWallet };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Bob cannot pay `to` in the USD coin, and neither coin counts `to` as eligible any more. */
async function expectRefused(f: Fixture, to: { address: string }) {
  await expect(f.coin.connect(f.accounts.bob).transfer(to.address, 1n))
    .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
    .withArgs(to.address);
  expect(await f.coin.isEligible(to.address), "USD isEligible").to.equal(false);
  expect(await f.coinCNY.isEligible(to.address), "CNY isEligible").to.equal(false);
}

/** Bob can still pay `to` in the USD coin. */
async function expectAccepted(f: Fixture, to: { address: string }) {
  await expect(f.coin.connect(f.accounts.bob).transfer(to.address, 1n))
    .to.emit(f.coin, "Transfer")
    .withArgs(f.accounts.bob.address, to.address, 1n);
  expect(await f.coinCNY.isEligible(to.address), "CNY isEligible").to.equal(true);
}

describe("SettlementCoin: the registries push every less-eligible change (no syncHolder)", function () {
  it("starts with every holder eligible in both coins", async function () {
    const f = await loadFixture(fixture);
    const { alice, carol, exchange } = f.accounts;
    for (const holder of [alice, f.aliceSecond, carol, exchange]) await expectAccepted(f, holder);
  });

  context("identity registry", function () {
    it("removeInvestor: none of the investor's wallets can receive", async function () {
      const f = await loadFixture(fixture);
      const { alice, carol } = f.accounts;
      await expect(f.kyc.removeInvestor(ALICE))
        .to.emit(f.coin, "HolderEligibilitySynced")
        .withArgs(alice.address, false, 0n)
        .and.to.emit(f.coinCNY, "HolderEligibilitySynced")
        .withArgs(f.aliceSecond.address, false, 0n);
      await expectRefused(f, alice);
      await expectRefused(f, f.aliceSecond);
      await expectAccepted(f, carol);
    });

    it("removeInvestors: every wallet of every investor removed", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.removeInvestors([ALICE, CAROL]);
      for (const holder of [f.accounts.alice, f.aliceSecond, f.accounts.carol]) await expectRefused(f, holder);
    });

    it("updateInvestor with fewer claims than the baseline: its wallets cannot receive", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.updateInvestor(ALICE, CHINA, KYC_ONLY, f.expiry);
      await expectRefused(f, f.accounts.alice);
      await expectRefused(f, f.aliceSecond);
    });

    it("updateInvestor with an earlier expiry: its wallets cannot receive once it passes", async function () {
      const f = await loadFixture(fixture);
      const soon = BigInt(await time.latest()) + 60n;
      await f.kyc.updateInvestor(ALICE, CHINA, KYC_AML, soon);
      expect(await f.coin.eligibleUntil(f.accounts.alice.address)).to.equal(soon);
      expect(await f.coinCNY.eligibleUntil(f.aliceSecond.address)).to.equal(soon);
      await time.increaseTo(soon);
      await expectRefused(f, f.accounts.alice);
      await expectRefused(f, f.aliceSecond);
    });

    it("updateInvestors: every investor of the batch", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.updateInvestors([ALICE, CAROL], [CHINA, CHINA], [KYC_ONLY, KYC_ONLY], [f.expiry, f.expiry]);
      for (const holder of [f.accounts.alice, f.aliceSecond, f.accounts.carol]) await expectRefused(f, holder);
    });

    it("removeWallet: the removed wallet cannot receive, the investor's other wallet still can", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.removeWallet(f.aliceSecond.address);
      await expectRefused(f, f.aliceSecond);
      await expectAccepted(f, f.accounts.alice);
    });

    it("removeWallets: every removed wallet", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.removeWallets([f.aliceSecond.address, f.accounts.carol.address]);
      await expectRefused(f, f.aliceSecond);
      await expectRefused(f, f.accounts.carol);
    });

    it("recoverWallet: the lost wallet cannot receive, the new one can at once", async function () {
      const f = await loadFixture(fixture);
      await f.kyc.recoverWallet(f.aliceSecond.address, f.newWallet.address);
      await expectRefused(f, f.aliceSecond);
      await expectAccepted(f, f.newWallet);
    });

    it("setBaselineClaims: holders lacking a new baseline claim cannot receive, the others still can", async function () {
      const f = await loadFixture(fixture);
      const { governor, alice, carol, exchange } = f.accounts;
      await expect(f.contracts.identity.connect(governor).setBaselineClaims(KYC_AML_PRO))
        .to.emit(f.coin, "BaselineClaimsSynced")
        .withArgs(KYC_AML_PRO)
        .and.to.emit(f.coinCNY, "BaselineClaimsSynced")
        .withArgs(KYC_AML_PRO);
      await expectRefused(f, alice);
      await expectRefused(f, f.aliceSecond);
      // Carol holds PROFESSIONAL; the exchange is a member, which lacks no claim.
      await expectAccepted(f, carol);
      await expectAccepted(f, exchange);
      // Lowering the baseline again restores them, with no sync either.
      await f.contracts.identity.connect(governor).setBaselineClaims(KYC_AML);
      await expectAccepted(f, alice);
    });
  });

  context("member registry", function () {
    it("suspendMember: the member's account cannot receive", async function () {
      const f = await loadFixture(fixture);
      const { governor, exchange } = f.accounts;
      await expect(f.contracts.members.connect(governor).suspendMember(exchange.address, ethers.id("audit")))
        .to.emit(f.coin, "HolderEligibilitySynced")
        .withArgs(exchange.address, false, 0n);
      await expectRefused(f, exchange);
    });

    it("removeMember: the member's account cannot receive", async function () {
      const f = await loadFixture(fixture);
      const { governor, exchange } = f.accounts;
      await f.contracts.members.connect(governor).removeMember(exchange.address, ethers.id("expelled"));
      await expectRefused(f, exchange);
    });

    it("a suspended member that is also a verified investor keeps its investor eligibility", async function () {
      const f = await loadFixture(fixture);
      const { governor, exchange, kycProvider } = f.accounts;
      const expiry = BigInt(await time.latest()) + YEAR;
      await f.contracts.identity
        .connect(kycProvider)
        .registerInvestor(ethers.id("investor:exchange"), CHINA, KYC_AML, expiry, [exchange.address]);
      await f.contracts.members.connect(governor).suspendMember(exchange.address, ethers.id("audit"));
      expect(await f.coin.eligibleUntil(exchange.address)).to.equal(expiry);
      await expectAccepted(f, exchange);
    });
  });

  it("syncBaselineClaims: anyone copies the registry's baseline into the coin's hot flags, keeping the implementation", async function () {
    const f = await loadFixture(fixture);
    const slot = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
    const address = await f.coin.getAddress();
    const before = BigInt(await ethers.provider.getStorage(address, slot));
    // The deployed configuration sets no flag: the cached baseline is zero until the first change.
    expect(before >> 160n).to.equal(0n);
    await expect(f.coin.connect(f.accounts.stranger).syncBaselineClaims())
      .to.emit(f.coin, "BaselineClaimsSynced")
      .withArgs(KYC_AML);
    const after = BigInt(await ethers.provider.getStorage(address, slot));
    expect(after >> 192n).to.equal(KYC_AML);
    expect(after & (2n ** 192n - 1n)).to.equal(before);
    await expectAccepted(f, f.accounts.alice);
  });

  it("lets a holder that lost its eligibility send out what it holds (a sender need not be eligible)", async function () {
    const f = await loadFixture(fixture);
    const { alice, bob } = f.accounts;
    await f.coin.connect(bob).transfer(alice.address, usd(100));
    await f.kyc.removeInvestor(ALICE);
    await expectRefused(f, alice);
    await expect(f.coin.connect(alice).transfer(bob.address, usd(100)))
      .to.emit(f.coin, "Transfer")
      .withArgs(alice.address, bob.address, usd(100));
  });

  it("refuses a mint, a seizure and a rejected redemption's return to a holder the registry removed", async function () {
    const f = await loadFixture(fixture);
    const { alice, bob, issuer, regulator } = f.accounts;
    await f.coin.connect(bob).transfer(alice.address, usd(100));
    await f.coin.connect(alice).requestRedemption(usd(10), ethers.id("payout"));
    await f.kyc.updateInvestor(ALICE, CHINA, KYC_ONLY, f.expiry);
    // mint re-syncs its recipient, which reads the downgrade.
    await expect(f.coin.connect(issuer).mint(alice.address, 1n))
      .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
      .withArgs(alice.address);
    await expect(f.coin.connect(regulator).seize(bob.address, alice.address, 1n, ethers.id("order")))
      .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
      .withArgs(alice.address);
    await expect(f.coin.connect(issuer).rejectRedemption(1n, ethers.id("no")))
      .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
      .withArgs(alice.address);
  });
});
