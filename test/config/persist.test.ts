// The persistence fields: `persist` (default true) and `binfmtDDir` (default /etc/binfmt.d,
// relative paths resolved against the config file like every other path).
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { CONFIG_DEFAULTS } from "../../src/config/types.js";
import { configDir, configError, MINIMAL_YAML } from "./helpers.js";

const load = async (yaml: string) => {
  const dir = await configDir({ "qus.config.yaml": yaml });
  return { dir, config: await loadConfig({ cwd: dir, env: {} }) };
};

describe("persist and binfmtDDir", () => {
  test("default to persisting in /etc/binfmt.d (null: decided per host by the pipeline)", async () => {
    const { config } = await load(MINIMAL_YAML);
    expect(config.persist).toBeNull();
    expect(config.binfmtDDir).toBe("/etc/binfmt.d");
    expect(CONFIG_DEFAULTS).toMatchObject({ persist: true, binfmtDDir: "/etc/binfmt.d" });
  });

  test("can be turned off, and the directory moved (relative to the config file)", async () => {
    const { dir, config } = await load(
      `${MINIMAL_YAML}persist: false\nbinfmtDDir: ./boot/binfmt.d\n`,
    );
    expect(config.persist).toBe(false);
    expect((await load(`${MINIMAL_YAML}persist: true\n`)).config.persist).toBe(true);
    expect(config.binfmtDDir).toBe(join(dir, "boot/binfmt.d"));
  });

  test("a persist that is not a boolean is refused at its position", async () => {
    const dir = await configDir({ "qus.config.yaml": `${MINIMAL_YAML}persist: "yes"\n` });
    const error = await configError(loadConfig({ cwd: dir, env: {} }));
    expect(error.message).toBe(
      'qus.config.yaml:5:10: persist: expected true or false, found "yes"',
    );
  });

  test("an empty binfmtDDir or one with a line break is refused", async () => {
    for (const value of ['""', '"/etc/bin\\nfmt.d"']) {
      const dir = await configDir({ "qus.config.yaml": `${MINIMAL_YAML}binfmtDDir: ${value}\n` });
      const error = await configError(loadConfig({ cwd: dir, env: {} }));
      expect(error.message).toMatch(/^qus\.config\.yaml:5:13: binfmtDDir: /);
    }
  });
});
