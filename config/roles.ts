/**
 * The alliance's complete permission table: every restricted function of every core contract and the role that
 * may call it. `deploy/90_roles.ts` applies it to the AccessManager authority, and `test/access/roles.test.ts`
 * proves the deployed table equals this file. An auditor reviews this one file.
 *
 * Role ids mirror `contracts/access/Roles.sol` (a test checks they agree).
 */
import { coins } from "./coins";

export const Role = {
  ADMIN: 0n,
  GOVERNOR: 1n,
  UPGRADER: 2n,
  MEMBERSHIP: 3n,
  COMPLIANCE_ADMIN: 4n,
  MARKET_SUPERVISOR: 5n,
  MASTER_MINTER: 6n,
  MINTER: 7n,
  RESERVE_ATTESTOR: 8n,
  COMPLIANCE_OFFICER: 9n,
  EXCHANGE: 10n,
  ISSUER: 11n,
  CUSTODIAN: 12n,
  PAYMENT_GATEWAY: 13n,
  KYC_PROVIDER: 14n,
  AUDITOR: 15n,
  REGULATOR: 16n,
  ASSET_FACTORY: 17n,
  ASSET_ISSUER: 100n,
  ASSET_AGENT: 101n,
  ASSET_ADMINISTRATOR: 102n,
  PUBLIC: 2n ** 64n - 1n,
} as const;

export type RoleName = keyof typeof Role;

const HOUR = 3_600;
const DAY = 24 * HOUR;

/**
 * How each role is administered. `admin` grants and revokes it (default ADMIN); `guardian` may cancel its
 * scheduled operations; `grantDelay` makes a new grant take effect only after that many seconds.
 * Roles administered by MEMBERSHIP are member-held: only the MemberRegistry grants them.
 */
export const roleSettings: Partial<Record<RoleName, { admin?: RoleName; guardian?: RoleName; grantDelay?: number }>> = {
  GOVERNOR: { guardian: "ADMIN" },
  UPGRADER: { guardian: "GOVERNOR", grantDelay: DAY },
  COMPLIANCE_ADMIN: { admin: "MEMBERSHIP" },
  MARKET_SUPERVISOR: { admin: "MEMBERSHIP" },
  MASTER_MINTER: { admin: "MEMBERSHIP" },
  MINTER: { admin: "MEMBERSHIP" },
  RESERVE_ATTESTOR: { admin: "MEMBERSHIP" },
  COMPLIANCE_OFFICER: { admin: "MEMBERSHIP" },
  EXCHANGE: { admin: "MEMBERSHIP" },
  ISSUER: { admin: "MEMBERSHIP" },
  CUSTODIAN: { admin: "MEMBERSHIP" },
  PAYMENT_GATEWAY: { admin: "MEMBERSHIP" },
  KYC_PROVIDER: { admin: "MEMBERSHIP" },
  AUDITOR: { admin: "MEMBERSHIP" },
  REGULATOR: { admin: "MEMBERSHIP" },
};

/**
 * Grants the deploy step makes to accounts (named accounts of hardhat.config.ts) and contracts (deployment
 * names). Sensitive grants carry an execution delay: the holder must schedule each call and wait.
 */
export const grants: { role: RoleName; to: { account: string } | { contract: string }; executionDelay: number }[] = [
  { role: "GOVERNOR", to: { account: "governor" }, executionDelay: 0 },
  { role: "UPGRADER", to: { account: "governor" }, executionDelay: 2 * DAY },
  { role: "MEMBERSHIP", to: { contract: "MemberRegistry" }, executionDelay: 0 },
];

/**
 * Execution delays of sensitive member-held roles: whoever grants them through the member registry passes this
 * delay, so their holders must schedule each call through the authority and wait.
 */
export const memberRoleExecutionDelay: Partial<Record<RoleName, number>> = {
  MASTER_MINTER: DAY,
};

/**
 * The deployments each contract's table applies to, where that is not just the deployment of the same name
 * (every settlement coin shares the SettlementCoin table).
 */
export const targetsOf: Record<string, string[]> = {
  SettlementCoin: coins.map((coin) => coin.deployment),
};

