// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title ILoyaltyCredit
/// @notice One merchant's loyalty program: an ERC-20 (wallets and explorers show it) whose credits expire. The
/// program's merchant (a Merchant member, the program's ASSET_ISSUER in the alliance's authority) issues credits to
/// customers; credits issued at `t` expire at `t + validity` rounded down to a period boundary (the program's
/// `periodLength`, e.g. a day), so one bucket per (holder, expiry period) and one program-wide figure per expiry
/// period exist. Spending (redemptions and transfers) consumes a holder's oldest unexpired buckets first; an expired
/// bucket stops counting the moment its period begins, without anyone touching the account: `balanceOf` is the
/// wallet's unexpired credits and `totalSupply` the program's.
///
/// Redemption: a customer redeems credits at a participating merchant (`redeem`); the credits are burned and the
/// merchant named in the `CreditsRedeemed` event (the merchants settle redemptions among themselves off chain, from
/// those events). Participants are set by the program's merchant or the alliance's operator; a participant the
/// member registry suspended or removed cannot accept redemptions until reinstated. Transfers between customers are
/// allowed or not per program (`transferable`); transferred credits keep their expiry.
///
/// Identity: a loyalty wallet needs none to earn, hold, transfer (when allowed), redeem or convert into another
/// program. Credits have no cash value inside the closed loop, so the KYC of an investor — which the identity
/// registry attests for securities and the settlement coin — is not required and would keep most customers out;
/// the accountable parties are the merchants, who are alliance members. The one path that turns credits into
/// money, `convertToCoin`, pays the settlement coin, whose own holder policy refuses a recipient that is not
/// coin-eligible (a verified investor or an active member): there, and only there, the wallet needs an identity.
///
/// Bound: a holder keeps at most `MAX_BUCKETS` (8) live buckets. When a credit (issue or transfer) would make a
/// ninth, the two latest-expiring buckets are merged at the earlier of their two expiries (`CreditsRedated`): a
/// holder's credits never gain validity, at worst the newest lose some; the per-period figures move with them.
///
/// Conversion: the alliance's LoyaltyExchange converts a customer's credits into another program's at rates and
/// within caps the alliance sets (`ILoyaltyExchange`); credits converted out count as redeemed here and as issued
/// in the target program.
///
/// Breakage: `breakage()` returns issued, redeemed, expired and outstanding credits, and `periodFigures(p)` the
/// same per expiry period; expired credits are the unredeemed credits of periods that have begun.
/// @dev Invariants (each has a test in test/tokens/loyalty/):
/// - L1: `issued == redeemed + expired + outstanding` at every instant, and `outstanding == totalSupply()`.
/// - L2: `totalSupply() == Σ balanceOf(holder)` at every instant (expiry included).
/// - L3: `balanceOf(h)` counts no credit whose expiry period has begun.
/// - L4: a redemption or transfer never spends more than the sender's unexpired balance, and takes the
///   oldest unexpired buckets first.
/// - L5: for every period `p`, `periodFigures(p).issued == redeemed + remaining`, and while `p` has not begun the
///   remaining credits are exactly the holders' buckets of period `p`.
/// Warning: expiry emits no event (nothing runs when a period begins): a balance rebuilt from `Transfer` events
/// overstates expired credits; read `balanceOf`, and the expired figures from `breakage`/`periodFigures`.
interface ILoyaltyCredit is IERC20Metadata {
    /// @notice What a program is launched with (AssetFactory `issueLoyaltyProgram`).
    /// @param name The ERC-20 name.
    /// @param symbol The ERC-20 symbol.
    /// @param decimals The ERC-20 decimals (0: whole points).
    /// @param merchant The program's merchant; the factory sets it to the launching member, whatever is given.
    /// @param periodLength The expiry quantum in seconds (at least an hour, at most a year).
    /// @param validity How long credits stay valid, in seconds (at least one period, at most ten years and 2,048
    /// periods).
    /// @param transferable Whether customers may transfer credits to each other.
    struct ProgramTerms {
        string name;
        string symbol;
        uint8 decimals;
        address merchant;
        uint32 periodLength;
        uint32 validity;
        bool transferable;
    }

    /// @notice A program's figures, for all periods (`breakage`) or one expiry period (`periodFigures`).
    /// @param issued Credits issued (for a period: credited with that expiry, re-dated credits included).
    /// @param redeemed Credits redeemed.
    /// @param expired Credits whose expiry period has begun, unredeemed.
    /// @param outstanding Credits not yet expired nor redeemed.
    struct Figures {
        uint256 issued;
        uint256 redeemed;
        uint256 expired;
        uint256 outstanding;
    }

    /// @notice One bucket of a holder: `amount` credits that expire when period `period` begins.
    struct Bucket {
        uint256 period;
        uint256 amount;
    }

