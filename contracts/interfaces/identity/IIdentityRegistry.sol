// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Eligibility} from "../../types/Eligibility.sol";
import {IEligibilityStore} from "./IEligibilityStore.sol";

/// @title IIdentityRegistry
/// @notice Investor eligibility with no personal data on chain. An investor is an opaque `bytes32` id with a
/// country (ISO 3166-1 numeric), a bitmap of claims (KYC, AML, professional, …; names in `sdk/claims.ts`), an
/// expiry and one or more wallets. Only KYC-provider members write, and each record remembers which provider
/// attested it. Exposes the ERC-3643 identity-registry views `isVerified`, `investorCountry`, `contains`.
///
/// Each investor has one *attesting provider*: the KYC provider that registered it. Only that provider changes
/// the investor — re-attests it, removes it, adds, removes or recovers its wallets — so no other provider can
/// move an investor onto a wallet it controls. Another provider takes an investor over in two steps
/// (`requestAttestation`, then `confirmAttestation` by a different KYC provider — the current one handing over,
/// or a second one when it is gone — or `approveAttestation` by the regulator), after which it alone changes the
/// investor. A suspended or removed provider holds no KYC_PROVIDER role, so its investors change hands that way.
/// @dev Each wallet's eligibility is packed in one word held by an `IEligibilityStore` that this registry
/// deploys and alone writes: the transfer hot path reads it there with no proxy hop (DESIGN.md §6).
///
/// The store also keeps the eligibility *epoch*, which the registry advances (and announces with
/// `EligibilityEpochAdvanced`) once per call that can make some wallet less eligible: `updateInvestor(s)` of any
/// kind, `removeInvestor(s)`, `removeWallet(s)`, `recoverWallet` and `setBaselineClaims`. Pure additions
/// (`registerInvestor(s)`, `addWallet(s)`) leave it: they only make unregistered wallets eligible, or change the
/// wallet count of an investor's words. The compliance pipeline's memos stay valid exactly while it does not move.
/// Invariants:
/// - I1: a wallet belongs to at most one investor; `investorOf(w) != 0` iff `contains(w)`.
/// - I2: every wallet of an investor carries that investor's country, claims and expiry in the store.
/// - I3: `isVerified(w)` iff `contains(w)`, its investor's expiry is in the future, and it holds the baseline
///   claims.
/// - I4: `investorCount()` equals the registered investors; `walletCount()` the registered wallets.
/// - I5: every wallet's word carries the number of wallets its investor's index has ever had
///   (`EligibilityLib.walletCount`: its current wallets and those removed or recovered away, at most
///   `maxWalletsEverPerInvestor()`), and `walletHistoryOf(index)` lists each of them.
/// - I6: while `eligibilityEpoch()` stays the same, a registered wallet stays registered with the same index,
///   country, claims and expiry (only its wallet count may change), and the baseline claims stay the same.
interface IIdentityRegistry {
    /// @notice An investor's record.
    /// @param country ISO 3166-1 numeric country code, 1–999.
    /// @param claims Bitmap of claims.
    /// @param expiry Unix time at which the attestation expires.
    /// @param provider The investor's attesting provider: the KYC-provider member that registered it or took it
    /// over (`confirmAttestation`, `approveAttestation`), the only one that may change it.
    /// @param index The registry's internal index (non-zero while registered).
    /// @param walletCount How many wallets the investor has.
    struct Investor {
        uint16 country;
        uint64 claims;
        uint48 expiry;
        address provider;
        uint32 index;
        uint32 walletCount;
    }

    /// @notice One investor to register in a batch.
    struct InvestorInput {
        bytes32 investor;
        uint16 country;
        uint64 claims;
        uint48 expiry;
        address[] wallets;
    }

    /* EVENTS */

