// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IHoldable} from "../interfaces/tokens/IHoldable.sol";

/// @title HoldLib
/// @notice The hold record's state machine of `IHoldable`, shared by every holdable token (the settlement coin's
/// hold module, the security products, commodity receipts): placement checks, execution, release and cancellation
/// of the records in a `mapping(bytes32 holdId => IHoldable.Hold)`, with IHoldable's errors in IHoldable's order and
/// its `HoldPlaced`, `HoldReleased` and `HoldCancelled` events.
/// @dev The library never reads or writes a balance: each function returns the holder and the amount concerned, and
/// the token keeps its own accounting of held units (the coin's `held` and has-holds bit 169, the securities'
/// `heldTokens`/`totalHeld` and bit 250; a receipt's held units per (lot, holder), its records in one mapping per
/// lot or in one mapping with the lot kept beside the id). The caller checks that it is the token's engine where
/// IHoldable says so. A token uses it as follows:
/// - place: `requireNew`; then its own checks (pause, freezes, `amount` ≤ the holder's available balance, which
///   must keep `amount` below 2^128); then it adds `amount` to the holder's held units and calls `place`.
/// - execute: `execute`; then it lowers the holder's held units by `amount`, moves `amount` from the holder to `to`
///   by its checked transfer path, and emits `IHoldable.HoldExecuted(holdId, holder, to, amount, remaining)`
///   (after the move, so that the log reads the transfer first).
/// - release / cancel: `release` / `cancel`; then it lowers the holder's held units by the amount returned.
/// Records (IHoldable's H2): a record leaves `Active` exactly once; then its `amount` is 0 and it keeps its holder,
/// expiry and `executed`. `executed + amount` never exceeds the amount placed, so neither carries out of 128 bits.
library HoldLib {
    /// @dev Checks a new hold's terms, in this order: a non-zero holder other than the token and a non-zero amount
    /// (`HoldableInvalidHold`), an expiry in the future (`HoldableInvalidExpiry`), an id never used
    /// (`HoldableHoldExists`). Returns the (empty) record for `place`.
    function requireNew(
        mapping(bytes32 => IHoldable.Hold) storage holds,
        bytes32 holdId,
        address holder,
        uint256 amount,
        uint48 expiry
    ) internal view returns (IHoldable.Hold storage hold) {
        require(
            holder != address(0) && holder != address(this) && amount != 0,
            IHoldable.HoldableInvalidHold(holder, amount)
        );
        require(expiry > block.timestamp, IHoldable.HoldableInvalidExpiry(expiry));
        hold = holds[holdId];
        require(hold.status == IHoldable.HoldStatus.None, IHoldable.HoldableHoldExists(holdId));
    }

    /// @dev Records `hold` (returned by `requireNew` for these terms) as Active and emits `HoldPlaced`. The caller
    /// has checked `amount` against the holder's available balance, which keeps it below 2^128.
    function place(
        IHoldable.Hold storage hold,
        bytes32 holdId,
        address holder,
        uint256 amount,
        uint48 expiry
    ) internal {
        // `executed` is still 0: the record was never placed (`requireNew`).
        (hold.holder, hold.expiry, hold.status, hold.amount) = (
            holder,
            expiry,
            IHoldable.HoldStatus.Active,
            uint128(amount)
        );
        emit IHoldable.HoldPlaced(holdId, holder, amount, expiry);
    }

    /// @dev Executes `amount` of hold `holdId` for `to`, checking in this order: the hold is Active
    /// (`HoldableHoldNotActive`), not expired (`HoldableHoldExpired`), a non-zero recipient and amount
    /// (`HoldableInvalidHold`), at most what remains (`HoldableExceedsHold`). Lowers the record (Executed once
    /// nothing remains) and returns its holder and what remains held. The caller then unholds, moves and emits
    /// `HoldExecuted` (see above).
    function execute(
        mapping(bytes32 => IHoldable.Hold) storage holds,
        bytes32 holdId,
        address to,
        uint256 amount
    ) internal returns (address holder, uint256 remaining) {
        IHoldable.Hold storage hold = holds[holdId];
        // One read of each of the record's two slots: every field is needed.
        IHoldable.Hold memory h = hold;
        require(h.status == IHoldable.HoldStatus.Active, IHoldable.HoldableHoldNotActive(holdId, h.status));
        require(block.timestamp < h.expiry, IHoldable.HoldableHoldExpired(holdId, h.expiry));
        require(to != address(0) && amount != 0, IHoldable.HoldableInvalidHold(to, amount));
        require(amount <= h.amount, IHoldable.HoldableExceedsHold(holdId, h.amount, amount));
        unchecked {
            // amount ≤ h.amount, checked above; executed + amount ≤ the amount placed (H2), below 2^128.
            remaining = h.amount - amount;
            (hold.amount, hold.executed) = (uint128(remaining), h.executed + uint128(amount));
        }
        if (remaining == 0) hold.status = IHoldable.HoldStatus.Executed;
        holder = h.holder;
    }

    /// @dev Releases what remains of hold `holdId` (Active, `HoldableHoldNotActive` otherwise): `byEngine` (the
    /// caller is the token's settlement engine) any time, anyone else once it has expired (`block.timestamp ≥
    /// expiry`, `HoldableHoldNotExpired` otherwise). Emits `HoldReleased` by `msg.sender`; returns the holder and
    /// the amount that is no longer held.
    function release(
        mapping(bytes32 => IHoldable.Hold) storage holds,
        bytes32 holdId,
        bool byEngine
    ) internal returns (address holder, uint256 amount) {
        IHoldable.Hold storage hold = _active(holds, holdId);
        if (!byEngine) {
            uint48 expiry = hold.expiry;
            require(block.timestamp >= expiry, IHoldable.HoldableHoldNotExpired(holdId, expiry));
        }
        (holder, amount) = _close(hold, IHoldable.HoldStatus.Released);
        emit IHoldable.HoldReleased(holdId, holder, amount, msg.sender);
    }

    /// @dev Cancels hold `holdId` (Active, `HoldableHoldNotActive` otherwise) for `reason`, by `officer` (whom the
    /// token has authorized). Emits `HoldCancelled`; returns the holder and the amount that is no longer held.
    function cancel(
        mapping(bytes32 => IHoldable.Hold) storage holds,
        bytes32 holdId,
        address officer,
        bytes32 reason
    ) internal returns (address holder, uint256 amount) {
        (holder, amount) = _close(_active(holds, holdId), IHoldable.HoldStatus.Cancelled);
        emit IHoldable.HoldCancelled(holdId, holder, amount, officer, reason);
    }

    /// @dev Hold `holdId`'s record, reverting unless Active (only the fields used are read: `executed` is not).
    function _active(
        mapping(bytes32 => IHoldable.Hold) storage holds,
        bytes32 holdId
    ) private view returns (IHoldable.Hold storage hold) {
        hold = holds[holdId];
        IHoldable.HoldStatus status = hold.status;
        require(status == IHoldable.HoldStatus.Active, IHoldable.HoldableHoldNotActive(holdId, status));
    }

    /// @dev Ends the Active `hold` as `status`: nothing remains held. Returns its holder and what it held.
    function _close(
        IHoldable.Hold storage hold,
        IHoldable.HoldStatus status
    ) private returns (address holder, uint256 amount) {
        (holder, amount) = (hold.holder, hold.amount);
        (hold.status, hold.amount) = (status, 0);
    }
}
