// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title NetPositionLib
/// @notice The one-word form of a net position that a security token hands its compliance pipeline once per batch
/// net settlement (`ICompliance.checkNetPositions`, whose NatSpec states the layout): the account, its memo, its
/// roles and whether it joined as a new investor.
/// @dev One word instead of an ABI-encoded struct's five: the token builds it with a few operations and the
/// pipeline reads it with one `calldataload`.
library NetPositionLib {
    /// @dev Where the memo starts (88 bits).
    uint256 internal constant MEMO_SHIFT = 160;
    /// @dev Where the roles start: bit 0 recipient, bit 1 sender (`INetSettleable`'s flags' meaning).
    uint256 internal constant ROLES_SHIFT = 248;
    /// @dev The position started holding as a new investor.
    uint256 internal constant NEW_INVESTOR = 1 << 250;
    /// @dev Where a changed memo's position index starts in the list `checkNetPositions` returns.
    uint256 internal constant INDEX_SHIFT = 88;
}
