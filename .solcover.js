module.exports = {
  // Test and bench helpers, and the file that only compiles OpenZeppelin contracts for deploy/.
  skipFiles: ["mocks/", "Dependencies.sol"],
};
