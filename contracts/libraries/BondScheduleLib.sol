// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {DayCountLib} from "./DayCountLib.sol";
import {IBondLifecycle} from "../interfaces/tokens/IBond.sol";

/// @title BondScheduleLib
/// @notice A bond's coupon schedule derived from its terms: periods 1 … n, period p accruing from start_p to
/// paymentDate_p, with start_1 = issue date, start_p = paymentDate_(p−1), paymentDate_p = the (p−1)-th regular
/// date (first coupon date + (p−1)·12/frequency months, end-of-month rule per terms) for p < n and paymentDate_n =
/// maturity. n = (regular dates strictly before maturity) + 1, so a maturity off the regular schedule makes the
/// last period a short stub, and a first coupon date that is not 12/frequency months after the issue date makes
/// the first period a stub; stubs accrue by the day count like any period.
/// @dev Pure functions of the terms; nothing is stored per period. Each lookup is O(1) calendar arithmetic
/// (a few hundred gas), so views and lifecycle functions recompute rather than store.
library BondScheduleLib {
    /// @notice Coupon periods a schedule may have (a century of monthly coupons).
    uint256 internal constant MAX_COUPONS = 1_200;

    uint256 private constant _RATE_ONE = 1e18;

    /// @notice Checks `terms` and returns the number of coupon periods; reverts with the IBond error naming the
    /// first problem found.
    function validate(IBondLifecycle.BondTerms memory terms) internal pure returns (uint256 count) {
        require(terms.settlementCoin != address(0), IBondLifecycle.BondSettlementCoinZero());
        require(terms.faceValue != 0, IBondLifecycle.BondFaceValueZero());
        _requireMidnight(terms.issueDate);
        _requireMidnight(terms.maturityDate);
        _requireMidnight(terms.callableFrom);
        if (terms.frequency == 0) {
            require(terms.couponRate == 0, IBondLifecycle.BondFrequencyInvalid(terms.frequency, terms.couponRate));
            require(
                terms.issueDate < terms.maturityDate && terms.firstCouponDate == 0,
                IBondLifecycle.BondDatesInvalid(terms.issueDate, terms.firstCouponDate, terms.maturityDate)
            );
        } else {
            require(
                terms.couponRate != 0 && terms.frequency <= 12 && 12 % terms.frequency == 0,
                IBondLifecycle.BondFrequencyInvalid(terms.frequency, terms.couponRate)
            );
            _requireMidnight(terms.firstCouponDate);
            require(
                terms.issueDate < terms.firstCouponDate && terms.firstCouponDate <= terms.maturityDate,
                IBondLifecycle.BondDatesInvalid(terms.issueDate, terms.firstCouponDate, terms.maturityDate)
            );
            count = periodCount(terms);
            require(count <= MAX_COUPONS, IBondLifecycle.BondTooManyCoupons(count, MAX_COUPONS));
        }
        require(terms.claimPeriod != 0, IBondLifecycle.BondClaimPeriodZero());
        require(
            terms.callableFrom == 0 ||
                (terms.callableFrom > terms.issueDate && terms.callableFrom < terms.maturityDate),
            IBondLifecycle.BondCallableFromInvalid(terms.callableFrom, terms.issueDate, terms.maturityDate)
        );
    }

    /// @notice The number of coupon periods of the full schedule (0 for a zero-coupon bond).
    function periodCount(IBondLifecycle.BondTerms memory terms) internal pure returns (uint256) {
        if (terms.frequency == 0) return 0;
        return
            DayCountLib.couponDatesBefore(
                terms.firstCouponDate,
                terms.frequency,
                terms.maturityDate,
                terms.endOfMonth
            ) + 1;
    }

    /// @notice The number of periods paid on or before `date` (< maturity): what is left of the schedule after a
    /// call for `date`.
    function periodsPaidBy(IBondLifecycle.BondTerms memory terms, uint256 date) internal pure returns (uint256) {
        if (terms.frequency == 0) return 0;
        return DayCountLib.couponDatesBefore(terms.firstCouponDate, terms.frequency, date + 1, terms.endOfMonth);
    }

    /// @notice The payment date of period `period` (1 … `fullCount`) of a schedule with `fullCount` periods.
    function paymentDate(
        IBondLifecycle.BondTerms memory terms,
        uint256 period,
        uint256 fullCount
    ) internal pure returns (uint256) {
        if (period == fullCount) return terms.maturityDate;
        return DayCountLib.couponDate(terms.firstCouponDate, terms.frequency, period - 1, terms.endOfMonth);
    }

    /// @notice The accrual start of period `period` (≥ 1): the issue date for period 1, else the previous payment
    /// date (always a regular date, as only the last period ends at maturity).
    function periodStart(IBondLifecycle.BondTerms memory terms, uint256 period) internal pure returns (uint256) {
        if (period == 1) return terms.issueDate;
        return DayCountLib.couponDate(terms.firstCouponDate, terms.frequency, period - 2, terms.endOfMonth);
    }

    /// @notice The record date of a payment on `date`.
    function recordDate(IBondLifecycle.BondTerms memory terms, uint256 date) internal pure returns (uint256) {
        return date - uint256(terms.recordDays) * DayCountLib.SECONDS_PER_DAY;
    }

    /// @notice Interest per whole token over [`start`, `end`): ⌊faceValue · couponRate · num / (1e18 · den)⌋ with
    /// num/den the terms' day-count year fraction.
    /// @dev faceValue < 2^128 and couponRate < 2^64, so their product fits; mulDiv keeps the rest exact.
    function interestPerUnit(
        IBondLifecycle.BondTerms memory terms,
        uint256 start,
        uint256 end
    ) internal pure returns (uint256) {
        (uint256 numerator, uint256 denominator) = DayCountLib.yearFraction(terms.dayCount, start, end);
        return Math.mulDiv(uint256(terms.faceValue) * terms.couponRate, numerator, denominator * _RATE_ONE);
    }

    /// @notice The first of periods 1 … `count` (of a `fullCount`-period schedule) whose payment date is after
    /// `timestamp`: the period running at `timestamp` when that is on or after the issue date. 0 if none is left.
    function nextPeriod(
        IBondLifecycle.BondTerms memory terms,
        uint256 timestamp,
        uint256 count,
        uint256 fullCount
    ) internal pure returns (uint256) {
        if (count == 0) return 0;
        // Regular dates ≤ timestamp are paid; the period ending on the next regular date (or maturity) is next.
        uint256 period =
            DayCountLib.couponDatesBefore(terms.firstCouponDate, terms.frequency, timestamp + 1, terms.endOfMonth) + 1;
        if (period > count) return 0;
        // Only the maturity period ends off the regular schedule (it may be paid before its regular date would be).
        if (period == fullCount && timestamp >= terms.maturityDate) return 0;
        return period;
    }

    /// @dev Dates of the terms are calendar days: 00:00 UTC.
    function _requireMidnight(uint256 date) private pure {
        require(date % DayCountLib.SECONDS_PER_DAY == 0, IBondLifecycle.BondDateNotMidnight(date));
    }
}
