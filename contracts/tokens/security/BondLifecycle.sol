// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {IBondHooks, IBondLifecycle} from "../../interfaces/tokens/IBond.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {BondScheduleLib} from "../../libraries/BondScheduleLib.sol";
import {DayCountLib} from "../../libraries/DayCountLib.sol";
import {Distributions} from "../extensions/Distributions.sol";

/// @title BondLifecycle
/// @notice The lifecycle of a fixed-rate bond (see `IBondLifecycle`: the schedule, coupons through
/// `Distributions`, the early call, the redemption with burns, the default flag; invariants B1–B6), as a logic
/// contract that `Bond` runs through its fallback by `delegatecall`, in the bond's own storage and address. Never
/// used on its own: called directly it acts on its own empty storage.
/// @dev Why a second contract: the security-token core leaves no room under EIP-170's 24,576-byte code limit for
/// the distributions and the bond's lifecycle (≈ 19 KB together even at one optimizer run), so `Bond` keeps the
/// core and this contract the rest — the split `Fund` makes. One `BondLifecycle` serves every bond of one `Bond`
/// implementation (an immutable of it); a product upgrade deploys both.
///
/// Running in the bond's context, it reads the bond's authority (`restricted`: AccessManaged's namespaced
/// storage), the bond's initialization state (`onlyInitializing`), the distributions' namespace and its own
/// ERC-7201 namespace `assetledger.storage.Bond` (terms, per-period snapshot and distribution ids, the call, the
/// redemption, the default flag). It has none of the core's code: it reads the core's views through
/// `ISecurityToken(address(this))` and reaches `_snapshot`, `_burnUnchecked` and `_setTransfersStopped` through
/// `IBondHooks` on `address(this)`. Nothing here runs on a transfer, which stays the core's hot path: the default
/// and the redemption stop transfers through the core's hot flag.
///
/// Payments: coupons are `Distributions` (pro rata on the snapshot, claim or push, reclaim after the claim period).
/// The redemption is the bond's own: a distribution would pay without burning, and a redeemed wallet's tokens must
/// be burned in the same step. `_paymentsStopped()` is the default flag alone: the redemption stops transfers for
/// good but must not stop the last coupon's claims. Every function paying out is `nonReentrant` (transient
/// storage) or, for the distributions, flags before it pays: the terms may name any ERC-20.
contract BondLifecycle is Distributions, ReentrancyGuardTransient, IBondLifecycle {
    using SafeERC20 for IERC20;

    /// @notice `IDistributions.Distribution.kind` of a bond coupon.
    uint8 public constant COUPON_KIND = 2;

    /// @dev What the bond keeps per coupon period (zero until recorded / funded).
    struct Coupon {
        uint32 snapshotId;
        uint32 distributionId;
    }

    /// @dev The redemption, packed: `date`, `fundedAt`, `reclaimed`, `pricePerUnit` in one slot; `funded` and
    /// `paid` in the next (the two a redemption reads and writes); `outstanding` in a third.
    struct RedemptionState {
        uint40 date;
        uint40 fundedAt;
        bool reclaimed;
        uint128 pricePerUnit;
        uint128 funded;
        uint128 paid;
        uint104 outstanding;
    }

    /// @custom:storage-location erc7201:assetledger.storage.Bond
    struct BondStorage {
        BondTerms terms;
        /// @dev Periods of the full schedule (a call keeps fewer: `_activeCount`).
        uint16 couponCount;
        /// @dev Periods funded so far (each at most once, all ≤ the active count).
        uint16 fundedCoupons;
        /// @dev The highest period recorded: a call may not cancel it.
        uint16 lastRecorded;
        /// @dev 0 until the issuer calls the bond.
        uint40 callDate;
        bool defaulted;
        /// @dev 10^decimals: the base units of one whole token, which amounts "per unit" are for.
        uint64 unit;
        /// @dev Unused: was the issuer named at issue; money now returns to the authority's current issuer
        /// (`_distributionIssuer`). Kept for the storage layout.
        address issuer;
        RedemptionState redemption;
        mapping(uint256 period => Coupon) coupons;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.Bond")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _BOND_STORAGE_LOCATION =
        0x93897af6f4cf15dfeeb9798971e2cfacf661b032eb2fce14e38e8e96380abe00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the bond's terms while `Bond.initialize` runs (the bond's initialization state is read).
    /// @param terms_ `abi.encode(BondTerms)` (sdk/products/bond.ts `encodeBondTerms`); reverts with the first
    /// problem `BondScheduleLib.validate` finds.
    /// @param decimals The bond's decimals (≤ 18, checked by the core).
    /// @dev AccessManaged is initialized by the core (`__SecurityToken_init`) in the same `initialize`.
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    /// @return firstRecordDate The first coupon's record date, which `Bond.initialize` schedules a snapshot at (0 for
    /// a zero-coupon bond, or when that date is not in the future).
    function initializeBond(
        bytes calldata terms_,
        uint8 decimals
    ) external onlyInitializing returns (uint256 firstRecordDate) {
        BondTerms memory t = abi.decode(terms_, (BondTerms));
        uint256 count = BondScheduleLib.validate(t);
        BondStorage storage $ = _getBondStorage();
        $.terms = t;
        // count ≤ BondScheduleLib.MAX_COUPONS (1,200) fits 16 bits; decimals ≤ 18, so 10^decimals < 2^64.
        $.couponCount = uint16(count);
        $.unit = uint64(10 ** decimals);
        $.redemption.date = t.maturityDate;
        $.redemption.pricePerUnit = t.faceValue;
        emit BondTermsSet(t, count);
        // A record date already past at issue had no holders to capture: the first coupon then records on the
        // register when recorded, as a bond without a schedule does (`_record`).
        uint256 first = count == 0 ? 0 : BondScheduleLib.recordDate(t, BondScheduleLib.paymentDate(t, 1, count));
        if (first > block.timestamp) {
            firstRecordDate = first;
            emit RecordDateScheduled(1, first);
        }
    }

    /* TERMS AND SCHEDULE */

    /// @inheritdoc IBondLifecycle
    function terms() external view returns (BondTerms memory) {
        return _getBondStorage().terms;
    }

    /// @inheritdoc IBondLifecycle
    function couponCount() public view returns (uint256) {
        BondStorage storage $ = _getBondStorage();
        return _activeCount($, $.terms);
    }

    /// @inheritdoc IBondLifecycle
    function couponPeriod(uint256 period) public view returns (CouponPeriod memory data) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        _requirePeriod($, t, period);
        data = _period($, t, period);
    }

    /// @inheritdoc IBondLifecycle
    function couponAmountPerUnit(uint256 period) external view returns (uint256) {
        return couponPeriod(period).amountPerUnit;
    }

    /// @inheritdoc IBondLifecycle
    function couponDates() external view returns (uint256[] memory dates) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        uint256 count = _activeCount($, t);
        dates = new uint256[](count);
        for (uint256 p = 1; p <= count; ++p) dates[p - 1] = BondScheduleLib.paymentDate(t, p, $.couponCount);
    }

    /// @inheritdoc IBondLifecycle
    function nextCoupon() external view returns (uint256 period, CouponPeriod memory data) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        period = BondScheduleLib.nextPeriod(t, block.timestamp, _activeCount($, t), $.couponCount);
        if (period != 0) data = _period($, t, period);
    }

    /// @inheritdoc IBondLifecycle
    function accruedInterestPerUnit(uint256 timestamp) public view returns (uint256) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        if (timestamp < t.issueDate || timestamp >= $.redemption.date || t.frequency == 0) return 0;
        // Before the redemption date the running period is one of the full schedule (a call date falls inside
        // the first cancelled period).
        uint256 full = $.couponCount;
        uint256 period = BondScheduleLib.nextPeriod(t, timestamp, full, full);
        return BondScheduleLib.interestPerUnit(t, BondScheduleLib.periodStart(t, period), timestamp);
    }

    /// @inheritdoc IBondLifecycle
    function redemption() external view returns (Redemption memory) {
        RedemptionState storage r = _getBondStorage().redemption;
        return
            Redemption({
                date: r.date,
                pricePerUnit: r.pricePerUnit,
                fundedAt: r.fundedAt,
                outstanding: r.outstanding,
                funded: r.funded,
                paid: r.paid,
                reclaimed: r.reclaimed
            });
    }

    /// @inheritdoc IBondLifecycle
    function isDefaulted() external view returns (bool) {
        return _getBondStorage().defaulted;
    }

    /* COUPONS */

    /// @inheritdoc IBondLifecycle
    function recordCoupon(uint256 period) external restricted returns (uint256 snapshotId) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        _requirePeriod($, t, period);
        Coupon storage coupon = $.coupons[period];
        require(coupon.snapshotId == 0, BondCouponAlreadyRecorded(period, coupon.snapshotId));
        uint256 recordDate = BondScheduleLib.recordDate(t, BondScheduleLib.paymentDate(t, period, $.couponCount));
        require(block.timestamp >= recordDate, BondRecordDateNotReached(period, recordDate));
        snapshotId = _record($, t, coupon, period, recordDate);
    }

    /// @inheritdoc IBondLifecycle
    function fundCoupon(uint256 period) external restricted returns (uint256 distributionId) {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        _requirePeriod($, t, period);
        Coupon storage coupon = $.coupons[period];
        require(coupon.distributionId == 0, BondCouponAlreadyFunded(period, coupon.distributionId));
        uint256 paymentDate = BondScheduleLib.paymentDate(t, period, $.couponCount);
        require(block.timestamp >= paymentDate, BondPaymentDateNotReached(period, paymentDate));
        uint256 snapshotId = coupon.snapshotId;
        if (snapshotId == 0) snapshotId = _record($, t, coupon, period, BondScheduleLib.recordDate(t, paymentDate));
        uint256 eligible = _eligibleSupplyAt(snapshotId);
        require(eligible != 0, BondNothingOutstanding(period, snapshotId));
        uint256 perUnit = BondScheduleLib.interestPerUnit(t, BondScheduleLib.periodStart(t, period), paymentDate);
        uint256 amount = Math.mulDiv(perUnit, eligible, $.unit);
        // The claim period runs from the payment date, or from now when the coupon is paid late.
        uint48 deadline = uint48(Math.max(paymentDate, block.timestamp) + t.claimPeriod);
        distributionId = _declareDistribution(COUPON_KIND, snapshotId, amount, deadline);
        // Distribution ids grow by one per declaration; 2^32 of them are out of reach of any schedule.
        coupon.distributionId = uint32(distributionId);
        // At most couponCount ≤ 1,200 periods are ever funded, each once.
        ++$.fundedCoupons;
        emit CouponFunded(period, distributionId, _msgSender(), snapshotId, perUnit, amount);
    }

    /* CALL */

    /// @inheritdoc IBondLifecycle
    function callBond(uint256 callDate, uint256 callPricePerUnit) external restricted {
        BondStorage storage $ = _getBondStorage();
        BondTerms memory t = $.terms;
        require(!$.defaulted, BondInDefault());
        require(t.callableFrom != 0, BondNotCallable());
        require($.callDate == 0, BondAlreadyCalled($.callDate));
        require(callPricePerUnit != 0 && callPricePerUnit <= type(uint128).max, BondCallPriceInvalid(callPricePerUnit));
        uint256 earliest = Math.max(block.timestamp + t.callNotice, t.callableFrom);
        if ($.lastRecorded != 0) {
            earliest = Math.max(earliest, BondScheduleLib.paymentDate(t, $.lastRecorded, $.couponCount));
        }
        uint256 latest = uint256(t.maturityDate) - DayCountLib.SECONDS_PER_DAY;
        require(
            callDate >= earliest && callDate <= latest && callDate % DayCountLib.SECONDS_PER_DAY == 0,
            BondCallDateInvalid(callDate, earliest, latest)
        );
        uint256 accrued = accruedInterestPerUnit(callDate);
        uint256 price = callPricePerUnit + accrued;
        require(price <= type(uint128).max, BondCallPriceInvalid(callPricePerUnit));
        // callDate < maturity < 2^40 (terms).
        $.callDate = uint40(callDate);
        $.redemption.date = uint40(callDate);
        $.redemption.pricePerUnit = uint128(price);
        emit BondCalled(callDate, callPricePerUnit, accrued, _activeCount($, t));
    }

    /* REDEMPTION */

    /// @inheritdoc IBondLifecycle
    function fundRedemption() external restricted returns (uint256 amount) {
        BondStorage storage $ = _getBondStorage();
        RedemptionState storage r = $.redemption;
        require(!$.defaulted, BondInDefault());
        require(r.fundedAt == 0, BondRedemptionAlreadyFunded());
        require(block.timestamp >= r.date, BondRedemptionDateNotReached(r.date));
        uint256 due = _activeCount($, $.terms);
        require($.fundedCoupons == due, BondCouponsUnfunded($.fundedCoupons, due));
        ISecurityToken token = _token();
        uint256 outstanding = token.totalSupply() - token.balanceOf(address(this));
        amount = Math.mulDiv(outstanding, r.pricePerUnit, $.unit);
        require(amount <= type(uint128).max, DistributionsInvalidAmount(amount));
        r.fundedAt = uint40(block.timestamp);
        r.outstanding = uint104(outstanding); // ≤ supply < 2^104 (core W1)
        r.funded = uint128(amount);
        if (!token.transfersStopped()) _hooks().bondSetTransfersStopped(true);
        address payer = _msgSender();
        if (amount != 0) {
            IERC20 coin = _settlementCoin();
            uint256 balanceBefore = coin.balanceOf(address(this));
            coin.safeTransferFrom(payer, address(this), amount);
            uint256 received = coin.balanceOf(address(this)) - balanceBefore;
            require(received == amount, DistributionsFundingShortfall(amount, received));
        }
        emit RedemptionFunded(payer, r.date, r.pricePerUnit, outstanding, amount);
    }

    /// @inheritdoc IBondLifecycle
    function redeem() external nonReentrant returns (uint256 amount) {
        BondStorage storage $ = _getBondStorage();
        _requireRedeemable($);
        address holder = _msgSender();
        ISecurityToken token = _token();
        require(!token.isFrozen(holder), BondWalletFrozen(holder));
        uint256 units = token.availableBalanceOf(holder);
        require(units != 0, BondNothingToRedeem(holder));
        amount = Math.mulDiv(units, $.redemption.pricePerUnit, $.unit);
        _addPaid($.redemption, amount);
        _hooks().bondBurn(holder, units);
        if (amount != 0) _settlementCoin().safeTransfer(holder, amount);
        emit BondRedeemed(holder, units, amount);
    }

    /// @inheritdoc IBondLifecycle
    function redeemFor(address[] calldata wallets) external restricted nonReentrant returns (uint256 total) {
        BondStorage storage $ = _getBondStorage();
        _requireRedeemable($);
        RedemptionState storage r = $.redemption;
        uint256 price = r.pricePerUnit;
        uint256 unit = $.unit;
        IERC20 coin = _settlementCoin();
        ISecurityToken token = _token();
        for (uint256 i; i < wallets.length; ++i) {
            address holder = wallets[i];
            if (holder == address(this) || token.isFrozen(holder)) continue;
            uint256 units = token.availableBalanceOf(holder);
            if (units == 0) continue;
            uint256 amount = Math.mulDiv(units, price, unit);
            // Pay first: a refused payment leaves the holder's tokens in place (nonReentrant guards the order).
            if (amount != 0 && !coin.trySafeTransfer(holder, amount)) {
                emit BondRedemptionFailed(holder, units, amount);
                continue;
            }
            _hooks().bondBurn(holder, units);
            emit BondRedeemed(holder, units, amount);
            total += amount;
        }
        if (total != 0) _addPaid(r, total);
    }

    /// @inheritdoc IBondLifecycle
    function reclaimRedemption() external restricted returns (uint256 amount) {
        BondStorage storage $ = _getBondStorage();
        RedemptionState storage r = $.redemption;
        require(!$.defaulted, BondInDefault());
        require(r.fundedAt != 0, BondRedemptionNotFunded());
        require(!r.reclaimed, BondRedemptionClosed());
        uint256 deadline = Math.max(r.date, r.fundedAt) + $.terms.claimPeriod;
        require(block.timestamp > deadline, BondClaimPeriodNotOver(deadline));
        r.reclaimed = true;
        // paid ≤ funded (`_addPaid`).
        amount = uint256(r.funded) - r.paid;
        address to = _distributionIssuer();
        if (amount != 0) _settlementCoin().safeTransfer(to, amount);
        emit RedemptionReclaimed(to, amount);
    }

    /* DEFAULT */

    /// @inheritdoc IBondLifecycle
    function declareDefault(bytes32 reason) external restricted {
        BondStorage storage $ = _getBondStorage();
        require(!$.defaulted, BondInDefault());
        $.defaulted = true;
        if (!_token().transfersStopped()) _hooks().bondSetTransfersStopped(true);
        emit BondDefaultDeclared(_msgSender(), reason);
    }

    /// @inheritdoc IBondLifecycle
    function cureDefault() external restricted {
        BondStorage storage $ = _getBondStorage();
        require($.defaulted, BondNotInDefault());
        $.defaulted = false;
        // A funded redemption stops transfers for good.
        if ($.redemption.fundedAt == 0) _hooks().bondSetTransfersStopped(false);
        emit BondDefaultCured(_msgSender());
    }

    /* DISTRIBUTIONS HOOKS */

    function _distributionBalanceOf(address holder, uint256 snapshotId) internal view override returns (uint256) {
        return _token().balanceOfAt(holder, snapshotId);
    }

    function _distributionSupply(uint256 snapshotId) internal view override returns (uint256) {
        return _token().totalSupplyAt(snapshotId);
    }

    function _settlementCoin() internal view override returns (IERC20) {
        return IERC20(_getBondStorage().terms.settlementCoin);
    }

    /// @dev The default alone: a funded redemption stops transfers but the last coupon stays claimable.
    function _paymentsStopped() internal view override returns (bool) {
        return _getBondStorage().defaulted;
    }

    /// @dev The issuer the alliance authority records for this bond now (`setAssetIssuer` may have changed it).
    function _distributionIssuer() internal view override returns (address) {
        return IAllianceAuthority(authority()).issuerOf(address(this));
    }

    /* INTERNAL */

    /// @dev The periods left: the full schedule, or those paid on or before the call date.
    function _activeCount(BondStorage storage $, BondTerms memory t) private view returns (uint256) {
        uint256 callDate = $.callDate;
        if (callDate == 0) return $.couponCount;
        return BondScheduleLib.periodsPaidBy(t, callDate);
    }

    function _requirePeriod(BondStorage storage $, BondTerms memory t, uint256 period) private view {
        uint256 count = _activeCount($, t);
        require(period != 0 && period <= count, BondPeriodOutOfRange(period, count));
    }

    function _period(
        BondStorage storage $,
        BondTerms memory t,
        uint256 period
    ) private view returns (CouponPeriod memory data) {
        data.start = BondScheduleLib.periodStart(t, period);
        data.paymentDate = BondScheduleLib.paymentDate(t, period, $.couponCount);
        data.recordDate = BondScheduleLib.recordDate(t, data.paymentDate);
        data.amountPerUnit = BondScheduleLib.interestPerUnit(t, data.start, data.paymentDate);
        Coupon storage coupon = $.coupons[period];
        data.snapshotId = coupon.snapshotId;
        data.distributionId = coupon.distributionId;
    }

    /// @dev Records `period` (the next one in order, its record date `recordDate` reached) on the snapshot scheduled
    /// at its record date, and schedules the next active period's record date. A bond issued before record dates
    /// were scheduled has no schedule for its record date: it snapshots now, as it did.
    function _record(
        BondStorage storage $,
        BondTerms memory t,
        Coupon storage coupon,
        uint256 period,
        uint256 recordDate
    ) private returns (uint256 snapshotId) {
        uint256 expected = uint256($.lastRecorded) + 1;
        require(period == expected, BondCouponOutOfOrder(period, expected));
        uint256 next;
        if (period < _activeCount($, t)) {
            next = BondScheduleLib.recordDate(t, BondScheduleLib.paymentDate(t, period + 1, $.couponCount));
        }
        (uint256 scheduledAt, uint256 scheduledId) = _hooks().bondScheduleSnapshot(next);
        snapshotId = scheduledAt == recordDate && scheduledId != 0 ? scheduledId : _hooks().bondSnapshot();
        coupon.snapshotId = uint32(snapshotId); // the core's ids are 24-bit
        // period ≤ couponCount ≤ 1,200.
        $.lastRecorded = uint16(period);
        emit CouponRecorded(period, snapshotId, recordDate);
        if (next != 0) emit RecordDateScheduled(period + 1, next);
    }

    function _requireRedeemable(BondStorage storage $) private view {
        require(!$.defaulted, BondInDefault());
        RedemptionState storage r = $.redemption;
        require(r.fundedAt != 0, BondRedemptionNotFunded());
        require(!r.reclaimed, BondRedemptionClosed());
    }

    /// @dev Adds `amount` to what the redemption paid, keeping paid ≤ funded (B4).
    function _addPaid(RedemptionState storage r, uint256 amount) private {
        uint256 paidAfter = r.paid + amount;
        require(paidAfter <= r.funded, DistributionsOverpaid(0, paidAfter, r.funded));
        r.paid = uint128(paidAfter);
    }

    /// @dev The bond itself (this code runs in its context): the core's views.
    function _token() private view returns (ISecurityToken) {
        return ISecurityToken(address(this));
    }

    /// @dev The bond itself: the core's internal paths it exposes to this code alone.
    function _hooks() private view returns (IBondHooks) {
        return IBondHooks(address(this));
    }

    function _getBondStorage() private pure returns (BondStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _BOND_STORAGE_LOCATION
        }
    }
}
