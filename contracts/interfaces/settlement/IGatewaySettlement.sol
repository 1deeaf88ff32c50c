// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IGatewaySettlement
/// @notice Payment-gateway settlement: the asset on chain, the money off chain. A seller's asset — a security or a
/// coin, any holdable asset registered with the settlement engine — is held in place for a trade that names a
/// payment-gateway member, the buyer, a quantity, an off-chain payment reference (the hash of an ISO 20022
/// end-to-end id), a deadline and a nonce, and optionally a fee leg in a settlement coin. The gateway confirms the
/// buyer's payment — by a transaction (`confirmPayment`) or by an EIP-712 receipt anyone may submit
/// (`confirmPaymentWithReceipt`) — in one or several tranches, and each tranche's units go from the hold to the
/// buyer. The gateway reports a failure (`reportFailure`), or the deadline passes (`expireTrade`, anyone), and what
/// remains held goes back to the seller's available balance.
///
/// The contract is a client of the engine's hold desk (`ISettlement.placeClientHold`, `executeClientHold`,
/// `releaseClientHold`; it holds the SETTLEMENT_CLIENT role): holds stay in the tokens, which stay the register,
/// and this contract never holds an asset. Each token's own checks apply when a tranche moves (pause, freezes, the
/// buyer's eligibility, the compliance pipeline).
///
/// Opening. The seller opens a trade itself, or anyone opens it with the seller's EIP-712 signature (ECDSA, or
/// ERC-1271 for a contract wallet). A trade's id is the EIP-712 struct hash of its terms, so nothing in them —
/// the buyer above all — can change after opening; the nonce is an unordered nonce of the seller (`cancelNonce`
/// withdraws a signature not yet used). The gateway named must be able to call `confirmPayment` when the trade
/// opens and whenever it confirms.
///
/// Fee leg. `feeAmount` units of `feeCoin` (a settlement coin registered in the engine, `ISettlement.isCoin`;
/// checked when the trade opens) go from `feePayer` to `feeAccount`, PRO RATA to the tranches confirmed:
/// after each tranche the fee paid is ⌊feeAmount × settled / quantity⌋ (so the last tranche pays the rounding
/// remainder and a completed trade pays exactly `feeAmount`); a failure or expiry releases the unpaid rest. The
/// fee is HELD from the payer when the trade opens, like the asset, so that nobody — the seller least of all when
/// it pays the fee — can make the buyer's delivery fail by emptying the payer's coin balance after the buyer paid.
/// The payer consents by being the seller, the caller, or by signing the same trade. A tranche and its fee share
/// move in one transaction: when the fee leg cannot move (the coin paused, the fee account frozen) the
/// confirmation reverts with the coin's error, and the gateway retries once it can.
///
/// Tranches. Each confirmation names a quantity and a tranche reference (the hash of that payment's end-to-end
/// id). A gateway's tranche reference confirms one tranche, ever, across all of its trades (one payment is never
/// counted twice); that is also what makes a receipt single-use. Tranches sum to at most the quantity; the trade
/// completes when they sum to it. Confirmations are accepted while `block.timestamp < deadline`; expiry from
/// `block.timestamp >= deadline`. The engine's holds expire at the deadline too, so the tokens let anyone release
/// them afterwards even without this contract; closing a trade whose hold is no longer active (released on the
/// token after its expiry, or cancelled by an officer) releases nothing and still closes it.
///
/// EIP-712 domain: name "AssetLedger Gateway Settlement", version "1", this chain, this contract. Types (exact
/// strings; a trade's id is the struct hash of `GatewayTrade`):
///   GatewayTrade(address token,address seller,address buyer,address gateway,uint256 quantity,bytes32 paymentRef,
///     uint48 deadline,uint256 nonce,address feeCoin,address feePayer,address feeAccount,uint256 feeAmount)
///   PaymentReceipt(bytes32 tradeId,uint256 quantity,bytes32 trancheRef)
/// (`GatewayTrade` is one line, without the break shown here.) Without a fee leg the four fee fields are zero.
/// @dev Invariants (each tested):
/// - G1: a trade leaves `Open` exactly once — `Completed` (tranches sum to the quantity), `Failed` or `Expired` —
///   and nothing is confirmed, failed, expired or released after.
/// - G2: `settled ≤ quantity`; the buyer received exactly `settled` units through the trade's hold; while `Open`
///   the hold keeps `quantity − settled` (unless an officer cancelled it); once closed, nothing is held for it.
/// - G3: the fee paid is ⌊feeAmount × settled / quantity⌋ and equals `feeAmount` once `Completed`; the rest of the
///   fee hold is released when the trade fails or expires.
/// - G4: a (seller, nonce) opens at most one trade; a (gateway, tranche reference) confirms at most one tranche.
/// - G5: only the trade's own gateway confirms or fails it, and only while the authority lets it call
///   `confirmPayment` (a suspended member cannot); the seller, buyer, token, quantity and fee are those it opened
///   with.
/// - G6: the contract holds no asset between transactions: every unit stays in the token, held or moved.
interface IGatewaySettlement {
    /// @notice A trade's state. `None`: never opened.
    enum TradeStatus {
        None,
        Open,
        Completed,
        Failed,
        Expired
    }

