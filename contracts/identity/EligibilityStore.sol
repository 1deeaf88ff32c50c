// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../types/Eligibility.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";

/// @title EligibilityStore
/// @notice Each wallet's packed eligibility word, and the header (baseline claims and eligibility epoch),
/// deployed and written by the identity registry.
/// @dev A plain contract on purpose (no proxy, no upgrade): the compliance pipeline reads it on every transfer.
/// It emits no events; the registry emits the events that describe each write. The baseline claims and the epoch
/// share one slot, so a check that only needs the header (both parties vouched for by memos) reads one word.
/// Invariants:
/// - S1: only `registry` ever changes a word, the baseline claims or the epoch.
/// - S2: the baseline claims here are the registry's (`IIdentityRegistry.baselineClaims` reads them here).
/// - S3: the epoch never decreases; it grows by exactly one per `advanceEpoch`.
contract EligibilityStore is IEligibilityStore {
    /// @inheritdoc IEligibilityStore
    // solhint-disable-next-line immutable-vars-naming
    address public immutable registry;

    mapping(address wallet => Eligibility) private _eligibility;
    // The header: one slot.
    uint64 private _baselineClaims;
    uint64 private _epoch;

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
    function epoch() external view returns (uint64) {
        return _epoch;
    }

    /// @inheritdoc IEligibilityStore
    function header() external view returns (uint64, uint64) {
        return (_baselineClaims, _epoch);
    }

    /// @inheritdoc IEligibilityStore
    function partiesOf(address from, address to) external view returns (Eligibility, Eligibility, uint64) {
        return (_wordOf(from), _wordOf(to), _baselineClaims);
    }

    /// @inheritdoc IEligibilityStore
    function partiesAndHeaderOf(
        address from,
        address to
    ) external view returns (Eligibility, Eligibility, uint64, uint64) {
        return (_wordOf(from), _wordOf(to), _baselineClaims, _epoch);
    }

    /// @inheritdoc IEligibilityStore
    function write(address wallet, Eligibility eligibility) external {
        _requireRegistry();
        _eligibility[wallet] = eligibility;
    }

    /// @inheritdoc IEligibilityStore
    function setBaselineClaims(uint64 claims) external {
        _requireRegistry();
        _baselineClaims = claims;
    }

    /// @inheritdoc IEligibilityStore
    function advanceEpoch() external returns (uint64 newEpoch) {
        _requireRegistry();
        // The registry advances the epoch once per call that removes or changes something: 2^64 such calls
        // (one every nanosecond for 584 years) cannot happen.
        unchecked {
            newEpoch = _epoch + 1;
        }
        _epoch = newEpoch;
    }

    /// @dev `wallet`'s word; the zero address is never registered, so it is not read (a caller passes zero for a
    /// party it does not need).
    function _wordOf(address wallet) private view returns (Eligibility) {
        return wallet == address(0) ? Eligibility.wrap(0) : _eligibility[wallet];
    }

    function _requireRegistry() private view {
        require(msg.sender == registry, EligibilityStoreUnauthorizedWriter(msg.sender));
    }
}
