// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceRule} from "../interfaces/compliance/IComplianceRule.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";
import {AssetConfig, AssetConfigLib} from "../types/AssetConfig.sol";
import {ComplianceMemoLib} from "../libraries/ComplianceMemoLib.sol";
import {ComplianceMessagesLib} from "../libraries/ComplianceMessagesLib.sol";
import {NetPositionLib} from "../libraries/NetPositionLib.sol";
import {TradingCalendarLib} from "../libraries/TradingCalendarLib.sol";
import {Eligibility} from "../types/Eligibility.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title Compliance
/// @notice The alliance's one compliance pipeline: per asset, a packed configuration of built-in rules and up to
/// `MAX_EXTERNAL_RULES` custom rule contracts, evaluated on every balance change and explained on request.
/// @dev Deliberately a plain contract, not an upgradeable proxy: every transfer of every asset calls it, and the
/// transfer hot path must not pay a proxy hop (≈ 4.7 k gas, DESIGN.md §6). Its state is configuration only, so a
/// new version is deployed and re-pointed to rather than upgraded in place.
///
/// Evaluation order (the first failing rule wins; `canTransfer`, `detectTransferRestriction` and `explainTransfer`
/// share one internal evaluation, and every route of `checkTransfer` follows the same order):
///  1. burn (`to` zero) → `None`, whatever else holds;
///  2. asset not configured → `AssetNotConfigured`;
///  3. (transfers only) sender not verified → `SenderNotVerified`;
///  4. recipient not verified → `RecipientNotVerified`;
///  5. recipient lacks `requiredClaims` → `RecipientMissingClaims`;
///  6. block-list on and the sender's (transfers only), then the recipient's country is listed → `CountryBlocked`;
///  7. allow-list on and the recipient's country is not listed → `CountryNotAllowed`;
///  8. (transfers only) halted → `TradingHalted`; lock-up not over → `LockedUp`; outside trading hours →
///     `OutsideTradingWindow`;
///  9. investor cap reached by a new investor → `MaxInvestorsReached`; per-investor cap exceeded →
///     `MaxBalanceExceeded` (neither applies between two wallets of one investor);
/// 10. external rules in order: the first non-zero code → `ExternalRuleFailed`.
/// "Verified" means registered, unexpired and holding the identity registry's baseline claims.
///
/// Memos (`checkTransfer`; format and validity in `ComplianceMemoLib`). A party vouched for by a valid memo passed
/// steps 3–7 as the sender (sender level: verified, country not blocked) or as the recipient too (recipient level:
/// also the required claims and the allow-list); its steps are skipped. Skipping steps a party is known to pass
/// never changes which step fails first, so the code equals the memo-less evaluation's (I1). A memo is valid while
///  - the attestation expiry it recorded has not passed (a memo may lapse up to 255 s before it, never after),
///  - the identity registry's epoch is the one it recorded (the registry advances it on every change that can make
///    a wallet less eligible, so the party's index, country, claims and expiry and the baseline are unchanged),
///  - the asset's configuration version is the one it recorded (every write of the claims, lists or flags bumps it),
///  - it carries this pipeline's serial (`pipelineSerial`).
/// The serial binds a memo to the pipeline that made it. An asset moved to a successor pipeline (a product upgrade
/// re-points it) starts there at configuration version 1 under the same registry epoch, so without the serial the
/// old pipeline's memos would vouch in the new one. Serials are allocated by succession, deterministically: a
/// registry's first pipeline is deployed with no predecessor and has serial 1; every later pipeline names the
/// newest one as its predecessor, which must have approved its address (`approveSuccessor`, GOVERNOR) and hands
/// it, once, its own serial plus one (`claimSuccession`, from the successor's constructor, on the same registry).
/// A pipeline has at most one successor, so the pipelines of a registry form one chain with strictly growing
/// serials (I5); 255 pipelines per registry. (The deployment deploys one first pipeline per registry.)
/// The caps need what memos do not record: when `recipientHolds` is false the recipient's word is read for its
/// investor's wallet count (one wallet holding nothing: a new investor, so only the holder count the asset passed
/// is compared with the cap; several: `investorBalanceOf(to)`), and the balance cap reads both words to tell two
/// wallets of one investor apart. The recipient's word, when read, goes back to the asset, whose holder accounting
/// needs it when the recipient starts holding.
///
/// `checkTransfer` is one full evaluation with two filters in front, for configurations with no balance cap and no
/// external rule. A filter decides only with the full evaluation's code; otherwise it hands the check on:
///  - hot filter: the recipient's memo valid and for a transfer the sender's, and the recipient holds (or no
///    investor cap): reads the store's epoch only, then the market rules of the configuration word;
///  - new-holder filter: the sender's memo valid (or a mint): one store call for the recipient's word and the
///    header, the recipient's steps, the market, and the investor cap by the wallet count (a recipient whose
///    investor has several wallets goes on to the full evaluation);
///  - the full evaluation: the one `detectTransferRestriction` runs, skipping the steps of the parties memos vouch
///    for.
///
/// Halts. An asset's venues — the exchanges where it trades, recorded per asset by COMPLIANCE_ADMIN (`setVenue`) —
/// may halt it (`haltTrading`, MARKET_SUPERVISOR) for at most `maxHaltDuration` (GOVERNOR; one day at deployment)
/// and lift only their own halt (`resumeTrading`); a venue never replaces another's halt in force. A regulator
/// (`imposeHalt`, `liftHalt`, REGULATOR) halts without the bound, replacing any halt, and lifts any halt (I6).
///
/// `Explanation.detail` per code: not verified → 0 when the wallet is unregistered, its expiry when expired,
/// else the baseline claims it lacks; `RecipientMissingClaims` → the missing claim bits; country codes → the
/// country; `TradingHalted` → the halt's end; `LockedUp` → the lock-up's end; `OutsideTradingWindow` → the next
/// time the window opens; `MaxInvestorsReached` → the cap; `MaxBalanceExceeded` → the cap; `ExternalRuleFailed`
/// → the rule's index in `externalRulesOf(asset)`.
///
/// Trading hours (`TradingCalendarLib`) are UTC; a window with `windowOpen > windowClose` runs overnight. The
/// English of `explainTransfer` and `messageForTransferRestriction` is `ComplianceMessagesLib`'s, a linked library
/// off the transfer path.
///
/// Gas: a check reads one configuration word (`AssetConfig`, exactly 256 bits) and calls the eligibility store
/// once (a plain contract, no proxy hop). With both parties vouched for by memos the store reads only its header
/// word. Measured under the bench's rules (eligibility, a country allow-list, an investor cap, a lock-up that has
/// ended), the call from a token, cold, costs ≈ 12.8 k gas between two holders with valid memos (2.6 k of it the
/// cold call, 4.7 k the cold configuration and header words, 2.6 k the cold store), ≈ 19.7 k to a new holder with
/// the sender's memo (the recipient's word and its allow-list word besides), and ≈ 25.5 k between two holders
/// without memos. The asset is called back only for the balance cap, and for the investor cap when a recipient
/// with sibling wallets or a sender at the cap needs `investorBalanceOf`; the memo-less views also ask its
/// `holderCount()`. Rule contracts are called only when an external rule is on.
///
/// Invariants:
/// - I1: `detectTransferRestriction(asset, …) == 0` iff `canTransfer(…)` called by `asset` is true, iff
///   `explainTransfer(asset, …).code == Restriction.None`; `checkTransfer` called by `asset` with memos it
///   returned for this asset (or zero), a truthful `recipientHolds` and a truthful `holderCount` returns
///   `detectTransferRestriction`'s code.
/// - I2: an unconfigured asset allows nothing but burns.
/// - I3: no asset has more than `MAX_EXTERNAL_RULES` external rules; the count in `AssetConfig.flags` equals the
///   number of non-zero entries at the front of the asset's rule array, and the entries after them are zero.
/// - I4: `AssetConfig.version` grows by exactly one per configuration write (every restricted function but the
///   halts, `setVenue`, `setMaxHaltDuration` and `approveSuccessor`) and never wraps; an unconfigured asset has
///   version 0, lists, cap and rules empty.
/// - I5: no two pipelines of one registry's succession have the same serial; a memo holds only in the pipeline
///   whose serial it carries.
/// - I6: a halt in force was set by a regulator or by a venue of the asset at the time, and then ends at most
///   `maxHaltDuration` (as it was then) after it was set; only its setter or a regulator ends it early or replaces
///   it.
/// - I7: `checkNetPositions` (net settlement) gives an account the code `detectTransferRestriction` gives a transfer
///   in which it takes the roles named, the balance cap judged on its investor's final balance; an asset with an
///   external rule gets `ExternalRuleFailed` (a net position has no (from, to) pair to show the rule).
contract Compliance is ICompliance, AccessManaged {
    using ComplianceMemoLib for uint88;

    /// @dev What one evaluation knows about its parties. A party is `vouched` when a valid memo says it passes its
    /// steps; its word is then read only when a cap needs it (`…Read`).
    struct Parties {
        address from;
        address to;
        Eligibility fromWord;
        Eligibility toWord;
        uint64 baseline;
        uint64 epoch;
        bool fromVouched;
        bool toVouched;
        bool fromRead;
        bool toRead;
        /// @dev The asset's holder count as the asset told it (`checkTransfer`), or `_UNKNOWN_HOLDERS`: ask it.
        uint256 holders;
    }

    /// @dev How `checkTransfer`'s new-holder filter ended.
    enum Filter {
        /// It decided, with the code the full evaluation would give.
        Decided,
        /// The full evaluation judges, with the memos given.
        Full,
        /// The full evaluation judges without the sender's memo: it is of an older epoch.
        FullWithoutSenderMemo
    }

    /// @dev Whether the recipient's wallet holds a balance: told by the asset (`checkTransfer`) or not known.
    enum Holding {
        Unknown,
        No,
        Yes
    }

    /// @inheritdoc ICompliance
    uint256 public constant MAX_EXTERNAL_RULES = 8;

    uint16 private constant _MAX_COUNTRY = 999;
    /// @dev The stored form of the interface's "until further notice" (`type(uint48).max`): configuration times
    /// are 40-bit (`AssetConfig`).
    uint40 private constant _FOREVER = type(uint40).max;
    /// @dev `Parties.holders` of the memo-less views: the asset is asked.
    uint256 private constant _UNKNOWN_HOLDERS = type(uint256).max;

    /// @inheritdoc ICompliance
    uint32 public constant DEFAULT_MAX_HALT_DURATION = 1 days;

    IIdentityRegistry private immutable _identityRegistry;
    IEligibilityStore private immutable _eligibilityStore;
    /// @dev This pipeline's serial (`pipelineSerial`) and its bits in every memo it makes (`ComplianceMemoLib`).
    uint8 private immutable _serial;
    uint256 private immutable _serialBits;
    ICompliance private immutable _predecessor;

    /// @dev One word per asset (`AssetConfig`): the `AssetRules` fields, the halt, the flags and the version.
    mapping(address asset => AssetConfig) private _configs;
    mapping(address asset => uint256) private _maxBalances;
    /// @dev Country lists as bitmaps: country `c` is bit `c & 0xff` of word `c >> 8` (words 0–3 for 1–999).
    mapping(address asset => mapping(uint256 word => uint256 bits)) private _allowedCountries;
    mapping(address asset => mapping(uint256 word => uint256 bits)) private _blockedCountries;
    /// @dev A fixed array: indexing it needs no length read; the count lives in the configuration word.
    mapping(address asset => IComplianceRule[MAX_EXTERNAL_RULES]) private _externalRules;

    /// @dev The exchanges where an asset trades: they alone may halt it (within `_maxHaltDuration`).
    mapping(address asset => mapping(address exchange => bool)) private _venues;
    /// @dev Who set the halt recorded in an asset's configuration word (meaningful while the halt is in force).
    mapping(address asset => address) private _halters;
    /// @dev The longest halt a venue may set, in seconds from the time it sets it.
    uint32 private _maxHaltDuration;
    /// @dev The successor the alliance approved (`approveSuccessor`) and the one that claimed its serial.
    address private _approvedSuccessor;
    address private _successor;

    /// @param authority The alliance's AccessManager.
    /// @param registry The identity registry; its eligibility store is read on every check.
    /// @param predecessor_ The newest pipeline on `registry`, which must have approved this one's address
    /// (`approveSuccessor`) and allocates its serial; zero for the registry's first pipeline (serial 1).
    constructor(address authority, IIdentityRegistry registry, ICompliance predecessor_) AccessManaged(authority) {
        _identityRegistry = registry;
        _eligibilityStore = registry.eligibilityStore();
        uint8 serial = 1;
        if (address(predecessor_) != address(0)) {
            require(
                predecessor_.identityRegistry() == registry,
                ComplianceForeignPredecessor(address(predecessor_), address(predecessor_.identityRegistry()))
            );
            serial = predecessor_.claimSuccession();
        }
        _serial = serial;
        _serialBits = ComplianceMemoLib.serialBits(serial);
        _predecessor = predecessor_;
        _maxHaltDuration = DEFAULT_MAX_HALT_DURATION;
        emit MaxHaltDurationSet(DEFAULT_MAX_HALT_DURATION);
    }

    /* CONFIGURATION */

    /// @inheritdoc ICompliance
    function configureAsset(address asset, AssetRules calldata rules) external restricted {
        require(asset != address(0), ComplianceInvalidAsset(asset));
        AssetConfig current = _configs[asset];
        // The halt in force and the external rules are kept.
        _configs[asset] = _packRules(
            rules,
            current.flags() & ~AssetConfigLib.FLAGS_MASK,
            current.haltedUntil(),
            _nextVersion(asset, current.version())
        );
        emit AssetConfigured(asset, rules);
    }

    /// @inheritdoc ICompliance
    function configureNewAsset(
        address asset,
        AssetRules calldata rules,
        uint16[] calldata allowedCountries,
        uint16[] calldata blockedCountries,
        uint256 maxBalance
    ) external restricted {
        require(asset != address(0), ComplianceInvalidAsset(asset));
        require(!_configs[asset].isConfigured(), ComplianceAssetAlreadyConfigured(asset));
        // An unconfigured asset has no halt, rules, lists or cap (I4): everything is written from zero.
        _configs[asset] = _packRules(rules, 0, 0, 1);
        emit AssetConfigured(asset, rules);
        if (allowedCountries.length != 0) _listNew(asset, _allowedCountries[asset], allowedCountries, true);
        if (blockedCountries.length != 0) _listNew(asset, _blockedCountries[asset], blockedCountries, false);
        if (maxBalance != 0) {
            _maxBalances[asset] = maxBalance;
            emit MaxBalanceSet(asset, maxBalance);
        }
    }

    /// @inheritdoc ICompliance
    function setMaxBalance(address asset, uint256 maxBalance) external restricted {
        _bumpVersion(asset);
        _maxBalances[asset] = maxBalance;
        emit MaxBalanceSet(asset, maxBalance);
    }

    /// @inheritdoc ICompliance
    function setCountriesAllowed(address asset, uint16[] calldata countries, bool allowed) external restricted {
        _bumpVersion(asset);
        require(countries.length != 0, ComplianceEmptyCountryList());
        mapping(uint256 => uint256) storage list = _allowedCountries[asset];
        for (uint256 i; i < countries.length; ++i) {
            _setListed(list, countries[i], allowed);
            emit CountryAllowListChanged(asset, countries[i], allowed);
        }
    }

    /// @inheritdoc ICompliance
    function setCountriesBlocked(address asset, uint16[] calldata countries, bool blocked) external restricted {
        _bumpVersion(asset);
        require(countries.length != 0, ComplianceEmptyCountryList());
        mapping(uint256 => uint256) storage list = _blockedCountries[asset];
        for (uint256 i; i < countries.length; ++i) {
            _setListed(list, countries[i], blocked);
            emit CountryBlockListChanged(asset, countries[i], blocked);
        }
    }

    /// @inheritdoc ICompliance
    function addExternalRule(address asset, IComplianceRule rule) external restricted {
        AssetConfig config = _configuredAsset(asset);
        require(address(rule).code.length != 0, ComplianceInvalidRule(address(rule)));
        IComplianceRule[MAX_EXTERNAL_RULES] storage rules = _externalRules[asset];
        uint8 flags = config.flags();
        uint256 count = config.ruleCount();
        for (uint256 i; i < count; ++i) {
            require(rules[i] != rule, ComplianceRuleAlreadyAdded(asset, rule));
        }
        require(count < MAX_EXTERNAL_RULES, ComplianceTooManyRules(asset, MAX_EXTERNAL_RULES));
        rules[count] = rule;
        // count < 8 was just checked, so the count field (bits 4–7) becomes at most 8 and cannot overflow a byte.
        unchecked {
            flags += AssetConfigLib.RULE_COUNT_ONE;
        }
        _configs[asset] = config.withFlagsAndVersion(flags, _nextVersion(asset, config.version()));
        emit ExternalRuleAdded(asset, rule);
    }

    /// @inheritdoc ICompliance
    function removeExternalRule(address asset, IComplianceRule rule) external restricted {
        AssetConfig config = _configuredAsset(asset);
        IComplianceRule[MAX_EXTERNAL_RULES] storage rules = _externalRules[asset];
        uint8 flags = config.flags();
        uint256 count = config.ruleCount();
        uint256 index;
        while (index < count && rules[index] != rule) ++index;
        require(index < count, ComplianceRuleNotFound(asset, rule));
        // Shift the later rules forward: evaluation order is kept.
        for (uint256 i = index + 1; i < count; ++i) {
            rules[i - 1] = rules[i];
        }
        delete rules[count - 1];
        // The rule was found, so the count field is at least 1 and cannot underflow.
        unchecked {
            flags -= AssetConfigLib.RULE_COUNT_ONE;
        }
        _configs[asset] = config.withFlagsAndVersion(flags, _nextVersion(asset, config.version()));
        emit ExternalRuleRemoved(asset, rule);
    }

    /// @inheritdoc ICompliance
    function setVenue(address asset, address exchange, bool isVenue_) external restricted {
        _configuredAsset(asset);
        require(exchange != address(0), ComplianceInvalidVenue(exchange));
        require(_venues[asset][exchange] != isVenue_, ComplianceVenueUnchanged(asset, exchange, isVenue_));
        _venues[asset][exchange] = isVenue_;
        emit VenueSet(asset, exchange, isVenue_);
    }

    /// @inheritdoc ICompliance
    function setMaxHaltDuration(uint32 duration) external restricted {
        require(duration != 0, ComplianceInvalidMaxHaltDuration(duration));
        _maxHaltDuration = duration;
        emit MaxHaltDurationSet(duration);
    }

    /// @inheritdoc ICompliance
    /// @dev Leaves the configuration version (and so every memo) alone: halts are read on every check.
    function haltTrading(address asset, uint48 until, bytes32 reason) external restricted {
        AssetConfig config = _configuredAsset(asset);
        require(_venues[asset][msg.sender], ComplianceNotVenue(asset, msg.sender));
        require(until > block.timestamp, ComplianceInvalidHalt(until, block.timestamp));
        uint256 latest = block.timestamp + _maxHaltDuration;
        require(until <= latest, ComplianceHaltTooLong(until, latest));
        address halter = _halters[asset];
        require(
            halter == msg.sender || config.haltedUntil() <= block.timestamp,
            ComplianceHaltedByOther(asset, halter, _interfaceTime(config.haltedUntil()))
        );
        _halt(asset, config, until, reason);
    }

    /// @inheritdoc ICompliance
    /// @dev Leaves the configuration version (and so every memo) alone.
    function resumeTrading(address asset) external restricted {
        AssetConfig config = _haltedAsset(asset);
        address halter = _halters[asset];
        require(halter == msg.sender, ComplianceHaltedByOther(asset, halter, _interfaceTime(config.haltedUntil())));
        _resume(asset, config);
    }

    /// @inheritdoc ICompliance
    /// @dev Leaves the configuration version (and so every memo) alone.
    function imposeHalt(address asset, uint48 until, bytes32 reason) external restricted {
        AssetConfig config = _configuredAsset(asset);
        require(until > block.timestamp, ComplianceInvalidHalt(until, block.timestamp));
        _halt(asset, config, until, reason);
    }

    /// @inheritdoc ICompliance
    /// @dev Leaves the configuration version (and so every memo) alone.
    function liftHalt(address asset) external restricted {
        _resume(asset, _haltedAsset(asset));
    }

    /* SUCCESSION */

    /// @inheritdoc ICompliance
    function approveSuccessor(address successor_) external restricted {
        require(_successor == address(0), ComplianceSuccessionClosed(_successor));
        require(successor_ != address(0) && successor_.code.length == 0, ComplianceInvalidSuccessor(successor_));
        require(_serial != type(uint8).max, ComplianceSerialsExhausted(_serial));
        _approvedSuccessor = successor_;
        emit SuccessorApproved(successor_);
    }

    /// @inheritdoc ICompliance
    function claimSuccession() external returns (uint8 serial) {
        require(
            _successor == address(0) && msg.sender == _approvedSuccessor,
            ComplianceNotApprovedSuccessor(msg.sender, _approvedSuccessor)
        );
        _successor = msg.sender;
        // approveSuccessor refused the maximum serial: this cannot overflow.
        unchecked {
            serial = _serial + 1;
        }
        emit SuccessionClaimed(msg.sender, serial);
    }

    /* CHECKS */

    /// @inheritdoc ICompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        (Restriction code, , , ) = _evaluateUnknown(msg.sender, from, to, amount);
        return code == Restriction.None;
    }

    /// @inheritdoc ICompliance
    /// @dev Two filters in front of the one full evaluation, for configurations whose rules need nothing beyond the
    /// configuration word, the parties' words and the holder count. A filter decides only with the code the full
    /// evaluation would give; any doubt hands the check on, without the memos found stale. Filter 1, hot: both
    /// parties vouched for (a mint passes the recipient's memo twice) and no investor cap can apply; in the memos'
    /// epoch the market rules alone decide, and the store's epoch is the only read besides the configuration word.
    /// It is written inline: as a function of its own it costs ≈ 230 gas more. Filter 2, new holder
    /// (`_filterNewHolder`): the sender vouched for (or a mint), the recipient judged from its word.
    function checkTransfer(
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        uint88 toMemo,
        bool recipientHolds,
        uint256 holderCount
    ) external view returns (Restriction code, uint88 newFromMemo, uint88 newToMemo, Eligibility toWord) {
        if (to == address(0)) return (Restriction.None, fromMemo, toMemo, toWord);
        AssetConfig config = _configs[msg.sender];
        if (!config.isConfigured()) return (Restriction.AssetNotConfigured, 0, 0, toWord);

        if (!config.hasBalanceCapOrRules()) {
            if (
                (recipientHolds || config.maxInvestors() == 0) &&
                ComplianceMemoLib.bothHold(from, fromMemo, toMemo, config.version(), _serialBits)
            ) {
                // Filter 1, hot.
                if (toMemo.inEpoch(_eligibilityStore.epoch())) {
                    if (from == address(0)) return (Restriction.None, 0, toMemo, toWord);
                    (code, ) = _checkMarket(config);
                    if (code != Restriction.None) return (code, 0, 0, toWord);
                    return (Restriction.None, fromMemo, toMemo, toWord);
                }
                // Memos of an older epoch: the full evaluation reads both words in one call.
                fromMemo = 0;
                toMemo = 0;
            } else if (from == address(0) || fromMemo.holds(config.version(), _serialBits, false)) {
                // Filter 2, new holder.
                Filter filter;
                (filter, code, newToMemo, toWord) = _filterNewHolder(
                    config,
                    from,
                    to,
                    amount,
                    fromMemo,
                    recipientHolds,
                    holderCount
                );
                if (filter == Filter.Decided) {
                    if (code != Restriction.None) return (code, 0, 0, Eligibility.wrap(0));
                    return (code, from != address(0) ? fromMemo : 0, newToMemo, toWord);
                }
                if (filter == Filter.FullWithoutSenderMemo) fromMemo = 0;
            }
        }

        // The full evaluation, skipping the steps of the parties valid memos vouch for.
        return _checkFully(config, from, to, amount, fromMemo, toMemo, recipientHolds, holderCount);
    }

    /// @inheritdoc ICompliance
    /// @dev Per position: the party's steps of the evaluation (skipped when a valid memo vouches at the level
    /// asked), the market (read once), the caps as `_checkCaps` applies them to one recipient, then the external
    /// rules, which cannot judge a net position. A vouched position costs one calldata word and one masked
    /// comparison (`ComplianceMemoLib.vouches` against the key made once from the header); only the memos that
    /// change go back. Off the transfer path.
    // solhint-disable-next-line function-max-lines
    function checkNetPositions(
        uint256 holderCount,
        uint256[] calldata positions
    ) external view returns (Restriction code, uint256 index, uint256[] memory memos) {
        AssetConfig config = _configs[msg.sender];
        if (!config.isConfigured()) return (Restriction.AssetNotConfigured, 0, memos);
        // The key memos must match, and in one stack slot the store's header, the market's code and the fast
        // path's mode: baseline (bits 64–127), epoch (0–63), market (128–135), mode (136–137).
        uint256 key;
        uint256 header;
        {
            (uint64 baseline, uint64 epoch) = _eligibilityStore.header();
            (Restriction market, ) = _checkMarket(config);
            key = ComplianceMemoLib.key(epoch, config.version(), _serialBits);
            // When a party that passes passes the position (the market passes, no external rule): the fast path
            // passes over vouched senders (bit 136), and vouched recipients too when no cap can apply (bit 137).
            uint256 fast;
            if (market == Restriction.None && config.ruleCount() == 0) {
                fast = config.maxInvestors() == 0 && !config.hasBalanceCap() ? 3 : 1;
            }
            header = (fast << 136) | (uint256(market) << 128) | (uint256(baseline) << 64) | epoch;
        }
        memos = new uint256[](positions.length);
        uint256 changed;
        for (; index < positions.length; ++index) {
            if (header >> 136 != 0) {
                index = ComplianceMemoLib.firstUnvouched(positions, index, key, header >> 137 != 0);
                if (index == positions.length) break;
            }
            uint256 position = positions[index];
            if ((position >> NetPositionLib.ROLES_SHIFT) & 3 == 0) continue;
            {
                uint256 fresh;
                (code, fresh) = _checkNetParty(config, position, key, header);
                // At most one entry a position, so `changed` < `positions.length`; a refusal returns none.
                if (fresh != 0) memos[changed++] = (index << NetPositionLib.INDEX_SHIFT) | fresh;
            }
            if (code == Restriction.None) code = Restriction(uint8(header >> 128));
            if (code == Restriction.None && (position >> NetPositionLib.ROLES_SHIFT) & 1 != 0) {
                // The k-th new investor in order joined at `holderCount + k` (see the interface).
                code = _checkNetCaps(config, position, holderCount);
                if (position & NetPositionLib.NEW_INVESTOR != 0) ++holderCount;
            }
            if (code == Restriction.None && config.ruleCount() != 0) code = Restriction.ExternalRuleFailed;
            if (code != Restriction.None) return (code, index, new uint256[](0));
        }
        // Trim the list to the memos that changed (a shorter length over the same memory).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(memos, changed)
        }
        return (Restriction.None, 0, memos);
    }

    /// @inheritdoc ICompliance
    function detectTransferRestriction(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8) {
        (Restriction code, , , ) = _evaluateUnknown(asset, from, to, amount);
        return uint8(code);
    }

    /// @inheritdoc ICompliance
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        return ComplianceMessagesLib.messageFor(code);
    }

    /// @inheritdoc ICompliance
    function explainTransfer(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (Explanation memory explanation) {
        (Restriction code, address party, uint256 detail, uint8 ruleCode) = _evaluateUnknown(asset, from, to, amount);
        explanation.code = code;
        explanation.party = party;
        explanation.detail = detail;
        if (code == Restriction.ExternalRuleFailed) {
            IComplianceRule rule = _externalRules[asset][detail];
            explanation.rule = address(rule);
            explanation.ruleCode = ruleCode;
            explanation.message = ComplianceMessagesLib.ruleMessage(rule, ruleCode);
        } else {
            // Only the sentences on verification tell apart why a wallet is not verified.
            Eligibility word;
            if (code == Restriction.SenderNotVerified || code == Restriction.RecipientNotVerified) {
                word = _eligibilityStore.eligibilityOf(party);
            }
            explanation.message = ComplianceMessagesLib.sentence(code, party == from, word);
        }
    }

    /* VIEWS */

    /// @inheritdoc ICompliance
    function isConfigured(address asset) external view returns (bool) {
        return _configs[asset].isConfigured();
    }

    /// @inheritdoc ICompliance
    function rulesOf(address asset) external view returns (AssetRules memory) {
        AssetConfig config = _configs[asset];
        return
            AssetRules({
                requiredClaims: config.requiredClaims(),
                lockupUntil: _interfaceTime(config.lockupUntil()),
                maxInvestors: config.maxInvestors(),
                windowOpen: config.windowOpen(),
                windowClose: config.windowClose(),
                tradingDays: config.tradingDays(),
                countryAllowList: config.hasAllowList(),
                countryBlockList: config.hasBlockList(),
                maxBalance: config.hasBalanceCap()
            });
    }

    /// @inheritdoc ICompliance
    function configurationVersion(address asset) external view returns (uint16) {
        return _configs[asset].version();
    }

    /// @inheritdoc ICompliance
    function haltedUntil(address asset) external view returns (uint48) {
        return _interfaceTime(_configs[asset].haltedUntil());
    }

    /// @inheritdoc ICompliance
    function haltOf(address asset) external view returns (uint48 until, address by) {
        uint40 halt = _configs[asset].haltedUntil();
        if (halt <= block.timestamp) return (0, address(0));
        return (_interfaceTime(halt), _halters[asset]);
    }

    /// @inheritdoc ICompliance
    function isVenue(address asset, address exchange) external view returns (bool) {
        return _venues[asset][exchange];
    }

    /// @inheritdoc ICompliance
    function maxHaltDuration() external view returns (uint32) {
        return _maxHaltDuration;
    }

    /// @inheritdoc ICompliance
    function pipelineSerial() external view returns (uint8) {
        return _serial;
    }

    /// @inheritdoc ICompliance
    function predecessor() external view returns (ICompliance) {
        return _predecessor;
    }

    /// @inheritdoc ICompliance
    function successor() external view returns (address) {
        return _successor;
    }

    /// @inheritdoc ICompliance
    function maxBalanceOf(address asset) external view returns (uint256) {
        return _maxBalances[asset];
    }

    /// @inheritdoc ICompliance
    function isCountryAllowed(address asset, uint16 country) external view returns (bool) {
        return _isListed(_allowedCountries[asset], country);
    }

    /// @inheritdoc ICompliance
    function isCountryBlocked(address asset, uint16 country) external view returns (bool) {
        return _isListed(_blockedCountries[asset], country);
    }

    /// @inheritdoc ICompliance
    function externalRulesOf(address asset) external view returns (IComplianceRule[] memory rules) {
        uint256 count = _configs[asset].ruleCount();
        IComplianceRule[MAX_EXTERNAL_RULES] storage stored = _externalRules[asset];
        rules = new IComplianceRule[](count);
        for (uint256 i; i < count; ++i) {
            rules[i] = stored[i];
        }
    }

    /// @inheritdoc ICompliance
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    /// @inheritdoc ICompliance
    function eligibilityStore() external view returns (IEligibilityStore) {
        return _eligibilityStore;
    }

    /* EVALUATION */

    /// @dev The memo-less evaluation (`canTransfer`, `detectTransferRestriction`, `explainTransfer`): both words
    /// read, nothing vouched for, whether the recipient holds not known.
    function _evaluateUnknown(
        address asset,
        address from,
        address to,
        uint256 amount
    ) private view returns (Restriction, address, uint256, uint8) {
        if (to == address(0)) return (Restriction.None, address(0), 0, 0);
        AssetConfig config = _configs[asset];
        if (!config.isConfigured()) return (Restriction.AssetNotConfigured, address(0), 0, 0);
        Parties memory parties;
        parties.from = from;
        parties.to = to;
        parties.fromRead = true;
        parties.toRead = true;
        parties.holders = _UNKNOWN_HOLDERS;
        (parties.fromWord, parties.toWord, parties.baseline, parties.epoch) = _eligibilityStore.partiesAndHeaderOf(
            from,
            to
        );
        return _evaluate(asset, config, parties, amount, Holding.Unknown);
    }

    /// @dev Steps 3–10 of the pipeline, in the order documented on the contract (the caller has handled burns and
    /// unconfigured assets). Returns the first failing rule's code, the wallet it looked at, the figure behind it,
    /// and for an external rule its own code (`detail` is then the rule's index).
    function _evaluate(
        address asset,
        AssetConfig config,
        Parties memory parties,
        uint256 amount,
        Holding holding
    ) private view returns (Restriction code, address party, uint256 detail, uint8 ruleCode) {
        (code, party, detail) = _checkParties(asset, config, parties);
        if (code != Restriction.None) return (code, party, detail, 0);

        if (parties.from != address(0)) {
            (code, detail) = _checkMarket(config);
            if (code != Restriction.None) return (code, address(0), detail, 0);
        }

        if (config.maxInvestors() != 0 || config.hasBalanceCap()) {
            (code, detail) = _checkCaps(asset, config, parties, amount, holding);
            if (code != Restriction.None) return (code, parties.to, detail, 0);
        }

        uint256 ruleCount = config.ruleCount();
        if (ruleCount != 0) {
            (detail, ruleCode) = _checkExternalRules(asset, parties.from, parties.to, amount, ruleCount);
            if (ruleCode != 0) return (Restriction.ExternalRuleFailed, address(0), detail, ruleCode);
        }
        return (Restriction.None, address(0), 0, 0);
    }

    /// @dev `checkTransfer`'s full route: the evaluation `detectTransferRestriction` runs, skipping the steps of the
    /// parties the memos vouch for, then fresh memos for the parties it judged.
    function _checkFully(
        AssetConfig config,
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        uint88 toMemo,
        bool recipientHolds,
        uint256 holderCount
    ) private view returns (Restriction code, uint88 newFromMemo, uint88 newToMemo, Eligibility toWord) {
        Parties memory parties = _readParties(config, from, to, fromMemo, toMemo, recipientHolds);
        parties.holders = holderCount;
        (code, , , ) = _evaluate(msg.sender, config, parties, amount, recipientHolds ? Holding.Yes : Holding.No);
        if (code != Restriction.None) return (code, 0, 0, toWord);
        if (from != address(0)) {
            newFromMemo = parties.fromVouched ? fromMemo : _senderMemo(msg.sender, config, parties);
        }
        newToMemo = parties.toVouched ? toMemo : _recipientMemo(config, parties.toWord, parties.epoch);
        if (parties.toRead) toWord = parties.toWord;
    }

    /// @dev What `checkTransfer` learns from its memos and the store, in one store call: a party whose memo holds
    /// (expiry, version and level here; epoch once the header is read) is vouched for, and its word is read only
    /// when a cap needs it. A memo whose epoch is stale loses its vouching and its word is read (a second call to
    /// the store, now warm, only then).
    function _readParties(
        AssetConfig config,
        address from,
        address to,
        uint88 fromMemo,
        uint88 toMemo,
        bool recipientHolds
    ) private view returns (Parties memory parties) {
        parties.from = from;
        parties.to = to;
        bool transfer = from != address(0);
        parties.fromVouched = transfer && ComplianceMemoLib.holds(fromMemo, config.version(), _serialBits, false);
        parties.toVouched = ComplianceMemoLib.holds(toMemo, config.version(), _serialBits, true);

        // The caps need the recipient's wallet count when it holds nothing, and the balance cap both investor
        // indexes to tell two wallets of one investor apart.
        bool balanceCap = config.hasBalanceCap();
        bool bothIndexes = balanceCap && transfer && from != to;
        parties.fromRead = transfer && (!parties.fromVouched || bothIndexes);
        parties.toRead =
            !parties.toVouched ||
            bothIndexes ||
            (!recipientHolds && (balanceCap || config.maxInvestors() != 0));
        (parties.fromWord, parties.toWord, parties.baseline, parties.epoch) = _eligibilityStore.partiesAndHeaderOf(
            parties.fromRead ? from : address(0),
            parties.toRead ? to : address(0)
        );

        if (parties.fromVouched && !ComplianceMemoLib.inEpoch(fromMemo, parties.epoch)) {
            parties.fromVouched = false;
            if (!parties.fromRead) _readFrom(parties);
        }
        if (parties.toVouched && !ComplianceMemoLib.inEpoch(toMemo, parties.epoch)) {
            parties.toVouched = false;
            if (!parties.toRead) _readTo(parties);
        }
    }

    /// @dev Identity, claims and country rules, skipping the steps of a party a memo vouches for. The sender is
    /// checked only for transfers (`from` non-zero). The recipient's steps are `_recipientCode`'s; the sender's
    /// block-list step comes between the recipient's claims and its block-list steps (the documented order).
    function _checkParties(
        address asset,
        AssetConfig config,
        Parties memory parties
    ) private view returns (Restriction, address, uint256) {
        address from = parties.from;
        address to = parties.to;
        bool checkFrom = from != address(0) && !parties.fromVouched;
        Eligibility fromWord = parties.fromWord;
        Eligibility toWord = parties.toWord;
        if (checkFrom && !fromWord.isVerified(parties.baseline, block.timestamp)) {
            return (Restriction.SenderNotVerified, from, _unverifiedDetail(fromWord, parties.baseline));
        }
        Restriction toCode =
            parties.toVouched ? Restriction.None : _recipientCode(asset, config, parties.baseline, toWord);
        if (toCode == Restriction.RecipientNotVerified) {
            return (toCode, to, _unverifiedDetail(toWord, parties.baseline));
        }
        if (toCode == Restriction.RecipientMissingClaims) {
            return (toCode, to, config.requiredClaims() & ~toWord.claims());
        }
        if (checkFrom && config.hasBlockList() && _isListed(_blockedCountries[asset], fromWord.country())) {
            return (Restriction.CountryBlocked, from, fromWord.country());
        }
        // `CountryBlocked` or `CountryNotAllowed` for the recipient, or `None`.
        if (toCode != Restriction.None) return (toCode, to, toWord.country());
        return (Restriction.None, address(0), 0);
    }

    /// @dev The recipient's steps in order: verified, required claims, block-list, allow-list.
    function _recipientCode(
        address asset,
        AssetConfig config,
        uint64 baseline,
        Eligibility word
    ) private view returns (Restriction) {
        if (!word.isVerified(baseline, block.timestamp)) return Restriction.RecipientNotVerified;
        if (config.requiredClaims() & ~word.claims() != 0) return Restriction.RecipientMissingClaims;
        if (config.hasBlockList() && _isListed(_blockedCountries[asset], word.country())) {
            return Restriction.CountryBlocked;
        }
        if (config.hasAllowList() && !_isListed(_allowedCountries[asset], word.country())) {
            return Restriction.CountryNotAllowed;
        }
        return Restriction.None;
    }

    /// @dev `checkTransfer`'s second filter, for a mint or a sender its memo vouches for, to a recipient no memo
    /// vouches for: one store call reads the recipient's word and the header; the recipient's steps, the market
    /// rules and the investor cap by the wallet count decide. Hands on to the full evaluation when the sender's memo
    /// is of another epoch, or when the investor cap must tell whether a recipient with sibling wallets shares the
    /// sender's investor.
    function _filterNewHolder(
        AssetConfig config,
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        bool recipientHolds,
        uint256 holderCount
    ) private view returns (Filter, Restriction code, uint88 newToMemo, Eligibility toWord) {
        uint64 baseline;
        uint64 epoch;
        (, toWord, baseline, epoch) = _eligibilityStore.partiesAndHeaderOf(address(0), to);
        if (from != address(0) && !ComplianceMemoLib.inEpoch(fromMemo, epoch)) {
            return (Filter.FullWithoutSenderMemo, Restriction.None, 0, toWord);
        }
        code = _recipientCode(msg.sender, config, baseline, toWord);
        if (code == Restriction.None && from != address(0)) (code, ) = _checkMarket(config);
        if (code == Restriction.None && config.maxInvestors() != 0 && !recipientHolds && from != to) {
            // A recipient holding nothing whose investor has one wallet: a new investor, unless it is the sender's
            // (impossible: the sender's wallet would be a second one).
            if (toWord.walletCount() != 1) return (Filter.Full, Restriction.None, 0, toWord);
            code = _newInvestorCode(msg.sender, config.maxInvestors(), from, amount, holderCount);
        }
        if (code == Restriction.None) newToMemo = _recipientMemo(config, toWord, epoch);
        return (Filter.Decided, code, newToMemo, toWord);
    }

    /// @dev A packed net position's party steps, skipped when its memo vouches at the level its roles ask (recipient
    /// level when it receives) against `key` (`ComplianceMemoLib.key`, at the store's epoch); else its word is read
    /// and judged. `header` holds the store's baseline (bits 64–127) and epoch (bits 0–63). Returns the code and the
    /// memo to store when it changes (else 0: a memo this pipeline makes carries its non-zero serial).
    function _checkNetParty(
        AssetConfig config,
        uint256 position,
        uint256 key,
        uint256 header
    ) private view returns (Restriction, uint256) {
        uint256 roles = (position >> NetPositionLib.ROLES_SHIFT) & 3;
        uint88 memo = uint88(position >> NetPositionLib.MEMO_SHIFT);
        if (ComplianceMemoLib.vouches(memo, key, roles & 1 != 0)) return (Restriction.None, 0);
        (Restriction code, uint88 fresh) = _judgeNetParty(config, address(uint160(position)), roles, header);
        return (code, fresh == memo ? 0 : fresh);
    }

    /// @dev A net party no memo vouches for: its word read and judged at the level its `roles` ask (`header` as in
    /// `_checkNetParty`). Returns the code and its fresh memo.
    function _judgeNetParty(
        AssetConfig config,
        address account,
        uint256 roles,
        uint256 header
    ) private view returns (Restriction code, uint88 memo) {
        uint64 baseline = uint64(header >> 64);
        uint64 epoch = uint64(header);
        Eligibility word = _eligibilityStore.eligibilityOf(account);
        if (!word.isVerified(baseline, block.timestamp)) {
            return (roles & 2 != 0 ? Restriction.SenderNotVerified : Restriction.RecipientNotVerified, 0);
        }
        if (roles & 1 != 0) {
            return (_recipientCode(msg.sender, config, baseline, word), _recipientMemo(config, word, epoch));
        }
        if (config.hasBlockList() && _isListed(_blockedCountries[msg.sender], word.country())) {
            return (Restriction.CountryBlocked, 0);
        }
        return (Restriction.None, _senderMemoOf(msg.sender, config, word, epoch));
    }

    /// @dev A receiving packed net position's caps: the investor cap at the holder count `holders` it joined at (a
    /// new investor only), the balance cap on its investor's final balance (the asset's balances are final).
    function _checkNetCaps(AssetConfig config, uint256 position, uint256 holders) private view returns (Restriction) {
        uint256 maxInvestors = config.maxInvestors();
        if (position & NetPositionLib.NEW_INVESTOR != 0 && maxInvestors != 0 && holders >= maxInvestors) {
            return Restriction.MaxInvestorsReached;
        }
        if (
            config.hasBalanceCap() &&
            IComplianceSubject(msg.sender).investorBalanceOf(address(uint160(position))) > _maxBalances[msg.sender]
        ) return Restriction.MaxBalanceExceeded;
        return Restriction.None;
    }

    /// @dev Halts, lock-up and trading hours: rules on transfers between holders.
    function _checkMarket(AssetConfig config) private view returns (Restriction, uint256) {
        uint40 halt = config.haltedUntil();
        if (halt > block.timestamp) return (Restriction.TradingHalted, _interfaceTime(halt));
        uint40 lockup = config.lockupUntil();
        if (block.timestamp < lockup) return (Restriction.LockedUp, _interfaceTime(lockup));
        if (config.tradingDays() != 0 && !TradingCalendarLib.isTradingTime(config, block.timestamp)) {
            return (Restriction.OutsideTradingWindow, TradingCalendarLib.nextOpening(config, block.timestamp));
        }
        return (Restriction.None, 0);
    }

    /// @dev The investor and balance caps, which ask the asset (`IComplianceSubject`). Neither applies between two
    /// wallets of one investor. A recipient that holds (`Holding.Yes`) belongs to an investor that holds, so the
    /// investor cap cannot apply; one that does not and whose investor has a single wallet belongs to an investor
    /// holding nothing (`IComplianceSubject`), so only the holder count is compared with the cap.
    function _checkCaps(
        address asset,
        AssetConfig config,
        Parties memory parties,
        uint256 amount,
        Holding holding
    ) private view returns (Restriction, uint256) {
        bool balanceCap = config.hasBalanceCap();
        // A recipient that holds belongs to an investor that holds: only the balance cap could refuse.
        if (holding == Holding.Yes && !balanceCap) return (Restriction.None, 0);
        if (parties.from != address(0) && _sameInvestor(parties)) return (Restriction.None, 0);
        IComplianceSubject subject = IComplianceSubject(asset);
        uint256 toBalance;
        bool newInvestor;
        if (holding == Holding.Yes) {
            if (balanceCap) toBalance = subject.investorBalanceOf(parties.to);
        } else if (holding == Holding.No && parties.toWord.walletCount() == 1) {
            newInvestor = true;
        } else {
            toBalance = subject.investorBalanceOf(parties.to);
            newInvestor = toBalance == 0;
        }
        uint256 maxInvestors = config.maxInvestors();
        if (
            newInvestor &&
            maxInvestors != 0 &&
            _newInvestorCode(asset, maxInvestors, parties.from, amount, parties.holders) != Restriction.None
        ) {
            return (Restriction.MaxInvestorsReached, maxInvestors);
        }
        if (balanceCap) {
            uint256 cap = _maxBalances[asset];
            // Written to avoid overflowing toBalance + amount.
            if (amount > cap || toBalance > cap - amount) return (Restriction.MaxBalanceExceeded, cap);
        }
        return (Restriction.None, 0);
    }

    /// @dev Whether a new investor may join `asset` (capped at `maxInvestors`): the count grows unless the
    /// sender's investor leaves by sending everything (`amount` is its whole balance). `holders` is the asset's
    /// holder count as it told it, or `_UNKNOWN_HOLDERS` (the asset is asked).
    function _newInvestorCode(
        address asset,
        uint256 maxInvestors,
        address from,
        uint256 amount,
        uint256 holders
    ) private view returns (Restriction) {
        IComplianceSubject subject = IComplianceSubject(asset);
        if ((holders == _UNKNOWN_HOLDERS ? subject.holderCount() : holders) < maxInvestors) return Restriction.None;
        if (from != address(0) && subject.investorBalanceOf(from) == amount) return Restriction.None;
        return Restriction.MaxInvestorsReached;
    }

    /// @dev Whether the verified parties of a transfer are wallets of one investor. A recipient whose investor has
    /// a single wallet shares it with no other wallet; otherwise the investor indexes are compared, reading a word
    /// the memos let `_readParties` skip.
    function _sameInvestor(Parties memory parties) private view returns (bool) {
        if (parties.from == parties.to) return true;
        if (parties.toRead && parties.toWord.walletCount() == 1) return false;
        if (!parties.fromRead) _readFrom(parties);
        if (!parties.toRead) _readTo(parties);
        return parties.fromWord.investorIndex() == parties.toWord.investorIndex();
    }

    /// @dev Asks each external rule in order; returns the index and code of the first refusal, or (0, 0).
    function _checkExternalRules(
        address asset,
        address from,
        address to,
        uint256 amount,
        uint256 count
    ) private view returns (uint256 index, uint8 ruleCode) {
        IComplianceRule[MAX_EXTERNAL_RULES] storage rules = _externalRules[asset];
        for (uint256 i; i < count; ++i) {
            uint8 code = rules[i].detectTransferRestriction(asset, from, to, amount);
            if (code != 0) return (i, code);
        }
        return (0, 0);
    }

    /// @dev The detail of a failed verification: 0 when unregistered, the expiry when expired, else the
    /// baseline claims lacking.
    function _unverifiedDetail(Eligibility word, uint64 baseline) private view returns (uint256) {
        if (!word.isRegistered()) return 0;
        if (word.expiry() <= block.timestamp) return word.expiry();
        return baseline & ~word.claims();
    }

    /* MEMOS */

    /// @dev The recipient's fresh memo: it passed the recipient's steps.
    function _recipientMemo(AssetConfig config, Eligibility word, uint64 epoch) private view returns (uint88) {
        return ComplianceMemoLib.make(word.expiry(), epoch, config.version(), _serialBits, true);
    }

    /// @dev The sender's fresh memo: recipient level when it also holds the required claims and, with the
    /// allow-list on, comes from an allowed country (it passed the sender's steps already).
    function _senderMemo(address asset, AssetConfig config, Parties memory parties) private view returns (uint88) {
        return _senderMemoOf(asset, config, parties.fromWord, parties.epoch);
    }

    /// @dev The memo of a party with eligibility `word` that passed the sender's steps at `epoch`.
    function _senderMemoOf(
        address asset,
        AssetConfig config,
        Eligibility word,
        uint64 epoch
    ) private view returns (uint88) {
        bool recipientLevel =
            config.requiredClaims() & ~word.claims() == 0 &&
                (!config.hasAllowList() || _isListed(_allowedCountries[asset], word.country()));
        return ComplianceMemoLib.make(word.expiry(), epoch, config.version(), _serialBits, recipientLevel);
    }

    function _readFrom(Parties memory parties) private view {
        parties.fromWord = _eligibilityStore.eligibilityOf(parties.from);
        parties.fromRead = true;
    }

    function _readTo(Parties memory parties) private view {
        parties.toWord = _eligibilityStore.eligibilityOf(parties.to);
        parties.toRead = true;
    }

    /* INTERNALS */

    /// @dev Validates `rules` and packs them with the flags, halt and version kept or set by the caller.
    function _packRules(
        AssetRules calldata rules,
        uint8 keptFlags,
        uint40 halt,
        uint16 version
    ) private pure returns (AssetConfig) {
        require(
            TradingCalendarLib.isValidWindow(rules.windowOpen, rules.windowClose, rules.tradingDays),
            ComplianceInvalidTradingWindow(rules.windowOpen, rules.windowClose, rules.tradingDays)
        );
        uint8 flags = AssetConfigLib.CONFIGURED | keptFlags;
        if (rules.countryAllowList) flags |= AssetConfigLib.ALLOW_LIST;
        if (rules.countryBlockList) flags |= AssetConfigLib.BLOCK_LIST;
        if (rules.maxBalance) flags |= AssetConfigLib.BALANCE_CAP;
        return _rulesWord(rules).withHaltedUntil(halt).withFlagsAndVersion(flags, version);
    }

    /// @dev The rule fields of `rules` as a configuration word (halt, flags and version zero).
    function _rulesWord(AssetRules calldata rules) private pure returns (AssetConfig) {
        return
            AssetConfigLib.pack(
                rules.requiredClaims,
                _storedTime(rules.lockupUntil),
                rules.maxInvestors,
                rules.windowOpen,
                rules.windowClose,
                rules.tradingDays
            );
    }

    /// @dev Lists `countries` of a newly configured asset, whose lists are empty: each bitmap word is written once.
    function _listNew(
        address asset,
        mapping(uint256 => uint256) storage list,
        uint16[] calldata countries,
        bool allowList
    ) private {
        uint256[4] memory words;
        for (uint256 i; i < countries.length; ++i) {
            uint16 country = countries[i];
            require(country != 0 && country <= _MAX_COUNTRY, ComplianceInvalidCountry(country));
            words[country >> 8] |= uint256(1) << (country & 0xff);
            if (allowList) emit CountryAllowListChanged(asset, country, true);
            else emit CountryBlockListChanged(asset, country, true);
        }
        for (uint256 word; word < 4; ++word) {
            if (words[word] != 0) list[word] = words[word];
        }
    }

    /// @dev Records a halt of `asset` until `until` (in the future) by the caller.
    function _halt(address asset, AssetConfig config, uint48 until, bytes32 reason) private {
        _configs[asset] = config.withHaltedUntil(_storedTime(until));
        _halters[asset] = msg.sender;
        emit TradingHalted(asset, msg.sender, until, reason);
    }

    /// @dev Ends the halt in force on `asset`.
    function _resume(address asset, AssetConfig config) private {
        _configs[asset] = config.withHaltedUntil(0);
        delete _halters[asset];
        emit TradingResumed(asset, msg.sender);
    }

    /// @dev `asset`'s configuration, which must exist and have a halt in force.
    function _haltedAsset(address asset) private view returns (AssetConfig config) {
        config = _configuredAsset(asset);
        require(config.haltedUntil() > block.timestamp, ComplianceNotHalted(asset));
    }

    /// @dev `asset`'s configuration, which must exist.
    function _configuredAsset(address asset) private view returns (AssetConfig config) {
        config = _configs[asset];
        require(config.isConfigured(), ComplianceUnknownAsset(asset));
    }

    /// @dev Bumps the version of `asset`'s configuration, which must exist (I4).
    function _bumpVersion(address asset) private {
        AssetConfig config = _configuredAsset(asset);
        _configs[asset] = config.withFlagsAndVersion(config.flags(), _nextVersion(asset, config.version()));
    }

    /// @dev The version after `version`; reverts rather than wrap (a wrapped version could revive old memos).
    function _nextVersion(address asset, uint16 version) private pure returns (uint16) {
        require(version != type(uint16).max, ComplianceVersionExhausted(asset));
        // Just checked below the maximum.
        unchecked {
            return version + 1;
        }
    }

    /// @dev The stored form of an interface time: `type(uint48).max` ("until further notice") becomes
    /// `type(uint40).max`; any other time must be below it.
    function _storedTime(uint48 time) private pure returns (uint40) {
        if (time == type(uint48).max) return _FOREVER;
        require(time < _FOREVER, ComplianceTimeOutOfRange(time));
        return uint40(time);
    }

    /// @dev The interface form of a stored time (inverse of `_storedTime`).
    function _interfaceTime(uint40 time) private pure returns (uint48) {
        return time == _FOREVER ? type(uint48).max : time;
    }

    /// @dev Sets or clears `country`'s bit in a country bitmap.
    function _setListed(mapping(uint256 => uint256) storage list, uint16 country, bool listed) private {
        require(country != 0 && country <= _MAX_COUNTRY, ComplianceInvalidCountry(country));
        uint256 bit = uint256(1) << (country & 0xff);
        if (listed) list[country >> 8] |= bit;
        else list[country >> 8] &= ~bit;
    }

    /// @dev Whether `country`'s bit is set in a country bitmap (one SLOAD).
    function _isListed(mapping(uint256 => uint256) storage list, uint16 country) private view returns (bool) {
        return list[country >> 8] & (uint256(1) << (country & 0xff)) != 0;
    }
}
