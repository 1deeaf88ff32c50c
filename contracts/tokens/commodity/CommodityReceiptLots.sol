// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {ERC1155Utils} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Utils.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ICommodityReceiptLots} from "../../interfaces/tokens/ICommodityReceiptLots.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {ProductType} from "../../types/ProductType.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {CommodityReceiptCore} from "./CommodityReceiptCore.sol";

/// @title CommodityReceiptLots
/// @notice The lot lifecycle of every commodity receipt market — issue on deposit, correction, split, merge,
/// delivery, the storage fee — and its instrument views, in one module that the receipt implementation creates in
/// its constructor and reaches by `delegatecall` from its fallback (`CommodityReceipt`).
/// @dev Runs only in a receipt proxy's context (storage, `address(this)`, `msg.sender` and `msg.data` are the proxy
/// call's): called directly it acts on its own empty storage and its initializers are disabled. Its `restricted`
/// functions check the caller against the authority for the proxy and the original selector, exactly as if the
/// receipt ran them. Why a module: the receipt's code at 200 optimizer runs is ≈ 29.5 kB in one contract, above
/// EIP-170; these functions are off the transfer path and cost one cold call (≈ 2.6 k gas) more here.
contract CommodityReceiptLots is CommodityReceiptCore, ICommodityReceiptLots {
    using SafeERC20 for IERC20;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_
    ) CommodityReceiptCore(compliance_, identityRegistry_, settlementEngine_) {}

    /* INITIALIZATION */

    /// @inheritdoc ICommodityReceiptLots
    function initializeMarket(
        ISecurityTokenOperations.Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external onlyInitializing {
        require(documents.length == 0, CommodityReceiptDocumentsUnsupported(documents.length));
        (bytes32 code, Terms memory t) = abi.decode(terms, (bytes32, Terms));
        require(code != bytes32(0), CommodityReceiptWrongCommodity(code, bytes32(0)));
        CommodityReceiptStorage storage $ = _getStorage();
        $.instrument = instrument_;
        $.commodityCode = code;
        $.uri = t.uri;
        emit ISecurityTokenOperations.InstrumentSet(ProductType.CommodityReceipt, instrument_.issuer, instrument_);
        if (t.feeCoin != address(0) || t.feePerUnitPerDay != 0) _setStorageFee($, t.feeCoin, t.feePerUnitPerDay);
        // The proxy's implementation slot (the hot flags' home) was set before this initializer ran.
        if (t.trackQuantities) HotFlagsLib.write(HotFlagsLib.read() | _TRACKED_FLAG);
    }

    /* LOTS */

    /// @inheritdoc ICommodityReceiptLots
    function issueLot(LotSpec calldata spec, uint256 quantity, address owner) external restricted returns (uint256 id) {
        _requireActiveCustodian(spec.warehouse);
        CommodityReceiptStorage storage $ = _getStorage();
        _requireSpec($, spec);
        _requireQuantity(quantity);
        require(owner != address(0), IERC1155Errors.ERC1155InvalidReceiver(address(0)));
        id = _newLot($, _recordSpec($, spec), quantity, uint48(block.timestamp), LotOrigin.Deposit, 0, owner);
        _update(address(0), owner, id, quantity, Check.Issue);
        emit IERC1155.TransferSingle(msg.sender, address(0), owner, id, quantity);
        ERC1155Utils.checkOnERC1155Received(msg.sender, address(0), owner, id, quantity, "");
    }

    /// @inheritdoc ICommodityReceiptLots
    function reissueLot(
        uint256 id,
        address holder,
        LotSpec calldata spec,
        bytes32 reason
    ) external restricted returns (uint256 newId) {
        CommodityReceiptStorage storage $ = _getStorage();
        Lot memory old = _lot($, id);
        _requireActiveCustodian($.specs[old.specId].warehouse);
        require(spec.warehouse == msg.sender, CommodityReceiptNotCustodian(spec.warehouse, id, msg.sender));
        _requireSpec($, spec);
        uint256 position = $.positions[id][holder];
        // The holder has the whole outstanding quantity, none of it held (the memo bits aside).
        require(
            old.supply != 0 && position & ~_MEMO_MASK == old.supply && $.successors[id] == 0,
            CommodityReceiptNotCorrectable(id)
        );
        // The holder keeps the same quantity: no wallet's quantity changes, nothing to ask the pipeline.
        _burnPosition($, holder, id, old.supply);
        newId = _newLot($, _recordSpec($, spec), old.supply, old.depositedAt, LotOrigin.Reissue, id, holder);
        _mintPosition($, holder, newId, old.supply);
        $.successors[id] = newId;
        emit LotReissued(id, newId, msg.sender, reason);
        emit IERC1155.TransferSingle(msg.sender, holder, address(0), id, old.supply);
        emit IERC1155.TransferSingle(msg.sender, address(0), holder, newId, old.supply);
        ERC1155Utils.checkOnERC1155Received(msg.sender, address(0), holder, newId, old.supply, "");
    }

    /// @inheritdoc ICommodityReceiptLots
    function split(uint256 id, uint256[] calldata quantities) external returns (uint256[] memory newIds) {
        require(quantities.length != 0, CommodityReceiptEmptySplit(id));
        CommodityReceiptStorage storage $ = _getStorage();
        Lot memory parent = _lot($, id);
        uint256 total;
        for (uint256 i = 0; i < quantities.length; ++i) {
            _requireQuantity(quantities[i]);
            total += quantities[i];
        }
        _requireAvailable($, msg.sender, id, total);
        _burnPosition($, msg.sender, id, total);
        newIds = new uint256[](quantities.length);
        for (uint256 i = 0; i < quantities.length; ++i) {
            uint256 newId = _newLot(
                $,
                parent.specId,
                quantities[i],
                parent.depositedAt,
                LotOrigin.Split,
                id,
                msg.sender
            );
            _mintPosition($, msg.sender, newId, quantities[i]);
            newIds[i] = newId;
        }
        emit LotSplit(id, msg.sender, total, newIds);
        emit IERC1155.TransferSingle(msg.sender, msg.sender, address(0), id, total);
        emit IERC1155.TransferBatch(msg.sender, address(0), msg.sender, newIds, quantities);
        ERC1155Utils.checkOnERC1155BatchReceived(msg.sender, address(0), msg.sender, newIds, quantities, "");
    }

    /// @inheritdoc ICommodityReceiptLots
    function merge(uint256[] calldata ids) external returns (uint256 newId) {
        require(ids.length >= 2, CommodityReceiptInvalidMerge(ids));
        CommodityReceiptStorage storage $ = _getStorage();
        Lot memory first = _lot($, ids[0]);
        uint256[] memory values = new uint256[](ids.length);
        uint256 total;
        uint48 depositedAt = first.depositedAt;
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            require(i == 0 || id > ids[i - 1], CommodityReceiptInvalidMerge(ids));
            Lot memory entry = _lot($, id);
            require(entry.specId == first.specId, CommodityReceiptSpecMismatch(ids[0], id));
            uint256 position = $.positions[id][msg.sender];
            uint256 balance = position & _QUANTITY_MASK;
            require(
                balance != 0 && _heldIn(position) == 0,
                CommodityReceiptInsufficientAvailable(msg.sender, id, balance - _heldIn(position), balance)
            );
            _burnPosition($, msg.sender, id, balance);
            values[i] = balance;
            total += balance;
            // The merged lot's storage began with its oldest deposit (fees are charged from then).
            if (entry.depositedAt < depositedAt) depositedAt = entry.depositedAt;
        }
        _requireQuantity(total);
        newId = _newLot($, first.specId, total, depositedAt, LotOrigin.Merge, ids[0], msg.sender);
        _mintPosition($, msg.sender, newId, total);
        emit LotsMerged(ids, msg.sender, newId, total);
        emit IERC1155.TransferBatch(msg.sender, msg.sender, address(0), ids, values);
        emit IERC1155.TransferSingle(msg.sender, address(0), msg.sender, newId, total);
        ERC1155Utils.checkOnERC1155Received(msg.sender, address(0), msg.sender, newId, total, "");
    }

    /* DELIVERY */

    /// @inheritdoc ICommodityReceiptLots
    function requestDelivery(uint256 id, uint256 quantity) external returns (uint256 requestId) {
        _requireQuantity(quantity);
        CommodityReceiptStorage storage $ = _getStorage();
        Lot memory entry = _lot($, id);
        _hold($, msg.sender, id, quantity);
        address coin = $.feeCoin;
        uint256 fee;
        if (coin != address(0)) {
            // Whole days started since the deposit, at least one.
            uint256 day = 1 days;
            uint256 daysStored = (block.timestamp - entry.depositedAt + day - 1) / day;
            fee = quantity * $.feePerUnitPerDay * (daysStored == 0 ? 1 : daysStored);
        }
        requestId = ++$.deliveryCount;
        $.deliveries[requestId] = Delivery(
            msg.sender,
            uint64(id),
            DeliveryState.Requested,
            uint96(quantity),
            coin,
            fee
        );
        emit DeliveryRequested(requestId, id, msg.sender, quantity, fee);
        if (fee != 0) IERC20(coin).safeTransferFrom(msg.sender, address(this), fee);
    }

    /// @inheritdoc ICommodityReceiptLots
    function confirmDelivery(uint256 requestId) external restricted {
        CommodityReceiptStorage storage $ = _getStorage();
        Delivery memory d = _pendingDelivery($, requestId);
        address custodian = _requireLotCustodian($, d.lotId);
        $.deliveries[requestId].state = DeliveryState.Confirmed;
        _unhold($, d.owner, d.lotId, d.quantity);
        _update(d.owner, address(0), d.lotId, d.quantity, Check.None);
        emit DeliveryConfirmed(requestId, d.lotId, custodian);
        emit IERC1155.TransferSingle(msg.sender, d.owner, address(0), d.lotId, d.quantity);
        if (d.fee != 0) IERC20(d.coin).safeTransfer(custodian, d.fee);
    }

    /// @inheritdoc ICommodityReceiptLots
    function rejectDelivery(uint256 requestId, bytes32 reason) external restricted {
        CommodityReceiptStorage storage $ = _getStorage();
        Delivery memory d = _pendingDelivery($, requestId);
        address custodian = _requireLotCustodian($, d.lotId);
        $.deliveries[requestId].state = DeliveryState.Rejected;
        _unhold($, d.owner, d.lotId, d.quantity);
        emit DeliveryRejected(requestId, d.lotId, custodian, reason);
        if (d.fee != 0) IERC20(d.coin).safeTransfer(d.owner, d.fee);
    }

    /// @inheritdoc ICommodityReceiptLots
    function setStorageFee(address coin, uint256 feePerUnitPerDay) external restricted {
        _setStorageFee(_getStorage(), coin, feePerUnitPerDay);
    }

    /* VIEWS */

    /// @inheritdoc ICommodityReceiptLots
    function specOf(uint256 id) external view returns (LotSpec memory) {
        CommodityReceiptStorage storage $ = _getStorage();
        return $.specs[_lot($, id).specId];
    }

    /// @inheritdoc ICommodityReceiptLots
    function deliveryOf(uint256 requestId) external view returns (Delivery memory) {
        return _getStorage().deliveries[requestId];
    }

    /// @inheritdoc ICommodityReceiptLots
    function storageFee() external view returns (address coin, uint256 feePerUnitPerDay) {
        CommodityReceiptStorage storage $ = _getStorage();
        return ($.feeCoin, $.feePerUnitPerDay);
    }

    /// @inheritdoc ICommodityReceiptLots
    function instrument() external view returns (ISecurityTokenOperations.Instrument memory) {
        return _getStorage().instrument;
    }

    /* INTERNAL */

    /// @dev Delivery request `requestId`, which must be pending.
    function _pendingDelivery(
        CommodityReceiptStorage storage $,
        uint256 requestId
    ) private view returns (Delivery memory d) {
        d = $.deliveries[requestId];
        require(d.state == DeliveryState.Requested, CommodityReceiptDeliveryNotPending(requestId, d.state));
    }

    /// @dev Reverts unless the caller is `warehouse` and not suspended (its CUSTODIAN role `restricted` checked).
    function _requireActiveCustodian(address warehouse) private view {
        require(msg.sender == warehouse, CommodityReceiptNotCustodian(msg.sender, 0, warehouse));
        require(!_authority().isMemberSuspended(msg.sender), CommodityReceiptSuspendedMember(msg.sender));
    }

    /// @dev Reverts unless the caller is lot `id`'s warehouse, not suspended; returns it.
    function _requireLotCustodian(CommodityReceiptStorage storage $, uint256 id) private view returns (address) {
        address warehouse = $.specs[$.lots[id].specId].warehouse;
        require(msg.sender == warehouse, CommodityReceiptNotCustodian(msg.sender, id, warehouse));
        require(!_authority().isMemberSuspended(msg.sender), CommodityReceiptSuspendedMember(msg.sender));
        return warehouse;
    }

    /// @dev Reverts unless `spec` is complete, of this market, and stored beyond now.
    function _requireSpec(CommodityReceiptStorage storage $, LotSpec calldata spec) private view {
        require(
            spec.unit != bytes6(0) && spec.warehouse != address(0) && spec.storageExpiry > block.timestamp,
            CommodityReceiptInvalidSpec(spec)
        );
        require(
            spec.commodityCode == $.commodityCode,
            CommodityReceiptWrongCommodity(spec.commodityCode, $.commodityCode)
        );
    }

    /// @dev Records `spec` under its id unless recorded; returns the id.
    function _recordSpec(CommodityReceiptStorage storage $, LotSpec calldata spec) private returns (bytes32 specId) {
        specId = keccak256(abi.encode(spec));
        if ($.specs[specId].warehouse == address(0)) {
            $.specs[specId] = spec;
            emit LotSpecRecorded(specId, spec);
        }
    }

    /// @dev Records a new lot (supply set for a split, merge or correction, whose positions are written directly;
    /// an issue's supply is raised by `_update`) and emits `LotIssued`.
    function _newLot(
        CommodityReceiptStorage storage $,
        bytes32 specId,
        uint256 quantity,
        uint48 depositedAt,
        LotOrigin origin,
        uint256 parent,
        address owner
    ) private returns (uint256 id) {
        id = ++$.lotCount;
        $.lots[id] = Lot(
            specId,
            uint96(quantity),
            origin == LotOrigin.Deposit ? 0 : uint96(quantity),
            depositedAt,
            origin,
            uint64(parent)
        );
        emit LotIssued(id, owner, specId, quantity, origin, parent);
    }

    function _setStorageFee(CommodityReceiptStorage storage $, address coin, uint256 feePerUnitPerDay) private {
        require((coin == address(0)) == (feePerUnitPerDay == 0), CommodityReceiptInvalidFee(coin, feePerUnitPerDay));
        ($.feeCoin, $.feePerUnitPerDay) = (coin, feePerUnitPerDay);
        emit StorageFeeSet(coin, feePerUnitPerDay);
    }
}
