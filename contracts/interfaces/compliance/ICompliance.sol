// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IComplianceRule} from "./IComplianceRule.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../identity/IEligibilityStore.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {Restriction} from "../../types/Restriction.sol";

/// @title ICompliance
/// @notice One pipeline that evaluates, per asset, a compact configuration of built-in rules — identity
/// verification of both parties, required claims, country allow/block lists, a cap on the number of investors, a
/// cap on each investor's balance, a lock-up, trading hours and halts — and then up to `MAX_EXTERNAL_RULES`
/// custom rule contracts. It speaks ERC-3643 (`canTransfer`) and ERC-1404 (`detectTransferRestriction`,
/// `messageForTransferRestriction`; codes are `Restriction`), and `explainTransfer` says which rule failed and why.
/// @dev Built-in rules read one packed configuration word per asset and one eligibility word per party; the asset
/// is called back (`IComplianceSubject`) only when a holder-count or balance cap is on (`checkTransfer` takes the
/// holder count from its caller). Mints (`from` zero) check
/// the recipient and the caps only; burns (`to` zero) are always allowed; lock-up, halts and trading hours apply
/// to transfers between holders.
///
/// Memos. `checkTransfer` — the entry an asset calls on every balance change — returns, with its verdict, an
/// opaque 88-bit memo per party, which the asset stores beside the holder's balance and passes back next time. A
/// memo records a party verdict the pipeline established: until when it holds (the attestation's expiry), the
/// identity registry's eligibility epoch and the asset configuration's version at the time, the serial of the
/// pipeline that made it (`pipelineSerial`: a memo never vouches in another pipeline), and its level —
/// *recipient* (verified, required claims, allow- and block-lists) or *sender* (verified, block-list). While the
/// epoch and the version have not moved and the expiry has not passed, the pipeline skips that party's eligibility
/// word and country lists. The version (`configurationVersion`) grows with every configuration write for the asset
/// — `configureAsset`, `configureNewAsset`, `setMaxBalance`, the country lists, the external rules — but not with
/// halts or venues, which the pipeline reads from the configuration word on every check anyway.
///
/// Halts. The exchanges where an asset trades — its venues (`setVenue`, COMPLIANCE_ADMIN) — may halt it for at
/// most `maxHaltDuration` (GOVERNOR) and lift only their own halt; a venue never replaces another's halt in force.
/// A regulator halts without the bound and lifts any halt (`imposeHalt`, `liftHalt`).
///
/// Succession. A registry's first pipeline has serial 1; a successor names the newest pipeline as its predecessor,
/// which must have approved its address (`approveSuccessor`) and hands it, once, the next serial
/// (`claimSuccession`). Deploy one first pipeline per registry: the serials of one succession never repeat.
/// Invariants:
/// - I1: `detectTransferRestriction` returns 0 iff `canTransfer` (for the same asset) returns true, and iff
///   `explainTransfer(...).code == Restriction.None`; and `checkTransfer` called by the asset with any memos it was
///   given by `checkTransfer` for this asset (or zero), a truthful `recipientHolds` and a truthful `holderCount`
///   returns the same code as `detectTransferRestriction`.
/// - I2: an unconfigured asset allows nothing but burns.
/// - I3: no asset has more than `MAX_EXTERNAL_RULES` external rules.
/// - I4: an asset's `configurationVersion` grows by exactly one with every configuration write but halts, and
///   never wraps (a write that would wrap it reverts with `ComplianceVersionExhausted`).
/// - I5: no two pipelines of one succession share a serial, and a memo holds only in the pipeline whose serial it
///   carries.
/// - I6: a halt in force was set by a regulator, or by a venue of the asset for at most `maxHaltDuration`; only
///   its setter or a regulator ends or replaces it early.
interface ICompliance {
    /// @notice An asset's built-in rules.
    /// @param requiredClaims Claims the recipient must hold besides the registry's baseline.
    /// @param lockupUntil No transfer between holders before this time (0: no lock-up).
    /// @param maxInvestors The most investors that may hold the asset (0: no cap).
    /// @param windowOpen Trading opens this many seconds after 00:00 UTC.
    /// @param windowClose Trading closes this many seconds after 00:00 UTC (before `windowOpen`: overnight).
    /// @param tradingDays Bitmap of the UTC weekdays with trading (bit 0 Monday … bit 6 Sunday; 0: no hours rule).
    /// @param countryAllowList Recipients must come from an allow-listed country.
    /// @param countryBlockList Neither party may come from a block-listed country.
    /// @param maxBalance Each investor's balance is capped by `maxBalanceOf(asset)`.
    struct AssetRules {
        uint64 requiredClaims;
        uint48 lockupUntil;
        uint32 maxInvestors;
        uint24 windowOpen;
        uint24 windowClose;
        uint8 tradingDays;
        bool countryAllowList;
        bool countryBlockList;
        bool maxBalance;
    }

