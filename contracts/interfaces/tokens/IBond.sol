// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {DayCount} from "../../libraries/DayCountLib.sol";
import {IDistributions} from "./IDistributions.sol";
import {ISecurityToken} from "./ISecurityToken.sol";

/// @title IBondLifecycle
/// @notice A fixed-rate bond on the security-token core: face value in a settlement coin, a coupon rate, a coupon
/// frequency and dates, a day-count convention. The coupon schedule is derived on chain from the terms (views
/// `couponPeriod`, `couponDates`, `nextCoupon`). Each coupon is owed to the holders on its record date: the bond
/// schedules a snapshot at the next record date in advance, which the first balance change at or after that date
/// takes (so the register is the record date's, whoever records the coupon and however late); the agent records
/// the period on or after the record date, the paying agent funds the coupon in the coin on or
/// after the payment date and the holders claim it (or the agent pushes it) through the token's distributions
/// (`IDistributions`, kind 2 = coupon). These functions run in `BondLifecycle`, reached through the token's
/// fallback (see `Bond`); the complete interface of a bond is `IBond`. At maturity — or at the call date
/// after an early call — the paying agent funds the redemption: transfers stop for good and each holder is paid
/// the redemption price per unit while its tokens are burned. A regulator may declare the bond in default, which
/// stops transfers and every payment out of the token until the default is cured.
///
/// Lifecycle, with who calls each step:
/// 1. ASSET_AGENT mints the bonds (core `mint`) to verified investors.
/// 2. For each coupon period p, in order: on or after `recordDate(p)` ASSET_AGENT calls `recordCoupon(p)` (the
///    record-date snapshot; the next period's record date is scheduled then, so record each period before the next
///    record date); on or after `paymentDate(p)` ASSET_ADMINISTRATOR (the paying agent) calls `fundCoupon(p)`
///    (which records the period first if nobody has). Holders `claim`; ASSET_AGENT may `pushPayments` in batches;
///    after the claim period ASSET_ISSUER sends the rest back to the issuer (`reclaimUnclaimed`).
/// 3. Optional: ASSET_ISSUER calls `callBond(callDate, price)` at least `callNotice` seconds ahead; periods paid
///    after the call date are cancelled and the redemption price becomes price + interest accrued to the call date.
/// 4. On or after the redemption date ASSET_ADMINISTRATOR calls `fundRedemption()` (every coupon due by then must
///    be funded first); holders `redeem()` or ASSET_AGENT calls `redeemFor(wallets)`; after the claim period
///    ASSET_ISSUER sends what nobody redeemed back to the issuer (`reclaimRedemption`).
/// 5. REGULATOR may `declareDefault(reason)` at any time and `cureDefault()` later. The default flag is the
///    alliance regulator's, not the issuer's nor a trustee's: the issuer must not be able to stop its own payments
///    or lift a default it is in, and every asset-scoped role (agent, administrator) is appointed by the issuer.
///
/// What is not on chain: business-day adjustment (dates are unadjusted, see below), a mint cut-off (ASSET_AGENT
/// should not mint after the record date of the last coupon; mints stop when the redemption is funded).
///
/// Dates are unadjusted calendar dates at 00:00 UTC (the chain has no holiday calendar): a paying agent that pays
/// on the next business day simply funds then. Amounts "per unit" are coin base units per whole token, i.e. per
/// 10^decimals() base units of the bond.
/// @dev Invariants:
/// - B1: the schedule is a pure function of the terms and the call date: `couponPeriod(p)` never changes except
///   that a call cancels periods paid after the call date.
/// - B2: `couponAmountPerUnit(p) = ⌊faceValue · couponRate · yearFraction(start_p, paymentDate_p) / 1e18⌋` with the
///   terms' day count, start_1 = issue date and start_p = paymentDate_(p−1).
/// - B3: every funded coupon is a distribution on the register as it was at its record date (the scheduled
///   snapshot, taken before any balance change at or after that date), provided each period is recorded before the
///   next period's record date; payments never exceed the funded amount (Distributions P-invariants).
/// - B4: after the redemption is funded, transfers and mints are stopped for good; a redeemed wallet's tokens are
///   burned and it is paid ⌊units · redemptionPerUnit / 10^decimals⌋; Σ paid ≤ funded.
/// - B5: while in default, no transfer, checked mint, coupon funding or payment, redemption or reclaim happens.
/// - B6: the coin the token holds ≥ Σ over open coupon distributions (funded − paid) + redemption (funded − paid).
interface IBondLifecycle is IDistributions {
    /// @notice A bond's terms, fixed at issuance (`abi.encode`d as the `terms` argument of `initialize`).
    /// @param settlementCoin The ERC-20 coupons and redemptions are paid in.
    /// @param faceValue Coin base units paid at maturity per whole token (10^decimals base units of the bond).
    /// @param couponRate Annual coupon rate scaled by 1e18 (5 % = 0.05e18). Zero for a zero-coupon bond.
    /// @param frequency Coupons a year: 1, 2, 3, 4, 6 or 12; 0 for a zero-coupon bond (then `couponRate` is 0).
    /// @param dayCount The day-count convention interest accrues under.
    /// @param endOfMonth Whether regular coupon dates anchored on a month end stay on month ends.
    /// @param issueDate Interest accrues from here (00:00 UTC).
    /// @param firstCouponDate The first payment date and the anchor of the regular schedule (00:00 UTC); a first
    /// period shorter or longer than 12/frequency months is a stub accrued by the day count. Zero for a zero-coupon
    /// bond.
    /// @param maturityDate The last payment date: face value and the last coupon (00:00 UTC). When it is not on the
    /// regular schedule the last period is a stub ending at maturity.
    /// @param recordDays The record date of a payment is this many days before it.
    /// @param callableFrom The first date a call may take effect (00:00 UTC); 0 if the bond is not callable.
    /// @param callNotice Minimum seconds between announcing a call and its call date.
    /// @param claimPeriod Seconds after a payment date before unclaimed money may be taken back.
    struct BondTerms {
        address settlementCoin;
        uint128 faceValue;
        uint64 couponRate;
        uint8 frequency;
        DayCount dayCount;
        bool endOfMonth;
        uint40 issueDate;
        uint40 firstCouponDate;
        uint40 maturityDate;
        uint16 recordDays;
        uint40 callableFrom;
        uint32 callNotice;
        uint32 claimPeriod;
    }

