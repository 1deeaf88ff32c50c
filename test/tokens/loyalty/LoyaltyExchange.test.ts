import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { LoyaltyCredit, LoyaltyExchange } from "../../../typechain-types";
import { DAY, HOUR, launchProgram, loyaltyFixture } from "../../fixtures/loyalty";

/** Two programs (the merchant's BEAN, the partner's CRUMB) and a route BEAN → CRUMB at 2 CRUMB per 5 BEAN. */
async function exchangeFixture() {
  const f = await loyaltyFixture();
  const crumb = await launchProgram(f.contracts.factory, f.accounts.partner, { name: "Pier Crumbs", symbol: "CRUMB" });
  const route = { numerator: 2n, denominator: 5n, perConversionCap: 1_000n, perWindowCap: 1_500n, window: DAY };
  await f.exchange.connect(f.accounts.governor).setRoute(f.program, crumb, route);
  await f.program.connect(f.accounts.merchant).issue(f.accounts.alice.address, 5_000n);
  return { ...f, crumb, route };
}

async function state(exchange: LoyaltyExchange, from: LoyaltyCredit, to: LoyaltyCredit, who: string) {
  return {
    from: [await from.balanceOf(who), ...(await from.breakage())],
    to: [await to.balanceOf(who), ...(await to.breakage())],
    used: await exchange.usedInWindow(from, to),
  };
}

