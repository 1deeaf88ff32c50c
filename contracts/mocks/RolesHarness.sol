// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Roles} from "../access/Roles.sol";

/// @title RolesHarness
/// @notice Test-only: exposes the role ids of `Roles` so a test can prove `config/roles.ts` mirrors them.
contract RolesHarness {
    /// @notice Every role id, in the order of `names()`.
    function ids() external pure returns (uint64[25] memory) {
        return
            [
                Roles.ADMIN,
                Roles.GOVERNOR,
                Roles.UPGRADER,
                Roles.MEMBERSHIP,
                Roles.COMPLIANCE_ADMIN,
                Roles.MARKET_SUPERVISOR,
                Roles.MASTER_MINTER,
                Roles.MINTER,
                Roles.RESERVE_ATTESTOR,
                Roles.COMPLIANCE_OFFICER,
                Roles.EXCHANGE,
                Roles.ISSUER,
                Roles.CUSTODIAN,
                Roles.PAYMENT_GATEWAY,
                Roles.KYC_PROVIDER,
                Roles.AUDITOR,
                Roles.REGULATOR,
                Roles.ASSET_FACTORY,
                Roles.SETTLEMENT_CLIENT,
                Roles.CLEARING_MEMBER,
                Roles.MERCHANT,
                Roles.ASSET_ISSUER,
                Roles.ASSET_AGENT,
                Roles.ASSET_ADMINISTRATOR,
                Roles.PUBLIC
            ];
    }

    /// @notice The role names, as `config/roles.ts` spells them.
    function names() external pure returns (string[25] memory) {
        return
            [
                "ADMIN",
                "GOVERNOR",
                "UPGRADER",
                "MEMBERSHIP",
                "COMPLIANCE_ADMIN",
                "MARKET_SUPERVISOR",
                "MASTER_MINTER",
                "MINTER",
                "RESERVE_ATTESTOR",
                "COMPLIANCE_OFFICER",
                "EXCHANGE",
                "ISSUER",
                "CUSTODIAN",
                "PAYMENT_GATEWAY",
                "KYC_PROVIDER",
                "AUDITOR",
                "REGULATOR",
                "ASSET_FACTORY",
                "SETTLEMENT_CLIENT",
                "CLEARING_MEMBER",
                "MERCHANT",
                "ASSET_ISSUER",
                "ASSET_AGENT",
                "ASSET_ADMINISTRATOR",
                "PUBLIC"
            ];
    }
}
