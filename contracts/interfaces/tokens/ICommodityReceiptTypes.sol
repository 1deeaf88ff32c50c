// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {Restriction} from "../../types/Restriction.sol";

/// @title ICommodityReceiptTypes
/// @notice The structs, events and errors of commodity warehouse receipts (`ICommodityReceipt`, the asset's main
/// surface, and `ICommodityReceiptLots`, the lot lifecycle its module runs): see `ICommodityReceipt` for the model.
interface ICommodityReceiptTypes {
    /// @notice What a lot is: the specification a deposit carries and its descendants share.
    /// @param commodityCode The market's commodity code (e.g. a bytes32 of "CU-CATH-A").
    /// @param gradeHash Hash of the grade/specification document.
    /// @param unit The unit quantities count (e.g. "kg", "t", "oz"), as a short ASCII string.
    /// @param warehouse The custodian member holding the goods.
    /// @param locationCode The location within the warehouse network (e.g. a UN/LOCODE and bay).
    /// @param certificateHash Hash of the inspection certificate.
    /// @param storageExpiry When the storage agreement ends.
    struct LotSpec {
        bytes32 commodityCode;
        bytes32 gradeHash;
        bytes6 unit;
        address warehouse;
        bytes32 locationCode;
        bytes32 certificateHash;
        uint48 storageExpiry;
    }

    /// @notice How a lot came to be.
    enum LotOrigin {
        None,
        Deposit,
        Reissue,
        Split,
        Merge
    }

    /// @notice A lot as issued (immutable), with its outstanding quantity.
    /// @param specId `keccak256(abi.encode(spec))`: lots with the same id share their specification (mergeable).
    /// @param quantity The quantity issued.
    /// @param supply The quantity still outstanding (`totalSupply(id)`).
    /// @param depositedAt When the goods were deposited (inherited by reissued, split and merged lots).
    /// @param origin How it was issued.
    /// @param parent The lot it was reissued or split from (the first of a merge's lots; 0 for a deposit).
    struct Lot {
        bytes32 specId;
        uint96 quantity;
        uint96 supply;
        uint48 depositedAt;
        LotOrigin origin;
        uint64 parent;
    }

    /// @notice A pledge's state.
    enum PledgeState {
        None,
        Active,
        Released,
        Enforced
    }

    /// @notice A pledge of `quantity` units of lot `lotId` by `owner` to `lender`.
    struct Pledge {
        address owner;
        uint64 lotId;
        PledgeState state;
        address lender;
        uint96 quantity;
    }

    /// @notice A delivery request's state.
    enum DeliveryState {
        None,
        Requested,
        Confirmed,
        Rejected
    }

    /// @notice A delivery request of `quantity` units of lot `lotId` by `owner`, with the storage fee `fee` of
    /// `coin` escrowed (the coin configured when it was requested).
    struct Delivery {
        address owner;
        uint64 lotId;
        DeliveryState state;
        uint96 quantity;
        address coin;
        uint256 fee;
    }

    /// @notice The market's terms, `abi.encode`d as the factory's `terms`.
    /// @param uri The ERC-1155 metadata URI (`{id}` substituted by clients).
    /// @param feeCoin The coin storage fees are paid in (zero: no fees).
    /// @param feePerUnitPerDay The storage fee per unit of the lot and started day since deposit.
    /// @param trackQuantities Keep each wallet's quantity across lots (`quantityOf`, `investorBalanceOf`): needed
    /// for a per-investor balance cap (without it `investorBalanceOf` reverts and a cap refuses every transfer);
    /// costs two more storage writes per transfer. Fixed at issue.
    struct Terms {
        string uri;
        address feeCoin;
        uint256 feePerUnitPerDay;
        bool trackQuantities;
    }

    /* EVENTS */

    /// @notice Lot `id` was issued to `owner` (`origin`), with specification `specId`; `parent` as in `Lot`.
    event LotIssued(
        uint256 indexed id,
        address indexed owner,
        bytes32 indexed specId,
        uint256 quantity,
        LotOrigin origin,
        uint256 parent
    );

    /// @notice Specification `specId` was recorded (once, with the first lot that carries it).
    event LotSpecRecorded(bytes32 indexed specId, LotSpec spec);

    /// @notice Lot `oldId` was corrected: burned and replaced by lot `newId` by `custodian`, for `reason`.
    event LotReissued(uint256 indexed oldId, uint256 indexed newId, address indexed custodian, bytes32 reason);

    /// @notice `owner` split `quantity` units of lot `id` into lots `newIds`.
    event LotSplit(uint256 indexed id, address indexed owner, uint256 quantity, uint256[] newIds);

    /// @notice `owner` merged its whole holdings of lots `ids` into lot `newId`.
    event LotsMerged(uint256[] ids, address indexed owner, uint256 indexed newId, uint256 quantity);

    /// @notice `owner` pledged `quantity` units of lot `lotId` to `lender`.
    event Pledged(
        uint256 indexed pledgeId,
        uint256 indexed lotId,
        address indexed owner,
        address lender,
        uint256 quantity
    );

