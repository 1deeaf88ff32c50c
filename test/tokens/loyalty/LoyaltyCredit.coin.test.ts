import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { callThroughAuthority } from "../../helpers/authority";
import { DAY, HOUR, loyaltyFixture } from "../../fixtures/loyalty";

const KYC_AML = 3n;
const CHINA = 156;

/**
 * The program's conversion into the settlement coin: 1 coin cent (USD, 6 decimals: 10,000 units) per 100 credits,
 * at most 1,000 credits a conversion and 1,500 a day, paid from the merchant's pool (its allowance to the program,
 * backed by its coin balance). Alice is a verified investor (coin-eligible); bob is not.
 */
async function coinFixture() {
  const f = await loyaltyFixture();
  const { coin, authority, identity } = f.contracts;
  const { issuer, custodian, kycProvider, merchant, alice, bob } = f.accounts;
  await identity
    .connect(kycProvider)
    .registerInvestor(ethers.id("loyalty:alice"), CHINA, KYC_AML, BigInt(await time.latest()) + 400n * BigInt(DAY), [
      alice.address,
    ]);
  await coin.syncHolders([alice.address, merchant.address]);
  await callThroughAuthority(
    authority,
    issuer,
    await coin.getAddress(),
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, 10n ** 12n]),
  );
  await coin.connect(custodian).attestReserves(10n ** 12n, await time.latest(), ethers.id("reserves"));
  await coin.connect(issuer).mint(merchant.address, 10n ** 9n);
  const program = f.program;
  await coin.connect(merchant).approve(program, 10n ** 8n);
  const conversion = {
    coin: await coin.getAddress(),
    numerator: 10_000,
    denominator: 100,
    window: DAY,
    perConversionCap: 1_000n,
    perWindowCap: 1_500n,
  };
  await program.connect(merchant).setCoinConversion(conversion);
  await program.connect(merchant).issue(alice.address, 5_000n);
  await program.connect(merchant).issue(bob.address, 5_000n);
  return { ...f, conversion };
}

