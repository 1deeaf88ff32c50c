// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceRule} from "../interfaces/compliance/IComplianceRule.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";
import {Eligibility} from "../types/Eligibility.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title Compliance
/// @notice The alliance's one compliance pipeline: per asset, a packed configuration of built-in rules and up to
/// `MAX_EXTERNAL_RULES` custom rule contracts, evaluated on every balance change and explained on request.
/// @dev Deliberately a plain contract, not an upgradeable proxy: every transfer of every asset calls it, and the
/// transfer hot path must not pay a proxy hop (≈ 4.7 k gas, DESIGN.md §6). Its state is configuration only, so a
/// new version is deployed and re-pointed to rather than upgraded in place.
///
/// Evaluation order (the first failing rule wins; `canTransfer`, `detectTransferRestriction` and
/// `explainTransfer` share one internal evaluation):
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
/// Gas: a check reads one configuration word (`AssetConfig`, exactly 256 bits), both parties' eligibility words
/// and the baseline claims from the eligibility store (one call to a plain contract, no proxy hop; nothing is
/// cached, so nothing can go stale), one country-list word per listed party, and calls the asset or rule
/// contracts only when a cap or an external rule is on.
///
/// Invariants:
/// - I1: `detectTransferRestriction(asset, …) == 0` iff `canTransfer(…)` called by `asset` is true, iff
///   `explainTransfer(asset, …).code == Restriction.None`.
/// - I2: an unconfigured asset allows nothing but burns.
/// - I3: no asset has more than `MAX_EXTERNAL_RULES` external rules; the count in `AssetConfig.flags` equals the
///   number of non-zero entries at the front of the asset's rule array, and the entries after them are zero.
contract Compliance is ICompliance, AccessManaged {
    /// @dev One asset's configuration in a single storage word (64+48+48+32+24+24+8+8 = 256 bits): the
    /// `AssetRules` fields, the halt, and `flags` (bit 0 configured, bit 1 allow-list, bit 2 block-list, bit 3
    /// per-investor balance cap, bits 4–7 the number of external rules).
    struct AssetConfig {
        uint64 requiredClaims;
        uint48 lockupUntil;
        uint48 haltedUntil;
        uint32 maxInvestors;
        uint24 windowOpen;
        uint24 windowClose;
        uint8 tradingDays;
        uint8 flags;
    }

    /// @inheritdoc ICompliance
    uint256 public constant MAX_EXTERNAL_RULES = 8;

    uint8 private constant _CONFIGURED = 1 << 0;
    uint8 private constant _ALLOW_LIST = 1 << 1;
    uint8 private constant _BLOCK_LIST = 1 << 2;
    uint8 private constant _MAX_BALANCE = 1 << 3;
    uint8 private constant _RULE_COUNT_SHIFT = 4;
    /// @dev One external rule in the count field: `1 << _RULE_COUNT_SHIFT`.
    uint8 private constant _RULE_COUNT_ONE = 1 << 4;
    uint8 private constant _FLAGS_MASK = _RULE_COUNT_ONE - 1;
    uint16 private constant _MAX_COUNTRY = 999;
    /// @dev Every weekday bit (Monday … Sunday) set.
    uint8 private constant _ALL_DAYS = (1 << 7) - 1;

    IIdentityRegistry private immutable _identityRegistry;
    IEligibilityStore private immutable _eligibilityStore;

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
        if (rules.tradingDays != 0) {
            require(
                rules.windowOpen < 1 days &&
                    rules.windowClose < 1 days &&
                    rules.windowOpen != rules.windowClose &&
                    rules.tradingDays <= _ALL_DAYS,
                ComplianceInvalidTradingWindow(rules.windowOpen, rules.windowClose, rules.tradingDays)
            );
        }
        AssetConfig storage config = _configs[asset];
        // The halt in force and the external rules are kept.
        uint8 flags = _CONFIGURED | (config.flags & ~_FLAGS_MASK);
        if (rules.countryAllowList) flags |= _ALLOW_LIST;
        if (rules.countryBlockList) flags |= _BLOCK_LIST;
        if (rules.maxBalance) flags |= _MAX_BALANCE;
        _configs[asset] = AssetConfig({
            requiredClaims: rules.requiredClaims,
            lockupUntil: rules.lockupUntil,
            haltedUntil: config.haltedUntil,
            maxInvestors: rules.maxInvestors,
            windowOpen: rules.windowOpen,
            windowClose: rules.windowClose,
            tradingDays: rules.tradingDays,
            flags: flags
        });
        emit AssetConfigured(asset, rules);
    }

    /// @inheritdoc ICompliance
    function setMaxBalance(address asset, uint256 maxBalance) external restricted {
        _configuredAsset(asset);
        _maxBalances[asset] = maxBalance;
        emit MaxBalanceSet(asset, maxBalance);
    }

    /// @inheritdoc ICompliance
    function setCountriesAllowed(address asset, uint16[] calldata countries, bool allowed) external restricted {
        _configuredAsset(asset);
        require(countries.length != 0, ComplianceEmptyCountryList());
        mapping(uint256 => uint256) storage list = _allowedCountries[asset];
        for (uint256 i; i < countries.length; ++i) {
            _setListed(list, countries[i], allowed);
            emit CountryAllowListChanged(asset, countries[i], allowed);
        }
    }

    /// @inheritdoc ICompliance
    function setCountriesBlocked(address asset, uint16[] calldata countries, bool blocked) external restricted {
        _configuredAsset(asset);
        require(countries.length != 0, ComplianceEmptyCountryList());
        mapping(uint256 => uint256) storage list = _blockedCountries[asset];
        for (uint256 i; i < countries.length; ++i) {
            _setListed(list, countries[i], blocked);
            emit CountryBlockListChanged(asset, countries[i], blocked);
        }
    }

    /// @inheritdoc ICompliance
    function addExternalRule(address asset, IComplianceRule rule) external restricted {
        AssetConfig storage config = _configuredAsset(asset);
        require(address(rule).code.length != 0, ComplianceInvalidRule(address(rule)));
        IComplianceRule[MAX_EXTERNAL_RULES] storage rules = _externalRules[asset];
        uint8 flags = config.flags;
        uint256 count = flags >> _RULE_COUNT_SHIFT;
        for (uint256 i; i < count; ++i) {
            require(rules[i] != rule, ComplianceRuleAlreadyAdded(asset, rule));
        }
        require(count < MAX_EXTERNAL_RULES, ComplianceTooManyRules(asset, MAX_EXTERNAL_RULES));
        rules[count] = rule;
        // count < 8 was just checked, so the count field (bits 4–7) becomes at most 8 and cannot overflow a byte.
        unchecked {
            config.flags = flags + _RULE_COUNT_ONE;
        }
        emit ExternalRuleAdded(asset, rule);
    }

    /// @inheritdoc ICompliance
    function removeExternalRule(address asset, IComplianceRule rule) external restricted {
        AssetConfig storage config = _configuredAsset(asset);
        IComplianceRule[MAX_EXTERNAL_RULES] storage rules = _externalRules[asset];
        uint8 flags = config.flags;
        uint256 count = flags >> _RULE_COUNT_SHIFT;
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
            config.flags = flags - _RULE_COUNT_ONE;
        }
        emit ExternalRuleRemoved(asset, rule);
    }

    /// @inheritdoc ICompliance
    function haltTrading(address asset, uint48 until, bytes32 reason) external restricted {
        AssetConfig storage config = _configuredAsset(asset);
        require(until > block.timestamp, ComplianceInvalidHalt(until, block.timestamp));
        config.haltedUntil = until;
        emit TradingHalted(asset, until, reason);
    }

    /// @inheritdoc ICompliance
    function resumeTrading(address asset) external restricted {
        AssetConfig storage config = _configuredAsset(asset);
        require(config.haltedUntil > block.timestamp, ComplianceNotHalted(asset));
        config.haltedUntil = 0;
        emit TradingResumed(asset);
    }

    /* CHECKS */

    /// @inheritdoc ICompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        (Restriction code, , , ) = _evaluate(msg.sender, from, to, amount);
        return code == Restriction.None;
    }

    /// @inheritdoc ICompliance
    function checkTransfer(
        address from,
        address to,
        uint256 amount,
        uint88,
        uint88,
        bool
    ) external view returns (Restriction code, uint88, uint88) {
        (code, , , ) = _evaluate(msg.sender, from, to, amount);
        return (code, 0, 0);
    }

    /// @inheritdoc ICompliance
    function detectTransferRestriction(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8) {
        (Restriction code, , , ) = _evaluate(asset, from, to, amount);
        return uint8(code);
    }

    /// @inheritdoc ICompliance
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        if (code > uint8(type(Restriction).max)) return "Unknown restriction code";
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
        (Restriction code, address party, uint256 detail, uint8 ruleCode) = _evaluate(asset, from, to, amount);
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
        return _configs[asset].flags & _CONFIGURED != 0;
    }

    /// @inheritdoc ICompliance
    function rulesOf(address asset) external view returns (AssetRules memory) {
        AssetConfig memory config = _configs[asset];
        return
            AssetRules({
                requiredClaims: config.requiredClaims,
                lockupUntil: config.lockupUntil,
                maxInvestors: config.maxInvestors,
                windowOpen: config.windowOpen,
                windowClose: config.windowClose,
                tradingDays: config.tradingDays,
                countryAllowList: config.flags & _ALLOW_LIST != 0,
                countryBlockList: config.flags & _BLOCK_LIST != 0,
                maxBalance: config.flags & _MAX_BALANCE != 0
            });
    }

    /// @inheritdoc ICompliance
    function haltedUntil(address asset) external view returns (uint48) {
        return _configs[asset].haltedUntil;
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
        uint256 count = _configs[asset].flags >> _RULE_COUNT_SHIFT;
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

    /// @dev The pipeline, in the order documented on the contract. Returns the first failing rule's code, the
    /// wallet it looked at, the figure behind it, and for an external rule its own code (`detail` is then the
    /// rule's index).
    function _evaluate(
        address asset,
        address from,
        address to,
        uint256 amount
    ) private view returns (Restriction code, address party, uint256 detail, uint8 ruleCode) {
        if (to == address(0)) return (Restriction.None, address(0), 0, 0);
        AssetConfig memory config = _configs[asset];
        if (config.flags & _CONFIGURED == 0) return (Restriction.AssetNotConfigured, address(0), 0, 0);

        (Eligibility fromWord, Eligibility toWord, uint64 baseline) = _eligibilityStore.partiesOf(from, to);
        (code, party, detail) = _checkParties(asset, config, baseline, from, fromWord, to, toWord);
        if (code != Restriction.None) return (code, party, detail, 0);

        if (from != address(0)) {
            (code, detail) = _checkMarket(config);
            if (code != Restriction.None) return (code, address(0), detail, 0);
        }

        if (config.maxInvestors != 0 || config.flags & _MAX_BALANCE != 0) {
            // Both parties are verified here, so equal indexes mean one investor, never two unregistered wallets.
            bool sameInvestor = from != address(0) && fromWord.investorIndex() == toWord.investorIndex();
            if (!sameInvestor) {
                (code, detail) = _checkCaps(asset, config, from, to, amount);
                if (code != Restriction.None) return (code, to, detail, 0);
            }
        }

        uint256 ruleCount = config.flags >> _RULE_COUNT_SHIFT;
        if (ruleCount != 0) {
            (detail, ruleCode) = _checkExternalRules(asset, from, to, amount, ruleCount);
            if (ruleCode != 0) return (Restriction.ExternalRuleFailed, address(0), detail, ruleCode);
        }
        return (Restriction.None, address(0), 0, 0);
    }

    /// @dev Identity, claims and country rules. The sender is checked only for transfers (`from` non-zero).
    function _checkParties(
        address asset,
        AssetConfig memory config,
        uint64 baseline,
        address from,
        Eligibility fromWord,
        address to,
        Eligibility toWord
    ) private view returns (Restriction, address, uint256) {
        if (from != address(0) && !fromWord.isVerified(baseline, block.timestamp)) {
            return (Restriction.SenderNotVerified, from, _unverifiedDetail(fromWord, baseline));
        }
        if (!toWord.isVerified(baseline, block.timestamp)) {
            return (Restriction.RecipientNotVerified, to, _unverifiedDetail(toWord, baseline));
        }
        uint64 missing = config.requiredClaims & ~toWord.claims();
        if (missing != 0) return (Restriction.RecipientMissingClaims, to, missing);
        if (config.flags & _BLOCK_LIST != 0) {
            mapping(uint256 => uint256) storage blocked = _blockedCountries[asset];
            if (from != address(0) && _isListed(blocked, fromWord.country())) {
                return (Restriction.CountryBlocked, from, fromWord.country());
            }
            if (_isListed(blocked, toWord.country())) return (Restriction.CountryBlocked, to, toWord.country());
        }
        if (config.flags & _ALLOW_LIST != 0 && !_isListed(_allowedCountries[asset], toWord.country())) {
            return (Restriction.CountryNotAllowed, to, toWord.country());
        }
        return (Restriction.None, address(0), 0);
    }

    /// @dev Halts, lock-up and trading hours: rules on transfers between holders.
    function _checkMarket(AssetConfig memory config) private view returns (Restriction, uint256) {
        if (config.haltedUntil > block.timestamp) return (Restriction.TradingHalted, config.haltedUntil);
        if (block.timestamp < config.lockupUntil) return (Restriction.LockedUp, config.lockupUntil);
        if (config.tradingDays != 0 && !_isTradingTime(config, block.timestamp)) {
            return (Restriction.OutsideTradingWindow, _nextOpening(config, block.timestamp));
        }
        return (Restriction.None, 0);
    }

    /// @dev The investor and balance caps, which ask the asset (`IComplianceSubject`). Not called between two
    /// wallets of one investor.
    function _checkCaps(
        address asset,
        AssetConfig memory config,
        address from,
        address to,
        uint256 amount
    ) private view returns (Restriction, uint256) {
        IComplianceSubject subject = IComplianceSubject(asset);
        uint256 toBalance = subject.investorBalanceOf(to);
        if (config.maxInvestors != 0 && toBalance == 0) {
            // A new investor joins; the count grows unless the sender's investor leaves by sending everything.
            bool senderLeaves = from != address(0) && subject.investorBalanceOf(from) == amount;
            if (!senderLeaves && subject.holderCount() >= config.maxInvestors) {
                return (Restriction.MaxInvestorsReached, config.maxInvestors);
            }
        }
        if (config.flags & _MAX_BALANCE != 0) {
            uint256 cap = _maxBalances[asset];
            // Written to avoid overflowing toBalance + amount.
            if (amount > cap || toBalance > cap - amount) return (Restriction.MaxBalanceExceeded, cap);
        }
        return (Restriction.None, 0);
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
    function _isTradingTime(AssetConfig memory config, uint256 time) private pure returns (bool) {
        if (uint256(config.tradingDays) & (uint256(1) << _weekday(time / 1 days)) == 0) return false;
        uint256 timeOfDay = time % 1 days;
        if (config.windowOpen < config.windowClose) {
            return timeOfDay >= config.windowOpen && timeOfDay < config.windowClose;
        }
        return timeOfDay >= config.windowOpen || timeOfDay < config.windowClose;
    }

    /// @dev The first time after `time` at which trading opens (`time` being outside the window). Some weekday is
    /// set, so one comes within a week.
    function _nextOpening(AssetConfig memory config, uint256 time) private pure returns (uint256) {
        uint256 today = time / 1 days;
        for (uint256 day = today; day <= today + 7; ++day) {
            if (uint256(config.tradingDays) & (uint256(1) << _weekday(day)) == 0) continue;
            uint256 midnight = day * 1 days;
            // An overnight window (closing after midnight) is open from a trading day's midnight.
            bool openAtMidnight = config.windowOpen > config.windowClose && config.windowClose != 0;
            if (openAtMidnight && midnight > time) return midnight;
            if (midnight + config.windowOpen > time) return midnight + config.windowOpen;
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

    /* INTERNALS */

    /// @dev `asset`'s configuration, which must exist.
    function _configuredAsset(address asset) private view returns (AssetConfig storage config) {
        config = _configs[asset];
        require(config.flags & _CONFIGURED != 0, ComplianceUnknownAsset(asset));
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
