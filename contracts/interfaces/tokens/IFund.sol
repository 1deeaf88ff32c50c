// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ISecurityToken} from "./ISecurityToken.sol";

/// @title IFundLifecycle
/// @notice The fund-specific functions, events, errors and structs of a fund token (see `IFund` for the rules).
/// @dev A separate interface because `FundLifecycle`, the logic contract `Fund` runs them in through its fallback,
/// implements exactly these; `type(IFundLifecycle).interfaceId` is what `supportsInterface` answers for them.
interface IFundLifecycle {
    /// @notice A fund's dealing terms (`initialize`'s `terms` are `abi.encode(FundTerms)`).
    /// @param settlementCoin The coin subscriptions are paid and redemptions settled in.
    /// @param dealingPeriod Seconds between two cut-offs (1 … 366 days).
    /// @param cutOffOffset Seconds from the unix epoch, modulo the period, to the cut-offs (`< dealingPeriod`).
    /// @param entryFeeBps Entry fee on subscriptions, in basis points of the coin paid (≤ `MAX_FEE_BPS`).
    /// @param exitFeeBps Exit fee on redemptions, in basis points of the gross proceeds (≤ `MAX_FEE_BPS`).
    /// @param feeAccount Receives the fees (non-zero whenever a fee rate is).
    /// @param minSubscription The least coin one subscription request may escrow (0: any positive amount).
    struct FundTerms {
        IERC20 settlementCoin;
        uint32 dealingPeriod;
        uint32 cutOffOffset;
        uint16 entryFeeBps;
        uint16 exitFeeBps;
        address feeAccount;
        uint96 minSubscription;
    }

    /// @notice A NAV per unit: the coin (smallest unit) one whole fund unit is worth at `valuationTime`.
    struct Nav {
        uint128 navPerUnit;
        uint48 valuationTime;
        uint48 postedAt;
    }

    enum RequestKind {
        Subscription,
        Redemption
    }

    enum RequestStatus {
        None,
        /// Escrowed, awaiting its cut-off and then dealing.
        Pending,
        /// Withdrawn by its requester before the cut-off; escrow returned.
        Cancelled,
        /// Refused by the administrator; escrow returned.
        Rejected,
        /// Dealt at a NAV.
        Dealt
    }

    /// @notice A subscription or redemption request.
    /// @param investor The requesting wallet: pays and receives.
    /// @param cutOff The cut-off of its dealing point.
    /// @param kind Subscription or redemption.
    /// @param status Where it stands.
    /// @param feeBps The entry or exit fee rate it is dealt with (the fund's rate when it was made).
    /// @param amount Escrowed: coin for a subscription, units for a redemption.
    /// @param dealtAmount Once dealt: units issued (subscription) or proceeds paid (redemption).
    /// @param navIndex Once dealt: the index of the NAV it was dealt at.
    struct Request {
        address investor;
        uint48 cutOff;
        RequestKind kind;
        RequestStatus status;
        uint16 feeBps;
        uint104 amount;
        uint104 dealtAmount;
        uint32 navIndex;
    }

    /// @notice What is pending at one dealing point.
    /// @param subscriptionCoin Coin escrowed by its pending subscriptions.
    /// @param redemptionUnits Units escrowed by its pending redemptions.
    struct DealingPoint {
        uint128 subscriptionCoin;
        uint128 redemptionUnits;
    }

    /* EVENTS */

    event FundTermsSet(FundTerms terms);
    event FeesSet(uint16 entryFeeBps, uint16 exitFeeBps, address indexed feeAccount);
    event MinSubscriptionSet(uint96 minSubscription);
    event NavPosted(uint256 indexed index, uint128 navPerUnit, uint48 valuationTime);
    event SubscriptionRequested(uint256 indexed id, address indexed investor, uint48 indexed cutOff, uint256 coin);
    event RedemptionRequested(uint256 indexed id, address indexed investor, uint48 indexed cutOff, uint256 units);
    event RequestCancelled(uint256 indexed id, address indexed investor);
    event RequestRejected(uint256 indexed id, address indexed investor, bytes32 reason);
    /// @param cost Coin kept by the fund as cash for the units.
    /// @param refund Coin returned to the investor (rounding remainder, or everything when no unit was bought).
    event SubscriptionDealt(
        uint256 indexed id,
        address indexed investor,
        uint256 indexed navIndex,
        uint256 coin,
        uint256 fee,
        uint256 units,
        uint256 cost,
        uint256 refund
    );
    /// @param gross Coin taken from the fund's cash (`proceeds + fee`).
    event RedemptionDealt(
        uint256 indexed id,
        address indexed investor,
        uint256 indexed navIndex,
        uint256 units,
        uint256 gross,
        uint256 fee,
        uint256 proceeds
    );
    /// @notice Fees of one dealing batch paid to the fee account.
    event FeesPaid(address indexed feeAccount, uint256 amount);
    event CashDeposited(address indexed from, uint256 amount, uint256 cash);
    event CashWithdrawn(address indexed to, uint256 amount, uint256 cash);

