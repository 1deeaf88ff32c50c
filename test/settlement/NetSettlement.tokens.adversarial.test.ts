import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Restriction } from "../../sdk/restrictions";
import { Claim, claimsOf } from "../../sdk/claims";
import { assetRules } from "../../sdk/rules";
import { encodeBatch, precheckBatch, splitAroundFailures, applyGross, type NetTrade } from "../../sdk/netting";
import { investorId } from "../identity/helpers";
import { addConsenting } from "./netFixture";
import {
  INS,
  NEWCOMER,
  START,
  investorLabel,
  netTokensFixture,
  nextBatch,
  stateOf,
  submit,
  CHINA,
  FRANCE,
  KYC_AML,
  balancesOf,
  copy,
  participantsOf,
  type NetTokensWorld,
} from "../fixtures/netTokens";

type Trade = Omit<NetTrade, "tradeId">;
const t = (buyer: number, seller: number, instrument: number, quantity: number, price: number): Trade => ({
  buyer,
  seller,
  instrument,
  quantity,
  price,
});
const NET_SETTLEABLE = new ethers.Interface([
  "error NetPositionRefused(uint256 index, address account, int256 delta, uint8 code)",
]);

/** A `NetTradeFailed` reason that is the token's own `NetPositionRefused` for `account` with `code`. */
const refusedBy = (account: string, code: number) => (reason: string) => {
  const error = NET_SETTLEABLE.parseError(reason);
  return error?.name === "NetPositionRefused" && error.args.account === account && Number(error.args.code) === code;
};

/** A batch of innocent trades around the one under test (`trade` is trade `at`). */
function around(trade: Trade, at = 2): Trade[] {
  const filler = [t(5, 6, INS.EQ_USD, 3, 1_000), t(6, 5, INS.BOND_USD, 1, 10_000), t(5, 6, INS.FUND_USD, 7, 2_000)];
  return [...filler.slice(0, at), trade, ...filler.slice(at)];
}

/**
 * Submits `trades` (the clearer's next batch) and expects `NetTradeFailed(tradeIndex, participant, token, code, ·)`
 * and that nothing changed.
 */
async function expectRefused(
  world: NetTokensWorld,
  trades: Trade[],
  tradeIndex: number,
  participant: number,
  token: string,
  code: number,
) {
  const before = await stateOf(world);
  const batch = await nextBatch(world, trades);
  const wallet = (await participantsOf(world))[participant];
  // The reason is the token's refusal, unchanged.
  await expect(submit(world, batch))
    .to.be.revertedWithCustomError(world.contracts.net, "NetTradeFailed")
    .withArgs(tradeIndex, wallet, token, code, refusedBy(wallet, code));
  expect(await stateOf(world)).to.deep.equal(before);
}

/** Gives `wallet` aUSD and aCNY (the issuer mints after fresh reserves). */
async function mintCoin(world: NetTokensWorld, wallet: string) {
  const { custodian, issuer } = world.accounts;
  for (const coin of [world.contracts.usd, world.contracts.cny]) {
    await coin.connect(custodian).attestReserves(10n ** 36n, await time.latest(), ethers.id("reserves"));
    await coin.connect(issuer).mint(wallet, 10n ** 12n);
  }
}

async function settles(world: NetTokensWorld, trades: readonly Trade[]) {
  const batch = await nextBatch(world, trades);
  const before = await balancesOf(world);
  await (await submit(world, batch)).wait();
  expect(await balancesOf(world)).to.deep.equal(applyGross(copy(before), batch.trades, world.instruments));
}

