// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Distributions} from "../tokens/extensions/Distributions.sol";

/// @title DistributionsMock
/// @notice Test-only host of the `Distributions` extension: snapshot balances and supplies are set by hand, so the
/// tests can drive any register (including an inconsistent one, to see P1 enforced). Anyone may set them and
/// declare: it is a mock. `pushPayments` and `reclaimUnclaimed` stay restricted by the authority.
contract DistributionsMock is Distributions {
    IERC20 private immutable _coin;
    address private immutable _issuer;

    mapping(uint256 snapshotId => mapping(address holder => uint256)) private _balances;
    mapping(uint256 snapshotId => uint256) private _supplies;
    bool private _stopped;

    constructor(address authority, IERC20 coin, address issuer) initializer {
        __AccessManaged_init(authority);
        _coin = coin;
        _issuer = issuer;
    }

    /// @notice Sets `holder`'s balance at `snapshotId` (and the supply then by the difference).
    function setBalanceAt(address holder, uint256 snapshotId, uint256 balance) external {
        _supplies[snapshotId] = _supplies[snapshotId] - _balances[snapshotId][holder] + balance;
        _balances[snapshotId][holder] = balance;
    }

    /// @notice Sets the supply at `snapshotId` alone (to make the register inconsistent).
    function setSupplyAt(uint256 snapshotId, uint256 supply) external {
        _supplies[snapshotId] = supply;
    }

    /// @notice Records `lostWallet`'s recovery to `newWallet` as a product does in `recoveryAddress`: through a call
    /// to itself (`recordRecovery` accepts the token alone).
    function recover(address lostWallet, address newWallet) external {
        this.recordRecovery(lostWallet, newWallet);
    }

    function setPaymentsStopped(bool stopped) external {
        _stopped = stopped;
    }

    /// @notice Declares a distribution through the extension's internal entry, funded by the caller.
    function declare(uint8 kind, uint256 snapshotId, uint256 amount, uint48 deadline) external returns (uint256) {
        return _declareDistribution(kind, snapshotId, amount, deadline);
    }

    /// @notice The extension's eligible supply at `snapshotId`.
    function eligibleSupplyAt(uint256 snapshotId) external view returns (uint256) {
        return _eligibleSupplyAt(snapshotId);
    }

    function _distributionBalanceOf(address holder, uint256 snapshotId) internal view override returns (uint256) {
        return _balances[snapshotId][holder];
    }

    function _distributionSupply(uint256 snapshotId) internal view override returns (uint256) {
        return _supplies[snapshotId];
    }

    function _settlementCoin() internal view override returns (IERC20) {
        return _coin;
    }

    function _paymentsStopped() internal view override returns (bool) {
        return _stopped;
    }

    function _distributionIssuer() internal view override returns (address) {
        return _issuer;
    }
}