    /// @notice Why a transfer is restricted, for a dApp to show the user.
    /// @param code The ERC-1404 code.
    /// @param party The wallet the failing rule looked at (zero for asset-level rules).
    /// @param detail The figure behind the refusal: a country code, missing claims, a cap, a time.
    /// @param rule The external rule that refused (zero for built-in rules).
    /// @param ruleCode That rule's own code.
    /// @param message A readable sentence.
    struct Explanation {
        Restriction code;
        address party;
        uint256 detail;
        address rule;
        uint8 ruleCode;
        string message;
    }

    /* EVENTS */

    event AssetConfigured(address indexed asset, AssetRules rules);
    event MaxBalanceSet(address indexed asset, uint256 maxBalance);
    event CountryAllowListChanged(address indexed asset, uint16 indexed country, bool allowed);
    event CountryBlockListChanged(address indexed asset, uint16 indexed country, bool blocked);
    event ExternalRuleAdded(address indexed asset, IComplianceRule indexed rule);
    event ExternalRuleRemoved(address indexed asset, IComplianceRule indexed rule);
    /// @notice `by` (a venue of the asset, or a regulator) halted trading in `asset` until `until`.
    event TradingHalted(address indexed asset, address indexed by, uint48 until, bytes32 reason);
    /// @notice `by` (the venue that halted, or a regulator) ended the halt in force on `asset`.
    event TradingResumed(address indexed asset, address indexed by);
    /// @notice `exchange` became (`isVenue`) or stopped being a venue of `asset`.
    event VenueSet(address indexed asset, address indexed exchange, bool isVenue);
    /// @notice A venue's halts may now last at most `duration` seconds.
    event MaxHaltDurationSet(uint32 duration);
    /// @notice The alliance approved `successor` (not yet deployed) to claim this pipeline's succession.
    event SuccessorApproved(address indexed successor);
    /// @notice `successor` claimed this pipeline's succession and was allocated `serial`.
    event SuccessionClaimed(address indexed successor, uint8 serial);

    /* ERRORS */

    error ComplianceInvalidAsset(address asset);
    error ComplianceUnknownAsset(address asset);
    error ComplianceInvalidCountry(uint16 country);
    error ComplianceEmptyCountryList();
    error ComplianceInvalidTradingWindow(uint24 windowOpen, uint24 windowClose, uint8 tradingDays);
    error ComplianceInvalidRule(address rule);
    error ComplianceRuleAlreadyAdded(address asset, IComplianceRule rule);
    error ComplianceRuleNotFound(address asset, IComplianceRule rule);
    error ComplianceTooManyRules(address asset, uint256 maxRules);
    error ComplianceInvalidHalt(uint48 until, uint256 currentTime);
    error ComplianceNotHalted(address asset);
    error ComplianceAssetAlreadyConfigured(address asset);
    /// @notice A lock-up or halt end beyond the pipeline's range: times must be below 2^40 − 1 (year 36812), or
    /// `type(uint48).max` for "until further notice".
    error ComplianceTimeOutOfRange(uint48 time);
    /// @notice `asset` has had 65,535 configuration writes: its configuration version cannot grow any more (the
    /// asset is moved to a successor Compliance by a product upgrade).
    error ComplianceVersionExhausted(address asset);
    /// @notice `caller` is not a venue of `asset` (`setVenue`): only the exchanges where an asset trades halt it.
    error ComplianceNotVenue(address asset, address caller);
    /// @notice A venue's halt may end at the latest `latest` (now + `maxHaltDuration`); it asked for `until`.
    error ComplianceHaltTooLong(uint48 until, uint256 latest);
    /// @notice The halt in force on `asset` until `until` was set by `halter`: only it (or a regulator) may change
    /// or lift it.
    error ComplianceHaltedByOther(address asset, address halter, uint48 until);
    error ComplianceInvalidVenue(address exchange);
    /// @notice `exchange` already is (`isVenue`) or already is not a venue of `asset`.
    error ComplianceVenueUnchanged(address asset, address exchange, bool isVenue);
    error ComplianceInvalidMaxHaltDuration(uint32 duration);
    /// @notice The predecessor named at deployment serves another identity registry than this pipeline's.
    error ComplianceForeignPredecessor(address predecessor, address predecessorRegistry);
    /// @notice This pipeline already has a successor (serials are allocated once).
    error ComplianceSuccessionClosed(address successor);
    /// @notice A successor must be a non-zero address with no code yet (it claims in its constructor).
    error ComplianceInvalidSuccessor(address successor);
    /// @notice This pipeline has the last serial (255): it can have no successor on its registry.
    error ComplianceSerialsExhausted(uint8 serial);
    /// @notice `caller` is not the successor the alliance approved (`approved`), or the succession was claimed.
    error ComplianceNotApprovedSuccessor(address caller, address approved);

