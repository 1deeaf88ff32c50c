// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title INetSettlement
/// @notice Batch net settlement: a clearing member (CLEARING_MEMBER, `msg.sender` = the clearer) submits the
/// matched trades of a settlement cycle in compact batches; the engine validates every trade, nets them per
/// (participant, instrument) and per (participant, coin), applies the net changes to the real tokens (one
/// `INetSettleable.settleNet` call per instrument and per coin: the tokens' own checks apply to every participant)
/// and stores a Merkle commitment of the batch's trades. All or nothing: a refused position reverts the whole batch
/// naming the first trade of that position (`NetTradeFailed`). Served by the settlement engine (`ISettlement`):
/// attach this ABI at the engine's address (a module the engine reaches from its `fallback` by `delegatecall`).
///
/// Tables (per clearer, append-only; an index never changes meaning):
/// - participants: index (u32, 0..) → wallet; a wallet is at most one participant of a clearer, and only with its
///   consent: `addParticipants` takes, per wallet, its EIP-712 signature (ECDSA, or ERC-1271 for a contract wallet)
///   of `ClearingConsent(address clearer,address wallet,uint256 deadline)` under the engine's domain
///   (`ISettlement.domainSeparator`: "AssetLedger Settlement", version 1, the engine's address), valid until
///   `deadline` (inclusive); the table being append-only, a consent adds its wallet once (no replay). Each can be
///   deactivated and reactivated by the clearer (`setParticipantActive`). The wallet itself may withdraw its
///   consent (`setClearingConsent(clearer, false)`: deactivated and marked withdrawn in the same transaction, the
///   clearer cannot reactivate it) and give it again (`setClearingConsent(clearer, true)`: no longer withdrawn,
///   still inactive until the clearer reactivates it). A batch naming an inactive participant is refused.
/// - instruments: index (u32, 0..) → (token, coin, lotSize, tickSize): `token` an asset of the authority's directory,
///   `coin` a settlement coin registered with the engine (`ISettlement.isCoin`); a quantity unit moves `lotSize`
///   token units and a price tick per quantity unit `tickSize` coin units (both ≥ 1). Deactivatable likewise.
///
/// Batch encoding v1 (`submitBatch`; big-endian, packed, no padding):
/// ```
/// u8  version = 1
/// u32 cycle                        (≥ the clearer's last cycle)
/// u64 firstTradeId                 (= the clearer's nextTradeId: a replayed or overlapping batch is refused)
/// u16 P;  P × u32 participant index          (strictly ascending; each known and active)
/// u16 I;  I × { u32 instrument index,        (strictly ascending; each known and active)
///               u16 K; K × u16 local index } (strictly ascending, < P: the participants holding a position)
/// u32 T (≥ 1);  T × { u16 buyerPos, u16 sellerPos, u32 quantity, u32 price }
/// (the data ends exactly there)
/// ```
/// Positions are numbered 0.. in header order (instrument-major); a position is (participant, instrument). Trade
/// `t` (0-based) has id `firstTradeId + t`; its buyer and seller positions exist, are of the same instrument and of
/// different participants; quantity ≥ 1, price ≥ 1. It moves `quantity × lotSize` token units from seller to buyer
/// and `quantity × price × tickSize` units of the instrument's coin from buyer to seller. Every position listed is
/// used by some trade. Each participant has one cash position per coin of the batch.
///
/// Settling: per position, the net change (units bought − units sold) and flags (bit 0 RECEIVED: bought in some
/// trade; bit 1 DELIVERED: sold in some trade); per (participant, coin) likewise (cash received as a seller −
/// paid as a buyer). Then, in header order, `token.settleNet(wallets, deltas, flags)` for each instrument with its
/// positions in header order, then for each coin of the batch (in order of its first instrument) with the
/// participants (ascending) that paid or received it. The batch gets the next batch number of the clearer (1, 2,
/// …), its record (`batchOf`) and `NetBatchSettled`; the clearer's `nextTradeId` advances by T and `lastCycle`
/// becomes the batch's cycle.
///
/// Merkle commitment (bit for bit with the SDK): leaf(t) = keccak256 of ONE 32-byte word, big-endian packed and
/// left-aligned: tradeId u64 ‖ buyer participant index u32 ‖ seller participant index u32 ‖ instrument index u32
/// ‖ quantity u32 ‖ price u32 ‖ 4 zero bytes (table indices, not batch-local ones: `tradeLeaf`). node(a, b) =
/// keccak256(min(a, b) ‖ max(a, b)) (OpenZeppelin `Hashes.commutativeKeccak256`). Tree shape of RFC 6962: the root
/// of n leaves is the leaf when n = 1, else node(root of the first k, root of the rest) with k the largest power of
/// two < n. A proof is the sibling path bottom-up (OpenZeppelin `MerkleProof.verify`: `verifyTrade`).
///
/// Restriction codes in `NetTradeFailed`: the token's `Restriction` code from its
/// `INetSettleable.NetPositionRefused`, or `RESTRICTION_UNCLASSIFIED` (255) for any other refusal (the raw revert
/// data tells).
///
/// Invariants (test/settlement/NetSettlement*.test.ts):
/// - N1 (all or nothing): a batch applies every net change of every token of the batch, or none, and a refused
///   batch changes no table, counter or record.
/// - N2 (gross equivalence): the balances after a batch equal those after applying its trades one by one.
/// - N3 (conservation): per token, the changes of a batch sum to zero (no supply moves).
/// - N4 (ids): a clearer's trade ids are consecutive from 0 with no gap and no repeat across its batches; cycles
///   never decrease.
/// - N5 (commitment): `batchOf(clearer, n).root` is the Merkle root of batch n's trades as above, and every trade
///   of it (and no other) has a proof that `verifyTrade` accepts.
/// - N6 (tables): an index keeps its wallet or instrument terms forever; only the active flag changes.
/// - N7 (cycle holds): a debit (net change < 0) of a participant on an asset on which it holds a live cycle hold
///   (engine record active, the token's hold Active and unexpired) for the batch's cycle is drawn from that hold
///   first: after the batch the participant holds previous − min(previous, debit) of it for the cycle (same expiry,
///   a fresh hold id), and nothing else it holds (prefunds, gateway trades, other cycles' holds) is taken; credits
///   never grow a hold. A participant's `cycleHoldCount` is the number of its active records, changed in the same
///   transaction as each record; a record whose token hold stopped being live (released by the token's expiry
///   path, cancelled by an officer, expired) covers nothing and is closed (`NetCycleHoldLapsed`) when the engine
///   next looks at it (a batch debiting it, `holdForCycle` on the same asset, `releaseCycleHold`).
/// - N8 (consent): every participant's wallet signed a `ClearingConsent` for its clearer (or is a contract wallet
///   approving it by ERC-1271) before its deadline; a withdrawn participant is inactive, and stays inactive until
///   its wallet consents again (`setClearingConsent(clearer, true)`).
///
/// Cycle holds (issue 19: "every participant's net obligations are covered: balance, or a hold placed for the
/// cycle"): a participant (its wallet) locks units of an asset it may deliver (a token or coin of one of its
/// clearer's instruments) for one of the clearer's cycles: `holdForCycle` places a token hold (`IHoldable`) whose
/// notary is the engine. Those units cannot be moved away until a batch of that cycle draws them (the engine
/// releases the hold just before the token's `settleNet` and re-places what remains after it), the participant
/// releases them once the cycle is past, the clearer releases them, or anyone once expired. One active cycle hold
/// per (clearer, participant, asset). Hold ids: keccak256(abi.encode(clearer, participant, asset, nonce)) with a
/// nonce per (clearer, participant, asset) counting placements from 1 (four words: never a prefund's or a client
/// hold's id, which hash two).
interface INetSettlement {
    /// @notice A trade as committed (`tradeLeaf`, `verifyTrade`): the clearer's table indices.
    struct NetTrade {
        uint64 tradeId;
        uint32 buyer;
        uint32 seller;
        uint32 instrument;
        uint32 quantity;
        uint32 price;
    }

