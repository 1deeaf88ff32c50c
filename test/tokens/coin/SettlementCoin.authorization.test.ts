import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { SettlementCoin } from "../../../typechain-types";
import {
  domainOf,
  permitSigner,
  signAuthorization,
  signCancellation,
  signPermit,
  type Authorization,
  type AuthorizationKind,
  type Permit,
} from "../../../sdk/signatures";
import { investorId } from "../../identity/helpers";
import { issuingCoinsFixture, mintTo, registerHolder, syncEverywhere } from "./funding";

const UNIT = 10n ** 6n; // aUSD has 6 decimals
const ALICE_FUNDS = 1_000n * UNIT;
const WALLET_FUNDS = 500n * UNIT;
const VALUE = 100n * UNIT;
const HOUR = 3600n;

/** How an EIP-3009 signature reaches the coin: split for the ECDSA-only functions, whole for SignatureChecker. */
type Variant = "v, r, s" | "bytes";
const VARIANTS: Variant[] = ["v, r, s", "bytes"];

/**
 * The US-dollar coin with three verified investors: alice holds 1,000 aUSD, bob nothing; carol owns an ERC-1271
 * contract wallet (linked to her investor record) holding 500 aUSD. stranger is no investor and holds no role:
 * it plays the relayer.
 */
async function signaturesFixture() {
  const world = await issuingCoinsFixture();
  const { alice, bob, carol, kycProvider } = world.accounts;
  const coin = world.contracts.coin;
  await registerHolder(world, "alice", [alice.address]);
  await registerHolder(world, "bob", [bob.address]);
  await registerHolder(world, "carol", [carol.address]);
  const wallet = await ethers.deployContract("ERC1271WalletMock", [carol.address]);
  const walletAddress = await wallet.getAddress();
  await world.contracts.identity.connect(kycProvider).addWallet(investorId("carol"), walletAddress);
  await syncEverywhere(world, [walletAddress]);
  await mintTo(world, coin, alice.address, ALICE_FUNDS);
  await mintTo(world, coin, walletAddress, WALLET_FUNDS);
  return { ...world, coin, wallet, walletAddress, domain: await domainOf(coin) };
}

type Fixture = Awaited<ReturnType<typeof signaturesFixture>>;

/** A deterministic EIP-3009 nonce. */
function nonce(label: string): string {
  return ethers.id(`nonce:${label}`);
}

/** Everything the signature paths may touch, as plain values, plus the state of the given (authorizer, nonce). */
async function stateOf(f: Fixture, nonces: [string, string][] = []) {
  const { alice, bob, carol, stranger } = f.accounts;
  const holders = [alice.address, bob.address, carol.address, stranger.address, f.walletAddress];
  return {
    totalSupply: await f.coin.totalSupply(),
    balances: await Promise.all(holders.map((holder) => f.coin.balanceOf(holder))),
    permitNonces: await Promise.all(holders.map((holder) => f.coin.nonces(holder))),
    allowances: await Promise.all(
      holders.flatMap((owner) => holders.map((spender) => f.coin.allowance(owner, spender))),
    ),
    used: await Promise.all(nonces.map(([authorizer, n]) => f.coin.authorizationState(authorizer, n))),
  };
}

/** alice pays bob 100 aUSD, valid for the next hour, unless overridden. */
async function authorization(f: Fixture, overrides: Partial<Authorization> = {}): Promise<Authorization> {
  return {
    from: f.accounts.alice.address,
    to: f.accounts.bob.address,
    value: VALUE,
    validAfter: 0n,
    validBefore: BigInt(await time.latest()) + HOUR,
    nonce: nonce("first"),
    ...overrides,
  };
}

/**
 * Submits a transfer or receive authorization as `caller` through the `variant` overload (the `bytes` overload
 * gets `signature` untouched, however malformed).
 */