    /// @notice The program's conversion into the settlement coin, set by its merchant.
    /// @param coin The settlement coin paid (zero: conversion closed).
    /// @param numerator Coin units per `denominator` credits.
    /// @param denominator Credits per `numerator` coin units.
    /// @param perConversionCap The most credits one conversion takes.
    /// @param perWindowCap The most credits all conversions take within one window.
    /// @param window The window's length in seconds (at least an hour).
    struct CoinConversion {
        address coin;
        uint32 numerator;
        uint32 denominator;
        uint32 window;
        uint128 perConversionCap;
        uint128 perWindowCap;
    }

    /* EVENTS */

    /// @notice The program was launched by `merchant` with these terms.
    event ProgramLaunched(address indexed merchant, uint32 periodLength, uint32 validity, bool transferable);

    /// @notice `amount` credits expiring when `period` begins (at `period * periodLength`) were issued to `to`.
    event CreditsIssued(address indexed to, uint256 amount, uint256 indexed period);

    /// @notice `customer` redeemed `amount` credits at `merchant`; they were burned.
    event CreditsRedeemed(address indexed customer, address indexed merchant, uint256 amount);

    /// @notice `amount` of `customer`'s credits were converted (burned, counted redeemed) into program `to`.
    event CreditsConvertedOut(address indexed customer, address indexed to, uint256 amount);

    /// @notice `amount` credits expiring with `period` were issued to `customer`, converted from program `from`.
    event CreditsConvertedIn(address indexed customer, address indexed from, uint256 amount, uint256 indexed period);

    /// @notice `customer` converted `amount` credits (burned, counted redeemed) into `out` units of `coin`, paid by
    /// `merchant`.
    event CreditsConvertedToCoin(
        address indexed customer,
        address indexed coin,
        address indexed merchant,
        uint256 amount,
        uint256 out
    );

    /// @notice The merchant set the program's conversion into the settlement coin.
    event CoinConversionSet(CoinConversion conversion);

    /// @notice At `holder`'s bucket bound, `amount` credits of period `fromPeriod` now expire with `toPeriod`.
    event CreditsRedated(address indexed holder, uint256 fromPeriod, uint256 toPeriod, uint256 amount);

    /// @notice `merchant` now accepts (or no longer accepts) redemptions.
    event ParticipantSet(address indexed merchant, bool participating);

    /// @notice Customers may (or may no longer) transfer credits to each other.
    event TransferabilitySet(bool transferable);

    /// @notice Credits issued from now on are valid for `validity` seconds (was `previous`).
    event ValiditySet(uint32 previous, uint32 validity);

    /* ERRORS */

    /// @notice The terms' period length or validity is out of range.
    error LoyaltyCreditInvalidTerms(uint32 periodLength, uint32 validity);

    /// @notice `merchant` is the zero address.
    error LoyaltyCreditInvalidMerchant(address merchant);

    /// @notice An amount of zero, or above what one bucket holds (`max`).
    error LoyaltyCreditInvalidAmount(uint256 amount, uint256 max);

    /// @notice `holder`'s bucket of period `period` would exceed what one bucket holds.
    error LoyaltyCreditBucketOverflow(address holder, uint256 period, uint256 amount);

    /// @notice The program-wide figure of period `period` would exceed 2^64 − 1.
    error LoyaltyCreditPeriodOverflow(uint256 period);

    /// @notice The program does not allow transfers between customers.
    error LoyaltyCreditNotTransferable(address from, address to);

    /// @notice `merchant` does not accept this program's redemptions.
    error LoyaltyCreditNotParticipating(address merchant);

    /// @notice `merchant` is suspended or removed from the alliance.
    error LoyaltyCreditSuspendedMerchant(address merchant);

    /// @notice `merchant` does not hold the MERCHANT role (is not an active Merchant member).
    error LoyaltyCreditNotMerchant(address merchant);

    /// @notice `caller` is not the alliance's LoyaltyExchange.
    error LoyaltyCreditOnlyExchange(address caller);

    /// @notice The coin conversion's terms are invalid (zero rate or cap, window under an hour).
    error LoyaltyCreditInvalidCoinConversion();

    /// @notice The program has no conversion into the settlement coin.
    error LoyaltyCreditNoCoinConversion();

    /// @notice `amount` exceeds the coin conversion's cap per conversion (`cap`), or converts to nothing.
    error LoyaltyCreditInvalidCoinAmount(uint256 amount, uint256 cap);

    /// @notice The window's coin conversions would reach `used + amount` credits, above `cap`.
    error LoyaltyCreditCoinWindowCapExceeded(uint256 used, uint256 amount, uint256 cap);

    /* ISSUANCE */

    /// @notice Initializes a program's proxy (run by the factory as the proxy is deployed).
    function initialize(address authority, ProgramTerms calldata terms) external;

    /// @notice Issues `amount` credits to `to`, expiring at `now + validity` rounded down to a period boundary.
    /// @dev Reverts with `LoyaltyCreditInvalidAmount` for 0 or more than 2^40 − 1, `ERC20InvalidReceiver` for the
    /// zero address.
    /// @custom:access ASSET_ISSUER (the program's merchant, while not suspended)
    function issue(address to, uint256 amount) external;

