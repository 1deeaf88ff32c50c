/**
 * The console's browser suite (run by `npm run test:console`, scripts/console.ts, against `vite preview` and the
 * seeded console chain): playwright-core driving Debian's chromium. Each test signs in with a dev key in a fresh
 * browser context; what the page shows is checked against the chain, read here with ethers and plain ABIs (an
 * oracle independent of the console's code). Screenshots of each main page go to CONSOLE_RESULTS. Chromium runs
 * headless without background networking (the build machines' network is closed), in a fresh temporary profile
 * (playwright's `launch` makes one per run and removes it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider, getAddress, id } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";
import { disclosureTests } from "./disclosure";
import { parseCsv } from "../../sdk/csv";
import { injectWallet } from "./wallet";
import {
  dividendDeclaredAndClaimed,
  dvpBetweenAliceAndBob,
  injectedWalletSignsAndSettles,
  navPostedAndCouponFunded,
  receiptLotDvp,
  refusedInstructionExplained,
} from "./settlement";

const url = process.env.CONSOLE_URL ?? "http://127.0.0.1:4185/";
const rpc = process.env.CONSOLE_RPC ?? "http://127.0.0.1:8655";
const results = process.env.CONSOLE_RESULTS ?? join(__dirname, "..", "test-results");
const seed = JSON.parse(
  readFileSync(process.env.CONSOLE_SEED ?? join(__dirname, "..", "public", "dev", "seed.json"), "utf8"),
) as {
  accounts: Record<string, string>;
  members: Record<string, { address: string; kind: string; name: string }>;
  coin: string;
  assets: { address: string; name: string; symbol: string }[];
  prospectus: { name: string; hash: string };
  snapshot: number;
  disclosure: { asset: string; overdue: number; upcoming: number; supervisor: string; compliance: string };
  receipts?: { market: string; lot: string; quantity: string };
};
const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
const TOKEN_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function balanceOfAt(address,uint256) view returns (uint256)",
  "function totalSupply() view returns (uint256)",
  "function totalSupplyAt(uint256) view returns (uint256)",
  "function identityRegistry() view returns (address)",
  "function holderCount() view returns (uint256)",
  "function holdingWalletCount() view returns (uint256)",
];
const REGISTRY_ABI = [
  "function investorOf(address) view returns (bytes32)",
  "function isVerified(address) view returns (bool)",
];

let browser: Browser;
const outcomes: { name: string; ok: boolean; ms: number; detail?: string }[] = [];

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
}

/** A fresh page at 1280 px, signed in with the dev key of `account` (a named account of the seed). */
async function signIn(account: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(url);
  await page.getByLabel("Account").selectOption(seed.accounts[account]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor();
  return page;
}

async function navLinks(page: Page): Promise<string[]> {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
}

async function test(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    outcomes.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n").slice(0, 6).join("\n") : String(error);
    outcomes.push({ name, ok: false, ms: Date.now() - started, detail });
    console.log(`  ✗ ${name}\n      ${detail.replace(/\n/g, "\n      ")}`);
  }
}

/** The CSV's rows by wallet: balance as written, investor id. */
function csvRows(csv: string): { investor: string; wallets: string[]; balance: string }[] {
  const [header, ...lines] = csv.trim().split("\n");
  expect(header === "investor,wallets,balance,share", `CSV header is ${header}`);
  return lines.map((line) => {
    const [investor, wallets, balance] = line.split(",");
    return { investor, wallets: wallets.split(";"), balance };
  });
}

