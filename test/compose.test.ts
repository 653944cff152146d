// docker-compose.yml and the Dockerfile against what the README promises: every configuration variable
// reaches the containers, ports are published on this machine only, and the image runs an active LTS.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers/processes.js';

interface Service {
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
}
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The variables of the README's configuration table. */
function documentedVariables(): string[] {
  const table = readme.slice(readme.indexOf('## Configuration'));
  return [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1]!);
}
/** Only the embedded servers read these; the containers use PostgreSQL and Redis services. */
const EMBEDDED_ONLY = new Set(['DATA_DIR', 'EMBEDDED_PG_PORT', 'EMBEDDED_REDIS_PORT']);

describe('docker-compose.yml', () => {
  it('passes every documented variable to the api and the worker', () => {
    const variables = documentedVariables().filter((name) => !EMBEDDED_ONLY.has(name));
    expect(variables).toEqual(
      expect.arrayContaining(['ALLOW_PRIVATE_URLS', 'SHUTDOWN_GRACE_MS', 'CORS_ORIGINS']),
    );
    for (const service of ['api', 'worker']) {
      const environment = compose.services[service]!.environment ?? {};
      // HOST and PORT are the container's own (the api sets them; the worker serves no HTTP).
      const missing = variables.filter(
        (name) => !(name in environment) && !(service === 'worker' && (name === 'HOST' || name === 'PORT')),
      );
      expect(missing, service).toEqual([]);
      expect(environment.DATABASE_URL, service).toMatch(/^postgres:\/\//);
    }
  });

  it('publishes ports on 127.0.0.1 only, Redis included (for `docker compose up -d redis`)', () => {
    expect(compose.services.api!.ports).toEqual(['127.0.0.1:${DISTILL_PORT:-3000}:3000']);
    expect(compose.services.redis!.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(compose.services.postgres!.ports).toBeUndefined();
    expect(readme).toContain('DISTILL_PORT');
  });

  it('runs the api and worker roles, on an active Node LTS', () => {
    expect(compose.services.api!.command).toEqual(['node', 'dist/cli.js', 'api']);
    expect(compose.services.worker!.command).toEqual(['node', 'dist/cli.js', 'worker']);
    const images = [...readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)/gm)];
    expect(images.length).toBeGreaterThan(0);
    for (const [, major] of images) expect(['22', '24']).toContain(major);
  });
});
