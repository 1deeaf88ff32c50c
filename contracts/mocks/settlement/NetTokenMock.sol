// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {INetSettleable} from "../../interfaces/tokens/INetSettleable.sol";
import {Restriction} from "../../types/Restriction.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";

/// @title NetTokenMock
/// @notice Test-only token implementing `INetSettleable` with the interface's rules and nothing else: the engine
/// only, equal lengths, Σ deltas = 0, debits first (each at most the available balance: balance − locked), then
/// credits; a `Transfer` through the engine per change. It can be told to refuse an account with a restriction code
/// (whatever its change, even zero) or to revert with other data (unclassified). Each call emits `NetApplied` with
/// the gas it used (the gas test splits the engine's cost from the tokens').
/// It is holdable for the engine's cycle-hold tests: `placeHold` / `releaseHold` / `cancelHold` / `holdOf` /
/// `heldBalanceOf` / `availableBalanceOf` of `IHoldable` on `HoldLib` (no `executeHold` or `settlementTransfer`),
/// held units counted into `lockedOf` (so `settleNet` reads one slot per debit, as before), and a `transfer` of the
/// available balance.
/// @dev Never shipped. Mints skip every check; anyone may cancel a hold.
contract NetTokenMock is INetSettleable {
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice A `settleNet` call applied `accounts` changes using `gasUsed` gas inside this contract.
    event NetApplied(uint256 accounts, uint256 gasUsed);

    /// @notice The mock's "other" refusal (not `NetPositionRefused`).
    error NetTokenMockBroken(uint256 accounts);
    /// @notice A transfer of more than the available balance (balance − locked).
    error NetTokenMockInsufficient(address account, uint256 available, uint256 amount);

    address private immutable _engine;
    string public symbol;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address account => uint256) public lockedOf;
    mapping(address account => uint8) public refusalOf;
    bool public broken;
    /// @notice Units of `account` under active holds (also counted in `lockedOf`).
    mapping(address account => uint256) public heldBalanceOf;
    mapping(bytes32 holdId => IHoldable.Hold) private _holds;

    constructor(string memory symbol_, address engine_) {
        symbol = symbol_;
        _engine = engine_;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
        emit Transfer(address(0), to, amount);
    }

    function mintBatch(address[] calldata to, uint256 amount) external {
        for (uint256 i; i < to.length; ++i) {
            balanceOf[to[i]] += amount;
            emit Transfer(address(0), to[i], amount);
        }
        totalSupply += amount * to.length;
    }

    /// @notice Units of `account` a debit may not take beside its holds (frozen, for the test).
    function setLocked(address account, uint256 amount) external {
        lockedOf[account] = heldBalanceOf[account] + amount;
    }

    /// @notice Moves `amount` of the caller's available balance to `to`.
    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 available = availableBalanceOf(msg.sender);
        require(amount <= available, NetTokenMockInsufficient(msg.sender, available, amount));
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice The engine, the notary of this token's holds (`IHoldable`).
    function settlementEngine() external view returns (address) {
        return _engine;
    }

    /// @notice `IHoldable.placeHold`: the engine only, within the available balance.
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external {
        require(msg.sender == _engine, IHoldable.HoldableUnauthorizedEngine(msg.sender));
        IHoldable.Hold storage hold = HoldLib.requireNew(_holds, holdId, holder, amount, expiry);
        uint256 available = availableBalanceOf(holder);
        require(amount <= available, IHoldable.HoldableInsufficientAvailableBalance(holder, available, amount));
        heldBalanceOf[holder] += amount;
        lockedOf[holder] += amount;
        HoldLib.place(hold, holdId, holder, amount, expiry);
    }

    /// @notice `IHoldable.releaseHold`: the engine any time, anyone once expired.
    function releaseHold(bytes32 holdId) external {
        (address holder, uint256 amount) = HoldLib.release(_holds, holdId, msg.sender == _engine);
        heldBalanceOf[holder] -= amount;
        lockedOf[holder] -= amount;
    }

    /// @notice `IHoldable.cancelHold` (anyone, in this mock).
    function cancelHold(bytes32 holdId, bytes32 reason) external {
        (address holder, uint256 amount) = HoldLib.cancel(_holds, holdId, msg.sender, reason);
        heldBalanceOf[holder] -= amount;
        lockedOf[holder] -= amount;
    }

    /// @notice `IHoldable.holdOf`.
    function holdOf(bytes32 holdId) external view returns (IHoldable.Hold memory) {
        return _holds[holdId];
    }

    /// @notice What `account` may move: balance − locked (held included).
    function availableBalanceOf(address account) public view returns (uint256) {
        uint256 balance = balanceOf[account];
        uint256 locked = lockedOf[account];
        return balance > locked ? balance - locked : 0;
    }

    /// @notice Refuse any change of `account` with `code` (0: accept).
    function setRefusal(address account, uint8 code) external {
        refusalOf[account] = code;
    }

    /// @notice Revert every `settleNet` with `NetTokenMockBroken`.
    function setBroken(bool broken_) external {
        broken = broken_;
    }

    /// @inheritdoc INetSettleable
    function settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) external {
        uint256 start = gasleft();
        require(msg.sender == _engine, IHoldable.HoldableUnauthorizedEngine(msg.sender));
        uint256 n = accounts.length;
        require(deltas.length == n && flags.length == n, NetLengthMismatch(n, deltas.length, flags.length));
        require(!broken, NetTokenMockBroken(n));
        int256 sum;
        for (uint256 i; i < n; ++i) sum += deltas[i];
        require(sum == 0, NetUnbalanced(sum));
        // Debits first, then credits and zero changes.
        for (uint256 i; i < n; ++i) {
            int256 delta = deltas[i];
            if (delta >= 0) continue;
            address account = accounts[i];
            _checkRefusal(i, account, delta);
            uint256 amount = uint256(-delta);
            uint256 balance = balanceOf[account];
            uint256 locked = lockedOf[account];
            require(
                balance >= locked && balance - locked >= amount,
                NetPositionRefused(i, account, delta, uint8(Restriction.InsufficientUnfrozenBalance))
            );
            balanceOf[account] = balance - amount;
            emit Transfer(account, msg.sender, amount);
        }
        for (uint256 i; i < n; ++i) {
            int256 delta = deltas[i];
            if (delta < 0) continue;
            address account = accounts[i];
            _checkRefusal(i, account, delta);
            if (delta == 0) continue;
            balanceOf[account] += uint256(delta);
            emit Transfer(msg.sender, account, uint256(delta));
        }
        emit NetApplied(n, start - gasleft());
    }

    function _checkRefusal(uint256 i, address account, int256 delta) private view {
        uint8 code = refusalOf[account];
        require(code == 0, NetPositionRefused(i, account, delta, code));
    }
}
