#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: qus contributors
# MIT License (see LICENSE in the qus repository)
# qus.binfmt.emulation: converge binfmt_misc with qus in one task. It drives the qus CLI through
# its machine interface (plan/apply/destroy/verify --json), so Ansible's changed is qus's plan.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: emulation
short_description: Converge QEMU user-mode emulation (binfmt_misc) with qus
version_added: "0.1.0"
description:
  - Makes the host's binfmt_misc registrations and installed QEMU emulators match a qus config,
    with the qus command line on the managed host.
  - C(state=present) runs C(qus plan --json) and, when the plan has changes, C(qus apply
    --auto-approve --json). C(changed) is true exactly when the plan had changes (or when the
    module wrote a new config from the inline options).
  - C(state=absent) runs C(qus destroy --auto-approve --json), which removes every entry and
    emulator qus owns and only those.
  - In check mode only C(qus plan) (or C(qus status) for C(state=absent)) runs; nothing is written.
    An inline config is then written to a temporary file, never to C(dest).
  - In diff mode the plan text is the diff.
author:
  - qus contributors (@qus-project)
requirements:
  - qus on the managed host (the role M(qus.binfmt.qus) installs it), Linux with binfmt_misc
options:
  config:
    description:
      - Path of an existing qus config on the managed host (YAML, JSON, JS or TS).
      - Mutually exclusive with C(targets).
    type: path
  targets:
    description:
      - Inline config, instead of C(config). The targets to register, as in the config file
        (names like C(aarch64), aliases like C(armhf), or mappings with C(name) and C(enabled)).
      - The module writes the config built from C(targets), C(source), C(flags) and C(settings)
        to C(dest) and applies that file.
    type: list
    elements: raw
  source:
    description:
      - "Inline config only. Where the emulators come from, as the config's C(source) key, for
        example C({type: debian, suite: [trixie-backports, trixie], qemu: '>=9.2'}) or C({type: local, path: /opt/qemu})."
      - Default is qus's own default source.
    type: dict
  flags:
    description: Inline config only. The binfmt_misc flags (for example C(POF) or C(F)).
    type: str
  settings:
    description:
      - Inline config only. Other top-level config keys, passed as they are
        (C(installDir), C(prune), C(persist), C(stateFile)...).
    type: dict
  dest:
    description:
      - Inline config only. Where the module writes the config it builds (not in check mode).
        A C(qus.lock.json) is kept beside it.
    type: path
    default: /etc/qus/qus.config.json
  state:
    description:
      - C(present) applies the config; C(absent) destroys what qus owns (C(qus destroy)).
    type: str
    choices: [present, absent]
    default: present
  verify:
    description:
      - With C(state=present), run C(qus verify) after converging (also when nothing changed),
        failing when an emulator does not run a program through the kernel.
    type: bool
    default: true
  probes:
    description:
      - Pass C(--probes) to C(qus verify) (implies C(verify)). Needs a qus whose C(verify) has
        the C(--probes) option; an older qus fails with its usage message.
    type: bool
    default: false
  upgrade:
    description:
      - Pass C(--upgrade) to plan and apply, resolving the newest emulators instead of the
        versions pinned in C(qus.lock.json).
    type: bool
    default: false
  executable:
    description: Name or path of the qus command on the managed host.
    type: str
    default: qus
notes:
  - Check mode runs C(qus plan). With a download source and no C(qus.lock.json) yet, some qus
    versions write that lock file beside the config while planning; with inline options in check
    mode the config and its lock file live in a temporary directory that is removed. C(qus plan)
    also refreshes its cache of emulator fingerprints (C(file-hashes.json) beside the state file).
  - Check mode with C(state=absent) reports changed when C(qus status) lists entries qus owns.
"""

EXAMPLES = r"""
- name: Converge binfmt_misc from a config file
  qus.binfmt.emulation:
    config: /etc/qus/qus.config.yaml

- name: Inline config, emulators from Debian, checked with probes
  qus.binfmt.emulation:
    targets: [aarch64, riscv64]
    source:
      type: debian
      suite: [trixie-backports, trixie] # the newest QEMU of either
      qemu: ">=9.2" # older QEMU lacks openat2, which today's GNU tar needs
    flags: POF
    probes: true

- name: Remove every entry and emulator qus owns
  qus.binfmt.emulation:
    config: /etc/qus/qus.config.yaml
    state: absent
"""

RETURN = r"""
config:
  description: The config file qus was run with (a temporary file in check mode with inline options).
  returned: always
  type: str
  sample: /etc/qus/qus.config.json
plan:
  description: The plan document of C(qus plan --json) (or of C(qus destroy --json)).
  returned: when state is present, or absent outside check mode
  type: dict
  sample: {"format_version": "1", "has_changes": true, "summary": {"add": 2, "change": 0, "destroy": 0}}
plan_text:
  description: The plan as qus prints it.
  returned: when a plan was made
  type: str
  sample: '+ registration "qemu-aarch64"'
summary:
  description: How many resources the plan adds, changes and destroys.
  returned: when a plan was made
  type: dict
  sample: {"add": 2, "change": 0, "destroy": 0}
applied:
  description: What apply or destroy did (the C(applied) counts of its JSON document).
  returned: when changes were applied
  type: dict
  sample: {"add": 2, "change": 0, "destroy": 0}
verify:
  description: The document of C(qus verify --json).
  returned: when C(verify) or C(probes) ran
  type: dict
  sample: {"summary": {"passed": 1, "failed": 0}, "failed": []}
