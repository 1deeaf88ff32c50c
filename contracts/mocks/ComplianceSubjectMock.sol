// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";

/// @title ComplianceSubjectMock
/// @notice Test-only ERC-20 that asks the compliance pipeline about every balance change and keeps the
/// per-investor balances and holder count the pipeline's caps read. Anyone may mint or burn: it is a mock.
/// @dev Balances are kept per investor (`registry.investorOf`); a wallet with no investor counts as its own.
/// Re-linking a wallet to another investor while it holds tokens is not tracked.
contract ComplianceSubjectMock is ERC20, IComplianceSubject {
    /// @notice The pipeline refused a balance change with ERC-1404 code `code`.
    error ComplianceSubjectMockRestricted(uint8 code);

    ICompliance private immutable _compliance;
    IIdentityRegistry private immutable _identityRegistry;

    mapping(bytes32 investor => uint256) private _investorBalances;
    uint256 private _holderCount;

    constructor(ICompliance compliance_, IIdentityRegistry registry_) ERC20("Compliance Subject Mock", "CSM") {
        _compliance = compliance_;
        _identityRegistry = registry_;
    }

    /// @notice Mints `amount` to `to`; open to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Burns `amount` from `from`; open to anyone.
    function burn(address from, uint256 amount) external {
        _burn(from, amount);
    }

    /// @notice The pipeline's ERC-3643 `canTransfer`, asked by this token (so `msg.sender` is the asset).
    function canTransferViaCompliance(address from, address to, uint256 amount) external view returns (bool) {
        return _compliance.canTransfer(from, to, amount);
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() external view returns (uint256) {
        return _holderCount;
    }

    /// @inheritdoc IComplianceSubject
    function investorBalanceOf(address wallet) external view returns (uint256) {
        return _investorBalances[_investorKey(wallet)];
    }

    function _update(address from, address to, uint256 value) internal override {
        uint8 code = _compliance.detectTransferRestriction(address(this), from, to, value);
        require(code == 0, ComplianceSubjectMockRestricted(code));
        super._update(from, to, value);
        if (from != address(0)) {
            bytes32 key = _investorKey(from);
            uint256 balance = _investorBalances[key] - value;
            _investorBalances[key] = balance;
            if (balance == 0 && value != 0) --_holderCount;
        }
        if (to != address(0)) {
            bytes32 key = _investorKey(to);
            uint256 balance = _investorBalances[key];
            if (balance == 0 && value != 0) ++_holderCount;
            _investorBalances[key] = balance + value;
        }
    }

    function _investorKey(address wallet) private view returns (bytes32) {
        bytes32 investor = _identityRegistry.investorOf(wallet);
        return investor != bytes32(0) ? investor : bytes32(uint256(uint160(wallet)));
    }
}
