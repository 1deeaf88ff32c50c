// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ICompliance} from "../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title ComplianceSubjectMock
/// @notice Test-only ERC-20 that asks the compliance pipeline about every balance change through
/// `checkTransfer`, keeping the memos it returns per wallet as a security token does, and answers the pipeline's
/// cap questions. Anyone may mint or burn: it is a mock.
/// @dev Investors are grouped as the identity registry groups wallets *now* (`IComplianceSubject`): an investor's
/// balance is the sum over `walletsOf(investorOf(wallet))`, an unregistered wallet is its own investor, and the
/// holder count is computed over every wallet that ever held. Slow on purpose: it is the reference the pipeline's
/// shortcuts are checked against, not a token to copy.
contract ComplianceSubjectMock is ERC20, IComplianceSubject {
    /// @notice The pipeline refused a balance change with ERC-1404 code `code`.
    error ComplianceSubjectMockRestricted(uint8 code);

    ICompliance private immutable _compliance;
    IIdentityRegistry private immutable _identityRegistry;

    mapping(address wallet => uint88) private _memos;
    address[] private _holders;
    mapping(address wallet => bool) private _everHeld;

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

    /// @notice The memo the pipeline last returned for `wallet`.
    function memoOf(address wallet) external view returns (uint88) {
        return _memos[wallet];
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() external view returns (uint256 count) {
        uint256 length = _holders.length;
        bytes32[] memory keys = new bytes32[](length);
        for (uint256 i; i < length; ++i) {
            address wallet = _holders[i];
            if (balanceOf(wallet) == 0) continue;
            bytes32 key = _investorKey(wallet);
            bool seen;
            for (uint256 j; j < count && !seen; ++j) seen = keys[j] == key;
            if (!seen) keys[count++] = key;
        }
    }

    /// @inheritdoc IComplianceSubject
    function investorBalanceOf(address wallet) external view returns (uint256 total) {
        bytes32 investor = _identityRegistry.investorOf(wallet);
        if (investor == bytes32(0)) return balanceOf(wallet);
        address[] memory wallets = _identityRegistry.walletsOf(investor);
        for (uint256 i; i < wallets.length; ++i) total += balanceOf(wallets[i]);
    }

    function _update(address from, address to, uint256 value) internal override {
        (Restriction code, uint88 fromMemo, uint88 toMemo, ) = _compliance.checkTransfer(
            from,
            to,
            value,
            _memos[from],
            _memos[to],
            balanceOf(to) != 0,
            this.holderCount()
        );
        require(code == Restriction.None, ComplianceSubjectMockRestricted(uint8(code)));
        super._update(from, to, value);
        if (from != address(0)) _memos[from] = fromMemo;
        if (to != address(0)) {
            _memos[to] = toMemo;
            if (!_everHeld[to]) {
                _everHeld[to] = true;
                _holders.push(to);
            }
        }
    }

    function _investorKey(address wallet) private view returns (bytes32) {
        bytes32 investor = _identityRegistry.investorOf(wallet);
        return investor != bytes32(0) ? investor : bytes32(uint256(uint160(wallet)));
    }
}
