import { expect } from "chai";
import { deployments, ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { IHoldable, INetSettleable } from "../../../typechain-types";
import { Claim, claimsOf } from "../../../sdk/claims";
import { Restriction } from "../../../sdk/restrictions";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";
import { DELIVERED, RECEIVED } from "./netSecurity";

const DAY = 86_400n;
const YEAR = 365n * DAY;
const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const CHINA = 156;
const usd = (dollars: number | bigint) => BigInt(dollars) * 10n ** 6n;
const investor = (label: string) => ethers.id(`net coin:investor:${label}`);

/** One position: account, signed change, flags (default: RECEIVED for a gain, DELIVERED for a loss). */
type Position = [string, bigint, number?];

function encode(positions: Position[]): [string[], bigint[], number[]] {
  return [
    positions.map((p) => p[0]),
    positions.map((p) => p[1]),
    positions.map(([, delta, flags]) => flags ?? (delta > 0n ? RECEIVED : delta < 0n ? DELIVERED : 0)),
  ];
}

async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [address] });
  await network.provider.request({ method: "hardhat_setBalance", params: [address, ethers.toQuantity(10n ** 20n)] });
  return ethers.getSigner(address);
}

/**
 * The USD coin with alice 1,000, bob 500, carol 0 (all verified investors, a year, synced), the issuer (a member)
 * 300; `engine` is the `Settlement` deployment, impersonated; `net` the coin's `INetSettleable` face (its hold
 * module, behind the coin's fallback).
 */
async function netCoinFixture() {
  const { accounts, contracts } = await coreFixture();
  const { coin, identity, authority } = contracts;
  const { alice, bob, carol, issuer, custodian, kycProvider } = accounts;
  const expiry = BigInt(await time.latest()) + YEAR;
  const kyc = identity.connect(kycProvider);
  await kyc.registerInvestor(investor("alice"), CHINA, KYC_AML, expiry, [alice.address]);
  await kyc.registerInvestor(investor("bob"), CHINA, KYC_AML, expiry, [bob.address]);
  await kyc.registerInvestor(investor("carol"), CHINA, KYC_AML, expiry, [carol.address]);
  await coin.syncHolders([alice.address, bob.address, carol.address]);
  const address = await coin.getAddress();
  await callThroughAuthority(
    authority,
    issuer,
    address,
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, usd(1_000_000)]),
  );
  await coin.connect(custodian).attestReserves(usd(10_000), await time.latest(), ethers.id("report"));
  await coin.connect(issuer).mint(alice.address, usd(1_000));
  await coin.connect(issuer).mint(bob.address, usd(500));
  await coin.connect(issuer).mint(issuer.address, usd(300));
  const engine = await impersonate((await deployments.get("Settlement")).address);
  const net = (await ethers.getContractAt("INetSettleable", address)) as unknown as INetSettleable;
  const holds = (await ethers.getContractAt("IHoldable", address)) as unknown as IHoldable;
  return { accounts, contracts, coin, net, holds, engine, expiry };
}

type Fixture = Awaited<ReturnType<typeof netCoinFixture>>;

/** Everything observable about the coin's balances: equal states mean nothing changed. */
async function coinState(f: Fixture) {
  const { alice, bob, carol, issuer, stranger } = f.accounts;
  const holders = [alice, bob, carol, issuer, stranger, f.engine].map((s) => s.address);
  return {
    supply: await f.coin.totalSupply(),
    balances: await Promise.all(holders.map((h) => f.coin.balanceOf(h))),
    available: await Promise.all(holders.map((h) => f.holds.availableBalanceOf(h))),
  };
}

function settle(f: Fixture, positions: Position[]) {
  return f.net.connect(f.engine).settleNet(...encode(positions));
}

async function expectReverted(
  f: Fixture,
  positions: Position[],
  error: string,
  args: unknown[],
  from?: HardhatEthersSigner,
): Promise<void> {
  const before = await coinState(f);
  // The errors' owners: INetSettleable's, IHoldable's, the coin's.
  const owner = error.startsWith("Net") ? f.net : error.startsWith("Holdable") ? f.holds : f.coin;
  await expect(f.net.connect(from ?? f.engine).settleNet(...encode(positions)))
    .to.be.revertedWithCustomError(owner, error)
    .withArgs(...args);
  expect(await coinState(f)).to.deep.equal(before);
}

async function expectRefusedAt(f: Fixture, positions: Position[], index: number, code: Restriction): Promise<void> {
  const [account, delta] = positions[index];
  await expectReverted(f, positions, "NetPositionRefused", [index, account, delta, code]);
}

