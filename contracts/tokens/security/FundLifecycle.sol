// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {IFundHooks, IFundLifecycle} from "../../interfaces/tokens/IFund.sol";
import {FundDealingLib} from "../../libraries/FundDealingLib.sol";

/// @title FundLifecycle
/// @notice The lifecycle of fund units (see `IFund`: the dealing rule, the arithmetic, the cash flows and
/// invariants F1–F6), as a logic contract that `Fund` runs through its fallback by `delegatecall`, in the fund's
/// own storage and address. Never used on its own: called directly it acts on its own empty storage.
/// @dev Why a second contract: the security-token core leaves no room under EIP-170's 24,576-byte code limit for
/// the fund's lifecycle (≈ 13 KB even at one optimizer run), so `Fund` keeps the core and this contract the
/// lifecycle. One `FundLifecycle` serves every fund of one `Fund` implementation (an immutable of it); a product
/// upgrade deploys both.
///
/// Running in the fund's context, it reads the fund's authority (`restricted`: AccessManaged's namespaced storage),
/// the fund's initialization state (`onlyInitializing`) and its own ERC-7201 namespace
/// `assetledger.storage.Fund`. It has none of the core's code: it reads the core's views through
/// `ISecurityToken(address(this))` and moves units through `IFundHooks` on `address(this)` — the core's
/// `_mintChecked` (issuing, through the compliance pipeline), `_burnUnchecked` (escrowed units) and
/// `_moveUnchecked` (into and out of the escrow, `address(this)`).
///
/// The fund itself holds both escrows: subscribers' coin (`subscriptionEscrow()`, besides the fund's `cash()`) and
/// redeemers' units (its own balance, never counted as an investor).
///
/// Requests and cancellations are investors' own acts on their own coin and units, like `transfer`: they are not
/// `restricted`, and they are refused while the token is paused. Dealing, rejecting and cash flows are the
/// administrator's and issuer's (`restricted`, config/roles.ts `Fund`), and keep working while paused, as the
/// agents' functions do.
///
/// Every function moving coin or units is `nonReentrant` (transient storage) and updates its state before it
/// calls the coin or the hooks: the terms may name any ERC-20, not only the alliance's settlement coin.
contract FundLifecycle is AccessManagedUpgradeable, ReentrancyGuardTransient, IFundLifecycle {
    using SafeERC20 for IERC20;

    /// @inheritdoc IFundLifecycle
    uint16 public constant MAX_FEE_BPS = 1_000;

    /// @dev The longest dealing period: a year (a leap year's days).
    uint32 private constant _MAX_DEALING_PERIOD = 366 days;

    /// @dev The largest escrowed or dealt amount a request records (its fields' width).
    uint256 private constant _MAX_AMOUNT = type(uint104).max;

    /// @custom:storage-location erc7201:assetledger.storage.Fund
    struct FundStorage {
        FundTerms terms;
        uint128 cash;
        uint128 subscriptionEscrow;
        uint128 requestCount;
        /// @dev `10 ** decimals()`, kept from the instrument.
        uint128 unitScale;
        Nav[] navs;
        mapping(uint256 id => Request) requests;
        /// @dev 64-bit ids, four to a slot: an investor's fourth request in a row writes no fresh slot.
        mapping(address investor => uint64[]) requestIds;
        mapping(uint48 cutOff => DealingPoint) dealingPoints;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.Fund")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x603b66bf441275e370e14f1da8cb78655f79c911b0e96560d34148cdfe5f7a00;

    /// @dev A batch's cache of the last dealing point's NAV: consecutive requests of one dealing point resolve
    /// their NAV once.
    struct NavCache {
        uint48 cutOff;
        uint32 index;
        uint128 navPerUnit;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the fund's terms while `Fund.initialize` runs (the fund's initialization state is read).
    /// @param terms `abi.encode(FundTerms)`.
    /// @param decimals The fund units' decimals (≤ 18, checked by the core).
    function initialize(bytes calldata terms, uint8 decimals) external onlyInitializing {
        FundTerms memory fundTerms_ = abi.decode(terms, (FundTerms));
        bool valid =
            address(fundTerms_.settlementCoin).code.length != 0 &&
                fundTerms_.dealingPeriod != 0 &&
                fundTerms_.dealingPeriod <= _MAX_DEALING_PERIOD &&
                fundTerms_.cutOffOffset < fundTerms_.dealingPeriod;
        require(valid, FundInvalidTerms(fundTerms_));
        _checkFees(fundTerms_.entryFeeBps, fundTerms_.exitFeeBps);
        bool charges = fundTerms_.entryFeeBps != 0 || fundTerms_.exitFeeBps != 0;
        require(!charges || fundTerms_.feeAccount != address(0), FundInvalidFeeAccount(fundTerms_.feeAccount));
        FundStorage storage $ = _fund();
        $.terms = fundTerms_;
        // decimals ≤ 18 (checked by the core).
        $.unitScale = uint128(10 ** decimals);
        emit FundTermsSet(fundTerms_);
    }

    /* TERMS */

    /// @inheritdoc IFundLifecycle
    function setFees(uint16 entryFeeBps, uint16 exitFeeBps, address feeAccount) external restricted {
        _checkFees(entryFeeBps, exitFeeBps);
        // Never zero once set: pending requests keep the rates they were made with and pay the current account.
        require(feeAccount != address(0), FundInvalidFeeAccount(feeAccount));
        FundTerms storage terms = _fund().terms;
        terms.entryFeeBps = entryFeeBps;
        terms.exitFeeBps = exitFeeBps;
        terms.feeAccount = feeAccount;
        emit FeesSet(entryFeeBps, exitFeeBps, feeAccount);
    }

    /// @inheritdoc IFundLifecycle
    function setMinSubscription(uint96 minSubscription) external restricted {
        _fund().terms.minSubscription = minSubscription;
        emit MinSubscriptionSet(minSubscription);
    }

    /// @inheritdoc IFundLifecycle
    function fundTerms() external view returns (FundTerms memory) {
        return _fund().terms;
    }

    /// @inheritdoc IFundLifecycle
    function settlementCoin() public view returns (IERC20) {
        return _fund().terms.settlementCoin;
    }

    /* NAV */

    /// @inheritdoc IFundLifecycle
    function postNav(uint128 navPerUnit, uint48 valuationTime) external restricted returns (uint256 index) {
        require(navPerUnit != 0, FundInvalidNav(navPerUnit));
        require(valuationTime <= block.timestamp, FundNavInFuture(valuationTime, block.timestamp));
        Nav[] storage navs = _fund().navs;
        index = navs.length;
        if (index != 0) {
            uint48 previous = navs[index - 1].valuationTime;
            require(valuationTime > previous, FundNavNotAfterPrevious(valuationTime, previous));
        }
        // A request records its NAV index in 32 bits; at one NAV a second that is 136 years of NAVs.
        require(index <= type(uint32).max, FundAmountTooLarge(index, type(uint32).max));
        navs.push(Nav({navPerUnit: navPerUnit, valuationTime: valuationTime, postedAt: uint48(block.timestamp)}));
        emit NavPosted(index, navPerUnit, valuationTime);
    }

    /// @inheritdoc IFundLifecycle
    function navCount() external view returns (uint256) {
        return _fund().navs.length;
    }

    /// @inheritdoc IFundLifecycle
    function navAt(uint256 index) public view returns (Nav memory) {
        Nav[] storage navs = _fund().navs;
        require(index < navs.length, FundNavNotFound(index, navs.length));
        return navs[index];
    }

    /// @inheritdoc IFundLifecycle
    function latestNav() external view returns (Nav memory) {
        uint256 count = _fund().navs.length;
        require(count != 0, FundNavNotFound(0, 0));
        return _fund().navs[count - 1];
    }

    /// @inheritdoc IFundLifecycle
    function dealingNavOf(uint48 cutOff) external view returns (bool found, uint256 index, Nav memory nav) {
        (found, index) = FundDealingLib.firstAtOrAfter(_valuationTimeAt, _fund().navs.length, cutOff);
        if (found) nav = _fund().navs[index];
    }

    /* DEALING POINTS */

    /// @inheritdoc IFundLifecycle
    function cutOffOf(uint256 time) public view returns (uint48) {
        FundTerms storage terms = _fund().terms;
        // Cut-offs fit 48 bits for any time before the year 8,900,000.
        return uint48(FundDealingLib.nextCutOff(time, terms.dealingPeriod, terms.cutOffOffset));
    }

    /// @inheritdoc IFundLifecycle
    function nextCutOff() external view returns (uint48) {
        return cutOffOf(block.timestamp);
    }

    /// @inheritdoc IFundLifecycle
    function dealingPoint(uint48 cutOff) external view returns (DealingPoint memory) {
        return _fund().dealingPoints[cutOff];
    }

    /* REQUESTS */

    /// @inheritdoc IFundLifecycle
    function requestSubscription(uint256 coin) external nonReentrant returns (uint256 id) {
        require(!_token().paused(), ISecurityTokenOperations.SecurityTokenPaused());
        FundStorage storage $ = _fund();
        FundTerms memory terms = $.terms;
        require(coin != 0, FundInvalidAmount(coin));
        require(coin >= terms.minSubscription, FundBelowMinSubscription(coin, terms.minSubscription));
        require(coin <= _MAX_AMOUNT, FundAmountTooLarge(coin, _MAX_AMOUNT));
        uint8 code = _token().detectTransferRestriction(address(0), msg.sender, 0);
        require(code == 0, FundInvestorNotEligible(msg.sender, code));

        uint48 cutOff = cutOffOf(block.timestamp);
        id = _record($, RequestKind.Subscription, cutOff, terms.entryFeeBps, coin);
        // Both ≤ 2^104 per request and the coin's supply bounds their sums far below 2^128.
        $.subscriptionEscrow += uint128(coin);
        $.dealingPoints[cutOff].subscriptionCoin += uint128(coin);
        emit SubscriptionRequested(id, msg.sender, cutOff, coin);
        terms.settlementCoin.safeTransferFrom(msg.sender, address(this), coin);
    }

    /// @inheritdoc IFundLifecycle
    /// @dev The token's own restrictions (pause, stop, freezes, the balance neither frozen nor held) are decided by
    /// the core when the units move into the escrow (`fundMoveEscrow`), where a transfer's are; the pipeline's are
    /// not asked (see `IFundLifecycle.requestRedemption`).
    function requestRedemption(uint256 units) external returns (uint256 id) {
        require(units != 0, FundInvalidAmount(units));
        FundStorage storage $ = _fund();
        uint48 cutOff = cutOffOf(block.timestamp);
        // units ≤ balance ≤ supply < 2^104.
        id = _record($, RequestKind.Redemption, cutOff, $.terms.exitFeeBps, units);
        $.dealingPoints[cutOff].redemptionUnits += uint128(units);
        emit RedemptionRequested(id, msg.sender, cutOff, units);
        _hooks().fundMoveEscrow(msg.sender, address(this), units);
    }

    /// @inheritdoc IFundLifecycle
    function cancelRequest(uint256 id) external nonReentrant {
        require(!_token().paused(), ISecurityTokenOperations.SecurityTokenPaused());
        Request storage request = _pendingRequest(id);
        address investor = request.investor;
        require(msg.sender == investor, FundNotRequester(id, msg.sender, investor));
        uint48 cutOff = request.cutOff;
        require(block.timestamp < cutOff, FundCutOffPassed(id, cutOff, block.timestamp));
        request.status = RequestStatus.Cancelled;
        emit RequestCancelled(id, investor);
        _release(request);
    }

    /// @inheritdoc IFundLifecycle
    function rejectRequests(uint256[] calldata ids, bytes32 reason) external restricted nonReentrant {
        for (uint256 i = 0; i < ids.length; ++i) {
            Request storage request = _pendingRequest(ids[i]);
            request.status = RequestStatus.Rejected;
            emit RequestRejected(ids[i], request.investor, reason);
            _release(request);
        }
    }

    /// @inheritdoc IFundLifecycle
    function dealSubscriptions(uint256[] calldata ids) external restricted nonReentrant {
        FundStorage storage $ = _fund();
        IERC20 coin = $.terms.settlementCoin;
        uint256 scale = $.unitScale;
        NavCache memory cache;
        uint256 fees = 0;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Request storage request = _pendingRequestOf($, id, RequestKind.Subscription);
            _resolveNav($, cache, id, request.cutOff);
            uint256 amount = request.amount;
            FundDealingLib.SubscriptionDeal memory deal = FundDealingLib.dealSubscription(
                amount,
                request.feeBps,
                cache.navPerUnit,
                scale
            );
            request.status = RequestStatus.Dealt;
            // units ≤ amount × scale / nav; the mint below enforces the supply cap (2^104 − 1) on it.
            request.dealtAmount = uint104(deal.units);
            request.navIndex = cache.index;
            // amount was added to both at request time; cost ≤ amount ≤ 2^104.
            $.dealingPoints[request.cutOff].subscriptionCoin -= uint128(amount);
            $.subscriptionEscrow -= uint128(amount);
            $.cash += uint128(deal.cost);
            fees += deal.fee;
            address investor = request.investor;
            emit SubscriptionDealt(id, investor, cache.index, amount, deal.fee, deal.units, deal.cost, deal.refund);
            if (deal.units != 0) _hooks().fundMint(investor, deal.units);
            if (deal.refund != 0) coin.safeTransfer(investor, deal.refund);
        }
        _payFees($, coin, fees);
    }

    /// @inheritdoc IFundLifecycle
    function dealRedemptions(uint256[] calldata ids) external restricted nonReentrant {
        FundStorage storage $ = _fund();
        IERC20 coin = $.terms.settlementCoin;
        uint256 scale = $.unitScale;
        NavCache memory cache;
        uint256 fees = 0;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Request storage request = _pendingRequestOf($, id, RequestKind.Redemption);
            _resolveNav($, cache, id, request.cutOff);
            uint256 units = request.amount;
            FundDealingLib.RedemptionDeal memory deal = FundDealingLib.dealRedemption(
                units,
                request.feeBps,
                cache.navPerUnit,
                scale
            );
            uint256 cash_ = $.cash;
            require(deal.gross <= cash_, FundInsufficientCash(cash_, deal.gross));
            request.status = RequestStatus.Dealt;
            // proceeds ≤ gross ≤ cash < 2^128; a request records it in 104 bits.
            require(deal.proceeds <= _MAX_AMOUNT, FundAmountTooLarge(deal.proceeds, _MAX_AMOUNT));
            request.dealtAmount = uint104(deal.proceeds);
            request.navIndex = cache.index;
            // units were added at request time; gross ≤ cash was checked above.
            $.dealingPoints[request.cutOff].redemptionUnits -= uint128(units);
            $.cash = uint128(cash_ - deal.gross);
            fees += deal.fee;
            address investor = request.investor;
            emit RedemptionDealt(id, investor, cache.index, units, deal.gross, deal.fee, deal.proceeds);
            _hooks().fundBurnEscrow(units);
            if (deal.proceeds != 0) coin.safeTransfer(investor, deal.proceeds);
        }
        _payFees($, coin, fees);
    }

    /// @inheritdoc IFundLifecycle
    function requestOf(uint256 id) external view returns (Request memory request) {
        request = _fund().requests[id];
        require(request.status != RequestStatus.None, FundUnknownRequest(id));
    }

    /// @inheritdoc IFundLifecycle
    function requestCount() external view returns (uint256) {
        return _fund().requestCount;
    }

    /// @inheritdoc IFundLifecycle
    function requestCountOf(address investor) external view returns (uint256) {
        return _fund().requestIds[investor].length;
    }

    /// @inheritdoc IFundLifecycle
    function requestsOf(address investor, uint256 offset, uint256 limit) external view returns (uint256[] memory ids) {
        uint64[] storage all = _fund().requestIds[investor];
        uint256 end = all.length;
        if (offset >= end) return new uint256[](0);
        // offset < end here, so end − offset cannot underflow.
        if (limit < end - offset) end = offset + limit;
        ids = new uint256[](end - offset);
        for (uint256 i = offset; i < end; ++i) ids[i - offset] = all[i];
    }

    /* CASH */

    /// @inheritdoc IFundLifecycle
    function depositCash(uint256 amount) external restricted nonReentrant {
        require(amount != 0, FundInvalidAmount(amount));
        FundStorage storage $ = _fund();
        // The coin's supply bounds the cash far below 2^128 (an ERC-20 with a larger supply fails the transfer).
        require(amount <= type(uint128).max - $.cash, FundAmountTooLarge(amount, type(uint128).max - $.cash));
        uint128 cash_ = $.cash + uint128(amount);
        $.cash = cash_;
        emit CashDeposited(msg.sender, amount, cash_);
        $.terms.settlementCoin.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IFundLifecycle
    function withdrawCash(address to, uint256 amount) external restricted nonReentrant {
        require(amount != 0, FundInvalidAmount(amount));
        require(to != address(0) && to != address(this), ISecurityTokenOperations.SecurityTokenInvalidAddress(to));
        FundStorage storage $ = _fund();
        uint256 cash_ = $.cash;
        require(amount <= cash_, FundInsufficientCash(cash_, amount));
        // amount ≤ cash, checked above.
        $.cash = uint128(cash_ - amount);
        emit CashWithdrawn(to, amount, cash_ - amount);
        $.terms.settlementCoin.safeTransfer(to, amount);
    }

    /// @inheritdoc IFundLifecycle
    function cash() external view returns (uint256) {
        return _fund().cash;
    }

    /// @inheritdoc IFundLifecycle
    function subscriptionEscrow() external view returns (uint256) {
        return _fund().subscriptionEscrow;
    }

    /// @inheritdoc IFundLifecycle
    function previewSubscription(
        uint256 coin,
        uint128 navPerUnit
    ) external view returns (uint256 fee, uint256 units, uint256 cost, uint256 refund) {
        require(navPerUnit != 0, FundInvalidNav(navPerUnit));
        FundDealingLib.SubscriptionDeal memory deal = FundDealingLib.dealSubscription(
            coin,
            _fund().terms.entryFeeBps,
            navPerUnit,
            _fund().unitScale
        );
        return (deal.fee, deal.units, deal.cost, deal.refund);
    }

    /// @inheritdoc IFundLifecycle
    function previewRedemption(
        uint256 units,
        uint128 navPerUnit
    ) external view returns (uint256 gross, uint256 fee, uint256 proceeds) {
        FundDealingLib.RedemptionDeal memory deal = FundDealingLib.dealRedemption(
            units,
            _fund().terms.exitFeeBps,
            navPerUnit,
            _fund().unitScale
        );
        return (deal.gross, deal.fee, deal.proceeds);
    }

    /* INTERNALS */

    /// @dev Records a new pending request of the caller and returns its id (1, 2, …).
    function _record(
        FundStorage storage $,
        RequestKind kind,
        uint48 cutOff,
        uint16 feeBps,
        uint256 amount
    ) private returns (uint256 id) {
        id = ++$.requestCount;
        $.requests[id] = Request({
            investor: msg.sender,
            cutOff: cutOff,
            kind: kind,
            status: RequestStatus.Pending,
            feeBps: feeBps,
            // The callers check amount ≤ 2^104 − 1.
            amount: uint104(amount),
            dealtAmount: 0,
            navIndex: 0
        });
        // Ids count requests one by one from 1: they stay far below 2^64.
        $.requestIds[msg.sender].push(uint64(id));
    }

    /// @dev Returns a cancelled or rejected request's escrow to its investor and takes it off its dealing point.
    function _release(Request storage request) private {
        FundStorage storage $ = _fund();
        address investor = request.investor;
        uint256 amount = request.amount;
        // amount was added to these totals when the request was made.
        if (request.kind == RequestKind.Subscription) {
            $.dealingPoints[request.cutOff].subscriptionCoin -= uint128(amount);
            $.subscriptionEscrow -= uint128(amount);
            $.terms.settlementCoin.safeTransfer(investor, amount);
        } else {
            $.dealingPoints[request.cutOff].redemptionUnits -= uint128(amount);
            _hooks().fundMoveEscrow(address(this), investor, amount);
        }
    }

    function _pendingRequest(uint256 id) private view returns (Request storage request) {
        request = _fund().requests[id];
        RequestStatus status = request.status;
        require(status != RequestStatus.None, FundUnknownRequest(id));
        require(status == RequestStatus.Pending, FundRequestNotPending(id, status));
    }

    function _pendingRequestOf(
        FundStorage storage $,
        uint256 id,
        RequestKind kind
    ) private view returns (Request storage request) {
        request = $.requests[id];
        RequestStatus status = request.status;
        require(status != RequestStatus.None, FundUnknownRequest(id));
        require(status == RequestStatus.Pending, FundRequestNotPending(id, status));
        require(request.kind == kind, FundWrongRequestKind(id, request.kind));
    }

    /// @dev Loads into `cache` the NAV that deals `cutOff`, unless it already holds it.
    function _resolveNav(FundStorage storage $, NavCache memory cache, uint256 id, uint48 cutOff) private view {
        if (cache.cutOff == cutOff && cache.navPerUnit != 0) return;
        (bool found, uint256 index) = FundDealingLib.firstAtOrAfter(_valuationTimeAt, $.navs.length, cutOff);
        require(found, FundNoDealingNav(id, cutOff));
        cache.cutOff = cutOff;
        // postNav keeps every index ≤ 2^32 − 1.
        cache.index = uint32(index);
        cache.navPerUnit = $.navs[index].navPerUnit;
    }

    function _payFees(FundStorage storage $, IERC20 coin, uint256 fees) private {
        if (fees == 0) return;
        address feeAccount = $.terms.feeAccount;
        emit FeesPaid(feeAccount, fees);
        coin.safeTransfer(feeAccount, fees);
    }

    function _checkFees(uint16 entryFeeBps, uint16 exitFeeBps) private pure {
        require(entryFeeBps <= MAX_FEE_BPS, FundFeeTooHigh(entryFeeBps, MAX_FEE_BPS));
        require(exitFeeBps <= MAX_FEE_BPS, FundFeeTooHigh(exitFeeBps, MAX_FEE_BPS));
    }

    function _valuationTimeAt(uint256 index) private view returns (uint256) {
        return _fund().navs[index].valuationTime;
    }

    function _token() private view returns (ISecurityToken) {
        return ISecurityToken(address(this));
    }

    function _hooks() private view returns (IFundHooks) {
        return IFundHooks(address(this));
    }

    function _fund() private pure returns (FundStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
