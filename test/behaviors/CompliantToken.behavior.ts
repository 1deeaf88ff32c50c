import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { BaseContract } from "ethers";
import {
  type CompliancePipelineContext,
  INITIAL_BALANCE,
  shouldBehaveLikeCompliancePipeline,
} from "./CompliancePipeline.behavior";
import type { SecurityWorld } from "../fixtures/security";

/**
 * The compliance pipeline's behaviour spec, run through a security product: `worldFixture` is a
 * `securityFixture(...)` (any product), with the asset configured with no rule. alice and bob are minted
 * `INITIAL_BALANCE` by the agent; mints and burns go through the agent's ERC-3643 `mint` and `burn`; the token
 * refuses with `SecurityTokenTransferRestricted(from, to, amount, code)`.
 */
export function shouldBehaveLikeCompliantToken(worldFixture: () => Promise<SecurityWorld<BaseContract>>): void {
  async function compliantTokenContext(): Promise<CompliancePipelineContext> {
    const world = await loadFixture(worldFixture);
    const { accounts, contracts } = world;
    const token = contracts.security;
    const agent = token.connect(accounts.agent);
    await agent.mint(accounts.alice.address, INITIAL_BALANCE);
    await agent.mint(accounts.bob.address, INITIAL_BALANCE);
    // The exchange is a venue of the asset: it may halt it.
    await contracts.compliance
      .connect(accounts.regulator)
      .setVenue(await token.getAddress(), accounts.exchange.address, true);
    return {
      compliance: contracts.compliance,
      identity: contracts.identity,
      asset: await token.getAddress(),
      admin: accounts.regulator,
      supervisor: accounts.exchange,
      kycProvider: accounts.kycProvider,
      governor: accounts.governor,
      alice: accounts.alice,
      aliceSecond: accounts.aliceSecond,
      bob: accounts.bob,
      carol: accounts.carol,
      dave: accounts.dave,
      stranger: accounts.stranger,
      mint: (to, amount) => agent.mint(to, amount),
      burn: (from, amount) => agent.burn(from, amount),
      transfer: (from, to, amount) => token.connect(from).transfer(to, amount),
      holderCount: () => token.holderCount(),
      balanceOf: (wallet) => token.balanceOf(wallet),
      investorBalanceOf: (wallet) => token.investorBalanceOf(wallet),
      expectRefused: async (tx, code) => {
        await expect(tx)
          .to.be.revertedWithCustomError(token, "SecurityTokenTransferRestricted")
          .withArgs(anyValue, anyValue, anyValue, code);
      },
    };
  }

  describe("as a compliant token", function () {
    shouldBehaveLikeCompliancePipeline(compliantTokenContext);
  });
}
