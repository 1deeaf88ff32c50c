// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ProductType} from "../../types/ProductType.sol";

/// @title IAssetDirectory
/// @notice Which addresses are assets issued through the alliance's factory, and of which product type. The
/// alliance's authority answers it; the settlement coin asks it so issued assets may hold the coin (dividends,
/// coupons, fund subscriptions are paid through them).
interface IAssetDirectory {
    /// @notice `asset`'s product type, `ProductType.None` when it is not a registered asset.
    function productOf(address asset) external view returns (ProductType);
}
