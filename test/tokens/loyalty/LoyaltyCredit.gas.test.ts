import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { benchLoyalty } from "../../../scripts/lib/loyaltyBench";
import { coreFixture } from "../../fixtures/core";

/**
 * The loyalty bench rows (scripts/lib/loyaltyBench.ts) on the core. A transfer across four expiry buckets costs at
 * most 1.5 × an OpenZeppelin ERC-20 transfer to an existing holder (the target). A redemption across four buckets
 * does not meet that target: besides the holder's word it writes the period figures (one or two words) and the
 * program's totals, and checks the accepting merchant's standing at the authority (a cold call); its ceiling here
 * (2.0 ×) guards against regressions.
 */
describe("LoyaltyCredit gas", function () {
  it("transfers across four buckets within 1.5 × an ERC-20 transfer, and redeems within 2.0 ×", async function () {
    const { accounts } = await loadFixture(coreFixture);
    const result = await benchLoyalty({ deployer: accounts.deployer, governor: accounts.governor });
    for (const row of result.rows) console.log(`      ${row.id}: ${row.value} gas — ${row.note}`);
    expect(result.ratios.transfer).to.be.at.most(1.5);
    expect(result.ratios.redeem).to.be.at.most(2.0);
  });
});
