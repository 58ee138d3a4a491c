// A test-only crash switch: with QUS_FAULT_AFTER_STEP=N in the environment, apply kills itself
// with SIGKILL right after the N-th step's effect, before the state file records it. The fault
// injection tests use it to crash at every step boundary; it is inert unless the variable is set.
/** The afterEffect hook for executePlan, or undefined when the variable is not set. */
export function faultHookFrom(env: NodeJS.ProcessEnv): ((stepNumber: number) => void) | undefined {
  const raw = env.QUS_FAULT_AFTER_STEP;
  if (raw === undefined || raw === "") return undefined;
  const target = Number(raw);
  if (!Number.isSafeInteger(target) || target < 1) return undefined;
  return (stepNumber) => {
    if (stepNumber === target) process.kill(process.pid, "SIGKILL");
  };
}
