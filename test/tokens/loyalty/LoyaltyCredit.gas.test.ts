import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { benchLoyalty } from "../../../scripts/lib/loyaltyBench";
import { coreFixture } from "../../fixtures/core";

/**
 * The loyalty bench rows (scripts/lib/loyaltyBench.ts) on the core: a spend across four expiry buckets — a
 * redemption or a transfer — costs at most 1.5 × an OpenZeppelin ERC-20 transfer to an existing holder.
 */
describe("LoyaltyCredit gas", function () {
  it("spends across four buckets within 1.5 × an ERC-20 transfer", async function () {
    const { accounts } = await loadFixture(coreFixture);
    const result = await benchLoyalty({ deployer: accounts.deployer, governor: accounts.governor });
    for (const row of result.rows) console.log(`      ${row.id}: ${row.value} gas — ${row.note}`);
    expect(result.ratios.transfer).to.be.at.most(1.5);
    expect(result.ratios.redeem).to.be.at.most(1.5);
  });
});
