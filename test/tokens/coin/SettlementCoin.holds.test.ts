import { expect } from "chai";
import { deployments, ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, FunctionFragment } from "ethers";
import fc from "fast-check";
import type { IHoldable, SettlementCoin } from "../../../typechain-types";
import { Claim, claimsOf } from "../../../sdk/claims";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";

const DAY = 86_400n;
const YEAR = 365n * DAY;
const MAX_UINT40 = 2n ** 40n - 1n;
const HELD_BIT = 1n << 169n;
const FROZEN_BIT = 1n << 128n;
const KYC_AML = claimsOf([Claim.KYC, Claim.AML]);
const CHINA = 156;
const investor = (label: string) => ethers.id(`holds:investor:${label}`);
const usd = (dollars: number | bigint) => BigInt(dollars) * 10n ** 6n;
const ALLOWANCE = usd(1_000_000);
const RESERVES = usd(10_000);
const PAYOUT = ethers.id("IBAN (hashed)");
const ORDER = ethers.id("court order 7");
const REASON = ethers.id("court order 7: cancel hold");
const holdId = (label: string) => ethers.id(`hold:${label}`);
const H1 = holdId("1");
const H2 = holdId("2");
const UNKNOWN = holdId("never placed");

const Status = { None: 0n, Active: 1n, Executed: 2n, Released: 3n, Cancelled: 4n } as const;

/** The ERC-7201 root of assetledger.storage.SettlementCoin (the account words' mapping is its first field). */
const ROOT =
  BigInt(
    ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint256"],
        [BigInt(ethers.id("assetledger.storage.SettlementCoin")) - 1n],
      ),
    ),
  ) & ~0xffn;

/** Impersonates the settlement engine (a contract: the tests send its calls as if it made them). */
async function impersonate(address: string): Promise<HardhatEthersSigner> {
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [address] });
  await network.provider.request({ method: "hardhat_setBalance", params: [address, ethers.toQuantity(10n ** 20n)] });
  return ethers.getSigner(address);
}

/**
 * The deployed core with the USD coin in use: alice, bob and carol are verified investors (KYC + AML, a year),
 * synced; the issuer (a member, MINTER) mints; alice holds 1,000, bob 500, the issuer 300. `engine` is the
 * `Settlement` deployment, impersonated; `holds` is the coin's `IHoldable` face.
 */
async function holdsFixture() {
  const { accounts, contracts } = await coreFixture();
  const { coin, identity, authority } = contracts;
  const { alice, bob, carol, issuer, custodian, kycProvider } = accounts;
  const kyc = identity.connect(kycProvider);
  const expiry = BigInt(await time.latest()) + YEAR;
  await kyc.registerInvestor(investor("alice"), CHINA, KYC_AML, expiry, [alice.address]);
  await kyc.registerInvestor(investor("bob"), CHINA, KYC_AML, expiry, [bob.address]);
  await kyc.registerInvestor(investor("carol"), CHINA, KYC_AML, expiry, [carol.address]);
  await coin.syncHolders([alice.address, bob.address, carol.address]);
  const address = await coin.getAddress();
  await callThroughAuthority(
    authority,
    issuer,
    address,
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, ALLOWANCE]),
  );
  await coin.connect(custodian).attestReserves(RESERVES, await time.latest(), ethers.id("report"));
  await coin.connect(issuer).mint(alice.address, usd(1_000));
  await coin.connect(issuer).mint(bob.address, usd(500));
  await coin.connect(issuer).mint(issuer.address, usd(300));
  const settlement = (await deployments.get("Settlement")).address;
  const engine = await impersonate(settlement);
  const holds = (await ethers.getContractAt("IHoldable", address)) as unknown as IHoldable;
  return { accounts, contracts, coin, holds, address, engine, kyc };
}

type Fixture = Awaited<ReturnType<typeof holdsFixture>>;

const deployed = (): Promise<Fixture> => loadFixture(holdsFixture);

async function expiryIn(seconds: bigint): Promise<bigint> {
  return BigInt(await time.latest()) + seconds;
}

/** The engine holds `amount` of `holder`'s coins under `id` for a day. */
async function place(f: Fixture, id: string, holder: HardhatEthersSigner, amount: bigint, expiry?: bigint) {
  return f.holds.connect(f.engine).placeHold(id, holder.address, amount, expiry ?? (await expiryIn(DAY)));
}

/** `account`'s raw balance word (layout: SettlementCoin's table). */
async function wordOf(f: Fixture, account: string): Promise<bigint> {
  const slot = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [account, ROOT]));
  return BigInt(await ethers.provider.getStorage(f.address, slot));
}

/** Everything observable about the coin's balances and holds: equal snapshots mean nothing changed. */
async function snapshot(f: Fixture, ids: string[] = [H1, H2]) {
  const { alice, bob, carol, issuer, stranger } = f.accounts;
  const holders = [alice, bob, carol, issuer, stranger].map((signer) => signer.address);
  return {
    supply: await f.coin.totalSupply(),
    paused: await f.coin.isPaused(),
    accounts: await Promise.all(
      holders.map(async (holder) => [
        await f.coin.balanceOf(holder),
        await f.holds.heldBalanceOf(holder),
        await f.holds.availableBalanceOf(holder),
        await f.coin.isFrozen(holder),
        await wordOf(f, holder),
      ]),
    ),
    holds: await Promise.all(ids.map(async (id) => [...(await f.holds.holdOf(id))])),
    redemptions: await f.coin.redemptionsOf(alice.address),
  };
}

/** Asserts `action` reverts with `contract`'s custom error `name` and `args`, changing nothing. */
async function expectRevert(
  f: Fixture,
  action: () => Promise<unknown>,
  contract: BaseContract,
  name: string,
  args: unknown[],
) {
  const before = await snapshot(f);
  await expect(action())
    .to.be.revertedWithCustomError(contract, name)
    .withArgs(...args);
  expect(await snapshot(f)).to.deep.equal(before);
}

function holdStruct(holder: string, expiry: bigint, status: bigint, amount: bigint, executed: bigint) {
  return [holder, expiry, status, amount, executed];
}

/** Signs alice's EIP-3009 `ReceiveWithAuthorization` of `value` to `to`. */
async function receiveAuthorization(f: Fixture, from: HardhatEthersSigner, to: string, value: bigint) {
  const domain = {
    name: await f.coin.name(),
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: f.address,
  };
  const types = {
    ReceiveWithAuthorization: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
    ],
  };
  const message = {
    from: from.address,
    to,
    value,
    validAfter: 0n,
    validBefore: await expiryIn(DAY),
    nonce: ethers.id(`nonce:${to}:${value}`),
  };
  return { message, signature: await from.signTypedData(domain, types, message) };
}

/** Submits a signed `ReceiveWithAuthorization` as `caller` (the `bytes` signature overload). */
function submitReceive(
  f: Fixture,
  caller: HardhatEthersSigner,
  message: Awaited<ReturnType<typeof receiveAuthorization>>["message"],
  signature: string,
) {
  const coin = f.coin.connect(caller);
  const receive = coin["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"];
  const { from, to, value, validAfter, validBefore, nonce } = message;
  return receive(from, to, value, validAfter, validBefore, nonce, signature);
}

