import type { BaseContract } from "ethers";
import { shouldBehaveLikeCompliantToken } from "../../behaviors/CompliantToken.behavior";
import type { SecurityWorld } from "../../fixtures/security";
import { securityWorldFixture } from "../../fixtures/bond";
import { semiAnnual30360In2028 } from "./bondSchedules";

const { settlementCoin: _coin, ...terms } = semiAnnual30360In2028.terms;
const world = securityWorldFixture(terms) as unknown as () => Promise<SecurityWorld<BaseContract>>;

describe("Bond", function () {
  shouldBehaveLikeCompliantToken(world);
});