/** Selector → role, per contract. Keys are canonical function signatures. */
export const permissions: Record<string, Record<string, RoleName>> = {
  MemberRegistry: {
    "admitMember(address,uint8,string,bytes32)": "GOVERNOR",
    "updateMember(address,string,bytes32)": "GOVERNOR",
    "grantMemberRole(address,uint64,uint32)": "GOVERNOR",
    "revokeMemberRole(address,uint64)": "GOVERNOR",
    "suspendMember(address,bytes32)": "GOVERNOR",
    "reinstateMember(address)": "GOVERNOR",
    "removeMember(address,bytes32)": "GOVERNOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
  IdentityRegistry: {
    "registerInvestor(bytes32,uint16,uint64,uint48,address[])": "KYC_PROVIDER",
    "registerInvestors((bytes32,uint16,uint64,uint48,address[])[])": "KYC_PROVIDER",
    "updateInvestor(bytes32,uint16,uint64,uint48)": "KYC_PROVIDER",
    "updateInvestors(bytes32[],uint16[],uint64[],uint48[])": "KYC_PROVIDER",
    "removeInvestor(bytes32)": "KYC_PROVIDER",
    "removeInvestors(bytes32[])": "KYC_PROVIDER",
    "addWallet(bytes32,address)": "KYC_PROVIDER",
    "addWallets(bytes32[],address[])": "KYC_PROVIDER",
    "removeWallet(address)": "KYC_PROVIDER",
    "removeWallets(address[])": "KYC_PROVIDER",
    "recoverWallet(address,address)": "KYC_PROVIDER",
    "setBaselineClaims(uint64)": "GOVERNOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
  Compliance: {
    "configureAsset(address,(uint64,uint48,uint32,uint24,uint24,uint8,bool,bool,bool))": "COMPLIANCE_ADMIN",
    "setMaxBalance(address,uint256)": "COMPLIANCE_ADMIN",
    "setCountriesAllowed(address,uint16[],bool)": "COMPLIANCE_ADMIN",
    "setCountriesBlocked(address,uint16[],bool)": "COMPLIANCE_ADMIN",
    "addExternalRule(address,address)": "COMPLIANCE_ADMIN",
    "removeExternalRule(address,address)": "COMPLIANCE_ADMIN",
    "haltTrading(address,uint48,bytes32)": "MARKET_SUPERVISOR",
    "resumeTrading(address)": "MARKET_SUPERVISOR",
  },
  SettlementCoin: {
    "configureMinter(address,uint256)": "MASTER_MINTER",
    "removeMinter(address)": "MASTER_MINTER",
    "mint(address,uint256)": "MINTER",
    "burn(uint256)": "MINTER",
    "confirmRedemption(uint256)": "MINTER",
    "rejectRedemption(uint256,bytes32)": "MINTER",
    "attestReserves(uint256,uint48,bytes32)": "RESERVE_ATTESTOR",
    "setMaxAttestationAge(uint32)": "GOVERNOR",
    "setHolderPolicy(uint8)": "GOVERNOR",
    "freeze(address)": "COMPLIANCE_OFFICER",
    "unfreeze(address)": "COMPLIANCE_OFFICER",
    "pause()": "COMPLIANCE_OFFICER",
    "unpause()": "COMPLIANCE_OFFICER",
    "seize(address,address,uint256,bytes32)": "REGULATOR",
    "rescue(address,address,uint256)": "GOVERNOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
};

/**
 * The security-token core's restricted functions (contracts/tokens/security/SecurityToken.sol), shared by every
 * product: each product's table spreads it (`{ ...securityTokenPermissions, ...its lifecycle functions }`).
 * ASSET_AGENT is the issuer's ERC-3643 agent on one asset, ASSET_ISSUER the issuing member, ASSET_FACTORY the
 * factory that rolls out a product type's upgrades.
 */
export const securityTokenPermissions: Record<string, RoleName> = {
  "mint(address,uint256)": "ASSET_AGENT",
  "burn(address,uint256)": "ASSET_AGENT",
  "forcedTransfer(address,address,uint256)": "ASSET_AGENT",
  "setAddressFrozen(address,bool)": "ASSET_AGENT",
  "freezePartialTokens(address,uint256)": "ASSET_AGENT",
  "unfreezePartialTokens(address,uint256)": "ASSET_AGENT",
  "recoveryAddress(address,address,address)": "ASSET_AGENT",
  "pause()": "ASSET_AGENT",
  "unpause()": "ASSET_AGENT",
  "snapshot()": "ASSET_AGENT",
  "batchForcedTransfer(address[],address[],uint256[])": "ASSET_AGENT",
  "batchMint(address[],uint256[])": "ASSET_AGENT",
  "batchBurn(address[],uint256[])": "ASSET_AGENT",
  "batchSetAddressFrozen(address[],bool[])": "ASSET_AGENT",
  "batchFreezePartialTokens(address[],uint256[])": "ASSET_AGENT",
  "batchUnfreezePartialTokens(address[],uint256[])": "ASSET_AGENT",
  "setDocument(bytes32,string,bytes32)": "ASSET_ISSUER",
  "removeDocument(bytes32)": "ASSET_ISSUER",
  "upgradeToAndCall(address,bytes)": "ASSET_FACTORY",
};

/** The security-token core's functions anyone may call (holders' ERC-20 and ERC-3643 `batchTransfer`). */
export const securityTokenPublicFunctions: string[] = [
  "approve(address,uint256)",
  "transfer(address,uint256)",
  "transferFrom(address,address,uint256)",
  "batchTransfer(address[],uint256[])",
];

/**
 * A bond's lifecycle (contracts/interfaces/tokens/IBond.sol `IBondLifecycle`, run by `BondLifecycle` in each bond's
 * context) and its distributions: the asset's agent (ASSET_AGENT) records coupons, pushes coupon payments and
 * redemptions; the paying agent (ASSET_ADMINISTRATOR) funds coupons and the redemption; the issuing member
 * (ASSET_ISSUER) calls the bond and takes back what nobody claimed after a claim period; the alliance regulator
 * (REGULATOR, member-held) declares and cures a default — not the issuer, nor an agent the issuer appoints. Claims
 * and redemptions are holders' own acts (`bondPublicFunctions`). The `Bond` product table is the core's table plus
 * this one.
 */
export const bondLifecyclePermissions: Record<string, RoleName> = {
  "recordCoupon(uint256)": "ASSET_AGENT",
  "fundCoupon(uint256)": "ASSET_ADMINISTRATOR",
  "pushPayments(uint256,address[])": "ASSET_AGENT",
  "reclaimUnclaimed(uint256)": "ASSET_ISSUER",
  "callBond(uint256,uint256)": "ASSET_ISSUER",
  "fundRedemption()": "ASSET_ADMINISTRATOR",
  "redeemFor(address[])": "ASSET_AGENT",
  "reclaimRedemption()": "ASSET_ISSUER",
  "declareDefault(bytes32)": "REGULATOR",
  "cureDefault()": "REGULATOR",
};

/** The `Bond` product table: the core's and the lifecycle's. */
export const bondPermissions: Record<string, RoleName> = { ...securityTokenPermissions, ...bondLifecyclePermissions };

/**
 * Bond functions anyone may call besides the core's `securityTokenPublicFunctions`: a holder's claim and redemption act on its own holding, and the hooks refuse
 * every caller but the bond itself (`BondOnlySelf`).
 */
export const bondPublicFunctions: string[] = [
  "claim(uint256)",
  "redeem()",
  "bondSnapshot()",
  "bondBurn(address,uint256)",
  "bondSetTransfersStopped(bool)",
];

/** The deployments a contract's table applies to. */
export function deploymentsOf(contractName: string): string[] {
  return targetsOf[contractName] ?? [contractName];
}

/**
 * Functions anyone may call, by contract (public role): the ERC-20 / EIP-2612 / EIP-3009 surface and the
 * permissionless holder sync. Listed so the completeness test can tell "public by design" from "forgotten".
 */
export const publicFunctions: Record<string, string[]> = {
  SettlementCoin: [
    "approve(address,uint256)",
    "transfer(address,uint256)",
    "transferFrom(address,address,uint256)",
    "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
    "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
    "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)",
    "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
    "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)",
    "cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)",
    "cancelAuthorization(address,bytes32,bytes)",
    "requestRedemption(uint256,bytes32)",
    "syncHolder(address)",
    "syncHolders(address[])",
  ],
};

/** The roles each member kind is granted on admission by the deploy seed and the operator tasks. */
export const memberKindRoles: Record<string, RoleName[]> = {
  Exchange: ["EXCHANGE", "MARKET_SUPERVISOR"],
  Issuer: ["ISSUER"],
  Custodian: ["CUSTODIAN", "RESERVE_ATTESTOR"],
  PaymentGateway: ["PAYMENT_GATEWAY"],
  KycProvider: ["KYC_PROVIDER"],
  Auditor: ["AUDITOR", "RESERVE_ATTESTOR"],
  Regulator: ["REGULATOR", "MARKET_SUPERVISOR", "COMPLIANCE_ADMIN", "COMPLIANCE_OFFICER"],
};

/** The roles the issuer of the settlement coin is given besides its kind's (the coin's issuing bank). */
export const coinIssuerRoles: RoleName[] = ["MASTER_MINTER", "MINTER"];

/**
 * Equity's corporate actions (contracts/interfaces/tokens/IEquity.sol, run by `EquityLifecycle` in each equity's
 * context): the issuing member (ASSET_ISSUER) declares and funds dividends, reclaims what is left after their
 * deadline and begins splits; the asset's agent (ASSET_AGENT) pushes dividend payments and converts and completes
 * splits in batches. Claiming is each holder's own act (`equityPublicFunctions`).
 */
export const equityLifecyclePermissions: Record<string, RoleName> = {
  "declareDividend(uint256,uint256,uint48)": "ASSET_ISSUER",
  "reclaimUnclaimed(uint256)": "ASSET_ISSUER",
  "beginSplit(uint32,uint32)": "ASSET_ISSUER",
  "pushPayments(uint256,address[])": "ASSET_AGENT",
  "applySplit(address[])": "ASSET_AGENT",
  "completeSplit()": "ASSET_AGENT",
};

/** The `Equity` product table: the core's table plus the corporate actions. */
export const equityPermissions: Record<string, RoleName> = {
  ...securityTokenPermissions,
  ...equityLifecyclePermissions,
};

/**
 * Equity functions anyone may call: a holder claims its own dividend. (`initializeEquity` and the `IEquityHooks`
 * are reachable too, but refuse every caller outside initialization or other than the token itself.)
 */
export const equityPublicFunctions: string[] = ["claim(uint256)"];
