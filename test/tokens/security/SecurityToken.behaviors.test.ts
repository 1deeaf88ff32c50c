import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { shouldBehaveLikeERC20, type ERC20Setup } from "../../behaviors/ERC20.behavior";
import { shouldBehaveLikeCompliantToken } from "../../behaviors/CompliantToken.behavior";
import { mintTo, securityFixture } from "../../fixtures/security";

const tokenFixture = securityFixture();
const SUPPLY = 1_000_000n;

/** alice holds the whole supply; bob and carol (verified investors) hold nothing. */
async function erc20Setup(): Promise<ERC20Setup> {
  const world = await loadFixture(tokenFixture);
  const { alice, bob, carol } = world.accounts;
  await mintTo(world, { [alice.address]: SUPPLY });
  return {
    token: world.contracts.token,
    initialHolder: alice,
    recipient: bob,
    anotherAccount: carol,
    initialSupply: SUPPLY,
  };
}

describe("SecurityToken (through SecurityTokenMock)", function () {
  shouldBehaveLikeERC20(erc20Setup, { name: "Example Industries Ordinary Shares", symbol: "EXI", decimals: 0 });
  shouldBehaveLikeCompliantToken(tokenFixture);
});
