import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Wallet } from "ethers";
import {
  HOLD_UNAVAILABLE,
  instructionId,
  instructionOf,
  leg,
  legKey,
  settlementFixture,
  signInstruction,
  type Instruction,
  type SettlementWorld,
} from "./helpers";

/** What a case sets up: the consents, the held-legs mask and who asks and submits. */
interface Attempt {
  sigs: string[];
  held: bigint;
  caller: Wallet;
}

/** Places a hold on `token` under leg `i`'s key as the engine would, with the given expiry and amount. */
async function holdAsEngine(
  world: SettlementWorld,
  token: { getAddress(): Promise<string> },
  ins: Instruction,
  i: number,
  amount: bigint,
  expiry: bigint,
) {
  const engineAddress = await world.contracts.engine.getAddress();
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [engineAddress] });
  await setBalance(engineAddress, 10n ** 18n);
  const engineSigner = await ethers.getSigner(engineAddress);
  const holdable = await ethers.getContractAt("HoldableTokenMock", await token.getAddress());
  await holdable.connect(engineSigner).placeHold(legKey(instructionId(ins), i), ins.legs[i].from, amount, expiry);
  await network.provider.request({ method: "hardhat_stopImpersonatingAccount", params: [engineAddress] });
}

/** alice delivers 100 EQA to bob against 500 aUSD (nonce 7). */
async function dvp(world: SettlementWorld): Promise<Instruction> {
  const { alice, bob } = world.accounts;
  const { equity, usd } = world.contracts;
  return instructionOf([await leg(equity, alice, bob, 100n), await leg(usd, bob, alice, 500n)], 7n);
}

async function bothSign(world: SettlementWorld, ins: Instruction): Promise<string[]> {
  const { engine } = world.contracts;
  return [
    await signInstruction(engine, world.accounts.alice, ins),
    await signInstruction(engine, world.accounts.bob, ins),
  ];
}

type Case = [string, (world: SettlementWorld, ins: Instruction) => Promise<Attempt>];

