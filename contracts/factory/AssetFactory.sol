// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC1822Proxiable} from "@openzeppelin/contracts/interfaces/draft-IERC1822.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {Roles} from "../access/Roles.sol";
import {IAllianceAuthority} from "../interfaces/access/IAllianceAuthority.sol";
import {IAssetFactory} from "../interfaces/factory/IAssetFactory.sol";
import {ILoyaltyCredit} from "../interfaces/tokens/ILoyaltyCredit.sol";
import {ISecurityToken} from "../interfaces/tokens/ISecurityToken.sol";
import {ProductType} from "../types/ProductType.sol";

/// @title AssetFactory
/// @notice Issues securities of every product type in one transaction, launches merchants' loyalty programs, and
/// keeps the asset registry; rolls product upgrades out to issued assets. See `IAssetFactory`.
/// @dev Proxies: each asset is an ERC-1967 (UUPS) proxy of its product's implementation, not a beacon proxy. A
/// beacon would upgrade every asset of a type in one step, but every call to every asset — each transfer — would
/// pay a cold call to the beacon (≈ 4–5 k gas, DESIGN.md §1) on a budget of 1.6 × a plain ERC-20 transfer. With
/// UUPS the alliance sets the product's implementation once (UPGRADER, delayed) and `rollOut` applies it to the
/// listed assets in batches; the product tables give `upgradeToAndCall` to ASSET_FACTORY, held by this contract.
///
/// Registry storage (each a single word, so issuing stays cheap):
/// - per product type: `implementation (160 bits) | count (32 bits)` — issuing reads the implementation anyway
///   and bumps the count in the same word;
/// - per asset: `asset (160) | issuedAt (48) | the issuer's previous asset (40-bit ref)` at
///   `entries[productType][index]`, a ref being `productType << 32 | index` (0: none);
/// - per issuer: `count (32) | ref of its newest asset (40)`: the issuer's assets form a list through the entries,
///   newest first.
///
/// Upgradeable (UUPS, `upgradeToAndCall` restricted to UPGRADER), ERC-7201 storage
/// `assetledger.storage.AssetFactory`. Invariants: see `IAssetFactory` (F1–F4).
contract AssetFactory is IAssetFactory, AccessManagedUpgradeable, UUPSUpgradeable {
    uint256 private constant _COUNT_SHIFT = 160;
    uint256 private constant _ISSUED_AT_SHIFT = 160;
    uint256 private constant _PREVIOUS_SHIFT = 208;
    uint256 private constant _HEAD_SHIFT = 32;
    uint256 private constant _REF_TYPE_SHIFT = 32;
    uint256 private constant _ADDRESS_MASK = type(uint160).max;
    uint256 private constant _REF_MASK = type(uint40).max;
    uint256 private constant _INDEX_MASK = type(uint32).max;

    /// @custom:storage-location erc7201:assetledger.storage.AssetFactory
    struct AssetFactoryStorage {
        /// @dev `implementation | count << 160` per product type.
        mapping(ProductType productType => uint256) products;
        /// @dev `asset | issuedAt << 160 | previousRef << 208` per product type and index.
        mapping(ProductType productType => mapping(uint256 index => uint256)) entries;
        /// @dev `count | headRef << 32` per issuer.
        mapping(address issuer => uint256) issuers;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.AssetFactory")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0xa564312ff9671476afdcda2f0cddd19e18c5646705a7ebd07fe2566b215aa700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the factory's proxy with the alliance's authority and the first implementation of each
    /// listed product type (later ones go through `setProductImplementation` and its delay).
    function initialize(
        address authority,
        ProductType[] calldata productTypes,
        address[] calldata implementations
    ) external initializer {
        require(
            productTypes.length == implementations.length,
            AssetFactoryLengthMismatch(productTypes.length, implementations.length)
        );
        __AccessManaged_init(authority);
        for (uint256 i = 0; i < productTypes.length; ++i) {
            _setProductImplementation(productTypes[i], implementations[i]);
        }
    }

    /* ISSUANCE */

    /// @inheritdoc IAssetFactory
    function issue(IssueRequest calldata request) external restricted returns (address asset) {
        AssetFactoryStorage storage $ = _getAssetFactoryStorage();
        ProductType productType = request.productType;
        // A loyalty program is not a security: it is launched by `issueLoyaltyProgram`.
        require(
            productType != ProductType.None && productType != ProductType.LoyaltyCredit,
            AssetFactoryInvalidProductType(productType)
        );
        (address implementation, uint256 index) = _nextOf($, productType);
        address issuer = _msgSender();
        IAllianceAuthority authority_ = IAllianceAuthority(authority());

        ISecurityToken.Instrument memory instrument = request.instrument;
        instrument.issuer = issuer;
        asset = address(
            new ERC1967Proxy(
                implementation,
                abi.encodeCall(
                    ISecurityToken.initialize,
                    (address(authority_), instrument, request.documents, request.terms)
                )
            )
        );

        authority_.registerAsset(asset, productType, issuer);
        for (uint256 i = 0; i < request.agents.length; ++i) {
            authority_.setAssetRole(asset, Roles.ASSET_AGENT, request.agents[i], true);
        }
        for (uint256 i = 0; i < request.administrators.length; ++i) {
            authority_.setAssetRole(asset, Roles.ASSET_ADMINISTRATOR, request.administrators[i], true);
        }
        _configureCompliance(asset, request.compliance);
        _record($, productType, index, implementation, asset, issuer);
    }

    /// @inheritdoc IAssetFactory
    function issueLoyaltyProgram(ILoyaltyCredit.ProgramTerms calldata terms) external restricted returns (address) {
        AssetFactoryStorage storage $ = _getAssetFactoryStorage();
        ProductType productType = ProductType.LoyaltyCredit;
        (address implementation, uint256 index) = _nextOf($, productType);
        ILoyaltyCredit.ProgramTerms memory programTerms = terms;
        programTerms.merchant = _msgSender();
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        address program = address(
            new ERC1967Proxy(
                implementation,
                abi.encodeCall(ILoyaltyCredit.initialize, (address(authority_), programTerms))
            )
        );
        authority_.registerAsset(program, productType, programTerms.merchant);
        _record($, productType, index, implementation, program, programTerms.merchant);
        return program;
    }

    /* PRODUCT UPGRADES */

    /// @inheritdoc IAssetFactory
    function setProductImplementation(ProductType productType, address implementation) external restricted {
        _setProductImplementation(productType, implementation);
    }

    /// @inheritdoc IAssetFactory
    function rollOut(ProductType productType, address[] calldata assets) external {
        address implementation = address(uint160(_getAssetFactoryStorage().products[productType]));
        require(implementation != address(0), AssetFactoryNoImplementation(productType));
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        for (uint256 i = 0; i < assets.length; ++i) {
            ProductType actual = authority_.productOf(assets[i]);
            require(actual == productType, AssetFactoryProductMismatch(assets[i], actual, productType));
            UUPSUpgradeable(assets[i]).upgradeToAndCall(implementation, "");
        }
        emit ProductRolledOut(productType, implementation, assets.length);
    }

    /* REGISTRY */

    /// @inheritdoc IAssetFactory
    function productImplementation(ProductType productType) external view returns (address) {
        return address(uint160(_getAssetFactoryStorage().products[productType]));
    }

    /// @inheritdoc IAssetFactory
    function assetCount() external view returns (uint256 count) {
        AssetFactoryStorage storage $ = _getAssetFactoryStorage();
        for (uint256 t = uint256(ProductType.Equity); t <= uint256(type(ProductType).max); ++t) {
            count += $.products[ProductType(t)] >> _COUNT_SHIFT;
        }
    }

    /// @inheritdoc IAssetFactory
    function assetCountByProduct(ProductType productType) public view returns (uint256) {
        return _getAssetFactoryStorage().products[productType] >> _COUNT_SHIFT;
    }

    /// @inheritdoc IAssetFactory
    function assetCountByIssuer(address issuer) external view returns (uint256) {
        return _getAssetFactoryStorage().issuers[issuer] & _INDEX_MASK;
    }

    /// @inheritdoc IAssetFactory
    function assetAt(ProductType productType, uint256 index) external view returns (AssetEntry memory) {
        require(index < assetCountByProduct(productType), AssetFactoryUnknownAsset(productType, index));
        return _entry(productType, index);
    }

    /// @inheritdoc IAssetFactory
    function assetsByProduct(
        ProductType productType,
        uint256 offset,
        uint256 limit
    ) external view returns (AssetEntry[] memory page) {
        uint256 count = assetCountByProduct(productType);
        uint256 size = offset >= count ? 0 : _min(limit, count - offset);
        page = new AssetEntry[](size);
        for (uint256 i = 0; i < size; ++i) {
            page[i] = _entry(productType, offset + i);
        }
    }

    /// @inheritdoc IAssetFactory
    function assetsByIssuer(
        address issuer,
        uint256 offset,
        uint256 limit
    ) external view returns (AssetEntry[] memory page) {
        AssetFactoryStorage storage $ = _getAssetFactoryStorage();
        uint256 word = $.issuers[issuer];
        uint256 count = word & _INDEX_MASK;
        uint256 size = offset >= count ? 0 : _min(limit, count - offset);
        page = new AssetEntry[](size);
        uint256 ref = word >> _HEAD_SHIFT;
        for (uint256 skipped = 0; skipped < offset && ref != 0; ++skipped) {
            ref = _previousOf($, ref);
        }
        for (uint256 i = 0; i < size; ++i) {
            page[i] = _entry(ProductType(ref >> _REF_TYPE_SHIFT), ref & _INDEX_MASK);
            ref = _previousOf($, ref);
        }
    }

    /// @inheritdoc IAssetFactory
    function assetInfo(address asset) external view returns (AssetInfo memory info) {
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        info.productType = authority_.productOf(asset);
        if (info.productType == ProductType.None) return info;
        info.issuer = authority_.issuerOf(asset);
        // Products that are not securities (a loyalty program) have no instrument: left empty.
        if (info.productType != ProductType.LoyaltyCredit) info.instrument = ISecurityToken(asset).instrument();
    }

    /* INTERNAL */

    /// @dev The implementation a new `productType` asset is a proxy of, and the asset's index.
    function _nextOf(
        AssetFactoryStorage storage $,
        ProductType productType
    ) private view returns (address implementation, uint256 index) {
        uint256 product = $.products[productType];
        implementation = address(uint160(product));
        require(implementation != address(0), AssetFactoryNoImplementation(productType));
        index = product >> _COUNT_SHIFT;
        require(index < type(uint32).max, AssetFactoryRegistryFull(productType));
    }

    /// @dev Records `asset`, the `index`-th `productType` asset, issued by `issuer` from `implementation`.
    function _record(
        AssetFactoryStorage storage $,
        ProductType productType,
        uint256 index,
        address implementation,
        address asset,
        address issuer
    ) private {
        $.products[productType] = uint160(implementation) | ((index + 1) << _COUNT_SHIFT);
        uint256 issuerWord = $.issuers[issuer];
        $.entries[productType][index] =
            uint160(asset) |
            (block.timestamp << _ISSUED_AT_SHIFT) |
            ((issuerWord >> _HEAD_SHIFT) << _PREVIOUS_SHIFT);
        // The count is a 32-bit field: the checked uint32 increment reverts (an issuer's 2^32-th asset, out of
        // reach in practice) before it could spill into the head ref.
        uint32 issuerCount = uint32(issuerWord) + 1;
        $.issuers[issuer] = issuerCount | (_ref(productType, index) << _HEAD_SHIFT);
        emit AssetIssued(asset, productType, issuer, implementation, index);
    }

    function _configureCompliance(address asset, ComplianceSetup calldata setup) private {
        ISecurityToken(asset).compliance().configureNewAsset(
            asset,
            setup.rules,
            setup.allowedCountries,
            setup.blockedCountries,
            setup.maxBalance
        );
    }

    function _setProductImplementation(ProductType productType, address implementation) private {
        require(productType != ProductType.None, AssetFactoryInvalidProductType(productType));
        require(
            _isProductImplementation(productType, implementation),
            AssetFactoryInvalidImplementation(productType, implementation)
        );
        AssetFactoryStorage storage $ = _getAssetFactoryStorage();
        uint256 product = $.products[productType];
        address previous = address(uint160(product));
        $.products[productType] = (product & ~_ADDRESS_MASK) | uint160(implementation);
        emit ProductImplementationSet(productType, implementation, previous);
    }

    /// @dev A deployed UUPS implementation (ERC-1822 `proxiableUUID` answering the ERC-1967 slot) whose
    /// `productType()` is `productType`.
    function _isProductImplementation(ProductType productType, address implementation) private view returns (bool) {
        if (implementation.code.length == 0) return false;
        try IERC1822Proxiable(implementation).proxiableUUID() returns (bytes32 slot) {
            if (slot != ERC1967Utils.IMPLEMENTATION_SLOT) return false;
        } catch {
            return false;
        }
        try ISecurityToken(implementation).productType() returns (ProductType actual) {
            return actual == productType;
        } catch {
            return false;
        }
    }

    function _entry(ProductType productType, uint256 index) private view returns (AssetEntry memory) {
        uint256 word = _getAssetFactoryStorage().entries[productType][index];
        return
            AssetEntry({
                asset: address(uint160(word)),
                productType: productType,
                index: uint32(index),
                issuedAt: uint48(word >> _ISSUED_AT_SHIFT)
            });
    }

    function _previousOf(AssetFactoryStorage storage $, uint256 ref) private view returns (uint256) {
        return ($.entries[ProductType(ref >> _REF_TYPE_SHIFT)][ref & _INDEX_MASK] >> _PREVIOUS_SHIFT) & _REF_MASK;
    }

    /// @dev Never zero: `productType` is at least Equity (1).
    function _ref(ProductType productType, uint256 index) private pure returns (uint256) {
        return (uint256(productType) << _REF_TYPE_SHIFT) | index;
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    /// @dev Upgrades of the factory itself: UPGRADER, with its execution delay.
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    function _getAssetFactoryStorage() private pure returns (AssetFactoryStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
