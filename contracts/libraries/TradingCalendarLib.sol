// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AssetConfig} from "../types/AssetConfig.sol";

/// @title TradingCalendarLib
/// @notice An asset's trading hours (`AssetConfig`'s `windowOpen`, `windowClose` and `tradingDays`): whether a time
/// falls within them, and when trading next opens.
/// @dev Trading hours are UTC: the time of day is `time % 1 days` and the weekday `(time / 1 days + 3) % 7` with
/// 0 = Monday (1970-01-01 was a Thursday). A window with `windowOpen > windowClose` runs overnight: on a trading
/// day, times from `windowOpen` to midnight and from midnight to `windowClose` are open. `tradingDays` zero means
/// no hours rule (the pipeline does not ask).
library TradingCalendarLib {
    /// @notice Every weekday bit (Monday … Sunday) set.
    uint8 internal constant ALL_DAYS = (1 << 7) - 1;

    /// @notice Whether a window may be configured: both ends within a day and distinct, and only weekday bits set
    /// (any window is valid with `tradingDays` zero, which turns the rule off).
    function isValidWindow(uint24 open, uint24 close, uint8 tradingDays) internal pure returns (bool) {
        return tradingDays == 0 || (open < 1 days && close < 1 days && open != close && tradingDays <= ALL_DAYS);
    }

    /// @notice Whether `time` falls within the asset's trading days and hours (`tradingDays` non-zero).
    function isTradingTime(AssetConfig config, uint256 time) internal pure returns (bool) {
        if (uint256(config.tradingDays()) & (uint256(1) << weekday(time / 1 days)) == 0) return false;
        uint256 timeOfDay = time % 1 days;
        uint256 open = config.windowOpen();
        uint256 close = config.windowClose();
        if (open < close) return timeOfDay >= open && timeOfDay < close;
        return timeOfDay >= open || timeOfDay < close;
    }

    /// @notice The first time after `time` at which trading opens (`time` being outside the window). Some weekday
    /// is set, so one comes within a week.
    function nextOpening(AssetConfig config, uint256 time) internal pure returns (uint256) {
        uint256 today = time / 1 days;
        uint256 open = config.windowOpen();
        uint256 close = config.windowClose();
        // An overnight window (closing after midnight) is open from a trading day's midnight.
        bool openAtMidnight = open > close && close != 0;
        for (uint256 day = today; day <= today + 7; ++day) {
            if (uint256(config.tradingDays()) & (uint256(1) << weekday(day)) == 0) continue;
            uint256 midnight = day * 1 days;
            if (openAtMidnight && midnight > time) return midnight;
            if (midnight + open > time) return midnight + open;
        }
        return 0;
    }

    /// @notice The weekday of the day `day` days after 1970-01-01 (a Thursday), 0 = Monday.
    function weekday(uint256 day) internal pure returns (uint256) {
        return (day + 3) % 7;
    }
}
