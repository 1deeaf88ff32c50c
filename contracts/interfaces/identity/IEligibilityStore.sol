// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../../types/Eligibility.sol";

/// @title IEligibilityStore
/// @notice Each wallet's packed eligibility word and the registry-wide baseline claims, written by the identity
/// registry that deployed the store and read by the compliance pipeline on every transfer.
/// @dev Deliberately a plain contract, not a proxy: a transfer reads it without the ≈ 4.7 k gas of a proxy hop
/// (DESIGN.md §6). It holds a mapping and nothing else, so it never needs an upgrade; the registry's logic can.
/// The registry emits the events that describe each write (`InvestorRegistered`, `WalletAdded`, …).
interface IEligibilityStore {
    error EligibilityStoreUnauthorizedWriter(address caller);

    /// @notice The identity registry allowed to write.
    function registry() external view returns (address);

    /// @notice `wallet`'s eligibility word (0 when unregistered).
    function eligibilityOf(address wallet) external view returns (Eligibility);

    /// @notice The claims every verified investor must hold.
    function baselineClaims() external view returns (uint64);

    /// @notice Everything a transfer check needs about its parties, in one call: both eligibility words and the
    /// baseline claims (`from` is zero for a mint; its word is then zero).
    function partiesOf(
        address from,
        address to
    ) external view returns (Eligibility fromWord, Eligibility toWord, uint64 baseline);

    /// @notice Writes `wallet`'s eligibility word.
    /// @custom:access the registry only
    function write(address wallet, Eligibility eligibility) external;

    /// @notice Sets the baseline claims.
    /// @custom:access the registry only
    function setBaselineClaims(uint64 claims) external;
}