    /// @notice One coupon period of the schedule.
    /// @param start Accrual start: the issue date for period 1, else the previous payment date.
    /// @param paymentDate Accrual end and payment date (the maturity for the last period).
    /// @param recordDate `paymentDate − recordDays` days: the holders on this date are paid.
    /// @param amountPerUnit Coin base units per whole token (invariant B2).
    /// @param snapshotId The register snapshot the coupon pays on; 0 until recorded.
    /// @param distributionId The distribution paying it; 0 until funded.
    struct CouponPeriod {
        uint256 start;
        uint256 paymentDate;
        uint256 recordDate;
        uint256 amountPerUnit;
        uint256 snapshotId;
        uint256 distributionId;
    }

    /// @notice Where the bond's redemption stands.
    /// @param date The redemption date: the maturity, or the call date after a call.
    /// @param pricePerUnit Coin base units paid per whole token: the face value at maturity, or the call price plus
    /// the interest accrued to the call date.
    /// @param fundedAt When the paying agent funded it; 0 until then.
    /// @param outstanding Bond base units outstanding when it was funded (what it pays for).
    /// @param funded Coin the paying agent paid in.
    /// @param paid Coin paid to holders so far.
    /// @param reclaimed Whether the remainder was taken back after the claim period (redemptions then stop).
    struct Redemption {
        uint256 date;
        uint256 pricePerUnit;
        uint256 fundedAt;
        uint256 outstanding;
        uint256 funded;
        uint256 paid;
        bool reclaimed;
    }

    /* EVENTS */

    /// @notice The bond was initialized with `terms`; its schedule has `couponCount` periods.
    event BondTermsSet(BondTerms terms, uint256 couponCount);

    /// @notice Coupon `period` was recorded on snapshot `snapshotId`: the register at its record date.
    event CouponRecorded(uint256 indexed period, uint256 indexed snapshotId, uint256 recordDate);
    /// @notice A snapshot was scheduled at `recordDate`, coupon `period`'s record date: the first balance change at
    /// or after it takes it.
    event RecordDateScheduled(uint256 indexed period, uint256 recordDate);

