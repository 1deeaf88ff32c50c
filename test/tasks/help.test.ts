import { expect } from "chai";
import hre from "hardhat";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The operator commands defined in tasks/ (read from the sources, so a new command is covered when it lands). */
function ourTasks(): string[] {
  const dir = join(__dirname, "..", "..", "tasks");
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    for (const m of readFileSync(join(dir, file), "utf8").matchAll(/^task\(\s*"([^"]+)"/gm)) names.push(m[1]);
  }
  return names;
}

describe("operator commands: --help", function () {
  const names = ourTasks();

  it("finds the commands", function () {
    expect(names.length).to.be.greaterThan(20);
    expect(names).to.include.members(["investors:import", "asset:issue", "besu:allowlists", "register:export"]);
  });

  for (const name of names) {
    it(`${name} says what it does, with an example, and describes every argument`, function () {
      const definition = hre.tasks[name];
      expect(definition, name).to.not.equal(undefined);
      expect(definition.description ?? "").to.match(
        new RegExp(` — e\\.g\\. npx hardhat ${name.replace(":", "\\:")}( |$)`),
      );
      for (const [param, spec] of Object.entries(definition.paramDefinitions)) {
        expect(spec.description ?? "", `${name} --${param}`).to.have.length.greaterThan(5);
      }
    });
  }
});