    event InvestorRegistered(
        bytes32 indexed investor,
        address indexed provider,
        uint16 country,
        uint64 claims,
        uint48 expiry
    );
    event InvestorUpdated(
        bytes32 indexed investor,
        address indexed provider,
        uint16 country,
        uint64 claims,
        uint48 expiry
    );
    event InvestorRemoved(bytes32 indexed investor, address indexed provider);
    event WalletAdded(bytes32 indexed investor, address indexed wallet, address indexed provider);
    event WalletRemoved(bytes32 indexed investor, address indexed wallet, address indexed provider);
    event WalletRecovered(bytes32 indexed investor, address indexed lostWallet, address indexed newWallet);
    /// @notice KYC provider `requester` asked to take over `investor`'s attestation from `provider` (replacing any
    /// earlier request).
    event AttestationRequested(bytes32 indexed investor, address indexed provider, address indexed requester);
    /// @notice `investor`'s attesting provider changed from `previousProvider` to `newProvider`, on `confirmedBy`'s
    /// confirmation (another KYC provider or the regulator).
    event AttestationTransferred(
        bytes32 indexed investor,
        address indexed previousProvider,
        address indexed newProvider,
        address confirmedBy
    );
    event BaselineClaimsSet(uint64 claims);
    /// @notice The registry made some wallet possibly less eligible: verdicts established before now are stale.
    event EligibilityEpochAdvanced(uint64 epoch);

    /* ERRORS */

    error IdentityRegistryInvalidInvestor(bytes32 investor);
    error IdentityRegistryInvestorExists(bytes32 investor);
    error IdentityRegistryUnknownInvestor(bytes32 investor);
    error IdentityRegistryInvalidCountry(uint16 country);
    error IdentityRegistryInvalidExpiry(uint48 expiry, uint256 currentTime);
    error IdentityRegistryInvalidWallet(address wallet);
    error IdentityRegistryWalletTaken(address wallet, bytes32 investor);
    error IdentityRegistryUnknownWallet(address wallet);
    error IdentityRegistryTooManyWallets(bytes32 investor, uint256 maxWallets);
    /// @notice `investor`'s index already had `maxWalletsEver` wallets: register the investor anew (a new index).
    error IdentityRegistryWalletHistoryFull(bytes32 investor, uint256 maxWalletsEver);
    error IdentityRegistryLengthMismatch(uint256 expected, uint256 actual);
    error IdentityRegistryEmptyBatch();
    /// @notice `caller` is not `investor`'s attesting provider `provider`, the only one that may change it.
    error IdentityRegistryNotAttestingProvider(bytes32 investor, address provider, address caller);
    /// @notice `provider` already is `investor`'s attesting provider.
    error IdentityRegistryAlreadyAttesting(bytes32 investor, address provider);
    /// @notice `requester` has no pending request to take over `investor`'s attestation.
    error IdentityRegistryNoAttestationRequest(bytes32 investor, address requester);
    /// @notice `requester` cannot confirm its own request to take over `investor`.
    error IdentityRegistrySelfConfirmation(bytes32 investor, address requester);

    /* INVESTORS (KYC providers) */

    /// @notice Registers an investor with its first wallets (possibly none).
    /// @custom:access KYC_PROVIDER
    function registerInvestor(
        bytes32 investor,
        uint16 country,
        uint64 claims,
        uint48 expiry,
        address[] calldata wallets
    ) external;

    /// @notice Registers several investors; all or nothing.
    /// @custom:access KYC_PROVIDER
    function registerInvestors(InvestorInput[] calldata investors) external;

    /// @notice Re-attests an investor: new country, claims and expiry, applied to every wallet. Only its attesting
    /// provider may (`IdentityRegistryNotAttestingProvider`).
    /// @custom:access KYC_PROVIDER
    function updateInvestor(bytes32 investor, uint16 country, uint64 claims, uint48 expiry) external;

    /// @notice Re-attests several investors, each by its attesting provider; all or nothing. Arrays have equal
    /// lengths.
    /// @custom:access KYC_PROVIDER
    function updateInvestors(
        bytes32[] calldata investors,
        uint16[] calldata countries,
        uint64[] calldata claims,
        uint48[] calldata expiries
    ) external;

    /// @notice Removes an investor and all its wallets. Only its attesting provider may.
    /// @custom:access KYC_PROVIDER
    function removeInvestor(bytes32 investor) external;

    /// @notice Removes several investors, each by its attesting provider; all or nothing.
    /// @custom:access KYC_PROVIDER
    function removeInvestors(bytes32[] calldata investors) external;

    /* WALLETS (KYC providers) */

    /// @notice Links `wallet` to `investor`. Only its attesting provider may.
    /// @custom:access KYC_PROVIDER
    function addWallet(bytes32 investor, address wallet) external;

    /// @notice Links `wallets[i]` to `investors[i]`, each by its attesting provider; all or nothing.
    /// @custom:access KYC_PROVIDER
    function addWallets(bytes32[] calldata investors, address[] calldata wallets) external;

