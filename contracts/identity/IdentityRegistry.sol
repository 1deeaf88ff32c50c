// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Eligibility, EligibilityLib} from "../types/Eligibility.sol";
import {IEligibilityStore} from "../interfaces/identity/IEligibilityStore.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IEligibilityPublisher} from "../interfaces/identity/IEligibilityPublisher.sol";
import {SubscribersLib} from "../libraries/SubscribersLib.sol";
import {EligibilityStore} from "./EligibilityStore.sol";

/// @title IdentityRegistry
/// @notice Investors (opaque ids with a country, claims and an expiry) and their wallets, attested by KYC-provider
/// members. Each wallet's eligibility is packed in one word kept by an `EligibilityStore` this registry deploys
/// when initialized and alone writes, so the transfer hot path reads one slot of a plain contract.
/// @dev UUPS proxy behind the alliance authority; ERC-7201 namespaced storage. Wallet → investor is not stored
/// here: a wallet's word carries its investor's index, and `index → id` is kept here.
///
/// Every call that can make a wallet less eligible advances the store's epoch once, at its end, and emits
/// `EligibilityEpochAdvanced` (a batch advances it once, not once per item). Each wallet's word carries the
/// number of wallets its investor's index has ever had (I5), so adding or recovering a wallet rewrites the words of
/// the investor's other wallets (at most `_MAX_WALLETS_PER_INVESTOR - 1` writes); removing one does not.
/// Invariants (beyond those of `IIdentityRegistry`):
/// - R1: indexes start at 1, grow by one per registration and are never reused; `investorAt(i)` is 0 once the
///   investor with index `i` is removed.
/// - R2: `investorRecord(id).walletCount` equals `walletsOf(id).length`, at most `maxWalletsPerInvestor()`.
/// - R3: a wallet's store word is non-zero iff the wallet is in the wallet list of the investor its index names.
/// - R4: an investor's wallets fill positions `[0, walletCount)` of its list, in `walletsOf` order, each once.
/// - R5: every change to a registered investor (update, removal, wallets added, removed or recovered) is made by
///   its attesting provider (`investorRecord(id).provider`); the provider changes only by `confirmAttestation`
///   or `approveAttestation` of another provider's `requestAttestation`.
/// - R6: every change that can make a wallet less eligible reaches every subscriber (`IEligibilityPublisher`: the
///   settlement coins) in the same transaction: `syncHolders` with every wallet of a removed or updated investor,
///   the removed wallet, both wallets of a recovery; `syncBaselineClaims` when the baseline changes.
/// - R7: `departedWallets[i]` lists every wallet unlinked from index `i` (removed, recovered away, or with its
///   investor), in order; the words of index `i` carry `walletCount + departedWallets[i].length` (I5), at most
///   `_MAX_WALLETS_EVER`.
contract IdentityRegistry is IIdentityRegistry, IEligibilityPublisher, AccessManagedUpgradeable, UUPSUpgradeable {
    using SubscribersLib for address[];

    uint256 private constant _MAX_WALLETS_PER_INVESTOR = 16;
    /// @dev Wallets one index may ever have: bounds `walletHistoryOf`, which tokens scan at zero crossings.
    uint256 private constant _MAX_WALLETS_EVER = 32;
    uint16 private constant _MAX_COUNTRY = 999;

    /// @dev `IIdentityRegistry.Investor` as stored, reordered so that everything adding or removing a wallet reads
    /// (the fields of the eligibility word and the wallet count) shares one slot; the provider has the second.
    struct InvestorRecord {
        uint16 country;
        uint64 claims;
        uint48 expiry;
        uint32 index;
        uint32 walletCount;
        address provider;
    }

    /// @custom:storage-location erc7201:assetledger.storage.IdentityRegistry
    struct IdentityRegistryStorage {
        // The store and the counters share one slot: a registration reads and writes it once.
        IEligibilityStore store;
        uint32 lastIndex;
        uint32 investorCount;
        uint32 walletCount;
        mapping(bytes32 investor => InvestorRecord) investors;
        mapping(uint32 index => bytes32 investor) investorAt;
        // An investor's wallets in positions [0, walletCount) (R4); positions past the count are zero. Adding a
        // wallet writes one slot; removing one scans at most `_MAX_WALLETS_PER_INVESTOR` slots.
        mapping(bytes32 investor => address[_MAX_WALLETS_PER_INVESTOR]) wallets;
        // The eligibility subscribers (settlement coins) told of every less-eligible change (R6).
        address[] subscribers;
        // Appended (ERC-7201: new fields go last). The KYC provider asking to take over each investor's
        // attestation, zero when none (R5).
        mapping(bytes32 investor => address requester) attestationRequests;
        // R7. Appended (ERC-7201: new fields go last). Written only when a wallet is unlinked.
        mapping(uint32 index => address[]) departedWallets;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.IdentityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x91aee2b571cb031772be03fed41db50d3dacc74ac54237a574ecf9c705e8f800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializes the proxy: sets the authority and the baseline claims, and deploys the eligibility store
    /// this registry alone writes.
    /// @param initialAuthority The alliance authority (AccessManager).
    /// @param initialBaselineClaims The claims every verified investor must hold.
    function initialize(address initialAuthority, uint64 initialBaselineClaims) external initializer {
        __AccessManaged_init(initialAuthority);
        IdentityRegistryStorage storage $ = _getStorage();
        $.store = new EligibilityStore(address(this));
        _setBaselineClaims($, initialBaselineClaims);
    }

    /* INVESTORS */

    /// @inheritdoc IIdentityRegistry
    function registerInvestor(
        bytes32 investor,
        uint16 country,
        uint64 claims,
        uint48 expiry,
        address[] calldata wallets
    ) external restricted {
        _registerInvestor(_getStorage(), investor, country, claims, expiry, wallets);
    }

    /// @inheritdoc IIdentityRegistry
    function registerInvestors(InvestorInput[] calldata investors) external restricted {
        require(investors.length != 0, IdentityRegistryEmptyBatch());
        IdentityRegistryStorage storage $ = _getStorage();
        for (uint256 i; i < investors.length; ++i) {
            InvestorInput calldata input = investors[i];
            _registerInvestor($, input.investor, input.country, input.claims, input.expiry, input.wallets);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function updateInvestor(bytes32 investor, uint16 country, uint64 claims, uint48 expiry) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        _updateInvestor($, investor, country, claims, expiry);
        _advanceEpoch($);
    }

    /// @inheritdoc IIdentityRegistry
    function updateInvestors(
        bytes32[] calldata investors,
        uint16[] calldata countries,
        uint64[] calldata claims,
        uint48[] calldata expiries
    ) external restricted {
        uint256 length = investors.length;
        _requireSameLength(length, countries.length);
        _requireSameLength(length, claims.length);
        _requireSameLength(length, expiries.length);
        require(length != 0, IdentityRegistryEmptyBatch());
        IdentityRegistryStorage storage $ = _getStorage();
        for (uint256 i; i < length; ++i) {
            _updateInvestor($, investors[i], countries[i], claims[i], expiries[i]);
        }
        _advanceEpoch($);
    }

    /// @inheritdoc IIdentityRegistry
    function removeInvestor(bytes32 investor) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        _removeInvestor($, investor);
        _advanceEpoch($);
    }

    /// @inheritdoc IIdentityRegistry
    function removeInvestors(bytes32[] calldata investors) external restricted {
        require(investors.length != 0, IdentityRegistryEmptyBatch());
        IdentityRegistryStorage storage $ = _getStorage();
        for (uint256 i; i < investors.length; ++i) {
            _removeInvestor($, investors[i]);
        }
        _advanceEpoch($);
    }

    /* WALLETS */

    /// @inheritdoc IIdentityRegistry
    function addWallet(bytes32 investor, address wallet) external restricted {
        _addWallet(_getStorage(), investor, wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function addWallets(bytes32[] calldata investors, address[] calldata wallets) external restricted {
        _requireSameLength(investors.length, wallets.length);
        require(investors.length != 0, IdentityRegistryEmptyBatch());
        IdentityRegistryStorage storage $ = _getStorage();
        for (uint256 i; i < investors.length; ++i) {
            _addWallet($, investors[i], wallets[i]);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function removeWallet(address wallet) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        _removeWallet($, wallet);
        _advanceEpoch($);
    }

    /// @inheritdoc IIdentityRegistry
    function removeWallets(address[] calldata wallets) external restricted {
        require(wallets.length != 0, IdentityRegistryEmptyBatch());
        IdentityRegistryStorage storage $ = _getStorage();
        for (uint256 i; i < wallets.length; ++i) {
            _removeWallet($, wallets[i]);
        }
        _advanceEpoch($);
    }

    /// @inheritdoc IIdentityRegistry
    /// @dev The new wallet takes the lost one's position in the investor's wallet list: `walletsOf` keeps its
    /// order, with `newWallet` where `lostWallet` was. The lost wallet joins the index's history (R7), so every
    /// wallet's word is rewritten with the grown count (I5); the epoch advances (the lost wallet loses its
    /// eligibility).
    function recoverWallet(address lostWallet, address newWallet) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        IEligibilityStore store = $.store;
        Eligibility word = store.eligibilityOf(lostWallet);
        require(word.isRegistered(), IdentityRegistryUnknownWallet(lostWallet));
        _requireFreeWallet($, store, newWallet);

        uint32 index = word.investorIndex();
        bytes32 investor = $.investorAt[index];
        InvestorRecord storage record = $.investors[investor];
        _requireAttestingProvider(record, investor);
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        uint256 ever = _depart($, investor, index, record.walletCount, lostWallet) + 1;
        list[_positionOf(list, lostWallet)] = newWallet;
        store.write(lostWallet, Eligibility.wrap(0));
        emit WalletRecovered(investor, lostWallet, newWallet);
        // ever ≤ _MAX_WALLETS_EVER (checked by `_depart`) fits the word's byte.
        _writeWallets(
            store,
            list,
            record.walletCount,
            EligibilityLib.pack(index, record.country, record.claims, record.expiry, uint8(ever))
        );
        address[] memory recovered = new address[](2);
        (recovered[0], recovered[1]) = (lostWallet, newWallet);
        $.subscribers.notify(recovered);
        _advanceEpoch($);
    }

    /* ATTESTATION HANDOVER */

    /// @inheritdoc IIdentityRegistry
    function requestAttestation(bytes32 investor) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        InvestorRecord storage record = $.investors[investor];
        require(record.index != 0, IdentityRegistryUnknownInvestor(investor));
        address provider = record.provider;
        require(msg.sender != provider, IdentityRegistryAlreadyAttesting(investor, provider));
        $.attestationRequests[investor] = msg.sender;
        emit AttestationRequested(investor, provider, msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function confirmAttestation(bytes32 investor, address requester) external restricted {
        _transferAttestation(investor, requester);
    }

    /// @inheritdoc IIdentityRegistry
    function approveAttestation(bytes32 investor, address requester) external restricted {
        _transferAttestation(investor, requester);
    }

    /* POLICY */

    /// @inheritdoc IIdentityRegistry
    function setBaselineClaims(uint64 claims) external restricted {
        IdentityRegistryStorage storage $ = _getStorage();
        _setBaselineClaims($, claims);
        _advanceEpoch($);
        $.subscribers.notifyBaseline();
    }

    /* SUBSCRIBERS */

    /// @inheritdoc IEligibilityPublisher
    function addSubscriber(address subscriber) external restricted {
        _getStorage().subscribers.add(subscriber);
    }

    /// @inheritdoc IEligibilityPublisher
    function removeSubscriber(address subscriber) external restricted {
        _getStorage().subscribers.remove(subscriber);
    }

    /// @inheritdoc IEligibilityPublisher
    function subscribers() external view returns (address[] memory) {
        return _getStorage().subscribers;
    }

    /* VIEWS */

    /// @inheritdoc IIdentityRegistry
    function isVerified(address wallet) external view returns (bool) {
        IEligibilityStore store = _getStorage().store;
        return store.eligibilityOf(wallet).isVerified(store.baselineClaims(), block.timestamp);
    }

    /// @inheritdoc IIdentityRegistry
    function investorCountry(address wallet) external view returns (uint16) {
        return _getStorage().store.eligibilityOf(wallet).country();
    }

    /// @inheritdoc IIdentityRegistry
    function contains(address wallet) external view returns (bool) {
        return _getStorage().store.eligibilityOf(wallet).isRegistered();
    }

    /// @inheritdoc IIdentityRegistry
    function investorOf(address wallet) external view returns (bytes32) {
        IdentityRegistryStorage storage $ = _getStorage();
        return $.investorAt[$.store.eligibilityOf(wallet).investorIndex()];
    }

    /// @inheritdoc IIdentityRegistry
    function investorAt(uint32 index) external view returns (bytes32) {
        return _getStorage().investorAt[index];
    }

    /// @inheritdoc IIdentityRegistry
    function investorRecord(bytes32 investor) external view returns (Investor memory) {
        InvestorRecord storage record = _getStorage().investors[investor];
        return
            Investor({
                country: record.country,
                claims: record.claims,
                expiry: record.expiry,
                provider: record.provider,
                index: record.index,
                walletCount: record.walletCount
            });
    }

    /// @inheritdoc IIdentityRegistry
    function walletsOf(bytes32 investor) external view returns (address[] memory wallets) {
        IdentityRegistryStorage storage $ = _getStorage();
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        wallets = new address[]($.investors[investor].walletCount);
        for (uint256 i; i < wallets.length; ++i) {
            wallets[i] = list[i];
        }
    }

    /// @inheritdoc IIdentityRegistry
    function walletHistoryOf(uint32 index) external view returns (address[] memory wallets) {
        IdentityRegistryStorage storage $ = _getStorage();
        bytes32 investor = $.investorAt[index];
        // A removed investor's record and list are cleared (its wallets are all in its history, R7).
        uint256 current = investor == bytes32(0) ? 0 : $.investors[investor].walletCount;
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        address[] storage departed = $.departedWallets[index];
        wallets = new address[](current + departed.length);
        for (uint256 i; i < current; ++i) {
            wallets[i] = list[i];
        }
        for (uint256 i; i < departed.length; ++i) {
            wallets[current + i] = departed[i];
        }
    }

    /// @inheritdoc IIdentityRegistry
    function eligibilityOf(address wallet) external view returns (Eligibility) {
        return _getStorage().store.eligibilityOf(wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function baselineClaims() external view returns (uint64) {
        return _getStorage().store.baselineClaims();
    }

    /// @inheritdoc IIdentityRegistry
    function investorCount() external view returns (uint256) {
        return _getStorage().investorCount;
    }

    /// @inheritdoc IIdentityRegistry
    function walletCount() external view returns (uint256) {
        return _getStorage().walletCount;
    }

    /// @inheritdoc IIdentityRegistry
    function maxWalletsPerInvestor() external pure returns (uint256) {
        return _MAX_WALLETS_PER_INVESTOR;
    }

    /// @inheritdoc IIdentityRegistry
    function maxWalletsEverPerInvestor() external pure returns (uint256) {
        return _MAX_WALLETS_EVER;
    }

    /// @inheritdoc IIdentityRegistry
    function eligibilityEpoch() external view returns (uint64) {
        return _getStorage().store.epoch();
    }

    /// @inheritdoc IIdentityRegistry
    function eligibilityStore() external view returns (IEligibilityStore) {
        return _getStorage().store;
    }

    /// @inheritdoc IIdentityRegistry
    function attestationRequestOf(bytes32 investor) external view returns (address) {
        return _getStorage().attestationRequests[investor];
    }

    /* INTERNAL */

    function _registerInvestor(
        IdentityRegistryStorage storage $,
        bytes32 investor,
        uint16 country,
        uint64 claims,
        uint48 expiry,
        address[] calldata wallets
    ) private {
        require(investor != bytes32(0), IdentityRegistryInvalidInvestor(investor));
        require($.investors[investor].index == 0, IdentityRegistryInvestorExists(investor));
        _requireValidAttestation(country, expiry);
        uint256 count = wallets.length;
        require(
            count <= _MAX_WALLETS_PER_INVESTOR,
            IdentityRegistryTooManyWallets(investor, _MAX_WALLETS_PER_INVESTOR)
        );

        uint32 index = ++$.lastIndex;
        $.investorCount += 1;
        // Cannot truncate: count <= _MAX_WALLETS_PER_INVESTOR.
        $.walletCount += uint32(count);
        $.investorAt[index] = investor;
        $.investors[investor] = InvestorRecord({
            country: country,
            claims: claims,
            expiry: expiry,
            index: index,
            walletCount: uint32(count),
            provider: msg.sender
        });
        emit InvestorRegistered(investor, msg.sender, country, claims, expiry);

        IEligibilityStore store = $.store;
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        // Cannot truncate: count <= _MAX_WALLETS_PER_INVESTOR.
        Eligibility word = EligibilityLib.pack(index, country, claims, expiry, uint8(count));
        for (uint256 i; i < count; ++i) {
            address wallet = wallets[i];
            _linkWallet($, store, investor, wallet, word);
            list[i] = wallet;
        }
    }

    function _updateInvestor(
        IdentityRegistryStorage storage $,
        bytes32 investor,
        uint16 country,
        uint64 claims,
        uint48 expiry
    ) private {
        InvestorRecord storage record = $.investors[investor];
        uint32 index = record.index;
        require(index != 0, IdentityRegistryUnknownInvestor(investor));
        _requireAttestingProvider(record, investor);
        _requireValidAttestation(country, expiry);

        record.country = country;
        record.claims = claims;
        record.expiry = expiry;
        emit InvestorUpdated(investor, msg.sender, country, claims, expiry);

        uint32 count = record.walletCount;
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        // count + departed ≤ _MAX_WALLETS_EVER (R7) fits the word's byte.
        uint256 ever = count + $.departedWallets[index].length;
        _writeWallets($.store, list, count, EligibilityLib.pack(index, country, claims, expiry, uint8(ever)));
        // Fewer claims or an earlier expiry make the wallets less eligible: the subscribers re-read them all.
        if ($.subscribers.length != 0) {
            address[] memory updated = new address[](count);
            for (uint256 i; i < count; ++i) {
                updated[i] = list[i];
            }
            $.subscribers.notify(updated);
        }
    }

    function _removeInvestor(IdentityRegistryStorage storage $, bytes32 investor) private {
        InvestorRecord storage record = $.investors[investor];
        uint32 index = record.index;
        require(index != 0, IdentityRegistryUnknownInvestor(investor));
        _requireAttestingProvider(record, investor);

        IEligibilityStore store = $.store;
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        uint32 count = record.walletCount;
        address[] memory removed = new address[](count);
        address[] storage departed = $.departedWallets[index];
        for (uint256 i; i < count; ++i) {
            address wallet = list[i];
            delete list[i];
            // R7: the index keeps the wallet in its history (bounded by _MAX_WALLETS_EVER).
            departed.push(wallet);
            store.write(wallet, Eligibility.wrap(0));
            emit WalletRemoved(investor, wallet, msg.sender);
            removed[i] = wallet;
        }
        delete $.investors[investor];
        delete $.investorAt[index];
        // A pending handover request dies with the record (a re-registration starts afresh).
        delete $.attestationRequests[investor];
        $.investorCount -= 1;
        $.walletCount -= count;
        emit InvestorRemoved(investor, msg.sender);
        $.subscribers.notify(removed);
    }

    function _addWallet(IdentityRegistryStorage storage $, bytes32 investor, address wallet) private {
        InvestorRecord storage record = $.investors[investor];
        uint32 index = record.index;
        require(index != 0, IdentityRegistryUnknownInvestor(investor));
        _requireAttestingProvider(record, investor);
        uint32 count = record.walletCount;
        require(count < _MAX_WALLETS_PER_INVESTOR, IdentityRegistryTooManyWallets(investor, _MAX_WALLETS_PER_INVESTOR));

        // count < _MAX_WALLETS_PER_INVESTOR, so count + 1 fits the word's byte.
        uint32 newCount = count + 1;
        uint256 ever = newCount + $.departedWallets[index].length;
        require(ever <= _MAX_WALLETS_EVER, IdentityRegistryWalletHistoryFull(investor, _MAX_WALLETS_EVER));
        record.walletCount = newCount;
        $.walletCount += 1;
        IEligibilityStore store = $.store;
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        // ever ≤ _MAX_WALLETS_EVER fits the word's byte.
        Eligibility word = EligibilityLib.pack(index, record.country, record.claims, record.expiry, uint8(ever));
        _linkWallet($, store, investor, wallet, word);
        // The siblings' words carry the grown count (I5).
        _writeWallets(store, list, count, word);
        list[count] = wallet;
    }

    /// @dev Swap and pop: the last wallet of the list takes the removed one's position (as EnumerableSet does).
    /// The wallet joins the index's history (R7); the count the words carry does not change (I5), so no other word
    /// is rewritten.
    function _removeWallet(IdentityRegistryStorage storage $, address wallet) private {
        IEligibilityStore store = $.store;
        Eligibility word = store.eligibilityOf(wallet);
        require(word.isRegistered(), IdentityRegistryUnknownWallet(wallet));

        bytes32 investor = $.investorAt[word.investorIndex()];
        InvestorRecord storage record = $.investors[investor];
        _requireAttestingProvider(record, investor);
        // Always room: the wallet was counted in the index's history when it was linked.
        $.departedWallets[word.investorIndex()].push(wallet);
        address[_MAX_WALLETS_PER_INVESTOR] storage list = $.wallets[investor];
        // Cannot underflow: the list holds `wallet` (R3), so the count is at least 1 (R4).
        uint32 last = record.walletCount - 1;
        uint256 position = _positionOf(list, wallet);
        if (position != last) {
            list[position] = list[last];
        }
        delete list[last];
        record.walletCount = last;
        $.walletCount -= 1;
        store.write(wallet, Eligibility.wrap(0));
        emit WalletRemoved(investor, wallet, msg.sender);
        $.subscribers.notify(wallet);
    }

    /// @dev Records `wallet`, about to be unlinked from `investor` (index `index`, `count` current wallets) by a
    /// recovery that links a new one, in the index's history (R7); returns the wallets the index has had so far.
    /// Reverts when the recovery would take the index beyond `_MAX_WALLETS_EVER`.
    function _depart(
        IdentityRegistryStorage storage $,
        bytes32 investor,
        uint32 index,
        uint256 count,
        address wallet
    ) private returns (uint256 ever) {
        address[] storage departed = $.departedWallets[index];
        ever = count + departed.length;
        require(ever < _MAX_WALLETS_EVER, IdentityRegistryWalletHistoryFull(investor, _MAX_WALLETS_EVER));
        departed.push(wallet);
    }

    /// @dev Checks `wallet` is free and writes its word. The caller puts it in the list and updates the counters.
    function _linkWallet(
        IdentityRegistryStorage storage $,
        IEligibilityStore store,
        bytes32 investor,
        address wallet,
        Eligibility word
    ) private {
        _requireFreeWallet($, store, wallet);
        store.write(wallet, word);
        emit WalletAdded(investor, wallet, msg.sender);
    }

    /// @dev The position of `wallet` in `list`, which must hold it (R3). The scan reads at most
    /// `_MAX_WALLETS_PER_INVESTOR` slots: were R3 ever broken, the array's bounds check would stop it with a panic.
    function _positionOf(
        address[_MAX_WALLETS_PER_INVESTOR] storage list,
        address wallet
    ) private view returns (uint256 position) {
        while (list[position] != wallet) {
            ++position;
        }
    }

    /// @dev Writes `word` to the first `count` wallets of `list`.
    function _writeWallets(
        IEligibilityStore store,
        address[_MAX_WALLETS_PER_INVESTOR] storage list,
        uint256 count,
        Eligibility word
    ) private {
        for (uint256 i; i < count; ++i) {
            store.write(list[i], word);
        }
    }

    /// @dev Advances the store's epoch: called once at the end of every call that can make a wallet less eligible.
    function _advanceEpoch(IdentityRegistryStorage storage $) private {
        emit EligibilityEpochAdvanced($.store.advanceEpoch());
    }

    function _setBaselineClaims(IdentityRegistryStorage storage $, uint64 claims) private {
        $.store.setBaselineClaims(claims);
        emit BaselineClaimsSet(claims);
    }

    /// @dev Reverts unless `wallet` is non-zero and belongs to no investor.
    function _requireFreeWallet(
        IdentityRegistryStorage storage $,
        IEligibilityStore store,
        address wallet
    ) private view {
        require(wallet != address(0), IdentityRegistryInvalidWallet(wallet));
        Eligibility current = store.eligibilityOf(wallet);
        // `if`, not `require`: the owner's id is read from storage only when the check fails.
        if (current.isRegistered()) {
            revert IdentityRegistryWalletTaken(wallet, $.investorAt[current.investorIndex()]);
        }
    }

    /// @dev R5: only the investor's attesting provider changes a registered investor.
    function _requireAttestingProvider(InvestorRecord storage record, bytes32 investor) private view {
        address provider = record.provider;
        require(msg.sender == provider, IdentityRegistryNotAttestingProvider(investor, provider, msg.sender));
    }

    /// @dev Makes `requester`, whose request is pending, `investor`'s attesting provider, on the confirmation of
    /// the caller (another KYC provider, or the regulator).
    function _transferAttestation(bytes32 investor, address requester) private {
        IdentityRegistryStorage storage $ = _getStorage();
        InvestorRecord storage record = $.investors[investor];
        require(record.index != 0, IdentityRegistryUnknownInvestor(investor));
        require(
            requester != address(0) && $.attestationRequests[investor] == requester,
            IdentityRegistryNoAttestationRequest(investor, requester)
        );
        require(msg.sender != requester, IdentityRegistrySelfConfirmation(investor, requester));
        delete $.attestationRequests[investor];
        address previous = record.provider;
        record.provider = requester;
        emit AttestationTransferred(investor, previous, requester, msg.sender);
    }

    function _requireValidAttestation(uint16 country, uint48 expiry) private view {
        require(country != 0 && country <= _MAX_COUNTRY, IdentityRegistryInvalidCountry(country));
        require(expiry > block.timestamp, IdentityRegistryInvalidExpiry(expiry, block.timestamp));
    }

    function _requireSameLength(uint256 expected, uint256 actual) private pure {
        require(expected == actual, IdentityRegistryLengthMismatch(expected, actual));
    }

    /* UPGRADES */

    /// @dev Only the authority's UPGRADER role (with its execution delay) may upgrade.
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    /* STORAGE */

    function _getStorage() private pure returns (IdentityRegistryStorage storage $) {
        // The one assembly block: Solidity can bind a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