    /// @notice An instrument of a clearer's table.
    struct NetInstrument {
        address token;
        address coin;
        uint96 lotSize;
        uint96 tickSize;
        bool active;
    }

    /// @notice A settled batch's record: the Merkle root of its trades, its cycle, its first trade id and number of
    /// trades, and the time it settled.
    struct NetBatch {
        bytes32 root;
        uint32 cycle;
        uint64 firstTradeId;
        uint32 tradeCount;
        uint48 timestamp;
    }

    /// @notice A participant's cycle hold on an asset (`cycleHoldOf`): the current (or last) hold id, its cycle and
    /// expiry, whether it is live (the engine's record active, the token's hold Active and unexpired) and what it
    /// holds (0 unless live).
    struct NetCycleHold {
        bytes32 holdId;
        uint32 cycle;
        uint48 expiry;
        bool live;
        uint256 amount;
    }

    /* EVENTS */

    /// @notice `clearer`'s participant `index` is `wallet` (for good).
    event NetParticipantAdded(address indexed clearer, uint32 indexed index, address indexed wallet);
    /// @notice `clearer`'s participant `index` is now `active` (or not).
    event NetParticipantActiveSet(address indexed clearer, uint32 indexed index, bool active);
    /// @notice `wallet`, `clearer`'s participant `index`, withdrew its consent (`consent` false: the entry is now
    /// inactive and withdrawn; no `NetParticipantActiveSet` is emitted, this event says it) or gave it again
    /// (`consent` true: no longer withdrawn, still inactive until the clearer reactivates it).
    event NetClearingConsentSet(address indexed clearer, uint32 indexed index, address indexed wallet, bool consent);
    /// @notice `clearer`'s instrument `index` trades `token` (`lotSize` units a quantity unit) against `coin`
    /// (`tickSize` units a price tick per quantity unit), for good.
    event NetInstrumentAdded(
        address indexed clearer,
        uint32 indexed index,
        address indexed token,
        address coin,
        uint96 lotSize,
        uint96 tickSize
    );
    /// @notice `clearer`'s instrument `index` is now `active` (or not).
    event NetInstrumentActiveSet(address indexed clearer, uint32 indexed index, bool active);
    /// @notice `clearer`'s batch `batchNo` of cycle `cycle` settled trades `firstTradeId` .. `firstTradeId +
    /// tradeCount − 1`, committed by Merkle root `root`.
    event NetBatchSettled(
        address indexed clearer,
        uint64 indexed batchNo,
        uint32 cycle,
        uint64 firstTradeId,
        uint32 tradeCount,
        bytes32 root
    );

