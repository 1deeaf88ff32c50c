// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAssetDirectory} from "../interfaces/access/IAssetDirectory.sol";
import {INetSettlement} from "../interfaces/settlement/INetSettlement.sol";
import {ISettlement} from "../interfaces/settlement/ISettlement.sol";
import {IHoldable} from "../interfaces/tokens/IHoldable.sol";
import {INetSettleable} from "../interfaces/tokens/INetSettleable.sol";
import {NetSettlementCore} from "./NetSettlementCore.sol";
import {ProductType} from "../types/ProductType.sol";

/// @title NetSettlement
/// @notice Batch net settlement (`INetSettlement`): a module the settlement engine (`Settlement`) creates in its
/// constructor and reaches from its `fallback` by `delegatecall`, in the engine's storage, under the engine's
/// address and authority. So the tokens see the engine they already trust (`msg.sender` of `settleNet` is the
/// engine), and `restricted` asks the engine's authority about the engine's address (this contract inherits
/// `AccessManaged` first: its `_authority` is the engine's slot 0, test/settlement/NetSettlement.test.ts checks the
/// compiler's storage layouts). Its own state lives in the ERC-7201 namespace `assetledger.storage.NetSettlement`,
/// which the engine does not use; the transient re-entrancy guard is the engine's (same slot). Called directly, the
/// module has no authority (every restricted function refuses) and empty tables.
/// @dev Invariants N1–N8: `INetSettlement`. The batch machinery (tables' layout, decoding, the trade loop) is
/// `NetSettlementCore`'s. Memory of a batch is linear in its positions (participants × instruments never appears):
/// positions 2 words each, cash positions 2 words per (participant, coin of the batch), a stack of ≤ 33 Merkle
/// peaks, one call buffer reused for every token call.
///
/// The trade loop (`NetSettlementCore._netLoop`) is inline assembly: per trade it reads one calldata word, checks
/// the two positions, adds to one accumulator of each, and hashes the leaf into a streaming Merkle tree, two trades
/// at a time. Lots become units and price ticks coin once per position when the token calls are built
/// (`_fillInstrumentCall`), not per trade. The gas test (test/settlement/NetSettlement.gas.test.ts) measures the
/// loop alone: ≈ 600 gas a trade (≈ 140 opcodes of which 2 keccaks, 4 memory reads and 4 writes; and 1 of a
/// Merkle node's keccak, 2 reads and 3 writes). The first trade touching a refused position is found by scanning
/// the batch again on the failure path only, so the loop keeps no per-position "first trade".
///
/// Cycle holds (N7): the participant's slot, which decoding reads anyway, carries its count of active cycle-hold
/// records, so a batch whose participants have none pays nothing for them; otherwise each debit of such a
/// participant costs one look at its record for that asset (a cold slot), and each covered position a
/// `holdOf`, a `releaseHold` before the token's `settleNet` and a `placeHold` of the rest after it
/// (test/settlement/NetSettlement.gas.test.ts measures both).
contract NetSettlement is AccessManaged, ReentrancyGuardTransient, INetSettlement, NetSettlementCore {
    /// @dev A cycle hold a batch released before a token's `settleNet`, to re-place what remains after it.
    struct Draw {
        uint256 participant;
        address wallet;
        uint256 debit;
        uint256 held;
        bytes32 holdId;
    }

    /// @dev `settleNet` flags.
    uint256 private constant _RECEIVED = 1;
    uint256 private constant _DELIVERED = 2;
    /// @dev The refusal code of a refusal that is not `NetPositionRefused` (`ISettlement`'s unclassified).
    uint8 private constant _UNCLASSIFIED = 255;

    /// @dev The EIP-712 type of a wallet's consent to a clearer (`addParticipants`).
    bytes32 private constant _CLEARING_CONSENT_TYPEHASH = keccak256(
        "ClearingConsent(address clearer,address wallet,uint256 deadline)"
    );

    /// @dev No authority: called directly, every restricted function refuses. Through the engine's `fallback`,
    /// `authority()` is the engine's.
    constructor() AccessManaged(address(0)) {}

    /* TABLES */

    /// @inheritdoc INetSettlement
    function addParticipants(
        address[] calldata wallets,
        uint256[] calldata deadlines,
        bytes[] calldata consents
    ) external restricted nonReentrant returns (uint32 first) {
        uint256 n = wallets.length;
        require(n != 0, NetNoParticipants());
        require(deadlines.length == n && consents.length == n, NetConsentLengths(n, deadlines.length, consents.length));
        Clearer storage c = _clearer(msg.sender);
        first = c.counters.participantCount;
        uint256 size = first + n;
        require(size <= type(uint32).max, NetTableFull(size));
        for (uint256 i; i < n; ++i) {
            address wallet = wallets[i];
            require(wallet != address(0) && wallet != address(this), NetInvalidParticipant(i, wallet));
            uint256 existing = c.participantIndex[wallet];
            if (existing != 0) revert NetParticipantExists(wallet, uint32(existing - 1));
            _checkConsent(i, wallet, deadlines[i], consents[i]);
            // size ≤ 2^32 − 1, checked above.
            uint32 index = uint32(first + i);
            c.participantIndex[wallet] = uint256(index) + 1;
            c.participants[index].wallet = wallet;
            emit NetParticipantAdded(msg.sender, index, wallet);
        }
        c.counters.participantCount = uint32(size);
    }

    /// @inheritdoc INetSettlement
    function setParticipantActive(uint32 index, bool active) external restricted nonReentrant {
        Clearer storage c = _clearer(msg.sender);
        uint32 count = c.counters.participantCount;
        require(index < count, NetUnknownParticipant(index, count));
        Participant storage p = c.participants[index];
        require(p.inactive == active, NetActiveUnchanged(index, active));
        require(!(active && p.withdrawn), NetParticipantWithdrawn(msg.sender, index, p.wallet));
        p.inactive = !active;
        emit NetParticipantActiveSet(msg.sender, index, active);
    }

    /// @inheritdoc INetSettlement
    /// @dev No re-entrancy guard: it calls nothing, and a batch in progress has already read its participants.
    function setClearingConsent(address clearer, bool consent) external {
        Clearer storage c = _clearer(clearer);
        uint256 indexPlusOne = c.participantIndex[msg.sender];
        require(indexPlusOne != 0, NetNotParticipant(clearer, msg.sender));
        // indexPlusOne ≤ 2^32 − 1 (`addParticipants`).
        uint32 index = uint32(indexPlusOne - 1);
        Participant storage p = c.participants[index];
        require(p.withdrawn == consent, NetConsentUnchanged(clearer, index, consent));
        p.withdrawn = !consent;
        // Withdrawing deactivates at once (N8); consenting again leaves the entry inactive for the clearer to decide.
        if (!consent) p.inactive = true;
        emit NetClearingConsentSet(clearer, index, msg.sender, consent);
    }

    /// @inheritdoc INetSettlement
    function addInstrument(
        address token,
        address coin,
        uint96 lotSize,
        uint96 tickSize
    ) external restricted nonReentrant returns (uint32 index) {
        require(lotSize != 0 && tickSize != 0, NetInvalidSizes(lotSize, tickSize));
        // A security (ERC-20, `INetSettleable`): not a receipt market's lots nor a loyalty program's credits.
        ProductType productType = IAssetDirectory(authority()).productOf(token);
        require(productType != ProductType.None && productType < ProductType.CommodityReceipt, NetNotAnAsset(token));
        require(ISettlement(address(this)).isCoin(coin), NetNotACoin(coin));
        Clearer storage c = _clearer(msg.sender);
        index = c.counters.instrumentCount;
        require(index < type(uint32).max, NetTableFull(uint256(index) + 1));
        c.instruments[index] = Instrument({token: token, lotSize: lotSize, coin: coin, tickSize: tickSize});
        c.counters.instrumentCount = index + 1;
        c.deliverable[token] = true;
        c.deliverable[coin] = true;
        emit NetInstrumentAdded(msg.sender, index, token, coin, lotSize, tickSize);
    }

    /// @inheritdoc INetSettlement
    function setInstrumentActive(uint32 index, bool active) external restricted nonReentrant {
        Clearer storage c = _clearer(msg.sender);
        uint32 count = c.counters.instrumentCount;
        require(index < count, NetUnknownInstrument(index, count));
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = c.inactiveInstruments[index >> 8];
        require((bits & bit == 0) != active, NetActiveUnchanged(index, active));
        c.inactiveInstruments[index >> 8] = bits ^ bit;
        emit NetInstrumentActiveSet(msg.sender, index, active);
    }

    /* SETTLING */

    /// @inheritdoc INetSettlement
    function submitBatch(bytes calldata batch) external restricted nonReentrant returns (uint64 batchNo, bytes32 root) {
        Clearer storage c = _clearer(msg.sender);
        Batch memory b = _decode(c, batch);
        root = _netTrades(batch, b);
        _checkPositionsUsed(b);
        // Effects, then the token calls (N1: a refusal reverts them all).
        Counters storage counters = c.counters;
        batchNo = counters.batchCount + 1;
        // firstTradeId + tradeCount ≤ 2^64 − 1 (`_decode`); tradeCount < 2^32.
        counters.batchCount = batchNo;
        counters.lastCycle = b.cycle;
        counters.nextTradeId = b.firstTradeId + uint64(b.tradeCount);
        c.batches[batchNo] = NetBatch({
            root: root,
            cycle: b.cycle,
            firstTradeId: b.firstTradeId,
            tradeCount: uint32(b.tradeCount),
            timestamp: uint48(block.timestamp)
        });
        emit NetBatchSettled(msg.sender, batchNo, b.cycle, b.firstTradeId, uint32(b.tradeCount), root);
        _settleTokens(c, batch, b, batchNo);
    }

    /* CYCLE HOLDS */

    /// @inheritdoc INetSettlement
    function holdForCycle(
        address clearer,
        uint32 cycle,
        address token,
        uint256 amount,
        uint48 expiry
    ) external nonReentrant returns (bytes32 holdId) {
        Clearer storage c = _clearer(clearer);
        Counters memory counters = c.counters;
        require(counters.participantCount != 0, NetUnknownClearer(clearer));
        uint256 indexPlusOne = c.participantIndex[msg.sender];
        require(indexPlusOne != 0, NetNotParticipant(clearer, msg.sender));
        require(c.deliverable[token], NetNotDeliverable(clearer, token));
        require(cycle >= counters.lastCycle, NetCycleHoldPast(cycle, counters.lastCycle));
        require(amount != 0, NetCycleHoldZero());
        require(expiry > block.timestamp, NetCycleHoldExpiry(expiry, block.timestamp));
        uint256 participant = indexPlusOne - 1;
        CycleHold storage h = c.cycleHolds[(participant << 160) | uint160(token)];
        if (h.active) {
            bytes32 current = _cycleHoldId(clearer, participant, token, h.nonce);
            (bool active, bool live, ) = _tokenHold(token, current);
            require(!live, NetCycleHoldExists(uint32(participant), token, current, h.cycle));
            _lapse(c, clearer, participant, token, h, current, active);
        }
        uint32 nonce = h.nonce + 1;
        holdId = _cycleHoldId(clearer, participant, token, nonce);
        (h.cycle, h.expiry, h.nonce, h.active) = (cycle, expiry, nonce, true);
        ++c.participants[participant].cycleHolds;
        emit NetCycleHoldPlaced(clearer, uint32(participant), token, holdId, cycle, amount, expiry);
        IHoldable(token).placeHold(holdId, msg.sender, amount, expiry);
    }

    /// @inheritdoc INetSettlement
    function releaseCycleHold(address clearer, uint32 participant, address token) external nonReentrant {
        Clearer storage c = _clearer(clearer);
        Counters memory counters = c.counters;
        require(participant < counters.participantCount, NetUnknownParticipant(participant, counters.participantCount));
        CycleHold storage h = c.cycleHolds[(uint256(participant) << 160) | uint160(token)];
        require(h.active, NetNoCycleHold(participant, token));
        bytes32 holdId = _cycleHoldId(clearer, participant, token, h.nonce);
        (bool active, , ) = _tokenHold(token, holdId);
        if (!active) {
            // Released through the token after its expiry, or cancelled: nothing to release, anyone closes it.
            _lapse(c, clearer, participant, token, h, holdId, false);
            return;
        }
        require(
            msg.sender == clearer ||
                (msg.sender == c.participants[participant].wallet && counters.lastCycle > h.cycle) ||
                block.timestamp >= h.expiry,
            NetCycleHoldLocked(msg.sender, h.cycle, counters.lastCycle, h.expiry)
        );
        h.active = false;
        --c.participants[participant].cycleHolds;
        emit NetCycleHoldReleased(clearer, participant, token, holdId, msg.sender);
        IHoldable(token).releaseHold(holdId);
    }

    /* VIEWS */

    /// @inheritdoc INetSettlement
    function verifyTrade(
        address clearer,
        uint64 batchNo,
        NetTrade calldata trade,
        bytes32[] calldata proof
    ) external view returns (bool) {
        NetBatch storage b = _clearer(clearer).batches[batchNo];
        uint64 first = b.firstTradeId;
        uint32 count = b.tradeCount;
        if (count == 0 || trade.tradeId < first || trade.tradeId - first >= count) return false;
        return MerkleProof.verifyCalldata(proof, b.root, _leaf(trade));
    }

    /// @inheritdoc INetSettlement
    function batchRoot(address clearer, bytes calldata batch) external view returns (bytes32 root) {
        Batch memory b = _decode(_clearer(clearer), batch);
        root = _netTrades(batch, b);
        _checkPositionsUsed(b);
    }

    /// @inheritdoc INetSettlement
    function cycleHoldOf(
        address clearer,
        uint32 participant,
        address token
    ) external view returns (NetCycleHold memory hold) {
        CycleHold storage h = _clearer(clearer).cycleHolds[(uint256(participant) << 160) | uint160(token)];
        uint32 nonce = h.nonce;
        if (nonce == 0) return hold;
        hold.holdId = _cycleHoldId(clearer, participant, token, nonce);
        (hold.cycle, hold.expiry) = (h.cycle, h.expiry);
        if (h.active) {
            (, bool live, uint256 amount) = _tokenHold(token, hold.holdId);
            if (live) (hold.live, hold.amount) = (true, amount);
        }
    }

    /// @inheritdoc INetSettlement
    function cycleHoldCount(address clearer, uint32 participant) external view returns (uint32) {
        return _clearer(clearer).participants[participant].cycleHolds;
    }

    /// @inheritdoc INetSettlement
    function tradeLeaf(NetTrade calldata trade) external pure returns (bytes32) {
        return _leaf(trade);
    }

    /// @inheritdoc INetSettlement
    function batchOf(address clearer, uint64 batchNo) external view returns (NetBatch memory) {
        return _clearer(clearer).batches[batchNo];
    }

    /// @inheritdoc INetSettlement
    function batchCount(address clearer) external view returns (uint64) {
        return _clearer(clearer).counters.batchCount;
    }

    /// @inheritdoc INetSettlement
    function nextTradeId(address clearer) external view returns (uint64) {
        return _clearer(clearer).counters.nextTradeId;
    }

    /// @inheritdoc INetSettlement
    function lastCycle(address clearer) external view returns (uint32) {
        return _clearer(clearer).counters.lastCycle;
    }

    /// @inheritdoc INetSettlement
    function participantCount(address clearer) external view returns (uint32) {
        return _clearer(clearer).counters.participantCount;
    }

    /// @inheritdoc INetSettlement
    function participantOf(address clearer, uint32 index) external view returns (address wallet, bool active) {
        Participant storage p = _clearer(clearer).participants[index];
        wallet = p.wallet;
        active = wallet != address(0) && !p.inactive;
    }

    /// @inheritdoc INetSettlement
    function participantIndexOf(address clearer, address wallet) external view returns (bool found, uint32 index) {
        uint256 indexPlusOne = _clearer(clearer).participantIndex[wallet];
        found = indexPlusOne != 0;
        // indexPlusOne ≤ 2^32 − 1 (`addParticipants`).
        if (found) index = uint32(indexPlusOne - 1);
    }

    /// @inheritdoc INetSettlement
    function instrumentCount(address clearer) external view returns (uint32) {
        return _clearer(clearer).counters.instrumentCount;
    }

    /// @inheritdoc INetSettlement
    function instrumentOf(address clearer, uint32 index) external view returns (NetInstrument memory instrument) {
        Clearer storage c = _clearer(clearer);
        Instrument storage i = c.instruments[index];
        instrument = NetInstrument({
            token: i.token,
            coin: i.coin,
            lotSize: i.lotSize,
            tickSize: i.tickSize,
            active: i.token != address(0) && (c.inactiveInstruments[index >> 8] >> (index & 0xff)) & 1 == 0
        });
    }

    /* INTERNAL: CONSENT */

    /// @dev Checks `wallet`'s consent (entry `i` of `addParticipants`) to the caller: `deadline` not passed and
    /// `consent` its signature of the `ClearingConsent`, as the engine checks a party's consent to an instruction
    /// (`ISettlement.isValidTypedSignature`: the engine's EIP-712 domain; ECDSA, or ERC-1271 for a wallet with code).
    /// Asking the engine keeps the module's code (and its test harness) under EIP-170.
    function _checkConsent(uint256 i, address wallet, uint256 deadline, bytes calldata consent) private view {
        require(deadline >= block.timestamp, NetConsentExpired(i, wallet, deadline, block.timestamp));
        bytes32 structHash = keccak256(abi.encode(_CLEARING_CONSENT_TYPEHASH, msg.sender, wallet, deadline));
        require(
            ISettlement(address(this)).isValidTypedSignature(wallet, structHash, consent),
            NetConsentInvalid(i, wallet, deadline)
        );
    }

    /* INTERNAL: APPLYING */

    /// @dev One `settleNet` call per instrument (its positions in header order), then per coin (the participants
    /// that paid or received it, ascending). A refusal reverts with `NetTradeFailed`. Cycle holds (N7) are looked at
    /// only when a participant of the batch has some (`b.holds`, read with the participants' slots), and then only
    /// for the debits of those participants: a batch without them pays one branch per call.
    function _settleTokens(Clearer storage c, bytes calldata batch, Batch memory b, uint64 batchNo) private {
        // Zeroed by the allocation: coin received − paid and flags per cash position.
        b.cash = _pointer(new uint256[](2 * b.coinCount * b.participants));
        uint256 size = b.maxGroup > b.participants ? b.maxGroup : b.participants;
        // The call: selector (the last 4 bytes of the first word), 3 offsets, 3 arrays (length and `size` words).
        uint256 buffer = _pointer(new uint256[](7 + 3 * size));
        for (uint256 j; j < b.instruments; ++j) {
            uint256 base = b.instrs + (j << 7);
            (address token, uint256 first, uint256 k) = (
                address(uint160(_at(base))),
                _at(base + 0x40),
                _at(base + 0x60)
            );
            k &= 0xffffffff;
            uint256 terms = _at(base + 0x20);
            _fillInstrumentCall(b, buffer, first, k, terms);
            if (b.holds) {
                uint256[] memory debits = _instrumentDebits(b, first, k, (terms >> 32) & type(uint96).max);
                _callDrawing(c, batch, b, token, buffer, k, false, j, debits, batchNo);
                continue;
            }
            (bool ok, bytes memory reason) = _call(token, buffer, k);
            if (!ok) _revertRefused(batch, b, token, false, j, k, reason);
        }
        for (uint256 coin; coin < b.coinCount; ++coin) {
            address token = address(uint160(_word(b.coins, coin)));
            uint256 k = _fillCoinCall(b, buffer, coin);
            if (b.holds) {
                _callDrawing(c, batch, b, token, buffer, k, true, coin, _coinDebits(b, coin), batchNo);
                continue;
            }
            (bool ok, bytes memory reason) = _call(token, buffer, k);
            if (!ok) _revertRefused(batch, b, token, true, coin, k, reason);
        }
    }

    /// @dev `_settleTokens`' call of one group when some participant of the batch has cycle holds: draws the holds
    /// covering `debits` (`_drawHolds`), calls the token, re-places what remains (`_replaceHolds`). A function of
    /// its own so that the loop of a batch without holds stays as lean as before.
    function _callDrawing(
        Clearer storage c,
        bytes calldata batch,
        Batch memory b,
        address token,
        uint256 buffer,
        uint256 k,
        bool isCoin,
        uint256 group,
        uint256[] memory debits,
        uint64 batchNo
    ) private {
        Draw[] memory draws = _drawHolds(c, b, token, debits);
        (bool ok, bytes memory reason) = _call(token, buffer, k);
        if (!ok) _revertRefused(batch, b, token, isCoin, group, k, reason);
        if (draws.length != 0) _replaceHolds(c, token, draws, batchNo);
    }

    /* INTERNAL: CYCLE HOLDS */

    /// @dev The debits of instrument positions `first` .. `first + k − 1` (lot size `lot`) whose participant has
    /// cycle holds, as `local << 192 | debit` (a debit is below 2^64 × 2^96: `_netLoop`).
    function _instrumentDebits(
        Batch memory b,
        uint256 first,
        uint256 k,
        uint256 lot
    ) private pure returns (uint256[] memory debits) {
        debits = new uint256[](k);
        uint256 n;
        for (uint256 i; i < k; ++i) {
            uint256 e = (first + i) << 1;
            // Lots sold and bought (accumulator bits 192–255 and 128–191).
            uint256 acc = _word(b.positions, e + 1);
            (uint256 sold, uint256 bought) = (acc >> 192, (acc >> 128) & type(uint64).max);
            if (bought >= sold) continue;
            uint256 local = (_word(b.positions, e) >> 32) & 0xffffffff;
            if (_word(b.parts, local) & _HOLDS_BIT == 0) continue;
            debits[n++] = (local << 192) | ((sold - bought) * lot);
        }
        _shorten(debits, n);
    }

    /// @dev The debits in coin `coin` of the participants with cycle holds, as `_instrumentDebits`.
    function _coinDebits(Batch memory b, uint256 coin) private pure returns (uint256[] memory debits) {
        uint256 participants = b.participants;
        debits = new uint256[](participants);
        uint256 base = (coin * participants) << 1;
        uint256 n;
        for (uint256 local; local < participants; ++local) {
            if (_word(b.parts, local) & _HOLDS_BIT == 0) continue;
            // received − paid, as int256 (`_fillInstrumentCall`).
            int256 net = int256(_word(b.cash, base + (local << 1)));
            if (net < 0) debits[n++] = (local << 192) | uint256(-net);
        }
        _shorten(debits, n);
    }

    /// @dev For each debit (`_instrumentDebits`) of a participant holding `token` for the batch's cycle: releases
    /// the live hold so that the token's `settleNet` can take its units, and returns what to re-place after it
    /// (`_replaceHolds`). A record that is no longer live is closed (`_lapse`) and covers nothing; a hold for
    /// another cycle is not touched.
    function _drawHolds(
        Clearer storage c,
        Batch memory b,
        address token,
        uint256[] memory debits
    ) private returns (Draw[] memory draws) {
        draws = new Draw[](debits.length);
        uint256 n;
        for (uint256 i; i < debits.length; ++i) {
            uint256 part = _word(b.parts, debits[i] >> 192);
            uint256 participant = (part >> 160) & 0xffffffff;
            CycleHold storage h = c.cycleHolds[(participant << 160) | uint160(token)];
            if (!h.active || h.cycle != b.cycle) continue;
            bytes32 holdId = _cycleHoldId(msg.sender, participant, token, h.nonce);
            (bool active, bool live, uint256 held) = _tokenHold(token, holdId);
            if (!live) {
                _lapse(c, msg.sender, participant, token, h, holdId, active);
                continue;
            }
            draws[n++] = Draw({
                participant: participant,
                wallet: address(uint160(part)),
                debit: debits[i] & type(uint192).max,
                held: held,
                holdId: holdId
            });
            IHoldable(token).releaseHold(holdId);
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(draws, n)
        }
    }

    /// @dev After `token`'s `settleNet`: re-places what remains of each drawn hold under a fresh id with the same
    /// expiry, or closes the record when the debit took it all. It always fits: before the batch the hold H sat in
    /// the participant's balance B beside its other holds O and frozen units F (H + O + F ≤ B: IHoldable's H1,
    /// frozen and held units never overlap); released, `settleNet` took the debit d from the available balance
    /// (d ≤ B − O − F), and that call's credits only add. So the available balance afterwards is at least
    /// B − d − O − F ≥ H − d, all that is re-placed when d < H (nothing is when d ≥ H); the hold was live, so its
    /// expiry is still ahead, and a frozen or paused participant would have been refused by `settleNet`.
    function _replaceHolds(Clearer storage c, address token, Draw[] memory draws, uint64 batchNo) private {
        for (uint256 i; i < draws.length; ++i) {
            Draw memory d = draws[i];
            CycleHold storage h = c.cycleHolds[(d.participant << 160) | uint160(token)];
            uint256 drawn = d.debit < d.held ? d.debit : d.held;
            uint256 remaining = d.held - drawn;
            bytes32 next;
            if (remaining != 0) {
                uint32 nonce = h.nonce + 1;
                h.nonce = nonce;
                next = _cycleHoldId(msg.sender, d.participant, token, nonce);
            } else {
                h.active = false;
                --c.participants[d.participant].cycleHolds;
            }
            emit NetCycleHoldDrawn(msg.sender, uint32(d.participant), token, d.holdId, batchNo, drawn, next, remaining);
            if (remaining != 0) IHoldable(token).placeHold(next, d.wallet, remaining, h.expiry);
        }
    }

    /// @dev Closes record `h` (token hold `holdId`) that is no longer live, releasing the token's hold if it is
    /// still `active` (expired: the engine may release it any time).
    function _lapse(
        Clearer storage c,
        address clearer,
        uint256 participant,
        address token,
        CycleHold storage h,
        bytes32 holdId,
        bool active
    ) private {
        h.active = false;
        --c.participants[participant].cycleHolds;
        emit NetCycleHoldLapsed(clearer, uint32(participant), token, holdId);
        if (active) IHoldable(token).releaseHold(holdId);
    }

    /// @dev Whether `token`'s hold `holdId` is Active, whether it is live (Active and unexpired) and what it holds.
    function _tokenHold(address token, bytes32 holdId) private view returns (bool active, bool live, uint256 amount) {
        IHoldable.Hold memory hold = IHoldable(token).holdOf(holdId);
        active = hold.status == IHoldable.HoldStatus.Active;
        live = active && block.timestamp < hold.expiry;
        amount = hold.amount;
    }

    /// @dev The token hold id of `clearer`'s participant's cycle hold number `nonce` on `token` (`INetSettlement`).
    function _cycleHoldId(
        address clearer,
        uint256 participant,
        address token,
        uint32 nonce
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(clearer, participant, token, nonce));
    }

    /// @dev Sets `array`'s length to `n` (≤ its length).
    function _shorten(uint256[] memory array, uint256 n) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(array, n)
        }
    }

    /// @dev Writes the arrays of an instrument's call: positions `first` .. `first + k − 1`, of the instrument's
    /// `terms` (`Batch`: coin, lot size, tick size); adds each position's coin, in coin units, and its flags to its
    /// cash position. Every instrument's call is built before any coin's (`_settleTokens`), once.
    /// Safe: the accumulator's fields (`_netLoop`): lots bought and sold < 2^64 each, their difference times the lot
    /// size (< 2^96) as int256; coin received − paid = bits 0–127 − 2^97, |·| < 2^96, times the tick size (< 2^96),
    /// summed over ≤ 2^16 positions of a cash position: below 2^209 in magnitude. The cash index of the meta word
    /// is < C × P (`_appendPositions`).
    function _fillInstrumentCall(Batch memory b, uint256 buffer, uint256 first, uint256 k, uint256 terms) private pure {
        uint256 parts = b.parts;
        uint256 cash = b.cash;
        uint256 e = b.positions + (first << 6);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let lot := and(shr(32, terms), 0xffffffffffffffffffffffff)
            let tick := shr(128, terms)
            // accounts[i] at `a`, deltas[i] at `a + stride`, flags[i] at `a + 2 × stride`.
            let stride := shl(5, add(k, 1))
            let a := add(buffer, 0xa0)
            for {
                let end := add(e, shl(6, k))
            } lt(e, end) {
                e := add(e, 0x40)
            } {
                let meta := mload(e)
                let acc := mload(add(e, 0x20))
                // parts[localParticipant] (meta bits 32–63), its wallet.
                mstore(
                    a,
                    and(mload(add(parts, and(shr(27, meta), 0x1fffffffe0))), 0xffffffffffffffffffffffffffffffffffffffff)
                )
                let bought := and(shr(128, acc), 0xffffffffffffffff)
                let sold := shr(192, acc)
                let d := add(a, stride)
                mstore(d, mul(sub(bought, sold), lot))
                bought := iszero(iszero(bought))
                sold := iszero(iszero(sold))
                mstore(add(d, stride), or(bought, shl(1, sold)))
                // The coin's side is the other: units sold → coin received (1), units bought → coin paid (2).
                let c := add(cash, shl(6, and(meta, 0xffffffff)))
                mstore(c, add(mload(c), mul(sub(and(acc, 0xffffffffffffffffffffffffffffffff), _COIN_BIAS), tick)))
                c := add(c, 0x20)
                mstore(c, or(mload(c), or(sold, shl(1, bought))))
                a := add(a, 0x20)
            }
        }
    }

    /// @dev Writes the arrays of `coin`'s call: the participants with a non-zero cash position, ascending. Returns
    /// how many.
    function _fillCoinCall(Batch memory b, uint256 buffer, uint256 coin) private pure returns (uint256 k) {
        uint256 parts = b.parts;
        uint256 participants = b.participants;
        uint256 e = b.cash + ((coin * participants) << 6);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let accounts := add(buffer, 0x80)
            let deltas := add(accounts, shl(5, add(participants, 1)))
            let flags := add(deltas, shl(5, add(participants, 1)))
            for {
                let i := 0
            } lt(i, participants) {
                i := add(i, 1)
            } {
                // received − paid, and the flags (`_fillInstrumentCall`): any coin moved iff a flag is set.
                let f := mload(add(e, add(shl(6, i), 0x20)))
                if f {
                    k := add(k, 1)
                    let o := shl(5, k)
                    mstore(
                        add(accounts, o),
                        and(mload(add(parts, shl(5, i))), 0xffffffffffffffffffffffffffffffffffffffff)
                    )
                    mstore(add(deltas, o), mload(add(e, shl(6, i))))
                    mstore(add(flags, o), f)
                }
            }
            // The arrays were laid out for P entries: move deltas and flags next to k accounts.
            let deltasTo := add(accounts, shl(5, add(k, 1)))
            mcopy(add(deltasTo, 0x20), add(deltas, 0x20), shl(5, k))
            let flagsTo := add(deltasTo, shl(5, add(k, 1)))
            mcopy(add(flagsTo, 0x20), add(flags, 0x20), shl(5, k))
        }
    }

    /// @dev Calls `token.settleNet` with the `k`-entry arrays in `buffer`; returns whether it succeeded and, if not,
    /// its revert data.
    function _call(address token, uint256 buffer, uint256 k) private returns (bool ok, bytes memory reason) {
        bytes4 selector = INetSettleable.settleNet.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let args := add(buffer, 0x20)
            mstore(buffer, shr(224, selector))
            mstore(args, 0x60)
            mstore(add(args, 0x20), add(0x80, shl(5, k)))
            mstore(add(args, 0x40), add(0xa0, shl(6, k)))
            mstore(add(args, 0x60), k)
            mstore(add(args, add(0x80, shl(5, k))), k)
            mstore(add(args, add(0xa0, shl(6, k))), k)
            ok := call(gas(), token, 0, add(buffer, 28), add(0xc4, mul(96, k)), 0, 0)
        }
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                reason := mload(0x40)
                mstore(reason, returndatasize())
                returndatacopy(add(reason, 0x20), 0, returndatasize())
                mstore(0x40, and(add(add(reason, 0x3f), returndatasize()), not(0x1f)))
            }
        }
    }

    /// @dev Maps a token's refusal of instrument (or coin) group `group`'s call of `k` entries to `NetTradeFailed`.
    function _revertRefused(
        bytes calldata batch,
        Batch memory b,
        address token,
        bool isCoin,
        uint256 group,
        uint256 k,
        bytes memory reason
    ) private pure {
        uint256 index = type(uint256).max;
        uint8 code = _UNCLASSIFIED;
        if (reason.length >= 4 + 128 && bytes4(reason) == INetSettleable.NetPositionRefused.selector) {
            uint256 word0;
            uint256 word3;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                word0 := mload(add(reason, 0x24))
                word3 := mload(add(reason, 0x84))
            }
            if (word0 < k && word3 <= type(uint8).max) (index, code) = (word0, uint8(word3));
        }
        address participant;
        uint256 trade;
        if (isCoin) {
            uint256 local = type(uint256).max;
            if (index < k) {
                local = _coinParticipant(b, group, index);
                participant = address(uint160(_word(b.parts, local)));
            }
            trade = _firstCoinTrade(batch, b, group, local);
        } else {
            uint256 position = type(uint256).max;
            if (index < k) {
                position = _at(b.instrs + (group << 7) + 0x40) + index;
                uint256 local = (_word(b.positions, position << 1) >> 32) & 0xffffffff;
                participant = address(uint160(_word(b.parts, local)));
            }
            trade = _firstInstrumentTrade(batch, b, group, position);
        }
        revert NetTradeFailed(trade, participant, token, code, reason);
    }

    /// @dev The local participant of entry `index` of coin `coin`'s call (the index-th non-zero cash position).
    function _coinParticipant(Batch memory b, uint256 coin, uint256 index) private pure returns (uint256 local) {
        uint256 base = (coin * b.participants) << 1;
        for (; local < b.participants; ++local) {
            if (_word(b.cash, base + (local << 1)) | _word(b.cash, base + (local << 1) + 1) == 0) continue;
            if (index == 0) return local;
            --index;
        }
    }

    /// @dev The first trade with a side at `position` (any position of instrument group `group` when `position`
    /// is 2^256 − 1).
    function _firstInstrumentTrade(
        bytes calldata batch,
        Batch memory b,
        uint256 group,
        uint256 position
    ) private pure returns (uint256 t) {
        uint256 first = _at(b.instrs + (group << 7) + 0x40);
        uint256 k = _at(b.instrs + (group << 7) + 0x60) & 0xffffffff;
        for (; t < b.tradeCount; ++t) {
            (uint256 bp, uint256 sp, , ) = _trade(batch, b, t);
            if (position == type(uint256).max ? (bp >= first && bp < first + k) : (bp == position || sp == position))
                return t;
        }
    }

    /// @dev The first trade paid in coin `coin` with `local` as buyer or seller (any participant when `local` is
    /// 2^256 − 1).
    function _firstCoinTrade(
        bytes calldata batch,
        Batch memory b,
        uint256 coin,
        uint256 local
    ) private pure returns (uint256 t) {
        for (; t < b.tradeCount; ++t) {
            (uint256 bp, uint256 sp, , ) = _trade(batch, b, t);
            uint256 mb = _word(b.positions, bp << 1);
            if ((mb & 0xffffffff) / b.participants != coin) continue;
            uint256 ms = _word(b.positions, sp << 1);
            if (local == type(uint256).max || (mb >> 32) & 0xffffffff == local || (ms >> 32) & 0xffffffff == local) {
                return t;
            }
        }
    }

    /// @dev keccak256 of the trade's packed word (see `INetSettlement`).
    function _leaf(NetTrade calldata trade) private pure returns (bytes32) {
        uint256 word =
            (uint256(trade.tradeId) << 192) |
                (uint256(trade.buyer) << 160) |
                (uint256(trade.seller) << 128) |
                (uint256(trade.instrument) << 96) |
                (uint256(trade.quantity) << 64) |
                (uint256(trade.price) << 32);
        return keccak256(abi.encode(word));
    }
}
