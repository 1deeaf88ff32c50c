// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title AssetTargetMock
/// @notice Test-only: a stand-in for an issued asset with two `restricted` functions, to prove how the alliance
/// authority resolves a registered asset to its product type's table and answers asset-scoped roles.
contract AssetTargetMock is AccessManaged {
    /// @notice Emitted when `caller` passes the authority's check for `ping`.
    event Pinged(address indexed caller);
    /// @notice Emitted when `caller` passes the authority's check for `pong`.
    event Ponged(address indexed caller);

    constructor(address initialAuthority) AccessManaged(initialAuthority) {}

    /// @notice Succeeds only for callers the authority allows.
    function ping() external restricted {
        emit Pinged(msg.sender);
    }

    /// @notice Succeeds only for callers the authority allows.
    function pong() external restricted {
        emit Ponged(msg.sender);
    }
}
