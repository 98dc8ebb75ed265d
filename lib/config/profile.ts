/**
 * Run profiles: how big the notebooks' data and training loops are.
 *
 * `default` is what a learner runs; `quick` shrinks data and steps so the notebook test can execute every
 * notebook in a few minutes. The profile is read from the environment variable `GENLIB_PROFILE`.
 */

/** The names of the run profiles. */
export type ProfileName = 'default' | 'quick';

/** The environment variable that selects the run profile. */
export const PROFILE_ENV_VAR = 'GENLIB_PROFILE';

/**
 * The active run profile, from `GENLIB_PROFILE` (unset means `default`).
 * @throws Error when the variable holds an unknown profile name.
 */
export function activeProfile(env: NodeJS.ProcessEnv = process.env): ProfileName {
  const value = (env[PROFILE_ENV_VAR] ?? '').trim();
  if (value === '' || value === 'default') return 'default';
  if (value === 'quick') return 'quick';
  throw new Error(
    `${PROFILE_ENV_VAR}=${value} is not a profile: use 'default' or 'quick' (or leave it unset).`,
  );
}

/**
 * Picks a value by the active profile: `byProfile({ default: 2000, quick: 50 })`.
 * Notebooks use it for every size that the quick profile shrinks, so the choice is visible in the cell.
 */
export function byProfile<T>(values: Record<ProfileName, T>, env: NodeJS.ProcessEnv = process.env): T {
  return values[activeProfile(env)];
}