    /// @notice What the seller agrees to (the EIP-712 `GatewayTrade`).
    /// @param token The asset sold: a holdable asset registered with the settlement engine.
    /// @param seller Whose units are held and delivered.
    /// @param buyer Who receives the units, fixed for good.
    /// @param gateway The payment-gateway member that confirms or fails the payment.
    /// @param quantity The units sold (≤ 2^128 − 1); for a commodity receipt market, a lot amount `id << 128 |
    /// quantity` (`ICommodityReceipt`): the lot is held, the trade and its tranches count the quantity.
    /// @param paymentRef The hash of the off-chain payment's ISO 20022 end-to-end id (not zero).
    /// @param deadline Confirmations are accepted before this time; from it on, anyone may expire the trade.
    /// @param nonce An unordered nonce of the seller.
    /// @param feeCoin The settlement coin of the fee leg (zero: no fee leg).
    /// @param feePayer Who pays the fee.
    /// @param feeAccount Who receives the fee.
    /// @param feeAmount The whole fee (≤ 2^128 − 1; zero: no fee leg).
    struct TradeTerms {
        address token;
        address seller;
        address buyer;
        address gateway;
        uint256 quantity;
        bytes32 paymentRef;
        uint48 deadline;
        uint256 nonce;
        address feeCoin;
        address feePayer;
        address feeAccount;
        uint256 feeAmount;
    }

    /// @notice A trade as it stands: its terms, how many units were confirmed (`settled`) and how much of the fee
    /// was paid (`feePaid`).
    struct Trade {
        address token;
        uint48 deadline;
        TradeStatus status;
        address seller;
        address buyer;
        address gateway;
        uint128 quantity;
        uint128 settled;
        bytes32 paymentRef;
        address feeCoin;
        address feePayer;
        address feeAccount;
        uint128 feeAmount;
        uint128 feePaid;
    }

