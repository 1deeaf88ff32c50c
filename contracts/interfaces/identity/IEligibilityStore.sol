// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../../types/Eligibility.sol";

/// @title IEligibilityStore
/// @notice Each wallet's packed eligibility word, written by the identity registry that deployed the store and
/// read by the compliance pipeline on every transfer.
/// @dev Deliberately a plain contract, not a proxy: a transfer reads it without the ≈ 4.7 k gas of a proxy hop
/// (DESIGN.md §6). It holds a mapping and nothing else, so it never needs an upgrade; the registry's logic can.
/// The registry emits the events that describe each write (`InvestorRegistered`, `WalletAdded`, …).
interface IEligibilityStore {
    error EligibilityStoreUnauthorizedWriter(address caller);

    /// @notice The identity registry allowed to write.
    function registry() external view returns (address);

    /// @notice `wallet`'s eligibility word (0 when unregistered).
    function eligibilityOf(address wallet) external view returns (Eligibility);

    /// @notice Both parties' eligibility words, in one call.
    function eligibilityOf(address a, address b) external view returns (Eligibility, Eligibility);

    /// @notice Writes `wallet`'s eligibility word.
    /// @custom:access the registry only
    function write(address wallet, Eligibility eligibility) external;
}
