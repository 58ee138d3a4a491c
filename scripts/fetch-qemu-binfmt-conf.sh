#!/usr/bin/env bash
# Fetches QEMU's own scripts/qemu-binfmt-conf.sh (the P5 benchmark's baseline) from the Debian
# `qemu` source package, into ${XDG_CACHE_HOME:-~/.cache}/qus-bench/qemu-binfmt-conf/ (idempotent).
# A private APT configuration with a deb-src line on the host's own Debian mirror (read from the
# host's APT sources now; the host's sources are never changed); only the orig tarball is
# downloaded, and only that one file is taken out of it. Prints the script's path.
set -euo pipefail
dir="${XDG_CACHE_HOME:-$HOME/.cache}/qus-bench/qemu-binfmt-conf"
script="$dir/qemu-binfmt-conf.sh"
if [ -s "$script" ]; then echo "$script"; exit 0; fi
mkdir -p "$dir"

# The host's Debian mirror and suite: the first "deb" source whose URI ends in /debian.
mirror="" suite=""
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -r "$f" ] || continue
  read -r mirror suite < <(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /\/debian\/?$/) { print $i, $(i + 1); exit } }' "$f") || true
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    read -r mirror suite < <(awk '
      $1 == "URIs:" { u = ""; for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) u = $i }
      $1 == "Suites:" && u != "" { print u, $2; exit }' "$f") || true
    [ -n "$mirror" ] && break
  done
fi
if [ -z "$mirror" ]; then
  echo "fetch-qemu-binfmt-conf.sh: no Debian mirror in the host's APT sources" >&2
  exit 1
fi

apt_dir="$dir/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir/src"
echo "deb-src $mirror $suite main" >"$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Sandbox::User=root"
)
apt-get -qq "${apt_opts[@]}" update
# apt-get checks every file against the signed Sources index; the .dsc and Debian tarball that
# come with it are small and deleted below. Nothing is unpacked but the one script.
(cd "$dir/src" && apt-get -qq "${apt_opts[@]}" source --download-only qemu >/dev/null)
tarball=$(find "$dir/src" -maxdepth 1 -name 'qemu_*.orig.tar.*' | sort | tail -n 1)
[ -n "$tarball" ] || { echo "fetch-qemu-binfmt-conf.sh: no qemu orig tarball from $suite" >&2; exit 1; }
member=$(tar -tf "$tarball" --wildcards '*/scripts/qemu-binfmt-conf.sh' | head -n 1)
tar -xOf "$tarball" "$member" >"$script.tmp"
chmod 0755 "$script.tmp"
mv "$script.tmp" "$script"
rm -rf "$dir/src" "$apt_dir/cache"
echo "$script"