    /// @notice Trade `id` opened: `quantity` of `seller`'s `token` held for `buyer` until `deadline`, payment
    /// `paymentRef` to be confirmed by `gateway`.
    event TradeOpened(
        bytes32 indexed id,
        address indexed seller,
        address indexed gateway,
        address buyer,
        address token,
        uint256 quantity,
        bytes32 paymentRef,
        uint48 deadline
    );
    /// @notice Trade `id`'s fee leg: `amount` of `coin` held from `payer` for `account`.
    event TradeFeeLegHeld(
        bytes32 indexed id,
        address indexed coin,
        address indexed payer,
        address account,
        uint256 amount
    );
    /// @notice `gateway` confirmed tranche `trancheRef` of trade `id`: `quantity` units went to the buyer and `fee`
    /// to the fee account; `remaining` units stay held. `submitter` sent the transaction (the gateway itself, or
    /// whoever submitted its receipt).
    event PaymentConfirmed(
        bytes32 indexed id,
        address indexed gateway,
        bytes32 indexed trancheRef,
        uint256 quantity,
        uint256 fee,
        uint256 remaining,
        address submitter
    );
    /// @notice Trade `id`'s tranches sum to its quantity: it is settled.
    event TradeCompleted(bytes32 indexed id);
    /// @notice `gateway` reported trade `id`'s payment failed for `reason`; `released` units and `feeReleased` of
    /// the fee went back to the seller and the fee payer.
    event TradeFailed(
        bytes32 indexed id,
        address indexed gateway,
        bytes32 reason,
        uint256 released,
        uint256 feeReleased
    );
    /// @notice Trade `id`'s deadline passed; `by` closed it and `released` units and `feeReleased` of the fee went
    /// back to the seller and the fee payer.
    event TradeExpired(bytes32 indexed id, address indexed by, uint256 released, uint256 feeReleased);
    /// @notice `seller` withdrew `nonce`: no trade can be opened with it.
    event NonceCancelled(address indexed seller, uint256 nonce);

    /// @notice The trade names a zero token.
    error GatewaySettlementInvalidToken(address token);
    /// @notice A zero seller or buyer, or a seller trading with itself.
    error GatewaySettlementInvalidParties(address seller, address buyer);
    /// @notice A zero quantity, or one above 2^128 − 1 (for a receipt market: a lot amount with a zero quantity or
    /// a lot id above 2^64 − 1).
    error GatewaySettlementInvalidQuantity(uint256 quantity);
    /// @notice A zero payment or tranche reference.
    error GatewaySettlementInvalidReference(bytes32 ref);
    /// @notice The deadline is not after `currentTime`, the block's time.
    error GatewaySettlementInvalidDeadline(uint48 deadline, uint256 currentTime);
    /// @notice A fee leg with a zero coin, payer or account, a fee above 2^128 − 1, or fee fields without a fee.
    error GatewaySettlementInvalidFee(address coin, address payer, address account, uint256 amount);
    /// @notice The fee leg's `coin` is not a settlement coin registered in `engine` (`ISettlement.isCoin`).
    error GatewaySettlementFeeCoinNotRegistered(address coin, address engine);
    /// @notice `gateway` cannot call `confirmPayment` now (no PAYMENT_GATEWAY, or a suspended member).
    error GatewaySettlementNotGateway(address gateway);
    /// @notice `seller`'s `nonce` was used or cancelled.
    error GatewaySettlementNonceUsed(address seller, uint256 nonce);
    /// @notice `signature` is not `signer`'s (ECDSA or ERC-1271) over `digest`.
    error GatewaySettlementInvalidSignature(address signer, bytes32 digest);
    /// @notice Trade `id` is not open (`None`: never opened).
    error GatewaySettlementTradeNotOpen(bytes32 id, TradeStatus status);
    /// @notice Trade `id`'s deadline passed: it can only be expired or failed.
    error GatewaySettlementDeadlinePassed(bytes32 id, uint48 deadline);
    /// @notice Trade `id`'s deadline has not passed yet.
    error GatewaySettlementDeadlineNotPassed(bytes32 id, uint48 deadline);
    /// @notice `caller` is not trade `id`'s gateway (`gateway`).
    error GatewaySettlementNotTradeGateway(bytes32 id, address caller, address gateway);
    /// @notice A tranche of `quantity` exceeds the `remaining` units of trade `id`.
    error GatewaySettlementExceedsRemaining(bytes32 id, uint256 remaining, uint256 quantity);
    /// @notice `gateway` already confirmed a tranche with `trancheRef`.
    error GatewaySettlementTrancheUsed(address gateway, bytes32 trancheRef);

