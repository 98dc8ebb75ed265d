import path from 'node:path';

/** The project's root folder (the one holding package.json, lib/ and notebooks/). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The folder holding the notebooks. */
export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, 'notebooks');
