import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { Role } from "../../config/roles";
import { CLEARING_CONSENT_TYPES, clearingConsentDigest, signClearingConsent } from "../../sdk/netting";
import type { ERC1271WalletMock } from "../../typechain-types";
import { CONSENT_DEADLINE, consentsOf, netFixture, participantSigners, type NetWorld } from "./netFixture";
import { encodeBatch, withIds } from "./netHelpers";

/**
 * Issue 19, review finding: a clearing member could add any wallet to its table and settle "trades" moving that
 * wallet's securities and coin. A wallet now joins only with its EIP-712 consent (N8), and may withdraw at once.
 */

/** The fixture plus two fresh keyed wallets (not participants) with gas money. */
async function consentFixture() {
  const world = await netFixture();
  const [fresh, other] = participantSigners(2, "consent fresh");
  for (const w of [...world.signers, fresh, other]) await setBalance(w.address, 10n ** 20n);
  const engine = await world.contracts.engine.getAddress();
  const { chainId } = await ethers.provider.getNetwork();
  return { ...world, fresh, other, engine, chainId, me: world.accounts.exchange.address };
}

type ConsentWorld = Awaited<ReturnType<typeof consentFixture>>;

/** The clearer's table and counters. */
async function tableOf(world: NetWorld) {
  const { net } = world.contracts;
  const clearer = world.accounts.exchange.address;
  const count = Number(await net.participantCount(clearer));
  const rows = [];
  for (let i = 0; i < count; i++) rows.push([...(await net.participantOf(clearer, i))]);
  return { count, rows, next: await net.nextTradeId(clearer), batches: await net.batchCount(clearer) };
}

/** One trade between participants `buyer` and `seller` on instrument 0, the clearer's next id. */
async function batchBetween(world: NetWorld, buyer: number, seller: number): Promise<string> {
  const next = await world.contracts.net.nextTradeId(world.accounts.exchange.address);
  return encodeBatch(1, next, withIds(next, [{ buyer, seller, instrument: 0, quantity: 1, price: 10 }]));
}

async function expectRefusedAdd(
  world: ConsentWorld,
  args: [string[], bigint[], string[]],
  error: string,
  errorArgs: unknown[],
) {
  const before = await tableOf(world);
  await expect(world.clearer.addParticipants(...args))
    .to.be.revertedWithCustomError(world.contracts.net, error)
    .withArgs(...errorArgs);
  expect(await tableOf(world)).to.deep.equal(before);
}

