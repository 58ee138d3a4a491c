// A TypeScript config: qus compiles it with the installed typescript and reads its default
// export. Useful when the target list is computed, e.g. from an environment variable.
// (It is compiled to a temporary .mjs beside this file, so the directory must be writable.)

const extraTargets = (process.env.QUS_EXTRA_TARGETS ?? "").split(",").filter((t) => t !== "");

export default {
  $schema: "../schemas/qus.config.schema.json",
  targets: ["aarch64", "arm", "riscv64", ...extraTargets],
  flags: "POF",
  source: {
    type: "local",
    path: "/usr/bin",
    pattern: ["qemu-{target}-static", "qemu-{target}"],
  },
  installDir: "/usr/local/lib/qus",
};
