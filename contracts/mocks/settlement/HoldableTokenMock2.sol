// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";

/// @title HoldableTokenMock2
/// @notice Test-only ERC-20 implementing `IHoldable` as its NatSpec says, for the payment-gateway settlement's
/// unit tests (the tokens' own holds land on another branch): only the engine places, executes and moves; the
/// engine releases any time, anyone once expired (`block.timestamp >= expiry`); an officer (the deployer) cancels,
/// pauses and freezes. Every transfer, an executed hold's included, takes only the available balance
/// (balance − held) and is refused while paused or when either party is frozen.
/// @dev Never shipped. Anyone may mint.
contract HoldableTokenMock2 is ERC20, IHoldable {
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
        require(!_paused, HoldableTokenMock2Paused());
        require(
            holder != address(0) && amount != 0 && amount <= type(uint128).max,
            HoldableInvalidHold(holder, amount)
        );
        require(!_frozen[holder], HoldableTokenMock2Frozen(holder));
        require(expiry > block.timestamp, HoldableInvalidExpiry(expiry));
        require(_holds[holdId].status == HoldStatus.None, HoldableHoldExists(holdId));
        uint256 available = _available(holder);
        require(amount <= available, HoldableInsufficientAvailableBalance(holder, available, amount));
        _holds[holdId] = Hold(holder, expiry, HoldStatus.Active, uint128(amount), 0);
        _held[holder] += amount;
        emit HoldPlaced(holdId, holder, amount, expiry);
    }

    /// @inheritdoc IHoldable
    function executeHold(bytes32 holdId, address to, uint256 amount) external onlyEngine {
        Hold storage hold = _holds[holdId];
        require(hold.status == HoldStatus.Active, HoldableHoldNotActive(holdId, hold.status));
        require(block.timestamp < hold.expiry, HoldableHoldExpired(holdId, hold.expiry));
        require(to != address(0) && amount != 0, HoldableInvalidHold(to, amount));
        require(amount <= hold.amount, HoldableExceedsHold(holdId, hold.amount, amount));
        address holder = hold.holder;
        // Lower the hold and the held total first, so the transfer's available-balance check counts the units.
        hold.amount -= uint128(amount);
        hold.executed += uint128(amount);
        if (hold.amount == 0) hold.status = HoldStatus.Executed;
        _held[holder] -= amount;
        emit HoldExecuted(holdId, holder, to, amount, hold.amount);
        _transfer(holder, to, amount);
    }

    /// @inheritdoc IHoldable
    function releaseHold(bytes32 holdId) external {
        Hold storage hold = _holds[holdId];
        require(hold.status == HoldStatus.Active, HoldableHoldNotActive(holdId, hold.status));
        require(msg.sender == _engine || block.timestamp >= hold.expiry, HoldableHoldNotExpired(holdId, hold.expiry));
        uint256 amount = hold.amount;
        hold.status = HoldStatus.Released;
        hold.amount = 0;
        _held[hold.holder] -= amount;
        emit HoldReleased(holdId, hold.holder, amount, msg.sender);
    }

    /// @inheritdoc IHoldable
    function cancelHold(bytes32 holdId, bytes32 reason) external onlyOfficer {
        Hold storage hold = _holds[holdId];
        require(hold.status == HoldStatus.Active, HoldableHoldNotActive(holdId, hold.status));
        uint256 amount = hold.amount;
        hold.status = HoldStatus.Cancelled;
        hold.amount = 0;
        _held[hold.holder] -= amount;
        emit HoldCancelled(holdId, hold.holder, amount, msg.sender, reason);
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
