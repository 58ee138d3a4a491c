// Privilege: what qus apply needs and whether this user has it, and whether qus run works for
// this user (user namespaces allowed, each blocking setting named, proved by the experiment).
import {
  NAMESPACE_REFUSED_FIX,
  needsRootFix,
  needsRootMessage,
  NO_PRIVATE_INSTANCE_FIX,
  noPrivateInstanceMessage,
  type UsernsBlock,
} from "../conditions.js";
import { error, ok, warning, type Finding } from "../finding.js";
import type { NamespaceTrial } from "../probe.js";

/** Whether qus apply can change binfmt_misc as this user. */
export function checkApplyPrivilege(uid: number, capSysAdmin: boolean | null): Finding {
  const id = "privilege.apply";
  const subject = "qus apply";
  if (uid !== 0)
    return warning(
      id,
      subject,
      `${needsRootMessage()}; this user (uid ${uid}) is not root`,
      needsRootFix(),
    );
  if (capSysAdmin === false) {
    return warning(
      id,
      subject,
      "running as root but without CAP_SYS_ADMIN (a container): the kernel may refuse apply's writes",
      "run the container with --privileged, or run qus on the host",
    );
  }
  return ok(id, subject, "running as root: qus apply can change binfmt_misc");
}

/**
 * Whether qus run works for this user. Not working is an error for a user who is not root (qus
 * run is the only way they have) and a warning for root (qus apply works).
 */
export function checkRunPrivilege(
  uid: number,
  block: UsernsBlock | null,
  trial: NamespaceTrial | null,
  release: string | null,
): Finding {
  const id = "privilege.run";
  const subject = "qus run";
  const fail = uid === 0 ? warning : error;
  if (block !== null)
    return fail(`userns.${block.setting.split(".").at(-1)}`, subject, block.message, block.fix);
  switch (trial?.kind) {
    case "private-instance":
      return ok(
        id,
        subject,
        "qus run works for this user: a user namespace with its own binfmt_misc was created and mounted",
      );
    case "no-mount":
    case "shared-instance":
      return fail(id, subject, noPrivateInstanceMessage(release), NO_PRIVATE_INSTANCE_FIX);
    case "no-namespace":
      return fail(
        "userns.refused",
        subject,
        `this user cannot create a user namespace, which qus run needs${trial.detail === "" ? "" : ` (unshare said: ${trial.detail})`}`,
        NAMESPACE_REFUSED_FIX,
      );
    case "not-tried":
      return warning(
        id,
        subject,
        `could not try a user namespace: ${trial.detail}`,
        "install util-linux (unshare)",
      );
    default:
      return warning(id, subject, "not tried", null);
  }
}
