// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IBondHooks, IBondLifecycle} from "../../interfaces/tokens/IBond.sol";
import {IDistributions} from "../../interfaces/tokens/IDistributions.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {ProductType} from "../../types/ProductType.sol";
import {BondLifecycle} from "./BondLifecycle.sol";
import {SecurityToken} from "./SecurityToken.sol";
import {SecurityTokenCore} from "./SecurityTokenCore.sol";

/// @title Bond
/// @notice A fixed-rate bond: a security token with a coupon schedule, coupons paid on record dates, redemption at
/// maturity or after an early call, and a default flag. Its complete interface is `IBond` (the core's
/// `ISecurityToken` and the bond's `IBondLifecycle`); read the rules there.
/// @dev The core (`SecurityToken`) is compiled here; the lifecycle (`IBondLifecycle`: terms, schedule, coupons as
/// distributions, call, redemption, default) lives in `BondLifecycle`, an immutable of this implementation, which
/// every selector this contract does not have reaches through `fallback` by `delegatecall` — in this bond's
/// storage, under this bond's address and authority. Together they exceed EIP-170's code limit (24,576 bytes):
/// the split keeps each under it, at the cost of one cold call (≈ 2.6 k gas) per lifecycle transaction and a
/// self-call for each core view or hook the lifecycle uses. Transfers never reach the lifecycle.
///
/// The lifecycle reaches the core's internal paths only through the four `IBondHooks`, callable by the bond
/// itself alone (the lifecycle runs as the bond, so its calls to `address(this)` come from the bond): `_snapshot`,
/// `_burnUnchecked` (redemption), `_setTransfersStopped` (default, redemption) and `_rescheduleSnapshot` (record
/// dates). No other path calls them.
contract Bond is SecurityToken, IBondHooks {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    BondLifecycle private immutable _lifecycle;

    /// @param compliance_ The pipeline every transfer and mint asks.
    /// @param identityRegistry_ The identity registry.
    /// @param settlementEngine_ The settlement engine, the only notary of the token's holds.
    /// @param lifecycle_ The lifecycle logic this implementation runs (`BondLifecycle`).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_,
        BondLifecycle lifecycle_
    ) SecurityToken(compliance_, identityRegistry_, settlementEngine_) {
        require(address(lifecycle_).code.length != 0, BondInvalidLifecycle(address(lifecycle_)));
        _lifecycle = lifecycle_;
    }

    /// @inheritdoc ISecurityToken
    /// @dev `terms` is `abi.encode(IBondLifecycle.BondTerms)`, validated by `BondLifecycle.initializeBond`.
    /// AccessManaged is initialized by the core's operations module (`__SecurityToken_init`), which the plugin
    /// cannot see.
    /// @custom:oz-upgrades-unsafe-allow delegatecall missing-initializer-call
    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
        bytes memory firstRecordDate = Address.functionDelegateCall(
            address(_lifecycle),
            abi.encodeCall(BondLifecycle.initializeBond, (terms, instrument_.decimals))
        );
        // The first coupon's record date, scheduled now (the proxy has no code yet to call its hook).
        _rescheduleSnapshot(abi.decode(firstRecordDate, (uint256)));
    }

    /// @notice Runs every `IBondLifecycle` function in `BondLifecycle`, in this bond's context; reverts bubble up.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        return Address.functionDelegateCall(address(_lifecycle), data);
    }

    /// @notice The lifecycle logic this implementation runs.
    function bondLifecycle() external view returns (address) {
        return address(_lifecycle);
    }

    /* HOOKS (the lifecycle's access to the core's internal paths) */

    /// @inheritdoc IBondHooks
    function bondSnapshot() external returns (uint256) {
        _onlySelf();
        return _snapshot();
    }

    /// @inheritdoc IBondHooks
    function bondBurn(address holder, uint256 amount) external {
        _onlySelf();
        _burnUnchecked(holder, amount);
    }

    /// @inheritdoc IBondHooks
    function bondSetTransfersStopped(bool stopped) external {
        _onlySelf();
        _setTransfersStopped(stopped);
    }

    /// @inheritdoc IBondHooks
    function bondScheduleSnapshot(uint256 at) external returns (uint256, uint256) {
        _onlySelf();
        return _rescheduleSnapshot(at);
    }

    /// @inheritdoc SecurityToken
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IBondLifecycle).interfaceId ||
            interfaceId == type(IDistributions).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @inheritdoc SecurityTokenCore
    function _productType() internal pure override returns (ProductType) {
        return ProductType.Bond;
    }

    /// @dev Forwards the lost wallet's unpaid entitlements to the new wallet (`IDistributions.recordRecovery`, run by
    /// the lifecycle through this token's fallback: the call comes from the token itself).
    function _afterRecovery(address lostWallet, address newWallet) internal override {
        IDistributions(address(this)).recordRecovery(lostWallet, newWallet);
    }

    function _onlySelf() private view {
        require(msg.sender == address(this), BondOnlySelf(msg.sender));
    }
}