describe("SettlementCoin holds (IHoldable)", function () {
  describe("the settlement engine", function () {
    it("is the Settlement deployment, always eligible (initialize caches it forever)", async function () {
      const f = await deployed();
      expect(await f.holds.settlementEngine()).to.equal(f.engine.address);
      expect(await f.coin.eligibleUntil(f.engine.address)).to.equal(MAX_UINT40);
      expect(await f.coin.isEligible(f.engine.address)).to.equal(true);
      // Anyone's sync keeps it so: it is neither a member nor an investor.
      await expect(f.coin.connect(f.accounts.stranger).syncHolder(f.engine.address))
        .to.emit(f.coin, "HolderEligibilitySynced")
        .withArgs(f.engine.address, true, MAX_UINT40);
      expect(await f.coin.eligibleUntil(f.engine.address)).to.equal(MAX_UINT40);
    });

    it("emits the engine's HolderEligibilitySynced at initialization", async function () {
      const f = await deployed();
      const implementation = await ethers.deployContract("SettlementCoin", [f.engine.address]);
      const data = implementation.interface.encodeFunctionData("initialize", [
        await f.contracts.authority.getAddress(),
        await f.contracts.identity.getAddress(),
        await f.contracts.members.getAddress(),
        "Test Coin",
        "TST",
        2,
        1,
        3_600,
      ]);
      const proxy = await ethers.deployContract("ERC1967Proxy", [await implementation.getAddress(), data]);
      const coin = implementation.attach(await proxy.getAddress()) as SettlementCoin;
      await expect(proxy.deploymentTransaction())
        .to.emit(coin, "HolderEligibilitySynced")
        .withArgs(f.engine.address, true, MAX_UINT40);
      expect(await (await ethers.getContractAt("IHoldable", await proxy.getAddress())).settlementEngine()).to.equal(
        f.engine.address,
      );
    });

    it("cannot be the zero address: the implementation's constructor reverts with SettlementCoinInvalidAddress", async function () {
      const f = await deployed();
      const factory = await ethers.getContractFactory("SettlementCoin");
      await expect(factory.deploy(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.coin, "SettlementCoinInvalidAddress")
        .withArgs(ethers.ZeroAddress);
    });

    it("receives a leg funded by receiveWithAuthorization and passes it on in the same settlement", async function () {
      const f = await deployed();
      const { alice, bob } = f.accounts;
      const { message, signature } = await receiveAuthorization(f, alice, f.engine.address, usd(40));
      await expect(submitReceive(f, f.engine, message, signature)).to.changeTokenBalances(
        f.coin,
        [alice, f.engine],
        [-usd(40), usd(40)],
      );
      await expect(
        f.holds.connect(f.engine).settlementTransfer(f.engine.address, bob.address, usd(40)),
      ).to.changeTokenBalances(f.coin, [f.engine, bob], [-usd(40), usd(40)]);
    });

    it("the deployment's ABI includes IHoldable (the module's functions behind the fallback)", async function () {
      const f = await deployed();
      const abi = new ethers.Interface((await deployments.get("SettlementCoinUSD")).abi);
      for (const fragment of f.holds.interface.fragments) {
        if (fragment.type !== "function") continue;
        expect(abi.getFunction((fragment as FunctionFragment).format("sighash")), fragment.format()).to.not.equal(null);
      }
    });
  });

  describe("placeHold", function () {
    it("holds part of the balance: HoldPlaced, the hold, held, available, the has-holds bit; the balance unchanged", async function () {
      const f = await deployed();
      const { alice } = f.accounts;
      const expiry = await expiryIn(DAY);
      const wordBefore = await wordOf(f, alice.address);
      expect(wordBefore & HELD_BIT).to.equal(0n);
      await expect(place(f, H1, alice, usd(300), expiry))
        .to.emit(f.holds, "HoldPlaced")
        .withArgs(H1, alice.address, usd(300), expiry);
      expect([...(await f.holds.holdOf(H1))]).to.deep.equal(
        holdStruct(alice.address, expiry, Status.Active, usd(300), 0n),
      );
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(1_000));
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(300));
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(usd(700));
      // Only the has-holds bit changed in the word: balance, eligibility and claims stay.
      expect(await wordOf(f, alice.address)).to.equal(wordBefore | HELD_BIT);
      await place(f, H2, alice, usd(700));
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(1_000));
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(0n);
    });

    it("reports a hold never placed as None, and the zero address's available balance as 0", async function () {
      const f = await deployed();
      expect([...(await f.holds.holdOf(UNKNOWN))]).to.deep.equal(
        holdStruct(ethers.ZeroAddress, 0n, Status.None, 0n, 0n),
      );
      expect(await f.holds.availableBalanceOf(ethers.ZeroAddress)).to.equal(0n);
    });

    context("when the caller is not the engine", function () {
      it("reverts with HoldableUnauthorizedEngine for everyone else, officers included", async function () {
        const f = await deployed();
        const { alice } = f.accounts;
        const expiry = await expiryIn(DAY);
        for (const caller of Object.values(f.accounts)) {
          await expectRevert(
            f,
            () => f.holds.connect(caller).placeHold(H1, alice.address, usd(1), expiry),
            f.holds,
            "HoldableUnauthorizedEngine",
            [caller.address],
          );
        }
      });
    });

    context("when the holder is the zero address or the coin (the escrow), or the amount is zero", function () {
      it("reverts with HoldableInvalidHold", async function () {
        const f = await deployed();
        const expiry = await expiryIn(DAY);
        const cases: [string, bigint][] = [
          [ethers.ZeroAddress, usd(1)],
          [f.address, usd(1)],
          [f.accounts.alice.address, 0n],
        ];
        for (const [holder, amount] of cases) {
          await expectRevert(
            f,
            () => f.holds.connect(f.engine).placeHold(H1, holder, amount, expiry),
            f.holds,
            "HoldableInvalidHold",
            [holder, amount],
          );
        }
      });
    });

    context("when the expiry is not in the future", function () {
      it("reverts with HoldableInvalidExpiry", async function () {
        const f = await deployed();
        // Zero, the previous block's timestamp, and the transaction's own block's (not in the future either).
        for (const offset of [undefined, 0n, 1n]) {
          const now = BigInt(await time.latest());
          const expiry = offset === undefined ? 0n : now + offset;
          await time.setNextBlockTimestamp(now + 1n);
          await expect(f.holds.connect(f.engine).placeHold(H1, f.accounts.alice.address, usd(1), expiry))
            .to.be.revertedWithCustomError(f.holds, "HoldableInvalidExpiry")
            .withArgs(expiry);
        }
        expect((await f.holds.holdOf(H1)).status).to.equal(Status.None);
      });
    });

    context("when the id was used (active, executed, released or cancelled)", function () {
      it("reverts with HoldableHoldExists: ids are never reused", async function () {
        const f = await deployed();
        const { alice, bob, regulator } = f.accounts;
        const ids = [holdId("active"), holdId("executed"), holdId("released"), holdId("cancelled")];
        for (const id of ids) await place(f, id, alice, usd(10));
        await f.holds.connect(f.engine).executeHold(ids[1], bob.address, usd(10));
        await f.holds.connect(f.engine).releaseHold(ids[2]);
        await f.holds.connect(regulator).cancelHold(ids[3], REASON);
        for (const id of ids) {
          await expectRevert(f, () => place(f, id, bob, usd(1)), f.holds, "HoldableHoldExists", [id]);
        }
      });
    });

    context("when the coin is paused", function () {
      it("reverts with SettlementCoinPaused", async function () {
        const f = await deployed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(f, () => place(f, H1, f.accounts.alice, usd(1)), f.coin, "SettlementCoinPaused", []);
      });
    });

    context("when the holder is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen", async function () {
        const f = await deployed();
        const { alice, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expectRevert(f, () => place(f, H1, alice, usd(1)), f.coin, "SettlementCoinAccountFrozen", [
          alice.address,
        ]);
      });
    });

    context("when the available balance is short", function () {
      it("reverts with HoldableInsufficientAvailableBalance (held units are not held again)", async function () {
        const f = await deployed();
        const { alice, stranger } = f.accounts;
        await expectRevert(
          f,
          () => place(f, H1, alice, usd(1_000) + 1n),
          f.holds,
          "HoldableInsufficientAvailableBalance",
          [alice.address, usd(1_000), usd(1_000) + 1n],
        );
        await place(f, H1, alice, usd(600));
        await expectRevert(
          f,
          () => place(f, H2, alice, usd(400) + 1n),
          f.holds,
          "HoldableInsufficientAvailableBalance",
          [alice.address, usd(400), usd(400) + 1n],
        );
        await expectRevert(f, () => place(f, H2, stranger, 1n), f.holds, "HoldableInsufficientAvailableBalance", [
          stranger.address,
          0n,
          1n,
        ]);
      });
    });
  });

  describe("held units", function () {
    async function heldFixture() {
      const f = await holdsFixture();
      await place(f, H1, f.accounts.alice, usd(700));
      await place(f, H2, f.accounts.issuer, usd(200));
      return f;
    }
    const held = (): Promise<Fixture> => loadFixture(heldFixture);

    it("stay the holder's: balanceOf and the supply count them", async function () {
      const f = await held();
      expect(await f.coin.balanceOf(f.accounts.alice.address)).to.equal(usd(1_000));
      expect(await f.coin.totalSupply()).to.equal(usd(1_800));
    });

    it("a transfer up to the available balance succeeds; beyond it, HoldableInsufficientAvailableBalance", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      await expectRevert(
        f,
        () => f.coin.connect(alice).transfer(bob.address, usd(300) + 1n),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(300) + 1n],
      );
      await expect(f.coin.connect(alice).transfer(bob.address, usd(300))).to.changeTokenBalances(
        f.coin,
        [alice, bob],
        [-usd(300), usd(300)],
      );
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(0n);
      await expectRevert(
        f,
        () => f.coin.connect(alice).transfer(bob.address, 1n),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, 0n, 1n],
      );
    });

    it("transferFrom and settlementTransfer cannot take them either", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      await f.coin.connect(alice).approve(bob.address, usd(1_000));
      await expectRevert(
        f,
        () => f.coin.connect(bob).transferFrom(alice.address, bob.address, usd(301)),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
      await expectRevert(
        f,
        () => f.holds.connect(f.engine).settlementTransfer(alice.address, bob.address, usd(301)),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
    });

    it("an EIP-3009 transfer cannot take them", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      const { message, signature } = await receiveAuthorization(f, alice, bob.address, usd(301));
      await expectRevert(
        f,
        () => submitReceive(f, bob, message, signature),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
    });

    it("cannot be redeemed (requestRedemption)", async function () {
      const f = await held();
      const { alice } = f.accounts;
      await expectRevert(
        f,
        () => f.coin.connect(alice).requestRedemption(usd(301), PAYOUT),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
      await expect(f.coin.connect(alice).requestRedemption(usd(300), PAYOUT)).to.emit(f.coin, "RedemptionRequested");
    });

    it("cannot be burned (a minter's burn of its own coins)", async function () {
      const f = await held();
      const { issuer } = f.accounts;
      await expectRevert(
        f,
        () => f.coin.connect(issuer).burn(usd(101)),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [issuer.address, usd(100), usd(101)],
      );
      await expect(f.coin.connect(issuer).burn(usd(100)))
        .to.emit(f.coin, "Burned")
        .withArgs(issuer.address, usd(100));
    });

    it("cannot be seized: the REGULATOR cancels the hold first, then seizes them", async function () {
      const f = await held();
      const { alice, carol, regulator } = f.accounts;
      await expect(f.coin.connect(regulator).seize(alice.address, carol.address, usd(300), ORDER)).to.emit(
        f.coin,
        "Seized",
      );
      await expectRevert(
        f,
        () => f.coin.connect(regulator).seize(alice.address, carol.address, 1n, ORDER),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, 0n, 1n],
      );
      // Frozen and paused as well: seizure ignores both, never holds.
      await f.coin.connect(regulator).freeze(alice.address);
      await f.coin.connect(regulator).pause();
      await expectRevert(
        f,
        () => f.coin.connect(regulator).seize(alice.address, carol.address, 1n, ORDER),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, 0n, 1n],
      );
      await expect(f.holds.connect(regulator).cancelHold(H1, REASON))
        .to.emit(f.holds, "HoldCancelled")
        .withArgs(H1, alice.address, usd(700), regulator.address, REASON);
      await expect(f.coin.connect(regulator).seize(alice.address, carol.address, usd(700), ORDER))
        .to.emit(f.coin, "Seized")
        .withArgs(alice.address, carol.address, usd(700), ORDER);
      expect(await f.coin.balanceOf(alice.address)).to.equal(0n);
    });

    it("stay locked across an eligibility sync (the sync keeps the has-holds bit)", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      await expect(f.coin.syncHolder(alice.address)).to.emit(f.coin, "HolderEligibilitySynced");
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(HELD_BIT);
      await expectRevert(
        f,
        () => f.coin.connect(alice).transfer(bob.address, usd(301)),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
    });

    it("stay locked when the holder leaves the registry (the registry's push syncs it)", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      await f.kyc.removeInvestor(investor("alice"));
      expect(await f.coin.isEligible(alice.address)).to.equal(false);
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(HELD_BIT);
      // A holder need not be eligible to send what is available; held units stay held.
      await expectRevert(
        f,
        () => f.coin.connect(alice).transfer(bob.address, usd(301)),
        f.holds,
        "HoldableInsufficientAvailableBalance",
        [alice.address, usd(300), usd(301)],
      );
      await f.coin.connect(alice).transfer(bob.address, usd(300));
    });

    it("receiving coins changes nothing about a hold", async function () {
      const f = await held();
      const { alice, bob } = f.accounts;
      await f.coin.connect(bob).transfer(alice.address, usd(50));
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(700));
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(usd(350));
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(HELD_BIT);
    });
  });

  describe("executeHold", function () {
    async function placedFixture() {
      const f = await holdsFixture();
      const expiry = await expiryIn(DAY);
      await place(f, H1, f.accounts.alice, usd(600), expiry);
      return { ...f, expiry };
    }
    const placed = () => loadFixture(placedFixture);

    it("moves the amount to the recipient as a transfer: Transfer, HoldExecuted, the rest still held", async function () {
      const f = await placed();
      const { alice, bob } = f.accounts;
      const tx = f.holds.connect(f.engine).executeHold(H1, bob.address, usd(250));
      await expect(tx).to.changeTokenBalances(f.coin, [alice, bob], [-usd(250), usd(250)]);
      await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, bob.address, usd(250));
      await expect(tx).to.emit(f.holds, "HoldExecuted").withArgs(H1, alice.address, bob.address, usd(250), usd(350));
      expect([...(await f.holds.holdOf(H1))]).to.deep.equal(
        holdStruct(alice.address, f.expiry, Status.Active, usd(350), usd(250)),
      );
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(350));
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(usd(400));
    });

    it("executes in tranches summing to the whole; the last one marks it Executed and clears the has-holds bit", async function () {
      const f = await placed();
      const { alice, bob, carol } = f.accounts;
      const tranches: [HardhatEthersSigner, bigint][] = [
        [bob, usd(100)],
        [carol, usd(200)],
        [bob, usd(300)],
      ];
      let executed = 0n;
      for (const [to, amount] of tranches) {
        executed += amount;
        await expect(f.holds.connect(f.engine).executeHold(H1, to.address, amount))
          .to.emit(f.holds, "HoldExecuted")
          .withArgs(H1, alice.address, to.address, amount, usd(600) - executed);
      }
      expect([...(await f.holds.holdOf(H1))]).to.deep.equal(
        holdStruct(alice.address, f.expiry, Status.Executed, 0n, usd(600)),
      );
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(0n);
      expect(await f.coin.balanceOf(alice.address)).to.equal(usd(400));
      expect(await f.coin.balanceOf(bob.address)).to.equal(usd(900));
      expect(await f.coin.balanceOf(carol.address)).to.equal(usd(200));
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(0n);
      await expectRevert(
        f,
        () => f.holds.connect(f.engine).executeHold(H1, bob.address, 1n),
        f.holds,
        "HoldableHoldNotActive",
        [H1, Status.Executed],
      );
    });

    it("takes only the hold's units: another hold of the same holder stays intact", async function () {
      const f = await placed();
      const { alice, bob } = f.accounts;
      await place(f, H2, alice, usd(400));
      await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(600));
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(400));
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(0n);
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(HELD_BIT);
    });

    context("when the caller is not the engine", function () {
      it("reverts with HoldableUnauthorizedEngine", async function () {
        const f = await placed();
        for (const caller of Object.values(f.accounts)) {
          await expectRevert(
            f,
            () => f.holds.connect(caller).executeHold(H1, f.accounts.bob.address, usd(1)),
            f.holds,
            "HoldableUnauthorizedEngine",
            [caller.address],
          );
        }
      });
    });

    context("when the hold is not active", function () {
      it("reverts with HoldableHoldNotActive (never placed, released, cancelled)", async function () {
        const f = await placed();
        const { alice, bob, regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(UNKNOWN, bob.address, 1n),
          f.holds,
          "HoldableHoldNotActive",
          [UNKNOWN, Status.None],
        );
        await f.holds.connect(f.engine).releaseHold(H1);
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, 1n),
          f.holds,
          "HoldableHoldNotActive",
          [H1, Status.Released],
        );
        await place(f, H2, alice, usd(10));
        await f.holds.connect(regulator).cancelHold(H2, REASON);
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H2, bob.address, 1n),
          f.holds,
          "HoldableHoldNotActive",
          [H2, Status.Cancelled],
        );
      });
    });

    context("when the hold has expired", function () {
      it("executes until the second before the expiry, and reverts with HoldableHoldExpired from the expiry on", async function () {
        const f = await placed();
        const { bob } = f.accounts;
        await time.setNextBlockTimestamp(f.expiry - 1n);
        await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1));
        await time.setNextBlockTimestamp(f.expiry);
        await expect(f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1)))
          .to.be.revertedWithCustomError(f.holds, "HoldableHoldExpired")
          .withArgs(H1, f.expiry);
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1)),
          f.holds,
          "HoldableHoldExpired",
          [H1, f.expiry],
        );
      });
    });

    context("when the recipient is the zero address or the amount zero", function () {
      it("reverts with HoldableInvalidHold", async function () {
        const f = await placed();
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, ethers.ZeroAddress, usd(1)),
          f.holds,
          "HoldableInvalidHold",
          [ethers.ZeroAddress, usd(1)],
        );
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, f.accounts.bob.address, 0n),
          f.holds,
          "HoldableInvalidHold",
          [f.accounts.bob.address, 0n],
        );
      });
    });

    context("when the amount exceeds what remains", function () {
      it("reverts with HoldableExceedsHold", async function () {
        const f = await placed();
        const { bob } = f.accounts;
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(600) + 1n),
          f.holds,
          "HoldableExceedsHold",
          [H1, usd(600), usd(600) + 1n],
        );
        await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(500));
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(100) + 1n),
          f.holds,
          "HoldableExceedsHold",
          [H1, usd(100), usd(100) + 1n],
        );
      });
    });

    context("the transfer's checks apply at execution", function () {
      it("reverts with SettlementCoinPaused while paused", async function () {
        const f = await placed();
        await f.coin.connect(f.accounts.regulator).pause();
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, f.accounts.bob.address, usd(1)),
          f.coin,
          "SettlementCoinPaused",
          [],
        );
      });

      it("reverts with SettlementCoinAccountFrozen when the holder was frozen since (its hold stays)", async function () {
        const f = await placed();
        const { alice, bob, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(alice.address);
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1)),
          f.coin,
          "SettlementCoinAccountFrozen",
          [alice.address],
        );
        expect((await f.holds.holdOf(H1)).status).to.equal(Status.Active);
        expect(await f.holds.heldBalanceOf(alice.address)).to.equal(usd(600));
        // Unfrozen, it executes.
        await f.coin.connect(regulator).unfreeze(alice.address);
        await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1));
      });

      it("reverts with SettlementCoinAccountFrozen when the recipient is frozen", async function () {
        const f = await placed();
        const { bob, regulator } = f.accounts;
        await f.coin.connect(regulator).freeze(bob.address);
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1)),
          f.coin,
          "SettlementCoinAccountFrozen",
          [bob.address],
        );
      });

      it("reverts with SettlementCoinIneligibleHolder for a recipient never registered, or removed since the hold", async function () {
        const f = await placed();
        const { bob, stranger } = f.accounts;
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, stranger.address, usd(1)),
          f.coin,
          "SettlementCoinIneligibleHolder",
          [stranger.address],
        );
        await f.kyc.removeInvestor(investor("bob"));
        await expectRevert(
          f,
          () => f.holds.connect(f.engine).executeHold(H1, bob.address, usd(1)),
          f.coin,
          "SettlementCoinIneligibleHolder",
          [bob.address],
        );
      });
    });
  });

  describe("releaseHold", function () {
    async function placedFixture() {
      const f = await holdsFixture();
      const expiry = await expiryIn(DAY);
      await place(f, H1, f.accounts.alice, usd(600), expiry);
      return { ...f, expiry };
    }
    const placed = () => loadFixture(placedFixture);

    it("by the engine before the expiry: HoldReleased, the units available again", async function () {
      const f = await placed();
      const { alice } = f.accounts;
      await expect(f.holds.connect(f.engine).releaseHold(H1))
        .to.emit(f.holds, "HoldReleased")
        .withArgs(H1, alice.address, usd(600), f.engine.address);
      expect([...(await f.holds.holdOf(H1))]).to.deep.equal(
        holdStruct(alice.address, f.expiry, Status.Released, 0n, 0n),
      );
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(0n);
      expect(await f.holds.availableBalanceOf(alice.address)).to.equal(usd(1_000));
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(0n);
    });

    it("releases what remains after a partial execution", async function () {
      const f = await placed();
      const { alice, bob } = f.accounts;
      await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(100));
      await expect(f.holds.connect(f.engine).releaseHold(H1))
        .to.emit(f.holds, "HoldReleased")
        .withArgs(H1, alice.address, usd(500), f.engine.address);
      expect([...(await f.holds.holdOf(H1))]).to.deep.equal(
        holdStruct(alice.address, f.expiry, Status.Released, 0n, usd(100)),
      );
    });

    it("by anyone from the expiry on; by nobody but the engine before", async function () {
      const f = await placed();
      const { alice, stranger } = f.accounts;
      for (const caller of Object.values(f.accounts)) {
        await expectRevert(f, () => f.holds.connect(caller).releaseHold(H1), f.holds, "HoldableHoldNotExpired", [
          H1,
          f.expiry,
        ]);
      }
      // The last second before the expiry, then the expiry itself.
      await time.setNextBlockTimestamp(f.expiry - 1n);
      await expect(f.holds.connect(stranger).releaseHold(H1))
        .to.be.revertedWithCustomError(f.holds, "HoldableHoldNotExpired")
        .withArgs(H1, f.expiry);
      await time.setNextBlockTimestamp(f.expiry);
      await expect(f.holds.connect(stranger).releaseHold(H1))
        .to.emit(f.holds, "HoldReleased")
        .withArgs(H1, alice.address, usd(600), stranger.address);
    });

    it("is allowed while paused and while the holder is frozen", async function () {
      const f = await placed();
      const { alice, regulator } = f.accounts;
      await place(f, H2, alice, usd(100));
      await f.coin.connect(regulator).pause();
      await expect(f.holds.connect(f.engine).releaseHold(H1)).to.emit(f.holds, "HoldReleased");
      await f.coin.connect(regulator).unpause();
      await f.coin.connect(regulator).freeze(alice.address);
      await expect(f.holds.connect(f.engine).releaseHold(H2)).to.emit(f.holds, "HoldReleased");
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(0n);
      expect((await wordOf(f, alice.address)) & (HELD_BIT | FROZEN_BIT)).to.equal(FROZEN_BIT);
    });

    context("when the hold is not active", function () {
      it("reverts with HoldableHoldNotActive (never placed, released twice)", async function () {
        const f = await placed();
        await expectRevert(f, () => f.holds.connect(f.engine).releaseHold(UNKNOWN), f.holds, "HoldableHoldNotActive", [
          UNKNOWN,
          Status.None,
        ]);
        await f.holds.connect(f.engine).releaseHold(H1);
        await expectRevert(f, () => f.holds.connect(f.engine).releaseHold(H1), f.holds, "HoldableHoldNotActive", [
          H1,
          Status.Released,
        ]);
        await time.increaseTo(f.expiry);
        await expectRevert(
          f,
          () => f.holds.connect(f.accounts.stranger).releaseHold(H1),
          f.holds,
          "HoldableHoldNotActive",
          [H1, Status.Released],
        );
      });
    });
  });

  describe("cancelHold", function () {
    async function placedFixture() {
      const f = await holdsFixture();
      await place(f, H1, f.accounts.alice, usd(600));
      return f;
    }
    const placed = () => loadFixture(placedFixture);

    it("by the REGULATOR, with its reason: HoldCancelled, the units available again", async function () {
      const f = await placed();
      const { alice, regulator } = f.accounts;
      await expect(f.holds.connect(regulator).cancelHold(H1, REASON))
        .to.emit(f.holds, "HoldCancelled")
        .withArgs(H1, alice.address, usd(600), regulator.address, REASON);
      expect((await f.holds.holdOf(H1)).status).to.equal(Status.Cancelled);
      expect((await f.holds.holdOf(H1)).amount).to.equal(0n);
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(0n);
      expect((await wordOf(f, alice.address)) & HELD_BIT).to.equal(0n);
    });

    it("is allowed while paused and while the holder is frozen", async function () {
      const f = await placed();
      const { alice, regulator } = f.accounts;
      await f.coin.connect(regulator).pause();
      await f.coin.connect(regulator).freeze(alice.address);
      await expect(f.holds.connect(regulator).cancelHold(H1, REASON)).to.emit(f.holds, "HoldCancelled");
    });

    context("when the caller does not hold REGULATOR", function () {
      it("reverts with AccessManagedUnauthorized (the engine, members, investors, the governor, the deployer)", async function () {
        const f = await placed();
        const callers = [...Object.values(f.accounts).filter((s) => s !== f.accounts.regulator), f.engine];
        for (const caller of callers) {
          await expectRevert(
            f,
            () => f.holds.connect(caller).cancelHold(H1, REASON),
            f.coin,
            "AccessManagedUnauthorized",
            [caller.address],
          );
        }
      });
    });

    context("when the hold is not active", function () {
      it("reverts with HoldableHoldNotActive", async function () {
        const f = await placed();
        const { regulator } = f.accounts;
        await expectRevert(
          f,
          () => f.holds.connect(regulator).cancelHold(UNKNOWN, REASON),
          f.holds,
          "HoldableHoldNotActive",
          [UNKNOWN, Status.None],
        );
        await f.holds.connect(regulator).cancelHold(H1, REASON);
        await expectRevert(
          f,
          () => f.holds.connect(regulator).cancelHold(H1, REASON),
          f.holds,
          "HoldableHoldNotActive",
          [H1, Status.Cancelled],
        );
      });
    });
  });

  describe("settlementTransfer", function () {
    it("moves from any holder without an allowance, as a transfer", async function () {
      const f = await deployed();
      const { alice, bob } = f.accounts;
      const tx = f.holds.connect(f.engine).settlementTransfer(alice.address, bob.address, usd(10));
      await expect(tx).to.changeTokenBalances(f.coin, [alice, bob], [-usd(10), usd(10)]);
      await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, bob.address, usd(10));
      expect(await f.coin.allowance(alice.address, f.engine.address)).to.equal(0n);
    });

    it("reverts with HoldableUnauthorizedEngine for everyone else", async function () {
      const f = await deployed();
      for (const caller of Object.values(f.accounts)) {
        await expectRevert(
          f,
          () => f.holds.connect(caller).settlementTransfer(f.accounts.alice.address, caller.address, 1n),
          f.holds,
          "HoldableUnauthorizedEngine",
          [caller.address],
        );
      }
    });

    it("refuses the zero address as sender (no mint) or recipient (no burn)", async function () {
      const f = await deployed();
      await expectRevert(
        f,
        () => f.holds.connect(f.engine).settlementTransfer(ethers.ZeroAddress, f.accounts.bob.address, 1n),
        f.coin,
        "ERC20InvalidSender",
        [ethers.ZeroAddress],
      );
      await expectRevert(
        f,
        () => f.holds.connect(f.engine).settlementTransfer(f.accounts.alice.address, ethers.ZeroAddress, 1n),
        f.coin,
        "ERC20InvalidReceiver",
        [ethers.ZeroAddress],
      );
    });

    it("applies every check of transfer: pause, freezes, eligibility, balance", async function () {
      const f = await deployed();
      const { alice, bob, stranger, regulator } = f.accounts;
      const move = (from: string, to: string, amount: bigint) =>
        f.holds.connect(f.engine).settlementTransfer(from, to, amount);
      await expectRevert(f, () => move(alice.address, stranger.address, 1n), f.coin, "SettlementCoinIneligibleHolder", [
        stranger.address,
      ]);
      await expectRevert(f, () => move(alice.address, bob.address, usd(1_001)), f.coin, "ERC20InsufficientBalance", [
        alice.address,
        usd(1_000),
        usd(1_001),
      ]);
      await f.coin.connect(regulator).freeze(alice.address);
      await expectRevert(f, () => move(alice.address, bob.address, 1n), f.coin, "SettlementCoinAccountFrozen", [
        alice.address,
      ]);
      await expectRevert(f, () => move(bob.address, alice.address, 1n), f.coin, "SettlementCoinAccountFrozen", [
        alice.address,
      ]);
      await f.coin.connect(regulator).pause();
      await expectRevert(f, () => move(bob.address, f.accounts.carol.address, 1n), f.coin, "SettlementCoinPaused", []);
    });
  });

  describe("the order of the checks (HoldLib's, then the coin's own)", function () {
    it("placeHold: holder and amount, expiry, id, then paused, frozen", async function () {
      const f = await deployed();
      const { alice, regulator } = f.accounts;
      await place(f, H1, alice, usd(10));
      const past = BigInt(await time.latest());
      await f.coin.connect(regulator).freeze(alice.address);
      await f.coin.connect(regulator).pause();
      // Every later fault is present in each call; the first one in the order is reported.
      await expectRevert(f, () => place(f, H1, alice, 0n, past), f.holds, "HoldableInvalidHold", [alice.address, 0n]);
      await expectRevert(f, () => place(f, H1, alice, usd(5_000), past), f.holds, "HoldableInvalidExpiry", [past]);
      await expectRevert(f, () => place(f, H1, alice, usd(5_000)), f.holds, "HoldableHoldExists", [H1]);
      await expectRevert(f, () => place(f, H2, alice, usd(5_000)), f.coin, "SettlementCoinPaused", []);
      await f.coin.connect(regulator).unpause();
      await expectRevert(f, () => place(f, H2, alice, usd(5_000)), f.coin, "SettlementCoinAccountFrozen", [
        alice.address,
      ]);
    });

    it("executeHold: active, not expired, recipient and amount, within what remains", async function () {
      const f = await deployed();
      const { alice } = f.accounts;
      const engine = f.holds.connect(f.engine);
      await expectRevert(
        f,
        () => engine.executeHold(UNKNOWN, ethers.ZeroAddress, 0n),
        f.holds,
        "HoldableHoldNotActive",
        [UNKNOWN, Status.None],
      );
      const expiry = await expiryIn(DAY);
      await place(f, H1, alice, usd(10), expiry);
      await expectRevert(f, () => engine.executeHold(H1, ethers.ZeroAddress, usd(11)), f.holds, "HoldableInvalidHold", [
        ethers.ZeroAddress,
        usd(11),
      ]);
      await time.increaseTo(expiry);
      await expectRevert(f, () => engine.executeHold(H1, ethers.ZeroAddress, 0n), f.holds, "HoldableHoldExpired", [
        H1,
        expiry,
      ]);
    });
  });

  describe("the hold module", function () {
    it("acts on its own (empty) storage when called directly, never on the coin's", async function () {
      const f = await deployed();
      const { alice, regulator } = f.accounts;
      await place(f, H1, alice, usd(1));
      // A module deployed as the implementation deploys its own, called directly: it knows no hold, no balance
      // and no authority.
      const module = await ethers.deployContract("SettlementCoinHolds", [f.engine.address]);
      expect((await module.holdOf(H1)).status).to.equal(Status.None);
      expect(await module.heldBalanceOf(alice.address)).to.equal(0n);
      await expect(module.connect(regulator).cancelHold(H1, REASON)).to.be.reverted;
      expect((await f.holds.holdOf(H1)).status).to.equal(Status.Active);
    });

    it("a selector neither the coin nor the module has reverts without data", async function () {
      const f = await deployed();
      await expect(
        f.accounts.alice.sendTransaction({ to: f.address, data: "0xdeadbeef" }),
      ).to.be.revertedWithoutReason();
      await expect(f.accounts.alice.sendTransaction({ to: f.address, value: 1n })).to.be.revertedWithoutReason();
    });
  });

  describe("H1, H2 and C1 through a run", function () {
    it("hold after places, tranches, releases, cancels, transfers and a seizure", async function () {
      const f = await deployed();
      const { alice, bob, carol, regulator } = f.accounts;
      await place(f, H1, alice, usd(500));
      await place(f, H2, alice, usd(200));
      await f.holds.connect(f.engine).executeHold(H1, bob.address, usd(150));
      await f.coin.connect(alice).transfer(carol.address, usd(300));
      await f.holds.connect(regulator).cancelHold(H2, REASON);
      await f.coin.connect(regulator).seize(alice.address, carol.address, usd(200), ORDER);
      await f.holds.connect(f.engine).executeHold(H1, carol.address, usd(350));
      expect(await f.coin.balanceOf(alice.address)).to.equal(0n);
      const [h1, h2] = [await f.holds.holdOf(H1), await f.holds.holdOf(H2)];
      expect(h1.executed + h1.amount).to.equal(usd(500));
      expect(h2.executed + h2.amount).to.be.at.most(usd(200));
      expect(await f.holds.heldBalanceOf(alice.address)).to.equal(0n);
      const holders = [alice, bob, carol, f.accounts.issuer].map((s) => s.address);
      let sum = 0n;
      for (const holder of holders) sum += await f.coin.balanceOf(holder);
      expect(sum).to.equal(await f.coin.totalSupply());
    });
  });
});

