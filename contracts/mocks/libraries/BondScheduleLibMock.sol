// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BondScheduleLib} from "../../libraries/BondScheduleLib.sol";
import {IBondLifecycle} from "../../interfaces/tokens/IBond.sol";

/// @title BondScheduleLibMock
/// @notice Test-only: exposes BondScheduleLib on terms passed in.
contract BondScheduleLibMock {
    function validate(IBondLifecycle.BondTerms memory terms) external pure returns (uint256) {
        return BondScheduleLib.validate(terms);
    }

    function periodsPaidBy(IBondLifecycle.BondTerms memory terms, uint256 date) external pure returns (uint256) {
        return BondScheduleLib.periodsPaidBy(terms, date);
    }

    function nextPeriod(
        IBondLifecycle.BondTerms memory terms,
        uint256 timestamp,
        uint256 count
    ) external pure returns (uint256) {
        return BondScheduleLib.nextPeriod(terms, timestamp, count, BondScheduleLib.periodCount(terms));
    }

    function interestPerUnit(
        IBondLifecycle.BondTerms memory terms,
        uint256 start,
        uint256 end
    ) external pure returns (uint256) {
        return BondScheduleLib.interestPerUnit(terms, start, end);
    }

    /// @notice The whole schedule: per period its start, payment date, record date and amount per unit.
    function schedule(
        IBondLifecycle.BondTerms memory terms
    )
        external
        pure
        returns (uint256[] memory starts, uint256[] memory payments, uint256[] memory records, uint256[] memory amounts)
    {
        uint256 count = BondScheduleLib.periodCount(terms);
        starts = new uint256[](count);
        payments = new uint256[](count);
        records = new uint256[](count);
        amounts = new uint256[](count);
        for (uint256 p = 1; p <= count; ++p) {
            starts[p - 1] = BondScheduleLib.periodStart(terms, p);
            payments[p - 1] = BondScheduleLib.paymentDate(terms, p, count);
            records[p - 1] = BondScheduleLib.recordDate(terms, payments[p - 1]);
            amounts[p - 1] = BondScheduleLib.interestPerUnit(terms, starts[p - 1], payments[p - 1]);
        }
    }
}
