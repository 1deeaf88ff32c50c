import { readFileSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import { deployments, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { TypedDataField } from "ethers";
import {
  consentsOf,
  decodeRevert,
  describeRevert,
  explainSettlement,
  formatAmount,
  GATEWAY_TRADE_TYPE,
  GATEWAY_TRADE_TYPEHASH,
  GATEWAY_TRADE_TYPES,
  gatewayDomain,
  gatewayDomainOf,
  gatewayTradeDigest,
  gatewayTradeId,
  gatewayTradeSigner,
  INSTRUCTION_TYPE,
  INSTRUCTION_TYPEHASH,
  INSTRUCTION_TYPES,
  instructionDigest,
  instructionId,
  instructionSigner,
  LEG_TYPE,
  legsHeldMask,
  PAYMENT_RECEIPT_TYPE,
  PAYMENT_RECEIPT_TYPEHASH,
  PAYMENT_RECEIPT_TYPES,
  paymentReceiptDigest,
  paymentReceiptSigner,
  revertDataOf,
  settlementDomain,
  settlementDomainOf,
  signGatewayTrade,
  signInstruction,
  signPaymentReceipt,
  signTyped,
  structHash,
  typedSigner,
  type GatewayTradeTerms,
  type Instruction,
  type LegCheck,
  type SettlementExplainer,
} from "../../sdk/settlement";
import { describeRestriction, Restriction } from "../../sdk/restrictions";
import { coreFixture } from "../fixtures/core";
import { mintTo, securityFixture } from "../fixtures/security";
import { rejection } from "../helpers/promises";

const securityWorld = securityFixture();

const address = (label: string) => ethers.computeAddress(ethers.id(label));

/** A DvP: `shares` of a security from the seller, `price` of a coin from the buyer. */
function dvp(overrides: Partial<Instruction> = {}): Instruction {
  return {
    tradeRef: ethers.id("trade:1"),
    deadline: 1_900_000_000,
    nonce: 7n,
    legs: [
      { token: address("security"), from: address("seller"), to: address("buyer"), amount: 10n },
      { token: address("coin"), from: address("buyer"), to: address("seller"), amount: 1_250_000n },
    ],
    ...overrides,
  };
}

/** ethers' generic EIP-712 encoder, which knows nothing of the engine: the reference for our hand-written id. */
function referenceId(instruction: Instruction): string {
  return ethers.TypedDataEncoder.hashStruct("Instruction", INSTRUCTION_TYPES, {
    ...instruction,
    deadline: BigInt(instruction.deadline),
  });
}

describe("sdk/settlement", function () {
  describe("the instruction's EIP-712 types", function () {
    it("encode to the exact type strings of ISettlement", function () {
      const encoder = ethers.TypedDataEncoder.from(INSTRUCTION_TYPES);
      expect(encoder.primaryType).to.equal("Instruction");
      expect(encoder.encodeType("Instruction")).to.equal(INSTRUCTION_TYPE + LEG_TYPE);
      expect(encoder.encodeType("Leg")).to.equal(LEG_TYPE);
      expect(INSTRUCTION_TYPEHASH).to.equal(ethers.id(encoder.encodeType("Instruction")));
    });
  });

  describe("instructionId", function () {
    it("is the struct hash ethers' generic encoder computes, for any instruction", function () {
      const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => ethers.hexlify(bytes));
      const anAddress = fc
        .uint8Array({ minLength: 20, maxLength: 20 })
        .map((bytes) => ethers.getAddress(ethers.hexlify(bytes)));
      const leg = fc.record({
        token: anAddress,
        from: anAddress,
        to: anAddress,
        amount: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
      });
      const instruction = fc.record({
        tradeRef: hex32,
        deadline: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
        nonce: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        legs: fc.array(leg, { minLength: 0, maxLength: 5 }),
      });
      fc.assert(
        fc.property(instruction, (value) => instructionId(value) === referenceId(value)),
        { numRuns: 60 },
      );
    });

    it("changes with every field, and with the legs' order", function () {
      const base = dvp();
      const id = instructionId(base);
      const variants: Instruction[] = [
        dvp({ tradeRef: ethers.id("trade:2") }),
        dvp({ deadline: 1_900_000_001 }),
        dvp({ nonce: 8n }),
        dvp({ legs: [...base.legs].reverse() }),
        dvp({ legs: [base.legs[0], { ...base.legs[1], amount: 1_250_001n }] }),
        dvp({ legs: [base.legs[0]] }),
      ];
      for (const variant of variants) expect(instructionId(variant)).to.not.equal(id);
    });

    it("rejects a deadline that is not a uint48", function () {
      expect(() => instructionId(dvp({ deadline: 1n << 48n }))).to.throw(RangeError, "uint48");
    });
  });

  describe("signInstruction", function () {
    const domain = settlementDomain(31_337n, address("engine"));

    it("signs the digest a wallet shows, and the signature recovers to the signer", async function () {
      const [, party] = await ethers.getSigners();
      const instruction = dvp();
      const signature = await signInstruction(party, domain, instruction);
      expect(instructionSigner(domain, instruction, signature)).to.equal(party.address);
      const digest = instructionDigest(domain, instruction);
      expect(digest).to.equal(
        ethers.TypedDataEncoder.hash(domain, INSTRUCTION_TYPES, { ...instruction, deadline: 1_900_000_000n }),
      );
      expect(ethers.recoverAddress(digest, signature)).to.equal(party.address);
      // The digest binds the id: \x19\x01 ‖ domain separator ‖ struct hash.
      expect(digest).to.equal(
        ethers.keccak256(
          ethers.concat(["0x1901", ethers.TypedDataEncoder.hashDomain(domain), instructionId(instruction)]),
        ),
      );
    });

    it("binds the signature to one engine on one chain and to the instruction signed", async function () {
      const wallet = ethers.Wallet.createRandom();
      const instruction = dvp();
      const signature = await signInstruction(wallet, domain, instruction);
      const otherEngine = settlementDomain(31_337n, address("other engine"));
      const otherChain = settlementDomain(1n, address("engine"));
      expect(instructionSigner(otherEngine, instruction, signature)).to.not.equal(wallet.address);
      expect(instructionSigner(otherChain, instruction, signature)).to.not.equal(wallet.address);
      expect(instructionSigner(domain, dvp({ nonce: 8n }), signature)).to.not.equal(wallet.address);
    });

    it("uses the deployed engine's address and the chain's id (settlementDomainOf)", async function () {
      await loadFixture(coreFixture);
      const deployment = await deployments.get("Settlement");
      const engine = await ethers.getContractAt("Settlement", deployment.address);
      expect(await settlementDomainOf(engine)).to.deep.equal({
        name: "AssetLedger Settlement",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: deployment.address,
      });
    });
  });

  describe("signTyped, typedSigner and structHash (the helpers every settlement type signs with)", function () {
    // A type of the test's own, not the gateway's: the helpers know nothing of the types they sign.
    const types: Record<string, TypedDataField[]> = {
      Note: [
        { name: "ref", type: "bytes32" },
        { name: "amount", type: "uint256" },
        { name: "to", type: "address" },
      ],
    };
    const value = { ref: ethers.id("note"), amount: 5n, to: address("payee") };
    const domain = { name: "Any", version: "2", chainId: 31_337n, verifyingContract: address("contract") };

    it("sign any struct and recover its signer", async function () {
      const [, , party] = await ethers.getSigners();
      const signature = await signTyped(party, domain, types, value);
      expect(typedSigner(domain, types, value, signature)).to.equal(party.address);
      expect(ethers.verifyTypedData(domain, types, value, signature)).to.equal(party.address);
    });

    it("hash a struct as EIP-712 does", function () {
      const typehash = ethers.id("Note(bytes32 ref,uint256 amount,address to)");
      expect(structHash(types, value)).to.equal(
        ethers.keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(
            ["bytes32", "bytes32", "uint256", "address"],
            [typehash, value.ref, value.amount, value.to],
          ),
        ),
      );
      expect(structHash(INSTRUCTION_TYPES, { ...dvp(), deadline: 1_900_000_000n })).to.equal(instructionId(dvp()));
    });
  });

  describe("consentsOf", function () {
    it("puts each sender's signature at its first leg and leaves the rest empty", function () {
      const [seller, buyer] = [address("seller"), address("buyer")];
      const instruction = dvp({
        legs: [
          { token: address("a"), from: seller, to: buyer, amount: 1n },
          { token: address("b"), from: buyer, to: seller, amount: 2n },
          { token: address("c"), from: seller, to: buyer, amount: 3n },
          { token: address("d"), from: address("affirmed"), to: buyer, amount: 4n },
        ],
      });
      const consents = consentsOf(instruction, { [seller.toLowerCase()]: "0x11", [buyer]: "0x22" });
      expect(consents).to.deep.equal(["0x11", "0x22", "0x", "0x"]);
    });
  });

  describe("legsHeldMask", function () {
    it("sets bit i for each held leg i, from indices or from one flag per leg", function () {
      expect(legsHeldMask([])).to.equal(0n);
      expect(legsHeldMask([0])).to.equal(1n);
      expect(legsHeldMask([1, 3, 1])).to.equal(0b1010n);
      expect(legsHeldMask([255])).to.equal(1n << 255n);
      expect(legsHeldMask([true, false, true])).to.equal(0b101n);
    });

    it("rejects an index that is not a leg's", function () {
      for (const bad of [-1, 256, 1.5, Number.NaN]) {
        expect(() => legsHeldMask([bad]), String(bad)).to.throw(RangeError, "leg index");
      }
    });
  });

  describe("explainSettlement", function () {
    /** An engine that answers `explainSettlement` with `legs`, recording what it was asked. */
    function engineAnswering(ok: boolean, legs: LegCheck[], asTuple = false) {
      const asked: unknown[][] = [];
      const engine: SettlementExplainer = {
        explainSettlement: async (...args) => {
          asked.push(args);
          const id = instructionId(args[0]);
          // Unnamed, as ethers decodes a result whose ABI gives no names.
          const tuples = legs.map((leg) => [leg.restriction, leg.consented, leg.held, leg.registered]);
          return asTuple ? [ok, id, tuples] : { ok, id, legs };
        },
      };
      return { engine, asked };
    }
    const good: LegCheck = { restriction: 0n, consented: true, held: false, registered: true };

    it("says each leg would move, naming tokens by their symbols, and how it is funded", async function () {
      const instruction = dvp();
      const { engine, asked } = engineAnswering(true, [{ ...good, held: true }, good]);
      const names = { [instruction.legs[0].token.toLowerCase()]: "BH1", [instruction.legs[1].token]: "aUSD" };
      const explanation = await explainSettlement(engine, instruction, ["0x", "0x22"], 1n, names);
      expect(asked).to.deep.equal([[instruction, ["0x", "0x22"], 1n]]);
      expect(explanation.ok).to.equal(true);
      expect(explanation.id).to.equal(instructionId(instruction));
      expect(explanation.summary).to.equal("the instruction would settle now");
      const [seller, buyer] = [instruction.legs[0].from, instruction.legs[0].to];
      expect(explanation.legs.map((leg) => leg.sentence)).to.deep.equal([
        `leg 0: 10 of BH1 from ${seller} to ${buyer} would move (executing its hold)`,
        `leg 1: 1250000 of aUSD from ${buyer} to ${seller} would move (from the sender's available balance)`,
      ]);
      expect(explanation.legs.map((leg) => leg.ok)).to.deep.equal([true, true]);
    });

    it("gives every reason a leg would not move, the restriction in sdk/restrictions.ts's words", async function () {
      const instruction = dvp();
      const { engine } = engineAnswering(
        false,
        [
          {
            restriction: BigInt(Restriction.InsufficientUnfrozenBalance),
            consented: false,
            held: false,
            registered: true,
          },
          { ...good, registered: false },
        ],
        true,
      );
      const explanation = await explainSettlement(engine, instruction, [], 0b01n);
      const [first, second] = explanation.legs;
      expect(first.ok).to.equal(false);
      expect(first.sentence).to.contain(`the sender ${instruction.legs[0].from} has not consented`);
      expect(first.sentence).to.contain(describeRestriction(Restriction.InsufficientUnfrozenBalance));
      expect(first.sentence).to.contain("the sender's balance not frozen or held is below the amount");
      expect(first.sentence).to.contain("marked held but no hold for it is active");
      expect(second.sentence).to.contain("the token is not a registered asset");
      expect(explanation.summary).to.equal("the instruction would not settle: legs 0, 1 would not move");
    });

    it("says so when every leg would move but the instruction would not settle", async function () {
      const { engine } = engineAnswering(false, [good, good]);
      const explanation = await explainSettlement(engine, dvp(), [], 0n);
      expect(explanation.summary).to.contain("deadline has passed, its nonce is used or cancelled");
    });

    it("writes amounts in each token's units when told its decimals (raw units otherwise)", async function () {
      const instruction = dvp();
      const { engine } = engineAnswering(true, [good, good]);
      const decimals = { [instruction.legs[1].token.toLowerCase()]: 6 };
      const explanation = await explainSettlement(
        engine,
        instruction,
        [],
        0n,
        { [instruction.legs[1].token]: "aUSD" },
        {
          decimals,
        },
      );
      expect(explanation.legs[0].sentence).to.contain("leg 0: 10 of ");
      expect(explanation.legs[1].sentence).to.contain("leg 1: 1.25 of aUSD from");
    });

    it("says when the instruction expired and which nonce is used, from the engine's own views", async function () {
      const instruction = dvp();
      const asked: unknown[][] = [];
      const engine: SettlementExplainer = {
        ...engineAnswering(false, [good, good]).engine,
        isNonceUsed: async (...args) => {
          asked.push(args);
          return true;
        },
      };
      const explanation = await explainSettlement(engine, instruction, [], 0n, {}, { now: 1_900_000_000 });
      expect(asked).to.deep.equal([[instruction.legs[0].from, 7n]]);
      expect(explanation.reasons).to.deep.equal([
        "it expired at 2030-03-17T17:46:40Z (deadline 1900000000)",
        `its initiator ${instruction.legs[0].from}'s nonce 7 is used (by another instruction settled or cancelled with it)`,
      ]);
      expect(explanation.summary).to.equal(`the instruction would not settle: ${explanation.reasons.join("; ")}`);
      const live = await explainSettlement(
        engineAnswering(false, [good, good]).engine,
        instruction,
        [],
        0n,
        {},
        {
          now: 1_899_999_999,
        },
      );
      expect(live.reasons).to.deep.equal([]);
    });

    it("formatAmount groups thousands and drops trailing zeros", function () {
      expect(formatAmount(500_000n, 2)).to.equal("5,000");
      expect(formatAmount(1_250_500_000n, 6)).to.equal("1,250.5");
      expect(formatAmount(1n, 18)).to.equal("0.000000000000000001");
      expect(formatAmount(1_234_567n, 0)).to.equal("1,234,567");
    });

    it("rejects an answer that does not explain every leg", async function () {
      const { engine } = engineAnswering(true, [good]);
      const error = await rejection(explainSettlement(engine, dvp(), [], 0n));
      expect(error.message).to.contain("explained 1 legs of 2");
    });
  });

  describe("decodeRevert", function () {
    it("decodes the coin's real revert data: name, arguments and a sentence", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const { coin } = contracts;
      const call = coin.connect(accounts.stranger).transfer(accounts.alice.address, 1n);
      const data = revertDataOf(await rejection(call));
      expect(data).to.match(/^0x[0-9a-f]{8}/);
      const decoded = decodeRevert(data!, [contracts.compliance, coin]);
      expect(decoded).to.not.equal(undefined);
      // The same error and arguments as chai's matcher reads from the transaction.
      await expect(coin.connect(accounts.stranger).transfer(accounts.alice.address, 1n))
        .to.be.revertedWithCustomError(coin, decoded!.name)
        .withArgs(...decoded!.argList);
      expect(decoded!.name).to.equal("ERC20InsufficientBalance");
      expect(decoded!.selector).to.equal(coin.interface.getError("ERC20InsufficientBalance")!.selector);
      expect(decoded!.signature).to.equal("ERC20InsufficientBalance(address,uint256,uint256)");
      expect(decoded!.args).to.deep.equal({ sender: accounts.stranger.address, balance: 0n, needed: 1n });
      expect(decoded!.sentence).to.equal(
        `ERC20 insufficient balance: sender ${accounts.stranger.address}, balance 0, needed 1`,
      );
    });

    it("decodes a security token's refusal and reads its restriction code", async function () {
      const world = await loadFixture(securityWorld);
      const { alice, stranger } = world.accounts;
      await mintTo(world, { [alice.address]: 10n });
      const token = world.contracts.security;
      const data = revertDataOf(await rejection(token.connect(alice).transfer(stranger.address, 1n)));
      const decoded = decodeRevert(data!, [token]);
      expect(decoded?.name).to.equal("SecurityTokenTransferRestricted");
      expect(decoded?.args.from).to.equal(alice.address);
      expect(decoded?.args.to).to.equal(stranger.address);
      expect(decoded?.args.amount).to.equal(1n);
      expect(decoded?.args.code).to.equal(BigInt(Restriction.RecipientNotVerified));
      expect(decoded?.sentence).to.equal(
        `security token transfer restricted: from ${alice.address}, to ${stranger.address}, amount 1, code 2 ` +
          `(${describeRestriction(Restriction.RecipientNotVerified)})`,
      );
    });

    it("decodes revert data nested in a bytes argument with the same interfaces", async function () {
      const { accounts, contracts } = await loadFixture(coreFixture);
      const { coin } = contracts;
      const inner = revertDataOf(
        await rejection(coin.connect(accounts.stranger).transfer(accounts.alice.address, 1n)),
      )!;
      // A settlement-style error of the test's own: the SDK learns the engine's errors from its interface.
      const engine = new ethers.Interface([
        "error LegFailed(uint256 leg, address from, address to, uint8 restriction, bytes reason)",
      ]);
      const data = engine.encodeErrorResult("LegFailed", [
        1n,
        accounts.stranger.address,
        accounts.alice.address,
        16,
        inner,
      ]);
      const decoded = decodeRevert(data, [engine, coin]);
      expect(decoded?.name).to.equal("LegFailed");
      expect(decoded?.args.reason).to.equal(inner);
      expect(decoded?.sentence).to.equal(
        `leg failed: leg 1, from ${accounts.stranger.address}, to ${accounts.alice.address}, restriction 16 ` +
          `(${describeRestriction(16)}), reason (${decodeRevert(inner, [coin])!.sentence})`,
      );
      // Without the coin's interface the reason stays raw.
      expect(decodeRevert(data, [engine])!.sentence).to.contain(`reason ${inner}`);
    });

    it("reads Error(string) and Panic(uint256), and says what it cannot decode", function () {
      const any = new ethers.Interface(["error Other(uint256)"]);
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const error = ethers.concat(["0x08c379a0", coder.encode(["string"], ["no"])]);
      const panic = ethers.concat(["0x4e487b71", coder.encode(["uint256"], [0x11])]);
      expect(describeRevert(error, [any])).to.equal("reverted: no");
      expect(describeRevert(panic, [any])).to.equal("panic 0x11: arithmetic overflow or underflow");
      expect(decodeRevert("0xdeadbeef", [any])).to.equal(undefined);
      expect(describeRevert("0xdeadbeef00", [any])).to.equal("unknown error 0xdeadbeef (5 bytes)");
      expect(describeRevert("0x", [any])).to.equal("reverted without data");
      expect(decodeRevert("0x", [any])).to.equal(undefined);
    });

    it("finds revert data in wrapped provider errors", function () {
      expect(revertDataOf({ error: { data: "0x1234" } })).to.equal("0x1234");
      expect(revertDataOf({ info: { error: { data: { data: "0xabcd" } } } })).to.equal("0xabcd");
      expect(revertDataOf(new Error("no data"))).to.equal(undefined);
      expect(revertDataOf(undefined)).to.equal(undefined);
    });
  });

  describe("the payment-gateway settlement's trade and receipt", function () {
    /** Reads a type string's `name(…)` out of IGatewaySettlement.sol's NatSpec (its documented EIP-712 types). */
    function documentedType(name: string): string {
      const source = readFileSync("contracts/interfaces/settlement/IGatewaySettlement.sol", "utf8");
      const natspec = source
        .split("\n")
        .filter((line) => line.trim().startsWith("///"))
        .map((line) => line.trim().replace(/^\/\/\/\s?/, ""))
        .join("");
      const match = new RegExp(`${name}\\([^)]*\\)`).exec(natspec.replace(/,\s+/g, ","));
      if (!match) throw new Error(`IGatewaySettlement.sol documents no ${name} type`);
      return match[0];
    }

    function trade(overrides: Partial<GatewayTradeTerms> = {}): GatewayTradeTerms {
      return {
        token: address("equity"),
        seller: address("seller"),
        buyer: address("buyer"),
        gateway: address("gateway"),
        quantity: 100n,
        paymentRef: ethers.id("E2E-1"),
        deadline: 1_900_000_000n,
        nonce: 3n,
        feeCoin: address("coin"),
        feePayer: address("buyer"),
        feeAccount: address("fees"),
        feeAmount: 1_001n,
        ...overrides,
      };
    }

    it("encode to the type strings IGatewaySettlement documents", function () {
      expect(ethers.TypedDataEncoder.from(GATEWAY_TRADE_TYPES).encodeType("GatewayTrade")).to.equal(GATEWAY_TRADE_TYPE);
      expect(ethers.TypedDataEncoder.from(PAYMENT_RECEIPT_TYPES).encodeType("PaymentReceipt")).to.equal(
        PAYMENT_RECEIPT_TYPE,
      );
      expect(documentedType("GatewayTrade")).to.equal(GATEWAY_TRADE_TYPE);
      expect(documentedType("PaymentReceipt")).to.equal(PAYMENT_RECEIPT_TYPE);
      expect(GATEWAY_TRADE_TYPEHASH).to.equal(ethers.id(GATEWAY_TRADE_TYPE));
      expect(PAYMENT_RECEIPT_TYPEHASH).to.equal(ethers.id(PAYMENT_RECEIPT_TYPE));
    });

    it("sign what the wallet shows, and the signatures recover to their signers", async function () {
      const [, seller, gateway] = await ethers.getSigners();
      const domain = gatewayDomain(31_337n, address("gateway settlement"));
      const terms = trade({ seller: seller.address });
      const signature = await signGatewayTrade(seller, domain, terms);
      expect(gatewayTradeSigner(domain, terms, signature)).to.equal(seller.address);
      expect(ethers.recoverAddress(gatewayTradeDigest(domain, terms), signature)).to.equal(seller.address);
      const receipt = { tradeId: gatewayTradeId(terms), quantity: 30n, trancheRef: ethers.id("T-1") };
      const receiptSignature = await signPaymentReceipt(gateway, domain, receipt);
      expect(paymentReceiptSigner(domain, receipt, receiptSignature)).to.equal(gateway.address);
      expect(ethers.recoverAddress(paymentReceiptDigest(domain, receipt), receiptSignature)).to.equal(gateway.address);
      // Another domain (another contract) recovers someone else.
      const other = gatewayDomain(31_337n, address("other"));
      expect(gatewayTradeSigner(other, terms, signature)).to.not.equal(seller.address);
    });

    it("agree with the deployed GatewaySettlement: id, digests, and signatures it accepts", async function () {
      const { accounts } = await loadFixture(coreFixture);
      const settlement = await ethers.getContractAt(
        "GatewaySettlement",
        (await deployments.get("GatewaySettlement")).address,
      );
      const domain = await gatewayDomainOf(settlement);
      expect(domain.verifyingContract).to.equal(await settlement.getAddress());
      const terms = trade({ seller: accounts.alice.address, deadline: 1_900_000_000n });
      expect(await settlement.tradeId(terms)).to.equal(gatewayTradeId(terms));
      expect(await settlement.tradeDigest(terms)).to.equal(gatewayTradeDigest(domain, terms));
      const receipt = { tradeId: gatewayTradeId(terms), quantity: 40n, trancheRef: ethers.id("T-2") };
      expect(await settlement.receiptDigest(receipt.tradeId, receipt.quantity, receipt.trancheRef)).to.equal(
        paymentReceiptDigest(domain, receipt),
      );
      const signature = await signGatewayTrade(accounts.alice, domain, terms);
      expect(ethers.recoverAddress(await settlement.tradeDigest(terms), signature)).to.equal(accounts.alice.address);
    });
  });
});
