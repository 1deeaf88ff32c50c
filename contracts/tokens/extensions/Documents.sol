// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

// solhint-disable-next-line max-line-length
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IERC1643} from "../../interfaces/tokens/IERC1643.sol";

/// @title Documents
/// @notice ERC-1643 documents for any upgradeable token: attach, replace and remove named documents; list them.
/// @dev Own ERC-7201 namespace `assetledger.storage.Documents`. `setDocument` and `removeDocument` are
/// `restricted` (ASSET_ISSUER in the product tables of config/roles.ts). An inheriting contract initializes
/// AccessManaged itself and may attach initial documents with `_setDocuments`.
/// Invariants:
/// - D1: `getAllDocuments()` lists exactly the names whose document has a non-empty URI, each once.
/// - D2: `getDocument(name).lastModified` is the time of the last `setDocument(name, …)` (0 once removed).
abstract contract Documents is IERC1643, AccessManagedUpgradeable {
    /// @dev One document; `position` is its 1-based index in `names` (0: not attached).
    struct Entry {
        string uri;
        bytes32 documentHash;
        uint48 lastModified;
        uint32 position;
    }

    /// @custom:storage-location erc7201:assetledger.storage.Documents
    struct DocumentsStorage {
        mapping(bytes32 name => Entry) entries;
        bytes32[] names;
    }

    // keccak256(abi.encode(uint256(keccak256("assetledger.storage.Documents")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _DOCUMENTS_LOCATION = 0xae14ea9c0d4e1b9654e565ee1a09e9164a24400ae4a9a6fd890c0e7a56e1b300;

    /* DOCUMENTS */

    /// @inheritdoc IERC1643
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external restricted {
        _setDocument(name, uri, documentHash);
    }

    /// @inheritdoc IERC1643
    function removeDocument(bytes32 name) external restricted {
        DocumentsStorage storage $ = _getDocumentsStorage();
        Entry storage entry = $.entries[name];
        uint256 position = entry.position;
        require(position != 0, DocumentsUnknownDocument(name));
        (string memory uri, bytes32 documentHash) = (entry.uri, entry.documentHash);
        // Swap and pop: the last name takes the removed one's place.
        bytes32[] storage names = $.names;
        uint256 last = names.length;
        if (position != last) {
            bytes32 moved = names[last - 1];
            names[position - 1] = moved;
            $.entries[moved].position = uint32(position);
        }
        names.pop();
        delete $.entries[name];
        emit DocumentRemoved(name, uri, documentHash);
    }

    /// @inheritdoc IERC1643
    function getDocument(bytes32 name) external view returns (string memory, bytes32, uint256) {
        Entry storage entry = _getDocumentsStorage().entries[name];
        return (entry.uri, entry.documentHash, entry.lastModified);
    }

    /// @inheritdoc IERC1643
    function getAllDocuments() external view returns (bytes32[] memory) {
        return _getDocumentsStorage().names;
    }

    /* INTERNALS */

    /// @dev Attaches each of `documents` (as `setDocument`), e.g. at issuance.
    function _setDocuments(Document[] calldata documents) internal {
        for (uint256 i; i < documents.length; ++i) {
            _setDocument(documents[i].name, documents[i].uri, documents[i].documentHash);
        }
    }

    /// @dev Attaches or replaces a document; emits `DocumentUpdated`.
    function _setDocument(bytes32 name, string calldata uri, bytes32 documentHash) internal {
        require(name != bytes32(0), DocumentsInvalidName());
        require(bytes(uri).length != 0, DocumentsEmptyURI(name));
        DocumentsStorage storage $ = _getDocumentsStorage();
        Entry storage entry = $.entries[name];
        if (entry.position == 0) {
            $.names.push(name);
            // At most 2^32 − 1 documents: a name list that long cannot be pushed within any block gas limit.
            entry.position = uint32($.names.length);
        }
        entry.uri = uri;
        entry.documentHash = documentHash;
        entry.lastModified = uint48(block.timestamp);
        emit DocumentUpdated(name, uri, documentHash);
    }

    function _getDocumentsStorage() private pure returns (DocumentsStorage storage $) {
        // Solidity binds a storage struct to an ERC-7201 slot only this way.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _DOCUMENTS_LOCATION
        }
    }
}
