import { shouldBehaveLikeCompliantToken } from "../../behaviors/CompliantToken.behavior";
import { fundFixture } from "../../fixtures/fund";

const fund = fundFixture();

/** The compliance pipeline's behaviour spec, run through a fund (units minted by the agent, moved by holders). */
describe("Fund", function () {
  shouldBehaveLikeCompliantToken(fund);
});
