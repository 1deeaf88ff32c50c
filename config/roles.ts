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
  SETTLEMENT_CLIENT: 18n,
  CLEARING_MEMBER: 19n,
  MERCHANT: 20n,
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
  CLEARING_MEMBER: { admin: "MEMBERSHIP" },
  MERCHANT: { admin: "MEMBERSHIP" },
};

/**
 * Grants the deploy step makes to accounts (named accounts of hardhat.config.ts) and contracts (deployment
 * names). Sensitive grants carry an execution delay: the holder must schedule each call and wait.
 */
export const grants: { role: RoleName; to: { account: string } | { contract: string }; executionDelay: number }[] = [
  { role: "GOVERNOR", to: { account: "governor" }, executionDelay: 0 },
  { role: "UPGRADER", to: { account: "governor" }, executionDelay: 2 * DAY },
  { role: "MEMBERSHIP", to: { contract: "MemberRegistry" }, executionDelay: 0 },
  { role: "ASSET_FACTORY", to: { contract: "AssetFactory" }, executionDelay: 0 },
  // The payment-gateway settlement holds and moves units through the settlement engine's hold desk.
  { role: "SETTLEMENT_CLIENT", to: { contract: "GatewaySettlement" }, executionDelay: 0 },
  // The disclosure supervisor halts an asset whose halting disclosure obligation is overdue and lifts its own halt
  // when the filing arrives (Compliance `imposeHalt`, `liftHalt`): its code makes no other REGULATOR call
  // (contracts/interfaces/compliance/IDisclosureSupervisor.sol). REGULATOR is member-held; this grant is the one
  // made outside the member registry (applyRoles makes it as ADMIN, restoring MEMBERSHIP as the role's admin in the
  // same transaction), and revoking it is governance's act, not a suspension.
  { role: "REGULATOR", to: { contract: "DisclosureSupervisor" }, executionDelay: 0 },
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

/** `ILoyaltyCredit.ProgramTerms` as a canonical ABI tuple. */
const LOYALTY_PROGRAM_TERMS = "(string,string,uint8,address,uint32,uint32,bool)";

/** `IAssetFactory.IssueRequest` as a canonical ABI tuple. */
const ISSUE_REQUEST =
  "(uint8,(string,string,uint8,bytes12,bytes12,uint16,address),(bytes32,string,bytes32)[],bytes,address[],address[]," +
  "((uint64,uint48,uint32,uint24,uint24,uint8,bool,bool,bool),uint16[],uint16[],uint256))";

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
  // IHoldable: the officer who forces transfers cancels a hold (with a reason) before taking its units.
  "cancelHold(bytes32,bytes32)": "ASSET_AGENT",
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
  // IHoldable: the settlement engine alone (`msg.sender == settlementEngine()`, `HoldableUnauthorizedEngine`); a
  // hold's release is anyone's once it has expired.
  "placeHold(bytes32,address,uint256,uint48)",
  "executeHold(bytes32,address,uint256)",
  "releaseHold(bytes32)",
  "settlementTransfer(address,address,uint256)",
  // INetSettleable: the settlement engine alone, as the holds (`HoldableUnauthorizedEngine`).
  "settleNet(address[],int256[],uint8[])",
];

/**
 * Fund units' lifecycle (contracts/interfaces/tokens/IFund.sol, run by `FundLifecycle` in each fund's context):
 * the fund administrator (ASSET_ADMINISTRATOR) posts NAVs, deals and rejects requests and deposits cash; the
 * issuing member (ASSET_ISSUER) sets fees and the minimum subscription and withdraws cash to invest. Requests and
 * cancellations are investors' own acts on their own coin and units, like `transfer`: not restricted
 * (`fundPublicFunctions`). The `Fund` product table is the core's table plus this one.
 */
export const fundLifecyclePermissions: Record<string, RoleName> = {
  "setFees(uint16,uint16,address)": "ASSET_ISSUER",
  "setMinSubscription(uint96)": "ASSET_ISSUER",
  "withdrawCash(address,uint256)": "ASSET_ISSUER",
  "postNav(uint128,uint48)": "ASSET_ADMINISTRATOR",
  "dealSubscriptions(uint256[])": "ASSET_ADMINISTRATOR",
  "dealRedemptions(uint256[])": "ASSET_ADMINISTRATOR",
  "rejectRequests(uint256[],bytes32)": "ASSET_ADMINISTRATOR",
  "depositCash(uint256)": "ASSET_ADMINISTRATOR",
};