    /* ERRORS */

    error FundInvalidTerms(FundTerms terms);
    error FundFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    error FundInvalidFeeAccount(address feeAccount);
    error FundInvalidNav(uint256 navPerUnit);
    error FundNavNotAfterPrevious(uint48 valuationTime, uint48 previousValuationTime);
    error FundNavInFuture(uint48 valuationTime, uint256 currentTime);
    error FundNavNotFound(uint256 index, uint256 navCount);
    error FundBelowMinSubscription(uint256 coin, uint256 minSubscription);
    error FundInvalidAmount(uint256 amount);
    error FundAmountTooLarge(uint256 amount, uint256 max);
    /// @param code The ERC-1404 code that refuses issuing units to `investor`.
    error FundInvestorNotEligible(address investor, uint8 code);
    error FundUnknownRequest(uint256 id);
    error FundRequestNotPending(uint256 id, RequestStatus status);
    error FundNotRequester(uint256 id, address caller, address investor);
    error FundCutOffPassed(uint256 id, uint48 cutOff, uint256 currentTime);
    error FundWrongRequestKind(uint256 id, RequestKind kind);
    error FundNoDealingNav(uint256 id, uint48 cutOff);
    error FundInsufficientCash(uint256 cash, uint256 needed);

    /* TERMS */

    /// @notice The highest entry or exit fee rate, in basis points (10 %).
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice The fund's dealing terms.
    function fundTerms() external view returns (FundTerms memory);

    /// @notice The coin subscriptions are paid and redemptions settled in.
    function settlementCoin() external view returns (IERC20);

    /// @notice Sets the fee rates and the fee account; pending requests keep the rates they were made with.
    /// @dev Reverts with `FundFeeTooHigh` above `MAX_FEE_BPS` and `FundInvalidFeeAccount` for a zero account while
    /// a rate is non-zero.
    /// @custom:access ASSET_ISSUER
    function setFees(uint16 entryFeeBps, uint16 exitFeeBps, address feeAccount) external;

    /// @notice Sets the least coin a subscription request may escrow (pending requests are not affected).
    /// @custom:access ASSET_ISSUER
    function setMinSubscription(uint96 minSubscription) external;

    /* NAV */

    /// @notice Posts the NAV per unit valued at `valuationTime`.
    /// @dev Reverts with `FundInvalidNav` for zero, `FundNavNotAfterPrevious` unless `valuationTime` is later than
    /// the last NAV's, and `FundNavInFuture` when `valuationTime > block.timestamp`.
    /// @return index The NAV's index in the history.
    /// @custom:access ASSET_ADMINISTRATOR
    function postNav(uint128 navPerUnit, uint48 valuationTime) external returns (uint256 index);

    /// @notice How many NAVs were posted.
    function navCount() external view returns (uint256);

    /// @notice The NAV at `index` (reverts with `FundNavNotFound` past the end).
    function navAt(uint256 index) external view returns (Nav memory);

    /// @notice The last NAV posted (reverts with `FundNavNotFound` before the first).
    function latestNav() external view returns (Nav memory);

    /// @notice The NAV that deals the dealing point of `cutOff`: the first valued at or after it.
    /// @return found False while no NAV is valued that late.
    function dealingNavOf(uint48 cutOff) external view returns (bool found, uint256 index, Nav memory nav);

    /* DEALING POINTS */

    /// @notice The cut-off of the dealing point a request made at `time` joins.
    function cutOffOf(uint256 time) external view returns (uint48);

    /// @notice The cut-off of the dealing point a request made now joins.
    function nextCutOff() external view returns (uint48);

    /// @notice What is pending at the dealing point of `cutOff`.
    function dealingPoint(uint48 cutOff) external view returns (DealingPoint memory);

    /* REQUESTS */

    /// @notice Escrows `coin` of the caller's settlement coin (approved to the fund) to subscribe at the next
    /// dealing point.
    /// @dev Reverts with `FundInvalidAmount` for zero, `FundBelowMinSubscription`, `FundAmountTooLarge` beyond
    /// `type(uint104).max`, and `FundInvestorNotEligible` when the token would refuse to issue units to the caller
    /// now (the token's ERC-1404 check of a mint to the caller of zero units: balance caps are enforced at
    /// dealing), and `SecurityTokenPaused` while paused.
    /// @return id The request's id.
    /// @custom:access anyone (not restricted: the caller's own coin)
    function requestSubscription(uint256 coin) external returns (uint256 id);

