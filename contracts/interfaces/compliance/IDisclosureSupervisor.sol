// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ProductType} from "../../types/ProductType.sol";

/// @title IDisclosureSupervisor
/// @notice Each asset's disclosure calendar, set by the exchanges where it trades, and its supervision on chain.
///
/// Obligations. A venue of the asset (`ICompliance.isVenue` on the asset's own pipeline) holding MARKET_SUPERVISOR,
/// and not a suspended member, adds, amends and removes the asset's obligations. An obligation names the ERC-1643
/// document that fulfils it (`documentName`), a due date and a grace period. A *periodic* obligation (an annual or
/// interim report) rolls to its next due date, `period` seconds later, each time it is fulfilled; an *ad-hoc* one
/// (a filing the exchange asks for once) is fulfilled once and stays on the calendar, fulfilled, until removed.
///
/// Filing. Publishing the document on the asset (`IERC1643.setDocument`, the issuer's act) and then calling
/// `recordFiling` (anyone) fulfils the obligation iff the asset's `getDocument(documentName)` exists and was last
/// modified inside the obligation's current window: strictly after the window opened (`windowOpensAt`: when the
/// obligation was added, then — for a periodic one — the later of the due date it just met and the time of the
/// document that met it, so one document never meets two periods) and no later than now.
///
/// Overdue. An obligation is overdue while it is not fulfilled and now > `dueAt + gracePeriod`. Anyone may call
/// `flagOverdue`, which emits `DisclosureOverdue` and, when the obligation `halts`, halts trading in the asset until
/// further notice through its pipeline (`ICompliance.imposeHalt(asset, type(uint48).max, documentName)`) unless a
/// halt is already in force. A halt set by someone else (a regulator, a venue) is never replaced: the supervisor
/// halts once it has ended, on the next `flagOverdue`.
///
/// Lifting. A filing, an amendment or a removal lifts the halt in force (`ICompliance.liftHalt`) only when the
/// supervisor itself set it (`ICompliance.haltOf(asset).by == address(this)`; the pipeline keeps no halt reason, so
/// the setter is what tells a disclosure halt from a regulator's or a venue's) and no halting obligation of the
/// asset is still overdue. A regulator that replaced the supervisor's halt keeps its own; a regulator that lifted
/// it while an obligation stays overdue sees it imposed again by the next `flagOverdue` (a venue waives the
/// obligation by amending or removing it).
///
/// Why the supervisor holds REGULATOR. `imposeHalt` and `liftHalt` are the pipeline's REGULATOR functions (a
/// venue's halts are bounded by `maxHaltDuration`, and a disclosure halt lasts until the filing arrives), so the
/// alliance grants this contract REGULATOR (config/roles.ts `grants`). Its code bounds that power: the only calls
/// it ever makes with it are `imposeHalt` on an asset with an overdue halting obligation while no halt is in
/// force, and `liftHalt` on an asset whose halt in force it set itself, once no halting obligation is overdue. It
/// calls no other restricted function anywhere.
/// @dev Invariants (each tested):
/// - D1: `isOverdue(asset, id)` iff the obligation is unfulfilled and `block.timestamp > dueAt + gracePeriod`.
/// - D2: the supervisor's halt is in force on an asset only if some halting obligation of that asset was overdue
///   when it was imposed, and every filing, amendment or removal that leaves no halting obligation overdue lifts it.
/// - D3: the supervisor never lifts or replaces a halt it did not set.
/// - D4: a calendar changes only by a venue of the asset that holds MARKET_SUPERVISOR and is not a suspended
///   member; a filing only by a document of the asset modified inside the obligation's window.
/// - D5: an asset has at most `MAX_OBLIGATIONS` obligations; ids are never reused on an asset.
interface IDisclosureSupervisor {
    /// @notice Whether an obligation recurs.
    enum ObligationKind {
        AdHoc, //    0  once: fulfilled by one filing
        Periodic //  1  rolls `period` seconds forward each time it is fulfilled
    }

    /// @notice Where an obligation stands now.
    enum ObligationState {
        Upcoming, //  0  not yet due
        InGrace, //   1  past its due date, inside the grace period
        Overdue, //   2  past due and grace, unfulfilled
        Fulfilled //  3  an ad-hoc obligation that was met
    }

