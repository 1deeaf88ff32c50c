// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice The kinds of asset the factory issues. Each product type has one implementation and one permission
/// table (config/roles.ts) shared by every asset of that type.
/// @dev Stable: values are never renumbered, only appended.
enum ProductType {
    None, //    0  not an asset
    Equity, // 1  shares: dividends, splits and consolidations
    Bond, //   2  fixed-income: coupons, redemption, call, default
    Fund, //   3  fund units: NAV, subscriptions and redemptions
    Option, // 4  reserved for a later issue
    Future, // 5  reserved for a later issue
    CommodityReceipt, // 6  warehouse receipts (ERC-1155 lots) with a pledge registry
    LoyaltyCredit //  7  a merchant's loyalty program (credits that expire in buckets)
}
