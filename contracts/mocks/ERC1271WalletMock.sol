// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ERC1271WalletMock
/// @notice Test-only contract wallet with one owner: it accepts as its own every signature its owner's key made
/// over a hash (ERC-1271), and its owner may make it call any contract. Stands in for the smart-contract wallets
/// (multisigs, account abstraction) that sign EIP-3009 authorizations with `bytes` signatures.
/// @dev Never shipped. `isValidSignature` recovers the plain ECDSA signer of `hash`: no domain, no replay guard
/// of its own, which is what the token's EIP-712 hashing and nonces are for.
contract ERC1271WalletMock is IERC1271 {
    /// @notice The wallet called `target` with `data` on its owner's order and got `result`.
    event Executed(address indexed target, bytes data, bytes result);

    /// @notice `caller` is not the wallet's owner.
    error ERC1271WalletMockNotOwner(address caller);

    /// @notice The wallet was given no owner.
    error ERC1271WalletMockInvalidOwner();

    address private immutable _owner;

    /// @param owner_ The key whose signatures the wallet accepts and who alone may `execute`.
    constructor(address owner_) {
        require(owner_ != address(0), ERC1271WalletMockInvalidOwner());
        _owner = owner_;
    }

    /// @notice Calls `target` with `data` from the wallet, bubbling up any revert.
    /// @return result What the call returned.
    /// @custom:access the owner
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        require(msg.sender == _owner, ERC1271WalletMockNotOwner(msg.sender));
        result = Address.functionCall(target, data);
        emit Executed(target, data, result);
    }

    /// @notice The key whose signatures the wallet accepts.
    function owner() external view returns (address) {
        return _owner;
    }

    /// @notice ERC-1271: the magic value `0x1626ba7e` iff `signature` is the owner's ECDSA signature of `hash`;
    /// `0xffffffff` otherwise (malformed signatures included).
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return
            recoverError == ECDSA.RecoverError.NoError && signer == _owner
                ? IERC1271.isValidSignature.selector
                : bytes4(0xffffffff);
    }
}
