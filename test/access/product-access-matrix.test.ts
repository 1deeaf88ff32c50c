import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Interface } from "ethers";
import { products } from "../../config/products";
import { productPermissions, Role, type RoleName } from "../../config/roles";
import { seatMember } from "../../scripts/lib/members";
import { productInterface } from "../../scripts/lib/roles";
import { shouldBehaveLikeRestricted } from "../behaviors/restricted";
import { coreFixture } from "../fixtures/core";
import { issueAsset, productTerms } from "../fixtures/assets";
import { extraSigner } from "../fixtures/security";
import { launchProgram } from "../fixtures/loyalty";

/**
 * The access matrix of every product table (config/roles.ts `productPermissions`), on assets issued through the
 * factory: every restricted function of an asset, called by every named account and by the holders of asset
 * roles on another asset of the same product type (its issuer, agent and administrator), reverts with
 * `AccessManagedUnauthorized` unless the caller holds the function's role — on this asset.
 */
describe("product access matrix", function () {
  for (const [product, table] of Object.entries(productPermissions)) {
    if (!hasArtifact(product)) continue;

    describe(product, function () {
      async function productFixture() {
        if (product === "LoyaltyCredit") return loyaltyProgramFixture();
        const { accounts, contracts } = await coreFixture();
        const terms = productTerms[product];
        if (!terms) throw new Error(`test/fixtures/assets.ts productTerms has no entry for ${product}`);
        const otherIssuer = await extraSigner("other issuer");
        await seatMember(contracts.members.connect(accounts.governor), otherIssuer.address, "Issuer", "Other Issuer", {
          leiHash: ethers.id("LEI:other issuer"),
        });
        const [agent, administrator, otherAgent, otherAdministrator] = await Promise.all(
          ["agent", "administrator", "other agent", "other administrator"].map(extraSigner),
        );
        const productType = products[product].productType;
        const { asset } = await issueAsset(contracts.factory, accounts.issuer, {
          productType,
          terms: await terms(contracts),
          agents: [agent.address],
          administrators: [administrator.address],
        });
        const { asset: other } = await issueAsset(contracts.factory, otherIssuer, {
          productType,
          terms: await terms(contracts),
          agents: [otherAgent.address],
          administrators: [otherAdministrator.address],
        });
        const iface = await productInterface(hre, product);
        return {
          accounts,
          contracts,
          asset,
          other,
          iface,
          agent,
          administrator,
          otherIssuer,
          otherAgent,
          otherAdministrator,
        };
      }

      let f: Awaited<ReturnType<typeof productFixture>>;
      let callers: HardhatEthersSigner[];
      let target: { getAddress(): Promise<string>; interface: Interface };
      beforeEach(async function () {
        f = await loadFixture(productFixture);
        callers = [
          ...Object.values(f.accounts),
          f.agent,
          f.administrator,
          f.otherIssuer,
          f.otherAgent,
          f.otherAdministrator,
        ];
        target = { getAddress: async () => f.asset, interface: f.iface };
      });

      it("refuses every asset-scoped function to the holders of that role on another asset", async function () {
        const holderOnOther: Partial<Record<RoleName, HardhatEthersSigner>> = {
          ASSET_ISSUER: f.otherIssuer,
          ASSET_AGENT: f.otherAgent,
          ASSET_ADMINISTRATOR: f.otherAdministrator,
        };
        let checked = 0;
        for (const [signature, role] of Object.entries(table)) {
          const holder = holderOnOther[role];
          if (!holder) continue;
          const selector = f.iface.getFunction(signature)!.selector;
          expect(await f.contracts.authority.canCall(holder.address, f.other, selector), signature).to.deep.equal([
            true,
            0n,
          ]);
          expect(await f.contracts.authority.canCall(holder.address, f.asset, selector), signature).to.deep.equal([
            false,
            0n,
          ]);
          checked++;
        }
        expect(checked).to.be.greaterThan(0);
      });

      const byRole = new Map<RoleName, string[]>();
      for (const [signature, role] of Object.entries(table)) byRole.set(role, [...(byRole.get(role) ?? []), signature]);
      for (const [role, signatures] of byRole) {
        describe(`restricted to ${role}`, function () {
          shouldBehaveLikeRestricted(
            () => ({ authority: f.contracts.authority, target, callers }),
            signatures,
            Role[role],
          );
        });
      }
    });
  }
});

/**
 * Two loyalty programs, launched by two Merchant members through the factory's `issueLoyaltyProgram` (a program
 * has no agents or administrators: its table holds ASSET_ISSUER and ASSET_FACTORY functions only).
 */
async function loyaltyProgramFixture() {
  const { accounts, contracts } = await coreFixture();
  const [merchant, otherIssuer, agent, administrator, otherAgent, otherAdministrator] = await Promise.all(
    ["matrix merchant", "other merchant", "agent", "administrator", "other agent", "other administrator"].map(
      extraSigner,
    ),
  );
  const registry = contracts.members.connect(accounts.governor);
  await seatMember(registry, merchant.address, "Merchant", "Matrix Merchant");
  await seatMember(registry, otherIssuer.address, "Merchant", "Other Merchant");
  const program = await launchProgram(contracts.factory, merchant);
  const other = await launchProgram(contracts.factory, otherIssuer);
  return {
    accounts,
    contracts,
    asset: await program.getAddress(),
    other: await other.getAddress(),
    iface: await productInterface(hre, "LoyaltyCredit"),
    agent,
    administrator,
    otherIssuer,
    otherAgent,
    otherAdministrator,
  };
}

/** Whether `name` is compiled in this build (a product not merged yet has no artifact). */
function hasArtifact(name: string): boolean {
  try {
    hre.artifacts.readArtifactSync(name);
    return true;
  } catch {
    return false;
  }
}
