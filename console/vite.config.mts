import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console imports the SDK from its source (../sdk): one copy of the ABIs, the address book's types, the error
// decoder and the restriction sentences. ethers resolves to the console's own copy, for the app and the SDK alike.
export default defineConfig({
  plugins: [react()],
  base: "./",
  resolve: {
    alias: [
      { find: /^@assetledger\/sdk$/, replacement: fileURLToPath(new URL("../sdk/index.ts", import.meta.url)) },
      { find: /^@assetledger\/sdk\/(.*)$/, replacement: fileURLToPath(new URL("../sdk/", import.meta.url)) + "$1" },
    ],
    dedupe: ["ethers"],
  },
  build: { chunkSizeWarningLimit: 4096 },
});