function submit(
  coin: SettlementCoin,
  caller: Signer,
  kind: AuthorizationKind,
  variant: Variant,
  a: Authorization,
  signature: string,
): Promise<ContractTransactionResponse> {
  const c = coin.connect(caller);
  const args = [a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce] as const;
  if (variant === "bytes") {
    return kind === "transfer"
      ? c["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](...args, signature)
      : c["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](...args, signature);
  }
  const { v, r, s } = ethers.Signature.from(signature);
  return kind === "transfer"
    ? c["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
        ...args,
        v,
        r,
        s,
      )
    : c["receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"](
        ...args,
        v,
        r,
        s,
      );
}

/** Submits a cancellation of `authorizer`'s `n` as `caller` through the `variant` overload. */
function cancel(
  coin: SettlementCoin,
  caller: Signer,
  variant: Variant,
  authorizer: string,
  n: string,
  signature: string,
): Promise<ContractTransactionResponse> {
  const c = coin.connect(caller);
  if (variant === "bytes") return c["cancelAuthorization(address,bytes32,bytes)"](authorizer, n, signature);
  const { v, r, s } = ethers.Signature.from(signature);
  return c["cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)"](authorizer, n, v, r, s);
}

/** The order of secp256k1's group. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * The malleable twin of a 65-byte signature: `(r, n - s, v ^ 1)`, which plain `ecrecover` maps to the same
 * signer. EIP-2 makes the upper-half `s` non-canonical; OpenZeppelin's ECDSA refuses it.
 */
function malleableTwin(signature: string): { v: number; r: string; s: string; serialized: string } {
  const canonical = ethers.Signature.from(signature);
  const s = ethers.toBeHex(SECP256K1_N - BigInt(canonical.s), 32);
  const v = canonical.v === 27 ? 28 : 27;
  return { v, r: canonical.r, s, serialized: ethers.concat([canonical.r, s, ethers.toBeHex(v, 1)]) };
}

/** Submits `permit` with its signature split into v, r, s. */
function submitPermit(coin: SettlementCoin, caller: Signer, p: Permit, signature: string) {
  const { v, r, s } = ethers.Signature.from(signature);
  return coin.connect(caller).permit(p.owner, p.spender, p.value, p.deadline, v, r, s);
}

describe("SettlementCoin signatures", function () {
  describe("eip712Domain", function () {
    it("names the coin, version 1, this chain and the coin's proxy", async function () {
      const f = await loadFixture(signaturesFixture);
      const { chainId } = await ethers.provider.getNetwork();
      expect(f.domain).to.deep.equal({
        name: "Alliance Settlement Dollar",
        version: "1",
        chainId,
        verifyingContract: await f.coin.getAddress(),
      });
    });

    it("differs between the two coins", async function () {
      const f = await loadFixture(signaturesFixture);
      const other = await domainOf(f.contracts.coinCNY);
      expect(other.name).to.equal("Alliance Settlement Yuan");
      expect(other.verifyingContract).to.equal(await f.contracts.coinCNY.getAddress());
      expect(await f.contracts.coinCNY.DOMAIN_SEPARATOR()).to.not.equal(await f.coin.DOMAIN_SEPARATOR());
    });
  });

  describe("permit", function () {
    /** alice lets bob spend 250 aUSD, signed with her current nonce and valid an hour, unless overridden. */
    async function alicePermit(f: Fixture, overrides: Partial<Permit> = {}): Promise<Permit> {
      const { alice, bob } = f.accounts;
      return {
        owner: alice.address,
        spender: bob.address,
        value: 250n * UNIT,
        nonce: await f.coin.nonces(alice.address),
        deadline: BigInt(await time.latest()) + HOUR,
        ...overrides,
      };
    }

    context("with the owner's signature", function () {
      it("sets the allowance and emits Approval, whoever submits it", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, bob, stranger } = f.accounts;
        const p = await alicePermit(f);
        const signature = await signPermit(alice, f.domain, p);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.emit(f.coin, "Approval")
          .withArgs(alice.address, bob.address, p.value);
        expect(await f.coin.allowance(alice.address, bob.address)).to.equal(p.value);
        expect(await f.coin.balanceOf(alice.address)).to.equal(ALICE_FUNDS);
      });

      it("increments the owner's nonce with every permit", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, stranger } = f.accounts;
        expect(await f.coin.nonces(alice.address)).to.equal(0n);
        const first = await alicePermit(f);
        await submitPermit(f.coin, stranger, first, await signPermit(alice, f.domain, first));
        expect(await f.coin.nonces(alice.address)).to.equal(1n);
        const second = await alicePermit(f, { value: 1n });
        expect(second.nonce).to.equal(1n);
        await submitPermit(f.coin, stranger, second, await signPermit(alice, f.domain, second));
        expect(await f.coin.nonces(alice.address)).to.equal(2n);
        expect(await f.coin.allowance(alice.address, f.accounts.bob.address)).to.equal(1n);
      });

      it("lets the spender then transferFrom the owner", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, bob } = f.accounts;
        const p = await alicePermit(f);
        await submitPermit(f.coin, bob, p, await signPermit(alice, f.domain, p));
        await expect(f.coin.connect(bob).transferFrom(alice.address, bob.address, p.value))
          .to.emit(f.coin, "Transfer")
          .withArgs(alice.address, bob.address, p.value);
        expect(await f.coin.balanceOf(bob.address)).to.equal(p.value);
        expect(await f.coin.allowance(alice.address, bob.address)).to.equal(0n);
      });

      it("is still valid in the block whose timestamp equals the deadline", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, bob, stranger } = f.accounts;
        const deadline = BigInt(await time.latest()) + 100n;
        const p = await alicePermit(f, { deadline });
        const signature = await signPermit(alice, f.domain, p);
        await time.setNextBlockTimestamp(deadline);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.emit(f.coin, "Approval")
          .withArgs(alice.address, bob.address, p.value);
      });
    });

    context("when the deadline has passed", function () {
      it("reverts with ERC2612ExpiredSignature", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, stranger } = f.accounts;
        const deadline = BigInt(await time.latest()) + 100n;
        const p = await alicePermit(f, { deadline });
        const signature = await signPermit(alice, f.domain, p);
        const before = await stateOf(f);
        await time.setNextBlockTimestamp(deadline + 1n);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.be.revertedWithCustomError(f.coin, "ERC2612ExpiredSignature")
          .withArgs(deadline);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    context("when another key signed", function () {
      it("reverts with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, bob } = f.accounts;
        const p = await alicePermit(f);
        const before = await stateOf(f);
        await expect(submitPermit(f.coin, bob, p, await signPermit(bob, f.domain, p)))
          .to.be.revertedWithCustomError(f.coin, "ERC2612InvalidSigner")
          .withArgs(bob.address, alice.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    context("when the signature is replayed", function () {
      it("reverts with ERC2612InvalidSigner: the nonce it signed is used", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, bob, stranger } = f.accounts;
        const p = await alicePermit(f);
        const signature = await signPermit(alice, f.domain, p);
        await submitPermit(f.coin, stranger, p, signature);
        await f.coin.connect(bob).transferFrom(alice.address, bob.address, 50n * UNIT);
        const before = await stateOf(f);
        const recovered = permitSigner(f.domain, { ...p, nonce: 1n }, signature);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.be.revertedWithCustomError(f.coin, "ERC2612InvalidSigner")
          .withArgs(recovered, alice.address);
        expect(await stateOf(f)).to.deep.equal(before);
        expect(await f.coin.allowance(alice.address, bob.address)).to.equal(200n * UNIT);
      });
    });

    context("when it was signed with a nonce not yet reached", function () {
      it("reverts with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, stranger } = f.accounts;
        const p = await alicePermit(f, { nonce: 1n });
        const signature = await signPermit(alice, f.domain, p);
        const before = await stateOf(f);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.be.revertedWithCustomError(f.coin, "ERC2612InvalidSigner")
          .withArgs(permitSigner(f.domain, { ...p, nonce: 0n }, signature), alice.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    context("when the submitted value differs from the signed one", function () {
      it("reverts with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, stranger } = f.accounts;
        const p = await alicePermit(f);
        const signature = await signPermit(alice, f.domain, p);
        const inflated = { ...p, value: p.value * 10n };
        const before = await stateOf(f);
        await expect(submitPermit(f.coin, stranger, inflated, signature))
          .to.be.revertedWithCustomError(f.coin, "ERC2612InvalidSigner")
          .withArgs(permitSigner(f.domain, inflated, signature), alice.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });

    context("when it was signed for the other coin", function () {
      it("reverts with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, stranger } = f.accounts;
        const p = await alicePermit(f);
        const signature = await signPermit(alice, await domainOf(f.contracts.coinCNY), p);
        const before = await stateOf(f);
        await expect(submitPermit(f.coin, stranger, p, signature))
          .to.be.revertedWithCustomError(f.coin, "ERC2612InvalidSigner")
          .withArgs(permitSigner(f.domain, p, signature), alice.address);
        expect(await stateOf(f)).to.deep.equal(before);
      });
    });
  });

  for (const variant of VARIANTS) {
    describe(`transferWithAuthorization (${variant})`, function () {
      context("with a valid authorization", function () {
        it("moves the value and emits AuthorizationUsed and Transfer", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const tx = submit(f.coin, stranger, "transfer", variant, a, signature);
          await expect(tx).to.emit(f.coin, "AuthorizationUsed").withArgs(alice.address, a.nonce);
          await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, bob.address, VALUE);
          expect(await f.coin.balanceOf(alice.address)).to.equal(ALICE_FUNDS - VALUE);
          expect(await f.coin.balanceOf(bob.address)).to.equal(VALUE);
          expect(await f.coin.authorizationState(alice.address, a.nonce)).to.equal(true);
        });

        it("leaves the permit nonce and other EIP-3009 nonces alone", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          await submit(
            f.coin,
            stranger,
            "transfer",
            variant,
            a,
            await signAuthorization(alice, f.domain, "transfer", a),
          );
          expect(await f.coin.nonces(alice.address)).to.equal(0n);
          expect(await f.coin.authorizationState(alice.address, nonce("second"))).to.equal(false);
          expect(await f.coin.authorizationState(f.accounts.bob.address, a.nonce)).to.equal(false);
        });

        it("is gasless for the payer: a relayer holding no role and no coins submits it", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const aliceEther = await ethers.provider.getBalance(alice.address);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.emit(f.coin, "Transfer")
            .withArgs(alice.address, bob.address, VALUE);
          expect(await ethers.provider.getBalance(alice.address)).to.equal(aliceEther);
          expect(await f.coin.balanceOf(stranger.address)).to.equal(0n);
          expect(await f.coin.isEligible(stranger.address)).to.equal(false);
        });

        it("is valid strictly between validAfter and validBefore", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const t = BigInt(await time.latest()) + 100n;
          const a = await authorization(f, { validAfter: t - 1n, validBefore: t + 1n });
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          await time.setNextBlockTimestamp(t);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.emit(f.coin, "AuthorizationUsed")
            .withArgs(alice.address, a.nonce);
        });
      });

      context("when the authorization is replayed", function () {
        it("reverts with ERC3009UsedAuthorization", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          await submit(f.coin, stranger, "transfer", variant, a, signature);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, a.nonce);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when validBefore has come", function () {
        it("reverts with ERC3009InvalidAuthorizationTime", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const t = BigInt(await time.latest()) + 100n;
          const a = await authorization(f, { validBefore: t });
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await time.setNextBlockTimestamp(t);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009InvalidAuthorizationTime")
            .withArgs(0n, t);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when validAfter has not passed yet", function () {
        it("reverts with ERC3009InvalidAuthorizationTime", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const t = BigInt(await time.latest()) + 100n;
          const a = await authorization(f, { validAfter: t, validBefore: t + HOUR });
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await time.setNextBlockTimestamp(t);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009InvalidAuthorizationTime")
            .withArgs(t, t + HOUR);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when another key signed", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(bob, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the submitted value differs from the signed one", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(
            submit(f.coin, stranger, "transfer", variant, { ...a, value: a.value * 2n }, signature),
          ).to.be.revertedWithCustomError(f.coin, "ERC3009InvalidSignature");
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the signature is the malleable twin of the payer's (s in the upper half)", function () {
        it(`reverts with ${variant === "bytes" ? "ERC3009InvalidSignature" : "ECDSAInvalidSignatureS"}`, async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          const twin = malleableTwin(await signAuthorization(alice, f.domain, "transfer", a));
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          if (variant === "bytes") {
            await expect(
              submit(f.coin, stranger, "transfer", variant, a, twin.serialized),
            ).to.be.revertedWithCustomError(f.coin, "ERC3009InvalidSignature");
          } else {
            // Split by hand: ethers refuses to parse a non-canonical signature.
            const relayed = f.coin.connect(stranger);
            const transferVRS =
              relayed[
                "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"
              ];
            await expect(
              transferVRS(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, twin.v, twin.r, twin.s),
            )
              .to.be.revertedWithCustomError(f.coin, "ECDSAInvalidSignatureS")
              .withArgs(twin.s);
          }
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      if (variant === "bytes") {
        context("when the signature is malformed", function () {
          for (const [label, signature] of [
            ["empty", "0x"],
            ["64 bytes of zeros", ethers.ZeroHash + ethers.ZeroHash.slice(2)],
            ["65 bytes of zeros", ethers.ZeroHash + ethers.ZeroHash.slice(2) + "00"],
          ]) {
            it(`reverts with ERC3009InvalidSignature (${label})`, async function () {
              const f = await loadFixture(signaturesFixture);
              const { alice, stranger } = f.accounts;
              const a = await authorization(f);
              const before = await stateOf(f, [[alice.address, a.nonce]]);
              await expect(submit(f.coin, stranger, "transfer", "bytes", a, signature)).to.be.revertedWithCustomError(
                f.coin,
                "ERC3009InvalidSignature",
              );
              expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
            });
          }
        });
      }

      context("when the signature is a receive authorization", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "transfer", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when it was signed for the other coin", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, await domainOf(f.contracts.coinCNY), "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the nonce was cancelled", function () {
        it("reverts with ERC3009UsedAuthorization", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          await cancel(
            f.coin,
            stranger,
            variant,
            alice.address,
            a.nonce,
            await signCancellation(alice, f.domain, alice.address, a.nonce),
          );
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, a.nonce);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the payer holds less than the value", function () {
        it("reverts with ERC20InsufficientBalance and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f, { value: ALICE_FUNDS + 1n });
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC20InsufficientBalance")
            .withArgs(alice.address, ALICE_FUNDS, ALICE_FUNDS + 1n);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the payer is frozen", function () {
        it("reverts with SettlementCoinAccountFrozen and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, regulator, stranger } = f.accounts;
          await f.coin.connect(regulator).freeze(alice.address);
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "SettlementCoinAccountFrozen")
            .withArgs(alice.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the payee is frozen", function () {
        it("reverts with SettlementCoinAccountFrozen and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, regulator, stranger } = f.accounts;
          await f.coin.connect(regulator).freeze(bob.address);
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "SettlementCoinAccountFrozen")
            .withArgs(bob.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the coin is paused", function () {
        it("reverts with SettlementCoinPaused and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, regulator, stranger } = f.accounts;
          await f.coin.connect(regulator).pause();
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "SettlementCoinPaused",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });

        it("goes through once the coin is unpaused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, regulator, stranger } = f.accounts;
          await f.coin.connect(regulator).pause();
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "SettlementCoinPaused",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
          await f.coin.connect(regulator).unpause();
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.emit(f.coin, "Transfer")
            .withArgs(alice.address, bob.address, VALUE);
        });
      });

      context("when the payee may not hold the coin", function () {
        it("reverts with SettlementCoinIneligibleHolder and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f, { to: stranger.address });
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "transfer", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
            .withArgs(stranger.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });
    });

    describe(`receiveWithAuthorization (${variant})`, function () {
      context("when the payee submits a valid authorization", function () {
        it("moves the value and emits AuthorizationUsed and Transfer", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const tx = submit(f.coin, bob, "receive", variant, a, signature);
          await expect(tx).to.emit(f.coin, "AuthorizationUsed").withArgs(alice.address, a.nonce);
          await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, bob.address, VALUE);
          expect(await f.coin.balanceOf(alice.address)).to.equal(ALICE_FUNDS - VALUE);
          expect(await f.coin.balanceOf(bob.address)).to.equal(VALUE);
          expect(await f.coin.authorizationState(alice.address, a.nonce)).to.equal(true);
        });
      });

      context("when someone other than the payee submits it (front-running)", function () {
        it("reverts with ERC20InvalidReceiver, leaves the nonce unused, and the payee may still submit it", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, stranger } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC20InvalidReceiver")
            .withArgs(bob.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
          await expect(submit(f.coin, bob, "receive", variant, a, signature))
            .to.emit(f.coin, "Transfer")
            .withArgs(alice.address, bob.address, VALUE);
          expect(await f.coin.authorizationState(alice.address, a.nonce)).to.equal(true);
        });

        it("cannot be redirected to the front-runner by changing `to`", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, carol } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(
            submit(f.coin, carol, "receive", variant, { ...a, to: carol.address }, signature),
          ).to.be.revertedWithCustomError(f.coin, "ERC3009InvalidSignature");
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the authorization is replayed", function () {
        it("reverts with ERC3009UsedAuthorization", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          await submit(f.coin, bob, "receive", variant, a, signature);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, a.nonce);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the signature is a transfer authorization", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "transfer", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when another key signed", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(bob, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when validBefore has come", function () {
        it("reverts with ERC3009InvalidAuthorizationTime", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const t = BigInt(await time.latest()) + 100n;
          const a = await authorization(f, { validBefore: t });
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await time.setNextBlockTimestamp(t);
          await expect(submit(f.coin, bob, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009InvalidAuthorizationTime")
            .withArgs(0n, t);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the payer is frozen", function () {
        it("reverts with SettlementCoinAccountFrozen and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, regulator } = f.accounts;
          await f.coin.connect(regulator).freeze(alice.address);
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "SettlementCoinAccountFrozen")
            .withArgs(alice.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the coin is paused", function () {
        it("reverts with SettlementCoinPaused and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, regulator } = f.accounts;
          await f.coin.connect(regulator).pause();
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature)).to.be.revertedWithCustomError(
            f.coin,
            "SettlementCoinPaused",
          );
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the payee may not hold the coin", function () {
        it("reverts with SettlementCoinIneligibleHolder and leaves the nonce unused", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f, { to: stranger.address });
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, stranger, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "SettlementCoinIneligibleHolder")
            .withArgs(stranger.address);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });
    });

    describe(`cancelAuthorization (${variant})`, function () {
      context("with the authorizer's signature", function () {
        it("marks the nonce used and emits AuthorizationCanceled, whoever submits it", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const n = nonce("to cancel");
          const signature = await signCancellation(alice, f.domain, alice.address, n);
          await expect(cancel(f.coin, stranger, variant, alice.address, n, signature))
            .to.emit(f.coin, "AuthorizationCanceled")
            .withArgs(alice.address, n);
          expect(await f.coin.authorizationState(alice.address, n)).to.equal(true);
          expect(await f.coin.balanceOf(alice.address)).to.equal(ALICE_FUNDS);
        });

        it("makes a receive authorization with that nonce unusable too", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob } = f.accounts;
          const a = await authorization(f);
          const signature = await signAuthorization(alice, f.domain, "receive", a);
          await cancel(
            f.coin,
            alice,
            variant,
            alice.address,
            a.nonce,
            await signCancellation(alice, f.domain, alice.address, a.nonce),
          );
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(submit(f.coin, bob, "receive", variant, a, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, a.nonce);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when the nonce was already cancelled", function () {
        it("reverts with ERC3009UsedAuthorization", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const n = nonce("to cancel");
          const signature = await signCancellation(alice, f.domain, alice.address, n);
          await cancel(f.coin, stranger, variant, alice.address, n, signature);
          const before = await stateOf(f, [[alice.address, n]]);
          await expect(cancel(f.coin, stranger, variant, alice.address, n, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, n);
          expect(await stateOf(f, [[alice.address, n]])).to.deep.equal(before);
        });
      });

      context("when the nonce was already used by a transfer", function () {
        it("reverts with ERC3009UsedAuthorization", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, stranger } = f.accounts;
          const a = await authorization(f);
          await submit(
            f.coin,
            stranger,
            "transfer",
            variant,
            a,
            await signAuthorization(alice, f.domain, "transfer", a),
          );
          const signature = await signCancellation(alice, f.domain, alice.address, a.nonce);
          const before = await stateOf(f, [[alice.address, a.nonce]]);
          await expect(cancel(f.coin, stranger, variant, alice.address, a.nonce, signature))
            .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
            .withArgs(alice.address, a.nonce);
          expect(await stateOf(f, [[alice.address, a.nonce]])).to.deep.equal(before);
        });
      });

      context("when another key signed", function () {
        it("reverts with ERC3009InvalidSignature", async function () {
          const f = await loadFixture(signaturesFixture);
          const { alice, bob, stranger } = f.accounts;
          const n = nonce("to cancel");
          const signature = await signCancellation(bob, f.domain, alice.address, n);
          const before = await stateOf(f, [[alice.address, n]]);
          await expect(cancel(f.coin, stranger, variant, alice.address, n, signature)).to.be.revertedWithCustomError(
            f.coin,
            "ERC3009InvalidSignature",
          );
          expect(await stateOf(f, [[alice.address, n]])).to.deep.equal(before);
        });
      });
    });
  }

  describe("with an ERC-1271 contract wallet", function () {
    /** The wallet pays bob 100 aUSD, valid for the next hour. */
    async function walletAuthorization(f: Fixture, overrides: Partial<Authorization> = {}) {
      return authorization(f, { from: f.walletAddress, nonce: nonce("wallet"), ...overrides });
    }

    it("is an eligible holder of the coin, funded", async function () {
      const f = await loadFixture(signaturesFixture);
      expect(await f.coin.isEligible(f.walletAddress)).to.equal(true);
      expect(await f.coin.balanceOf(f.walletAddress)).to.equal(WALLET_FUNDS);
      expect(await f.contracts.identity.investorOf(f.walletAddress)).to.equal(investorId("carol"));
    });

    context("when its owner signs a transfer authorization (bytes variant)", function () {
      it("moves the value and emits AuthorizationUsed and Transfer", async function () {
        const f = await loadFixture(signaturesFixture);
        const { bob, carol, stranger } = f.accounts;
        const a = await walletAuthorization(f);
        const signature = await signAuthorization(carol, f.domain, "transfer", a);
        const tx = submit(f.coin, stranger, "transfer", "bytes", a, signature);
        await expect(tx).to.emit(f.coin, "AuthorizationUsed").withArgs(f.walletAddress, a.nonce);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(f.walletAddress, bob.address, VALUE);
        expect(await f.coin.balanceOf(f.walletAddress)).to.equal(WALLET_FUNDS - VALUE);
        expect(await f.coin.balanceOf(bob.address)).to.equal(VALUE);
        expect(await f.coin.authorizationState(f.walletAddress, a.nonce)).to.equal(true);
      });
    });

    context("when a key other than its owner signs", function () {
      it("reverts with ERC3009InvalidSignature", async function () {
        const f = await loadFixture(signaturesFixture);
        const { bob, stranger } = f.accounts;
        const a = await walletAuthorization(f);
        const signature = await signAuthorization(bob, f.domain, "transfer", a);
        const before = await stateOf(f, [[f.walletAddress, a.nonce]]);
        await expect(submit(f.coin, stranger, "transfer", "bytes", a, signature)).to.be.revertedWithCustomError(
          f.coin,
          "ERC3009InvalidSignature",
        );
        expect(await stateOf(f, [[f.walletAddress, a.nonce]])).to.deep.equal(before);
      });
    });

    context("when its owner's signature goes through the v, r, s variant", function () {
      it("reverts with ERC3009InvalidSignature: ECDSA recovers the owner, not the wallet", async function () {
        const f = await loadFixture(signaturesFixture);
        const { carol, stranger } = f.accounts;
        const a = await walletAuthorization(f);
        const signature = await signAuthorization(carol, f.domain, "transfer", a);
        const before = await stateOf(f, [[f.walletAddress, a.nonce]]);
        await expect(submit(f.coin, stranger, "transfer", "v, r, s", a, signature)).to.be.revertedWithCustomError(
          f.coin,
          "ERC3009InvalidSignature",
        );
        expect(await stateOf(f, [[f.walletAddress, a.nonce]])).to.deep.equal(before);
      });

      it("cannot cancel either", async function () {
        const f = await loadFixture(signaturesFixture);
        const { carol, stranger } = f.accounts;
        const n = nonce("wallet");
        const signature = await signCancellation(carol, f.domain, f.walletAddress, n);
        const before = await stateOf(f, [[f.walletAddress, n]]);
        await expect(cancel(f.coin, stranger, "v, r, s", f.walletAddress, n, signature)).to.be.revertedWithCustomError(
          f.coin,
          "ERC3009InvalidSignature",
        );
        expect(await stateOf(f, [[f.walletAddress, n]])).to.deep.equal(before);
      });
    });

    context("when its owner cancels an authorization (bytes variant)", function () {
      it("marks the nonce used and emits AuthorizationCanceled", async function () {
        const f = await loadFixture(signaturesFixture);
        const { carol, stranger } = f.accounts;
        const a = await walletAuthorization(f);
        const transferSignature = await signAuthorization(carol, f.domain, "transfer", a);
        const signature = await signCancellation(carol, f.domain, f.walletAddress, a.nonce);
        await expect(cancel(f.coin, stranger, "bytes", f.walletAddress, a.nonce, signature))
          .to.emit(f.coin, "AuthorizationCanceled")
          .withArgs(f.walletAddress, a.nonce);
        expect(await f.coin.authorizationState(f.walletAddress, a.nonce)).to.equal(true);
        const before = await stateOf(f, [[f.walletAddress, a.nonce]]);
        await expect(submit(f.coin, stranger, "transfer", "bytes", a, transferSignature))
          .to.be.revertedWithCustomError(f.coin, "ERC3009UsedAuthorization")
          .withArgs(f.walletAddress, a.nonce);
        expect(await stateOf(f, [[f.walletAddress, a.nonce]])).to.deep.equal(before);
        expect(await f.coin.balanceOf(f.walletAddress)).to.equal(WALLET_FUNDS);
      });
    });

    context("when it is the payee of a receive authorization", function () {
      it("collects it by calling the coin itself", async function () {
        const f = await loadFixture(signaturesFixture);
        const { alice, carol } = f.accounts;
        const a = await authorization(f, { to: f.walletAddress });
        const signature = await signAuthorization(alice, f.domain, "receive", a);
        const data = f.coin.interface.encodeFunctionData(
          "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)",
          [a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, signature],
        );
        const tx = f.wallet.connect(carol).execute(await f.coin.getAddress(), data);
        await expect(tx).to.emit(f.coin, "AuthorizationUsed").withArgs(alice.address, a.nonce);
        await expect(tx).to.emit(f.coin, "Transfer").withArgs(alice.address, f.walletAddress, VALUE);
        await expect(tx).to.emit(f.wallet, "Executed");
        expect(await f.coin.balanceOf(f.walletAddress)).to.equal(WALLET_FUNDS + VALUE);
      });
    });

    context("when it is frozen", function () {
      it("reverts with SettlementCoinAccountFrozen and leaves the nonce unused", async function () {
        const f = await loadFixture(signaturesFixture);
        const { carol, regulator, stranger } = f.accounts;
        await f.coin.connect(regulator).freeze(f.walletAddress);
        const a = await walletAuthorization(f);
        const signature = await signAuthorization(carol, f.domain, "transfer", a);
        const before = await stateOf(f, [[f.walletAddress, a.nonce]]);
        await expect(submit(f.coin, stranger, "transfer", "bytes", a, signature))
          .to.be.revertedWithCustomError(f.coin, "SettlementCoinAccountFrozen")
          .withArgs(f.walletAddress);
        expect(await stateOf(f, [[f.walletAddress, a.nonce]])).to.deep.equal(before);
      });
    });
  });
});