    /// @notice `clearer`'s participant `participant` holds `amount` of `token` for cycle `cycle` until `expiry`
    /// under token hold `holdId` (placed by `holdForCycle`).
    event NetCycleHoldPlaced(
        address indexed clearer,
        uint32 indexed participant,
        address indexed token,
        bytes32 holdId,
        uint32 cycle,
        uint256 amount,
        uint48 expiry
    );
    /// @notice Batch `batchNo` drew `drawn` of cycle hold `holdId` (released before the token's `settleNet`);
    /// `remaining` stays held under `nextHoldId` (zero when nothing remains: the record is closed).
    event NetCycleHoldDrawn(
        address indexed clearer,
        uint32 indexed participant,
        address indexed token,
        bytes32 holdId,
        uint64 batchNo,
        uint256 drawn,
        bytes32 nextHoldId,
        uint256 remaining
    );
    /// @notice `by` released cycle hold `holdId` (`releaseCycleHold`); its units are available again.
    event NetCycleHoldReleased(
        address indexed clearer,
        uint32 indexed participant,
        address indexed token,
        bytes32 holdId,
        address by
    );
    /// @notice The engine closed its record of cycle hold `holdId`: the token's hold was no longer live (released
    /// through the token after its expiry, cancelled by an officer, or expired: then the engine released it).
    event NetCycleHoldLapsed(
        address indexed clearer,
        uint32 indexed participant,
        address indexed token,
        bytes32 holdId
    );

