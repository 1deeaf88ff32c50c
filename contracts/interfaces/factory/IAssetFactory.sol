// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {ICompliance} from "../compliance/ICompliance.sol";
import {IERC1643} from "../tokens/IERC1643.sol";
import {ILoyaltyCredit} from "../tokens/ILoyaltyCredit.sol";
import {ISecurityToken} from "../tokens/ISecurityToken.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title IAssetFactory
/// @notice Issues securities of every product type in one transaction — an ERC-1967 proxy of the product's
/// current implementation, initialized, registered with the alliance's authority, its issuer, agents and
/// administrators seated, its compliance rules configured — and keeps the asset registry: every asset it issued,
/// listed by product type and by issuing member. The alliance upgrades a product type for every issuer at once:
/// `setProductImplementation` (UPGRADER, with its execution delay; the storage layout is validated off chain by
/// the `product:upgrade` task) then `rollOut` of the listed assets by anyone.
/// @dev Gas: issuing writes one registry word for the asset (address, issue time, link to the issuer's previous
/// asset), bumps the product's count kept beside its implementation, and updates the issuer's head word; the
/// authority adds one slot for the asset (product type and issuer) and one per agent or administrator. No
/// permission table is written per asset: the authority resolves the asset to its product type's table.
/// Invariants:
/// - F1: every asset in `assetsByProduct(t, …)` has `authority.productOf(asset) == t`, and appears there once.
/// - F2: `Σ_t assetCountByProduct(t) == assetCount()` and `Σ_issuer assetCountByIssuer(issuer) == assetCount()`.
/// - F3: an issued asset's issuer is the member who called `issue` (whatever `instrument.issuer` said).
/// - F4: `rollOut(t, assets)` leaves every listed asset on `productImplementation(t)`.
interface IAssetFactory {
    /// @notice The compliance configuration of a newly issued asset (one call to `Compliance.configureNewAsset`).
    /// @param rules The built-in rules (eligibility claims, lock-up, investor cap, trading window, list switches).
    /// @param allowedCountries Countries of the allow-list (used when `rules.countryAllowList`).
    /// @param blockedCountries Countries of the block-list (used when `rules.countryBlockList`).
    /// @param maxBalance The per-investor balance cap (used when `rules.maxBalance`).
    struct ComplianceSetup {
        ICompliance.AssetRules rules;
        uint16[] allowedCountries;
        uint16[] blockedCountries;
        uint256 maxBalance;
    }

    /// @notice Everything an asset is issued with.
    /// @param productType The product (Equity, Bond, Fund…); its current implementation is deployed.
    /// @param instrument What the security is; `issuer` is ignored and set to the caller.
    /// @param documents ERC-1643 documents attached at issuance (prospectus, terms…).
    /// @param terms The product's `abi.encode`d terms (see sdk/products).
    /// @param agents Accounts granted ASSET_AGENT on the asset.
    /// @param administrators Accounts granted ASSET_ADMINISTRATOR on the asset (fund administrator, paying agent).
    /// @param compliance The asset's compliance configuration.
    struct IssueRequest {
        ProductType productType;
        ISecurityToken.Instrument instrument;
        IERC1643.Document[] documents;
        bytes terms;
        address[] agents;
        address[] administrators;
        ComplianceSetup compliance;
    }

    /// @notice One asset of the registry.
    /// @param asset The asset's address (its proxy).
    /// @param productType Its product type.
    /// @param index Its position in `assetsByProduct(productType, …)`.
    /// @param issuedAt When it was issued.
    struct AssetEntry {
        address asset;
        ProductType productType;
        uint32 index;
        uint48 issuedAt;
    }

    /// @notice What the registry and the authority know about an asset.
    /// @param productType Its product type (`None`: not an asset of the alliance).
    /// @param issuer Its issuer now (the authority's ASSET_ISSUER of the asset).
    /// @param instrument What the security is, as the token records it (empty for a loyalty program).
    struct AssetInfo {
        ProductType productType;
        address issuer;
        ISecurityToken.Instrument instrument;
    }

    /* EVENTS */

    /// @notice `issuer` issued `asset`, the `index`-th `productType` asset, as a proxy of `implementation`.
    event AssetIssued(
        address indexed asset,
        ProductType indexed productType,
        address indexed issuer,
        address implementation,
        uint256 index
    );

    /// @notice New `productType` assets are issued from `implementation` (and `rollOut` upgrades to it).
    event ProductImplementationSet(ProductType indexed productType, address indexed implementation, address previous);

