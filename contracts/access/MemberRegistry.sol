// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts/proxy/utils/UUPSUpgradeable.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IAllianceAuthority} from "../interfaces/access/IAllianceAuthority.sol";
import {IMemberRegistry} from "../interfaces/access/IMemberRegistry.sol";
import {IEligibilityPublisher} from "../interfaces/identity/IEligibilityPublisher.sol";
import {SubscribersLib} from "../libraries/SubscribersLib.sol";
import {Roles} from "./Roles.sol";

/// @title MemberRegistry
/// @notice The alliance's members and the member-held roles each of them holds in the alliance authority.
/// @dev Holds `Roles.MEMBERSHIP` in the authority, the admin of every member-held role (`config/roles.ts`), and is
/// the only way those roles are granted or revoked. Invariants (tested in test/access/):
/// - I1: an account holds a member-held role in the authority iff it is an active member whose bitmap has it.
///   Suspension revokes every role of the bitmap and keeps the bitmap and the execution delays; reinstatement
///   grants them again with those delays; removal revokes and forgets them.
/// - I2: `memberCount()` equals the number of accounts whose status is not `None`: an account enters the list on
///   its first admission and never leaves it (a removed member keeps its record; re-admission reuses its entry).
/// - I3: only `Roles.MEMBERSHIP` administers member-held roles: `grantMemberRole` accepts a role only when the
///   authority says its admin is MEMBERSHIP, and only ids ≤ `Roles.MAX_MEMBER_ROLE` fit the bitmap.
/// - I4: the authority flags an account as suspended (`IAllianceAuthority.isMemberSuspended`) iff its status is
///   `Suspended` or `Removed`: `suspendMember` and `removeMember` set the flag, `reinstateMember` and the
///   re-admission of a removed member clear it, each in its own transaction. The authority then refuses the
///   account's asset-scoped roles and every asset-scoped role on the assets it issues.
/// - I5: a suspension or removal reaches every eligibility subscriber (`IEligibilityPublisher`: the settlement
///   coins) in the same transaction: each re-reads the account (`syncHolder`).
/// @dev Warning: I1 holds for every change made through this registry. A member may still `renounceRole` in the
/// authority (the bitmap then keeps a role the authority no longer grants, until it is revoked here or restored by
/// a suspension and reinstatement), and if governance moves a granted role's admin away from MEMBERSHIP, the
/// authority refuses this registry's revoke and grant of it, so `revokeMemberRole`, `suspendMember`,
/// `reinstateMember` and `removeMember` revert for its holders until the admin is MEMBERSHIP again.
/// @dev Warning: a role with a grant delay in the authority takes effect that long after each grant, including the
/// grants `reinstateMember` makes.
/// @dev Upgrades: UUPS, `upgradeToAndCall` restricted (UPGRADER in `config/roles.ts`). Storage is ERC-7201
/// namespaced under `assetledger.storage.MemberRegistry`.
contract MemberRegistry is
    Initializable,
    UUPSUpgradeable,
    AccessManagedUpgradeable,
    IMemberRegistry,
    IEligibilityPublisher
{
    using SubscribersLib for address[];

    /// @notice The longest display name accepted, in bytes.
    uint256 public constant MAX_NAME_LENGTH = 64;

    /// @custom:storage-location erc7201:assetledger.storage.MemberRegistry
    struct MemberRegistryStorage {
        /// @dev Every account's record; `status == None` for accounts never admitted.
        mapping(address account => Member) members;
        /// @dev The execution delay of each member-held role in a member's bitmap (zero for roles not in it).
        mapping(address account => mapping(uint64 roleId => uint32)) executionDelays;
        /// @dev Accounts with a record, in order of first admission.
        address[] accounts;
        /// @dev The eligibility subscribers (settlement coins) told of every suspension and removal (I5).
        address[] subscribers;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.MemberRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT = 0xd23ece49a4c97ae1161a689efa9df423b0465c243288a5a521775bcfa2be5500;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the alliance authority that governs this registry.
    /// @param initialAuthority The AccessManager; it must grant this registry `Roles.MEMBERSHIP` before roles can
    /// be granted through it.
    function initialize(address initialAuthority) external initializer {
        require(initialAuthority.code.length != 0, AccessManagedInvalidAuthority(initialAuthority));
        __AccessManaged_init(initialAuthority);
    }

    /* GOVERNANCE */

    /// @inheritdoc IMemberRegistry
    function admitMember(address account, MemberKind kind, string calldata name, bytes32 leiHash) external restricted {
        require(account != address(0), MemberRegistryInvalidAccount(account));
        require(kind != MemberKind.None, MemberRegistryInvalidKind(kind));
        _checkDetails(name, leiHash);
        MemberRegistryStorage storage $ = _storage();
        Member storage member = $.members[account];
        MemberStatus status = member.status;
        require(
            status == MemberStatus.None || status == MemberStatus.Removed,
            MemberRegistryAlreadyMember(account, status)
        );
        // A removed member's bitmap was cleared on removal, so `roles` is already zero; its flag is cleared (I4).
        if (status == MemberStatus.None) $.accounts.push(account);
        else _allianceAuthority().setMemberSuspended(account, false);
        member.kind = kind;
        member.status = MemberStatus.Active;
        member.admittedAt = Time.timestamp();
        member.leiHash = leiHash;
        member.name = name;
        emit MemberAdmitted(account, kind, leiHash, name);
    }

    /// @inheritdoc IMemberRegistry
    function updateMember(address account, string calldata name, bytes32 leiHash) external restricted {
        Member storage member = _currentMember(account);
        _checkDetails(name, leiHash);
        member.leiHash = leiHash;
        member.name = name;
        emit MemberUpdated(account, leiHash, name);
    }

    /// @inheritdoc IMemberRegistry
    function grantMemberRole(address account, uint64 roleId, uint32 executionDelay) external restricted {
        require(
            roleId <= Roles.MAX_MEMBER_ROLE && _authority().getRoleAdmin(roleId) == Roles.MEMBERSHIP,
            MemberRegistryInvalidRole(roleId)
        );
        Member storage member = _memberWithStatus(account, MemberStatus.Active);
        uint64 bit = uint64(1) << roleId;
        require(member.roles & bit == 0, MemberRegistryRoleAlreadyGranted(account, roleId));
        member.roles |= bit;
        _storage().executionDelays[account][roleId] = executionDelay;
        _authority().grantRole(roleId, account, executionDelay);
        emit MemberRoleGranted(account, roleId, executionDelay);
    }

    /// @inheritdoc IMemberRegistry
    function revokeMemberRole(address account, uint64 roleId) external restricted {
        require(roleId <= Roles.MAX_MEMBER_ROLE, MemberRegistryInvalidRole(roleId));
        Member storage member = _currentMember(account);
        uint64 bit = uint64(1) << roleId;
        require(member.roles & bit != 0, MemberRegistryRoleNotGranted(account, roleId));
        member.roles &= ~bit;
        delete _storage().executionDelays[account][roleId];
        // A suspended member's roles were already revoked in the authority when it was suspended.
        if (member.status == MemberStatus.Active) _authority().revokeRole(roleId, account);
        emit MemberRoleRevoked(account, roleId);
    }

    /// @inheritdoc IMemberRegistry
    function suspendMember(address account, bytes32 reason) external restricted {
        Member storage member = _memberWithStatus(account, MemberStatus.Active);
        member.status = MemberStatus.Suspended;
        IAccessManager authority_ = _authority();
        uint64 roles = member.roles;
        for (uint64 roleId; roles != 0; ++roleId) {
            if (roles & 1 != 0) authority_.revokeRole(roleId, account);
            roles >>= 1;
        }
        _allianceAuthority().setMemberSuspended(account, true);
        emit MemberSuspended(account, reason);
        _storage().subscribers.notify(account);
    }

    /// @inheritdoc IMemberRegistry
    function reinstateMember(address account) external restricted {
        Member storage member = _memberWithStatus(account, MemberStatus.Suspended);
        member.status = MemberStatus.Active;
        IAccessManager authority_ = _authority();
        mapping(uint64 => uint32) storage delays = _storage().executionDelays[account];
        uint64 roles = member.roles;
        for (uint64 roleId; roles != 0; ++roleId) {
            if (roles & 1 != 0) authority_.grantRole(roleId, account, delays[roleId]);
            roles >>= 1;
        }
        _allianceAuthority().setMemberSuspended(account, false);
        emit MemberReinstated(account);
    }

    /// @inheritdoc IMemberRegistry
    function removeMember(address account, bytes32 reason) external restricted {
        Member storage member = _currentMember(account);
        // A suspended member's roles were already revoked in the authority when it was suspended.
        bool active = member.status == MemberStatus.Active;
        member.status = MemberStatus.Removed;
        IAccessManager authority_ = _authority();
        mapping(uint64 => uint32) storage delays = _storage().executionDelays[account];
        uint64 roles = member.roles;
        member.roles = 0;
        for (uint64 roleId; roles != 0; ++roleId) {
            if (roles & 1 != 0) {
                delete delays[roleId];
                if (active) authority_.revokeRole(roleId, account);
                emit MemberRoleRevoked(account, roleId);
            }
            roles >>= 1;
        }
        // A suspended member is already flagged (the authority then changes nothing).
        if (active) _allianceAuthority().setMemberSuspended(account, true);
        emit MemberRemoved(account, reason);
        _storage().subscribers.notify(account);
    }

    /* SUBSCRIBERS */

    /// @inheritdoc IEligibilityPublisher
    function addSubscriber(address subscriber) external restricted {
        _storage().subscribers.add(subscriber);
    }

    /// @inheritdoc IEligibilityPublisher
    function removeSubscriber(address subscriber) external restricted {
        _storage().subscribers.remove(subscriber);
    }

    /* VIEWS */

    /// @inheritdoc IEligibilityPublisher
    function subscribers() external view returns (address[] memory) {
        return _storage().subscribers;
    }

    /// @inheritdoc IMemberRegistry
    function memberOf(address account) external view returns (Member memory) {
        return _storage().members[account];
    }

    /// @inheritdoc IMemberRegistry
    function isActiveMember(address account) external view returns (bool) {
        return _storage().members[account].status == MemberStatus.Active;
    }

    /// @inheritdoc IMemberRegistry
    function isActiveMemberOfKind(address account, MemberKind kind) external view returns (bool) {
        Member storage member = _storage().members[account];
        return member.status == MemberStatus.Active && member.kind == kind;
    }

    /// @inheritdoc IMemberRegistry
    function executionDelayOf(address account, uint64 roleId) external view returns (uint32) {
        return _storage().executionDelays[account][roleId];
    }

    /// @inheritdoc IMemberRegistry
    function memberCount() external view returns (uint256) {
        return _storage().accounts.length;
    }

    /// @inheritdoc IMemberRegistry
    /// @dev Reverts with a Solidity panic (0x32) when `index >= memberCount()`, as an array read does.
    function memberAt(uint256 index) external view returns (address) {
        return _storage().accounts[index];
    }

    /* INTERNAL */

    /// @dev Upgrades are restricted by the authority (UPGRADER in `config/roles.ts`).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    /// @dev Reverts unless `name` is 1–64 bytes and `leiHash` is not zero.
    function _checkDetails(string calldata name, bytes32 leiHash) private pure {
        uint256 length = bytes(name).length;
        require(length != 0 && length <= MAX_NAME_LENGTH, MemberRegistryInvalidName(length, MAX_NAME_LENGTH));
        require(leiHash != bytes32(0), MemberRegistryInvalidLeiHash());
    }

    /// @dev The record of `account`, which must have been admitted and not removed (active or suspended).
    function _currentMember(address account) private view returns (Member storage member) {
        member = _storage().members[account];
        MemberStatus status = member.status;
        require(status != MemberStatus.None, MemberRegistryUnknownMember(account));
        require(
            status == MemberStatus.Active || status == MemberStatus.Suspended,
            MemberRegistryUnexpectedStatus(account, status, MemberStatus.Active)
        );
    }

    /// @dev The record of `account`, which must have status `expected`.
    function _memberWithStatus(address account, MemberStatus expected) private view returns (Member storage member) {
        member = _storage().members[account];
        MemberStatus status = member.status;
        require(status != MemberStatus.None, MemberRegistryUnknownMember(account));
        require(status == expected, MemberRegistryUnexpectedStatus(account, status, expected));
    }

    function _authority() private view returns (IAccessManager) {
        return IAccessManager(authority());
    }

    function _allianceAuthority() private view returns (IAllianceAuthority) {
        return IAllianceAuthority(authority());
    }

    function _storage() private pure returns (MemberRegistryStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }
}
