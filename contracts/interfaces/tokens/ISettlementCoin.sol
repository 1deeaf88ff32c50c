// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IEligibilitySubscriber} from "../identity/IEligibilitySubscriber.sol";

/// @title ISettlementCoin
/// @notice The alliance's fiat-pegged settlement coin: the cash leg of every trade, dividend, coupon and margin
/// call. An ERC-20 with configurable decimals, issued as regulated stablecoins are — a master minter gives each
/// minter an allowance that minting consumes — and capped by attested reserves: a mint that would push the supply
/// above the latest reserve attestation, or that comes when that attestation is older than `maxAttestationAge`,
/// reverts. Holders redeem through an escrow the issuer confirms (burned) or rejects (returned). By policy only
/// eligible holders — verified investors of the identity registry or active alliance members — may hold or
/// receive it. Compliance officers freeze accounts and pause the coin; the regulator seizes under a court order.
/// EIP-2612 `permit` and EIP-3009 transfers by authorization (plain and ERC-1271 signatures) make it gasless-ready.
/// @dev Invariants:
/// - C1: `totalSupply() == Σ balanceOf(holder)`; the redemption escrow is the coin's own balance
///   (`balanceOf(address(this)) == escrowed()`), so Σ holders' balances + escrow = supply.
/// - C2: at every mint, `totalSupply() ≤ latestAttestation().reserves` and the attestation is at most
///   `maxAttestationAge()` old.
/// - C3: a minter never mints more than its allowance; minting lowers the allowance by the amount.
/// - C4: a frozen account neither sends nor receives (seizure and the return of a rejected redemption excepted).
/// - C5: while the holder policy is on, a transfer or mint to an account that is not eligible reverts. The coin
///   caches eligibility (`syncHolder`), and the identity and member registries push every change that can make a
///   holder less eligible to it in the same transaction (`IEligibilitySubscriber`), so the cache never says more
///   than the registries. A sender need not be eligible: a holder that lost its eligibility may still send out
///   what it holds (as under ERC-3643), unless frozen.
interface ISettlementCoin is IERC20, IEligibilitySubscriber {
    /// @notice Who may hold and receive the coin.
    enum HolderPolicy {
        /// Anyone not frozen.
        Open,
        /// Verified investors of the identity registry and active members of the member registry.
        Eligible
    }

    /// @notice A reserve attestation posted by an auditor or custodian member.
    /// @param reserves Fiat held in reserve, in the coin's smallest unit.
    /// @param asOf When the reserves were counted.
    /// @param reportHash Hash of the attestation report (the report stays off chain).
    /// @param attestor Who posted it.
    struct Attestation {
        uint256 reserves;
        uint48 asOf;
        bytes32 reportHash;
        address attestor;
    }

    /// @notice Where a redemption request stands.
    enum RedemptionStatus {
        None,
        Pending,
        Confirmed,
        Rejected
    }

    /// @notice A holder's request to redeem coins for fiat.
    /// @param holder Who asked, and gets the escrow back on rejection.
    /// @param amount Escrowed until the issuer confirms or rejects.
    /// @param payoutReference Hash of the bank details or payment order (never the details themselves).
    /// @param requestedAt When it was asked.
    /// @param status Where it stands.
    struct Redemption {
        address holder;
        uint48 requestedAt;
        RedemptionStatus status;
        uint256 amount;
        bytes32 payoutReference;
    }

    /* EVENTS */

    event MinterConfigured(address indexed minter, uint256 allowance);
    event MinterRemoved(address indexed minter);
    event Minted(address indexed minter, address indexed to, uint256 amount);
    event Burned(address indexed minter, uint256 amount);
    event ReservesAttested(
        uint256 indexed index,
        address indexed attestor,
        uint256 reserves,
        uint48 asOf,
        bytes32 reportHash
    );
    event MaxAttestationAgeSet(uint32 maxAge);
    event RedemptionRequested(uint256 indexed id, address indexed holder, uint256 amount, bytes32 payoutReference);
    event RedemptionConfirmed(uint256 indexed id, address indexed confirmer);
    event RedemptionRejected(uint256 indexed id, address indexed rejecter, bytes32 reason);
    event HolderPolicySet(HolderPolicy policy);
    event HolderEligibilitySynced(address indexed account, bool eligible, uint40 eligibleUntil);
    event BaselineClaimsSynced(uint64 claims);
    event Frozen(address indexed account);
    event Unfrozen(address indexed account);
    event Paused(address indexed account);
    event Unpaused(address indexed account);
    event Seized(address indexed from, address indexed to, uint256 amount, bytes32 legalReference);
    event TokensRescued(IERC20 indexed token, address indexed to, uint256 amount);

    /* ERRORS */

