// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {IDistributions} from "../../interfaces/tokens/IDistributions.sol";
import {IEquityHooks, IEquityLifecycle} from "../../interfaces/tokens/IEquity.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {Distributions} from "../extensions/Distributions.sol";

/// @title EquityLifecycle
/// @notice The corporate actions of shares (see `IEquityLifecycle`: dividends, splits and consolidations,
/// invariants E1–E4, and `IDistributions` P1–P5), as a logic contract that `Equity` runs through its fallback by
/// `delegatecall`, in the equity's own storage and address. Never used on its own: called directly it acts on its
/// own empty storage.
/// @dev Why a second contract: compiled into `Equity` with the security-token core, the corporate actions take the
/// runtime code to 25.2 KB at 200 runs, over EIP-170's 24,576 bytes (measured with the core split into its
/// operations module); so `Equity` keeps the core (17.1 KB) and this contract the lifecycle (14.9 KB) — the pattern
/// `Fund`/`FundLifecycle` follows. One `EquityLifecycle` serves every equity of one `Equity`
/// implementation (an immutable of it); a product upgrade deploys both.
///
/// Running in the equity's context, it reads the equity's authority (`restricted`: AccessManaged's namespaced
/// storage), its initialization state (`onlyInitializing`) and its own ERC-7201 namespaces
/// `assetledger.storage.Equity` and `assetledger.storage.Distributions`. It has none of the core's code: it reads the
/// register through `ISecurityToken(address(this))` and changes it through `IEquityHooks` on `address(this)`
/// (callable by the token itself alone): `_issueUnchecked` and `_burnUnchecked` for a split's conversions,
/// `_snapshot` for record dates, `_setTransfersStopped` while a split runs. So the register, snapshots and holder
/// count stay exact (T1–T3), and each wallet that held at the split's snapshot converts once, from its balance when
/// converted (E4), whatever order the batches come in: a burn by the agent during the split leaves the rest
/// convertible, a recovery is refused until the split completes or is aborted, so no move can stop the split for
/// good.
///
/// @dev Warning: partially frozen amounts (`freezePartialTokens`) are not scaled by a split: a consolidation's
/// burn releases the frozen tokens it needs (`TokensUnfrozen`), a split leaves the frozen amount as it was. The
/// agent re-freezes after `completeSplit` where a freeze must follow the ratio.
contract EquityLifecycle is Distributions, IEquityLifecycle {
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
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IEquityLifecycle
    /// @dev AccessManaged is initialized by the core (`__SecurityToken_init`) in the same `initialize`, before this.
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function initializeEquity(bytes calldata terms_) external onlyInitializing {
        // One static tuple of three words: anything else would not decode.
        require(terms_.length == 96, EquityInvalidTerms());
        EquityTerms memory t = abi.decode(terms_, (EquityTerms));
        require(
            t.settlementCoin.code.length != 0 && t.settlementCoin != address(this) && t.shareClass != bytes32(0),
            EquityInvalidTerms()
        );
        _getEquityStorage().terms = t;
        emit EquityTermsSet(t);
    }

    /* DIVIDENDS */

    /// @inheritdoc IEquityLifecycle
    function declareDividend(
        uint256 recordSnapshot,
        uint256 amount,
        uint48 deadline
    ) external restricted returns (uint256 distributionId, uint256 snapshotId) {
        EquityStorage storage $ = _getEquityStorage();
        require(!$.split.inProgress, EquitySplitInProgress($.splitCount));
        uint256 earliest = block.timestamp + $.terms.minClaimPeriod;
        require(deadline >= earliest, EquityClaimPeriodTooShort(deadline, earliest));
        snapshotId = recordSnapshot == 0 ? _hooks().equitySnapshot() : recordSnapshot;
        distributionId = _declareDistribution(CASH_DIVIDEND, snapshotId, amount, deadline);
        emit DividendDeclared(distributionId, snapshotId, amount, deadline);
    }

    /* SPLITS AND CONSOLIDATIONS */

    /// @inheritdoc IEquityLifecycle
    function beginSplit(uint32 numerator, uint32 denominator) external restricted returns (uint256 splitId) {
        EquityStorage storage $ = _getEquityStorage();
        require(!$.split.inProgress, EquitySplitInProgress($.splitCount));
        uint256 held = _token().totalHeld();
        require(held == 0, EquityHoldsActive(held));
        require(
            numerator != 0 &&
                denominator != 0 &&
                numerator <= MAX_RATIO_TERM &&
                denominator <= MAX_RATIO_TERM &&
                numerator != denominator,
            EquityInvalidRatio(numerator, denominator)
        );
        uint256 snapshotId = _hooks().equitySnapshot();
        _hooks().equitySetTransfersStopped(true);
        splitId = ++$.splitCount;
        // The snapshot is taken in this transaction: the wallets holding now are those holding at it. The core
        // keeps the snapshot id within 24 bits and the wallet count within 32.
        uint256 wallets = _token().holdingWalletCount();
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

    /// @inheritdoc IEquityLifecycle
    function abortSplit() external restricted {
        EquityStorage storage $ = _getEquityStorage();
        Split storage split = $.split;
        require(split.inProgress, EquityNoSplitInProgress());
        uint256 splitId = $.splitCount;
        require(split.walletsConverted == 0, EquitySplitAlreadyApplied(splitId, split.walletsConverted));
        split.inProgress = false;
        _hooks().equitySetTransfersStopped(false);
        emit SplitAborted(splitId);
    }

    /// @inheritdoc IEquityLifecycle
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

    /// @inheritdoc IEquityLifecycle
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
        _hooks().equitySetTransfersStopped(false);
        emit SplitCompleted(splitId, _token().totalSupplyAt(split.snapshotId), _token().totalSupply());
    }

    /* VIEWS */

    /// @inheritdoc IEquityLifecycle
    function terms() external view returns (EquityTerms memory) {
        return _getEquityStorage().terms;
    }

    /// @inheritdoc IEquityLifecycle
    function splitCount() external view returns (uint256) {
        return _getEquityStorage().splitCount;
    }

    /// @inheritdoc IEquityLifecycle
    function currentSplit() external view returns (Split memory) {
        return _getEquityStorage().split;
    }

    /// @inheritdoc IEquityLifecycle
    function isSplitApplied(address wallet) external view returns (bool) {
        EquityStorage storage $ = _getEquityStorage();
        return $.split.inProgress && $.convertedIn[wallet] == $.splitCount;
    }

    /* RECOVERY */

    /// @inheritdoc IDistributions
    /// @dev Refused while a split is in progress (`EquitySplitInProgress`), which refuses the recovery: the moved
    /// holding would mix converted and unconverted units. Complete or abort the split, then recover.
    function recordRecovery(address lostWallet, address newWallet) public override(Distributions, IDistributions) {
        super.recordRecovery(lostWallet, newWallet);
        EquityStorage storage $ = _getEquityStorage();
        require(!$.split.inProgress, EquitySplitInProgress($.splitCount));
    }

    /* DISTRIBUTIONS HOOKS */

    function _distributionBalanceOf(address holder, uint256 snapshotId) internal view override returns (uint256) {
        return _token().balanceOfAt(holder, snapshotId);
    }

    function _distributionSupply(uint256 snapshotId) internal view override returns (uint256) {
        return _token().totalSupplyAt(snapshotId);
    }

    function _settlementCoin() internal view override returns (IERC20) {
        return IERC20(_getEquityStorage().terms.settlementCoin);
    }

    /// @dev The token's transfers-stopped flag: set only while a split rebuilds the register.
    function _paymentsStopped() internal view override returns (bool) {
        return _token().transfersStopped();
    }

    /// @dev The issuer the alliance authority records for this asset now (`setAssetIssuer` may have changed it).
    function _distributionIssuer() internal view override returns (address) {
        return IAllianceAuthority(authority()).issuerOf(address(this));
    }

    /* INTERNAL */

    /// @dev Converts `wallet` in split `splitId` unless it held nothing at the snapshot or was converted already;
    /// returns whether it converted. It converts its balance now: its snapshot balance, less what an agent burned or
    /// force-transferred from it during the split (transfers, mints and recoveries are refused meanwhile).
    function _convert(
        EquityStorage storage $,
        Split memory split,
        uint256 splitId,
        address wallet
    ) private returns (bool) {
        if (wallet == address(this) || $.convertedIn[wallet] == splitId) return false;
        ISecurityToken token = _token();
        if (token.balanceOfAt(wallet, split.snapshotId) == 0) return false;
        uint256 before = token.balanceOf(wallet);
        $.convertedIn[wallet] = splitId;
        // Cannot overflow: before < 2^104 (the core's supply cap) and numerator ≤ 10^6 < 2^20.
        uint256 scaled = before * split.numerator;
        uint256 after_ = scaled / split.denominator;
        if (after_ > before) _hooks().equityIssue(wallet, after_ - before);
        else if (after_ < before) _hooks().equityBurn(wallet, before - after_);
        emit SplitApplied(splitId, wallet, before, after_, scaled % split.denominator);
        return true;
    }

    /// @dev The token this lifecycle runs as: its core's views.
    function _token() private view returns (ISecurityToken) {
        return ISecurityToken(address(this));
    }

    /// @dev The token's self-only hooks into its core.
    function _hooks() private view returns (IEquityHooks) {
        return IEquityHooks(address(this));
    }

    function _getEquityStorage() private pure returns (EquityStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _EQUITY_STORAGE_LOCATION
        }
    }
}
