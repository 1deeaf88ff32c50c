// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IComplianceSubject
/// @notice What the compliance pipeline asks an asset when a holder-count or per-investor-balance rule is on.
/// A token that enables those rules implements it; the pipeline never calls it otherwise.
/// @dev The pipeline relies on the asset counting investors as the identity registry groups wallets: an investor
/// is an investor index, and a holding wallet belongs to the index it had when it started holding (an unregistered
/// wallet is its own investor); a wallet that holds nothing belongs to its current index. Every wallet that can
/// hold under an index is in `walletHistoryOf(index)`, so a wallet whose index has only ever had one wallet (its
/// eligibility word's wallet count is 1) and which holds nothing belongs to an investor holding nothing.
/// `checkTransfer` uses that to skip `investorBalanceOf` for such a recipient.
interface IComplianceSubject {
    /// @notice How many distinct investors hold a non-zero balance.
    function holderCount() external view returns (uint256);

    /// @notice The balance held across every wallet of `wallet`'s investor (as above: the wallets holding under
    /// its index).
    function investorBalanceOf(address wallet) external view returns (uint256);
}
