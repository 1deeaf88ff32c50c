// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC1643} from "./IERC1643.sol";
import {ICommodityReceiptTypes} from "./ICommodityReceiptTypes.sol";
import {ISecurityTokenOperations} from "./ISecurityTokenOperations.sol";

/// @title ICommodityReceiptLots
/// @notice The lot lifecycle of a commodity receipt market — issue on deposit, correction, split, merge, delivery and
/// the storage fee — and its instrument views, run by the `CommodityReceiptLots` module in the asset's context
/// (reached through the receipt's fallback). Every asset of product type `CommodityReceipt` answers these functions
/// besides `ICommodityReceipt`'s: its whole ABI is both.
interface ICommodityReceiptLots is ICommodityReceiptTypes {
    /* INITIALIZATION */

    /// @notice Initializes the market part of the calling receipt's proxy (reached only from
    /// `ICommodityReceipt.initialize`, while the proxy initializes): instrument, commodity code, URI and fee.
    function initializeMarket(
        ISecurityTokenOperations.Instrument calldata instrument,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external;

    /* LOTS */

    /// @notice Issues a lot of `quantity` units of `spec` to `owner` on deposit (a checked mint: `owner` must be
    /// eligible). The caller must be `spec.warehouse`, an active custodian.
    /// @return id The new lot.
    /// @custom:access CUSTODIAN (the lot's warehouse)
    function issueLot(LotSpec calldata spec, uint256 quantity, address owner) external returns (uint256 id);

    /// @notice Corrects lot `id`: burns it and issues a lot of `spec` (same warehouse, the caller) with the same
    /// quantity to `holder`, who must hold the whole outstanding quantity, none of it encumbered (pledges are
    /// released first: a correction never silently moves a lender's collateral).
    /// @return newId The corrected lot.
    /// @custom:access CUSTODIAN (the lot's warehouse)
    function reissueLot(
        uint256 id,
        address holder,
        LotSpec calldata spec,
        bytes32 reason
    ) external returns (uint256 newId);

    /// @notice Splits `Σ quantities` of the caller's available units of lot `id` into new lots (one per quantity)
    /// of the same specification, held by the caller; lot `id` keeps the rest.
    /// @custom:access the holder (public)
    function split(uint256 id, uint256[] calldata quantities) external returns (uint256[] memory newIds);

    /// @notice Merges the caller's whole holdings of lots `ids` (strictly increasing, ≥ 2, same specification, none
    /// of it encumbered) into one new lot held by the caller.
    /// @custom:access the holder (public)
    function merge(uint256[] calldata ids) external returns (uint256 newId);

    /* DELIVERY */

    /// @notice Requests delivery of `quantity` of the caller's available units of lot `id`: locks them and escrows
    /// the storage fee (the caller approved the fee coin to this contract).
    /// @dev Fee = quantity × `feePerUnitPerDay` × the days started since the lot's deposit (at least one), in the
    /// coin configured now (kept in the request). Warning: the fee coin must let this contract hold it while the
    /// request is pending (a settlement coin's holder policy may need the receipt listed).
    /// @custom:access the holder (public)
    function requestDelivery(uint256 id, uint256 quantity) external returns (uint256 requestId);

    /// @notice The lot's custodian confirms the goods left the warehouse: the units are burned, the fee is paid to it.
    /// @custom:access CUSTODIAN (the lot's warehouse)
    function confirmDelivery(uint256 requestId) external;

    /// @notice The lot's custodian rejects the request for `reason`: the units are unlocked, the fee refunded.
    /// @custom:access CUSTODIAN (the lot's warehouse)
    function rejectDelivery(uint256 requestId, bytes32 reason) external;

    /// @notice Sets the storage fee (zero coin and fee: none).
    /// @custom:access ASSET_ISSUER (the market's issuing member)
    function setStorageFee(address coin, uint256 feePerUnitPerDay) external;

    /* VIEWS */

    /// @notice Lot `id`'s specification.
    function specOf(uint256 id) external view returns (LotSpec memory);

    /// @notice Delivery request `requestId`.
    function deliveryOf(uint256 requestId) external view returns (Delivery memory);

    /// @notice The storage fee: coin and fee per unit per started day.
    function storageFee() external view returns (address coin, uint256 feePerUnitPerDay);

    /// @notice What the market is (the factory's `assetInfo` reads it).
    function instrument() external view returns (ISecurityTokenOperations.Instrument memory);
}
