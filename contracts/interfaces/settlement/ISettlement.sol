// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ProductType} from "../../types/ProductType.sol";

/// @title ISettlement
/// @notice The alliance's settlement engine: atomic settlement of instructions of N legs (DvP, PvP, DvD) over
/// registered assets — securities and settlement coins — agreed by the parties' EIP-712 signatures (ECDSA or
/// ERC-1271) or on-chain affirmations, and the hold desk through which settlement clients (the payment-gateway
/// settlement, later net settlement) hold and move units. Every token's `IHoldable.settlementEngine()` is this
/// contract: it is the notary of every hold, and moves legs with `settlementTransfer` or `executeHold`, never with
/// `transferFrom`: no allowance is read or spent, so a party needs no `approve` and no EIP-2612 `permit` (one signed
/// for the engine changes nothing; the coin's gasless way in is EIP-3009, `settleWithAuthorizations`). It never holds
/// customer assets between transactions (holds stay in the tokens; an EIP-3009 coin leg passes through it within one
/// call).
///
/// EIP-712 domain: name "AssetLedger Settlement", version "1", this chain, this contract. Types:
///   Leg(address token,address from,address to,uint256 amount)
///   Instruction(bytes32 tradeRef,uint48 deadline,uint256 nonce,Leg[] legs)
/// An instruction's id is its EIP-712 struct hash; its parties sign the EIP-712 digest of that hash.
///
/// Lifecycle. An instruction is *live* while `block.timestamp < deadline` and its initiator's nonce is unused; the
/// initiator is the first leg's `from`, and the nonce is one bit of the initiator's unordered nonce bitmap
/// (`nonce >> 8` selects the word, `nonce & 0xff` the bit). `settle` and `cancel` consume it, so an instruction
/// settles at most once and never after a cancel; any other instruction of the same initiator with the same nonce
/// dies with it (the initiator chose that nonce for both).
///
/// Consent. Each leg's sender consents to the whole instruction by one of: an EIP-712 signature (`consents[i]`,
/// ECDSA for an account without code, ERC-1271 otherwise); being the caller of `settle`; `affirm` on chain; a
/// pre-funding hold (`prefund`, which also affirms); an EIP-3009 `receiveWithAuthorization` bound to the instruction
/// (`settleWithAuthorizations`). A sender's consent for one leg covers its other legs of the same instruction.
/// Recipients do not consent: each token's own compliance decides whether they may receive.
///
/// Commodity receipts. A leg of a receipt market (an ERC-1155 of lots, `ICommodityReceipt`) carries a *lot amount*
/// `id << 128 | quantity`: the signed instruction names the lot and the quantity, the receipt moves and holds the
/// quantity of that lot by the same calls as any asset (`settlementTransfer`, `placeHold`, `executeHold`), and
/// `explainSettlement` judges the sender's available units of that lot. The hold desk takes lot amounts the same way.
///
/// Cancel rule (griefing): a party (a `from` or `to` of some leg) may cancel a live-nonce instruction, which burns
/// the initiator's nonce. The initiator may always cancel; any other party only if the initiator consented to that
/// very instruction (affirmed or prefunded it, or a valid initiator signature is passed) — otherwise anyone could
/// forge an instruction naming a victim as initiator and burn the victim's nonces.
///
/// Restriction codes in `SettlementLegFailed` and `LegCheck.restriction`: the token's `Restriction` code (0..17),
/// `RESTRICTION_HOLD_UNAVAILABLE` (254) when a pre-funding hold is missing, expired or short, and
/// `RESTRICTION_UNCLASSIFIED` (255) for a refusal that is not a known transfer restriction (the raw revert data
/// tells).
interface ISettlement {
    /// @notice One movement: `amount` of `token` from `from` to `to` (a receipt's: a lot amount, see above).
    struct Leg {
        address token;
        address from;
        address to;
        uint256 amount;
    }

    /// @notice What the parties agree to: every leg moves in one transaction or none does, before `deadline`.
    struct Instruction {
        bytes32 tradeRef;
        uint48 deadline;
        uint256 nonce;
        Leg[] legs;
    }

