import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Claim, claimsOf } from "../../sdk/claims";
import { callFrames, intrinsicGas } from "../../scripts/lib/gas";
import { CHINA, issueRequest, productTerms } from "../fixtures/assets";
import { coreFixture } from "../fixtures/core";

/**
 * What a complete issue costs and where the gas goes: an Equity with eligibility (a required claim), a country
 * allow-list, an investor cap and a lock-up, one document (a 66-character IPFS URI) and one agent — the
 * `security.issue` bench case — of the deployed Equity implementation, issued by an issuer who has issued before. The test bounds the parts the
 * factory and the authority own (so they cannot grow unnoticed) and prints the whole breakdown.
 */
/** The products' `initialize(authority, instrument, documents, terms)`. */
const INITIALIZE = ethers
  .id("initialize(address,(string,string,uint8,bytes12,bytes12,uint16,address),(bytes32,string,bytes32)[],bytes)")
  .slice(0, 10);

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
          isin: ethers.zeroPadBytes(ethers.toUtf8Bytes("CNE100000001"), 12),
        },
      });
    await factory.connect(f.accounts.issuer).issue(request());
    const tx = await factory.connect(f.accounts.issuer).issue(request());
    const receipt = (await tx.wait())!;
    const frames = await callFrames(hre.ethers.provider, receipt.hash);

    const authorityAddress = await authority.getAddress();
    const complianceAddress = await compliance.getAddress();
    const sum = (pick: (frame: (typeof frames)[number]) => boolean) =>
      frames.filter(pick).reduce((total, frame) => total + frame.gasUsed, 0);
    const selector = (name: string, contract: { interface: import("ethers").Interface }) =>
      contract.interface.getFunction(name)!.selector;
    const create = sum((fr) => fr.kind === "CREATE");
    const initialize = sum((fr) => fr.kind === "DELEGATECALL" && fr.selector === INITIALIZE);
    const parts = {
      intrinsic: intrinsicGas(tx.data),
      "issue access check (authority.canCall)": sum(
        (fr) => fr.depth === 3 && fr.target === authorityAddress && fr.selector === selector("canCall", authority),
      ),
      "proxy deployment": create - initialize,
      "token initialize (instrument, document)": initialize,
      "authority.registerAsset": sum(
        (fr) => fr.target === authorityAddress && fr.selector === selector("registerAsset", authority),
      ),
      "authority.setAssetRole (one agent)": sum(
        (fr) => fr.target === authorityAddress && fr.selector === selector("setAssetRole", authority),
      ),
      "compliance.configureNewAsset": sum(
        (fr) => fr.target === complianceAddress && fr.selector === selector("configureNewAsset", compliance),
      ),
    };
    const accounted = Object.values(parts).reduce((a, b) => a + b, 0);
    const breakdown = {
      ...parts,
      "factory (proxy hop, registry, event, encoding)": Number(receipt.gasUsed) - accounted,
    };
    console.log(`      complete issue: ${receipt.gasUsed} gas`);
    for (const [part, gas] of Object.entries(breakdown)) console.log(`        ${part.padEnd(50)} ${gas}`);

    expect(parts["authority.registerAsset"], "registerAsset").to.be.at.most(36_000);
    expect(parts["authority.setAssetRole (one agent)"], "one agent").to.be.at.most(32_000);
    expect(parts["issue access check (authority.canCall)"], "access check").to.be.at.most(15_000);
    expect(parts["proxy deployment"], "proxy deployment").to.be.at.most(96_000);
    expect(breakdown["factory (proxy hop, registry, event, encoding)"], "factory").to.be.at.most(60_000);
  });
});
