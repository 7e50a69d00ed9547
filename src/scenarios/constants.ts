import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: where bundled workloads live. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Brin and Page, "The Anatomy of a Large-Scale Hypertextual Web Search Engine", WWW7 1998, table 1: a
 * 37.2 GB full inverted index for 24 million pages, about 1.55 KB a page.
 */
export const BRIN_PAGE_INDEX_BYTES_PER_DOC = 37.2e9 / 24e6;
