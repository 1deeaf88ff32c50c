// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";
import {IComplianceSubject} from "../compliance/IComplianceSubject.sol";
import {ICompliance} from "../compliance/ICompliance.sol";
import {IIdentityRegistry} from "../identity/IIdentityRegistry.sol";
import {ICommodityReceiptTypes} from "./ICommodityReceiptTypes.sol";
import {IERC1643} from "./IERC1643.sol";
import {IHoldable} from "./IHoldable.sol";
import {ISecurityTokenOperations} from "./ISecurityTokenOperations.sol";
import {ProductType} from "../../types/ProductType.sol";

/// @title ICommodityReceipt
/// @notice Warehouse receipts of one commodity market (e.g. "copper cathode, LME grade A"), an asset of product type
/// `CommodityReceipt` issued by the AssetFactory: an ERC-1155 contract whose token ids are lots. The market's
/// compliance configuration in the alliance's pipeline (the asset is this contract) is its rule set: every
/// transfer, issue and enforcement asks it, and `ICompliance.explainTransfer(receipt, …)` /
/// `detectTransferRestriction` say why one is refused. Quantities are integers in the lot's unit.
///
/// Lots. A custodian member (CUSTODIAN role, not suspended) issues a lot on deposit of goods in its warehouse to
/// a verified owner (`issueLot`, checked as a mint). A lot's data (`lot`, `specOf`) never changes once issued;
/// its outstanding quantity (`totalSupply(id)`) falls as units are delivered, split away or corrected. A correction
/// (`reissueLot`) burns the whole old lot and issues a new one of the same quantity and holder, linked both ways
/// (`successorOf`, `Lot.origin`). `split` and `merge` are the holder's own acts: they burn quantity of lots and
/// issue new lots of the same specification (`Lot.specId`) to the same holder, conserving quantity.
///
/// Encumbrances. Units of a lot a holder owns may be pledged (pledge registry), requested for delivery, or held
/// for a settlement (`placeHold`): they stay the holder's in `balanceOf`, but only the rest
/// (`availableOf`) can be transferred, split, merged, pledged, requested for delivery or held again.
///
/// Pledges. An owner pledges units of a lot to a lender (`pledge`); the lender releases them (`releasePledge`) or,
/// on default, enforces the pledge (`enforcePledge`): the pledged units move to the lender by the checked transfer
/// path, so the lender must be eligible to hold the market (a bank is registered as an investor like any holder).
/// `hasExclusivePledge(lender, id)` proves on chain that no one else holds an active pledge on the lot.
///
/// Delivery. The owner requests delivery of units (`requestDelivery`; the storage fee, if configured, is escrowed
/// then); the lot's custodian confirms the goods left (`confirmDelivery`: units burned, fee to the custodian) or
/// rejects with a reason (`rejectDelivery`: units unlocked, fee refunded).
///
/// Settlement. The settlement engine (`settlementEngine`) is the notary: it moves units in a DvP leg
/// (`settlementTransfer`) and holds them for a prefunded leg or a gateway trade (`placeHold`, `executeHold`,
/// `releaseHold`), with `IHoldable`'s selectors and semantics, so that receipts settle through the same engine,
/// hold desk and gateway as the ERC-20 assets. Where those carry one amount per leg, a receipt's names the lot too:
/// a *lot amount* is `id << 128 | quantity` (`sdk/products/receipt.ts` `lotAmount`), so a signed instruction or
/// gateway trade commits to the lot as well as to the quantity.
/// @dev Invariants:
/// - R1: for every lot, `totalSupply(id)` = Σ holders' `balanceOf(holder, id)` ≤ `lot(id).quantity`.
/// - R2: for every (lot, holder), pledged + delivery-locked + settlement-held units = `heldOf(holder, id)` ≤
///   `balanceOf(holder, id)`; `pledgedOf(id, holder)` = Σ of its Active pledges' quantities on the lot.
/// - R3: a wallet's `lotsHeldBy` = the number of lots it has a non-zero balance of, and (where tracked) its
///   `quantityOf` = Σ over lots of its balances; `holderCount` counts distinct investors holding a lot (as
///   `IComplianceSubject` defines investors).
/// - R4: issued quantity = outstanding + delivered + corrected away (reissues conserve quantity; splits and merges
///   conserve it across their lots).
interface ICommodityReceipt is ICommodityReceiptTypes, IERC1155MetadataURI, IComplianceSubject {
    /* INITIALIZATION */

