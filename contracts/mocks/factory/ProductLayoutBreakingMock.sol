// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title ProductLayoutBreakingMock
/// @notice Test-only: an implementation whose `assetledger.storage.SecurityToken` namespace reorders the
/// token's storage (the supply word where the accounts mapping was), which the `product:upgrade` task must refuse.
contract ProductLayoutBreakingMock is AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:assetledger.storage.SecurityToken
    struct SecurityTokenStorage {
        uint256 supply;
        mapping(address account => uint256) accounts;
    }

    /// @dev Takes a product's constructor arguments (compliance, identity registry) and ignores them.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address, address) {
        _disableInitializers();
    }

    /// @notice Initializes a proxy (never used: the mock exists to be refused).
    function initialize(address authority) external initializer {
        __AccessManaged_init(authority);
    }

    /// @notice Reads the reordered namespace (so the compiler keeps it).
    function supply() external view returns (uint256) {
        return _getStorage().supply;
    }

    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    function _getStorage() private pure returns (SecurityTokenStorage storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := 0x5c4b513eb4793fa8f101a002a3bf3785b83de5f40fea181386e379891bf27800
        }
    }
}
