// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StorageSlot} from "@openzeppelin/contracts/utils/StorageSlot.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../../interfaces/identity/IEligibilityStore.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {INetSettleable} from "../../interfaces/tokens/INetSettleable.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {NetPositionLib} from "../../libraries/NetPositionLib.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Restriction} from "../../types/Restriction.sol";

/// @title SecurityTokenCore
/// @notice What a security token's implementation (`SecurityToken`, the base of every product) and its operations
/// module (`SecurityTokenOperations`) share: the storage, the immutables, and the one balance-change path
/// `_update` with the internal API products build on. See `ISecurityToken`.
/// @dev Invariants T1–T5 are stated in `ISecurityToken`. Of this implementation:
/// - W1: `totalSupply() ≤ 2^104 − 1` (a mint beyond reverts with `SecurityTokenSupplyCapExceeded`), so no balance,
///   bounded by the supply, carries out of its 104 bits: credits need no overflow check.
/// - W2: the zero address's word is never written.
/// - W3: an account's `lastSnapshot` field is the snapshot id current at its last balance change, and it has a
///   checkpoint for that id holding its balance when that snapshot was taken.
/// - W4: an account's `held` bit is set exactly while `heldTokens[account] != 0`, its `partial` bit whenever
///   `frozenTokens[account] != 0`; `frozenTokens + heldTokens ≤ balance` (IHoldable), and `totalHeld` is the sum
///   of `heldTokens`.
///
/// Holds (`IHoldable`): units held for a settlement stay the holder's (balance, register, snapshots, dividends,
/// coupons, holder counts) until the settlement engine executes them. A checked change (a transfer, a hold's
/// execution) may move only the balance neither frozen nor held; an unchecked change that takes units from a
/// holder (a burn, a forced transfer, a recovery, a redemption) may release frozen units, never held ones: it
/// reverts with `IHoldable.HoldableInsufficientAvailableBalance(holder, balance − held, amount)` and the agent
/// cancels the hold first (`cancelHold`, with its reason). Why: a hold backs a trade a counterparty relies on;
/// taking held units must be an explicit act with its own event, and the settlement then fails with a clear error
/// instead of finding less than was promised. The hold records' state machine (checks in IHoldable's order, the
/// records, their events) is `HoldLib`'s, shared with every holdable token; this contract keeps the products' own
/// accounting of held units (`heldTokens`, `totalHeld`, the `held` bit).
///
/// Balance word, one slot per account:
///
/// | bits    | field          | meaning                                                                    |
/// | ------- | -------------- | -------------------------------------------------------------------------- |
/// | 0–103   | balance        | the account's balance (at most the supply: W1)                             |
/// | 104–191 | memo           | the compliance pipeline's opaque memo about the account, stored as returned |
/// | 192–223 | investorIndex  | the registry's investor index, cached when the balance last left zero      |
/// | 224–247 | lastSnapshot   | W3                                                                         |
/// | 248     | frozen         | ERC-3643 address freeze                                                    |
/// | 249     | partial        | some of the balance is frozen (amount in `frozenTokens`)                  |
/// | 250     | held           | some of the balance is held for a settlement (amount in `heldTokens`)     |
/// | 251–255 | —              | zero                                                                       |
///
/// `partial` and `held` are tested together (`_unfrozenBalance`): a transfer from an account with neither tests one
/// mask, as before holds existed, and reads `frozenTokens` / `heldTokens` only when its bit is set.
///
/// Supply word: totalSupply (0–103) | lastSnapshot of the supply (104–127).
///
/// Hot state in the upper 96 bits of the ERC-1967 implementation slot (`HotFlagsLib`), which every call through the
/// proxy has just read (warm): bit 0 paused, bit 1 transfers stopped, bits 8–31 the current snapshot id, bits
/// 32–63 `holderCount`, bits 64–95 `holdingWalletCount`. The counts live there because a transfer that adds or
/// removes a holder writes them, and the pipeline reads `holderCount` when an investor cap is on: a warm slot
/// saves ≈ 2.1 k gas per new holder over a slot of our own. A freshly issued token sets none of these bits; once
/// one is set, read the implementation address as the slot's low 160 bits (OpenZeppelin's upgrades-core
/// `getImplementationAddress` refuses a slot that is not a bare address). Bit 2: a snapshot is scheduled
/// (`_rescheduleSnapshot`); only while it is set does a balance change read the schedule's own slot.
///
/// Holder accounting follows what this token recorded, never the registry as it is now: a wallet whose balance
/// leaves zero caches its investor's index (from the eligibility store) in its word, and `holderCount` is the
/// number of distinct indexes cached by holding wallets, each index-0 wallet (not registered when it started
/// holding, possible only through the unchecked paths) an investor of its own (T2). When a wallet joins or leaves,
/// the token asks whether another holding wallet is cached with the same index — only at those zero crossings,
/// never on a transfer between existing holders. Every wallet ever cached with index `i` was linked to `i` when it
/// started holding, and the registry keeps every wallet ever linked to an index (`walletHistoryOf`, at most
/// `maxWalletsEverPerInvestor()`; indexes are never reused), so the answer holds whatever the registry did since:
/// an investor removed, a wallet removed, recovered (before or after `recoveryAddress`), or linked to another
/// investor. An index that has only ever had one wallet (the eligibility word's wallet count is 1) has no sibling
/// to look for: the registry is not called. Both counts change with checked arithmetic: were T2 ever broken, a
/// change would revert rather than wrap.
///
/// Gas (DESIGN.md §6): a transfer between existing holders reads the implementation slot (warm), the two balance
/// words and what the pipeline reads, calls the pipeline once, and writes the two words. Zero crossings add the
/// supply word; the first change of an account after a snapshot adds a checkpoint.
///
/// Upgrades: UUPS; `upgradeToAndCall` restricted (ASSET_FACTORY in the product tables of config/roles.ts). Own
/// storage is ERC-7201 namespaced under `assetledger.storage.SecurityToken`; documents under
/// `assetledger.storage.Documents`. The compliance pipeline, the identity registry and its eligibility store are
/// immutables of the implementation: re-pointing an asset to a new pipeline is a product upgrade.
///
/// Overriding: products add terms and lifecycle and move balances only through `_mintChecked`,
/// `_issueUnchecked`, `_burnUnchecked` and `_moveUnchecked`, never by writing storage of this contract; they must
/// never let `_update` be bypassed (T1, T2, T3 depend on it).
abstract contract SecurityTokenCore is ISecurityTokenOperations, IERC20Errors, AccessManagedUpgradeable {
    using Checkpoints for Checkpoints.Trace208;
    using HoldLib for mapping(bytes32 => IHoldable.Hold);
    using HoldLib for IHoldable.Hold;

    /* BALANCE WORD LAYOUT (see the table above) */

    uint256 internal constant _BALANCE_MASK = (1 << 104) - 1;
    uint256 internal constant _MEMO_SHIFT = 104;
    uint256 internal constant _MEMO_MASK = uint256(type(uint88).max) << _MEMO_SHIFT;
    uint256 internal constant _INDEX_SHIFT = 192;
    uint256 internal constant _INDEX_MASK = uint256(type(uint32).max) << _INDEX_SHIFT;
    uint256 internal constant _LAST_SNAPSHOT_SHIFT = 224;
    uint256 internal constant _LAST_SNAPSHOT_MASK = uint256(type(uint24).max) << _LAST_SNAPSHOT_SHIFT;
    uint256 internal constant _FROZEN_BIT = 1 << 248;
    uint256 internal constant _PARTIAL_BIT = 1 << 249;
    uint256 internal constant _HELD_BIT = 1 << 250;

    /* SUPPLY WORD LAYOUT */

    uint256 internal constant _SUPPLY_SNAPSHOT_SHIFT = 104;
    uint256 internal constant _SUPPLY_SNAPSHOT_MASK = uint256(type(uint24).max) << _SUPPLY_SNAPSHOT_SHIFT;

    /// @dev `IERC20.Transfer`'s topic, for the net settlement's inline assembly (which takes only literal constants).
    uint256 private constant _TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /* HOT FLAGS */

    uint256 internal constant _FLAG_PAUSED = 1 << 0;
    uint256 internal constant _FLAG_STOPPED = 1 << 1;
    /// @dev A snapshot is scheduled (`_rescheduleSnapshot`): the next balance change at or after its time takes it.
    uint256 internal constant _FLAG_SCHEDULED = 1 << 2;
    /// @dev `_FLAG_SCHEDULED` in the raw implementation slot.
    uint256 private constant _SCHEDULED_BIT = _FLAG_SCHEDULED << HotFlagsLib.SHIFT;
    uint256 internal constant _SNAPSHOT_SHIFT = 8;
    uint256 internal constant _MAX_SNAPSHOT_ID = type(uint24).max;
    uint256 internal constant _HOLDERS_SHIFT = 32;
    uint256 internal constant _WALLETS_SHIFT = 64;
    /// @dev One investor and one holding wallet in the raw implementation slot (the flags start at bit 160).
    uint256 internal constant _ONE_HOLDER = 1 << (HotFlagsLib.SHIFT + _HOLDERS_SHIFT);
    uint256 internal constant _ONE_WALLET = 1 << (HotFlagsLib.SHIFT + _WALLETS_SHIFT);

    uint8 internal constant _MAX_DECIMALS = 18;
    uint16 internal constant _MAX_COUNTRY = 999;

    /// @custom:storage-location erc7201:assetledger.storage.SecurityToken
    struct SecurityTokenStorage {
        /// @dev Each account's word (layout above).
        mapping(address account => Account) accounts;
        /// @dev The supply word (layout above).
        uint256 supply;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        /// @dev Read only when the account's `partial` bit is set.
        mapping(address account => uint256) frozenTokens;
        /// @dev Key: snapshot id; value: the balance when that snapshot was taken (W3).
        mapping(address account => Checkpoints.Trace208) balanceCheckpoints;
        Checkpoints.Trace208 supplyCheckpoints;
        Instrument instrument;
        /// @dev Every hold ever placed (ids are never reused).
        mapping(bytes32 holdId => IHoldable.Hold) holds;
        /// @dev The sum of each account's active holds; read only when the account's `held` bit is set (W4).
        mapping(address account => uint256) heldTokens;
        /// @dev The sum of `heldTokens` (W4): zero exactly when no hold is active.
        uint256 totalHeld;
    }

    /// @dev An account's word, in a struct so that a function holds a storage reference to it and reads and writes
    /// it with one slot computation.
    struct Account {
        uint256 word;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.SecurityToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x5c4b513eb4793fa8f101a002a3bf3785b83de5f40fea181386e379891bf27800;

    /// @dev The scheduled snapshot (a bond's next record date), read only while `_FLAG_SCHEDULED` is set.
    /// @custom:storage-location erc7201:assetledger.storage.ScheduledSnapshot
    struct ScheduledSnapshotStorage {
        /// @dev When it is due (unix time).
        uint48 at;
        /// @dev Its snapshot id once taken; 0 while pending.
        uint24 id;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.ScheduledSnapshot")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _SCHEDULED_SNAPSHOT_LOCATION =
        0x342279c7e88e5a94661afb064d2eef1136443f056488725a50dcabe3a09a2a00;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICompliance internal immutable _compliance;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IIdentityRegistry internal immutable _identityRegistry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IEligibilityStore internal immutable _eligibilityStore;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address internal immutable _settlementEngine;

    /// @param compliance_ The pipeline every transfer and mint asks; it must read `identityRegistry_`.
    /// @param identityRegistry_ The identity registry (its eligibility store is read at zero crossings).
    /// @param settlementEngine_ The settlement engine, the only notary of the token's holds (non-zero).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ICompliance compliance_, IIdentityRegistry identityRegistry_, address settlementEngine_) {
        address complianceRegistry = address(compliance_.identityRegistry());
        require(
            complianceRegistry == address(identityRegistry_),
            SecurityTokenRegistryMismatch(complianceRegistry, address(identityRegistry_))
        );
        require(settlementEngine_ != address(0), SecurityTokenInvalidAddress(settlementEngine_));
        _settlementEngine = settlementEngine_;
        _compliance = compliance_;
        _identityRegistry = identityRegistry_;
        _eligibilityStore = identityRegistry_.eligibilityStore();
        _disableInitializers();
    }

    /// @dev The product type of the implementation; each product overrides it.
    function _productType() internal pure virtual returns (ProductType);

    /// @dev The latest snapshot id (0 before the first).
    function _currentSnapshotId() internal view returns (uint256) {
        return (HotFlagsLib.read() >> _SNAPSHOT_SHIFT) & _MAX_SNAPSHOT_ID;
    }

    /* BALANCE CHANGES (the internal API products build on) */

    /// @dev Mints `amount` to `to` as the compliance pipeline allows a mint (`from` zero): refused while
    /// transfers are stopped or `to` is frozen.
    function _mintChecked(address to, uint256 amount) internal {
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(address(0), to, amount, true);
    }

    /// @dev Mints `amount` to `to` without the pipeline or any token-level check (corporate actions such as a
    /// split, where the register is rebuilt from a snapshot).
    function _issueUnchecked(address to, uint256 amount) internal {
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(address(0), to, amount, false);
    }

    /// @dev Burns `amount` of `from`'s tokens without the pipeline; frozen tokens the burn needs are released
    /// (`TokensUnfrozen`).
    function _burnUnchecked(address from, uint256 amount) internal {
        require(from != address(0), ERC20InvalidSender(from));
        _update(from, address(0), amount, false);
    }

    /// @dev Moves `amount` from `from` to `to` without the pipeline, the pause, the stop or freezes (frozen
    /// tokens the move needs are released): escrow into `address(this)` and back. Register, snapshots and
    /// holder count are kept.
    function _moveUnchecked(address from, address to, uint256 amount) internal {
        require(from != address(0), ERC20InvalidSender(from));
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(from, to, amount, false);
    }

    /// @dev Stops (or resumes) transfers, checked mints and the product's payments.
    function _setTransfersStopped(bool stopped) internal {
        uint256 flags = HotFlagsLib.read();
        HotFlagsLib.write(stopped ? flags | _FLAG_STOPPED : flags & ~_FLAG_STOPPED);
        if (stopped) emit TransfersStopped();
        else emit TransfersResumed();
    }

    /// @dev Takes a record-date snapshot: balances and supply as they are now are `balanceOfAt(·, id)` and
    /// `totalSupplyAt(id)` forever. Emits `Snapshot(id)`.
    function _snapshot() internal returns (uint256 id) {
        uint256 flags = HotFlagsLib.read();
        id = ((flags >> _SNAPSHOT_SHIFT) & _MAX_SNAPSHOT_ID) + 1;
        require(id <= _MAX_SNAPSHOT_ID, SecurityTokenSnapshotLimit());
        HotFlagsLib.write((flags & ~(_MAX_SNAPSHOT_ID << _SNAPSHOT_SHIFT)) | (id << _SNAPSHOT_SHIFT));
        emit Snapshot(id);
    }

    /// @dev Schedules a snapshot at time `at` (0: none) in place of the one scheduled before, after taking that one
    /// if it is due (no balance changed since its time, or that change would have taken it). Returns the previous
    /// schedule's time and snapshot id (id 0: it was not due, and is dropped). A record date fixed in advance is
    /// so captured exactly: the snapshot is taken by the first balance change at or after it, whoever acts later.
    function _rescheduleSnapshot(uint256 at) internal returns (uint256 previousAt, uint256 previousId) {
        StorageSlot.Uint256Slot storage slot = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT);
        uint256 hot = slot.value;
        if (hot & _SCHEDULED_BIT != 0) hot = _takeScheduledSnapshot(hot);
        ScheduledSnapshotStorage storage s = _getScheduledSnapshotStorage();
        (previousAt, previousId) = (s.at, s.id);
        (s.at, s.id) = (uint48(at), 0);
        uint256 flagged = at == 0 ? hot & ~_SCHEDULED_BIT : hot | _SCHEDULED_BIT;
        if (flagged != hot) slot.value = flagged;
    }

    /// @dev The one path of every balance change (`from` zero: a mint; `to` zero: a burn; never both). Keeps the
    /// supply equal to the sum of balances (T1), the holder and holding-wallet counts (T2) and the snapshots (T3).
    /// `checked` (transfers and checked mints): refuses while paused (transfers only) or stopped, when either party
    /// is frozen or the sender's balance not frozen is short, and asks the compliance pipeline, storing the memos
    /// it returns in the parties' words. Unchecked changes release frozen tokens they need.
    /// The batch path of net settlement (`_settleNet`) keeps the same invariants with one check per account and
    /// batch. A scheduled snapshot fallen due is taken first (the first change at or after its
    /// time: a bond's record date). The implementation slot is warm (the proxy just read it); `if … revert` (not
    /// `require`) on this hot path.
    function _update(address from, address to, uint256 amount, bool checked) internal {
        uint256 hot = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value;
        if (hot & _SCHEDULED_BIT != 0) hot = _takeScheduledSnapshot(hot);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage fromAccount = $.accounts[from];
        Account storage toAccount = $.accounts[to];
        // The zero address's word is never read nor written (W2). `toEligibility`: `to`'s, if the pipeline read it.
        uint256 fromWord = from == address(0) ? 0 : fromAccount.word;
        uint256 toWord = to == address(0) ? 0 : toAccount.word;
        Eligibility toEligibility;
        if (checked) {
            (fromWord, toWord, toEligibility) = _check(from, fromWord, to, toWord, amount, hot >> HotFlagsLib.SHIFT);
        } else if (from != address(0)) {
            if (fromWord & _BALANCE_MASK < amount)
                revert ERC20InsufficientBalance(from, fromWord & _BALANCE_MASK, amount);
            if (fromWord & _HELD_BIT != 0) _requireUnheld($, from, fromWord, amount);
        }
        if (from == address(0)) _requireSupplyRoom($, amount);
        if (from == to) {
            fromAccount.word = fromWord; // A transfer to oneself moves nothing; the sender's fresh memo is kept.
            emit IERC20.Transfer(from, to, amount);
            return;
        }

        uint256 snapshotId = (hot >> (HotFlagsLib.SHIFT + _SNAPSHOT_SHIFT)) & _MAX_SNAPSHOT_ID;
        // First what the counts in the implementation slot gain (a wallet, and maybe an investor, joining), in the
        // slot's raw layout; then the slot with the counts changed.
        uint256 counts;
        // The recipient first: whether its investor held before is read before the sender's word changes.
        if (to != address(0)) {
            (toWord, counts) = _credit($, to, toWord, amount, snapshotId, fromWord, toEligibility);
            toAccount.word = toWord;
        }
        unchecked {
            // Each count is bounded by the accounts that ever held (far below 2^32): no carry into the next field;
            // the address bits below are untouched.
            counts += hot;
        }
        if (from != address(0)) {
            fromWord = _debit($, from, fromWord, amount, snapshotId, checked);
            fromAccount.word = fromWord;
            if (fromWord & _BALANCE_MASK == 0 && amount != 0 && from != address(this)) {
                counts = _leaving(from, fromWord, toWord, counts);
            }
        }
        if (from == address(0) || to == address(0)) _changeSupply($, from == address(0), amount, snapshotId);
        // Nothing wrote the slot since `hot` was read (or written, by a scheduled snapshot): every call made since
        // (pipeline, store, registry) is static.
        if (counts != hot) StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value = counts;
        emit IERC20.Transfer(from, to, amount);
    }

    /// @dev The checks of a checked change: the token's own (`_ownRestriction`), then the pipeline, told whether
    /// the recipient holds and the holder count (`flags`), both from state this change has read. Returns both words
    /// with the pipeline's fresh memos, and the recipient's eligibility word if the pipeline read it (else zero).
    /// The work is split over small functions so that no call's arguments sink out of the stack's reach, also when
    /// solidity-coverage instruments the code (`npm run coverage`).
    function _check(
        address from,
        uint256 fromWord,
        address to,
        uint256 toWord,
        uint256 amount,
        uint256 flags
    ) private view returns (uint256, uint256, Eligibility) {
        _requireOwn(flags, from, fromWord, to, toWord, amount);
        (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) = _askPipeline(
            from,
            to,
            amount,
            fromWord,
            toWord,
            flags
        );
        return (_withMemo(fromWord, fromMemo), _withMemo(toWord, toMemo), toEligibility);
    }

    /// @dev `ICompliance.checkTransfer` with the parties' memos (their words), whether the recipient holds and the
    /// holder count (`flags`); reverts with `SecurityTokenTransferRestricted` unless it allows.
    function _askPipeline(
        address from,
        address to,
        uint256 amount,
        uint256 fromWord,
        uint256 toWord,
        uint256 flags
    ) private view returns (uint88 fromMemo, uint88 toMemo, Eligibility toEligibility) {
        Restriction code;
        (code, fromMemo, toMemo, toEligibility) = _compliance.checkTransfer(
            from,
            to,
            amount,
            uint88(fromWord >> _MEMO_SHIFT),
            uint88(toWord >> _MEMO_SHIFT),
            _holds(toWord),
            uint32(flags >> _HOLDERS_SHIFT)
        );
        if (code != Restriction.None) revert SecurityTokenTransferRestricted(from, to, amount, code);
    }

    /// @dev `word` with its memo field set to `memo`.
    function _withMemo(uint256 word, uint88 memo) private pure returns (uint256) {
        return (word & ~_MEMO_MASK) | (uint256(memo) << _MEMO_SHIFT);
    }

    /// @dev Reverts, with the error a transfer reverts with, unless the token's own restrictions
    /// (`_ownRestriction`) let `from` move `amount` to `to` (their words given).
    function _requireOwn(
        uint256 flags,
        address from,
        uint256 fromWord,
        address to,
        uint256 toWord,
        uint256 amount
    ) private view {
        Restriction own = _ownRestriction(flags, from, fromWord, toWord, amount);
        if (own != Restriction.None) _revertOwn(own, from, fromWord, to, amount);
    }

    /// @dev The one place that decides the token's own restrictions on moving `amount` from `from` (word
    /// `fromWord`; zero for a mint) to the holder of `toWord`, under the hot flags `flags`, in ERC-1404 order:
    /// paused (not for mints), transfers stopped, sender frozen, recipient frozen, balance not frozen below the
    /// amount. `_update` (checked changes), `detectTransferRestriction` and the fund's redemption requests use it.
    function _ownRestriction(
        uint256 flags,
        address from,
        uint256 fromWord,
        uint256 toWord,
        uint256 amount
    ) internal view returns (Restriction) {
        if (flags & (from == address(0) ? _FLAG_STOPPED : _FLAG_STOPPED | _FLAG_PAUSED) != 0) {
            return
                flags & _FLAG_PAUSED != 0 && from != address(0)
                    ? Restriction.TokenPaused
                    : Restriction.TransfersStopped;
        }
        if ((fromWord | toWord) & _FROZEN_BIT != 0) {
            return fromWord & _FROZEN_BIT != 0 ? Restriction.SenderFrozen : Restriction.RecipientFrozen;
        }
        if (from != address(0) && _unfrozenBalance(from, fromWord) < amount) {
            return Restriction.InsufficientUnfrozenBalance;
        }
        return Restriction.None;
    }

    /// @dev Reverts unless the token's own restrictions (`_ownRestriction`) let `from` move `amount` to `to` now,
    /// with the error a transfer would revert with.
    function _requireOwnAllowed(address from, address to, uint256 amount) internal view {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 fromWord = from == address(0) ? 0 : $.accounts[from].word;
        uint256 toWord = to == address(0) ? 0 : $.accounts[to].word;
        _requireOwn(HotFlagsLib.read(), from, fromWord, to, toWord, amount);
    }

    /// @dev `to`'s word after receiving `amount` (checkpointed first if needed), and the counts' change when its
    /// balance leaves zero: one wallet, and one investor unless a sibling wallet of its investor already holds —
    /// the sender itself (`fromWord`, read before the debit) or another wallet. `eligibility` is `to`'s word if the
    /// pipeline just read it, else zero (read here; an unregistered wallet's word is zero anyway).
    function _credit(
        SecurityTokenStorage storage $,
        address to,
        uint256 word,
        uint256 amount,
        uint256 snapshotId,
        uint256 fromWord,
        Eligibility eligibility
    ) private returns (uint256, uint256 counts) {
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < snapshotId) {
            word = _checkpointBalance($, to, word, snapshotId);
        }
        if (word & _BALANCE_MASK == 0 && amount != 0 && to != address(this)) {
            if (Eligibility.unwrap(eligibility) == 0) eligibility = _eligibilityStore.eligibilityOf(to);
            uint32 index = eligibility.investorIndex();
            word = (word & ~_INDEX_MASK) | (uint256(index) << _INDEX_SHIFT);
            // A sender holding under the same investor (it holds: it sends a non-zero amount) — e.g. a recovery,
            // whose lost wallet the registry no longer lists — or another wallet of the investor.
            bool held =
                index != 0 &&
                    (uint32(fromWord >> _INDEX_SHIFT) == index || _otherWalletHolds($, index, to, eligibility));
            counts = held ? _ONE_WALLET : _ONE_WALLET + _ONE_HOLDER;
        }
        unchecked {
            // balance + amount ≤ supply ≤ 2^104 − 1 (W1; a mint's new supply was checked in `_requireSupplyRoom`):
            // no carry into the memo.
            word += amount;
        }
        return (word, counts);
    }

    /// @dev `from`'s word after sending `amount` (checkpointed first if needed); an unchecked change releases the
    /// frozen tokens it needs.
    function _debit(
        SecurityTokenStorage storage $,
        address from,
        uint256 word,
        uint256 amount,
        uint256 snapshotId,
        bool checked
    ) private returns (uint256) {
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < snapshotId) {
            word = _checkpointBalance($, from, word, snapshotId);
        }
        unchecked {
            // amount ≤ balance (checked by the caller), the word's low 104 bits: no borrow from the other fields.
            word -= amount;
        }
        if (!checked && word & _PARTIAL_BIT != 0) word = _releaseFrozen($, from, word);
        return word;
    }

    /// @dev The implementation slot `counts` once `from`'s balance reached zero (read after every word is
    /// written): less one wallet, and its investor unless another of its wallets still holds — the recipient
    /// (`toWord`, written) or another. Checked, field by field: a count never wraps.
    function _leaving(address from, uint256 word, uint256 toWord, uint256 counts) private view returns (uint256) {
        uint32 index = uint32(word >> _INDEX_SHIFT);
        // The recipient holds (it just received a non-zero amount) under the same investor.
        bool held =
            index != 0 &&
                (uint32(toWord >> _INDEX_SHIFT) == index ||
                    _otherWalletHolds(_getSecurityTokenStorage(), index, from, _eligibilityStore.eligibilityOf(from)));
        return _subtractCounts(counts, held ? _ONE_WALLET : _ONE_WALLET + _ONE_HOLDER);
    }

    /* HOLDS (IHoldable: the settlement engine is the notary) */

    /// @dev Reverts unless the caller is the settlement engine (`msg.sender`: no authority call on the DvP path).
    function _requireEngine() internal view {
        if (msg.sender != _settlementEngine) revert IHoldable.HoldableUnauthorizedEngine(msg.sender);
    }

    /// @dev `IHoldable.placeHold`, the engine checked: the record's checks (`HoldLib.requireNew`), then not paused
    /// nor stopped, `holder` not frozen, `amount` at most its available balance.
    function _placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) internal {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        IHoldable.Hold storage hold = $.holds.requireNew(holdId, holder, amount, expiry);
        uint256 flags = HotFlagsLib.read();
        require(flags & _FLAG_PAUSED == 0, SecurityTokenPaused());
        require(flags & _FLAG_STOPPED == 0, SecurityTokenTransfersStopped());
        Account storage account = $.accounts[holder];
        uint256 word = account.word;
        require(word & _FROZEN_BIT == 0, SecurityTokenAddressFrozen(holder));
        uint256 available = _unfrozenBalance(holder, word);
        require(amount <= available, IHoldable.HoldableInsufficientAvailableBalance(holder, available, amount));
        $.heldTokens[holder] += amount;
        $.totalHeld += amount;
        if (word & _HELD_BIT == 0) account.word = word | _HELD_BIT;
        // amount ≤ available < 2^104 (W1): it fits the record's 128 bits.
        hold.place(holdId, holder, amount, expiry);
    }

    /// @dev `IHoldable.executeHold`, the engine checked: the record's checks and update (`HoldLib.execute`, after
    /// the recipient and amount check these products have always made first), then the holder's held tokens are
    /// lowered and `amount` moves from the holder to `to` through the checked `_update`, as a transfer.
    function _executeHold(bytes32 holdId, address to, uint256 amount) internal {
        require(to != address(0) && amount != 0, IHoldable.HoldableInvalidHold(to, amount));
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        (address holder, uint256 remaining) = $.holds.execute(holdId, to, amount);
        _unhold($, holder, amount);
        _update(holder, to, amount, true);
        emit IHoldable.HoldExecuted(holdId, holder, to, amount, remaining);
    }

    /// @dev `IHoldable.releaseHold` (`HoldLib.release`: the engine any time, anyone once expired); its remaining
    /// amount is available again. Allowed while paused, stopped or frozen: nothing moves.
    function _releaseHold(bytes32 holdId) internal {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        (address holder, uint256 amount) = $.holds.release(holdId, msg.sender == _settlementEngine);
        _unhold($, holder, amount);
    }

    /// @dev `IHoldable.cancelHold` for `reason`, the officer checked; as `_releaseHold` otherwise.
    function _cancelHold(bytes32 holdId, bytes32 reason) internal {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        (address holder, uint256 amount) = $.holds.cancel(holdId, _msgSender(), reason);
        _unhold($, holder, amount);
    }

    /// @dev Lowers `holder`'s held tokens and the total by `amount` (at most its held tokens), clearing its `held`
    /// bit when none remain (W4).
    function _unhold(SecurityTokenStorage storage $, address holder, uint256 amount) private {
        uint256 left = $.heldTokens[holder] - amount;
        $.heldTokens[holder] = left;
        $.totalHeld -= amount;
        if (left == 0) {
            Account storage account = $.accounts[holder];
            account.word &= ~_HELD_BIT;
        }
    }

    /* NET SETTLEMENT (INetSettleable: the settlement engine applies a batch's net changes) */

    /// @dev `INetSettleable.settleNet`, run by the operations module. Refuses (`NetPositionRefused`, position 0 for
    /// the token-wide codes) while paused or stopped; then, before anything moves, every account that takes a role
    /// (received or delivered in a trade, or a non-zero change) must not be frozen. Debits first, in order: each
    /// within the available balance (neither frozen nor held), through `_debit` as a checked transfer's (snapshot
    /// checkpoint, holder accounting when the balance reaches zero); then credits, through `_credit` (a new holder's
    /// investor index cached, the counts as a transfer keeps them), marking each account that starts holding as a
    /// new investor. Last, with every balance final, the pipeline judges every account in its roles in one call
    /// (`ICompliance.checkNetPositions`: the investor cap at the count each new investor joined at, the balance cap
    /// on the final balance) and the memos it changes are stored for the accounts that hold.
    /// Two passes over the positions, not one: a credit must not fund a later debit of the same account, and a new
    /// investor is judged at the holder count after every debit (a seller leaving frees the cap for a buyer listed
    /// before it). The checks of the first pass are made in it, position by position; a refusal it finds is raised
    /// with the precedence of a check pass over every position before any debit (`_netDebits`).
    /// Supply, and so T1, never moves: Σ deltas is zero and every debit takes at most a balance, so every credit
    /// fits (W1).
    function _settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) internal {
        _requireEngine();
        uint256 n = accounts.length;
        require(
            n == deltas.length && n == flags.length,
            INetSettleable.NetLengthMismatch(n, deltas.length, flags.length)
        );
        // The three arrays' data offsets in one word: each is below 2^64, bounded by the call data.
        uint256 at;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            at := or(accounts.offset, or(shl(64, deltas.offset), shl(128, flags.offset)))
        }
        // Σ deltas is summed by the first pass; every refusal that can come before its end sums them first
        // (`_netRequireBalanced`), as the sum was checked before anything else.
        if (n == 0) return;
        StorageSlot.Uint256Slot storage slot = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT);
        uint256 hot = slot.value;
        if (hot & ((_FLAG_PAUSED | _FLAG_STOPPED) << HotFlagsLib.SHIFT) != 0) {
            _netRequireBalanced(at, n);
            bool paused = hot & (_FLAG_PAUSED << HotFlagsLib.SHIFT) != 0;
            _refuseNet(0, accounts[0], deltas[0], paused ? Restriction.TokenPaused : Restriction.TransfersStopped);
        }
        if (hot & _SCHEDULED_BIT != 0) {
            // Its one refusal (`SecurityTokenSnapshotLimit`, at the last id) comes after the sum's.
            if ((hot >> (HotFlagsLib.SHIFT + _SNAPSHOT_SHIFT)) & _MAX_SNAPSHOT_ID == _MAX_SNAPSHOT_ID) {
                _netRequireBalanced(at, n);
            }
            hot = _takeScheduledSnapshot(hot);
        }
        uint256[] memory positions = _netPositions(n);
        (uint256 counts, uint256 refused) = _netDebits(at, n, positions, hot);
        if (refused < n) {
            // Precedence as the sum, then a check pass over every position before any debit: a bad address (or
            // call data the decoder refuses) or a frozen account anywhere wins over a short balance. Reverts at
            // `refused` itself for those, or after it (debits change no freeze: it reads what a check pass before
            // the debits would have).
            _netRequireBalanced(at, n);
            _netRequireUnfrozen(accounts, deltas, flags, refused);
            _refuseNet(refused, accounts[refused], deltas[refused], Restriction.InsufficientUnfrozenBalance);
        }
        int256 sum = _netSumOf(positions);
        require(sum == 0, INetSettleable.NetUnbalanced(sum));
        // The holder count the first new investor joins at (credits raise it only by new investors).
        uint256 holders = uint32(counts >> (HotFlagsLib.SHIFT + _HOLDERS_SHIFT));
        counts = _netCredits(at, n, positions, counts);
        if (counts != hot) slot.value = counts;
        _netAskPipeline(accounts, deltas, holders, positions);
    }

    /// @dev The packed positions' array for `n` positions (`NetPositionLib`), its words left for the first pass to
    /// write, after three words of its own: the call data's head of `ICompliance.checkNetPositions` (selector,
    /// holder count, the array's offset: `_netAskPipeline`), the second of which holds Σ deltas meanwhile
    /// (`_netAdd`), from zero.
    function _netPositions(uint256 n) private pure returns (uint256[] memory positions) {
        // Safe: allocates 3 + 1 + `n` words at the free memory pointer and moves it past them.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore(add(buffer, 0x20), 0)
            positions := add(buffer, 0x60)
            mstore(positions, n)
            mstore(0x40, add(positions, shl(5, add(n, 1))))
        }
    }

    /// @dev Σ deltas so far (`_netPositions`).
    function _netSumOf(uint256[] memory positions) private pure returns (int256 sum) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sum := mload(sub(positions, 0x40))
        }
    }

    /// @dev Adds `delta` to Σ deltas (`_netPositions`), with checked arithmetic (`Panic(0x11)` as `sum += delta`).
    function _netAdd(uint256[] memory positions, int256 delta) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let sum := mload(sub(positions, 0x40))
            let next := add(sum, delta)
            // Overflow iff the sum moved against the sign of `delta`.
            if xor(slt(next, sum), slt(delta, 0)) {
                mstore(0x00, shl(224, 0x4e487b71))
                mstore(0x04, 0x11)
                revert(0x00, 0x24)
            }
            mstore(sub(positions, 0x40), next)
        }
    }

    /// @dev Reverts unless Σ deltas is zero (`NetUnbalanced`), summed afresh: `Panic(0x11)` on overflow, as
    /// `sum += deltas[i]` would. `at` as in `_settleNet`.
    function _netRequireBalanced(uint256 at, uint256 n) private pure {
        int256 sum = _netSum(at, n);
        require(sum == 0, INetSettleable.NetUnbalanced(sum));
    }

    /// @dev Σ deltas, with checked arithmetic (`Panic(0x11)` on overflow, as `sum += deltas[i]` would). `at` as in
    /// `_settleNet`; off the common path (refusals).
    function _netSum(uint256 at, uint256 n) private pure returns (int256 sum) {
        // Safe: reads `n` words from the deltas' data, which the parameters' decoder bounded to the call data.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let deltasAt := and(shr(64, at), 0xffffffffffffffff)
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                let delta := calldataload(add(deltasAt, shl(5, i)))
                let next := add(sum, delta)
                // Overflow iff the sum moved against the sign of `delta`.
                if xor(slt(next, sum), slt(delta, 0)) {
                    mstore(0x00, shl(224, 0x4e487b71))
                    mstore(0x04, 0x11)
                    revert(0x00, 0x24)
                }
                sum := next
            }
        }
    }

    /// @dev Reverts at the first position from `from` on whose account is no holder's address
    /// (`SecurityTokenInvalidAddress`) or, taking a role (`_netRoles`), is frozen; returns if there is none.
    function _netRequireUnfrozen(
        address[] calldata accounts,
        int256[] calldata deltas,
        uint8[] calldata flags,
        uint256 from
    ) private view {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        for (uint256 i = from; i < accounts.length; ++i) {
            address account = accounts[i];
            require(account != address(0) && account != address(this), SecurityTokenInvalidAddress(account));
            uint256 roles = _netRoles(flags[i], deltas[i]);
            if (roles != 0 && $.accounts[account].word & _FROZEN_BIT != 0) {
                _refuseNet(
                    i,
                    account,
                    deltas[i],
                    roles & 2 != 0 ? Restriction.SenderFrozen : Restriction.RecipientFrozen
                );
            }
        }
    }

    /// @dev The first pass, in order: each position's checks, its debit when it loses, and its packed position for
    /// the pipeline (`NetPositionLib`: account, memo, roles) in `positions`. Returns the implementation slot
    /// `counts` (`hot` as read) with the counts of the holders that left, and the first position refused (a bad
    /// address, a frozen account taking a role, a loss beyond the available balance), or `n`.
    /// A plain position is applied inline: a valid holder's address, not frozen, and for a debit an account with
    /// nothing frozen nor held, no checkpoint due, that keeps a balance (no holder accounting). Any other goes
    /// through `_netDebit`, in Solidity. Every delta is added to Σ deltas (`_netAdd`) in order. A position the
    /// decoder would refuse (a dirty address or flag) is returned as refused, for `_settleNet` to revert as it would.
    // solhint-disable-next-line function-max-lines
    function _netDebits(
        uint256 at,
        uint256 n,
        uint256[] memory positions,
        uint256 counts
    ) private returns (uint256, uint256 i) {
        address engine = _settlementEngine;
        for (; i < n; ++i) {
            // Inline assembly: the plain positions from `i` on, stopping at the first that is not (nothing of it
            // applied). Safe: reads word `i` < `n` of each array's data, which the parameters' decoder bounded to the
            // call data; a dirty address or flag is left to `_netPositionAt`, which reverts as the decoder's
            // validation does; writes `positions[i]` (`n` words allocated), its account's word and a `Transfer`
            // exactly as `_netDebit` would; scratch slots 0x00–0x3f hold the mapping key and the event's data.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // The accounts mapping's slot, the second half of every key (nothing in the loop writes 0x20).
                mstore(0x20, _STORAGE_LOCATION)
                for {} lt(i, n) {
                    i := add(i, 1)
                } {
                    let offset := shl(5, i)
                    let account := calldataload(add(and(at, 0xffffffffffffffff), offset))
                    let delta := calldataload(add(and(shr(64, at), 0xffffffffffffffff), offset))
                    let roles := calldataload(add(shr(128, at), offset))
                    // A dirty address or flag, the zero address, the token itself: `_netDebit` (nothing added yet).
                    if or(or(shr(160, account), gt(roles, 0xff)), or(iszero(account), eq(account, address()))) {
                        break
                    }
                    // Σ deltas would overflow (`_netAdd` panics): before anything of the position is applied.
                    {
                        let sum := mload(sub(positions, 0x40))
                        if xor(slt(add(sum, delta), sum), slt(delta, 0)) {
                            break
                        }
                    }
                    // `_netRoles`: the flags' two bits, recipient if it gains, sender if it loses.
                    roles := or(and(roles, 3), or(sgt(delta, 0), shl(1, slt(delta, 0))))
                    mstore(0x00, account)
                    let slot := keccak256(0x00, 0x40)
                    let word := sload(slot)
                    // Frozen (bit 248) while taking a role.
                    if and(iszero(iszero(roles)), shr(248, and(word, shl(248, 1)))) {
                        break
                    }
                    if slt(delta, 0) {
                        // |delta| (2^255 for type(int256).min).
                        let amount := sub(0, delta)
                        // Plain: neither partial nor held (bits 249, 250), a balance (bits 0–103) above the amount,
                        // and its last snapshot (bits 224–247) the current one (the id in bits 168–191 of `counts`).
                        if or(
                            or(and(word, shl(249, 3)), iszero(gt(and(word, 0xffffffffffffffffffffffffff), amount))),
                            lt(and(shr(224, word), 0xffffff), and(shr(168, counts), 0xffffff))
                        ) {
                            break
                        }
                        // amount < balance, the word's low 104 bits: no borrow from the other fields.
                        word := sub(word, amount)
                        sstore(slot, word)
                        mstore(0x00, amount)
                        log3(0x00, 0x20, _TRANSFER_TOPIC, account, engine)
                    }
                    // The memo (bits 104–191) moves to bits 160–247; the roles to 248–249.
                    mstore(
                        add(add(positions, 0x20), offset),
                        or(or(account, shl(56, and(word, shl(104, 0xffffffffffffffffffffff)))), shl(248, roles))
                    )
                    // The position is applied: its delta joins Σ deltas (checked above).
                    mstore(sub(positions, 0x40), add(mload(sub(positions, 0x40)), delta))
                }
            }
            if (i == n) break;
            bool refused;
            (counts, refused) = _netDebitAt(at, i, positions, counts);
            if (refused) return (counts, i);
        }
        return (counts, n);
    }

    /// @dev Position `i` of the first pass that is not plain: refused when the decoder would refuse it (nothing
    /// added), else its delta added to Σ deltas (a plain position whose delta overflows the sum comes here too:
    /// this panics, as it should) and `_netDebit`'s outcome, its packed position written.
    function _netDebitAt(
        uint256 at,
        uint256 i,
        uint256[] memory positions,
        uint256 counts
    ) private returns (uint256, bool refused) {
        (address account, int256 delta, uint8 flag, bool dirty) = _netPositionAt(at, i);
        if (dirty) return (counts, true);
        _netAdd(positions, delta);
        (positions[i], counts, refused) = _netDebit(account, delta, flag, counts);
        return (counts, refused);
    }

    /// @dev Position `i` of the arrays at `at` (as in `_settleNet`), and whether the parameters' decoder would refuse
    /// it (`dirty`: an address or a flag with dirty bits).
    function _netPositionAt(
        uint256 at,
        uint256 i
    ) private pure returns (address account, int256 delta, uint8 flag, bool dirty) {
        // Safe: `i` < the arrays' length, whose data the parameters' decoder bounded to the call data.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let offset := shl(5, i)
            account := calldataload(add(and(at, 0xffffffffffffffff), offset))
            delta := calldataload(add(and(shr(64, at), 0xffffffffffffffff), offset))
            flag := calldataload(add(shr(128, at), offset))
            dirty := or(shr(160, account), gt(flag, 0xff))
        }
    }

    /// @dev One position of the first pass that is not plain: returns `refused` for a bad address (its word is not
    /// read: W2), a frozen account taking a role (`_netRoles`), or a loss beyond its available balance (neither
    /// frozen nor held); else debits it as a checked transfer's sender (`_debit`: snapshot checkpoint; holder
    /// accounting in `counts`, the implementation slot, when the balance reaches zero). Returns its packed position
    /// (`NetPositionLib`: account, memo, roles).
    function _netDebit(
        address account,
        int256 delta,
        uint8 flag,
        uint256 counts
    ) private returns (uint256 position, uint256, bool refused) {
        if (account == address(0) || account == address(this)) return (0, counts, true);
        uint256 roles = _netRoles(flag, delta);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 word = acct.word;
        if (roles != 0 && word & _FROZEN_BIT != 0) return (0, counts, true);
        if (delta < 0) {
            // |delta| without negating type(int256).min.
            uint256 amount = uint256(-(delta + 1)) + 1;
            if (_unfrozenBalance(account, word) < amount) return (0, counts, true);
            // `counts` carries the snapshot id of `hot` (only the count fields change).
            uint256 snapshotId = (counts >> (HotFlagsLib.SHIFT + _SNAPSHOT_SHIFT)) & _MAX_SNAPSHOT_ID;
            word = _debit($, account, word, amount, snapshotId, true);
            acct.word = word;
            if (word & _BALANCE_MASK == 0) counts = _leaving(account, word, 0, counts);
            emit IERC20.Transfer(account, _settlementEngine, amount);
        }
        position =
            uint256(uint160(account)) |
            ((word & _MEMO_MASK) << (NetPositionLib.MEMO_SHIFT - _MEMO_SHIFT)) |
            (roles << NetPositionLib.ROLES_SHIFT);
        return (position, counts, false);
    }

    /// @dev The second pass: the credits in order, as a transfer's recipient (every position passed the first). A
    /// plain credit, to an account that holds with no checkpoint due, is applied inline; any other goes through
    /// `_netCredit`. Marks in `positions` each account that started holding as a new investor, and returns `counts`
    /// with the joins.
    function _netCredits(uint256 at, uint256 n, uint256[] memory positions, uint256 counts) private returns (uint256) {
        address engine = _settlementEngine;
        for (uint256 i; i < n; ++i) {
            // Inline assembly: the plain credits and the positions that are not credits from `i` on, stopping at
            // the first credit that is not plain (nothing of it applied). Safe: reads word `i` < `n` of the
            // accounts' and deltas' data, bounded by the parameters' decoder (the first pass validated every
            // address); writes the account's word and a `Transfer` exactly as `_netCredit` would; scratch slots
            // 0x00–0x3f hold the mapping key and the event's data.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // As in `_netDebits`: the mapping's slot once, the deltas' data offset once.
                mstore(0x20, _STORAGE_LOCATION)
                let deltasAt := and(shr(64, at), 0xffffffffffffffff)
                for {} lt(i, n) {
                    i := add(i, 1)
                } {
                    let delta := calldataload(add(deltasAt, shl(5, i)))
                    if sgt(delta, 0) {
                        let account := calldataload(add(and(at, 0xffffffffffffffff), shl(5, i)))
                        mstore(0x00, account)
                        let slot := keccak256(0x00, 0x40)
                        let word := sload(slot)
                        // Plain: a balance (bits 0–103), and its last snapshot (bits 224–247) the current one.
                        if or(
                            iszero(and(word, 0xffffffffffffffffffffffffff)),
                            lt(and(shr(224, word), 0xffffff), and(shr(168, counts), 0xffffff))
                        ) {
                            break
                        }
                        // balance + delta ≤ supply ≤ 2^104 − 1 (W1): no carry into the memo.
                        sstore(slot, add(word, delta))
                        mstore(0x00, delta)
                        log3(0x00, 0x20, _TRANSFER_TOPIC, engine, account)
                    }
                }
            }
            if (i == n) break;
            (address account, int256 delta, , ) = _netPositionAt(at, i);
            uint256 change = _netCredit(account, uint256(delta), counts);
            if (change & _ONE_HOLDER != 0) positions[i] |= NetPositionLib.NEW_INVESTOR;
            unchecked {
                // As in `_update`: each count is bounded by the accounts that ever held, far below 2^32.
                counts += change;
            }
        }
        return counts;
    }

    /// @dev A credit of the second pass that is not plain, through `_credit` (checkpoint, a new holder's investor
    /// index cached, the counts' change returned).
    function _netCredit(address account, uint256 amount, uint256 counts) private returns (uint256 change) {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 snapshotId = (counts >> (HotFlagsLib.SHIFT + _SNAPSHOT_SHIFT)) & _MAX_SNAPSHOT_ID;
        uint256 word;
        (word, change) = _credit($, account, acct.word, amount, snapshotId, 0, Eligibility.wrap(0));
        acct.word = word;
        emit IERC20.Transfer(_settlementEngine, account, amount);
    }

    /// @dev Asks the pipeline about every account in its roles, balances final, in one call
    /// (`ICompliance.checkNetPositions`, `holders` the holder count after the debits); stores each memo it changes
    /// when the account holds (one holding nothing is judged afresh next time).
    function _netAskPipeline(
        address[] calldata accounts,
        int256[] calldata deltas,
        uint256 holders,
        uint256[] memory positions
    ) private {
        uint256 code;
        uint256 index;
        uint256 memos;
        // Inline assembly: the call with its data built in place, in the three words `_netPositions` left before
        // the array (selector, `holders`, the array's offset), instead of an ABI-encoded copy of the array; a
        // revert is bubbled up as a call's is. Safe: writes only those words and, for the return data, memory at
        // the free memory pointer, which it then allocates; the return data is checked as the decoder checks it
        // (its head, the list's offset and length within it, else a revert with no data); the pipeline is a
        // contract (the constructor called it).
        bytes4 selector = ICompliance.checkNetPositions.selector;
        address compliance = address(_compliance);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let buffer := sub(positions, 0x60)
            mstore(buffer, shr(224, selector))
            mstore(add(buffer, 0x20), holders)
            mstore(add(buffer, 0x40), 0x40)
            let ok := staticcall(gas(), compliance, add(buffer, 0x1c), add(0x64, shl(5, mload(positions))), 0, 0)
            let size := returndatasize()
            let data := mload(0x40)
            returndatacopy(data, 0, size)
            if iszero(ok) {
                revert(data, size)
            }
            let offset := mload(add(data, 0x40))
            // The head, the list's offset and length within the return data, and a code that fits a uint8.
            if or(lt(size, 0x60), or(gt(mload(data), 0xff), gt(offset, sub(size, 0x20)))) {
                revert(0, 0)
            }
            memos := add(data, offset)
            if gt(mload(memos), shr(5, sub(sub(size, offset), 0x20))) {
                revert(0, 0)
            }
            code := mload(data)
            index := mload(add(data, 0x20))
            mstore(0x40, add(data, and(add(size, 0x1f), not(0x1f))))
        }
        if (code != 0) _refuseNet(index, accounts[index], deltas[index], Restriction(uint8(code)));
        _netStoreMemos(accounts, memos);
    }

    /// @dev Stores each memo of the pipeline's list at `memos` (memory: its length, then `index << 88 | memo`
    /// entries) in its account's word, when the account holds.
    function _netStoreMemos(address[] calldata accounts, uint256 memos) private {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 count;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            count := mload(memos)
        }
        for (uint256 k; k < count; ++k) {
            uint256 entry;
            // Safe: `k` < the list's length, which `_netAskPipeline` checked against the return data copied.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                entry := mload(add(memos, shl(5, add(k, 1))))
            }
            Account storage acct = $.accounts[accounts[entry >> NetPositionLib.INDEX_SHIFT]];
            uint256 word = acct.word;
            if (_holds(word)) acct.word = _withMemo(word, uint88(entry));
        }
    }

    /// @dev The roles of a net position: bit 0 recipient (it received in a trade, or gains), bit 1 sender (it
    /// delivered, or loses).
    function _netRoles(uint8 flags, int256 delta) private pure returns (uint256 roles) {
        roles = flags & 3;
        if (delta > 0) roles |= 1;
        if (delta < 0) roles |= 2;
    }

    /// @dev Reverts with `NetPositionRefused` for position `i`.
    function _refuseNet(uint256 i, address account, int256 delta, Restriction code) private pure {
        revert INetSettleable.NetPositionRefused(i, account, delta, uint8(code));
    }

    /* INTERNALS */

    /// @dev Takes the scheduled snapshot if its time has come, as `_snapshot` would; `hot` is the raw
    /// implementation slot, returned as written (the new id, the scheduled flag cleared).
    function _takeScheduledSnapshot(uint256 hot) private returns (uint256) {
        ScheduledSnapshotStorage storage s = _getScheduledSnapshotStorage();
        if (block.timestamp < s.at) return hot;
        uint256 shift = HotFlagsLib.SHIFT + _SNAPSHOT_SHIFT;
        uint256 id = ((hot >> shift) & _MAX_SNAPSHOT_ID) + 1;
        if (id > _MAX_SNAPSHOT_ID) revert SecurityTokenSnapshotLimit();
        s.id = uint24(id);
        hot = (hot & ~((_MAX_SNAPSHOT_ID << shift) | _SCHEDULED_BIT)) | (id << shift);
        StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value = hot;
        emit Snapshot(id);
        return hot;
    }

    function _getScheduledSnapshotStorage() private pure returns (ScheduledSnapshotStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _SCHEDULED_SNAPSHOT_LOCATION
        }
    }

    /// @dev Caps `account`'s frozen tokens at its new balance (in `word`) less its held tokens, emitting
    /// `TokensUnfrozen` for the released amount; clears the partial bit when nothing stays frozen.
    function _releaseFrozen(SecurityTokenStorage storage $, address account, uint256 word) private returns (uint256) {
        // held ≤ the new balance: an unchecked change never takes held units (`_requireUnheld`).
        uint256 free = (word & _BALANCE_MASK) - (word & _HELD_BIT != 0 ? $.heldTokens[account] : 0);
        uint256 frozen = $.frozenTokens[account];
        if (frozen <= free) return word;
        $.frozenTokens[account] = free;
        emit TokensUnfrozen(account, frozen - free);
        return free == 0 ? word & ~_PARTIAL_BIT : word;
    }

    /// @dev Reverts unless an unchecked change may take `amount` of `from`'s balance (in `word`, at least
    /// `amount`): never its held units.
    function _requireUnheld(SecurityTokenStorage storage $, address from, uint256 word, uint256 amount) private view {
        // held ≤ balance (W4).
        uint256 unheld = (word & _BALANCE_MASK) - $.heldTokens[from];
        if (unheld < amount) revert IHoldable.HoldableInsufficientAvailableBalance(from, unheld, amount);
    }

    /// @dev Reverts unless minting `amount` keeps the supply within 2^104 − 1 (W1).
    function _requireSupplyRoom(SecurityTokenStorage storage $, uint256 amount) private view {
        uint256 supply = $.supply & _BALANCE_MASK;
        if (amount > _BALANCE_MASK - supply) {
            revert SecurityTokenSupplyCapExceeded(Math.saturatingAdd(supply, amount), _BALANCE_MASK);
        }
    }

    /// @dev Checkpoints the supply for the current snapshot if needed, and adds (`isMint`) or subtracts `amount`.
    function _changeSupply(SecurityTokenStorage storage $, bool isMint, uint256 amount, uint256 snapshotId) private {
        uint256 word = $.supply;
        if ((word & _SUPPLY_SNAPSHOT_MASK) >> _SUPPLY_SNAPSHOT_SHIFT < snapshotId) {
            $.supplyCheckpoints.push(uint48(snapshotId), uint208(word & _BALANCE_MASK));
            word = (word & ~_SUPPLY_SNAPSHOT_MASK) | (snapshotId << _SUPPLY_SNAPSHOT_SHIFT);
        }
        unchecked {
            // A mint stays within 2^104 − 1 (`_requireSupplyRoom`); a burn takes at most a balance, itself at most
            // the supply.
            $.supply = isMint ? word + amount : word - amount;
        }
    }

    /// @dev Records `account`'s balance for snapshot `snapshotId` (its first change since that snapshot) and marks
    /// the word (W3).
    function _checkpointBalance(
        SecurityTokenStorage storage $,
        address account,
        uint256 word,
        uint256 snapshotId
    ) private returns (uint256) {
        $.balanceCheckpoints[account].push(uint48(snapshotId), uint208(word & _BALANCE_MASK));
        return (word & ~_LAST_SNAPSHOT_MASK) | (snapshotId << _LAST_SNAPSHOT_SHIFT);
    }

    /// @dev `counts` (the implementation slot, raw) less `change` (one wallet, maybe one investor, in the same
    /// layout), field by field with checked arithmetic: a count never wraps (T2 makes the check unreachable).
    function _subtractCounts(uint256 counts, uint256 change) private pure returns (uint256) {
        uint256 holders =
            uint32(counts >> (HotFlagsLib.SHIFT + _HOLDERS_SHIFT)) -
                uint32(change >> (HotFlagsLib.SHIFT + _HOLDERS_SHIFT));
        uint256 wallets =
            uint32(counts >> (HotFlagsLib.SHIFT + _WALLETS_SHIFT)) -
                uint32(change >> (HotFlagsLib.SHIFT + _WALLETS_SHIFT));
        uint256 fields =
            (uint256(type(uint32).max) << (HotFlagsLib.SHIFT + _HOLDERS_SHIFT)) |
                (uint256(type(uint32).max) << (HotFlagsLib.SHIFT + _WALLETS_SHIFT));
        return
            (counts & ~fields) |
            (holders << (HotFlagsLib.SHIFT + _HOLDERS_SHIFT)) |
            (wallets << (HotFlagsLib.SHIFT + _WALLETS_SHIFT));
    }

    /// @dev Whether a wallet other than `wallet`, cached with investor `index`, holds a balance. Index 0 (a wallet
    /// not registered when it started holding) is an investor of its own. `eligibility` is `wallet`'s word now.
    function _otherWalletHolds(
        SecurityTokenStorage storage $,
        uint32 index,
        address wallet,
        Eligibility eligibility
    ) private view returns (bool) {
        if (index == 0) return false;
        // `wallet` is linked to `index` now and the index has only ever had one wallet: no sibling can hold.
        if (eligibility.investorIndex() == index && _isSoleWallet(eligibility)) return false;
        // Every wallet that can be cached with `index` is in the index's history (see "Holder accounting").
        address[] memory wallets = _identityRegistry.walletHistoryOf(index);
        for (uint256 i; i < wallets.length; ++i) {
            address other = wallets[i];
            if (other == wallet) continue;
            uint256 otherWord = $.accounts[other].word;
            if (_holds(otherWord) && uint32(otherWord >> _INDEX_SHIFT) == index) return true;
        }
        return false;
    }

    /// @dev Whether the index of a registered wallet's eligibility `word` has only ever had that wallet (the word's
    /// wallet count, which never decreases): lets the holder accounting and `investorBalanceOf` skip the registry.
    function _isSoleWallet(Eligibility word) internal pure returns (bool) {
        return word.walletCount() == 1;
    }

    /// @dev Whether the account with balance word `word` holds a balance.
    function _holds(uint256 word) internal pure returns (bool) {
        return word & _BALANCE_MASK != 0;
    }

    /// @dev `from`'s balance (in `word`) neither frozen nor held — its available balance (frozen + held ≤
    /// balance, W4). One mask tests both bits: an account with neither costs what it cost before holds existed.
    function _unfrozenBalance(address from, uint256 word) internal view returns (uint256 available) {
        available = word & _BALANCE_MASK;
        if (word & (_PARTIAL_BIT | _HELD_BIT) == 0) return available;
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        if (word & _PARTIAL_BIT != 0) available -= $.frozenTokens[from];
        if (word & _HELD_BIT != 0) available -= $.heldTokens[from];
    }

    /// @dev Reverts with the error of the token's own restriction `code` (`_ownRestriction`).
    function _revertOwn(Restriction code, address from, uint256 fromWord, address to, uint256 amount) private view {
        if (code == Restriction.TokenPaused) revert SecurityTokenPaused();
        if (code == Restriction.TransfersStopped) revert SecurityTokenTransfersStopped();
        if (code == Restriction.SenderFrozen) revert SecurityTokenAddressFrozen(from);
        if (code == Restriction.RecipientFrozen) revert SecurityTokenAddressFrozen(to);
        uint256 balance = fromWord & _BALANCE_MASK;
        if (balance < amount) revert ERC20InsufficientBalance(from, balance, amount);
        revert SecurityTokenInsufficientUnfrozenBalance(from, _unfrozenBalance(from, fromWord), amount);
    }

    function _getSecurityTokenStorage() internal pure returns (SecurityTokenStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
