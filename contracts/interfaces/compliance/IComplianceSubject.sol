// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IComplianceSubject
/// @notice What the compliance pipeline asks an asset when a holder-count or per-investor-balance rule is on.
/// A token that enables those rules implements it; the pipeline never calls it otherwise.
interface IComplianceSubject {
    /// @notice How many distinct investors hold a non-zero balance.
    function holderCount() external view returns (uint256);

    /// @notice The balance held across every wallet of `wallet`'s investor.
    function investorBalanceOf(address wallet) external view returns (uint256);
}
