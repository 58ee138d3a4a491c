// The qus version, printed by --version and recorded in JSON output (a test keeps it equal to package.json).
export const QUS_VERSION = "0.1.0";
