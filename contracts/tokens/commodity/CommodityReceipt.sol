// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";
import {ERC1155Utils} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Utils.sol";
import {IERC1155Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {HoldLib} from "../../libraries/HoldLib.sol";
import {HotFlagsLib} from "../../libraries/HotFlagsLib.sol";
import {ICompliance} from "../../interfaces/compliance/ICompliance.sol";
import {IComplianceSubject} from "../../interfaces/compliance/IComplianceSubject.sol";
import {IIdentityRegistry} from "../../interfaces/identity/IIdentityRegistry.sol";
import {ICommodityReceipt} from "../../interfaces/tokens/ICommodityReceipt.sol";
import {ICommodityReceiptLots} from "../../interfaces/tokens/ICommodityReceiptLots.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";
import {IHoldable} from "../../interfaces/tokens/IHoldable.sol";
import {ISecurityTokenOperations} from "../../interfaces/tokens/ISecurityTokenOperations.sol";
import {Eligibility} from "../../types/Eligibility.sol";
import {ProductType} from "../../types/ProductType.sol";
import {CommodityReceiptCore} from "./CommodityReceiptCore.sol";
import {CommodityReceiptLots} from "./CommodityReceiptLots.sol";

/// @title CommodityReceipt
/// @notice Warehouse receipts of one commodity market: ERC-1155 lots, a pledge registry, delivery and settlement
/// holds (see `ICommodityReceipt`); the lot lifecycle (`ICommodityReceiptLots`: issue, correction, split, merge,
/// delivery, fee) runs in the `CommodityReceiptLots` module behind the fallback, to stay under EIP-170.
/// @dev Issued by the AssetFactory as product type `CommodityReceipt` (an ERC-1967 proxy of this implementation,
/// initialized in the factory's one shape, guarded by the product's table in config/roles.ts); upgrades are UUPS,
/// restricted to ASSET_FACTORY (`rollOut`). Storage layout, holder accounting, checks by path and invariants: see
/// `CommodityReceiptCore`. Gas (scripts/lib/receiptBench.ts): a compliant transfer between two holders of a lot
/// reads and writes their two positions (balance, held units and memo in one word each), asks the pipeline once and
/// writes no account word unless a position leaves or reaches zero — 1.49 × OpenZeppelin's ERC-1155 transfer; a
/// market tracking quantities per wallet (`Terms.trackQuantities`, for a balance cap) adds two slot writes (1.75 ×).
contract CommodityReceipt is CommodityReceiptCore, ICommodityReceipt, UUPSUpgradeable {
    using HoldLib for mapping(bytes32 => IHoldable.Hold);
    using HoldLib for IHoldable.Hold;

    /// @dev The lot-lifecycle module (`CommodityReceiptLots`), created with this implementation and reached by
    /// `delegatecall` from the fallback: part of the implementation, replaced with it by a product upgrade.
    address private immutable _LOTS;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        ICompliance compliance_,
        IIdentityRegistry identityRegistry_,
        address settlementEngine_
    ) CommodityReceiptCore(compliance_, identityRegistry_, settlementEngine_) {
        _LOTS = address(new CommodityReceiptLots(compliance_, identityRegistry_, settlementEngine_));
    }

    /// @inheritdoc ICommodityReceipt
    function initialize(
        address authority,
        ISecurityTokenOperations.Instrument calldata instrument_,
        IERC1643.Document[] calldata documents,
        bytes calldata terms
    ) external initializer {
        __AccessManaged_init(authority);
        _operate(abi.encodeCall(ICommodityReceiptLots.initializeMarket, (instrument_, documents, terms)));
    }

    /// @notice Runs the lot lifecycle (`ICommodityReceiptLots`) in this contract's context.
    // solhint-disable-next-line no-complex-fallback, payable-fallback
    fallback() external {
        bytes memory result = _operate(msg.data);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            return(add(result, 0x20), mload(result))
        }
    }

    /// @notice The lot-lifecycle module this implementation delegates to.
    function lotsModule() external view returns (address) {
        return _LOTS;
    }

    /* ERC-1155 */

    /// @inheritdoc IERC1155
    function balanceOf(address account, uint256 id) public view returns (uint256) {
        return _getStorage().positions[id][account] & _QUANTITY_MASK;
    }

    /// @inheritdoc IERC1155
    function balanceOfBatch(
        address[] calldata accounts,
        uint256[] calldata ids
    ) external view returns (uint256[] memory balances) {
        require(accounts.length == ids.length, IERC1155Errors.ERC1155InvalidArrayLength(ids.length, accounts.length));
        balances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            balances[i] = balanceOf(accounts[i], ids[i]);
        }
    }

    /// @inheritdoc IERC1155
    function setApprovalForAll(address operator, bool approved) external {
        require(operator != address(0), IERC1155Errors.ERC1155InvalidOperator(address(0)));
        _getStorage().operators[msg.sender][operator] = approved;
        emit IERC1155.ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IERC1155
    function isApprovedForAll(address account, address operator) public view returns (bool) {
        return _getStorage().operators[account][operator];
    }

    /// @inheritdoc IERC1155
    /// @dev Checked as a transfer by the compliance pipeline; only available (unencumbered) units move.
    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes calldata data) external {
        _requireOperator(from);
        require(to != address(0), IERC1155Errors.ERC1155InvalidReceiver(address(0)));
        require(from != address(0), IERC1155Errors.ERC1155InvalidSender(address(0)));
        _update(from, to, id, value, Check.Transfer);
        emit IERC1155.TransferSingle(msg.sender, from, to, id, value);
        ERC1155Utils.checkOnERC1155Received(msg.sender, from, to, id, value, data);
    }

    /// @inheritdoc IERC1155
    function safeBatchTransferFrom(
        address from,
        address to,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external {
        _requireOperator(from);
        require(to != address(0), IERC1155Errors.ERC1155InvalidReceiver(address(0)));
        require(from != address(0), IERC1155Errors.ERC1155InvalidSender(address(0)));
        require(ids.length == values.length, IERC1155Errors.ERC1155InvalidArrayLength(ids.length, values.length));
        for (uint256 i = 0; i < ids.length; ++i) {
            _update(from, to, ids[i], values[i], Check.Transfer);
        }
        emit IERC1155.TransferBatch(msg.sender, from, to, ids, values);
        ERC1155Utils.checkOnERC1155BatchReceived(msg.sender, from, to, ids, values, data);
    }

    /// @inheritdoc IERC1155MetadataURI
    function uri(uint256) external view returns (string memory) {
        return _getStorage().uri;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC1155).interfaceId ||
            interfaceId == type(IERC1155MetadataURI).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    /* PLEDGES */

    /// @inheritdoc ICommodityReceipt
    function pledge(uint256 id, address lender, uint256 quantity) external returns (uint256 pledgeId) {
        require(
            lender != address(0) && lender != msg.sender && _identityRegistry.isVerified(lender),
            CommodityReceiptInvalidLender(msg.sender, lender)
        );
        require(!_authority().isMemberSuspended(lender), CommodityReceiptSuspendedMember(lender));
        _requireQuantity(quantity);
        CommodityReceiptStorage storage $ = _getStorage();
        _lot($, id);
        _hold($, msg.sender, id, quantity);
        $.pledged[id][msg.sender] += quantity;
        pledgeId = ++$.pledgeCount;
        $.pledges[pledgeId] = Pledge(msg.sender, uint64(id), PledgeState.Active, lender, uint96(quantity));
        $.lotPledges[id].push(pledgeId);
        ++$.activePledges[id];
        ++$.lenderPledges[id][lender];
        emit Pledged(pledgeId, id, msg.sender, lender, quantity);
    }

    /// @inheritdoc ICommodityReceipt
    function releasePledge(uint256 pledgeId) external {
        CommodityReceiptStorage storage $ = _getStorage();
        Pledge memory p = _closePledge($, pledgeId, PledgeState.Released);
        emit PledgeReleased(pledgeId, p.lotId, p.lender, p.quantity);
    }

    /// @inheritdoc ICommodityReceipt
    function enforcePledge(uint256 pledgeId) external {
        require(!_authority().isMemberSuspended(msg.sender), CommodityReceiptSuspendedMember(msg.sender));
        CommodityReceiptStorage storage $ = _getStorage();
        Pledge memory p = _closePledge($, pledgeId, PledgeState.Enforced);
        _update(p.owner, p.lender, p.lotId, p.quantity, Check.Issue);
        emit PledgeEnforced(pledgeId, p.lotId, p.lender, p.owner, p.quantity);
        emit IERC1155.TransferSingle(msg.sender, p.owner, p.lender, p.lotId, p.quantity);
        ERC1155Utils.checkOnERC1155Received(msg.sender, p.owner, p.lender, p.lotId, p.quantity, "");
    }

    /* SETTLEMENT */

    /// @inheritdoc ICommodityReceipt
    function placeHold(bytes32 holdId, address holder, uint256 lotAmount, uint48 expiry) external {
        _requireEngine();
        (uint256 id, uint256 quantity) = (lotAmount >> 128, uint128(lotAmount));
        CommodityReceiptStorage storage $ = _getStorage();
        IHoldable.Hold storage h = $.holds.requireNew(holdId, holder, quantity, expiry);
        _lot($, id);
        _requireQuantity(quantity);
        _hold($, holder, id, quantity);
        $.holdLots[holdId] = id;
        h.place(holdId, holder, quantity, expiry);
        emit LotHoldPlaced(holdId, id);
    }

    /// @inheritdoc ICommodityReceipt
    function executeHold(bytes32 holdId, address to, uint256 amount) external {
        _requireEngine();
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 id = $.holdLots[holdId];
        uint256 lotId = amount >> 128;
        require(lotId == 0 || lotId == id, CommodityReceiptWrongLot(holdId, lotId, id));
        uint256 quantity = uint128(amount);
        (address holder, uint256 remaining) = $.holds.execute(holdId, to, quantity);
        _unhold($, holder, id, quantity);
        _update(holder, to, id, quantity, Check.Transfer);
        emit IERC1155.TransferSingle(msg.sender, holder, to, id, quantity);
        emit IHoldable.HoldExecuted(holdId, holder, to, quantity, remaining);
        ERC1155Utils.checkOnERC1155Received(msg.sender, holder, to, id, quantity, "");
    }

    /// @inheritdoc ICommodityReceipt
    function settlementTransfer(address from, address to, uint256 lotAmount) external {
        _requireEngine();
        require(to != address(0), IERC1155Errors.ERC1155InvalidReceiver(address(0)));
        require(from != address(0), IERC1155Errors.ERC1155InvalidSender(address(0)));
        (uint256 id, uint256 quantity) = (lotAmount >> 128, uint128(lotAmount));
        _requireQuantity(quantity);
        _update(from, to, id, quantity, Check.Transfer);
        emit IERC1155.TransferSingle(msg.sender, from, to, id, quantity);
        ERC1155Utils.checkOnERC1155Received(msg.sender, from, to, id, quantity, "");
    }

    /// @inheritdoc ICommodityReceipt
    function releaseHold(bytes32 holdId) external {
        CommodityReceiptStorage storage $ = _getStorage();
        (address holder, uint256 amount) = $.holds.release(holdId, msg.sender == _settlementEngine);
        _unhold($, holder, $.holdLots[holdId], amount);
    }

    /// @inheritdoc ICommodityReceipt
    function cancelHold(bytes32 holdId, bytes32 reason) external restricted {
        CommodityReceiptStorage storage $ = _getStorage();
        (address holder, uint256 amount) = $.holds.cancel(holdId, msg.sender, reason);
        _unhold($, holder, $.holdLots[holdId], amount);
    }

    /* VIEWS */

    /// @inheritdoc ICommodityReceipt
    function lot(uint256 id) external view returns (Lot memory) {
        return _lot(_getStorage(), id);
    }

    /// @inheritdoc ICommodityReceipt
    function successorOf(uint256 id) external view returns (uint256) {
        return _getStorage().successors[id];
    }

    /// @inheritdoc ICommodityReceipt
    function lotCount() external view returns (uint256) {
        return _getStorage().lotCount;
    }

    /// @inheritdoc ICommodityReceipt
    function totalSupply(uint256 id) external view returns (uint256) {
        return _getStorage().lots[id].supply;
    }

    /// @inheritdoc ICommodityReceipt
    function heldOf(address holder, uint256 id) external view returns (uint256) {
        return _heldIn(_getStorage().positions[id][holder]);
    }

    /// @inheritdoc ICommodityReceipt
    function availableOf(address holder, uint256 id) external view returns (uint256) {
        uint256 position = _getStorage().positions[id][holder];
        return (position & _QUANTITY_MASK) - _heldIn(position);
    }

    /// @inheritdoc ICommodityReceipt
    function quantityOf(address wallet) external view returns (uint256) {
        _requireTracked();
        return _getStorage().quantities[wallet];
    }

    /// @inheritdoc ICommodityReceipt
    function lotsHeldBy(address wallet) external view returns (uint256) {
        return _getStorage().accounts[wallet] & _LOTS_MASK;
    }

    /// @inheritdoc ICommodityReceipt
    function tracksQuantities() external view returns (bool) {
        return HotFlagsLib.read() & _TRACKED_FLAG != 0;
    }

    /// @inheritdoc ICommodityReceipt
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory) {
        return _getStorage().pledges[pledgeId];
    }

    /// @inheritdoc ICommodityReceipt
    function pledgesOfLot(uint256 id) external view returns (uint256[] memory) {
        return _getStorage().lotPledges[id];
    }

    /// @inheritdoc ICommodityReceipt
    function pledgedOf(uint256 id, address owner) external view returns (uint256) {
        return _getStorage().pledged[id][owner];
    }

    /// @inheritdoc ICommodityReceipt
    function isSolePledgee(uint256 pledgeId) external view returns (bool) {
        Pledge storage p = _getStorage().pledges[pledgeId];
        return p.state == PledgeState.Active && hasExclusivePledge(p.lender, p.lotId);
    }

    /// @inheritdoc ICommodityReceipt
    function hasExclusivePledge(address lender, uint256 id) public view returns (bool) {
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 mine = $.lenderPledges[id][lender];
        return mine != 0 && mine == $.activePledges[id];
    }

    /// @inheritdoc ICommodityReceipt
    function holdOf(bytes32 holdId) external view returns (IHoldable.Hold memory) {
        return _getStorage().holds[holdId];
    }

    /// @inheritdoc ICommodityReceipt
    function holdLotOf(bytes32 holdId) external view returns (uint256) {
        return _getStorage().holdLots[holdId];
    }

    /// @inheritdoc ICommodityReceipt
    function productType() external pure returns (ProductType) {
        return ProductType.CommodityReceipt;
    }

    /// @inheritdoc ICommodityReceipt
    function commodityCode() external view returns (bytes32) {
        return _getStorage().commodityCode;
    }

    /// @inheritdoc ICommodityReceipt
    function compliance() external view returns (ICompliance) {
        return _compliance;
    }

    /// @inheritdoc ICommodityReceipt
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    /// @inheritdoc ICommodityReceipt
    function settlementEngine() external view returns (address) {
        return _settlementEngine;
    }

    /// @inheritdoc IComplianceSubject
    function holderCount() public view returns (uint256) {
        return uint32(HotFlagsLib.read());
    }

    /// @inheritdoc ICommodityReceipt
    function holdingWalletCount() external view returns (uint256) {
        return uint32(HotFlagsLib.read() >> _WALLETS_SHIFT);
    }

    /// @inheritdoc IComplianceSubject
    /// @dev Reverts with `CommodityReceiptQuantitiesNotTracked` in a market that does not track quantities: a
    /// balance cap then refuses every transfer it judges (fail closed) until the market is issued tracking them.
    function investorBalanceOf(address wallet) external view returns (uint256 total) {
        _requireTracked();
        CommodityReceiptStorage storage $ = _getStorage();
        uint256 word = $.accounts[wallet];
        Eligibility eligibility = _eligibilityStore.eligibilityOf(wallet);
        // A holding wallet counts under the index it cached; one holding nothing under its current index.
        uint32 index = word & _LOTS_MASK != 0 ? uint32(word >> _INDEX_SHIFT) : eligibility.investorIndex();
        if (index == 0 || (eligibility.investorIndex() == index && eligibility.walletCount() == 1)) {
            return $.quantities[wallet];
        }
        address[] memory wallets = _identityRegistry.walletHistoryOf(index);
        for (uint256 i = 0; i < wallets.length; ++i) {
            uint256 other = $.accounts[wallets[i]];
            if (other & _LOTS_MASK != 0 && uint32(other >> _INDEX_SHIFT) == index) total += $.quantities[wallets[i]];
        }
    }

    /* INTERNAL */

    /// @dev Runs `data` in the lot module by `delegatecall`, bubbling its revert.
    /// @custom:oz-upgrades-unsafe-allow-reachable delegatecall
    function _operate(bytes memory data) private returns (bytes memory) {
        return Address.functionDelegateCall(_LOTS, data);
    }

    /// @dev Reverts unless the caller may act for `from` (itself or an approved operator).
    function _requireOperator(address from) private view {
        require(
            from == msg.sender || isApprovedForAll(from, msg.sender),
            IERC1155Errors.ERC1155MissingApprovalForAll(msg.sender, from)
        );
    }

    /// @dev Reverts unless the market tracks quantities per wallet.
    function _requireTracked() private view {
        require(HotFlagsLib.read() & _TRACKED_FLAG != 0, CommodityReceiptQuantitiesNotTracked());
    }

    /// @dev Reverts unless the caller is the settlement engine.
    function _requireEngine() private view {
        require(msg.sender == _settlementEngine, IHoldable.HoldableUnauthorizedEngine(msg.sender));
    }

    /// @dev Upgrades are restricted (ASSET_FACTORY in the product table: the factory's `rollOut`).
    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}
}
