// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title ComplianceMemoLib
/// @notice The format of the pipeline's 88-bit memos (`ICompliance.checkTransfer`): what a memo records, and when
/// it holds.
/// @dev Layout:
///
/// | bits  | field   | meaning                                                                             |
/// | ----- | ------- | ----------------------------------------------------------------------------------- |
/// | 0–23  | until   | the attestation's expiry in 256-second units, rounded down, saturating at 2^24 − 1 |
/// | 24–31 | serial  | the serial of the pipeline that made it (`ICompliance.pipelineSerial`, never 0)     |
/// | 32–70 | epoch   | the low 39 bits of the identity registry's eligibility epoch                        |
/// | 71–86 | version | the asset's configuration version                                                  |
/// | 87    | level   | 1 = recipient level (also the required claims and the allow-list), 0 = sender level |
///
/// - `until`: a memo lapses up to 255 s before the attestation does, never after; 2^24 units of 256 s end in
///   February 2106, so an attestation running beyond that gives a memo that lapses then (the full evaluation then
///   judges the party: correct, only dearer).
/// - `serial`: pipelines sharing an identity registry share its epochs and each numbers its assets' versions from
///   1, so epoch and version alone would let a memo of one pipeline vouch in another. The serial tells them apart
///   deterministically: the pipelines of one registry's succession never share a serial (`Compliance`'s
///   constructor: a successor is handed its predecessor's serial plus one, once).
/// - `epoch`: 2^39 registry calls that advance it (one per KYC-provider transaction that removes or changes
///   something) cannot happen in the chain's lifetime: 17 years at 1,000 such transactions per second.
/// A zero memo never holds (its `until` is 0).
library ComplianceMemoLib {
    uint256 private constant _TIME_SHIFT = 8;
    uint256 private constant _UNTIL_MASK = (1 << 24) - 1;
    uint256 private constant _SERIAL_SHIFT = 24;
    uint256 private constant _EPOCH_SHIFT = 32;
    uint256 private constant _EPOCH_MASK = (1 << 39) - 1;
    uint256 private constant _VERSION_SHIFT = 71;
    uint256 private constant _RECIPIENT = 1 << 87;
    /// @dev The serial and version bits: which pipeline and which configuration the memo is about.
    uint256 private constant _KEY_MASK =
        (uint256(type(uint8).max) << _SERIAL_SHIFT) | (uint256(type(uint16).max) << _VERSION_SHIFT);
    /// @dev The serial, epoch and version bits (24–86).
    uint256 private constant _SERIAL_EPOCH_AND_VERSION = ((1 << 63) - 1) << _SERIAL_SHIFT;

    /// @notice The serial bits of a memo made by pipeline `serial`: the pipeline keeps them as an immutable and
    /// passes them to `make`, `holds` and `bothHold`.
    function serialBits(uint8 serial) internal pure returns (uint256) {
        return uint256(serial) << _SERIAL_SHIFT;
    }

    /// @notice A memo made by the pipeline with serial bits `serial` for a party verified at `epoch` under
    /// configuration `version`, until its attestation `expiry`.
    function make(
        uint48 expiry,
        uint64 epoch,
        uint16 version,
        uint256 serial,
        bool recipientLevel
    ) internal pure returns (uint88) {
        uint256 until = uint256(expiry) >> _TIME_SHIFT;
        if (until > _UNTIL_MASK) until = _UNTIL_MASK;
        uint256 memo =
            until | serial | ((uint256(epoch) & _EPOCH_MASK) << _EPOCH_SHIFT) | (uint256(version) << _VERSION_SHIFT);
        if (recipientLevel) memo |= _RECIPIENT;
        // Every field was masked to its width (`serial` is `serialBits` of a uint8): the memo fits 88 bits.
        return uint88(memo);
    }

    /// @notice Whether `memo` holds now for the pipeline with serial bits `serial` and configuration `version`
    /// at the level asked; the epoch is checked apart (`inEpoch`) once the store has been read.
    function holds(uint88 memo, uint16 version, uint256 serial, bool recipientLevel) internal view returns (bool) {
        uint256 m = memo;
        return
            block.timestamp < (m & _UNTIL_MASK) << _TIME_SHIFT &&
            m & _KEY_MASK == serial | (uint256(version) << _VERSION_SHIFT) &&
            (!recipientLevel || m & _RECIPIENT != 0);
    }

    /// @notice Whether a sender's memo and a recipient-level recipient's memo both hold now for the pipeline with
    /// serial bits `serial` and configuration `version`, and were made at one epoch (so checking the recipient's
    /// epoch checks both). For a mint (`from` zero) the recipient's memo alone is checked.
    function bothHold(
        address from,
        uint88 fromMemo,
        uint88 toMemo,
        uint16 version,
        uint256 serial
    ) internal view returns (bool) {
        if (from == address(0)) fromMemo = toMemo;
        uint256 f = fromMemo;
        uint256 t = toMemo;
        uint256 until = f & _UNTIL_MASK;
        if (t & _UNTIL_MASK < until) until = t & _UNTIL_MASK;
        return
            t & _RECIPIENT != 0 &&
            (f ^ t) & _SERIAL_EPOCH_AND_VERSION == 0 &&
            t & _KEY_MASK == serial | (uint256(version) << _VERSION_SHIFT) &&
            block.timestamp < until << _TIME_SHIFT;
    }

    /// @notice The bits a memo made by the pipeline with serial bits `serial` under configuration `version` at the
    /// store's `epoch` carries in its serial, epoch and version fields: computed once per batch, so that `vouches`
    /// tests a memo's key and epoch with one comparison.
    function key(uint64 epoch, uint16 version, uint256 serial) internal pure returns (uint256) {
        return serial | ((uint256(epoch) & _EPOCH_MASK) << _EPOCH_SHIFT) | (uint256(version) << _VERSION_SHIFT);
    }

    /// @notice Whether `memo` holds now, at the level asked, for the pipeline, configuration and epoch of `key`
    /// (`key(...)`): `holds(...) && inEpoch(...)` in one masked comparison.
    function vouches(uint88 memo, uint256 key_, bool recipientLevel) internal view returns (bool) {
        uint256 m = memo;
        uint256 level = recipientLevel ? _RECIPIENT : 0;
        return
            m & (_SERIAL_EPOCH_AND_VERSION | level) == key_ | level &&
            block.timestamp < (m & _UNTIL_MASK) << _TIME_SHIFT;
    }

    /// @notice The index of the first of the packed net positions `positions` (`ICompliance.checkNetPositions`)
    /// from `from` on that takes a role and whose memo does not vouch for it against `key_` (`vouches`, at recipient
    /// level when it receives), or that receives while `recipients` is false; `positions.length` if there is none.
    /// Positions without a role are passed over.
    /// @dev One calldata word and a few operations a vouched position: `checkNetPositions`'s fast path.
    function firstUnvouched(
        uint256[] calldata positions,
        uint256 from,
        uint256 key_,
        bool recipients
    ) internal view returns (uint256 i) {
        // Inline assembly: the constants are this library's layout as literals (`_SERIAL_EPOCH_AND_VERSION`,
        // `_RECIPIENT` = bit 87, `_UNTIL_MASK`, `_TIME_SHIFT`) and the positions' (memo at bits 160–247, roles at
        // 248–249). Safe: reads only words below `positions.length` of the array's data, which the parameters'
        // decoder bounded to the call data; writes nothing.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            for {
                i := from
            } lt(i, positions.length) {
                i := add(i, 1)
            } {
                let position := calldataload(add(positions.offset, shl(5, i)))
                let roles := and(shr(248, position), 3)
                if roles {
                    let receives := and(roles, 1)
                    if and(receives, iszero(recipients)) {
                        break
                    }
                    // The memo in bits 0–87 (the bits above are masked out).
                    let memo := shr(160, position)
                    let level := shl(87, receives)
                    if iszero(
                        and(
                            eq(and(memo, or(0x7fffffffffffffff000000, level)), or(key_, level)),
                            lt(timestamp(), shl(8, and(memo, 0xffffff)))
                        )
                    ) {
                        break
                    }
                }
            }
        }
    }

    /// @notice Whether `memo` was made at the store's current `epoch` (compared on the memo's 39 bits).
    function inEpoch(uint88 memo, uint64 epoch) internal pure returns (bool) {
        return (uint256(memo) >> _EPOCH_SHIFT) & _EPOCH_MASK == uint256(epoch) & _EPOCH_MASK;
    }
}
