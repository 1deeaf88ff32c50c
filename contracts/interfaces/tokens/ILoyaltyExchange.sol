// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title ILoyaltyExchange
/// @notice Conversion of loyalty credits between the alliance's programs at rates the alliance sets, within caps.
/// For each ordered pair of programs the alliance (GOVERNOR) sets a route: a rate (`numerator / denominator`
/// target credits per source credit, rounded down), a cap per conversion and a cap per window (both in source
/// credits). A customer converts its own credits: the source program takes them, oldest first, and counts them
/// redeemed (`CreditsConvertedOut`); the target program issues the converted amount with its own validity
/// (`CreditsConvertedIn`, counted issued). Conversions stay inside the closed loop: no identity is needed.
/// @dev Invariants:
/// - X1: a conversion's source amount is at most the route's `perConversionCap`, and the source credits converted
///   on a route within one window (`block.timestamp / window`) are at most its `perWindowCap`.
/// - X2: `out == amount * numerator / denominator` (rounded down, never 0), burned and issued in one transaction.
/// - X3: no conversion runs while either program's merchant is suspended, or on a route that is not set.
interface ILoyaltyExchange {
    /// @notice A conversion route between two programs.
    /// @param numerator Target credits per `denominator` source credits.
    /// @param denominator Source credits per `numerator` target credits (0: the route is closed).
    /// @param perConversionCap The most source credits one conversion takes.
    /// @param perWindowCap The most source credits all conversions on the route take within one window.
    /// @param window The window's length in seconds (at least an hour).
    struct Route {
        uint64 numerator;
        uint64 denominator;
        uint128 perConversionCap;
        uint128 perWindowCap;
        uint32 window;
    }

    /* EVENTS */

    /// @notice The route from `from` to `to` was set (a zero denominator closes it).
    event RouteSet(address indexed from, address indexed to, Route route);

    /// @notice `customer` converted `amount` credits of `from` into `out` credits of `to`.
    event Converted(address indexed customer, address indexed from, address indexed to, uint256 amount, uint256 out);

    /* ERRORS */

    /// @notice `program` is not a loyalty program of the alliance.
    error LoyaltyExchangeNotAProgram(address program);

    /// @notice The route's terms are invalid (a zero numerator or cap with a non-zero denominator, a window under
    /// an hour, or a route from a program to itself).
    error LoyaltyExchangeInvalidRoute(address from, address to);

    /// @notice No open route from `from` to `to`.
    error LoyaltyExchangeNoRoute(address from, address to);

    /// @notice `amount` exceeds the route's cap per conversion (`cap`), or converts to nothing.
    error LoyaltyExchangeInvalidAmount(uint256 amount, uint256 cap);

    /// @notice The window's conversions would reach `used + amount`, above the route's `cap`.
    error LoyaltyExchangeWindowCapExceeded(uint256 used, uint256 amount, uint256 cap);

    /// @notice `program`'s merchant is suspended or removed from the alliance.
    error LoyaltyExchangeSuspendedMerchant(address program, address merchant);

    /* CONVERSION */

    /// @notice Converts `amount` of the caller's credits of program `from` into credits of program `to`.
    /// @return out The credits of `to` issued to the caller.
    /// @custom:access public (the customer's own act)
    function convert(address from, address to, uint256 amount) external returns (uint256 out);

    /* CONFIGURATION */

    /// @notice Sets the route from `from` to `to` (a zero denominator closes it).
    /// @custom:access GOVERNOR
    function setRoute(address from, address to, Route calldata route) external;

    /* VIEWS */

    /// @notice The route from `from` to `to`.
    function routeOf(address from, address to) external view returns (Route memory);

    /// @notice Source credits converted from `from` to `to` in the current window.
    function usedInWindow(address from, address to) external view returns (uint256);
}
