module.exports = {
  // Test and bench helpers, and the file that only compiles OpenZeppelin contracts for deploy/.
  skipFiles: ["mocks/", "Dependencies.sol"],
  // Gas budgets (suites and tests whose title names gas) are measured by `npm test` and `npm run bench`:
  // instrumentation inflates every figure, so the coverage run leaves them out.
  mocha: { grep: /\bgas\b/i, invert: true },
};
