import { coins } from "../../../config/coins";
import { shouldBehaveLikeERC20, type ERC20Setup } from "../../behaviors/ERC20.behavior";
import { issuingCoinsFixture, mintTo, registerHolder } from "./funding";

/** Each coin of config/coins.ts, with the handle `coreFixture` gives it. */
const coinsUnderTest = [
  { config: coins.find((coin) => coin.deployment === "SettlementCoinUSD")!, handle: "coin" },
  { config: coins.find((coin) => coin.deployment === "SettlementCoinCNY")!, handle: "coinCNY" },
] as const;

for (const { config, handle } of coinsUnderTest) {
  describe(`SettlementCoin (${config.symbol}, ${config.decimals} decimals)`, function () {
    /** alice, bob and carol are verified investors; alice holds a million coins, the whole supply. */
    async function erc20Setup(): Promise<ERC20Setup> {
      const world = await issuingCoinsFixture();
      const { alice, bob, carol } = world.accounts;
      await registerHolder(world, "alice", [alice.address]);
      await registerHolder(world, "bob", [bob.address]);
      await registerHolder(world, "carol", [carol.address]);
      const token = world.contracts[handle];
      const initialSupply = 1_000_000n * 10n ** BigInt(config.decimals);
      await mintTo(world, token, alice.address, initialSupply);
      return { token, initialHolder: alice, recipient: bob, anotherAccount: carol, initialSupply };
    }

    shouldBehaveLikeERC20(erc20Setup, { name: config.name, symbol: config.symbol, decimals: config.decimals });
  });
}
