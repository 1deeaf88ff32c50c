// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title PlainERC20
/// @notice Bench-only: OpenZeppelin's ERC-20 unchanged, the yardstick every gas target is measured against.
contract PlainERC20 is ERC20 {
    /// @notice Mints `supply` to the deployer.
    constructor(uint256 supply) ERC20("Plain", "PLAIN") {
        _mint(msg.sender, supply);
    }
}
