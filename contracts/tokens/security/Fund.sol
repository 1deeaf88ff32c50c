// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {IFundHooks, IFundLifecycle} from "../../interfaces/tokens/IFund.sol";
import {ProductType} from "../../types/ProductType.sol";
import {FundLifecycle} from "./FundLifecycle.sol";
import {SecurityToken} from "./SecurityToken.sol";
import {SecurityTokenCore} from "./SecurityTokenCore.sol";

/// @title Fund
/// @notice Fund units: a security token issued and redeemed at a NAV per unit against a settlement coin. Its
/// complete interface is `IFund` (the core's `ISecurityToken` and the fund's `IFundLifecycle`); read the rules there.
/// @dev The core (`SecurityToken`) is compiled here; the lifecycle (`IFundLifecycle`: terms, NAV, requests,
/// dealing, cash) lives in `FundLifecycle`, an immutable of this implementation, which every selector this contract
/// does not have reaches through `fallback` by `delegatecall` — in this fund's storage, under this fund's address
/// and authority. Together they exceed EIP-170's code limit (24,576 bytes): the split keeps each under it, at the
/// cost of one cold call (≈ 2.6 k gas) per lifecycle transaction and one self-call per unit movement.
///
/// The lifecycle moves units only through the three `IFundHooks`, callable by the fund itself alone (the
/// lifecycle runs as the fund, so its calls to `address(this)` come from the fund): `_mintChecked`,
/// `_burnUnchecked` of the escrow and `_moveUnchecked` into or out of the escrow. No other path calls them.
contract Fund is SecurityToken, IFundHooks {
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    FundLifecycle private immutable _lifecycle;

    /// @param compliance_ The pipeline every transfer and mint asks.
    /// @param identityRegistry_ The identity registry.
    /// @param settlementEngine_ The settlement engine, the only notary of the token's holds.
    /// @param lifecycle_ The lifecycle logic this implementation runs (`FundLifecycle`).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_,
        FundLifecycle lifecycle_
    ) SecurityToken(compliance_, identityRegistry_, settlementEngine_) {
        require(address(lifecycle_).code.length != 0, FundInvalidLifecycle(address(lifecycle_)));
        _lifecycle = lifecycle_;
    }

    /// @inheritdoc ISecurityToken
    /// @dev `terms` is `abi.encode(IFundLifecycle.FundTerms)`, validated by `FundLifecycle.initialize`.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
        Address.functionDelegateCall(
            address(_lifecycle),
            abi.encodeCall(FundLifecycle.initialize, (terms, instrument_.decimals))
        );
    }

    /// @notice Runs every `IFundLifecycle` function in `FundLifecycle`, in this fund's context; reverts bubble up.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        return Address.functionDelegateCall(address(_lifecycle), data);
    }

    /// @notice The lifecycle logic this implementation runs.
    function fundLifecycle() external view returns (address) {
        return address(_lifecycle);
    }

    /* HOOKS (the lifecycle's access to the core's balance paths) */

    /// @inheritdoc IFundHooks
    function fundMint(address to, uint256 amount) external {
        _onlySelf();
        _mintChecked(to, amount);
    }

    /// @inheritdoc IFundHooks
    function fundBurnEscrow(uint256 amount) external {
        _onlySelf();
        _burnUnchecked(address(this), amount);
    }

    /// @inheritdoc IFundHooks
    function fundMoveEscrow(address from, address to, uint256 amount) external {
        _onlySelf();
        require(from == address(this) || to == address(this), FundOnlySelf(msg.sender));
        // Into the escrow (a redemption request): the token's own restrictions, decided where a transfer's are.
        if (to == address(this)) _requireOwnAllowed(from, to, amount);
        _moveUnchecked(from, to, amount);
    }

    /// @inheritdoc SecurityToken
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IFundLifecycle).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc SecurityTokenCore
    function _productType() internal pure override returns (ProductType) {
        return ProductType.Fund;
    }

    function _onlySelf() private view {
        require(msg.sender == address(this), FundOnlySelf(msg.sender));
    }
}