describe("LoyaltyExchange", function () {
  let f: Awaited<ReturnType<typeof exchangeFixture>>;
  beforeEach(async function () {
    f = await loadFixture(exchangeFixture);
  });

  describe("convert", function () {
    it("burns the source credits (redeemed) and issues the target's at the route's rate (issued)", async function () {
      const alice = f.accounts.alice;
      const tx = f.exchange.connect(alice).convert(f.program, f.crumb, 1_000n);
      await expect(tx)
        .to.emit(f.exchange, "Converted")
        .withArgs(alice.address, await f.program.getAddress(), await f.crumb.getAddress(), 1_000n, 400n);
      await expect(tx)
        .to.emit(f.program, "CreditsConvertedOut")
        .withArgs(alice.address, await f.crumb.getAddress(), 1_000n);
      await expect(tx).to.emit(f.crumb, "CreditsConvertedIn");
      expect(await f.program.balanceOf(alice.address)).to.equal(4_000n);
      expect(await f.crumb.balanceOf(alice.address)).to.equal(400n);
      expect([...(await f.program.breakage())]).to.deep.equal([5_000n, 1_000n, 0n, 4_000n]);
      expect([...(await f.crumb.breakage())]).to.deep.equal([400n, 0n, 0n, 400n]);
      expect(await f.exchange.usedInWindow(f.program, f.crumb)).to.equal(1_000n);
    });

    it("reverts with LoyaltyExchangeInvalidAmount above the per-conversion cap or converting to nothing", async function () {
      const before = await state(f.exchange, f.program, f.crumb, f.accounts.alice.address);
      for (const amount of [0n, 1n, 2n, 1_001n]) {
        await expect(f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, amount))
          .to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeInvalidAmount")
          .withArgs(amount, 1_000n);
      }
      expect(await state(f.exchange, f.program, f.crumb, f.accounts.alice.address)).to.deep.equal(before);
    });

    it("reverts with LoyaltyExchangeWindowCapExceeded above the window's cap, and resets next window", async function () {
      await f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 1_000n);
      const before = await state(f.exchange, f.program, f.crumb, f.accounts.alice.address);
      await expect(f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 501n))
        .to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeWindowCapExceeded")
        .withArgs(1_000n, 501n, 1_500n);
      expect(await state(f.exchange, f.program, f.crumb, f.accounts.alice.address)).to.deep.equal(before);
      await time.increase(DAY);
      expect(await f.exchange.usedInWindow(f.program, f.crumb)).to.equal(0n);
      await f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 1_000n);
    });

    it("reverts with LoyaltyExchangeNoRoute on a route not set or closed", async function () {
      await expect(f.exchange.connect(f.accounts.alice).convert(f.crumb, f.program, 10n))
        .to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeNoRoute")
        .withArgs(await f.crumb.getAddress(), await f.program.getAddress());
      await f.exchange
        .connect(f.accounts.governor)
        .setRoute(f.program, f.crumb, { ...f.route, numerator: 0n, denominator: 0n });
      await expect(f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 10n)).to.be.revertedWithCustomError(
        f.exchange,
        "LoyaltyExchangeNoRoute",
      );
    });

    it("reverts with ERC20InsufficientBalance above the unexpired balance, changing nothing", async function () {
      await time.increase(31 * DAY);
      const before = await state(f.exchange, f.program, f.crumb, f.accounts.alice.address);
      await expect(f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 10n))
        .to.be.revertedWithCustomError(f.program, "ERC20InsufficientBalance")
        .withArgs(f.accounts.alice.address, 0n, 10n);
      expect(await state(f.exchange, f.program, f.crumb, f.accounts.alice.address)).to.deep.equal(before);
    });

    it("reverts with LoyaltyExchangeSuspendedMerchant while either program's merchant is suspended", async function () {
      const members = f.contracts.members.connect(f.accounts.governor);
      for (const merchant of [f.accounts.merchant, f.accounts.partner] as const) {
        await members.suspendMember(merchant.address, ethers.id("audit"));
        await expect(f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 10n))
          .to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeSuspendedMerchant")
          .withArgs(anyProgram(), merchant.address);
        await members.reinstateMember(merchant.address);
      }
      await f.exchange.connect(f.accounts.alice).convert(f.program, f.crumb, 10n);
    });
  });

  describe("the programs' conversion functions", function () {
    it("revert with LoyaltyCreditOnlyExchange for any caller but the exchange", async function () {
      for (const caller of Object.values(f.accounts)) {
        await expect(f.program.connect(caller).convertOut(f.accounts.alice.address, 1n, f.crumb))
          .to.be.revertedWithCustomError(f.program, "LoyaltyCreditOnlyExchange")
          .withArgs(caller.address);
        await expect(f.program.connect(caller).convertIn(caller.address, 1n, f.crumb))
          .to.be.revertedWithCustomError(f.program, "LoyaltyCreditOnlyExchange")
          .withArgs(caller.address);
      }
      expect(await f.program.loyaltyExchange()).to.equal(await f.exchange.getAddress());
    });
  });

  describe("setRoute", function () {
    it("emits RouteSet and is readable", async function () {
      const route = { ...f.route, numerator: 1n, denominator: 1n };
      await expect(f.exchange.connect(f.accounts.governor).setRoute(f.crumb, f.program, route)).to.emit(
        f.exchange,
        "RouteSet",
      );
      const stored = await f.exchange.routeOf(f.crumb, f.program);
      expect([...stored]).to.deep.equal([1n, 1n, 1_000n, 1_500n, BigInt(DAY)]);
    });

    it("reverts with LoyaltyExchangeNotAProgram for an address that is not a program", async function () {
      const coin = await f.contracts.coin.getAddress();
      await expect(f.exchange.connect(f.accounts.governor).setRoute(coin, f.crumb, f.route))
        .to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeNotAProgram")
        .withArgs(coin);
    });

    for (const [label, change] of [
      ["a zero numerator", { numerator: 0n }],
      ["a zero per-conversion cap", { perConversionCap: 0n }],
      ["a zero window cap", { perWindowCap: 0n }],
      ["a window under an hour", { window: HOUR - 1 }],
    ] as const) {
      it(`reverts with LoyaltyExchangeInvalidRoute for ${label}, changing nothing`, async function () {
        await expect(
          f.exchange.connect(f.accounts.governor).setRoute(f.program, f.crumb, { ...f.route, ...change }),
        ).to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeInvalidRoute");
        expect([...(await f.exchange.routeOf(f.program, f.crumb))]).to.deep.equal([
          2n,
          5n,
          1_000n,
          1_500n,
          BigInt(DAY),
        ]);
      });
    }

    it("reverts with LoyaltyExchangeInvalidRoute from a program to itself", async function () {
      await expect(
        f.exchange.connect(f.accounts.governor).setRoute(f.program, f.program, f.route),
      ).to.be.revertedWithCustomError(f.exchange, "LoyaltyExchangeInvalidRoute");
    });

    it("is refused to every account but the governor", async function () {
      for (const caller of Object.values(f.accounts)) {
        if (caller.address === f.accounts.governor.address) continue;
        await expect(f.exchange.connect(caller).setRoute(f.program, f.crumb, f.route))
          .to.be.revertedWithCustomError(f.exchange, "AccessManagedUnauthorized")
          .withArgs(caller.address);
      }
    });
  });
});

/** Any program address (the matcher accepts any value). */
function anyProgram() {
  return (value: unknown) => typeof value === "string";
}
