// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";

/// @title HoldableTokenMock2
/// @notice Test-only ERC-20 implementing `IHoldable` as its NatSpec says (the records are `HoldLib`'s, as in the
/// real tokens), for the payment-gateway settlement's unit tests: only the engine places, executes and moves; the
/// engine releases any time, anyone once expired (`block.timestamp >= expiry`); an officer (the deployer) cancels,
/// pauses and freezes. Every transfer, an executed hold's included, takes only the available balance
/// (balance − held) and is refused while paused or when either party is frozen.
/// @dev Never shipped. Anyone may mint.
contract HoldableTokenMock2 is ERC20, IHoldable {
    using HoldLib for mapping(bytes32 => Hold);
    using HoldLib for Hold;

    /// @notice The officer paused or unpaused the token.
    event PausedSet(bool paused);
    /// @notice The officer froze or unfroze `account`.
    event FrozenSet(address indexed account, bool frozen);

    /// @notice The token is paused.
    error HoldableTokenMock2Paused();
    /// @notice `account` is frozen.
    error HoldableTokenMock2Frozen(address account);
    /// @notice `caller` is not the officer.
    error HoldableTokenMock2NotOfficer(address caller);

    address private immutable _engine;
    address private immutable _officer;
    bool private _paused;
    mapping(address account => bool) private _frozen;
    mapping(bytes32 holdId => Hold) private _holds;
    mapping(address holder => uint256) private _held;

    /// @param engine The settlement engine, the holds' only notary.
    constructor(address engine) ERC20("Holdable Mock", "HOLD") {
        _engine = engine;
        _officer = msg.sender;
    }

    modifier onlyEngine() {
        require(msg.sender == _engine, HoldableUnauthorizedEngine(msg.sender));
        _;
    }

    modifier onlyOfficer() {
        require(msg.sender == _officer, HoldableTokenMock2NotOfficer(msg.sender));
        _;
    }

    /// @notice Mints `amount` to `to` (anyone: test-only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Pauses or unpauses every transfer and hold placement or execution.
    function setPaused(bool paused_) external onlyOfficer {
        _paused = paused_;
        emit PausedSet(paused_);
    }

    /// @notice Freezes or unfreezes `account`.
    function setFrozen(address account, bool frozen_) external onlyOfficer {
        _frozen[account] = frozen_;
        emit FrozenSet(account, frozen_);
    }

    /// @inheritdoc IHoldable
    function settlementEngine() external view returns (address) {
        return _engine;
    }

    /// @inheritdoc IHoldable
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external onlyEngine {
        Hold storage hold = _holds.requireNew(holdId, holder, amount, expiry);
        // Anyone mints: a balance, and so a hold, may exceed the record's 128 bits.
        require(amount <= type(uint128).max, HoldableInvalidHold(holder, amount));
        require(!_paused, HoldableTokenMock2Paused());
        require(!_frozen[holder], HoldableTokenMock2Frozen(holder));
        uint256 available = _available(holder);
        require(amount <= available, HoldableInsufficientAvailableBalance(holder, available, amount));
        _held[holder] += amount;
        hold.place(holdId, holder, amount, expiry);
    }

    /// @inheritdoc IHoldable
    function executeHold(bytes32 holdId, address to, uint256 amount) external onlyEngine {
        // Lower the hold and the held total first, so the transfer's available-balance check counts the units.
        (address holder, uint256 remaining) = _holds.execute(holdId, to, amount);
        _held[holder] -= amount;
        _transfer(holder, to, amount);
        emit HoldExecuted(holdId, holder, to, amount, remaining);
    }

    /// @inheritdoc IHoldable
    function releaseHold(bytes32 holdId) external {
        (address holder, uint256 amount) = _holds.release(holdId, msg.sender == _engine);
        _held[holder] -= amount;
    }

    /// @inheritdoc IHoldable
    function cancelHold(bytes32 holdId, bytes32 reason) external onlyOfficer {
        (address holder, uint256 amount) = _holds.cancel(holdId, msg.sender, reason);
        _held[holder] -= amount;
    }

    /// @inheritdoc IHoldable
    function settlementTransfer(address from, address to, uint256 amount) external onlyEngine {
        _transfer(from, to, amount);
    }

    /// @inheritdoc IHoldable
    function holdOf(bytes32 holdId) external view returns (Hold memory) {
        return _holds[holdId];
    }

    /// @inheritdoc IHoldable
    function heldBalanceOf(address holder) external view returns (uint256) {
        return _held[holder];
    }

    /// @inheritdoc IHoldable
    function availableBalanceOf(address holder) external view returns (uint256) {
        return _available(holder);
    }

    function _available(address holder) private view returns (uint256) {
        return balanceOf(holder) - _held[holder];
    }

    /// @dev Transfers (not mints) are refused while paused or with a frozen party, and take only available units.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) {
            require(!_paused, HoldableTokenMock2Paused());
            require(!_frozen[from], HoldableTokenMock2Frozen(from));
            require(!_frozen[to], HoldableTokenMock2Frozen(to));
            uint256 available = _available(from);
            require(value <= available, HoldableInsufficientAvailableBalance(from, available, value));
        }
        super._update(from, to, value);
    }
}
