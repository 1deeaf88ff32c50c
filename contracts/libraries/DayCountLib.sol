// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice The day-count conventions a bond's interest accrues under (ISDA 2006 Definitions, Section 4.16, and the
/// SIA's 30/360 rules). Each names how the days of a period are counted and what a year is.
/// @dev Stable: values are never renumbered, only appended (sdk/products/bond.ts mirrors them).
enum DayCount {
    /// 30/360 Bond Basis (ISDA 2006 §4.16(f)): D1 = 31 becomes 30; D2 = 31 becomes 30 only when D1 (adjusted) is
    /// 30. No February rule.
    Thirty360BondBasis,
    /// 30/360 US (SIA "30U/360" with its end-of-February rules, always applied): if D1 and D2 are both the last
    /// day of February, D2 becomes 30; if D1 is the last day of February, D1 becomes 30; then D2 = 31 becomes 30
    /// when D1 (adjusted) is 30; then D1 = 31 becomes 30.
    Thirty360US,
    /// 30E/360 Eurobond Basis (ISDA 2006 §4.16(g)): D1 = 31 becomes 30 and D2 = 31 becomes 30, independently.
    ThirtyE360,
    /// Actual/365 (Fixed) (ISDA 2006 §4.16(d)): actual days / 365, leap years included.
    Actual365Fixed,
    /// Actual/360 (ISDA 2006 §4.16(e)): actual days / 360.
    Actual360,
    /// Actual/Actual (ISDA) (ISDA 2006 §4.16(b)): days falling in a leap year / 366 + days falling in a common
    /// year / 365 (a period's first day counts, its last day does not).
    ActualActualISDA
}

