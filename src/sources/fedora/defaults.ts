// Where a Fedora source looks when the config leaves things out: the public mirror and the
// release key Fedora's own `fedora-gpg-keys` package installs.

/** The mirror base used when source.mirror is not set (holds releases/ and updates/). */
export const DEFAULT_FEDORA_MIRROR = "https://dl.fedoraproject.org/pub/fedora/linux";

/** The key file `fedora-gpg-keys` installs for a release; used when present and source.key is not set. */
export function defaultFedoraKeyPath(release: number): string {
  return `/etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-${release}-primary`;
}

/** The repositories of a release, relative to the mirror: the release itself, then its updates. */
export function fedoraRepositories(
  release: number,
  arch: string,
): ReadonlyArray<{ readonly name: string; readonly path: string; readonly optional: boolean }> {
  return [
    {
      name: `releases/${release}`,
      path: `releases/${release}/Everything/${arch}/os/`,
      optional: false,
    },
    { name: `updates/${release}`, path: `updates/${release}/Everything/${arch}/`, optional: true },
  ];
}
