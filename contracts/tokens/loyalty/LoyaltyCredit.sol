// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Roles} from "../../access/Roles.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {ILoyaltyCredit} from "../../interfaces/tokens/ILoyaltyCredit.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title LoyaltyCredit
/// @notice A merchant's loyalty program: an ERC-20 whose credits expire in buckets. See `ILoyaltyCredit`.
/// @dev Issued by the AssetFactory (`issueLoyaltyProgram`) as an ERC-1967 (UUPS) proxy registered with the
/// authority as a LoyaltyCredit asset whose ASSET_ISSUER is the launching merchant: the LoyaltyCredit product table
/// guards it, and the merchant's suspension ends its powers as it ends an issuer's.
///
/// Storage (ERC-7201 `assetledger.storage.LoyaltyCredit`):
/// - `config`: `merchant (160) | periodLength (32) | validity (32) | transferable (8) | latest period (24)`, one
///   word that every operation reads once;
/// - `totals`: `issued (128) | redeemed (128)`;
/// - per holder, two words of four 64-bit buckets `period (24) | amount (40)`, sorted by period, oldest first,
///   packed from bucket 0 (the second word is read only when the first is full); expired buckets are dropped
///   from the front whenever the holder's buckets are written;
/// - per period, the credits of that expiry still unredeemed (`remaining`), four 64-bit lanes per word, so that
///   a redemption across consecutive periods writes one or two words; and per period the credits issued.
/// Gas: a spend across up to four buckets reads and writes one or two holder words, and a redemption also one
/// or two period words and the totals word.
contract LoyaltyCredit is ILoyaltyCredit, IERC20Errors, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @dev The most live buckets a holder keeps.
    uint256 private constant _MAX_BUCKETS = 8;
    uint256 private constant _AMOUNT_BITS = 40;
    uint256 private constant _AMOUNT_MASK = (1 << 40) - 1;
    uint256 private constant _BUCKET_BITS = 64;
    uint256 private constant _BUCKET_MASK = (1 << 64) - 1;
    uint256 private constant _LANES = 4;
    uint256 private constant _LANE_MASK = type(uint64).max;
    uint256 private constant _MIN_PERIOD = 1 hours;
    uint256 private constant _MAX_PERIOD = 365 days;
    uint256 private constant _MAX_VALIDITY = 10 * 365 days;
    uint256 private constant _PERIOD_LENGTH_SHIFT = 160;
    uint256 private constant _VALIDITY_SHIFT = 192;
    uint256 private constant _TRANSFERABLE_SHIFT = 224;
    uint256 private constant _LATEST_SHIFT = 232;
    uint256 private constant _U32 = type(uint32).max;

    /// @custom:storage-location erc7201:assetledger.storage.LoyaltyCredit
    struct LoyaltyCreditStorage {
        uint256 config;
        uint256 totals;
        mapping(address holder => uint256[2]) buckets;
        mapping(uint256 word => uint256) remaining;
        mapping(uint256 period => uint256) issuedIn;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        mapping(address merchant => bool) participants;
        string name;
        string symbol;
        uint8 decimals;
    }

    /// @dev A holder's live buckets in memory (one spare place for an insertion at the bound), and the two words
    /// as read, so that only changed words are written.
    struct Ring {
        uint256[9] buckets;
        uint256 count;
        uint256 word0;
        uint256 word1;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.LoyaltyCredit")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x74e6883f18481c3c9da919fd830f4bc668ebce2cf51981aaf82cebbe0342fb00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc ILoyaltyCredit
    function initialize(address authority, ProgramTerms calldata terms_) external initializer {
        require(terms_.merchant != address(0), LoyaltyCreditInvalidMerchant(terms_.merchant));
        _checkTerms(terms_.periodLength, terms_.validity);
        __AccessManaged_init(authority);
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        $.config =
            uint160(terms_.merchant) |
            (uint256(terms_.periodLength) << _PERIOD_LENGTH_SHIFT) |
            (uint256(terms_.validity) << _VALIDITY_SHIFT) |
            (uint256(terms_.transferable ? 1 : 0) << _TRANSFERABLE_SHIFT);
        $.name = terms_.name;
        $.symbol = terms_.symbol;
        $.decimals = terms_.decimals;
        emit ProgramLaunched(terms_.merchant, terms_.periodLength, terms_.validity, terms_.transferable);
    }

    /* ISSUANCE */

    /// @inheritdoc ILoyaltyCredit
    function issue(address to, uint256 amount) external restricted {
        require(to != address(0), ERC20InvalidReceiver(to));
        require(amount != 0 && amount <= _AMOUNT_MASK, LoyaltyCreditInvalidAmount(amount, _AMOUNT_MASK));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        uint256 periodLength = (config >> _PERIOD_LENGTH_SHIFT) & _U32;
        uint256 period = (block.timestamp + ((config >> _VALIDITY_SHIFT) & _U32)) / periodLength;
        Ring memory ring = _loadRing($, to, block.timestamp / periodLength);
        (uint256 from, uint256 into, uint256 moved) = _insert(ring, to, period, amount);
        _storeRing($, to, ring);
        _addToPeriod($, period, amount);
        $.issuedIn[period] += amount;
        if (moved != 0) _redate($, to, from, into, moved);
        // `issued` is the low half: a checked uint128 keeps it from spilling into `redeemed`.
        uint256 totals = $.totals;
        $.totals = (totals & ~uint256(type(uint128).max)) | uint128(uint128(totals) + amount);
        if (period > config >> _LATEST_SHIFT) {
            $.config = (config & ((1 << _LATEST_SHIFT) - 1)) | (period << _LATEST_SHIFT);
        }
        emit Transfer(address(0), to, amount);
        emit CreditsIssued(to, amount, period);
    }

    /* REDEMPTION */

    /// @inheritdoc ILoyaltyCredit
    function redeem(address merchant_, uint256 amount) external {
        require(amount != 0, LoyaltyCreditInvalidAmount(amount, _AMOUNT_MASK));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        require($.participants[merchant_], LoyaltyCreditNotParticipating(merchant_));
        require(
            !IAllianceAuthority(authority()).isMemberSuspended(merchant_),
            LoyaltyCreditSuspendedMerchant(merchant_)
        );
        address customer = _msgSender();
        Ring memory ring = _loadRing($, customer, _currentPeriod($.config));
        Ring memory spent = _spend(ring, customer, amount);
        _storeRing($, customer, ring);
        _subtractFromPeriods($, spent);
        // `redeemed` never exceeds `issued` (a uint128): the addition cannot overflow.
        unchecked {
            $.totals += amount << 128;
        }
        emit Transfer(customer, address(0), amount);
        emit CreditsRedeemed(customer, merchant_, amount);
    }

    /* ERC-20 */

    /// @inheritdoc ILoyaltyCredit
    function productType() external pure returns (ProductType) {
        return ProductType.LoyaltyCredit;
    }

    function name() external view returns (string memory) {
        return _getLoyaltyCreditStorage().name;
    }

    function symbol() external view returns (string memory) {
        return _getLoyaltyCreditStorage().symbol;
    }

    function decimals() external view returns (uint8) {
        return _getLoyaltyCreditStorage().decimals;
    }

    /// @notice The program's unexpired, unredeemed credits (`breakage().outstanding`).
    function totalSupply() external view returns (uint256) {
        return _outstanding(_getLoyaltyCreditStorage());
    }

    /// @notice `holder`'s unexpired credits.
    function balanceOf(address holder) public view returns (uint256 balance) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        Ring memory ring = _loadRing($, holder, _currentPeriod($.config));
        for (uint256 i = 0; i < ring.count; ++i) balance += ring.buckets[i] & _AMOUNT_MASK;
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _getLoyaltyCreditStorage().allowances[owner][spender];
    }

    function approve(address spender, uint256 value) external returns (bool) {
        address owner = _msgSender();
        require(spender != address(0), ERC20InvalidSpender(spender));
        _getLoyaltyCreditStorage().allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
        return true;
    }

    /// @notice Moves `amount` unexpired credits, oldest first, keeping their expiry; only if `transferable`.
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(_msgSender(), to, amount);
        return true;
    }

    /// @notice As `transfer`, from `from` within the caller's allowance (`type(uint256).max`: unlimited).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        address spender = _msgSender();
        uint256 allowed = $.allowances[from][spender];
        if (allowed != type(uint256).max) {
            require(allowed >= amount, ERC20InsufficientAllowance(spender, allowed, amount));
            // Checked just above.
            unchecked {
                $.allowances[from][spender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
        return true;
    }

    /* CONFIGURATION */

    /// @inheritdoc ILoyaltyCredit
    function setParticipant(address merchant_, bool participating) external restricted {
        require(merchant_ != address(0), LoyaltyCreditInvalidMerchant(merchant_));
        if (participating) {
            (bool isMerchant, ) = IAccessManager(authority()).hasRole(Roles.MERCHANT, merchant_);
            require(isMerchant, LoyaltyCreditNotMerchant(merchant_));
        }
        _getLoyaltyCreditStorage().participants[merchant_] = participating;
        emit ParticipantSet(merchant_, participating);
    }

    /// @inheritdoc ILoyaltyCredit
    function setTransferable(bool transferable) external restricted {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config & ~(uint256(0xff) << _TRANSFERABLE_SHIFT);
        $.config = config | (uint256(transferable ? 1 : 0) << _TRANSFERABLE_SHIFT);
        emit TransferabilitySet(transferable);
    }

    /// @inheritdoc ILoyaltyCredit
    function setValidity(uint32 validity) external restricted {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        _checkTerms(uint32(config >> _PERIOD_LENGTH_SHIFT), validity);
        $.config = (config & ~(_U32 << _VALIDITY_SHIFT)) | (uint256(validity) << _VALIDITY_SHIFT);
        emit ValiditySet(uint32(config >> _VALIDITY_SHIFT), validity);
    }

    /* VIEWS */

    /// @inheritdoc ILoyaltyCredit
    function merchant() external view returns (address) {
        return address(uint160(_getLoyaltyCreditStorage().config));
    }

    /// @inheritdoc ILoyaltyCredit
    function terms() external view returns (ProgramTerms memory) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        return
            ProgramTerms({
                name: $.name,
                symbol: $.symbol,
                decimals: $.decimals,
                merchant: address(uint160(config)),
                periodLength: uint32(config >> _PERIOD_LENGTH_SHIFT),
                validity: uint32(config >> _VALIDITY_SHIFT),
                transferable: _isTransferable(config)
            });
    }

    /// @inheritdoc ILoyaltyCredit
    function currentPeriod() external view returns (uint256) {
        return _currentPeriod(_getLoyaltyCreditStorage().config);
    }

    /// @inheritdoc ILoyaltyCredit
    function isParticipant(address merchant_) external view returns (bool) {
        return _getLoyaltyCreditStorage().participants[merchant_];
    }

    /// @inheritdoc ILoyaltyCredit
    function bucketsOf(address holder) external view returns (Bucket[] memory buckets) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        Ring memory ring = _loadRing($, holder, _currentPeriod($.config));
        buckets = new Bucket[](ring.count);
        for (uint256 i = 0; i < ring.count; ++i) {
            buckets[i] = Bucket({period: ring.buckets[i] >> _AMOUNT_BITS, amount: ring.buckets[i] & _AMOUNT_MASK});
        }
    }

    /// @inheritdoc ILoyaltyCredit
    function breakage() external view returns (Figures memory figures) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 totals = $.totals;
        figures.issued = uint128(totals);
        figures.redeemed = totals >> 128;
        figures.outstanding = _outstanding($);
        figures.expired = figures.issued - figures.redeemed - figures.outstanding;
    }

    /// @inheritdoc ILoyaltyCredit
    function periodFigures(uint256 period) external view returns (Figures memory figures) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        figures.issued = $.issuedIn[period];
        uint256 remaining = _remainingOf($, period);
        figures.redeemed = figures.issued - remaining;
        if (period <= _currentPeriod($.config)) figures.expired = remaining;
        else figures.outstanding = remaining;
    }

    /* INTERNAL: TRANSFERS */

    function _transfer(address from, address to, uint256 amount) private {
        require(from != address(0), ERC20InvalidSender(from));
        require(to != address(0), ERC20InvalidReceiver(to));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        require(_isTransferable(config), LoyaltyCreditNotTransferable(from, to));
        uint256 current = _currentPeriod(config);
        Ring memory ring = _loadRing($, from, current);
        Ring memory spent = _spend(ring, from, amount);
        _storeRing($, from, ring);
        // Loaded after the sender's buckets are written, so a transfer to oneself puts the credits back.
        Ring memory received = _loadRing($, to, current);
        for (uint256 i = 0; i < spent.count; ++i) {
            uint256 period = spent.buckets[i] >> _AMOUNT_BITS;
            (uint256 fromPeriod, uint256 into, uint256 moved) = _insert(
                received,
                to,
                period,
                spent.buckets[i] & _AMOUNT_MASK
            );
            if (moved != 0) _redate($, to, fromPeriod, into, moved);
        }
        _storeRing($, to, received);
        emit Transfer(from, to, amount);
    }

    /* INTERNAL: BUCKETS */

    /// @dev `holder`'s live buckets (those whose period is after `current`), oldest first.
    function _loadRing(
        LoyaltyCreditStorage storage $,
        address holder,
        uint256 current
    ) private view returns (Ring memory ring) {
        uint256[2] storage words = $.buckets[holder];
        ring.word0 = words[0];
        // Buckets are packed from place 0: the second word holds any only when the first is full.
        if (ring.word0 >> (3 * _BUCKET_BITS) != 0) ring.word1 = words[1];
        uint256 count;
        for (uint256 i = 0; i < _MAX_BUCKETS; ++i) {
            uint256 bucket = ((i < _LANES ? ring.word0 : ring.word1) >> ((i % _LANES) * _BUCKET_BITS)) & _BUCKET_MASK;
            if (bucket == 0) break;
            // Sorted oldest first: the expired buckets are a prefix, dropped here.
            if (bucket >> _AMOUNT_BITS <= current) continue;
            ring.buckets[count++] = bucket;
        }
        ring.count = count;
    }

    function _storeRing(LoyaltyCreditStorage storage $, address holder, Ring memory ring) private {
        uint256 word0;
        uint256 word1;
        for (uint256 i = 0; i < ring.count; ++i) {
            if (i < _LANES) word0 |= ring.buckets[i] << (i * _BUCKET_BITS);
            else word1 |= ring.buckets[i] << ((i - _LANES) * _BUCKET_BITS);
        }
        uint256[2] storage words = $.buckets[holder];
        if (word0 != ring.word0) words[0] = word0;
        if (word1 != ring.word1) words[1] = word1;
    }

    /// @dev Takes `amount` from the oldest buckets of `ring` (`holder`'s), and returns what it took from each, as
    /// buckets (oldest first).
    function _spend(Ring memory ring, address holder, uint256 amount) private pure returns (Ring memory spent) {
        uint256 left = amount;
        uint256 taken;
        while (left != 0 && taken < ring.count) {
            uint256 bucket = ring.buckets[taken];
            uint256 available = bucket & _AMOUNT_MASK;
            if (available > left) {
                // `left < available`: the bucket keeps `available - left`.
                unchecked {
                    ring.buckets[taken] = bucket - left;
                }
                spent.buckets[spent.count++] = (bucket & ~_AMOUNT_MASK) | left;
                left = 0;
            } else {
                spent.buckets[spent.count++] = bucket;
                // `available <= left`.
                unchecked {
                    left -= available;
                }
                ++taken;
            }
        }
        if (left != 0) {
            uint256 balance;
            for (uint256 i = 0; i < ring.count; ++i) balance += ring.buckets[i] & _AMOUNT_MASK;
            revert ERC20InsufficientBalance(holder, balance, amount);
        }
        if (taken != 0) {
            for (uint256 i = taken; i < ring.count; ++i) ring.buckets[i - taken] = ring.buckets[i];
            ring.count -= taken;
        }
    }

    /// @dev Adds `amount` credits of `period` to `ring` (`holder`'s). At the bound, the two latest-expiring
    /// buckets merge at the earlier expiry: returns the re-dating (`moved` credits of period `from` now expire
    /// with period `into`), `moved == 0` when none.
    function _insert(
        Ring memory ring,
        address holder,
        uint256 period,
        uint256 amount
    ) private pure returns (uint256 from, uint256 into, uint256 moved) {
        uint256 count = ring.count;
        uint256 place = 0;
        while (place < count && ring.buckets[place] >> _AMOUNT_BITS < period) ++place;
        if (place < count && ring.buckets[place] >> _AMOUNT_BITS == period) {
            uint256 total = (ring.buckets[place] & _AMOUNT_MASK) + amount;
            require(total <= _AMOUNT_MASK, LoyaltyCreditBucketOverflow(holder, period, total));
            ring.buckets[place] = (period << _AMOUNT_BITS) | total;
            return (0, 0, 0);
        }
        for (uint256 i = count; i > place; --i) ring.buckets[i] = ring.buckets[i - 1];
        ring.buckets[place] = (period << _AMOUNT_BITS) | amount;
        ++count;
        if (count > _MAX_BUCKETS) {
            uint256 last = ring.buckets[_MAX_BUCKETS];
            uint256 previous = ring.buckets[_MAX_BUCKETS - 1];
            from = last >> _AMOUNT_BITS;
            into = previous >> _AMOUNT_BITS;
            moved = last & _AMOUNT_MASK;
            uint256 total = (previous & _AMOUNT_MASK) + moved;
            require(total <= _AMOUNT_MASK, LoyaltyCreditBucketOverflow(holder, into, total));
            ring.buckets[_MAX_BUCKETS - 1] = (into << _AMOUNT_BITS) | total;
            ring.buckets[_MAX_BUCKETS] = 0;
            count = _MAX_BUCKETS;
        }
        ring.count = count;
    }

    /* INTERNAL: PERIOD FIGURES */

    /// @dev `moved` credits of `holder` move from period `from` to the earlier `into` (bucket bound).
    function _redate(
        LoyaltyCreditStorage storage $,
        address holder,
        uint256 from,
        uint256 into,
        uint256 moved
    ) private {
        _setRemaining($, from, _remainingOf($, from) - moved);
        _addToPeriod($, into, moved);
        $.issuedIn[from] -= moved;
        $.issuedIn[into] += moved;
        emit CreditsRedated(holder, from, into, moved);
    }

    function _addToPeriod(LoyaltyCreditStorage storage $, uint256 period, uint256 amount) private {
        uint256 total = _remainingOf($, period) + amount;
        require(total <= _LANE_MASK, LoyaltyCreditPeriodOverflow(period));
        _setRemaining($, period, total);
    }

    /// @dev Takes the `spent` buckets (oldest first, so a word's lanes come together) from their periods'
    /// remaining credits, writing each period word once.
    function _subtractFromPeriods(LoyaltyCreditStorage storage $, Ring memory spent) private {
        uint256 key = type(uint256).max;
        uint256 word;
        for (uint256 i = 0; i < spent.count; ++i) {
            uint256 period = spent.buckets[i] >> _AMOUNT_BITS;
            if (period / _LANES != key) {
                if (key != type(uint256).max) $.remaining[key] = word;
                key = period / _LANES;
                word = $.remaining[key];
            }
            uint256 shift = (period % _LANES) * _BUCKET_BITS;
            // Checked: a period's remaining credits cover every live bucket of that period.
            uint256 lane = ((word >> shift) & _LANE_MASK) - (spent.buckets[i] & _AMOUNT_MASK);
            word = (word & ~(_LANE_MASK << shift)) | (lane << shift);
        }
        if (key != type(uint256).max) $.remaining[key] = word;
    }

    function _remainingOf(LoyaltyCreditStorage storage $, uint256 period) private view returns (uint256) {
        return ($.remaining[period / _LANES] >> ((period % _LANES) * _BUCKET_BITS)) & _LANE_MASK;
    }

    function _setRemaining(LoyaltyCreditStorage storage $, uint256 period, uint256 value) private {
        uint256 shift = (period % _LANES) * _BUCKET_BITS;
        uint256 word = $.remaining[period / _LANES];
        $.remaining[period / _LANES] = (word & ~(_LANE_MASK << shift)) | (value << shift);
    }

    /// @dev The remaining credits of the periods not yet begun: at most `validity / periodLength + 1` periods
    /// (more only after `setValidity` shortened the validity), four per word.
    function _outstanding(LoyaltyCreditStorage storage $) private view returns (uint256 total) {
        uint256 config = $.config;
        uint256 latest = config >> _LATEST_SHIFT;
        for (uint256 period = _currentPeriod(config) + 1; period <= latest; ++period) {
            total += _remainingOf($, period);
        }
    }

    /* INTERNAL */

    function _checkTerms(uint32 periodLength, uint32 validity) private pure {
        require(
            periodLength >= _MIN_PERIOD &&
                periodLength <= _MAX_PERIOD &&
                validity >= periodLength &&
                validity <= _MAX_VALIDITY,
            LoyaltyCreditInvalidTerms(periodLength, validity)
        );
    }

    function _currentPeriod(uint256 config) private view returns (uint256) {
        return block.timestamp / ((config >> _PERIOD_LENGTH_SHIFT) & _U32);
    }

    function _isTransferable(uint256 config) private pure returns (bool) {
        return (config >> _TRANSFERABLE_SHIFT) & 0xff != 0;
    }

    /// @dev Upgrades: ASSET_FACTORY (the factory's `rollOut`), per the product table.
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}

    function _getLoyaltyCreditStorage() private pure returns (LoyaltyCreditStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _STORAGE_LOCATION
        }
    }
}
