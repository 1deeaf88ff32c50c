// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IEligibilityPublisher} from "../interfaces/identity/IEligibilityPublisher.sol";
import {IEligibilitySubscriber} from "../interfaces/identity/IEligibilitySubscriber.sol";

/// @title SubscribersLib
/// @notice A registry's list of eligibility subscribers (`IEligibilityPublisher`): adding, removing and telling
/// them of a change. Shared by the identity and member registries, each keeping the list in its own storage.
library SubscribersLib {
    /// @notice The most subscribers a registry keeps: each one costs every less-eligible change a call.
    uint256 internal constant MAX_SUBSCRIBERS = 8;

    /// @notice Appends `subscriber`, which must have code and not be in `list` yet.
    function add(address[] storage list, address subscriber) internal {
        require(subscriber.code.length != 0, IEligibilityPublisher.EligibilityPublisherInvalidSubscriber(subscriber));
        uint256 length = list.length;
        for (uint256 i; i < length; ++i) {
            require(list[i] != subscriber, IEligibilityPublisher.EligibilityPublisherSubscriberExists(subscriber));
        }
        require(
            length < MAX_SUBSCRIBERS,
            IEligibilityPublisher.EligibilityPublisherTooManySubscribers(MAX_SUBSCRIBERS)
        );
        list.push(subscriber);
        emit IEligibilityPublisher.SubscriberAdded(subscriber);
    }

    /// @notice Removes `subscriber`, which must be in `list`: the last subscriber takes its position.
    function remove(address[] storage list, address subscriber) internal {
        uint256 length = list.length;
        for (uint256 i; i < length; ++i) {
            if (list[i] == subscriber) {
                list[i] = list[length - 1];
                list.pop();
                emit IEligibilityPublisher.SubscriberRemoved(subscriber);
                return;
            }
        }
        revert IEligibilityPublisher.EligibilityPublisherUnknownSubscriber(subscriber);
    }

    /// @notice Tells every subscriber to re-read `wallets` (one `syncHolders` call each). Nothing when `wallets` is
    /// empty.
    function notify(address[] storage list, address[] memory wallets) internal {
        if (wallets.length == 0) return;
        uint256 length = list.length;
        for (uint256 i; i < length; ++i) {
            IEligibilitySubscriber(list[i]).syncHolders(wallets);
        }
    }

    /// @notice Tells every subscriber to re-read `wallet`.
    function notify(address[] storage list, address wallet) internal {
        uint256 length = list.length;
        for (uint256 i; i < length; ++i) {
            IEligibilitySubscriber(list[i]).syncHolder(wallet);
        }
    }

    /// @notice Tells every subscriber to re-read the baseline claims.
    function notifyBaseline(address[] storage list) internal {
        uint256 length = list.length;
        for (uint256 i; i < length; ++i) {
            IEligibilitySubscriber(list[i]).syncBaselineClaims();
        }
    }
}
