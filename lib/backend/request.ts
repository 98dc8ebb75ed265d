import { BACKEND_NAMES, type BackendName, type ForceSource } from './types';

/** The environment variable that forces a backend (`tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`, or `auto`). */
export const BACKEND_ENV_VAR = 'GENLIB_BACKEND';

/** A backend request: forced to one backend, or automatic. */
export interface BackendRequest {
  /** The forced backend, if any. */
  force?: BackendName;
  /** Where the force came from. */
  source?: ForceSource;
}

/** True when `value` is a {@link BackendName}. */
export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Parses a backend name as typed by a user (trimmed, case-insensitive). Empty or `auto` means
 * automatic selection (`undefined`).
 * @throws Error naming the accepted values, for anything else.
 */
export function parseBackendName(value: string, where: string): BackendName | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'auto') return undefined;
  if (isBackendName(v)) return v;
  throw new Error(
    `${where} is '${value}', which is not a backend genlib knows. ` +
      `Use one of: ${BACKEND_NAMES.join(', ')}, or auto (pick the fastest available).`,
  );
}

/**
 * Decides what was asked for: `force` (an option in code) wins over the `GENLIB_BACKEND`
 * environment variable; neither means automatic selection.
 */
export function resolveBackendRequest(
  force: BackendName | 'auto' | undefined,
  env: Readonly<Record<string, string | undefined>>,
): BackendRequest {
  if (force != null && force !== 'auto') {
    const name = parseBackendName(force, 'initBackend({ force })');
    return name == null ? {} : { force: name, source: 'option' };
  }
  if (force === 'auto') return {};
  const fromEnv = env[BACKEND_ENV_VAR];
  if (fromEnv == null) return {};
  const name = parseBackendName(fromEnv, `The environment variable ${BACKEND_ENV_VAR}`);
  return name == null ? {} : { force: name, source: 'GENLIB_BACKEND' };
}
