// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StorageSlot} from "@openzeppelin/contracts/utils/StorageSlot.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityStore} from "../../interfaces/identity/IEligibilityStore.sol";
import {IERC1404} from "../../interfaces/tokens/IERC1404.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ISecurityToken} from "../../interfaces/tokens/ISecurityToken.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {ProductType} from "../../types/ProductType.sol";
import {Restriction} from "../../types/Restriction.sol";
import {Documents} from "../extensions/Documents.sol";

/// @title SecurityToken
/// @notice The core every security product (Equity, Bond, Fund, …) extends: ERC-20 over packed balance words,
/// ERC-3643 agent functions, ERC-1404, ERC-1643 documents, ERC-165, and the ownership register (record-date
/// snapshots, investor-level holdings, an exact holder count). See `ISecurityToken`.
/// @dev Invariants T1–T5 are stated in `ISecurityToken`. Of this implementation:
/// - W1: `totalSupply() ≤ 2^104 − 1` (a mint beyond reverts with `SecurityTokenSupplyCapExceeded`), so no balance,
///   bounded by the supply, carries out of its 104 bits: credits need no overflow check.
/// - W2: the zero address's word is never written.
/// - W3: an account's `lastSnapshot` field is the snapshot id current at its last balance change, and it has a
///   checkpoint for that id holding its balance when that snapshot was taken.
///
/// Balance word, one slot per account:
///
/// | bits    | field          | meaning                                                                    |
/// | ------- | -------------- | -------------------------------------------------------------------------- |
/// | 0–103   | balance        | the account's balance (at most the supply: W1)                             |
/// | 104–191 | memo           | the compliance pipeline's opaque memo about the account, stored as returned |
/// | 192–223 | investorIndex  | the registry's investor index, cached when the balance last left zero      |
/// | 224–247 | lastSnapshot   | W3                                                                         |
/// | 248     | frozen         | ERC-3643 address freeze                                                    |
/// | 249     | partial        | some of the balance is frozen (amount in `frozenTokens`)                  |
///
/// Supply word: totalSupply (0–103) | holderCount (104–135) | holdingWallets (136–167) | lastSnapshot of the
/// supply (168–191).
///
/// Hot flags in the upper 96 bits of the ERC-1967 implementation slot (`HotFlagsLib`): bit 0 paused, bit 1
/// transfers stopped, bits 8–31 the current snapshot id. The deployed configuration sets none; once a snapshot is
/// taken, read the implementation address as the slot's low 160 bits.
///
/// Holder accounting: a wallet whose balance leaves zero caches its investor's index (from the eligibility store)
/// in its word; an investor is counted while one of the wallets cached with its index holds. When a wallet joins
/// or leaves, the token asks whether a sibling wallet of the same investor holds (the registry's `walletsOf`, at
/// most 16) — only at those zero crossings, never on a transfer between existing holders. A wallet that was not
/// registered when it started holding (index 0, possible only through the unchecked paths) counts as an investor
/// of its own. The count follows the registry as it was when each wallet started holding: re-assign a holding
/// wallet to another investor in the registry only after its holdings have moved (`recoveryAddress`).
///
/// Gas (DESIGN.md §6): a transfer between existing holders reads the implementation slot (warm), the two balance
/// words and what the pipeline reads, calls the pipeline once, and writes the two words. Zero crossings add the
/// supply word; the first change of an account after a snapshot adds a checkpoint.
///
/// Upgrades: UUPS; `upgradeToAndCall` restricted (ASSET_FACTORY in the product tables of config/roles.ts). Own
/// storage is ERC-7201 namespaced under `assetledger.storage.SecurityToken`; documents under
/// `assetledger.storage.Documents`. The compliance pipeline, the identity registry and its eligibility store are
/// immutables of the implementation: re-pointing an asset to a new pipeline is a product upgrade.
///
/// Overriding: products add terms and lifecycle and move balances only through `_mintChecked`,
/// `_issueUnchecked`, `_burnUnchecked` and `_moveUnchecked`, never by writing storage of this contract; they must
/// never let `_update` be bypassed (T1, T2, T3 depend on it).
abstract contract SecurityToken is ISecurityToken, IERC165, Documents, UUPSUpgradeable {
    using Checkpoints for Checkpoints.Trace208;

    /* BALANCE WORD LAYOUT (see the table above) */

    uint256 private constant _BALANCE_MASK = (1 << 104) - 1;
    uint256 private constant _MEMO_SHIFT = 104;
    uint256 private constant _MEMO_MASK = uint256(type(uint88).max) << _MEMO_SHIFT;
    uint256 private constant _INDEX_SHIFT = 192;
    uint256 private constant _INDEX_MASK = uint256(type(uint32).max) << _INDEX_SHIFT;
    uint256 private constant _LAST_SNAPSHOT_SHIFT = 224;
    uint256 private constant _LAST_SNAPSHOT_MASK = uint256(type(uint24).max) << _LAST_SNAPSHOT_SHIFT;
    uint256 private constant _FROZEN_BIT = 1 << 248;
    uint256 private constant _PARTIAL_BIT = 1 << 249;

    /* SUPPLY WORD LAYOUT */

    uint256 private constant _HOLDERS_SHIFT = 104;
    uint256 private constant _ONE_HOLDER = 1 << _HOLDERS_SHIFT;
    uint256 private constant _WALLETS_SHIFT = 136;
    uint256 private constant _ONE_WALLET = 1 << _WALLETS_SHIFT;
    uint256 private constant _SUPPLY_SNAPSHOT_SHIFT = 168;
    uint256 private constant _SUPPLY_SNAPSHOT_MASK = uint256(type(uint24).max) << _SUPPLY_SNAPSHOT_SHIFT;

    /* HOT FLAGS */

    uint256 private constant _FLAG_PAUSED = 1 << 0;
    uint256 private constant _FLAG_STOPPED = 1 << 1;
    uint256 private constant _SNAPSHOT_SHIFT = 8;
    uint256 private constant _MAX_SNAPSHOT_ID = type(uint24).max;

    uint8 private constant _MAX_DECIMALS = 18;
    uint16 private constant _MAX_COUNTRY = 999;

    /// @custom:storage-location erc7201:assetledger.storage.SecurityToken
    struct SecurityTokenStorage {
        /// @dev Each account's word (layout above).
        mapping(address account => Account) accounts;
        /// @dev The supply word (layout above).
        uint256 supply;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        /// @dev Read only when the account's `partial` bit is set.
        mapping(address account => uint256) frozenTokens;
        /// @dev Key: snapshot id; value: the balance when that snapshot was taken (W3).
        mapping(address account => Checkpoints.Trace208) balanceCheckpoints;
        Checkpoints.Trace208 supplyCheckpoints;
        Instrument instrument;
    }

    /// @dev An account's word, in a struct so that a function holds a storage reference to it and reads and writes
    /// it with one slot computation.
    struct Account {
        uint256 word;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.SecurityToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x5c4b513eb4793fa8f101a002a3bf3785b83de5f40fea181386e379891bf27800;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ICompliance private immutable _compliance;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IIdentityRegistry private immutable _identityRegistry;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IEligibilityStore private immutable _eligibilityStore;

    /// @param compliance_ The pipeline every transfer and mint asks; it must read `identityRegistry_`.
    /// @param identityRegistry_ The identity registry (its eligibility store is read at zero crossings).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ICompliance compliance_, IIdentityRegistry identityRegistry_) {
        address complianceRegistry = address(compliance_.identityRegistry());
        require(
            complianceRegistry == address(identityRegistry_),
            SecurityTokenRegistryMismatch(complianceRegistry, address(identityRegistry_))
        );
        _compliance = compliance_;
        _identityRegistry = identityRegistry_;
        _eligibilityStore = identityRegistry_.eligibilityStore();
        _disableInitializers();
    }

    /// @dev Initializes the core: the authority, the instrument and the initial documents. Products call it from
    /// their `initialize`, then decode their terms.
    // solhint-disable-next-line func-name-mixedcase
    function __SecurityToken_init(
        address authority,
        Instrument calldata instrument_,
        IERC1643.Document[] calldata documents
    ) internal onlyInitializing {
        require(authority.code.length != 0, AccessManagedInvalidAuthority(authority));
        require(instrument_.securityCode != bytes12(0), SecurityTokenInvalidSecurityCode());
        require(instrument_.issuer != address(0), SecurityTokenInvalidIssuer(instrument_.issuer));
        require(
            instrument_.jurisdiction != 0 && instrument_.jurisdiction <= _MAX_COUNTRY,
            SecurityTokenInvalidJurisdiction(instrument_.jurisdiction)
        );
        require(instrument_.decimals <= _MAX_DECIMALS, SecurityTokenInvalidDecimals(instrument_.decimals));
        __AccessManaged_init(authority);
        _getSecurityTokenStorage().instrument = instrument_;
        emit InstrumentSet(_productType(), instrument_.issuer, instrument_);
        _setDocuments(documents);
    }

    /// @dev The product type of the implementation; each product overrides it.
    function _productType() internal pure virtual returns (ProductType);

    /* ERC-20 */

    /// @inheritdoc IERC20
    /// @dev The hot path: `_update` with every check.
    function transfer(address to, uint256 amount) external returns (bool) {
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _update(_msgSender(), to, amount, true);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _spendAllowance(from, _msgSender(), amount);
        _update(from, to, amount, true);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 amount) external returns (bool) {
        address owner = _msgSender();
        require(spender != address(0), ERC20InvalidSpender(spender));
        _getSecurityTokenStorage().allowances[owner][spender] = amount;
        emit Approval(owner, spender, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _getSecurityTokenStorage().allowances[owner][spender];
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) public view returns (uint256) {
        return _getSecurityTokenStorage().accounts[account].word & _BALANCE_MASK;
    }

    /// @inheritdoc IERC20
    function totalSupply() public view returns (uint256) {
        return _getSecurityTokenStorage().supply & _BALANCE_MASK;
    }

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _getSecurityTokenStorage().instrument.name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _getSecurityTokenStorage().instrument.symbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external view returns (uint8) {
        return _getSecurityTokenStorage().instrument.decimals;
    }

    /* ERC-3643 AGENT FUNCTIONS */

    /// @inheritdoc ISecurityToken
    function mint(address to, uint256 amount) external restricted {
        _mintChecked(to, amount);
    }

    /// @inheritdoc ISecurityToken
    function burn(address userAddress, uint256 amount) external restricted {
        _requireHolderAddress(userAddress);
        _burnUnchecked(userAddress, amount);
    }

    /// @inheritdoc ISecurityToken
    function forcedTransfer(address from, address to, uint256 amount) external restricted returns (bool) {
        _forcedTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc ISecurityToken
    function setAddressFrozen(address userAddress, bool freeze) external restricted {
        _setAddressFrozen(userAddress, freeze);
    }

    /// @inheritdoc ISecurityToken
    function freezePartialTokens(address userAddress, uint256 amount) external restricted {
        _freezePartialTokens(userAddress, amount);
    }

    /// @inheritdoc ISecurityToken
    function unfreezePartialTokens(address userAddress, uint256 amount) external restricted {
        _unfreezePartialTokens(userAddress, amount);
    }

    /// @inheritdoc ISecurityToken
    function recoveryAddress(
        address lostWallet,
        address newWallet,
        address investorOnchainID
    ) external restricted returns (bool) {
        require(investorOnchainID == address(0), SecurityTokenInvalidOnchainID(investorOnchainID));
        _requireHolderAddress(lostWallet);
        _requireHolderAddress(newWallet);
        require(newWallet != lostWallet, SecurityTokenInvalidAddress(newWallet));
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 lostWord = $.accounts[lostWallet].word;
        uint256 balance = lostWord & _BALANCE_MASK;
        require(balance != 0, SecurityTokenNothingToRecover(lostWallet));
        // The lost wallet's investor: the registry's, or, once the registry recovered the wallet (unlinking it),
        // the one cached when it started holding.
        uint32 investor = _eligibilityStore.eligibilityOf(lostWallet).investorIndex();
        if (investor == 0) investor = uint32(lostWord >> _INDEX_SHIFT);
        require(
            investor != 0 && _eligibilityStore.eligibilityOf(newWallet).investorIndex() == investor,
            SecurityTokenRecoveryMismatch(lostWallet, newWallet)
        );
        uint256 frozen = lostWord & _PARTIAL_BIT != 0 ? $.frozenTokens[lostWallet] : 0;
        // The move releases the lost wallet's frozen tokens (TokensUnfrozen); they are frozen again below.
        _update(lostWallet, newWallet, balance, false);
        if (frozen != 0) _freezePartialTokens(newWallet, frozen);
        if (lostWord & _FROZEN_BIT != 0 && $.accounts[newWallet].word & _FROZEN_BIT == 0) {
            _setAddressFrozen(newWallet, true);
        }
        emit RecoverySuccess(lostWallet, newWallet, investorOnchainID);
        return true;
    }

    /// @inheritdoc ISecurityToken
    function pause() external restricted {
        uint256 flags = HotFlagsLib.read();
        require(flags & _FLAG_PAUSED == 0, SecurityTokenPaused());
        HotFlagsLib.write(flags | _FLAG_PAUSED);
        emit Paused(_msgSender());
    }

    /// @inheritdoc ISecurityToken
    function unpause() external restricted {
        uint256 flags = HotFlagsLib.read();
        require(flags & _FLAG_PAUSED != 0, SecurityTokenNotPaused());
        HotFlagsLib.write(flags & ~_FLAG_PAUSED);
        emit Unpaused(_msgSender());
    }

    /* ERC-3643 BATCHES */

    /// @inheritdoc ISecurityToken
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external {
        _requireSameLength(toList.length, amounts.length);
        address from = _msgSender();
        for (uint256 i; i < toList.length; ++i) {
            address to = toList[i];
            require(to != address(0), ERC20InvalidReceiver(to));
            _update(from, to, amounts[i], true);
        }
    }

    /// @inheritdoc ISecurityToken
    function batchForcedTransfer(
        address[] calldata fromList,
        address[] calldata toList,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(fromList.length, toList.length);
        _requireSameLength(fromList.length, amounts.length);
        for (uint256 i; i < fromList.length; ++i) _forcedTransfer(fromList[i], toList[i], amounts[i]);
    }

    /// @inheritdoc ISecurityToken
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external restricted {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i; i < toList.length; ++i) _mintChecked(toList[i], amounts[i]);
    }

    /// @inheritdoc ISecurityToken
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            _requireHolderAddress(userAddresses[i]);
            _burnUnchecked(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc ISecurityToken
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external restricted {
        _requireSameLength(userAddresses.length, freeze.length);
        for (uint256 i; i < userAddresses.length; ++i) _setAddressFrozen(userAddresses[i], freeze[i]);
    }

    /// @inheritdoc ISecurityToken
    function batchFreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) _freezePartialTokens(userAddresses[i], amounts[i]);
    }

    /// @inheritdoc ISecurityToken
    function batchUnfreezePartialTokens(
        address[] calldata userAddresses,
        uint256[] calldata amounts
    ) external restricted {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) _unfreezePartialTokens(userAddresses[i], amounts[i]);
    }

    /* ERC-1404 */

    /// @inheritdoc IERC1404
    /// @dev The token's own codes first, in the order `_update` checks them — paused (transfers only), transfers
    /// stopped, sender frozen, recipient frozen, balance not frozen below the amount — then the pipeline's.
    function detectTransferRestriction(address from, address to, uint256 amount) external view returns (uint8) {
        Restriction code = _tokenRestriction(from, to, amount);
        if (code != Restriction.None) return uint8(code);
        return _compliance.detectTransferRestriction(address(this), from, to, amount);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory) {
        if (restrictionCode == uint8(Restriction.TokenPaused)) return "Transfers of the token are paused";
        if (restrictionCode == uint8(Restriction.SenderFrozen)) return "The sender's address is frozen";
        if (restrictionCode == uint8(Restriction.RecipientFrozen)) return "The recipient's address is frozen";
        if (restrictionCode == uint8(Restriction.InsufficientUnfrozenBalance)) {
            return "The sender's balance not frozen is below the amount";
        }
        if (restrictionCode == uint8(Restriction.TransfersStopped)) return "Transfers of the token are stopped";
        return _compliance.messageForTransferRestriction(restrictionCode);
    }

    /* REGISTER */

    /// @inheritdoc ISecurityToken
    function snapshot() external restricted returns (uint256) {
        return _snapshot();
    }

    /// @inheritdoc ISecurityToken
    function currentSnapshotId() public view returns (uint256) {
        return (HotFlagsLib.read() >> _SNAPSHOT_SHIFT) & _MAX_SNAPSHOT_ID;
    }

    /// @inheritdoc ISecurityToken
    function balanceOfAt(address account, uint256 id) public view returns (uint256) {
        _requireSnapshot(id);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 word = $.accounts[account].word;
        // Unchanged since before snapshot `id` was taken: the balance now is the balance then.
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < id) return word & _BALANCE_MASK;
        // Changed since: the first checkpoint at or after `id` holds the balance as snapshot `id` saw it (W3).
        return $.balanceCheckpoints[account].lowerLookup(uint48(id));
    }

    /// @inheritdoc ISecurityToken
    function totalSupplyAt(uint256 id) public view returns (uint256) {
        _requireSnapshot(id);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        uint256 word = $.supply;
        if ((word & _SUPPLY_SNAPSHOT_MASK) >> _SUPPLY_SNAPSHOT_SHIFT < id) return word & _BALANCE_MASK;
        return $.supplyCheckpoints.lowerLookup(uint48(id));
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() external view returns (uint256) {
        return uint32(_getSecurityTokenStorage().supply >> _HOLDERS_SHIFT);
    }

    /// @inheritdoc ISecurityToken
    function holdingWalletCount() external view returns (uint256) {
        return uint32(_getSecurityTokenStorage().supply >> _WALLETS_SHIFT);
    }

    /// @inheritdoc IComplianceSubject
    /// @dev The balances of every wallet the registry links to `wallet`'s investor; `wallet`'s own balance when it
    /// is not registered.
    function investorBalanceOf(address wallet) external view returns (uint256 total) {
        Eligibility word = _eligibilityStore.eligibilityOf(wallet);
        uint32 index = word.investorIndex();
        if (index == 0 || _isSoleWallet(word)) return balanceOf(wallet);
        address[] memory wallets = _identityRegistry.walletsOf(_identityRegistry.investorAt(index));
        for (uint256 i; i < wallets.length; ++i) total += balanceOf(wallets[i]);
    }

    /* VIEWS */

    /// @inheritdoc ISecurityToken
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    /// @inheritdoc ISecurityToken
    function compliance() external view returns (ICompliance) {
        return _compliance;
    }

    /// @inheritdoc ISecurityToken
    function eligibilityStore() external view returns (IEligibilityStore) {
        return _eligibilityStore;
    }

    /// @inheritdoc ISecurityToken
    function paused() external view returns (bool) {
        return HotFlagsLib.read() & _FLAG_PAUSED != 0;
    }

    /// @inheritdoc ISecurityToken
    function transfersStopped() public view returns (bool) {
        return HotFlagsLib.read() & _FLAG_STOPPED != 0;
    }

    /// @inheritdoc ISecurityToken
    function isFrozen(address userAddress) external view returns (bool) {
        return _getSecurityTokenStorage().accounts[userAddress].word & _FROZEN_BIT != 0;
    }

    /// @inheritdoc ISecurityToken
    function getFrozenTokens(address userAddress) public view returns (uint256) {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        return $.accounts[userAddress].word & _PARTIAL_BIT != 0 ? $.frozenTokens[userAddress] : 0;
    }

    /// @inheritdoc ISecurityToken
    function version() external pure virtual returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc ISecurityToken
    function instrument() external view returns (Instrument memory) {
        return _getSecurityTokenStorage().instrument;
    }

    /// @inheritdoc ISecurityToken
    function issuer() external view returns (address) {
        return _getSecurityTokenStorage().instrument.issuer;
    }

    /// @inheritdoc ISecurityToken
    function productType() external pure returns (ProductType) {
        return _productType();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view virtual returns (bool) {
        return
            interfaceId == type(IERC165).interfaceId ||
            interfaceId == type(IERC20).interfaceId ||
            interfaceId == type(IERC20Metadata).interfaceId ||
            interfaceId == type(IERC1404).interfaceId ||
            interfaceId == type(IERC1643).interfaceId ||
            interfaceId == type(IComplianceSubject).interfaceId ||
            interfaceId == type(ISecurityToken).interfaceId;
    }

    /* BALANCE CHANGES (the internal API products build on) */

    /// @dev Mints `amount` to `to` as the compliance pipeline allows a mint (`from` zero): refused while
    /// transfers are stopped or `to` is frozen.
    function _mintChecked(address to, uint256 amount) internal {
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(address(0), to, amount, true);
    }

    /// @dev Mints `amount` to `to` without the pipeline or any token-level check (corporate actions such as a
    /// split, where the register is rebuilt from a snapshot).
    function _issueUnchecked(address to, uint256 amount) internal {
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(address(0), to, amount, false);
    }

    /// @dev Burns `amount` of `from`'s tokens without the pipeline; frozen tokens the burn needs are released
    /// (`TokensUnfrozen`).
    function _burnUnchecked(address from, uint256 amount) internal {
        require(from != address(0), ERC20InvalidSender(from));
        _update(from, address(0), amount, false);
    }

    /// @dev Moves `amount` from `from` to `to` without the pipeline, the pause, the stop or freezes (frozen
    /// tokens the move needs are released): escrow into `address(this)` and back. Register, snapshots and
    /// holder count are kept.
    function _moveUnchecked(address from, address to, uint256 amount) internal {
        require(from != address(0), ERC20InvalidSender(from));
        require(to != address(0), ERC20InvalidReceiver(to));
        _update(from, to, amount, false);
    }

    /// @dev Stops (or resumes) transfers, checked mints and the product's payments.
    function _setTransfersStopped(bool stopped) internal {
        uint256 flags = HotFlagsLib.read();
        HotFlagsLib.write(stopped ? flags | _FLAG_STOPPED : flags & ~_FLAG_STOPPED);
        if (stopped) emit TransfersStopped();
        else emit TransfersResumed();
    }

    /// @dev Takes a record-date snapshot: balances and supply as they are now are `balanceOfAt(·, id)` and
    /// `totalSupplyAt(id)` forever. Emits `Snapshot(id)`.
    function _snapshot() internal returns (uint256 id) {
        uint256 flags = HotFlagsLib.read();
        id = ((flags >> _SNAPSHOT_SHIFT) & _MAX_SNAPSHOT_ID) + 1;
        require(id <= _MAX_SNAPSHOT_ID, SecurityTokenSnapshotLimit());
        HotFlagsLib.write((flags & ~(_MAX_SNAPSHOT_ID << _SNAPSHOT_SHIFT)) | (id << _SNAPSHOT_SHIFT));
        emit Snapshot(id);
    }

    /// @dev The one path of every balance change (`from` zero: a mint; `to` zero: a burn; never both). Keeps the
    /// supply equal to the sum of balances (T1), the holder and holding-wallet counts (T2) and the snapshots (T3).
    /// `checked` (transfers and checked mints): refuses while paused (transfers only) or stopped, when either party
    /// is frozen or the sender's balance not frozen is short, and asks the compliance pipeline, storing the memos
    /// it returns in the parties' words. Unchecked changes release frozen tokens they need.
    /// A later batch path applying many deltas (net settlement) keeps the same invariants with one eligibility
    /// check per participant.
    function _update(address from, address to, uint256 amount, bool checked) internal {
        // `if (…) revert` rather than `require` on this path: `require` evaluates the error's arguments first.
        // The implementation slot was just read by the proxy: the flags cost a warm read.
        uint256 flags = StorageSlot.getUint256Slot(ERC1967Utils.IMPLEMENTATION_SLOT).value >> HotFlagsLib.SHIFT;
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage fromAccount = $.accounts[from];
        Account storage toAccount = $.accounts[to];
        // The zero address's word is never read nor written (W2).
        uint256 fromWord = from == address(0) ? 0 : fromAccount.word;
        uint256 toWord = to == address(0) ? 0 : toAccount.word;
        if (checked) {
            (fromWord, toWord) = _check($, flags, from, fromWord, to, toWord, amount);
        } else if (from != address(0) && fromWord & _BALANCE_MASK < amount) {
            revert ERC20InsufficientBalance(from, fromWord & _BALANCE_MASK, amount);
        }
        if (from == address(0)) _requireSupplyRoom($, amount);
        if (from == to) {
            // A transfer to oneself moves nothing; the sender's fresh memo is kept.
            fromAccount.word = fromWord;
            emit Transfer(from, to, amount);
            return;
        }

        uint256 snapshotId = (flags >> _SNAPSHOT_SHIFT) & _MAX_SNAPSHOT_ID;
        // What the supply word's counts change by: a wallet (and maybe an investor) joining is added, one leaving
        // subtracted. Modular arithmetic: the sum is the exact change of each field (none goes negative, T2).
        uint256 counts;
        // The recipient first: whether its investor held before is read before the sender's word changes.
        if (to != address(0)) {
            (toWord, counts) = _credit($, to, toWord, amount, snapshotId);
            toAccount.word = toWord;
        }
        if (from != address(0)) {
            fromWord = _debit($, from, fromWord, amount, snapshotId, checked);
            fromAccount.word = fromWord;
            if (fromWord & _BALANCE_MASK == 0 && amount != 0 && from != address(this)) {
                unchecked {
                    // Wraps when `to` joined in the same change: the sum stays the exact change (above).
                    counts -= _leaving($, from, fromWord);
                }
            }
        }
        if (from == address(0) || to == address(0)) {
            _changeSupply($, from == address(0), amount, snapshotId, counts);
        } else if (counts != 0) {
            unchecked {
                // The exact change of the counts (above); the supply field is untouched.
                $.supply += counts;
            }
        }
        emit Transfer(from, to, amount);
    }

    /// @dev The checks of a checked change, in `_tokenRestriction`'s order, then the pipeline. Returns both words
    /// with the pipeline's fresh memos.
    function _check(
        SecurityTokenStorage storage $,
        uint256 flags,
        address from,
        uint256 fromWord,
        address to,
        uint256 toWord,
        uint256 amount
    ) private view returns (uint256, uint256) {
        if (flags & (from == address(0) ? _FLAG_STOPPED : _FLAG_STOPPED | _FLAG_PAUSED) != 0) _revertHalted(flags);
        if ((fromWord | toWord) & _FROZEN_BIT != 0) _revertFrozen(from, fromWord, to);
        uint256 fromBalance = fromWord & _BALANCE_MASK;
        if (from != address(0)) {
            if (fromBalance < amount) revert ERC20InsufficientBalance(from, fromBalance, amount);
            if (fromWord & _PARTIAL_BIT != 0) _requireUnfrozen($, from, fromBalance, amount);
        }
        (Restriction code, uint88 fromMemo, uint88 toMemo) = _compliance.checkTransfer(
            from,
            to,
            amount,
            uint88(fromWord >> _MEMO_SHIFT),
            uint88(toWord >> _MEMO_SHIFT),
            toWord & _BALANCE_MASK != 0
        );
        if (code != Restriction.None) revert SecurityTokenTransferRestricted(from, to, amount, code);
        return (
            (fromWord & ~_MEMO_MASK) | (uint256(fromMemo) << _MEMO_SHIFT),
            (toWord & ~_MEMO_MASK) | (uint256(toMemo) << _MEMO_SHIFT)
        );
    }

    /// @dev `to`'s word after receiving `amount` (checkpointed first if needed), and the counts' change when its
    /// balance leaves zero: one wallet, and one investor unless a sibling wallet of its investor already holds.
    function _credit(
        SecurityTokenStorage storage $,
        address to,
        uint256 word,
        uint256 amount,
        uint256 snapshotId
    ) private returns (uint256, uint256 counts) {
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < snapshotId) {
            word = _checkpointBalance($, to, word, snapshotId);
        }
        if (word & _BALANCE_MASK == 0 && amount != 0 && to != address(this)) {
            Eligibility eligibility = _eligibilityStore.eligibilityOf(to);
            uint32 index = eligibility.investorIndex();
            word = (word & ~_INDEX_MASK) | (uint256(index) << _INDEX_SHIFT);
            counts = _otherWalletHolds($, index, to, eligibility) ? _ONE_WALLET : _ONE_WALLET + _ONE_HOLDER;
        }
        unchecked {
            // balance + amount ≤ supply ≤ 2^104 − 1 (W1; a mint's new supply was checked in `_requireSupplyRoom`):
            // no carry into the memo.
            word += amount;
        }
        return (word, counts);
    }

    /// @dev `from`'s word after sending `amount` (checkpointed first if needed); an unchecked change releases the
    /// frozen tokens it needs.
    function _debit(
        SecurityTokenStorage storage $,
        address from,
        uint256 word,
        uint256 amount,
        uint256 snapshotId,
        bool checked
    ) private returns (uint256) {
        if ((word & _LAST_SNAPSHOT_MASK) >> _LAST_SNAPSHOT_SHIFT < snapshotId) {
            word = _checkpointBalance($, from, word, snapshotId);
        }
        unchecked {
            // amount ≤ balance (checked by the caller), the word's low 104 bits: no borrow from the other fields.
            word -= amount;
        }
        if (!checked && word & _PARTIAL_BIT != 0) word = _releaseFrozen($, from, word);
        return word;
    }

    /// @dev The counts' change when `from`'s balance reached zero (read after every word is written): one wallet,
    /// and its investor unless another of its wallets still holds.
    function _leaving(SecurityTokenStorage storage $, address from, uint256 word) private view returns (uint256) {
        uint32 index = uint32(word >> _INDEX_SHIFT);
        if (index == 0) return _ONE_WALLET + _ONE_HOLDER;
        return
            _otherWalletHolds($, index, from, _eligibilityStore.eligibilityOf(from))
                ? _ONE_WALLET
                : _ONE_WALLET + _ONE_HOLDER;
    }

    /* INTERNALS */

    /// @dev ERC-3643 `forcedTransfer`: no pipeline, pause or freeze; `to` must be verified.
    function _forcedTransfer(address from, address to, uint256 amount) private {
        _requireHolderAddress(from);
        _requireHolderAddress(to);
        require(_identityRegistry.isVerified(to), SecurityTokenRecipientNotVerified(to));
        _update(from, to, amount, false);
    }

    function _setAddressFrozen(address account, bool freeze) private {
        _requireHolderAddress(account);
        Account storage acct = _getSecurityTokenStorage().accounts[account];
        acct.word = freeze ? acct.word | _FROZEN_BIT : acct.word & ~_FROZEN_BIT;
        emit AddressFrozen(account, freeze, _msgSender());
    }

    function _freezePartialTokens(address account, uint256 amount) private {
        _requireHolderAddress(account);
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 word = acct.word;
        uint256 balance = word & _BALANCE_MASK;
        uint256 frozen = word & _PARTIAL_BIT != 0 ? $.frozenTokens[account] : 0;
        // frozen ≤ balance (T4), so the subtraction cannot underflow.
        if (amount > balance - frozen) {
            revert SecurityTokenFreezeExceedsBalance(account, balance, Math.saturatingAdd(frozen, amount));
        }
        if (amount != 0) {
            $.frozenTokens[account] = frozen + amount;
            acct.word = word | _PARTIAL_BIT;
        }
        emit TokensFrozen(account, amount);
    }

    function _unfreezePartialTokens(address account, uint256 amount) private {
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        Account storage acct = $.accounts[account];
        uint256 word = acct.word;
        uint256 frozen = word & _PARTIAL_BIT != 0 ? $.frozenTokens[account] : 0;
        require(amount <= frozen, SecurityTokenUnfreezeExceedsFrozen(account, frozen, amount));
        uint256 left = frozen - amount;
        $.frozenTokens[account] = left;
        if (left == 0) acct.word = word & ~_PARTIAL_BIT;
        emit TokensUnfrozen(account, amount);
    }

    /// @dev Caps `account`'s frozen tokens at its new balance (in `word`), emitting `TokensUnfrozen` for the
    /// released amount; clears the partial bit when nothing stays frozen.
    function _releaseFrozen(
        SecurityTokenStorage storage $,
        address account,
        uint256 word
    ) private returns (uint256) {
        uint256 balance = word & _BALANCE_MASK;
        uint256 frozen = $.frozenTokens[account];
        if (frozen <= balance) return word;
        $.frozenTokens[account] = balance;
        emit TokensUnfrozen(account, frozen - balance);
        return balance == 0 ? word & ~_PARTIAL_BIT : word;
    }

    /// @dev Reverts unless minting `amount` keeps the supply within 2^104 − 1 (W1).
    function _requireSupplyRoom(SecurityTokenStorage storage $, uint256 amount) private view {
        uint256 supply = $.supply & _BALANCE_MASK;
        if (amount > _BALANCE_MASK - supply) {
            revert SecurityTokenSupplyCapExceeded(Math.saturatingAdd(supply, amount), _BALANCE_MASK);
        }
    }

    /// @dev Checkpoints the supply for the current snapshot if needed, adds (`isMint`) or subtracts `amount`, and
    /// applies the counts' change.
    function _changeSupply(
        SecurityTokenStorage storage $,
        bool isMint,
        uint256 amount,
        uint256 snapshotId,
        uint256 counts
    ) private {
        uint256 word = $.supply;
        if ((word & _SUPPLY_SNAPSHOT_MASK) >> _SUPPLY_SNAPSHOT_SHIFT < snapshotId) {
            $.supplyCheckpoints.push(uint48(snapshotId), uint208(word & _BALANCE_MASK));
            word = (word & ~_SUPPLY_SNAPSHOT_MASK) | (snapshotId << _SUPPLY_SNAPSHOT_SHIFT);
        }
        unchecked {
            // A mint stays within 2^104 − 1 (`_requireSupplyRoom`); a burn takes at most a balance, itself at most
            // the supply; `counts` is the exact change of the counts (`_update`).
            $.supply = (isMint ? word + amount : word - amount) + counts;
        }
    }

    /// @dev Records `account`'s balance for snapshot `snapshotId` (its first change since that snapshot) and marks
    /// the word (W3).
    function _checkpointBalance(
        SecurityTokenStorage storage $,
        address account,
        uint256 word,
        uint256 snapshotId
    ) private returns (uint256) {
        $.balanceCheckpoints[account].push(uint48(snapshotId), uint208(word & _BALANCE_MASK));
        return (word & ~_LAST_SNAPSHOT_MASK) | (snapshotId << _LAST_SNAPSHOT_SHIFT);
    }

    /// @dev Whether a wallet other than `wallet`, cached with investor `index`, holds a balance. Index 0 (a wallet
    /// not registered when it started holding) is an investor of its own.
    function _otherWalletHolds(
        SecurityTokenStorage storage $,
        uint32 index,
        address wallet,
        Eligibility eligibility
    ) private view returns (bool) {
        if (index == 0) return false;
        // The registry's word for `wallet` (its current investor): when that investor is `index` and has this
        // wallet only, no sibling can hold.
        if (eligibility.investorIndex() == index && _isSoleWallet(eligibility)) return false;
        bytes32 investor = _identityRegistry.investorAt(index);
        if (investor == bytes32(0)) return false;
        address[] memory wallets = _identityRegistry.walletsOf(investor);
        for (uint256 i; i < wallets.length; ++i) {
            address other = wallets[i];
            if (other == wallet) continue;
            uint256 otherWord = $.accounts[other].word;
            if (otherWord & _BALANCE_MASK != 0 && uint32(otherWord >> _INDEX_SHIFT) == index) return true;
        }
        return false;
    }

    /// @dev Whether the investor of a registered wallet's eligibility `word` has that wallet only: lets the holder
    /// accounting skip the registry. Until the eligibility word carries the investor's wallet count, the answer
    /// is "not known" (false), and the registry is asked.
    function _isSoleWallet(Eligibility) private pure returns (bool) {
        return false;
    }

    /// @dev The token-level ERC-1404 code, in `_update`'s order.
    function _tokenRestriction(address from, address to, uint256 amount) private view returns (Restriction) {
        uint256 flags = HotFlagsLib.read();
        if (from != address(0) && flags & _FLAG_PAUSED != 0) return Restriction.TokenPaused;
        if (flags & _FLAG_STOPPED != 0) return Restriction.TransfersStopped;
        SecurityTokenStorage storage $ = _getSecurityTokenStorage();
        if (from != address(0)) {
            if ($.accounts[from].word & _FROZEN_BIT != 0) return Restriction.SenderFrozen;
        }
        if (to != address(0) && $.accounts[to].word & _FROZEN_BIT != 0) return Restriction.RecipientFrozen;
        if (from != address(0) && balanceOf(from) - getFrozenTokens(from) < amount) {
            return Restriction.InsufficientUnfrozenBalance;
        }
        return Restriction.None;
    }

    function _revertHalted(uint256 flags) private pure {
        if (flags & _FLAG_PAUSED != 0) revert SecurityTokenPaused();
        revert SecurityTokenTransfersStopped();
    }

    function _revertFrozen(address from, uint256 fromWord, address to) private pure {
        if (fromWord & _FROZEN_BIT != 0) revert SecurityTokenAddressFrozen(from);
        revert SecurityTokenAddressFrozen(to);
    }

    function _requireUnfrozen(
        SecurityTokenStorage storage $,
        address from,
        uint256 balance,
        uint256 amount
    ) private view {
        // frozen ≤ balance (T4).
        uint256 unfrozen = balance - $.frozenTokens[from];
        if (unfrozen < amount) revert SecurityTokenInsufficientUnfrozenBalance(from, unfrozen, amount);
    }

    function _spendAllowance(address owner, address spender, uint256 amount) private {
        mapping(address => uint256) storage allowances = _getSecurityTokenStorage().allowances[owner];
        uint256 current = allowances[spender];
        if (current == type(uint256).max) return;
        if (current < amount) revert ERC20InsufficientAllowance(spender, current, amount);
        unchecked {
            // amount ≤ current, checked above.
            allowances[spender] = current - amount;
        }
    }

    function _requireSnapshot(uint256 id) private view {
        uint256 current = currentSnapshotId();
        require(id != 0 && id <= current, SecurityTokenUnknownSnapshot(id, current));
    }

    /// @dev Agents act on holders: never on the zero address nor on the token's own escrow.
    function _requireHolderAddress(address account) private view {
        require(account != address(0) && account != address(this), SecurityTokenInvalidAddress(account));
    }

    function _requireSameLength(uint256 expected, uint256 actual) private pure {
        require(expected == actual, SecurityTokenLengthMismatch(expected, actual));
    }

    /// @dev Upgrades are restricted (ASSET_FACTORY in the product tables: the factory rolls them out).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    function _getSecurityTokenStorage() private pure returns (SecurityTokenStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
