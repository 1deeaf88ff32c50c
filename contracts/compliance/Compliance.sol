// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceRule} from "../interfaces/compliance/IComplianceRule.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";
import {AssetConfig, AssetConfigLib} from "../types/AssetConfig.sol";
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
/// Memos (`checkTransfer`). A party vouched for by a valid memo passed steps 3–7 as the sender (sender level:
/// verified, country not blocked) or as the recipient too (recipient level: also the required claims and the
/// allow-list); its steps are skipped. Skipping steps a party is known to pass never changes which step fails
/// first, so the code equals the memo-less evaluation's (I1). A memo is valid while
///  - the attestation expiry it recorded has not passed (recorded in 256-second units, rounded down: a memo may
///    lapse up to 255 s before the attestation does, never after),
///  - the identity registry's epoch is the one it recorded (the registry advances it on every change that can make
///    a wallet less eligible, so the party's index, country, claims and expiry and the baseline are unchanged),
///  - the asset's configuration version is the one it recorded (every write of the claims, lists or flags bumps it).
/// Memo layout (88 bits): bits 0–31 the expiry in 256-second units, 32–70 the low 39 bits of the epoch (2^39
/// registry calls — one per KYC-provider transaction that removes or changes something — cannot happen in the
/// chain's lifetime: 17 years at 1,000 such transactions per second), 71–86 the configuration version, 87 the
/// level (1 = recipient). A zero memo is never valid.
/// The caps need what memos do not record: when `recipientHolds` is false the recipient's word is read for its
/// investor's wallet count (one wallet holding nothing: a new investor, so only the holder count the asset passed
/// is compared with the cap; several: `investorBalanceOf(to)`), and the balance cap reads both words to tell two
/// wallets of one investor apart. The recipient's word, when read, goes back to the asset, whose holder accounting
/// needs it when the recipient starts holding.
///
/// `checkTransfer` takes the first route that applies; each gives the code of the full evaluation:
///  - hot: no balance cap, no external rule, the recipient's memo valid and for a transfer the sender's, and the
///    recipient holds (or no investor cap): reads the store's epoch only, then the market rules of the
///    configuration word;
///  - new holder: no balance cap, no external rule, the sender's memo valid (or a mint): one store call for the
///    recipient's word and the header, the recipient's steps, the market, and the investor cap by the wallet count
///    (a recipient whose investor has several wallets goes on to the full evaluation);
///  - full: the evaluation `detectTransferRestriction` runs, skipping the steps of the parties memos vouch for.
///
/// `Explanation.detail` per code: not verified → 0 when the wallet is unregistered, its expiry when expired,
/// else the baseline claims it lacks; `RecipientMissingClaims` → the missing claim bits; country codes → the
/// country; `TradingHalted` → the halt's end; `LockedUp` → the lock-up's end; `OutsideTradingWindow` → the next
/// time the window opens; `MaxInvestorsReached` → the cap; `MaxBalanceExceeded` → the cap; `ExternalRuleFailed`
/// → the rule's index in `externalRulesOf(asset)`.
///
/// Trading hours are UTC: the time of day is `block.timestamp % 1 days` and the weekday
/// `(block.timestamp / 1 days + 3) % 7` with 0 = Monday (1970-01-01 was a Thursday). A window with
/// `windowOpen > windowClose` runs overnight: on a trading day, times from `windowOpen` to midnight and from
/// midnight to `windowClose` are open.
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
/// - I4: `AssetConfig.version` grows by exactly one per configuration write (every restricted function but
///   `haltTrading` and `resumeTrading`) and never wraps; an unconfigured asset has version 0, lists, cap and rules
///   empty.
contract Compliance is ICompliance, AccessManaged {
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

    /// @dev What `_checkRecipient` decided: the answer, or the full evaluation to run (with the sender's memo
    /// dropped when it is of another epoch).
    enum Route {
        Decided,
        Full,
        FullSenderStale
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
    /// @dev Every weekday bit (Monday … Sunday) set.
    uint8 private constant _ALL_DAYS = (1 << 7) - 1;
    /// @dev The stored form of the interface's "until further notice" (`type(uint48).max`): configuration times
    /// are 40-bit (`AssetConfig`).
    uint40 private constant _FOREVER = type(uint40).max;
    /// @dev `Parties.holders` of the memo-less views: the asset is asked.
    uint256 private constant _UNKNOWN_HOLDERS = type(uint256).max;

    /// @dev Memo layout (see the contract's docs).
    uint256 private constant _MEMO_TIME_SHIFT = 8;
    uint256 private constant _MEMO_UNTIL_MASK = type(uint32).max;
    uint256 private constant _MEMO_EPOCH_SHIFT = 32;
    uint256 private constant _MEMO_EPOCH_MASK = (1 << 39) - 1;
    uint256 private constant _MEMO_VERSION_SHIFT = 71;
    uint256 private constant _MEMO_RECIPIENT = 1 << 87;
    /// @dev The epoch and version bits (32–86).
    uint256 private constant _MEMO_EPOCH_AND_VERSION = ((1 << 55) - 1) << _MEMO_EPOCH_SHIFT;

    IIdentityRegistry private immutable _identityRegistry;
    IEligibilityStore private immutable _eligibilityStore;

    /// @dev One word per asset (`AssetConfig`): the `AssetRules` fields, the halt, the flags and the version.
    mapping(address asset => AssetConfig) private _configs;
    mapping(address asset => uint256) private _maxBalances;
    /// @dev Country lists as bitmaps: country `c` is bit `c & 0xff` of word `c >> 8` (words 0–3 for 1–999).
    mapping(address asset => mapping(uint256 word => uint256 bits)) private _allowedCountries;
    mapping(address asset => mapping(uint256 word => uint256 bits)) private _blockedCountries;
    /// @dev A fixed array: indexing it needs no length read; the count lives in the configuration word.
    mapping(address asset => IComplianceRule[MAX_EXTERNAL_RULES]) private _externalRules;

    /// @param authority The alliance's AccessManager.
    /// @param registry The identity registry; its eligibility store is read on every check.
    constructor(address authority, IIdentityRegistry registry) AccessManaged(authority) {
        _identityRegistry = registry;
        _eligibilityStore = registry.eligibilityStore();
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
    /// @dev Leaves the configuration version (and so every memo) alone: halts are read on every check.
    function haltTrading(address asset, uint48 until, bytes32 reason) external restricted {
        AssetConfig config = _configuredAsset(asset);
        require(until > block.timestamp, ComplianceInvalidHalt(until, block.timestamp));
        _configs[asset] = config.withHaltedUntil(_storedTime(until));
        emit TradingHalted(asset, until, reason);
    }

    /// @inheritdoc ICompliance
    /// @dev Leaves the configuration version (and so every memo) alone.
    function resumeTrading(address asset) external restricted {
        AssetConfig config = _configuredAsset(asset);
        require(config.haltedUntil() > block.timestamp, ComplianceNotHalted(asset));
        _configs[asset] = config.withHaltedUntil(0);
        emit TradingResumed(asset);
    }

    /* CHECKS */

    /// @inheritdoc ICompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        (Restriction code, , , ) = _evaluateUnknown(msg.sender, from, to, amount);
        return code == Restriction.None;
    }

    /// @inheritdoc ICompliance
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
            // Any doubt falls through to the full evaluation below, which gives the same code. The hot path: both
            // parties vouched for, and no investor cap for a recipient that holds nothing: the epoch only is read.
            if (
                (recipientHolds || config.maxInvestors() == 0) &&
                _memosHold(from != address(0) ? fromMemo : toMemo, toMemo, config.version())
            ) {
                if (_memoInEpoch(toMemo, _eligibilityStore.epoch())) {
                    if (from == address(0)) return (Restriction.None, 0, toMemo, toWord);
                    (code, ) = _checkMarket(config);
                    if (code != Restriction.None) return (code, 0, 0, toWord);
                    return (Restriction.None, fromMemo, toMemo, toWord);
                }
                // The memos (of one epoch) are of an older one: they no longer vouch, and the full evaluation
                // reads both words in one call.
                fromMemo = 0;
                toMemo = 0;
            } else if (from == address(0) || _memoHolds(fromMemo, config.version(), false)) {
                // The new-holder path: the sender vouched for (or a mint), the recipient's word read.
                Route route;
                (route, code, newToMemo, toWord) = _checkRecipient(
                    config,
                    from,
                    to,
                    amount,
                    fromMemo,
                    recipientHolds,
                    holderCount
                );
                if (route == Route.Decided) {
                    if (code != Restriction.None) return (code, 0, 0, Eligibility.wrap(0));
                    return (code, from != address(0) ? fromMemo : 0, newToMemo, toWord);
                }
                if (route == Route.FullSenderStale) fromMemo = 0;
            }
        }

        return _checkFully(config, from, to, amount, fromMemo, toMemo, recipientHolds, holderCount);
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
        if (code > uint8(Restriction.AssetNotConfigured)) return "Unknown restriction code";
        Restriction restriction = Restriction(code);
        if (restriction == Restriction.None) return "No restriction";
        if (restriction == Restriction.SenderNotVerified) return "Sender is not a verified investor";
        if (restriction == Restriction.RecipientNotVerified) return "Recipient is not a verified investor";
        if (restriction == Restriction.RecipientMissingClaims) return "Recipient lacks a claim the asset requires";
        if (restriction == Restriction.CountryNotAllowed) return "Recipient's country is not allowed for the asset";
        if (restriction == Restriction.CountryBlocked) return "A party's country is blocked for the asset";
        if (restriction == Restriction.MaxInvestorsReached) return "The asset's maximum number of investors is reached";
        if (restriction == Restriction.MaxBalanceExceeded) return "Recipient would exceed the asset's per-investor cap";
        if (restriction == Restriction.LockedUp) return "The asset is in its lock-up period";
        if (restriction == Restriction.TradingHalted) return "Trading in the asset is halted";
        if (restriction == Restriction.OutsideTradingWindow) return "Transfer is outside the asset's trading hours";
        if (restriction == Restriction.ExternalRuleFailed) return "A custom compliance rule refused the transfer";
        return "The asset is not configured for compliance";
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
            explanation.message = _ruleMessage(rule, ruleCode);
        } else {
            explanation.message = _sentence(code, party, from);
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
        parties.fromVouched = transfer && _memoHolds(fromMemo, config.version(), false);
        parties.toVouched = _memoHolds(toMemo, config.version(), true);

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

        if (parties.fromVouched && !_memoInEpoch(fromMemo, parties.epoch)) {
            parties.fromVouched = false;
            if (!parties.fromRead) _readFrom(parties);
        }
        if (parties.toVouched && !_memoInEpoch(toMemo, parties.epoch)) {
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

    /// @dev `checkTransfer`'s new-holder path, for a configuration with no balance cap and no external rule and a
    /// sender its memo vouches for (or a mint): one store call reads the recipient's word and the header. Not
    /// decided — the caller then runs the full evaluation — when the sender's memo is of another epoch
    /// (`Route.FullSenderStale`), or when the investor cap must tell whether a recipient with sibling wallets
    /// shares the sender's investor (`Route.Full`).
    function _checkRecipient(
        AssetConfig config,
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        bool recipientHolds,
        uint256 holderCount
    ) private view returns (Route route, Restriction code, uint88 newToMemo, Eligibility toWord) {
        uint64 baseline;
        uint64 epoch;
        (, toWord, baseline, epoch) = _eligibilityStore.partiesAndHeaderOf(address(0), to);
        if (from != address(0) && !_memoInEpoch(fromMemo, epoch)) {
            return (Route.FullSenderStale, Restriction.None, 0, toWord);
        }
        code = _recipientCode(msg.sender, config, baseline, toWord);
        if (code == Restriction.None && from != address(0)) (code, ) = _checkMarket(config);
        if (code == Restriction.None && config.maxInvestors() != 0 && !recipientHolds && from != to) {
            // A recipient holding nothing whose investor has one wallet: a new investor, unless it is the sender's
            // (impossible: the sender's wallet would be a second one).
            if (toWord.walletCount() != 1) return (Route.Full, Restriction.None, 0, toWord);
            code = _newInvestorCode(msg.sender, config.maxInvestors(), from, amount, holderCount);
        }
        if (code == Restriction.None) newToMemo = _recipientMemo(config, toWord, epoch);
        return (Route.Decided, code, newToMemo, toWord);
    }

    /// @dev Halts, lock-up and trading hours: rules on transfers between holders.
    function _checkMarket(AssetConfig config) private view returns (Restriction, uint256) {
        uint40 halt = config.haltedUntil();
        if (halt > block.timestamp) return (Restriction.TradingHalted, _interfaceTime(halt));
        uint40 lockup = config.lockupUntil();
        if (block.timestamp < lockup) return (Restriction.LockedUp, _interfaceTime(lockup));
        if (config.tradingDays() != 0 && !_isTradingTime(config, block.timestamp)) {
            return (Restriction.OutsideTradingWindow, _nextOpening(config, block.timestamp));
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

    /// @dev Whether `time` falls within the asset's trading days and hours (`tradingDays` non-zero).
    function _isTradingTime(AssetConfig config, uint256 time) private pure returns (bool) {
        if (uint256(config.tradingDays()) & (uint256(1) << _weekday(time / 1 days)) == 0) return false;
        uint256 timeOfDay = time % 1 days;
        uint256 open = config.windowOpen();
        uint256 close = config.windowClose();
        if (open < close) return timeOfDay >= open && timeOfDay < close;
        return timeOfDay >= open || timeOfDay < close;
    }

    /// @dev The first time after `time` at which trading opens (`time` being outside the window). Some weekday is
    /// set, so one comes within a week.
    function _nextOpening(AssetConfig config, uint256 time) private pure returns (uint256) {
        uint256 today = time / 1 days;
        uint256 open = config.windowOpen();
        uint256 close = config.windowClose();
        // An overnight window (closing after midnight) is open from a trading day's midnight.
        bool openAtMidnight = open > close && close != 0;
        for (uint256 day = today; day <= today + 7; ++day) {
            if (uint256(config.tradingDays()) & (uint256(1) << _weekday(day)) == 0) continue;
            uint256 midnight = day * 1 days;
            if (openAtMidnight && midnight > time) return midnight;
            if (midnight + open > time) return midnight + open;
        }
        return 0;
    }

    /// @dev The weekday of the day `day` days after 1970-01-01 (a Thursday), 0 = Monday.
    function _weekday(uint256 day) private pure returns (uint256) {
        return (day + 3) % 7;
    }

    /// @dev The detail of a failed verification: 0 when unregistered, the expiry when expired, else the
    /// baseline claims lacking.
    function _unverifiedDetail(Eligibility word, uint64 baseline) private view returns (uint256) {
        if (!word.isRegistered()) return 0;
        if (word.expiry() <= block.timestamp) return word.expiry();
        return baseline & ~word.claims();
    }

    /* EXPLANATIONS */

    /// @dev The sentence `explainTransfer` gives for a built-in rule.
    function _sentence(Restriction code, address party, address from) private view returns (string memory) {
        if (code == Restriction.None) return "the transfer is allowed";
        if (code == Restriction.SenderNotVerified || code == Restriction.RecipientNotVerified) {
            string memory who = code == Restriction.SenderNotVerified ? "sender" : "recipient";
            Eligibility word = _eligibilityStore.eligibilityOf(party);
            if (!word.isRegistered()) {
                return string.concat("the ", who, "'s wallet is not registered in the identity registry");
            }
            if (word.expiry() <= block.timestamp) {
                return string.concat("the ", who, "'s identity attestation has expired");
            }
            return string.concat("the ", who, " lacks claims every verified investor must hold");
        }
        if (code == Restriction.RecipientMissingClaims) return "the recipient lacks claims the asset requires";
        if (code == Restriction.CountryBlocked) {
            return
                party == from
                    ? "the sender's country is on the asset's block-list"
                    : "the recipient's country is on the asset's block-list";
        }
        if (code == Restriction.CountryNotAllowed) return "the recipient's country is not on the asset's allow-list";
        if (code == Restriction.MaxInvestorsReached) {
            return "the recipient would be a new investor beyond the asset's cap on investors";
        }
        if (code == Restriction.MaxBalanceExceeded) {
            return "the recipient's investor would hold more than the asset's per-investor cap";
        }
        if (code == Restriction.LockedUp) return "the asset's lock-up period has not ended";
        if (code == Restriction.TradingHalted) return "trading in the asset is halted";
        if (code == Restriction.OutsideTradingWindow) return "the transfer falls outside the asset's trading hours";
        return "the asset has no compliance configuration";
    }

    /// @dev An external rule's own message for its code; the generic sentence if the rule cannot give one.
    function _ruleMessage(IComplianceRule rule, uint8 ruleCode) private view returns (string memory) {
        try rule.messageForTransferRestriction(ruleCode) returns (string memory message) {
            return message;
        } catch {
            return "a custom compliance rule refused the transfer";
        }
    }

    /* MEMOS */

    /// @dev A memo for a party verified at `epoch` under configuration `version`, until its attestation `expiry`.
    function _memo(uint48 expiry, uint64 epoch, uint16 version, bool recipientLevel) private pure returns (uint88) {
        uint256 until = uint256(expiry) >> _MEMO_TIME_SHIFT;
        if (until > _MEMO_UNTIL_MASK) until = _MEMO_UNTIL_MASK;
        uint256 memo =
            until |
                ((uint256(epoch) & _MEMO_EPOCH_MASK) << _MEMO_EPOCH_SHIFT) |
                (uint256(version) << _MEMO_VERSION_SHIFT);
        if (recipientLevel) memo |= _MEMO_RECIPIENT;
        // Every field was masked to its width: the memo fits 88 bits.
        return uint88(memo);
    }

    /// @dev The recipient's fresh memo: it passed the recipient's steps.
    function _recipientMemo(AssetConfig config, Eligibility word, uint64 epoch) private pure returns (uint88) {
        return _memo(word.expiry(), epoch, config.version(), true);
    }

    /// @dev The sender's fresh memo: recipient level when it also holds the required claims and, with the
    /// allow-list on, comes from an allowed country (it passed the sender's steps already).
    function _senderMemo(address asset, AssetConfig config, Parties memory parties) private view returns (uint88) {
        Eligibility word = parties.fromWord;
        bool recipientLevel =
            config.requiredClaims() & ~word.claims() == 0 &&
                (!config.hasAllowList() || _isListed(_allowedCountries[asset], word.country()));
        return _memo(word.expiry(), parties.epoch, config.version(), recipientLevel);
    }

    /// @dev Whether `memo` holds now for configuration `version` at the level asked (the epoch is checked once the
    /// store has been read). A zero memo never holds (its expiry is 0).
    function _memoHolds(uint88 memo, uint16 version, bool recipientLevel) private view returns (bool) {
        uint256 m = memo;
        return
            block.timestamp < (m & _MEMO_UNTIL_MASK) << _MEMO_TIME_SHIFT &&
            uint16(m >> _MEMO_VERSION_SHIFT) == version &&
            (!recipientLevel || m & _MEMO_RECIPIENT != 0);
    }

    /// @dev Whether a sender's and a recipient's memo both hold now for configuration `version` and were made at
    /// one epoch (so checking the recipient's epoch checks both). A mint passes the recipient's memo twice.
    function _memosHold(uint88 fromMemo, uint88 toMemo, uint16 version) private view returns (bool) {
        uint256 f = fromMemo;
        uint256 t = toMemo;
        uint256 until = f & _MEMO_UNTIL_MASK;
        if (t & _MEMO_UNTIL_MASK < until) until = t & _MEMO_UNTIL_MASK;
        return
            t & _MEMO_RECIPIENT != 0 &&
            (f ^ t) & _MEMO_EPOCH_AND_VERSION == 0 &&
            uint16(t >> _MEMO_VERSION_SHIFT) == version &&
            block.timestamp < until << _MEMO_TIME_SHIFT;
    }

    /// @dev Whether `memo` was made at the store's current `epoch` (compared on the memo's 39 bits).
    function _memoInEpoch(uint88 memo, uint64 epoch) private pure returns (bool) {
        return (uint256(memo) >> _MEMO_EPOCH_SHIFT) & _MEMO_EPOCH_MASK == uint256(epoch) & _MEMO_EPOCH_MASK;
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
        if (rules.tradingDays != 0) {
            require(
                rules.windowOpen < 1 days &&
                    rules.windowClose < 1 days &&
                    rules.windowOpen != rules.windowClose &&
                    rules.tradingDays <= _ALL_DAYS,
                ComplianceInvalidTradingWindow(rules.windowOpen, rules.windowClose, rules.tradingDays)
            );
        }
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
