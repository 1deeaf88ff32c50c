// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ProductType} from "../../types/ProductType.sol";
import {IAssetDirectory} from "./IAssetDirectory.sol";

/// @title IAllianceAuthority
/// @notice What the alliance's authority adds to OpenZeppelin's AccessManager (it is one, with every
/// `IAccessManager` function): issued assets and the roles held on each of them.
///
/// Permissions per product type, not per asset: every asset the factory issues is registered here with its
/// product type, and the authority answers for it from the selector → role table of its product type's template
/// target, `productTarget(productType)` — a fixed pseudo-address per type that `config/roles.ts` is applied to
/// once. Issuing an asset therefore writes no permission table (≈ 20 slots per asset otherwise, DESIGN.md §6).
///
/// Asset-scoped roles (ids `FIRST_ASSET_ROLE`…`LAST_ASSET_ROLE`: ASSET_ISSUER 100, ASSET_AGENT 101,
/// ASSET_ADMINISTRATOR 102, …) are held per asset, never globally: for a selector its product table maps to an
/// asset-scoped role, `canCall(caller, asset, selector)` answers `hasAssetRole(asset, role, caller)` (immediately,
/// with no execution delay). Selectors mapped to any other role keep AccessManager's semantics on assets too
/// (global membership, execution delays, scheduling through `schedule`/`execute`).
///
/// Asset powers end with membership. The member registry flags here, in the same transaction, every member it
/// suspends or removes and clears the flag when it reinstates or re-admits one (`setMemberSuspended`). While the
/// asset's issuer is flagged, nobody holds any asset-scoped role on the asset: not the issuer, not the agents and
/// administrators it appointed (members or not — they act for the issuer), so the asset is frozen in its current
/// state (holders still transfer) until the issuer is reinstated or governance hands the asset to a new issuer
/// (`setAssetIssuer`). While an agent or administrator is itself a flagged member, it holds nothing on any asset.
/// Reinstatement restores both. An account that never was a member (an issuer's own operations key, a transfer
/// agent outside the alliance) keeps its appointments while its issuer's standing and tenure last. Every answer is
/// read at `canCall` time; nothing is cached in the tokens.
///
/// Appointments belong to an issuer's *tenure*: `setAssetIssuer` starts a new one, and every agent and
/// administrator appointed before it lapses (the new issuer appoints its own), so a suspended or removed issuer's
/// appointees never act under its successor.
/// @dev Storage per asset: one slot holding its product type, its issuer (ASSET_ISSUER has exactly one holder
/// per asset) and its tenure number, plus one slot per account and tenure holding other asset-scoped roles on it
/// (a bitmap of those roles); one flag per suspended or removed member.
/// Invariants:
/// - A1: `getTargetFunctionRole(asset, s) == getTargetFunctionRole(productTarget(productOf(asset)), s)` for every
///   registered asset; its own table and admin delay can never be written.
/// - A2: an asset is closed iff it or its product target is closed.
/// - A3: for a registered asset, an asset-scoped role is answered from `hasAssetRole` alone: a global grant of
///   that role (`grantRole`) gives no access to any registered asset. (Global grants keep their AccessManager
///   meaning on targets that are not registered assets, such as a product deployed outside the factory in a test.)
/// - A4: a registered asset stays registered with the same product type.
/// - A5: `hasAssetRole(asset, ASSET_ISSUER, a)` iff `a == issuerOf(asset)` and `a` is not flagged
///   (`isMemberSuspended`); `issuerOf(asset)` is non-zero while registered.
/// - A6: `hasAssetRole(asset, r, a)` for any other asset-scoped `r` iff `a` was granted `r` during the asset's
///   current tenure and not revoked since, and neither `a` nor `issuerOf(asset)` is flagged.
/// - A7: the member registry keeps `isMemberSuspended(a)` true iff `a` is a suspended or removed member
///   (MemberRegistry I4).
interface IAllianceAuthority is IAssetDirectory {
    /* EVENTS */

    /// @notice `asset` was registered as a `productType` asset with `issuer` holding its ASSET_ISSUER role.
    event AssetRegistered(address indexed asset, ProductType indexed productType, address indexed issuer);
    /// @notice `account` was granted (or revoked) the asset-scoped role `roleId` on `asset`.
    event AssetRoleSet(address indexed asset, uint64 indexed roleId, address indexed account, bool granted);
    /// @notice `asset`'s issuer (ASSET_ISSUER) changed from `previousIssuer` to `newIssuer`, starting a new tenure:
    /// the agents and administrators appointed before it no longer hold their roles.
    event AssetIssuerChanged(address indexed asset, address indexed previousIssuer, address indexed newIssuer);
    /// @notice The member registry flagged `account` as suspended or removed (`suspended`), or cleared the flag.
    event MemberSuspensionSet(address indexed account, bool suspended);

    /* ERRORS */

