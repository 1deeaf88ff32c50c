// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ICompliance} from "../compliance/ICompliance.sol";
import {IComplianceSubject} from "../compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../identity/IEligibilityStore.sol";
import {IERC1404} from "./IERC1404.sol";
import {IERC1643} from "./IERC1643.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Restriction} from "../../types/Restriction.sol";

/// @title ISecurityToken
/// @notice A marketable security issued on AssetLedger — a share, a bond, a fund unit — as an ERC-20 whose every
/// balance change asks the identity registry and the compliance pipeline. It speaks the ERC-3643 token functions
/// with their standard signatures (agents mint, burn, force transfers, freeze addresses and partial amounts,
/// recover lost wallets, pause; batch variants; `identityRegistry()`, `compliance()`), ERC-1404 (the token's own
/// codes 13–17 first, then the pipeline's), ERC-1643 documents and ERC-165. It keeps the ownership register:
/// record-date snapshots of every balance and of the supply, investor-level holdings (one investor may hold
/// through several wallets) and an exact count of investors holding it.
///
/// Who may call what is data (config/roles.ts `securityTokenPermissions`): ASSET_AGENT mints, burns, forces
/// transfers, freezes, recovers, pauses and takes snapshots; ASSET_ISSUER manages documents; ASSET_FACTORY rolls
/// out upgrades.
///
/// ERC-3643 functions this token does not have, by design: `setIdentityRegistry` and `setCompliance` (the
/// registry and the pipeline are immutables of the product's implementation: re-pointing an asset is a product
/// upgrade through the factory), `setOnchainID`/`onchainID` (investors are opaque ids of the identity registry,
/// not ONCHAINID contracts), `setName`/`setSymbol` (the instrument is fixed at issuance).
/// @dev Invariants (each tested in test/tokens/security/):
/// - T1: `totalSupply() == Σ balanceOf(account)` over every account, `address(this)` (escrow) included.
/// - T2: `holderCount()` equals the number of distinct investors with a non-zero balance (`address(this)`
///   excluded); `holdingWalletCount()` the number of accounts other than `address(this)` with a non-zero
///   balance.
/// - T3: `balanceOfAt(a, id)` and `totalSupplyAt(id)` equal `balanceOf(a)` and `totalSupply()` as they were when
///   snapshot `id` was taken, for every `id` from 1 to `currentSnapshotId()`.
/// - T4: `getFrozenTokens(a) ≤ balanceOf(a)`.
/// - T5: a transfer or mint that `detectTransferRestriction` refuses reverts; one it allows succeeds (given the
///   sender's balance).
interface ISecurityToken is IERC20Metadata, IERC20Errors, IERC1404, IERC1643, IComplianceSubject {
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

    /* ISSUANCE */

    /// @notice Initializes a product's proxy: the authority, the instrument, the initial documents and the
    /// product's `abi.encode`d terms (empty for products without terms). One shape for every product, so the
    /// factory issues any of them with one code path.
    function initialize(
        address authority,
        Instrument calldata instrument,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external;

    /* ERC-3643 AGENT FUNCTIONS */

    /// @notice ERC-3643: mints `amount` to `to`, as the compliance pipeline allows for a mint.
    /// @custom:access ASSET_AGENT
    function mint(address to, uint256 amount) external;

    /// @notice ERC-3643: burns `amount` of `userAddress`'s tokens (no compliance check); frozen tokens the burn
    /// needs are released first (`TokensUnfrozen`).
    /// @custom:access ASSET_AGENT
    function burn(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: moves `amount` from `from` to `to` without the compliance pipeline, the pause or either
    /// address's freeze; `to` must be a verified investor. Frozen tokens the move needs are released first.
    /// @custom:access ASSET_AGENT
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool);

    /// @notice ERC-3643: freezes (`freeze`) or unfreezes `userAddress`. Idempotent.
    /// @custom:access ASSET_AGENT
    function setAddressFrozen(address userAddress, bool freeze) external;

    /// @notice ERC-3643: freezes `amount` more of `userAddress`'s tokens (in total at most its balance).
    /// @custom:access ASSET_AGENT
    function freezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: releases `amount` of `userAddress`'s frozen tokens.
    /// @custom:access ASSET_AGENT
    function unfreezePartialTokens(address userAddress, uint256 amount) external;

    /// @notice ERC-3643: moves every token of `lostWallet` to `newWallet`, which must belong to the same investor
    /// in the identity registry (recover the wallet there first, or add `newWallet` to the investor). Frozen
    /// tokens stay frozen and an address freeze follows the holdings. `investorOnchainID` must be zero.
    /// @custom:access ASSET_AGENT
    function recoveryAddress(
        address lostWallet,
        address newWallet,
        address investorOnchainID
    ) external returns (bool);

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

    /* REGISTER */

    /// @notice Takes a record-date snapshot and returns its id (1, 2, …).
    /// @custom:access ASSET_AGENT
    function snapshot() external returns (uint256);

    /// @notice The latest snapshot id (0 before the first).
    function currentSnapshotId() external view returns (uint256);

    /// @notice `account`'s balance when snapshot `id` was taken (1 ≤ id ≤ `currentSnapshotId()`).
    function balanceOfAt(address account, uint256 id) external view returns (uint256);

    /// @notice The supply when snapshot `id` was taken (1 ≤ id ≤ `currentSnapshotId()`).
    function totalSupplyAt(uint256 id) external view returns (uint256);

    /// @notice How many accounts hold a non-zero balance, the token's own escrow excluded.
    function holdingWalletCount() external view returns (uint256);

    /* VIEWS */

    /// @notice ERC-3643: the identity registry every balance change asks.
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice ERC-3643: the compliance pipeline every transfer and mint asks.
    function compliance() external view returns (ICompliance);

    /// @notice The eligibility store of the identity registry.
    function eligibilityStore() external view returns (IEligibilityStore);

    /// @notice ERC-3643: whether transfers between holders are paused.
    function paused() external view returns (bool);

    /// @notice Whether the product stopped transfers, mints and payments.
    function transfersStopped() external view returns (bool);

    /// @notice ERC-3643: whether `userAddress` is frozen.
    function isFrozen(address userAddress) external view returns (bool);

    /// @notice ERC-3643: how many of `userAddress`'s tokens are frozen.
    function getFrozenTokens(address userAddress) external view returns (uint256);

    /// @notice ERC-3643: the implementation's version.
    function version() external view returns (string memory);

    /// @notice What the security is.
    function instrument() external view returns (Instrument memory);

    /// @notice The issuing member.
    function issuer() external view returns (address);

    /// @notice The product type of this token's implementation.
    function productType() external view returns (ProductType);
}
