import { expect } from "chai";
import { progress } from "../../scripts/lib/progress";

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { isTTY, out, write: (text: string) => out.push(text) };
}

describe("scripts/lib/progress (long operator work)", function () {
  it("off a terminal, prints the first item and one line a tenth with counts, percentage and rate, then the summary", function () {
    const stream = sink(false);
    const bar = progress("import", 100, stream);
    for (let i = 0; i < 100; i++) bar.tick();
    bar.done("100 registered");
    expect(stream.out).to.have.length(12); // the first item, tenths 1 … 10, then the summary
    expect(stream.out[0]).to.match(/^import ░{24} 1\/100 1% [\d,]+\/s\n$/);
    expect(stream.out[1]).to.match(/^import █{2}░{22} 10\/100 10% [\d,]+\/s\n$/);
    expect(stream.out[10]).to.match(/^import █{24} 100\/100 100% /);
    expect(stream.out[11]).to.equal("100 registered\n");
  });

  it("on a terminal, redraws in place and ends the line", function () {
    const stream = sink(true);
    const bar = progress("rollout", 4, stream);
    bar.tick(2);
    bar.tick(2);
    bar.done();
    expect(stream.out.slice(0, 2).every((line) => line.startsWith("\rrollout "))).to.equal(true);
    expect(stream.out[1]).to.contain("4/4 100%");
    expect(stream.out[2].endsWith("\n")).to.equal(true);
  });

  it("counts an empty job as done", function () {
    const stream = sink(false);
    progress("nothing", 0, stream).done("0 registered");
    expect(stream.out).to.deep.equal(["0 registered\n"]);
  });
});
