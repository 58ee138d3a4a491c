// Every build of the wanted packages that the release's repositories list for this architecture
// (the release and its updates; a missing optional repository is a warning, not an error).
import { posix } from "node:path";
import type { Choice } from "./choice.js";
import { fedoraRepositories } from "./defaults.js";
import {
  fetchRepositoryPackages,
  joinUrl,
  RepositoryNotFoundError,
  type RepositoryOptions,
} from "./repository.js";

// Why: the newest build may be in updates, an older one in the release: both are candidates.
/** The candidates, and the repositories they were read from (for messages). */
export async function listCandidates(
  mirror: string,
  release: number,
  arch: string,
  names: ReadonlySet<string>,
  options: RepositoryOptions,
  onWarning: ((message: string) => void) | undefined,
): Promise<{ candidates: Choice[]; repositories: ReturnType<typeof fedoraRepositories> }> {
  const repositories = fedoraRepositories(release, arch);
  const settled = await Promise.allSettled(
    repositories.map(async (repository) => {
      try {
        const entries = await fetchRepositoryPackages(
          joinUrl(mirror, repository.path),
          repository.name,
          names,
          options,
        );
        return entries
          .filter((e) => e.arch === arch)
          .map(
            (entry): Choice => ({
              entry,
              filename: posix.join(repository.path, entry.href),
              repository: repository.name,
            }),
          );
      } catch (error) {
        if (repository.optional && error instanceof RepositoryNotFoundError) {
          onWarning?.(`${error.message}; continuing with ${repositories[0]?.name} only`);
          return [];
        }
        throw error;
      }
    }),
  );
  // Wait for every repository before failing, so no download is left running behind an error.
  const failed = settled.find(
    (result): result is PromiseRejectedResult => result.status === "rejected",
  );
  if (failed !== undefined) throw failed.reason;
  const candidates = settled.flatMap((result) =>
    result.status === "fulfilled" ? result.value : [],
  );
  return { candidates, repositories };
}
