// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IHoldable} from "../interfaces/tokens/IHoldable.sol";
import {ISecurityTokenOperations} from "../interfaces/tokens/ISecurityTokenOperations.sol";
import {ISettlementCoin} from "../interfaces/tokens/ISettlementCoin.sol";
import {HoldLib} from "../libraries/HoldLib.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title HoldableTokenMock
/// @notice Test-only ERC-20 implementing `IHoldable` as the design prescribes (holds in place, engine-only notary,
/// available = balance − held; the records are `HoldLib`'s, as in the real tokens), with switches to make it refuse like the real tokens do: pause, transfers stopped,
/// frozen addresses, a refusal code per recipient (a security's pipeline code, or a coin's ineligible holder). In
/// "coin style" it reverts with the settlement coin's errors in the coin's order and answers the coin's views; in
/// "security style" with a security token's errors and ERC-1404 views (its `compliance()` is itself). It also
/// takes EIP-3009 `receiveWithAuthorization` (bytes signature) and, in re-entrancy mode, calls a target in the
/// middle of every transfer (a malicious token).
/// @dev Never shipped. Mints and burns skip every check.
contract HoldableTokenMock is ERC20, EIP712, IHoldable {
    using HoldLib for mapping(bytes32 => Hold);
    using HoldLib for Hold;

    /// @notice The caller of `receiveWithAuthorization` is not its payee.
    error HoldableTokenMockCallerNotPayee(address caller, address payee);
    /// @notice The authorization is not valid now, was used, or its signature is wrong.
    error HoldableTokenMockInvalidAuthorization(address from, bytes32 nonce);
    /// @notice Only the officer cancels holds.
    error HoldableTokenMockNotOfficer(address caller);

    bytes32 private constant _RECEIVE_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,"
        "bytes32 nonce)"
    );

    address private immutable _engine;
    address private immutable _officer;
    bool private immutable _coinStyle;

    mapping(bytes32 holdId => Hold) private _holds;
    mapping(address holder => uint256) private _held;
    mapping(address account => bool) private _frozen;
    mapping(address account => uint8) private _refusal;
    mapping(address from => mapping(bytes32 nonce => bool)) private _authorizationUsed;
    bool private _paused;
    bool private _stopped;
    address private _reentryTarget;
    bytes private _reentryData;

    /// @param engine_ The settlement engine (notary). @param coinStyle_ Coin errors and views, else a security's.
    constructor(string memory name_, address engine_, bool coinStyle_) ERC20(name_, name_) EIP712(name_, "1") {
        _engine = engine_;
        _officer = msg.sender;
        _coinStyle = coinStyle_;
    }

    /* TEST SWITCHES */

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setPaused(bool paused_) external {
        _paused = paused_;
    }

    function setTransfersStopped(bool stopped) external {
        _stopped = stopped;
    }

    function setFrozen(address account, bool frozen) external {
        _frozen[account] = frozen;
    }

    /// @notice Transfers to `account` are refused with `code` (coin style: any non-zero code is "ineligible").
    function setRefusal(address account, uint8 code) external {
        _refusal[account] = code;
    }

    /// @notice In the middle of every transfer, calls `target` with `data` and bubbles its revert (zero: off).
    function setReentry(address target, bytes calldata data) external {
        _reentryTarget = target;
        _reentryData = data;
    }

    /* IHoldable */

    function settlementEngine() external view returns (address) {
        return _engine;
    }

    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external {
        _onlyEngine();
        Hold storage hold = _holds.requireNew(holdId, holder, amount, expiry);
        _requireNotPaused();
        if (_frozen[holder]) {
            if (_coinStyle) revert ISettlementCoin.SettlementCoinAccountFrozen(holder);
            revert ISecurityTokenOperations.SecurityTokenAddressFrozen(holder);
        }
        uint256 available = availableBalanceOf(holder);
        require(amount <= available, HoldableInsufficientAvailableBalance(holder, available, amount));
        _held[holder] += amount;
        hold.place(holdId, holder, amount, expiry);
    }

    function executeHold(bytes32 holdId, address to, uint256 amount) external {
        _onlyEngine();
        (address holder, uint256 remaining) = _holds.execute(holdId, to, amount);
        _held[holder] -= amount;
        _transfer(holder, to, amount);
        emit HoldExecuted(holdId, holder, to, amount, remaining);
    }

    function releaseHold(bytes32 holdId) external {
        (address holder, uint256 amount) = _holds.release(holdId, msg.sender == _engine);
        _held[holder] -= amount;
    }

    function cancelHold(bytes32 holdId, bytes32 reason) external {
        require(msg.sender == _officer, HoldableTokenMockNotOfficer(msg.sender));
        (address holder, uint256 amount) = _holds.cancel(holdId, msg.sender, reason);
        _held[holder] -= amount;
    }

    function settlementTransfer(address from, address to, uint256 amount) external {
        _onlyEngine();
        _transfer(from, to, amount);
    }

    function holdOf(bytes32 holdId) external view returns (Hold memory) {
        return _holds[holdId];
    }

    function heldBalanceOf(address holder) external view returns (uint256) {
        return _held[holder];
    }

    function availableBalanceOf(address holder) public view returns (uint256) {
        return balanceOf(holder) - _held[holder];
    }

    /* EIP-3009 */

    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        require(msg.sender == to, HoldableTokenMockCallerNotPayee(msg.sender, to));
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(_RECEIVE_TYPEHASH, from, to, value, validAfter, validBefore, nonce))
        );
        require(
            block.timestamp > validAfter &&
                block.timestamp < validBefore &&
                !_authorizationUsed[from][nonce] &&
                SignatureChecker.isValidSignatureNowCalldata(from, digest, signature),
            HoldableTokenMockInvalidAuthorization(from, nonce)
        );
        _authorizationUsed[from][nonce] = true;
        _transfer(from, to, value);
    }

    /* VIEWS OF THE REAL TOKENS */

    function isPaused() external view returns (bool) {
        return _paused;
    }

    function paused() external view returns (bool) {
        return _paused;
    }

    function transfersStopped() external view returns (bool) {
        return _stopped;
    }

    function isFrozen(address account) external view returns (bool) {
        return _frozen[account];
    }

    function isEligible(address account) external view returns (bool) {
        return _refusal[account] == 0;
    }

    /// @notice The security's `compliance()`: the mock is its own pipeline.
    function compliance() external view returns (address) {
        return address(this);
    }

    /// @notice ERC-1404 (security style): own checks in the security token's order, then the pipeline's.
    function detectTransferRestriction(address from, address to, uint256 amount) external view returns (uint8) {
        if (_paused) return 13;
        if (_stopped) return 17;
        if (_frozen[from]) return 14;
        if (_frozen[to]) return 15;
        if (availableBalanceOf(from) < amount) return 16;
        return _refusal[to];
    }

    /// @notice The pipeline's ERC-1404 with the asset named.
    function detectTransferRestriction(address, address, address to, uint256) external view returns (uint8) {
        return _refusal[to];
    }

    /* INTERNAL */

    /// @dev Every move between holders is checked, in the real token's order and with its errors.
    function _update(address from, address to, uint256 amount) internal override {
        if (from != address(0) && to != address(0)) _check(from, to, amount);
        super._update(from, to, amount);
        if (_reentryTarget != address(0)) {
            (bool success, bytes memory reason) = _reentryTarget.call(_reentryData);
            if (!success) {
                // Bubble the re-entered call's revert.
                // solhint-disable-next-line no-inline-assembly
                assembly {
                    revert(add(reason, 32), mload(reason))
                }
            }
        }
    }

    function _check(address from, address to, uint256 amount) private view {
        uint256 balance = balanceOf(from);
        uint256 available = balance - _held[from];
        if (_coinStyle) {
            require(!_paused, ISettlementCoin.SettlementCoinPaused());
            require(!_frozen[from], ISettlementCoin.SettlementCoinAccountFrozen(from));
            require(balance >= amount, ERC20InsufficientBalance(from, balance, amount));
            require(available >= amount, HoldableInsufficientAvailableBalance(from, available, amount));
            require(!_frozen[to], ISettlementCoin.SettlementCoinAccountFrozen(to));
            require(_refusal[to] == 0, ISettlementCoin.SettlementCoinIneligibleHolder(to));
            return;
        }
        require(!_paused, ISecurityTokenOperations.SecurityTokenPaused());
        require(!_stopped, ISecurityTokenOperations.SecurityTokenTransfersStopped());
        require(!_frozen[from], ISecurityTokenOperations.SecurityTokenAddressFrozen(from));
        require(!_frozen[to], ISecurityTokenOperations.SecurityTokenAddressFrozen(to));
        require(balance >= amount, ERC20InsufficientBalance(from, balance, amount));
        require(
            available >= amount,
            ISecurityTokenOperations.SecurityTokenInsufficientUnfrozenBalance(from, available, amount)
        );
        if (_refusal[to] != 0) {
            revert ISecurityTokenOperations.SecurityTokenTransferRestricted(
                from,
                to,
                amount,
                _restriction(_refusal[to])
            );
        }
    }

    function _restriction(uint8 code) private pure returns (Restriction) {
        return Restriction(code);
    }

    function _onlyEngine() private view {
        require(msg.sender == _engine, HoldableUnauthorizedEngine(msg.sender));
    }

    function _requireNotPaused() private view {
        if (_paused) {
            if (_coinStyle) revert ISettlementCoin.SettlementCoinPaused();
            revert ISecurityTokenOperations.SecurityTokenPaused();
        }
    }
}
