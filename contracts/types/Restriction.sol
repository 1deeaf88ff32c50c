// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @notice Why a transfer is restricted: the ERC-1404 restriction code is `uint8(Restriction.X)`.
/// @dev Stable and documented (README, "Restriction codes"): values are never renumbered, only appended.
enum Restriction {
    None, //                      0  the transfer is allowed
    SenderNotVerified, //         1  the sender's wallet is not registered, has expired, or lacks baseline claims
    RecipientNotVerified, //      2  the same for the recipient
    RecipientMissingClaims, //    3  the recipient lacks a claim the asset requires (e.g. professional investor)
    CountryNotAllowed, //         4  the recipient's country is not on the asset's allow-list
    CountryBlocked, //            5  the sender's or recipient's country is on the asset's block-list
    MaxInvestorsReached, //       6  the transfer would add an investor beyond the asset's cap
    MaxBalanceExceeded, //        7  the recipient investor would hold more than the asset's per-investor cap
    LockedUp, //                  8  the asset is in its lock-up period (no transfers out before it ends)
    TradingHalted, //             9  trading in the asset is halted
    OutsideTradingWindow, //     10  the transfer falls outside the asset's trading hours
    ExternalRuleFailed, //       11  a custom rule contract attached to the asset refused
    AssetNotConfigured, //       12  the compliance pipeline has no configuration for the asset
    // Token-level codes (a security token answers them itself, before asking the pipeline):
    TokenPaused, //              13  transfers between holders are paused
    SenderFrozen, //             14  the sender's address is frozen
    RecipientFrozen, //          15  the recipient's address is frozen
    InsufficientUnfrozenBalance, // 16  the sender's balance not frozen or held is below the amount
    TransfersStopped //          17  the product stopped transfers (e.g. a bond in default or matured)
}