    /// @notice Escrows `units` of the caller's units in the fund to redeem them at the next dealing point.
    /// @dev Reverts with `FundInvalidAmount` for zero, and with the errors a transfer of the units would revert
    /// with for the token's own restrictions, decided in the same place: `SecurityTokenPaused`,
    /// `SecurityTokenTransfersStopped`, `SecurityTokenAddressFrozen` (the caller, or the fund's own address),
    /// `ERC20InsufficientBalance` beyond the balance and `SecurityTokenInsufficientUnfrozenBalance` beyond the
    /// balance neither frozen nor held for a settlement (`IHoldable`). The compliance pipeline is not asked: a
    /// redemption is a transaction with the fund at its next NAV, not a trade between investors, so the market's
    /// rules — trading halts, the lock-up, trading hours, the eligibility and caps of a recipient, external rules
    /// written for transfers between investors — do not apply, and an investor who has lost its eligibility can
    /// still exit. The administrator governs redemptions itself: pause or stop (a suspension), freezes, and
    /// `rejectRequests` (a gate).
    /// @return id The request's id.
    /// @custom:access anyone (not restricted: the caller's own units)
    function requestRedemption(uint256 units) external returns (uint256 id);

    /// @notice Cancels the caller's pending request `id` before its cut-off and returns its escrow.
    /// @dev Reverts with `FundUnknownRequest`, `FundNotRequester`, `FundRequestNotPending`, `FundCutOffPassed`
    /// (from the cut-off on) and `SecurityTokenPaused` while paused.
    /// @custom:access anyone (not restricted; only the requester succeeds: `FundNotRequester`)
    function cancelRequest(uint256 id) external;

    /// @notice Refuses pending requests and returns their escrow (e.g. an investor no longer eligible).
    /// @custom:access ASSET_ADMINISTRATOR
    function rejectRequests(uint256[] calldata ids, bytes32 reason) external;

    /// @notice Deals pending subscriptions whose dealing NAV is posted: mints their units (through compliance),
    /// keeps their cost as cash, refunds their remainder, and pays the batch's fees to the fee account.
    /// @custom:access ASSET_ADMINISTRATOR
    function dealSubscriptions(uint256[] calldata ids) external;

    /// @notice Deals pending redemptions whose dealing NAV is posted: burns their escrowed units, pays their
    /// proceeds from the fund's cash, and pays the batch's fees to the fee account.
    /// @dev Reverts with `FundInsufficientCash` when the fund's cash does not cover the batch's gross amount.
    /// @custom:access ASSET_ADMINISTRATOR
    function dealRedemptions(uint256[] calldata ids) external;

    /// @notice The request `id` (reverts with `FundUnknownRequest` for an id never issued).
    function requestOf(uint256 id) external view returns (Request memory);

    /// @notice How many requests were made (ids run from 1 to this).
    function requestCount() external view returns (uint256);

    /// @notice How many requests `investor` has made.
    function requestCountOf(address investor) external view returns (uint256);

    /// @notice Up to `limit` of `investor`'s request ids, oldest first, from position `offset`.
    function requestsOf(address investor, uint256 offset, uint256 limit) external view returns (uint256[] memory);

    /* CASH */

    /// @notice Deposits `amount` of the caller's coin (approved to the fund) into the fund's cash, e.g. to meet
    /// redemptions.
    /// @custom:access ASSET_ADMINISTRATOR
    function depositCash(uint256 amount) external;

    /// @notice Pays `amount` of the fund's cash to `to`, e.g. the portfolio's custody account to invest.
    /// @dev Reverts with `FundInsufficientCash` beyond `cash()`.
    /// @custom:access ASSET_ISSUER
    function withdrawCash(address to, uint256 amount) external;

    /// @notice The fund's cash: coin it holds besides the subscription escrow.
    function cash() external view returns (uint256);

    /// @notice The coin of pending subscriptions, held in escrow.
    function subscriptionEscrow() external view returns (uint256);

    /// @notice How a subscription of `coin` would be dealt at `navPerUnit` with the current entry fee.
    function previewSubscription(
        uint256 coin,
        uint128 navPerUnit
    ) external view returns (uint256 fee, uint256 units, uint256 cost, uint256 refund);

    /// @notice How a redemption of `units` would be dealt at `navPerUnit` with the current exit fee.
    function previewRedemption(
        uint256 units,
        uint128 navPerUnit
    ) external view returns (uint256 gross, uint256 fee, uint256 proceeds);
}

/// @title IFundHooks
/// @notice The core's internal balance paths, exposed by `Fund` to its own lifecycle logic only.
/// @dev `FundLifecycle` runs in the fund's context (delegatecall) and has none of the core's code: it calls these on
/// `address(this)`, so `msg.sender` is the fund itself. Any other caller is refused with `FundOnlySelf`.
interface IFundHooks {
    /// @notice The caller is not the fund itself.
    error FundOnlySelf(address caller);

