// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IComplianceRule} from "../interfaces/compliance/IComplianceRule.sol";

/// @title ComplianceRuleMock
/// @notice Test-only external compliance rule: refuses any transfer of more than a fixed amount, with its own
/// code 42.
contract ComplianceRuleMock is IComplianceRule {
    /// @notice The rule's own code for "amount above the limit".
    uint8 public constant AMOUNT_ABOVE_LIMIT = 42;

    uint256 private immutable _maxAmount;

    constructor(uint256 maxAmount_) {
        _maxAmount = maxAmount_;
    }

    /// @notice The largest amount the rule allows.
    function maxAmount() external view returns (uint256) {
        return _maxAmount;
    }

    /// @inheritdoc IComplianceRule
    function detectTransferRestriction(address, address, address, uint256 amount) external view returns (uint8) {
        return amount > _maxAmount ? AMOUNT_ABOVE_LIMIT : 0;
    }

    /// @inheritdoc IComplianceRule
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        return code == AMOUNT_ABOVE_LIMIT ? "the amount is above the rule's limit" : "unknown code";
    }
}
