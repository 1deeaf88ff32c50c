// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title IERC1643
/// @notice ERC-1643 document management: named documents (a prospectus, terms and conditions, an annual report)
/// attached to a token, each a URI and the hash of its content, with the time it was last set.
/// @dev The functions and events are the standard's. The `Document` struct (the initial documents an issuer
/// passes when a token is issued) and the errors are this project's.
interface IERC1643 {
    /// @notice A document to attach: its name, where it is published, and the hash of its content.
    struct Document {
        bytes32 name;
        string uri;
        bytes32 documentHash;
    }

    /* EVENTS */

    /// @notice ERC-1643: a document was attached or replaced.
    event DocumentUpdated(bytes32 indexed name, string uri, bytes32 documentHash);

    /// @notice ERC-1643: a document was removed (its last URI and hash are given).
    event DocumentRemoved(bytes32 indexed name, string uri, bytes32 documentHash);

    /* ERRORS */

    /// @notice A document needs a non-zero name.
    error DocumentsInvalidName();

    /// @notice A document needs a URI.
    error DocumentsEmptyURI(bytes32 name);

    /// @notice No document by that name is attached.
    error DocumentsUnknownDocument(bytes32 name);

    /* DOCUMENTS */

    /// @notice Attaches the document `name`, or replaces it.
    /// @param name A non-zero name, e.g. `bytes32("prospectus")`.
    /// @param uri Where the document is published (non-empty).
    /// @param documentHash The hash of its content (zero when none is given).
    /// @custom:access ASSET_ISSUER
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external;

    /// @notice Removes the document `name`.
    /// @custom:access ASSET_ISSUER
    function removeDocument(bytes32 name) external;

    /// @notice The document `name`: its URI, its content hash and when it was last set (zeros when unknown).
    function getDocument(bytes32 name) external view returns (string memory uri, bytes32 documentHash, uint256 lastModified);

    /// @notice The names of every attached document.
    function getAllDocuments() external view returns (bytes32[] memory);
}
