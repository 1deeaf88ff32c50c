// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IComplianceRule} from "../interfaces/compliance/IComplianceRule.sol";
import {Eligibility} from "../types/Eligibility.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title ComplianceMessagesLib
/// @notice The English the pipeline speaks: ERC-1404's short message per code (`messageForTransferRestriction`) and
/// `explainTransfer`'s sentences.
/// @dev A linked library (external functions, deployed once and called by `delegatecall`): the sentences stay out
/// of the pipeline's code, which every transfer runs, and only the two explaining views call it.
library ComplianceMessagesLib {
    /// @notice ERC-1404's message for a pipeline code (`Restriction`, 0–12); "Unknown restriction code" beyond.
    function messageFor(uint8 code) external pure returns (string memory) {
        if (code > uint8(Restriction.AssetNotConfigured)) return "Unknown restriction code";
        Restriction restriction = Restriction(code);
        if (restriction == Restriction.None) return "No restriction";
        if (restriction == Restriction.SenderNotVerified) return "Sender is not a verified investor";
        if (restriction == Restriction.RecipientNotVerified) return "Recipient is not a verified investor";
        if (restriction == Restriction.RecipientMissingClaims) return "Recipient lacks a claim the asset requires";
        if (restriction == Restriction.CountryNotAllowed) return "Recipient's country is not allowed for the asset";
        if (restriction == Restriction.CountryBlocked) return "A party's country is blocked for the asset";
        if (restriction == Restriction.MaxInvestorsReached) return "The asset's maximum number of investors is reached";
        if (restriction == Restriction.MaxBalanceExceeded) return "Recipient would exceed the asset's per-investor cap";
        if (restriction == Restriction.LockedUp) return "The asset is in its lock-up period";
        if (restriction == Restriction.TradingHalted) return "Trading in the asset is halted";
        if (restriction == Restriction.OutsideTradingWindow) return "Transfer is outside the asset's trading hours";
        if (restriction == Restriction.ExternalRuleFailed) return "A custom compliance rule refused the transfer";
        return "The asset is not configured for compliance";
    }

    /// @notice `explainTransfer`'s sentence for a built-in rule's code (not `ExternalRuleFailed`).
    /// @param code The code.
    /// @param senderParty Whether the wallet the rule looked at is the sender.
    /// @param word That wallet's eligibility word (read only for the codes on verification).
    function sentence(Restriction code, bool senderParty, Eligibility word) external view returns (string memory) {
        if (code == Restriction.None) return "the transfer is allowed";
        if (code == Restriction.SenderNotVerified || code == Restriction.RecipientNotVerified) {
            string memory who = code == Restriction.SenderNotVerified ? "sender" : "recipient";
            if (!word.isRegistered()) {
                return string.concat("the ", who, "'s wallet is not registered in the identity registry");
            }
            if (word.expiry() <= block.timestamp) {
                return string.concat("the ", who, "'s identity attestation has expired");
            }
            return string.concat("the ", who, " lacks claims every verified investor must hold");
        }
        if (code == Restriction.RecipientMissingClaims) return "the recipient lacks claims the asset requires";
        if (code == Restriction.CountryBlocked) {
            return
                senderParty
                    ? "the sender's country is on the asset's block-list"
                    : "the recipient's country is on the asset's block-list";
        }
        if (code == Restriction.CountryNotAllowed) return "the recipient's country is not on the asset's allow-list";
        if (code == Restriction.MaxInvestorsReached) {
            return "the recipient would be a new investor beyond the asset's cap on investors";
        }
        if (code == Restriction.MaxBalanceExceeded) {
            return "the recipient's investor would hold more than the asset's per-investor cap";
        }
        if (code == Restriction.LockedUp) return "the asset's lock-up period has not ended";
        if (code == Restriction.TradingHalted) return "trading in the asset is halted";
        if (code == Restriction.OutsideTradingWindow) return "the transfer falls outside the asset's trading hours";
        return "the asset has no compliance configuration";
    }

    /// @notice An external rule's own message for its code; the generic sentence if the rule cannot give one.
    function ruleMessage(IComplianceRule rule, uint8 ruleCode) external view returns (string memory) {
        try rule.messageForTransferRestriction(ruleCode) returns (string memory message) {
            return message;
        } catch {
            return "a custom compliance rule refused the transfer";
        }
    }
}
