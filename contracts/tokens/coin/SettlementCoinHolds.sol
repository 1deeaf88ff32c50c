// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {ISettlementCoin} from "../../interfaces/tokens/ISettlementCoin.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {INetSettleable} from "../../interfaces/tokens/INetSettleable.sol";
import {Restriction} from "../../types/Restriction.sol";
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
///
/// Net settlement (`INetSettleable.settleNet`, the engine only) runs here too: one batch's net changes of the coin,
/// checked as the coin's transfers are (`_move`'s rules, per account rather than per pair): refused while paused;
/// an account that delivered or loses must not be frozen; one that received or gains must not be frozen and,
/// under the `Eligible` policy, must be eligible per its cached word (expiry and baseline claims); a debit takes at
/// most the available balance (balance − held). Debits are applied first, then credits, each an ERC-20 `Transfer`
/// through the engine. Σ changes is zero (checked), so the supply (the zero address's word, never an account here)
/// and C1 hold, and every credit fits 128 bits (W1).
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

    /// @notice Applies one batch's net changes of the coin (`INetSettleable.settleNet`).
    // solhint-disable-next-line function-max-lines
    function settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) external {
        _onlyEngine();
        uint256 n = accounts.length;
        require(
            n == deltas.length && n == flags.length,
            INetSettleable.NetLengthMismatch(n, deltas.length, flags.length)
        );
        int256 sum;
        for (uint256 i; i < n; ++i) sum += deltas[i];
        require(sum == 0, INetSettleable.NetUnbalanced(sum));
        if (n == 0) return;
        uint256 hot = HotFlagsLib.read();
        if (hot & _FLAG_PAUSED != 0) _refuse(0, accounts[0], deltas[0], Restriction.TokenPaused);
        // Checks, and the debits in order.
        for (uint256 i; i < n; ++i) _checkAndDebit(i, accounts[i], deltas[i], flags[i], hot);
        // The credits: they total the debits (Σ = 0), each at most the supply, so no balance carries out (W1).
        SettlementCoinStorage storage $ = _getStorage();
        for (uint256 i; i < n; ++i) {
            int256 delta = deltas[i];
            if (delta <= 0) continue;
            Account storage acct = $.accounts[accounts[i]];
            unchecked {
                acct.word += uint256(delta);
            }
            emit IERC20.Transfer(_ENGINE, accounts[i], uint256(delta));
        }
    }

    /// @dev `settleNet`'s checks of position `i` (`account`, `delta`, `flag`) under the hot flags `hot`, then its
    /// debit if `delta` is negative.
    function _checkAndDebit(uint256 i, address account, int256 delta, uint8 flag, uint256 hot) private {
        // The zero address's word is the supply's headroom, the coin's own the redemption escrow: never netted.
        require(
            account != address(0) && account != address(this),
            ISettlementCoin.SettlementCoinInvalidAddress(account)
        );
        Account storage acct = _getStorage().accounts[account];
        uint256 word = acct.word;
        if (flag & 2 != 0 || delta < 0) {
            if (word & _FROZEN_BIT != 0) _refuse(i, account, delta, Restriction.SenderFrozen);
        }
        if (flag & 1 != 0 || delta > 0) {
            if (word & _FROZEN_BIT != 0) _refuse(i, account, delta, Restriction.RecipientFrozen);
            // Lapsed, or lacking a baseline claim (the flags' baseline level with the word's `missingClaims`), under
            // the `Eligible` policy: as `_move` tests a recipient.
            if (
                hot & _FLAG_OPEN == 0 &&
                (uint40(word >> _ELIGIBLE_SHIFT) <= block.timestamp ||
                    word & ((hot >> _FLAG_BASELINE_SHIFT) << _CLAIMS_SHIFT) != 0)
            ) _refuse(i, account, delta, Restriction.RecipientNotVerified);
        }
        if (delta < 0) {
            // |delta| without negating type(int256).min.
            uint256 amount = uint256(-(delta + 1)) + 1;
            uint256 available = word & _BALANCE_MASK;
            // held ≤ balance (H1).
            if (word & _HELD_BIT != 0) available -= _getStorage().held[account];
            if (available < amount) _refuse(i, account, delta, Restriction.InsufficientUnfrozenBalance);
            unchecked {
                // amount ≤ available ≤ the balance, the word's low 128 bits: no borrow.
                acct.word = word - amount;
            }
            emit IERC20.Transfer(account, _ENGINE, amount);
        }
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

    /// @dev Reverts with `NetPositionRefused` for position `i`.
    function _refuse(uint256 i, address account, int256 delta, Restriction code) private pure {
        revert INetSettleable.NetPositionRefused(i, account, delta, uint8(code));
    }

    function _onlyEngine() private view {
        require(msg.sender == _ENGINE, IHoldable.HoldableUnauthorizedEngine(msg.sender));
    }
}