    /// @notice The lifecycle logic given to the fund's constructor is not a contract.
    error FundInvalidLifecycle(address lifecycle);

    /// @notice `_mintChecked(to, amount)`: issues units through the compliance pipeline.
    function fundMint(address to, uint256 amount) external;

    /// @notice `_burnUnchecked(address(this), amount)`: burns escrowed units.
    function fundBurnEscrow(uint256 amount) external;

    /// @notice `_moveUnchecked(from, to, amount)` where `from` or `to` is the fund: escrows units or returns them.
    function fundMoveEscrow(address from, address to, uint256 amount) external;
}

/// @title IFund
/// @notice Fund units: a security token whose units are issued and redeemed at a net asset value (NAV) per unit
/// posted by the fund administrator, against the fund's settlement coin.
///
/// **Dealing rule (forward pricing).** Cut-offs are the instants `cutOffOffset + k × dealingPeriod` (unix seconds,
/// `k` natural), e.g. period 86,400 and offset 57,600: every day at 16:00 UTC. A request made at block time `t`
/// belongs to the dealing point of the first cut-off strictly after `t` (a request made exactly at a cut-off
/// belongs to the next one). Its requester may cancel it while `block.timestamp < cutOff`; from the cut-off on it
/// waits for dealing. It is dealt at the first NAV whose valuation time is at or after its cut-off. A NAV is
/// never valued in the future (`valuationTime ≤ block.timestamp` when posted), so every request is dealt at a
/// price unknown when it was made and when it could last be cancelled.
///
/// **Subscriptions.** The investor escrows coin in the fund (`requestSubscription`, after approving the fund on
/// the coin). At dealing, with `scale = 10 ** decimals()`:
/// `fee = ⌊coin × entryFeeBps / 10,000⌋`, `units = ⌊(coin − fee) × scale / nav⌋`,
/// `cost = ⌈units × nav / scale⌉` (kept as the fund's cash), `refund = coin − fee − cost` (returned to the
/// investor in the same step): `coin = fee + cost + refund`, exactly. A subscription too small to buy one smallest
/// unit is dealt with no units and no fee, and refunded in full. The units are minted through the compliance
/// pipeline (`to` must be eligible then as when requesting).
///
/// **Redemptions.** The investor escrows units in the fund's own address (`requestRedemption`). At dealing:
/// `gross = ⌊units × nav / scale⌋` (taken from the fund's cash), `fee = ⌊gross × exitFeeBps / 10,000⌋`,
/// `proceeds = gross − fee` (paid to the investor); the escrowed units are burned. The sub-coin-unit remainder
/// `units × nav − gross × scale` (less than `scale`) stays with the fund.
///
/// **Cash.** The fund's coin balance is the subscription escrow (`subscriptionEscrow()`, coin of pending
/// subscriptions) plus the fund's cash (`cash()`): dealt subscriptions' cost flows in, the administrator deposits
/// coin to meet redemptions (`depositCash`), the issuer withdraws coin to invest (`withdrawCash`), and
/// redemptions' gross flows out. Fees are paid to the fee account once per dealing batch. Every flow emits an
/// event.
///
/// Fee rates are fixed per request when it is made (a later `setFees` does not reach pending requests).
///
/// While the token is paused, investors can neither request nor cancel; the administrator still deals and
/// rejects, as agents' functions keep working. A redemption request is held to the token's own restrictions
/// (pause, stop, freezes, balance neither frozen nor held), not to the market's (halts, lock-up, external rules): see
/// `requestRedemption`.
///
/// @dev Invariants (test/tokens/security/Fund*.test.ts):
/// - F1: `settlementCoin().balanceOf(fund) ≥ subscriptionEscrow() + cash()` (equal unless coin was sent to the
///   fund outside its functions; such coin belongs to neither).
/// - F2: `subscriptionEscrow()` equals the sum of the coin of pending subscriptions, and the sum over dealing
///   points of `dealingPoint(c).subscriptionCoin`.
/// - F3: `balanceOf(address(this))` equals the sum of the units of pending redemptions, and the sum over dealing
///   points of `dealingPoint(c).redemptionUnits`.
/// - F4: a dealt subscription satisfies `coin = fee + cost + refund` and
///   `cost × scale − scale < units × nav ≤ cost × scale`; a dealt redemption satisfies
///   `units × nav = (proceeds + fee) × scale + dust` with `0 ≤ dust < scale`.
/// - F5: NAV valuation times strictly increase, and each is at most the time it was posted.
/// - F6: a request is dealt only at the first NAV valued at or after its cut-off, is cancelled only before its
///   cut-off and only by its requester, and leaves `Pending` exactly once.
// solhint-disable-next-line no-empty-blocks
interface IFund is ISecurityToken, IFundLifecycle, IAccessManaged, IERC165 {}
