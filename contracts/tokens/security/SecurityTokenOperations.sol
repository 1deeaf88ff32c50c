// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Documents} from "../extensions/Documents.sol";
import {SecurityTokenCore} from "./SecurityTokenCore.sol";

/// @title SecurityTokenOperations
/// @notice The operations of every security product — the ERC-3643 agent functions and their batches, recovery,
/// pause, snapshots, ERC-1643 document writes and the core's initialization — in one module that each product
/// implementation creates in its constructor and reaches by `delegatecall` (`SecurityToken._operate`).
/// @dev Runs only in a product proxy's context (storage, `address(this)`, `msg.sender` and `msg.data` are the
/// proxy call's): called directly it acts on its own, empty storage and its initializers are disabled, so it can
/// do no harm. It shares `SecurityTokenCore` with the product, so both apply balance changes through the same
/// `_update`. Its `restricted` functions check the caller against the authority for the proxy and the selector
/// of the original call, exactly as if the product ran them.
///
/// Why a module: these functions are off the transfer path, and keeping them out of the product's own code
/// leaves each product room for its terms and lifecycle under EIP-170's 24,576 bytes. Each costs one cold call
/// (≈ 2.6 k gas) more than if the product ran it itself.
contract SecurityTokenOperations is SecurityTokenCore, Documents {
    /// @param compliance_ The product's pipeline.
    /// @param identityRegistry_ The product's identity registry.
    /// @param settlementEngine_ The product's settlement engine.
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_
    ) SecurityTokenCore(compliance_, identityRegistry_, settlementEngine_) {}

    /* INITIALIZATION */

    /// @notice Initializes the core of the calling product's proxy: the instrument and the initial documents.
    /// Reached only through `SecurityToken.__SecurityToken_init` while the proxy initializes.
    function initializeCore(
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        ProductType productType_
    ) external onlyInitializing {
        require(instrument_.securityCode != bytes12(0), SecurityTokenInvalidSecurityCode());
        require(instrument_.issuer != address(0), SecurityTokenInvalidIssuer(instrument_.issuer));
        require(
            instrument_.jurisdiction != 0 && instrument_.jurisdiction <= _MAX_COUNTRY,
            SecurityTokenInvalidJurisdiction(instrument_.jurisdiction)
        );
        require(instrument_.decimals <= _MAX_DECIMALS, SecurityTokenInvalidDecimals(instrument_.decimals));
        _getSecurityTokenStorage().instrument = instrument_;
        emit InstrumentSet(productType_, instrument_.issuer, instrument_);
        _setDocuments(documents);
    }

    /* ERC-3643 AGENT FUNCTIONS */

    /// @inheritdoc ISecurityTokenOperations
    function mint(address to, uint256 amount) external restricted {
        _mintChecked(to, amount);
    }

    /// @inheritdoc ISecurityTokenOperations
    function burn(address userAddress, uint256 amount) external restricted {
        _requireHolderAddress(userAddress);
        _burnUnchecked(userAddress, amount);
    }

    /// @inheritdoc ISecurityTokenOperations
    function forcedTransfer(address from, address to, uint256 amount) external restricted returns (bool) {
        _forcedTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc ISecurityTokenOperations
    function setAddressFrozen(address userAddress, bool freeze) external restricted {
        _setAddressFrozen(userAddress, freeze);
    }

    /// @inheritdoc ISecurityTokenOperations
    function freezePartialTokens(address userAddress, uint256 amount) external restricted {
        _freezePartialTokens(userAddress, amount);
    }

    /// @inheritdoc ISecurityTokenOperations
    function unfreezePartialTokens(address userAddress, uint256 amount) external restricted {
        _unfreezePartialTokens(userAddress, amount);
    }

    /// @inheritdoc ISecurityTokenOperations
    function recoveryAddress(
        address lostWallet,
        address newWallet,
        address investorOnchainID
    ) external restricted returns (bool) {
        require(investorOnchainID == address(0), SecurityTokenInvalidOnchainID(investorOnchainID));
        _requireHolderAddress(lostWallet);
        _requireHolderAddress(newWallet);
        require(newWallet != lostWallet, SecurityTokenInvalidAddress(newWallet));
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 lostWord = $.accounts[lostWallet].word;
        uint256 balance = lostWord & _BALANCE_MASK;
        require(balance != 0, SecurityTokenNothingToRecover(lostWallet));
        // The lost wallet's investor: the registry's, or, once the registry recovered the wallet (unlinking it),
        // the one cached when it started holding.
        uint32 investor = _eligibilityStore.eligibilityOf(lostWallet).investorIndex();
        if (investor == 0) investor = uint32(lostWord >> _INDEX_SHIFT);
        require(
            investor != 0 && _eligibilityStore.eligibilityOf(newWallet).investorIndex() == investor,
            SecurityTokenRecoveryMismatch(lostWallet, newWallet)
        );
        uint256 frozen = lostWord & _PARTIAL_BIT != 0 ? $.frozenTokens[lostWallet] : 0;
        // The move releases the lost wallet's frozen tokens (TokensUnfrozen); they are frozen again below.
        _update(lostWallet, newWallet, balance, false);
        if (frozen != 0) _freezePartialTokens(newWallet, frozen);
        if (lostWord & _FROZEN_BIT != 0 && $.accounts[newWallet].word & _FROZEN_BIT == 0) {
            _setAddressFrozen(newWallet, true);
        }
        emit RecoverySuccess(lostWallet, newWallet, investorOnchainID);
        return true;
    }

    /// @inheritdoc ISecurityTokenOperations
    function pause() external restricted {
        uint256 flags = HotFlagsLib.read();
        require(flags & _FLAG_PAUSED == 0, SecurityTokenPaused());
        HotFlagsLib.write(flags | _FLAG_PAUSED);
        emit Paused(_msgSender());
    }

    /// @inheritdoc ISecurityTokenOperations
    function unpause() external restricted {
        uint256 flags = HotFlagsLib.read();
        require(flags & _FLAG_PAUSED != 0, SecurityTokenNotPaused());
        HotFlagsLib.write(flags & ~_FLAG_PAUSED);
        emit Unpaused(_msgSender());
    }

    /* ERC-3643 BATCHES */

    /// @inheritdoc ISecurityTokenOperations
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external {
        _requireSameLength(toList.length, amounts.length);
        address from = _msgSender();
        for (uint256 i; i < toList.length; ++i) {
            address to = toList[i];
            require(to != address(0), ERC20InvalidReceiver(to));
            _update(from, to, amounts[i], true);
        }
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchForcedTransfer(
        address[] calldata fromList,
        address[] calldata toList,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(fromList.length, toList.length);
        _requireSameLength(fromList.length, amounts.length);
        for (uint256 i; i < fromList.length; ++i) _forcedTransfer(fromList[i], toList[i], amounts[i]);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external restricted {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i; i < toList.length; ++i) _mintChecked(toList[i], amounts[i]);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            _requireHolderAddress(userAddresses[i]);
            _burnUnchecked(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external restricted {
        _requireSameLength(userAddresses.length, freeze.length);
        for (uint256 i; i < userAddresses.length; ++i) _setAddressFrozen(userAddresses[i], freeze[i]);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchFreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) _freezePartialTokens(userAddresses[i], amounts[i]);
    }

    /// @inheritdoc ISecurityTokenOperations
    function batchUnfreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) _unfreezePartialTokens(userAddresses[i], amounts[i]);
    }

    /* HOLDS (IHoldable; `executeHold` and `settlementTransfer` run in the product itself) */

    /// @notice IHoldable: holds `amount` of `holder`'s available balance under `holdId` until `expiry`.
    function placeHold(bytes32 holdId, address holder, uint256 amount, uint48 expiry) external {
        _requireEngine();
        _placeHold(holdId, holder, amount, expiry);
    }

    /// @notice IHoldable: releases what remains of hold `holdId` (the engine any time; anyone once expired).
    function releaseHold(bytes32 holdId) external {
        _releaseHold(holdId);
    }

    /// @notice IHoldable: the agent cancels hold `holdId` for `reason` (its units become available again).
    function cancelHold(bytes32 holdId, bytes32 reason) external restricted {
        _cancelHold(holdId, reason);
    }

    /* NET SETTLEMENT */

    /// @notice INetSettleable: applies one batch's net changes (the settlement engine only; `_settleNet`).
    function settleNet(address[] calldata accounts, int256[] calldata deltas, uint8[] calldata flags) external {
        _settleNet(accounts, deltas, flags);
    }

    /* REGISTER */

    /// @inheritdoc ISecurityTokenOperations
    function snapshot() external restricted returns (uint256) {
        return _snapshot();
    }

    /* DOCUMENTS */

    /// @inheritdoc IERC1643
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external restricted {
        _setDocument(name, uri, documentHash);
    }

    /// @inheritdoc IERC1643
    function removeDocument(bytes32 name) external restricted {
        _removeDocument(name);
    }

    /* INTERNALS */

    /// @dev ERC-3643 `forcedTransfer`: no pipeline, pause or freeze; `to` must be verified.
    function _forcedTransfer(address from, address to, uint256 amount) private {
        _requireHolderAddress(from);
        _requireHolderAddress(to);
        require(_identityRegistry.isVerified(to), SecurityTokenRecipientNotVerified(to));
        _update(from, to, amount, false);
    }

    function _setAddressFrozen(address account, bool freeze) private {
        _requireHolderAddress(account);
        Account storage acct = _getSecurityTokenStorage().accounts[account];
        acct.word = freeze ? acct.word | _FROZEN_BIT : acct.word & ~_FROZEN_BIT;
        emit AddressFrozen(account, freeze, _msgSender());
    }

    function _freezePartialTokens(address account, uint256 amount) private {
        _requireHolderAddress(account);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 word = acct.word;
        uint256 balance = word & _BALANCE_MASK;
        uint256 frozen = word & _PARTIAL_BIT != 0 ? $.frozenTokens[account] : 0;
        uint256 held = word & _HELD_BIT != 0 ? $.heldTokens[account] : 0;
        // frozen + held ≤ balance (T4), so the subtractions cannot underflow.
        if (amount > balance - frozen - held) {
            if (held == 0)
                revert SecurityTokenFreezeExceedsBalance(account, balance, Math.saturatingAdd(frozen, amount));
            revert IHoldable.HoldableInsufficientAvailableBalance(account, balance - frozen - held, amount);
        }
        if (amount != 0) {
            $.frozenTokens[account] = frozen + amount;
            acct.word = word | _PARTIAL_BIT;
        }
        emit TokensFrozen(account, amount);
    }

    function _unfreezePartialTokens(address account, uint256 amount) private {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 word = acct.word;
        uint256 frozen = word & _PARTIAL_BIT != 0 ? $.frozenTokens[account] : 0;
        require(amount <= frozen, SecurityTokenUnfreezeExceedsFrozen(account, frozen, amount));
        uint256 left = frozen - amount;
        $.frozenTokens[account] = left;
        if (left == 0) acct.word = word & ~_PARTIAL_BIT;
        emit TokensUnfrozen(account, amount);
    }

    /// @dev Agents act on holders: never on the zero address nor on the token's own escrow.
    function _requireHolderAddress(address account) private view {
        require(account != address(0) && account != address(this), SecurityTokenInvalidAddress(account));
    }

    function _requireSameLength(uint256 expected, uint256 actual) private pure {
        require(expected == actual, SecurityTokenLengthMismatch(expected, actual));
    }

    /// @dev The module has no product type of its own: it runs in the product's context.
    function _productType() internal pure override returns (ProductType) {
        return ProductType.None;
    }
}