    /// @notice Unlinks `wallet` from its investor (the investor stays registered, possibly with no wallet). Only
    /// the investor's attesting provider may.
    /// @custom:access KYC_PROVIDER
    function removeWallet(address wallet) external;

    /// @notice Unlinks several wallets, each by its investor's attesting provider; all or nothing.
    /// @custom:access KYC_PROVIDER
    function removeWallets(address[] calldata wallets) external;

    /// @notice Moves a lost wallet's identity to `newWallet` (which must be unregistered). Tokens move the
    /// holdings separately, through their ERC-3643 `recoveryAddress`. Only the investor's attesting provider may
    /// (`IdentityRegistryNotAttestingProvider`): another provider first takes the investor over
    /// (`requestAttestation` and a second provider's or the regulator's confirmation).
    /// @custom:access KYC_PROVIDER
    function recoverWallet(address lostWallet, address newWallet) external;

    /* ATTESTATION HANDOVER */

    /// @notice Asks to become `investor`'s attesting provider (e.g. its provider left the alliance, or the
    /// investor lost its wallet and turned to the caller). Replaces any earlier request; takes effect only on
    /// `confirmAttestation` by another KYC provider or `approveAttestation` by the regulator.
    /// @custom:access KYC_PROVIDER
    function requestAttestation(bytes32 investor) external;

    /// @notice Confirms `requester`'s pending request: it becomes `investor`'s attesting provider. The caller must
    /// be a KYC provider other than `requester` (the current provider handing over, or a second one).
    /// @custom:access KYC_PROVIDER
    function confirmAttestation(bytes32 investor, address requester) external;

    /// @notice The regulator's confirmation of `requester`'s pending request, as `confirmAttestation`.
    /// @custom:access REGULATOR
    function approveAttestation(bytes32 investor, address requester) external;

    /* POLICY (governance) */

    /// @notice Sets the claims every verified investor must hold (e.g. KYC | AML).
    /// @custom:access GOVERNOR
    function setBaselineClaims(uint64 claims) external;

    /* VIEWS */

    /// @notice ERC-3643: whether `wallet` is registered, unexpired and holds the baseline claims.
    function isVerified(address wallet) external view returns (bool);

    /// @notice ERC-3643: the country of `wallet`'s investor (0 when unregistered).
    function investorCountry(address wallet) external view returns (uint16);

    /// @notice ERC-3643: whether `wallet` is registered.
    function contains(address wallet) external view returns (bool);

    /// @notice The investor id `wallet` belongs to (0 when unregistered).
    function investorOf(address wallet) external view returns (bytes32);

    /// @notice The investor id with internal index `index` (0 when none).
    function investorAt(uint32 index) external view returns (bytes32);

    /// @notice An investor's record (index 0 when unregistered).
    function investorRecord(bytes32 investor) external view returns (Investor memory);

    /// @notice An investor's wallets.
    function walletsOf(bytes32 investor) external view returns (address[] memory);

    /// @notice `wallet`'s packed eligibility word.
    function eligibilityOf(address wallet) external view returns (Eligibility);

    /// @notice The claims every verified investor must hold.
    function baselineClaims() external view returns (uint64);

    /// @notice How many investors are registered.
    function investorCount() external view returns (uint256);

    /// @notice How many wallets are registered.
    function walletCount() external view returns (uint256);

    /// @notice The most wallets one investor may have.
    function maxWalletsPerInvestor() external view returns (uint256);

    /// @notice The most wallets one investor index may ever have (current, removed and recovered away): adding or
    /// recovering a wallet beyond it is refused (`IdentityRegistryWalletHistoryFull`).
    function maxWalletsEverPerInvestor() external view returns (uint256);

    /// @notice Every wallet ever linked to the investor with index `index`: its current wallets (`walletsOf`
    /// order) then those removed from it or recovered away, oldest first (a wallet removed and added again appears
    /// twice). Indexes are never reused, so the list only grows; it outlives the investor's removal. Tokens read it
    /// to tell whether a wallet that started holding under `index` still holds.
    function walletHistoryOf(uint32 index) external view returns (address[] memory);

    /// @notice The eligibility epoch (advanced by every call that can make a wallet less eligible).
    function eligibilityEpoch() external view returns (uint64);

    /// @notice The store holding each wallet's eligibility word (read by the compliance pipeline).
    function eligibilityStore() external view returns (IEligibilityStore);

    /// @notice The KYC provider whose request to take over `investor` is pending (zero when none).
    function attestationRequestOf(bytes32 investor) external view returns (address);
}
