// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title Roles
/// @notice The alliance's role ids in the AccessManager authority. Which role may call which function is data:
/// the complete selector → role table lives in `config/roles.ts` and a deploy step applies it.
/// @dev Member-held roles are those whose admin is MEMBERSHIP (set by `config/roles.ts`): the member registry
/// grants them, keeps them in a `uint64` bitmap per member (so their ids stay ≤ 63) and revokes or restores them
/// in one transaction. Ids are stable: never renumber, only append.
library Roles {
    /// @notice AccessManager's built-in admin role: the alliance's governance (a multisig or timelock).
    uint64 internal constant ADMIN = 0;
    /// @notice Operates the alliance: admits, suspends and reinstates members, sets registry-wide policy.
    uint64 internal constant GOVERNOR = 1;
    /// @notice Upgrades the alliance's proxies; granted with an execution delay.
    uint64 internal constant UPGRADER = 2;
    /// @notice Held by the MemberRegistry contract alone: admin of every member-held role.
    uint64 internal constant MEMBERSHIP = 3;
    /// @notice Configures per-asset compliance rules (member-held).
    uint64 internal constant COMPLIANCE_ADMIN = 4;
    /// @notice Halts and resumes trading in an asset (member-held: exchanges and regulators).
    uint64 internal constant MARKET_SUPERVISOR = 5;
    /// @notice Configures the settlement coin's minters and their allowances (member-held, with a delay).
    uint64 internal constant MASTER_MINTER = 6;
    /// @notice Mints within its allowance, burns, and settles redemptions of the settlement coin (member-held).
    uint64 internal constant MINTER = 7;
    /// @notice Posts reserve attestations of the settlement coin (member-held: auditors and custodians).
    uint64 internal constant RESERVE_ATTESTOR = 8;
    /// @notice Freezes accounts and pauses tokens (member-held: compliance officers and regulators).
    uint64 internal constant COMPLIANCE_OFFICER = 9;

    /// @notice Member-held roles, one per member kind.
    uint64 internal constant EXCHANGE = 10;
    uint64 internal constant ISSUER = 11;
    uint64 internal constant CUSTODIAN = 12;
    uint64 internal constant PAYMENT_GATEWAY = 13;
    uint64 internal constant KYC_PROVIDER = 14;
    uint64 internal constant AUDITOR = 15;
    uint64 internal constant REGULATOR = 16;

    /// @notice Held by the AssetFactory contract alone: registers issued assets with the authority, configures their
    /// compliance, and rolls out product upgrades.
    uint64 internal constant ASSET_FACTORY = 17;
    /// @notice A settlement client contract (the payment-gateway settlement; later net settlement): uses the
    /// settlement engine's hold desk (`ISettlement.placeClientHold`, `executeClientHold`, `releaseClientHold`,
    /// `clientTransfer`). Granted to contracts alone.
    uint64 internal constant SETTLEMENT_CLIENT = 18;
    /// @notice A clearing member (member-held: exchanges, CCPs): keeps its participant and instrument tables and
    /// submits its batches of matched trades for net settlement (`INetSettlement`, at the settlement engine).
    uint64 internal constant CLEARING_MEMBER = 19;
    /// @notice A merchant member (loyalty programs): issues its program's credits to customers and accepts
    /// redemptions (`ILoyaltyCredit`).
    uint64 internal constant MERCHANT = 20;

    /// @notice Asset-scoped roles: held per asset (the authority keeps who holds them for which asset), never
    /// granted globally. The issuing member of an asset: documents, corporate actions, the asset's agents.
    uint64 internal constant ASSET_ISSUER = 100;
    /// @notice The issuer's agent on one asset (ERC-3643 agent): mint, burn, forced transfers, freezes, recovery.
    uint64 internal constant ASSET_AGENT = 101;
    /// @notice A fund administrator or paying agent on one asset: NAV, dealing.
    uint64 internal constant ASSET_ADMINISTRATOR = 102;

    /// @notice The highest role id a member may hold (the member registry keeps roles in a `uint64` bitmap).
    uint64 internal constant MAX_MEMBER_ROLE = 63;
    /// @notice AccessManager's built-in public role: anyone may call.
    uint64 internal constant PUBLIC = type(uint64).max;
}
