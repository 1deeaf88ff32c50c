import { ethers } from "hardhat";
import type { BaseContract } from "ethers";
import type { SecurityWorld } from "../../fixtures/security";
import { securityWorldFixture } from "../../fixtures/bond";
import { fundFixture } from "../../fixtures/fund";
import { equitySecurityFixture } from "../security/equity";
import { semiAnnual30360In2028 } from "../security/bondSchedules";
import { shouldSettleNetLikeASecurity } from "./netSecurity";

const { settlementCoin: _coin, ...bondTerms } = semiAnnual30360In2028.terms;
const bondWorld = securityWorldFixture(bondTerms) as unknown as () => Promise<SecurityWorld<BaseContract>>;
const fundWorld = fundFixture() as unknown as () => Promise<SecurityWorld<BaseContract>>;
const equityWorld = equitySecurityFixture as unknown as () => Promise<SecurityWorld<BaseContract>>;

/** Net settlement on every security product: the shared spec, with what stops each product's transfers. */
describe("SecurityToken net settlement", function () {
  describe("Equity", function () {
    shouldSettleNetLikeASecurity(equityWorld, {
      // A split stops transfers until it completes.
      stopTransfers: async (setup) => {
        const equity = await ethers.getContractAt("IEquity", await setup.token.getAddress());
        await equity.connect(setup.world.accounts.issuer).beginSplit(2, 1);
      },
    });
  });
  describe("Bond", function () {
    shouldSettleNetLikeASecurity(bondWorld, {
      // A default stops transfers.
      stopTransfers: async (setup) => {
        const bond = await ethers.getContractAt("IBond", await setup.token.getAddress());
        await bond.connect(setup.world.accounts.regulator).declareDefault(ethers.id("missed coupon"));
      },
      // The first coupon's record date, scheduled at issue.
      recordDate: Date.UTC(2028, 5, 30) / 1000,
    });
  });
  describe("Fund", function () {
    // A fund's dealing never stops transfers between holders: nothing to show beyond the core's pause.
    shouldSettleNetLikeASecurity(fundWorld);
  });
});
