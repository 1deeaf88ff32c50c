import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  COUPON_DISTRIBUTION,
  DayCount,
  couponRate,
  couponSchedule,
  dateOf,
  decodeBondTerms,
  encodeBondTerms,
} from "../../sdk/products/bond";
import { bondFixture } from "../fixtures/bond";
import { quarterlyAct365In2028 } from "../tokens/security/bondSchedules";

const { settlementCoin: _coin, ...terms } = quarterlyAct365In2028.terms;
const quarterly = bondFixture("sdk", terms);

describe("sdk/products/bond", function () {
  it("mirrors DayCountLib's enum and the lifecycle's coupon kind", async function () {
    expect(Object.values(DayCount).filter((v) => typeof v === "number")).to.deep.equal([0, 1, 2, 3, 4, 5]);
    const { lifecycle } = (await loadFixture(quarterly)).contracts;
    expect(await lifecycle.COUPON_KIND()).to.equal(BigInt(COUPON_DISTRIBUTION));
  });

  it("reads a rate in basis points as the 1e18-scaled couponRate", function () {
    expect(couponRate(500)).to.equal(5n * 10n ** 16n);
    expect(couponRate(1)).to.equal(10n ** 14n); // one basis point
  });

  it("encodes terms the bond decodes field for field, and decodes them back", async function () {
    const world = await loadFixture(quarterly);
    const onChain = await world.contracts.bond.terms();
    const encoded = encodeBondTerms(world.terms);
    expect(decodeBondTerms(encoded)).to.deep.equal(world.terms);
    expect(
      ethers.AbiCoder.defaultAbiCoder().encode(
        [world.contracts.bond.interface.getFunction("terms")!.outputs[0]],
        [onChain],
      ),
    ).to.equal(encoded);
  });

  it("previews the schedule the bond derives on chain", async function () {
    const world = await loadFixture(quarterly);
    const preview = couponSchedule(world.terms);
    for (const period of preview) {
      const onChain = await world.contracts.bond.couponPeriod(period.period);
      expect([onChain.start, onChain.paymentDate, onChain.recordDate, onChain.amountPerUnit]).to.deep.equal([
        period.start,
        period.paymentDate,
        period.recordDate,
        period.amountPerUnit,
      ]);
    }
    expect(preview.map((p) => dateOf(p.paymentDate))).to.deep.equal([
      "2028-04-15",
      "2028-07-15",
      "2028-10-15",
      "2029-01-15",
    ]);
  });

  it("passes OpenZeppelin's upgrade-safety validation (Bond and its lifecycle)", async function () {
    const { contracts } = await loadFixture(quarterly);
    const constructorArgs = [
      await contracts.compliance.getAddress(),
      await contracts.identity.getAddress(),
      await contracts.settlement.getAddress(),
      await contracts.lifecycle.getAddress(),
    ];
    const bond = await ethers.getContractFactory("Bond");
    // The plugin encodes the constructor arguments (its option types leave `constructorArgs` out).
    const options = { kind: "uups", constructorArgs } as Parameters<typeof upgrades.validateImplementation>[1];
    await upgrades.validateImplementation(bond, options);
    await upgrades.validateUpgrade(bond, bond, options);
    // The lifecycle is no proxy's implementation but runs in the bond's storage: it must be as upgrade-safe.
    await upgrades.validateImplementation(await ethers.getContractFactory("BondLifecycle"), { kind: "transparent" });
  });
});