describe("NetSettlement on the real tokens: adversarial", function () {
  describe("frozen participants", function () {
    it("a participant frozen on the coin: refused as payer and as payee, on the coin", async function () {
      const world = await netTokensFixture();
      const { usd } = world.contracts;
      await usd.connect(world.accounts.regulator).freeze(world.wallets[3]);
      const coin = await usd.getAddress();
      await expectRefused(world, around(t(3, 2, INS.EQ_USD, 5, 1_000)), 2, 3, coin, Restriction.SenderFrozen);
      await expectRefused(world, around(t(2, 3, INS.EQ_USD, 5, 1_000)), 2, 3, coin, Restriction.RecipientFrozen);
      // Its aCNY still moves.
      await settles(world, [t(3, 2, INS.EQ_CNY, 5, 1_000)]);
    });

    it("a participant whose security address is frozen: refused as seller and as buyer", async function () {
      const world = await netTokensFixture();
      const { equity } = world.contracts;
      await equity.connect(world.accounts.agent).setAddressFrozen(world.wallets[2], true);
      const token = await equity.getAddress();
      await expectRefused(world, around(t(3, 2, INS.EQ_USD, 5, 1_000)), 2, 2, token, Restriction.SenderFrozen);
      await expectRefused(world, around(t(2, 3, INS.EQ_USD, 5, 1_000)), 2, 2, token, Restriction.RecipientFrozen);
      // Through the other instrument on the same token too.
      await expectRefused(world, [t(2, 3, INS.EQ_CNY, 5, 1_000)], 0, 2, token, Restriction.RecipientFrozen);
      // A zero net change still runs the checks: bought and sold the same amount.
      await expectRefused(
        world,
        [t(2, 3, INS.EQ_USD, 5, 1_000), t(4, 2, INS.EQ_USD, 5, 1_000)],
        0,
        2,
        token,
        Restriction.SenderFrozen,
      );
      await settles(world, [t(2, 3, INS.BOND_USD, 5, 1_000)]);
    });

    it("names the first trade of the refused position: the coin's (participant, coin), the security's (participant, instrument)", async function () {
      const world = await netTokensFixture();
      const { usd, equity } = world.contracts;
      await usd.connect(world.accounts.regulator).freeze(world.wallets[3]);
      // Participant 3 pays aCNY in trade 0 (not frozen there), aUSD first in trade 2.
      await expectRefused(
        world,
        [
          t(3, 6, INS.EQ_CNY, 1, 1_000),
          t(2, 4, INS.FUND_USD, 1, 1_000),
          t(3, 5, INS.BOND_USD, 1, 1_000),
          t(6, 3, INS.EQ_USD, 1, 1_000),
        ],
        2,
        3,
        await usd.getAddress(),
        Restriction.SenderFrozen,
      );
      await usd.connect(world.accounts.regulator).unfreeze(world.wallets[3]);
      await equity.connect(world.accounts.agent).setAddressFrozen(world.wallets[3], true);
      // The equity's aUSD instrument (0) is called before its aCNY one (3): participant 3's position there, whose
      // first trade is trade 3, is refused, though trade 2 (aCNY) touches it earlier.
      await expectRefused(
        world,
        [
          t(5, 6, INS.EQ_CNY, 1, 1_000),
          t(2, 4, INS.EQ_USD, 1, 1_000),
          t(3, 6, INS.EQ_CNY, 1, 1_000),
          t(2, 3, INS.EQ_USD, 1, 1_000),
        ],
        3,
        3,
        await equity.getAddress(),
        Restriction.SenderFrozen,
      );
    });

    it("a partial freeze: only the unfrozen balance can be sold", async function () {
      const world = await netTokensFixture();
      const { equity } = world.contracts;
      await equity.connect(world.accounts.agent).freezePartialTokens(world.wallets[2], START.equity - 10n);
      const token = await equity.getAddress();
      await expectRefused(
        world,
        around(t(3, 2, INS.EQ_USD, 11, 1_000)),
        2,
        2,
        token,
        Restriction.InsufficientUnfrozenBalance,
      );
      // Bought in the same batch, the 11th unit is there: nets to a sale of 10.
      await settles(world, [t(3, 2, INS.EQ_USD, 11, 1_000), t(2, 4, INS.EQ_USD, 1, 1_000)]);
      expect(await equity.balanceOf(world.wallets[2])).to.equal(START.equity - 10n);
    });
  });

  describe("de-registered participants (the registry changes between batches)", function () {
    it("an investor removed after a batch it settled in: the next batch refuses it on the security and the coin", async function () {
      const world = await netTokensFixture();
      const { equity, usd, identity } = world.contracts;
      await settles(world, [t(4, 2, INS.EQ_USD, 5, 1_000), t(2, 4, INS.BOND_USD, 5, 1_000)]);
      await identity.connect(world.accounts.kycProvider).removeInvestor(investorId(investorLabel(4)));
      await expectRefused(
        world,
        around(t(4, 2, INS.EQ_USD, 5, 1_000)),
        2,
        4,
        await equity.getAddress(),
        Restriction.RecipientNotVerified,
      );
      // As a seller the coin refuses to pay it (the registry pushed the removal to the coin).
      await expectRefused(
        world,
        around(t(2, 4, INS.EQ_USD, 5, 1_000)),
        2,
        4,
        await equity.getAddress(),
        Restriction.SenderNotVerified,
      );
      void usd;
    });

    it("a wallet unlinked from its investor: refused; the investor's other wallet still settles", async function () {
      const world = await netTokensFixture();
      const { fund, identity } = world.contracts;
      await settles(world, [t(1, 3, INS.FUND_USD, 5, 1_000)]);
      await identity.connect(world.accounts.kycProvider).removeWallet(world.wallets[1]);
      await expectRefused(
        world,
        [t(1, 3, INS.FUND_USD, 5, 1_000)],
        0,
        1,
        await fund.getAddress(),
        Restriction.RecipientNotVerified,
      );
      await settles(world, [t(0, 3, INS.FUND_USD, 5, 1_000)]);
    });

    it("claims expired: refused once the attestation lapses; claims below the baseline: refused", async function () {
      const world = await netTokensFixture();
      const { equity, identity } = world.contracts;
      const kyc = identity.connect(world.accounts.kycProvider);
      const soon = (await time.latest()) + 3_600;
      await kyc.updateInvestor(investorId(investorLabel(5)), 250, KYC_AML, soon);
      await settles(world, [t(5, 2, INS.EQ_USD, 5, 1_000)]);
      await time.increaseTo(soon + 1);
      await expectRefused(
        world,
        around(t(5, 2, INS.EQ_USD, 5, 1_000), 0),
        0,
        5,
        await equity.getAddress(),
        Restriction.RecipientNotVerified,
      );
      await kyc.updateInvestor(investorId(investorLabel(6)), CHINA, claimsOf([Claim.KYC]), soon + 86_400 * 30);
      await expectRefused(
        world,
        [t(6, 2, INS.EQ_USD, 5, 1_000)],
        0,
        6,
        await equity.getAddress(),
        Restriction.RecipientNotVerified,
      );
    });
  });

  describe("the world around the tokens (caches see every change)", function () {
    it("a baseline raised by governance: the next batch refuses investors lacking the new claim, on securities and coins", async function () {
      const world = await netTokensFixture();
      const { equity, identity } = world.contracts;
      await settles(world, [t(4, 2, INS.EQ_USD, 5, 1_000)]);
      // Participant 3's investor gains PROFESSIONAL: the only one verified under the new baseline.
      const kyc = identity.connect(world.accounts.kycProvider);
      const professional = claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]);
      await kyc.updateInvestor(investorId(investorLabel(3)), CHINA, professional, (await time.latest()) + 86_400 * 300);
      await identity.connect(world.accounts.governor).setBaselineClaims(professional);
      await expectRefused(
        world,
        [t(4, 3, INS.EQ_USD, 5, 1_000)],
        0,
        4,
        await equity.getAddress(),
        Restriction.RecipientNotVerified,
      );
      // The coin too: participant 4 sells its bond (a security refusing the sender first)…
      await expectRefused(
        world,
        [t(3, 4, INS.BOND_USD, 5, 1_000)],
        0,
        4,
        await world.contracts.bond.getAddress(),
        Restriction.SenderNotVerified,
      );
      await identity.connect(world.accounts.governor).setBaselineClaims(KYC_AML);
      await settles(world, [t(4, 3, INS.EQ_USD, 5, 1_000)]);
    });

    it("a re-attested investor settles at once: every update reaches the coins, not only losses", async function () {
      const world = await netTokensFixture();
      const { identity } = world.contracts;
      const kyc = identity.connect(world.accounts.kycProvider);
      const id = investorId(investorLabel(4));
      const expiry = (await time.latest()) + 86_400 * 300;
      await kyc.updateInvestor(id, CHINA, claimsOf([Claim.KYC]), expiry);
      await expectRefused(
        world,
        [t(2, 4, INS.EQ_USD, 5, 1_000)],
        0,
        4,
        await world.contracts.equity.getAddress(),
        Restriction.SenderNotVerified,
      );
      await kyc.updateInvestor(id, CHINA, KYC_AML, expiry);
      await settles(world, [t(2, 4, INS.EQ_USD, 5, 1_000)]);
    });

    it("a new investor: the securities read the registry, the coin its cache until anyone syncs the wallet", async function () {
      const world = await netTokensFixture();
      const { usd, equity, identity, clearer } = world.contracts;
      const freshWallet = ethers.Wallet.createRandom(ethers.provider);
      const fresh = freshWallet.address;
      await identity
        .connect(world.accounts.kycProvider)
        .registerInvestor(investorId("net fresh investor"), CHINA, KYC_AML, (await time.latest()) + 86_400 * 30, [
          fresh,
        ]);
      await equity.connect(world.accounts.agent).mint(fresh, 100n);
      await addConsenting(clearer, [freshWallet]);
      // The equity lets participant 8 sell; the aUSD coin, which has not synced it, refuses to pay it.
      const trades = [t(2, 8, INS.EQ_USD, 5, 1_000)];
      await expectRefused(world, trades, 0, 8, await usd.getAddress(), Restriction.RecipientNotVerified);
      const verdict = await precheckBatch(clearer, await nextBatch(world, trades));
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok)
        expect([verdict.failure.tradeIndex, verdict.failure.token]).to.deep.equal([0, await usd.getAddress()]);
      await usd.syncHolder(fresh);
      await settles(world, trades);
    });

    it("a recovered wallet: the lost wallet is refused, the new one settles once the clearer lists it", async function () {
      const world = await netTokensFixture();
      const { fund, identity, clearer } = world.contracts;
      const freshWallet = ethers.Wallet.createRandom(ethers.provider);
      const fresh = freshWallet.address;
      await identity.connect(world.accounts.kycProvider).recoverWallet(world.wallets[6], fresh);
      await expectRefused(
        world,
        [t(6, 2, INS.FUND_USD, 5, 1_000)],
        0,
        6,
        await fund.getAddress(),
        Restriction.RecipientNotVerified,
      );
      await fund.connect(world.accounts.agent).recoveryAddress(world.wallets[6], fresh, ethers.ZeroAddress);
      for (const coin of [world.contracts.usd, world.contracts.cny]) await coin.syncHolders([fresh]);
      await addConsenting(clearer, [freshWallet]);
      await mintCoin(world, fresh);
      const before = await fund.holderCount();
      await (await submit(world, await nextBatch(world, [t(8, 2, INS.FUND_USD, 5, 1_000)]))).wait();
      expect(await fund.balanceOf(fresh)).to.equal(START.fund + 5n);
      expect(await fund.holderCount()).to.equal(before);
    });

    it("a participant that is also an alliance member: suspended, the coin re-reads it as the investor it is", async function () {
      const world = await netTokensFixture();
      const { equity, members, identity, clearer } = world.contracts;
      const custodian = world.accounts.custodian.address;
      await identity
        .connect(world.accounts.kycProvider)
        .registerInvestor(investorId("custodian as investor"), CHINA, KYC_AML, (await time.latest()) + 86_400 * 30, [
          custodian,
        ]);
      await addConsenting(clearer, [world.accounts.custodian]);
      await mintCoin(world, custodian);
      await equity.connect(world.accounts.agent).mint(custodian, 100n);
      await settles(world, [t(8, 2, INS.EQ_USD, 5, 1_000), t(2, 8, INS.EQ_CNY, 3, 1_000)]);
      await members.connect(world.accounts.governor).suspendMember(custodian, ethers.id("suspended"));
      await settles(world, [t(8, 2, INS.EQ_USD, 5, 1_000), t(2, 8, INS.EQ_CNY, 3, 1_000)]);
      // Its investor record lapses: refused on the security as a buyer.
      await time.increase(86_400 * 31);
      await expectRefused(
        world,
        [t(8, 2, INS.EQ_USD, 5, 1_000)],
        0,
        8,
        await equity.getAddress(),
        Restriction.RecipientNotVerified,
      );
    });

    it("transfers stopped by the product (an equity's split, a bond's default): TransfersStopped", async function () {
      const world = await netTokensFixture();
      const { equity, bond } = world.contracts;
      const split = await ethers.getContractAt("IEquity", await equity.getAddress());
      await split.connect(world.accounts.issuer).beginSplit(2, 1);
      await expectRefused(world, [t(2, 3, INS.EQ_USD, 1, 1_000)], 0, 2, await equity.getAddress(), 17);
      await world.contracts.bondLifecycle.connect(world.accounts.regulator).declareDefault(ethers.id("default"));
      await expectRefused(world, [t(2, 3, INS.BOND_USD, 1, 1_000)], 0, 2, await bond.getAddress(), 17);
      await settles(world, [t(2, 3, INS.FUND_USD, 1, 1_000)]);
    });

    it("the pipeline's other rules: lock-up, blocked country", async function () {
      const world = await netTokensFixture();
      const { equity, fund, compliance } = world.contracts;
      const admin = compliance.connect(world.accounts.regulator);
      await admin.configureAsset(
        await equity.getAddress(),
        assetRules({ lockupUntil: (await time.latest()) + 86_400 }),
      );
      // The market's rules (lock-up, halts, hours) are asset-wide: the call's first position is named.
      await expectRefused(
        world,
        [t(4, 3, INS.EQ_USD, 1, 1_000)],
        0,
        3,
        await equity.getAddress(),
        Restriction.LockedUp,
      );
      await admin.configureAsset(await fund.getAddress(), assetRules({ countryBlockList: true }));
      await admin.setCountriesBlocked(await fund.getAddress(), [FRANCE], true);
      // Participant 5 is in France.
      await expectRefused(
        world,
        [t(2, 3, INS.FUND_USD, 1, 1_000), t(5, 3, INS.FUND_USD, 1, 1_000)],
        1,
        5,
        await fund.getAddress(),
        Restriction.CountryBlocked,
      );
      await settles(world, [t(2, 3, INS.FUND_USD, 1, 1_000)]);
    });
  });

  describe("instruments and tokens", function () {
    it("a halted instrument: refused with TradingHalted, nothing moves; it settles after the halt is lifted", async function () {
      const world = await netTokensFixture();
      const { bond, compliance } = world.contracts;
      const regulator = compliance.connect(world.accounts.regulator);
      const asset = await bond.getAddress();
      await regulator.imposeHalt(asset, (await time.latest()) + 86_400, ethers.id("halt"));
      // A halt refuses the whole call: position 0 of the bond's call, participant 2, whose first trade is trade 2.
      await expectRefused(world, around(t(2, 3, INS.BOND_USD, 1, 1_000)), 2, 2, asset, Restriction.TradingHalted);
      await regulator.liftHalt(asset);
      await settles(world, around(t(2, 3, INS.BOND_USD, 1, 1_000)));
    });

    it("a paused security and a paused coin: TokenPaused", async function () {
      const world = await netTokensFixture();
      const { fund, usd } = world.contracts;
      await fund.connect(world.accounts.agent).pause();
      // Token-wide: the call's position 0 (participant 2, first trade 2).
      await expectRefused(
        world,
        around(t(2, 3, INS.FUND_USD, 1, 1_000)),
        2,
        2,
        await fund.getAddress(),
        Restriction.TokenPaused,
      );
      await fund.connect(world.accounts.agent).unpause();
      await usd.connect(world.accounts.regulator).pause();
      await expectRefused(
        world,
        around(t(2, 3, INS.FUND_USD, 1, 1_000)),
        2,
        2,
        await usd.getAddress(),
        Restriction.TokenPaused,
      );
      // aCNY is another coin.
      await settles(world, [t(2, 3, INS.EQ_CNY, 1, 1_000)]);
    });

    it("uncovered shorts: a seller without the units, a buyer without the cash", async function () {
      const world = await netTokensFixture();
      const { equity, usd } = world.contracts;
      await expectRefused(
        world,
        around(t(3, 2, INS.EQ_USD, Number(START.equity) + 1, 1)),
        2,
        2,
        await equity.getAddress(),
        Restriction.InsufficientUnfrozenBalance,
      );
      // The newcomer holds nothing of the bond.
      await expectRefused(
        world,
        [t(3, NEWCOMER, INS.BOND_USD, 1, 1)],
        0,
        NEWCOMER,
        await world.contracts.bond.getAddress(),
        Restriction.InsufficientUnfrozenBalance,
      );
      // 1,000,000 aUSD + 0.01: one tick short.
      const price = Number(START.usd / 10_000n) + 1;
      await expectRefused(
        world,
        around(t(3, 2, INS.EQ_USD, 1, price)),
        2,
        3,
        await usd.getAddress(),
        Restriction.InsufficientUnfrozenBalance,
      );
      // Exactly the balance is covered; so is a short covered by a sale earlier in the same batch.
      await settles(world, [t(3, 2, INS.EQ_USD, 1, price - 1), t(4, 3, INS.EQ_USD, 1, 1)]);
      await settles(world, [t(3, 2, INS.EQ_USD, 2, 5), t(4, 3, INS.EQ_USD, 1, 10)]);
    });

    it("units and coin held for a DvP (Settlement I's prefund) cannot be netted away", async function () {
      const world = await netTokensFixture();
      const { equity, usd, settlement } = world.contracts;
      const [p2, p3] = [world.accounts.participants[2], world.accounts.participants[3]];
      const deadline = BigInt(await time.latest()) + 86_400n;
      const legs = [
        { token: await equity.getAddress(), from: p2.address, to: p3.address, amount: START.equity - 5n },
        { token: await usd.getAddress(), from: p3.address, to: p2.address, amount: START.usd - 10_000n },
      ];
      const instruction = { tradeRef: ethers.id("dvp"), deadline, nonce: 1n, legs };
      await settlement.connect(p2).prefund(instruction, 0);
      await settlement.connect(p3).prefund(instruction, 1);
      await expectRefused(
        world,
        around(t(4, 2, INS.EQ_USD, 6, 1)),
        2,
        2,
        await equity.getAddress(),
        Restriction.InsufficientUnfrozenBalance,
      );
      // 0.01 aUSD a lot: participant 3 has 0.01 aUSD free.
      await expectRefused(
        world,
        around(t(3, 4, INS.EQ_USD, 2, 1)),
        2,
        3,
        await usd.getAddress(),
        Restriction.InsufficientUnfrozenBalance,
      );
      await settles(world, [t(4, 2, INS.EQ_USD, 5, 1), t(3, 4, INS.EQ_USD, 1, 1)]);
      expect(await equity.heldBalanceOf(p2.address)).to.equal(START.equity - 5n);
    });

    it("an asset with an external compliance rule cannot be netted: ExternalRuleFailed", async function () {
      const world = await netTokensFixture();
      const { equity, compliance } = world.contracts;
      const rule = await ethers.deployContract("ComplianceRuleMock", [10n ** 9n]);
      await compliance.connect(world.accounts.regulator).addExternalRule(await equity.getAddress(), rule);
      await expectRefused(
        world,
        around(t(2, 3, INS.EQ_USD, 1, 1_000)),
        2,
        2,
        await equity.getAddress(),
        Restriction.ExternalRuleFailed,
      );
      await settles(world, [t(2, 3, INS.BOND_USD, 1, 1_000)]);
    });
  });

  describe("the batch and the clearer", function () {
    it("a replayed batch (duplicate trade ids) is refused and changes nothing", async function () {
      const world = await netTokensFixture();
      const batch = await nextBatch(world, [t(2, 3, INS.EQ_USD, 1, 1_000), t(3, 2, INS.BOND_USD, 1, 1_000)]);
      await submit(world, batch);
      const before = await stateOf(world);
      await expect(world.contracts.clearer.submitBatch(encodeBatch(batch)))
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeIdMismatch")
        .withArgs(0, 2);
      // Overlapping: starts inside the settled range.
      await expect(
        world.contracts.clearer.submitBatch(
          encodeBatch({ ...batch, firstTradeId: 1n, trades: [{ ...batch.trades[1], tradeId: 1n }] }),
        ),
      )
        .to.be.revertedWithCustomError(world.contracts.net, "NetTradeIdMismatch")
        .withArgs(1, 2);
      expect(await stateOf(world)).to.deep.equal(before);
    });

    it("a suspended clearing member cannot submit (its role is gone); reinstated, it can", async function () {
      const world = await netTokensFixture();
      const { members, settlement } = world.contracts;
      const batch = await nextBatch(world, [t(2, 3, INS.EQ_USD, 1, 1_000)]);
      await members.connect(world.accounts.governor).suspendMember(world.accounts.exchange.address, ethers.id("x"));
      const before = await stateOf(world);
      await expect(submit(world, batch))
        .to.be.revertedWithCustomError(settlement, "AccessManagedUnauthorized")
        .withArgs(world.accounts.exchange.address);
      expect(await stateOf(world)).to.deep.equal(before);
      await members.connect(world.accounts.governor).reinstateMember(world.accounts.exchange.address);
      await settles(world, batch.trades);
    });
  });

  describe("the SDK against the real engine", function () {
    it("precheckBatch names the failing trade; splitAroundFailures settles the rest", async function () {
      const world = await netTokensFixture();
      const { equity, usd, clearer } = world.contracts;
      await equity.connect(world.accounts.agent).setAddressFrozen(world.wallets[4], true);
      await usd.connect(world.accounts.regulator).freeze(world.wallets[6]);
      const trades = [
        t(2, 3, INS.EQ_USD, 5, 1_000),
        t(5, 2, INS.BOND_USD, 1, 9_000),
        t(4, 3, INS.EQ_USD, 2, 1_000),
        t(3, 5, INS.FUND_USD, 9, 3_000),
        t(6, 2, INS.EQ_CNY, 4, 500),
        t(6, 5, INS.FUND_USD, 1, 3_000),
        t(3, 4, INS.EQ_USD, 1, 1_000),
      ];
      const batch = await nextBatch(world, trades);
      const before = await stateOf(world);
      const verdict = await precheckBatch(clearer, batch);
      expect(verdict.ok).to.equal(false);
      if (verdict.ok) return;
      expect(verdict.failure.tradeIndex).to.equal(2);
      expect(verdict.failure.participant).to.equal(world.wallets[4]);
      expect(verdict.failure.token).to.equal(await equity.getAddress());
      // It received (trade 2) and delivered (trade 6): the sender's check comes first.
      expect(verdict.failure.code).to.equal(Restriction.SenderFrozen);
      expect(await stateOf(world)).to.deep.equal(before);
      const split = await splitAroundFailures(clearer, batch, {
        participants: world.wallets,
        instruments: world.instruments,
      });
      // Participant 4's equity position (trades 2 and 6) and participant 6's aUSD (trade 5) go.
      expect(split.excluded.map((e) => e.index).sort()).to.deep.equal([2, 5, 6]);
      expect(split.included).to.deep.equal([0, 1, 3, 4]);
      const balances = await balancesOf(world);
      await (await clearer.submitBatch(split.bytes!)).wait();
      expect(await balancesOf(world)).to.deep.equal(applyGross(copy(balances), split.batch!.trades, world.instruments));
    });
  });
});
