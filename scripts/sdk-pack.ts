/**
 * `npm run sdk:pack`: builds `@assetledger/sdk` and writes its `npm pack` tarball to sdk/pack/ (git-ignored).
 *   1. `hardhat compile --quiet`: artifacts, typechain-types and sdk/generated/ (incremental: nothing to do when
 *      up to date);
 *   2. sdk/package.json's version follows the root package.json's;
 *   3. `tsc -p sdk/tsconfig.build.json` (CommonJS and declarations to sdk/dist/), and the address book of the
 *      networks with saved deployments to sdk/dist/addresses.json;
 *   4. `npm pack` into sdk/pack/; prints the tarball's path and size.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addressBookOf } from "./lib/sdk";

const root = join(__dirname, "..");
const sdk = join(root, "sdk");

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 900_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${output}`);
  return result.stdout ?? "";
}

/** Steps 1–3: sdk/dist/ ready to pack. Returns the milliseconds each step took. */
export function buildSdk(options: { compile?: boolean } = {}): Record<string, number> {
  const times: Record<string, number> = {};
  let start = Date.now();
  if (options.compile !== false) {
    run(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "compile", "--quiet"], root);
    times.compile = Date.now() - start;
  }
  const rootVersion = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const pkgFile = join(sdk, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  if (pkg.version !== rootVersion) {
    pkg.version = rootVersion;
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  }
  start = Date.now();
  rmSync(join(sdk, "dist"), { recursive: true, force: true });
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(sdk, "tsconfig.build.json")], root);
  writeFileSync(join(sdk, "dist", "addresses.json"), `${JSON.stringify(addressBookOf(root), null, 2)}\n`);
  times.tsc = Date.now() - start;
  return times;
}

/** Step 4: the tarball's path and size in bytes. */
export function packSdk(): { tarball: string; bytes: number; unpackedBytes: number; files: number } {
  const out = join(sdk, "pack");
  mkdirSync(out, { recursive: true });
  const json = run("npm", ["pack", "--json", "--pack-destination", out], sdk);
  const [info] = JSON.parse(json) as { filename: string; unpackedSize: number; entryCount: number }[];
  const tarball = join(out, info.filename);
  return { tarball, bytes: statSync(tarball).size, unpackedBytes: info.unpackedSize, files: info.entryCount };
}

if (require.main === module) {
  const started = Date.now();
  const times = buildSdk();
  const packed = packSdk();
  const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(
    `@assetledger/sdk packed: ${packed.tarball} (${kB(packed.bytes)}; ${packed.files} files, ${kB(packed.unpackedBytes)} unpacked) ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s (${Object.entries(times)
        .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`)
        .join(", ")})`,
  );
}