    /// @notice Initializes a market's proxy in the factory's one shape (`ISecurityToken.initialize`): the
    /// authority, the instrument (name, symbol; `securityCode` holds the commodity code's first 12 bytes and is
    /// informative; `decimals` is 0), no documents, and `abi.encode(commodityCode, Terms)` as `terms`.
    function initialize(
        address authority,
        ISecurityTokenOperations.Instrument calldata instrument,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external;

    /* PLEDGES */

    /// @notice Pledges `quantity` of the caller's available units of lot `id` to `lender` (not suspended,
    /// verified in the identity registry, not the caller).
    /// @custom:access the holder (public)
    function pledge(uint256 id, address lender, uint256 quantity) external returns (uint256 pledgeId);

    /// @notice The lender releases pledge `pledgeId`: its units become available to their owner again.
    /// @custom:access the pledge's lender (public in the table; checked here)
    function releasePledge(uint256 pledgeId) external;

    /// @notice The lender enforces pledge `pledgeId` on default: the pledged units move to it, by the checked path.
    /// @dev Warning: the compliance pipeline judges the move as a transfer; while it refuses (a halt, a cap, the
    /// lender not eligible) the pledge stays Active and the units stay locked.
    /// @custom:access the pledge's lender, not suspended (public in the table; checked here)
    function enforcePledge(uint256 pledgeId) external;

    /* SETTLEMENT (IHoldable's selectors with lot amounts `id << 128 | quantity`; the engine is the notary) */

    /// @notice Holds `quantity` of `holder`'s available units of lot `id` until `expiry` for a settlement, where
    /// `lotAmount` is `id << 128 | quantity`.
    /// @custom:access the settlement engine (checked here)
    function placeHold(bytes32 holdId, address holder, uint256 lotAmount, uint48 expiry) external;

    /// @notice Moves `amount` of hold `holdId`'s units to `to` by the checked transfer path. `amount` is a
    /// quantity, or a lot amount of the hold's lot (`id << 128 | quantity`, as a settlement leg carries it); a lot
    /// amount of another lot is refused (`CommodityReceiptWrongLot`).
    /// @custom:access the settlement engine (checked here)
    function executeHold(bytes32 holdId, address to, uint256 amount) external;

    /// @notice Moves `quantity` of `from`'s available units of lot `id` to `to` by the checked transfer path (a
    /// settlement leg), where `lotAmount` is `id << 128 | quantity`; the recipient's ERC-1155 acceptance is asked.
    /// @custom:access the settlement engine (checked here)
    function settlementTransfer(address from, address to, uint256 lotAmount) external;

    /// @notice Releases what remains of hold `holdId`: the engine any time, anyone once expired.
    /// @custom:access the settlement engine, or anyone once expired
    function releaseHold(bytes32 holdId) external;

    /// @notice Cancels hold `holdId` for `reason` (what an officer does before acting on held units).
    /// @custom:access REGULATOR
    function cancelHold(bytes32 holdId, bytes32 reason) external;

    /* VIEWS */

    /// @notice Lot `id` (reverts for an unknown lot).
    function lot(uint256 id) external view returns (Lot memory);

    /// @notice The lot that corrected lot `id` (0 if none).
    function successorOf(uint256 id) external view returns (uint256);

    /// @notice How many lots were ever issued (ids run from 1).
    function lotCount() external view returns (uint256);

    /// @notice Lot `id`'s outstanding quantity.
    function totalSupply(uint256 id) external view returns (uint256);

    /// @notice `holder`'s units of lot `id` that are pledged, locked for delivery or held for a settlement.
    function heldOf(address holder, uint256 id) external view returns (uint256);

    /// @notice `holder`'s units of lot `id` free of every encumbrance.
    function availableOf(address holder, uint256 id) external view returns (uint256);

    /// @notice `wallet`'s quantity across every lot (reverts with `CommodityReceiptQuantitiesNotTracked` unless the
    /// market tracks quantities).
    function quantityOf(address wallet) external view returns (uint256);

    /// @notice How many lots `wallet` holds units of.
    function lotsHeldBy(address wallet) external view returns (uint256);

    /// @notice Whether the market keeps each wallet's quantity (`Terms.trackQuantities`).
    function tracksQuantities() external view returns (bool);

    /// @notice Pledge `pledgeId`.
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory);

    /// @notice Every pledge ever made on lot `id`, in order.
    function pledgesOfLot(uint256 id) external view returns (uint256[] memory);

    /// @notice `owner`'s units of lot `id` under Active pledges.
    function pledgedOf(uint256 id, address owner) external view returns (uint256);

    /// @notice Whether pledge `pledgeId` is Active and its lender holds every Active pledge on its lot.
    function isSolePledgee(uint256 pledgeId) external view returns (bool);

    /// @notice Whether `lender` holds an Active pledge on lot `id` and nobody else does.
    function hasExclusivePledge(address lender, uint256 id) external view returns (bool);

    /// @notice Settlement hold `holdId` (`IHoldable.holdOf`'s shape; its quantities are units of its lot).
    function holdOf(bytes32 holdId) external view returns (IHoldable.Hold memory);

    /// @notice The lot settlement hold `holdId` holds units of (0: no such hold).
    function holdLotOf(bytes32 holdId) external view returns (uint256);

    /// @notice `ProductType.CommodityReceipt` (the factory checks an implementation's type with it).
    function productType() external pure returns (ProductType);

    /// @notice The market's commodity code.
    function commodityCode() external view returns (bytes32);

    /// @notice The compliance pipeline every change asks.
    function compliance() external view returns (ICompliance);

    /// @notice The identity registry the pipeline applies.
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice The settlement engine, notary of the holds.
    function settlementEngine() external view returns (address);

    /// @notice How many wallets hold a non-zero quantity.
    function holdingWalletCount() external view returns (uint256);
}