    /* ERRORS: TABLES */

    /// @notice `wallet` (entry `position` of the call) cannot be a participant: the zero address or the engine.
    error NetInvalidParticipant(uint256 position, address wallet);
    /// @notice `wallet` is already the clearer's participant `index`.
    error NetParticipantExists(address wallet, uint32 index);
    /// @notice `addParticipants` got no wallet.
    error NetNoParticipants();
    /// @notice `addParticipants` got `wallets` wallets but `deadlines` deadlines and `consents` consents.
    error NetConsentLengths(uint256 wallets, uint256 deadlines, uint256 consents);
    /// @notice The consent of `wallet` (entry `position` of the call) expired: `deadline` is before the block's
    /// time `time`.
    error NetConsentExpired(uint256 position, address wallet, uint256 deadline, uint256 time);
    /// @notice The consent of `wallet` (entry `position` of the call) is not its signature (ECDSA or ERC-1271) of
    /// its `ClearingConsent` to the caller until `deadline` (missing, malformed, another signer's, another clearer's
    /// or another deadline's).
    error NetConsentInvalid(uint256 position, address wallet, uint256 deadline);
    /// @notice `wallet`, `clearer`'s participant `index`, withdrew its consent (`setClearingConsent`): the clearer
    /// may not reactivate it before the wallet consents again.
    error NetParticipantWithdrawn(address clearer, uint32 index, address wallet);
    /// @notice `clearer`'s participant `index` (the caller) already has consent `consent` (withdrawing twice, or
    /// consenting again without having withdrawn).
    error NetConsentUnchanged(address clearer, uint32 index, bool consent);
    /// @notice The table would exceed 2^32 − 1 entries (`size` after the call).
    error NetTableFull(uint256 size);
    /// @notice The clearer has no participant `index` (it has `count`).
    error NetUnknownParticipant(uint32 index, uint32 count);
    /// @notice The clearer has no instrument `index` (it has `count`).
    error NetUnknownInstrument(uint32 index, uint32 count);
    /// @notice Participant or instrument `index` already has the active flag `active`.
    error NetActiveUnchanged(uint32 index, bool active);
    /// @notice `token` is not a security of the authority's directory (a receipt market or a loyalty program is not
    /// netted).
    error NetNotAnAsset(address token);
    /// @notice `coin` is not a settlement coin registered with the engine.
    error NetNotACoin(address coin);
    /// @notice A lot size or tick size is zero.
    error NetInvalidSizes(uint96 lotSize, uint96 tickSize);

    /* ERRORS: BATCH ENCODING (offsets are byte offsets into the batch) */

    /// @notice The batch ends (`length` bytes) before the field that starts at `offset`.
    error NetBatchTruncated(uint256 offset, uint256 length);
    /// @notice The batch should end at `end` but has `length` bytes.
    error NetBatchTrailingBytes(uint256 end, uint256 length);
    /// @notice The batch's version is `version`; this engine reads version 1.
    error NetBatchVersion(uint8 version);
    /// @notice The count at `offset` is zero (participants, instruments, an instrument's positions or trades).
    error NetBatchEmpty(uint256 offset);
    /// @notice The list entry at `offset` is `value`, not above the previous entry `previous`.
    error NetBatchNotAscending(uint256 offset, uint256 previous, uint256 value);
    /// @notice The local participant index at `offset` is `local`, not below the batch's `participants`.
    error NetBatchLocalIndex(uint256 offset, uint256 local, uint256 participants);
    /// @notice The batch's cycle `cycle` is below the clearer's last cycle `lastCycle`.
    error NetCycleRegressed(uint32 cycle, uint32 lastCycle);
    /// @notice The batch's first trade id `firstTradeId` is not the clearer's next trade id `expected` (a replayed,
    /// overlapping or skipping batch), or its ids would pass 2^64 − 1.
    error NetTradeIdMismatch(uint64 firstTradeId, uint64 expected);
    /// @notice Participant `index` named by the batch is inactive.
    error NetParticipantInactive(uint32 index, address wallet);
    /// @notice Instrument `index` named by the batch is inactive.
    error NetInstrumentInactive(uint32 index, address token);