    /// @notice `count` `productType` assets were upgraded to `implementation`.
    event ProductRolledOut(ProductType indexed productType, address indexed implementation, uint256 count);

    /* ERRORS */

    /// @notice `productType` names no product (`ProductType.None`).
    error AssetFactoryInvalidProductType(ProductType productType);

    /// @notice No implementation is set for `productType`.
    error AssetFactoryNoImplementation(ProductType productType);

    /// @notice `implementation` is not a UUPS implementation of a `productType` security token.
    error AssetFactoryInvalidImplementation(ProductType productType, address implementation);

    /// @notice `productTypes` and `implementations` differ in length.
    error AssetFactoryLengthMismatch(uint256 productTypes, uint256 implementations);

    /// @notice There is no `index`-th `productType` asset.
    error AssetFactoryUnknownAsset(ProductType productType, uint256 index);

    /// @notice The registry holds the most `productType` assets it can count (2^32 − 1).
    error AssetFactoryRegistryFull(ProductType productType);

    /// @notice `asset` is a `actual` asset (`None`: not an asset), not a `expected` one.
    error AssetFactoryProductMismatch(address asset, ProductType actual, ProductType expected);

    /* ISSUANCE */

    /// @notice Issues a security as `request` describes, in one transaction: deploys a proxy of the product's
    /// implementation initialized with the instrument (issuer = caller), documents and terms; registers it with
    /// the authority with the caller as its issuer; grants the agents and administrators their asset roles;
    /// configures its compliance; records it in the registry.
    /// @return asset The new asset's address.
    /// @custom:access ISSUER
    function issue(IssueRequest calldata request) external returns (address asset);

    /// @notice Launches a loyalty program (product type LoyaltyCredit) for the calling merchant member: deploys a
    /// proxy of the product's implementation initialized with `terms` (`merchant` = caller), registers it with the
    /// authority with the caller as its issuer (so the LoyaltyCredit product table's ASSET_ISSUER functions are the
    /// merchant's, and end with its suspension), and records it in the registry. `issue` refuses LoyaltyCredit.
    /// @dev Reverts with `LoyaltyCreditInvalidTerms` (from the program's initializer) for out-of-range terms.
    /// @return program The program's address (its ERC-20).
    /// @custom:access MERCHANT
    function issueLoyaltyProgram(ILoyaltyCredit.ProgramTerms calldata terms) external returns (address program);

    /* PRODUCT UPGRADES */

    /// @notice Makes `implementation` the implementation new `productType` assets are issued from and
    /// `rollOut` upgrades to. Its storage layout must be validated against the current one (`product:upgrade`).
    /// @custom:access UPGRADER (with its execution delay)
    function setProductImplementation(ProductType productType, address implementation) external;

    /// @notice Upgrades each of `assets` (all `productType` assets) to the product's current implementation.
    /// Anyone may call it once the alliance has set the implementation; the factory holds ASSET_FACTORY, which the
    /// product tables give `upgradeToAndCall`.
    /// @custom:access public
    function rollOut(ProductType productType, address[] calldata assets) external;

    /* REGISTRY */

    /// @notice The implementation `productType` assets are issued from (zero when none).
    function productImplementation(ProductType productType) external view returns (address);

    /// @notice How many assets the factory issued.
    function assetCount() external view returns (uint256);

    /// @notice How many `productType` assets the factory issued.
    function assetCountByProduct(ProductType productType) external view returns (uint256);

    /// @notice How many assets `issuer` issued.
    function assetCountByIssuer(address issuer) external view returns (uint256);

    /// @notice The `index`-th `productType` asset (0-based, in issue order).
    function assetAt(ProductType productType, uint256 index) external view returns (AssetEntry memory);

    /// @notice Up to `limit` `productType` assets from position `offset`, in issue order (oldest first).
    function assetsByProduct(
        ProductType productType,
        uint256 offset,
        uint256 limit
    ) external view returns (AssetEntry[] memory);

    /// @notice Up to `limit` of `issuer`'s assets from position `offset`, newest first.
    /// @dev Walks the issuer's list from its newest asset: `offset + limit` reads.
    function assetsByIssuer(address issuer, uint256 offset, uint256 limit) external view returns (AssetEntry[] memory);

    /// @notice What the authority and the token say about `asset` (`productType` None: not an alliance asset).
    function assetInfo(address asset) external view returns (AssetInfo memory);
}
