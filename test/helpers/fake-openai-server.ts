// The fake OpenAI-compatible server in its own process, for benchmarks that keep the model server off
// the measured process: `node --import tsx test/helpers/fake-openai-server.ts --port 0 --latency 200`
// (`--cache-window 0` turns off the prompt-cache simulation, whose comparisons cost CPU per request).
// Prints one JSON line, `{"url":"http://127.0.0.1:PORT/v1","port":PORT,"pid":PID}`, then serves until
// SIGINT/SIGTERM. Script it over HTTP: `POST /fake/enqueue {"behaviours":[…]}`, `POST /fake/default
// {"behaviour":…,"latencyMs":…}`, `POST /fake/reset`, `GET /fake/stats`.
import { parseArgs } from 'node:util';
import { startFakeOpenAI } from './fake-openai.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    latency: { type: 'string', default: '0' },
    'cache-window': { type: 'string', default: '32' },
  },
});

const port = Number(values.port);
const latencyMs = Number(values.latency);
const cacheWindow = Number(values['cache-window']);
if (
  !Number.isInteger(port) ||
  port < 0 ||
  port > 65535 ||
  !Number.isFinite(latencyMs) ||
  latencyMs < 0 ||
  !Number.isInteger(cacheWindow) ||
  cacheWindow < 0
) {
  console.error('usage: fake-openai-server.ts [--port N] [--host H] [--latency MS] [--cache-window N]');
  process.exit(2);
}

const fake = await startFakeOpenAI({ port, host: values.host, latencyMs, maxRecorded: 100, cacheWindow });
console.log(JSON.stringify({ url: fake.url, port: fake.port, pid: process.pid }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
