// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../types/Eligibility.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";

/// @title EligibilityStore
/// @notice Each wallet's packed eligibility word, deployed and written by the identity registry.
/// @dev A plain contract on purpose (no proxy, no upgrade): the compliance pipeline reads it on every transfer.
/// It emits no events; the registry emits the events that describe each write.
/// Invariants:
/// - S1: only `registry` ever changes a word.
contract EligibilityStore is IEligibilityStore {
    /// @inheritdoc IEligibilityStore
    // solhint-disable-next-line immutable-vars-naming
    address public immutable registry;

    mapping(address wallet => Eligibility) private _eligibility;

    /// @param registry_ The identity registry (its proxy address) allowed to write.
    constructor(address registry_) {
        registry = registry_;
    }

    /// @inheritdoc IEligibilityStore
    function eligibilityOf(address wallet) external view returns (Eligibility) {
        return _eligibility[wallet];
    }

    /// @inheritdoc IEligibilityStore
    function eligibilityOf(address a, address b) external view returns (Eligibility, Eligibility) {
        return (_eligibility[a], _eligibility[b]);
    }

    /// @inheritdoc IEligibilityStore
    function write(address wallet, Eligibility eligibility) external {
        require(msg.sender == registry, EligibilityStoreUnauthorizedWriter(msg.sender));
        _eligibility[wallet] = eligibility;
    }
}
