// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title Settlement
/// @notice The alliance's settlement engine (`ISettlement`): a placeholder deployed so that token implementations
/// can name it as their notary; the engine's implementation replaces this body.
contract Settlement is AccessManaged {
    /// @param initialAuthority The alliance authority (AccessManager).
    constructor(address initialAuthority) AccessManaged(initialAuthority) {}
}
