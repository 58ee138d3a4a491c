#!/bin/sh
# Entry point of the qus image (busybox sh). `apply` (the default command) applies the config
# mounted at /etc/qus/qus.config.yaml; `destroy` undoes it; anything else is passed to qus.
# binfmt_misc is mounted first when the container has none: rootless, that is the container's
# own instance (Linux 6.7+, needs --cap-add SYS_ADMIN); rootful --privileged, the host's.
config="${QUS_CONFIG:-/etc/qus/qus.config.yaml}"
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/status" ] && ! mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null; then
  echo "qus image: cannot mount binfmt_misc at $binfmt: run the container with --cap-add SYS_ADMIN (rootless: its own binfmt_misc, Linux 6.7+) or --privileged (rootful: the host's)" >&2
  exit 1
fi
command="${1:-apply}"
[ $# -gt 0 ] && shift
case "$command" in
  apply | destroy)
    if [ ! -f "$config" ]; then
      echo "qus image: no config at $config: mount one with -v FILE:$config:ro (or set QUS_CONFIG)" >&2
      exit 1
    fi
    exec qus "$command" --auto-approve --config "$config" "$@"
    ;;
  *) exec qus "$command" "$@" ;;
esac
