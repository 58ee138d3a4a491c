export default { targets: ["aarch64"], source: { type: "local", path: "/x" }, prune: 10n };
