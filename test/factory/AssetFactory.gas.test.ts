import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../sdk/claims";
import { instrumentCode } from "../../sdk/assets";
import { issueGasBreakdown } from "../../scripts/lib/gas";
import { CHINA, issueRequest, productTerms } from "../fixtures/assets";
import { coreFixture } from "../fixtures/core";

/**
 * What a complete issue costs and where the gas goes: an Equity with eligibility (a required claim), a country
 * allow-list, an investor cap and a lock-up, one document (a 66-character IPFS URI) and one agent — the
 * `security.issue` bench case — of the deployed Equity implementation, here issued by an issuer who has issued
 * before (the bench measures the factory's first issue). The test bounds the parts the factory and the authority
 * own (so they cannot grow unnoticed) and prints the whole breakdown (`issueGasBreakdown`, which the bench prints
 * too).
 */
describe("AssetFactory issue gas", function () {
  it("keeps the factory's and the authority's shares of a complete issue within their budgets", async function () {
    const f = await loadFixture(coreFixture);
    const { factory, authority, compliance } = f.contracts;
    const terms = await productTerms.Equity(f.contracts);
    const lockup = BigInt(await time.latest()) + 180n * 86_400n;
    const request = () =>
      issueRequest({
        rules: {
          requiredClaims: claimsOf([Claim.PROFESSIONAL]),
          countryAllowList: true,
          maxInvestors: 200n,
          lockupUntil: lockup,
        },
        allowedCountries: [CHINA],
        documents: [
          {
            name: ethers.encodeBytes32String("prospectus"),
            uri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            documentHash: ethers.id("prospectus"),
          },
        ],
        agents: [f.accounts.bob.address],
        terms,
        instrument: {
          name: "Example Holdings Ltd",
          symbol: "EXH",
          isin: instrumentCode("CNE100000001"),
        },
      });
    await factory.connect(f.accounts.issuer).issue(request());
    const tx = await factory.connect(f.accounts.issuer).issue(request());
    const receipt = (await tx.wait())!;
    const breakdown = await issueGasBreakdown(
      hre.ethers.provider,
      { hash: receipt.hash, data: tx.data, gasUsed: receipt.gasUsed },
      { address: await authority.getAddress(), interface: authority.interface },
      { address: await compliance.getAddress(), interface: compliance.interface },
    );
    console.log(`      complete issue: ${receipt.gasUsed} gas`);
    for (const [part, gas] of Object.entries(breakdown)) console.log(`        ${part.padEnd(50)} ${gas}`);

    expect(breakdown["authority.registerAsset"], "registerAsset").to.be.at.most(36_000);
    expect(breakdown["authority.setAssetRole (agents, administrators)"], "one agent").to.be.at.most(32_000);
    expect(breakdown["issue access check (authority.canCall)"], "access check").to.be.at.most(15_000);
    expect(breakdown["proxy deployment"], "proxy deployment").to.be.at.most(96_000);
    expect(breakdown["factory (proxy hop, registry, event, encoding)"], "factory").to.be.at.most(60_000);
  });
});
