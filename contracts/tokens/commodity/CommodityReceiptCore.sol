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
/// Position word, one per (lot, holder): bits 0–127 the balance, 128–255 the units held (pledged + locked for
/// delivery + held for settlements; R2). Account word, one per wallet: bits 0–127 its quantity across lots,
/// 128–215 the pipeline's memo about it, 216–247 the investor index cached when its quantity last left zero.
/// Hot state in the upper bits of the ERC-1967 implementation slot (`HotFlagsLib`, warm: the proxy just read it):
/// bits 0–31 `holderCount`, 32–63 `holdingWalletCount`.
///
/// Holder accounting follows SecurityToken's (see SecurityTokenCore): investors are counted by the index a wallet
/// had when its quantity left zero; siblings are looked up in the registry's wallet history only at zero crossings
/// and only when the index has ever had more than one wallet.
///
/// Checks, by path: transfers and settlement executions are judged as transfers (sender and recipient, market
/// rules); issues and pledge enforcements as issues to the recipient (recipient eligibility, country lists, caps —
/// the defaulted owner's status and trading halts do not stop a lender taking its collateral); deliveries,
/// corrections, splits and merges move no quantity between wallets and ask nothing.
///
/// Invariants R1–R4 of the interface; besides: quantities are below 2^96 per lot, so a wallet's quantity (a sum
/// over fewer than 2^64 lots) stays below 2^128; the counts in the implementation slot change with checked
/// arithmetic (a wrap would be a bug, never silent).
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
    }

    /// @dev What a balance change is judged as (see "Checks" above).
    enum Check {
        None,
        Issue,
        Transfer
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.CommodityReceipt")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0xe22c0cf37eda21964a833ce219de8a4226a47bbb9f9e7492f3c3ad3fc3b1fe00;

    uint256 internal constant _LOW_MASK = type(uint128).max;
    uint256 internal constant _MEMO_SHIFT = 128;
    uint256 internal constant _MEMO_MASK = uint256(type(uint88).max) << _MEMO_SHIFT;
    uint256 internal constant _INDEX_SHIFT = 216;
    uint256 internal constant _INDEX_MASK = uint256(type(uint32).max) << _INDEX_SHIFT;
    uint256 internal constant _HELD_SHIFT = 128;
    uint256 internal constant _MAX_QUANTITY = type(uint96).max;
    uint256 internal constant _WALLETS_SHIFT = 32;
    uint256 internal constant _ONE_HOLDER = 1;
    uint256 internal constant _ONE_WALLET = 1 << _WALLETS_SHIFT;

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
    /// `amount` of lot `id`'s available units, keeps each wallet's quantity, the lot's supply (R1, R3) and the
    /// holder counts, and asks the pipeline as `check` says, storing the memos it returns. Emits nothing (the
    /// caller emits the ERC-1155 event that fits). Split over small functions so that no call's arguments sink out
    /// of the stack's reach without the optimizer (coverage builds).
    function _update(address from, address to, uint256 id, uint256 amount, Check check) internal {
        CommodityReceiptStorage storage $ = _getStorage();
        if (from != address(0)) _requireAvailable($, from, id, amount);
        else _requireQuantity(amount);
        uint256 fromWord = from == address(0) ? 0 : $.accounts[from];
        uint256 toWord = to == address(0) ? 0 : $.accounts[to];
        Eligibility toEligibility;
        if (check != Check.None) {
            (fromWord, toWord, toEligibility) = _check(
                check == Check.Transfer ? from : address(0),
                to,
                amount,
                fromWord,
                toWord
            );
        }
        if (from == to) {
            // A transfer to oneself moves nothing; the fresh memo is kept.
            $.accounts[from] = fromWord;
            return;
        }
        _moveLot($, from, to, id, amount);
        _moveQuantity(from, fromWord, to, toWord, amount, toEligibility);
    }

    /// @dev Lot `id`'s positions and supply after `amount` moves from `from` to `to` (either zero: issue, burn).
    function _moveLot(CommodityReceiptStorage storage $, address from, address to, uint256 id, uint256 amount) private {
        if (to == address(0)) $.lots[id].supply -= uint96(amount);
        else $.positions[id][to] += amount;
        if (from == address(0)) {
            $.lots[id].supply += uint96(amount);
        } else {
            unchecked {
                // amount ≤ the available units ≤ the balance (`_requireAvailable`): no borrow into the held units.
                $.positions[id][from] -= amount;
            }
        }
    }

    /// @dev The wallets' quantities after `amount` moves (their words given, memos fresh), and the holder counts in
    /// the implementation slot when a quantity leaves or reaches zero.
    function _moveQuantity(
        address from,
        uint256 fromWord,
        address to,
        uint256 toWord,
        uint256 amount,
        Eligibility toEligibility
    ) private {
        uint256 flags = HotFlagsLib.read();
        uint256 counts = flags;
        if (to != address(0)) {
            (toWord, counts) = _credit(to, toWord, amount, fromWord, toEligibility, counts);
        }
        if (from != address(0)) {
            unchecked {
                // amount ≤ the lot balance ≤ the wallet's quantity (R3): no borrow into the memo.
                fromWord -= amount;
            }
            _getStorage().accounts[from] = fromWord;
            if (fromWord & _LOW_MASK == 0 && amount != 0)
                counts = _leaving(_getStorage(), from, fromWord, toWord, counts);
        }
        if (counts != flags) HotFlagsLib.write(counts);
    }

    /// @dev Checks a change with the pipeline (`from` zero: judged as an issue); returns both words with their fresh
    /// memos (the sender's only when it was judged) and the recipient's eligibility word if the pipeline read it.
    function _check(
        address from,
        address to,
        uint256 amount,
        uint256 fromWord,
        uint256 toWord
    ) private view returns (uint256, uint256, Eligibility) {
        (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) = _askPipeline(from, to, amount, fromWord, toWord);
        if (from != address(0)) fromWord = _withMemo(fromWord, fromMemo);
        return (fromWord, _withMemo(toWord, toMemo), toEligibility);
    }

    /// @dev `ICompliance.checkTransfer` with the parties' memos (their words), whether the recipient holds and the
    /// holder count; reverts with `CommodityReceiptTransferRestricted` unless it allows.
    function _askPipeline(
        address from,
        address to,
        uint256 amount,
        uint256 fromWord,
        uint256 toWord
    ) private view returns (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) {
        Restriction code;
        (code, fromMemo, toMemo, toEligibility) = _compliance.checkTransfer(
            from,
            to,
            amount,
            uint88(fromWord >> _MEMO_SHIFT),
            uint88(toWord >> _MEMO_SHIFT),
            toWord & _LOW_MASK != 0,
            uint32(HotFlagsLib.read())
        );
        require(code == Restriction.None, CommodityReceiptTransferRestricted(from, to, amount, code));
    }

    /// @dev `word` with its memo field set to `memo`.
    function _withMemo(uint256 word, uint88 memo) private pure returns (uint256) {
        return (word & ~_MEMO_MASK) | (uint256(memo) << _MEMO_SHIFT);
    }

    /// @dev Credits `amount` to `to` (word `word`), writes its word, and returns it with `counts` plus what they
    /// gain when its quantity leaves zero: one wallet, and one investor unless a sibling wallet of its investor
    /// already holds — the sender itself (`fromWord`, read before the debit) or another.
    function _credit(
        address to,
        uint256 word,
        uint256 amount,
        uint256 fromWord,
        Eligibility eligibility,
        uint256 counts
    ) private returns (uint256, uint256) {
        if (word & _LOW_MASK == 0 && amount != 0) {
            if (Eligibility.unwrap(eligibility) == 0) eligibility = _eligibilityStore.eligibilityOf(to);
            uint32 index = eligibility.investorIndex();
            word = (word & ~_INDEX_MASK) | (uint256(index) << _INDEX_SHIFT);
            bool held =
                index != 0 &&
                    ((fromWord & _LOW_MASK != 0 && uint32(fromWord >> _INDEX_SHIFT) == index) ||
                        _otherWalletHolds(_getStorage(), index, to, eligibility));
            unchecked {
                // Counts are bounded by the wallets that ever held (far below 2^32): no carry between fields.
                counts += held ? _ONE_WALLET : _ONE_WALLET + _ONE_HOLDER;
            }
        }
        unchecked {
            // A wallet's quantity is a sum of lot balances, each below 2^96, over fewer than 2^64 lots: no carry
            // into the memo.
            word += amount;
        }
        _getStorage().accounts[to] = word;
        return (word, counts);
    }

    /// @dev `counts` once `from`'s quantity reached zero: less one wallet, and its investor unless another of its
    /// wallets still holds — the recipient (`toWord`, credited) or another. Checked: a count never wraps.
    function _leaving(
        CommodityReceiptStorage storage $,
        address from,
        uint256 word,
        uint256 toWord,
        uint256 counts
    ) internal view returns (uint256) {
        uint32 index = uint32(word >> _INDEX_SHIFT);
        bool held =
            index != 0 &&
                ((toWord & _LOW_MASK != 0 && uint32(toWord >> _INDEX_SHIFT) == index) ||
                    _otherWalletHolds($, index, from, _eligibilityStore.eligibilityOf(from)));
        uint256 holders = uint32(counts) - (held ? 0 : 1);
        uint256 wallets = uint32(counts >> _WALLETS_SHIFT) - 1;
        return (counts & ~uint256(type(uint64).max)) | holders | (wallets << _WALLETS_SHIFT);
    }

    /// @dev Whether a wallet other than `wallet`, cached with investor `index`, holds a quantity (`eligibility` is
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
            if (other & _LOW_MASK != 0 && uint32(other >> _INDEX_SHIFT) == index) return true;
        }
        return false;
    }

    /// @dev Takes `amount` of `holder`'s available units of lot `id` out of the lot (a split, merge or correction:
    /// the wallet's quantity is unchanged by the operation as a whole).
    function _burnPosition(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        // amount ≤ the available balance, checked by every caller.
        $.positions[id][holder] -= amount;
        $.lots[id].supply -= uint96(amount);
    }

    /// @dev Gives `holder` `amount` units of the new lot `id` (whose supply `_newLot` set).
    function _mintPosition(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        // A new lot's balance is zero; amount < 2^96 (`_requireQuantity`).
        $.positions[id][holder] = amount;
    }

    /* ENCUMBRANCES */

    /// @dev Adds `amount` to `holder`'s held units of lot `id`, which must be available.
    function _hold(CommodityReceiptStorage storage $, address holder, uint256 id, uint256 amount) internal {
        _requireAvailable($, holder, id, amount);
        unchecked {
            // held + amount ≤ balance < 2^96: no carry out of the word.
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
        uint256 position = $.positions[id][holder];
        uint256 balance = position & _LOW_MASK;
        require(balance >= amount, IERC1155Errors.ERC1155InsufficientBalance(holder, balance, amount, id));
        uint256 available = balance - (position >> _HELD_SHIFT);
        require(available >= amount, CommodityReceiptInsufficientAvailable(holder, id, available, amount));
    }

    /// @dev Reverts unless `quantity` is non-zero and below 2^96.
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
