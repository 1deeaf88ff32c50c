// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Roles} from "../../access/Roles.sol";
import {IAllianceAuthority} from "../../interfaces/access/IAllianceAuthority.sol";
import {ILoyaltyCredit} from "../../interfaces/tokens/ILoyaltyCredit.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title LoyaltyCredit
/// @notice A merchant's loyalty program: an ERC-20 whose credits expire in buckets. See `ILoyaltyCredit`.
/// @dev Launched by the AssetFactory (`issueLoyaltyProgram`, MERCHANT) as an ERC-1967 (UUPS) proxy registered with
/// the authority as a LoyaltyCredit asset whose ASSET_ISSUER is the launching merchant: the LoyaltyCredit product
/// table (config/roles.ts) guards it, the merchant's suspension ends its powers as it ends an issuer's, and the
/// factory's `rollOut` upgrades every program at once. The factory's `issue` path (an instrument, documents, a
/// compliance configuration) does not fit a loyalty program, hence its own launch function.
///
/// Storage (ERC-7201 `assetledger.storage.LoyaltyCredit`):
/// - `config`: `redeemed (128) | periodLength (32) | validity (32) | transferable (8) | latest period (24)`, one
///   word every operation reads once, and a redemption writes (its count beside the terms it read anyway);
/// - `issued`, the credits ever issued (written by issues only), and `merchant` (read by views only);
/// - per holder, two words of four 64-bit places, each a lane `period (23) | amount (40)`, sorted oldest first and
///   packed from place 0; bit 255 of the first word says the second holds buckets, so a holder with up to four
///   buckets costs one word. Expired lanes are dropped from the front whenever the holder's buckets are written.
///   Spending and merging work on the two words as one 512-bit sequence (shifts, no arrays);
/// - per period, the credits of that expiry still unredeemed (`remaining`), four 64-bit lanes per word, and the
///   credits issued with that expiry (`issuedIn`); `expired` and `outstanding` are derived from them.
///
/// Gas (test/tokens/loyalty/LoyaltyCredit.gas.test.ts, scripts/lib/loyaltyBench.ts; an OpenZeppelin ERC-20 transfer
/// to an existing holder is 34,311): a transfer across four buckets to a holder of one is ≈ 46.6 k (1.36 ×, within
/// the 1.5 × target): the proxy hop, the config word, one word per holder. A redemption across four buckets is
/// ≈ 63.6 k (1.85 ×), 1.08 × its floor of 58,696 (1.71 ×, so the 1.5 × target is below the floor): 21,584
/// intrinsic and calldata, 4,700 the proxy, 2,100 the participant flag, 2,100 the authority's address, 4,700 the
/// live suspension check (a cold call and its flag), 5,000 the config word (read for the period length, rewritten
/// with the redeemed count), 5,000 the holder's word, 5,000 per period word written (two here: four consecutive
/// periods share a word one time in four), 3,512 the two events. Those writes are what keeps breakage exact at
/// every instant without touching accounts. The hot loops work on the stack, write `_next` out and map periods to
/// words by shifts. Cheaper variants left out: the authority's address cached in the implementation (≈ 2 k), which a
/// proxy's `setAuthority` would outdate; the terms in the proxy's hot flags with the authority mirrored beside the
/// redeemed count (≈ 2 k), which would leave flags set in every deployed program (see HotFlagsLib).
contract LoyaltyCredit is ILoyaltyCredit, IERC20Errors, AccessManagedUpgradeable, UUPSUpgradeable {
    using SafeERC20 for IERC20;

    /// @dev The most live buckets a holder keeps.
    uint256 private constant _MAX_BUCKETS = 8;
    uint256 private constant _AMOUNT_BITS = 40;
    uint256 private constant _AMOUNT_MASK = (1 << 40) - 1;
    uint256 private constant _BUCKET_BITS = 64;
    /// @dev Where the fourth 64-bit place of a word starts (a literal: the optimizer leaves `3 * 64` a checked
    /// multiplication at run time).
    uint256 private constant _LAST_PLACE = 192;
    /// @dev A lane: `period (23) | amount (40)`; bit 63 of each 64-bit place is free, and bit 255 of a holder's
    /// first word flags that its second word holds buckets.
    uint256 private constant _LANE_BITS = (1 << 63) - 1;
    uint256 private constant _HI_FLAG = 1 << 255;
    uint256 private constant _MAX_PERIOD_INDEX = (1 << 23) - 1;
    uint256 private constant _LANES = 4;
    uint256 private constant _LANE_MASK = type(uint64).max;
    uint256 private constant _MIN_PERIOD = 1 hours;
    uint256 private constant _MAX_PERIOD = 365 days;
    uint256 private constant _MAX_VALIDITY = 10 * 365 days;
    /// @dev The most periods credits stay valid for: bounds the views that sum the live periods (`totalSupply`,
    /// `breakage`) to 512 period words.
    uint256 private constant _MAX_LIVE_PERIODS = 2_048;
    uint256 private constant _PERIOD_LENGTH_SHIFT = 128;
    uint256 private constant _VALIDITY_SHIFT = 160;
    uint256 private constant _TRANSFERABLE_SHIFT = 192;
    uint256 private constant _LATEST_SHIFT = 200;
    uint256 private constant _U32 = type(uint32).max;

    /// @custom:storage-location erc7201:assetledger.storage.LoyaltyCredit
    struct LoyaltyCreditStorage {
        uint256 config;
        uint256 issued;
        address merchant;
        mapping(address holder => uint256[2]) buckets;
        mapping(uint256 word => uint256) remaining;
        mapping(uint256 period => uint256) issuedIn;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        mapping(address merchant => bool) participants;
        string name;
        string symbol;
        uint8 decimals;
        CoinConversion coinConversion;
        /// @dev `window index << 128 | credits converted into the coin in it`.
        uint256 coinUsage;
    }

    /// @dev A holder's buckets (or spent pieces) as one sequence of eight 63-bit lanes `period (23) | amount (40)`,
    /// lanes 0–3 in `lo`, 4–7 in `hi`, oldest first, packed from lane 0; and the words as read from storage.
    struct Lanes {
        uint256 lo;
        uint256 hi;
        uint256 storedLo;
        uint256 storedHi;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.LoyaltyCredit")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_LOCATION = 0x74e6883f18481c3c9da919fd830f4bc668ebce2cf51981aaf82cebbe0342fb00;

    /// @dev The alliance's LoyaltyExchange, alone allowed to convert credits out and in.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _EXCHANGE;

    /// @param exchange The alliance's LoyaltyExchange.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address exchange) {
        _EXCHANGE = exchange;
        _disableInitializers();
    }

    /// @inheritdoc ILoyaltyCredit
    function initialize(address authority, ProgramTerms calldata terms_) external initializer {
        require(terms_.merchant != address(0), LoyaltyCreditInvalidMerchant(terms_.merchant));
        _checkTerms(terms_.periodLength, terms_.validity);
        __AccessManaged_init(authority);
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        $.merchant = terms_.merchant;
        $.config =
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
        uint256 period = _issue(to, amount);
        emit CreditsIssued(to, amount, period);
    }

    /* CONVERSION */

    /// @inheritdoc ILoyaltyCredit
    function convertOut(address customer, uint256 amount, address to) external {
        require(_msgSender() == _EXCHANGE, LoyaltyCreditOnlyExchange(_msgSender()));
        _burn(customer, amount);
        emit CreditsConvertedOut(customer, to, amount);
    }

    /// @inheritdoc ILoyaltyCredit
    function convertIn(address customer, uint256 amount, address from) external {
        require(_msgSender() == _EXCHANGE, LoyaltyCreditOnlyExchange(_msgSender()));
        uint256 period = _issue(customer, amount);
        emit CreditsConvertedIn(customer, from, amount, period);
    }

    /// @inheritdoc ILoyaltyCredit
    function convertToCoin(uint256 amount) external returns (uint256 out) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        CoinConversion memory conversion = $.coinConversion;
        require(conversion.coin != address(0), LoyaltyCreditNoCoinConversion());
        require(
            amount != 0 && amount <= conversion.perConversionCap,
            LoyaltyCreditInvalidCoinAmount(amount, conversion.perConversionCap)
        );
        out = (amount * conversion.numerator) / conversion.denominator;
        require(out != 0, LoyaltyCreditInvalidCoinAmount(amount, conversion.perConversionCap));
        uint256 window = block.timestamp / conversion.window;
        uint256 usage = $.coinUsage;
        uint256 used = usage >> 128 == window ? uint128(usage) : 0;
        require(
            used + amount <= conversion.perWindowCap,
            LoyaltyCreditCoinWindowCapExceeded(used, amount, conversion.perWindowCap)
        );
        IAllianceAuthority authority_ = IAllianceAuthority(authority());
        address payer = authority_.issuerOf(address(this));
        require(!authority_.isMemberSuspended(payer), LoyaltyCreditSuspendedMerchant(payer));
        $.coinUsage = (window << 128) | (used + amount);
        address customer = _msgSender();
        _burn(customer, amount);
        emit CreditsConvertedToCoin(customer, conversion.coin, payer, amount, out);
        // Last: the coin applies its own rules (the customer must be coin-eligible; the pool must cover `out`).
        IERC20(conversion.coin).safeTransferFrom(payer, customer, out);
    }

    /// @inheritdoc ILoyaltyCredit
    function setCoinConversion(CoinConversion calldata conversion) external restricted {
        require(
            conversion.coin == address(0) ||
                (conversion.coin.code.length != 0 &&
                    conversion.numerator != 0 &&
                    conversion.denominator != 0 &&
                    conversion.perConversionCap != 0 &&
                    conversion.perWindowCap != 0 &&
                    conversion.window >= _MIN_PERIOD),
            LoyaltyCreditInvalidCoinConversion()
        );
        _getLoyaltyCreditStorage().coinConversion = conversion;
        emit CoinConversionSet(conversion);
    }

    /* REDEMPTION */

    /// @inheritdoc ILoyaltyCredit
    function redeem(address merchant_, uint256 amount) external {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        require($.participants[merchant_], LoyaltyCreditNotParticipating(merchant_));
        require(
            !IAllianceAuthority(authority()).isMemberSuspended(merchant_),
            LoyaltyCreditSuspendedMerchant(merchant_)
        );
        address customer = _msgSender();
        _burn(customer, amount);
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
        Lanes memory held = _readLanes($, holder);
        _dropExpired(held, _currentPeriod($.config));
        for ((uint256 lo, uint256 hi) = (held.lo, held.hi); lo != 0; (lo, hi) = _next(lo, hi)) {
            balance += lo & _AMOUNT_MASK;
        }
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
        _setParticipant(merchant_, participating);
    }

    /// @inheritdoc ILoyaltyCredit
    function setParticipantByAlliance(address merchant_, bool participating) external restricted {
        _setParticipant(merchant_, participating);
    }

    function _setParticipant(address merchant_, bool participating) private {
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
    function coinConversion() external view returns (CoinConversion memory conversion, uint256 usedInWindow) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        conversion = $.coinConversion;
        if (conversion.coin == address(0)) return (conversion, 0);
        uint256 usage = $.coinUsage;
        usedInWindow = usage >> 128 == block.timestamp / conversion.window ? uint128(usage) : 0;
    }

    /// @inheritdoc ILoyaltyCredit
    function loyaltyExchange() external view returns (address) {
        return _EXCHANGE;
    }

    /// @inheritdoc ILoyaltyCredit
    function merchant() external view returns (address) {
        return _getLoyaltyCreditStorage().merchant;
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
                merchant: $.merchant,
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
        Lanes memory held = _readLanes($, holder);
        _dropExpired(held, _currentPeriod($.config));
        Bucket[] memory all = new Bucket[](_MAX_BUCKETS);
        uint256 count;
        for ((uint256 lo, uint256 hi) = (held.lo, held.hi); lo != 0; (lo, hi) = _next(lo, hi)) {
            all[count++] = Bucket({period: (lo & _LANE_BITS) >> _AMOUNT_BITS, amount: lo & _AMOUNT_MASK});
        }
        buckets = new Bucket[](count);
        for (uint256 i = 0; i < count; ++i) buckets[i] = all[i];
    }

    /// @inheritdoc ILoyaltyCredit
    function breakage() external view returns (Figures memory figures) {
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        figures.issued = $.issued;
        figures.redeemed = uint128($.config);
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

    /// @dev Issues `amount` credits to `to` expiring with the period `now + validity` falls in; returns it.
    function _issue(address to, uint256 amount) private returns (uint256 period) {
        require(to != address(0), ERC20InvalidReceiver(to));
        require(amount != 0 && amount <= _AMOUNT_MASK, LoyaltyCreditInvalidAmount(amount, _AMOUNT_MASK));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        uint256 periodLength = (config >> _PERIOD_LENGTH_SHIFT) & _U32;
        period = (block.timestamp + ((config >> _VALIDITY_SHIFT) & _U32)) / periodLength;
        require(period <= _MAX_PERIOD_INDEX, LoyaltyCreditPeriodOverflow(period));
        _addToPeriod($, period, amount);
        $.issuedIn[period] += amount;
        Lanes memory held = _readLanes($, to);
        _dropExpired(held, block.timestamp / periodLength);
        _merge($, held, to, (period << _AMOUNT_BITS) | amount, 0);
        _writeLanes($, to, held);
        $.issued += amount;
        if (period > config >> _LATEST_SHIFT) {
            $.config = (config & ((1 << _LATEST_SHIFT) - 1)) | (period << _LATEST_SHIFT);
        }
        emit Transfer(address(0), to, amount);
    }

    /// @dev Burns `amount` of `customer`'s oldest live credits, counted redeemed.
    function _burn(address customer, uint256 amount) private {
        require(amount != 0, LoyaltyCreditInvalidAmount(amount, _AMOUNT_MASK));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        (uint256 spentLo, uint256 spentHi) = _debit($, customer, _currentPeriod(config), amount);
        _subtractFromPeriods($, spentLo, spentHi);
        // `redeemed` (the config word's low 128 bits) never exceeds `issued`, which 2^40-credit issues cannot take
        // to 2^128: the addition stays in its field. Neither call above writes the config word.
        unchecked {
            $.config = config + amount;
        }
        emit Transfer(customer, address(0), amount);
    }

    /* INTERNAL: TRANSFERS */

    function _transfer(address from, address to, uint256 amount) private {
        require(from != address(0), ERC20InvalidSender(from));
        require(to != address(0), ERC20InvalidReceiver(to));
        LoyaltyCreditStorage storage $ = _getLoyaltyCreditStorage();
        uint256 config = $.config;
        require(_isTransferable(config), LoyaltyCreditNotTransferable(from, to));
        uint256 current = _currentPeriod(config);
        (uint256 spentLo, uint256 spentHi) = _debit($, from, current, amount);
        // Read after the sender's buckets are written, so a transfer to oneself puts the credits back.
        Lanes memory held = _readLanes($, to);
        _dropExpired(held, current);
        _merge($, held, to, spentLo, spentHi);
        _writeLanes($, to, held);
        emit Transfer(from, to, amount);
    }

    /* INTERNAL: BUCKETS */

    /// @dev Takes `amount` from `holder`'s oldest live buckets and writes them; returns what it took from each
    /// bucket, as lanes (oldest first). Reverts with `ERC20InsufficientBalance` above the live balance. Works on the
    /// stack (no `Lanes` in memory): it is on every redemption's and transfer's path.
    function _debit(
        LoyaltyCreditStorage storage $,
        address holder,
        uint256 current,
        uint256 amount
    ) private returns (uint256 spentLo, uint256 spentHi) {
        uint256[2] storage words = $.buckets[holder];
        uint256 lo = words[0];
        bool twoWords = lo & _HI_FLAG != 0;
        uint256 hi = twoWords ? words[1] : 0;
        (lo, hi, spentLo, spentHi) = _take(holder, lo & ~_HI_FLAG, hi, current, amount);
        words[0] = hi != 0 ? lo | _HI_FLAG : lo;
        // The second word was read (so is warm) iff it held buckets; a debit never fills an empty one.
        if (twoWords) words[1] = hi;
    }

    /// @dev Drops the expired lanes (periods up to `current`) from the front of `(lo, hi)`, then takes `amount`
    /// from the oldest; returns the lanes left and the lanes taken (oldest first).
    function _take(
        address holder,
        uint256 lo,
        uint256 hi,
        uint256 current,
        uint256 amount
    ) private pure returns (uint256, uint256, uint256 spentLo, uint256 spentHi) {
        while (lo != 0 && (lo & _LANE_BITS) >> _AMOUNT_BITS <= current) (lo, hi) = _next(lo, hi);
        uint256 left = amount;
        // `_next` written out in the loop: the optimizer does not inline it.
        // `shift` counts the 64-bit places taken, at most eight lanes (512 bits); `left` and the front lane's
        // amount only decrease by at most themselves; `amount - left` is what was taken so far.
        unchecked {
            for (uint256 shift = 0; left != 0; shift += _BUCKET_BITS) {
                uint256 lane = lo & _LANE_BITS;
                require(lane != 0, ERC20InsufficientBalance(holder, amount - left, amount));
                uint256 available = lane & _AMOUNT_MASK;
                if (available > left) {
                    // The front lane keeps `available - left`: its amount sits in the word's lowest bits.
                    lane = lane - available + left;
                    lo -= left;
                    left = 0;
                } else {
                    left -= available;
                    (lo, hi) = ((lo >> _BUCKET_BITS) | (hi << _LAST_PLACE), hi >> _BUCKET_BITS);
                }
                if (shift < 256) spentLo |= lane << shift;
                else spentHi |= lane << (shift - 256);
            }
        }
        return (lo, hi, spentLo, spentHi);
    }

    /// @dev Merges the sorted lanes `(piecesLo, piecesHi)` into `held` (`holder`'s live buckets, sorted): equal
    /// periods add up; past the eighth bucket every later one folds into the eighth, at its earlier expiry, and
    /// the period figures follow (`_redate`) — the same as merging the two latest buckets one insertion at a time.
    function _merge(
        LoyaltyCreditStorage storage $,
        Lanes memory held,
        address holder,
        uint256 piecesLo,
        uint256 piecesHi
    ) private {
        (uint256 lo, uint256 hi) = (held.lo, held.hi);
        (held.lo, held.hi) = (0, 0);
        uint256 count;
        uint256 eighth;
        while (true) {
            uint256 lane = lo & _LANE_BITS;
            uint256 piece = piecesLo & _LANE_BITS;
            if (lane == 0 && piece == 0) break;
            if (piece == 0 || (lane != 0 && lane >> _AMOUNT_BITS < piece >> _AMOUNT_BITS)) {
                (lo, hi) = _next(lo, hi);
            } else {
                (piecesLo, piecesHi) = _next(piecesLo, piecesHi);
                if (lane != 0 && lane >> _AMOUNT_BITS == piece >> _AMOUNT_BITS) {
                    lane = _added(holder, lane, piece & _AMOUNT_MASK);
                    (lo, hi) = _next(lo, hi);
                } else {
                    lane = piece;
                }
            }
            if (count < _MAX_BUCKETS - 1) {
                if (count < _LANES) held.lo |= lane << (count * _BUCKET_BITS);
                else held.hi |= lane << ((count - _LANES) * _BUCKET_BITS);
                ++count;
            } else if (count == _MAX_BUCKETS - 1) {
                eighth = lane;
                ++count;
            } else {
                eighth = _added(holder, eighth, lane & _AMOUNT_MASK);
                _redate($, holder, lane >> _AMOUNT_BITS, eighth >> _AMOUNT_BITS, lane & _AMOUNT_MASK);
            }
        }
        held.hi |= eighth << _LAST_PLACE;
    }

    /// @dev `lane` with `amount` more credits; reverts with `LoyaltyCreditBucketOverflow` above 2^40 − 1.
    function _added(address holder, uint256 lane, uint256 amount) private pure returns (uint256) {
        uint256 total = (lane & _AMOUNT_MASK) + amount;
        require(total <= _AMOUNT_MASK, LoyaltyCreditBucketOverflow(holder, lane >> _AMOUNT_BITS, total));
        return (lane & ~_AMOUNT_MASK) | total;
    }

    /* INTERNAL: LANES */

    /// @dev `holder`'s buckets as stored: the second word is read only when the first one's flag says it holds
    /// buckets.
    function _readLanes(LoyaltyCreditStorage storage $, address holder) private view returns (Lanes memory lanes) {
        uint256[2] storage words = $.buckets[holder];
        uint256 lo = words[0];
        lanes.storedLo = lo;
        if (lo & _HI_FLAG != 0) {
            lanes.hi = words[1];
            lanes.storedHi = lanes.hi;
            lo &= ~_HI_FLAG;
        }
        lanes.lo = lo;
    }

    /// @dev Writes the words of `lanes` that changed, the first with the flag when the second holds buckets.
    function _writeLanes(LoyaltyCreditStorage storage $, address holder, Lanes memory lanes) private {
        uint256[2] storage words = $.buckets[holder];
        uint256 lo = lanes.hi != 0 ? lanes.lo | _HI_FLAG : lanes.lo;
        if (lo != lanes.storedLo) words[0] = lo;
        if (lanes.hi != lanes.storedHi) words[1] = lanes.hi;
    }

    /// @dev Drops the expired buckets (periods up to `current`), a prefix since buckets are sorted.
    function _dropExpired(Lanes memory lanes, uint256 current) private pure {
        (uint256 lo, uint256 hi) = (lanes.lo, lanes.hi);
        while (lo != 0 && (lo & _LANE_BITS) >> _AMOUNT_BITS <= current) (lo, hi) = _next(lo, hi);
        (lanes.lo, lanes.hi) = (lo, hi);
    }

    /// @dev The lanes after the first: each moves one place to the front.
    function _next(uint256 lo, uint256 hi) private pure returns (uint256, uint256) {
        return ((lo >> _BUCKET_BITS) | (hi << _LAST_PLACE), hi >> _BUCKET_BITS);
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

    /// @dev Takes the `spent` lanes (oldest first, so a word's periods come together) from their periods'
    /// remaining credits, writing each period word once.
    function _subtractFromPeriods(LoyaltyCreditStorage storage $, uint256 spentLo, uint256 spentHi) private {
        uint256 key = type(uint256).max;
        uint256 word;
        // `_next` written out: the optimizer does not inline it.
        for (
            ;
            spentLo != 0;
            (spentLo, spentHi) = ((spentLo >> _BUCKET_BITS) | (spentHi << _LAST_PLACE), spentHi >> _BUCKET_BITS)
        ) {
            uint256 period = (spentLo & _LANE_BITS) >> _AMOUNT_BITS;
            // The period's word `period / 4` and place `(period % 4) * 64` as shifts: the optimizer leaves a
            // division by a constant a call to a checked helper.
            if (period >> 2 != key) {
                if (key != type(uint256).max) $.remaining[key] = word;
                key = period >> 2;
                word = $.remaining[key];
            }
            uint256 shift = (period & 3) << 6;
            uint256 spent = spentLo & _AMOUNT_MASK;
            // An invariant: a period's remaining credits cover every live bucket of that period (a panic is a bug).
            assert((word >> shift) & _LANE_MASK >= spent);
            // The period's lane holds at least `spent` (asserted just above): the subtraction stays in it.
            unchecked {
                word -= spent << shift;
            }
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
                validity <= _MAX_VALIDITY &&
                validity / periodLength <= _MAX_LIVE_PERIODS,
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
