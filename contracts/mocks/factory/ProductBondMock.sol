// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ProductType} from "../../types/ProductType.sol";
import {ProductMock} from "./ProductMock.sol";

/// @title ProductBondMock
/// @notice Test-only: `ProductMock` as a Bond, so factory tests have assets of two product types.
contract ProductBondMock is ProductMock {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry registry_,
        address settlementEngine_
    ) ProductMock(compliance_, registry_, settlementEngine_) {}

    function _productType() internal pure override returns (ProductType) {
        return ProductType.Bond;
    }
}