    /// @notice How one leg stands (`explainSettlement`): `restriction` is the token's restriction code
    /// (`Restriction`, 0 = would move; 254 hold unavailable; 255 unclassified), `consented` whether its sender's
    /// consent is in hand (signature given, affirmation, the caller itself, a hold placed for it), `held` whether a
    /// hold for it would execute (active, before its expiry, the sender's, covering the amount; otherwise a held leg
    /// is explained as 254), `registered` whether the token is a registered asset.
    struct LegCheck {
        uint8 restriction;
        bool consented;
        bool held;
        bool registered;
    }

    /// @notice A coin leg's sender's EIP-3009 `receiveWithAuthorization` to the engine: `from` = the leg's sender,
    /// `to` = this engine, `value` = the leg's amount, `nonce` = `legKey(id, leg)` (binding it to the instruction),
    /// signed by the sender (`signature`: 65-byte ECDSA or ERC-1271 bytes).
    struct Authorization {
        uint256 leg;
        uint256 validAfter;
        uint256 validBefore;
        bytes signature;
    }

    /* EVENTS */

    /// @notice Instruction `id` of `initiator` (nonce `nonce`, trade `tradeRef`) settled: every leg moved.
    event SettlementExecuted(bytes32 indexed id, address indexed initiator, bytes32 indexed tradeRef, uint256 nonce);
    /// @notice `party` affirmed instruction `id` on chain (its consent as a sender of legs).
    event SettlementAffirmed(bytes32 indexed id, address indexed party);
    /// @notice `by` cancelled instruction `id`: `initiator`'s nonce `nonce` is consumed.
    event SettlementCancelled(bytes32 indexed id, address indexed initiator, uint256 nonce, address indexed by);
    /// @notice `from` pre-funded leg `leg` of instruction `id`: `amount` is held on the token under `holdId`.
    event SettlementLegPrefunded(bytes32 indexed id, uint256 leg, address indexed from, bytes32 holdId, uint256 amount);
    /// @notice `by` released the pre-funding hold `holdId` of leg `leg` of instruction `id` (settled, cancelled or
    /// expired without it).
    event SettlementPrefundReleased(bytes32 indexed id, uint256 leg, bytes32 holdId, address indexed by);
    /// @notice `coin` is (`registered`) or is no longer a settlement coin the engine settles.
    event SettlementCoinSet(address indexed coin, bool registered);
    /// @notice `asset` was found in the authority's asset directory as `productType` and is remembered (assets are
    /// never de-registered).
    event SettlementAssetCached(address indexed asset, ProductType productType);
    /// @notice Client `client` held `amount` of `holder`'s `token` under its `clientHoldId` (token hold `holdId`).
    event SettlementClientHoldPlaced(
        address indexed client,
        address indexed token,
        bytes32 indexed clientHoldId,
        bytes32 holdId,
        address holder,
        uint256 amount,
        uint48 expiry
    );
    /// @notice Client `client` executed `amount` of its hold `clientHoldId` on `token` to `to`.
    event SettlementClientHoldExecuted(
        address indexed client,
        address indexed token,
        bytes32 indexed clientHoldId,
        address to,
        uint256 amount
    );
    /// @notice Client `client` released its hold `clientHoldId` on `token`.
    event SettlementClientHoldReleased(address indexed client, address indexed token, bytes32 indexed clientHoldId);
    /// @notice Client `client` moved `amount` of `token` from `from` to `to` with `from`'s consent.
    event SettlementClientTransferred(
        address indexed client,
        address indexed token,
        address indexed from,
        address to,
        uint256 amount
    );

    /* ERRORS */