status:
  description: The document of C(qus status --json) (check mode with C(state=absent)).
  returned: in check mode with state absent
  type: dict
hint:
  description: qus's advice on failure, when it gives one.
  returned: failure
  type: str
problems:
  description: The config problems qus found, each with its place in the file.
  returned: failure on an invalid config
  type: list
  elements: dict
"""

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

LOCK_FILE = "qus.lock.json"


def run_json(module, argv, result):
    """Runs qus with --json; fails the task with qus's own message when it exits non-zero."""
    rc, out, err = module.run_command(argv, environ_update={"NO_COLOR": "1"})
    try:
        doc = json.loads(out) if out.strip() else {}
    except ValueError:
        doc = {}
    if rc != 0:
        error = doc.get("error") or {}
        message = error.get("message")
        if message is None and doc.get("failed"):
            message = "qus verify: emulation failed for %s" % ", ".join(doc["failed"])
            result["verify"] = doc
        if message is None:
            message = err.strip() or "%s exited with %d" % (" ".join(argv), rc)
        module.fail_json(msg=message, rc=rc, stdout=out, stderr=err, hint=error.get("hint"),
                         problems=error.get("problems"), **result)
    return doc


def inline_config(params):
    """The config document built from the inline options."""
    doc = dict(params["settings"] or {})
    doc["targets"] = params["targets"]
    if params["source"] is not None:
        doc["source"] = params["source"]
    if params["flags"] is not None:
        doc["flags"] = params["flags"]
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def read_text(path):
    try:
        with open(path, "r") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_inline(module, text, scratch):
    """Puts the inline config where qus will read it; returns (path, whether dest changed)."""
    dest = module.params["dest"]
    differs = read_text(dest) != text
    if module.check_mode:
        path = os.path.join(scratch, "qus.config.json")
        with open(path, "w") as handle:
            handle.write(text)
        # Keep the pinned versions: plan against the same lock file apply would use.
        lock = os.path.join(os.path.dirname(dest), LOCK_FILE)
        if os.path.isfile(lock):
            shutil.copyfile(lock, os.path.join(scratch, LOCK_FILE))
        return path, differs
    if differs:
        directory = os.path.dirname(dest) or "."
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        handle, staged = tempfile.mkstemp(dir=directory, prefix=".qus-config-")
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(staged, 0o644)
        module.atomic_move(staged, dest)
    return dest, differs


def converge(module, qus, config, result):
    """state=present: plan, apply when the plan has changes, then verify."""
    upgrade = ["--upgrade"] if module.params["upgrade"] else []
    plan = run_json(module, [qus, "plan", "--json", "--no-color", "--config", config] + upgrade, result)
    result["plan"] = plan
    result["plan_text"] = plan.get("rendered", "")
    result["summary"] = plan.get("summary")
    has_changes = bool(plan.get("has_changes"))
    result["changed"] = result["changed"] or has_changes
    if has_changes and module._diff:
        result["diff"] = dict(before="", after="", prepared=result["plan_text"])
    if module.check_mode:
        return
    if has_changes:
        argv = [qus, "apply", "--auto-approve", "--json", "--no-color", "--config", config]
        result["applied"] = run_json(module, argv + upgrade, result).get("applied")
    if module.params["verify"] or module.params["probes"]:
        argv = [qus, "verify", "--json", "--no-color", "--config", config]
        if module.params["probes"]:
            argv.append("--probes")
        result["verify"] = run_json(module, argv, result)


def destroy(module, qus, config, result):
    """state=absent: remove what qus owns (check mode: report whether there is anything)."""
    if module.check_mode:
        status = run_json(module, [qus, "status", "--json", "--no-color", "--config", config], result)
        owned = [entry["name"] for entry in status.get("entries", []) if entry.get("owned")]
        result["status"] = status
        result["changed"] = result["changed"] or bool(owned)
        if owned and module._diff:
            text = "".join('- registration "%s"\n' % name for name in owned)
            result["diff"] = dict(before="", after="", prepared=text)
        return
    argv = [qus, "destroy", "--auto-approve", "--json", "--no-color", "--config", config]
    doc = run_json(module, argv, result)
    result["plan"] = doc
    result["plan_text"] = doc.get("rendered", "")
    result["summary"] = doc.get("summary")
    result["applied"] = doc.get("applied")
    result["changed"] = result["changed"] or bool(doc.get("has_changes"))
    if doc.get("has_changes") and module._diff:
        result["diff"] = dict(before="", after="", prepared=result["plan_text"])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type="path"),
            targets=dict(type="list", elements="raw"),
            source=dict(type="dict"),
            flags=dict(type="str"),
            settings=dict(type="dict"),
            dest=dict(type="path", default="/etc/qus/qus.config.json"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            verify=dict(type="bool", default=True),
            probes=dict(type="bool", default=False),
            upgrade=dict(type="bool", default=False),
            executable=dict(type="str", default="qus"),
        ),
        mutually_exclusive=[["config", "targets"]],
        required_one_of=[["config", "targets"]],
        required_by=dict(source="targets", flags="targets", settings="targets"),
        supports_check_mode=True,
    )
    qus = module.get_bin_path(module.params["executable"], required=True)
    result = dict(changed=False)
    scratch = tempfile.mkdtemp(prefix="qus-ansible-") if module.check_mode else None
    try:
        if module.params["targets"] is not None:
            config, written = write_inline(module, inline_config(module.params), scratch)
            result["changed"] = written
        else:
            config = module.params["config"]
        result["config"] = config
        if module.params["state"] == "present":
            converge(module, qus, config, result)
        else:
            destroy(module, qus, config, result)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
