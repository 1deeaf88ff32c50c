import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { demoLoyalty } from "../../../scripts/lib/loyaltyDemo";
import { coreFixture } from "../../fixtures/core";

/** The demo's loyalty chapter (scripts/lib/loyaltyDemo.ts) runs on the core and its breakage report adds up. */
describe("LoyaltyCredit demo chapter", function () {
  it("ends with 80 credits outstanding, 100 redeemed and 20 expired of 200 issued", async function () {
    const { accounts } = await loadFixture(coreFixture);
    const lines: string[] = [];
    const result = await demoLoyalty({ deployer: accounts.deployer, governor: accounts.governor }, (line) =>
      lines.push(line),
    );
    expect(result.balance).to.equal(80n);
    expect(result.breakage).to.deep.equal({ issued: 200n, redeemed: 100n, expired: 20n, outstanding: 80n });
    expect(result.reconciled).to.equal(true);
    expect(lines.join("\n")).to.contain("issued = redeemed + expired + outstanding: true");
  });
});
