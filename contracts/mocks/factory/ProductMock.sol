// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {SecurityToken} from "../../tokens/security/SecurityToken.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title ProductMock
/// @notice Test-only: the smallest product the factory can issue (the SecurityToken core as an Equity with
/// terms `abi.encode(uint256 tag)` kept in its own namespace), so the factory, the authority's asset roles and
/// product roll-outs are tested apart from the real products.
contract ProductMock is SecurityToken {
    /// @custom:storage-location erc7201:assetledger.storage.ProductMock
    struct ProductMockStorage {
        uint256 tag;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.ProductMock")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x08b131a24a6d78cb3848e0634c5852e54a5223f8cd7df4625436da234e001d00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry registry_,
        address settlementEngine_
    ) SecurityToken(compliance_, registry_, settlementEngine_) {}

    /// @dev The core initializes AccessManaged in its operations module (by delegatecall), out of the validator's sight.
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
        if (terms.length != 0) _getProductMockStorage().tag = abi.decode(terms, (uint256));
    }

    /// @notice The tag the terms carried.
    function tag() external view returns (uint256) {
        return _getProductMockStorage().tag;
    }

    function _productType() internal pure virtual override returns (ProductType) {
        return ProductType.Equity;
    }

    function _getProductMockStorage() private pure returns (ProductMockStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
