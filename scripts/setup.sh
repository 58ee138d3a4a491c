#!/usr/bin/env bash
# Installs what the tests and the demo need on a Debian 12 machine, idempotently:
# system packages, real QEMU emulators and a foreign test binary from Debian's archive
# (cached outside git), node modules and the build. Safe to run again; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures="${QUS_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/qus-test-fixtures}"
# Node 20 or newer must already be installed (Debian 12's own nodejs is 18: too old).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup.sh: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

need_root() { [ "$(id -u)" = 0 ] || { echo "setup.sh: $1 needs root (run as root or install it yourself)" >&2; exit 1; }; }

# System tools: unshare/nsenter (util-linux), dpkg-deb, gpg and friends for the test mirror;
# rpm (rpmbuild, rpmsign, rpmkeys) for the Fedora test repository.
want=(util-linux dpkg-dev gnupg apt-utils xz-utils zstd rpm)
# The ecosystem tests: real ansible-playbook and `cloud-init schema` (see test/ecosystem/).
want+=(ansible-core cloud-init)
# The release (scripts/release/): lintian checks the .deb files, the arm64 binutils strip the
# arm64 Node binary; the completion tests load the scripts in zsh and fish, man renders the page.
want+=(lintian binutils-aarch64-linux-gnu zsh fish man-db)
# The fleet test (SSH hosts in namespaces), the container image (rootless podman, a static
# busybox for the image's shell) and the collection's offline `ansible-test sanity`.
want+=(openssh-server socat podman runc uidmap catatonit busybox-static)
want+=(python3-voluptuous python3-pycodestyle yamllint python3-packaging)
missing=()
for p in "${want[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
apt_updated=no
apt_update() { [ "$apt_updated" = yes ] || { apt-get update -qq; apt_updated=yes; }; }
if [ ${#missing[@]} -gt 0 ]; then
  need_root "installing ${missing[*]}"
  apt_update
  # No recommends: podman's would bring systemd pieces, crun and slirp4netns, unused here.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # cloud-init is only here for its validator: keep it from running at the next boot.
  if printf '%s\n' "${missing[@]}" | grep -qx cloud-init; then mkdir -p /etc/cloud && touch /etc/cloud/cloud-init.disabled; fi
fi

# Real emulators (host architecture) and a real foreign static binary (arm64 busybox).
mkdir -p "$fixtures/debs" "$fixtures/qemu" "$fixtures/foreign/arm64"
if ! ls "$fixtures"/debs/qemu-user-static_*.deb >/dev/null 2>&1; then
  need_root "downloading qemu-user-static"
  apt_update
  (cd "$fixtures/debs" && apt-get download -qq qemu-user-static 2>/dev/null) ||
    { echo "setup.sh: apt-get download qemu-user-static failed (check the APT sources)" >&2; exit 1; }
fi
if ! ls "$fixtures"/debs/busybox-static_*_arm64.deb >/dev/null 2>&1; then
  need_root "downloading busybox-static:arm64"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt_updated=no
  fi
  apt_update
  (cd "$fixtures/debs" && apt-get download -qq busybox-static:arm64 2>/dev/null) ||
    { echo "setup.sh: apt-get download busybox-static:arm64 failed (check the APT sources)" >&2; exit 1; }
fi
if [ ! -x "$fixtures/qemu/qemu-aarch64-static" ]; then
  tmp=$(mktemp -d)
  dpkg-deb -x "$fixtures"/debs/qemu-user-static_*.deb "$tmp"
  cp -a "$tmp"/usr/bin/qemu-*-static "$fixtures/qemu/"
  rm -rf "$tmp"
fi
if [ ! -x "$fixtures/foreign/arm64/busybox" ]; then
  tmp=$(mktemp -d)
  dpkg-deb -x "$fixtures"/debs/busybox-static_*_arm64.deb "$tmp"
  cp "$tmp/bin/busybox" "$fixtures/foreign/arm64/busybox"
  rm -rf "$tmp"
fi

# An arm64 C library root (Debian's own arm64 packages, unpacked, never installed): QEMU_LD_PREFIX
# for dynamically linked arm64 programs (the arm64 Node that builds and runs qus-linux-arm64).
arm64_libs=(libc6 libstdc++6 libgcc-s1 libatomic1)
if [ ! -e "$fixtures/arm64-root/.complete" ]; then
  mkdir -p "$fixtures/debs/arm64-root"
  for lib in "${arm64_libs[@]}"; do
    if ! ls "$fixtures/debs/arm64-root/${lib}"_*_arm64.deb >/dev/null 2>&1; then
      need_root "downloading $lib:arm64"
      apt_update
      (cd "$fixtures/debs/arm64-root" && apt-get download -qq "$lib:arm64" 2>/dev/null) ||
        { echo "setup.sh: apt-get download $lib:arm64 failed (check the APT sources)" >&2; exit 1; }
    fi
  done
  tmp=$(mktemp -d "$fixtures/.arm64-root.XXXXXX")
  for deb in "$fixtures"/debs/arm64-root/*_arm64.deb; do dpkg-deb -x "$deb" "$tmp"; done
  touch "$tmp/.complete"
  rm -rf "$fixtures/arm64-root"
  mv "$tmp" "$fixtures/arm64-root"
fi

# Node modules, then the build (npm ci no longer builds: the build is `prepack`, for packing).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
# Three QEMU generations for the guest-compatibility probe tests (needs the build above).
QUS_FIXTURES="$fixtures" bash scripts/fetch-qemu-generations.sh
echo "setup: fixtures in $fixtures"
