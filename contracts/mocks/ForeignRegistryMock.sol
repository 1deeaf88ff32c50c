// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice Test-only stand-in for another identity registry: it answers `eligibilityStore()`, all a pipeline's
/// constructor asks of its registry before checking its predecessor's.
contract ForeignRegistryMock {
    address private immutable _store;

    constructor(address store) {
        _store = store;
    }

    function eligibilityStore() external view returns (address) {
        return _store;
    }
}