    /* CONFIGURATION */

    /// @notice Sets `asset`'s built-in rules (a halt in force is kept).
    /// @dev `rules.lockupUntil` must be below 2^40 − 1, or `type(uint48).max` (locked up until reconfigured).
    /// @custom:access COMPLIANCE_ADMIN
    function configureAsset(address asset, AssetRules calldata rules) external;

    /// @notice Configures a newly issued asset in one call: its rules, its country allow- and block-lists and its
    /// per-investor balance cap. Emits what the separate calls would: `AssetConfigured`, one
    /// `CountryAllowListChanged` / `CountryBlockListChanged` per listed country, and `MaxBalanceSet` when
    /// `maxBalance` is non-zero. The asset's configuration version becomes 1.
    /// @dev Reverts with `ComplianceAssetAlreadyConfigured` for an asset that has a configuration; empty country
    /// lists are accepted (nothing is listed).
    /// @custom:access ASSET_FACTORY
    function configureNewAsset(
        address asset,
        AssetRules calldata rules,
        uint16[] calldata allowedCountries,
        uint16[] calldata blockedCountries,
        uint256 maxBalance
    ) external;

    /// @notice Sets the per-investor balance cap used when `rules.maxBalance` is on.
    /// @custom:access COMPLIANCE_ADMIN
    function setMaxBalance(address asset, uint256 maxBalance) external;

    /// @notice Adds countries to (or removes them from) `asset`'s allow-list.
    /// @custom:access COMPLIANCE_ADMIN
    function setCountriesAllowed(address asset, uint16[] calldata countries, bool allowed) external;

    /// @notice Adds countries to (or removes them from) `asset`'s block-list.
    /// @custom:access COMPLIANCE_ADMIN
    function setCountriesBlocked(address asset, uint16[] calldata countries, bool blocked) external;

    /// @notice Attaches a custom rule contract to `asset`.
    /// @custom:access COMPLIANCE_ADMIN
    function addExternalRule(address asset, IComplianceRule rule) external;

    /// @notice Detaches a custom rule contract from `asset`.
    /// @custom:access COMPLIANCE_ADMIN
    function removeExternalRule(address asset, IComplianceRule rule) external;

    /// @notice Records that `exchange` is (`isVenue`) or is no longer a venue of `asset`: an exchange where the
    /// asset trades, which may halt it (`haltTrading`). Asset must be configured.
    /// @custom:access COMPLIANCE_ADMIN
    function setVenue(address asset, address exchange, bool isVenue) external;

    /// @notice Sets the longest halt a venue may set (`haltTrading`), in seconds from the time it sets it; non-zero.
    /// Halts in force are kept.
    /// @custom:access GOVERNOR
    function setMaxHaltDuration(uint32 duration) external;

    /// @notice A venue of `asset` halts trading between holders until `until`, at most `maxHaltDuration()`
    /// seconds from now. It may replace its own halt in force, never another's.
    /// @custom:access MARKET_SUPERVISOR
    function haltTrading(address asset, uint48 until, bytes32 reason) external;

    /// @notice The venue that set the halt in force on `asset` ends it before its time.
    /// @custom:access MARKET_SUPERVISOR
    function resumeTrading(address asset) external;

