// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IDistributions} from "../../interfaces/tokens/IDistributions.sol";
import {IEquityHooks, IEquityLifecycle} from "../../interfaces/tokens/IEquity.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {ProductType} from "../../types/ProductType.sol";
import {EquityLifecycle} from "./EquityLifecycle.sol";
import {SecurityToken} from "./SecurityToken.sol";
import {SecurityTokenCore} from "./SecurityTokenCore.sol";

/// @title Equity
/// @notice Shares: a security token with cash dividends in the settlement coin and splits and consolidations by
/// ratio. Its complete interface is `IEquity` (the core's `ISecurityToken` and the equity's `IEquityLifecycle`);
/// read the rules there.
/// @dev The core (`SecurityToken`) is compiled here; the corporate actions (`IEquityLifecycle`, with the
/// `Distributions` extension) live in `EquityLifecycle`, an immutable of this implementation, which every selector
/// this contract does not have reaches through `fallback` by `delegatecall` — in this equity's storage, under its
/// address and authority. Together they exceed EIP-170's code limit (24,576 bytes): the split keeps each under it,
/// at the cost of one cold call (≈ 2.6 k gas) per lifecycle transaction and a self-call (≈ 2 k) per register read
/// or change the lifecycle makes.
///
/// The lifecycle changes the register only through the four `IEquityHooks`, callable by the equity itself alone
/// (the lifecycle runs as the equity, so its calls to `address(this)` come from the equity). No other path calls
/// them.
contract Equity is SecurityToken, IEquityHooks {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    EquityLifecycle private immutable _lifecycle;

    /// @param compliance_ The pipeline every transfer and mint asks.
    /// @param identityRegistry_ The identity registry.
    /// @param settlementEngine_ The settlement engine, the only notary of the token's holds.
    /// @param lifecycle_ The corporate-action logic this implementation runs (`EquityLifecycle`).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_,
        EquityLifecycle lifecycle_
    ) SecurityToken(compliance_, identityRegistry_, settlementEngine_) {
        require(address(lifecycle_).code.length != 0, EquityInvalidLifecycle(address(lifecycle_)));
        _lifecycle = lifecycle_;
    }

    /// @inheritdoc ISecurityToken
    /// @dev `terms` is `abi.encode(IEquityLifecycle.EquityTerms)` (sdk/products/equity.ts `encodeEquityTerms`),
    /// validated by `EquityLifecycle.initializeEquity`. AccessManaged is initialized by the core's operations module
    /// (`__SecurityToken_init`), which the plugin cannot see.
    /// @custom:oz-upgrades-unsafe-allow delegatecall missing-initializer-call
    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
        Address.functionDelegateCall(address(_lifecycle), abi.encodeCall(EquityLifecycle.initializeEquity, (terms)));
    }

    /// @notice Runs every `IEquityLifecycle` function in `EquityLifecycle`, in this equity's context; reverts bubble
    /// up.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        return Address.functionDelegateCall(address(_lifecycle), data);
    }

    /// @notice The corporate-action logic this implementation runs.
    function equityLifecycle() external view returns (address) {
        return address(_lifecycle);
    }

    /* HOOKS (the lifecycle's access to the core's register paths) */

    /// @inheritdoc IEquityHooks
    function equityIssue(address to, uint256 amount) external {
        _onlySelf();
        _issueUnchecked(to, amount);
    }

    /// @inheritdoc IEquityHooks
    function equityBurn(address from, uint256 amount) external {
        _onlySelf();
        _burnUnchecked(from, amount);
    }

    /// @inheritdoc IEquityHooks
    function equitySnapshot() external returns (uint256) {
        _onlySelf();
        return _snapshot();
    }

    /// @inheritdoc IEquityHooks
    function equitySetTransfersStopped(bool stopped) external {
        _onlySelf();
        _setTransfersStopped(stopped);
    }

    /// @notice ERC-165: the core's interfaces, `IEquityLifecycle` and `IDistributions`.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IEquityLifecycle).interfaceId ||
            interfaceId == type(IDistributions).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @inheritdoc SecurityTokenCore
    function _productType() internal pure override returns (ProductType) {
        return ProductType.Equity;
    }

    /// @dev Forwards the lost wallet's unpaid entitlements to the new wallet (`IDistributions.recordRecovery`, run by
    /// the lifecycle through this token's fallback: the call comes from the token itself).
    function _afterRecovery(address lostWallet, address newWallet) internal override {
        IDistributions(address(this)).recordRecovery(lostWallet, newWallet);
    }

    function _onlySelf() private view {
        require(msg.sender == address(this), EquityOnlySelf(msg.sender));
    }
}
