// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IEligibilitySubscriber
/// @notice A contract that caches eligibility read from the identity and member registries (the settlement coins)
/// and re-reads it when told to. The registries call it, in the same transaction, after every change that can
/// make a holder less eligible (`IEligibilityPublisher`), so its cache never outlives the registries' state.
/// @dev Each function only re-reads the registries' current state, so anyone may call it: a caller can make the
/// cache truer, never falser.
interface IEligibilitySubscriber {
    /// @notice Re-reads `account`'s eligibility from the identity and member registries and caches it in the
    /// account's balance word (with the attestation's expiry and the claims the account lacks), so transfers need
    /// no external call.
    /// @dev The registries call this for every wallet a change can make less eligible (`IEligibilityPublisher`);
    /// a change that makes a wallet more eligible (a registration, an added wallet, an admission or
    /// reinstatement) takes effect at the next sync (anyone's, or the mint to it).
    /// @custom:access anyone
    function syncHolder(address account) external;

    /// @notice `syncHolder` for several accounts.
    /// @custom:access anyone
    function syncHolders(address[] calldata accounts) external;

    /// @notice Re-reads the identity registry's baseline claims, which every cached investor must hold to receive.
    /// The identity registry calls it whenever the baseline changes.
    /// @custom:access anyone
    function syncBaselineClaims() external;
}
