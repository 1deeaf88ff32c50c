import { expect } from "chai";
import type { Interface } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AccessManager, AllianceAuthority } from "../../typechain-types";
import { placeholderCall } from "../helpers/abi";

/**
 * Every function in `signatures` is restricted to `roleId`: called by each signer in `callers` that lacks the
 * role, it reverts with the authority's `AccessManagedUnauthorized(caller)` (or, with `refusal`, the error it
 * names: the authority's own functions revert with `AccessManagerUnauthorizedAccount(caller, roleId)`), and the
 * authority maps the function to the role. On an asset registered with the alliance's authority, an asset-scoped
 * role (ASSET_ISSUER, ASSET_AGENT, ASSET_ADMINISTRATOR…) is held per asset: the callers left out are those holding
 * it on that asset (`hasAssetRole`), and a global grant of it counts for nothing.
 */
export function shouldBehaveLikeRestricted(
  context: () => {
    authority: AccessManager | AllianceAuthority;
    target: { getAddress(): Promise<string>; interface: Interface };
    callers: HardhatEthersSigner[];
  },
  signatures: string[],
  roleId: bigint,
  refusal?: (caller: string) => { error: string; args: unknown[] },
): void {
  for (const signature of signatures) {
    describe(signature, function () {
      it("is guarded by the role in the authority", async function () {
        const { authority, target } = context();
        const selector = target.interface.getFunction(signature)!.selector;
        expect(await authority.getTargetFunctionRole(await target.getAddress(), selector)).to.equal(roleId);
      });

      it("reverts with AccessManagedUnauthorized for every caller without the role", async function () {
        const { authority, target, callers } = context();
        const address = await target.getAddress();
        const fragment = target.interface.getFunction(signature)!;
        const data = placeholderCall(target.interface, fragment);
        let tried = 0;
        for (const caller of callers) {
          if (await holds(authority, address, roleId, caller.address)) continue;
          tried++;
          const [allowed] = await authority.canCall(caller.address, address, fragment.selector);
          expect(allowed, `${caller.address} may call ${signature}`).to.equal(false);
          const { error, args } = refusal?.(caller.address) ?? {
            error: "AccessManagedUnauthorized",
            args: [caller.address],
          };
          await expect(caller.sendTransaction({ to: address, data }))
            .to.be.revertedWithCustomError(target, error)
            .withArgs(...args);
        }
        expect(tried, "no caller without the role was tried").to.be.greaterThan(0);
      });
    });
  }
}

/** The first and last asset-scoped role ids (AllianceAuthority.FIRST_ASSET_ROLE / LAST_ASSET_ROLE). */
const ASSET_ROLES = { first: 100n, last: 163n };

/** Whether `account` holds `roleId` for calls on `target`: per asset for asset-scoped roles on registered assets. */
async function holds(
  authority: AccessManager | AllianceAuthority,
  target: string,
  roleId: bigint,
  account: string,
): Promise<boolean> {
  if ("hasAssetRole" in authority && roleId >= ASSET_ROLES.first && roleId <= ASSET_ROLES.last) {
    if ((await authority.productOf(target)) !== 0n) return authority.hasAssetRole(target, roleId, account);
  }
  const [isMember] = await authority.hasRole(roleId, account);
  return isMember;
}
