// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title RestrictedTargetMock
/// @notice Test-only: a contract with one `restricted` function, to prove that a role granted through the member
/// registry lets its holder call what the authority guards with that role (and that suspension takes it away).
contract RestrictedTargetMock is AccessManaged {
    /// @notice Emitted when `caller` passes the authority's check.
    event Pinged(address indexed caller);

    constructor(address initialAuthority) AccessManaged(initialAuthority) {}

    /// @notice Succeeds only for callers the authority allows.
    function ping() external restricted {
        emit Pinged(msg.sender);
    }
}
