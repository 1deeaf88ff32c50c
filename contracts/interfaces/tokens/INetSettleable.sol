// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title INetSettleable
/// @notice The net path of a token the settlement engine settles in batches (`INetSettlement`): one call applies a
/// batch's net balance changes of this token — one signed amount per account — instead of one transfer per trade.
/// The settlement coin and every security product implement it; commodity receipts will implement it per lot.
///
/// What a batch applies is exactly what its trades, applied one by one, would leave: Σ changes is zero (the token
/// checks it: supply never moves), every account that received in a trade of the batch passes the recipient's
/// checks (not frozen; the compliance pipeline's recipient level: verified, claims, country lists, the investor
/// cap when it starts holding, the balance cap on its final balance) even when its net change is zero or negative,
/// and every account that delivered passes the sender's (not frozen; the pipeline's sender level, lock-up, trading
/// hours, halts). Debits are applied first, then credits, so a cap sees the final holder count. A debit takes at
/// most the available balance (balance − frozen − held). The register, holder counts, snapshots and record dates
/// stay exact, and each change is an ERC-20 `Transfer` through the engine — a debit `Transfer(account, engine, d)`,
/// a credit `Transfer(engine, account, d)` — so an indexer's ledger stays exact and shows the engine at zero.
interface INetSettleable {
    /// @notice The batch's change for `account` (position `index` of the call) is refused with restriction `code`
    /// (`Restriction`).
    error NetPositionRefused(uint256 index, address account, int256 delta, uint8 code);

    /// @notice The changes of one call do not sum to zero.
    error NetUnbalanced(int256 sum);

    /// @notice The three arrays differ in length.
    error NetLengthMismatch(uint256 accounts, uint256 deltas, uint256 flags);

    /// @notice Applies one batch's net changes of this token: `deltas[i]` to `accounts[i]`, checked under `flags[i]`
    /// (bit 0 RECEIVED: the account received in a trade of the batch; bit 1 DELIVERED: it delivered in one).
    /// @custom:access The token's settlement engine only (`IHoldable.HoldableUnauthorizedEngine` otherwise).
    function settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) external;
}
