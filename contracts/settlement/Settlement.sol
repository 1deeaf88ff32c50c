// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC1155Errors, IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Bytes} from "@openzeppelin/contracts/utils/Bytes.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {IAssetDirectory} from "../interfaces/access/IAssetDirectory.sol";
import {IERC3009Receive, ISettlement} from "../interfaces/settlement/ISettlement.sol";
import {NetSettlement} from "./NetSettlement.sol";
import {ICommodityReceipt} from "../interfaces/tokens/ICommodityReceipt.sol";
import {ICommodityReceiptTypes} from "../interfaces/tokens/ICommodityReceiptTypes.sol";
import {IHoldable} from "../interfaces/tokens/IHoldable.sol";
import {ISecurityToken} from "../interfaces/tokens/ISecurityToken.sol";
import {ISecurityTokenOperations} from "../interfaces/tokens/ISecurityTokenOperations.sol";
import {ISettlementCoin} from "../interfaces/tokens/ISettlementCoin.sol";
import {ProductType} from "../types/ProductType.sol";
import {Restriction} from "../types/Restriction.sol";

/// @title Settlement
/// @notice The alliance's settlement engine (`ISettlement`): atomic N-leg settlement agreed by EIP-712 signatures,
/// affirmations, pre-funding holds or EIP-3009 authorizations, and the hold desk of settlement clients. Batch net
/// settlement (`INetSettlement`: attach its ABI at this address) runs in the module `NetSettlement`, created by the
/// constructor (an immutable) and reached from `fallback` by `delegatecall` in this contract's storage, so the tokens
/// see this engine as the caller of `settleNet` and `restricted` asks this engine's authority about this address.
/// @dev A plain (non-upgradeable) AccessManaged contract: tokens name it as an immutable, and a proxy hop would cost
/// ≈ 4.7 k gas of the DvP budget. The settle path makes no AccessManager call: the registered assets are read from
/// the engine's own storage (settlement coins set by `setCoin`; assets of the authority's directory cached on first
/// use, safe because `AllianceAuthority` never de-registers an asset: `registerAsset` refuses a registered one and
/// nothing clears a record). Every state-changing entry point is `nonReentrant` (transient storage; `settle` sets and
/// clears the same guard by hand, with the same error): a malicious token or wallet cannot re-enter the engine while
/// a leg moves.
///
/// Invariants (each tested in test/settlement/):
/// - S1 (atomicity): `settle` moves every leg of an instruction or none.
/// - S2 (once): an initiator's nonce is consumed at most once, by `settle` or `cancel`; an instruction settles at
///   most once and never after its cancel or deadline.
/// - S3 (consent): no leg moves without its sender's consent to that very instruction id (signature, affirmation,
///   being the caller, a pre-funding hold, or an authorization bound to the id).
/// - S4 (registered assets): no leg moves a token that is neither a registered coin nor a directory asset.
/// - S5 (custody): the engine holds no token balance between transactions.
/// - S6 (cancel rule): a party other than the initiator burns the initiator's nonce only for an instruction the
///   initiator consented to.
contract Settlement is AccessManaged, EIP712, ReentrancyGuardTransient, ISettlement {
    /// @dev EIP-712 type hashes (the SDK signs exactly these strings).
    bytes32 private constant _LEG_TYPEHASH = keccak256("Leg(address token,address from,address to,uint256 amount)");
    bytes32 private constant _INSTRUCTION_TYPEHASH = keccak256(
        "Instruction(bytes32 tradeRef,uint48 deadline,uint256 nonce,Leg[] legs)"
        "Leg(address token,address from,address to,uint256 amount)"
    );

    /// @dev For inline assembly, which takes number literals only (test/settlement/Settlement.gas.test.ts checks each
    /// against the expression it stands for): `_LEG_TYPEHASH`, `_INSTRUCTION_TYPEHASH`, the selectors of
    /// `IHoldable.settlementTransfer` and `IHoldable.executeHold` (left-aligned), `SettlementExecuted`'s topic, and
    /// `ReentrancyGuardTransient`'s transient slot (private there; `_reentrancyGuardStorageSlot()` returns it).
    uint256 private constant _LEG_TYPEHASH_WORD = 0x9d9afc4c6dc2f43c51e3b6fa27ec2cec6af8c1df965e09cc5d5901a0277c4e22;
    uint256 private constant _INSTRUCTION_TYPEHASH_WORD =
        0xe3d4385ba20604cd4d0104fca18bd872b5fd1c8d3c5459147737d8bbad686b20;
    uint256 private constant _SETTLEMENT_TRANSFER = 0x9a249b73 << 224;
    uint256 private constant _EXECUTE_HOLD = 0xce28ceed << 224;
    uint256 private constant _SETTLEMENT_EXECUTED = 0x8e8e486d76dde4839ba3964a5658746152601f1780cd1ef246c0f101d42d5f33;
    uint256 private constant _REENTRANCY_GUARD = 0x9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00;
    /// @dev `ReentrancyGuardReentrantCall()`'s selector (`settle` reverts with it as `nonReentrant` does).
    uint256 private constant _REENTRANT_CALL = 0x3ee5aeb5 << 224;
    /// @dev `settle`'s fast path went through (its state word is not 0).
    uint256 private constant _FAST = 1 << 255;

    /// @dev The most legs of an instruction: `heldLegs` is a 256-bit map, and consent lookups are quadratic.
    uint256 private constant _MAX_LEGS = 64;

    /// @dev A pre-funding hold is missing, expired or short.
    uint8 private constant _HOLD_UNAVAILABLE = 254;
    /// @dev The token refused for a reason that is not a known transfer restriction.
    uint8 private constant _UNCLASSIFIED = 255;

    /// @dev Registered asset kinds: a coin registered by `setCoin`, an asset found in the directory, a commodity
    /// receipt market found in the directory (an ERC-1155 whose legs carry lot amounts `id << 128 | quantity`, see
    /// `ICommodityReceipt`: moved and held with the same calls, explained per lot).
    uint8 private constant _COIN = 1;
    uint8 private constant _ASSET = 2;
    uint8 private constant _RECEIPT = 3;

    /// @dev A token's kind (`_COIN`, `_ASSET`, `_RECEIPT` or 0) lives at `_KINDS | token`, read and written only by
    /// `_kindAt` and `_setKind` and `settle`'s fast path (which needs it non-zero): no mapping hash per leg.
    /// `_KINDS` is the top 96 bits of `keccak256("AssetLedger.Settlement.kinds")`, so these slots fill [`_KINDS`,
    /// `_KINDS` + 2^160), a range no other slot of the engine falls in but by a keccak collision: its declared slots
    /// are small numbers, its mappings' and the net module's ERC-7201 slots keccak outputs (a chance of 2^-96 each to
    /// land in the range).
    uint256 private constant _KINDS = 0xf53e0a7a1d6b475309396ead << 160;
    /// @dev An initiator's nonce word `wordPosition` (nonces `256 * wordPosition` to `256 * wordPosition + 255`,
    /// one bit each) lives at `keccak256(abi.encode(_NONCES, initiator, wordPosition))`, read and written only by
    /// `_nonceSlot`'s callers and `settle`'s fast path: one keccak instead of a nested mapping's two. Its input is
    /// three words, so it never equals a mapping's slot (two words hashed) but by a keccak collision. `_NONCES` is
    /// `keccak256("AssetLedger.Settlement.nonces")`.
    uint256 private constant _NONCES = 0x8a626eb10f3b93a9273886abd79588d0636b0c2bdf9bfa8f744ebc267a55f24b;

    mapping(bytes32 id => mapping(address party => bool)) private _affirmed;

    /// @dev The batch net-settlement module (`NetSettlement`), run by `delegatecall` from `fallback`.
    address private immutable _NET;

    /// @dev `EIP712`'s cached domain separator and the address and chain it holds for (its own immutables are
    /// private): `settle`'s fast path reads them inline and leaves any other address or chain to the checked path.
    bytes32 private immutable _DOMAIN;
    uint256 private immutable _SELF;
    uint256 private immutable _CHAIN_ID;

    /// @param initialAuthority The alliance authority (AccessManager and asset directory).
    constructor(address initialAuthority) AccessManaged(initialAuthority) EIP712("AssetLedger Settlement", "1") {
        _NET = address(new NetSettlement());
        _DOMAIN = _domainSeparatorV4();
        _SELF = uint160(address(this));
        _CHAIN_ID = block.chainid;
    }

    /// @notice Runs every other function (`INetSettlement`'s) in the net-settlement module, in this contract's
    /// storage; reverts as the module does (a selector the module lacks reverts without data).
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address net = _NET;
        // A bare forwarder: it overwrites memory from 0 freely, as it returns or reverts and no Solidity code runs
        // after it.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let success := delegatecall(gas(), net, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if success {
                return(0, returndatasize())
            }
            revert(0, returndatasize())
        }
    }

    /* SETTLEMENT */

    /// @inheritdoc ISettlement
    /// @dev The fast path (one pass in inline assembly, measured to pay: `dvp.settle`,
    /// test/settlement/Settlement.gas.test.ts and `npm run bench`) accepts an instruction only when `_authorize`
    /// would accept it with the same effects: the calldata lies within the decoder's bounds (stricter: offsets below
    /// 2^32, so no sum overflows), the shape is valid, the deadline a clean `uint48` not reached, every leg's
    /// addresses clean and its fields valid, its token already registered (its kind set: a directory asset seen for
    /// the first time takes the checked path, which caches it), its sender's consent shown as `_authorize` checks it
    /// (a 65-byte ECDSA signature recovered here with `_recover`'s checks; otherwise `_isValidERC1271` or
    /// `_hasOtherConsent`, the same functions), the domain separator the cached one (`_domainSeparatorV4`'s
    /// condition) and the nonce unused, which it then consumes. On anything else it has written nothing and
    /// `_authorize` decides (and names the error, or accepts it, e.g. caching a new asset). Both paths then move the
    /// legs in order (S1: any refusal reverts all) and emit `SettlementExecuted`. `nonReentrant` by hand (the same
    /// transient guard and error; every exit that does not revert clears it), which saves its internal calls.
    // One pass in one frame: split into functions, the parts would hand their values back and forth on the stack
    // and jump, which is the cost this path removes.
    // solhint-disable-next-line function-max-lines
    function settle(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external returns (bytes32 id) {
        // `nonReentrant`'s entry: refuse a re-entrant call, set the guard.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            if tload(_REENTRANCY_GUARD) {
                mstore(0x00, _REENTRANT_CALL)
                revert(0x00, 0x04)
            }
            tstore(_REENTRANCY_GUARD, 1)
        }
        // The cached domain separator and the address and chain it holds for (the fast path runs only there).
        bytes32 domain = _DOMAIN;
        uint256 self = _SELF;
        uint256 chainId = _CHAIN_ID;
        // What the fast path left: 0 to fall back; else `_FAST` set, bits 0–63 the legs whose consent is not an
        // ECDSA signature of their sender (checked below in Solidity), and bits 64–127 1 + the index of the leg
        // whose token refused it.
        uint256 state;
        // Inline assembly: decoding, the shape, deadline and leg checks, the EIP-712 hashes (as `_hashInstruction`
        // and `_hashTypedDataV4`), ECDSA recovery (as `_recover`) and, when every leg's consent is its sender's
        // ECDSA signature, the nonce (as `_useNonce`), the moves, the event and the return. Safe: `instruction` (its
        // four head words) and `consents` (its offset table) were bounded by the decoder of the parameters; the legs
        // are taken only when their offset is below 2^32 and all `n` of them (1 ≤ n ≤ `_MAX_LEGS`) end within the
        // call data, and `consents[i]` only when it is 65 bytes long, its offset below 2^32 and its bytes end within
        // the call data: the bounds the decoder requires of `instruction.legs` and `consents[i]` (any other
        // `consents[i]` is read below through the decoder). Nothing read is used before its bounds are checked (a
        // leg's kind is read before its fields are judged: a read, and the instruction is refused
        // after the loop if any field is not valid). Memory from 0x80, taken only while the free memory pointer is
        // 0x80 (nothing allocated yet, so it is past the pointer; not allocated, nothing else runs meanwhile), holds
        // the words to hash, the precompile's input and each leg's call data: constant addresses, which the
        // optimizer folds (≈ 100 gas over `mload(0x40)`); scratch slots 0x00–0x3f the mapping keys, the precompile's
        // output (zeroed first: a failed recovery returns no data) and the event's data. Each step nests in the
        // previous one's success (no loop to break out of: the optimizer would hoist the steps' common values
        // above it, to live on the stack through the legs loop). Every registered token has code (`setCoin` checks
        // it, directory assets are the factory's proxies).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := add(add(instruction, calldataload(add(instruction, 0x60))), 0x20)
            let n := calldataload(sub(data, 0x20))
            let end := add(data, shl(7, n))
            if and(
                and(
                    and(and(eq(address(), self), eq(chainid(), chainId)), eq(mload(0x40), 0x80)),
                    and(
                        and(lt(calldataload(add(instruction, 0x60)), 0x100000000), lt(sub(n, 1), _MAX_LEGS)),
                        iszero(gt(end, calldatasize()))
                    )
                ),
                and(
                    and(or(iszero(consents.length), eq(consents.length, n)), iszero(shr(n, heldLegs))),
                    and(
                        iszero(shr(48, calldataload(add(instruction, 0x20)))),
                        lt(timestamp(), calldataload(add(instruction, 0x20)))
                    )
                )
            ) {
                let m := 0x80
                mstore(m, _LEG_TYPEHASH_WORD)
                // Non-zero when a leg fails `_checkLegFields`, has a dirty address or an unregistered token.
                let bad := 0
                let h := add(m, 0xa0)
                for {
                    let p := data
                } lt(p, end) {
                    p := add(p, 0x80)
                } {
                    calldatacopy(add(m, 0x20), p, 0x80)
                    mstore(h, keccak256(m, 0xa0))
                    h := add(h, 0x20)
                    let from := mload(add(m, 0x40))
                    let to := mload(add(m, 0x60))
                    let token := mload(add(m, 0x20))
                    // The kind at `_KINDS | token` (`_kindAt`; nothing else lives in the slot). `from`, `to` and the
                    // kind (1 or 2) are not 0 when their product is not; the product of a kind and two clean
                    // addresses that are not 0 is 0 only when they end in ≥ 255 zero bits together (no address
                    // from a key or CREATE), which would only send the instruction to the checked path.
                    bad := or(
                        or(bad, or(shr(160, or(token, or(from, to))), iszero(mload(add(m, 0x80))))),
                        or(eq(from, to), iszero(mul(mul(from, to), sload(or(_KINDS, token)))))
                    )
                }
                if iszero(bad) {
                    let legsHash := keccak256(add(m, 0xa0), shl(5, n))
                    mstore(m, _INSTRUCTION_TYPEHASH_WORD)
                    calldatacopy(add(m, 0x20), instruction, 0x60)
                    mstore(add(m, 0x80), legsHash)
                    id := keccak256(m, 0xa0)
                    mstore(m, shl(240, 0x1901))
                    mstore(add(m, 0x02), domain)
                    mstore(add(m, 0x22), id)
                    // The precompile's first input word for every leg (the digest); v, r and s follow it.
                    mstore(m, keccak256(m, 0x42))
                    // A leg's bit stays set unless its consent is its sender's ECDSA signature.
                    state := sub(shl(n, 1), 1)
                    if consents.length {
                        for {
                            let i := 0
                        } lt(i, n) {
                            i := add(i, 1)
                        } {
                            let at := calldataload(add(consents.offset, shl(5, i)))
                            let start := add(add(consents.offset, at), 0x20)
                            let s := calldataload(add(start, 0x20))
                            // `_recover`: 65 bytes (ending within the call data: start + 65 ≤ size), s in the lower
                            // half order (s ≤ n / 2); the precompile refuses a bad v or point.
                            if iszero(
                                and(
                                    and(eq(calldataload(sub(start, 0x20)), 65), lt(at, 0x100000000)),
                                    and(
                                        lt(add(start, 64), calldatasize()),
                                        lt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A1)
                                    )
                                )
                            ) {
                                continue
                            }
                            mstore(add(m, 0x20), byte(0, calldataload(add(start, 0x40))))
                            calldatacopy(add(m, 0x40), start, 0x40)
                            mstore(0x00, 0)
                            pop(staticcall(gas(), 0x01, m, 0x80, 0x00, 0x20))
                            // The sender is not 0 (checked above), so a failed recovery never matches.
                            state := xor(state, shl(i, eq(mload(0x00), calldataload(add(data, add(shl(7, i), 0x20))))))
                        }
                    }
                    switch state
                    case 0 {
                        // `_useNonce` without its error (a used nonce takes the checked path, which names it); the
                        // slot as `_nonceSlot` (the digest at `m` is no longer needed).
                        mstore(m, _NONCES)
                        mstore(add(m, 0x20), calldataload(add(data, 0x20)))
                        mstore(add(m, 0x40), shr(8, calldataload(add(instruction, 0x40))))
                        let slot := keccak256(m, 0x60)
                        let bits := sload(slot)
                        let bit := shl(and(calldataload(add(instruction, 0x40)), 0xff), 1)
                        if iszero(and(bits, bit)) {
                            sstore(slot, or(bits, bit))
                            // The moves, as below (a held leg's call data written over a transfer's: the same
                            // `to` and `amount` words, and no switch).
                            let i := 0
                            for {
                                let p := data
                            } lt(i, n) {
                                i := add(i, 1)
                                p := add(p, 0x80)
                            } {
                                // from, to, amount: the leg's last three words as they are.
                                mstore(m, _SETTLEMENT_TRANSFER)
                                calldatacopy(add(m, 0x04), add(p, 0x20), 0x60)
                                if and(shr(i, heldLegs), 1) {
                                    mstore(0x00, id)
                                    mstore(0x20, i)
                                    mstore(m, _EXECUTE_HOLD)
                                    mstore(add(m, 0x04), keccak256(0x00, 0x40))
                                }
                                if iszero(call(gas(), calldataload(p), 0, m, 0x64, 0x00, 0x00)) {
                                    break
                                }
                            }
                            if eq(i, n) {
                                // emit SettlementExecuted(id, initiator, instruction.tradeRef, instruction.nonce);
                                // clear the re-entrancy guard as `nonReentrant` does on return; return id.
                                mstore(0x00, calldataload(add(instruction, 0x40)))
                                log4(
                                    0x00,
                                    0x20,
                                    _SETTLEMENT_EXECUTED,
                                    id,
                                    calldataload(add(data, 0x20)),
                                    calldataload(instruction)
                                )
                                tstore(_REENTRANCY_GUARD, 0)
                                mstore(0x00, id)
                                return(0x00, 0x20)
                            }
                            state := or(_FAST, shl(64, add(i, 1)))
                        }
                    }
                    default {
                        state := or(state, _FAST)
                    }
                }
            }
        }
        Leg[] calldata legs = instruction.legs;
        address initiator;
        uint256 refused = uint64(state >> 64);
        if (refused != 0) _revertLeg(refused - 1, legs[refused - 1], LowLevelCall.returnData());
        // Legs whose sender's consent is not an ECDSA signature of its own: an ERC-1271 signature (`ECDSA` failed
        // or does not apply, so `_isValidSignature` would answer as `_isValidERC1271`), or no signature.
        bool ok = state != 0;
        if (ok) {
            initiator = legs[0].from;
            bytes32 digest = _hashTypedDataV4(id);
            for (uint256 i; ok && uint64(state) != 0; i = _inc(i)) {
                if (state & 1 != 0) {
                    address from = legs[i].from;
                    bytes calldata consent = consents.length != 0 ? consents[i] : msg.data[0:0];
                    ok =
                        consent.length != 0
                            ? _isValidERC1271(from, digest, consent)
                            : _hasOtherConsent(id, legs, i, from, heldLegs);
                }
                state >>= 1;
            }
            if (ok) ok = _tryUseNonce(initiator, instruction.nonce);
        }
        if (!ok) (id, initiator) = _authorize(instruction, legs, consents, heldLegs, 0);
        uint256 failed;
        // Inline assembly, measured to pay: every leg moved in order, a held leg by `executeHold(legKey(id, i), to,
        // amount)`, any other by `settlementTransfer(from, to, amount)` (the same call data as `abi.encodeCall`,
        // without allocating it, and no copy of the token's return data unless a leg failed); when all moved,
        // `SettlementExecuted` is emitted, the re-entrancy guard cleared (as `nonReentrant` does on return) and `id`
        // returned, here. Safe: both authorization paths checked that every leg lies within the call data and that
        // its addresses are clean, and the decoder bounded the instruction's head; the call data is written past
        // the free memory pointer (scratch, not allocated; nothing else runs before the call reads it), the hold key
        // and the event's data in scratch slots 0x00–0x3f (as `_legKey`).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let m := mload(0x40)
            let n := legs.length
            for {} lt(failed, n) {
                failed := add(failed, 1)
            } {
                let p := add(legs.offset, shl(7, failed))
                // from, to, amount: the leg's last three words as they are; a held leg's key over `from`.
                mstore(m, _SETTLEMENT_TRANSFER)
                calldatacopy(add(m, 0x04), add(p, 0x20), 0x60)
                if and(shr(failed, heldLegs), 1) {
                    mstore(0x00, id)
                    mstore(0x20, failed)
                    mstore(m, _EXECUTE_HOLD)
                    mstore(add(m, 0x04), keccak256(0x00, 0x40))
                }
                if iszero(call(gas(), calldataload(p), 0, m, 0x64, 0x00, 0x00)) {
                    break
                }
            }
            if eq(failed, n) {
                mstore(0x00, calldataload(add(instruction, 0x40)))
                log4(0x00, 0x20, _SETTLEMENT_EXECUTED, id, initiator, calldataload(instruction))
                tstore(_REENTRANCY_GUARD, 0)
                mstore(0x00, id)
                return(0x00, 0x20)
            }
        }
        // Only a refused leg gets here (the assembly returned when all moved); the condition keeps the guard's
        // clearing below reachable for the compiler (it is `nonReentrant`'s exit, never reached).
        if (failed != legs.length) _revertLeg(failed, legs[failed], LowLevelCall.returnData());
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            tstore(_REENTRANCY_GUARD, 0)
        }
    }
    /// @inheritdoc ISettlement
    function settleWithAuthorizations(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs,
        Authorization[] calldata authorizations
    ) external nonReentrant returns (bytes32 id) {
        Leg[] calldata legs = instruction.legs;
        _checkShape(legs.length, consents.length, heldLegs);
        uint256 authorized = _authorizedLegs(legs, heldLegs, authorizations);
        address initiator;
        (id, initiator) = _authorize(instruction, legs, consents, heldLegs, authorized);
        for (uint256 i; i < legs.length; ++i) {
            if ((authorized >> i) & 1 != 0) _moveAuthorized(id, i, legs[i], authorizations);
            else _move(i, legs[i], (heldLegs >> i) & 1 != 0 ? _legKey(id, i) : bytes32(0));
        }
        emit SettlementExecuted(id, initiator, instruction.tradeRef, instruction.nonce);
    }

    /// @inheritdoc ISettlement
    function affirm(Instruction calldata instruction) external nonReentrant returns (bytes32 id) {
        id = _checkLive(instruction);
        Leg[] calldata legs = instruction.legs;
        bool sender;
        for (uint256 i; i < legs.length && !sender; ++i) sender = legs[i].from == msg.sender;
        require(sender, SettlementNotSender(id, msg.sender));
        require(!_affirmed[id][msg.sender], SettlementAlreadyAffirmed(id, msg.sender));
        _affirmed[id][msg.sender] = true;
        emit SettlementAffirmed(id, msg.sender);
    }

    /// @inheritdoc ISettlement
    function prefund(
        Instruction calldata instruction,
        uint256 legIndex
    ) external nonReentrant returns (bytes32 holdId) {
        bytes32 id = _checkLive(instruction);
        Leg[] calldata legs = instruction.legs;
        require(legIndex < legs.length, SettlementInvalidLegIndex(legIndex, legs.length));
        Leg calldata leg = legs[legIndex];
        require(leg.from == msg.sender, SettlementNotLegSender(id, legIndex, msg.sender, leg.from));
        _requireRegistered(legIndex, leg.token);
        holdId = _legKey(id, legIndex);
        if (!_affirmed[id][msg.sender]) {
            _affirmed[id][msg.sender] = true;
            emit SettlementAffirmed(id, msg.sender);
        }
        emit SettlementLegPrefunded(id, legIndex, msg.sender, holdId, leg.amount);
        IHoldable(leg.token).placeHold(holdId, msg.sender, leg.amount, instruction.deadline);
    }

    /// @inheritdoc ISettlement
    function releasePrefund(Instruction calldata instruction, uint256 legIndex) external nonReentrant {
        Leg[] calldata legs = instruction.legs;
        _checkShape(legs.length, 0, 0);
        bytes32 id = _hashInstruction(instruction);
        require(legIndex < legs.length, SettlementInvalidLegIndex(legIndex, legs.length));
        require(
            block.timestamp >= instruction.deadline || _isNonceUsed(legs[0].from, instruction.nonce),
            SettlementInstructionLive(id, instruction.deadline)
        );
        address token = legs[legIndex].token;
        require(_kindOf(token) != 0, SettlementUnregisteredAsset(legIndex, token));
        bytes32 holdId = _legKey(id, legIndex);
        emit SettlementPrefundReleased(id, legIndex, holdId, msg.sender);
        IHoldable(token).releaseHold(holdId);
    }

    /// @inheritdoc ISettlement
    function cancel(
        Instruction calldata instruction,
        bytes calldata initiatorConsent
    ) external nonReentrant returns (bytes32 id) {
        Leg[] calldata legs = instruction.legs;
        _checkShape(legs.length, 0, 0);
        id = _hashInstruction(instruction);
        address initiator = legs[0].from;
        if (msg.sender != initiator) {
            bool party;
            for (uint256 i; i < legs.length && !party; ++i)
                party = legs[i].from == msg.sender || legs[i].to == msg.sender;
            require(party, SettlementNotParty(id, msg.sender));
            if (initiatorConsent.length != 0) {
                require(
                    _isValidSignature(initiator, _hashTypedDataV4(id), initiatorConsent),
                    SettlementInvalidSignature(id, 0, initiator)
                );
            } else {
                require(_affirmed[id][initiator], SettlementInitiatorNotConsented(id, initiator));
            }
        }
        _useNonce(initiator, instruction.nonce);
        emit SettlementCancelled(id, initiator, instruction.nonce, msg.sender);
    }

    /// @inheritdoc ISettlement
    function setCoin(address coin, bool registered) external restricted {
        uint8 kind = _kindAt(coin);
        require(
            coin.code.length != 0 &&
                kind != _ASSET &&
                (registered ? kind == 0 : kind == _COIN) &&
                IAssetDirectory(authority()).productOf(coin) == ProductType.None,
            SettlementInvalidCoin(coin, registered)
        );
        _setKind(coin, registered ? _COIN : 0);
        emit SettlementCoinSet(coin, registered);
    }

    /* HOLD DESK */

    /// @inheritdoc ISettlement
    function placeClientHold(
        address token,
        bytes32 clientHoldId_,
        address holder,
        uint256 amount,
        uint48 expiry
    ) external restricted nonReentrant returns (bytes32 holdId) {
        _requireKnown(token);
        holdId = _clientHoldId(msg.sender, clientHoldId_);
        emit SettlementClientHoldPlaced(msg.sender, token, clientHoldId_, holdId, holder, amount, expiry);
        IHoldable(token).placeHold(holdId, holder, amount, expiry);
    }

    /// @inheritdoc ISettlement
    function executeClientHold(
        address token,
        bytes32 clientHoldId_,
        address to,
        uint256 amount
    ) external restricted nonReentrant {
        _requireKnown(token);
        emit SettlementClientHoldExecuted(msg.sender, token, clientHoldId_, to, amount);
        IHoldable(token).executeHold(_clientHoldId(msg.sender, clientHoldId_), to, amount);
    }

    /// @inheritdoc ISettlement
    function releaseClientHold(address token, bytes32 clientHoldId_) external restricted nonReentrant {
        _requireKnown(token);
        emit SettlementClientHoldReleased(msg.sender, token, clientHoldId_);
        IHoldable(token).releaseHold(_clientHoldId(msg.sender, clientHoldId_));
    }

    /// @inheritdoc ISettlement
    function clientTransfer(address token, address from, address to, uint256 amount) external restricted nonReentrant {
        _requireKnown(token);
        emit SettlementClientTransferred(msg.sender, token, from, to, amount);
        IHoldable(token).settlementTransfer(from, to, amount);
    }

    /* VIEWS */

    /// @inheritdoc ISettlement
    function explainSettlement(
        Instruction calldata instruction,
        bytes[] calldata consents,
        uint256 heldLegs
    ) external view returns (bool ok, bytes32 id, LegCheck[] memory checks) {
        _checkShape(instruction.legs.length, consents.length, heldLegs);
        id = _hashInstruction(instruction);
        (ok, checks) = _explainLegs(id, instruction.legs, consents, heldLegs);
        ok = ok && block.timestamp < instruction.deadline && !_isNonceUsed(instruction.legs[0].from, instruction.nonce);
    }

    /// @inheritdoc ISettlement
    function clientHoldId(address client, bytes32 clientHoldId_) external pure returns (bytes32) {
        return _clientHoldId(client, clientHoldId_);
    }

    /// @inheritdoc ISettlement
    function legKey(bytes32 id, uint256 leg) external pure returns (bytes32) {
        return _legKey(id, leg);
    }

    /// @inheritdoc ISettlement
    function instructionId(Instruction calldata instruction) external pure returns (bytes32) {
        return _hashInstruction(instruction);
    }

    /// @inheritdoc ISettlement
    function instructionDigest(Instruction calldata instruction) external view returns (bytes32) {
        return _hashTypedDataV4(_hashInstruction(instruction));
    }

    /// @inheritdoc ISettlement
    function isNonceUsed(address initiator, uint256 nonce) external view returns (bool) {
        return _isNonceUsed(initiator, nonce);
    }

    /// @inheritdoc ISettlement
    function nonceBitmap(address initiator, uint256 wordPosition) external view returns (uint256) {
        return _nonceWord(_nonceSlot(initiator, wordPosition));
    }

    /// @inheritdoc ISettlement
    function isAffirmed(bytes32 id, address party) external view returns (bool) {
        return _affirmed[id][party];
    }

    /// @inheritdoc ISettlement
    function isRegisteredAsset(address token) external view returns (bool) {
        return _kindOf(token) != 0;
    }

    /// @inheritdoc ISettlement
    function isCoin(address coin) external view returns (bool) {
        return _kindAt(coin) == _COIN;
    }

    /// @inheritdoc ISettlement
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ISettlement
    function isValidTypedSignature(
        address signer,
        bytes32 structHash,
        bytes calldata signature
    ) external view returns (bool) {
        return _isValidSignature(signer, _hashTypedDataV4(structHash), signature);
    }

    /// @inheritdoc ISettlement
    function maxLegs() external pure returns (uint256) {
        return _MAX_LEGS;
    }

    /* INTERNAL: SETTLING */

    /// @dev Checks the instruction (shape, deadline, registered assets) and every leg's consent, and consumes the
    /// initiator's nonce (S2, S3, S4); the caller then moves every leg in order (S1: any refusal reverts all).
    function _authorize(
        Instruction calldata instruction,
        Leg[] calldata legs,
        bytes[] calldata consents,
        uint256 heldLegs,
        uint256 authorized
    ) private returns (bytes32 id, address initiator) {
        uint256 n = legs.length;
        _checkShape(n, consents.length, heldLegs);
        id = _hashInstruction(instruction, legs);
        uint48 deadline = instruction.deadline;
        require(block.timestamp < deadline, SettlementExpired(id, deadline, block.timestamp));
        bytes32 digest = _hashTypedDataV4(id);
        // A held leg's sender consented by placing the hold (`prefund`: only the sender can, and the hold id binds
        // the instruction id and leg); an authorized leg's by its EIP-3009 signature, bound the same way.
        authorized |= heldLegs;
        bool hasConsents = consents.length != 0;
        // `_checkShape` bounded n by `_MAX_LEGS`: `++i` cannot overflow.
        for (uint256 i; i < n; i = _inc(i)) {
            // Each field read from calldata once: every access to a calldata struct member re-validates it.
            Leg calldata leg = legs[i];
            (address token, address from) = (leg.token, leg.from);
            _checkLegFields(i, from, leg.to, leg.amount);
            _requireRegistered(i, token);
            if (i == 0) initiator = from;
            bytes calldata consent = hasConsents ? consents[i] : msg.data[0:0];
            bool hasSignature = consent.length != 0;
            bool consented =
                hasSignature
                    ? _isValidSignature(from, digest, consent)
                    : _hasOtherConsent(id, legs, i, from, authorized);
            if (!consented) {
                // Tell a bad signature from a missing consent.
                require(!hasSignature, SettlementInvalidSignature(id, i, from));
                revert SettlementNotConsented(id, i, from);
            }
        }
        _useNonce(initiator, instruction.nonce);
    }

    /// @dev Consumes `initiator`'s `nonce` (S2) unless it is used; whether it was not (`settle`'s fast path: a used
    /// nonce takes the checked path, which names the error).
    function _tryUseNonce(address initiator, uint256 nonce) private returns (bool unused) {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 slot = _nonceSlot(initiator, nonce >> 8);
        uint256 bits = _nonceWord(slot);
        unused = bits & bit == 0;
        if (unused) _setNonceWord(slot, bits | bit);
    }

    /// @dev `i + 1` for loop counters bounded by `_MAX_LEGS` (cannot overflow).
    function _inc(uint256 i) private pure returns (uint256) {
        unchecked {
            return i + 1;
        }
    }

    /// @dev Moves leg `i` by `executeHold(holdId)` when `holdId` is set, else by `settlementTransfer`; a refusal
    /// reverts with `SettlementLegFailed`. Low-level calls keep the token's revert data for the error (every
    /// registered token has code: `setCoin` checks it, directory assets are the factory's proxies).
    function _move(uint256 i, Leg calldata leg, bytes32 holdId) private {
        (address token, address to, uint256 amount) = (leg.token, leg.to, leg.amount);
        bool held = holdId != bytes32(0);
        bytes4 selector = held ? IHoldable.executeHold.selector : IHoldable.settlementTransfer.selector;
        // `executeHold(holdId, to, amount)` or `settlementTransfer(from, to, amount)`: the first word differs.
        bytes32 first = held ? holdId : bytes32(uint256(uint160(leg.from)));
        bool success;
        // Inline assembly, measured to pay (`dvp.settle`, test/settlement/Settlement.gas.test.ts): the same call
        // data as `abi.encodeCall` (a 4-byte selector and three static words) without allocating it, and no copy of
        // the token's return data unless the leg failed. Safe: written past the free memory pointer (scratch, not
        // allocated; nothing else runs before the call reads it); every argument is a clean word (the addresses
        // were read through the decoder, which rejects dirty ones).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), first)
            mstore(add(m, 0x24), to)
            mstore(add(m, 0x44), amount)
            success := call(gas(), token, 0, m, 0x64, 0x00, 0x00)
        }
        if (!success) _revertLeg(i, leg, LowLevelCall.returnData());
    }

    /// @dev Takes leg `i` by its sender's `receiveWithAuthorization` to the engine and forwards it to the recipient
    /// in the same call (S5: the engine's balance is back where it was).
    function _moveAuthorized(bytes32 id, uint256 i, Leg calldata leg, Authorization[] calldata authorizations) private {
        Authorization calldata authorization = authorizations[_authorizationOf(i, authorizations)];
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory reason) = leg.token.call(
            abi.encodeCall(
                IERC3009Receive.receiveWithAuthorization,
                (
                    leg.from,
                    address(this),
                    leg.amount,
                    authorization.validAfter,
                    authorization.validBefore,
                    _legKey(id, i),
                    authorization.signature
                )
            )
        );
        if (!success) _revertLeg(i, leg, reason);
        // solhint-disable-next-line avoid-low-level-calls
        (success, reason) = leg.token.call(abi.encodeCall(IERC20.transfer, (leg.to, leg.amount)));
        if (!success || (reason.length != 0 && !abi.decode(reason, (bool)))) _revertLeg(i, leg, reason);
    }

    /// @dev The index in `authorizations` of the one naming leg `i` (`_authorizedLegs` proved it exists and is
    /// unique).
    function _authorizationOf(uint256 i, Authorization[] calldata authorizations) private pure returns (uint256 k) {
        while (authorizations[k].leg != i) ++k;
    }

    /// @dev The map of legs paid by authorization; each must be a distinct, unheld leg of a registered coin.
    function _authorizedLegs(
        Leg[] calldata legs,
        uint256 heldLegs,
        Authorization[] calldata authorizations
    ) private view returns (uint256 authorized) {
        for (uint256 k; k < authorizations.length; ++k) {
            uint256 leg = authorizations[k].leg;
            require(
                leg < legs.length && (authorized | heldLegs) & (1 << leg) == 0 && _kindAt(legs[leg].token) == _COIN,
                SettlementInvalidAuthorization(k, leg)
            );
            authorized |= 1 << leg;
        }
    }

    function _revertLeg(uint256 i, Leg calldata leg, bytes memory reason) private pure {
        revert SettlementLegFailed(
            i,
            leg.token,
            leg.from,
            leg.to,
            leg.amount,
            _restrictionOf(reason, leg.from, leg.to),
            reason
        );
    }

    /// @dev Whether leg `i`'s sender consented: its signature in `consents[i]` (which must then be valid), being the
    /// caller, bit `i` of `consentedOtherwise`, an earlier leg of the same sender (whose consent was checked), or
    /// an affirmation.
    function _hasConsent(
        bytes32 id,
        bytes32 digest,
        Leg[] calldata legs,
        uint256 i,
        bytes[] calldata consents,
        uint256 consentedOtherwise
    ) private view returns (bool) {
        address from = legs[i].from;
        if (consents.length != 0 && consents[i].length != 0) {
            return _isValidSignature(from, digest, consents[i]);
        }
        return _hasOtherConsent(id, legs, i, from, consentedOtherwise);
    }

    /// @dev Whether `from`, leg `i`'s sender, consented without a signature in `consents[i]`: being the caller, bit
    /// `i` of `consentedOtherwise`, an earlier leg of the same sender (whose consent was checked), or an affirmation.
    function _hasOtherConsent(
        bytes32 id,
        Leg[] calldata legs,
        uint256 i,
        address from,
        uint256 consentedOtherwise
    ) private view returns (bool) {
        if (from == msg.sender || (consentedOtherwise >> i) & 1 != 0) return true;
        // `settle` checked (or reverted on) every earlier leg's consent; `explainSettlement` copies its answer.
        for (uint256 j; j < i; ++j) if (legs[j].from == from) return true;
        return _affirmed[id][from];
    }

    /// @dev ECDSA first, then ERC-1271 (OpenZeppelin's `SignatureChecker`) only when that fails and `signer` has
    /// code: an EOA's valid signature then costs no cold `EXTCODESIZE` (2,600 gas per signer on the DvP path). A
    /// contract's address has no known key, so ECDSA never speaks for a contract wallet.
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (signature.length == 65) {
            address recovered = _recover(digest, signature);
            if (recovered != address(0) && recovered == signer) return true;
        }
        return _isValidERC1271(signer, digest, signature);
    }

    /// @dev `signer`'s ERC-1271 approval of `digest` with `signature` (never for an account without code).
    function _isValidERC1271(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }

    /// @dev The signer of `digest` by the 65-byte `signature` (r, s, v), or 0 when ECDSA finds none: exactly the
    /// checks of OpenZeppelin's `ECDSA.tryRecoverCalldata` (s in the lower half order; v other than 27 or 28, or a
    /// point off the curve, make the precompile return nothing), without its error enum and memory allocation.
    function _recover(bytes32 digest, bytes calldata signature) private view returns (address recovered) {
        // Inline assembly, measured to pay (`dvp.settle`, test/settlement/Settlement.gas.test.ts: ≈ 140 gas less per
        // signature against `ECDSA.tryRecoverCalldata`). Safe: the caller checked `signature.length == 65` and the
        // decoder bounded the slice by the call data, so the three loads read the signature's own bytes. The
        // precompile's input is written past the free memory pointer (scratch, not allocated; nothing else runs
        // meanwhile) and its output to scratch slot 0, zeroed first: a failed recovery returns no data and leaves 0.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let s := calldataload(add(signature.offset, 0x20))
            if iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0)) {
                let m := mload(0x40)
                mstore(m, digest)
                mstore(add(m, 0x20), byte(0, calldataload(add(signature.offset, 0x40))))
                mstore(add(m, 0x40), calldataload(signature.offset))
                mstore(add(m, 0x60), s)
                mstore(0x00, 0)
                pop(staticcall(gas(), 0x01, m, 0x80, 0x00, 0x20))
                recovered := mload(0x00)
            }
        }
    }

    /* INTERNAL: CHECKS */

    /// @dev The instruction's id, after checking its shape, that it is before its deadline and its nonce unused.
    function _checkLive(Instruction calldata instruction) private view returns (bytes32 id) {
        Leg[] calldata legs = instruction.legs;
        _checkShape(legs.length, 0, 0);
        id = _hashInstruction(instruction);
        for (uint256 i; i < legs.length; ++i) _checkLegShape(i, legs[i]);
        require(block.timestamp < instruction.deadline, SettlementExpired(id, instruction.deadline, block.timestamp));
        require(!_isNonceUsed(legs[0].from, instruction.nonce), SettlementNonceUsed(legs[0].from, instruction.nonce));
    }

    function _checkShape(uint256 n, uint256 consents, uint256 heldLegs) private pure {
        require(n != 0, SettlementNoLegs());
        require(n <= _MAX_LEGS, SettlementTooManyLegs(n, _MAX_LEGS));
        require(consents == 0 || consents == n, SettlementLengthMismatch(n, consents));
        require(heldLegs >> n == 0, SettlementInvalidHeldLegs(heldLegs, n));
    }

    function _checkLegShape(uint256 i, Leg calldata leg) private pure {
        _checkLegFields(i, leg.from, leg.to, leg.amount);
    }

    function _checkLegFields(uint256 i, address from, address to, uint256 amount) private pure {
        require(
            amount != 0 && from != address(0) && to != address(0) && from != to,
            SettlementInvalidLeg(i, from, to, amount)
        );
    }

    /// @dev Reverts unless `token` is registered, caching a directory asset on first use (assets are never
    /// de-registered and their product type never changes, so the cache never goes stale); a loyalty program is not
    /// settled here.
    function _requireRegistered(uint256 i, address token) private {
        if (_kindAt(token) != 0) return;
        ProductType productType = IAssetDirectory(authority()).productOf(token);
        uint8 kind = _assetKind(productType);
        require(kind != 0, SettlementUnregisteredAsset(i, token));
        _setKind(token, kind);
        emit SettlementAssetCached(token, productType);
    }

    /// @dev Reverts unless `token` is registered (hold desk; no caching needed off the DvP path).
    function _requireKnown(address token) private view {
        require(_kindOf(token) != 0, SettlementUnknownAsset(token));
    }

    /// @dev `_COIN`, `_ASSET` or `_RECEIPT` (cached or in the directory), or 0.
    function _kindOf(address token) private view returns (uint8 kind) {
        kind = _kindAt(token);
        if (kind == 0) kind = _assetKind(IAssetDirectory(authority()).productOf(token));
    }

    /// @dev The engine's kind for a directory asset of `productType`: `_RECEIPT` for a commodity receipt market,
    /// `_ASSET` for a security; 0 — not settled here — for none and for a loyalty program (closed-loop credits of no
    /// cash value that do not trade; `ILoyaltyCredit`).
    function _assetKind(ProductType productType) private pure returns (uint8) {
        if (productType == ProductType.CommodityReceipt) return _RECEIPT;
        return productType == ProductType.None || productType == ProductType.LoyaltyCredit ? 0 : _ASSET;
    }

    function _isNonceUsed(address initiator, uint256 nonce) private view returns (bool) {
        return (_nonceWord(_nonceSlot(initiator, nonce >> 8)) >> (nonce & 0xff)) & 1 != 0;
    }

    /// @dev Consumes `initiator`'s `nonce` (S2).
    function _useNonce(address initiator, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 slot = _nonceSlot(initiator, nonce >> 8);
        uint256 bits = _nonceWord(slot);
        require(bits & bit == 0, SettlementNonceUsed(initiator, nonce));
        _setNonceWord(slot, bits | bit);
    }

    /* INTERNAL: STORAGE (the slots `_KINDS` and `_NONCES` describe) */

    /// @dev `token`'s registered kind: `_COIN`, `_ASSET` or `_RECEIPT` (cached), or 0.
    function _kindAt(address token) private view returns (uint8 kind) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            kind := and(sload(or(_KINDS, token)), 0xff)
        }
    }

    /// @dev Sets `token`'s registered kind (the whole slot: nothing else lives in it).
    function _setKind(address token, uint8 kind) private {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(or(_KINDS, token), kind)
        }
    }

    /// @dev The slot of `initiator`'s nonce word `wordPosition`: `keccak256(abi.encode(_NONCES, initiator,
    /// wordPosition))`, hashed in scratch memory past the free memory pointer (not allocated).
    function _nonceSlot(address initiator, uint256 wordPosition) private pure returns (uint256 slot) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, _NONCES)
            mstore(add(m, 0x20), initiator)
            mstore(add(m, 0x40), wordPosition)
            slot := keccak256(m, 0x60)
        }
    }

    function _nonceWord(uint256 slot) private view returns (uint256 bits) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            bits := sload(slot)
        }
    }

    function _setNonceWord(uint256 slot, uint256 bits) private {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, bits)
        }
    }

    /* INTERNAL: HASHING */

    /// @dev The EIP-712 struct hash of `instruction` (its id).
    function _hashInstruction(Instruction calldata instruction) private pure returns (bytes32) {
        return _hashInstruction(instruction, instruction.legs);
    }

    /// @dev As `_hashInstruction(instruction)`, with `legs` = `instruction.legs` already read from calldata.
    function _hashInstruction(Instruction calldata instruction, Leg[] calldata legs) private pure returns (bytes32) {
        bytes32 legTypehash = _LEG_TYPEHASH;
        bytes32 legsHash;
        // Inline assembly, measured to pay (`dvp.settle`, test/settlement/Settlement.gas.test.ts): hashing each leg
        // as `keccak256(abi.encode(_LEG_TYPEHASH, leg))` through the compiler's calldata decoder and a memory array
        // cost ≈ 2,700 gas for two legs, this ≈ 300. A `Leg` is four static words, so `legs` in calldata is the
        // legs' encodings back to back: each is copied after the type hash into scratch memory past the free memory
        // pointer (not allocated, and nothing else runs meanwhile) and hashed; the leg hashes are stored after it
        // and hashed together (EIP-712's encoding of `Leg[]`). No field is validated here: callers read every field
        // through the decoder (which reverts on a malformed address) or only return the hash.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let scratch := mload(0x40)
            let hashes := add(scratch, 0xa0)
            mstore(scratch, legTypehash)
            for {
                let i := 0
            } lt(i, legs.length) {
                i := add(i, 1)
            } {
                calldatacopy(add(scratch, 0x20), add(legs.offset, shl(7, i)), 0x80)
                mstore(add(hashes, shl(5, i)), keccak256(scratch, 0xa0))
            }
            legsHash := keccak256(hashes, shl(5, legs.length))
        }
        return
            keccak256(
                abi.encode(
                    _INSTRUCTION_TYPEHASH,
                    instruction.tradeRef,
                    instruction.deadline,
                    instruction.nonce,
                    legsHash
                )
            );
    }

    function _legKey(bytes32 id, uint256 leg) private pure returns (bytes32) {
        return keccak256(abi.encode(id, leg));
    }

    function _clientHoldId(address client, bytes32 clientHoldId_) private pure returns (bytes32) {
        return keccak256(abi.encode(client, clientHoldId_));
    }

    /* INTERNAL: EXPLAINING */

    /// @dev Every leg's standing, and whether all would move.
    function _explainLegs(
        bytes32 id,
        Leg[] calldata legs,
        bytes[] calldata consents,
        uint256 heldLegs
    ) private view returns (bool ok, LegCheck[] memory checks) {
        bytes32 digest = _hashTypedDataV4(id);
        checks = new LegCheck[](legs.length);
        ok = true;
        for (uint256 i; i < legs.length; ++i) {
            _checkLegShape(i, legs[i]);
            LegCheck memory check = _explainLegCheck(id, digest, legs, i, consents, heldLegs);
            if (consents.length == 0 || consents[i].length == 0) {
                // Consent inherited from the sender's first leg: as that leg's.
                for (uint256 j; j < i; ++j) {
                    if (legs[j].from == legs[i].from) {
                        check.consented =
                            check.consented && (checks[j].consented || _directConsent(id, legs[i].from, i, heldLegs));
                        break;
                    }
                }
            }
            checks[i] = check;
            ok = ok && check.registered && check.consented && check.restriction == 0;
        }
    }

    /// @dev Whether `from` consented to leg `i` without relying on its earlier legs (signatures aside).
    function _directConsent(bytes32 id, address from, uint256 i, uint256 heldLegs) private view returns (bool) {
        return from == msg.sender || (heldLegs >> i) & 1 != 0 || _affirmed[id][from];
    }

    /// @dev Leg `i`'s standing (`explainSettlement`).
    function _explainLegCheck(
        bytes32 id,
        bytes32 digest,
        Leg[] calldata legs,
        uint256 i,
        bytes[] calldata consents,
        uint256 heldLegs
    ) private view returns (LegCheck memory check) {
        Leg calldata leg = legs[i];
        bool isHeld = (heldLegs >> i) & 1 != 0;
        check.consented = _hasConsent(id, digest, legs, i, consents, heldLegs);
        uint8 kind = _kindOf(leg.token);
        check.registered = kind != 0;
        if (!check.registered) return check;
        bytes32 holdId = _legKey(id, i);
        IHoldable.Hold memory hold = IHoldable(leg.token).holdOf(holdId);
        // As `executeHold` checks it: active, not expired, enough left (and the leg's sender's, as `prefund` placed
        // it); a receipt's, of the leg's lot. An expired hold can only be released.
        bool isReceipt = kind == _RECEIPT;
        check.held =
            hold.status == IHoldable.HoldStatus.Active &&
            block.timestamp < hold.expiry &&
            hold.holder == leg.from &&
            hold.amount >= (isReceipt ? uint128(leg.amount) : leg.amount) &&
            (!isReceipt || ICommodityReceipt(leg.token).holdLotOf(holdId) == leg.amount >> 128);
        check.restriction = isHeld && !check.held ? _HOLD_UNAVAILABLE : _explainLeg(kind, legs, i, heldLegs);
    }

    /// @dev What the legs before leg `i` take from the available balance of its sender in its token and give to it
    /// (`settle` moves them first); `perLot`: in its lot, in quantities (receipt legs). A held earlier leg takes
    /// held units, not available ones.
    function _earlierFlows(
        Leg[] calldata legs,
        uint256 i,
        uint256 heldLegs,
        bool perLot
    ) private pure returns (uint256 debited, uint256 credited) {
        Leg calldata leg = legs[i];
        for (uint256 j; j < i; ++j) {
            Leg calldata earlier = legs[j];
            if (earlier.token != leg.token || (perLot && earlier.amount >> 128 != leg.amount >> 128)) continue;
            uint256 amount = perLot ? uint128(earlier.amount) : earlier.amount;
            if (earlier.from == leg.from) {
                if ((heldLegs >> j) & 1 == 0) debited += amount;
            } else if (earlier.to == leg.from) {
                credited += amount;
            }
        }
    }

    /// @dev The restriction code `settle` would meet for leg `i`, asked of the token without sending: a security's
    /// ERC-1404 answer (for a held leg, its own pause, stop and freeze checks, then its pipeline's, since the held
    /// units are the ones to move); a coin's composed from its views in the order its transfer checks them. An
    /// unheld leg's available balance counts what the earlier legs of the instruction take from and give to its
    /// sender in the same token (a held leg moves held units, which no earlier leg touches). A receipt leg's: its
    /// sender's available units of the lot (after the earlier legs in that lot), then the market's pipeline.
    function _explainLeg(uint8 kind, Leg[] calldata legs, uint256 i, uint256 heldLegs) private view returns (uint8) {
        Leg calldata leg = legs[i];
        bool isHeld = (heldLegs >> i) & 1 != 0;
        (uint256 debited, uint256 credited) = isHeld ? (0, 0) : _earlierFlows(legs, i, heldLegs, kind == _RECEIPT);
        if (kind == _RECEIPT) return _explainReceiptLeg(leg, isHeld, debited, credited);
        if (kind == _COIN) {
            ISettlementCoin coin = ISettlementCoin(leg.token);
            if (coin.isPaused()) return uint8(Restriction.TokenPaused);
            if (coin.isFrozen(leg.from)) return uint8(Restriction.SenderFrozen);
            if (!isHeld && IHoldable(leg.token).availableBalanceOf(leg.from) + credited < leg.amount + debited) {
                return uint8(Restriction.InsufficientUnfrozenBalance);
            }
            if (coin.isFrozen(leg.to)) return uint8(Restriction.RecipientFrozen);
            if (!coin.isEligible(leg.to)) return uint8(Restriction.RecipientNotVerified);
            return 0;
        }
        ISecurityToken security = ISecurityToken(leg.token);
        if (!isHeld) {
            uint8 code = security.detectTransferRestriction(leg.from, leg.to, leg.amount);
            if ((debited | credited) == 0) return code;
            // The token's own codes before the balance (paused, stopped, frozen) stand; then the balance after the
            // earlier legs; then the pipeline.
            if (code >= uint8(Restriction.TokenPaused) && code != uint8(Restriction.InsufficientUnfrozenBalance)) {
                return code;
            }
            if (IHoldable(leg.token).availableBalanceOf(leg.from) + credited < leg.amount + debited) {
                return uint8(Restriction.InsufficientUnfrozenBalance);
            }
            if (code != uint8(Restriction.InsufficientUnfrozenBalance)) return code;
            return security.compliance().detectTransferRestriction(leg.token, leg.from, leg.to, leg.amount);
        }
        if (security.paused()) return uint8(Restriction.TokenPaused);
        if (security.transfersStopped()) return uint8(Restriction.TransfersStopped);
        if (security.isFrozen(leg.from)) return uint8(Restriction.SenderFrozen);
        if (security.isFrozen(leg.to)) return uint8(Restriction.RecipientFrozen);
        return security.compliance().detectTransferRestriction(leg.token, leg.from, leg.to, leg.amount);
    }

    /// @dev A receipt leg's restriction code (`_explainLeg`): none for a lot amount without quantity, too few
    /// available units of its lot, else the pipeline's answer for its quantity.
    function _explainReceiptLeg(
        Leg calldata leg,
        bool isHeld,
        uint256 debited,
        uint256 credited
    ) private view returns (uint8) {
        ICommodityReceipt receipt = ICommodityReceipt(leg.token);
        uint256 quantity = uint128(leg.amount);
        // A lot amount without quantity: the receipt refuses it (`CommodityReceiptInvalidQuantity`).
        if (quantity == 0) return _UNCLASSIFIED;
        if (!isHeld && receipt.availableOf(leg.from, leg.amount >> 128) + credited < quantity + debited) {
            return uint8(Restriction.InsufficientUnfrozenBalance);
        }
        return receipt.compliance().detectTransferRestriction(leg.token, leg.from, leg.to, quantity);
    }

    /// @dev Maps a token's revert data to a restriction code: the securities' and the coin's known errors (their
    /// `_revertOwn` and `_move`), the hold errors (`_HOLD_UNAVAILABLE`), anything else `_UNCLASSIFIED`.
    function _restrictionOf(bytes memory reason, address from, address to) private pure returns (uint8) {
        if (reason.length < 4) return _UNCLASSIFIED;
        bytes4 selector = bytes4(reason);
        if (
            selector == ISecurityTokenOperations.SecurityTokenPaused.selector ||
            selector == ISettlementCoin.SettlementCoinPaused.selector
        ) return uint8(Restriction.TokenPaused);
        if (selector == ISecurityTokenOperations.SecurityTokenTransfersStopped.selector) {
            return uint8(Restriction.TransfersStopped);
        }
        if (
            selector == IERC20Errors.ERC20InsufficientBalance.selector ||
            selector == ISecurityTokenOperations.SecurityTokenInsufficientUnfrozenBalance.selector ||
            selector == IHoldable.HoldableInsufficientAvailableBalance.selector ||
            selector == IERC1155Errors.ERC1155InsufficientBalance.selector ||
            selector == ICommodityReceiptTypes.CommodityReceiptInsufficientAvailable.selector
        ) return uint8(Restriction.InsufficientUnfrozenBalance);
        if (
            selector == IHoldable.HoldableHoldNotActive.selector ||
            selector == IHoldable.HoldableHoldExpired.selector ||
            selector == IHoldable.HoldableExceedsHold.selector ||
            selector == ICommodityReceiptTypes.CommodityReceiptWrongLot.selector
        ) return _HOLD_UNAVAILABLE;
        if (reason.length < 36) return _UNCLASSIFIED;
        bytes memory args = Bytes.slice(reason, 4);
        if (
            selector == ISecurityTokenOperations.SecurityTokenAddressFrozen.selector ||
            selector == ISettlementCoin.SettlementCoinAccountFrozen.selector
        ) {
            address account = abi.decode(args, (address));
            if (account == from) return uint8(Restriction.SenderFrozen);
            return account == to ? uint8(Restriction.RecipientFrozen) : _UNCLASSIFIED;
        }
        if (
            selector == ISettlementCoin.SettlementCoinIneligibleHolder.selector ||
            selector == ISecurityTokenOperations.SecurityTokenRecipientNotVerified.selector ||
            selector == IERC20Errors.ERC20InvalidReceiver.selector ||
            selector == IERC1155Errors.ERC1155InvalidReceiver.selector
        ) return uint8(Restriction.RecipientNotVerified);
        if (
            (selector == ISecurityTokenOperations.SecurityTokenTransferRestricted.selector ||
                selector == ICommodityReceiptTypes.CommodityReceiptTransferRestricted.selector) && args.length >= 128
        ) {
            (, , , uint256 code) = abi.decode(args, (address, address, uint256, uint256));
            return code < _HOLD_UNAVAILABLE ? uint8(code) : _UNCLASSIFIED;
        }
        return _UNCLASSIFIED;
    }
}
