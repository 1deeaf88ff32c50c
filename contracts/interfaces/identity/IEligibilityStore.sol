// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../../types/Eligibility.sol";

/// @title IEligibilityStore
/// @notice Each wallet's packed eligibility word and the registry-wide header — the baseline claims and the
/// eligibility *epoch* — written by the identity registry that deployed the store and read by the compliance
/// pipeline on every transfer.
/// @dev Deliberately a plain contract, not a proxy: a transfer reads it without the ≈ 4.7 k gas of a proxy hop
/// (DESIGN.md §6). It holds a mapping and one header word, so it never needs an upgrade; the registry's logic can.
/// The registry emits the events that describe each write (`InvestorRegistered`, `WalletAdded`,
/// `EligibilityEpochAdvanced`, …).
///
/// The epoch is a counter the registry advances on every change that can make a wallet less eligible (an update,
/// a removal, a wallet removal or recovery, a baseline change) and never on pure additions. While the epoch is
/// still `e`, a wallet registered at `e` keeps its word but for the wallet count, and the baseline claims are
/// unchanged: a verdict established at `e` about a registered wallet still holds (until the attestation expires).
/// The compliance pipeline's memos rely on it.
/// Invariants:
/// - S1: only `registry` ever changes a word, the baseline claims or the epoch.
/// - S2: the epoch never decreases; it grows by one per `advanceEpoch`.
interface IEligibilityStore {
    error EligibilityStoreUnauthorizedWriter(address caller);

    /// @notice The identity registry allowed to write.
    function registry() external view returns (address);

    /// @notice `wallet`'s eligibility word (0 when unregistered).
    function eligibilityOf(address wallet) external view returns (Eligibility);

    /// @notice The claims every verified investor must hold.
    function baselineClaims() external view returns (uint64);

    /// @notice The eligibility epoch: how many times the registry has made some wallet possibly less eligible.
    function epoch() external view returns (uint64);

    /// @notice The baseline claims and the epoch, which share one storage word (one read).
    function header() external view returns (uint64 baseline, uint64 currentEpoch);

    /// @notice Both eligibility words and the baseline claims, in one call (`from` is zero for a mint; its word is
    /// then zero).
    function partiesOf(
        address from,
        address to
    ) external view returns (Eligibility fromWord, Eligibility toWord, uint64 baseline);

    /// @notice What a transfer check needs, in one call: the words of the parties it names and the header. A zero
    /// address is not read (its word is zero), so a caller that already knows a party passes zero for it.
    function partiesAndHeaderOf(
        address from,
        address to
    ) external view returns (Eligibility fromWord, Eligibility toWord, uint64 baseline, uint64 currentEpoch);

    /// @notice Writes `wallet`'s eligibility word.
    /// @custom:access the registry only
    function write(address wallet, Eligibility eligibility) external;

    /// @notice Sets the baseline claims (the epoch is the registry's to advance).
    /// @custom:access the registry only
    function setBaselineClaims(uint64 claims) external;

    /// @notice Advances the epoch by one and returns the new epoch.
    /// @custom:access the registry only
    function advanceEpoch() external returns (uint64 newEpoch);
}
