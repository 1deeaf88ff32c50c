// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice One asset's compliance configuration, packed in a single storage word the pipeline reads once per
/// check (64+40+40+32+24+24+8+8+16 = 256 bits):
///
/// | bits    | field          | meaning                                                                  |
/// | ------- | -------------- | ------------------------------------------------------------------------ |
/// | 0–63    | requiredClaims | claims the recipient must hold besides the registry's baseline          |
/// | 64–103  | lockupUntil    | no transfer between holders before this time (`type(uint40).max`: ever)  |
/// | 104–143 | haltedUntil    | trading halted until this time (`type(uint40).max`: until resumed)      |
/// | 144–175 | maxInvestors   | the most investors that may hold (0: no cap)                             |
/// | 176–199 | windowOpen     | trading opens this many seconds after 00:00 UTC                          |
/// | 200–223 | windowClose    | trading closes this many seconds after 00:00 UTC                         |
/// | 224–231 | tradingDays    | UTC weekdays with trading, bit 0 Monday (0: no hours rule)               |
/// | 232–239 | flags          | bit 0 configured, 1 allow-list, 2 block-list, 3 balance cap, 4–7 rules   |
/// | 240–255 | version        | configuration writes so far (memos carry it)                             |
///
/// @dev A value type rather than a struct so that a check loads the word onto the stack once and reads fields
/// with a shift and a mask, without unpacking every field into memory. The layout is the one Solidity gives the
/// equivalent struct, so the storage slot reads the same either way.
type AssetConfig is uint256;

using AssetConfigLib for AssetConfig global;

/// @title AssetConfigLib
/// @notice Packs and reads the `AssetConfig` word.
library AssetConfigLib {
    /// @notice Flag bits (bits 232–239 of the word, read through `flags`).
    uint8 internal constant CONFIGURED = 1 << 0;
    uint8 internal constant ALLOW_LIST = 1 << 1;
    uint8 internal constant BLOCK_LIST = 1 << 2;
    uint8 internal constant BALANCE_CAP = 1 << 3;
    /// @notice The external-rule count occupies the flags' upper four bits.
    uint8 internal constant RULE_COUNT_SHIFT = 4;
    /// @notice One external rule in the count field.
    uint8 internal constant RULE_COUNT_ONE = uint8(1) << RULE_COUNT_SHIFT;
    /// @notice The flag bits that are not the rule count.
    uint8 internal constant FLAGS_MASK = RULE_COUNT_ONE - 1;

    uint256 private constant _LOCKUP_SHIFT = 64;
    uint256 private constant _HALT_SHIFT = 104;
    uint256 private constant _MAX_INVESTORS_SHIFT = 144;
    uint256 private constant _WINDOW_OPEN_SHIFT = 176;
    uint256 private constant _WINDOW_CLOSE_SHIFT = 200;
    uint256 private constant _TRADING_DAYS_SHIFT = 224;
    uint256 private constant _FLAGS_SHIFT = 232;
    uint256 private constant _VERSION_SHIFT = 240;

    /// @notice Packs the rule fields of a configuration word; the halt, flags and version are zero (set them with
    /// `withHaltedUntil` and `withFlagsAndVersion`).
    function pack(
        uint64 requiredClaims_,
        uint40 lockupUntil_,
        uint32 maxInvestors_,
        uint24 windowOpen_,
        uint24 windowClose_,
        uint8 tradingDays_
    ) internal pure returns (AssetConfig) {
        return
            AssetConfig.wrap(
                uint256(requiredClaims_) |
                    (uint256(lockupUntil_) << _LOCKUP_SHIFT) |
                    (uint256(maxInvestors_) << _MAX_INVESTORS_SHIFT) |
                    (uint256(windowOpen_) << _WINDOW_OPEN_SHIFT) |
                    (uint256(windowClose_) << _WINDOW_CLOSE_SHIFT) |
                    (uint256(tradingDays_) << _TRADING_DAYS_SHIFT)
            );
    }

    function requiredClaims(AssetConfig c) internal pure returns (uint64) {
        return uint64(AssetConfig.unwrap(c));
    }

    function lockupUntil(AssetConfig c) internal pure returns (uint40) {
        return uint40(AssetConfig.unwrap(c) >> _LOCKUP_SHIFT);
    }

    function haltedUntil(AssetConfig c) internal pure returns (uint40) {
        return uint40(AssetConfig.unwrap(c) >> _HALT_SHIFT);
    }

    function maxInvestors(AssetConfig c) internal pure returns (uint32) {
        return uint32(AssetConfig.unwrap(c) >> _MAX_INVESTORS_SHIFT);
    }

    function windowOpen(AssetConfig c) internal pure returns (uint24) {
        return uint24(AssetConfig.unwrap(c) >> _WINDOW_OPEN_SHIFT);
    }

    function windowClose(AssetConfig c) internal pure returns (uint24) {
        return uint24(AssetConfig.unwrap(c) >> _WINDOW_CLOSE_SHIFT);
    }

    function tradingDays(AssetConfig c) internal pure returns (uint8) {
        return uint8(AssetConfig.unwrap(c) >> _TRADING_DAYS_SHIFT);
    }

    function flags(AssetConfig c) internal pure returns (uint8) {
        return uint8(AssetConfig.unwrap(c) >> _FLAGS_SHIFT);
    }

    function version(AssetConfig c) internal pure returns (uint16) {
        return uint16(AssetConfig.unwrap(c) >> _VERSION_SHIFT);
    }

    function isConfigured(AssetConfig c) internal pure returns (bool) {
        return flags(c) & CONFIGURED != 0;
    }

    function hasAllowList(AssetConfig c) internal pure returns (bool) {
        return flags(c) & ALLOW_LIST != 0;
    }

    function hasBlockList(AssetConfig c) internal pure returns (bool) {
        return flags(c) & BLOCK_LIST != 0;
    }

    function hasBalanceCap(AssetConfig c) internal pure returns (bool) {
        return flags(c) & BALANCE_CAP != 0;
    }

    /// @notice Whether a per-investor balance cap or an external rule is on (rules that need more than the
    /// configuration word, the parties' words and the holder count).
    function hasBalanceCapOrRules(AssetConfig c) internal pure returns (bool) {
        return flags(c) & ~(CONFIGURED | ALLOW_LIST | BLOCK_LIST) != 0;
    }

    /// @notice How many external rules the asset has.
    function ruleCount(AssetConfig c) internal pure returns (uint256) {
        return flags(c) >> RULE_COUNT_SHIFT;
    }

    /// @notice `c` with `haltedUntil` replaced.
    function withHaltedUntil(AssetConfig c, uint40 until) internal pure returns (AssetConfig) {
        uint256 mask = uint256(type(uint40).max) << _HALT_SHIFT;
        return AssetConfig.wrap((AssetConfig.unwrap(c) & ~mask) | (uint256(until) << _HALT_SHIFT));
    }

    /// @notice `c` with `flags` and `version` replaced.
    function withFlagsAndVersion(AssetConfig c, uint8 flags_, uint16 version_) internal pure returns (AssetConfig) {
        uint256 mask = type(uint256).max << _FLAGS_SHIFT;
        return
            AssetConfig.wrap(
                (AssetConfig.unwrap(c) & ~mask) |
                    (uint256(flags_) << _FLAGS_SHIFT) |
                    (uint256(version_) << _VERSION_SHIFT)
            );
    }
}