    /// @notice Coupon `period` was funded with `amount` coin by `payer` as distribution `distributionId`, paying
    /// `amountPerUnit` per whole token held at snapshot `snapshotId`.
    event CouponFunded(
        uint256 indexed period,
        uint256 indexed distributionId,
        address indexed payer,
        uint256 snapshotId,
        uint256 amountPerUnit,
        uint256 amount
    );

    /// @notice The issuer called the bond: it is redeemed on `callDate` at `callPricePerUnit` plus
    /// `accruedPerUnit` interest; periods paid after `callDate` are cancelled, `couponCount` remain.
    event BondCalled(uint256 callDate, uint256 callPricePerUnit, uint256 accruedPerUnit, uint256 couponCount);

    /// @notice `payer` funded the redemption with `amount` coin for `outstanding` base units at `pricePerUnit`;
    /// transfers are stopped for good.
    event RedemptionFunded(
        address indexed payer,
        uint256 date,
        uint256 pricePerUnit,
        uint256 outstanding,
        uint256 amount
    );

    /// @notice `holder`'s `units` base units were burned and `amount` coin paid to it.
    event BondRedeemed(address indexed holder, uint256 units, uint256 amount);

    /// @notice A pushed redemption of `holder` was refused by the settlement coin (frozen or not eligible there):
    /// nothing was burned nor paid; the holder may redeem later.
    event BondRedemptionFailed(address indexed holder, uint256 units, uint256 amount);

    /// @notice The redemption money nobody claimed (`amount`, dust included) went back to `to`.
    event RedemptionReclaimed(address indexed to, uint256 amount);

    /// @notice A regulator declared the bond in default: transfers and payments stop.
    event BondDefaultDeclared(address indexed by, bytes32 reason);

    /// @notice The default was cured: payments resume (transfers too unless the bond is being redeemed).
    event BondDefaultCured(address indexed by);

    /* ERRORS */

    /// @notice The terms name no settlement coin.
    error BondSettlementCoinZero();
    /// @notice The terms give a zero face value.
    error BondFaceValueZero();
    /// @notice The frequency is not 1, 2, 3, 4, 6 or 12 with a non-zero rate, nor 0 with a zero rate.
    error BondFrequencyInvalid(uint8 frequency, uint64 couponRate);
    /// @notice The dates are out of order: issue < first coupon ≤ maturity is required (issue < maturity and no
    /// first coupon date for a zero-coupon bond).
    error BondDatesInvalid(uint256 issueDate, uint256 firstCouponDate, uint256 maturityDate);
    /// @notice A date of the terms is not 00:00 UTC.
    error BondDateNotMidnight(uint256 date);
    /// @notice The schedule would have more than `max` coupon periods.
    error BondTooManyCoupons(uint256 count, uint256 max);
    /// @notice The terms give no claim period.
    error BondClaimPeriodZero();
    /// @notice `callableFrom` is not after the issue date and before the maturity.
    error BondCallableFromInvalid(uint256 callableFrom, uint256 issueDate, uint256 maturityDate);

    /// @notice There is no coupon period `period` (periods are 1 … `count`; a call cancels later ones).
    error BondPeriodOutOfRange(uint256 period, uint256 count);
    /// @notice Coupon `period`'s record date (`recordDate`) has not come yet.
    error BondRecordDateNotReached(uint256 period, uint256 recordDate);
    /// @notice Coupon `period` was already recorded on snapshot `snapshotId`.
    error BondCouponAlreadyRecorded(uint256 period, uint256 snapshotId);
    /// @notice Periods are recorded in order: `expected` is the next one.
    error BondCouponOutOfOrder(uint256 period, uint256 expected);
    /// @notice Coupon `period`'s payment date (`paymentDate`) has not come yet.
    error BondPaymentDateNotReached(uint256 period, uint256 paymentDate);
    /// @notice Coupon `period` was already funded as distribution `distributionId`.
    error BondCouponAlreadyFunded(uint256 period, uint256 distributionId);
    /// @notice Nothing was outstanding at coupon `period`'s snapshot `snapshotId`: there is nobody to pay.
    error BondNothingOutstanding(uint256 period, uint256 snapshotId);

