/**
 * The console's browser tests of disclosure supervision, investor maintenance and seizures (called by suite.ts with
 * its `test` helper). The seed (scripts/console-seed.ts) left a third equity with an overdue, flagged, halting
 * annual report (halted by the disclosure supervisor) and an upcoming interim report, and a forced transfer on it.
 * What the page shows is checked against the chain with ethers and plain ABIs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Contract,
  Wallet,
  decodeBytes32String,
  encodeBytes32String,
  getAddress,
  id,
  keccak256,
  type JsonRpcProvider,
} from "ethers";
import type { Page } from "playwright-core";

/** What the tests need from the suite. */
export interface DisclosureContext {
  signIn(account: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  provider: JsonRpcProvider;
  url: string;
  seed: {
    accounts: Record<string, string>;
    assets: { address: string; name: string; symbol: string }[];
    coin: string;
    disclosure: { asset: string; overdue: number; upcoming: number; supervisor: string; compliance: string };
  };
}

const SUPERVISOR_ABI = [
  "function obligationsOf(address) view returns (tuple(uint32 id, uint8 kind, bytes32 documentName, uint48 dueAt, uint32 gracePeriod, uint32 period, bool halts, uint48 windowOpensAt, uint48 fulfilledAt, uint8 state)[])",
  "function overdueOf(address) view returns (tuple(uint32 id, uint8 kind, bytes32 documentName, uint48 dueAt, uint32 gracePeriod, uint32 period, bool halts, uint48 windowOpensAt, uint48 fulfilledAt, uint8 state)[])",
];
const COMPLIANCE_ABI = ["function haltOf(address) view returns (uint48 until, address by)"];
const TOKEN_ABI = [
  "function getDocument(bytes32) view returns (string uri, bytes32 documentHash, uint256 lastModified)",
  "function identityRegistry() view returns (address)",
];
const REGISTRY_ABI = [
  "function investorOf(address) view returns (bytes32)",
  "function investorRecord(bytes32) view returns (tuple(uint16 country, uint64 claims, uint48 expiry, address provider, uint32 index, uint32 walletCount))",
];

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** `yyyy-mm-ddThh:mm` (UTC) of a unix time, as a datetime-local input takes it. */
function local(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16);
}

