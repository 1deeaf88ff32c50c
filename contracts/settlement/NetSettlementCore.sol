// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {INetSettlement} from "../interfaces/settlement/INetSettlement.sol";

/// @title NetSettlementCore
/// @notice The batch machinery of `NetSettlement`: its tables' layout (the ERC-7201 namespace
/// `assetledger.storage.NetSettlement`), the decoding of a batch and the trade loop (netting and Merkle root).
/// @dev No state variables and no external functions: `NetSettlement` inherits it after its own bases (the storage
/// layout is unchanged), and so does its test harness (contracts/mocks/settlement/NetSettlementHarness.sol), which
/// times decoding and the trade loop alone; inheriting only this keeps the harness under EIP-170 whatever the
/// module's size. Errors are `INetSettlement`'s.
abstract contract NetSettlementCore {
    /// @dev A clearer's counters, one slot.
    struct Counters {
        uint32 participantCount;
        uint32 instrumentCount;
        uint32 lastCycle;
        uint64 nextTradeId;
        uint64 batchCount;
    }

    /// @dev One slot: a batch reads it once per participant, the has-cycle-holds bit (`cycleHolds != 0`) included.
    struct Participant {
        address wallet;
        bool inactive;
        /// @dev The number of the participant's active cycle-hold records (N7), changed with each record.
        uint32 cycleHolds;
        /// @dev The wallet withdrew its consent (`setClearingConsent`, N8): `inactive` is set with it, so a batch
        /// reads only that.
        bool withdrawn;
    }

    /// @dev The engine's record of a (participant, asset)'s cycle hold, one slot. The token's hold `nonce`
    /// (`_cycleHoldId`) is the current one while `active`, the last one after; nonces never repeat.
    struct CycleHold {
        uint32 cycle;
        uint48 expiry;
        uint32 nonce;
        bool active;
    }

    /// @dev Two slots; the active flag lives in `inactiveInstruments` (a batch reads one bitmap word per 256).
    struct Instrument {
        address token;
        uint96 lotSize;
        address coin;
        uint96 tickSize;
    }

    struct Clearer {
        Counters counters;
        mapping(uint256 index => Participant) participants;
        mapping(address wallet => uint256 indexPlusOne) participantIndex;
        mapping(uint256 index => Instrument) instruments;
        mapping(uint256 word => uint256 bits) inactiveInstruments;
        mapping(uint256 batchNo => INetSettlement.NetBatch) batches;
        /// @dev The tokens and coins of the clearer's instruments: what a cycle hold may lock.
        mapping(address asset => bool) deliverable;
        /// @dev Cycle holds by `participant << 160 | asset`.
        mapping(uint256 key => CycleHold) cycleHolds;
    }

    /// @custom:storage-location erc7201:assetledger.storage.NetSettlement
    struct NetSettlementStorage {
        mapping(address clearer => Clearer) clearers;
    }

    /// @dev A batch being settled, in memory. Pointers are memory addresses of the first entry.
    /// - parts: P words, `hasCycleHolds << 255 | globalIndex << 160 | wallet` by local participant index.
    /// - instrs: I entries of 4 words: token, `coin | lotSize << 32 | tickSize << 128` (coin: its local index),
    ///   first position, K | globalIndex << 32.
    /// - coins: C words (C ≤ I), the batch's coins in order of first use.
    /// - positions: N entries of 2 words: meta, acc. meta = globalParticipant << 160 | globalParticipant << 128 |
    ///   globalInstrument << 96 | localParticipant << 32 | cash index: the participant twice so that the trade loop
    ///   takes the buyer (bits 160–191) and the seller (bits 128–159) of the leaf word with one mask each. acc (the
    ///   trade loop's one accumulator): lots sold (bits 192–255), lots bought (bits 128–191), coin received − paid
    ///   in price ticks × lots, plus 2^97 (bits 0–127); see `_netLoop`.
    /// - cash: C × P entries of 2 words (coin received − paid as int256, `settleNet` flags) at cash index
    ///   `coin × P + localParticipant`, summed from the positions when their instrument's call is built
    ///   (`_fillInstrumentCall`, before any coin's call); allocated then (`_settleTokens`).
    /// - peaks: the 33 words of the Merkle peaks' stack (`_netLoop`), allocated before the positions so that the
    ///   positions end at the free memory pointer when the trade loop runs.
    struct Batch {
        uint32 cycle;
        uint64 firstTradeId;
        uint256 participants;
        uint256 parts;
        uint256 instruments;
        uint256 instrs;
        uint256 coinCount;
        uint256 coins;
        uint256 positionCount;
        uint256 positions;
        uint256 cash;
        uint256 peaks;
        uint256 maxGroup;
        uint256 tradesAt;
        uint256 tradeCount;
        /// @dev Some participant of the batch has cycle holds (N7): only then are debits looked at.
        bool holds;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("assetledger.storage.NetSettlement")) - 1))
    /// & ~bytes32(uint256(0xff))
    bytes32 internal constant _STORAGE_LOCATION = 0xa02fb0b4894ca44eda4e72d13d234bbfb531e40074529509bed8f96d9db40500;

    /// @dev Meta word fields (see `Batch`).
    uint256 internal constant _GP_MASK = 0xffffffff0000000000000000000000000000000000000000;
    uint256 internal constant _GI_MASK = 0xffffffff000000000000000000000000;
    /// @dev The buyer's and the instrument's fields of a meta word, and the seller's (see `Batch`): where the leaf
    /// word has them.
    uint256 internal constant _BUYER_LEAF = 0xffffffff00000000ffffffff000000000000000000000000;
    uint256 internal constant _SELLER_LEAF = 0x00000000000000000000000000000000ffffffff00000000000000000000000000000000;
    /// @dev A position's accumulator (see `Batch`) at its start: nothing bought or sold, its coin field's bias 2^97.
    uint256 internal constant _COIN_BIAS = 0x2000000000000000000000000;
    /// @dev A trade's quantity and price in its calldata word.
    uint256 internal constant _QP_MASK = 0xffffffffffffffff0000000000000000000000000000000000000000;
    /// @dev The has-cycle-holds bit of a `parts` word.
    uint256 internal constant _HOLDS_BIT = 1 << 255;

    /// @dev Batch layout: the fixed header (version, cycle, firstTradeId) and a trade's size.
    uint256 internal constant _HEADER = 13;
    uint256 internal constant _TRADE = 12;

    /* INTERNAL: DECODING */

    /// @dev Reads and checks the batch's header (every table entry it names, every list's order and bounds) and the
    /// trades' framing, and lays out the batch in memory (see `Batch`).
    function _decode(Clearer storage c, bytes calldata batch) internal view returns (Batch memory b) {
        uint256 version = _read(batch, 0, 1);
        require(version == 1, INetSettlement.NetBatchVersion(uint8(version)));
        Counters memory counters = c.counters;
        b.cycle = uint32(_read(batch, 1, 4));
        require(b.cycle >= counters.lastCycle, INetSettlement.NetCycleRegressed(b.cycle, counters.lastCycle));
        b.firstTradeId = uint64(_read(batch, 5, 8));
        require(
            b.firstTradeId == counters.nextTradeId,
            INetSettlement.NetTradeIdMismatch(b.firstTradeId, counters.nextTradeId)
        );
        uint256 at = _HEADER;
        at = _decodeParticipants(c, batch, at, counters.participantCount, b);
        at = _decodeInstruments(c, batch, at, counters.instrumentCount, b);

        b.tradeCount = _read(batch, at, 4);
        require(b.tradeCount != 0, INetSettlement.NetBatchEmpty(at));
        at += 4;
        b.tradesAt = at;
        uint256 length = batch.length;
        uint256 end = at + _TRADE * b.tradeCount;
        // The first trade not wholly in the batch.
        require(end <= length, INetSettlement.NetBatchTruncated(at + _TRADE * ((length - at) / _TRADE), length));
        require(end == length, INetSettlement.NetBatchTrailingBytes(end, length));
        require(
            uint256(b.firstTradeId) + b.tradeCount <= type(uint64).max,
            INetSettlement.NetTradeIdMismatch(b.firstTradeId, counters.nextTradeId)
        );
    }

    /// @dev The participant list: strictly ascending indices of known, active participants.
    /// Inline assembly (one cold slot each, and a few dozen opcodes where checked `_read` calls and Solidity's
    /// mapping access cost several times that): each entry is checked to lie in the batch, read with one
    /// `calldataload`, checked against the least index it may have and the table's size, and its slot read; a bad
    /// entry stops the loop and `_revertParticipant` reports it with its offset, in the order of the checks.
    /// Safe: writes only `parts`' n words and the scratch space (0x00–0x3f, the mapping slot's hash).
    // solhint-disable-next-line function-max-lines
    function _decodeParticipants(
        Clearer storage c,
        bytes calldata batch,
        uint256 at,
        uint32 count,
        Batch memory b
    ) internal view returns (uint256) {
        uint256 n = _read(batch, at, 2);
        require(n != 0, INetSettlement.NetBatchEmpty(at));
        at += 2;
        uint256[] memory parts = new uint256[](n);
        mapping(uint256 index => Participant) storage table = c.participants;
        uint256 length = batch.length;
        uint256 anyHolds;
        uint256 bad;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(batch.offset, at)
            let end := add(p, shl(2, n))
            let limit := add(batch.offset, length)
            let out := add(parts, 0x20)
            // The least index the next entry may have: strictly ascending.
            let least := 0
            mstore(0x20, table.slot)
            for {} lt(p, end) {
                p := add(p, 4)
            } {
                if gt(add(p, 4), limit) {
                    bad := p
                    break
                }
                let index := shr(224, calldataload(p))
                if or(lt(index, least), iszero(lt(index, count))) {
                    bad := p
                    break
                }
                // The participant's one slot: wallet, inactive (bits 160–167), cycleHolds (bits 168–199),
                // withdrawn (bits 200–207: never read here, `inactive` is set with it).
                mstore(0x00, index)
                let slot := sload(keccak256(0x00, 0x40))
                if and(shr(160, slot), 0xff) {
                    bad := p
                    break
                }
                let holds := shl(255, iszero(iszero(and(shr(168, slot), 0xffffffff))))
                anyHolds := or(anyHolds, holds)
                mstore(out, or(or(holds, shl(160, index)), and(slot, 0xffffffffffffffffffffffffffffffffffffffff)))
                out := add(out, 0x20)
                least := add(index, 1)
            }
        }
        if (bad != 0) {
            uint256 offset;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                offset := sub(bad, batch.offset)
            }
            _revertParticipant(c, batch, offset, at, count);
        }
        b.participants = n;
        b.parts = _pointer(parts);
        b.holds = anyHolds != 0;
        return at + 4 * n;
    }

    /// @dev Reverts for the bad participant entry at `offset` of the list starting at `first`
    /// (`_decodeParticipants`): truncated, not ascending, unknown or inactive, checked in that order.
    function _revertParticipant(
        Clearer storage c,
        bytes calldata batch,
        uint256 offset,
        uint256 first,
        uint32 count
    ) internal view {
        uint256 index = _read(batch, offset, 4);
        if (offset != first) {
            uint256 previous = _read(batch, offset - 4, 4);
            require(index > previous, INetSettlement.NetBatchNotAscending(offset, previous, index));
        }
        require(index < count, INetSettlement.NetUnknownParticipant(uint32(index), count));
        revert INetSettlement.NetParticipantInactive(uint32(index), c.participants[index].wallet);
    }

    /// @dev The instrument groups: strictly ascending indices of known, active instruments, each with its strictly
    /// ascending local participant indices below P. Lays out the positions.
    // solhint-disable-next-line function-max-lines
    function _decodeInstruments(
        Clearer storage c,
        bytes calldata batch,
        uint256 at,
        uint32 count,
        Batch memory b
    ) internal view returns (uint256) {
        uint256 n = _read(batch, at, 2);
        require(n != 0, INetSettlement.NetBatchEmpty(at));
        at += 2;
        b.instruments = n;
        b.instrs = _pointer(new uint256[](4 * n));
        b.coins = _pointer(new uint256[](n));
        b.peaks = _pointer(new uint256[](33));
        // Positions are appended at the free memory pointer while nothing else allocates (only storage reads and
        // `_read` run in this loop), and the pointer is moved past them at the end.
        uint256 positions;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            positions := mload(0x40)
        }
        b.positions = positions;
        uint256 previous;
        uint256 inactiveWord = type(uint256).max;
        uint256 inactiveBits;
        for (uint256 j; j < n; ++j) {
            uint256 index = _read(batch, at, 4);
            require(j == 0 || index > previous, INetSettlement.NetBatchNotAscending(at, previous, index));
            require(index < count, INetSettlement.NetUnknownInstrument(uint32(index), count));
            previous = index;
            Instrument storage instrument = c.instruments[index];
            address token = instrument.token;
            if (index >> 8 != inactiveWord) {
                inactiveWord = index >> 8;
                inactiveBits = c.inactiveInstruments[inactiveWord];
            }
            require(
                (inactiveBits >> (index & 0xff)) & 1 == 0,
                INetSettlement.NetInstrumentInactive(uint32(index), token)
            );
            uint256 coin = _coinIndex(b, instrument.coin);
            at += 4;
            uint256 k = _read(batch, at, 2);
            require(k != 0, INetSettlement.NetBatchEmpty(at));
            at += 2;
            uint256 terms = coin | (uint256(instrument.lotSize) << 32) | (uint256(instrument.tickSize) << 128);
            _setInstrument(b, j, token, terms, k | (index << 32));
            // `meta` without the participant, its local index and cash index: globalInstrument << 96.
            at = _appendPositions(batch, at, k, b, (index << 96), coin * b.participants);
            if (k > b.maxGroup) b.maxGroup = k;
        }
        uint256 end = positions + (b.positionCount << 6);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x40, end)
        }
        return at;
    }

    /// @dev Appends the `k` positions of one instrument whose local participant indices start at `at`: each a meta
    /// word and its accumulator at its start (`_COIN_BIAS`: nothing bought or sold).
    /// Inline assembly (a few dozen opcodes a position, where a checked `_read` call per entry costs several times
    /// that; not measured separately): the list's bytes
    /// are checked to lie in the batch once (`NetBatchTruncated` naming the first missing entry), then each u16 is
    /// read with one `calldataload`; an entry out of order or ≥ P stops the loop and is reported by
    /// `_revertLocalIndex` with its offset. Writes only at and past the free memory pointer (positions not yet
    /// allocated: `_decodeInstruments` moves the pointer past them).
    function _appendPositions(
        bytes calldata batch,
        uint256 at,
        uint256 k,
        Batch memory b,
        uint256 instrumentMeta,
        uint256 cashBase
    ) internal pure returns (uint256) {
        uint256 length = batch.length;
        require(at + 2 * k <= length, INetSettlement.NetBatchTruncated(at + 2 * ((length - at) / 2), length));
        uint256 parts = b.parts;
        uint256 participants = b.participants;
        uint256 next = b.positions + (b.positionCount << 6);
        // `meta` without the participant and its local index: globalInstrument << 96 | the cash index of local 0.
        uint256 base = instrumentMeta | cashBase;
        uint256 bad;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(batch.offset, at)
            let end := add(p, shl(1, k))
            // The least index the next entry may have: strictly ascending.
            let least := 0
            for {} lt(p, end) {
                p := add(p, 2)
            } {
                let local := shr(240, calldataload(p))
                if or(lt(local, least), iszero(lt(local, participants))) {
                    bad := p
                    break
                }
                least := add(local, 1)
                // globalParticipant << 160 from `parts`, and again << 128; the cash index is base's plus `local`.
                let gp := and(mload(add(parts, shl(5, local))), _GP_MASK)
                mstore(next, or(or(gp, shr(32, gp)), or(shl(32, local), add(base, local))))
                mstore(add(next, 0x20), _COIN_BIAS)
                next := add(next, 0x40)
            }
        }
        if (bad != 0) {
            uint256 offset;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                offset := sub(bad, batch.offset)
            }
            _revertLocalIndex(batch, offset, participants);
        }
        b.positionCount += k;
        return at + 2 * k;
    }

    /// @dev Reverts for the bad local index at `offset` (`_appendPositions`).
    function _revertLocalIndex(bytes calldata batch, uint256 offset, uint256 participants) internal pure {
        uint256 local = _read(batch, offset, 2);
        require(local < participants, INetSettlement.NetBatchLocalIndex(offset, local, participants));
        revert INetSettlement.NetBatchNotAscending(offset, _read(batch, offset - 2, 2), local);
    }

    /// @dev The local index of `coin` among the batch's coins, appending it on first use.
    function _coinIndex(Batch memory b, address coin) internal pure returns (uint256 i) {
        uint256 coins = b.coins;
        uint256 n = b.coinCount;
        for (; i < n; ++i) if (_word(coins, i) == uint160(coin)) return i;
        _setWord(coins, n, uint160(coin));
        b.coinCount = n + 1;
    }

    function _setInstrument(Batch memory b, uint256 j, address token, uint256 terms, uint256 kAndIndex) internal pure {
        uint256 base = b.instrs + (j << 7);
        uint256 first = b.positionCount;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(base, token)
            mstore(add(base, 0x20), terms)
            mstore(add(base, 0x40), first)
            mstore(add(base, 0x60), kAndIndex)
        }
    }

    /* INTERNAL: NETTING */

    /// @dev Validates every trade, accumulates per position the lots and coin bought and sold (`_netLoop`), and
    /// returns the Merkle root of the trades' leaves (`_netLoop`, then `_fold`). Lots become units and price ticks
    /// become coin once per position, not per trade, when the calls are built (`_fillInstrumentCall`). Runs right
    /// after `_decode`: nothing is allocated in between, so the positions end at the free memory pointer.
    function _netTrades(bytes calldata batch, Batch memory b) internal pure returns (bytes32 root) {
        uint256 positions = b.positions;
        uint256 limit = positions + (b.positionCount << 6);
        uint256 free;
        uint256 first;
        uint256 tradesAt = b.tradesAt;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            free := mload(0x40)
            first := add(batch.offset, tradesAt)
        }
        // `_netLoop` reads the end of the positions from the free memory pointer (a value less to keep).
        assert(free == limit);
        (uint256 done, uint256 top) = _netLoop(
            positions,
            first,
            first + _TRADE * b.tradeCount,
            uint256(b.firstTradeId) << 192,
            b.peaks
        );
        if (done != b.tradeCount) _revertTrade(batch, b, done);
        root = _fold(b.peaks, top);
    }

    /// @dev The trade loop, from calldata address `p` to `end`: returns how many trades passed (all, or the index
    /// of the first bad one) and the top of the Merkle peaks' stack that starts at `peaks`.
    /// Inline assembly, measured by test/settlement/NetSettlement.gas.test.ts (it runs once per trade); written to
    /// keep few values live (more than 16 and the compiler recomputes values at each use instead of keeping them).
    /// It is kept a function of its own (see its first line). Safe: a trade is 12 bytes at `p`, and `_decode`
    /// checked that T trades end exactly at the batch's end, so `calldataload(p)` reads the trade (and bytes after
    /// it, masked off). Both positions' entries are checked to lie below the end of the positions (the free memory
    /// pointer: `_netTrades`) before they are read. Per trade, the buyer's accumulator (`Batch`) gains
    /// quantity << 128 − quantity × price and the seller's quantity << 192 + quantity × price: each lots field
    /// sums ≤ 2^32 quantities < 2^32 (T < 2^32), so stays below 2^64, and the coin field moves by less than 2^96 in
    /// all from its 2^97, so stays within [2^96, 2^98): no field carries or borrows into another. The Merkle tree is
    /// built streaming (RFC 6962 shape), two leaves at a time: an even leaf's hash waits at 0x20 while the next
    /// leaf's word is hashed at 0x00, then the pair's node is merged with the peaks it completes (as many as the
    /// pair's index has trailing one bits); an odd trade count leaves the last leaf as a peak of its own. The ≤ 32
    /// peaks live in 33 allocated words; the scratch space (0x00–0x3f) holds what is hashed; a node's two hashes are
    /// stored in ascending order without a branch (`o`: where the one just read from the stack goes).
    // solhint-disable-next-line function-max-lines
    function _netLoop(
        uint256 positions,
        uint256 p,
        uint256 end,
        uint256 tid,
        uint256 peaks
    ) internal pure returns (uint256 i, uint256 top) {
        // Never taken (`p` ≤ `end`): calling itself keeps the optimizer from inlining the loop into `_netTrades`,
        // whose revert path (`_revertTrade`) would make it recompute the loop's values at each use instead of
        // keeping them (measured: ≈ 150 gas a trade more).
        if (p > end) return _netLoop(positions, end, end, tid, peaks);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            top := peaks
            for {} lt(p, end) {} {
                // Trade i (even): buyerPos u16 ‖ sellerPos u16 ‖ quantity u32 ‖ price u32, then other bytes.
                let w := calldataload(p)
                let ba := add(positions, shl(6, shr(240, w)))
                let sa := add(positions, shl(6, and(shr(224, w), 0xffff)))
                let limit := mload(0x40)
                if iszero(and(lt(ba, limit), lt(sa, limit))) {
                    break
                }
                let mb := mload(ba)
                let ms := mload(sa)
                // Same instrument, different participants.
                let x := xor(mb, ms)
                if or(and(x, _GI_MASK), iszero(and(x, _GP_MASK))) {
                    break
                }
                // The leaf word: tradeId ‖ buyer ‖ seller ‖ instrument ‖ quantity ‖ price ‖ 0.
                mstore(0x00, or(or(tid, and(mb, _BUYER_LEAF)), or(and(ms, _SELLER_LEAF), shr(128, and(w, _QP_MASK)))))
                let qty := and(shr(192, w), 0xffffffff)
                // quantity × price < 2^64: zero iff either is.
                let v := mul(qty, and(shr(160, w), 0xffffffff))
                if iszero(v) {
                    break
                }
                ba := add(ba, 0x20)
                mstore(ba, add(mload(ba), sub(shl(128, qty), v)))
                sa := add(sa, 0x20)
                mstore(sa, add(mload(sa), add(shl(192, qty), v)))
                mstore(0x20, keccak256(0x00, 0x20))
                i := add(i, 1)
                p := add(p, _TRADE)
                tid := add(tid, shl(192, 1))
                if iszero(lt(p, end)) {
                    mstore(top, mload(0x20))
                    top := add(top, 0x20)
                    break
                }
                // Trade i (odd), likewise.
                w := calldataload(p)
                ba := add(positions, shl(6, shr(240, w)))
                sa := add(positions, shl(6, and(shr(224, w), 0xffff)))
                limit := mload(0x40)
                if iszero(and(lt(ba, limit), lt(sa, limit))) {
                    break
                }
                mb := mload(ba)
                ms := mload(sa)
                x := xor(mb, ms)
                if or(and(x, _GI_MASK), iszero(and(x, _GP_MASK))) {
                    break
                }
                mstore(0x00, or(or(tid, and(mb, _BUYER_LEAF)), or(and(ms, _SELLER_LEAF), shr(128, and(w, _QP_MASK)))))
                qty := and(shr(192, w), 0xffffffff)
                v := mul(qty, and(shr(160, w), 0xffffffff))
                if iszero(v) {
                    break
                }
                ba := add(ba, 0x20)
                mstore(ba, add(mload(ba), sub(shl(128, qty), v)))
                sa := add(sa, 0x20)
                mstore(sa, add(mload(sa), add(shl(192, qty), v)))
                // The pair's node, merged with the peaks it completes.
                let h := keccak256(0x00, 0x20)
                let a := mload(0x20)
                let o := shl(5, lt(h, a))
                mstore(o, a)
                mstore(xor(o, 0x20), h)
                h := keccak256(0x00, 0x40)
                for {
                    let k := shr(1, i)
                } and(k, 1) {
                    k := shr(1, k)
                } {
                    top := sub(top, 0x20)
                    a := mload(top)
                    o := shl(5, lt(h, a))
                    mstore(o, a)
                    mstore(xor(o, 0x20), h)
                    h := keccak256(0x00, 0x40)
                }
                mstore(top, h)
                top := add(top, 0x20)
                i := add(i, 1)
                p := add(p, _TRADE)
                tid := add(tid, shl(192, 1))
            }
        }
    }

    /// @dev The root of the peaks `peaks` .. `top` (exclusive), folded right to left: node(P0, node(P1, …
    /// node(Pm−2, Pm−1))), RFC 6962's shape.
    function _fold(uint256 peaks, uint256 top) internal pure returns (bytes32 root) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            top := sub(top, 0x20)
            root := mload(top)
            for {} gt(top, peaks) {} {
                top := sub(top, 0x20)
                let a := mload(top)
                let o := shl(5, lt(root, a))
                mstore(o, a)
                mstore(xor(o, 0x20), root)
                root := keccak256(0x00, 0x40)
            }
        }
    }

    /// @dev Reverts with what is wrong with trade `t` (`_netTrades` stopped there).
    function _revertTrade(bytes calldata batch, Batch memory b, uint256 t) internal pure {
        (uint256 bp, uint256 sp, uint256 quantity, uint256 price) = _trade(batch, b, t);
        uint256 n = b.positionCount;
        require(bp < n && sp < n, INetSettlement.NetTradeInvalidPositions(t, uint16(bp), uint16(sp), n));
        uint256 mb = _word(b.positions, bp << 1);
        uint256 ms = _word(b.positions, sp << 1);
        require((mb ^ ms) & _GI_MASK == 0, INetSettlement.NetTradeInvalidPositions(t, uint16(bp), uint16(sp), n));
        require((mb ^ ms) & _GP_MASK != 0, INetSettlement.NetSelfTrade(t, uint32(mb >> 160)));
        revert INetSettlement.NetTradeZero(t, uint32(quantity), uint32(price));
    }

    /// @dev Reverts with `NetPositionUnused` for the first position no trade bought or sold in.
    function _checkPositionsUsed(Batch memory b) internal pure {
        uint256 positions = b.positions;
        uint256 n = b.positionCount;
        uint256 unused = n;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            for {
                let i := 0
            } lt(i, n) {
                i := add(i, 1)
            } {
                // No lots bought or sold (accumulator bits 128–255): no trade here.
                if iszero(shr(128, mload(add(positions, add(shl(6, i), 0x20))))) {
                    unused := i
                    break
                }
            }
        }
        if (unused != n) {
            uint256 meta = _word(positions, unused << 1);
            revert INetSettlement.NetPositionUnused(unused, uint32(meta >> 160), uint32(meta >> 96));
        }
    }

    /* INTERNAL: HELPERS */

    /// @dev Trade `t`'s fields.
    function _trade(
        bytes calldata batch,
        Batch memory b,
        uint256 t
    ) internal pure returns (uint256 bp, uint256 sp, uint256 quantity, uint256 price) {
        uint256 at = b.tradesAt + t * _TRADE;
        bp = _read(batch, at, 2);
        sp = _read(batch, at + 2, 2);
        quantity = _read(batch, at + 4, 4);
        price = _read(batch, at + 8, 4);
    }

    /// @dev The `size`-byte (≤ 32) big-endian unsigned integer at byte `at` of `batch`.
    function _read(bytes calldata batch, uint256 at, uint256 size) internal pure returns (uint256 value) {
        require(at + size <= batch.length, INetSettlement.NetBatchTruncated(at, batch.length));
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := shr(sub(256, shl(3, size)), calldataload(add(batch.offset, at)))
        }
    }

    /// @dev The memory address of `array`'s first entry.
    function _pointer(uint256[] memory array) internal pure returns (uint256 p) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            p := add(array, 0x20)
        }
    }

    /// @dev The word at memory address `p`.
    function _at(uint256 p) internal pure returns (uint256 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := mload(p)
        }
    }

    /// @dev Word `i` from memory address `p`.
    function _word(uint256 p, uint256 i) internal pure returns (uint256 value) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := mload(add(p, shl(5, i)))
        }
    }

    function _setWord(uint256 p, uint256 i, uint256 value) internal pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(add(p, shl(5, i)), value)
        }
    }

    function _clearer(address clearer) internal view returns (Clearer storage) {
        NetSettlementStorage storage $;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            $.slot := _STORAGE_LOCATION
        }
        return $.clearers[clearer];
    }
}
