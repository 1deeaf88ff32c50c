import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import type { AccessManager } from "../../typechain-types";

/**
 * Calls `data` on `target` as `caller` through the authority, scheduling it first and waiting the caller's
 * execution delay when its role carries one (MASTER_MINTER, UPGRADER). Returns the executing transaction.
 */
export async function callThroughAuthority(
  authority: AccessManager,
  caller: HardhatEthersSigner,
  target: string,
  data: string,
): Promise<ContractTransactionResponse> {
  const [, delay] = await authority.canCall(caller.address, target, data.slice(0, 10));
  if (delay > 0n) {
    await authority.connect(caller).schedule(target, data, 0);
    await time.increase(delay);
  }
  return authority.connect(caller).execute(target, data);
}