const cases: Case[] = [
  ["both parties signed", async (w, ins) => ({ sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter })],
  [
    "the delivery prefunded",
    async (w, ins) => {
      await w.contracts.engine.connect(w.accounts.alice).prefund(ins, 0n);
      return { sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter };
    },
  ],
  [
    "a held leg whose hold expired while the instruction is live",
    async (w, ins) => {
      await holdAsEngine(w, w.contracts.equity, ins, 0, 100n, BigInt(await time.latest()) + 60n);
      await time.increase(120);
      return { sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter };
    },
  ],
  [
    "a held leg whose hold is short",
    async (w, ins) => {
      await holdAsEngine(w, w.contracts.equity, ins, 0, 99n, ins.deadline);
      return { sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter };
    },
  ],
  [
    "a held leg without a hold",
    async (w, ins) => ({ sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter }),
  ],
  [
    "a held leg whose hold an officer cancelled",
    async (w, ins) => {
      await w.contracts.engine.connect(w.accounts.alice).prefund(ins, 0n);
      await w.contracts.equity.cancelHold(legKey(instructionId(ins), 0), ethers.id("court order"));
      return { sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter };
    },
  ],
  [
    "a prefunded leg whose deadline passed",
    async (w, ins) => {
      await w.contracts.engine.connect(w.accounts.alice).prefund(ins, 0n);
      await time.increaseTo(ins.deadline);
      return { sigs: ["0x", (await bothSign(w, ins))[1]], held: 1n, caller: w.accounts.submitter };
    },
  ],
  [
    "the security paused",
    async (w, ins) => {
      await w.contracts.equity.setPaused(true);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the coin's payer frozen",
    async (w, ins) => {
      await w.contracts.usd.setFrozen(w.accounts.bob.address, true);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the security's recipient refused by the pipeline",
    async (w, ins) => {
      await w.contracts.equity.setRefusal(w.accounts.bob.address, 7);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the coin's recipient ineligible",
    async (w, ins) => {
      await w.contracts.usd.setRefusal(w.accounts.alice.address, 1);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the payer's coin mostly held elsewhere",
    async (w, ins) => {
      const other = await instructionOf([await leg(w.contracts.usd, w.accounts.bob, w.accounts.carol, 999_600n)], 1n);
      await w.contracts.engine.connect(w.accounts.bob).prefund(other, 0n);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the payment leg on an unregistered token",
    async (w, ins) => {
      ins.legs[1].token = await w.contracts.rogue.getAddress();
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the buyer's consent missing",
    async (w, ins) => ({ sigs: [(await bothSign(w, ins))[0], "0x"], held: 0n, caller: w.accounts.submitter }),
  ],
  [
    "the buyer's consent signed by someone else",
    async (w, ins) => ({
      sigs: [(await bothSign(w, ins))[0], await signInstruction(w.contracts.engine, w.accounts.carol, ins)],
      held: 0n,
      caller: w.accounts.submitter,
    }),
  ],
  [
    "the buyer submitting it himself",
    async (w, ins) => ({ sigs: [(await bothSign(w, ins))[0], "0x"], held: 0n, caller: w.accounts.bob }),
  ],
  [
    "the instruction cancelled",
    async (w, ins) => {
      await w.contracts.engine.connect(w.accounts.alice).cancel(ins, "0x");
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the initiator's nonce used by another settled instruction",
    async (w, ins) => {
      const other = { ...ins, tradeRef: ethers.id("another trade") };
      await w.contracts.engine.connect(w.accounts.submitter).settle(other, await bothSign(w, other), 0n);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
  [
    "the deadline passed",
    async (w, ins) => {
      await time.increaseTo(ins.deadline);
      return { sigs: await bothSign(w, ins), held: 0n, caller: w.accounts.submitter };
    },
  ],
];

/**
 * explainSettlement against a real settle attempt in the same state, case by case: `ok` exactly when settle
 * succeeds; a refused leg explained with settle's restriction code, every leg before it as fine; a missing or bad
 * consent and an unregistered token shown on their leg; an instruction-level refusal (expired, nonce used) with
 * `ok` false (the view's legs cannot say it: the SDK does, see test/sdk/settlement-explain.test.ts).
 */
describe("Settlement: explainSettlement agrees with settle (table)", function () {
  for (const [what, setUp] of cases) {
    it(`agrees when ${what}`, async function () {
      const world = await loadFixture(settlementFixture);
      const { engine } = world.contracts;
      const ins = await dvp(world);
      const { sigs, held, caller } = await setUp(world, ins);
      const [ok, , checks] = await engine.connect(caller).explainSettlement(ins, sigs, held);
      const fine = (i: number) => checks[i].registered && checks[i].consented && Number(checks[i].restriction) === 0;
      let error: ReturnType<typeof engine.interface.parseError> = null;
      try {
        await (await engine.connect(caller).settle(ins, sigs, held)).wait();
      } catch (e) {
        const data = (e as { data?: string }).data;
        error = data ? engine.interface.parseError(data) : null;
        expect(error, `settle's refusal decodes (${String(e)})`).to.not.equal(null);
      }
      expect(ok, `explain's verdict (settle: ${error?.name ?? "settled"})`).to.equal(error === null);
      if (error === null) {
        expect(checks.map((_, i) => fine(i))).to.deep.equal(checks.map(() => true));
        return;
      }
      // A held leg whose hold executeHold would refuse is never shown as held.
      checks.forEach((check, i) => {
        if (((held >> BigInt(i)) & 1n) !== 0n && check.held) {
          expect(Number(check.restriction), `leg ${i} shown held`).to.not.equal(HOLD_UNAVAILABLE);
        }
      });
      const legIndex = Number(error.args[0] ?? 0);
      switch (error.name) {
        case "SettlementLegFailed":
          expect(Number(checks[legIndex].restriction), `leg ${legIndex}'s code`).to.equal(Number(error.args[5]));
          for (let i = 0; i < legIndex; ++i) expect(fine(i), `leg ${i} before the failing one`).to.equal(true);
          if (Number(error.args[5]) === HOLD_UNAVAILABLE) expect(checks[legIndex].held).to.equal(false);
          break;
        case "SettlementNotConsented":
        case "SettlementInvalidSignature":
          expect(checks[Number(error.args[1])].consented).to.equal(false);
          break;
        case "SettlementUnregisteredAsset":
          expect(checks[legIndex].registered).to.equal(false);
          break;
        case "SettlementExpired":
        case "SettlementNonceUsed":
          break;
        default:
          expect.fail(`unexpected refusal ${error.name}`);
      }
    });
  }

  it("a prefunded leg past its deadline is not shown held: its hold can only be released", async function () {
    const world = await loadFixture(settlementFixture);
    const { engine } = world.contracts;
    const ins = await dvp(world);
    await engine.connect(world.accounts.alice).prefund(ins, 0n);
    await time.increaseTo(ins.deadline);
    const [ok, , checks] = await engine.explainSettlement(ins, ["0x", "0x"], 1n);
    expect(ok).to.equal(false);
    expect(checks[0].held).to.equal(false);
    expect(Number(checks[0].restriction)).to.equal(HOLD_UNAVAILABLE);
  });
});