/** Fund functions anyone may call (each acts on the caller's own coin, units or requests). */
export const fundPublicFunctions: string[] = [
  "requestSubscription(uint256)",
  "requestRedemption(uint256)",
  "cancelRequest(uint256)",
];

/**
 * The `Fund` product table (`productPermissions.Fund`): the core's and the fund's lifecycle, applied to the
 * Fund product target (the authority resolves every fund to it).
 */
export const fundPermissions: Record<string, RoleName> = {
  ...securityTokenPermissions,
  ...fundLifecyclePermissions,
};

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
 * Bond functions anyone may call besides the core's `securityTokenPublicFunctions`: a holder's claim and
 * redemption act on its own holding, and the hooks refuse every caller but the bond itself (`BondOnlySelf`).
 */
export const bondPublicFunctions: string[] = [
  "claim(uint256)",
  // The payee of a recovered wallet claims what the wallet was owed (refused to anyone else).
  "claimFor(uint256,address)",
  "redeem()",
  "bondSnapshot()",
  "bondBurn(address,uint256)",
  "bondSetTransfersStopped(bool)",
  "bondScheduleSnapshot(uint256)",
  // Run by the bond on itself in `recoveryAddress`; refuses any other caller (DistributionsOnlySelf).
  "recordRecovery(address,address)",
];

