// Every installed package must support the Node versions the project runs on: npm warns EBADENGINE (and
// some packages refuse to load) when one asks for a newer Node than the one installing it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';

// semver comes with bullmq; it is npm's own range logic.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};

interface LockEntry {
  version?: string;
  engines?: Record<string, string> | string[];
}

const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The oldest Node the project supports (package.json engines), and the first releases of the active LTS lines that tools accept. */
const SUPPORTED = ['20.19.0', '22.13.0', '24.0.0'];

describe('dependency engines', () => {
  it('every package in package-lock.json accepts Node 20.19, 22 and 24', () => {
    const refusing: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      if (!range) continue;
      for (const version of SUPPORTED) {
        if (!semver.satisfies(version, range))
          refusing.push(`${location}@${entry.version} (node ${range}) on ${version}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});