/** Checks a register CSV against the chain: every wallet's balance and investor, and the supply. */
async function checkCsvAgainstChain(csv: string, asset: string, snapshot?: number): Promise<number> {
  const token = new Contract(asset, TOKEN_ABI, provider);
  const registry = new Contract(await token.identityRegistry(), REGISTRY_ABI, provider);
  const rows = csvRows(csv);
  let sum = 0n;
  for (const row of rows) {
    let balance = 0n;
    for (const wallet of row.wallets) {
      balance += snapshot ? await token.balanceOfAt(wallet, snapshot) : await token.balanceOf(wallet);
      expect((await registry.investorOf(wallet)) === row.investor, `investor of ${wallet} differs from the CSV`);
    }
    expect(
      String(balance) === row.balance,
      `balance of ${row.wallets.join(";")}: chain ${balance}, CSV ${row.balance}`,
    );
    sum += balance;
  }
  const supply: bigint = snapshot ? await token.totalSupplyAt(snapshot) : await token.totalSupply();
  expect(sum === supply, `CSV rows add up to ${sum}, the supply is ${supply}`);
  for (const holder of [seed.accounts.alice, seed.accounts.bob]) {
    const balance: bigint = snapshot ? await token.balanceOfAt(holder, snapshot) : await token.balanceOf(holder);
    if (balance > 0n) {
      const row = rows.find((r) => r.wallets.map((w) => getAddress(w)).includes(holder));
      expect(row?.balance === String(balance), `holder ${holder} (${balance}) missing from the CSV`);
    }
  }
  return rows.length;
}

