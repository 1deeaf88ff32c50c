import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../../sdk/claims";
import { benchReceipt } from "../../../scripts/lib/receiptBench";
import { issuingCoinsFixture } from "../coin/funding";

/**
 * scripts/lib/receiptBench.ts runs on the deployed core (the issuer a minter of the coin, as bench.ts makes it) and
 * gives the five rows bench.ts writes.
 */
describe("receipt bench rows", function () {
  it("measures erc1155.transfer, receipt.transfer, receipt.pledge, receipt.split and receipt.dvp", async function () {
    const { accounts } = await loadFixture(issuingCoinsFixture);
    const rows = await benchReceipt({
      deployer: accounts.deployer,
      kyc: accounts.kycProvider,
      issuer: accounts.issuer,
      custodian: accounts.custodian,
      kycClaims: claimsOf([Claim.KYC, Claim.AML, Claim.PROFESSIONAL]),
    });
    expect(rows.map((row) => row.id)).to.deep.equal([
      "erc1155.transfer",
      "receipt.transfer",
      "receipt.pledge",
      "receipt.split",
      "receipt.dvp",
    ]);
    for (const row of rows) expect(row.value, row.id).to.be.greaterThan(21_000);
    // The DvP moves both legs: it costs more than the receipt transfer alone.
    const gas = Object.fromEntries(rows.map((row) => [row.id, row.value]));
    expect(gas["receipt.dvp"]).to.be.greaterThan(gas["receipt.transfer"]);
    if (process.env.BENCH_PRINT) console.table(rows.map(({ id, value, note }) => ({ id, value, note })));
  });
});