    /* ERRORS: TRADES */

    /// @notice Trade `tradeIndex` names a position beyond the batch's `positions`, or positions of two instruments.
    error NetTradeInvalidPositions(uint256 tradeIndex, uint16 buyerPos, uint16 sellerPos, uint256 positions);
    /// @notice Trade `tradeIndex`'s buyer and seller are both participant `participant`.
    error NetSelfTrade(uint256 tradeIndex, uint32 participant);
    /// @notice Trade `tradeIndex` has a zero quantity or price.
    error NetTradeZero(uint256 tradeIndex, uint32 quantity, uint32 price);
    /// @notice Position `position` (participant `participant`, instrument `instrument`) is used by no trade.
    error NetPositionUnused(uint256 position, uint32 participant, uint32 instrument);
    /// @notice `token` refused the batch's change for `participant` with restriction `code` (255 unclassified:
    /// `participant` is then zero), the token's revert data being `reason`; `tradeIndex` is the first trade of
    /// the batch touching that position (of that token, when unclassified).
    error NetTradeFailed(uint256 tradeIndex, address participant, address token, uint8 code, bytes reason);

    /* ERRORS: CYCLE HOLDS */

    /// @notice `clearer` has no participant (it never cleared here).
    error NetUnknownClearer(address clearer);
    /// @notice `caller` is not a participant of `clearer`.
    error NetNotParticipant(address clearer, address caller);
    /// @notice `token` is neither the token nor the coin of any of `clearer`'s instruments.
    error NetNotDeliverable(address clearer, address token);
    /// @notice Cycle `cycle` is past: `clearer`'s last batch was of cycle `lastCycle`.
    error NetCycleHoldPast(uint32 cycle, uint32 lastCycle);
    /// @notice A cycle hold of zero units.
    error NetCycleHoldZero();
    /// @notice The expiry `expiry` is not after the block's time `time`.
    error NetCycleHoldExpiry(uint48 expiry, uint256 time);
    /// @notice Participant `participant` already holds `token` for cycle `cycle` under live hold `holdId`.
    error NetCycleHoldExists(uint32 participant, address token, bytes32 holdId, uint32 cycle);
    /// @notice Participant `participant` has no active cycle hold on `token`.
    error NetNoCycleHold(uint32 participant, address token);
    /// @notice `caller` may not release the cycle hold yet: only the clearer may before the cycle is past
    /// (`lastCycle` > `cycle`, then also the participant) or the hold expired (`expiry`, then anyone).
    error NetCycleHoldLocked(address caller, uint32 cycle, uint32 lastCycle, uint48 expiry);

    /* TABLES */

