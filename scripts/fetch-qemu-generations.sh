#!/usr/bin/env bash
# Fetches three generations of Debian's static QEMU emulators for the guest-compatibility probe
# tests, idempotently, into <fixtures>/generations/<suite>/ (the .deb is kept next to the
# extracted emulators): bookworm's qemu-user-static (7.2), trixie's and trixie-backports'
# qemu-user (10.0 and 11.x, whose static emulators live in qemu-user).
# The newer suites come through a PRIVATE APT configuration (its own sources list, lists and
# cache under the fixtures directory) on the host's own Debian mirror, read from the host's APT
# sources at run time; the host's APT configuration and state are never touched.
# Needs the built tree (dist/) to read the APT sources the way qus does.
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures="${QUS_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/qus-test-fixtures}"
generations="$fixtures/generations"
# Only the emulators the probe tests run (every foreign target with a test program).
emulators=(aarch64 aarch64_be arm riscv64 riscv32 s390x ppc64le ppc64 ppc
  mips64el mips64 mipsel mips mipsn32el mipsn32 loongarch64)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

extract() { # <deb> <dir>: copies the wanted emulators as <dir>/qemu-<target>-static
  local deb=$1 dir=$2 tmp
  tmp=$(mktemp -d)
  dpkg-deb -x "$deb" "$tmp"
  for e in "${emulators[@]}"; do
    local from="$tmp/usr/bin/qemu-$e-static"
    [ -f "$from" ] || from="$tmp/usr/bin/qemu-$e"
    [ -f "$from" ] || { echo "fetch-qemu-generations: $deb has no qemu-$e" >&2; rm -rf "$tmp"; exit 1; }
    cp "$from" "$dir/qemu-$e-static.tmp" && mv "$dir/qemu-$e-static.tmp" "$dir/qemu-$e-static"
  done
  rm -rf "$tmp"
}

complete() { # <dir>: every wanted emulator is there
  local e
  for e in "${emulators[@]}"; do [ -x "$1/qemu-$e-static" ] || return 1; done
}

# bookworm: the package setup.sh already downloaded with the host's own sources.
mkdir -p "$generations/bookworm"
if ! complete "$generations/bookworm"; then
  deb=$(ls "$fixtures"/debs/qemu-user-static_*.deb 2>/dev/null | head -n 1 || true)
  [ -n "$deb" ] ||
    { echo "fetch-qemu-generations: no qemu-user-static .deb in $fixtures/debs (run scripts/setup.sh)" >&2; exit 1; }
  cp "$deb" "$generations/bookworm/"
  extract "$deb" "$generations/bookworm"
fi

# A suite whose .deb is already here only needs extracting; the others are downloaded.
missing=()
for suite in trixie trixie-backports; do
  dir="$generations/$suite"
  complete "$dir" && continue
  deb=$(ls "$dir"/qemu-user_*.deb 2>/dev/null | head -n 1 || true)
  if [ -n "$deb" ]; then extract "$deb" "$dir"; else missing+=("$suite"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "fetch-qemu-generations: ready in $generations"
  exit 0
fi

mirror=$(node --input-type=module -e '
  const { hostDebianMirrors } = await import(process.argv[1]);
  const { mirror } = await hostDebianMirrors("bookworm");
  if (mirror === null) process.exit(1);
  process.stdout.write(mirror);
' "$PWD/dist/sources/apt-sources.js") ||
  { echo "fetch-qemu-generations: no Debian mirror in the host's APT sources" >&2; exit 1; }
[ -f "$keyring" ] ||
  { echo "fetch-qemu-generations: $keyring is missing (install debian-archive-keyring)" >&2; exit 1; }

apt_dir="$fixtures/apt-private"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc"
{
  echo "deb [signed-by=$keyring] $mirror trixie main"
  echo "deb [signed-by=$keyring] $mirror trixie-backports main"
} >"$apt_dir/etc/sources.list"
apt_private=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::State::Status=/dev/null"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "APT::Get::List-Cleanup=false"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_private[@]}" update -qq ||
  { echo "fetch-qemu-generations: apt-get update of the private trixie sources failed" >&2; exit 1; }
for suite in "${missing[@]}"; do
  dir="$generations/$suite"
  mkdir -p "$dir"
  rm -f "$dir"/qemu-user_*.deb
  (cd "$dir" && apt-get "${apt_private[@]}" download -qq "qemu-user/$suite") ||
    { echo "fetch-qemu-generations: apt-get download qemu-user/$suite failed" >&2; exit 1; }
  extract "$(ls "$dir"/qemu-user_*.deb | head -n 1)" "$dir"
done
echo "fetch-qemu-generations: fetched ${missing[*]} into $generations"
