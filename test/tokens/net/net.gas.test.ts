import { expect } from "chai";
import { deployments, ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";
import type { INetSettleable } from "../../../typechain-types";
import { Claim, claimsOf } from "../../../sdk/claims";
import { extraSigner, registerInvestor, type SecurityWorld } from "../../fixtures/security";
import { coreFixture } from "../../fixtures/core";
import { callThroughAuthority } from "../../helpers/authority";
import { equitySecurityFixture } from "../security/equity";
import { encode, netSetup, type Position } from "./netSecurity";

/** How many positions of one kind a measured batch adds to the baseline batch (one debit, one credit). */
const EXTRA = 10;

type Measure = (positions: Position[]) => Promise<bigint>;

/** Gas per position of each kind: the batch with `EXTRA` more positions of that kind, less the baseline, / `EXTRA`. */
async function perPosition(
  measure: Measure,
  seller: string[],
  existing: string[],
  fresh: string[],
): Promise<{ baseline: bigint; debit: bigint; credit: bigint; newHolder: bigint }> {
  const baseline = await measure([
    [seller[0], -1n],
    [existing[0], 1n],
  ]);
  const n = BigInt(EXTRA);
  const debits = await measure([...seller.slice(0, EXTRA + 1).map((s): Position => [s, -1n]), [existing[0], n + 1n]]);
  const credits = await measure([
    [seller[0], -(n + 1n)],
    ...existing.slice(0, EXTRA + 1).map((e): Position => [e, 1n]),
  ]);
  const newHolders = await measure([
    [seller[0], -(n + 1n)],
    [existing[0], 1n],
    ...fresh.slice(0, EXTRA).map((e): Position => [e, 1n]),
  ]);
  return {
    baseline,
    debit: (debits - baseline) / n,
    credit: (credits - baseline) / n,
    newHolder: (newHolders - baseline) / n,
  };
}

/** The gas of `settleNet(positions)` sent by `engine`, the state restored after. */
function measurer(net: INetSettleable, engine: Parameters<INetSettleable["connect"]>[0]): Measure {
  return async (positions) => {
    const id = await network.provider.send("evm_snapshot");
    const receipt = await (await net.connect(engine).settleNet(...encode(positions))).wait();
    await network.provider.send("evm_revert", [id]);
    return receipt!.gasUsed;
  };
}

async function equityNetFixture() {
  const setup = await netSetup(await loadFixture(equitySecurityFixture as () => Promise<SecurityWorld<BaseContract>>));
  const agent = setup.token.connect(setup.world.accounts.agent);
  const sellers: string[] = [];
  const existing: string[] = [];
  const fresh: string[] = [];
  for (let i = 0; i <= EXTRA; i++) {
    const s = await extraSigner(`net gas seller ${i}`);
    const e = await extraSigner(`net gas holder ${i}`);
    const f = await extraSigner(`net gas fresh ${i}`);
    await registerInvestor(setup.world, `net gas seller ${i}`, [s.address]);
    await registerInvestor(setup.world, `net gas holder ${i}`, [e.address]);
    await registerInvestor(setup.world, `net gas fresh ${i}`, [f.address]);
    await agent.mint(s.address, 1_000n);
    await agent.mint(e.address, 1_000n);
    // A transfer stores the sender's memo (a mint stores the recipient's only).
    await setup.token.connect(await ethers.getSigner(s.address)).transfer(e.address, 1n);
    sellers.push(s.address);
    existing.push(e.address);
    fresh.push(f.address);
  }
  return { setup, sellers, existing, fresh };
}

async function coinNetFixture() {
  const { accounts, contracts } = await coreFixture();
  const { coin, identity, authority } = contracts;
  const { issuer, custodian, kycProvider } = accounts;
  const expiry = BigInt(await time.latest()) + 365n * 86_400n;
  const address = await coin.getAddress();
  await callThroughAuthority(
    authority,
    issuer,
    address,
    coin.interface.encodeFunctionData("configureMinter", [issuer.address, 10n ** 15n]),
  );
  await coin.connect(custodian).attestReserves(10n ** 15n, await time.latest(), ethers.id("report"));
  const kyc = identity.connect(kycProvider);
  const sellers: string[] = [];
  const existing: string[] = [];
  const fresh: string[] = [];
  for (let i = 0; i <= EXTRA; i++) {
    const wallets = await Promise.all(["seller", "holder", "fresh"].map((k) => extraSigner(`net coin gas ${k} ${i}`)));
    for (const [k, w] of wallets.entries()) {
      await kyc.registerInvestor(ethers.id(`net coin gas ${k} ${i}`), 156, claimsOf([Claim.KYC, Claim.AML]), expiry, [
        w.address,
      ]);
    }
    await coin.syncHolders(wallets.map((w) => w.address));
    await coin.connect(issuer).mint(wallets[0].address, 10n ** 9n);
    await coin.connect(issuer).mint(wallets[1].address, 10n ** 9n);
    sellers.push(wallets[0].address);
    existing.push(wallets[1].address);
    fresh.push(wallets[2].address);
  }
  const settlement = (await deployments.get("Settlement")).address;
  await network.provider.request({ method: "hardhat_impersonateAccount", params: [settlement] });
  await network.provider.request({ method: "hardhat_setBalance", params: [settlement, ethers.toQuantity(10n ** 20n)] });
  const engine = await ethers.getSigner(settlement);
  const net = (await ethers.getContractAt("INetSettleable", address)) as unknown as INetSettleable;
  return { net, engine, sellers, existing, fresh };
}

/**
 * Gas per net position, measured as the difference between batches (one debit and one credit, then ten more
 * positions of one kind): a debit, a credit to a holder, a credit to a wallet that held nothing. Printed for the
 * report; the ceilings catch a regression.
 */
describe("settleNet gas per position", function () {
  it("Equity (no rules): debit, credit to a holder, credit to a new holder", async function () {
    const { setup, sellers, existing, fresh } = await loadFixture(equityNetFixture);
    const gas = await perPosition(measurer(setup.net, setup.engine), sellers, existing, fresh);
    console.log(
      `      Equity settleNet gas: ${JSON.stringify(gas, (_, v) => (typeof v === "bigint" ? Number(v) : v))}`,
    );
    expect(gas.debit).to.be.lessThan(9_100n);
    expect(gas.credit).to.be.lessThan(8_900n);
    expect(gas.newHolder).to.be.lessThan(36_000n);
  });

  it("SettlementCoin: debit, credit to a holder, credit to a new holder", async function () {
    const { net, engine, sellers, existing, fresh } = await loadFixture(coinNetFixture);
    const gas = await perPosition(measurer(net, engine), sellers, existing, fresh);
    console.log(`      Coin settleNet gas: ${JSON.stringify(gas, (_, v) => (typeof v === "bigint" ? Number(v) : v))}`);
    // Measured 8,277, 8,174 and 8,174 (a wallet that held nothing already has its word: its synced eligibility).
    expect(gas.debit).to.be.lessThan(8_500n);
    expect(gas.credit).to.be.lessThan(8_500n);
    expect(gas.newHolder).to.be.lessThan(8_500n);
  });
});
