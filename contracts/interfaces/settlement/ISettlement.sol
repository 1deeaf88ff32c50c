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
}
