// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IERC1404
/// @notice ERC-1404 simple restricted token: why a transfer would be refused, as a code and a sentence.
interface IERC1404 {
    /// @notice 0 when moving `value` from `from` to `to` is allowed now, else a restriction code.
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8);

    /// @notice A readable sentence for `restrictionCode`.
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory);
}
