import { expect } from "chai";
import { deployments, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { coins } from "../../config/coins";
import { Claim, claimsOf } from "../../sdk/claims";
import { coreFixture } from "../fixtures/core";
import type { IdentityRegistry, MemberRegistry } from "../../typechain-types";

const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const YEAR = 365n * 86_400n;
const MAX_SUBSCRIBERS = 8;

/**
 * `IEligibilityPublisher` on both registries: the deploy step subscribes every coin of config/coins.ts, the
 * governor adds and removes subscribers, bad input reverts with the interface's custom errors and changes nothing.
 * (Who may call `addSubscriber`/`removeSubscriber` is proven by the access matrix, from config/roles.ts.)
 */
for (const registryName of ["IdentityRegistry", "MemberRegistry"] as const) {
  describe(`${registryName} (IEligibilityPublisher)`, function () {
    async function fixture() {
      const { accounts, contracts } = await coreFixture();
      const registry = (registryName === "IdentityRegistry" ? contracts.identity : contracts.members).connect(
        accounts.governor,
      ) as IdentityRegistry | MemberRegistry;
      // A contract with code that is not subscribed: a third coin proxy is not needed, any contract will do.
      const extra = await contracts.compliance.getAddress();
      return { accounts, contracts, registry, extra };
    }

    it("has every coin of config/coins.ts subscribed by the deploy step, in order", async function () {
      const { registry } = await loadFixture(fixture);
      const expected = await Promise.all(coins.map(async (coin) => (await deployments.get(coin.deployment)).address));
      expect(await registry.subscribers()).to.deep.equal(expected);
    });

    describe("addSubscriber", function () {
      it("appends the subscriber and emits SubscriberAdded", async function () {
        const { registry, extra } = await loadFixture(fixture);
        const before = await registry.subscribers();
        await expect(registry.addSubscriber(extra)).to.emit(registry, "SubscriberAdded").withArgs(extra);
        expect(await registry.subscribers()).to.deep.equal([...before, extra]);
      });

      for (const [label, address] of [
        ["the zero address", () => ethers.ZeroAddress],
        ["an account without code", () => ethers.Wallet.createRandom().address],
      ] as const) {
        it(`reverts with EligibilityPublisherInvalidSubscriber for ${label}`, async function () {
          const { registry } = await loadFixture(fixture);
          const before = await registry.subscribers();
          const subscriber = address();
          await expect(registry.addSubscriber(subscriber))
            .to.be.revertedWithCustomError(registry, "EligibilityPublisherInvalidSubscriber")
            .withArgs(subscriber);
          expect(await registry.subscribers()).to.deep.equal(before);
        });
      }

      it("reverts with EligibilityPublisherSubscriberExists for a subscriber already in the list", async function () {
        const { registry, contracts } = await loadFixture(fixture);
        const before = await registry.subscribers();
        const coin = await contracts.coin.getAddress();
        await expect(registry.addSubscriber(coin))
          .to.be.revertedWithCustomError(registry, "EligibilityPublisherSubscriberExists")
          .withArgs(coin);
        expect(await registry.subscribers()).to.deep.equal(before);
      });

      it(`reverts with EligibilityPublisherTooManySubscribers beyond ${MAX_SUBSCRIBERS}`, async function () {
        const { registry } = await loadFixture(fixture);
        while ((await registry.subscribers()).length < MAX_SUBSCRIBERS) {
          const filler = await ethers.deployContract("PlainERC20", [0n]);
          await registry.addSubscriber(await filler.getAddress());
        }
        const before = await registry.subscribers();
        const one = await ethers.deployContract("PlainERC20", [0n]);
        await expect(registry.addSubscriber(await one.getAddress()))
          .to.be.revertedWithCustomError(registry, "EligibilityPublisherTooManySubscribers")
          .withArgs(MAX_SUBSCRIBERS);
        expect(await registry.subscribers()).to.deep.equal(before);
      });
    });

    describe("removeSubscriber", function () {
      it("removes it (the last takes its place) and emits SubscriberRemoved", async function () {
        const { registry, contracts, extra } = await loadFixture(fixture);
        await registry.addSubscriber(extra);
        const usd = await contracts.coin.getAddress();
        const cny = await contracts.coinCNY.getAddress();
        const before = await registry.subscribers();
        const index = before.indexOf(usd);
        await expect(registry.removeSubscriber(usd)).to.emit(registry, "SubscriberRemoved").withArgs(usd);
        const after = [...before];
        after[index] = extra;
        after.pop();
        expect(await registry.subscribers()).to.deep.equal(after);
        expect(await registry.subscribers()).to.include(cny);
      });

      it("reverts with EligibilityPublisherUnknownSubscriber for an address not subscribed", async function () {
        const { registry, extra } = await loadFixture(fixture);
        const before = await registry.subscribers();
        await expect(registry.removeSubscriber(extra))
          .to.be.revertedWithCustomError(registry, "EligibilityPublisherUnknownSubscriber")
          .withArgs(extra);
        await expect(registry.removeSubscriber(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(registry, "EligibilityPublisherUnknownSubscriber")
          .withArgs(ethers.ZeroAddress);
        expect(await registry.subscribers()).to.deep.equal(before);
      });

      it("stops telling the removed coin (its cache then goes stale: why only retiring a coin removes it)", async function () {
        const { registry, contracts, accounts } = await loadFixture(fixture);
        const { coin, coinCNY, identity, members } = contracts;
        const { alice, exchange, kycProvider, governor } = accounts;
        const expiry = BigInt(await time.latest()) + YEAR;
        await identity
          .connect(kycProvider)
          .registerInvestor(ethers.id("investor:alice"), 156, KYC_AML, expiry, [alice.address]);
        const holder = registryName === "IdentityRegistry" ? alice.address : exchange.address;
        await coin.syncHolder(holder);
        await coinCNY.syncHolder(holder);
        await registry.removeSubscriber(await coin.getAddress());
        const change =
          registryName === "IdentityRegistry"
            ? identity.connect(kycProvider).removeInvestor(ethers.id("investor:alice"))
            : members.connect(governor).suspendMember(exchange.address, ethers.id("audit"));
        await expect(change)
          .to.emit(coinCNY, "HolderEligibilitySynced")
          .and.not.to.emit(coin, "HolderEligibilitySynced");
        expect(await coin.isEligible(holder)).to.equal(true);
        expect(await coinCNY.isEligible(holder)).to.equal(false);
      });
    });

    it("makes the change revert when a subscriber reverts (no change takes effect without reaching every cache)", async function () {
      const { registry, contracts, accounts } = await loadFixture(fixture);
      const { identity, members } = contracts;
      const { alice, exchange, kycProvider, governor } = accounts;
      // A contract without syncHolder/syncHolders/syncBaselineClaims reverts on each.
      const broken = await ethers.deployContract("PlainERC20", [0n]);
      await registry.addSubscriber(await broken.getAddress());
      if (registryName === "IdentityRegistry") {
        const expiry = BigInt(await time.latest()) + YEAR;
        const kyc = identity.connect(kycProvider);
        await kyc.registerInvestor(ethers.id("investor:alice"), 156, KYC_AML, expiry, [alice.address]);
        await expect(kyc.removeInvestor(ethers.id("investor:alice"))).to.be.reverted;
        expect(await identity.contains(alice.address)).to.equal(true);
      } else {
        await expect(members.connect(governor).suspendMember(exchange.address, ethers.id("audit"))).to.be.reverted;
        expect(await members.isActiveMember(exchange.address)).to.equal(true);
      }
    });
  });
}

/**
 * What each subscribed coin costs the registries' less-eligible changes (printed for the report; asserted only to
 * grow with the subscribers and to stay within a bound per coin).
 */
describe("the registries' cost per subscribed coin", function () {
  it("removeInvestor (one wallet, synced holder), suspendMember and setBaselineClaims with 0, 1 and 2 coins", async function () {
    const { accounts, contracts } = await loadFixture(coreFixture);
    const { identity, members, coin, coinCNY } = contracts;
    const { governor, kycProvider, alice, exchange } = accounts;
    const coinAddresses = [await coin.getAddress(), await coinCNY.getAddress()];
    const costs: Record<string, bigint[]> = { removeInvestor: [], suspendMember: [], setBaselineClaims: [] };
    for (const subscribed of [0, 1, 2]) {
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      for (const address of coinAddresses.slice(subscribed)) {
        await identity.connect(governor).removeSubscriber(address);
        await members.connect(governor).removeSubscriber(address);
      }
      const expiry = BigInt(await time.latest()) + YEAR;
      await identity
        .connect(kycProvider)
        .registerInvestor(ethers.id("investor:alice"), 156, KYC_AML, expiry, [alice.address]);
      await coin.syncHolders([alice.address, exchange.address]);
      await coinCNY.syncHolders([alice.address, exchange.address]);
      const gas = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
        (await (await tx).wait())!.gasUsed;
      costs.removeInvestor.push(await gas(identity.connect(kycProvider).removeInvestor(ethers.id("investor:alice"))));
      costs.suspendMember.push(await gas(members.connect(governor).suspendMember(exchange.address, ethers.id("x"))));
      costs.setBaselineClaims.push(await gas(identity.connect(governor).setBaselineClaims(KYC_AML | 4n)));
      await ethers.provider.send("evm_revert", [snapshot]);
    }
    for (const [name, [none, one, two]] of Object.entries(costs)) {
      console.log(`      ${name}: 0 coins ${none}, 1 coin ${one} (+${one - none}), 2 coins ${two} (+${two - one})`);
      expect(one, name).to.be.greaterThan(none);
      expect(two, name).to.be.greaterThan(one);
      expect(two - one, `${name}: one more coin`).to.be.lessThan(40_000n);
    }
  });
});
