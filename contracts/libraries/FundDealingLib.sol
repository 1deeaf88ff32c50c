// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title FundDealingLib
/// @notice The arithmetic of dealing fund units at a net asset value (NAV): which dealing point a request belongs
/// to, how a subscription's coin splits into fee, units and refund, how a redemption's units turn into proceeds
/// and fee, and which NAV deals a dealing point. Pure functions over plain integers, so each rule is tested on its
/// own (test/libraries/FundDealingLib.test.ts) and every product or tool computes it the same way.
/// @dev Units of measure:
/// - coin amounts are in the settlement coin's smallest unit;
/// - unit amounts are in the fund's smallest unit; `unitScale = 10 ** decimals()` of the fund;
/// - `navPerUnit` is the coin amount (smallest unit) one *whole* fund unit (`unitScale` smallest units) is worth,
///   so `units` are worth `units × navPerUnit / unitScale` coin.
/// Rounding always favours the fund's remaining holders, never the dealt investor, and is exactly accounted:
/// - subscription: `coin = fee + cost + refund` with `cost = ⌈units × nav / scale⌉` (the fund is never diluted:
///   `cost × scale ≥ units × nav`, short of the next whole coin unit by less than `scale`), the refund being what
///   is left over after buying whole smallest units (returned to the subscriber);
/// - redemption: `units × nav = (proceeds + fee) × scale + dust` with `0 ≤ dust < scale`: the gross amount is
///   rounded down and the sub-coin-unit dust stays in the fund.
/// Fees are rounded down (in the investor's favour: the fee account never takes more than the rate).
library FundDealingLib {
    /// @notice Basis points in one whole (100 %).
    uint256 internal constant BPS = 10_000;

    /// @notice How a subscription of `coin` is dealt.
    /// @param fee The entry fee, paid to the fee account.
    /// @param units The fund units issued to the subscriber.
    /// @param cost The coin the units cost, kept by the fund as cash.
    /// @param refund What is left over, returned to the subscriber (`coin − fee − cost`).
    struct SubscriptionDeal {
        uint256 fee;
        uint256 units;
        uint256 cost;
        uint256 refund;
    }

    /// @notice How a redemption of `units` is dealt.
    /// @param gross The coin the units are worth, rounded down; taken from the fund's cash.
    /// @param fee The exit fee, paid to the fee account.
    /// @param proceeds What the redeemer receives (`gross − fee`).
    struct RedemptionDeal {
        uint256 gross;
        uint256 fee;
        uint256 proceeds;
    }

    /// @notice The cut-off a request made at `time` belongs to: the first cut-off strictly after `time`.
    /// @dev Cut-offs are the instants `offset + k × period` for every natural `k` (unix seconds), e.g. period one
    /// day and offset 16 hours: every day at 16:00 UTC. A request made exactly at a cut-off belongs to the next
    /// one. Requires `0 < period` and `offset < period` (the fund's terms guarantee both).
    /// @param time A unix time (a request's block timestamp).
    /// @param period Seconds between two cut-offs.
    /// @param offset Seconds from the unix epoch (mod `period`) to the cut-offs.
    function nextCutOff(uint256 time, uint256 period, uint256 offset) internal pure returns (uint256) {
        if (time < offset) return offset;
        // time ≥ offset: subtracting the position within the period lands on the last cut-off ≤ time.
        return time - ((time - offset) % period) + period;
    }

    /// @notice `amount × bps / BPS`, rounded down.
    function feeOf(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return Math.mulDiv(amount, bps, BPS);
    }

    /// @notice Deals a subscription of `coin` at `navPerUnit` with an entry fee of `feeBps`.
    /// @dev When `coin − fee` buys no smallest unit at all, nothing is dealt: no fee is taken and the whole
    /// `coin` is refunded (units, fee and cost are zero). Requires `navPerUnit > 0` and `feeBps ≤ BPS`.
    function dealSubscription(
        uint256 coin,
        uint256 feeBps,
        uint256 navPerUnit,
        uint256 unitScale
    ) internal pure returns (SubscriptionDeal memory deal) {
        uint256 fee = feeOf(coin, feeBps);
        // fee ≤ coin because feeBps ≤ BPS.
        uint256 net = coin - fee;
        uint256 units = Math.mulDiv(net, unitScale, navPerUnit);
        if (units == 0) return SubscriptionDeal({fee: 0, units: 0, cost: 0, refund: coin});
        // units × nav ≤ net × scale, so ⌈units × nav / scale⌉ ≤ net: the subtraction cannot underflow.
        uint256 cost = Math.mulDiv(units, navPerUnit, unitScale, Math.Rounding.Ceil);
        return SubscriptionDeal({fee: fee, units: units, cost: cost, refund: net - cost});
    }

    /// @notice Deals a redemption of `units` at `navPerUnit` with an exit fee of `feeBps`.
    /// @dev Requires `feeBps ≤ BPS`.
    function dealRedemption(
        uint256 units,
        uint256 feeBps,
        uint256 navPerUnit,
        uint256 unitScale
    ) internal pure returns (RedemptionDeal memory deal) {
        uint256 gross = Math.mulDiv(units, navPerUnit, unitScale);
        uint256 fee = feeOf(gross, feeBps);
        // fee ≤ gross because feeBps ≤ BPS.
        return RedemptionDeal({gross: gross, fee: fee, proceeds: gross - fee});
    }

    /// @notice The first index of `valuationTimes` (strictly increasing) whose time is at or after `cutOff`:
    /// the NAV that deals `cutOff`'s dealing point. `found` is false when no NAV is valued that late yet.
    /// @dev Binary search; `valuationTimes` is given as a function of the index so that callers can read it from
    /// any storage layout. Probes the last entry first: dealing normally follows the NAV just posted.
    function firstAtOrAfter(
        function(uint256) view returns (uint256) valuationTimeAt,
        uint256 length,
        uint256 cutOff
    ) internal view returns (bool found, uint256 index) {
        if (length == 0 || valuationTimeAt(length - 1) < cutOff) return (false, 0);
        uint256 low = 0;
        uint256 high = length - 1; // valuationTimeAt(high) ≥ cutOff throughout
        if (high != 0 && valuationTimeAt(high - 1) < cutOff) return (true, high);
        while (low < high) {
            uint256 mid = Math.average(low, high);
            if (valuationTimeAt(mid) < cutOff) low = mid + 1;
            else high = mid;
        }
        return (true, high);
    }
}