    /// @notice Appends `wallets` to the caller's participants, each with its consent: `consents[i]` is `wallets[i]`'s
    /// signature (as `ISettlement.isValidTypedSignature` checks it: 65-byte ECDSA, or for a wallet with code
    /// anything its ERC-1271 `isValidSignature` accepts) of the EIP-712 `ClearingConsent(msg.sender, wallets[i],
    /// deadlines[i])` under the engine's domain, and `deadlines[i]` is not before the block's
    /// time. Returns the index of the first (the others follow). Active.
    /// @dev Reverts with `NetNoParticipants`, `NetConsentLengths`, `NetInvalidParticipant`, `NetParticipantExists`
    /// (also for a wallet repeated within the call), `NetConsentExpired`, `NetConsentInvalid`, `NetTableFull`.
    /// @param wallets The wallets to append.
    /// @param deadlines Per wallet, the deadline it signed (unix seconds, inclusive).
    /// @param consents Per wallet, its signature of its `ClearingConsent`.
    /// @custom:access CLEARING_MEMBER
    function addParticipants(
        address[] calldata wallets,
        uint256[] calldata deadlines,
        bytes[] calldata consents
    ) external returns (uint32 first);

    /// @notice Activates or deactivates the caller's participant `index`.
    /// @dev Reverts with `NetUnknownParticipant`, `NetActiveUnchanged`, `NetParticipantWithdrawn` (activating a
    /// participant whose wallet withdrew and has not rejoined).
    /// @custom:access CLEARING_MEMBER
    function setParticipantActive(uint32 index, bool active) external;

    /// @notice The caller (a participant's wallet) withdraws its consent to `clearer` (`consent` false) or gives it
    /// again (`consent` true). Withdrawing deactivates its entry at once (the clearer's next batch naming it is
    /// refused, `NetParticipantInactive`) and marks it withdrawn (the clearer cannot reactivate it,
    /// `NetParticipantWithdrawn`); consenting again clears the mark and leaves the entry inactive until the clearer
    /// reactivates it (`setParticipantActive`). Its cycle holds stay as they are (`releaseCycleHold`).
    /// @dev Reverts with `NetNotParticipant`, `NetConsentUnchanged`.
    /// @custom:access the participant's wallet itself (public: its own entry).
    function setClearingConsent(address clearer, bool consent) external;

    /// @notice Appends an instrument to the caller's table: `token` against `coin`, a quantity unit of `lotSize`
    /// token units, a price tick of `tickSize` coin units per quantity unit. Returns its index. Active.
    /// @dev Reverts with `NetNotAnAsset`, `NetNotACoin`, `NetInvalidSizes`, `NetTableFull`.
    /// @custom:access CLEARING_MEMBER
    function addInstrument(
        address token,
        address coin,
        uint96 lotSize,
        uint96 tickSize
    ) external returns (uint32 index);

    /// @notice Activates or deactivates the caller's instrument `index`.
    /// @dev Reverts with `NetUnknownInstrument`, `NetActiveUnchanged`.
    /// @custom:access CLEARING_MEMBER
    function setInstrumentActive(uint32 index, bool active) external;

    /* SETTLING */

    /// @notice Settles one batch of the caller's trades (encoding v1 above) and returns its batch number and the
    /// Merkle root of its trades.
    /// @dev Reverts with the encoding errors (`NetBatch…`, `NetCycleRegressed`, `NetTradeIdMismatch`,
    /// `NetUnknownParticipant`, `NetUnknownInstrument`, `NetParticipantInactive`, `NetInstrumentInactive`), the
    /// trade errors (`NetTradeInvalidPositions`, `NetSelfTrade`, `NetTradeZero`, `NetPositionUnused`) and
    /// `NetTradeFailed` (a token refused; N1: nothing changes). A debit of a participant with a live cycle hold
    /// for the batch's cycle on that asset draws the hold first (N7: `NetCycleHoldDrawn`, `NetCycleHoldLapsed`).
    /// @custom:access CLEARING_MEMBER
    function submitBatch(bytes calldata batch) external returns (uint64 batchNo, bytes32 root);

    /* CYCLE HOLDS */

