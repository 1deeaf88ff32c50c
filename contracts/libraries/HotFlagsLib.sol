// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {StorageSlot} from "@openzeppelin/contracts/utils/StorageSlot.sol";

/// @title HotFlagsLib
/// @notice A contract's global hot flags kept in the upper 96 bits of the ERC-1967 implementation slot.
/// @dev Warning: this is for gas. Every call through the proxy has just read the implementation slot, so reading
/// it again costs 100 gas (warm) where a slot of our own would cost a cold 2,100 on every transfer (DESIGN.md §6).
/// It relies on OpenZeppelin's `ERC1967Proxy` and `ERC1967Utils` (5.x) handling the slot as a Solidity `address`
/// in storage: reads mask it to its low 160 bits and `upgradeToAndCall` writes only those bits, keeping the flags
/// (proven by the hot-flag tests of each user). A future proxy or upgrade path writing the whole word would clear
/// the flags, and one reading the whole word as the implementation would break the proxy: check both before
/// changing either. Off-chain tools that insist the slot hold a bare address (e.g. `getImplementationAddress` of
/// OpenZeppelin's upgrades-core) refuse to read it while a flag is set; read its low 160 bits instead. Users
/// should choose their flags so that the deployed configuration sets none.
///
/// A hot path may read the word inline (`StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value >>
/// HotFlagsLib.SHIFT`): the optimizer does not always inline `read`.
library HotFlagsLib {
    /// @notice Where the flags start: above the 160-bit implementation address.
    uint256 internal constant SHIFT = 160;
    /// @notice The implementation address's bits.
    uint256 internal constant ADDRESS_MASK = type(uint160).max;

    /// @notice The flags (96 bits).
    function read() internal view returns (uint256) {
        return StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value >> SHIFT;
    }

    /// @notice Replaces the flags, keeping the implementation address. `flags` must fit in 96 bits.
    function write(uint256 flags) internal {
        StorageSlot.Uint256Slot storage slot = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT);
        slot.value = (slot.value & ADDRESS_MASK) | (flags << SHIFT);
    }
}
