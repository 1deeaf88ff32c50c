// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IDistributions} from "./IDistributions.sol";
import {ISecurityToken} from "./ISecurityToken.sol";

/// @title IEquityLifecycle
/// @notice The equity-specific functions, events, errors and structs of a share token (see `IEquity`). Shares of a
/// company: a compliant security token (`ISecurityToken`) whose corporate actions run on
/// chain. Cash dividends are paid in the settlement coin named in the terms, pro rata to a record-date snapshot
/// (`IDistributions`): the issuer declares and funds a dividend in one call, holders claim or the asset's agent
/// pushes payments in batches, and after the deadline what is left returns to the issuer. Splits and
/// consolidations change every holding by one ratio with an exact register: `beginSplit` takes the record snapshot
/// and stops transfers, `applySplit` converts listed wallets (in batches), and `completeSplit` resumes transfers
/// once every wallet that held at the snapshot is converted; `abortSplit` calls it off before any wallet
/// converted. A holding that does not convert to a whole unit loses the fraction (burned in a consolidation, never
/// issued in a split), reported per wallet for cash in lieu.
/// @dev Invariants (each tested in test/tokens/security/):
/// - E1: after `completeSplit` with ratio `n:d`, every wallet's balance is `floor(b × n / d)` of its balance `b`
///   at the split's snapshot (less what an agent burned from it during the split), and the supply is the sum of
///   those.
/// - E2: while a split is in progress transfers are stopped; no dividend is declared and no split begun.
/// - E3: a dividend's claim period lasts at least `terms().minClaimPeriod` seconds from its declaration.
/// - E4: a wallet converts at most once per split, only if it held at the split's snapshot, and from its balance
///   when it converts; no move can keep a split from completing: transfers and mints are stopped, a recovery is
///   refused (`EquitySplitInProgress`) and a burn leaves the rest convertible. An agent's forced transfer during a
///   split moves units of the sender's state (converted or not) as they are: make it before `beginSplit` or after
///   `completeSplit`.
///
/// Roles (config/roles.ts `Equity` table, on top of the core's): `declareDividend`, `beginSplit`, `abortSplit` and
/// `reclaimUnclaimed` ASSET_ISSUER; `pushPayments`, `applySplit` and `completeSplit` ASSET_AGENT; `claim` anyone.
/// Payments (claims and pushes) wait while a split is in progress: the token's transfers-stopped flag stops them.
/// @dev A separate interface because `EquityLifecycle`, the logic contract `Equity` runs them in through its
/// fallback, implements exactly these (and `IDistributions`); `type(IEquityLifecycle).interfaceId` is what
/// `supportsInterface` answers for them.
///
/// Warning: declare dividends on record snapshots taken outside splits. A snapshot an agent takes (`snapshot()`)
/// while a split is in progress holds a register half converted.
interface IEquityLifecycle is IDistributions {
    /// @notice The equity's terms, `abi.encode`d as the `terms` argument of `initialize`.
    /// @param settlementCoin The ERC-20 settlement coin dividends are paid in (non-zero; never changes).
    /// @param minClaimPeriod The shortest claim period a dividend may have (seconds): holders' protection against
    /// a dividend reclaimed before they could claim it.
    /// @param shareClass The share class, e.g. "ORDINARY", "A", "PREFERRED" (non-zero).
    /// @dev The coin and the claim period share a storage slot (two slots in all, written once at issue).
    struct EquityTerms {
        address settlementCoin;
        uint32 minClaimPeriod;
        bytes32 shareClass;
    }

    /// @notice A split or consolidation.
    /// @param snapshotId Its record snapshot (0 before the first split).
    /// @param numerator New units per `denominator` old units.
    /// @param denominator Old units per `numerator` new units.
    /// @param walletsToConvert Wallets holding at the snapshot (the token itself excluded).
    /// @param walletsConverted Wallets converted so far.
    /// @param inProgress Whether it has begun and not completed.
    struct Split {
        uint32 snapshotId;
        uint32 numerator;
        uint32 denominator;
        uint32 walletsToConvert;
        uint32 walletsConverted;
        bool inProgress;
    }

    /* EVENTS */

    /// @notice The equity was issued with `terms`.
    event EquityTermsSet(EquityTerms terms);

    /// @notice A cash dividend of `amount` (settlement coin) was declared on record snapshot `snapshotId`.
    event DividendDeclared(uint256 indexed distributionId, uint256 indexed snapshotId, uint256 amount, uint48 deadline);
    /// @notice Split `splitId` of `numerator:denominator` began on record snapshot `snapshotId`: transfers stopped
    /// until `walletsToConvert` wallets are converted.
    event SplitBegun(
        uint256 indexed splitId,
        uint256 indexed snapshotId,
        uint32 numerator,
        uint32 denominator,
        uint256 walletsToConvert
    );
    /// @notice `wallet` was converted from `balanceBefore` to `balanceAfter`; `fraction / denominator` of a new
    /// unit was not issued (cash in lieu is due for it).
    event SplitApplied(
        uint256 indexed splitId,
        address indexed wallet,
        uint256 balanceBefore,
        uint256 balanceAfter,
        uint256 fraction
    );
    /// @notice Split `splitId` completed: the supply went from `supplyBefore` to `supplyAfter`; transfers resumed.
    event SplitCompleted(uint256 indexed splitId, uint256 supplyBefore, uint256 supplyAfter);
    /// @notice Split `splitId` was called off before any wallet converted; transfers resumed.
    event SplitAborted(uint256 indexed splitId);

