// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IDistributions} from "../../interfaces/tokens/IDistributions.sol";
import {IEquity} from "../../interfaces/tokens/IEquity.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Distributions} from "../extensions/Distributions.sol";
import {SecurityToken} from "./SecurityToken.sol";

/// @title Equity
/// @notice Shares: the compliant security token with cash dividends in the settlement coin and splits and
/// consolidations by ratio (see `IEquity`).
/// @dev Invariants E1–E4 are stated in `IEquity`, P1–P5 in `IDistributions`, T1–T5 in `ISecurityToken`.
/// Storage: ERC-7201 namespace `assetledger.storage.Equity` (terms, the latest split, which wallets converted in
/// which split), beside the core's and the Distributions extension's.
///
/// A split moves balances only through the core's `_issueUnchecked` and `_burnUnchecked`, so the register,
/// snapshots and holder count stay exact (T1–T3). Each wallet converts from its balance at the split's snapshot,
/// checked equal to its balance now (E4), so the conversion is exact whatever order the batches come in.
/// @dev Warning: partially frozen amounts (`freezePartialTokens`) are not scaled by a split: a consolidation's
/// burn releases the frozen tokens it needs (`TokensUnfrozen`), a split leaves the frozen amount as it was. The
/// agent re-freezes after `completeSplit` where a freeze must follow the ratio.
contract Equity is SecurityToken, Distributions, IEquity {
    /// @notice `IDistributions.Distribution.kind` of a cash dividend.
    uint8 public constant CASH_DIVIDEND = 1;
    /// @notice The most units either side of a split ratio may have.
    uint32 public constant MAX_RATIO_TERM = 1_000_000;

    /// @custom:storage-location erc7201:assetledger.storage.Equity
    struct EquityStorage {
        EquityTerms terms;
        Split split;
        uint256 splitCount;
        /// @dev The id of the last split each wallet was converted in.
        mapping(address wallet => uint256 splitId) convertedIn;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.Equity")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _EQUITY_STORAGE_LOCATION =
        0x73ccaab4b46ee9bb83fed78f0425ac933d7df55532cb39df6492fb7e7cd8f700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_
    ) SecurityToken(compliance_, identityRegistry_) {}

    /// @inheritdoc ISecurityToken
    /// @dev `terms_` is `abi.encode(EquityTerms)` (sdk/products/equity.ts `encodeEquityTerms`).
    function initialize(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms_
    ) external initializer {
        __SecurityToken_init(authority, instrument_, documents);
        // One static tuple of three words: anything else would not decode.
        require(terms_.length == 96, EquityInvalidTerms());
        EquityTerms memory t = abi.decode(terms_, (EquityTerms));
        require(t.settlementCoin.code.length != 0 && t.shareClass != bytes32(0), EquityInvalidTerms());
        _getEquityStorage().terms = t;
        emit EquityTermsSet(t);
    }

    /* DIVIDENDS */

    /// @inheritdoc IEquity
    function declareDividend(
        uint256 recordSnapshot,
        uint256 amount,
        uint48 deadline
    ) external restricted returns (uint256 distributionId, uint256 snapshotId) {
        EquityStorage storage $ = _getEquityStorage();
        require(!$.split.inProgress, EquitySplitInProgress($.splitCount));
        uint256 earliest = block.timestamp + $.terms.minClaimPeriod;
        require(deadline >= earliest, EquityClaimPeriodTooShort(deadline, earliest));
        snapshotId = recordSnapshot == 0 ? _snapshot() : recordSnapshot;
        distributionId = _declareDistribution(CASH_DIVIDEND, snapshotId, amount, deadline);
        emit DividendDeclared(distributionId, snapshotId, amount, deadline);
    }

    /* SPLITS AND CONSOLIDATIONS */

    /// @inheritdoc IEquity
    function beginSplit(uint32 numerator, uint32 denominator) external restricted returns (uint256 splitId) {
        EquityStorage storage $ = _getEquityStorage();
        require(!$.split.inProgress, EquitySplitInProgress($.splitCount));
        require(
            numerator != 0 &&
                denominator != 0 &&
                numerator <= MAX_RATIO_TERM &&
                denominator <= MAX_RATIO_TERM &&
                numerator != denominator,
            EquityInvalidRatio(numerator, denominator)
        );
        uint256 snapshotId = _snapshot();
        _setTransfersStopped(true);
        splitId = ++$.splitCount;
        // The snapshot is taken in this transaction: the wallets holding now are those holding at it. The core
        // keeps the snapshot id within 24 bits and the wallet count within 32.
        uint256 wallets = this.holdingWalletCount();
        $.split = Split({
            snapshotId: uint32(snapshotId),
            numerator: numerator,
            denominator: denominator,
            walletsToConvert: uint32(wallets),
            walletsConverted: 0,
            inProgress: true
        });
        emit SplitBegun(splitId, snapshotId, numerator, denominator, wallets);
    }

    /// @inheritdoc IEquity
    function applySplit(address[] calldata wallets) external restricted returns (uint256 converted) {
        EquityStorage storage $ = _getEquityStorage();
        Split memory split = $.split;
        require(split.inProgress, EquityNoSplitInProgress());
        uint256 splitId = $.splitCount;
        for (uint256 i; i < wallets.length; ++i) {
            if (_convert($, split, splitId, wallets[i])) ++converted;
        }
        // ≤ walletsToConvert, a uint32: each converted wallet held at the snapshot and converts once.
        $.split.walletsConverted = split.walletsConverted + uint32(converted);
    }

    /// @inheritdoc IEquity
    function completeSplit() external restricted {
        EquityStorage storage $ = _getEquityStorage();
        Split storage split = $.split;
        require(split.inProgress, EquityNoSplitInProgress());
        uint256 splitId = $.splitCount;
        require(
            split.walletsConverted == split.walletsToConvert,
            EquitySplitIncomplete(splitId, split.walletsConverted, split.walletsToConvert)
        );
        split.inProgress = false;
        _setTransfersStopped(false);
        emit SplitCompleted(splitId, totalSupplyAt(split.snapshotId), totalSupply());
    }

    /* VIEWS */

    /// @inheritdoc IEquity
    function terms() external view returns (EquityTerms memory) {
        return _getEquityStorage().terms;
    }

    /// @inheritdoc IEquity
    function splitCount() external view returns (uint256) {
        return _getEquityStorage().splitCount;
    }

    /// @inheritdoc IEquity
    function currentSplit() external view returns (Split memory) {
        return _getEquityStorage().split;
    }

    /// @inheritdoc IEquity
    function isSplitApplied(address wallet) external view returns (bool) {
        EquityStorage storage $ = _getEquityStorage();
        return $.split.inProgress && $.convertedIn[wallet] == $.splitCount;
    }

    /// @notice ERC-165: the core's interfaces, `IDistributions` and `IEquity`.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IEquity).interfaceId ||
            interfaceId == type(IDistributions).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /* DISTRIBUTIONS HOOKS */

    function _distributionBalanceOf(address holder, uint256 snapshotId) internal view override returns (uint256) {
        return balanceOfAt(holder, snapshotId);
    }

    function _distributionSupply(uint256 snapshotId) internal view override returns (uint256) {
        return totalSupplyAt(snapshotId);
    }

    function _settlementCoin() internal view override returns (IERC20) {
        return IERC20(_getEquityStorage().terms.settlementCoin);
    }

    /// @dev The token's transfers-stopped flag: set only while a split rebuilds the register.
    function _paymentsStopped() internal view override returns (bool) {
        return transfersStopped();
    }

    function _distributionIssuer() internal view override returns (address) {
        return this.issuer();
    }

    function _productType() internal pure override returns (ProductType) {
        return ProductType.Equity;
    }

    /* INTERNAL */

    /// @dev Converts `wallet` in split `splitId` unless it held nothing at the snapshot or was converted already;
    /// returns whether it converted.
    function _convert(
        EquityStorage storage $,
        Split memory split,
        uint256 splitId,
        address wallet
    ) private returns (bool) {
        if (wallet == address(this) || $.convertedIn[wallet] == splitId) return false;
        uint256 before = balanceOfAt(wallet, split.snapshotId);
        if (before == 0) return false;
        uint256 balance = balanceOf(wallet);
        require(balance == before, EquitySplitBalanceMoved(wallet, before, balance));
        $.convertedIn[wallet] = splitId;
        // Cannot overflow: before < 2^104 (the core's supply cap) and numerator ≤ 10^6 < 2^20.
        uint256 scaled = before * split.numerator;
        uint256 after_ = scaled / split.denominator;
        if (after_ > before) _issueUnchecked(wallet, after_ - before);
        else if (after_ < before) _burnUnchecked(wallet, before - after_);
        emit SplitApplied(splitId, wallet, before, after_, scaled % split.denominator);
        return true;
    }

    function _getEquityStorage() private pure returns (EquityStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _EQUITY_STORAGE_LOCATION
        }
    }
}