async function main(): Promise<void> {
  mkdirSync(results, { recursive: true });
  const started = Date.now();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const [ordinary, preference] = seed.assets;
  try {
    await test("the sign-in page offers the browser wallet and the dev keys", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByRole("button", { name: "Connect browser wallet" }).waitFor();
      expect((await page.getByLabel("Account").locator("option").count()) >= 9, "fewer dev accounts than named");
      await shot(page, "00-sign-in");
      await page.getByRole("button", { name: "Connect browser wallet" }).click();
      await page.getByText("no browser wallet").waitFor();
      await context.close();
    });

    await test("an injected EIP-1193 wallet signs in (the regulator's, forwarded to anvil)", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await injectWallet(context, rpc, seed.accounts.regulator);
      const page = await context.newPage();
      await page.goto(url);
      await page.getByRole("button", { name: "Connect browser wallet" }).click();
      const who = await page.getByTestId("who").innerText();
      expect(who.includes("Securities Commission — Regulator, Active") && who.includes("browser wallet"), who);
      expect((await navLinks(page)).includes("Supervision"), "the regulator's navigation offers Supervision");
      await context.close();
    });

    await test("the console is usable from the keyboard: sign in and navigate without a mouse", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByLabel("Account").focus();
      await page.getByLabel("Account").selectOption(seed.accounts.kycProvider);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.getByTestId("who").waitFor();
      // Tab through the header to the navigation and open Investors with Enter.
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
        if (focused === "Investors") break;
      }
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Register an investor" }).waitFor();
      await context.close();
    });

    await test("the issuer signs in: header names the member, navigation shows only its actions", async () => {
      const page = await signIn("issuer");
      const who = await page.getByTestId("who").innerText();
      expect(who.includes("Lotus Holdings — Issuer, Active"), `header says ${who}`);
      const links = await navLinks(page);
      expect(links.includes("Issue an asset"), `issuer nav: ${links}`);
      expect(!links.includes("Investors") && !links.includes("Supervision"), `issuer nav: ${links}`);
      await page.getByRole("link", { name: ordinary.name }).waitFor();
      await page.getByLabel("Product type").selectOption({ label: "Equity" });
      expect((await page.locator("tbody tr").count()) === seed.assets.length, "assets listed");
      await shot(page, "01-assets-issuer");
      await page.context().close();
    });

    await test("an asset page shows rules in words and verifies the prospectus's hash", async () => {
      const page = await signIn("issuer");
      await page.getByRole("link", { name: ordinary.name }).click();
      const rules = await page.getByTestId("rules").innerText();
      expect(rules.includes("At most 100 investors"), `rules: ${rules}`);
      expect(rules.includes("KP (408)"), `rules: ${rules}`);
      expect(rules.includes("AML"), `rules: ${rules}`);
      await page
        .getByLabel(`File to check against ${seed.prospectus.name}`)
        .setInputFiles(join(__dirname, "prospectus.txt"));
      await page.getByText("matches the recorded hash (keccak-256)").waitFor();
      const dir = mkdtempSync(join(tmpdir(), "console-doc-"));
      const forged = join(dir, "forged.txt");
      writeFileSync(forged, "not the prospectus");
      await page.getByLabel(`File to check against ${seed.prospectus.name}`).setInputFiles(forged);
      await page.getByText("forged.txt does not match").waitFor();
      rmSync(dir, { recursive: true, force: true });
      await shot(page, "02-asset");
      await page.context().close();
    });

    await test("the register CSV (latest block and snapshot) equals the chain", async () => {
      const page = await signIn("issuer");
      await page.goto(`${url}#/assets/${ordinary.address}`);
      for (const at of ["latest", String(seed.snapshot)]) {
        await page.getByLabel("As of").selectOption(at);
        await page.getByRole("button", { name: "Read the register" }).click();
        await page.getByTestId("register").waitFor();
        await page
          .getByText(at === "latest" ? /^Block [\d.,\s\u00a0\u202f]+; supply/ : `, snapshot ${at}; supply`)
          .waitFor();
        const downloading = page.waitForEvent("download");
        await page.getByRole("button", { name: "Download CSV" }).click();
        const file = await downloading;
        const csv = readFileSync((await file.path())!, "utf8");
        const rows = await checkCsvAgainstChain(csv, ordinary.address, at === "latest" ? undefined : seed.snapshot);
        expect(rows === 2, `${rows} rows at ${at}`);
        expect(file.suggestedFilename().startsWith(`register-${ordinary.symbol}-`), file.suggestedFilename());
      }
      await shot(page, "03-register");
      await page.context().close();
    });

    await test("the KYC provider signs in and registers an investor with the form", async () => {
      const page = await signIn("kycProvider");
      expect((await page.getByTestId("who").innerText()).includes("KycProvider, Active"), "KYC header");
      const links = await navLinks(page);
      expect(links.includes("Investors") && !links.includes("Issue an asset"), `KYC nav: ${links}`);
      await page.getByRole("link", { name: "Investors" }).click();
      const wallet = seed.accounts.stranger;
      await page.getByLabel("Investor reference", { exact: true }).fill("console-e2e-dave");
      await page.getByLabel("Country").fill("SG");
      await page.getByLabel("KYC", { exact: true }).check();
      await page.getByLabel("AML", { exact: true }).check();
      await page.getByLabel("Attestation expires").fill("2036-01-01");
      await page.getByLabel("First wallet").fill(wallet);
      await page.getByRole("button", { name: "Register investor" }).click();
      await page.getByText("Registered investor console-e2e-dave").waitFor({ timeout: 60_000 });
      const registry = new Contract(
        await new Contract(ordinary.address, TOKEN_ABI, provider).identityRegistry(),
        REGISTRY_ABI,
        provider,
      );
      expect(await registry.isVerified(wallet), "the wallet is verified on chain");
      expect((await registry.investorOf(wallet)) === id("console-e2e-dave"), "the investor id is the reference's hash");
      // A second registration of the same investor fails with the platform's sentence.
      await page.getByRole("button", { name: "Register investor" }).click();
      await page
        .getByRole("alert")
        .filter({ hasText: /identity ?registry/i })
        .waitFor({ timeout: 60_000 });
      // Another wallet for the same investor.
      await page.getByLabel("Investor reference or id").fill("console-e2e-dave");
      await page.getByLabel("Wallet to add").fill(seed.accounts.gateway);
      await page.getByRole("button", { name: "Add wallet" }).click();
      await page.getByText(/Wallet 0x\w+…\w+ added to investor/).waitFor({ timeout: 60_000 });
      expect(
        (await registry.investorOf(seed.accounts.gateway)) === id("console-e2e-dave"),
        "the added wallet belongs to the investor on chain",
      );
      // Eligibility, explained.
      await page.getByLabel("Wallet to explain").fill(seed.accounts.carol);
      await page.getByRole("button", { name: "Explain eligibility" }).click();
      await page.getByText("not registered").first().waitFor();
      await shot(page, "04-investors");
      await page.context().close();
    });

    await test("a refused transfer is pre-checked and explained before sending", async () => {
      const page = await signIn("alice");
      const who = await page.getByTestId("who").innerText();
      expect(who.includes("Investor") && who.includes("verified"), `alice header: ${who}`);
      await page.getByRole("link", { name: "Transfers" }).click();
      await page.getByLabel("Asset").selectOption(ordinary.address);
      await page.getByLabel("To").fill(seed.accounts.carol);
      await page.getByLabel("Amount").fill("10");
      await page.getByRole("button", { name: "Pre-check" }).click();
      const explanation = page.getByTestId("explanation");
      await explanation.waitFor();
      const text = await explanation.innerText();
      expect(text.includes("RecipientNotVerified (2)"), `explanation: ${text}`);
      expect(await page.getByRole("button", { name: "Send" }).isDisabled(), "Send stays disabled when refused");
      await shot(page, "05-transfer-refused");
      // An allowed transfer is sent.
      const token = new Contract(ordinary.address, TOKEN_ABI, provider);
      const before: bigint = await token.balanceOf(seed.accounts.bob);
      await page.getByLabel("To").fill(seed.accounts.bob);
      await page.getByRole("button", { name: "Pre-check" }).click();
      await page.getByTestId("explanation").filter({ hasText: "allowed" }).waitFor();
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText(/Sent 10 LOTUS/).waitFor({ timeout: 60_000 });
      expect((await token.balanceOf(seed.accounts.bob)) === before + 10n, "bob received 10 on chain");
      await page.context().close();
    });

    await test("the regulator signs in and sees halts, frozen wallets and events across assets", async () => {
      const page = await signIn("regulator");
      expect((await page.getByTestId("who").innerText()).includes("Securities Commission — Regulator"), "header");
      await page.getByRole("link", { name: "Supervision" }).click();
      const overview = page.getByTestId("overview");
      await overview.getByText(preference.name).waitFor();
      const row = await overview.locator("tr", { hasText: preference.name }).innerText();
      expect(/halted/i.test(row), `preference row: ${row}`);
      expect(row.includes(seed.accounts.bob.slice(0, 6)), `frozen bob in: ${row}`);
      await page.getByTestId("events").locator("tr").nth(1).waitFor();
      await page.getByLabel("Filter").fill("LOTP");
      expect((await overview.locator("tbody tr").count()) === 1, "filter leaves one asset");
      const downloading = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download CSV" }).click();
      const csv = readFileSync((await (await downloading).path())!, "utf8");
      const [header, first] = parseCsv(csv).map((record) => record.fields);
      expect(first?.[0] === preference.address, `CSV: ${csv}`);
      // Investor and wallet counts as the chain keeps them.
      const counted = new Contract(preference.address, TOKEN_ABI, provider);
      const investors = String(await counted.holderCount());
      const wallets = String(await counted.holdingWalletCount());
      expect(first[header.indexOf("investors")] === investors, `investors ${investors} in CSV: ${csv}`);
      expect(first[header.indexOf("holdingWallets")] === wallets, `holding wallets ${wallets} in CSV: ${csv}`);
      await shot(page, "06-regulator");
      await page.context().close();
    });

    await test("the coin page shows supply, reserves with their age, history and pending redemptions", async () => {
      const page = await signIn("custodian");
      await page.getByRole("link", { name: "Coin" }).click();
      await page.getByTestId("supply").waitFor();
      const coin = new Contract(seed.coin, ["function totalSupply() view returns (uint256)"], provider);
      const supply = Number((await coin.totalSupply()) / 10n ** 6n);
      const shown = (await page.getByTestId("supply").innerText()).replace(/[^\d]/g, "");
      expect(shown.startsWith(String(supply)), `supply shown ${shown}, chain ${supply}`);
      await page.locator("svg.chart").waitFor();
      await page.getByTestId("redemptions").getByText("Pending").waitFor();
      // The custodian attests new reserves; the page reads them back from the chain.
      await page.getByLabel("Reserves held").fill("20000");
      await page.getByLabel("Report reference").fill("console e2e report");
      await page.getByRole("button", { name: "Attest", exact: true }).click();
      await page.getByText(/^Attested 20[,.\s\u00a0\u202f]?000 of reserves/).waitFor({ timeout: 60_000 });
      await page
        .getByTestId("reserves")
        .filter({ hasText: /^20[,.\s\u00a0\u202f]?000 / })
        .waitFor();
      const latest = await new Contract(
        seed.coin,
        [
          "function latestAttestation() view returns (tuple(uint256 reserves, uint48 asOf, bytes32 reportHash, address attestor))",
        ],
        provider,
      ).latestAttestation();
      expect(latest.reserves === 20_000n * 10n ** 6n, `reserves on chain ${latest.reserves}`);
      expect(getAddress(latest.attestor) === seed.accounts.custodian, "the custodian attested");
      await shot(page, "07-coin");
      await page.context().close();
    });

    await test("the coin's issuing bank (a minter) confirms the pending redemption", async () => {
      const page = await signIn("issuer");
      await page.getByRole("link", { name: "Coin" }).click();
      await page.getByRole("button", { name: "Confirm 1" }).click();
      await page.getByText("Redemption 1 confirmed.").waitFor({ timeout: 60_000 });
      await page.getByTestId("redemptions").getByText("Confirmed").waitFor();
      const coin = new Contract(seed.coin, ["function escrowed() view returns (uint256)"], provider);
      expect((await coin.escrowed()) === 0n, "nothing is left in redemption escrow on chain");
      await page.context().close();
    });

    const ctx = { url, rpc, browser, provider, seed, signIn, shot, expect };
    await test("alice and bob agree a DvP (shares vs aUSD) by exchanged signatures and settle it", () =>
      dvpBetweenAliceAndBob(ctx));
    await test("alice sells 100 kg of her copper lot to bob against aUSD (a receipt leg names the lot)", () =>
      receiptLotDvp(ctx));
    await test("a refused instruction is explained before settling and its revert is decoded", () =>
      refusedInstructionExplained(ctx));
    await test("the issuer declares a dividend and a holder claims it", () => dividendDeclaredAndClaimed(ctx));
    await test("an injected wallet signs an instruction (eth_signTypedData_v4) and settles it", () =>
      injectedWalletSignsAndSettles(ctx));
    await test("the administrator posts a fund's NAV and funds a bond's coupon", () => navPostedAndCouponFunded(ctx));

    await test("the issuer issues an asset with the form", async () => {
      const page = await signIn("issuer");
      await page.getByRole("link", { name: "Issue an asset" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Lotus Holdings Series B");
      await page.getByLabel("Symbol").fill("LOTB");
      await page.getByLabel("Security code").fill("LOT0003");
      await page.getByLabel("Maximum investors").fill("50");
      await page.getByRole("button", { name: "Issue" }).click();
      await page.getByText(/Issued Lotus Holdings Series B at 0x/).waitFor({ timeout: 60_000 });
      await page.getByRole("link", { name: "Assets" }).click();
      await page.getByRole("link", { name: "Lotus Holdings Series B" }).waitFor();
      await shot(page, "08-issued");
      await page.context().close();
    });

    for (const [name, body] of disclosureTests({ signIn, shot, provider, url, seed })) await test(name, body);
  } finally {
    await browser.close();
    provider.destroy();
  }
  const failed = outcomes.filter((o) => !o.ok);
  console.log(
    `console browser suite: ${outcomes.length - failed.length} passed, ${failed.length} failed ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${results})`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  console.log(
    `console browser suite: could not run (${error instanceof Error ? error.message.split("\n")[0] : error})`,
  );
  process.exitCode = 1;
});
