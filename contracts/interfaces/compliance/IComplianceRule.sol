// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IComplianceRule
/// @notice A custom rule the compliance pipeline consults after its built-in rules, for what they do not cover.
/// The narrow interface is ERC-1404's, with the asset named: a rule answers 0 to allow, or its own non-zero
/// code, and explains its codes.
interface IComplianceRule {
    /// @notice 0 when `rule` allows moving `amount` of `asset` from `from` to `to`; otherwise the rule's own code.
    /// `from` is zero for a mint.
    function detectTransferRestriction(
        address asset,
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8);

    /// @notice A human-readable explanation of the rule's own `code`.
    function messageForTransferRestriction(uint8 code) external view returns (string memory);
}
