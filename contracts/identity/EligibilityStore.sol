// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../types/Eligibility.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";

/// @title EligibilityStore
/// @notice Each wallet's packed eligibility word and the baseline claims, deployed and written by the identity
/// registry.
/// @dev A plain contract on purpose (no proxy, no upgrade): the compliance pipeline reads it on every transfer.
/// It emits no events; the registry emits the events that describe each write.
/// Invariants:
/// - S1: only `registry` ever changes a word or the baseline claims.
/// - S2: the baseline claims here are the registry's (`IIdentityRegistry.baselineClaims` reads them here).
contract EligibilityStore is IEligibilityStore {
    /// @inheritdoc IEligibilityStore
    // solhint-disable-next-line immutable-vars-naming
    address public immutable registry;

    mapping(address wallet => Eligibility) private _eligibility;
    uint64 private _baselineClaims;

    /// @param registry_ The identity registry (its proxy address) allowed to write.
    constructor(address registry_) {
        registry = registry_;
    }

    /// @inheritdoc IEligibilityStore
    function eligibilityOf(address wallet) external view returns (Eligibility) {
        return _eligibility[wallet];
    }

    /// @inheritdoc IEligibilityStore
    function baselineClaims() external view returns (uint64) {
        return _baselineClaims;
    }

    /// @inheritdoc IEligibilityStore
    function partiesOf(address from, address to) external view returns (Eligibility, Eligibility, uint64) {
        return (_eligibility[from], _eligibility[to], _baselineClaims);
    }

    /// @inheritdoc IEligibilityStore
    function write(address wallet, Eligibility eligibility) external {
        require(msg.sender == registry, EligibilityStoreUnauthorizedWriter(msg.sender));
        _eligibility[wallet] = eligibility;
    }

    /// @inheritdoc IEligibilityStore
    function setBaselineClaims(uint64 claims) external {
        require(msg.sender == registry, EligibilityStoreUnauthorizedWriter(msg.sender));
        _baselineClaims = claims;
    }
}
