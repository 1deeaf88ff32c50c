// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ProductMock} from "./ProductMock.sol";

/// @title ProductMockV2
/// @notice Test-only: a storage-compatible next version of `ProductMock` (a new namespace, a new version
/// string), to prove that the factory's roll-out upgrades assets and keeps their state. It initializes new assets
/// with `ProductMock.initialize` and needs nothing more from upgraded ones.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract ProductMockV2 is ProductMock {
    /// @custom:storage-location erc7201:assetledger.storage.ProductMockV2
    struct ProductMockV2Storage {
        uint256 extra;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.ProductMockV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION_V2 = 0x86db25842db63ab3ec9a2440edc4e1384161d15ac347c9c03137a1bcc9119000;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry registry_,
        address settlementEngine_
    ) ProductMock(compliance_, registry_, settlementEngine_) {}

    /// @notice Sets the new field (anyone: test only).
    function setExtra(uint256 extra_) external {
        _getProductMockV2Storage().extra = extra_;
    }

    /// @notice The new field.
    function extra() external view returns (uint256) {
        return _getProductMockV2Storage().extra;
    }

    function version() external pure override returns (string memory) {
        return "2.0.0-mock";
    }

    function _getProductMockV2Storage() private pure returns (ProductMockV2Storage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION_V2
        }
    }
}
