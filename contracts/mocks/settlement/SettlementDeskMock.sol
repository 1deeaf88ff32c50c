// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";

/// @title SettlementDeskMock
/// @notice Test-only stand-in for the settlement engine's hold desk (`ISettlement.placeClientHold`,
/// `executeClientHold`, `releaseClientHold`, `clientTransfer`, `clientHoldId`, `isCoin`; the engine lands on another
/// branch). As the engine does: the desk functions are `restricted` (the test fixture maps them to
/// SETTLEMENT_CLIENT), a client's hold id on the token is `keccak256(abi.encode(client, clientHoldId))`, a token
/// must be registered, and the token's own errors bubble up unchanged.
/// @dev Never shipped. It does not declare `ISettlement`, which the engine's implementer completes with more
/// functions; its desk functions keep `ISettlement`'s signatures.
contract SettlementDeskMock is AccessManaged {
    /// @notice `token` was registered (or de-registered) as an asset.
    event AssetSet(address indexed token, bool registered);
    /// @notice `coin` was registered (or de-registered) as a settlement coin.
    event CoinSet(address indexed coin, bool registered);

    /// @notice `token` is not a registered asset.
    error SettlementDeskMockUnregisteredAsset(address token);

    mapping(address token => bool) private _registered;
    mapping(address coin => bool) private _coins;

    /// @param initialAuthority The alliance authority (AccessManager).
    constructor(address initialAuthority) AccessManaged(initialAuthority) {}

    /// @notice Registers `token` as an asset (ADMIN: no table entry).
    function setAsset(address token, bool registered) external restricted {
        _registered[token] = registered;
        emit AssetSet(token, registered);
    }

    /// @notice Registers (or de-registers) `coin` as a settlement coin (ADMIN: no table entry).
    function setCoin(address coin, bool registered) external restricted {
        _coins[coin] = registered;
        emit CoinSet(coin, registered);
    }

    /// @notice Whether `coin` is a registered settlement coin (`ISettlement.isCoin`).
    function isCoin(address coin) external view returns (bool) {
        return _coins[coin];
    }

    /// @notice `IHoldable.placeHold` on `token` for the calling client.
    function placeClientHold(
        address token,
        bytes32 clientHoldId_,
        address holder,
        uint256 amount,
        uint48 expiry
    ) external restricted returns (bytes32 holdId) {
        holdId = clientHoldId(msg.sender, clientHoldId_);
        _registeredToken(token).placeHold(holdId, holder, amount, expiry);
    }

    /// @notice `IHoldable.executeHold` of the calling client's hold.
    function executeClientHold(address token, bytes32 clientHoldId_, address to, uint256 amount) external restricted {
        _registeredToken(token).executeHold(clientHoldId(msg.sender, clientHoldId_), to, amount);
    }

    /// @notice `IHoldable.releaseHold` of the calling client's hold.
    function releaseClientHold(address token, bytes32 clientHoldId_) external restricted {
        _registeredToken(token).releaseHold(clientHoldId(msg.sender, clientHoldId_));
    }

    /// @notice `IHoldable.settlementTransfer` on behalf of the calling client.
    function clientTransfer(address token, address from, address to, uint256 amount) external restricted {
        _registeredToken(token).settlementTransfer(from, to, amount);
    }

    /// @notice The token's hold id of a client's hold.
    function clientHoldId(address client, bytes32 clientHoldId_) public pure returns (bytes32) {
        return keccak256(abi.encode(client, clientHoldId_));
    }

    function _registeredToken(address token) private view returns (IHoldable) {
        require(_registered[token], SettlementDeskMockUnregisteredAsset(token));
        return IHoldable(token);
    }
}
