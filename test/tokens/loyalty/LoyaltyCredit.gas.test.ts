import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { benchLoyalty } from "../../../scripts/lib/loyaltyBench";
import { coreFixture } from "../../fixtures/core";

/**
 * The loyalty bench rows (scripts/lib/loyaltyBench.ts) on the core. A transfer across four expiry buckets costs at
 * most 1.5 × an OpenZeppelin ERC-20 transfer to an existing holder (the target). A redemption across four buckets
 * cannot meet that target: its physical floor (`redeemFloor`: the proxy, the participant flag, the live suspension
 * check at the authority, the config word with its redeemed count, the holder's word, the period words, two events)
 * is ≈ 1.71 × already. It must stay within 10 % of that floor (the project's rule for a target below the floor).
 */
describe("LoyaltyCredit gas", function () {
  it("transfers across four buckets within 1.5 × an ERC-20 transfer, and redeems within 1.10 × its floor", async function () {
    const { accounts } = await loadFixture(coreFixture);
    const result = await benchLoyalty({ deployer: accounts.deployer, governor: accounts.governor });
    for (const row of result.rows) console.log(`      ${row.id}: ${row.value} gas — ${row.note}`);
    console.log(`      loyalty.redeem floor (${result.redeemFloorGas} gas):`);
    for (const item of result.redeemFloor) console.log(`        ${String(item.gas).padStart(6)}  ${item.what}`);
    const redeem = result.rows.find((row) => row.id === "loyalty.redeem")!.value;
    expect(result.ratios.transfer).to.be.at.most(1.5);
    // The bench's four daily buckets straddle two period words.
    expect(result.redeemFloorGas).to.equal(58_696);
    expect(redeem).to.be.at.most(Math.floor(1.1 * result.redeemFloorGas));
    expect(result.ratios.redeem).to.be.at.most(1.9);
  });
});