    /// @notice A regulator halts trading between holders in `asset` until `until` (`type(uint48).max`: until
    /// lifted; otherwise below 2^40 − 1), replacing any halt in force; no venue and no bound required.
    /// @custom:access REGULATOR
    function imposeHalt(address asset, uint48 until, bytes32 reason) external;

    /// @notice A regulator ends the halt in force on `asset`, whoever set it.
    /// @custom:access REGULATOR
    function liftHalt(address asset) external;

    /* SUCCESSION */

    /// @notice Approves `successor` — the address a successor pipeline on this registry will be deployed at — to
    /// claim this pipeline's succession and so the next serial. Once claimed, no other successor can be approved.
    /// @custom:access GOVERNOR
    function approveSuccessor(address successor) external;

    /// @notice Called by the approved successor's constructor: records it and returns its serial, this
    /// pipeline's plus one.
    /// @custom:access the approved successor only (public in the authority's table)
    function claimSuccession() external returns (uint8 serial);

    /* CHECKS */

    /// @notice ERC-3643: whether the calling asset may move `amount` from `from` to `to`.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);

    /// @notice The check an asset runs on every balance change (msg.sender is the asset): the restriction code and
    /// fresh memos for both parties, which the asset stores and passes back next time.
    /// @dev A memo is opaque to the asset: the pipeline's record of a party verdict it has already established
    /// (until when it holds, the identity registry's epoch and the asset configuration's version), letting it skip
    /// reads it has already done while they provably still hold. A zero memo is always accepted and means "nothing
    /// known". For every memo the pipeline produced, the code equals `detectTransferRestriction(asset, …)` (I1).
    /// When the code is not `None` both returned memos are zero; for a burn (`to` zero) the given memos come back
    /// unchanged; for a mint `newFromMemo` is zero.
    /// A memo carries the serial of the pipeline that made it (`pipelineSerial`), and no two pipelines of one
    /// identity registry share a serial: a memo of another pipeline — e.g. the one an asset was moved from by a
    /// product upgrade — never vouches here, it only costs the full evaluation once.
    /// Warning: a memo means something only for the asset it was produced for, and an asset must never pass a memo
    /// it was not given: the pipeline trusts the memos its caller passes.
    /// @param fromMemo The memo last returned for `from` (ignored for a mint).
    /// @param toMemo The memo last returned for `to`.
    /// @param recipientHolds Whether `to` already holds a non-zero balance of the asset. It must be truthful: the
    /// investor cap is then skipped (the recipient's investor already holds), and when it is false and `to`'s
    /// investor has a single wallet, that investor is taken to hold nothing (see `IComplianceSubject`).
    /// @param holderCount The asset's `holderCount()` before the change. It must be truthful: the investor cap
    /// reads it instead of calling the asset back (an asset without an investor cap may pass anything).
    /// @return code The restriction code (`Restriction.None` when allowed).
    /// @return newFromMemo The memo to store for `from`.
    /// @return newToMemo The memo to store for `to`.
    /// @return toWord `to`'s eligibility word when this check read it from the store, else zero: an asset that
    /// needs the word in the same transaction (its holder accounting, when `to` starts holding) need not read it
    /// again. Zero when the code is not `None`.
    function checkTransfer(
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        uint88 toMemo,
        bool recipientHolds,
        uint256 holderCount
    ) external view returns (Restriction code, uint88 newFromMemo, uint88 newToMemo, Eligibility toWord);

