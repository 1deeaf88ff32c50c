// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAllianceAuthority} from "../interfaces/access/IAllianceAuthority.sol";
import {IAssetDirectory} from "../interfaces/access/IAssetDirectory.sol";
import {ProductType} from "../types/ProductType.sol";
import {Roles} from "./Roles.sol";

/// @title AllianceAuthority
/// @notice The alliance's authority: OpenZeppelin's AccessManager that also knows every issued asset, answers for
/// it from its product type's permission table, and keeps the asset-scoped roles (issuer, agents,
/// administrators) per asset. See `IAllianceAuthority`.
/// @dev Resolution: `getTargetFunctionRole(asset, s)` and `getTargetAdminDelay(asset)` read the product target
/// of a registered asset; `isTargetClosed(asset)` is true when the asset or its product target is closed;
/// `canCall` answers asset-scoped roles from `hasAssetRole` and defers everything else to AccessManager, whose
/// scheduling, execution delays, `execute` and `setAuthority` rules are unchanged (they read the resolved table).
///
/// Powers end with membership: `hasAssetRole` is read at each `canCall`, from the asset's record and the
/// suspension flags the member registry sets here in the same transaction as a suspension, reinstatement, removal
/// or re-admission (`setMemberSuspended`), so no cached answer can outlive a member's standing. Appointments
/// (agents, administrators) belong to the issuer's tenure of the asset and lapse when `setAssetIssuer` hands it on.
///
/// The authority's own new functions are guarded like AccessManager's non-admin functions: by the roles
/// `config/roles.ts` maps their selectors to on the authority itself (`registerAsset` → ASSET_FACTORY,
/// `setAssetRole` → ASSET_FACTORY, `setAssetIssuer` → GOVERNOR, `setMemberSuspended` → MEMBERSHIP), with the one
/// exception that an asset's issuer may set its own asset's agents and administrators.
///
/// Deliberately not upgradeable, like AccessManager: it is the root of trust. A new version is deployed and each
/// contract moved to it with `updateAuthority` (and the registered assets re-registered by the factory).
contract AllianceAuthority is AccessManager, IAllianceAuthority {
    /// @dev One asset: its product type, its one issuer and the number of the issuer's tenure (how many times
    /// `setAssetIssuer` handed the asset on), in one slot (8 + 160 + 32 bits).
    struct AssetRecord {
        ProductType productType;
        address issuer;
        uint32 tenure;
    }

    /// @inheritdoc IAllianceAuthority
    uint64 public constant FIRST_ASSET_ROLE = Roles.ASSET_ISSUER;
    /// @inheritdoc IAllianceAuthority
    uint64 public constant LAST_ASSET_ROLE = Roles.ASSET_ISSUER + 63;

    mapping(address asset => AssetRecord) private _assets;
    /// @dev Bit i: role `FIRST_ASSET_ROLE + i` (bit 0, ASSET_ISSUER, is never set here: the record holds it),
    /// per issuer tenure: only the asset's current tenure is ever read, so a handover voids every appointment.
    mapping(address asset => mapping(uint32 tenure => mapping(address account => uint64 roles))) private _assetRoles;
    /// @dev Members the member registry suspended or removed (A7).
    mapping(address account => bool) private _suspended;

    /// @param initialAdmin The first holder of the ADMIN role (the deployer, until governance takes over).
    constructor(address initialAdmin) AccessManager(initialAdmin) {}

    /* ASSETS */

    /// @inheritdoc IAllianceAuthority
    function registerAsset(address asset, ProductType productType, address issuer) external onlyAuthorized {
        require(asset != address(0) && asset != address(this), AllianceAuthorityInvalidAsset(asset));
        require(productType != ProductType.None, AllianceAuthorityInvalidProductType(productType));
        require(issuer != address(0), AllianceAuthorityInvalidAccount(issuer));
        AssetRecord storage record = _assets[asset];
        require(
            record.productType == ProductType.None,
            AllianceAuthorityAssetAlreadyRegistered(asset, record.productType)
        );
        record.productType = productType;
        record.issuer = issuer;
        emit AssetRegistered(asset, productType, issuer);
    }

    /// @inheritdoc IAllianceAuthority
    function setAssetRole(address asset, uint64 roleId, address account, bool granted) external {
        address caller = _msgSender();
        AssetRecord storage record = _assets[asset];
        bool byIssuer =
            caller == record.issuer &&
                caller != address(0) &&
                (roleId == Roles.ASSET_AGENT || roleId == Roles.ASSET_ADMINISTRATOR);
        if (byIssuer) require(!_suspended[caller], AllianceAuthoritySuspendedMember(caller));
        else _checkAuthorizedByTable(caller);
        require(record.productType != ProductType.None, AllianceAuthorityUnknownAsset(asset));
        require(_isAssetScoped(roleId) && roleId != Roles.ASSET_ISSUER, AllianceAuthorityInvalidAssetRole(roleId));
        require(account != address(0), AllianceAuthorityInvalidAccount(account));
        mapping(address => uint64) storage tenureRoles = _assetRoles[asset][record.tenure];
        uint64 roles = tenureRoles[account];
        uint64 bit = uint64(1) << (roleId - FIRST_ASSET_ROLE);
        uint64 updated = granted ? roles | bit : roles & ~bit;
        if (updated == roles) return;
        // A suspended member may be appointed: the appointment is recorded and takes effect on its reinstatement
        // (standing is read at `canCall`, not here, which keeps an issue's agent grants cheap).
        tenureRoles[account] = updated;
        emit AssetRoleSet(asset, roleId, account, granted);
    }

    /// @inheritdoc IAllianceAuthority
    function setAssetIssuer(address asset, address newIssuer) external onlyAuthorized {
        AssetRecord storage record = _assets[asset];
        require(record.productType != ProductType.None, AllianceAuthorityUnknownAsset(asset));
        require(newIssuer != address(0), AllianceAuthorityInvalidAccount(newIssuer));
        address previousIssuer = record.issuer;
        if (previousIssuer == newIssuer) return;
        require(!_suspended[newIssuer], AllianceAuthoritySuspendedMember(newIssuer));
        record.issuer = newIssuer;
        // A new tenure: the previous issuer's appointments lapse. 2^32 handovers of one asset cannot happen.
        unchecked {
            ++record.tenure;
        }
        emit AssetIssuerChanged(asset, previousIssuer, newIssuer);
    }

    /* MEMBERS */

    /// @inheritdoc IAllianceAuthority
    function setMemberSuspended(address account, bool suspended) external onlyAuthorized {
        require(account != address(0), AllianceAuthorityInvalidAccount(account));
        if (_suspended[account] == suspended) return;
        _suspended[account] = suspended;
        emit MemberSuspensionSet(account, suspended);
    }

    /* VIEWS */

    /// @inheritdoc IAssetDirectory
    function productOf(address asset) public view returns (ProductType) {
        return _assets[asset].productType;
    }

    /// @inheritdoc IAllianceAuthority
    function productTarget(ProductType productType) public pure returns (address) {
        require(productType != ProductType.None, AllianceAuthorityInvalidProductType(productType));
        return address(uint160(uint256(keccak256(abi.encode("assetledger.product", productType)))));
    }

    /// @inheritdoc IAllianceAuthority
    function issuerOf(address asset) external view returns (address) {
        return _assets[asset].issuer;
    }

    /// @inheritdoc IAllianceAuthority
    function hasAssetRole(address asset, uint64 roleId, address account) public view returns (bool) {
        if (!_isAssetScoped(roleId)) return false;
        AssetRecord storage record = _assets[asset];
        address issuer = record.issuer;
        // An unregistered asset (no issuer) or a suspended issuer: nobody holds a role on the asset.
        if (issuer == address(0) || _suspended[issuer]) return false;
        if (roleId == Roles.ASSET_ISSUER) return account == issuer;
        if (_suspended[account]) return false;
        return (_assetRoles[asset][record.tenure][account] >> (roleId - FIRST_ASSET_ROLE)) & 1 == 1;
    }

    /// @inheritdoc IAllianceAuthority
    function assetRolesOf(address asset, address account) external view returns (uint64 roles) {
        AssetRecord storage record = _assets[asset];
        roles = _assetRoles[asset][record.tenure][account];
        if (account != address(0) && record.issuer == account) roles |= 1;
    }

    /// @inheritdoc IAllianceAuthority
    function isMemberSuspended(address account) external view returns (bool) {
        return _suspended[account];
    }

    /// @inheritdoc IAllianceAuthority
    function issuerTenureOf(address asset) external view returns (uint32) {
        return _assets[asset].tenure;
    }

    /* ACCESS MANAGER RESOLUTION */

    /// @inheritdoc AccessManager
    /// @dev For a registered asset and a selector its product table maps to an asset-scoped role: whether the
    /// caller holds that role on the asset (never delayed), false while the asset or its product is closed.
    /// Everything else — other roles, calls through `execute`, `setAuthority` — is AccessManager's answer on the
    /// resolved table.
    function canCall(
        address caller,
        address target,
        bytes4 selector
    ) public view override returns (bool immediate, uint32 delay) {
        ProductType productType = _productTypeOf(target);
        if (
            productType != ProductType.None &&
            caller != address(this) &&
            selector != IAccessManaged.setAuthority.selector
        ) {
            uint64 roleId = super.getTargetFunctionRole(productTarget(productType), selector);
            if (_isAssetScoped(roleId)) {
                if (isTargetClosed(target)) return (false, 0);
                return (hasAssetRole(target, roleId, caller), 0);
            }
        }
        return super.canCall(caller, target, selector);
    }

    /// @inheritdoc AccessManager
    /// @dev A registered asset answers with its product target's role.
    function getTargetFunctionRole(address target, bytes4 selector) public view override returns (uint64) {
        ProductType productType = _productTypeOf(target);
        return
            super.getTargetFunctionRole(
                productType == ProductType.None ? target : productTarget(productType),
                selector
            );
    }

    /// @inheritdoc AccessManager
    /// @dev A registered asset is closed when it or its product target is.
    function isTargetClosed(address target) public view override returns (bool) {
        if (super.isTargetClosed(target)) return true;
        ProductType productType = _productTypeOf(target);
        return productType != ProductType.None && super.isTargetClosed(productTarget(productType));
    }

    /// @inheritdoc AccessManager
    /// @dev A registered asset answers with its product target's admin delay.
    function getTargetAdminDelay(address target) public view override returns (uint32) {
        ProductType productType = _productTypeOf(target);
        return super.getTargetAdminDelay(productType == ProductType.None ? target : productTarget(productType));
    }

    /* INTERNAL */

    /// @dev A registered asset's table is its product target's (A1).
    function _setTargetFunctionRole(address target, bytes4 selector, uint64 roleId) internal override {
        require(_productTypeOf(target) == ProductType.None, AllianceAuthorityAssetTarget(target));
        super._setTargetFunctionRole(target, selector, roleId);
    }

    /// @dev A registered asset's admin delay is its product target's (A1).
    function _setTargetAdminDelay(address target, uint32 newDelay) internal override {
        require(_productTypeOf(target) == ProductType.None, AllianceAuthorityAssetTarget(target));
        super._setTargetAdminDelay(target, newDelay);
    }

    /// @dev `onlyAuthorized` for a function whose caller may also be authorized otherwise: the role the
    /// authority's own table maps `msg.sig` to, its execution delay consumed from a scheduled operation, as
    /// AccessManager does for its non-admin functions.
    function _checkAuthorizedByTable(address caller) private {
        (bool immediate, uint32 delay) = canCall(caller, address(this), msg.sig);
        if (immediate) return;
        require(
            delay != 0,
            AccessManagerUnauthorizedAccount(caller, super.getTargetFunctionRole(address(this), msg.sig))
        );
        _consumeScheduledOp(hashOperation(caller, address(this), _msgData()));
    }

    /// @dev The authority itself is never an asset: skip the lookup for the calls it guards on itself.
    function _productTypeOf(address target) private view returns (ProductType) {
        return target == address(this) ? ProductType.None : _assets[target].productType;
    }

    function _isAssetScoped(uint64 roleId) private pure returns (bool) {
        return roleId >= FIRST_ASSET_ROLE && roleId <= LAST_ASSET_ROLE;
    }
}
