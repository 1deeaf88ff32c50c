// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
// solhint-disable-next-line max-line-length
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
// solhint-disable-next-line max-line-length
import {ERC3009Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/draft-ERC3009Upgradeable.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {ProductType} from "../../types/ProductType.sol";
import {IAssetDirectory} from "../../interfaces/access/IAssetDirectory.sol";
import {IMemberRegistry} from "../../interfaces/access/IMemberRegistry.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilitySubscriber} from "../../interfaces/identity/IEligibilitySubscriber.sol";
import {ISettlementCoin} from "../../interfaces/tokens/ISettlementCoin.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {SettlementCoinBase} from "./SettlementCoinBase.sol";
import {SettlementCoinHolds} from "./SettlementCoinHolds.sol";

/// @title SettlementCoin
/// @notice The alliance's fiat-pegged settlement coin (see `ISettlementCoin`): ERC-20 with EIP-2612 `permit` and
/// EIP-3009 transfers by authorization (ECDSA `v, r, s` and ERC-1271 `bytes signature` variants), minted within
/// minter allowances and attested reserves, held only by eligible holders, frozen, paused and seized by the
/// alliance's officers, redeemed through an escrow.
/// @dev Invariants (stated in `ISettlementCoin`, each tested in test/tokens/coin/):
/// - C1: `totalSupply() == Σ balanceOf(holder)`, the escrow (`balanceOf(address(this)) == escrowed()`) included.
/// - C2: at every mint, `totalSupply() ≤ latestAttestation().reserves`, attested at most `maxAttestationAge()` ago.
/// - C3: a minter never mints more than its allowance; minting lowers the allowance by the amount.
/// - C4: a frozen account neither sends nor receives (seizure and the return of a rejected redemption excepted).
/// - C5: while the holder policy is `Eligible`, a transfer, mint, seizure or rejected-redemption return to an
///   account whose cached eligibility has lapsed (or was never synced), or whose cached claims lack one of the
///   identity registry's baseline claims, reverts. The cache never says more than the registries: they push every
///   change that can make a holder less eligible here in the same transaction (`IEligibilityPublisher`).
/// And of this implementation:
/// - W1: `totalSupply() ≤ type(uint128).max` (a mint beyond reverts with `SettlementCoinBalanceOverflow`), so no
///   balance, bounded by the supply, can carry out of its 128 bits: transfers need no overflow check.
/// - W2: the zero address's word holds only the supply's headroom, `type(uint128).max − totalSupply()`: it is
///   never eligible or frozen, and only mints take from it and burns add to it. Every balance change moves value
///   from one word to another (`_move`), so the sum of all words stays `type(uint128).max`: that is C1.
///
/// The transfer hot path reads no storage slot besides the two balance words (and, for a sender with holds, its
/// held amount) and makes no external call
/// (DESIGN.md §6: ≤ 1.15 × a plain ERC-20 transfer behind a UUPS proxy). Everything a transfer checks about an
/// account lives in the account's word:
///
/// | bits    | field          | meaning                                                                    |
/// | ------- | -------------- | -------------------------------------------------------------------------- |
/// | 0–127   | balance        | the account's balance (at most the supply, so it fits: W1); for the zero   |
/// |         |                | address, the supply's headroom (W2)                                        |
/// | 128     | frozen         | set by `freeze`, cleared by `unfreeze`                                     |
/// | 129–168 | eligibleUntil  | `uint40` unix time the cached eligibility lapses; 0 = not eligible;        |
/// |         |                | `type(uint40).max` for active members and the coin itself (the escrow)     |
/// | 169     | hasHolds       | set while the account has units on hold (`heldBalanceOf > 0`): a transfer  |
/// |         |                | tests it with `frozen` in one mask and reads `held` only when it is set    |
/// | 170–191 | —              | zero                                                                       |
/// | 192–255 | missingClaims  | the claims (`uint64` bitmap) the investor lacked when synced; 0 for        |
/// |         |                | members, assets, the escrow and ineligible accounts                        |
///
/// `syncHolder` writes `eligibleUntil` and `missingClaims` from the identity registry's eligibility store (a
/// verified investor: its attestation's expiry and the complement of its claims) and the member registry (an
/// active member: forever, lacking nothing); `mint` syncs its recipient itself. Both registries are read only
/// there, never on a transfer, and both call `syncHolder`/`syncHolders` themselves after every change that can
/// make a holder less eligible (removal, fewer claims, earlier expiry, removed or recovered wallet, suspended or
/// removed member).
///
/// The global hot flags (paused, holder policy, the baseline claims) live in the upper 96 bits of the ERC-1967
/// implementation slot, which the proxy has just read: see `_hotFlags`. The baseline claims sit in the slot's bits
/// 192–255, level with each word's `missingClaims`, so a transfer tests `word & slot >> 192 == 0` ("lacks no
/// baseline claim"): a baseline change, which the identity registry pushes (`syncBaselineClaims`), takes effect
/// for every holder at once without re-syncing any.
///
/// Pause stops every movement of coins (transfers, mints, burns, redemption requests, confirmations and
/// rejections, placing and executing holds) except seizure.
///
/// Holds (`IHoldable`): the settlement engine (`settlementEngine()`, an immutable of the implementation) locks
/// part of a holder's balance in place for a settlement, and executes it (a checked transfer) or releases it.
/// `settlementTransfer` (the DvP hot path) and `settlementEngine` run here; the rest of `IHoldable` runs in the
/// hold module `SettlementCoinHolds` (an immutable of this implementation, reached from `fallback` by
/// `delegatecall` in this coin's storage), which shares this storage and `_move` through `SettlementCoinBase`.
/// Held units stay the holder's (`balanceOf`) but no path takes them: transfers, EIP-3009 transfers, burns,
/// redemption requests and seizures (which ignore freezes and pause, never holds) revert with
/// `HoldableInsufficientAvailableBalance` beyond `availableBalanceOf`; the REGULATOR cancels a hold first
/// (`cancelHold`, with a reason), so a court order never silently cuts a trade a counterparty relies on. Frozen
/// or paused: no hold placed or executed; holds released and cancelled. The engine, like the coin, is always
/// eligible (a coin leg funded by `receiveWithAuthorization` passes through it): `initialize` caches it, and on a
/// coin upgraded to this implementation anyone's `syncHolder(settlementEngine())` does. Invariants H1–H3:
/// `IHoldable`.
///
/// @dev Warning: the coin's own address holds the redemption escrow and is always eligible, so a plain transfer to
/// it succeeds; such coins back no request and stay locked (`rescue` refuses this coin). `escrowed()` then exceeds
/// the sum of pending requests by that amount.
/// @dev Compiled with 3,000 optimizer runs (hardhat.config.ts), not the project's 10,000: at 10,000 the runtime
/// code exceeds EIP-170's 24,576 bytes.
///
/// Upgrades: UUPS, `upgradeToAndCall` restricted (UPGRADER in `config/roles.ts`). Own storage is ERC-7201
/// namespaced under `assetledger.storage.SettlementCoin`; allowances, name and symbol stay in OpenZeppelin's
/// ERC-20 namespace, whose balance and supply fields this contract leaves unused.
contract SettlementCoin is
    Initializable,
    ERC20Upgradeable,
    ERC20PermitUpgradeable,
    ERC3009Upgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ISettlementCoin,
    SettlementCoinBase
{
    using SafeERC20 for IERC20;

    /// @dev The hold module (`SettlementCoinHolds`), created by the constructor: part of this implementation.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _HOLDS;

    /// @param settlementEngine_ The settlement engine, the holds' only notary (`settlementEngine`), not zero.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address settlementEngine_) SettlementCoinBase(settlementEngine_) {
        _HOLDS = address(new SettlementCoinHolds(settlementEngine_));
        _disableInitializers();
    }

    /// @notice Initializes a coin's proxy.
    /// @param initialAuthority The alliance authority (AccessManager).
    /// @param identityRegistry_ Where investors' eligibility is read by `syncHolder`.
    /// @param memberRegistry_ Where members' status is read by `syncHolder`.
    /// @param name_ The token name, also the EIP-712 domain name (domain version "1").
    /// @param symbol_ The token symbol.
    /// @param decimals_ The coin's decimals (2 for a yuan, 6 for a dollar…).
    /// @param policy Who may hold and receive the coin.
    /// @param maxAttestationAge_ How old the latest reserve attestation may be for minting (seconds).
    function initialize(
        address initialAuthority,
        address identityRegistry_,
        address memberRegistry_,
        string calldata name_,
        string calldata symbol_,
        uint8 decimals_,
        HolderPolicy policy,
        uint32 maxAttestationAge_
    ) external initializer {
        require(initialAuthority.code.length != 0, AccessManagedInvalidAuthority(initialAuthority));
        require(identityRegistry_ != address(0), SettlementCoinInvalidAddress(identityRegistry_));
        require(memberRegistry_ != address(0), SettlementCoinInvalidAddress(memberRegistry_));
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __ERC3009_init();
        __AccessManaged_init(initialAuthority);
        SettlementCoinStorage storage $ = _getStorage();
        $.identityRegistry = IIdentityRegistry(identityRegistry_);
        $.memberRegistry = IMemberRegistry(memberRegistry_);
        $.decimals = decimals_;
        // The coin holds the redemption escrow, the engine passes coin legs through: both are always eligible.
        _writeEligibility($, address(this), type(uint40).max, 0);
        _syncHolder($, _ENGINE);
        // Nothing minted: the whole 128-bit range is headroom.
        $.accounts[address(0)].word = _BALANCE_MASK;
        _setHolderPolicy(policy);
        _setMaxAttestationAge($, maxAttestationAge_);
    }

    /* ISSUANCE */

    /// @inheritdoc ISettlementCoin
    function configureMinter(address minter, uint256 allowance) external restricted {
        require(minter != address(0), SettlementCoinInvalidAddress(minter));
        MinterRecord storage record = _getStorage().minters[minter];
        record.isMinter = true;
        record.allowance = allowance;
        emit MinterConfigured(minter, allowance);
    }

    /// @inheritdoc ISettlementCoin
    function removeMinter(address minter) external restricted {
        SettlementCoinStorage storage $ = _getStorage();
        require($.minters[minter].isMinter, SettlementCoinNotMinter(minter));
        delete $.minters[minter];
        emit MinterRemoved(minter);
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Refreshes `to`'s cached eligibility from the registries first (emitting `HolderEligibilitySynced`), so
    /// a freshly registered investor can be minted to without a separate `syncHolder`.
    function mint(address to, uint256 amount) external restricted {
        require(to != address(0), ERC20InvalidReceiver(to));
        require(to != address(this), SettlementCoinInvalidAddress(to));
        require(amount != 0, SettlementCoinInvalidAmount(amount));
        SettlementCoinStorage storage $ = _getStorage();
        address minter = _msgSender();
        MinterRecord storage record = $.minters[minter];
        require(record.isMinter, SettlementCoinNotMinter(minter));
        uint256 allowance = record.allowance;
        require(amount <= allowance, SettlementCoinMintAllowanceExceeded(minter, allowance, amount));
        _checkReserves($, amount);
        unchecked {
            // amount ≤ allowance, checked above.
            record.allowance = allowance - amount;
        }
        _syncHolder($, to);
        _mint(to, amount);
        emit Minted(minter, to, amount);
    }

    /// @inheritdoc ISettlementCoin
    function burn(uint256 amount) external restricted {
        require(amount != 0, SettlementCoinInvalidAmount(amount));
        address minter = _msgSender();
        require(_getStorage().minters[minter].isMinter, SettlementCoinNotMinter(minter));
        _burn(minter, amount);
        emit Burned(minter, amount);
    }

    /* RESERVES */

    /// @inheritdoc ISettlementCoin
    function attestReserves(uint256 reserves, uint48 asOf, bytes32 reportHash) external restricted {
        Attestation[] storage attestations = _getStorage().attestations;
        uint256 count = attestations.length;
        uint48 previousAsOf = count == 0 ? 0 : attestations[count - 1].asOf;
        require(
            asOf <= block.timestamp && asOf >= previousAsOf,
            SettlementCoinInvalidAttestation(asOf, previousAsOf, block.timestamp)
        );
        address attestor = _msgSender();
        attestations.push(Attestation({reserves: reserves, asOf: asOf, reportHash: reportHash, attestor: attestor}));
        emit ReservesAttested(count, attestor, reserves, asOf, reportHash);
    }

    /// @inheritdoc ISettlementCoin
    function setMaxAttestationAge(uint32 maxAge) external restricted {
        _setMaxAttestationAge(_getStorage(), maxAge);
    }

    /* REDEMPTION */

    /// @inheritdoc ISettlementCoin
    /// @dev A normal transfer to the coin's own address: pause, the holder's freeze and balance apply.
    function requestRedemption(uint256 amount, bytes32 payoutReference) external returns (uint256 id) {
        require(amount != 0, SettlementCoinInvalidAmount(amount));
        require(payoutReference != bytes32(0), SettlementCoinInvalidPayoutReference());
        address holder = _msgSender();
        _transfer(holder, address(this), amount);
        SettlementCoinStorage storage $ = _getStorage();
        id = ++$.lastRedemptionId;
        $.redemptions[id] = Redemption({
            holder: holder,
            requestedAt: Time.timestamp(),
            status: RedemptionStatus.Pending,
            amount: amount,
            payoutReference: payoutReference
        });
        $.redemptionsOf[holder].push(id);
        emit RedemptionRequested(id, holder, amount, payoutReference);
    }

    /// @inheritdoc ISettlementCoin
    function confirmRedemption(uint256 id) external restricted {
        Redemption storage request = _pendingRedemption(id);
        request.status = RedemptionStatus.Confirmed;
        _burn(address(this), request.amount);
        emit RedemptionConfirmed(id, _msgSender());
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Warning: the escrow returns to the holder even if the holder was frozen since the request (the coins
    /// were the holder's when frozen accounts could still send them), but not while the coin is paused, nor, under
    /// the `Eligible` policy, when the holder's cached eligibility has lapsed (C5): sync the holder, or confirm.
    function rejectRedemption(uint256 id, bytes32 reason) external restricted {
        Redemption storage request = _pendingRedemption(id);
        request.status = RedemptionStatus.Rejected;
        _move(address(this), request.holder, request.amount, _EXEMPT_FREEZE);
        emit RedemptionRejected(id, _msgSender(), reason);
    }

    /* HOLDERS */

    /// @inheritdoc ISettlementCoin
    function setHolderPolicy(HolderPolicy policy) external restricted {
        _setHolderPolicy(policy);
    }

    /// @inheritdoc IEligibilitySubscriber
    function syncHolder(address account) external {
        _syncHolder(_getStorage(), account);
    }

    /// @inheritdoc IEligibilitySubscriber
    function syncHolders(address[] calldata accounts) external {
        SettlementCoinStorage storage $ = _getStorage();
        for (uint256 i; i < accounts.length; ++i) _syncHolder($, accounts[i]);
    }

    /// @inheritdoc IEligibilitySubscriber
    function syncBaselineClaims() external {
        uint64 claims = _getStorage().identityRegistry.baselineClaims();
        uint256 flags = _hotFlags() & ((1 << _FLAG_BASELINE_SHIFT) - 1);
        _setHotFlags(flags | (uint256(claims) << _FLAG_BASELINE_SHIFT));
        emit BaselineClaimsSynced(claims);
    }

    /* ENFORCEMENT */

    /// @inheritdoc ISettlementCoin
    /// @dev The coin's own address (the escrow) cannot be frozen.
    function freeze(address account) external restricted {
        require(account != address(0) && account != address(this), SettlementCoinInvalidAddress(account));
        Account storage acct = _getStorage().accounts[account];
        uint256 word = acct.word;
        require(word & _FROZEN_BIT == 0, SettlementCoinAccountFrozen(account));
        acct.word = word | _FROZEN_BIT;
        emit Frozen(account);
    }

    /// @inheritdoc ISettlementCoin
    function unfreeze(address account) external restricted {
        Account storage acct = _getStorage().accounts[account];
        uint256 word = acct.word;
        require(word & _FROZEN_BIT != 0, SettlementCoinAccountNotFrozen(account));
        acct.word = word & ~_FROZEN_BIT;
        emit Unfrozen(account);
    }

    /// @inheritdoc ISettlementCoin
    function pause() external restricted {
        uint256 flags = _hotFlags();
        require(flags & _FLAG_PAUSED == 0, SettlementCoinPaused());
        _setHotFlags(flags | _FLAG_PAUSED);
        emit Paused(_msgSender());
    }

    /// @inheritdoc ISettlementCoin
    function unpause() external restricted {
        uint256 flags = _hotFlags();
        require(flags & _FLAG_PAUSED != 0, SettlementCoinNotPaused());
        _setHotFlags(flags & ~_FLAG_PAUSED);
        emit Unpaused(_msgSender());
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Ignores pause and both accounts' freezes; the recipient must be eligible under the policy (C5). The
    /// escrow is neither seized nor seized into: it backs pending redemptions.
    function seize(address from, address to, uint256 amount, bytes32 legalReference) external restricted {
        require(from != address(0) && from != address(this), SettlementCoinInvalidAddress(from));
        require(to != address(0) && to != address(this), SettlementCoinInvalidAddress(to));
        require(amount != 0, SettlementCoinInvalidAmount(amount));
        _move(from, to, amount, _EXEMPT_PAUSE | _EXEMPT_FREEZE);
        emit Seized(from, to, amount, legalReference);
    }

    /// @inheritdoc ISettlementCoin
    function rescue(IERC20 token, address to, uint256 amount) external restricted {
        require(address(token) != address(this), SettlementCoinCannotRescueSelf());
        require(to != address(0), SettlementCoinInvalidAddress(to));
        token.safeTransfer(to, amount);
        emit TokensRescued(token, to, amount);
    }

    /* EIP-3009 WITH ERC-1271 SIGNATURES */

    /// @notice `transferWithAuthorization` with a `bytes` signature, checked by ERC-1271 when `from` is a contract
    /// (a smart wallet) and by ECDSA otherwise, over the same EIP-712 digest as the `v, r, s` variant.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _checkSignature(
            from,
            keccak256(
                abi.encode(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce)
            ),
            signature
        );
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice `receiveWithAuthorization` with a `bytes` signature (ERC-1271 or ECDSA, as above); as in the
    /// `v, r, s` variant, only the recipient `to` may submit it.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _checkSignature(
            from,
            keccak256(abi.encode(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce)),
            signature
        );
        require(to == _msgSender(), ERC20InvalidReceiver(to));
        _transferWithAuthorization(from, to, value, validAfter, validBefore, nonce);
    }

    /// @notice `cancelAuthorization` with a `bytes` signature (ERC-1271 or ECDSA, as above).
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external {
        _checkSignature(authorizer, keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)), signature);
        _cancelAuthorization(authorizer, nonce);
    }

    /// @dev Reverts with `ERC3009InvalidSignature` unless `signer` signed the EIP-712 digest of `structHash`
    /// (ERC-1271 for a contract, ECDSA otherwise).
    function _checkSignature(address signer, bytes32 structHash, bytes calldata signature) private view {
        require(
            SignatureChecker.isValidSignatureNow(signer, _hashTypedDataV4(structHash), signature),
            ERC3009InvalidSignature()
        );
    }

    /* VIEWS */

    /// @inheritdoc IERC20
    /// @dev `type(uint128).max` minus the zero address's word (the headroom: see the word table).
    function totalSupply() public view override(ERC20Upgradeable, IERC20) returns (uint256) {
        return _totalSupply(_getStorage());
    }

    /// @inheritdoc IERC20
    /// @dev 0 for the zero address, whose word holds the supply's headroom, not a balance.
    function balanceOf(address account) public view override(ERC20Upgradeable, IERC20) returns (uint256) {
        return account == address(0) ? 0 : _getStorage().accounts[account].word & _BALANCE_MASK;
    }

    /// @notice The coin's decimals, set at initialization.
    function decimals() public view override returns (uint8) {
        return _getStorage().decimals;
    }

    /// @inheritdoc ISettlementCoin
    function minterAllowance(address minter) external view returns (uint256) {
        return _getStorage().minters[minter].allowance;
    }

    /// @inheritdoc ISettlementCoin
    function isMinter(address account) external view returns (bool) {
        return _getStorage().minters[account].isMinter;
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Reverts with `SettlementCoinNoAttestation` before the first attestation.
    function latestAttestation() external view returns (Attestation memory) {
        uint256 count = _getStorage().attestations.length;
        return attestationAt(count == 0 ? type(uint256).max : count - 1);
    }

    /// @inheritdoc ISettlementCoin
    function attestationCount() external view returns (uint256) {
        return _getStorage().attestations.length;
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Reverts with `SettlementCoinNoAttestation` when there is no attestation at `index`.
    function attestationAt(uint256 index) public view returns (Attestation memory) {
        Attestation[] storage attestations = _getStorage().attestations;
        require(index < attestations.length, SettlementCoinNoAttestation());
        return attestations[index];
    }

    /// @inheritdoc ISettlementCoin
    function maxAttestationAge() external view returns (uint32) {
        return _getStorage().maxAttestationAge;
    }

    /// @inheritdoc ISettlementCoin
    function redemption(uint256 id) external view returns (Redemption memory) {
        return _getStorage().redemptions[id];
    }

    /// @inheritdoc ISettlementCoin
    function redemptionsOf(address holder) external view returns (uint256[] memory) {
        return _getStorage().redemptionsOf[holder];
    }

    /// @inheritdoc ISettlementCoin
    function escrowed() external view returns (uint256) {
        return _getStorage().accounts[address(this)].word & _BALANCE_MASK;
    }

    /// @inheritdoc ISettlementCoin
    function holderPolicy() public view returns (HolderPolicy) {
        return _hotFlags() & _FLAG_OPEN != 0 ? HolderPolicy.Open : HolderPolicy.Eligible;
    }

    /// @inheritdoc ISettlementCoin
    function isFrozen(address account) external view returns (bool) {
        return _getStorage().accounts[account].word & _FROZEN_BIT != 0;
    }

    /// @inheritdoc ISettlementCoin
    function isPaused() external view returns (bool) {
        return _hotFlags() & _FLAG_PAUSED != 0;
    }

    /// @inheritdoc ISettlementCoin
    /// @dev Under the `Open` policy every account may (freezes aside: see `isFrozen`); under `Eligible`, those
    /// whose cached eligibility has not lapsed and whose cached claims hold the baseline.
    function isEligible(address account) external view returns (bool) {
        uint256 flags = _hotFlags();
        return flags & _FLAG_OPEN != 0 || _isEligible(_getStorage().accounts[account].word, flags);
    }

    /// @inheritdoc ISettlementCoin
    function eligibleUntil(address account) external view returns (uint40) {
        return _eligibleUntil(_getStorage().accounts[account].word);
    }

    /* BALANCE CHANGES */

    /// @inheritdoc IERC20
    /// @dev The hot path (`_move`): reads the implementation slot (warm) and the two balance words, nothing else.
    /// `_move` refuses the zero address as a recipient (no `_BURN`).
    function transfer(address to, uint256 value) public override(ERC20Upgradeable, IERC20) returns (bool) {
        _move(_msgSender(), to, value, 0);
        return true;
    }

    /// @inheritdoc IERC20
    /// @dev The hot path (`_move`) after OpenZeppelin's allowance check, as settlement contracts use it.
    function transferFrom(
        address from,
        address to,
        uint256 value
    ) public override(ERC20Upgradeable, IERC20) returns (bool) {
        require(from != address(0), ERC20InvalidSender(from));
        _spendAllowance(from, _msgSender(), value);
        _move(from, to, value, 0);
        return true;
    }

    /* SETTLEMENT (IHoldable) */

    /// @notice Moves `amount` of `from`'s available balance to `to`, without an allowance (IHoldable: the
    /// settlement engine only, `HoldableUnauthorizedEngine`).
    /// @dev Exactly `transferFrom` without the allowance: the hot path (`_move`) with every check, held units
    /// excluded. The DvP path: here, not behind the hold module's `delegatecall`.
    function settlementTransfer(address from, address to, uint256 amount) external {
        if (msg.sender != _ENGINE) revert IHoldable.HoldableUnauthorizedEngine(msg.sender);
        if (from == address(0)) revert ERC20InvalidSender(from);
        _move(from, to, amount, 0);
    }

    /// @notice The settlement engine, the only notary of this coin's holds (IHoldable).
    function settlementEngine() external view returns (address) {
        return _ENGINE;
    }

    /// @notice Runs the rest of `IHoldable` (`placeHold`, `executeHold`, `releaseHold`, `cancelHold`, `holdOf`,
    /// `heldBalanceOf`, `availableBalanceOf`) in the hold module (`SettlementCoinHolds`), in this coin's storage;
    /// reverts bubble up, and a selector the module lacks reverts without data.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address holds = _HOLDS;
        // A bare forwarder in assembly (a few dozen bytes of code where OpenZeppelin's `Address` takes ≈ 150: the
        // coin is close to EIP-170's limit). It overwrites memory from 0 freely: it returns or reverts, so no
        // Solidity code runs after it.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let success := delegatecall(gas(), holds, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if success {
                return(0, returndatasize())
            }
            revert(0, returndatasize())
        }
    }

    /// @dev OpenZeppelin's `_transfer`, `_mint` and `_burn` come here: EIP-3009 transfers, redemption requests
    /// (to the escrow), mints (from the zero address), burns and redemption confirmations (to it). Never calls
    /// `super`: balances and supply live in this contract's storage. OpenZeppelin's `_transfer` has refused a zero
    /// sender or recipient, so a zero recipient here is a burn (`_BURN`) and a zero sender a mint.
    function _update(address from, address to, uint256 value) internal override {
        _move(from, to, value, _BURN);
    }

    /* INTERNALS */

    /// @dev Reverts unless minting `amount` keeps the supply within the latest attestation's reserves and that
    /// attestation is at most `maxAttestationAge` old (C2).
    function _checkReserves(SettlementCoinStorage storage $, uint256 amount) private view {
        uint256 count = $.attestations.length;
        require(count != 0, SettlementCoinNoAttestation());
        Attestation storage latest = $.attestations[count - 1];
        (uint48 asOf, uint32 maxAge) = (latest.asOf, $.maxAttestationAge);
        require(
            uint256(asOf) + maxAge >= block.timestamp,
            SettlementCoinAttestationTooOld(asOf, maxAge, block.timestamp)
        );
        // Saturating: an absurd amount reports the largest supply rather than overflowing.
        uint256 supplyAfter = Math.saturatingAdd(_totalSupply($), amount);
        uint256 reserves = latest.reserves;
        require(
            supplyAfter <= reserves && supplyAfter != type(uint256).max,
            SettlementCoinReservesExceeded(supplyAfter, reserves)
        );
    }

    function _pendingRedemption(uint256 id) private view returns (Redemption storage request) {
        request = _getStorage().redemptions[id];
        RedemptionStatus status = request.status;
        require(status != RedemptionStatus.None, SettlementCoinUnknownRedemption(id));
        require(status == RedemptionStatus.Pending, SettlementCoinRedemptionNotPending(id, status));
    }

    /// @dev Reads `account`'s eligibility from the registries and caches it in its word: active members, assets
    /// registered with the alliance's authority and the coin itself until `type(uint40).max` lacking no claim,
    /// verified investors until their attestation's expiry (clamped to `uint40`) with the claims they lack, anyone
    /// else 0. Keeps the balance and the frozen bit.
    function _syncHolder(SettlementCoinStorage storage $, address account) private {
        require(account != address(0), SettlementCoinInvalidAddress(account));
        uint40 until;
        uint64 missing;
        if (
            account == address(this) ||
            account == _ENGINE ||
            $.memberRegistry.isActiveMember(account) ||
            _isAsset(account)
        ) {
            until = type(uint40).max;
        } else {
            (Eligibility word, , uint64 baseline) = $.identityRegistry.eligibilityStore().partiesOf(
                account,
                address(0)
            );
            if (word.isVerified(baseline, block.timestamp)) {
                until = uint40(Math.min(word.expiry(), type(uint40).max));
                missing = ~word.claims();
            }
        }
        _writeEligibility($, account, until, missing);
    }

    /// @dev Whether the authority lists `account` as an issued asset. An authority that keeps no asset directory
    /// (a plain AccessManager) lists none.
    function _isAsset(address account) private view returns (bool) {
        try IAssetDirectory(authority()).productOf(account) returns (ProductType product) {
            return product != ProductType.None;
        } catch {
            return false;
        }
    }

    function _writeEligibility(SettlementCoinStorage storage $, address account, uint40 until, uint64 missing) private {
        Account storage acct = $.accounts[account];
        acct.word =
            (acct.word & (_BALANCE_MASK | _FROZEN_BIT | _HELD_BIT)) |
            (uint256(until) << _ELIGIBLE_SHIFT) |
            (uint256(missing) << _CLAIMS_SHIFT);
        emit HolderEligibilitySynced(account, until != 0, until);
    }

    function _setHolderPolicy(HolderPolicy policy) private {
        uint256 flags = _hotFlags();
        _setHotFlags(policy == HolderPolicy.Open ? flags | _FLAG_OPEN : flags & ~_FLAG_OPEN);
        emit HolderPolicySet(policy);
    }

    function _setMaxAttestationAge(SettlementCoinStorage storage $, uint32 maxAge) private {
        $.maxAttestationAge = maxAge;
        emit MaxAttestationAgeSet(maxAge);
    }

    /// @dev The zero address's word is `type(uint128).max` minus the supply, and nothing else (W2).
    function _totalSupply(SettlementCoinStorage storage $) private view returns (uint256) {
        return _BALANCE_MASK - $.accounts[address(0)].word;
    }

    function _eligibleUntil(uint256 word) private pure returns (uint40) {
        return uint40(word >> _ELIGIBLE_SHIFT);
    }

    /// @dev Whether an account word is eligible under hot flags `flags`: not lapsed, lacking no baseline claim.
    function _isEligible(uint256 word, uint256 flags) private view returns (bool) {
        return _eligibleUntil(word) > block.timestamp && (word >> _CLAIMS_SHIFT) & (flags >> _FLAG_BASELINE_SHIFT) == 0;
    }

    /// @dev The global hot flags (`_FLAG_PAUSED`, `_FLAG_OPEN`, the baseline claims at `_FLAG_BASELINE_SHIFT`),
    /// kept in the upper 96 bits of the ERC-1967 implementation slot (`HotFlagsLib`, whose warning applies: read
    /// the implementation as the slot's low 160 bits). The flags are stored so that the deployed configuration
    /// (`Eligible`, not paused, no baseline change since) sets none; once the baseline claims have been pushed,
    /// the slot stays a tagged address for good.
    function _hotFlags() private view returns (uint256) {
        return HotFlagsLib.read();
    }

    function _setHotFlags(uint256 flags) private {
        HotFlagsLib.write(flags);
    }

    /// @dev Upgrades are restricted to the authority's UPGRADER role (with its execution delay).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}
}
