#!/usr/bin/env bash
# Runs `ansible-test sanity` on the qus.binfmt collection offline, with Debian's ansible-core.
# ansible-test installs each test's Python requirements into a venv with pip from the network;
# offline, this script makes each such venv from the system's site packages instead (Debian's
# python3-voluptuous, -yaml, -jinja2, pycodestyle, yamllint: see scripts/setup.sh), marks it
# ready, and runs the test again. Usage: scripts/collection-sanity.sh [test...]
set -euo pipefail
cd "$(dirname "$0")/../ansible_collections/qus/binfmt"
# Debian's interpreter and ansible-test, whatever else is first on PATH.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin
python=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(validate-modules ansible-doc compile pep8 yamllint runtime-metadata shebang symlinks
    line-endings no-smart-quotes future-import-boilerplate metaclass-boilerplate no-assert
    no-basestring no-dict-iteritems no-get-exception no-main-display no-unicode-literals
    replace-urlopen use-argspec-type-path import use-compat-six empty-init action-plugin-docs
    no-illegal-filenames ignores)
fi
for test in "${tests[@]}"; do
  for attempt in 1 2; do
    if out=$(ansible-test sanity --python "$python" --color no --test "$test" 2>&1); then
      echo "sanity: $test passed"
      break
    fi
    venv=$(printf '%s\n' "$out" | sed -n 's|^FATAL: Python [0-9.]* at "\(.*\)/bin/python" does not have pip available.*|\1|p')
    if [ "$attempt" = 2 ] || [ -z "$venv" ]; then
      printf '%s\n' "$out" >&2
      echo "collection-sanity: $test failed" >&2
      exit 1
    fi
    rm -rf "$venv"
    python3 -m venv --system-site-packages --without-pip "$venv"
    echo '[]' >"$venv/meta.install.json"
    echo 'true' >"$venv/meta.yaml.json"
    touch "$venv/marker.txt"
  done
done