/* PROPERTY: holds against a model while the world around the coin changes */

/** 0–2: investors the steps remove and re-register; 3: the issuer (member, minter); 4: never registered;
 * 5: the exchange, a member the steps suspend and reinstate. */
const POOL = ["alice", "bob", "carol", "issuer", "stranger", "exchange"] as const;
const INVESTORS = 3;
const EXCHANGE = 5;
/** Hold ids the steps pick from: few, so that ids are reused (HoldableHoldExists). */
const IDS = [0, 1, 2, 3, 4].map((i) => holdId(`property:${i}`));
/** Every transaction of a step gets an explicit gas limit: it is mined (reverting or not) at the model's time. */
const GAS = { gasLimit: 1_000_000 };

type HoldOp =
  | { kind: "place"; id: number; holder: number; amount: bigint; ttl: bigint }
  | { kind: "execute"; id: number; to: number; amount: bigint }
  | { kind: "release"; id: number; byEngine: boolean }
  | { kind: "cancel"; id: number }
  | { kind: "transfer"; from: number; to: number; amount: bigint }
  | { kind: "seize"; from: number; to: number; amount: bigint }
  | { kind: "freeze"; account: number }
  | { kind: "unfreeze"; account: number }
  | { kind: "pause" }
  | { kind: "unpause" }
  | { kind: "removeInvestor"; investor: number }
  | { kind: "registerInvestor"; investor: number }
  | { kind: "suspend" }
  | { kind: "reinstate" }
  | { kind: "wait"; seconds: bigint };

