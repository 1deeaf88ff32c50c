// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Panic} from "@openzeppelin/contracts/utils/Panic.sol";
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

    /// @dev `IERC20.Transfer`'s topic, `keccak256("Transfer(address,address,uint256)")`, for inline assembly (which
    /// takes number literals only); the net tests parse the events `settleNet` emits as `Transfer`s.
    uint256 private constant _TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

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
    /// @dev The checks and the debits run in one pass (`_pass`, inline assembly), the credits in a second. Where the
    /// pass stops (a position the checks refuse, a dirty entry, a credit overflowing Σ, or Σ not zero), `_revertAt`
    /// reverts with the error the checked code names: Σ first (`NetUnbalanced`, or the panic of an overflowing
    /// sum), then that position's, on the words as the earlier debits left them (as the checked code saw them).
    /// Credits come after every debit, so a debit never takes units its account is credited in the same batch.
    function settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) external {
        _onlyEngine();
        uint256 n = accounts.length;
        require(
            n == deltas.length && n == flags.length,
            INetSettleable.NetLengthMismatch(n, deltas.length, flags.length)
        );
        uint256 hot = HotFlagsLib.read();
        if (hot & _FLAG_PAUSED != 0 && n != 0) {
            _checkSum(deltas);
            _refuse(0, accounts[0], deltas[0], Restriction.TokenPaused);
        }
        // What a recipient's word is tested against: under the `Eligible` policy, bit 0 set and the baseline claims
        // level with the word's `missingClaims`; under `Open`, nothing.
        uint256 policy = hot & _FLAG_OPEN == 0 ? ((hot >> _FLAG_BASELINE_SHIFT) << _CLAIMS_SHIFT) | 1 : 0;
        uint256 i = _pass(accounts, deltas, flags, policy);
        if (i != type(uint256).max) _revertAt(accounts, deltas, flags, i, hot);
    }

    /// @dev `settleNet`'s two passes under `policy`: checks each position in order and applies its debit, keeping
    /// Σ changes; then, if every position passed and Σ is zero, applies the credits in order. Returns
    /// `type(uint256).max` when done; otherwise, having applied no credit (the caller reverts), the position where
    /// the pass stopped (one the checks refuse, a dirty entry, or a credit whose addition overflows Σ), or
    /// `accounts.length` when Σ is not zero.
    /// Inline assembly (measured by test/tokens/net/net.gas.test.ts: 1,200 gas less a debit and 1,450 a credit
    /// than the checked code, which read every entry through bounds checks, summed the changes in a pass of their
    /// own, called a function per position and hashed each credit's key twice). It tests what `_checkPosition`
    /// tests, which names the error where the pass stops.
    // solhint-disable-next-line function-max-lines
    function _pass(
        address[] calldata accounts,
        int256[] calldata deltas,
        uint8[] calldata flags,
        uint256 policy
    ) private returns (uint256 i) {
        {
            (uint256 wordsSlot, uint256 heldSlot) = _slots();
            // Allocated, for the pass below: the two mappings' slots.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let m := mload(0x40)
                mstore(m, wordsSlot)
                mstore(add(m, 0x20), heldSlot)
                mstore(0x40, add(m, 0x40))
            }
        }
        // Safe: the decoder of the parameters checked that each array's words lie within the call data, and the
        // three have `accounts.length` entries (`settleNet`), so every `calldataload` reads an entry (`p` walks the
        // accounts; a delta and a flag lie at fixed distances from their account). An entry is tested before its
        // effects: an address or flag beyond its type stops the pass (Solidity's decoding would revert there).
        // The caller is the engine (`_onlyEngine`), the counterparty of every `Transfer`. Scratch slot 0x00 holds
        // each account's key and event's data, 0x20 the accounts mapping's slot; a held amount's key and the
        // credits (slot, account, delta: 3 words each) go past the free memory pointer, not allocated (no Solidity
        // code runs between the two passes); the two words below it hold the mappings' slots. Σ: a debit that
        // passes is at most the available balance, below 2^128, so subtracting it cannot leave the int256 range
        // (fewer than 2^64 positions); a credit whose addition overflows (the sum goes down) stops the pass, where
        // the checked sum panics, so Σ is exact at the end. Subtracting a debit from its word borrows nothing
        // (held ≤ balance, H1; else the pass stops, where the checked code panics); the credits total the debits
        // (Σ = 0), at most the supply, so no balance carries out of its 128 bits (W1).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let end := mload(0x40)
            mstore(0x20, mload(sub(end, 0x40)))
            let sum := 0
            let p := accounts.offset
            let toDeltas := sub(deltas.offset, p)
            let toFlags := sub(flags.offset, p)
            for {
                let last := add(p, shl(5, accounts.length))
            } lt(p, last) {
                p := add(p, 0x20)
            } {
                let account := calldataload(p)
                let delta := calldataload(add(p, toDeltas))
                mstore(0x00, account)
                let slot := keccak256(0x00, 0x40)
                let word := sload(slot)
                // Dirty, the zero address (the supply's headroom) or the coin (the redemption escrow).
                let bad := or(shr(160, account), or(iszero(account), eq(account, address())))
                {
                    let flag := calldataload(add(p, toFlags))
                    bad := or(bad, shr(8, flag))
                    // A sender or recipient (any change, either flag) must not be frozen (bit 128).
                    if or(delta, and(flag, 3)) {
                        bad := or(bad, and(word, shl(128, 1)))
                    }
                    // A recipient (RECEIVED or a gain) under the `Eligible` policy (`policy` bit 0): lapsed (bits
                    // 129–168), or lacking a baseline claim.
                    if and(policy, or(flag, sgt(delta, 0))) {
                        bad := or(
                            bad,
                            or(iszero(gt(and(shr(129, word), 0xffffffffff), timestamp())), shr(192, and(word, policy)))
                        )
                    }
                }
                switch slt(delta, 0)
                case 0 {
                    if bad {
                        break
                    }
                    if delta {
                        let s := add(sum, delta)
                        if slt(s, sum) {
                            break
                        }
                        sum := s
                        mstore(end, slot)
                        mstore(add(end, 0x20), account)
                        mstore(add(end, 0x40), delta)
                        end := add(end, 0x60)
                    }
                }
                default {
                    let available := and(word, sub(shl(128, 1), 1))
                    // Has holds (bit 169): less `held[account]`.
                    if and(word, shl(169, 1)) {
                        mstore(end, account)
                        mstore(add(end, 0x20), mload(sub(mload(0x40), 0x20)))
                        let h := sload(keccak256(end, 0x40))
                        bad := or(bad, gt(h, available))
                        available := sub(available, h)
                    }
                    // |delta|: type(int256).min gives 2^255, above any balance.
                    let amount := sub(0, delta)
                    if or(bad, gt(amount, available)) {
                        break
                    }
                    sum := sub(sum, amount)
                    sstore(slot, sub(word, amount))
                    mstore(0x00, amount)
                    // Transfer(account, engine, amount).
                    log3(0x00, 0x20, _TRANSFER_TOPIC, account, caller())
                }
            }
            i := shr(5, sub(p, accounts.offset))
            if iszero(or(lt(i, accounts.length), sum)) {
                i := not(0)
                for {
                    p := mload(0x40)
                } lt(p, end) {
                    p := add(p, 0x60)
                } {
                    let slot := mload(p)
                    let delta := mload(add(p, 0x40))
                    sstore(slot, add(sload(slot), delta))
                    mstore(0x00, delta)
                    // Transfer(engine, account, delta).
                    log3(0x00, 0x20, _TRANSFER_TOPIC, caller(), mload(add(p, 0x20)))
                }
            }
        }
    }

    /// @dev The storage slots of the accounts' words and of the held amounts (`_pass`'s mapping keys).
    function _slots() private view returns (uint256 wordsSlot, uint256 heldSlot) {
        SettlementCoinStorage storage $ = _getStorage();
        mapping(address => Account) storage words = $.accounts;
        mapping(address => uint256) storage held = $.held;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            wordsSlot := words.slot
            heldSlot := held.slot
        }
    }

    /// @dev `settleNet`'s checked path where its pass stopped at position `i` (or at `accounts.length`: Σ changes
    /// not zero): reverts as the checks in order name it, Σ changes first (its overflow included), then position
    /// `i`'s.
    function _revertAt(
        address[] calldata accounts,
        int256[] calldata deltas,
        uint8[] calldata flags,
        uint256 i,
        uint256 hot
    ) private view {
        _checkSum(deltas);
        if (i < accounts.length) _checkPosition(i, accounts[i], deltas[i], flags[i], hot);
        // The pass stops only where the checks refuse.
        Panic.panic(Panic.ASSERT);
    }

    /// @dev Reverts with `NetUnbalanced` unless Σ `deltas` is zero (and with a panic if it overflows).
    function _checkSum(int256[] calldata deltas) private pure {
        int256 sum;
        for (uint256 i; i < deltas.length; ++i) sum += deltas[i];
        require(sum == 0, INetSettleable.NetUnbalanced(sum));
    }

    /// @dev `settleNet`'s checks of position `i` (`account`, `delta`, `flag`) under the hot flags `hot`, on the words
    /// as the earlier positions' debits left them: reverts where the position is refused.
    function _checkPosition(uint256 i, address account, int256 delta, uint8 flag, uint256 hot) private view {
        // The zero address's word is the supply's headroom, the coin's own the redemption escrow: never netted.
        require(
            account != address(0) && account != address(this),
            ISettlementCoin.SettlementCoinInvalidAddress(account)
        );
        uint256 word = _getStorage().accounts[account].word;
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
