/**
 * `npm run generate -- --run DIR --out FILE.png [--count 64] [--class K] [--rows-per-class] [--interpolate]`:
 * loads the generator saved in a training run's checkpoint and writes a grid of generated digits.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../backend';
import { dcganSampleGrid } from '../models/dcgan-sampling';
import { loadDcganGenerator } from '../training/dcgan-checkpoint';
import { saveImageGrid } from '../visualisation/image-grid';
import { type CommandIo, consoleIo, parseCommandLine, runCommand } from './run-command';
import { GENERATE_USAGE, parseGenerateArgs } from './train-args';

/** Runs the command; returns the exit code (0 done, 1 failure, 2 bad arguments). */
export async function main(argv: string[], io: CommandIo = consoleIo): Promise<number> {
  const args = parseCommandLine('generate', argv, parseGenerateArgs, GENERATE_USAGE, io);
  if (typeof args === 'number') return args;
  if (!existsSync(args.run)) {
    io.err(`npm run generate: --run ${args.run}: no such run directory (see runs/).`);
    return 2;
  }
  await initBackend();
  let generator: Awaited<ReturnType<typeof loadDcganGenerator>>;
  try {
    generator = await loadDcganGenerator(args.run);
  } catch (error) {
    io.err(`npm run generate: ${(error as Error).message}`);
    return 1;
  }
  try {
    const grid = dcganSampleGrid(generator, {
      count: args.count,
      classLabel: args.classLabel,
      rowPerClass: args.rowPerClass || undefined,
      interpolate: args.interpolate,
      seed: args.seed,
    });
    await mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
    saveImageGrid(grid.images, args.out, { valueRange: 'minusOneToOne', columns: grid.columns, scale: 2 });
    grid.images.dispose();
    io.out(`Wrote ${args.out}: ${grid.description}.`);
    return 0;
  } catch (error) {
    if (error instanceof RangeError) {
      io.err(`npm run generate: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    generator.dispose();
  }
}

if (require.main === module) runCommand(main);
