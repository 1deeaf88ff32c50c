// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IEligibilityStore} from "../../interfaces/identity/IEligibilityStore.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ICommodityReceiptTypes} from "../../interfaces/tokens/ICommodityReceiptTypes.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {Restriction} from "../../types/Restriction.sol";

/// @title CommodityReceiptCore
/// @notice What the receipt (`CommodityReceipt`) and its lot module (`CommodityReceiptLots`) share: the storage, the
/// one balance path `_update`, holder accounting and encumbrances.
/// @dev Issued by the AssetFactory as product type `CommodityReceipt` (an ERC-1967 proxy of this implementation,
/// initialized in the factory's one shape, guarded by the product's table in config/roles.ts); upgrades are UUPS,
/// restricted to ASSET_FACTORY (`rollOut`). Storage is ERC-7201 namespaced under
/// `assetledger.storage.CommodityReceipt`; the pipeline, registry, store and engine are immutables.
///
/// Position word, one per (lot, holder): bits 0–79 the balance, 80–159 the units held (pledged + locked for
/// delivery + held for settlements; R2), 160–247 the pipeline's memo about the holder (a memo is about the wallet
/// for this asset; kept per position so that a transfer between two holders of a lot reads and writes only their
/// two positions). Account word, one per wallet: bits 0–31 how many lots it holds, 216–247 the investor index
/// cached when it started holding; written only when a position leaves or reaches zero. Quantities per wallet
/// (`quantities`) are kept only in markets that track them (`Terms.trackQuantities`: needed for a per-investor
/// balance cap), at the cost of two more slots written per transfer.
/// Hot state in the upper bits of the ERC-1967 implementation slot (`HotFlagsLib`, warm: the proxy just read it):
/// bits 0–31 `holderCount`, 32–63 `holdingWalletCount`, bit 64 quantities tracked.
///
/// Holder accounting follows SecurityToken's (see SecurityTokenCore): investors are counted by the index a wallet
/// had when it started holding (its lot count left zero); siblings are looked up in the registry's wallet history
/// only when a wallet starts or stops holding, and only when the index has ever had more than one wallet.
///
/// Checks, by path: transfers and settlement executions are judged as transfers (sender and recipient, market
/// rules); issues and pledge enforcements as issues to the recipient (recipient eligibility, country lists, caps —
/// the defaulted owner's status and trading halts do not stop a lender taking its collateral); deliveries,
/// corrections, splits and merges move no quantity between wallets and ask nothing.
///
/// Invariants R1–R4 of the interface; besides: a lot's quantity is below 2^80, so no balance or held field carries
/// into the next; a wallet holds a lot iff its position's balance is non-zero, and its account's lot count is the
/// number of such lots (it holds anything iff the count is non-zero); the counts in the implementation slot change
/// with checked arithmetic (a wrap would be a bug, never silent).
abstract contract CommodityReceiptCore is ICommodityReceiptTypes, AccessManagedUpgradeable {
    /// @custom:storage-location erc7201:assetledger.storage.CommodityReceipt
    struct CommodityReceiptStorage {
        ISecurityTokenOperations.Instrument instrument;
        bytes32 commodityCode;
        string uri;
        address feeCoin;
        uint256 feePerUnitPerDay;
        uint64 lotCount;
        uint64 pledgeCount;
        uint64 deliveryCount;
        mapping(uint256 id => Lot) lots;
        mapping(bytes32 specId => LotSpec) specs;
        mapping(uint256 id => uint256) successors;
        mapping(uint256 id => mapping(address holder => uint256)) positions;
        mapping(uint256 id => mapping(address owner => uint256)) pledged;
        mapping(address wallet => uint256) accounts;
        mapping(address owner => mapping(address operator => bool)) operators;
        mapping(uint256 pledgeId => Pledge) pledges;
        mapping(uint256 id => uint256[]) lotPledges;
        mapping(uint256 id => uint256) activePledges;
        mapping(uint256 id => mapping(address lender => uint256)) lenderPledges;
        mapping(uint256 requestId => Delivery) deliveries;
        mapping(bytes32 holdId => IHoldable.Hold) holds;
        mapping(bytes32 holdId => uint256) holdLots;
        mapping(address wallet => uint256) quantities;
    }

    /// @dev What a balance change is judged as (see "Checks" above).
    enum Check {
        None,
        Issue,
        Transfer
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.CommodityReceipt")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0xe22c0cf37eda21964a833ce219de8a4226a47bbb9f9e7492f3c3ad3fc3b1fe00;

    /* POSITION WORD: balance 0–79 | held 80–159 | memo 160–247 */

    uint256 internal constant _QUANTITY_MASK = type(uint80).max;
    uint256 internal constant _HELD_SHIFT = 80;
    uint256 internal constant _MEMO_SHIFT = 160;
    uint256 internal constant _MEMO_MASK = uint256(type(uint88).max) << _MEMO_SHIFT;
    uint256 internal constant _MAX_QUANTITY = type(uint80).max;

    /* ACCOUNT WORD: lots held 0–31 | investor index 216–247 */

    uint256 internal constant _LOTS_MASK = type(uint32).max;
    uint256 internal constant _INDEX_SHIFT = 216;
    uint256 internal constant _INDEX_MASK = uint256(type(uint32).max) << _INDEX_SHIFT;

    /* HOT FLAGS: holderCount 0–31 | holdingWalletCount 32–63 | quantities tracked 64 */

    uint256 internal constant _WALLETS_SHIFT = 32;
    uint256 internal constant _TRACKED_FLAG = 1 << 64;

    ICompliance internal immutable _compliance;
    IIdentityRegistry internal immutable _identityRegistry;
    IEligibilityStore internal immutable _eligibilityStore;
    address internal immutable _settlementEngine;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ICompliance compliance_, IIdentityRegistry identityRegistry_, address settlementEngine_) {
        address complianceRegistry = address(compliance_.identityRegistry());
        require(
            complianceRegistry == address(identityRegistry_),
            CommodityReceiptRegistryMismatch(complianceRegistry, address(identityRegistry_))
        );
        require(settlementEngine_ != address(0), CommodityReceiptInvalidAddress(settlementEngine_));
        _compliance = compliance_;
        _identityRegistry = identityRegistry_;
        _eligibilityStore = identityRegistry_.eligibilityStore();
        _settlementEngine = settlementEngine_;
        _disableInitializers();
    }

    /* BALANCES */

    /// @dev The one path of every change of a wallet's quantity (`from` zero: an issue; `to` zero: a burn): moves
    /// `amount` of lot `id`'s available units, keeps the lot's supply (R1), the wallets' lot counts, quantities (if
    /// tracked) and the holder counts (R3), and asks the pipeline as `check` says, storing the memos it returns in
    /// the positions. Emits nothing (the caller emits the ERC-1155 event that fits). Split over small functions so
    /// that no call's arguments sink out of the stack's reach without the optimizer (coverage builds).
    function _update(address from, address to, uint256 id, uint256 amount, Check check) internal {
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 fromPosition = from == address(0) ? 0 : $.positions[id][from];
        uint256 toPosition = to == address(0) ? 0 : $.positions[id][to];
        if (from != address(0)) _requireAvailableIn(from, id, fromPosition, amount);
        else _requireQuantity(amount);
        Eligibility toEligibility;
        if (check != Check.None) {
            (fromPosition, toPosition, toEligibility) = _check(
                check == Check.Transfer ? from : address(0),
                to,
                amount,
                fromPosition,
                toPosition
            );
        }
        if (from == to) {
            // A transfer to oneself moves nothing; the fresh memo is kept.
            $.positions[id][from] = fromPosition;
            return;
        }
        if (to == address(0)) {
            $.lots[id].supply -= uint96(amount);
        } else {
            unchecked {
                // balance + amount ≤ the lot's supply < 2^80: no carry into the held units.
                $.positions[id][to] = toPosition + amount;
            }
        }
        if (from == address(0)) {
            $.lots[id].supply += uint96(amount);
        } else {
            unchecked {
                // amount ≤ the available units ≤ the balance (`_requireAvailableIn`): no borrow.
                $.positions[id][from] = fromPosition - amount;
            }
        }
        _moveQuantity(from, fromPosition, to, toPosition, amount, toEligibility);
    }

    /// @dev The wallets' account words after `amount` moved (their lot positions before the move given): a lot
    /// count rises when a position leaves zero and falls when one reaches zero; a wallet starts or stops holding
    /// when its count does, which moves the holder counts in the implementation slot; tracked quantities follow
    /// every move. A transfer between two holders of a lot in an untracked market writes no account word.
    function _moveQuantity(
        address from,
        uint256 fromPosition,
        address to,
        uint256 toPosition,
        uint256 amount,
        Eligibility toEligibility
    ) private {
        uint256 flags = HotFlagsLib.read();
        uint256 counts = flags;
        bool tracked = flags & _TRACKED_FLAG != 0;
        if (to != address(0) && amount != 0) {
            if (toPosition & _QUANTITY_MASK == 0) counts = _enterLot(from, to, toEligibility, counts);
            if (tracked) _getStorage().quantities[to] += amount;
        }
        if (from != address(0) && amount != 0) {
            if (fromPosition & _QUANTITY_MASK == amount) counts = _leaveLot(from, to, counts);
            if (tracked) _getStorage().quantities[from] -= amount;
        }
        if (counts != flags) HotFlagsLib.write(counts);
    }

    /// @dev `to` holds one more lot; if it held none, it starts holding: it caches its investor index and the
    /// counts gain a wallet, and an investor unless a sibling wallet of its investor already holds — the sender
    /// (which holds: it sends a non-zero amount) or another.
    function _enterLot(address from, address to, Eligibility eligibility, uint256 counts) private returns (uint256) {
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 word = $.accounts[to];
        if (word & _LOTS_MASK == 0) {
            if (Eligibility.unwrap(eligibility) == 0) eligibility = _eligibilityStore.eligibilityOf(to);
            uint32 index = eligibility.investorIndex();
            word = (word & ~_INDEX_MASK) | (uint256(index) << _INDEX_SHIFT);
            bool held =
                index != 0 &&
                    ((from != address(0) && uint32($.accounts[from] >> _INDEX_SHIFT) == index) ||
                        _otherWalletHolds($, index, to, eligibility));
            // Checked in their 32-bit fields, as `_leaveLot` takes them: a wrap would be a denial of service.
            uint256 holders = uint32(counts) + (held ? 0 : 1);
            uint256 wallets = uint32(counts >> _WALLETS_SHIFT) + 1;
            counts = (counts & ~uint256(type(uint64).max)) | holders | (wallets << _WALLETS_SHIFT);
        }
        $.accounts[to] = _addLots(word, 1);
        return counts;
    }

    /// @dev `from` holds one lot fewer; if it holds none now, the counts lose a wallet, and its investor unless
    /// another of its wallets still holds — the recipient (credited already) or another. Checked: never wraps.
    function _leaveLot(address from, address to, uint256 counts) private returns (uint256) {
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 word = _subtractLots($.accounts[from], 1);
        $.accounts[from] = word;
        if (word & _LOTS_MASK != 0) return counts;
        uint32 index = uint32(word >> _INDEX_SHIFT);
        bool held =
            index != 0 &&
                ((to != address(0) && uint32($.accounts[to] >> _INDEX_SHIFT) == index) ||
                    _otherWalletHolds($, index, from, _eligibilityStore.eligibilityOf(from)));
        uint256 holders = uint32(counts) - (held ? 0 : 1);
        uint256 wallets = uint32(counts >> _WALLETS_SHIFT) - 1;
        return (counts & ~uint256(type(uint64).max)) | holders | (wallets << _WALLETS_SHIFT);
    }

    /// @dev Checks a change with the pipeline (`from` zero: judged as an issue); returns both positions with their
    /// fresh memos (the sender's only when it was judged) and the recipient's eligibility word if the pipeline read
    /// it.
    function _check(
        address from,
        address to,
        uint256 amount,
        uint256 fromPosition,
        uint256 toPosition
    ) private view returns (uint256, uint256, Eligibility) {
        (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) = _askPipeline(
            from,
            to,
            amount,
            fromPosition,
            toPosition
        );
        if (from != address(0)) fromPosition = _withMemo(fromPosition, fromMemo);
        return (fromPosition, _withMemo(toPosition, toMemo), toEligibility);
    }

    /// @dev `ICompliance.checkTransfer` with the parties' memos (in their positions), whether the recipient holds
    /// (this lot, else any: its account's lot count) and the holder count; reverts with
    /// `CommodityReceiptTransferRestricted` unless it allows.
    function _askPipeline(
        address from,
        address to,
        uint256 amount,
        uint256 fromPosition,
        uint256 toPosition
    ) private view returns (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) {
        Restriction code;
        (code, fromMemo, toMemo, toEligibility) = _compliance.checkTransfer(
            from,
            to,
            amount,
            uint88(fromPosition >> _MEMO_SHIFT),
            uint88(toPosition >> _MEMO_SHIFT),
            _recipientHolds(to, toPosition),
            uint32(HotFlagsLib.read())
        );
        require(code == Restriction.None, CommodityReceiptTransferRestricted(from, to, amount, code));
    }

    /// @dev Whether `to` (its position in the lot given) holds anything: this lot, else any (its lot count).
    function _recipientHolds(address to, uint256 toPosition) private view returns (bool) {
        return toPosition & _QUANTITY_MASK != 0 || _getStorage().accounts[to] & _LOTS_MASK != 0;
    }

    /// @dev `position` with its memo field set to `memo`.
    function _withMemo(uint256 position, uint88 memo) private pure returns (uint256) {
        return (position & ~_MEMO_MASK) | (uint256(memo) << _MEMO_SHIFT);
    }

    /// @dev Account word `word` with `n` more lots held. Checked: the count never carries into the index.
    function _addLots(uint256 word, uint256 n) internal pure returns (uint256) {
        uint256 lots = (word & _LOTS_MASK) + n;
        require(lots <= _LOTS_MASK, CommodityReceiptInvalidQuantity(lots));
        return (word & ~_LOTS_MASK) | lots;
    }

    /// @dev Account word `word` with `n` fewer lots held (checked: never below zero).
    function _subtractLots(uint256 word, uint256 n) internal pure returns (uint256) {
        return (word & ~_LOTS_MASK) | ((word & _LOTS_MASK) - n);
    }

    /// @dev Whether a wallet other than `wallet`, cached with investor `index`, holds a lot (`eligibility` is
    /// `wallet`'s word now; an index that has only ever had `wallet` has no sibling).
    function _otherWalletHolds(
        CommodityReceiptStorage storage $,
        uint32 index,
        address wallet,
        Eligibility eligibility
    ) internal view returns (bool) {
        if (eligibility.investorIndex() == index && eligibility.walletCount() == 1) return false;
        address[] memory wallets = _identityRegistry.walletHistoryOf(index);
        for (uint256 i = 0; i < wallets.length; ++i) {
            if (wallets[i] == wallet) continue;
            uint256 other = $.accounts[wallets[i]];
            if (other & _LOTS_MASK != 0 && uint32(other >> _INDEX_SHIFT) == index) return true;
        }
        return false;
    }

    /// @dev Takes `amount` of `holder`'s available units of lot `id` out of the lot (a split, merge or correction:
    /// the wallet's quantity is unchanged by the operation as a whole, so neither its tracked quantity nor the
    /// holder counts move; its lot count falls if the position reaches zero).
    function _burnPosition(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        // amount ≤ the available balance, checked by every caller.
        uint256 position = $.positions[id][holder] - amount;
        $.positions[id][holder] = position;
        $.lots[id].supply -= uint96(amount);
        if (position & _QUANTITY_MASK == 0) $.accounts[holder] = _subtractLots($.accounts[holder], 1);
    }

    /// @dev Gives `holder` `amount` units of the new lot `id` (whose supply `_newLot` set): one more lot held.
    function _mintPosition(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        // A new lot's position is zero; amount < 2^80 (`_requireQuantity`).
        $.positions[id][holder] = amount;
        $.accounts[holder] = _addLots($.accounts[holder], 1);
    }

    /* ENCUMBRANCES */

    /// @dev Adds `amount` to `holder`'s held units of lot `id`, which must be available.
    function _hold(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        _requireAvailable($, holder, id, amount);
        unchecked {
            // held + amount ≤ balance < 2^80: no carry into the memo.
            $.positions[id][holder] += amount << _HELD_SHIFT;
        }
    }

    /// @dev Lowers `holder`'s held units of lot `id` by `amount` (at most what is held: the records say so).
    function _unhold(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        $.positions[id][holder] -= amount << _HELD_SHIFT;
    }

    /// @dev Ends Active pledge `pledgeId` as `state` (the caller must be its lender) and unlocks its units.
    function _closePledge(
        CommodityReceiptStorage storage $,
        uint256 pledgeId,
        PledgeState state
    ) internal returns (Pledge memory p) {
        p = $.pledges[pledgeId];
        require(p.state == PledgeState.Active, CommodityReceiptPledgeNotActive(pledgeId, p.state));
        require(msg.sender == p.lender, CommodityReceiptNotLender(msg.sender, pledgeId, p.lender));
        $.pledges[pledgeId].state = state;
        $.pledged[p.lotId][p.owner] -= p.quantity;
        --$.activePledges[p.lotId];
        --$.lenderPledges[p.lotId][p.lender];
        _unhold($, p.owner, p.lotId, p.quantity);
    }

    /* CHECKS */

    /// @dev Reverts unless `holder` has `amount` available units of lot `id`.
    function _requireAvailable(
        CommodityReceiptStorage storage $,
        address holder,
        uint256 id,
        uint256 amount
    ) internal view {
        _requireAvailableIn(holder, id, $.positions[id][holder], amount);
    }

    /// @dev Reverts unless `holder`, whose position in lot `id` is `position`, has `amount` available units.
    function _requireAvailableIn(address holder, uint256 id, uint256 position, uint256 amount) internal pure {
        uint256 balance = position & _QUANTITY_MASK;
        require(balance >= amount, IERC1155Errors.ERC1155InsufficientBalance(holder, balance, amount, id));
        uint256 available = balance - _heldIn(position);
        require(available >= amount, CommodityReceiptInsufficientAvailable(holder, id, available, amount));
    }

    /// @dev The held units of a position word (held ≤ balance: R2).
    function _heldIn(uint256 position) internal pure returns (uint256) {
        return (position >> _HELD_SHIFT) & _QUANTITY_MASK;
    }

    /// @dev Reverts unless `quantity` is non-zero and below 2^80.
    function _requireQuantity(uint256 quantity) internal pure {
        require(quantity != 0 && quantity <= _MAX_QUANTITY, CommodityReceiptInvalidQuantity(quantity));
    }

    /// @dev Lot `id`, which must exist.
    function _lot(CommodityReceiptStorage storage $, uint256 id) internal view returns (Lot memory entry) {
        entry = $.lots[id];
        require(entry.origin != LotOrigin.None, CommodityReceiptUnknownLot(id));
    }

    function _authority() internal view returns (IAllianceAuthority) {
        return IAllianceAuthority(authority());
    }

    function _getStorage() internal pure returns (CommodityReceiptStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