    /// @notice The instruction has no leg.
    error SettlementNoLegs();
    /// @notice The instruction has `legs` legs, more than `max`.
    error SettlementTooManyLegs(uint256 legs, uint256 max);
    /// @notice `consents` has `consents` entries for `legs` legs (it must have one per leg, or none).
    error SettlementLengthMismatch(uint256 legs, uint256 consents);
    /// @notice Leg `leg` moves nothing, or from or to the zero address, or from an address to itself.
    error SettlementInvalidLeg(uint256 leg, address from, address to, uint256 amount);
    /// @notice Leg `leg`'s `token` is neither a registered asset nor a registered settlement coin (a loyalty
    /// program's credits are not settled here).
    error SettlementUnregisteredAsset(uint256 leg, address token);
    /// @notice `token` is neither a registered asset nor a registered settlement coin (hold desk; a loyalty program
    /// is not one).
    error SettlementUnknownAsset(address token);
    /// @notice Instruction `id` expired at `deadline` (it is `currentTime`).
    error SettlementExpired(bytes32 id, uint48 deadline, uint256 currentTime);
    /// @notice `initiator`'s nonce `nonce` was consumed (settled or cancelled).
    error SettlementNonceUsed(address initiator, uint256 nonce);
    /// @notice `consents[leg]` is not `signer`'s valid signature of instruction `id`.
    error SettlementInvalidSignature(bytes32 id, uint256 leg, address signer);
    /// @notice Leg `leg`'s sender `party` has not consented to instruction `id`.
    error SettlementNotConsented(bytes32 id, uint256 leg, address party);
    /// @notice `heldLegs` names a leg beyond the instruction's `legs`.
    error SettlementInvalidHeldLegs(uint256 heldLegs, uint256 legs);
    /// @notice Leg `leg` (`amount` of `token` from `from` to `to`) was refused by its token with `restriction`
    /// (a `Restriction` code, 254 hold unavailable, 255 unclassified) and the token's revert data `reason`.
    error SettlementLegFailed(
        uint256 leg,
        address token,
        address from,
        address to,
        uint256 amount,
        uint8 restriction,
        bytes reason
    );
    /// @notice `caller` is not a party (a `from` or `to` of a leg) of instruction `id`.
    error SettlementNotParty(bytes32 id, address caller);
    /// @notice `caller` sends no leg of instruction `id` (only senders affirm).
    error SettlementNotSender(bytes32 id, address caller);
    /// @notice `caller` already affirmed instruction `id`.
    error SettlementAlreadyAffirmed(bytes32 id, address caller);
    /// @notice A party other than the initiator cancels only an instruction the `initiator` consented to.
    error SettlementInitiatorNotConsented(bytes32 id, address initiator);
    /// @notice `caller` is not leg `leg`'s sender `from`.
    error SettlementNotLegSender(bytes32 id, uint256 leg, address caller, address from);
    /// @notice Leg index `leg` is out of range for `legs` legs.
    error SettlementInvalidLegIndex(uint256 leg, uint256 legs);
    /// @notice Instruction `id` is still live (nonce unused, before `deadline`): its pre-funding holds stay.
    error SettlementInstructionLive(bytes32 id, uint48 deadline);
    /// @notice Authorization number `index` names leg `leg`, which is not a distinct, unheld coin leg.
    error SettlementInvalidAuthorization(uint256 index, uint256 leg);
    /// @notice `coin` is the zero address, or a registered asset, or already has the registration `registered`.
    error SettlementInvalidCoin(address coin, bool registered);

    /* SETTLEMENT */

