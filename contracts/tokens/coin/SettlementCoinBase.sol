// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {StorageSlot} from "@openzeppelin/contracts/utils/StorageSlot.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {IMemberRegistry} from "../../interfaces/access/IMemberRegistry.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ISettlementCoin} from "../../interfaces/tokens/ISettlementCoin.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";

/// @title SettlementCoinBase
/// @notice What the settlement coin (`SettlementCoin`) and its hold module (`SettlementCoinHolds`, run by
/// `delegatecall` in the coin's storage) share: the account word's layout, the ERC-7201 storage, the settlement
/// engine (an immutable of the implementation) and the one balance-change path, `_move`.
/// @dev The word layout and the coin's invariants are documented on `SettlementCoin`. Declares no state variable
/// (the storage is namespaced): the coin's layout is its struct's, whichever contract the code runs in.
abstract contract SettlementCoinBase {
    /* ACCOUNT WORD LAYOUT (see the table on `SettlementCoin`) */

    uint256 internal constant _BALANCE_MASK = type(uint128).max;
    uint256 internal constant _FROZEN_BIT = 1 << 128;
    uint256 internal constant _ELIGIBLE_SHIFT = 129;
    uint256 internal constant _ELIGIBLE_MASK = uint256(type(uint40).max) << _ELIGIBLE_SHIFT;
    /// @dev Set while the account has units on hold (`held[account] > 0`): `_move` reads `held` only then.
    uint256 internal constant _HELD_BIT = 1 << 169;
    /// @dev Where `missingClaims` starts in a word, and the baseline claims in the implementation slot.
    uint256 internal constant _CLAIMS_SHIFT = 192;

    /* HOT FLAGS (upper bits of the ERC-1967 implementation slot, see `SettlementCoin._hotFlags`) */

    /// @dev Set while the coin is paused.
    uint256 internal constant _FLAG_PAUSED = 1 << 0;
    /// @dev Set while the holder policy is `Open`. Stored inverted so that the deployed configuration (policy
    /// `Eligible`, not paused) leaves the slot a bare address.
    uint256 internal constant _FLAG_OPEN = 1 << 1;
    /// @dev The baseline claims: flag bits 32–95, the slot's bits 192–255 (`_CLAIMS_SHIFT`). Zero until the first
    /// `syncBaselineClaims`: every sync checks the registry's baseline itself, so the cached copy need only follow
    /// changes made since (which the identity registry pushes).
    uint256 internal constant _FLAG_BASELINE_SHIFT = _CLAIMS_SHIFT - HotFlagsLib.SHIFT;
    uint256 internal constant _SLOT_PAUSED = _FLAG_PAUSED << HotFlagsLib.SHIFT;
    uint256 internal constant _SLOT_OPEN = _FLAG_OPEN << HotFlagsLib.SHIFT;

    /* EXEMPTIONS OF `_move` (tested only where a rule would refuse) */

    /// @dev Moves while paused (seizure).
    uint256 internal constant _EXEMPT_PAUSE = 1 << 0;
    /// @dev Moves from or to a frozen account (seizure, the return of a rejected redemption).
    uint256 internal constant _EXEMPT_FREEZE = 1 << 1;
    /// @dev Lets the zero address receive: a burn (OpenZeppelin's `_burn`, through `_update`).
    uint256 internal constant _BURN = 1 << 2;

    /// @custom:storage-location erc7201:assetledger.storage.SettlementCoin
    struct SettlementCoinStorage {
        /// @dev Each account's word: balance, frozen bit, cached eligibility, has-holds bit (layout above).
        mapping(address account => Account) accounts;
        /// @dev Unused: the supply is kept as the zero address's word (see the word table). Kept for the layout.
        uint256 totalSupply;
        IIdentityRegistry identityRegistry;
        uint8 decimals;
        uint32 maxAttestationAge;
        IMemberRegistry memberRegistry;
        mapping(address minter => MinterRecord) minters;
        ISettlementCoin.Attestation[] attestations;
        uint256 lastRedemptionId;
        mapping(uint256 id => ISettlementCoin.Redemption) redemptions;
        mapping(address holder => uint256[] ids) redemptionsOf;
        /// @dev Holds by id (`IHoldable`), never deleted: an id is never reused.
        mapping(bytes32 holdId => IHoldable.Hold) holds;
        /// @dev The sum of each holder's active holds (H1); the word's `_HELD_BIT` is set while it is not zero.
        mapping(address holder => uint256) held;
    }

    /// @dev An account's word, in a struct so that a function can hold a storage reference to it and read and write
    /// it with one slot computation (a transfer saves a keccak per account).
    struct Account {
        uint256 word;
    }

    /// @dev A minter: whether it is configured, and what it may still mint.
    struct MinterRecord {
        bool isMinter;
        uint256 allowance;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.SettlementCoin")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x9cb1e366514bca754bdf1c7b9a06fd361647b0dd049d3c91291cd9117d32da00;

    /// @dev The settlement engine, the holds' only notary (`IHoldable.settlementEngine`).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address internal immutable _ENGINE;

    /// @param settlementEngine_ The settlement engine (`IHoldable.settlementEngine`), not zero.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address settlementEngine_) {
        require(settlementEngine_ != address(0), ISettlementCoin.SettlementCoinInvalidAddress(settlementEngine_));
        _ENGINE = settlementEngine_;
    }

    /// @dev The one path of every balance change (as OpenZeppelin's `_update`): mints (from the zero address),
    /// burns (to it, with `_BURN`), transfers, seizures (`_EXEMPT_PAUSE | _EXEMPT_FREEZE`), the return of a
    /// rejected redemption (`_EXEMPT_FREEZE`) and executed holds. Checks, in order: not paused, the sender not
    /// frozen and, when it has holds, its available balance (balance − held: no exemption takes held units), then
    /// its balance (a mint: the zero address's word, the supply's headroom below `type(uint128).max`: W1), the
    /// recipient not frozen and, under the `Eligible` policy, its cached eligibility (expiry and baseline claims).
    /// A sender need not be eligible: it may always send out what it holds, unless frozen (as ERC-3643's tokens
    /// let a holder who lost its verification leave; a regulator who wants it stuck freezes it). Every exemption
    /// and the held balance are tested only in the branch that would refuse, so a transfer pays for none of them
    /// (frozen and has-holds share one test). Moves `value` from one word to another: the sum of all words, the
    /// zero address's included, never changes, which is C1.
    // solhint-disable-next-line function-max-lines
    function _move(address from, address to, uint256 value, uint256 exemptions) internal {
        // `if (…) revert` rather than `require` on this path: `require` evaluates the error's arguments before
        // the test, which costs gas on every transfer.
        // The hot flags read here rather than through `HotFlagsLib.read`: the optimizer leaves that function out
        // of line, and the call costs gas.
        uint256 slot = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value;
        // Nested `if`s, not `&&`: a transfer then pays for the first test alone.
        if (slot & _SLOT_PAUSED != 0) {
            if (exemptions & _EXEMPT_PAUSE == 0) revert ISettlementCoin.SettlementCoinPaused();
        }
        SettlementCoinStorage storage $ = _getStorage();
        Account storage acct = $.accounts[from];
        uint256 word = acct.word;
        // One test for both rare cases: frozen, or some units on hold.
        if (word & (_FROZEN_BIT | _HELD_BIT) != 0) {
            if (word & _FROZEN_BIT != 0) {
                if (exemptions & _EXEMPT_FREEZE == 0) revert ISettlementCoin.SettlementCoinAccountFrozen(from);
            }
            if (word & _HELD_BIT != 0) _checkAvailable($, from, word, value);
        }
        uint256 balance = word & _BALANCE_MASK;
        if (balance < value) {
            // The zero address's balance is the supply's headroom: a mint beyond it would overflow 128 bits.
            if (from == address(0)) {
                revert ISettlementCoin.SettlementCoinBalanceOverflow(_BALANCE_MASK - balance + value);
            }
            revert IERC20Errors.ERC20InsufficientBalance(from, balance, value);
        }
        unchecked {
            // value ≤ balance, the word's low 128 bits: no borrow from the frozen bit or eligibility.
            acct.word = word - value;
        }
        // Read after the write above, so a transfer to oneself sees its own debit.
        acct = $.accounts[to];
        word = acct.word;
        if (word & _FROZEN_BIT != 0) {
            if (exemptions & _EXEMPT_FREEZE == 0) revert ISettlementCoin.SettlementCoinAccountFrozen(to);
        }
        // Lapsed, or lacking a baseline claim: the slot's bits 192–255 are the baseline, the word's its missing claims.
        if (uint40(word >> _ELIGIBLE_SHIFT) <= block.timestamp || (word & slot) >> _CLAIMS_SHIFT != 0) {
            // The zero address is never eligible (its eligibility is never written), so a burn comes here, off the
            // path of eligible recipients; so does a transfer to it, which is refused.
            if (to == address(0)) {
                if (exemptions & _BURN == 0) revert IERC20Errors.ERC20InvalidReceiver(to);
            } else if (slot & _SLOT_OPEN == 0) {
                revert ISettlementCoin.SettlementCoinIneligibleHolder(to);
            }
        }
        unchecked {
            // Every word's balance is at most type(uint128).max minus the others' (C1: their sum is that): no
            // carry into the frozen bit, eligibility or the has-holds bit (W1).
            acct.word = word + value;
        }
        emit IERC20.Transfer(from, to, value);
    }

    /// @dev Reverts with `HoldableInsufficientAvailableBalance` unless `from` (whose word is `word`) has `value`
    /// units not on hold.
    function _checkAvailable(SettlementCoinStorage storage $, address from, uint256 word, uint256 value) internal view {
        // held ≤ balance (H1).
        uint256 available = (word & _BALANCE_MASK) - $.held[from];
        if (available < value) revert IHoldable.HoldableInsufficientAvailableBalance(from, available, value);
    }

    function _getStorage() internal pure returns (SettlementCoinStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