    /// @notice The bond has no call provision (`callableFrom` is 0).
    error BondNotCallable();
    /// @notice The bond was already called for `callDate`.
    error BondAlreadyCalled(uint256 callDate);
    /// @notice `callDate` is not at 00:00 UTC within [`earliest`, `latest`]: at least `callNotice` ahead, not
    /// before `callableFrom`, before maturity and not before the last recorded coupon's payment date.
    error BondCallDateInvalid(uint256 callDate, uint256 earliest, uint256 latest);
    /// @notice A call price of zero, or one that with the accrued interest exceeds 2^128 − 1 per unit.
    error BondCallPriceInvalid(uint256 callPricePerUnit);

    /// @notice The redemption date `date` has not come yet.
    error BondRedemptionDateNotReached(uint256 date);
    /// @notice Only `funded` of the `due` coupons paid by the redemption date are funded.
    error BondCouponsUnfunded(uint256 funded, uint256 due);
    /// @notice The redemption was already funded.
    error BondRedemptionAlreadyFunded();
    /// @notice The redemption is not funded yet.
    error BondRedemptionNotFunded();
    /// @notice The redemption money was taken back: redemptions are over.
    error BondRedemptionClosed();
    /// @notice The claim period runs until `deadline`.
    error BondClaimPeriodNotOver(uint256 deadline);
    /// @notice `holder` has nothing redeemable (no balance, or only frozen or held tokens).
    error BondNothingToRedeem(address holder);
    /// @notice `holder` is frozen: its tokens are not redeemed until it is unfrozen.
    error BondWalletFrozen(address holder);

    /// @notice The bond is in default: transfers and payments are stopped.
    error BondInDefault();
    /// @notice The bond is not in default.
    error BondNotInDefault();

    /* TERMS AND SCHEDULE */

    /// @notice The bond's terms.
    function terms() external view returns (BondTerms memory);

    /// @notice The number of coupon periods (after a call, those paid on or before the call date).
    function couponCount() external view returns (uint256);

    /// @notice Coupon period `period` (1-based); reverts with BondPeriodOutOfRange outside 1 … couponCount().
    function couponPeriod(uint256 period) external view returns (CouponPeriod memory);

    /// @notice The coupon of `period` in coin base units per whole token (invariant B2).
    function couponAmountPerUnit(uint256 period) external view returns (uint256);

    /// @notice Every payment date of the schedule, in order (the last is the maturity, or the last one before a
    /// call date).
    function couponDates() external view returns (uint256[] memory);

    /// @notice The first coupon period whose payment date is after now, and its period data; `period` is 0 when no
    /// coupon is left.
    function nextCoupon() external view returns (uint256 period, CouponPeriod memory data);

    /// @notice Interest accrued per whole token at `timestamp` since the start of the period it falls in (0 before
    /// the issue date and from the redemption date on).
    function accruedInterestPerUnit(uint256 timestamp) external view returns (uint256);

    /// @notice Where the redemption stands (date and price are set before it is funded).
    function redemption() external view returns (Redemption memory);

    /// @notice Whether a regulator has declared the bond in default.
    function isDefaulted() external view returns (bool);

    /* COUPONS */

    /// @notice Records coupon `period` (the next unrecorded one, `BondCouponOutOfOrder` else), on or after its record
    /// date: its snapshot is the one scheduled at the record date (taken now if no balance changed since); schedules
    /// the next period's record date. Returns the snapshot id.
    /// @custom:access ASSET_AGENT
    function recordCoupon(uint256 period) external returns (uint256 snapshotId);

    /// @notice Pays coupon `period`, on or after its payment date: pulls
    /// ⌊couponAmountPerUnit(period) × eligible supply at the snapshot / 10^decimals⌋ coin from the caller (who must
    /// have approved the token) and opens a distribution (kind 2) on the period's snapshot, claimable until
    /// max(payment date, now) + claim period. Records the period first (as `recordCoupon`) if nobody has. Refused in
    /// default (`DistributionsPaymentsStopped`): cure first.
    /// @custom:access ASSET_ADMINISTRATOR (the paying agent)
    function fundCoupon(uint256 period) external returns (uint256 distributionId);

