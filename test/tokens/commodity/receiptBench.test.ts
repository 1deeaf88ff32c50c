import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../../sdk/claims";
import { benchReceipt } from "../../../scripts/lib/receiptBench";
import { coreFixture } from "../../fixtures/core";

/** scripts/lib/receiptBench.ts runs on the deployed core and gives the four rows bench.ts writes. */
describe("receipt bench rows", function () {
  it("measures erc1155.transfer, receipt.transfer, receipt.pledge and receipt.split", async function () {
    const { accounts } = await loadFixture(coreFixture);
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
    ]);
    for (const row of rows) expect(row.value, row.id).to.be.greaterThan(21_000);
    if (process.env.BENCH_PRINT) console.table(rows.map(({ id, value, note }) => ({ id, value, note })));
  });
});