    /// @notice The lender released pledge `pledgeId`.
    event PledgeReleased(uint256 indexed pledgeId, uint256 indexed lotId, address indexed lender, uint256 quantity);

    /// @notice The lender enforced pledge `pledgeId`: `quantity` units moved from `owner` to it.
    event PledgeEnforced(
        uint256 indexed pledgeId,
        uint256 indexed lotId,
        address indexed lender,
        address owner,
        uint256 quantity
    );

    /// @notice `owner` requested delivery of `quantity` units of lot `lotId`, escrowing `fee` of the fee coin.
    event DeliveryRequested(
        uint256 indexed requestId,
        uint256 indexed lotId,
        address indexed owner,
        uint256 quantity,
        uint256 fee
    );

    /// @notice The custodian confirmed the goods left the warehouse: the units are burned.
    event DeliveryConfirmed(uint256 indexed requestId, uint256 indexed lotId, address indexed custodian);

    /// @notice The custodian rejected the request for `reason`: the units are unlocked, the fee refunded.
    event DeliveryRejected(uint256 indexed requestId, uint256 indexed lotId, address indexed custodian, bytes32 reason);

    /// @notice The storage fee was set: `feePerUnitPerDay` of `coin` (zero coin: no fees).
    event StorageFeeSet(address indexed coin, uint256 feePerUnitPerDay);

    /// @notice Settlement hold `holdId` (its `IHoldable.HoldPlaced` beside) holds units of lot `lotId`.
    event LotHoldPlaced(bytes32 indexed holdId, uint256 indexed lotId);

    /* ERRORS */

    /// @notice The compliance pipeline refused the change (`code`: see `ICompliance.explainTransfer`).
    error CommodityReceiptTransferRestricted(address from, address to, uint256 quantity, Restriction code);
    /// @notice `holder` has only `available` unencumbered units of lot `id`, `needed` are.
    error CommodityReceiptInsufficientAvailable(address holder, uint256 id, uint256 available, uint256 needed);
    /// @notice Hold `holdId` holds units of lot `heldLot`; the lot amount to execute named lot `lotId`.
    error CommodityReceiptWrongLot(bytes32 holdId, uint256 lotId, uint256 heldLot);
    /// @notice Lot `id` was never issued.
    error CommodityReceiptUnknownLot(uint256 id);
    /// @notice `caller` is not the custodian (warehouse) of lot `id`, `custodian` is.
    error CommodityReceiptNotCustodian(address caller, uint256 id, address custodian);
    /// @notice `member` is suspended in the alliance: it has no powers.
    error CommodityReceiptSuspendedMember(address member);
    /// @notice A lot specification is incomplete (zero commodity, unit, warehouse, or a past storage expiry).
    error CommodityReceiptInvalidSpec(LotSpec spec);
    /// @notice The spec's commodity is not this market's (`expected`).
    error CommodityReceiptWrongCommodity(bytes32 commodityCode, bytes32 expected);
    /// @notice A quantity is zero or above the 80-bit bound (or a wallet would hold more than 2^32 − 1 lots).
    error CommodityReceiptInvalidQuantity(uint256 quantity);
    /// @notice Lot `id`'s outstanding quantity is not all with one holder free of encumbrances (a correction needs).
    error CommodityReceiptNotCorrectable(uint256 id);
    /// @notice Lots `id` and `other` do not share their specification (`specId`).
    error CommodityReceiptSpecMismatch(uint256 id, uint256 other);
    /// @notice A merge needs at least two distinct lots, in strictly increasing order.
    error CommodityReceiptInvalidMerge(uint256[] ids);
    /// @notice A split needs at least one quantity.
    error CommodityReceiptEmptySplit(uint256 id);
    /// @notice `lender` cannot take a pledge from `owner` (zero, the owner itself, or not verified).
    error CommodityReceiptInvalidLender(address owner, address lender);
    /// @notice Pledge `pledgeId` is not Active (`state`).
    error CommodityReceiptPledgeNotActive(uint256 pledgeId, PledgeState state);
    /// @notice `caller` is not pledge `pledgeId`'s lender (`lender`).
    error CommodityReceiptNotLender(address caller, uint256 pledgeId, address lender);
    /// @notice Delivery request `requestId` is not pending (`state`).
    error CommodityReceiptDeliveryNotPending(uint256 requestId, DeliveryState state);
    /// @notice The initial documents are not supported for receipts (the lot specs carry their hashes).
    error CommodityReceiptDocumentsUnsupported(uint256 count);
    /// @notice The compliance pipeline serves another identity registry than the one given.
    error CommodityReceiptRegistryMismatch(address complianceRegistry, address identityRegistry);
    /// @notice This market does not track quantities per wallet (`Terms.trackQuantities`).
    error CommodityReceiptQuantitiesNotTracked();
    /// @notice A zero address where one is needed.
    error CommodityReceiptInvalidAddress(address account);
    /// @notice A fee coin without a fee, or a fee without a coin.
    error CommodityReceiptInvalidFee(address coin, uint256 feePerUnitPerDay);
}
