// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IAllianceAuthority} from "../interfaces/access/IAllianceAuthority.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IDisclosureSupervisor} from "../interfaces/compliance/IDisclosureSupervisor.sol";
import {IERC1643} from "../interfaces/tokens/IERC1643.sol";
import {ISecurityToken} from "../interfaces/tokens/ISecurityToken.sol";
import {ProductType} from "../types/ProductType.sol";

/// @title DisclosureSupervisor
/// @notice Disclosure calendars of the alliance's securities and their supervision (`IDisclosureSupervisor`):
/// venues set obligations, anyone records filings and flags overdue obligations, and an overdue halting obligation
/// halts trading through the asset's compliance pipeline until the filing arrives.
/// @dev Invariants D1–D5 are listed on `IDisclosureSupervisor`.
/// Why this contract holds REGULATOR: the pipeline's unbounded halt (`ICompliance.imposeHalt`) and its lift
/// (`liftHalt`) are REGULATOR functions, and a disclosure halt lasts until the filing, longer than a venue's halt
/// may. config/roles.ts grants REGULATOR to this contract (outside the member registry: it is no member, and
/// suspending it is revoking the grant). What bounds it is this code: `_halt` is its only call of `imposeHalt`,
/// reached only from `flagOverdue` for an overdue halting obligation while no halt is in force; `_liftIfCleared`
/// is its only call of `liftHalt`, reached only when the halt in force was set by this contract and no halting
/// obligation of the asset is overdue. It calls no other restricted function.
/// Each asset's pipeline is the one the asset names (`ISecurityToken.compliance()`), read on every call: an asset
/// moved to a successor pipeline is supervised there.
/// @dev Upgrades: UUPS, `upgradeToAndCall` restricted (UPGRADER in `config/roles.ts`). Storage is ERC-7201
/// namespaced under `assetledger.storage.DisclosureSupervisor`.
contract DisclosureSupervisor is Initializable, UUPSUpgradeable, AccessManagedUpgradeable, IDisclosureSupervisor {
    /// @inheritdoc IDisclosureSupervisor
    uint256 public constant MAX_OBLIGATIONS = 16;
    /// @inheritdoc IDisclosureSupervisor
    uint32 public constant MAX_GRACE_PERIOD = 180 days;
    /// @inheritdoc IDisclosureSupervisor
    uint32 public constant MAX_PERIOD = 5 * 365 days;
    /// @inheritdoc IDisclosureSupervisor
    uint32 public constant MAX_DUE_HORIZON = 10 * 365 days;

    /// @dev One obligation in two slots: the document name, then the schedule.
    struct StoredObligation {
        bytes32 documentName;
        uint48 dueAt;
        uint32 gracePeriod;
        uint32 period;
        uint48 windowOpensAt;
        uint48 fulfilledAt;
        bool halts;
        ObligationKind kind;
    }

    /// @dev One asset's calendar: its obligations' ids, and the last id given (ids are never reused).
    struct Calendar {
        uint32 lastId;
        uint32[] ids;
        mapping(uint32 id => StoredObligation) obligations;
    }

    /// @custom:storage-location erc7201:assetledger.storage.DisclosureSupervisor
    struct DisclosureSupervisorStorage {
        mapping(address asset => Calendar) calendars;
    }

    // solhint-disable-next-line max-line-length
    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.DisclosureSupervisor")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT = 0x6f299f93acdf0cecabcdc6a329c1640a1e3849116d28864ec29174ca5a0aa300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the alliance authority that governs the supervisor (and answers which assets exist and which
    /// members are suspended).
    /// @param initialAuthority The alliance's AccessManager; it must grant this contract REGULATOR before halting
    /// obligations can halt.
    function initialize(address initialAuthority) external initializer {
        require(initialAuthority.code.length != 0, AccessManagedInvalidAuthority(initialAuthority));
        __AccessManaged_init(initialAuthority);
    }

    /* CALENDARS */

    /// @inheritdoc IDisclosureSupervisor
    function addObligation(address asset, ObligationTerms calldata terms) external restricted returns (uint32 id) {
        _requireVenue(asset);
        require(terms.documentName != bytes32(0), DisclosureSupervisorEmptyDocumentName());
        bool periodic = terms.kind == ObligationKind.Periodic;
        require(
            periodic ? terms.period != 0 && terms.period <= MAX_PERIOD : terms.period == 0,
            DisclosureSupervisorInvalidPeriod(terms.kind, terms.period, MAX_PERIOD)
        );
        _checkSchedule(terms.dueAt, terms.gracePeriod, terms.period);
        Calendar storage calendar = _storage().calendars[asset];
        require(calendar.ids.length < MAX_OBLIGATIONS, DisclosureSupervisorTooManyObligations(asset, MAX_OBLIGATIONS));
        id = calendar.lastId + 1;
        calendar.lastId = id;
        calendar.ids.push(id);
        calendar.obligations[id] = StoredObligation({
            documentName: terms.documentName,
            dueAt: terms.dueAt,
            gracePeriod: terms.gracePeriod,
            period: terms.period,
            windowOpensAt: Time.timestamp(),
            fulfilledAt: 0,
            halts: terms.halts,
            kind: terms.kind
        });
        emit ObligationAdded(asset, id, msg.sender, terms);
    }

    /// @inheritdoc IDisclosureSupervisor
    function amendObligation(
        address asset,
        uint32 id,
        uint48 dueAt,
        uint32 gracePeriod,
        bool halts
    ) external restricted {
        ICompliance compliance = _requireVenue(asset);
        StoredObligation storage obligation = _obligation(asset, id);
        require(
            obligation.fulfilledAt == 0 || obligation.kind == ObligationKind.Periodic,
            DisclosureSupervisorAlreadyFulfilled(asset, id, obligation.fulfilledAt)
        );
        _checkSchedule(dueAt, gracePeriod, obligation.period);
        obligation.dueAt = dueAt;
        obligation.gracePeriod = gracePeriod;
        obligation.halts = halts;
        emit ObligationAmended(asset, id, msg.sender, dueAt, gracePeriod, halts);
        _liftIfCleared(asset, id, compliance);
    }

    /// @inheritdoc IDisclosureSupervisor
    function removeObligation(address asset, uint32 id) external restricted {
        ICompliance compliance = _requireVenue(asset);
        _obligation(asset, id);
        Calendar storage calendar = _storage().calendars[asset];
        uint32[] storage ids = calendar.ids;
        uint256 last = ids.length - 1;
        for (uint256 i; i <= last; ++i) {
            if (ids[i] != id) continue;
            ids[i] = ids[last];
            ids.pop();
            break;
        }
        delete calendar.obligations[id];
        emit ObligationRemoved(asset, id, msg.sender);
        _liftIfCleared(asset, id, compliance);
    }

    /* SUPERVISION */

    /// @inheritdoc IDisclosureSupervisor
    function recordFiling(address asset, uint32 id) external {
        StoredObligation storage obligation = _obligation(asset, id);
        bool periodic = obligation.kind == ObligationKind.Periodic;
        require(
            periodic || obligation.fulfilledAt == 0,
            DisclosureSupervisorAlreadyFulfilled(asset, id, obligation.fulfilledAt)
        );
        bytes32 name = obligation.documentName;
        (, bytes32 documentHash, uint256 lastModified) = IERC1643(asset).getDocument(name);
        require(lastModified != 0, DisclosureSupervisorDocumentMissing(asset, name));
        uint48 windowOpensAt = obligation.windowOpensAt;
        require(
            lastModified > windowOpensAt && lastModified <= block.timestamp,
            DisclosureSupervisorFilingOutsideWindow(asset, id, lastModified, windowOpensAt)
        );
        uint48 nextDueAt;
        if (periodic) {
            uint48 dueAt = obligation.dueAt;
            // `lastModified <= block.timestamp`, which fits in 48 bits (checked above).
            uint48 modifiedAt = uint48(lastModified);
            obligation.windowOpensAt = modifiedAt > dueAt ? modifiedAt : dueAt;
            // Checked: due dates stay below now + MAX_DUE_HORIZON + k × MAX_PERIOD, far below 2^48.
            nextDueAt = dueAt + obligation.period;
            obligation.dueAt = nextDueAt;
        }
        obligation.fulfilledAt = Time.timestamp();
        emit DisclosureFiled(asset, id, name, documentHash, lastModified, nextDueAt);
        if (obligation.halts) _liftIfCleared(asset, id, _complianceOf(asset));
    }

    /// @inheritdoc IDisclosureSupervisor
    function flagOverdue(address asset, uint32 id) external {
        StoredObligation storage obligation = _obligation(asset, id);
        uint48 graceEndsAt = _graceEndsAt(obligation);
        require(_isOverdue(obligation), DisclosureSupervisorNotOverdue(asset, id, graceEndsAt));
        emit DisclosureOverdue(asset, id, obligation.documentName, obligation.dueAt, graceEndsAt);
        if (!obligation.halts) return;
        ICompliance compliance = _complianceOf(asset);
        (uint48 until, ) = compliance.haltOf(asset);
        // A halt in force — the supervisor's own, a regulator's or a venue's — is never replaced (D3).
        if (until != 0) return;
        emit DisclosureHaltImposed(asset, id);
        compliance.imposeHalt(asset, type(uint48).max, obligation.documentName);
    }

    /* VIEWS */

    /// @inheritdoc IDisclosureSupervisor
    function isOverdue(address asset, uint32 id) external view returns (bool) {
        return _isOverdue(_obligation(asset, id));
    }

    /// @inheritdoc IDisclosureSupervisor
    function obligationOf(address asset, uint32 id) external view returns (Obligation memory) {
        return _view(id, _obligation(asset, id));
    }

    /// @inheritdoc IDisclosureSupervisor
    function obligationsOf(address asset) external view returns (Obligation[] memory list) {
        Calendar storage calendar = _storage().calendars[asset];
        uint256 count = calendar.ids.length;
        list = new Obligation[](count);
        for (uint256 i; i < count; ++i) {
            uint32 id = calendar.ids[i];
            list[i] = _view(id, calendar.obligations[id]);
        }
    }

    /// @inheritdoc IDisclosureSupervisor
    function overdueOf(address asset) external view returns (Obligation[] memory list) {
        Calendar storage calendar = _storage().calendars[asset];
        uint256 count = calendar.ids.length;
        uint256 found;
        for (uint256 i; i < count; ++i) {
            if (_isOverdue(calendar.obligations[calendar.ids[i]])) ++found;
        }
        list = new Obligation[](found);
        found = 0;
        for (uint256 i; i < count; ++i) {
            uint32 id = calendar.ids[i];
            StoredObligation storage obligation = calendar.obligations[id];
            if (_isOverdue(obligation)) list[found++] = _view(id, obligation);
        }
    }

    /* INTERNAL */

    /// @dev Upgrades are restricted by the authority (UPGRADER in `config/roles.ts`).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    /// @dev Reverts unless `asset` is a registered security, the caller is not a suspended member and is a venue
    /// of `asset` on the asset's pipeline, which it returns.
    function _requireVenue(address asset) private view returns (ICompliance compliance) {
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        ProductType productType = authority_.productOf(asset);
        require(productType != ProductType.None, DisclosureSupervisorUnknownAsset(asset));
        require(
            productType != ProductType.CommodityReceipt && productType != ProductType.LoyaltyCredit,
            DisclosureSupervisorUnsupportedAsset(asset, productType)
        );
        require(!authority_.isMemberSuspended(msg.sender), DisclosureSupervisorSuspendedMember(msg.sender));
        compliance = _complianceOf(asset);
        require(compliance.isVenue(asset, msg.sender), DisclosureSupervisorNotVenue(asset, msg.sender));
    }

    /// @dev Reverts unless `dueAt` is in the future and within the horizon, and `gracePeriod` fits.
    function _checkSchedule(uint48 dueAt, uint32 gracePeriod, uint32 period) private view {
        require(dueAt > block.timestamp, DisclosureSupervisorDueDateInPast(dueAt, block.timestamp));
        uint256 latest = block.timestamp + MAX_DUE_HORIZON;
        require(dueAt <= latest, DisclosureSupervisorDueDateTooFar(dueAt, latest));
        // A periodic obligation's grace ends before its next period's due date.
        uint32 maxGrace = period != 0 && period <= MAX_GRACE_PERIOD ? period - 1 : MAX_GRACE_PERIOD;
        require(gracePeriod <= maxGrace, DisclosureSupervisorGraceTooLong(gracePeriod, maxGrace));
    }

    /// @dev Lifts the halt in force on `asset` when this contract set it and no halting obligation of the asset is
    /// overdue (D2, D3); `id` names the obligation whose change allowed it.
    function _liftIfCleared(address asset, uint32 id, ICompliance compliance) private {
        (uint48 until, address by) = compliance.haltOf(asset);
        if (until == 0 || by != address(this)) return;
        Calendar storage calendar = _storage().calendars[asset];
        uint256 count = calendar.ids.length;
        for (uint256 i; i < count; ++i) {
            StoredObligation storage obligation = calendar.obligations[calendar.ids[i]];
            if (obligation.halts && _isOverdue(obligation)) return;
        }
        emit DisclosureHaltLifted(asset, id);
        compliance.liftHalt(asset);
    }

    /// @dev The pipeline `asset` names (read on every call: an asset may be moved to a successor pipeline).
    function _complianceOf(address asset) private view returns (ICompliance) {
        return ISecurityToken(asset).compliance();
    }

    /// @dev Obligation `id` of `asset`, which must exist.
    function _obligation(address asset, uint32 id) private view returns (StoredObligation storage obligation) {
        obligation = _storage().calendars[asset].obligations[id];
        require(obligation.dueAt != 0, DisclosureSupervisorUnknownObligation(asset, id));
    }

    /// @dev D1: unfulfilled (a periodic obligation's current period always is) and past due and grace.
    function _isOverdue(StoredObligation storage obligation) private view returns (bool) {
        if (obligation.kind == ObligationKind.AdHoc && obligation.fulfilledAt != 0) return false;
        return block.timestamp > _graceEndsAt(obligation);
    }

    function _graceEndsAt(StoredObligation storage obligation) private view returns (uint48) {
        return obligation.dueAt + obligation.gracePeriod;
    }

    function _view(uint32 id, StoredObligation storage obligation) private view returns (Obligation memory out) {
        out.id = id;
        out.kind = obligation.kind;
        out.documentName = obligation.documentName;
        out.dueAt = obligation.dueAt;
        out.gracePeriod = obligation.gracePeriod;
        out.period = obligation.period;
        out.halts = obligation.halts;
        out.windowOpensAt = obligation.windowOpensAt;
        out.fulfilledAt = obligation.fulfilledAt;
        if (obligation.kind == ObligationKind.AdHoc && obligation.fulfilledAt != 0) {
            out.state = ObligationState.Fulfilled;
        } else if (block.timestamp <= obligation.dueAt) {
            out.state = ObligationState.Upcoming;
        } else if (block.timestamp <= _graceEndsAt(obligation)) {
            out.state = ObligationState.InGrace;
        } else {
            out.state = ObligationState.Overdue;
        }
    }

    function _storage() private pure returns (DisclosureSupervisorStorage storage $) {
        // Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }
}
