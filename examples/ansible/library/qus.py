#!/usr/bin/python
# -*- coding: utf-8 -*-
# An Ansible module for qus: one task that plans, applies only when the plan has changes, and
# supports check mode (plan only) and diff mode (the plan's text). It calls `qus plan --json`
# and `qus apply --json`, the stable machine interface, and finds `qus` on PATH.
from __future__ import annotations

DOCUMENTATION = r"""
module: qus
short_description: Converge binfmt_misc (QEMU user-mode emulation) with qus
description:
  - Runs C(qus plan --json) and, when the plan has changes and not in check mode,
    C(qus apply --auto-approve --json). C(changed) is true exactly when the plan had changes.
  - In diff mode the plan text is shown as the diff.
options:
  config:
    description: Path of the qus config on the managed host.
    type: path
    required: true
  verify:
    description: Run C(qus apply --verify), failing when an emulator does not work.
    type: bool
    default: true
  executable:
    description: Name or path of the qus command.
    type: str
    default: qus
"""

EXAMPLES = r"""
- name: QEMU user-mode emulation
  qus:
    config: /etc/qus/qus.config.yaml
"""

import json

from ansible.module_utils.basic import AnsibleModule


def run_json(module, argv):
    rc, out, err = module.run_command(argv)
    try:
        doc = json.loads(out) if out.strip() else {}
    except ValueError:
        doc = {}
    if rc != 0:
        error = doc.get("error") or {}
        module.fail_json(msg=error.get("message") or err.strip() or "%s failed" % " ".join(argv), rc=rc, stdout=out, stderr=err, hint=error.get("hint"))
    return doc, err


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="path", required=True),
            verify=dict(type="bool", default=True),
            executable=dict(type="str", default="qus"),
        ),
        supports_check_mode=True,
    )
    qus = module.get_bin_path(module.params["executable"], required=True)
    config = module.params["config"]

    plan, _ = run_json(module, [qus, "plan", "--json", "--no-color", "--config", config])
    changed = bool(plan.get("has_changes"))
    result = dict(changed=changed, summary=plan.get("summary"), plan=plan.get("rendered", ""))
    if changed and module._diff:
        result["diff"] = dict(prepared=plan.get("rendered", ""))

    if changed and not module.check_mode:
        argv = [qus, "apply", "--auto-approve", "--json", "--no-color", "--config", config]
        if module.params["verify"]:
            argv.append("--verify")
        applied, verify_text = run_json(module, argv)
        result["applied"] = applied.get("applied")
        if module.params["verify"]:
            result["verify"] = verify_text.strip()

    module.exit_json(**result)


if __name__ == "__main__":
    main()
