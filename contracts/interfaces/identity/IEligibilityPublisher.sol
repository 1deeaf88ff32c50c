// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IEligibilityPublisher
/// @notice A registry (identity, members) that pushes every change that can make a holder less eligible to the
/// contracts caching eligibility (its subscribers, `IEligibilitySubscriber`: the settlement coins), in the same
/// transaction as the change: nobody has to remember to sync them.
/// @dev Warning: a subscriber that reverts makes the registry's change revert (the change never takes effect
/// without reaching every cache); governance removes a broken subscriber. Each subscriber costs the registry's
/// less-eligible changes one call per change (a batch of wallets in one call).
interface IEligibilityPublisher {
    /* EVENTS */

    event SubscriberAdded(address indexed subscriber);
    event SubscriberRemoved(address indexed subscriber);

    /* ERRORS */

    /// @notice `subscriber` is the zero address or has no code.
    error EligibilityPublisherInvalidSubscriber(address subscriber);
    /// @notice `subscriber` is already subscribed.
    error EligibilityPublisherSubscriberExists(address subscriber);
    /// @notice `subscriber` is not subscribed.
    error EligibilityPublisherUnknownSubscriber(address subscriber);
    /// @notice The list already holds `max` subscribers.
    error EligibilityPublisherTooManySubscribers(uint256 max);

    /* SUBSCRIBERS */

    /// @notice Subscribes `subscriber` (a contract with code): from now on every change that can make a holder less
    /// eligible calls it in the same transaction. At most `SubscribersLib.MAX_SUBSCRIBERS`.
    /// @custom:access GOVERNOR
    function addSubscriber(address subscriber) external;

    /// @notice Unsubscribes `subscriber`.
    /// @dev Warning: the unsubscribed cache stops following this registry; remove a coin only when retiring it.
    /// @custom:access GOVERNOR
    function removeSubscriber(address subscriber) external;

    /* VIEWS */

    /// @notice The subscribers, in order of subscription (a removal moves the last one into the gap).
    function subscribers() external view returns (address[] memory);
}
