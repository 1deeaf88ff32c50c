// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC1643} from "./IERC1643.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Restriction} from "../../types/Restriction.sol";

/// @title ISecurityTokenOperations
/// @notice A security token's types, events and errors, and its operations: the ERC-3643 agent functions (mint,
/// burn, forced transfers, freezes, recovery, pause, batches), record-date snapshots and ERC-1643 documents.
/// `ISecurityToken` extends it with the ERC-20 surface, ERC-1404 and the register's views.
/// @dev Every product runs these functions in one shared module, `SecurityTokenOperations`, that the product's
/// implementation reaches by `delegatecall` (see `SecurityToken`): they are off the transfer path and, kept out
/// of the product's own code, leave each product room under EIP-170's 24,576 bytes.
interface ISecurityTokenOperations is IERC1643 {
    /// @notice What identifies the security.
    /// @param name The token name.
    /// @param symbol The token symbol.
    /// @param decimals The token's decimals (0 for shares traded in whole units), at most 18.
    /// @param securityCode The local security code, e.g. "600519" (non-zero).
    /// @param isin The ISIN, zero when the security has none.
    /// @param jurisdiction ISO 3166-1 numeric code of the jurisdiction the security is issued under (1–999).
    /// @param issuer The issuing member.
    struct Instrument {
        string name;
        string symbol;
        uint8 decimals;
        bytes12 securityCode;
        bytes12 isin;
        uint16 jurisdiction;
        address issuer;
    }

    /* EVENTS */

    /// @notice The token was issued as `instrument`, of `productType`.
    event InstrumentSet(ProductType indexed productType, address indexed issuer, Instrument instrument);

    /// @notice ERC-3643: `userAddress` was frozen (`isFrozen`) or unfrozen by `owner` (the agent).
    event AddressFrozen(address indexed userAddress, bool indexed isFrozen, address indexed owner);

    /// @notice ERC-3643: `amount` more of `userAddress`'s tokens are frozen.
    event TokensFrozen(address indexed userAddress, uint256 amount);

    /// @notice ERC-3643: `amount` of `userAddress`'s frozen tokens were released (by an agent, or by a burn or
    /// forced transfer that needed them).
    event TokensUnfrozen(address indexed userAddress, uint256 amount);

    /// @notice ERC-3643: `lostWallet`'s holdings moved to `newWallet`. `investorOnchainID` is always zero here.
    event RecoverySuccess(address indexed lostWallet, address indexed newWallet, address indexed investorOnchainID);

    /// @notice ERC-3643: `userAddress` paused transfers between holders.
    event Paused(address userAddress);

    /// @notice ERC-3643: `userAddress` resumed transfers between holders.
    event Unpaused(address userAddress);

    /// @notice A product stopped transfers, mints and payments (e.g. a bond's default or maturity).
    event TransfersStopped();

    /// @notice A product resumed transfers, mints and payments.
    event TransfersResumed();

    /// @notice Record-date snapshot `id` was taken: `balanceOfAt(·, id)` and `totalSupplyAt(id)` are fixed.
    event Snapshot(uint256 indexed id);

    /* ERRORS */

    /// @notice The zero address, or the token itself, where a holder is expected.
    error SecurityTokenInvalidAddress(address account);

    /// @notice The instrument's security code is zero.
    error SecurityTokenInvalidSecurityCode();

    /// @notice The instrument's issuer is the zero address.
    error SecurityTokenInvalidIssuer(address issuer);

    /// @notice The instrument's jurisdiction is not an ISO 3166-1 numeric code (1–999).
    error SecurityTokenInvalidJurisdiction(uint16 jurisdiction);

    /// @notice The instrument's decimals exceed 18.
    error SecurityTokenInvalidDecimals(uint8 decimals);

    /// @notice The compliance pipeline does not read the identity registry the token was built with.
    error SecurityTokenRegistryMismatch(address complianceRegistry, address tokenRegistry);

    /// @notice Transfers between holders are paused.
    error SecurityTokenPaused();

    /// @notice `unpause` while not paused.
    error SecurityTokenNotPaused();

    /// @notice The product stopped transfers, mints and payments.
    error SecurityTokenTransfersStopped();

    /// @notice `account` is frozen: it neither sends nor receives (agents' overrides excepted).
    error SecurityTokenAddressFrozen(address account);

    /// @notice `account` holds only `unfrozen` tokens it may move, and `needed` were asked.
    error SecurityTokenInsufficientUnfrozenBalance(address account, uint256 unfrozen, uint256 needed);

    /// @notice The compliance pipeline refused the balance change with ERC-1404 `code` (`from` zero: a mint).
    error SecurityTokenTransferRestricted(address from, address to, uint256 amount, Restriction code);

    /// @notice A mint would take the supply to `supply`, above `cap` (2^104 − 1, the balance field's width).
    error SecurityTokenSupplyCapExceeded(uint256 supply, uint256 cap);

    /// @notice Freezing would leave `frozen` tokens frozen in an account holding only `balance`.
    error SecurityTokenFreezeExceedsBalance(address account, uint256 balance, uint256 frozen);