    /* CALL */

    /// @notice Calls the bond for redemption on `callDate` at `callPricePerUnit` (coin base units per whole token)
    /// plus the interest accrued to the call date.
    /// @custom:access ASSET_ISSUER
    function callBond(uint256 callDate, uint256 callPricePerUnit) external;

    /* REDEMPTION */

    /// @notice Funds the redemption on or after the redemption date: pulls
    /// ⌊outstanding × pricePerUnit / 10^decimals⌋ coin from the caller and stops transfers for good.
    /// @custom:access ASSET_ADMINISTRATOR (the paying agent)
    function fundRedemption() external returns (uint256 amount);

    /// @notice Redeems the caller's tokens neither frozen nor held (`availableBalanceOf`): burns them and pays
    /// ⌊units × pricePerUnit / 10^decimals⌋. Open from the funding until the remainder is reclaimed. Held tokens
    /// are redeemed once their hold is released or cancelled (transfers are stopped: no hold executes).
    /// @custom:access PUBLIC (a holder)
    function redeem() external returns (uint256 amount);

    /// @notice Redeems each listed wallet (push): burns its tokens neither frozen nor held and pays it. Skips
    /// wallets that are frozen or hold nothing redeemable; a payment the coin refuses is skipped with
    /// `BondRedemptionFailed`.
    /// @custom:access ASSET_AGENT
    function redeemFor(address[] calldata wallets) external returns (uint256 total);

    /// @notice After max(redemption date, funding time) + claim period, sends the redemption money nobody took
    /// (dust included) to the bond's issuer; redemptions end.
    /// @custom:access ASSET_ISSUER
    function reclaimRedemption() external returns (uint256 amount);

    /* DEFAULT */

    /// @notice Declares the bond in default: stops transfers, checked mints, coupon funding and every payment out
    /// (coupon claims and pushes, redemption, reclaims).
    /// @custom:access REGULATOR (alliance-wide, so that neither the issuer nor an agent it appoints decides)
    function declareDefault(bytes32 reason) external;

    /// @notice Ends the default: payments resume; transfers resume unless the redemption is funded.
    /// @custom:access REGULATOR
    function cureDefault() external;
}

/// @title IBondHooks
/// @notice The core's internal paths, exposed by `Bond` to its own lifecycle logic only.
/// @dev `BondLifecycle` runs in the bond's context (delegatecall) and has none of the core's code: it calls these on
/// `address(this)`, so `msg.sender` is the bond itself. Any other caller is refused with `BondOnlySelf`.
interface IBondHooks {
    /// @notice The caller is not the bond itself.
    error BondOnlySelf(address caller);

    /// @notice The lifecycle logic given to the bond's constructor is not a contract.
    error BondInvalidLifecycle(address lifecycle);

    /// @notice `_snapshot()`: takes a record-date snapshot of the register.
    function bondSnapshot() external returns (uint256 snapshotId);

    /// @notice `_burnUnchecked(holder, amount)`: burns redeemed tokens (no compliance check).
    function bondBurn(address holder, uint256 amount) external;

    /// @notice `_setTransfersStopped(stopped)`: the default and the redemption stop transfers.
    function bondSetTransfersStopped(bool stopped) external;

    /// @notice `_rescheduleSnapshot(at)`: takes the scheduled snapshot if due, returns its time and id (id 0: not
    /// taken), and schedules the next one at `at` (0: none).
    function bondScheduleSnapshot(uint256 at) external returns (uint256 previousAt, uint256 previousId);
}

/// @title IBond
/// @notice A bond's complete interface: the security-token core (`ISecurityToken`), the bond's lifecycle
/// (`IBondLifecycle`, with its distributions), AccessManaged (its authority and `AccessManagedUnauthorized`) and
/// ERC-165. Read the rules in `IBondLifecycle`.
interface IBond is ISecurityToken, IBondLifecycle, IAccessManaged, IERC165 {
    /// @notice The lifecycle logic this implementation runs (`BondLifecycle`).
    function bondLifecycle() external view returns (address);
}