describe("LoyaltyCredit: conversion into the settlement coin", function () {
  let f: Awaited<ReturnType<typeof coinFixture>>;
  beforeEach(async function () {
    f = await loadFixture(coinFixture);
  });

  const figures = async () => ({
    credits: [await f.program.balanceOf(f.accounts.alice), ...(await f.program.breakage())],
    coin: [await f.contracts.coin.balanceOf(f.accounts.alice), await f.contracts.coin.balanceOf(f.accounts.merchant)],
    used: (await f.program.coinConversion()).usedInWindow,
  });

  it("burns the credits (redeemed) and pays a coin-eligible customer from the merchant's pool", async function () {
    const { alice, merchant } = f.accounts;
    const before = await f.contracts.coin.balanceOf(merchant);
    const tx = f.program.connect(alice).convertToCoin(1_000n);
    await expect(tx)
      .to.emit(f.program, "CreditsConvertedToCoin")
      .withArgs(alice.address, f.conversion.coin, merchant.address, 1_000n, 100_000n);
    expect(await f.contracts.coin.balanceOf(alice)).to.equal(100_000n);
    expect(await f.contracts.coin.balanceOf(merchant)).to.equal(before - 100_000n);
    expect(await f.program.balanceOf(alice)).to.equal(4_000n);
    expect([...(await f.program.breakage())]).to.deep.equal([10_000n, 1_000n, 0n, 9_000n]);
    expect((await f.program.coinConversion()).usedInWindow).to.equal(1_000n);
  });

  it("is refused by the coin for a customer who is not coin-eligible, changing nothing", async function () {
    const bob = f.accounts.bob;
    const credits = await f.program.balanceOf(bob);
    await expect(f.program.connect(bob).convertToCoin(100n))
      .to.be.revertedWithCustomError(f.contracts.coin, "SettlementCoinIneligibleHolder")
      .withArgs(bob.address);
    expect(await f.program.balanceOf(bob)).to.equal(credits);
    expect((await f.program.coinConversion()).usedInWindow).to.equal(0n);
  });

  it("reverts with LoyaltyCreditInvalidCoinAmount above the per-conversion cap or converting to nothing", async function () {
    const before = await figures();
    await f.program.connect(f.accounts.merchant).setCoinConversion({ ...f.conversion, numerator: 1, denominator: 100 });
    for (const amount of [0n, 99n, 1_001n]) {
      await expect(f.program.connect(f.accounts.alice).convertToCoin(amount))
        .to.be.revertedWithCustomError(f.program, "LoyaltyCreditInvalidCoinAmount")
        .withArgs(amount, 1_000n);
    }
    expect(await figures()).to.deep.equal(before);
  });

  it("reverts with LoyaltyCreditCoinWindowCapExceeded above the window's cap, changing nothing", async function () {
    await f.program.connect(f.accounts.alice).convertToCoin(1_000n);
    const before = await figures();
    await expect(f.program.connect(f.accounts.alice).convertToCoin(501n))
      .to.be.revertedWithCustomError(f.program, "LoyaltyCreditCoinWindowCapExceeded")
      .withArgs(1_000n, 501n, 1_500n);
    expect(await figures()).to.deep.equal(before);
    await time.increase(DAY);
    await f.program.connect(f.accounts.alice).convertToCoin(1_000n);
  });

  it("reverts with the coin's error when the pool is exhausted, changing nothing", async function () {
    await f.contracts.coin.connect(f.accounts.merchant).approve(f.program, 1n);
    const before = await figures();
    await expect(f.program.connect(f.accounts.alice).convertToCoin(100n)).to.be.revertedWithCustomError(
      f.contracts.coin,
      "ERC20InsufficientAllowance",
    );
    expect(await figures()).to.deep.equal(before);
  });

  it("reverts with LoyaltyCreditSuspendedMerchant while the program's merchant is suspended", async function () {
    await f.contracts.members.connect(f.accounts.governor).suspendMember(f.accounts.merchant, ethers.id("audit"));
    await expect(f.program.connect(f.accounts.alice).convertToCoin(100n))
      .to.be.revertedWithCustomError(f.program, "LoyaltyCreditSuspendedMerchant")
      .withArgs(f.accounts.merchant.address);
  });

  it("reverts with LoyaltyCreditNoCoinConversion once closed", async function () {
    await expect(
      f.program.connect(f.accounts.merchant).setCoinConversion({ ...f.conversion, coin: ethers.ZeroAddress }),
    ).to.emit(f.program, "CoinConversionSet");
    await expect(f.program.connect(f.accounts.alice).convertToCoin(100n)).to.be.revertedWithCustomError(
      f.program,
      "LoyaltyCreditNoCoinConversion",
    );
  });

  for (const [label, change] of [
    ["a coin without code", { coin: "0x000000000000000000000000000000000000dEaD" }],
    ["a zero numerator", { numerator: 0 }],
    ["a zero denominator", { denominator: 0 }],
    ["a zero per-conversion cap", { perConversionCap: 0n }],
    ["a zero window cap", { perWindowCap: 0n }],
    ["a window under an hour", { window: HOUR - 1 }],
  ] as const) {
    it(`setCoinConversion reverts with LoyaltyCreditInvalidCoinConversion for ${label}, changing nothing`, async function () {
      await expect(
        f.program.connect(f.accounts.merchant).setCoinConversion({ ...f.conversion, ...change }),
      ).to.be.revertedWithCustomError(f.program, "LoyaltyCreditInvalidCoinConversion");
      expect((await f.program.coinConversion()).conversion.numerator).to.equal(10_000n);
    });
  }

  it("setCoinConversion is refused to every account but the program's merchant", async function () {
    for (const caller of Object.values(f.accounts)) {
      if (caller.address === f.accounts.merchant.address) continue;
      await expect(f.program.connect(caller).setCoinConversion(f.conversion))
        .to.be.revertedWithCustomError(f.program, "AccessManagedUnauthorized")
        .withArgs(caller.address);
    }
  });
});