const poolArb = fc.integer({ min: 0, max: POOL.length - 1 });
const idArb = fc.integer({ min: 0, max: IDS.length - 1 });
/** Mostly amounts holders have, sometimes zero or more than anyone holds. */
const unitsArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 600 }).map((n) => usd(n)), weight: 8 },
  { arbitrary: fc.constantFrom(0n, usd(5_000)), weight: 1 },
);
const holdOpArb: fc.Arbitrary<HoldOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("place" as const),
      id: idArb,
      holder: poolArb,
      amount: unitsArb,
      // A few seconds (it expires within the run), a day, or not in the future.
      ttl: fc.oneof(fc.bigInt({ min: 1n, max: 8n }), fc.constant(DAY), fc.constant(0n)),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("execute" as const), id: idArb, to: poolArb, amount: unitsArb }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("release" as const), id: idArb, byEngine: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), id: idArb }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("transfer" as const), from: poolArb, to: poolArb, amount: unitsArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("seize" as const), from: poolArb, to: poolArb, amount: unitsArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("freeze" as const), account: poolArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("unfreeze" as const), account: poolArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("pause" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unpause" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("removeInvestor" as const),
      investor: fc.integer({ min: 0, max: INVESTORS - 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("registerInvestor" as const),
      investor: fc.integer({ min: 0, max: INVESTORS - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("suspend" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("reinstate" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt({ min: 1n, max: 6n }) }) },
);

interface ModelHold {
  holder: number;
  expiry: bigint;
  status: bigint;
  amount: bigint;
  executed: bigint;
  placed: bigint;
}

/** What the coin should be: balances, held units, freezes, pause, eligibility, holds, and the clock. */
class HoldModel {
  balance = [usd(1_000), usd(500), 0n, usd(300), 0n, 0n];
  frozen = POOL.map(() => false);
  registered = [true, true, true];
  exchangeActive = true;
  paused = false;
  holds = new Map<number, ModelHold>();
  constructor(public now: bigint) {}

  held(i: number): bigint {
    let sum = 0n;
    for (const hold of this.holds.values()) if (hold.holder === i && hold.status === Status.Active) sum += hold.amount;
    return sum;
  }
  available(i: number): bigint {
    return this.balance[i] - this.held(i);
  }
  eligible(i: number): boolean {
    if (i < INVESTORS) return this.registered[i];
    if (i === EXCHANGE) return this.exchangeActive;
    return i === 3;
  }
  /** Whether a checked transfer of `amount` from `from` to `to` succeeds (`_move` without exemptions). */
  canMove(from: number, to: number, amount: bigint): boolean {
    return (
      !this.paused && !this.frozen[from] && !this.frozen[to] && amount <= this.available(from) && this.eligible(to)
    );
  }
  move(from: number, to: number, amount: bigint) {
    this.balance[from] -= amount;
    this.balance[to] += amount;
  }
  active(id: number): ModelHold | undefined {
    const hold = this.holds.get(id);
    return hold?.status === Status.Active ? hold : undefined;
  }

  /** Applies `op` (mined at `this.now`) if the coin should accept it; returns whether it should. */
  apply(op: HoldOp): boolean {
    switch (op.kind) {
      case "place": {
        const ok =
          op.amount !== 0n &&
          op.ttl > 0n &&
          !this.holds.has(op.id) &&
          !this.paused &&
          !this.frozen[op.holder] &&
          op.amount <= this.available(op.holder);
        if (ok) {
          const expiry = this.now + op.ttl;
          this.holds.set(op.id, {
            holder: op.holder,
            expiry,
            status: Status.Active,
            amount: op.amount,
            executed: 0n,
            placed: op.amount,
          });
        }
        return ok;
      }
      case "execute": {
        const hold = this.active(op.id);
        if (!hold || this.now >= hold.expiry || op.amount === 0n || op.amount > hold.amount) return false;
        // The hold is lowered first: the executed units are available to the move.
        hold.amount -= op.amount;
        hold.executed += op.amount;
        if (!this.canMove(hold.holder, op.to, op.amount)) {
          hold.amount += op.amount;
          hold.executed -= op.amount;
          return false;
        }
        if (hold.amount === 0n) hold.status = Status.Executed;
        this.move(hold.holder, op.to, op.amount);
        return true;
      }
      case "release": {
        const hold = this.active(op.id);
        if (!hold || (!op.byEngine && this.now < hold.expiry)) return false;
        hold.status = Status.Released;
        hold.amount = 0n;
        return true;
      }
      case "cancel": {
        const hold = this.active(op.id);
        if (!hold) return false;
        hold.status = Status.Cancelled;
        hold.amount = 0n;
        return true;
      }
      case "transfer":
        if (!this.canMove(op.from, op.to, op.amount)) return false;
        this.move(op.from, op.to, op.amount);
        return true;
      case "seize":
        // Pause and freezes exempt, holds not.
        if (op.amount === 0n || op.amount > this.available(op.from) || !this.eligible(op.to)) return false;
        this.move(op.from, op.to, op.amount);
        return true;
      case "freeze":
      case "unfreeze": {
        const freezing = op.kind === "freeze";
        if (this.frozen[op.account] === freezing) return false;
        this.frozen[op.account] = freezing;
        return true;
      }
      case "pause":
      case "unpause": {
        const pausing = op.kind === "pause";
        if (this.paused === pausing) return false;
        this.paused = pausing;
        return true;
      }
      case "removeInvestor":
      case "registerInvestor": {
        const registering = op.kind === "registerInvestor";
        if (this.registered[op.investor] === registering) return false;
        this.registered[op.investor] = registering;
        return true;
      }
      case "suspend":
      case "reinstate": {
        const suspending = op.kind === "suspend";
        if (this.exchangeActive !== suspending) return false;
        this.exchangeActive = !suspending;
        return true;
      }
      case "wait":
        return true;
    }
  }
}

/** Sends `op`'s transactions, each mined at the model's next second; resolves whether they all succeeded. */
async function sendOp(f: Fixture, model: HoldModel, signers: HardhatEthersSigner[], op: HoldOp): Promise<boolean> {
  const { regulator, governor } = f.accounts;
  const at = async (send: () => Promise<ContractTransactionResponse>) => {
    model.now += 1n;
    await time.setNextBlockTimestamp(model.now);
    return send().then(
      async (tx) => (await tx.wait())?.status === 1,
      () => false,
    );
  };
  const engine = f.holds.connect(f.engine);
  const address = (i: number) => signers[i].address;
  switch (op.kind) {
    case "place":
      // The expiry is computed from the block the transaction is mined in.
      return at(() => engine.placeHold(IDS[op.id], address(op.holder), op.amount, model.now + op.ttl, GAS));
    case "execute":
      return at(() => engine.executeHold(IDS[op.id], address(op.to), op.amount, GAS));
    case "release":
      return at(() => f.holds.connect(op.byEngine ? f.engine : f.accounts.stranger).releaseHold(IDS[op.id], GAS));
    case "cancel":
      return at(() => f.holds.connect(regulator).cancelHold(IDS[op.id], REASON, GAS));
    case "transfer":
      return at(() => f.coin.connect(signers[op.from]).transfer(address(op.to), op.amount, GAS));
    case "seize":
      return at(() => f.coin.connect(regulator).seize(address(op.from), address(op.to), op.amount, ORDER, GAS));
    case "freeze":
      return at(() => f.coin.connect(regulator).freeze(address(op.account), GAS));
    case "unfreeze":
      return at(() => f.coin.connect(regulator).unfreeze(address(op.account), GAS));
    case "pause":
      return at(() => f.coin.connect(regulator).pause(GAS));
    case "unpause":
      return at(() => f.coin.connect(regulator).unpause(GAS));
    case "removeInvestor":
      // The registry pushes the removal to the coin (IEligibilityPublisher).
      return at(() => f.kyc.removeInvestor(investor(POOL[op.investor]), GAS));
    case "registerInvestor": {
      const expiry = model.now + YEAR;
      const ok = await at(() =>
        f.kyc.registerInvestor(investor(POOL[op.investor]), CHINA, KYC_AML, expiry, [address(op.investor)], GAS),
      );
      // Anyone then syncs the wallet (registration is not pushed: it makes no one less eligible).
      return ok && (await at(() => f.coin.syncHolder(address(op.investor), GAS)));
    }
    case "suspend":
      return at(() =>
        f.contracts.members.connect(governor).suspendMember(address(EXCHANGE), ethers.id("property"), GAS),
      );
    case "reinstate": {
      const ok = await at(() => f.contracts.members.connect(governor).reinstateMember(address(EXCHANGE), GAS));
      return ok && (await at(() => f.coin.syncHolder(address(EXCHANGE), GAS)));
    }
    case "wait":
      model.now += op.seconds;
      return true;
  }
}

/** Compares the coin with the model and checks H1, H2 and C1 on the chain's own figures. */
async function compare(f: Fixture, model: HoldModel, signers: HardhatEthersSigner[], step: string) {
  let sum = 0n;
  for (const [i, signer] of signers.entries()) {
    const [balance, held, available, frozen] = await Promise.all([
      f.coin.balanceOf(signer.address),
      f.holds.heldBalanceOf(signer.address),
      f.holds.availableBalanceOf(signer.address),
      f.coin.isFrozen(signer.address),
    ]);
    expect([balance, held, available, frozen], `${step}: ${POOL[i]}`).to.deep.equal([
      model.balance[i],
      model.held(i),
      model.available(i),
      model.frozen[i],
    ]);
    // H1: held ≤ balance, and the has-holds bit set exactly while held > 0.
    expect(held <= balance, `${step}: H1 ${POOL[i]}`).to.equal(true);
    expect(((await wordOf(f, signer.address)) & HELD_BIT) !== 0n, `${step}: bit ${POOL[i]}`).to.equal(held > 0n);
    sum += balance;
  }
  // C1: the pool holds every coin.
  expect(await f.coin.totalSupply(), `${step}: C1`).to.equal(sum);
  expect(await f.coin.isPaused(), `${step}: paused`).to.equal(model.paused);
  for (const [i, id] of IDS.entries()) {
    const hold = await f.holds.holdOf(id);
    const expected = model.holds.get(i);
    expect([...hold], `${step}: hold ${i}`).to.deep.equal(
      expected
        ? [signers[expected.holder].address, expected.expiry, expected.status, expected.amount, expected.executed]
        : [ethers.ZeroAddress, 0n, Status.None, 0n, 0n],
    );
    // H2: executed + what remains never exceeds what was placed.
    if (expected) expect(hold.executed + hold.amount <= expected.placed, `${step}: H2 ${i}`).to.equal(true);
  }
}

describe("SettlementCoin holds: property (model, with the registries and membership changing)", function () {
  it("matches the model after every step; H1, H2 and C1 hold throughout", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.array(holdOpArb, { minLength: 10, maxLength: 25 }), async (ops) => {
        const f = await deployed();
        const signers = POOL.map((name) => f.accounts[name]);
        // Members' words are synced once (the issuer's by its mint).
        await f.coin.syncHolders([f.accounts.exchange.address, f.accounts.stranger.address]);
        const model = new HoldModel(BigInt(await time.latest()));
        await compare(f, model, signers, "start");
        // A hold leaves Active once: its status, once not Active, never changes again (checked through the model).
        for (const [n, op] of ops.entries()) {
          const before = new Map([...model.holds].map(([id, hold]) => [id, hold.status]));
          const sent = sendOp(f, model, signers, op);
          const ok = await sent;
          const expected = model.apply(op);
          const step = `step ${n} ${JSON.stringify(op, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
          expect(ok, step).to.equal(expected);
          for (const [id, status] of before) {
            if (status !== Status.Active) expect(model.holds.get(id)!.status, `${step}: H2`).to.equal(status);
          }
          await compare(f, model, signers, step);
        }
      }),
      // A fixed seed: the test's guards below (every kind of operation exercised) must hold on every CI run.
      { numRuns: 12, seed: 18_004 },
    );
  });
});