    /// @notice Settles `instruction`: every leg moves (held legs by `executeHold`, others by `settlementTransfer`)
    /// or the call reverts naming the failing leg, its party and the restriction code. `consents[i]` is leg `i`'s
    /// sender's EIP-712 signature over the instruction, or empty when that sender already consented otherwise
    /// (an earlier leg's consent, `affirm`, being the caller, or a hold placed with `prefund`); `consents` may also
    /// be empty altogether. `heldLegs`: bit `i` set when leg `i` is pre-funded by a hold. Returns the instruction's
    /// id. Consumes the initiator's nonce.
    /// @dev Reverts with `SettlementNoLegs`, `SettlementTooManyLegs`, `SettlementLengthMismatch`,
    /// `SettlementInvalidHeldLegs`, `SettlementInvalidLeg`, `SettlementUnregisteredAsset`, `SettlementExpired`,
    /// `SettlementNonceUsed`, `SettlementInvalidSignature`, `SettlementNotConsented`, `SettlementLegFailed`.
    /// @custom:access anyone (the parties' consents are checked).
    function settle(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external returns (bytes32 id);

    /// @notice `settle`, where the coin legs named by `authorizations` are paid by their senders' EIP-3009
    /// `receiveWithAuthorization` to the engine (nonce `legKey(id, leg)`), which forwards the amount to the leg's
    /// recipient in the same call: the authorization is the sender's consent, and no approve or prior transaction
    /// is needed.
    /// @dev Also reverts with `SettlementInvalidAuthorization` (a leg out of range, named twice, held, or not a
    /// settlement coin's). Warning: the coin must let the engine receive (its holder policy).
    /// @custom:access anyone.
    function settleWithAuthorizations(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs,
        Authorization[] calldata authorizations
    ) external returns (bytes32 id);

    /// @notice Every leg's standing and the instruction's (`ok` when it would settle now, submitted by the caller),
    /// without sending. A leg's `restriction` is the code `settle` would revert with for it; an unheld leg's
    /// available balance counts what the instruction's earlier legs take from and give to its sender in the same
    /// token (the pipeline is asked about each leg in the current state). `ok` is also false when the instruction
    /// itself cannot settle (its deadline passed, or its initiator's nonce consumed by a settle or cancel) even if
    /// every leg is fine: `isNonceUsed` and the deadline tell which (the SDK's `explainSettlement` says it).
    /// @dev Reverts on malformed input as `settle` does (`SettlementNoLegs`, `SettlementTooManyLegs`,
    /// `SettlementLengthMismatch`, `SettlementInvalidHeldLegs`, `SettlementInvalidLeg`).
    function explainSettlement(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external view returns (bool ok, bytes32 id, LegCheck[] memory legs);

    /// @notice Records the caller's consent to `instruction` as the sender of its legs.
    /// @dev Reverts with `SettlementNotSender`, `SettlementAlreadyAffirmed`, `SettlementExpired`,
    /// `SettlementNonceUsed` (and the input errors of `settle`).
    /// @custom:access a leg's sender.
    function affirm(Instruction calldata instruction) external returns (bytes32 id);

    /// @notice Pre-funds leg `legIndex`: the engine holds the leg's amount of the caller's balance on the leg's
    /// token until the instruction's deadline (hold id `legKey(id, legIndex)`), and records the caller's consent.
    /// `settle` executes it when bit `legIndex` of `heldLegs` is set.
    /// @dev Reverts with `SettlementNotLegSender`, `SettlementInvalidLegIndex`, `SettlementExpired`,
    /// `SettlementNonceUsed`, `SettlementUnregisteredAsset`, and the token's `IHoldable.placeHold` errors.
    /// @custom:access the leg's sender.
    function prefund(Instruction calldata instruction, uint256 legIndex) external returns (bytes32 holdId);

    /// @notice Releases leg `legIndex`'s pre-funding hold once the instruction can no longer settle with it:
    /// its nonce consumed (settled without it, or cancelled) or its deadline passed.
    /// @dev Reverts with `SettlementInstructionLive`, `SettlementInvalidLegIndex`, `SettlementUnregisteredAsset`,
    /// and the token's
    /// `IHoldable.releaseHold` errors (e.g. `HoldableHoldNotActive`: a hold is released at most once).
    /// @custom:access anyone.
    function releasePrefund(Instruction calldata instruction, uint256 legIndex) external;

    /// @notice Cancels `instruction`, consuming its initiator's nonce. `initiatorConsent`: the initiator's
    /// signature of the instruction when the caller is another party and the initiator did not affirm it (empty
    /// otherwise).
    /// @dev Reverts with `SettlementNotParty`, `SettlementInitiatorNotConsented`, `SettlementInvalidSignature`,
    /// `SettlementNonceUsed` (and the input errors of `settle`).
    /// @custom:access a party of the instruction (see the cancel rule above).
    function cancel(Instruction calldata instruction, bytes calldata initiatorConsent) external returns (bytes32 id);

    /// @notice Registers (`registered`) or de-registers `coin` as a settlement coin legs may move.
    /// @dev Reverts with `SettlementInvalidCoin`.
    /// @custom:access GOVERNOR (config/roles.ts)
    function setCoin(address coin, bool registered) external;

    /* HOLD DESK: settlement clients (the payment-gateway settlement; later net settlement) hold and move units
       through the engine, the tokens' only notary. Restricted to the SETTLEMENT_CLIENT role (config/roles.ts).
       A client's hold id on the token is keccak256(abi.encode(client, clientHoldId)). */

    /// @notice Places `IHoldable.placeHold` on `token` for the calling client.
    /// @dev Reverts with `SettlementUnknownAsset` and the token's `placeHold` errors.
    /// @custom:access SETTLEMENT_CLIENT
    function placeClientHold(
        address token,
        bytes32 clientHoldId,
        address holder,
        uint256 amount,
        uint48 expiry
    ) external returns (bytes32 holdId);

    /// @notice `IHoldable.executeHold` of the calling client's hold.
    /// @dev Reverts with `SettlementUnknownAsset` and the token's `executeHold` errors.
    /// @custom:access SETTLEMENT_CLIENT
    function executeClientHold(address token, bytes32 clientHoldId, address to, uint256 amount) external;

    /// @notice `IHoldable.releaseHold` of the calling client's hold.
    /// @dev Reverts with `SettlementUnknownAsset` and the token's `releaseHold` errors.
    /// @custom:access SETTLEMENT_CLIENT
    function releaseClientHold(address token, bytes32 clientHoldId) external;

    /// @notice `IHoldable.settlementTransfer` on behalf of the calling client, which has the sender's consent.
    /// @dev Reverts with `SettlementUnknownAsset` and the token's `settlementTransfer` errors.
    /// @custom:access SETTLEMENT_CLIENT
    function clientTransfer(address token, address from, address to, uint256 amount) external;

    /* VIEWS */

    /// @notice The token's hold id of a client's hold.
    function clientHoldId(address client, bytes32 clientHoldId_) external pure returns (bytes32);

    /// @notice Leg `leg` of instruction `id`'s key: its pre-funding hold id on the token, and the EIP-3009 nonce of
    /// an authorization paying it: `keccak256(abi.encode(id, leg))`.
    function legKey(bytes32 id, uint256 leg) external pure returns (bytes32);

    /// @notice `instruction`'s id (its EIP-712 struct hash).
    function instructionId(Instruction calldata instruction) external pure returns (bytes32);

    /// @notice The EIP-712 digest the parties sign for `instruction`.
    function instructionDigest(Instruction calldata instruction) external view returns (bytes32);

    /// @notice Whether `initiator`'s nonce `nonce` is consumed.
    function isNonceUsed(address initiator, uint256 nonce) external view returns (bool);

    /// @notice `initiator`'s nonce bitmap word `wordPosition` (nonces `wordPosition * 256` to `+ 255`).
    function nonceBitmap(address initiator, uint256 wordPosition) external view returns (uint256);

    /// @notice Whether `party` affirmed (or pre-funded) instruction `id`.
    function isAffirmed(bytes32 id, address party) external view returns (bool);

    /// @notice Whether legs may move `token`: a registered settlement coin or an asset of the authority's directory.
    function isRegisteredAsset(address token) external view returns (bool);

    /// @notice Whether `coin` is registered as a settlement coin (`setCoin`).
    function isCoin(address coin) external view returns (bool);

    /// @notice The EIP-712 domain separator of this engine.
    function domainSeparator() external view returns (bytes32);

    /// @notice Whether `signature` is `signer`'s signature of the EIP-712 struct hash `structHash` under this
    /// engine's domain, checked as the parties' consents to an instruction: a 65-byte ECDSA signature (s in the lower
    /// half order), or else, for a `signer` with code, its ERC-1271 approval. (The net-settlement module checks a
    /// wallet's `ClearingConsent` with it.)
    function isValidTypedSignature(
        address signer,
        bytes32 structHash,
        bytes calldata signature
    ) external view returns (bool);

    /// @notice The most legs an instruction may have.
    function maxLegs() external pure returns (uint256);
}

/// @title IERC3009Receive
/// @notice The EIP-3009 function the engine calls on a settlement coin to take a leg paid by authorization.
interface IERC3009Receive {
    /// @notice EIP-3009 `receiveWithAuthorization` with a `bytes` signature (ECDSA or ERC-1271); the caller must be
    /// `to`.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;
}
