// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IComplianceSubject
/// @notice What the compliance pipeline asks an asset when a holder-count or per-investor-balance rule is on.
/// A token that enables those rules implements it; the pipeline never calls it otherwise.
/// @dev The pipeline relies on the asset counting investors as the identity registry groups wallets: an investor
/// is the set `walletsOf(investorOf(wallet))` (an unregistered wallet is its own investor), so a wallet whose
/// investor has a single wallet and which holds nothing belongs to an investor holding nothing. `checkTransfer`
/// uses that to skip `investorBalanceOf` for such a recipient.
interface IComplianceSubject {
    /// @notice How many distinct investors hold a non-zero balance.
    function holderCount() external view returns (uint256);

    /// @notice The balance held across every wallet of `wallet`'s investor (its registry wallets).
    function investorBalanceOf(address wallet) external view returns (uint256);
}
