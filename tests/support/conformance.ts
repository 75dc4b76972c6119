import { fileURLToPath } from 'node:url';

/**
 * The official EBU loudness test files. They live in shared/, beside the repository (never copied
 * into it), wherever the checkout is: on a developer's machine and in CI's fresh clone alike.
 */
export const EBU_CONFORMANCE_DIR = fileURLToPath(
  new URL('../../../shared/conformance/ebu-r128/', import.meta.url),
);
