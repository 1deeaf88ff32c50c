import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Role, securityTokenPermissions } from "../../config/roles";
import { ProductType, productTarget } from "../../sdk/assets";
import { shouldBehaveLikeCompliantToken } from "../behaviors/CompliantToken.behavior";
import { securityFixture } from "../fixtures/security";

const worldFixture = securityFixture();

/** The shared product fixture issues through the factory, with roles held on the asset alone. */
describe("securityFixture (issued through the AssetFactory)", function () {
  it("registers the asset with the authority under its product type, issued by the issuer", async function () {
    const { accounts, contracts } = await loadFixture(worldFixture);
    const asset = await contracts.security.getAddress();
    expect(await contracts.authority.productOf(asset)).to.equal(ProductType.Equity);
    expect(await contracts.authority.issuerOf(asset)).to.equal(accounts.issuer.address);
    expect(await contracts.security.issuer()).to.equal(accounts.issuer.address);
    expect(await contracts.factory.productImplementation(ProductType.Equity)).to.equal(contracts.implementation);
    const [entry] = await contracts.factory.assetsByIssuer(accounts.issuer.address, 0, 1);
    expect(entry.asset).to.equal(asset);
  });

  it("grants the agent and administrator their roles on this asset, not globally", async function () {
    const { accounts, contracts } = await loadFixture(worldFixture);
    const asset = await contracts.security.getAddress();
    const { authority } = contracts;
    expect(await authority.hasAssetRole(asset, Role.ASSET_AGENT, accounts.agent.address)).to.equal(true);
    expect(await authority.hasAssetRole(asset, Role.ASSET_ADMINISTRATOR, accounts.administrator.address)).to.equal(
      true,
    );
    expect((await authority.hasRole(Role.ASSET_AGENT, accounts.agent.address))[0]).to.equal(false);
    expect((await authority.hasRole(Role.ASSET_ISSUER, accounts.issuer.address))[0]).to.equal(false);
  });

  it("guards the asset with its product type's table", async function () {
    const { contracts } = await loadFixture(worldFixture);
    const asset = await contracts.security.getAddress();
    for (const [signature, role] of Object.entries(securityTokenPermissions)) {
      const selector = ethers.id(signature).slice(0, 10);
      expect(await contracts.authority.getTargetFunctionRole(asset, selector), signature).to.equal(Role[role]);
      expect(
        await contracts.authority.getTargetFunctionRole(productTarget(ProductType.Equity), selector),
        signature,
      ).to.equal(Role[role]);
    }
  });

  it("configures the asset's compliance through the factory", async function () {
    const { contracts } = await loadFixture(worldFixture);
    expect(await contracts.compliance.isConfigured(await contracts.security.getAddress())).to.equal(true);
  });

  shouldBehaveLikeCompliantToken(worldFixture);
});
