// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {DayCount, DayCountLib} from "../../libraries/DayCountLib.sol";

/// @title DayCountLibMock
/// @notice Test-only: exposes DayCountLib's internal functions.
contract DayCountLibMock {
    function isLeapYear(uint256 year) external pure returns (bool) {
        return DayCountLib.isLeapYear(year);
    }

    function daysInMonth(uint256 year, uint256 month) external pure returns (uint256) {
        return DayCountLib.daysInMonth(year, month);
    }

    function daysFromCivil(uint256 year, uint256 month, uint256 day) external pure returns (uint256) {
        return DayCountLib.daysFromCivil(year, month, day);
    }

    function civilFromDays(uint256 daysSinceEpoch) external pure returns (uint256, uint256, uint256) {
        return DayCountLib.civilFromDays(daysSinceEpoch);
    }

    function toTimestamp(uint256 year, uint256 month, uint256 day) external pure returns (uint256) {
        return DayCountLib.toTimestamp(year, month, day);
    }

    function toDate(uint256 timestamp) external pure returns (uint256, uint256, uint256) {
        return DayCountLib.toDate(timestamp);
    }

    function isLastDayOfMonth(uint256 timestamp) external pure returns (bool) {
        return DayCountLib.isLastDayOfMonth(timestamp);
    }

    function addMonths(uint256 timestamp, uint256 months, bool endOfMonth) external pure returns (uint256) {
        return DayCountLib.addMonths(timestamp, months, endOfMonth);
    }

    function monthsPerPeriod(uint256 frequency) external pure returns (uint256) {
        return DayCountLib.monthsPerPeriod(frequency);
    }

    function couponDate(
        uint256 anchor,
        uint256 frequency,
        uint256 index,
        bool endOfMonth
    ) external pure returns (uint256) {
        return DayCountLib.couponDate(anchor, frequency, index, endOfMonth);
    }

    function couponDatesBefore(
        uint256 anchor,
        uint256 frequency,
        uint256 end,
        bool endOfMonth
    ) external pure returns (uint256) {
        return DayCountLib.couponDatesBefore(anchor, frequency, end, endOfMonth);
    }

    function yearFraction(DayCount convention, uint256 start, uint256 end) external pure returns (uint256, uint256) {
        return DayCountLib.yearFraction(convention, start, end);
    }

    function yearFractionWad(DayCount convention, uint256 start, uint256 end) external pure returns (uint256) {
        return DayCountLib.yearFractionWad(convention, start, end);
    }
}
