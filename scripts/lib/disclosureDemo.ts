/**
 * The demo's disclosure chapter (issue 22): the exchange where the equity trades sets its disclosure calendar on
 * chain (`DisclosureSupervisor`): an annual report that halts trading when overdue, and a one-off filing that does
 * not. Time passes; anyone flags both overdue; the annual report's flag halts trading (a transfer is explained as
 * halted). The issuer publishes the report (ERC-1643), anyone records the filing: the obligation rolls a year
 * forward and the halt the supervisor set is lifted. Expects the core deployed and the equity issued, with `issuer`
 * its issuer, `exchange` an Exchange member and `regulator` a Regulator member (it records the exchange as a venue).
 */
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import type { Compliance, DisclosureSupervisor, IEquity } from "../../typechain-types";
import { adHocFiling, annualReport, DISCLOSURE_DOCUMENTS, describeObligation } from "../../sdk/disclosure";
import { describeExplanation } from "../../sdk/restrictions";

const DAY = 86_400;

export interface DisclosureDemoParties {
  issuer: Signer;
  exchange: Signer;
  regulator: Signer;
  /** A holder of the equity and a verified recipient, for the transfer the halt stops. */
  holder: Signer;
  recipient: Signer;
}

export async function demoDisclosure(
  equity: IEquity,
  parties: DisclosureDemoParties,
  log: (line: string) => void = console.log,
) {
  const { issuer, exchange, regulator, holder, recipient } = parties;
  const at = async <T>(name: string) =>
    (await ethers.getContractAt(name, (await deployments.get(name)).address)) as unknown as T;
  const supervisor = await at<DisclosureSupervisor>("DisclosureSupervisor");
  const compliance = await at<Compliance>("Compliance");
  const asset = await equity.getAddress();
  const [exchangeAddress, holderAddress, recipientAddress] = await Promise.all(
    [exchange, holder, recipient].map((s) => s.getAddress()),
  );
  const now = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const advance = async (seconds: number) => {
    await ethers.provider.send("evm_increaseTime", [seconds]);
    await ethers.provider.send("evm_mine", []);
  };
  const calendar = async () => {
    const at = await now();
    for (const obligation of await supervisor.obligationsOf(asset)) {
      log(`    #${obligation.id} ${describeObligation(obligation, at)}`);
    }
  };
  const transferCheck = async () => {
    const explanation = await compliance.explainTransfer(asset, holderAddress, recipientAddress, 1n);
    return describeExplanation(explanation);
  };

  if (!(await compliance.isVenue(asset, exchangeAddress))) {
    await (await compliance.connect(regulator).setVenue(asset, exchangeAddress, true)).wait();
  }
  log("  the regulator records Harbour Stock Exchange as a venue of the equity: it sets the disclosure calendar");
  const start = await now();
  const annual = annualReport(start + BigInt(30 * DAY), 15 * DAY, true);
  const adHoc = adHocFiling("material-event-2026-12", start + BigInt(7 * DAY), 3 * DAY);
  const annualId = await supervisor.connect(exchange).addObligation.staticCall(asset, annual);
  await (await supervisor.connect(exchange).addObligation(asset, annual)).wait();
  const adHocId = await supervisor.connect(exchange).addObligation.staticCall(asset, adHoc);
  await (await supervisor.connect(exchange).addObligation(asset, adHoc)).wait();
  log("  the calendar on chain:");
  await calendar();

  await advance(50 * DAY);
  log("  50 days later nothing was filed; anyone flags the two obligations overdue:");
  for (const id of [adHocId, annualId]) await (await supervisor.connect(recipient).flagOverdue(asset, id)).wait();
  await calendar();
  const [until, by] = await compliance.haltOf(asset);
  const supervisorAddress = await supervisor.getAddress();
  if (by !== supervisorAddress) throw new Error("the overdue annual report did not halt trading");
  log(
    `  trading in the equity is halted by the supervisor (until ${until === 2n ** 48n - 1n ? "lifted" : until}); ` +
      `a transfer now: ${await transferCheck()}`,
  );

  await (
    await equity
      .connect(issuer)
      .setDocument(
        DISCLOSURE_DOCUMENTS.annualReport,
        "https://disclosure.example/jade-river/annual-2026.pdf",
        ethers.id("Jade River annual report 2026"),
      )
  ).wait();
  await (await supervisor.connect(recipient).recordFiling(asset, annualId)).wait();
  log("  the issuer publishes its annual report (ERC-1643); anyone records the filing against the calendar:");
  await calendar();
  const [, after] = await compliance.haltOf(asset);
  if (after === supervisorAddress) throw new Error("the filing did not lift the disclosure halt");
  log(`  the supervisor lifted its own halt; a transfer now: ${await transferCheck()}`);
  const overdue = await supervisor.overdueOf(asset);
  log(
    `  still overdue on chain (the regulator's view): ${overdue.length} obligation(s), ` +
      `${overdue.map((o) => ethers.decodeBytes32String(o.documentName)).join(", ")} (it does not halt trading)`,
  );
}
