// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAssetDirectory} from "../interfaces/access/IAssetDirectory.sol";
import {IGatewaySettlement} from "../interfaces/settlement/IGatewaySettlement.sol";
import {ISettlement} from "../interfaces/settlement/ISettlement.sol";
import {IHoldable} from "../interfaces/tokens/IHoldable.sol";
import {ProductType} from "../types/ProductType.sol";

/// @title GatewaySettlement
/// @notice Payment-gateway settlement (`IGatewaySettlement`): the seller's asset held in place until a
/// payment-gateway member confirms the off-chain payment (by transaction or signed receipt, in tranches) or the
/// trade fails or expires. A plain AccessManaged contract, client of the settlement engine's hold desk.
/// @dev Invariants G1–G6 are listed on `IGatewaySettlement`. Every external function is `nonReentrant` and
/// writes its state (status, settled, fee paid, nonce, tranche reference) before it calls the engine, so a token
/// calling back finds the trade already advanced. Holds expire at the trade's deadline: a confirmation is refused
/// from the deadline on by this contract before the token would refuse it.
contract GatewaySettlement is IGatewaySettlement, AccessManaged, EIP712, ReentrancyGuardTransient {
    /// @dev The EIP-712 type of a trade's terms; its struct hash is the trade's id.
    bytes32 private constant _TRADE_TYPEHASH = keccak256(
        "GatewayTrade(address token,address seller,address buyer,address gateway,uint256 quantity,"
        "bytes32 paymentRef,uint48 deadline,uint256 nonce,address feeCoin,address feePayer,address feeAccount,"
        "uint256 feeAmount)"
    );
    /// @dev The EIP-712 type of a gateway's receipt for one tranche.
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        "PaymentReceipt(bytes32 tradeId,uint256 quantity,bytes32 trancheRef)"
    );
    /// @dev Mixed into a trade's id to name its fee hold (distinct from the asset hold even in the same token).
    bytes32 private constant _FEE_HOLD_SALT = keccak256("AssetLedger.GatewaySettlement.feeHold");

    ISettlement private immutable _engine;

    mapping(bytes32 id => Trade) private _trades;
    /// @dev Unordered nonces: bit `nonce % 256` of word `nonce / 256`.
    mapping(address seller => mapping(uint256 word => uint256 bits)) private _nonces;
    mapping(address gateway => mapping(bytes32 trancheRef => bool)) private _tranches;

    /// @param initialAuthority The alliance authority (AccessManager).
    /// @param engine The settlement engine (`ISettlement`) whose hold desk holds and moves the units.
    constructor(
        address initialAuthority,
        address engine
    ) AccessManaged(initialAuthority) EIP712("AssetLedger Gateway Settlement", "1") {
        _engine = ISettlement(engine);
    }

    /* OPENING */

    /// @inheritdoc IGatewaySettlement
    function openTrade(
        TradeTerms calldata terms,
        bytes calldata sellerSignature,
        bytes calldata feePayerSignature
    ) external nonReentrant returns (bytes32 id) {
        _validate(terms);
        id = _tradeId(terms);
        bytes32 digest = _hashTypedDataV4(id);
        if (msg.sender != terms.seller) _requireSignature(terms.seller, digest, sellerSignature);
        bool hasFee = terms.feeAmount != 0;
        if (hasFee && terms.feePayer != terms.seller && terms.feePayer != msg.sender) {
            _requireSignature(terms.feePayer, digest, feePayerSignature);
        }
        _useNonce(terms.seller, terms.nonce);

        // Ids are unique: an id hashes its seller and nonce, and a nonce is used once (G4).
        _record(id, terms, hasFee);
        _engine.placeClientHold(terms.token, id, terms.seller, terms.quantity, terms.deadline);
        if (hasFee) {
            emit TradeFeeLegHeld(id, terms.feeCoin, terms.feePayer, terms.feeAccount, terms.feeAmount);
            _engine.placeClientHold(terms.feeCoin, _feeHoldKey(id), terms.feePayer, terms.feeAmount, terms.deadline);
        }
    }

    /// @inheritdoc IGatewaySettlement
    function cancelNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceCancelled(msg.sender, nonce);
    }

    /* CONFIRMATION */

    /// @inheritdoc IGatewaySettlement
    function confirmPayment(bytes32 id, uint256 quantity, bytes32 trancheRef) external restricted nonReentrant {
        Trade storage trade = _openTrade(id);
        require(msg.sender == trade.gateway, GatewaySettlementNotTradeGateway(id, msg.sender, trade.gateway));
        _confirm(id, trade, msg.sender, quantity, trancheRef);
    }

    /// @inheritdoc IGatewaySettlement
    function confirmPaymentWithReceipt(
        bytes32 id,
        uint256 quantity,
        bytes32 trancheRef,
        bytes calldata signature
    ) external nonReentrant {
        Trade storage trade = _openTrade(id);
        address gateway = trade.gateway;
        _requireSignature(gateway, _receiptDigest(id, quantity, trancheRef), signature);
        require(_canConfirm(gateway), GatewaySettlementNotGateway(gateway));
        _confirm(id, trade, gateway, quantity, trancheRef);
    }

    /* FAILURE AND EXPIRY */

    /// @inheritdoc IGatewaySettlement
    function reportFailure(bytes32 id, bytes32 reason) external restricted nonReentrant {
        Trade storage trade = _openTrade(id);
        require(msg.sender == trade.gateway, GatewaySettlementNotTradeGateway(id, msg.sender, trade.gateway));
        trade.status = TradeStatus.Failed;
        (uint256 released, uint256 feeReleased) = _heldFor(id, trade);
        emit TradeFailed(id, msg.sender, reason, released, feeReleased);
        _release(id, trade, released, feeReleased);
    }

    /// @inheritdoc IGatewaySettlement
    function expireTrade(bytes32 id) external nonReentrant {
        Trade storage trade = _openTrade(id);
        require(block.timestamp >= trade.deadline, GatewaySettlementDeadlineNotPassed(id, trade.deadline));
        trade.status = TradeStatus.Expired;
        (uint256 released, uint256 feeReleased) = _heldFor(id, trade);
        emit TradeExpired(id, msg.sender, released, feeReleased);
        _release(id, trade, released, feeReleased);
    }

    /* VIEWS */

    /// @inheritdoc IGatewaySettlement
    function tradeOf(bytes32 id) external view returns (Trade memory) {
        return _trades[id];
    }

    /// @inheritdoc IGatewaySettlement
    function statusOf(bytes32 id) external view returns (TradeStatus) {
        return _trades[id].status;
    }

    /// @inheritdoc IGatewaySettlement
    function remainingOf(bytes32 id) external view returns (uint256) {
        Trade storage trade = _trades[id];
        return trade.status == TradeStatus.Open ? trade.quantity - trade.settled : 0;
    }

    /// @inheritdoc IGatewaySettlement
    function tradeId(TradeTerms calldata terms) external pure returns (bytes32) {
        return _tradeId(terms);
    }

    /// @inheritdoc IGatewaySettlement
    function tradeDigest(TradeTerms calldata terms) external view returns (bytes32) {
        return _hashTypedDataV4(_tradeId(terms));
    }

    /// @inheritdoc IGatewaySettlement
    function receiptDigest(bytes32 id, uint256 quantity, bytes32 trancheRef) external view returns (bytes32) {
        return _receiptDigest(id, quantity, trancheRef);
    }

    /// @inheritdoc IGatewaySettlement
    function isNonceUsed(address seller, uint256 nonce) external view returns (bool) {
        return _nonces[seller][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IGatewaySettlement
    function isTrancheUsed(address gateway, bytes32 trancheRef) external view returns (bool) {
        return _tranches[gateway][trancheRef];
    }

    /// @inheritdoc IGatewaySettlement
    function holdIdsOf(bytes32 id) external view returns (bytes32 assetHoldId, bytes32 feeHoldId) {
        assetHoldId = _engine.clientHoldId(address(this), id);
        feeHoldId = _engine.clientHoldId(address(this), _feeHoldKey(id));
    }

    /// @inheritdoc IGatewaySettlement
    function settlementEngine() external view returns (address) {
        return address(_engine);
    }

    /* INTERNALS */

    /// @dev Refuses terms that could never settle, before anything is written.
    function _validate(TradeTerms calldata terms) private view {
        require(terms.token != address(0), GatewaySettlementInvalidToken(terms.token));
        require(
            terms.seller != address(0) && terms.buyer != address(0) && terms.seller != terms.buyer,
            GatewaySettlementInvalidParties(terms.seller, terms.buyer)
        );
        // A receipt market's quantity is a lot amount (`id << 128 | quantity`; `ICommodityReceipt`): the trade
        // counts its quantity, the hold its lot too. Any other asset's is a plain quantity below 2^128.
        require(
            uint128(terms.quantity) != 0 &&
                (terms.quantity >> 128 == 0 ||
                    (terms.quantity >> 192 == 0 &&
                        IAssetDirectory(authority()).productOf(terms.token) == ProductType.CommodityReceipt)),
            GatewaySettlementInvalidQuantity(terms.quantity)
        );
        require(terms.paymentRef != bytes32(0), GatewaySettlementInvalidReference(terms.paymentRef));
        require(terms.deadline > block.timestamp, GatewaySettlementInvalidDeadline(terms.deadline, block.timestamp));
        bool feeLeg = terms.feeAmount != 0;
        require(
            feeLeg
                ? terms.feeCoin != address(0) &&
                    terms.feePayer != address(0) &&
                    terms.feeAccount != address(0) &&
                    terms.feeAmount <= type(uint128).max
                : terms.feeCoin == address(0) && terms.feePayer == address(0) && terms.feeAccount == address(0),
            GatewaySettlementInvalidFee(terms.feeCoin, terms.feePayer, terms.feeAccount, terms.feeAmount)
        );
        // The fee leg is paid in a settlement coin, not in any asset the engine knows.
        require(
            !feeLeg || _engine.isCoin(terms.feeCoin),
            GatewaySettlementFeeCoinNotRegistered(terms.feeCoin, address(_engine))
        );
        require(_canConfirm(terms.gateway), GatewaySettlementNotGateway(terms.gateway));
    }

    /// @dev Writes trade `id` from `terms` (checked by `_validate`) and announces it.
    function _record(bytes32 id, TradeTerms calldata terms, bool hasFee) private {
        Trade storage trade = _trades[id];
        trade.token = terms.token;
        trade.deadline = terms.deadline;
        trade.status = TradeStatus.Open;
        trade.seller = terms.seller;
        trade.buyer = terms.buyer;
        trade.gateway = terms.gateway;
        // Both fit: `_validate` bounded them by 2^128 − 1 (a receipt's lot id, above, is the hold's to keep).
        trade.quantity = uint128(terms.quantity);
        trade.paymentRef = terms.paymentRef;
        if (hasFee) {
            trade.feeCoin = terms.feeCoin;
            trade.feePayer = terms.feePayer;
            trade.feeAccount = terms.feeAccount;
            trade.feeAmount = uint128(terms.feeAmount);
        }
        emit TradeOpened(
            id,
            terms.seller,
            terms.gateway,
            terms.buyer,
            terms.token,
            terms.quantity,
            terms.paymentRef,
            terms.deadline
        );
    }

    /// @dev The trade `id`, which must be open.
    function _openTrade(bytes32 id) private view returns (Trade storage trade) {
        trade = _trades[id];
        require(trade.status == TradeStatus.Open, GatewaySettlementTradeNotOpen(id, trade.status));
    }

    /// @dev One tranche of an open trade, confirmed by its gateway: bookkeeping first, then the engine moves the
    /// units from the hold to the buyer and the fee due from the fee hold to the fee account.
    function _confirm(bytes32 id, Trade storage trade, address gateway, uint256 quantity, bytes32 trancheRef) private {
        require(block.timestamp < trade.deadline, GatewaySettlementDeadlinePassed(id, trade.deadline));
        require(quantity != 0, GatewaySettlementInvalidQuantity(quantity));
        uint256 total = trade.quantity;
        uint256 settled = trade.settled;
        require(quantity <= total - settled, GatewaySettlementExceedsRemaining(id, total - settled, quantity));
        require(trancheRef != bytes32(0), GatewaySettlementInvalidReference(trancheRef));
        require(!_tranches[gateway][trancheRef], GatewaySettlementTrancheUsed(gateway, trancheRef));
        _tranches[gateway][trancheRef] = true;

        // Cannot overflow: quantity ≤ total − settled, so settled + quantity ≤ total < 2^128.
        settled += quantity;
        trade.settled = uint128(settled);
        uint256 feeAmount = trade.feeAmount;
        uint256 fee;
        if (feeAmount != 0) {
            // ⌊feeAmount × settled / total⌋ never decreases as settled grows and equals feeAmount at settled ==
            // total, so each tranche pays a non-negative share and the shares sum to the fee (G3). The product of
            // two numbers below 2^128 fits in 256 bits.
            uint256 feeDue = (feeAmount * settled) / total;
            fee = feeDue - trade.feePaid;
            trade.feePaid = uint128(feeDue);
        }
        bool completed = settled == total;
        if (completed) trade.status = TradeStatus.Completed;
        emit PaymentConfirmed(id, gateway, trancheRef, quantity, fee, total - settled, msg.sender);
        if (completed) emit TradeCompleted(id);

        _engine.executeClientHold(trade.token, id, trade.buyer, quantity);
        if (fee != 0) _engine.executeClientHold(trade.feeCoin, _feeHoldKey(id), trade.feeAccount, fee);
    }

    /// @dev What is still held for trade `id` on its tokens: the asset's and the fee's remaining amounts, zero for
    /// a hold no longer active (released on the token after its expiry, or cancelled by an officer).
    function _heldFor(bytes32 id, Trade storage trade) private view returns (uint256 held, uint256 feeHeld) {
        held = _activeAmount(trade.token, id);
        if (trade.feeAmount != 0) feeHeld = _activeAmount(trade.feeCoin, _feeHoldKey(id));
    }

    /// @dev Releases trade `id`'s holds that are still active (their amounts as `_heldFor` found them).
    function _release(bytes32 id, Trade storage trade, uint256 held, uint256 feeHeld) private {
        if (held != 0) _engine.releaseClientHold(trade.token, id);
        if (feeHeld != 0) _engine.releaseClientHold(trade.feeCoin, _feeHoldKey(id));
    }

    /// @dev The amount still held under this contract's hold `clientHoldId` on `token`, if the hold is active.
    function _activeAmount(address token, bytes32 clientHoldId) private view returns (uint256) {
        IHoldable.Hold memory hold = IHoldable(token).holdOf(_engine.clientHoldId(address(this), clientHoldId));
        return hold.status == IHoldable.HoldStatus.Active ? hold.amount : 0;
    }

    /// @dev Whether `gateway` may call `confirmPayment` now, as the authority answers (no execution delay).
    function _canConfirm(address gateway) private view returns (bool immediate) {
        (immediate, ) = IAccessManager(authority()).canCall(gateway, address(this), this.confirmPayment.selector);
    }

    /// @dev Marks `seller`'s `nonce` used; refuses a nonce used or cancelled before.
    function _useNonce(address seller, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 word = _nonces[seller][nonce >> 8];
        require(word & bit == 0, GatewaySettlementNonceUsed(seller, nonce));
        _nonces[seller][nonce >> 8] = word | bit;
    }

    /// @dev Refuses unless `signature` is `signer`'s over `digest` (ECDSA, or ERC-1271 for a contract).
    function _requireSignature(address signer, bytes32 digest, bytes calldata signature) private view {
        require(
            SignatureChecker.isValidSignatureNow(signer, digest, signature),
            GatewaySettlementInvalidSignature(signer, digest)
        );
    }

    /// @dev The EIP-712 struct hash of `terms`. Every field is a static 32-byte word, so the ABI encoding of the
    /// struct is the concatenation EIP-712's `encodeData` prescribes.
    function _tradeId(TradeTerms calldata terms) private pure returns (bytes32) {
        return keccak256(abi.encode(_TRADE_TYPEHASH, terms));
    }

    function _receiptDigest(bytes32 id, uint256 quantity, bytes32 trancheRef) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_RECEIPT_TYPEHASH, id, quantity, trancheRef)));
    }

    /// @dev This contract's hold id (before the engine namespaces it) for trade `id`'s fee leg.
    function _feeHoldKey(bytes32 id) private pure returns (bytes32) {
        return keccak256(abi.encode(id, _FEE_HOLD_SALT));
    }
}
