import { shouldBehaveLikeCompliantToken } from "../../behaviors/CompliantToken.behavior";
import { equitySecurityFixture } from "./equity";

/** The compliance pipeline's behaviour spec, run through an Equity (its shares minted, burned and transferred). */
describe("Equity", function () {
  shouldBehaveLikeCompliantToken(equitySecurityFixture);
});
