// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title ISettlement
/// @notice The alliance's settlement engine (DRAFT, refined by the engine's implementer): atomic settlement of
/// instructions of N legs (DvP, PvP, DvD) over registered assets — securities and settlement coins — agreed by the
/// parties' EIP-712 signatures (ECDSA or ERC-1271) or on-chain affirmations, and the hold desk through which
/// settlement clients (the payment-gateway settlement, later net settlement) hold and move units. Every token's
/// `IHoldable.settlementEngine()` is this contract: it is the notary of every hold, and moves legs with
/// `settlementTransfer` (no allowance). It never holds customer assets between transactions.
///
/// EIP-712 domain: name "AssetLedger Settlement", version "1", this chain, this contract. Types:
///   Leg(address token,address from,address to,uint256 amount)
///   Instruction(bytes32 tradeRef,uint48 deadline,uint256 nonce,Leg[] legs)
/// An instruction's id is its EIP-712 struct hash. Replay: the nonce is an unordered nonce of the instruction's
/// initiator (the first leg's `from`), one bit of a bitmap word.
interface ISettlement {
    /// @notice One movement: `amount` of `token` from `from` to `to`.
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
    /// (`Restriction`, 0 = would move), `consented` whether its sender's consent is in hand (signature given,
    /// affirmation, the caller itself, a hold placed for it), `held` whether a hold for it is active, `registered`
    /// whether the token is a registered asset.
    struct LegCheck {
        uint8 restriction;
        bool consented;
        bool held;
        bool registered;
    }

    /* TO BE COMPLETED BY THE ENGINE (events, errors, NatSpec). Functions the other parts rely on: */

    /// @notice Settles `instruction`: every leg moves (held legs by `executeHold`, others by `settlementTransfer`)
    /// or the call reverts naming the failing leg, its party and the restriction code. `consents[i]` is leg `i`'s
    /// sender's EIP-712 signature over the instruction, or empty when that sender already consented otherwise
    /// (an earlier leg's signature, `affirm`, being the caller, or a hold placed with `prefund`). `heldLegs`: bit
    /// `i` set when leg `i` is pre-funded by a hold. Returns the instruction's id.
    function settle(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external returns (bytes32 id);

    /// @notice Every leg's standing and the instruction's (`ok` when it would settle now), without sending.
    function explainSettlement(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external view returns (bool ok, bytes32 id, LegCheck[] memory legs);

    /* HOLD DESK: settlement clients (the payment-gateway settlement; later net settlement) hold and move units
       through the engine, the tokens' only notary. Restricted to the SETTLEMENT_CLIENT role (config/roles.ts).
       A client's hold id on the token is keccak256(abi.encode(client, clientHoldId)). */

    /// @notice Places `IHoldable.placeHold` on `token` for the calling client.
    function placeClientHold(
        address token,
        bytes32 clientHoldId,
        address holder,
        uint256 amount,
        uint48 expiry
    ) external returns (bytes32 holdId);

    /// @notice `IHoldable.executeHold` of the calling client's hold.
    function executeClientHold(address token, bytes32 clientHoldId, address to, uint256 amount) external;

    /// @notice `IHoldable.releaseHold` of the calling client's hold.
    function releaseClientHold(address token, bytes32 clientHoldId) external;

    /// @notice `IHoldable.settlementTransfer` on behalf of the calling client, which has the sender's consent.
    function clientTransfer(address token, address from, address to, uint256 amount) external;

    /// @notice The token's hold id of a client's hold.
    function clientHoldId(address client, bytes32 clientHoldId_) external pure returns (bytes32);
}
