// Builds the review console (console/, Vite + React) when its build is missing or older than its
// sources, so `npm install && npm start` stays the whole setup. The build records a hash of the sources
// it was made from; a start compares that hash with the sources on disk and rebuilds only on a change.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Vite from 'vite';
import type { Logger } from '../lib/logger.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CONSOLE_SOURCE_DIR = path.join(ROOT, 'console');
export const CONSOLE_DIST_DIR = path.join(CONSOLE_SOURCE_DIR, 'dist');
const HASH_FILE = '.source-hash';
const SKIPPED = new Set(['dist', 'node_modules']);

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !SKIPPED.has(entry.name) && !entry.name.startsWith('.build-'))
      .map((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? listFiles(full) : Promise.resolve([full]);
      }),
  );
  return nested.flat();
}

/** sha256 over the console's sources (paths and contents) and the lockfile (library versions). */
export async function consoleSourceHash(sourceDir = CONSOLE_SOURCE_DIR): Promise<string> {
  const hash = createHash('sha256');
  const files = (await listFiles(sourceDir)).sort();
  for (const file of [...files, path.join(ROOT, 'package-lock.json')]) {
    hash.update(path.relative(ROOT, file)).update('\0');
    hash.update(existsSync(file) ? await readFile(file) : '').update('\0');
  }
  return hash.digest('hex');
}

async function builtHash(): Promise<string | undefined> {
  try {
    return (await readFile(path.join(CONSOLE_DIST_DIR, HASH_FILE), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export type ConsoleBuildResult = 'fresh' | 'built' | 'prebuilt' | 'unavailable';

/**
 * Ensures console/dist matches console/. An image without the sources serves the build it was made with
 * ('prebuilt'). The build goes to a private directory first and is renamed into place, so a server
 * reading the old build never sees half of the new one.
 */
export async function ensureConsoleBuilt(logger: Logger): Promise<ConsoleBuildResult> {
  if (!existsSync(path.join(CONSOLE_SOURCE_DIR, 'index.html'))) {
    return existsSync(path.join(CONSOLE_DIST_DIR, 'index.html')) ? 'prebuilt' : 'unavailable';
  }
  const sourceHash = await consoleSourceHash();
  if ((await builtHash()) === sourceHash) return 'fresh';

  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    logger.warn('the review console is not built and Vite is not installed (npm install builds it)');
    return 'unavailable';
  }
  const started = Date.now();
  const outDir = path.join(CONSOLE_SOURCE_DIR, `.build-${process.pid}`);
  try {
    await vite.build({
      configFile: path.join(CONSOLE_SOURCE_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    await writeFile(path.join(outDir, HASH_FILE), `${sourceHash}\n`);
    await rm(CONSOLE_DIST_DIR, { recursive: true, force: true });
    await rename(outDir, CONSOLE_DIST_DIR);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
  logger.info({ ms: Date.now() - started }, 'review console built');
  return 'built';
}
