// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IHoldable
/// @notice ERC-1996-style holds: an amount of a holder's balance locked in place for a named settlement until an
/// expiry, executed (moved to a recipient, in one go or in tranches) or released by the token's settlement engine —
/// its notary — alone. The settlement coin and every security product implement it on one state machine of the
/// hold records (`HoldLib`: the checks below in one order, the records, the events), each keeping its own
/// accounting of held units; commodity receipts will implement the same functions per lot on the same library.
///
/// While held, units stay the holder's: `balanceOf`, the register, snapshots, dividends and coupons count them. They
/// cannot be transferred, held again, burned, redeemed, force-transferred or seized: every path that takes units
/// from a holder may take only its *available* balance (`availableBalanceOf`: balance − held − frozen). An officer
/// who must take held units (a court order, a forced transfer) first cancels the hold (`cancelHold`, with a reason
/// and an event) — explicit and visible to the settlement that relied on it, which then fails cleanly — rather than
/// having the hold silently cut under a pending trade.
///
/// Interactions, the same on every token: a frozen holder's holds stay in place; executing one reverts (a frozen
/// address neither sends nor receives), releasing and cancelling do not (nothing moves). No hold is placed on a
/// frozen holder or while the token is paused; while paused, holds are released and cancelled but not executed.
/// `frozen + held ≤ balance` always (partial freezes and holds never overlap).
/// @dev Invariants (each tested on every implementation):
/// - H1: for every holder, `heldBalanceOf(holder) == Σ amount of its Active holds ≤ balanceOf(holder)`.
/// - H2: a hold leaves `Active` exactly once (Executed when its last unit is executed, Released, or Cancelled), and
///   `executed + amount` of a hold never exceeds the amount it was placed with.
/// - H3: only `settlementEngine()` places and executes holds, and releases them before their expiry.
interface IHoldable {
    /// @notice A hold's state. `None`: never placed.
    enum HoldStatus {
        None,
        Active,
        Executed,
        Released,
        Cancelled
    }

    /// @notice A hold: whose units, until when, in which state, how many are still held and how many were executed.
    struct Hold {
        address holder;
        uint48 expiry;
        HoldStatus status;
        uint128 amount;
        uint128 executed;
    }

    /// @notice `amount` of `holder`'s balance was held under `holdId` until `expiry`.
    event HoldPlaced(bytes32 indexed holdId, address indexed holder, uint256 amount, uint48 expiry);
    /// @notice `amount` of hold `holdId` moved from `holder` to `to`; `remaining` is still held.
    event HoldExecuted(
        bytes32 indexed holdId,
        address indexed holder,
        address indexed to,
        uint256 amount,
        uint256 remaining
    );
    /// @notice Hold `holdId`'s remaining `amount` went back to `holder`'s available balance, released by `by` (the
    /// engine, or anyone once expired).
    event HoldReleased(bytes32 indexed holdId, address indexed holder, uint256 amount, address by);
    /// @notice An officer cancelled hold `holdId` (its remaining `amount` is available again) for `reason`.
    event HoldCancelled(
        bytes32 indexed holdId,
        address indexed holder,
        uint256 amount,
        address officer,
        bytes32 reason
    );

    /// @notice The caller is not the token's settlement engine.
    error HoldableUnauthorizedEngine(address caller);
    /// @notice A hold with this id was already placed (ids are never reused).
    error HoldableHoldExists(bytes32 holdId);
    /// @notice The hold is not active (never placed, or already executed, released or cancelled).
    error HoldableHoldNotActive(bytes32 holdId, HoldStatus status);
    /// @notice The hold expired at `expiry`: it can only be released.
    error HoldableHoldExpired(bytes32 holdId, uint48 expiry);
    /// @notice Only the engine releases a hold before its expiry.
    error HoldableHoldNotExpired(bytes32 holdId, uint48 expiry);
    /// @notice The expiry is not in the future.
    error HoldableInvalidExpiry(uint48 expiry);
    /// @notice A zero amount, or a zero holder or recipient.
    error HoldableInvalidHold(address holder, uint256 amount);
    /// @notice `holder`'s available balance (balance − held − frozen) is below `amount`.
    error HoldableInsufficientAvailableBalance(address holder, uint256 available, uint256 amount);
    /// @notice More than the hold's remaining amount was to be executed.
    error HoldableExceedsHold(bytes32 holdId, uint256 remaining, uint256 amount);

    /// @notice The settlement engine, the only notary of this token's holds (an immutable of the implementation:
    /// re-pointing a token to a new engine is an upgrade, as for its compliance pipeline).
    function settlementEngine() external view returns (address);

    /// @notice Holds `amount` of `holder`'s available balance under `holdId` until `expiry`.
    /// @dev Reverts when paused, when `holder` is frozen, with `HoldableInsufficientAvailableBalance` when the
    /// available balance is short, `HoldableHoldExists`, `HoldableInvalidExpiry`, `HoldableInvalidHold`.
    /// @custom:access the settlement engine only (`HoldableUnauthorizedEngine`).
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external;

    /// @notice Moves `amount` of hold `holdId` from its holder to `to`, as a transfer between them: the token's
    /// own checks and its compliance apply (pause, freezes, the recipient's eligibility, the pipeline). The rest
    /// stays held; the hold is `Executed` once nothing remains.
    /// @custom:access the settlement engine only.
    function executeHold(bytes32 holdId, address to, uint256 amount) external;

    /// @notice Releases what remains of hold `holdId` to its holder's available balance.
    /// @custom:access the settlement engine; anyone once the hold has expired.
    function releaseHold(bytes32 holdId) external;

    /// @notice Cancels hold `holdId` so that its units can be force-transferred, seized or burned; the engine's
    /// settlement relying on it then fails.
    /// @custom:access the officer who may force-transfer or seize on this token (config/roles.ts).
    function cancelHold(bytes32 holdId, bytes32 reason) external;

    /// @notice Moves `amount` of `from`'s available balance to `to` as a transfer between them (every check of
    /// `transfer` applies), without an allowance: the engine moves a leg its parties agreed to.
    /// @custom:access the settlement engine only.
    function settlementTransfer(address from, address to, uint256 amount) external;

    /// @notice Hold `holdId` (status `None` if never placed).
    function holdOf(bytes32 holdId) external view returns (Hold memory);

    /// @notice The sum of `holder`'s active holds.
    function heldBalanceOf(address holder) external view returns (uint256);

    /// @notice What `holder` may move now: its balance less its held and frozen units.
    function availableBalanceOf(address holder) external view returns (uint256);
}
