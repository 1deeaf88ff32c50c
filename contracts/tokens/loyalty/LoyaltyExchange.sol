// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {ILoyaltyCredit} from "../../interfaces/tokens/ILoyaltyCredit.sol";
import {ILoyaltyExchange} from "../../interfaces/tokens/ILoyaltyExchange.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title LoyaltyExchange
/// @notice Converts loyalty credits between programs at alliance-set rates within caps. See `ILoyaltyExchange`.
/// @dev A plain contract, like Compliance: every LoyaltyCredit implementation names it as an immutable and lets it
/// alone call `convertOut`/`convertIn`. A successor is deployed beside it and programs move to it with a product
/// upgrade (a new implementation naming the successor). Programs are recognised by the authority's asset
/// registry (`productOf == LoyaltyCredit`), so a contract posing as a program cannot mint through a route.
contract LoyaltyExchange is ILoyaltyExchange, AccessManaged {
    uint256 private constant _MIN_WINDOW = 1 hours;

    mapping(address from => mapping(address to => Route)) private _routes;
    /// @dev `window index << 128 | source credits converted in it` per route.
    mapping(address from => mapping(address to => uint256)) private _usage;

    constructor(address authority) AccessManaged(authority) {}

    /* CONVERSION */

    /// @inheritdoc ILoyaltyExchange
    function convert(address from, address to, uint256 amount) external returns (uint256 out) {
        Route memory route = _routes[from][to];
        require(route.denominator != 0, LoyaltyExchangeNoRoute(from, to));
        require(
            amount != 0 && amount <= route.perConversionCap,
            LoyaltyExchangeInvalidAmount(amount, route.perConversionCap)
        );
        out = (amount * route.numerator) / route.denominator;
        require(out != 0, LoyaltyExchangeInvalidAmount(amount, route.perConversionCap));
        _checkStanding(from);
        _checkStanding(to);
        uint256 window = block.timestamp / route.window;
        uint256 usage = _usage[from][to];
        uint256 used = usage >> 128 == window ? uint128(usage) : 0;
        require(
            used + amount <= route.perWindowCap,
            LoyaltyExchangeWindowCapExceeded(used, amount, route.perWindowCap)
        );
        _usage[from][to] = (window << 128) | (used + amount);
        address customer = _msgSender();
        ILoyaltyCredit(from).convertOut(customer, amount, to);
        ILoyaltyCredit(to).convertIn(customer, out, from);
        emit Converted(customer, from, to, amount, out);
    }

    /* CONFIGURATION */

    /// @inheritdoc ILoyaltyExchange
    function setRoute(address from, address to, Route calldata route) external restricted {
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        require(authority_.productOf(from) == ProductType.LoyaltyCredit, LoyaltyExchangeNotAProgram(from));
        require(authority_.productOf(to) == ProductType.LoyaltyCredit, LoyaltyExchangeNotAProgram(to));
        require(
            from != to &&
                (route.denominator == 0 ||
                    (route.numerator != 0 &&
                        route.perConversionCap != 0 &&
                        route.perWindowCap != 0 &&
                        route.window >= _MIN_WINDOW)),
            LoyaltyExchangeInvalidRoute(from, to)
        );
        _routes[from][to] = route;
        emit RouteSet(from, to, route);
    }

    /* VIEWS */

    /// @inheritdoc ILoyaltyExchange
    function routeOf(address from, address to) external view returns (Route memory) {
        return _routes[from][to];
    }

    /// @inheritdoc ILoyaltyExchange
    function usedInWindow(address from, address to) external view returns (uint256) {
        Route memory route = _routes[from][to];
        if (route.denominator == 0) return 0;
        uint256 usage = _usage[from][to];
        return usage >> 128 == block.timestamp / route.window ? uint128(usage) : 0;
    }

    /* INTERNAL */

    /// @dev A program whose merchant (its issuer in the authority) is suspended or removed takes no part.
    function _checkStanding(address program) private view {
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        address merchant = authority_.issuerOf(program);
        require(!authority_.isMemberSuspended(merchant), LoyaltyExchangeSuspendedMerchant(program, merchant));
    }
}