describe("SettlementCoin net settlement (settleNet, in the hold module)", function () {
  context("when every position passes", function () {
    it("applies the changes: balances, supply unchanged, debits then credits as Transfers through the engine", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, carol, issuer } = f.accounts;
      const supply = await f.coin.totalSupply();
      const receipt = await (
        await settle(f, [
          [carol.address, usd(150)],
          [alice.address, -usd(400)],
          [bob.address, usd(200)],
          [issuer.address, usd(50)],
        ])
      ).wait();
      const transfers = receipt!.logs
        .map((log) => f.coin.interface.parseLog(log))
        .filter((log) => log?.name === "Transfer")
        .map((log) => [log!.args[0], log!.args[1], log!.args[2]]);
      const engine = f.engine.address;
      expect(transfers).to.deep.equal([
        [alice.address, engine, usd(400)],
        [engine, carol.address, usd(150)],
        [engine, bob.address, usd(200)],
        [engine, issuer.address, usd(50)],
      ]);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(600));
      expect(await f.coin.balanceOf(bob.address)).to.equal(usd(700));
      expect(await f.coin.balanceOf(carol.address)).to.equal(usd(150));
      expect(await f.coin.balanceOf(issuer.address)).to.equal(usd(350));
      expect(await f.coin.balanceOf(engine)).to.equal(0n);
      expect(await f.coin.totalSupply()).to.equal(supply);
    });

    it("checks a zero position, applies duplicates in order, and lets a lapsed holder deliver", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, carol } = f.accounts;
      await settle(f, [
        [bob.address, usd(100)],
        [bob.address, -usd(500)],
        [carol.address, 0n, RECEIVED | DELIVERED],
        [alice.address, usd(400)],
      ]);
      expect(await f.coin.balanceOf(bob.address)).to.equal(usd(100));
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_400));
      // A sender need not be eligible (as a transfer): alice's eligibility lapses, she may still deliver.
      await time.increaseTo(f.expiry);
      await settle(f, [
        [alice.address, -usd(1)],
        [f.accounts.issuer.address, usd(1)],
      ]);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_399));
    });

    it("lets anyone receive under the Open policy, frozen accounts aside", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, stranger, governor } = f.accounts;
      await callThroughAuthority(
        f.contracts.authority,
        governor,
        await f.coin.getAddress(),
        f.coin.interface.encodeFunctionData("setHolderPolicy", [0]), // Open
      );
      await settle(f, [
        [alice.address, -usd(5)],
        [stranger.address, usd(5)],
      ]);
      expect(await f.coin.balanceOf(stranger.address)).to.equal(usd(5));
    });
  });

  context("when the call is malformed", function () {
    it("reverts with HoldableUnauthorizedEngine for any caller but the engine", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, regulator } = f.accounts;
      const positions: Position[] = [
        [alice.address, -1n],
        [bob.address, 1n],
      ];
      await expectReverted(f, positions, "HoldableUnauthorizedEngine", [alice.address], alice);
      await expectReverted(f, positions, "HoldableUnauthorizedEngine", [regulator.address], regulator);
    });

    it("reverts with NetLengthMismatch and NetUnbalanced", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob } = f.accounts;
      const before = await coinState(f);
      await expect(f.net.connect(f.engine).settleNet([alice.address], [-1n, 1n], [DELIVERED]))
        .to.be.revertedWithCustomError(f.net, "NetLengthMismatch")
        .withArgs(1, 2, 1);
      expect(await coinState(f)).to.deep.equal(before);
      await expectReverted(
        f,
        [
          [alice.address, -2n],
          [bob.address, 1n],
        ],
        "NetUnbalanced",
        [-1n],
      );
    });

    it("reverts with SettlementCoinInvalidAddress for the zero address (the supply's headroom) or the escrow", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice } = f.accounts;
      const self = await f.coin.getAddress();
      // A debit from the zero address would mint from the headroom; a credit would burn.
      await expectReverted(
        f,
        [
          [ethers.ZeroAddress, -1n],
          [alice.address, 1n],
        ],
        "SettlementCoinInvalidAddress",
        [ethers.ZeroAddress],
      );
      await expectReverted(
        f,
        [
          [alice.address, -1n],
          [self, 1n],
        ],
        "SettlementCoinInvalidAddress",
        [self],
      );
    });
  });

  context("when the coin refuses", function () {
    it("refuses while paused (TokenPaused)", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, regulator } = f.accounts;
      await f.coin.connect(regulator).pause();
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [bob.address, 1n],
        ],
        0,
        Restriction.TokenPaused,
      );
    });

    it("refuses a frozen sender or recipient, even with a zero net change", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, carol, regulator } = f.accounts;
      await f.coin.connect(regulator).freeze(carol.address);
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [bob.address, 1n],
          [carol.address, 0n, DELIVERED],
        ],
        2,
        Restriction.SenderFrozen,
      );
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [bob.address, 1n],
          [carol.address, 0n, RECEIVED],
        ],
        2,
        Restriction.RecipientFrozen,
      );
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [carol.address, 1n],
        ],
        1,
        Restriction.RecipientFrozen,
      );
    });

    it("refuses a debit beyond the balance not held (InsufficientUnfrozenBalance)", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, carol } = f.accounts;
      await expectRefusedAt(
        f,
        [
          [carol.address, -1n],
          [bob.address, 1n],
        ],
        0,
        Restriction.InsufficientUnfrozenBalance,
      );
      await f.holds
        .connect(f.engine)
        .placeHold(ethers.id("net hold"), alice.address, usd(900), (await time.latest()) + 3_600);
      await expectRefusedAt(
        f,
        [
          [bob.address, usd(100) + 1n],
          [alice.address, -(usd(100) + 1n)],
        ],
        1,
        Restriction.InsufficientUnfrozenBalance,
      );
      await expectRefusedAt(
        f,
        [
          [alice.address, -(2n ** 255n)],
          [bob.address, 2n ** 254n],
          [carol.address, 2n ** 254n],
        ],
        0,
        Restriction.InsufficientUnfrozenBalance,
      );
      await settle(f, [
        [bob.address, usd(100)],
        [alice.address, -usd(100)],
      ]);
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(0n);
    });

    it("refuses a recipient whose cached eligibility is missing or has lapsed (RecipientNotVerified)", async function () {
      const f = await loadFixture(netCoinFixture);
      const { alice, bob, stranger } = f.accounts;
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [stranger.address, 1n],
        ],
        1,
        Restriction.RecipientNotVerified,
      );
      await time.increaseTo(f.expiry);
      await expectRefusedAt(
        f,
        [
          [alice.address, -1n],
          [bob.address, 0n, RECEIVED],
          [f.accounts.issuer.address, 1n],
        ],
        1,
        Restriction.RecipientNotVerified,
      );
      // The transfer path agrees.
      await expect(f.coin.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        f.coin,
        "SettlementCoinIneligibleHolder",
      );
    });
  });
});
