// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";
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
/// units are what seizure may take). The hold records' state machine (checks in IHoldable's order, the records,
/// their events) is `HoldLib`'s, shared with every holdable token; this module keeps the coin's own accounting of
/// held units (`held` and the has-holds bit 169 of the account word). A hold that left `Active` keeps its holder,
/// expiry and `executed`; its `amount` (what is still held) is then 0.
contract SettlementCoinHolds is SettlementCoinBase, AccessManagedUpgradeable {
    using HoldLib for mapping(bytes32 => IHoldable.Hold);
    using HoldLib for IHoldable.Hold;

    /// @param settlementEngine_ The settlement engine of the coin implementation creating this module.
    constructor(address settlementEngine_) SettlementCoinBase(settlementEngine_) {}

    /// @notice Holds `amount` of `holder`'s available balance under `holdId` until `expiry` (IHoldable).
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external {
        _onlyEngine();
        SettlementCoinStorage storage $ = _getStorage();
        IHoldable.Hold storage hold = $.holds.requireNew(holdId, holder, amount, expiry);
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
        hold.place(holdId, holder, amount, expiry);
    }

    /// @notice Moves `amount` of hold `holdId` from its holder to `to` as a checked transfer (IHoldable).
    function executeHold(bytes32 holdId, address to, uint256 amount) external {
        _onlyEngine();
        SettlementCoinStorage storage $ = _getStorage();
        (address holder, uint256 remaining) = $.holds.execute(holdId, to, amount);
        // The hold first, then the checked move: the units are available to `_move` again, and only these units.
        _unhold($, holder, amount);
        _move(holder, to, amount, 0);
        emit IHoldable.HoldExecuted(holdId, holder, to, amount, remaining);
    }

    /// @notice Releases what remains of hold `holdId` to its holder (IHoldable).
    function releaseHold(bytes32 holdId) external {
        SettlementCoinStorage storage $ = _getStorage();
        (address holder, uint256 amount) = $.holds.release(holdId, msg.sender == _ENGINE);
        _unhold($, holder, amount);
    }

    /// @notice Cancels hold `holdId` for `reason` (IHoldable); REGULATOR on the coin.
    function cancelHold(bytes32 holdId, bytes32 reason) external restricted {
        SettlementCoinStorage storage $ = _getStorage();
        (address holder, uint256 amount) = $.holds.cancel(holdId, _msgSender(), reason);
        _unhold($, holder, amount);
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

    function _onlyEngine() private view {
        require(msg.sender == _ENGINE, IHoldable.HoldableUnauthorizedEngine(msg.sender));
    }
}