    /// @notice The check an asset runs on the net positions of one batch net settlement (`INetSettleable.settleNet`;
    /// msg.sender is the asset), after it applied the batch's changes: the first refused position's index and code,
    /// or the memos that change. Each account gets the code `detectTransferRestriction(asset, …)` returns for a
    /// trade in which it takes the roles named — as the sender (role bit 1): verified, country not blocked; as the
    /// recipient (bit 0): verified, required claims, country lists, the investor cap when it started holding as a new
    /// investor, the balance cap on its investor's final balance — and the market rules (halts, lock-up, trading
    /// hours) every trade passes. In a party of both roles, a failed verification reads as the sender's
    /// (`SenderNotVerified`), as the pipeline's order has it. Positions are judged in order; one with no role is
    /// skipped (its memo is kept).
    /// @dev External rules judge (from, to, amount) pairs, which a net position does not have: an asset with an
    /// external rule gets `ExternalRuleFailed` for the first position that passes the built-in rules (it cannot be
    /// netted; settle its trades one by one). A memo vouches as in `checkTransfer` (at recipient level when the
    /// account receives). One call per batch: the configuration and the store's header are read once.
    ///
    /// One word a position (what a struct would take five ABI words for), bits:
    ///
    /// | bits    | field       | meaning                                                                        |
    /// | ------- | ----------- | ------------------------------------------------------------------------------ |
    /// | 0–159   | account     | the account                                                                    |
    /// | 160–247 | memo        | the memo last returned for the account (zero: nothing known)                   |
    /// | 248     | recipient   | it received in a trade of the batch, or gains                                  |
    /// | 249     | sender      | it delivered in a trade of the batch, or loses                                 |
    /// | 250     | newInvestor | it started holding in this batch as an investor holding nothing before (the   |
    /// |         |             | asset's holder accounting: no other wallet of its investor held); truthful     |
    /// | 251–255 | —           | zero                                                                           |
    ///
    /// @param holderCount The asset's holder count after the batch's debits, before its credits (truthful): the
    /// k-th `newInvestor` position in order (from 0) joined when the count was `holderCount + k`, as credits raise
    /// it only by the new investors they add.
    /// @param positions The packed positions (layout above).
    /// @return code The first refusal's restriction code (`Restriction.None` when every position passes).
    /// @return index The refused position's index (0 when none is refused).
    /// @return memos For each position whose memo changes, in order, `index << 88 | memo`: the memo to store for
    /// that account (empty when a position is refused).
    function checkNetPositions(
        uint256 holderCount,
        uint256[] calldata positions
    ) external view returns (Restriction code, uint256 index, uint256[] memory memos);

    /// @notice ERC-1404 with the asset named: 0 when allowed, else `uint8(Restriction)`.
    function detectTransferRestriction(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8);

    /// @notice ERC-1404: a readable sentence for `code`.
    function messageForTransferRestriction(uint8 code) external view returns (string memory);

    /// @notice Which rule refuses the transfer, about whom, and the figure behind it.
    function explainTransfer(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (Explanation memory);

    /* VIEWS */

    /// @notice The most external rules one asset may have.
    function MAX_EXTERNAL_RULES() external view returns (uint256);

    /// @notice Whether `asset` has a configuration.
    function isConfigured(address asset) external view returns (bool);

    /// @notice `asset`'s built-in rules.
    function rulesOf(address asset) external view returns (AssetRules memory);

    /// @notice How many configuration writes `asset` has had (0 while unconfigured); memos carry it.
    function configurationVersion(address asset) external view returns (uint16);

    /// @notice Until when trading in `asset` is halted (0 or past: not halted).
    function haltedUntil(address asset) external view returns (uint48);

    /// @notice `asset`'s per-investor balance cap.
    function maxBalanceOf(address asset) external view returns (uint256);

    /// @notice Whether `country` is on `asset`'s allow-list.
    function isCountryAllowed(address asset, uint16 country) external view returns (bool);

    /// @notice Whether `country` is on `asset`'s block-list.
    function isCountryBlocked(address asset, uint16 country) external view returns (bool);

    /// @notice `asset`'s external rules, in evaluation order.
    function externalRulesOf(address asset) external view returns (IComplianceRule[] memory);

    /// @notice The halt in force on `asset`: its end and who set it (zeros when none is in force).
    function haltOf(address asset) external view returns (uint48 until, address by);

    /// @notice Whether `exchange` is a venue of `asset` (may halt it).
    function isVenue(address asset, address exchange) external view returns (bool);

    /// @notice The longest halt a venue may set, in seconds.
    function maxHaltDuration() external view returns (uint32);

    /// @notice `maxHaltDuration()` when the pipeline is deployed: one day.
    function DEFAULT_MAX_HALT_DURATION() external view returns (uint32);

    /// @notice The serial every memo of this pipeline carries: 1 for a registry's first pipeline, its
    /// predecessor's plus one for a successor. No two pipelines of one registry's succession share it.
    function pipelineSerial() external view returns (uint8);

    /// @notice The pipeline this one succeeds (zero for a registry's first).
    function predecessor() external view returns (ICompliance);

    /// @notice The pipeline that claimed this one's succession (zero while none has).
    function successor() external view returns (address);

    /// @notice The identity registry whose verdicts the pipeline applies.
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice The store of eligibility words the pipeline reads.
    function eligibilityStore() external view returns (IEligibilityStore);
}