    /// @notice What a venue sets.
    /// @param kind Periodic or ad-hoc.
    /// @param documentName The ERC-1643 document name whose publication fulfils it (non-zero).
    /// @param dueAt When the (next) filing is due: in the future, at most `MAX_DUE_HORIZON` from now.
    /// @param gracePeriod Seconds after `dueAt` before the obligation is overdue: at most `MAX_GRACE_PERIOD`, and
    /// shorter than `period` for a periodic obligation.
    /// @param period Seconds between due dates of a periodic obligation (1 … `MAX_PERIOD`); zero for ad-hoc.
    /// @param halts Whether trading halts while the obligation is overdue.
    struct ObligationTerms {
        ObligationKind kind;
        bytes32 documentName;
        uint48 dueAt;
        uint32 gracePeriod;
        uint32 period;
        bool halts;
    }

    /// @notice An obligation as the console shows it.
    /// @param id Its id on the asset (from 1; never reused on the asset).
    /// @param windowOpensAt A filing counts only if its document was modified after this time.
    /// @param fulfilledAt When it was last fulfilled (0: never).
    /// @param state Where it stands now.
    struct Obligation {
        uint32 id;
        ObligationKind kind;
        bytes32 documentName;
        uint48 dueAt;
        uint32 gracePeriod;
        uint32 period;
        bool halts;
        uint48 windowOpensAt;
        uint48 fulfilledAt;
        ObligationState state;
    }

    /* EVENTS */

    /// @notice The venue `by` added obligation `id` to `asset`'s calendar.
    event ObligationAdded(address indexed asset, uint32 indexed id, address indexed by, ObligationTerms terms);
    /// @notice The venue `by` amended obligation `id` of `asset`.
    event ObligationAmended(
        address indexed asset,
        uint32 indexed id,
        address indexed by,
        uint48 dueAt,
        uint32 gracePeriod,
        bool halts
    );
    /// @notice The venue `by` removed obligation `id` from `asset`'s calendar.
    event ObligationRemoved(address indexed asset, uint32 indexed id, address indexed by);
    /// @notice The document `documentName` (hash `documentHash`, modified at `lastModified`) fulfilled obligation
    /// `id` of `asset`; a periodic obligation is next due at `nextDueAt` (0 for ad-hoc).
    event DisclosureFiled(
        address indexed asset,
        uint32 indexed id,
        bytes32 documentName,
        bytes32 documentHash,
        uint256 lastModified,
        uint48 nextDueAt
    );
    /// @notice Obligation `id` of `asset`, due at `dueAt`, has been overdue since `graceEndedAt`.
    event DisclosureOverdue(
        address indexed asset,
        uint32 indexed id,
        bytes32 documentName,
        uint48 dueAt,
        uint48 graceEndedAt
    );
    /// @notice The supervisor halted trading in `asset` because its halting obligation `id` is overdue.
    event DisclosureHaltImposed(address indexed asset, uint32 indexed id);
    /// @notice The supervisor lifted its halt on `asset`: after the change to obligation `id`, none of its halting
    /// obligations is overdue.
    event DisclosureHaltLifted(address indexed asset, uint32 indexed id);

    /* ERRORS */

