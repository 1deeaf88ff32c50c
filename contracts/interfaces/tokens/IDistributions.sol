// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IDistributions
/// @notice Pro-rata payments in a settlement coin to the holders of a token at a record-date snapshot: cash
/// dividends of an equity, coupons and redemption proceeds of a bond. A distribution is declared and funded in one
/// step (the coin is pulled from the declarer into the token); each holder's entitlement is fixed by its balance at
/// the snapshot:
///
///     entitlement(holder) = balanceAt(holder, snapshot) × funded / eligibleSupply   (rounded down)
///     eligibleSupply      = totalSupplyAt(snapshot) − balanceAt(token itself, snapshot)
///
/// A holder claims its own entitlement (each wallet of an investor claims for itself), or the asset's agent pushes
/// payments to a batch of holders; both end at the claim deadline. After the deadline whatever was not paid —
/// unclaimed entitlements and the rounding dust — returns to the asset's issuer at that time (the alliance
/// authority's `issuerOf`, which the alliance may have changed since the asset was issued).
///
/// An agent's `recoveryAddress(lost, new, ·)` on the token forwards every unpaid entitlement of `lost` to `new`, in
/// the same transaction (`recordRecovery`): `new` claims it with `claimFor(id, lost)`, a push of `lost` pays `new`,
/// and `lost` is never paid again.
/// @dev Invariants (each tested in test/tokens/extensions/):
/// - P1: a distribution never pays out more than it was funded with: `paid ≤ funded` at all times.
/// - P2: a holder is paid at most once per distribution, exactly its entitlement.
/// - P3: after reclaim, `paid + returned == funded`, where `returned = unclaimed entitlements + dust` and
///   `dust = funded − Σ entitlements` (0 ≤ dust < number of holders at the snapshot). When every holder was paid
///   (`paidSupply == eligibleSupply`) the amount returned is exactly the dust.
/// - P4: the coin held by the token for distributions equals Σ (funded − paid) over the distributions not yet
///   reclaimed.
/// - P5: nothing is paid, declared or reclaimed while payments are stopped (a bond in default, an equity while a
///   split rebuilds its register).
/// - P6: once `lost` was recovered to `new`, `lost`'s entitlements (of distributions declared before or after) are
///   paid to `payeeOf(lost)` — `new`, or the end of the chain when `new` was recovered in turn — and to no other
///   wallet; each still at most once (P2, keyed by the snapshot holder). A wallet recovered onto forwards nowhere, so
///   chains end.
interface IDistributions {
    /// @notice A distribution as recorded on declaration and updated by payments.
    /// @param funded Coin pulled in on declaration: the amount shared out pro rata.
    /// @param paid Coin paid to holders so far.
    /// @param eligibleSupply Token supply at the snapshot minus the token's own balance at the snapshot.
    /// @param paidSupply Σ snapshot balances of the holders paid so far (so `eligibleSupply − paidSupply` did not
    /// claim).
    /// @param deadline Last second (unix time) at which holders may claim and the agent may push.
    /// @param snapshotId The record-date snapshot of the token.
    /// @param declaredAt When it was declared.
    /// @param kind Product-defined tag (an equity's cash dividend, a bond's coupon or redemption…).
    /// @param reclaimed Whether what was left has returned to the issuer (the distribution is closed).
    /// @param funder Who declared and funded it.
    struct Distribution {
        uint128 funded;
        uint128 paid;
        uint104 eligibleSupply;
        uint104 paidSupply;
        uint48 deadline;
        uint32 snapshotId;
        uint48 declaredAt;
        uint8 kind;
        bool reclaimed;
        address funder;
    }

    /* EVENTS */

    /// @notice A distribution was declared and `amount` of the settlement coin pulled in from `funder`.
    event DistributionDeclared(
        uint256 indexed id,
        uint8 indexed kind,
        uint256 indexed snapshotId,
        address funder,
        uint256 amount,
        uint256 eligibleSupply,
        uint48 deadline
    );
    /// @notice `holder`'s entitlement `amount` was paid to `to` (by a claim or the agent's push): `holder` itself, or
    /// the wallet it was recovered to (`payeeOf`).
    event DistributionPaid(uint256 indexed id, address indexed holder, address indexed to, uint256 amount);
    /// @notice A pushed payment of `amount` to `holder` was refused by the settlement coin (the holder frozen or
    /// not eligible there): the holder stays unpaid and may claim later.
    event DistributionPaymentFailed(uint256 indexed id, address indexed holder, uint256 amount);
    /// @notice After the deadline, `amount` (unclaimed entitlements + rounding dust) returned to `to`, the issuer;
    /// `unclaimedSupply` is the snapshot balance whose holders were never paid (0: `amount` is exactly the dust).
    event DistributionReclaimed(uint256 indexed id, address indexed to, uint256 amount, uint256 unclaimedSupply);
    /// @notice `lostWallet` was recovered to `newWallet`: its unpaid entitlements are paid to `newWallet` from now on
    /// (and `newWallet`, if it was once recorded lost, is live again).
    event EntitlementsForwarded(address indexed lostWallet, address indexed newWallet);