    /// @notice `asset` cannot be registered (the zero address or the authority itself).
    error AllianceAuthorityInvalidAsset(address asset);
    /// @notice `asset` is already registered as a `productType` asset.
    error AllianceAuthorityAssetAlreadyRegistered(address asset, ProductType productType);
    /// @notice `asset` is not a registered asset.
    error AllianceAuthorityUnknownAsset(address asset);
    /// @notice `productType` names no product (`ProductType.None`).
    error AllianceAuthorityInvalidProductType(ProductType productType);
    /// @notice `account` cannot hold an asset role (the zero address).
    error AllianceAuthorityInvalidAccount(address account);
    /// @notice `roleId` cannot be set through `setAssetRole`: it is not asset-scoped, or it is ASSET_ISSUER (which
    /// `registerAsset` and `setAssetIssuer` set).
    error AllianceAuthorityInvalidAssetRole(uint64 roleId);
    /// @notice `asset` is a registered asset: its function roles and admin delay are its product type's, set on
    /// `productTarget(productOf(asset))`.
    error AllianceAuthorityAssetTarget(address asset);
    /// @notice `account` is a suspended or removed member: it may not appoint agents or become an asset's issuer.
    error AllianceAuthoritySuspendedMember(address account);

    /* ASSETS */

    /// @notice Registers `asset` as a `productType` asset issued by `issuer`, who holds its ASSET_ISSUER role.
    /// From now on the authority answers for `asset` from its product type's table.
    /// @custom:access ASSET_FACTORY
    function registerAsset(address asset, ProductType productType, address issuer) external;

    /// @notice Grants (`granted`) or revokes `account`'s asset-scoped role `roleId` on `asset`. Nothing happens
    /// (and nothing is emitted) when `account` already is (or is not) a holder.
    /// @dev The asset's issuer may set ASSET_AGENT and ASSET_ADMINISTRATOR on its own asset, unless it is a
    /// suspended member (`AllianceAuthoritySuspendedMember(issuer)`); holders of the role this selector is mapped
    /// to on the authority (ASSET_FACTORY) may set every asset-scoped role but ASSET_ISSUER. Anyone else reverts
    /// with `AccessManagerUnauthorizedAccount(caller, thatRole)`. Roles are set in the asset's current tenure. A
    /// suspended member may be appointed: `hasAssetRole` answers false until it is reinstated.
    /// @custom:access ASSET_ISSUER of `asset` (agents, administrators) or ASSET_FACTORY
    function setAssetRole(address asset, uint64 roleId, address account, bool granted) external;

    /// @notice Replaces `asset`'s issuer (its ASSET_ISSUER) with `newIssuer`, for instance after a merger or
    /// the suspension or removal of the issuing member, and starts a new tenure: every agent and administrator
    /// appointed before lapses, and the new issuer appoints its own. Nothing happens when `newIssuer` already is
    /// the issuer. Reverts with `AllianceAuthoritySuspendedMember` when `newIssuer` is a suspended or removed
    /// member. The token's own record of its issuer is the product's to update.
    /// @custom:access GOVERNOR
    function setAssetIssuer(address asset, address newIssuer) external;

    /* MEMBERS */

    /// @notice Flags (`suspended`) or clears `account` as a suspended or removed member: while flagged it holds no
    /// asset-scoped role, and nobody holds one on the assets it issues. Nothing happens (and nothing is emitted)
    /// when the flag already has that value. Called by the member registry in the same transaction as
    /// `suspendMember`, `removeMember`, `reinstateMember` and the re-admission of a removed member.
    /// @custom:access MEMBERSHIP
    function setMemberSuspended(address account, bool suspended) external;

    /* VIEWS */

    /// @notice The first asset-scoped role id (ASSET_ISSUER).
    function FIRST_ASSET_ROLE() external view returns (uint64);

    /// @notice The last asset-scoped role id (ids up to it are held per asset).
    function LAST_ASSET_ROLE() external view returns (uint64);

    /// @notice The fixed pseudo-address whose selector → role table every `productType` asset uses:
    /// `address(uint160(uint256(keccak256(abi.encode("assetledger.product", productType)))))`.
    function productTarget(ProductType productType) external pure returns (address);

    /// @notice `asset`'s issuer (the holder of its ASSET_ISSUER role); zero when not registered.
    function issuerOf(address asset) external view returns (address);

    /// @notice Whether `account` holds the asset-scoped role `roleId` on `asset` now — what `canCall` answers
    /// (false for any other role id, any unregistered asset, while `account` or the asset's issuer is flagged as
    /// a suspended or removed member, and for appointments of an earlier tenure).
    function hasAssetRole(address asset, uint64 roleId, address account) external view returns (bool);

    /// @notice The asset-scoped roles `account` was given on `asset` in its current tenure, as a bitmap (bit i:
    /// role `FIRST_ASSET_ROLE + i`), whether or not a suspension keeps them from being exercised now
    /// (`hasAssetRole`).
    function assetRolesOf(address asset, address account) external view returns (uint64);

    /// @notice Whether the member registry flagged `account` as a suspended or removed member.
    function isMemberSuspended(address account) external view returns (bool);

    /// @notice How many times `asset` was handed to a new issuer (`setAssetIssuer`): its current tenure's number.
    function issuerTenureOf(address asset) external view returns (uint32);
}
