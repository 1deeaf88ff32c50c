// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {FundDealingLib} from "../libraries/FundDealingLib.sol";

/// @title FundDealingLibHarness
/// @notice Test-only: exposes `FundDealingLib` so its arithmetic is tested on its own.
contract FundDealingLibHarness {
    uint256[] private _times;

    function nextCutOff(uint256 time, uint256 period, uint256 offset) external pure returns (uint256) {
        return FundDealingLib.nextCutOff(time, period, offset);
    }

    function feeOf(uint256 amount, uint256 bps) external pure returns (uint256) {
        return FundDealingLib.feeOf(amount, bps);
    }

    function dealSubscription(
        uint256 coin,
        uint256 feeBps,
        uint256 navPerUnit,
        uint256 unitScale
    ) external pure returns (FundDealingLib.SubscriptionDeal memory) {
        return FundDealingLib.dealSubscription(coin, feeBps, navPerUnit, unitScale);
    }

    function dealRedemption(
        uint256 units,
        uint256 feeBps,
        uint256 navPerUnit,
        uint256 unitScale
    ) external pure returns (FundDealingLib.RedemptionDeal memory) {
        return FundDealingLib.dealRedemption(units, feeBps, navPerUnit, unitScale);
    }

    /// @notice Replaces the valuation times searched by `firstAtOrAfter`.
    function setTimes(uint256[] calldata times) external {
        _times = times;
    }

    function firstAtOrAfter(uint256 cutOff) external view returns (bool found, uint256 index) {
        return FundDealingLib.firstAtOrAfter(_timeAt, _times.length, cutOff);
    }

    function _timeAt(uint256 index) private view returns (uint256) {
        return _times[index];
    }
}