    /* ERRORS */

    error DistributionsUnknownDistribution(uint256 id);
    /// @notice A declared amount of zero, or beyond `type(uint128).max`.
    error DistributionsInvalidAmount(uint256 amount);
    error DistributionsInvalidDeadline(uint48 deadline, uint256 currentTime);
    error DistributionsNoEligibleSupply(uint256 snapshotId);
    /// @notice The coin delivered less than the declared amount (a coin charging transfer fees).
    error DistributionsFundingShortfall(uint256 expected, uint256 received);
    error DistributionsPaymentsStopped();
    error DistributionsClaimPeriodOver(uint256 id, uint48 deadline, uint256 currentTime);
    error DistributionsClaimPeriodNotOver(uint256 id, uint48 deadline, uint256 currentTime);
    error DistributionsAlreadyPaid(uint256 id, address holder);
    error DistributionsNothingToClaim(uint256 id, address holder);
    error DistributionsAlreadyReclaimed(uint256 id);
    /// @notice Paying would take a distribution beyond its funding (P1): the snapshot balances are inconsistent.
    error DistributionsOverpaid(uint256 id, uint256 paidAfter, uint256 funded);
    /// @notice `caller` claimed `holder`'s entitlement, which is paid to `payee` alone (`holder` itself, or the wallet
    /// it was recovered to): a lost wallet claiming, or a wallet claiming for another.
    error DistributionsNotPayee(address holder, address caller, address payee);
    /// @notice `recordRecovery` was called by `caller`, not by the token itself.
    error DistributionsOnlySelf(address caller);

    /* PAYMENTS */

    /// @notice Pays the caller its entitlement in distribution `id` (`claimFor(id, caller)`).
    /// @dev Reverts with the coin's own error when the coin refuses the caller (frozen or not eligible there), and
    /// with `DistributionsNotPayee` when the caller is a wallet recovered to another.
    /// @return amount What was paid.
    /// @custom:access anyone holding at the snapshot (each wallet claims for itself)
    function claim(uint256 id) external returns (uint256 amount);

    /// @notice Pays `holder`'s entitlement in distribution `id` to its payee (`payeeOf(holder)`), who must be the
    /// caller: the wallet a lost wallet was recovered to claims what the lost wallet was owed.
    /// @return amount What was paid.
    /// @custom:access `payeeOf(holder)`
    function claimFor(uint256 id, address holder) external returns (uint256 amount);

    /// @notice Records that `lostWallet` was recovered to `newWallet`: `lostWallet`'s entitlements are paid to
    /// `newWallet` from now on, and `newWallet`'s own record (if it was once lost) is cleared. Emits
    /// `EntitlementsForwarded`.
    /// @dev Called by the token on itself in the transaction of `recoveryAddress`, which has checked both wallets.
    /// @custom:access the token itself
    function recordRecovery(address lostWallet, address newWallet) external;

    /// @notice Pays each listed holder its entitlement in distribution `id`, skipping holders already paid, holders
    /// with nothing due and the token itself; a payment the coin refuses is skipped with
    /// `DistributionPaymentFailed` (the holder may claim later). Call in batches.
    /// @return total What was paid in this call.
    /// @custom:access ASSET_AGENT
    function pushPayments(uint256 id, address[] calldata holders) external returns (uint256 total);

    /// @notice After the deadline, returns what distribution `id` did not pay (unclaimed entitlements and rounding
    /// dust) to the issuer, and closes it.
    /// @return amount What was returned.
    /// @custom:access ASSET_ISSUER
    function reclaimUnclaimed(uint256 id) external returns (uint256 amount);

    /* VIEWS */

    /// @notice The coin distributions are paid in.
    function settlementCoin() external view returns (IERC20);

    /// @notice How many distributions were declared; ids run from 1 to this number.
    function distributionCount() external view returns (uint256);

    /// @notice Distribution `id` (reverts when unknown).
    function distribution(uint256 id) external view returns (Distribution memory);

    /// @notice `holder`'s entitlement in distribution `id`, paid or not (0 for the token itself).
    function entitlementOf(uint256 id, address holder) external view returns (uint256);

    /// @notice Whether `holder` was paid in distribution `id`.
    function isPaid(uint256 id, address holder) external view returns (bool);

    /// @notice The wallet `holder`'s entitlements are paid to: `holder` itself, or the end of its chain of
    /// recoveries.
    function payeeOf(address holder) external view returns (address);

    /// @notice What `holder` could be paid now in distribution `id`: its entitlement while unpaid, before the
    /// deadline and with payments running; 0 otherwise.
    function claimableOf(uint256 id, address holder) external view returns (uint256);
}