    /* CONVERSION (LoyaltyExchange) */

    /// @notice Burns `amount` of `customer`'s oldest unexpired credits, converted into program `to` (counted
    /// redeemed: they left this program).
    /// @custom:access the LoyaltyExchange alone (`loyaltyExchange()`, `LoyaltyCreditOnlyExchange`)
    function convertOut(address customer, uint256 amount, address to) external;

    /// @notice Issues `amount` credits to `customer` with this program's validity, converted from program `from`
    /// (counted issued).
    /// @custom:access the LoyaltyExchange alone (`loyaltyExchange()`, `LoyaltyCreditOnlyExchange`)
    function convertIn(address customer, uint256 amount, address from) external;

    /// @notice Converts `amount` of the caller's unexpired credits, oldest first, into the settlement coin at the
    /// merchant's rate and within its caps: the credits are burned (counted redeemed) and the coin is paid from the
    /// merchant's pool — the allowance the program's merchant (the authority's issuer of the program) gave this
    /// program on the coin, backed by its balance. The coin's own rules apply: the caller must be eligible to hold
    /// the coin (a verified investor or an active member), which is the one place a loyalty wallet needs an
    /// identity, since credits turn into money here.
    /// @dev Reverts with `LoyaltyCreditNoCoinConversion`, `LoyaltyCreditInvalidCoinAmount`,
    /// `LoyaltyCreditCoinWindowCapExceeded`, `LoyaltyCreditSuspendedMerchant`, `ERC20InsufficientBalance`, or the
    /// coin's error (an ineligible recipient, an exhausted pool).
    /// @return out The coin units paid.
    /// @custom:access public (the customer's own act)
    function convertToCoin(uint256 amount) external returns (uint256 out);

    /// @notice Sets (or with a zero coin, closes) the program's conversion into the settlement coin.
    /// @dev Warning: the program pays with whatever `coin` the merchant names (the alliance's settlement coin is
    /// expected); customers should check `coinConversion()` before converting.
    /// @custom:access ASSET_ISSUER
    function setCoinConversion(CoinConversion calldata conversion) external;

    /// @notice The program's conversion into the settlement coin, and the credits converted in this window.
    function coinConversion() external view returns (CoinConversion memory conversion, uint256 usedInWindow);

    /* REDEMPTION */

    /// @notice Redeems `amount` of the caller's unexpired credits, oldest first, at participating `merchant`:
    /// the credits are burned.
    /// @dev Reverts with `LoyaltyCreditNotParticipating`, `LoyaltyCreditSuspendedMerchant`,
    /// `ERC20InsufficientBalance` (the unexpired balance) or `LoyaltyCreditInvalidAmount` (0).
    /// @custom:access public (the customer's own act)
    function redeem(address merchant, uint256 amount) external;

    /* CONFIGURATION */

    /// @notice Lets `merchant` accept redemptions, or stops it. A merchant added must hold MERCHANT.
    /// @custom:access ASSET_ISSUER
    function setParticipant(address merchant, bool participating) external;

    /// @notice As `setParticipant`, by the alliance's operator (an alliance-wide partner, or a merchant removed
    /// whatever the program's merchant wants).
    /// @custom:access GOVERNOR
    function setParticipantByAlliance(address merchant, bool participating) external;

    /// @notice Allows or forbids transfers between customers.
    /// @custom:access ASSET_ISSUER
    function setTransferable(bool transferable) external;

    /// @notice Sets the validity of credits issued from now on (credits already issued keep their expiry).
    /// @custom:access ASSET_ISSUER
    function setValidity(uint32 validity) external;

    /* VIEWS */

    /// @notice The product type (LoyaltyCredit).
    function productType() external pure returns (ProductType);

    /// @notice The alliance's LoyaltyExchange (an immutable of the implementation).
    function loyaltyExchange() external view returns (address);

    /// @notice The program's merchant (its issuer when launched; the authority's `issuerOf` is authoritative).
    function merchant() external view returns (address);

    /// @notice The program's terms now.
    function terms() external view returns (ProgramTerms memory);

    /// @notice The period now (`block.timestamp / periodLength`); buckets of this period or earlier have expired.
    function currentPeriod() external view returns (uint256);

    /// @notice Whether `merchant` is a participant (its standing in the alliance aside).
    function isParticipant(address merchant) external view returns (bool);

    /// @notice `holder`'s unexpired buckets, oldest first.
    function bucketsOf(address holder) external view returns (Bucket[] memory);

    /// @notice The program's issued, redeemed, expired and outstanding credits (L1).
    function breakage() external view returns (Figures memory);

    /// @notice The figures of credits expiring when `period` begins.
    function periodFigures(uint256 period) external view returns (Figures memory);
}
