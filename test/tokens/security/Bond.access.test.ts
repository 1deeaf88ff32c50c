import { expect } from "chai";
import { artifacts } from "hardhat";
import { type Fragment, Interface } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  bondPermissions,
  bondPublicFunctions,
  Role,
  securityTokenPublicFunctions,
  type RoleName,
} from "../../../config/roles";
import { shouldBehaveLikeRestricted } from "../../behaviors/restricted";
import { stateChangingFunctions } from "../../helpers/abi";
import { bondFixture, type BondWorld } from "../../fixtures/bond";
import { quarterlyAct365In2028 } from "./bondSchedules";

const { settlementCoin: _coin, ...terms } = quarterlyAct365In2028.terms;
const quarterly = bondFixture("access", terms);

/** The proxy's complete ABI: IBond (core + lifecycle) and the implementation's own (hooks, AccessManaged errors). */
async function completeInterface(): Promise<Interface> {
  const seen = new Set<string>();
  const fragments: Fragment[] = [];
  for (const name of ["IBond", "Bond", "BondLifecycle"]) {
    for (const fragment of new Interface((await artifacts.readArtifact(name)).abi).fragments) {
      if (fragment.type === "constructor" || fragment.type === "fallback") continue;
      const key = fragment.format("sighash") + fragment.type;
      if (seen.has(key)) continue;
      seen.add(key);
      fragments.push(fragment);
    }
  }
  return new Interface(fragments);
}

describe("Bond access", function () {
  let world: BondWorld;
  let target: { getAddress(): Promise<string>; interface: Interface };
  let callers: HardhatEthersSigner[];

  beforeEach(async function () {
    world = await loadFixture(quarterly);
    const iface = await completeInterface();
    const address = await world.contracts.bond.getAddress();
    target = { getAddress: async () => address, interface: iface };
    const a = world.accounts;
    callers = [
      a.deployer,
      a.governor,
      a.kycProvider,
      a.exchange,
      a.issuer,
      a.regulator,
      a.alice,
      a.bob,
      a.carol,
      a.stranger,
      a.custodian,
      a.gateway,
      a.agent,
      a.payingAgent,
    ];
  });

  it("lists every state-changing function of the bond as restricted or public, never both", async function () {
    const iface = await completeInterface();
    const open = new Set([...securityTokenPublicFunctions, ...bondPublicFunctions]);
    const notRoleGuarded = new Set([
      "initialize(address,(string,string,uint8,bytes12,bytes12,uint16,address),(bytes32,string,bytes32)[],bytes)",
      "initializeBond(bytes,uint8)", // onlyInitializing: reachable only inside `initialize`
      "setAuthority(address)", // AccessManaged: only the current authority may call it
    ]);
    const missing = stateChangingFunctions(iface)
      .map((f) => f.format("sighash"))
      .filter((s) => !(s in bondPermissions) && !open.has(s) && !notRoleGuarded.has(s));
    expect(missing).to.deep.equal([]);
    expect([...open].filter((s) => s in bondPermissions)).to.deep.equal([]);
  });

  const byRole = new Map<RoleName, string[]>();
  for (const [signature, role] of Object.entries(bondPermissions)) {
    byRole.set(role, [...(byRole.get(role) ?? []), signature]);
  }
  for (const [role, signatures] of byRole) {
    describe(`${role} functions`, function () {
      shouldBehaveLikeRestricted(
        () => ({ authority: world.contracts.authority, target, callers }),
        signatures,
        Role[role],
      );
    });
  }
});