    /// @notice Holds `amount` of the caller's `token` for `clearer`'s cycle `cycle` until `expiry`: the caller is
    /// `clearer`'s participant, `token` an asset it may deliver there (a token or coin of one of `clearer`'s
    /// instruments). The engine places the token hold (`IHoldable.placeHold`, the caller's available balance) and
    /// returns its id. Batches of cycle `cycle` draw it before the caller's free balance (N7).
    /// @dev Reverts with `NetUnknownClearer`, `NetNotParticipant`, `NetNotDeliverable`, `NetCycleHoldPast` (cycle
    /// below `lastCycle(clearer)`), `NetCycleHoldZero`, `NetCycleHoldExpiry`, `NetCycleHoldExists` (a live cycle
    /// hold on `token`; a record that is no longer live is closed first, `NetCycleHoldLapsed`), and the token's
    /// refusals (`IHoldable`: available balance, frozen, paused).
    /// @custom:access the participant itself (public: the caller's own units).
    function holdForCycle(
        address clearer,
        uint32 cycle,
        address token,
        uint256 amount,
        uint48 expiry
    ) external returns (bytes32 holdId);

    /// @notice Releases `clearer`'s participant `participant`'s cycle hold on `token`: by the clearer any time, by
    /// the participant once its cycle is past (`lastCycle(clearer)` > its cycle), by anyone once expired. A record
    /// whose token hold is no longer live is closed by anyone (`NetCycleHoldLapsed`, nothing to release).
    /// @dev Reverts with `NetUnknownParticipant`, `NetNoCycleHold`, `NetCycleHoldLocked`.
    /// @custom:access the clearer, the participant (its cycle past), anyone (expired): checked by the engine.
    function releaseCycleHold(address clearer, uint32 participant, address token) external;

    /* VIEWS */

    /// @notice `clearer`'s participant `participant`'s cycle hold on `token` (see `NetCycleHold`; all zero if it
    /// never held one).
    function cycleHoldOf(
        address clearer,
        uint32 participant,
        address token
    ) external view returns (NetCycleHold memory);

    /// @notice How many active cycle-hold records `clearer`'s participant `participant` has (N7).
    function cycleHoldCount(address clearer, uint32 participant) external view returns (uint32);

    /// @notice Whether `proof` proves `trade` a trade of `clearer`'s batch `batchNo` (its id in the batch's range
    /// and its leaf under the batch's root).
    function verifyTrade(
        address clearer,
        uint64 batchNo,
        NetTrade calldata trade,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The Merkle root `submitBatch(batch)` sent by `clearer` would commit, after the same decoding and trade
    /// checks against `clearer`'s tables (reverting with the same errors); the tokens are not asked.
    function batchRoot(address clearer, bytes calldata batch) external view returns (bytes32 root);

    /// @notice The Merkle leaf of `trade` (see the commitment above).
    function tradeLeaf(NetTrade calldata trade) external pure returns (bytes32);

    /// @notice `clearer`'s batch `batchNo` (all zero when it has none such).
    function batchOf(address clearer, uint64 batchNo) external view returns (NetBatch memory);

    /// @notice How many batches `clearer` settled (the last batch number).
    function batchCount(address clearer) external view returns (uint64);

    /// @notice The id the first trade of `clearer`'s next batch must have.
    function nextTradeId(address clearer) external view returns (uint64);

    /// @notice The cycle of `clearer`'s last batch (0 before any).
    function lastCycle(address clearer) external view returns (uint32);

    /// @notice How many participants `clearer` has registered.
    function participantCount(address clearer) external view returns (uint32);

    /// @notice `clearer`'s participant `index` (zero address when unknown) and whether it is active.
    function participantOf(address clearer, uint32 index) external view returns (address wallet, bool active);

    /// @notice Whether `wallet` is a participant of `clearer`, and its index.
    function participantIndexOf(address clearer, address wallet) external view returns (bool found, uint32 index);

    /// @notice How many instruments `clearer` has registered.
    function instrumentCount(address clearer) external view returns (uint32);

    /// @notice `clearer`'s instrument `index` (all zero when unknown).
    function instrumentOf(address clearer, uint32 index) external view returns (NetInstrument memory);
}
