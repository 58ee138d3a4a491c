// The event qus emits on `process` just before it hands its process to another program
// (process.execve): no "exit" event follows, so what must happen at exit listens for this too.

// Why: the entry (code cache) and the CLI are separate bundles; a shared name joins them.
/** Emitted once, right before process.execve. */
export const BEFORE_EXEC_EVENT = "qus:before-exec";
