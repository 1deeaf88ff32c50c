// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {ISettlementCoin} from "../../interfaces/tokens/ISettlementCoin.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {SettlementCoinBase} from "./SettlementCoinBase.sol";

/// @title SettlementCoinHolds
/// @notice The settlement coin's holds (`IHoldable` but `settlementEngine` and `settlementTransfer`, which the coin
/// runs itself): a module each `SettlementCoin` implementation creates in its constructor and reaches from its
/// `fallback` by `delegatecall`, in the coin's storage, under the coin's address and authority. Calling the module
/// directly acts on the module's own (empty) storage.
/// @dev Rules (IHoldable's NatSpec): the engine (an immutable, `HoldableUnauthorizedEngine` otherwise) places a
/// hold when the coin is not paused, the holder not frozen and the amount within its available balance, and
/// executes it (not expired, within what remains) by lowering the hold and `held` first, then moving the units by
/// the coin's one checked path (`_move`, as a transfer from the holder: pause, freezes and the recipient's
/// eligibility apply). The engine releases a hold any time, anyone once it has expired (`block.timestamp ≥
/// expiry`), paused or frozen alike; the REGULATOR (config/roles.ts, the role that seizes) cancels one.
/// The coin freezes accounts, not amounts: `availableBalanceOf` is balance − held (a frozen account's available
/// units are what seizure may take). A hold that left `Active` keeps its holder, expiry and `executed`; its
/// `amount` (what is still held) is then 0.
contract SettlementCoinHolds is SettlementCoinBase, AccessManagedUpgradeable {
    /// @param settlementEngine_ The settlement engine of the coin implementation creating this module.
    constructor(address settlementEngine_) SettlementCoinBase(settlementEngine_) {}

    /// @notice Holds `amount` of `holder`'s available balance under `holdId` until `expiry` (IHoldable).
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external {
        _onlyEngine();
        require(
            holder != address(0) && holder != address(this) && amount != 0,
            IHoldable.HoldableInvalidHold(holder, amount)
        );
        require(expiry > block.timestamp, IHoldable.HoldableInvalidExpiry(expiry));
        SettlementCoinStorage storage $ = _getStorage();
        IHoldable.Hold storage hold = $.holds[holdId];
        require(hold.status == IHoldable.HoldStatus.None, IHoldable.HoldableHoldExists(holdId));
        require(HotFlagsLib.read() & _FLAG_PAUSED == 0, ISettlementCoin.SettlementCoinPaused());
        Account storage acct = $.accounts[holder];
        uint256 word = acct.word;
        require(word & _FROZEN_BIT == 0, ISettlementCoin.SettlementCoinAccountFrozen(holder));
        uint256 held = $.held[holder];
        // held ≤ balance (H1).
        uint256 available = (word & _BALANCE_MASK) - held;
        require(amount <= available, IHoldable.HoldableInsufficientAvailableBalance(holder, available, amount));
        $.held[holder] = held + amount;
        acct.word = word | _HELD_BIT;
        // amount ≤ balance < 2^128 (W1).
        $.holds[holdId] = IHoldable.Hold({
            holder: holder,
            expiry: expiry,
            status: IHoldable.HoldStatus.Active,
            amount: uint128(amount),
            executed: 0
        });
        emit IHoldable.HoldPlaced(holdId, holder, amount, expiry);
    }

    /// @notice Moves `amount` of hold `holdId` from its holder to `to` as a checked transfer (IHoldable).
    function executeHold(bytes32 holdId, address to, uint256 amount) external {
        _onlyEngine();
        SettlementCoinStorage storage $ = _getStorage();
        IHoldable.Hold storage hold = _activeHold($, holdId);
        uint48 expiry = hold.expiry;
        require(block.timestamp < expiry, IHoldable.HoldableHoldExpired(holdId, expiry));
        require(to != address(0) && amount != 0, IHoldable.HoldableInvalidHold(to, amount));
        uint256 remaining = hold.amount;
        require(amount <= remaining, IHoldable.HoldableExceedsHold(holdId, remaining, amount));
        address holder = hold.holder;
        unchecked {
            // amount ≤ remaining, checked above; executed + remaining ≤ the placed amount < 2^128 (H2).
            remaining -= amount;
            hold.executed += uint128(amount);
        }
        hold.amount = uint128(remaining);
        if (remaining == 0) hold.status = IHoldable.HoldStatus.Executed;
        // The hold first, then the checked move: the units are available to `_move` again, and only these units.
        _unhold($, holder, amount);
        _move(holder, to, amount, 0);
        emit IHoldable.HoldExecuted(holdId, holder, to, amount, remaining);
    }

    /// @notice Releases what remains of hold `holdId` to its holder (IHoldable).
    function releaseHold(bytes32 holdId) external {
        SettlementCoinStorage storage $ = _getStorage();
        IHoldable.Hold storage hold = _activeHold($, holdId);
        if (msg.sender != _ENGINE) {
            uint48 expiry = hold.expiry;
            require(block.timestamp >= expiry, IHoldable.HoldableHoldNotExpired(holdId, expiry));
        }
        (address holder, uint256 amount) = _close($, hold, IHoldable.HoldStatus.Released);
        emit IHoldable.HoldReleased(holdId, holder, amount, msg.sender);
    }

    /// @notice Cancels hold `holdId` for `reason` (IHoldable); REGULATOR on the coin.
    function cancelHold(bytes32 holdId, bytes32 reason) external restricted {
        SettlementCoinStorage storage $ = _getStorage();
        (address holder, uint256 amount) = _close($, _activeHold($, holdId), IHoldable.HoldStatus.Cancelled);
        emit IHoldable.HoldCancelled(holdId, holder, amount, _msgSender(), reason);
    }

    /// @notice Hold `holdId` (IHoldable).
    function holdOf(bytes32 holdId) external view returns (IHoldable.Hold memory) {
        return _getStorage().holds[holdId];
    }

    /// @notice The sum of `holder`'s active holds (IHoldable).
    function heldBalanceOf(address holder) external view returns (uint256) {
        return _getStorage().held[holder];
    }

    /// @notice `holder`'s balance less its held units (IHoldable; the coin freezes accounts, not amounts).
    function availableBalanceOf(address holder) external view returns (uint256) {
        if (holder == address(0)) return 0;
        SettlementCoinStorage storage $ = _getStorage();
        return ($.accounts[holder].word & _BALANCE_MASK) - $.held[holder];
    }

    /// @dev Ends an active hold with `status`: what remains goes back to the holder's available balance.
    function _close(
        SettlementCoinStorage storage $,
        IHoldable.Hold storage hold,
        IHoldable.HoldStatus status
    ) private returns (address holder, uint256 amount) {
        (holder, amount) = (hold.holder, hold.amount);
        hold.amount = 0;
        hold.status = status;
        _unhold($, holder, amount);
    }

    /// @dev Lowers `holder`'s held units by `amount` (≤ held: a part of one of its active holds), clearing the
    /// word's has-holds bit when none remain.
    function _unhold(SettlementCoinStorage storage $, address holder, uint256 amount) private {
        uint256 held = $.held[holder] - amount;
        $.held[holder] = held;
        if (held == 0) {
            Account storage acct = $.accounts[holder];
            acct.word &= ~_HELD_BIT;
        }
    }

    function _activeHold(
        SettlementCoinStorage storage $,
        bytes32 holdId
    ) private view returns (IHoldable.Hold storage hold) {
        hold = $.holds[holdId];
        IHoldable.HoldStatus status = hold.status;
        require(status == IHoldable.HoldStatus.Active, IHoldable.HoldableHoldNotActive(holdId, status));
    }

    function _onlyEngine() private view {
        require(msg.sender == _ENGINE, IHoldable.HoldableUnauthorizedEngine(msg.sender));
    }
}
