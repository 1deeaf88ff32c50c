// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDistributions} from "../../interfaces/tokens/IDistributions.sol";

/// @title Distributions
/// @notice Pro-rata payments in a settlement coin against a record-date snapshot (see `IDistributions`): an
/// equity's cash dividends, a bond's coupons and redemption proceeds.
/// @dev Invariants P1–P5 are stated in `IDistributions`. A product declares with `_declareDistribution` from its
/// own restricted function (`declareDividend`, `payCoupon`…) and supplies the five hooks below. What an override
/// must never break:
/// - `_distributionBalanceOf(holder, s)` and `_distributionSupply(s)` never change once snapshot `s` exists, and
///   Σ holders' `_distributionBalanceOf(·, s)` = `_distributionSupply(s)` (else P1 is enforced by
///   `DistributionsOverpaid` reverting, not by arithmetic); both fit in 104 bits.
/// - `_settlementCoin()` never changes while a distribution is open: the token pays out of its own balance of
///   that coin.
/// - `_distributionIssuer()` is where unpaid coin returns after the deadline: the asset's issuer at the time of the
///   reclaim (the alliance authority's `issuerOf`), not the one named at initialization.
/// - `_paymentsStopped()` stops declaring, claiming, pushing and reclaiming (P5).
///
/// A product whose corporate actions run in a logic contract behind its fallback (`EquityLifecycle`) inherits this
/// there and answers the hooks through `ISecurityToken(address(this))`: the logic runs as the token.
///
/// Storage: ERC-7201 namespace `assetledger.storage.Distributions`; each distribution takes three slots (the
/// `IDistributions.Distribution` struct); a holder's paid flags are bits of one word per 256 distributions, so
/// only its first payment writes a slot from zero.
///
/// Recovery (P6): the product calls `recordRecovery(lost, new)` on itself in the transaction of the core's
/// `recoveryAddress`; from then on every entitlement of `lost`, in distributions declared before or after, is paid
/// to `new` (or to where `new` was recovered to in turn), by `new`'s `claimFor(id, lost)` or the agent's push, and
/// never to `lost`. Entitlements stay keyed by the snapshot holder, so each is paid once.
///
/// Gas: a claim reads the distribution's three slots, the holder's recovery record (one cold slot, ≈ 2.1 k; one
/// more per link of a chain), its snapshot balance and its flag, writes the flag and the running totals, and makes
/// one coin transfer. A push pays each holder for its recovery record, its snapshot balance, its flag and the coin
/// transfer; the totals are written once per batch.
abstract contract Distributions is AccessManagedUpgradeable, IDistributions {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:assetledger.storage.Distributions
    struct DistributionsStorage {
        /// @dev The last id given; ids start at 1.
        uint256 count;
        mapping(uint256 id => Distribution) distributions;
        /// @dev Bit `id % 256` of word `id / 256`: whether `holder` was paid in distribution `id`. A holder's word is
        /// written from zero once per 256 distributions; later payments flip a bit in a word already written.
        mapping(address holder => mapping(uint256 word => uint256 bits)) paid;
        /// @dev The wallet a lost wallet was recovered to (`recordRecovery`); zero for a wallet never recovered, or
        /// recovered onto again since (P6).
        mapping(address lostWallet => address newWallet) recoveredTo;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.Distributions")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _DISTRIBUTIONS_STORAGE_LOCATION =
        0x95a01ce93052aa486bd6541f5bfa157ed72d31838967b5405f00735a04d72700;

    /* PAYMENTS */

    /// @inheritdoc IDistributions
    function claim(uint256 id) external returns (uint256 amount) {
        return _claim(id, _msgSender());
    }

    /// @inheritdoc IDistributions
    function claimFor(uint256 id, address holder) external returns (uint256 amount) {
        return _claim(id, holder);
    }

    /// @inheritdoc IDistributions
    function recordRecovery(address lostWallet, address newWallet) public virtual {
        require(msg.sender == address(this), DistributionsOnlySelf(msg.sender));
        DistributionsStorage storage $ = _getDistributionsStorage();
        // The new wallet is its investor's live wallet again (the registry linked it): it forwards nowhere, so no
        // chain of records can loop (P6).
        delete $.recoveredTo[newWallet];
        $.recoveredTo[lostWallet] = newWallet;
        emit EntitlementsForwarded(lostWallet, newWallet);
    }

    /// @inheritdoc IDistributions
    function pushPayments(uint256 id, address[] calldata holders) external restricted returns (uint256 total) {
        DistributionsStorage storage $ = _getDistributionsStorage();
        Distribution storage d = _openDistribution($, id);
        uint256 paidBefore = d.paid;
        uint256 supplyPaid;
        for (uint256 i; i < holders.length; ++i) {
            (uint256 amount, uint256 balance) = _pushOne($, d, id, holders[i], paidBefore + total);
            // Cannot overflow: `total` stays ≤ funded < 2^128 (`_pushOne` checks P1) and each snapshot balance is
            // below 2^104 (the core's supply cap), so `supplyPaid` stays far below 2^256 for any batch.
            unchecked {
                total += amount;
                supplyPaid += balance;
            }
        }
        if (total != 0) _recordPaid(d, id, total, supplyPaid);
    }

    /// @inheritdoc IDistributions
    function reclaimUnclaimed(uint256 id) external restricted returns (uint256 amount) {
        Distribution storage d = _existingDistribution(_getDistributionsStorage(), id);
        require(!d.reclaimed, DistributionsAlreadyReclaimed(id));
        require(!_paymentsStopped(), DistributionsPaymentsStopped());
        uint48 deadline = d.deadline;
        require(block.timestamp > deadline, DistributionsClaimPeriodNotOver(id, deadline, block.timestamp));
        d.reclaimed = true;
        // Cannot underflow: `paid ≤ funded` always holds (P1, enforced by `_recordPaid`).
        unchecked {
            amount = uint256(d.funded) - d.paid;
        }
        address to = _distributionIssuer();
        if (amount != 0) _settlementCoin().safeTransfer(to, amount);
        emit DistributionReclaimed(id, to, amount, uint256(d.eligibleSupply) - d.paidSupply);
    }

    /* VIEWS */

    /// @inheritdoc IDistributions
    function settlementCoin() public view returns (IERC20) {
        return _settlementCoin();
    }

    /// @inheritdoc IDistributions
    function distributionCount() external view returns (uint256) {
        return _getDistributionsStorage().count;
    }

    /// @inheritdoc IDistributions
    function distribution(uint256 id) external view returns (Distribution memory) {
        return _existingDistribution(_getDistributionsStorage(), id);
    }

    /// @inheritdoc IDistributions
    function entitlementOf(uint256 id, address holder) public view returns (uint256) {
        Distribution storage d = _existingDistribution(_getDistributionsStorage(), id);
        return _entitlement(d, _snapshotBalance(d, holder));
    }

    /// @inheritdoc IDistributions
    function isPaid(uint256 id, address holder) external view returns (bool) {
        DistributionsStorage storage $ = _getDistributionsStorage();
        _existingDistribution($, id);
        return _isPaid($, id, holder);
    }

    /// @inheritdoc IDistributions
    function payeeOf(address holder) external view returns (address) {
        return _payee(_getDistributionsStorage(), holder);
    }

    /// @inheritdoc IDistributions
    function claimableOf(uint256 id, address holder) external view returns (uint256) {
        DistributionsStorage storage $ = _getDistributionsStorage();
        Distribution storage d = _existingDistribution($, id);
        if (_isPaid($, id, holder) || block.timestamp > d.deadline || _paymentsStopped()) return 0;
        return _entitlement(d, _snapshotBalance(d, holder));
    }

    /* FOR PRODUCTS */

    /// @dev Declares a distribution of `amount` of the settlement coin to the holders at `snapshotId`, claimable
    /// until `deadline`, and pulls `amount` from the caller (who must have approved the token). The product checks
    /// that `snapshotId` exists and restricts its own declaring function. Emits `DistributionDeclared`.
    function _declareDistribution(
        uint8 kind,
        uint256 snapshotId,
        uint256 amount,
        uint48 deadline
    ) internal returns (uint256 id) {
        require(!_paymentsStopped(), DistributionsPaymentsStopped());
        require(amount != 0 && amount <= type(uint128).max, DistributionsInvalidAmount(amount));
        require(deadline > block.timestamp, DistributionsInvalidDeadline(deadline, block.timestamp));
        uint256 eligibleSupply = _eligibleSupplyAt(snapshotId);
        require(eligibleSupply != 0, DistributionsNoEligibleSupply(snapshotId));

        DistributionsStorage storage $ = _getDistributionsStorage();
        address funder = _msgSender();
        id = ++$.count;
        Distribution storage d = $.distributions[id];
        d.funded = uint128(amount); // checked above
        d.eligibleSupply = eligibleSupply.toUint104();
        d.deadline = deadline;
        d.snapshotId = snapshotId.toUint32();
        d.declaredAt = uint48(block.timestamp);
        d.kind = kind;
        d.funder = funder;

        IERC20 coin = _settlementCoin();
        uint256 balanceBefore = coin.balanceOf(address(this));
        coin.safeTransferFrom(funder, address(this), amount);
        uint256 received = coin.balanceOf(address(this)) - balanceBefore;
        require(received == amount, DistributionsFundingShortfall(amount, received));
        emit DistributionDeclared(id, kind, snapshotId, funder, amount, eligibleSupply, deadline);
    }

    /// @dev The supply entitled at `snapshotId`: the supply then, less the token's own balance then (escrow).
    function _eligibleSupplyAt(uint256 snapshotId) internal view returns (uint256) {
        return _distributionSupply(snapshotId) - _distributionBalanceOf(address(this), snapshotId);
    }

    /* HOOKS (see the contract's @dev for what an override must keep) */

    /// @dev `holder`'s balance at snapshot `snapshotId`.
    function _distributionBalanceOf(address holder, uint256 snapshotId) internal view virtual returns (uint256);

    /// @dev The token's total supply at snapshot `snapshotId`.
    function _distributionSupply(uint256 snapshotId) internal view virtual returns (uint256);

    /// @dev The coin distributions are funded and paid in.
    function _settlementCoin() internal view virtual returns (IERC20);

    /// @dev Whether payments are stopped (nothing declared, paid or reclaimed).
    function _paymentsStopped() internal view virtual returns (bool);

    /// @dev Where unpaid coin returns after a distribution's deadline: the asset's issuer now.
    function _distributionIssuer() internal view virtual returns (address);

    /* INTERNAL */

    /// @dev Pays `holder`'s entitlement in distribution `id` to its payee, which must be the caller.
    function _claim(uint256 id, address holder) private returns (uint256 amount) {
        DistributionsStorage storage $ = _getDistributionsStorage();
        Distribution storage d = _openDistribution($, id);
        address payee = _payee($, holder);
        address caller = _msgSender();
        require(payee == caller, DistributionsNotPayee(holder, caller, payee));
        require(!_isPaid($, id, holder), DistributionsAlreadyPaid(id, holder));
        uint256 balance = _snapshotBalance(d, holder);
        amount = _entitlement(d, balance);
        require(amount != 0, DistributionsNothingToClaim(id, holder));
        _setPaid($, id, holder, true);
        _recordPaid(d, id, amount, balance);
        _settlementCoin().safeTransfer(payee, amount);
        emit DistributionPaid(id, holder, payee, amount);
    }

    /// @dev The wallet `holder`'s entitlements are paid to: the end of its chain of recoveries (itself if never
    /// recovered). The chain ends: each record points to a wallet whose own record was cleared (P6).
    function _payee(DistributionsStorage storage $, address holder) private view returns (address) {
        address next = $.recoveredTo[holder];
        while (next != address(0)) {
            holder = next;
            next = $.recoveredTo[holder];
        }
        return holder;
    }

    function _existingDistribution(
        DistributionsStorage storage $,
        uint256 id
    ) private view returns (Distribution storage d) {
        d = $.distributions[id];
        require(d.funded != 0, DistributionsUnknownDistribution(id));
    }

    /// @dev A distribution that pays now: known, payments running, deadline not passed (so not reclaimed).
    function _openDistribution(
        DistributionsStorage storage $,
        uint256 id
    ) private view returns (Distribution storage d) {
        d = _existingDistribution($, id);
        require(!_paymentsStopped(), DistributionsPaymentsStopped());
        uint48 deadline = d.deadline;
        require(block.timestamp <= deadline, DistributionsClaimPeriodOver(id, deadline, block.timestamp));
    }

    /// @dev The token itself is never entitled: its balance at the snapshot is left out of the eligible supply.
    function _snapshotBalance(Distribution storage d, address holder) private view returns (uint256) {
        if (holder == address(this)) return 0;
        return _distributionBalanceOf(holder, d.snapshotId);
    }

    function _entitlement(Distribution storage d, uint256 balance) private view returns (uint256) {
        if (balance == 0) return 0;
        return Math.mulDiv(balance, d.funded, d.eligibleSupply);
    }

    /// @dev Pays `holder` within a push, unless already paid or owed nothing; a payment the coin refuses is undone
    /// and reported. Returns what was paid and the snapshot balance it paid for (both 0 when skipped).
    function _pushOne(
        DistributionsStorage storage $,
        Distribution storage d,
        uint256 id,
        address holder,
        uint256 paidSoFar
    ) private returns (uint256 amount, uint256 balance) {
        if (_isPaid($, id, holder)) return (0, 0);
        address payee = _payee($, holder);
        balance = _snapshotBalance(d, holder);
        amount = _entitlement(d, balance);
        if (amount == 0) return (0, 0);
        // P1 before any coin moves (`_recordPaid` checks it again against the stored total).
        uint256 funded = d.funded;
        require(paidSoFar + amount <= funded, DistributionsOverpaid(id, paidSoFar + amount, funded));
        // Flag first, so that a coin calling back cannot have the holder paid twice.
        _setPaid($, id, holder, true);
        if (!_settlementCoin().trySafeTransfer(payee, amount)) {
            _setPaid($, id, holder, false);
            emit DistributionPaymentFailed(id, holder, amount);
            return (0, 0);
        }
        emit DistributionPaid(id, holder, payee, amount);
    }

    /// @dev Adds a payment of `amount` for `supply` snapshot units to the totals, enforcing P1.
    function _recordPaid(Distribution storage d, uint256 id, uint256 amount, uint256 supply) private {
        uint256 funded = d.funded;
        uint256 paidAfter = d.paid + amount;
        require(paidAfter <= funded, DistributionsOverpaid(id, paidAfter, funded));
        d.paid = uint128(paidAfter); // ≤ funded < 2^128
        d.paidSupply = (d.paidSupply + supply).toUint104();
    }

    function _isPaid(DistributionsStorage storage $, uint256 id, address holder) private view returns (bool) {
        return $.paid[holder][id >> 8] & (1 << (id & 0xff)) != 0;
    }

    function _setPaid(DistributionsStorage storage $, uint256 id, address holder, bool paid) private {
        mapping(uint256 word => uint256 bits) storage words = $.paid[holder];
        uint256 bit = 1 << (id & 0xff);
        words[id >> 8] = paid ? words[id >> 8] | bit : words[id >> 8] & ~bit;
    }

    function _getDistributionsStorage() private pure returns (DistributionsStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _DISTRIBUTIONS_STORAGE_LOCATION
        }
    }
}
