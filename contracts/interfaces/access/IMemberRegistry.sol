// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IMemberRegistry
/// @notice The alliance's members — exchanges, issuers, custodians, payment gateways, KYC providers, auditors and
/// regulators — each with a kind, a display name, a hash of its legal-entity identifier (LEI) and a status.
/// The registry is the source of truth for which member-held roles each member holds in the alliance authority:
/// suspending a member revokes every one of those roles in the same transaction, reinstating restores them with
/// the execution delays they were granted with.
/// @dev Invariants:
/// - I1: an account holds a member-held role in the authority iff it is an active member whose role bitmap has it
///   — or it is a system contract that config/roles.ts `grants` names for it (the disclosure supervisor's REGULATOR,
///   for Compliance's halts alone), granted and revoked by governance (ADMIN), never by a member's standing.
/// - I2: `memberCount()` equals the number of accounts whose status is not `None`.
/// - I3: only `Roles.MEMBERSHIP` (held by this contract alone) administers member-held roles, but inside the one
///   authority `multicall` in which a deploy makes such a system-contract grant (scripts/lib/roles.ts).
/// - I4: the authority flags an account as a suspended member (`IAllianceAuthority.isMemberSuspended`) iff its
///   status is `Suspended` or `Removed`, so its asset-scoped powers — and those of every agent and administrator
///   on the assets it issues — end with its standing and return with reinstatement or re-admission.
interface IMemberRegistry {
    /// @notice What a member is to the alliance.
    enum MemberKind {
        None,
        Exchange,
        Issuer,
        Custodian,
        PaymentGateway,
        KycProvider,
        Auditor,
        Regulator,
        Merchant
    }

    /// @notice Where a member stands. `Removed` members keep their record for the audit trail and may be
    /// re-admitted.
    enum MemberStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice A member's record.
    /// @param kind What the member is.
    /// @param status Where it stands.
    /// @param roles Bitmap of the member-held role ids it was granted (bit i = role id i).
    /// @param admittedAt When it was (last) admitted.
    /// @param leiHash keccak256 of its ISO 17442 legal-entity identifier (the LEI itself stays off chain).
    /// @param name Display name, 1–64 bytes.
    struct Member {
        MemberKind kind;
        MemberStatus status;
        uint64 roles;
        uint48 admittedAt;
        bytes32 leiHash;
        string name;
    }

    /* EVENTS */

    event MemberAdmitted(address indexed account, MemberKind indexed kind, bytes32 leiHash, string name);
    event MemberUpdated(address indexed account, bytes32 leiHash, string name);
    event MemberRoleGranted(address indexed account, uint64 indexed roleId, uint32 executionDelay);
    event MemberRoleRevoked(address indexed account, uint64 indexed roleId);
    event MemberSuspended(address indexed account, bytes32 reason);
    event MemberReinstated(address indexed account);
    event MemberRemoved(address indexed account, bytes32 reason);

    /* ERRORS */

    error MemberRegistryInvalidAccount(address account);
    error MemberRegistryInvalidKind(MemberKind kind);
    error MemberRegistryInvalidName(uint256 length, uint256 maxLength);
    error MemberRegistryInvalidLeiHash();
    error MemberRegistryAlreadyMember(address account, MemberStatus status);
    error MemberRegistryUnknownMember(address account);
    error MemberRegistryUnexpectedStatus(address account, MemberStatus status, MemberStatus expected);
    error MemberRegistryInvalidRole(uint64 roleId);
    error MemberRegistryRoleAlreadyGranted(address account, uint64 roleId);
    error MemberRegistryRoleNotGranted(address account, uint64 roleId);

    /* GOVERNANCE */

    /// @notice Admits `account` as an active member. It holds no role until one is granted. Re-admitting a removed
    /// member clears its suspension flag in the authority (I4).
    /// @custom:access GOVERNOR
    function admitMember(address account, MemberKind kind, string calldata name, bytes32 leiHash) external;

    /// @notice Changes an existing member's display name and LEI hash.
    /// @custom:access GOVERNOR
    function updateMember(address account, string calldata name, bytes32 leiHash) external;

    /// @notice Grants an active member a member-held role in the authority, with an execution delay (seconds)
    /// that makes the member schedule its calls of that role's functions and wait.
    /// @custom:access GOVERNOR
    function grantMemberRole(address account, uint64 roleId, uint32 executionDelay) external;

    /// @notice Revokes a member-held role from a member (active or suspended).
    /// @custom:access GOVERNOR
    function revokeMemberRole(address account, uint64 roleId) external;

    /// @notice Suspends an active member: every role it holds is revoked in the authority, in this transaction, and
    /// the authority flags it (I4), ending its asset-scoped roles and every role on the assets it issues.
    /// @param reason A reference (e.g. hash of the decision) kept in the event.
    /// @custom:access GOVERNOR
    function suspendMember(address account, bytes32 reason) external;

    /// @notice Reinstates a suspended member: its roles are granted again with their former execution delays and
    /// the authority's flag is cleared (its asset-scoped roles of the current tenures return).
    /// @custom:access GOVERNOR
    function reinstateMember(address account) external;

    /// @notice Removes a member (active or suspended): its roles are revoked and forgotten, and the authority flags
    /// it (I4) until it is re-admitted. Governance hands its assets on with `IAllianceAuthority.setAssetIssuer`.
    /// @custom:access GOVERNOR
    function removeMember(address account, bytes32 reason) external;

    /* VIEWS */

    /// @notice The record of `account` (kind `None` when it never was a member).
    function memberOf(address account) external view returns (Member memory);

    /// @notice Whether `account` is an active member.
    function isActiveMember(address account) external view returns (bool);

    /// @notice Whether `account` is an active member of `kind`.
    function isActiveMemberOfKind(address account, MemberKind kind) external view returns (bool);

    /// @notice The execution delay `account`'s grant of `roleId` carries (restored on reinstatement).
    function executionDelayOf(address account, uint64 roleId) external view returns (uint32);

    /// @notice How many accounts have a record (any status but `None`).
    function memberCount() external view returns (uint256);

    /// @notice The `index`-th account with a record, in admission order.
    function memberAt(uint256 index) external view returns (address);
}
