// The version policy in a config: a suite list, a `qemu` range on the upstream QEMU version,
// and an exact pin that must satisfy it, each mistake reported at its line and column.
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { configDir, configError } from "./helpers.js";

async function load(content: string) {
  const dir = await configDir({ "qus.config.yaml": content });
  return loadConfig({ cwd: dir });
}

async function problemsIn(content: string): Promise<string[]> {
  return (await configError(load(content))).message.split("\n");
}

const debian = (...lines: string[]) =>
  ["targets: [aarch64]", "source:", "  type: debian", ...lines.map((l) => `  ${l}`)].join("\n");
const fedora = (...lines: string[]) =>
  ["targets: [aarch64]", "source:", "  type: fedora", ...lines.map((l) => `  ${l}`)].join("\n");

describe("a valid version policy", () => {
  test("a suite list and a range are kept as written (range trimmed)", async () => {
    const config = await load(debian("suite: [trixie-backports, trixie]", 'qemu: " >=9.2 "'));
    expect(config.source).toEqual({
      type: "debian",
      suites: ["trixie-backports", "trixie"],
      qemu: ">=9.2",
    });
  });

  test("one suite is a list of one; no range means none recorded", async () => {
    const config = await load(debian("suite: bookworm"));
    expect(config.source).toEqual({ type: "debian", suites: ["bookworm"] });
  });

  test("a pin inside the range, and Fedora's range", async () => {
    const pinned = await load(
      debian("suite: trixie", 'qemu: "^10.0"', 'version: "1:10.0.13+ds-0+deb13u1"'),
    );
    expect(pinned.source).toMatchObject({ qemu: "^10.0", version: "1:10.0.13+ds-0+deb13u1" });
    const config = await load(
      fedora("release: 43", 'qemu: ">=10.1 <12"', 'version: "10.1.5-1.fc43"'),
    );
    expect(config.source).toMatchObject({ type: "fedora", release: 43, qemu: ">=10.1 <12" });
  });
});

describe("mistakes, at their position", () => {
  test("a range semver cannot read", async () => {
    expect(await problemsIn(debian("suite: trixie", 'qemu: ">=9.2 <"'))).toEqual([
      'qus.config.yaml:5:9: source.qemu: ">=9.2 <" is not a version range qus can read; write it like ">=9.2", "^10.2" or ">=9.2 <12"',
    ]);
    expect(await problemsIn(fedora("release: 43", "qemu: latest"))).toEqual([
      'qus.config.yaml:5:9: source.qemu: "latest" is not a version range qus can read; write it like ">=9.2", "^10.2" or ">=9.2 <12"',
    ]);
  });

  test("a range with characters no range has", async () => {
    expect(await problemsIn(debian("suite: trixie", 'qemu: "$(reboot)"'))).toEqual([
      'qus.config.yaml:5:9: source.qemu: expected a version range such as ">=9.2", "^10.2" or ">=9.2 <12", found "$(reboot)"',
    ]);
  });

  test("a Debian pin outside the range, naming its QEMU version", async () => {
    expect(
      await problemsIn(
        debian("suite: bookworm", 'qemu: ">=9.2"', 'version: "1:7.2+dfsg-7+deb12u18+b3"'),
      ),
    ).toEqual([
      'qus.config.yaml:6:12: source.version: "1:7.2+dfsg-7+deb12u18+b3" is QEMU 7.2, outside qemu ">=9.2"; change the pin or the range, or remove one of them',
    ]);
  });

  test("a Fedora pin outside the range", async () => {
    expect(
      await problemsIn(fedora("release: 43", 'qemu: "^11"', 'version: "2:10.1.5-1.fc43"')),
    ).toEqual([
      'qus.config.yaml:6:12: source.version: "2:10.1.5-1.fc43" is QEMU 10.1.5, outside qemu "^11"; change the pin or the range, or remove one of them',
    ]);
  });

  test("a suite listed twice, an empty list, a bad name in a list", async () => {
    expect(await problemsIn(debian("suite: [trixie, trixie-backports, trixie]"))).toEqual([
      'qus.config.yaml:4:37: source.suite[2]: "trixie" is already listed as suite[0]; list each suite once',
    ]);
    expect(await problemsIn(debian("suite: []"))).toEqual([
      "qus.config.yaml:4:10: source.suite: expected at least 1 entry, found 0",
    ]);
    expect(await problemsIn(debian("suite: [trixie, ../etc]"))).toEqual([
      'qus.config.yaml:4:19: source.suite[1]: expected a Debian codename such as bookworm or trixie, found "../etc"',
    ]);
  });
});