/// @title DayCountLib
/// @notice Calendar arithmetic on unix timestamps (proleptic Gregorian, UTC) and the day-count conventions that
/// turn a period into a year fraction, plus regular coupon dates by frequency with the end-of-month rule.
/// @dev A timestamp denotes the UTC calendar day it falls in: day counts read dates only, never the time of day.
/// Dates before 1970-01-01 are not representable (timestamps are unsigned).
///
/// Year fractions are exact rationals `numerator / denominator` (never rounded); `yearFractionWad` rounds one
/// down to 18 decimals for display. Multiply amounts by the numerator before dividing by the denominator.
///
/// Calendar algorithm (days ↔ civil date), derived from the Gregorian rules: shift the epoch to 0000-03-01 so a
/// leap day is the last day of its (March-based) year; a 400-year era has 146,097 days; inside an era, year-of-era
/// yoe = (doe − doe/1460 + doe/36524 − doe/146096) / 365 removes the leap days before `doe`; the March-based
/// month mp = (5·doy + 2) / 153 follows from the month lengths 31,30,31,30,31 repeating every 153 days.
library DayCountLib {
    /// @notice A calendar date that does not exist (month outside 1–12, day outside the month) or predates 1970.
    error DayCountLibInvalidDate(uint256 year, uint256 month, uint256 day);

    /// @notice A period whose end is before its start.
    error DayCountLibPeriodReversed(uint256 start, uint256 end);

    /// @notice A coupon frequency that does not divide a year into whole months (allowed: 1, 2, 3, 4, 6, 12).
    error DayCountLibInvalidFrequency(uint256 frequency);

    uint256 internal constant SECONDS_PER_DAY = 86_400;

    /// @dev Days from 0000-03-01 (proleptic) to 1970-01-01.
    uint256 private constant _EPOCH_SHIFT = 719_468;
    /// @dev Days in a 400-year Gregorian era.
    uint256 private constant _DAYS_PER_ERA = 146_097;
    /// @dev 365 × 366: the common denominator of Actual/Actual (ISDA).
    uint256 private constant _ACT_ACT_DENOMINATOR = 133_590;

    /* CALENDAR */

    /// @notice Whether `year` is a Gregorian leap year.
    function isLeapYear(uint256 year) internal pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    /// @notice The number of days of `month` (1–12) in `year`; zero for a month outside 1–12.
    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2) return isLeapYear(year) ? 29 : 28;
        if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
        if (month == 0 || month > 12) return 0;
        return 31;
    }

    /// @notice Days since 1970-01-01 of the date `year`-`month`-`day`; reverts with DayCountLibInvalidDate if the
    /// date does not exist or predates 1970.
    function daysFromCivil(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        require(year >= 1970 && day >= 1 && day <= daysInMonth(year, month), DayCountLibInvalidDate(year, month, day));
        // March-based year: January and February belong to the previous year.
        uint256 y = month <= 2 ? year - 1 : year;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400; // [0, 399]
        uint256 mp = month > 2 ? month - 3 : month + 9; // [0, 11], March = 0
        uint256 doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
        // y ≥ 1969 so era·146097 + doe ≥ 719,468 (1970-01-01 is day 719,468 of the shifted calendar).
        return era * _DAYS_PER_ERA + doe - _EPOCH_SHIFT;
    }

    /// @notice The civil date (year, month 1–12, day 1–31) of the day `daysSinceEpoch` after 1970-01-01.
    function civilFromDays(uint256 daysSinceEpoch) internal pure returns (uint256 year, uint256 month, uint256 day) {
        uint256 z = daysSinceEpoch + _EPOCH_SHIFT;
        uint256 era = z / _DAYS_PER_ERA;
        uint256 doe = z - era * _DAYS_PER_ERA; // [0, 146096]
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        uint256 mp = (5 * doy + 2) / 153; // [0, 11]
        day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
        month = mp < 10 ? mp + 3 : mp - 9; // [1, 12]
        year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    }

    /// @notice The timestamp of 00:00:00 UTC on `year`-`month`-`day`.
    function toTimestamp(uint256 year, uint256 month, uint256 day) internal pure returns (uint256) {
        return daysFromCivil(year, month, day) * SECONDS_PER_DAY;
    }

    /// @notice The UTC calendar date `timestamp` falls in.
    function toDate(uint256 timestamp) internal pure returns (uint256 year, uint256 month, uint256 day) {
        return civilFromDays(timestamp / SECONDS_PER_DAY);
    }

    /// @notice Whether `timestamp` falls on the last day of its month.
    function isLastDayOfMonth(uint256 timestamp) internal pure returns (bool) {
        (uint256 year, uint256 month, uint256 day) = toDate(timestamp);
        return day == daysInMonth(year, month);
    }

    /// @notice `timestamp` moved `months` calendar months later, time of day kept. The day of month is kept and
    /// clipped to the target month's length (Jan 31 + 1 month = Feb 28/29). With `endOfMonth`, a start on the last
    /// day of its month lands on the last day of the target month (Apr 30 + 1 month = May 31).
    function addMonths(uint256 timestamp, uint256 months, bool endOfMonth) internal pure returns (uint256) {
        (uint256 year, uint256 month, uint256 day) = toDate(timestamp);
        uint256 monthIndex = month - 1 + months; // months since January of `year`
        uint256 targetYear = year + monthIndex / 12;
        uint256 targetMonth = (monthIndex % 12) + 1;
        uint256 length = daysInMonth(targetYear, targetMonth);
        if (day > length || (endOfMonth && day == daysInMonth(year, month))) day = length;
        return daysFromCivil(targetYear, targetMonth, day) * SECONDS_PER_DAY + (timestamp % SECONDS_PER_DAY);
    }

    /* COUPON DATES */

    /// @notice The number of months between two regular coupon dates at `frequency` coupons a year; reverts with
    /// DayCountLibInvalidFrequency unless `frequency` is 1, 2, 3, 4, 6 or 12.
    function monthsPerPeriod(uint256 frequency) internal pure returns (uint256) {
        require(frequency != 0 && frequency <= 12 && 12 % frequency == 0, DayCountLibInvalidFrequency(frequency));
        return 12 / frequency;
    }

    /// @notice The `index`-th regular coupon date of a schedule anchored on `anchor` (index 0 = `anchor`) at
    /// `frequency` coupons a year: `anchor` + index × 12/frequency months (see addMonths for `endOfMonth`).
    /// @dev Computed from the anchor, never from the previous date, so a clipped date (Feb 28) does not drag
    /// later dates to the 28th.
    function couponDate(
        uint256 anchor,
        uint256 frequency,
        uint256 index,
        bool endOfMonth
    ) internal pure returns (uint256) {
        return addMonths(anchor, index * monthsPerPeriod(frequency), endOfMonth);
    }

    /// @notice The number of regular coupon dates of the schedule anchored on `anchor` that fall strictly before
    /// `end` (zero when `end` ≤ `anchor`).
    function couponDatesBefore(
        uint256 anchor,
        uint256 frequency,
        uint256 end,
        bool endOfMonth
    ) internal pure returns (uint256) {
        uint256 step = monthsPerPeriod(frequency);
        if (end <= anchor) return 0;
        (uint256 y1, uint256 m1, ) = toDate(anchor);
        (uint256 y2, uint256 m2, ) = toDate(end);
        // end > anchor so (y2, m2) ≥ (y1, m1): the month difference is not negative.
        uint256 months = (y2 * 12 + m2) - (y1 * 12 + m1);
        // Date k lies in month m1 + k·step, so dates beyond index months/step fall after `end`'s month; the date
        // with that index may still fall on or after `end` inside the month.
        uint256 last = months / step;
        if (addMonths(anchor, last * step, endOfMonth) >= end) return last; // dates 0 … last−1
        return last + 1; // dates 0 … last
    }

    /* DAY COUNTS */

    /// @notice The year fraction of the period [`start`, `end`) under `convention`, as the exact rational
    /// `numerator / denominator`; reverts with DayCountLibPeriodReversed if `end` < `start`.
    /// @dev For the 30/360 family the numerator is 360·(Y2−Y1) + 30·(M2−M1) + (D2−D1) after the convention's day
    /// adjustments (never negative when end ≥ start, as the adjusted D1 ≤ 30 and a later month adds ≥ 30 − D1).
    function yearFraction(
        DayCount convention,
        uint256 start,
        uint256 end
    ) internal pure returns (uint256 numerator, uint256 denominator) {
        require(end >= start, DayCountLibPeriodReversed(start, end));
        uint256 startDay = start / SECONDS_PER_DAY;
        uint256 endDay = end / SECONDS_PER_DAY;
        if (convention == DayCount.Actual365Fixed) return (endDay - startDay, 365);
        if (convention == DayCount.Actual360) return (endDay - startDay, 360);
        if (convention == DayCount.ActualActualISDA) return (_actualActualISDA(startDay, endDay), _ACT_ACT_DENOMINATOR);
        return (_thirty360(convention, startDay, endDay), 360);
    }

    /// @notice The year fraction of [`start`, `end`) under `convention`, rounded down to 18 decimals (1e18 = one
    /// year).
    function yearFractionWad(DayCount convention, uint256 start, uint256 end) internal pure returns (uint256) {
        (uint256 numerator, uint256 denominator) = yearFraction(convention, start, end);
        return (numerator * 1e18) / denominator;
    }

    /// @dev 30/360 day count between two day numbers, per `convention` (one of the 30/360 family).
    function _thirty360(DayCount convention, uint256 startDay, uint256 endDay) private pure returns (uint256) {
        (uint256 y1, uint256 m1, uint256 d1) = civilFromDays(startDay);
        (uint256 y2, uint256 m2, uint256 d2) = civilFromDays(endDay);
        if (convention == DayCount.ThirtyE360) {
            if (d1 == 31) d1 = 30;
            if (d2 == 31) d2 = 30;
        } else {
            if (convention == DayCount.Thirty360US) {
                bool startIsEndOfFebruary = m1 == 2 && d1 == daysInMonth(y1, 2);
                if (startIsEndOfFebruary && m2 == 2 && d2 == daysInMonth(y2, 2)) d2 = 30;
                if (startIsEndOfFebruary) d1 = 30;
            }
            if (d1 == 31) d1 = 30;
            if (d2 == 31 && d1 == 30) d2 = 30;
        }
        // end ≥ start, so the signed total 360·ΔY + 30·ΔM + ΔD is ≥ 0: add the positive terms before subtracting.
        return (360 * y2 + 30 * m2 + d2) - (360 * y1 + 30 * m1 + d1);
    }

    /// @dev Actual/Actual (ISDA) numerator over 365·366: each day of [startDay, endDay) in a common year counts
    /// 366, in a leap year 365.
    function _actualActualISDA(uint256 startDay, uint256 endDay) private pure returns (uint256 numerator) {
        if (startDay == endDay) return 0;
        (uint256 year, , ) = civilFromDays(startDay);
        uint256 cursor = startDay;
        while (cursor < endDay) {
            uint256 nextYearStart = daysFromCivil(year + 1, 1, 1);
            uint256 segmentEnd = nextYearStart < endDay ? nextYearStart : endDay;
            numerator += (segmentEnd - cursor) * (isLeapYear(year) ? 365 : 366);
            cursor = segmentEnd;
            ++year;
        }
    }
}
