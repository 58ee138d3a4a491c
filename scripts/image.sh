#!/usr/bin/env bash
# npm run image: builds localhost/qus:<version> with podman and no registry. It assembles a
# minimal root file system (busybox-static, the standalone qus executable and the shared
# libraries it links, CA certificates and Debian's archive keyring for download sources),
# imports it as localhost/qus-base:<version> and builds the Containerfile FROM it.
# Works rootless (needs podman, and busybox-static: see scripts/setup.sh). No emulators inside.
# QUS_EXECUTABLE: the standalone executable to put in (default dist/release/qus-linux-<arch>,
# made first by the release build when missing: the image holds what users install).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
busybox=/bin/busybox
if ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  echo "image: a static busybox is needed at $busybox (apt-get install busybox-static)" >&2
  exit 1
fi
command -v podman >/dev/null || { echo "image: podman is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,usr/bin,usr/local/bin,etc/qus,proc,sys,dev,tmp,run,root,var/lib/qus,usr/local/lib/qus}
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  if [ ! -e "$rootfs/bin/$applet" ]; then ln -s busybox "$rootfs/bin/$applet"; fi
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"

# An ELF and the shared libraries (and loader) it needs, at their own paths.
copy_elf() {
  install -m 0755 "$1" "$rootfs$2"
  ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    [ -e "$rootfs$lib" ] || { mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"; }
  done
}
executable="${QUS_EXECUTABLE:-dist/release/qus-linux-$arch}"
if [ ! -f "$executable" ] && [ -z "${QUS_EXECUTABLE:-}" ]; then
  echo "image: no $executable: building the release first (node scripts/release/release.mjs)" >&2
  [ -f dist/bin/qus.js ] || npm run --silent build >&2
  node scripts/release/release.mjs >&2
fi
if [ ! -f "$executable" ]; then
  echo "image: $executable is missing (npm run release makes it)" >&2
  exit 1
fi
copy_elf "$executable" /usr/local/bin/qus
install -m 0755 image/entrypoint.sh "$rootfs/usr/local/bin/qus-entrypoint"
for file in /etc/ssl/certs/ca-certificates.crt /usr/share/keyrings/debian-archive-keyring.gpg; do
  if [ -f "$file" ]; then mkdir -p "$rootfs$(dirname "$file")" && cp -L "$file" "$rootfs$file"; fi
done

tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/base.tar" .
podman import --quiet --change 'CMD ["/bin/sh"]' "$work/base.tar" "localhost/qus-base:$version" >/dev/null
mkdir "$work/context"
podman build --quiet --pull=never --network none --build-arg "BASE=localhost/qus-base:$version" \
  -f Containerfile -t "localhost/qus:$version" "$work/context" >/dev/null
echo "image: built localhost/qus:$version"