    /// @notice Only `frozen` of `account`'s tokens are frozen; `amount` were to be released.
    error SecurityTokenUnfreezeExceedsFrozen(address account, uint256 frozen, uint256 amount);

    /// @notice A forced transfer's recipient is not a verified investor of the identity registry.
    error SecurityTokenRecipientNotVerified(address to);

    /// @notice `recoveryAddress` takes no ONCHAINID: investors are the identity registry's opaque ids.
    error SecurityTokenInvalidOnchainID(address investorOnchainID);

    /// @notice `newWallet` does not belong, in the identity registry, to the investor that held `lostWallet`.
    error SecurityTokenRecoveryMismatch(address lostWallet, address newWallet);

    /// @notice `lostWallet` holds nothing to recover.
    error SecurityTokenNothingToRecover(address lostWallet);

    /// @notice Batch arrays of different lengths.
    error SecurityTokenLengthMismatch(uint256 expected, uint256 actual);

    /// @notice Snapshot `id` does not exist yet (or is 0); the latest is `currentId`.
    error SecurityTokenUnknownSnapshot(uint256 id, uint256 currentId);

    /// @notice Every snapshot id (2^24 − 1 of them) has been used.
    error SecurityTokenSnapshotLimit();

    /* ERC-3643 AGENT FUNCTIONS */

    /// @notice ERC-3643: mints `amount` to `to`, as the compliance pipeline allows for a mint.
    /// @custom:access ASSET_AGENT
    function mint(address to, uint256 amount) external;

    /// @notice ERC-3643: burns `amount` of `userAddress`'s tokens (no compliance check); frozen tokens the burn
    /// needs are released first (`TokensUnfrozen`). Held tokens are never burned: beyond the balance less its held
    /// tokens it reverts with `IHoldable.HoldableInsufficientAvailableBalance(userAddress, balance − held, amount)`
    /// (cancel the hold first, `cancelHold`).
    /// @custom:access ASSET_AGENT
    function burn(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: moves `amount` from `from` to `to` without the compliance pipeline, the pause or either
    /// address's freeze; `to` must be a verified investor. Frozen tokens the move needs are released first; held
    /// tokens are never moved: beyond the balance less its held tokens it reverts with
    /// `IHoldable.HoldableInsufficientAvailableBalance(from, balance − held, amount)` (cancel the hold first).
    /// @custom:access ASSET_AGENT
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);

    /// @notice ERC-3643: freezes (`freeze`) or unfreezes `userAddress`. Idempotent.
    /// @custom:access ASSET_AGENT
    function setAddressFrozen(address userAddress, bool freeze) external;

    /// @notice ERC-3643: freezes `amount` more of `userAddress`'s tokens (in total at most its balance less its
    /// held tokens: frozen and held units never overlap). Beyond the balance `SecurityTokenFreezeExceedsBalance`;
    /// beyond what is neither frozen nor held, while holds are active,
    /// `IHoldable.HoldableInsufficientAvailableBalance(userAddress, available, amount)`.
    /// @custom:access ASSET_AGENT
    function freezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: releases `amount` of `userAddress`'s frozen tokens.
    /// @custom:access ASSET_AGENT
    function unfreezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: moves every token of `lostWallet` to `newWallet`, which must belong to the same investor
    /// in the identity registry (recover the wallet there first, or add `newWallet` to the investor). Frozen
    /// tokens stay frozen and an address freeze follows the holdings. `investorOnchainID` must be zero. A wallet with
    /// held tokens is not recovered (`IHoldable.HoldableInsufficientAvailableBalance(lostWallet, balance − held,
    /// balance)`): the settlement engine releases, or the agent cancels, its holds first.
    /// @custom:access ASSET_AGENT
    function recoveryAddress(address lostWallet, address newWallet, address investorOnchainID) external returns (bool);

    /// @notice ERC-3643: pauses transfers between holders (agents' functions keep working).
    /// @custom:access ASSET_AGENT
    function pause() external;

    /// @notice ERC-3643: resumes transfers between holders.
    /// @custom:access ASSET_AGENT
    function unpause() external;

    /* ERC-3643 BATCHES */

    /// @notice ERC-3643: `transfer(toList[i], amounts[i])` for each i, all or nothing.
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external;

    /// @notice ERC-3643: `forcedTransfer` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchForcedTransfer(
        address[] calldata fromList,
        address[] calldata toList,
        uint256[] calldata amounts
    ) external;

    /// @notice ERC-3643: `mint` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external;

    /// @notice ERC-3643: `burn` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice ERC-3643: `setAddressFrozen` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external;

    /// @notice ERC-3643: `freezePartialTokens` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchFreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /// @notice ERC-3643: `unfreezePartialTokens` for each i, all or nothing.
    /// @custom:access ASSET_AGENT
    function batchUnfreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external;

    /* REGISTER OPERATIONS */

    /// @notice Takes a record-date snapshot and returns its id (1, 2, …).
    /// @custom:access ASSET_AGENT
    function snapshot() external returns (uint256);
}