/** Selector → role, per contract. Keys are canonical function signatures. */
export const permissions: Record<string, Record<string, RoleName>> = {
  AllianceAuthority: {
    "registerAsset(address,uint8,address)": "ASSET_FACTORY",
    // An asset's issuer may also set its own asset's agents and administrators (AllianceAuthority.setAssetRole).
    "setAssetRole(address,uint64,address,bool)": "ASSET_FACTORY",
    "setAssetIssuer(address,address)": "GOVERNOR",
    // The member registry flags suspended and removed members, whose asset-scoped powers then end.
    "setMemberSuspended(address,bool)": "MEMBERSHIP",
  },
  AssetFactory: {
    [`issue(${ISSUE_REQUEST})`]: "ISSUER",
    // A merchant member launches its own loyalty programs (contracts/interfaces/tokens/ILoyaltyCredit.sol).
    [`issueLoyaltyProgram(${LOYALTY_PROGRAM_TERMS})`]: "MERCHANT",
    "setProductImplementation(uint8,address)": "UPGRADER",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
  MemberRegistry: {
    "admitMember(address,uint8,string,bytes32)": "GOVERNOR",
    "updateMember(address,string,bytes32)": "GOVERNOR",
    "grantMemberRole(address,uint64,uint32)": "GOVERNOR",
    "revokeMemberRole(address,uint64)": "GOVERNOR",
    "suspendMember(address,bytes32)": "GOVERNOR",
    "reinstateMember(address)": "GOVERNOR",
    "removeMember(address,bytes32)": "GOVERNOR",
    // The settlement coins told of every suspension and removal (IEligibilityPublisher).
    "addSubscriber(address)": "GOVERNOR",
    "removeSubscriber(address)": "GOVERNOR",
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
    // Per-investor changes are the attesting provider's; another takes an investor over with a second provider's
    // or the regulator's confirmation (IdentityRegistry R5).
    "requestAttestation(bytes32)": "KYC_PROVIDER",
    "confirmAttestation(bytes32,address)": "KYC_PROVIDER",
    "approveAttestation(bytes32,address)": "REGULATOR",
    "setBaselineClaims(uint64)": "GOVERNOR",
    // The settlement coins told of every less-eligible change (IEligibilityPublisher).
    "addSubscriber(address)": "GOVERNOR",
    "removeSubscriber(address)": "GOVERNOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
  Compliance: {
    "configureAsset(address,(uint64,uint48,uint32,uint24,uint24,uint8,bool,bool,bool))": "COMPLIANCE_ADMIN",
    // The factory configures each asset it issues, once (the pipeline refuses an asset already configured).
    "configureNewAsset(address,(uint64,uint48,uint32,uint24,uint24,uint8,bool,bool,bool),uint16[],uint16[],uint256)":
      "ASSET_FACTORY",
    "setMaxBalance(address,uint256)": "COMPLIANCE_ADMIN",
    "setCountriesAllowed(address,uint16[],bool)": "COMPLIANCE_ADMIN",
    "setCountriesBlocked(address,uint16[],bool)": "COMPLIANCE_ADMIN",
    "addExternalRule(address,address)": "COMPLIANCE_ADMIN",
    "removeExternalRule(address,address)": "COMPLIANCE_ADMIN",
    // A venue of the asset (setVenue), for at most maxHaltDuration; it lifts only its own halt.
    "haltTrading(address,uint48,bytes32)": "MARKET_SUPERVISOR",
    "resumeTrading(address)": "MARKET_SUPERVISOR",
    "setVenue(address,address,bool)": "COMPLIANCE_ADMIN",
    "setMaxHaltDuration(uint32)": "GOVERNOR",
    // Regulators halt any asset without the bound and lift any halt.
    "imposeHalt(address,uint48,bytes32)": "REGULATOR",
    "liftHalt(address)": "REGULATOR",
    "approveSuccessor(address)": "GOVERNOR",
  },
  // Disclosure calendars (contracts/compliance/DisclosureSupervisor.sol): an exchange member that is a venue of the
  // asset (the contract also checks the venue and that the caller is not a suspended member) sets its calendar.
  // Filings and overdue flags are anyone's (`publicFunctions`).
  DisclosureSupervisor: {
    "addObligation(address,(uint8,bytes32,uint48,uint32,uint32,bool))": "MARKET_SUPERVISOR",
    "amendObligation(address,uint32,uint48,uint32,bool)": "MARKET_SUPERVISOR",
    "removeObligation(address,uint32)": "MARKET_SUPERVISOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
  // Payment-gateway settlement (contracts/settlement/GatewaySettlement.sol): the trade's own gateway confirms or
  // fails it (the contract also checks the caller is that gateway); a suspended gateway member holds no
  // PAYMENT_GATEWAY, so it can do neither. Opening, receipts and expiry are public (`publicFunctions`).
  GatewaySettlement: {
    "confirmPayment(bytes32,uint256,bytes32)": "PAYMENT_GATEWAY",
    "reportFailure(bytes32,bytes32)": "PAYMENT_GATEWAY",
  },
  // The settlement engine (contracts/settlement/Settlement.sol): the governor registers the settlement coins legs may
  // move (directory assets need no registration); settlement client contracts (the gateway settlement) use the hold
  // desk. Settling, affirming, pre-funding and cancelling are the parties' own acts (`publicFunctions.Settlement`).
  Settlement: {
    "setCoin(address,bool)": "GOVERNOR",
    "placeClientHold(address,bytes32,address,uint256,uint48)": "SETTLEMENT_CLIENT",
    "executeClientHold(address,bytes32,address,uint256)": "SETTLEMENT_CLIENT",
    "releaseClientHold(address,bytes32)": "SETTLEMENT_CLIENT",
    "clientTransfer(address,address,address,uint256)": "SETTLEMENT_CLIENT",
    // Batch net settlement (INetSettlement, the engine's NetSettlement module behind its fallback): a clearing member
    // keeps its own participant and instrument tables and submits its own batches (every table is the caller's).
    // Each wallet joins only with its consent (its EIP-712 `ClearingConsent` signature, deadline-bound).
    "addParticipants(address[],uint256[],bytes[])": "CLEARING_MEMBER",
    "setParticipantActive(uint32,bool)": "CLEARING_MEMBER",
    "addInstrument(address,address,uint96,uint96)": "CLEARING_MEMBER",
    "setInstrumentActive(uint32,bool)": "CLEARING_MEMBER",
    "submitBatch(bytes)": "CLEARING_MEMBER",
  },
  // Loyalty conversions (contracts/tokens/loyalty/LoyaltyExchange.sol): the alliance's operator sets the rate and
  // caps of each route between two programs; converting is the customer's own act (`publicFunctions`).
  LoyaltyExchange: {
    "setRoute(address,address,(uint64,uint64,uint128,uint128,uint32))": "GOVERNOR",
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
    // Cancelling a hold is what the officer who seizes does first (held units cannot be seized): IHoldable.
    "cancelHold(bytes32,bytes32)": "REGULATOR",
    "rescue(address,address,uint256)": "GOVERNOR",
    "upgradeToAndCall(address,bytes)": "UPGRADER",
  },
};

/** The deployments a contract's table applies to. */
export function deploymentsOf(contractName: string): string[] {
  return targetsOf[contractName] ?? [contractName];
}

/**
 * AccessManager's own functions on the authority, guarded by OpenZeppelin's built-in rules rather than by a
 * table entry: ADMIN (labels, role settings, target settings, closing), each role's admin (grant/revoke), the
 * holder (renounce), and anyone for schedule/execute/cancel/consume, which check the scheduled call's own role.
 */
export const authorityBuiltinFunctions: string[] = [
  "labelRole(uint64,string)",
  "grantRole(uint64,address,uint32)",
  "revokeRole(uint64,address)",
  "renounceRole(uint64,address)",
  "setRoleAdmin(uint64,uint64)",
  "setRoleGuardian(uint64,uint64)",
  "setGrantDelay(uint64,uint32)",
  "setTargetFunctionRole(address,bytes4[],uint64)",
  "setTargetAdminDelay(address,uint32)",
  "setTargetClosed(address,bool)",
  "schedule(address,bytes,uint48)",
  "execute(address,bytes)",
  "cancel(address,address,bytes)",
  "consumeScheduledOp(address,bytes)",
  "updateAuthority(address,address)",
  "multicall(bytes[])",
];

/**
 * Functions anyone may call, by contract (public role): the ERC-20 / EIP-2612 / EIP-3009 surface and the
 * permissionless holder sync. Listed so the completeness test can tell "public by design" from "forgotten".
 */
export const publicFunctions: Record<string, string[]> = {
  // A customer converts its own credits on a route the alliance set (LoyaltyExchange checks rate and caps).
  LoyaltyExchange: ["convert(address,address,uint256)"],
  // Applies the implementation the alliance set (UPGRADER, delayed) to listed assets.
  AssetFactory: ["rollOut(uint8,address[])"],
  // Called by the successor the governor approved, from its constructor (the pipeline checks the caller).
  Compliance: ["claimSuccession()"],
  // A filing is checked against the asset's own document; an overdue flag against the obligation's dates.
  DisclosureSupervisor: ["recordFiling(address,uint32)", "flagOverdue(address,uint32)"],
  // The seller's own act (or with its signature), a receipt the trade's gateway signed, an expired trade's release,
  // the caller's own nonces.
  GatewaySettlement: [
    "openTrade((address,address,address,address,uint256,bytes32,uint48,uint256,address,address,address,uint256),bytes,bytes)",
    "cancelNonce(uint256)",
    "confirmPaymentWithReceipt(bytes32,uint256,bytes32,bytes)",
    "expireTrade(bytes32)",
  ],
  // Each checks the parties' consent (signatures, affirmations, holds) or the caller's part in the instruction.
  Settlement: [
    "settle((bytes32,uint48,uint256,(address,address,address,uint256)[]),bytes[],uint256)",
    "settleWithAuthorizations((bytes32,uint48,uint256,(address,address,address,uint256)[]),bytes[],uint256,(uint256,uint256,uint256,bytes)[])",
    "affirm((bytes32,uint48,uint256,(address,address,address,uint256)[]))",
    "prefund((bytes32,uint48,uint256,(address,address,address,uint256)[]),uint256)",
    "releasePrefund((bytes32,uint48,uint256,(address,address,address,uint256)[]),uint256)",
    "cancel((bytes32,uint48,uint256,(address,address,address,uint256)[]),bytes)",
    // Cycle holds (INetSettlement): a participant holds its own units for its clearer's cycle; the engine checks who
    // releases (the clearer, the participant once the cycle is past, anyone once expired).
    "holdForCycle(address,uint32,address,uint256,uint48)",
    "releaseCycleHold(address,uint32,address)",
    // A participant's wallet withdraws its consent to a clearer, or consents again (its own entry only).
    "setClearingConsent(address,bool)",
  ],
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
    "syncBaselineClaims()",
    // IHoldable: the settlement engine's (the coin checks `msg.sender == settlementEngine()`, no authority call on
    // the DvP path); anyone releases an expired hold.
    "placeHold(bytes32,address,uint256,uint48)",
    "executeHold(bytes32,address,uint256)",
    "releaseHold(bytes32)",
    "settlementTransfer(address,address,uint256)",
    // INetSettleable (in the hold module): the settlement engine alone.
    "settleNet(address[],int256[],uint8[])",
  ],
};

/** The roles each member kind is granted on admission by the deploy seed and the operator tasks. */
export const memberKindRoles: Record<string, RoleName[]> = {
  // An exchange clears its own trades in net batches (INetSettlement): CLEARING_MEMBER.
  Exchange: ["EXCHANGE", "MARKET_SUPERVISOR", "CLEARING_MEMBER"],
  Issuer: ["ISSUER"],
  Custodian: ["CUSTODIAN", "RESERVE_ATTESTOR"],
  PaymentGateway: ["PAYMENT_GATEWAY"],
  KycProvider: ["KYC_PROVIDER"],
  Auditor: ["AUDITOR", "RESERVE_ATTESTOR"],
  Regulator: ["REGULATOR", "MARKET_SUPERVISOR", "COMPLIANCE_ADMIN", "COMPLIANCE_OFFICER"],
  Merchant: ["MERCHANT"],
};

/** The roles the issuer of the settlement coin is given besides its kind's (the coin's issuing bank). */
export const coinIssuerRoles: RoleName[] = ["MASTER_MINTER", "MINTER"];

/**
 * Equity's corporate actions (contracts/interfaces/tokens/IEquity.sol, run by `EquityLifecycle` in each equity's
 * context): the issuing member (ASSET_ISSUER) declares and funds dividends, reclaims what is left after their
 * deadline and begins (or aborts, before any conversion) splits; the asset's agent (ASSET_AGENT) pushes dividend payments and converts and completes
 * splits in batches. Claiming is each holder's own act (`equityPublicFunctions`).
 */
export const equityLifecyclePermissions: Record<string, RoleName> = {
  "declareDividend(uint256,uint256,uint48)": "ASSET_ISSUER",
  "reclaimUnclaimed(uint256)": "ASSET_ISSUER",
  "beginSplit(uint32,uint32)": "ASSET_ISSUER",
  "abortSplit()": "ASSET_ISSUER",
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
 * Equity functions anyone may call: a holder claims its own dividend (the wallet a lost one was recovered to claims
 * the lost wallet's with `claimFor`). (`initializeEquity` and the `IEquityHooks`
 * are reachable too, but refuse every caller outside initialization or other than the token itself.)
 */
export const equityPublicFunctions: string[] = ["claim(uint256)", "claimFor(uint256,address)"];

/**
 * Commodity warehouse receipts (contracts/tokens/commodity/CommodityReceipt.sol and its lot module
 * CommodityReceiptLots, one asset per commodity market): a custodian member issues, corrects and delivers lots in
 * its own warehouse (CUSTODIAN; the receipt also checks the caller is the lot's warehouse and not suspended); the
 * market's issuing member sets the storage fee; a regulator cancels settlement holds; the factory rolls out upgrades.
 * Holders' own acts (transfers, split, merge, pledges, delivery requests) and the settlement engine's holds are
 * public (`commodityReceiptPublicFunctions`).
 */
const LOT_SPEC = "(bytes32,bytes32,bytes6,address,bytes32,bytes32,uint48)";
export const commodityReceiptPermissions: Record<string, RoleName> = {
  [`issueLot(${LOT_SPEC},uint256,address)`]: "CUSTODIAN",
  [`reissueLot(uint256,address,${LOT_SPEC},bytes32)`]: "CUSTODIAN",
  "confirmDelivery(uint256)": "CUSTODIAN",
  "rejectDelivery(uint256,bytes32)": "CUSTODIAN",
  "setStorageFee(address,uint256)": "ASSET_ISSUER",
  "cancelHold(bytes32,bytes32)": "REGULATOR",
  "upgradeToAndCall(address,bytes)": "ASSET_FACTORY",
};

/**
 * Receipt functions anyone may call: the ERC-1155 surface and the holder's own acts (each acts on the caller's own
 * units, or an operator's it approved); the lender's release and enforcement (the receipt checks the caller is the
 * pledge's lender, and a suspended lender cannot enforce); the settlement engine's holds and leg transfers (checked
 * against `settlementEngine()`; anyone releases an expired hold).
 */
export const commodityReceiptPublicFunctions: string[] = [
  "safeTransferFrom(address,address,uint256,uint256,bytes)",
  "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
  "setApprovalForAll(address,bool)",
  "split(uint256,uint256[])",
  "merge(uint256[])",
  "pledge(uint256,address,uint256)",
  "releasePledge(uint256)",
  "enforcePledge(uint256)",
  "requestDelivery(uint256,uint256)",
  "placeHold(bytes32,address,uint256,uint48)",
  "executeHold(bytes32,address,uint256)",
  "settlementTransfer(address,address,uint256)",
  "releaseHold(bytes32)",
];

/**
 * A loyalty program (contracts/interfaces/tokens/ILoyaltyCredit.sol), launched by a merchant member through the
 * factory's `issueLoyaltyProgram`: the program's merchant (ASSET_ISSUER on the program, powers that end with its
 * suspension) issues credits and configures participants, transferability and validity; ASSET_FACTORY rolls out
 * upgrades. Redemptions, transfers and approvals are customers' own acts (`loyaltyCreditPublicFunctions`).
 */
export const loyaltyCreditPermissions: Record<string, RoleName> = {
  "issue(address,uint256)": "ASSET_ISSUER",
  "setParticipant(address,bool)": "ASSET_ISSUER",
  // The alliance's operator may also add or remove a participant (alliance-wide partners, a delisting).
  "setParticipantByAlliance(address,bool)": "GOVERNOR",
  "setTransferable(bool)": "ASSET_ISSUER",
  "setValidity(uint32)": "ASSET_ISSUER",
  // The merchant's own coin pool (its allowance to the program): the merchant sets the rate and caps.
  "setCoinConversion((address,uint32,uint32,uint32,uint128,uint128))": "ASSET_ISSUER",
  "upgradeToAndCall(address,bytes)": "ASSET_FACTORY",
};

/**
 * Loyalty-program functions anyone may call: a customer's own credits (`redeem` checks the merchant participates
 * and is in good standing; `transfer` checks the program allows transfers).
 */
export const loyaltyCreditPublicFunctions: string[] = [
  "approve(address,uint256)",
  "transfer(address,uint256)",
  "transferFrom(address,address,uint256)",
  "redeem(address,uint256)",
  // Paid by the coin from the merchant's pool; the coin checks the customer may hold it.
  "convertToCoin(uint256)",
  // The LoyaltyExchange alone (an immutable of the implementation; LoyaltyCreditOnlyExchange otherwise).
  "convertOut(address,uint256,address)",
  "convertIn(address,uint256,address)",
];

/**
 * The product tables, by product contract (config/products.ts). Each is applied once to its product type's
 * template target in the authority (`AllianceAuthority.productTarget`), not per asset: every asset of the type,
 * whoever issued it, is guarded by it (DESIGN.md §6). `deploy/90_roles.ts` applies them with the rest.
 */
export const productPermissions: Record<string, Record<string, RoleName>> = {
  Equity: equityPermissions,
  Bond: bondPermissions,
  Fund: fundPermissions,
  CommodityReceipt: commodityReceiptPermissions,
  LoyaltyCredit: loyaltyCreditPermissions,
};

/**
 * Product functions no table guards: holders' own acts (the core's ERC-20 surface, claims, requests) and hooks
 * that refuse every caller but the asset itself.
 */
export const productPublicFunctions: Record<string, string[]> = {
  Equity: [
    ...securityTokenPublicFunctions,
    ...equityPublicFunctions,
    // IEquityHooks: the lifecycle's self-calls into the token; each refuses any caller but the token itself.
    "equityIssue(address,uint256)",
    "equityBurn(address,uint256)",
    "equitySetTransfersStopped(bool)",
    "equitySnapshot()",
    // Run by the equity on itself in `recoveryAddress`; refuses any other caller (DistributionsOnlySelf).
    "recordRecovery(address,address)",
  ],
  Bond: [...securityTokenPublicFunctions, ...bondPublicFunctions],
  LoyaltyCredit: loyaltyCreditPublicFunctions,
  Fund: [
    ...securityTokenPublicFunctions,
    ...fundPublicFunctions,
    // IFundHooks: the lifecycle's self-calls into the fund; each refuses any caller but the fund itself.
    "fundMint(address,uint256)",
    "fundBurnEscrow(uint256)",
    "fundMoveEscrow(address,address,uint256)",
  ],
  CommodityReceipt: commodityReceiptPublicFunctions,
};