describe("NetSettlement consent (issue 19: a wallet joins a clearer's table only with its consent)", function () {
  describe("addParticipants", function () {
    it("adds a wallet with its ECDSA consent (the SDK's signature of the engine's EIP-712 digest)", async function () {
      const world = await loadFixture(consentFixture);
      const { fresh, me } = world;
      const deadline = BigInt(await time.latest()) + 3600n;
      const consent = await signClearingConsent(fresh, world.engine, me, deadline);
      // The SDK's digest is the one the wallet signed.
      const digest = clearingConsentDigest(world.chainId, world.engine, me, fresh.address, deadline);
      expect(ethers.recoverAddress(digest, consent)).to.equal(fresh.address);
      // The engine checks it as it checks a party's consent to an instruction.
      const structHash = ethers.TypedDataEncoder.hashStruct("ClearingConsent", CLEARING_CONSENT_TYPES, {
        clearer: me,
        wallet: fresh.address,
        deadline,
      });
      expect(await world.contracts.engine.isValidTypedSignature(fresh.address, structHash, consent)).to.equal(true);
      expect(await world.contracts.engine.isValidTypedSignature(world.other.address, structHash, consent)).to.equal(
        false,
      );
      await expect(world.clearer.addParticipants([fresh.address], [deadline], [consent]))
        .to.emit(world.contracts.net, "NetParticipantAdded")
        .withArgs(me, 6, fresh.address);
      expect(await world.contracts.net.participantOf(me, 6)).to.deep.equal([fresh.address, true]);
    });

    it("adds a contract wallet with its ERC-1271 consent, and refuses one its owner did not sign", async function () {
      const world = await loadFixture(consentFixture);
      const { fresh, other, me } = world;
      const wallet = (await ethers.deployContract("ERC1271WalletMock", [
        fresh.address,
      ])) as unknown as ERC1271WalletMock;
      const address = await wallet.getAddress();
      const digest = clearingConsentDigest(world.chainId, world.engine, me, address, CONSENT_DEADLINE);
      const byOther = other.signingKey.sign(digest).serialized;
      await expectRefusedAdd(world, [[address], [CONSENT_DEADLINE], [byOther]], "NetConsentInvalid", [
        0,
        address,
        CONSENT_DEADLINE,
      ]);
      const byOwner = fresh.signingKey.sign(digest).serialized;
      await expect(world.clearer.addParticipants([address], [CONSENT_DEADLINE], [byOwner]))
        .to.emit(world.contracts.net, "NetParticipantAdded")
        .withArgs(me, 6, address);
    });

    it("refuses a wallet without consent (the hole: before, any wallet could be added), changing nothing", async function () {
      const world = await loadFixture(consentFixture);
      const { fresh } = world;
      await expectRefusedAdd(world, [[fresh.address], [CONSENT_DEADLINE], ["0x"]], "NetConsentInvalid", [
        0,
        fresh.address,
        CONSENT_DEADLINE,
      ]);
      // A missing consent after a valid one: the whole call is refused.
      const [[w0], [d0], [c0]] = await consentsOf(world.clearer, [world.other]);
      await expectRefusedAdd(
        world,
        [
          [w0, fresh.address],
          [d0, CONSENT_DEADLINE],
          [c0, "0x"],
        ],
        "NetConsentInvalid",
        [1, fresh.address, CONSENT_DEADLINE],
      );
    });

    it("refuses another key's signature, another clearer's, another deadline's and a malformed one", async function () {
      const world = await loadFixture(consentFixture);
      const { fresh, other, me, accounts } = world;
      const digest = clearingConsentDigest(world.chainId, world.engine, me, fresh.address, CONSENT_DEADLINE);
      const refuse = (consent: string, deadline = CONSENT_DEADLINE) =>
        expectRefusedAdd(world, [[fresh.address], [deadline], [consent]], "NetConsentInvalid", [
          0,
          fresh.address,
          deadline,
        ]);
      // Another wallet signs the fresh wallet's digest.
      await refuse(other.signingKey.sign(digest).serialized);
      // The fresh wallet's consent to another clearer (the custodian) is no consent to the exchange.
      const toCustodian = await signClearingConsent(fresh, world.engine, accounts.custodian.address, CONSENT_DEADLINE);
      await refuse(toCustodian);
      // Its consent until another deadline.
      await refuse(await signClearingConsent(fresh, world.engine, me, CONSENT_DEADLINE - 1n));
      // Its consent under another engine's domain.
      await refuse(await signClearingConsent(fresh, accounts.stranger.address, me, CONSENT_DEADLINE));
      // Malformed: truncated, and a high-s twin of a valid signature (malleable).
      const valid = await signClearingConsent(fresh, world.engine, me, CONSENT_DEADLINE);
      await refuse(ethers.dataSlice(valid, 0, 64));
      const sig = ethers.Signature.from(valid);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const highS = ethers.concat([sig.r, ethers.toBeHex(n - BigInt(sig.s), 32), sig.v === 27 ? "0x1c" : "0x1b"]);
      await refuse(highS);
    });

    it("refuses an expired consent (deadline inclusive) with NetConsentExpired", async function () {
      const world = await loadFixture(consentFixture);
      const { fresh, me } = world;
      const deadline = BigInt(await time.latest()) + 100n;
      const consent = await signClearingConsent(fresh, world.engine, me, deadline);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(world.clearer.addParticipants([fresh.address], [deadline], [consent]))
        .to.be.revertedWithCustomError(world.contracts.net, "NetConsentExpired")
        .withArgs(0, fresh.address, deadline, deadline + 1n);
      expect(await world.contracts.net.participantCount(me)).to.equal(6n);
      // At the deadline itself it is still valid.
      const later = BigInt(await time.latest()) + 100n;
      const again = await signClearingConsent(fresh, world.engine, me, later);
      await time.setNextBlockTimestamp(later);
      await expect(world.clearer.addParticipants([fresh.address], [later], [again])).to.emit(
        world.contracts.net,
        "NetParticipantAdded",
      );
    });

    it("refuses mismatched lengths with NetConsentLengths, changing nothing", async function () {
      const world = await loadFixture(consentFixture);
      const [wallets, deadlines, consents] = await consentsOf(world.clearer, [world.fresh, world.other]);
      await expectRefusedAdd(world, [wallets, deadlines.slice(1), consents], "NetConsentLengths", [2, 1, 2]);
      await expectRefusedAdd(world, [wallets, deadlines, consents.slice(1)], "NetConsentLengths", [2, 2, 1]);
      await expectRefusedAdd(world, [wallets, [...deadlines, 1n], [...consents, "0x"]], "NetConsentLengths", [2, 3, 3]);
    });

    it("a consent adds its wallet once: replayed, it is refused (NetParticipantExists)", async function () {
      const world = await loadFixture(consentFixture);
      const args = await consentsOf(world.clearer, [world.fresh]);
      await world.clearer.addParticipants(...args);
      await expectRefusedAdd(world, args, "NetParticipantExists", [world.fresh.address, 6]);
      // Even after withdrawing: the table is append-only.
      await world.contracts.net.connect(world.fresh).setClearingConsent(world.me, false);
      await expectRefusedAdd(world, args, "NetParticipantExists", [world.fresh.address, 6]);
    });

    it("another clearer needs the wallet's consent to it", async function () {
      const world = await loadFixture(consentFixture);
      const { accounts, contracts, signers } = world;
      const other = accounts.custodian;
      await contracts.members.connect(accounts.governor).grantMemberRole(other.address, Role.CLEARING_MEMBER, 0);
      // The exchange's consents (the fixture's) do not carry over.
      const [wallets, deadlines, consentsToExchange] = await consentsOf(world.clearer, [signers[0]]);
      await expect(contracts.net.connect(other).addParticipants(wallets, deadlines, consentsToExchange))
        .to.be.revertedWithCustomError(contracts.net, "NetConsentInvalid")
        .withArgs(0, wallets[0], deadlines[0]);
      await contracts.net
        .connect(other)
        .addParticipants(...(await consentsOf(contracts.net.connect(other), [signers[0]])));
      expect(await contracts.net.participantOf(other.address, 0)).to.deep.equal([wallets[0], true]);
    });
  });

  describe("setClearingConsent (the wallet withdraws or consents again)", function () {
    it("a wallet withdraws at once: deactivated and withdrawn, with events; its next batch is refused", async function () {
      const world = await loadFixture(consentFixture);
      const { contracts, signers, me } = world;
      const batch = await batchBetween(world, 0, 1);
      const tx = contracts.net.connect(signers[1]).setClearingConsent(me, false);
      await expect(tx).to.emit(contracts.net, "NetClearingConsentSet").withArgs(me, 1, signers[1].address, false);
      expect(await contracts.net.participantOf(me, 1)).to.deep.equal([signers[1].address, false]);
      await expect(world.clearer.submitBatch(batch))
        .to.be.revertedWithCustomError(contracts.net, "NetParticipantInactive")
        .withArgs(1, signers[1].address);
      // Its other participants still settle.
      await world.clearer.submitBatch(await batchBetween(world, 0, 2));
    });

    it("the withdrawal takes effect in the same block, before a batch queued after it", async function () {
      const world = await loadFixture(consentFixture);
      const { contracts, signers, me } = world;
      const batch = await batchBetween(world, 0, 1);
      await network.provider.send("evm_setAutomine", [false]);
      try {
        const leave = await contracts.net.connect(signers[1]).setClearingConsent(me, false, { gasLimit: 200_000 });
        const submit = await world.clearer.submitBatch(batch, { gasLimit: 2_000_000 });
        await network.provider.send("evm_mine");
        expect((await ethers.provider.getTransactionReceipt(leave.hash))?.status).to.equal(1);
        const receipt = await ethers.provider.getTransactionReceipt(submit.hash);
        expect(receipt?.blockNumber).to.equal((await ethers.provider.getTransactionReceipt(leave.hash))?.blockNumber);
        expect(receipt?.status).to.equal(0);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      expect(await contracts.net.batchCount(me)).to.equal(0n);
    });

    it("the clearer cannot reactivate a withdrawn participant (NetParticipantWithdrawn) until it rejoins", async function () {
      const world = await loadFixture(consentFixture);
      const { contracts, signers, me } = world;
      const wallet = signers[1];
      await contracts.net.connect(wallet).setClearingConsent(me, false);
      let before = await tableOf(world);
      await expect(world.clearer.setParticipantActive(1, true))
        .to.be.revertedWithCustomError(contracts.net, "NetParticipantWithdrawn")
        .withArgs(me, 1, wallet.address);
      // Deactivating it again is no change.
      await expect(world.clearer.setParticipantActive(1, false))
        .to.be.revertedWithCustomError(contracts.net, "NetActiveUnchanged")
        .withArgs(1, false);
      // It cannot leave twice.
      await expect(contracts.net.connect(wallet).setClearingConsent(me, false))
        .to.be.revertedWithCustomError(contracts.net, "NetConsentUnchanged")
        .withArgs(me, 1, false);
      expect(await tableOf(world)).to.deep.equal(before);

      await expect(contracts.net.connect(wallet).setClearingConsent(me, true))
        .to.emit(contracts.net, "NetClearingConsentSet")
        .withArgs(me, 1, wallet.address, true);
      // Still inactive until the clearer reactivates it.
      expect(await contracts.net.participantOf(me, 1)).to.deep.equal([wallet.address, false]);
      before = await tableOf(world);
      await expect(contracts.net.connect(wallet).setClearingConsent(me, true))
        .to.be.revertedWithCustomError(contracts.net, "NetConsentUnchanged")
        .withArgs(me, 1, true);
      expect(await tableOf(world)).to.deep.equal(before);
      await expect(world.clearer.setParticipantActive(1, true))
        .to.emit(contracts.net, "NetParticipantActiveSet")
        .withArgs(me, 1, true);
      await world.clearer.submitBatch(await batchBetween(world, 0, 1));
      expect(await contracts.net.batchCount(me)).to.equal(1n);
    });

    it("leaving an entry the clearer had deactivated marks it withdrawn", async function () {
      const world = await loadFixture(consentFixture);
      const { contracts, signers, me } = world;
      await world.clearer.setParticipantActive(3, false);
      await expect(contracts.net.connect(signers[3]).setClearingConsent(me, false))
        .to.emit(contracts.net, "NetClearingConsentSet")
        .withArgs(me, 3, signers[3].address, false);
      await expect(world.clearer.setParticipantActive(3, true))
        .to.be.revertedWithCustomError(contracts.net, "NetParticipantWithdrawn")
        .withArgs(me, 3, signers[3].address);
    });

    it("only a participant's own wallet leaves or rejoins (NetNotParticipant), changing nothing", async function () {
      const world = await loadFixture(consentFixture);
      const { contracts, fresh, me, accounts } = world;
      const before = await tableOf(world);
      for (const call of [
        contracts.net.connect(fresh).setClearingConsent(me, false),
        contracts.net.connect(fresh).setClearingConsent(me, true),
        // The clearer itself is not its participant.
        contracts.net.connect(accounts.exchange).setClearingConsent(me, false),
      ]) {
        await expect(call).to.be.revertedWithCustomError(contracts.net, "NetNotParticipant");
      }
      await expect(contracts.net.connect(fresh).setClearingConsent(me, false))
        .to.be.revertedWithCustomError(contracts.net, "NetNotParticipant")
        .withArgs(me, fresh.address);
      // A participant of the exchange is none of another clearer.
      await expect(contracts.net.connect(world.signers[0]).setClearingConsent(accounts.custodian.address, false))
        .to.be.revertedWithCustomError(contracts.net, "NetNotParticipant")
        .withArgs(accounts.custodian.address, world.signers[0].address);
      expect(await tableOf(world)).to.deep.equal(before);
    });
  });
});
