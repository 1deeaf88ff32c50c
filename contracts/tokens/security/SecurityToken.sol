// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../../interfaces/identity/IEligibilityStore.sol";
import {IERC1404} from "../../interfaces/tokens/IERC1404.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {INetSettleable} from "../../interfaces/tokens/INetSettleable.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Restriction} from "../../types/Restriction.sol";
import {Documents} from "../extensions/Documents.sol";
import {SecurityTokenCore} from "./SecurityTokenCore.sol";
import {SecurityTokenOperations} from "./SecurityTokenOperations.sol";

/// @title SecurityToken
/// @notice The base every security product (Equity, Bond, Fund, …) extends: ERC-20 over packed balance words,
/// the ERC-3643 token functions, ERC-1404, ERC-1643 documents, ERC-165, and the ownership register (record-date
/// snapshots, investor-level holdings, an exact holder count). See `ISecurityToken`; storage, invariants and the
/// balance-change path are in `SecurityTokenCore`.
/// @dev This contract runs the transfer path, the internal API products build on (`_mintChecked`,
/// `_issueUnchecked`, `_burnUnchecked`, `_moveUnchecked`, `_snapshot`, `_setTransfersStopped`) and every view.
/// The operations of `ISecurityTokenOperations` (agent functions, batches, recovery, pause, snapshots, document
/// writes, the core's initialization) run in `SecurityTokenOperations`, a module this implementation creates in
/// its constructor and reaches by `delegatecall` with the original call data: the module is part of the
/// implementation, its code fixed, so a product upgrade replaces both. This keeps each product's code under
/// EIP-170's limit; it costs the operations one cold call, never the transfer path.
///
/// Holds (`IHoldable`): `executeHold` and `settlementTransfer`, the DvP path, run here; placing, releasing and
/// cancelling run in the operations module, and so does net settlement (`INetSettleable.settleNet`).
///
/// Products: `contract P is SecurityToken` with `constructor(ICompliance c, IIdentityRegistry r, address engine)
/// SecurityToken(c, r, engine)` (annotated `/// @custom:oz-upgrades-unsafe-allow constructor`), an
/// `initialize(authority, instrument, documents, terms) external initializer` calling `__SecurityToken_init` and
/// decoding the terms, and `_productType()`. They move balances only through the internal API, never by writing
/// this contract's storage.
abstract contract SecurityToken is
    ISecurityToken,
    INetSettleable,
    IERC165,
    SecurityTokenCore,
    Documents,
    UUPSUpgradeable
{
    using Checkpoints for Checkpoints.Trace208;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _OPERATIONS;

    /// @param compliance_ The pipeline every transfer and mint asks; it must read `identityRegistry_`.
    /// @param identityRegistry_ The identity registry (its eligibility store is read at zero crossings).
    /// @param settlementEngine_ The settlement engine, the only notary of the token's holds.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_
    ) SecurityTokenCore(compliance_, identityRegistry_, settlementEngine_) {
        _OPERATIONS = address(new SecurityTokenOperations(compliance_, identityRegistry_, settlementEngine_));
    }

    /// @dev Initializes the core: the authority, the instrument and the initial documents (the latter two in the
    /// operations module). Products call it from their `initialize`, then decode their terms.
    // solhint-disable-next-line func-name-mixedcase
    function __SecurityToken_init(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents
    ) internal onlyInitializing {
        require(authority.code.length != 0, AccessManagedInvalidAuthority(authority));
        __AccessManaged_init(authority);
        _operate(abi.encodeCall(SecurityTokenOperations.initializeCore, (instrument_, documents, _productType())));
    }

    /* ERC-20 */

    /// @inheritdoc IERC20
    /// @dev The hot path: `_update` with every check.
    function transfer(address to, uint256 amount) external returns (bool) {
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _update(_msgSender(), to, amount, true);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _spendAllowance(from, _msgSender(), amount);
        _update(from, to, amount, true);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 amount) external returns (bool) {
        address owner = _msgSender();
        require(spender != address(0), ERC20InvalidSpender(spender));
        _getSecurityTokenStorage().allowances[owner][spender] = amount;
        emit Approval(owner, spender, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _getSecurityTokenStorage().allowances[owner][spender];
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) public view returns (uint256) {
        return _getSecurityTokenStorage().accounts[account].word & _BALANCE_MASK;
    }

    /// @inheritdoc IERC20
    function totalSupply() public view returns (uint256) {
        return _getSecurityTokenStorage().supply & _BALANCE_MASK;
    }

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _getSecurityTokenStorage().instrument.name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _getSecurityTokenStorage().instrument.symbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external view returns (uint8) {
        return _getSecurityTokenStorage().instrument.decimals;
    }

    /* HOLDS AND SETTLEMENT (IHoldable; the settlement engine is the notary) */

    /// @inheritdoc IHoldable
    function settlementEngine() external view returns (address) {
        return _settlementEngine;
    }

    /// @inheritdoc IHoldable
    function placeHold(bytes32, address, uint256, uint48) external {
        _operate(msg.data);
    }

    /// @inheritdoc IHoldable
    /// @dev The hold and the holder's held tokens are lowered first; the move is `transfer`'s checked `_update`.
    function executeHold(bytes32 holdId, address to, uint256 amount) external {
        _requireEngine();
        _executeHold(holdId, to, amount);
    }

    /// @inheritdoc IHoldable
    function releaseHold(bytes32) external {
        _operate(msg.data);
    }

    /// @inheritdoc IHoldable
    function cancelHold(bytes32, bytes32) external {
        _operate(msg.data);
    }

    /// @inheritdoc IHoldable
    /// @dev `transfer`'s checked `_update` from `from`: pause, stop, freezes, the available balance, the pipeline.
    function settlementTransfer(address from, address to, uint256 amount) external {
        _requireEngine();
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _update(from, to, amount, true);
    }

    /// @inheritdoc IHoldable
    function holdOf(bytes32 holdId) external view returns (Hold memory) {
        return _getSecurityTokenStorage().holds[holdId];
    }

    /// @inheritdoc IHoldable
    function heldBalanceOf(address holder) external view returns (uint256) {
        return _getSecurityTokenStorage().heldTokens[holder];
    }

    /// @inheritdoc IHoldable
    function availableBalanceOf(address holder) external view returns (uint256) {
        return _unfrozenBalance(holder, _getSecurityTokenStorage().accounts[holder].word);
    }

    /// @inheritdoc ISecurityToken
    function totalHeld() external view returns (uint256) {
        return _getSecurityTokenStorage().totalHeld;
    }

    /// @inheritdoc INetSettleable
    /// @dev Runs in the operations module (`SecurityTokenCore._settleNet`): the engine is checked there, as
    /// `msg.sender` of this call.
    function settleNet(address[] calldata, int256[] calldata, uint8[] calldata) external {
        _operate(msg.data);
    }

    /* OPERATIONS (run by the operations module, `SecurityTokenOperations`) */

    /// @inheritdoc ISecurityTokenOperations
    function mint(address, uint256) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function burn(address, uint256) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function forcedTransfer(address, address, uint256) external returns (bool) {
        return abi.decode(_operate(msg.data), (bool));
    }

    /// @inheritdoc ISecurityTokenOperations
    function setAddressFrozen(address, bool) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function freezePartialTokens(address, uint256) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function unfreezePartialTokens(address, uint256) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    /// @dev Then `_afterRecovery`, in the same transaction: a product forwards what it owes the lost wallet.
    function recoveryAddress(address lostWallet, address newWallet, address) external returns (bool) {
        bool recovered = abi.decode(_operate(msg.data), (bool));
        _afterRecovery(lostWallet, newWallet);
        return recovered;
    }

    /// @inheritdoc ISecurityTokenOperations
    function pause() external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function unpause() external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchTransfer(address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchForcedTransfer(address[] calldata, address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchMint(address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchBurn(address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchSetAddressFrozen(address[] calldata, bool[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchFreezePartialTokens(address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchUnfreezePartialTokens(address[] calldata, uint256[] calldata) external {
        _operate(msg.data);
    }

    /// @inheritdoc ISecurityTokenOperations
    function snapshot() external returns (uint256) {
        return abi.decode(_operate(msg.data), (uint256));
    }

    /// @inheritdoc IERC1643
    function setDocument(bytes32, string calldata, bytes32) external {
        _operate(msg.data);
    }

    /// @inheritdoc IERC1643
    function removeDocument(bytes32) external {
        _operate(msg.data);
    }

    /* ERC-1404 */

    /// @inheritdoc IERC1404
    /// @dev The token's own codes first, decided where `_update` decides them (`_ownRestriction`: paused
    /// (transfers only), transfers stopped, sender frozen, recipient frozen, balance neither frozen nor held below
    /// the amount),
    /// then the pipeline's.
    function detectTransferRestriction(address from, address to, uint256 amount) external view returns (uint8) {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        // The zero address's word is never written (W2): zero.
        uint256 fromWord = $.accounts[from].word;
        uint256 toWord = $.accounts[to].word;
        Restriction code = _ownRestriction(HotFlagsLib.read(), from, fromWord, toWord, amount);
        if (code != Restriction.None) return uint8(code);
        return _compliance.detectTransferRestriction(address(this), from, to, amount);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory) {
        if (restrictionCode == uint8(Restriction.TokenPaused)) return "Transfers of the token are paused";
        if (restrictionCode == uint8(Restriction.SenderFrozen)) return "The sender's address is frozen";
        if (restrictionCode == uint8(Restriction.RecipientFrozen)) return "The recipient's address is frozen";
        if (restrictionCode == uint8(Restriction.InsufficientUnfrozenBalance)) {
            return "The sender's balance not frozen or held is below the amount";
        }
        if (restrictionCode == uint8(Restriction.TransfersStopped)) return "Transfers of the token are stopped";
        return _compliance.messageForTransferRestriction(restrictionCode);
    }

    /* REGISTER */

    /// @inheritdoc ISecurityToken
    function currentSnapshotId() public view returns (uint256) {
        return _currentSnapshotId();
    }

    /// @inheritdoc ISecurityToken
    function balanceOfAt(address account, uint256 id) public view returns (uint256) {
        _requireSnapshot(id);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 word = $.accounts[account].word;
        // Unchanged since before snapshot `id` was taken: the balance now is the balance then.
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < id) return word & _BALANCE_MASK;
        // Changed since: the first checkpoint at or after `id` holds the balance as snapshot `id` saw it (W3).
        return $.balanceCheckpoints[account].lowerLookup(uint48(id));
    }

    /// @inheritdoc ISecurityToken
    function totalSupplyAt(uint256 id) public view returns (uint256) {
        _requireSnapshot(id);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 word = $.supply;
        if ((word & _SUPPLY_SNAPSHOT_MASK) >> _SUPPLY_SNAPSHOT_SHIFT < id) return word & _BALANCE_MASK;
        return $.supplyCheckpoints.lowerLookup(uint48(id));
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() external view returns (uint256) {
        return uint32(HotFlagsLib.read() >> _HOLDERS_SHIFT);
    }

    /// @inheritdoc ISecurityToken
    function holdingWalletCount() external view returns (uint256) {
        return uint32(HotFlagsLib.read() >> _WALLETS_SHIFT);
    }

    /// @inheritdoc IComplianceSubject
    /// @dev As the holder count sees it: the investor is the index `wallet` is cached with if it holds, else the
    /// index it would cache now (its registry word); the balances of every wallet holding under that index (each
    /// wallet of the index's history once). `wallet`'s own balance for index 0 (an investor of its own).
    function investorBalanceOf(address wallet) external view returns (uint256 total) {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 own = $.accounts[wallet].word;
        Eligibility word = _eligibilityStore.eligibilityOf(wallet);
        uint32 index = _holds(own) ? uint32(own >> _INDEX_SHIFT) : word.investorIndex();
        if (index == 0 || (word.investorIndex() == index && _isSoleWallet(word))) return own & _BALANCE_MASK;
        address[] memory wallets = _identityRegistry.walletHistoryOf(index);
        for (uint256 i; i < wallets.length; ++i) {
            address other = wallets[i];
            uint256 otherWord = $.accounts[other].word;
            if (!_holds(otherWord) || uint32(otherWord >> _INDEX_SHIFT) != index || _listedBefore(wallets, i)) {
                continue;
            }
            total += otherWord & _BALANCE_MASK;
        }
        // `wallet` holding under `index` is in the history (it was linked to `index` when it started holding).
    }

    /// @notice The module running this implementation's operations.
    function operations() external view returns (address) {
        return _OPERATIONS;
    }

    /* VIEWS */

    /// @inheritdoc ISecurityToken
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    /// @inheritdoc ISecurityToken
    function compliance() external view returns (ICompliance) {
        return _compliance;
    }

    /// @inheritdoc ISecurityToken
    function eligibilityStore() external view returns (IEligibilityStore) {
        return _eligibilityStore;
    }

    /// @inheritdoc ISecurityToken
    function paused() external view returns (bool) {
        return HotFlagsLib.read() & _FLAG_PAUSED != 0;
    }

    /// @inheritdoc ISecurityToken
    function transfersStopped() public view returns (bool) {
        return HotFlagsLib.read() & _FLAG_STOPPED != 0;
    }

    /// @inheritdoc ISecurityToken
    function isFrozen(address userAddress) external view returns (bool) {
        return _getSecurityTokenStorage().accounts[userAddress].word & _FROZEN_BIT != 0;
    }

    /// @inheritdoc ISecurityToken
    function getFrozenTokens(address userAddress) public view returns (uint256) {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        return $.accounts[userAddress].word & _PARTIAL_BIT != 0 ? $.frozenTokens[userAddress] : 0;
    }

    /// @inheritdoc ISecurityToken
    function version() external pure virtual returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc ISecurityToken
    function instrument() external view returns (Instrument memory) {
        return _getSecurityTokenStorage().instrument;
    }

    /// @inheritdoc ISecurityToken
    function issuer() external view returns (address) {
        return _getSecurityTokenStorage().instrument.issuer;
    }

    /// @inheritdoc ISecurityToken
    function productType() external pure returns (ProductType) {
        return _productType();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view virtual returns (bool) {
        return
            interfaceId == type(IERC165).interfaceId ||
            interfaceId == type(IERC20).interfaceId ||
            interfaceId == type(IERC20Metadata).interfaceId ||
            interfaceId == type(IERC1404).interfaceId ||
            interfaceId == type(IERC1643).interfaceId ||
            interfaceId == type(IComplianceSubject).interfaceId ||
            interfaceId == type(IHoldable).interfaceId ||
            interfaceId == type(INetSettleable).interfaceId ||
            interfaceId == type(ISecurityToken).interfaceId;
    }

    /* INTERNALS */

    /// @dev Called after a successful `recoveryAddress(lostWallet, newWallet, ·)` (the module checked both
    /// wallets and moved the holding): products paying their holders (`Distributions`) forward the lost wallet's
    /// entitlements to the new one here. Reverting refuses the recovery.
    // solhint-disable-next-line no-empty-blocks
    function _afterRecovery(address lostWallet, address newWallet) internal virtual {}

    /// @dev Runs `data` in the operations module, in this proxy's context, and returns what it returns (a revert
    /// is re-thrown as is). The module's `restricted` functions check the original caller and selector.
    /// @custom:oz-upgrades-unsafe-allow-reachable delegatecall
    function _operate(bytes memory data) private returns (bytes memory) {
        return Address.functionDelegateCall(_OPERATIONS, data);
    }

    /// @dev Whether `wallets[i]` appears before position `i` (a wallet removed and linked again to one index).
    function _listedBefore(address[] memory wallets, uint256 i) private pure returns (bool) {
        for (uint256 j; j < i; ++j) {
            if (wallets[j] == wallets[i]) return true;
        }
        return false;
    }

    function _spendAllowance(address owner, address spender, uint256 amount) private {
        mapping(address => uint256) storage allowances = _getSecurityTokenStorage().allowances[owner];
        uint256 current = allowances[spender];
        if (current == type(uint256).max) return;
        if (current < amount) revert ERC20InsufficientAllowance(spender, current, amount);
        unchecked {
            // amount ≤ current, checked above.
            allowances[spender] = current - amount;
        }
    }

    function _requireSnapshot(uint256 id) private view {
        uint256 current = currentSnapshotId();
        require(id != 0 && id <= current, SecurityTokenUnknownSnapshot(id, current));
    }

    /// @dev Upgrades are restricted (ASSET_FACTORY in the product tables: the factory rolls them out).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}
}