/** The tests, in order: [name, body]. */
export function disclosureTests(ctx: DisclosureContext): [string, () => Promise<void>][] {
  const { seed, provider } = ctx;
  const asset = seed.disclosure.asset;
  const growth = seed.assets.find((a) => a.address === asset)!;
  const supervisor = async () => new Contract(seed.disclosure.supervisor, SUPERVISOR_ABI, provider);
  const compliance = async () => new Contract(seed.disclosure.compliance, COMPLIANCE_ABI, provider);
  return [
    [
      "the coin page lists its minters with their allowances and every attestation, as on chain",
      async () => {
        const coin = new Contract(
          seed.coin,
          [
            "function minterAllowance(address) view returns (uint256)",
            "function attestationCount() view returns (uint256)",
          ],
          provider,
        );
        const page = await ctx.signIn("regulator");
        await page.getByRole("link", { name: "Coin" }).click();
        const minters = page.getByTestId("minters");
        await minters.getByText("Lotus Holdings").waitFor();
        const allowance: bigint = await coin.minterAllowance(seed.accounts.issuer);
        const shown = (
          await minters.locator("tr", { hasText: "Lotus Holdings" }).locator("td").nth(2).innerText()
        ).replace(/[^\d]/g, "");
        expect(shown === String(allowance / 10n ** 6n), `allowance shown ${shown}, chain ${allowance}`);
        const rows = await page.getByTestId("attestations").locator("tbody tr").count();
        expect(BigInt(rows) === (await coin.attestationCount()), `${rows} attestation rows`);
        await ctx.shot(page, "09-coin-minters");
        await page.context().close();
      },
    ],
    [
      "the regulator's view marks the asset with an overdue disclosure, in the table, the filter and the CSV",
      async () => {
        const overdue = await (await supervisor()).overdueOf(asset);
        expect(overdue.length === 1, `${overdue.length} overdue obligations on chain`);
        const page = await ctx.signIn("regulator");
        await page.getByRole("link", { name: "Supervision" }).click();
        const overview = page.getByTestId("overview");
        const row = overview.locator("tr", { hasText: growth.name });
        await row.getByText("overdue: annual-report").waitFor();
        const other = await overview.locator("tr", { hasText: seed.assets[0].name }).innerText();
        expect(other.includes("up to date"), `ordinary row: ${other}`);
        await page.getByLabel("Filter").fill("overdue");
        expect((await overview.locator("tbody tr").count()) === 1, "the filter 'overdue' leaves one asset");
        const downloading = page.waitForEvent("download");
        await page.getByRole("button", { name: "Download CSV" }).click();
        const csv = readFileSync((await (await downloading).path())!, "utf8")
          .trim()
          .split("\n");
        expect(csv[0].endsWith(",overdueDisclosures"), `CSV header: ${csv[0]}`);
        expect(csv.length === 2 && csv[1].startsWith(asset) && csv[1].endsWith(",annual-report"), `CSV: ${csv}`);
        // Seizures: the seed's forced transfer on the equity.
        await page.getByLabel("Filter").fill("");
        await page.getByLabel("Events shown").selectOption("seizures");
        const events = page.getByTestId("events");
        await events.getByText("ForcedTransfer").first().waitFor();
        const names = await events.locator("tbody tr td:nth-child(3)").allInnerTexts();
        expect(names.filter((n) => n === "ForcedTransfer").length === 1, `one forced transfer: ${names}`);
        expect(
          names.length > 0 && names.every((n) => ["ForcedTransfer", "Seized", "RecoverySuccess"].includes(n)),
          `events: ${names}`,
        );
        await ctx.shot(page, "10-regulator-disclosure");
        await page.context().close();
      },
    ],
    [
      "the exchange (a venue) adds an obligation (a past due date refused) and amends one, checked on chain",
      async () => {
        const page = await ctx.signIn("exchange");
        await page.goto(`${ctx.url}#/assets/${asset}`);
        const calendar = page.getByTestId("disclosure");
        await calendar.getByText("OVERDUE", { exact: true }).waitFor();
        const now = (await provider.getBlock("latest"))!.timestamp;
        const before = (await (await supervisor()).obligationsOf(asset)).length;
        await page.getByLabel("Kind").selectOption("adhoc");
        await page.getByLabel("Obligation document").fill("material-event");
        // A due date in the past: refused with the platform's sentence, nothing changes.
        await page.getByLabel("Due (UTC)").fill(local(now - 86_400));
        await page.getByRole("button", { name: "Add obligation" }).click();
        await page
          .getByRole("alert")
          .filter({ hasText: /due date/i })
          .waitFor({ timeout: 60_000 });
        expect((await (await supervisor()).obligationsOf(asset)).length === before, "the refused add changed nothing");
        await page.getByLabel("Due (UTC)").fill(local(now + 30 * 86_400));
        await page.getByLabel("Grace (days)").fill("3");
        await page.getByRole("button", { name: "Add obligation" }).click();
        await page.getByText(/^Obligation \d+ added \(material-event/).waitFor({ timeout: 60_000 });
        const obligations = await (await supervisor()).obligationsOf(asset);
        const added = obligations.find(
          (o: { documentName: string }) => o.documentName === encodeBytes32String("material-event"),
        );
        expect(
          !!added,
          `obligations on chain: ${obligations.map((o: { documentName: string }) => decodeBytes32String(o.documentName))}`,
        );
        expect(Number(added.kind) === 0 && Number(added.gracePeriod) === 3 * 86_400 && added.halts, "its terms");
        await calendar.getByText("material-event (one-off)").waitFor();
        // Amend the upcoming interim report: a new due date, a week's grace, no halt.
        const upcoming = seed.disclosure.upcoming;
        const due = local(now + 60 * 86_400);
        await page.getByLabel("Obligation to change").selectOption(String(upcoming));
        await page.getByLabel("Due (UTC)").fill(due);
        await page.getByLabel("Grace (days)").fill("7");
        await page.getByLabel("Trading halts while it is overdue").uncheck();
        await page.getByRole("button", { name: "Amend obligation" }).click();
        await page.getByText(`Obligation ${upcoming} amended.`).waitFor({ timeout: 60_000 });
        const amended = (await (await supervisor()).obligationsOf(asset)).find(
          (o: { id: bigint }) => Number(o.id) === upcoming,
        );
        expect(
          Number(amended.dueAt) === Date.parse(`${due}:00Z`) / 1000 &&
            Number(amended.gracePeriod) === 7 * 86_400 &&
            !amended.halts,
          `amended on chain: due ${amended.dueAt}, grace ${amended.gracePeriod}, halts ${amended.halts}`,
        );
        await ctx.shot(page, "11-disclosure-exchange");
        await page.context().close();
      },
    ],
    [
      "the issuer publishes the annual report and anyone records the filing, which lifts the halt",
      async () => {
        const [until, by] = await (await compliance()).haltOf(asset);
        expect(until > 0n && getAddress(by) === getAddress(seed.disclosure.supervisor), "halted");
        const dir = mkdtempSync(join(tmpdir(), "console-annual-"));
        const file = join(dir, "annual-report.txt");
        writeFileSync(file, "Lotus Holdings Growth: annual report\n");
        const issuer = await ctx.signIn("issuer");
        await issuer.goto(`${ctx.url}#/assets/${asset}`);
        await issuer.getByLabel("Document name").fill("annual-report");
        await issuer.getByLabel("Document URI").fill("https://lotus.example/annual.pdf");
        await issuer.getByLabel("Document file").setInputFiles(file);
        await issuer.getByRole("button", { name: "Publish document" }).click();
        await issuer.getByText("Published annual-report").waitFor({ timeout: 60_000 });
        const token = new Contract(asset, TOKEN_ABI, provider);
        const [, hash] = await token.getDocument(encodeBytes32String("annual-report"));
        expect(hash === keccak256(readFileSync(file)), `document hash on chain ${hash}`);
        rmSync(dir, { recursive: true, force: true });
        await issuer.context().close();
        const anyone = await ctx.signIn("alice");
        await anyone.goto(`${ctx.url}#/assets/${asset}`);
        await anyone.getByRole("button", { name: `Record filing ${seed.disclosure.overdue}` }).click();
        await anyone
          .getByText(`Filing recorded for obligation ${seed.disclosure.overdue}.`)
          .waitFor({ timeout: 60_000 });
        const [after] = await (await compliance()).haltOf(asset);
        expect(after === 0n, `halt on chain after the filing: until ${after}`);
        expect((await (await supervisor()).overdueOf(asset)).length === 0, "nothing overdue on chain");
        await anyone.getByTestId("status").getByText("trading").waitFor();
        await ctx.shot(anyone, "12-disclosure-filed");
        await anyone.context().close();
      },
    ],
    [
      "34 days later anyone flags the overdue ad-hoc filing from the console, which halts trading again",
      async () => {
        await provider.send("evm_increaseTime", [34 * 86_400]);
        await provider.send("evm_mine", []);
        const obligations = await (await supervisor()).obligationsOf(asset);
        const adHoc = obligations.find(
          (o: { documentName: string }) => o.documentName === encodeBytes32String("material-event"),
        );
        expect(!!adHoc, "the ad-hoc obligation the exchange added is on chain");
        const page = await ctx.signIn("bob");
        await page.goto(`${ctx.url}#/assets/${asset}`);
        await page.getByRole("button", { name: `Flag overdue ${adHoc.id}` }).click();
        await page.getByText(`Obligation ${adHoc.id} flagged overdue.`).waitFor({ timeout: 60_000 });
        const [until, by] = await (await compliance()).haltOf(asset);
        expect(until > 0n && getAddress(by) === getAddress(seed.disclosure.supervisor), "halted by the supervisor");
        await page.getByTestId("status").getByText("halted").waitFor();
        await ctx.shot(page, "12b-disclosure-flagged");
        await page.context().close();
      },
    ],
    [
      "the KYC provider updates an investor and recovers a wallet, checked on chain; a second recovery is refused",
      async () => {
        const token = new Contract(seed.assets[0].address, TOKEN_ABI, provider);
        const registry = new Contract(await token.identityRegistry(), REGISTRY_ABI, provider);
        const page = await ctx.signIn("kycProvider");
        await page.getByRole("link", { name: "Investors" }).click();
        await page.getByLabel("Investor to update").fill("console:bob");
        await page.getByRole("button", { name: "Read record" }).click();
        await page.getByText(/^Investor 0x\w+…\w+: US \(840\)/).waitFor();
        await page.getByLabel("Residence (ISO code)").fill("SG");
        await page.getByLabel("Update claim PROFESSIONAL").check();
        await page.getByLabel("Valid until").fill("2031-06-30");
        await page.getByRole("button", { name: "Update investor" }).click();
        await page.getByText(/^Updated investor .*SG \(702\)/).waitFor({ timeout: 60_000 });
        const record = await registry.investorRecord(id("console:bob"));
        expect(Number(record.country) === 702, `country on chain ${record.country}`);
        expect((record.claims & 4n) === 4n, `claims on chain ${record.claims}`);
        expect(Number(record.expiry) === Date.parse("2031-06-30T23:59:59Z") / 1000, `expiry ${record.expiry}`);
        // Recover the wallet the suite's investor test added to console-e2e-dave (the gateway's) to a new one.
        const lost = seed.accounts.gateway;
        const owner: string = await registry.investorOf(lost);
        expect(owner !== "0x" + "0".repeat(64), "the gateway wallet belongs to an investor (the KYC test added it)");
        const replacement = Wallet.createRandom().address;
        await page.getByLabel("Lost wallet").fill(lost);
        await page.getByLabel("Replacement wallet").fill(replacement);
        await page.getByRole("button", { name: "Recover wallet" }).click();
        await page.getByText(/^Wallet 0x\w+…\w+ recovered to/).waitFor({ timeout: 60_000 });
        expect((await registry.investorOf(replacement)) === owner, "the new wallet has the investor on chain");
        expect((await registry.investorOf(lost)) === "0x" + "0".repeat(64), "the lost wallet is no longer registered");
        // Again: the lost wallet is registered no more; the platform's sentence says why.
        await page.getByRole("button", { name: "Recover wallet" }).click();
        await page
          .getByRole("alert")
          .filter({ hasText: /identity ?registry|wallet|registered/i })
          .waitFor({ timeout: 60_000 });
        await ctx.shot(page, "13-investor-update");
        await page.context().close();
      },
    ],
  ];
}
