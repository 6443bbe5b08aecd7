import { fileURLToPath } from 'node:url';

/** The repository root, as seen by the host — and by the guest, which mounts the host's `/` unchanged. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Everything the harness downloads or builds lives here (gitignored); delete it to start over. */
export const cacheDir = `${repoRoot}.vm-cache`;
