// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ReentrantERC1271WalletMock
/// @notice Test-only malicious contract wallet: while asked to validate a signature (ERC-1271) it tries to call
/// `target` with `data` (e.g. re-enter the settlement engine), and vouches for the signature only if that attempt
/// succeeded — so a settlement that accepts its signature proves the re-entry worked. With no target it is an
/// honest one-owner wallet.
/// @dev Never shipped.
contract ReentrantERC1271WalletMock is IERC1271 {
    address private immutable _owner;
    address private _target;
    bytes private _data;

    /// @param owner_ The key whose ECDSA signatures the wallet accepts.
    constructor(address owner_) {
        _owner = owner_;
    }

    /// @notice The call to attempt while validating (zero target: none).
    function setReentry(address target, bytes calldata data) external {
        _target = target;
        _data = data;
    }

    /// @notice ERC-1271: the magic value iff `signature` is the owner's over `hash` and, when a target is set, the
    /// re-entrant call succeeded.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError recoverError, ) = ECDSA.tryRecoverCalldata(hash, signature);
        bool valid = recoverError == ECDSA.RecoverError.NoError && signer == _owner;
        if (_target != address(0)) {
            (bool reentered, ) = _target.staticcall(_data);
            valid = valid && reentered;
        }
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