    /// @notice Opens a trade: holds `terms.quantity` of the seller's `terms.token` (and the fee from its payer)
    /// until `terms.deadline` through the engine. Reverts with the token's error when a hold cannot be placed
    /// (available balance short, frozen holder, paused token) and the engine's when the token is not registered;
    /// with `GatewaySettlementFeeCoinNotRegistered` when the fee coin is not a settlement coin of the engine.
    /// @param terms The trade.
    /// @param sellerSignature The seller's EIP-712 signature over `terms`; ignored (may be empty) when the seller
    /// is the caller.
    /// @param feePayerSignature The fee payer's signature over `terms`; ignored when there is no fee leg or the
    /// payer is the seller or the caller.
    /// @return id The trade's id (`tradeId(terms)`).
    /// @custom:access anyone (the seller, or with its signature)
    function openTrade(
        TradeTerms calldata terms,
        bytes calldata sellerSignature,
        bytes calldata feePayerSignature
    ) external returns (bytes32 id);

    /// @notice Withdraws the caller's `nonce`, so that a trade it signed with it can no longer be opened.
    /// @custom:access anyone (its own nonces)
    function cancelNonce(uint256 nonce) external;

    /// @notice Confirms that the buyer paid a tranche of trade `id`: `quantity` units go from the hold to the buyer
    /// and the pro-rata fee to the fee account; the trade completes when its tranches sum to its quantity.
    /// @param trancheRef The hash of this payment's end-to-end id (not zero; once per gateway).
    /// @custom:access PAYMENT_GATEWAY, and the caller must be the trade's gateway
    function confirmPayment(bytes32 id, uint256 quantity, bytes32 trancheRef) external;

    /// @notice `confirmPayment` on the strength of the trade's gateway's EIP-712 `PaymentReceipt` (ECDSA or
    /// ERC-1271), which anyone may submit. The gateway must still be able to call `confirmPayment` now (the
    /// authority's `canCall`, without an execution delay).
    /// @custom:access anyone, with the trade's gateway's receipt
    function confirmPaymentWithReceipt(
        bytes32 id,
        uint256 quantity,
        bytes32 trancheRef,
        bytes calldata signature
    ) external;

    /// @notice Reports that trade `id`'s payment failed: what remains held goes back to the seller (and the unpaid
    /// fee to its payer). Tranches already confirmed stay with the buyer. Allowed after the deadline too. A
    /// suspended gateway can no longer report: its open trades then run to their deadlines.
    /// @custom:access PAYMENT_GATEWAY, and the caller must be the trade's gateway
    function reportFailure(bytes32 id, bytes32 reason) external;

    /// @notice Closes trade `id` once its deadline has passed: what remains held goes back to the seller (and the
    /// unpaid fee to its payer).
    /// @custom:access anyone
    function expireTrade(bytes32 id) external;

    /// @notice Trade `id` (status `None` if never opened).
    function tradeOf(bytes32 id) external view returns (Trade memory);

    /// @notice Trade `id`'s state.
    function statusOf(bytes32 id) external view returns (TradeStatus);

    /// @notice The units of trade `id` still held and awaiting confirmation: `quantity − settled` while open,
    /// zero otherwise.
    function remainingOf(bytes32 id) external view returns (uint256);

    /// @notice A trade's id: the EIP-712 struct hash of `terms`.
    function tradeId(TradeTerms calldata terms) external pure returns (bytes32);

    /// @notice The EIP-712 digest the seller (and a fee payer) signs for `terms`.
    function tradeDigest(TradeTerms calldata terms) external view returns (bytes32);

    /// @notice The EIP-712 digest a gateway signs to confirm a tranche of trade `id`.
    function receiptDigest(bytes32 id, uint256 quantity, bytes32 trancheRef) external view returns (bytes32);

    /// @notice Whether `seller`'s `nonce` was used or cancelled.
    function isNonceUsed(address seller, uint256 nonce) external view returns (bool);

    /// @notice Whether `gateway` confirmed a tranche with `trancheRef`.
    function isTrancheUsed(address gateway, bytes32 trancheRef) external view returns (bool);

    /// @notice The hold ids, on the tokens, of trade `id`'s asset and fee holds (as the engine names them).
    function holdIdsOf(bytes32 id) external view returns (bytes32 assetHoldId, bytes32 feeHoldId);

    /// @notice The settlement engine whose hold desk this contract uses.
    function settlementEngine() external view returns (address);
}
