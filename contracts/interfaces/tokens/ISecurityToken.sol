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
import {IHoldable} from "./IHoldable.sol";
import {ISecurityTokenOperations} from "./ISecurityTokenOperations.sol";
import {ProductType} from "../../types/ProductType.sol";

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
/// transfers, freezes, recovers, pauses, takes snapshots and cancels holds; ASSET_ISSUER manages documents;
/// ASSET_FACTORY rolls out upgrades. The settlement engine (`settlementEngine()`, an immutable of the
/// implementation) alone places, executes and releases holds (`IHoldable`) and moves agreed legs
/// (`settlementTransfer`).
///
/// ERC-3643 functions this token does not have, by design: `setIdentityRegistry` and `setCompliance` (the
/// registry and the pipeline are immutables of the product's implementation: re-pointing an asset is a product
/// upgrade through the factory), `setOnchainID`/`onchainID` (investors are opaque ids of the identity registry,
/// not ONCHAINID contracts), `setName`/`setSymbol` (the instrument is fixed at issuance).
/// @dev Invariants (each tested in test/tokens/security/):
/// - T1: `totalSupply() == Σ balanceOf(account)` over every account, `address(this)` (escrow) included.
/// - T2: `holderCount()` equals the number of distinct investors with a non-zero balance (`address(this)`
///   excluded), an investor being the registry's investor index each holding wallet had when it started holding
///   (a wallet unregistered then is an investor of its own), whatever the registry did since;
///   `holdingWalletCount()` the number of accounts other than `address(this)` with a non-zero balance.
/// - T3: `balanceOfAt(a, id)` and `totalSupplyAt(id)` equal `balanceOf(a)` and `totalSupply()` as they were when
///   snapshot `id` was taken, for every `id` from 1 to `currentSnapshotId()`.
/// - T4: `getFrozenTokens(a) + heldBalanceOf(a) ≤ balanceOf(a)`, and `totalHeld()` is the sum of
///   `heldBalanceOf(a)` over every account (IHoldable's H1 and H2 hold as well).
/// - T5: a transfer or mint that `detectTransferRestriction` refuses reverts; one it allows succeeds (given the
///   sender's balance).
interface ISecurityToken is
    ISecurityTokenOperations,
    IERC20Metadata,
    IERC20Errors,
    IERC1404,
    IComplianceSubject,
    IHoldable
{
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

    /* REGISTER */

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

    /// @notice The sum of every holder's held tokens: zero exactly when no hold is active (a split waits for it).
    function totalHeld() external view returns (uint256);

    /// @notice ERC-3643: the implementation's version.
    function version() external view returns (string memory);

    /// @notice What the security is.
    function instrument() external view returns (Instrument memory);

    /// @notice The issuing member.
    function issuer() external view returns (address);

    /// @notice The product type of this token's implementation.
    function productType() external view returns (ProductType);
}