    /* ERRORS */

    /// @notice The terms do not decode, name no settlement coin contract (or the token itself), or name no share
    /// class.
    error EquityInvalidTerms();
    error EquityInvalidRatio(uint32 numerator, uint32 denominator);
    error EquitySplitInProgress(uint256 splitId);
    error EquityNoSplitInProgress();
    error EquitySplitIncomplete(uint256 splitId, uint256 walletsConverted, uint256 walletsToConvert);
    /// @notice `totalHeld` units are held for settlements: a split waits until no hold is active.
    error EquityHoldsActive(uint256 totalHeld);
    /// @notice Split `splitId` cannot be aborted: `walletsConverted` wallets converted already (complete it).
    error EquitySplitAlreadyApplied(uint256 splitId, uint256 walletsConverted);
    error EquityClaimPeriodTooShort(uint48 deadline, uint256 earliestDeadline);

    /* ISSUANCE */

    /// @notice Decodes and stores the equity's terms (`abi.encode(EquityTerms)`); emits `EquityTermsSet`.
    /// @dev Runs only inside `Equity.initialize` (by delegatecall, `onlyInitializing`).
    function initializeEquity(bytes calldata terms) external;

    /* DIVIDENDS */

    /// @notice Declares a cash dividend of `amount` settlement coin on record snapshot `recordSnapshot` (0: a
    /// snapshot taken now; else an existing one, or `SecurityTokenUnknownSnapshot`), claimable until `deadline` (at
    /// least `minClaimPeriod` away), and pulls `amount` from the caller (who approved the token).
    /// @return distributionId The dividend's distribution id.
    /// @return snapshotId Its record snapshot.
    /// @custom:access ASSET_ISSUER
    function declareDividend(
        uint256 recordSnapshot,
        uint256 amount,
        uint48 deadline
    ) external returns (uint256 distributionId, uint256 snapshotId);

    /* SPLITS AND CONSOLIDATIONS */

    /// @notice Begins a split (`numerator > denominator`) or consolidation (`numerator < denominator`): takes the
    /// record snapshot and stops transfers. Ratios run from 1 to 1,000,000 on each side. Refused while any hold is
    /// active (`EquityHoldsActive`): a split rewrites every holding, and a held amount backs a pending settlement
    /// in units the split would change. Let the settlements execute, or release or cancel their holds, first; no
    /// hold is placed while the split runs (transfers are stopped).
    /// @return splitId The split's id.
    /// @custom:access ASSET_ISSUER
    function beginSplit(uint32 numerator, uint32 denominator) external returns (uint256 splitId);

    /// @notice Converts each listed wallet that held at the snapshot, once, from its balance now: `floor(b × n / d)`;
    /// skips wallets already converted and wallets that held nothing at the snapshot. Call in batches.
    /// @return converted How many wallets this call converted.
    /// @custom:access ASSET_AGENT
    function applySplit(address[] calldata wallets) external returns (uint256 converted);

    /// @notice Completes the split once every wallet holding at its snapshot is converted; resumes transfers.
    /// @custom:access ASSET_AGENT
    function completeSplit() external;

    /// @notice Calls off the split in progress while no wallet has converted yet (`EquitySplitAlreadyApplied`
    /// after): resumes transfers. Emits `SplitAborted`.
    /// @custom:access ASSET_ISSUER
    function abortSplit() external;

    /* VIEWS */

    /// @notice The equity's terms.
    function terms() external view returns (EquityTerms memory);

    /// @notice How many splits were begun; the latest is `currentSplit()`.
    function splitCount() external view returns (uint256);

    /// @notice The latest split (all zero before the first).
    function currentSplit() external view returns (Split memory);

    /// @notice Whether `wallet` was converted in the split in progress.
    function isSplitApplied(address wallet) external view returns (bool);
}

/// @title IEquityHooks
/// @notice The core's balance and register paths `EquityLifecycle` needs, exposed by `Equity` to the token itself
/// alone: the lifecycle runs as the token (by delegatecall), so its calls to `address(this)` come from the token.
/// Any other caller reverts with `EquityOnlySelf`.
interface IEquityHooks {
    /// @notice A hook was called by `caller`, not by the token itself.
    error EquityOnlySelf(address caller);
    /// @notice The lifecycle given to `Equity`'s constructor has no code.
    error EquityInvalidLifecycle(address lifecycle);

    /// @notice Issues `amount` to `to` without the pipeline (`_issueUnchecked`): a split's new units.
    function equityIssue(address to, uint256 amount) external;

    /// @notice Burns `amount` of `from`'s units without the pipeline (`_burnUnchecked`): a consolidation's.
    function equityBurn(address from, uint256 amount) external;

    /// @notice Takes a record-date snapshot (`_snapshot`) and returns its id.
    function equitySnapshot() external returns (uint256);

    /// @notice Stops or resumes transfers, checked mints and payments (`_setTransfersStopped`).
    function equitySetTransfersStopped(bool stopped) external;
}

/// @title IEquity
/// @notice Shares: the compliant security token (`ISecurityToken`) with cash dividends and splits
/// (`IEquityLifecycle`). The complete interface of an Equity asset (AccessManaged's and ERC-165's functions
/// included): read the rules in `IEquityLifecycle`.
// solhint-disable-next-line no-empty-blocks
interface IEquity is ISecurityToken, IEquityLifecycle, IAccessManaged, IERC165 {}