    /// @notice `asset` is not an asset registered with the alliance (`IAssetDirectory.productOf` is `None`).
    error DisclosureSupervisorUnknownAsset(address asset);
    /// @notice `asset` is a `productType` asset, which keeps no ERC-1643 documents.
    error DisclosureSupervisorUnsupportedAsset(address asset, ProductType productType);
    /// @notice `caller` is not a venue of `asset` on its pipeline (`ICompliance.isVenue`).
    error DisclosureSupervisorNotVenue(address asset, address caller);
    /// @notice `caller` is a suspended or removed member (`IAllianceAuthority.isMemberSuspended`).
    error DisclosureSupervisorSuspendedMember(address caller);
    /// @notice An obligation needs a non-zero document name.
    error DisclosureSupervisorEmptyDocumentName();
    /// @notice A periodic obligation needs a period of 1 … `maxPeriod` seconds; an ad-hoc one a zero period.
    error DisclosureSupervisorInvalidPeriod(ObligationKind kind, uint32 period, uint32 maxPeriod);
    /// @notice The grace period `gracePeriod` exceeds `maxGracePeriod`.
    error DisclosureSupervisorGraceTooLong(uint32 gracePeriod, uint32 maxGracePeriod);
    /// @notice The due date `dueAt` is not in the future.
    error DisclosureSupervisorDueDateInPast(uint48 dueAt, uint256 currentTime);
    /// @notice The due date `dueAt` is after `latest` (now + `MAX_DUE_HORIZON`).
    error DisclosureSupervisorDueDateTooFar(uint48 dueAt, uint256 latest);
    /// @notice `asset` already has `maxObligations` obligations.
    error DisclosureSupervisorTooManyObligations(address asset, uint256 maxObligations);
    /// @notice `asset` has no obligation `id`.
    error DisclosureSupervisorUnknownObligation(address asset, uint32 id);
    /// @notice Ad-hoc obligation `id` of `asset` was fulfilled at `fulfilledAt`: it can be removed, not changed.
    error DisclosureSupervisorAlreadyFulfilled(address asset, uint32 id, uint48 fulfilledAt);
    /// @notice `asset` has no document `documentName`.
    error DisclosureSupervisorDocumentMissing(address asset, bytes32 documentName);
    /// @notice The document was modified at `lastModified`, outside the window (`windowOpensAt`, now].
    error DisclosureSupervisorFilingOutsideWindow(address asset, uint32 id, uint256 lastModified, uint48 windowOpensAt);
    /// @notice Obligation `id` of `asset` is not overdue: its grace ends at `graceEndsAt` (or it is fulfilled).
    error DisclosureSupervisorNotOverdue(address asset, uint32 id, uint48 graceEndsAt);

    /* CALENDARS */

    /// @notice Adds an obligation to `asset`'s calendar; its window opens now.
    /// @return id The obligation's id on the asset.
    /// @custom:access MARKET_SUPERVISOR, a venue of `asset`, not a suspended member
    function addObligation(address asset, ObligationTerms calldata terms) external returns (uint32 id);

    /// @notice Changes obligation `id`'s due date, grace period and halt flag (its kind, document and period stay).
    /// Lifts the supervisor's halt when no halting obligation of the asset is overdue afterwards.
    /// @custom:access MARKET_SUPERVISOR, a venue of `asset`, not a suspended member
    function amendObligation(address asset, uint32 id, uint48 dueAt, uint32 gracePeriod, bool halts) external;

    /// @notice Removes obligation `id` from `asset`'s calendar. Lifts the supervisor's halt when no halting
    /// obligation of the asset is overdue afterwards.
    /// @custom:access MARKET_SUPERVISOR, a venue of `asset`, not a suspended member
    function removeObligation(address asset, uint32 id) external;

    /* SUPERVISION */

    /// @notice Records that the asset's document fulfils obligation `id` (see the filing rule above), rolls a
    /// periodic obligation to its next due date, and lifts the supervisor's halt when no halting obligation of the
    /// asset is overdue afterwards.
    /// @custom:access anyone (the document is the issuer's act)
    function recordFiling(address asset, uint32 id) external;

    /// @notice Flags overdue obligation `id` (`DisclosureOverdue`); when it halts and no halt is in force on the
    /// asset, halts trading until the filing arrives.
    /// @custom:access anyone
    function flagOverdue(address asset, uint32 id) external;

    /* VIEWS */

    /// @notice The most obligations one asset may have.
    function MAX_OBLIGATIONS() external view returns (uint256);

    /// @notice The longest grace period, in seconds.
    function MAX_GRACE_PERIOD() external view returns (uint32);

    /// @notice The longest period of a periodic obligation, in seconds.
    function MAX_PERIOD() external view returns (uint32);

    /// @notice How far ahead a due date may be set, in seconds.
    function MAX_DUE_HORIZON() external view returns (uint32);

    /// @notice Whether obligation `id` of `asset` is overdue (reverts for an unknown obligation).
    function isOverdue(address asset, uint32 id) external view returns (bool);

    /// @notice Obligation `id` of `asset` (reverts for an unknown obligation).
    function obligationOf(address asset, uint32 id) external view returns (Obligation memory);

    /// @notice Every obligation of `asset`, in no particular order.
    function obligationsOf(address asset) external view returns (Obligation[] memory);

    /// @notice The obligations of `asset` that are overdue now.
    function overdueOf(address asset) external view returns (Obligation[] memory);
}
