// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title ComplianceProbeMock
/// @notice Test-only asset that measures what one `checkTransfer` costs a token: it answers the pipeline's cap
/// questions from one storage slot each, as a token with a supply word and investor balances does, and measures
/// the gas of the call into the pipeline. Anyone may set its figures: it is a mock.
contract ComplianceProbeMock is IComplianceSubject {
    /// @notice What `probe` measured: the pipeline's answer and the gas the call used (the cold call included).
    event Probed(uint8 code, uint88 newFromMemo, uint88 newToMemo, uint256 gasUsed);

    ICompliance private immutable _compliance;
    uint256 private _holderCount;
    mapping(address wallet => uint256) private _investorBalances;

    constructor(ICompliance compliance_) {
        _compliance = compliance_;
    }

    /// @notice Sets the figures the pipeline's caps read.
    function setHolding(uint256 holders, address wallet, uint256 investorBalance) external {
        _holderCount = holders;
        _investorBalances[wallet] = investorBalance;
    }

    /// @notice Calls `checkTransfer` as this asset and emits its answer and the gas it used. In a transaction of
    /// its own the pipeline, its store and their slots are cold, as in a token's transfer.
    function probe(
        address from,
        address to,
        uint256 amount,
        uint88 fromMemo,
        uint88 toMemo,
        bool recipientHolds
    ) external {
        // Read before the measurement, as a token has its holder count in a slot its call already read.
        uint256 holders = _holderCount;
        uint256 before = gasleft();
        (Restriction code, uint88 newFromMemo, uint88 newToMemo, ) = _compliance.checkTransfer(
            from,
            to,
            amount,
            fromMemo,
            toMemo,
            recipientHolds,
            holders
        );
        uint256 used = before - gasleft();
        emit Probed(uint8(code), newFromMemo, newToMemo, used);
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() external view returns (uint256) {
        return _holderCount;
    }

    /// @inheritdoc IComplianceSubject
    function investorBalanceOf(address wallet) external view returns (uint256) {
        return _investorBalances[wallet];
    }
}