    error SettlementCoinInvalidAddress(address account);
    error SettlementCoinInvalidAmount(uint256 amount);
    error SettlementCoinNotMinter(address account);
    error SettlementCoinMintAllowanceExceeded(address minter, uint256 allowance, uint256 amount);
    error SettlementCoinReservesExceeded(uint256 supplyAfter, uint256 reserves);
    error SettlementCoinAttestationTooOld(uint48 asOf, uint32 maxAge, uint256 currentTime);
    error SettlementCoinNoAttestation();
    error SettlementCoinInvalidAttestation(uint48 asOf, uint48 previousAsOf, uint256 currentTime);
    error SettlementCoinUnknownRedemption(uint256 id);
    error SettlementCoinRedemptionNotPending(uint256 id, RedemptionStatus status);
    error SettlementCoinInvalidPayoutReference();
    error SettlementCoinAccountFrozen(address account);
    error SettlementCoinAccountNotFrozen(address account);
    error SettlementCoinIneligibleHolder(address account);
    error SettlementCoinPaused();
    error SettlementCoinNotPaused();
    error SettlementCoinCannotRescueSelf();
    error SettlementCoinBalanceOverflow(uint256 balance);

    /* ISSUANCE */

    /// @notice Makes `minter` a minter with `allowance` (replacing any former allowance).
    /// @custom:access MASTER_MINTER
    function configureMinter(address minter, uint256 allowance) external;

    /// @notice Takes `minter`'s allowance away.
    /// @custom:access MASTER_MINTER
    function removeMinter(address minter) external;

    /// @notice Mints `amount` to `to`, consuming the caller's allowance, within attested reserves.
    /// @custom:access MINTER
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's own balance (fiat paid out off chain).
    /// @custom:access MINTER
    function burn(uint256 amount) external;

    /* RESERVES */

    /// @notice Posts a reserve attestation; `asOf` may not be in the future nor before the previous one's.
    /// @custom:access RESERVE_ATTESTOR
    function attestReserves(uint256 reserves, uint48 asOf, bytes32 reportHash) external;

    /// @notice Sets how old the latest attestation may be for minting to go on (seconds).
    /// @custom:access GOVERNOR
    function setMaxAttestationAge(uint32 maxAge) external;

    /* REDEMPTION */

    /// @notice Escrows `amount` of the caller's coins for a fiat payout to `payoutReference`.
    /// @return id The request's id.
    /// @custom:access anyone holding coins
    function requestRedemption(uint256 amount, bytes32 payoutReference) external returns (uint256 id);

    /// @notice Confirms the fiat payout of request `id`: its escrow is burned.
    /// @custom:access MINTER
    function confirmRedemption(uint256 id) external;

    /// @notice Rejects request `id`: its escrow returns to the holder.
    /// @custom:access MINTER
    function rejectRedemption(uint256 id, bytes32 reason) external;

    /* HOLDERS */

    /// @notice Sets who may hold and receive the coin.
    /// @custom:access GOVERNOR
    function setHolderPolicy(HolderPolicy policy) external;

    // `syncHolder`, `syncHolders` and `syncBaselineClaims` are `IEligibilitySubscriber`'s.

    /* ENFORCEMENT */

    /// @custom:access COMPLIANCE_OFFICER
    function freeze(address account) external;

    /// @custom:access COMPLIANCE_OFFICER
    function unfreeze(address account) external;

    /// @custom:access COMPLIANCE_OFFICER
    function pause() external;

    /// @custom:access COMPLIANCE_OFFICER
    function unpause() external;

    /// @notice Court-ordered forced transfer: moves `amount` from `from` to `to` whatever freezes and pauses.
    /// @param legalReference Hash of the order, kept in the event.
    /// @custom:access REGULATOR
    function seize(address from, address to, uint256 amount, bytes32 legalReference) external;

    /// @notice Sends other tokens sent to this contract by mistake to `to` (never this coin: that is escrow).
    /// @custom:access GOVERNOR
    function rescue(IERC20 token, address to, uint256 amount) external;

    /* VIEWS */

    function minterAllowance(address minter) external view returns (uint256);
    function isMinter(address account) external view returns (bool);
    function latestAttestation() external view returns (Attestation memory);
    function attestationCount() external view returns (uint256);
    function attestationAt(uint256 index) external view returns (Attestation memory);
    function maxAttestationAge() external view returns (uint32);
    function redemption(uint256 id) external view returns (Redemption memory);
    function redemptionsOf(address holder) external view returns (uint256[] memory);
    function escrowed() external view returns (uint256);
    function holderPolicy() external view returns (HolderPolicy);
    function isFrozen(address account) external view returns (bool);
    function isPaused() external view returns (bool);
    /// @notice Whether `account` may hold and receive the coin now (cached eligibility, unexpired).
    function isEligible(address account) external view returns (bool);
    /// @notice Until when `account`'s cached eligibility holds (0: not eligible).
    function eligibleUntil(address account) external view returns (uint40);
}
