// Where a CPU profile's time went: `node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 25]`
// (profiles come from `npm run bench -- --profile`, or any `node --cpu-prof`). Prints self time by area
// (a package under node_modules, a file under src/, Node internals, GC, idle) and the functions with the
// most self and inclusive time. Inclusive time counts a function once per sample, however deep it recurses.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  areas: { area: string; ms: number }[];
  selfTop: { fn: string; ms: number }[];
  inclusiveTop: { fn: string; ms: number }[];
}

export function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, not attributed)';
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `npm: ${modules[1]}`;
  const source = /\/(src|bench|test)\/(.+)$/.exec(url);
  if (source) return `${source[1]}/${source[2]}`;
  return url;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${areaOf(url, functionName)}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

/**
 * `window` limits the summary to samples taken between two instants of the monotonic clock, in µs: the
 * clock of the profile's timestamps, and of `process.hrtime` in any process on the same Linux machine.
 */
export function summarize(
  profile: Profile,
  top = 25,
  window?: { fromUs: number; toUs: number },
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });

  const areas = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const inclusiveByFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    total += micros;
    if (node.callFrame.functionName === '(idle)') idle += micros;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    selfByFn.set(label(node), (selfByFn.get(label(node)) ?? 0) + micros);
    const seen = new Set<string>();
    for (let frame: number | undefined = id; frame !== undefined; frame = parent.get(frame)) {
      const name = label(byId.get(frame)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusiveByFn.set(name, (inclusiveByFn.get(name) ?? 0) + micros);
    }
  }
  const ms = (micros: number) => Math.round(micros / 100) / 10;
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    totalMs: ms(total),
    idleMs: ms(idle),
    areas: sorted(areas).map(([area, micros]) => ({ area, ms: ms(micros) })),
    selfTop: sorted(selfByFn).map(([fn, micros]) => ({ fn, ms: ms(micros) })),
    inclusiveTop: sorted(inclusiveByFn)
      .filter(([fn]) => !/^\((root|program|idle)\)/.test(fn))
      .map(([fn, micros]) => ({ fn, ms: ms(micros) })),
  };
}

export function readProfile(file: string): Profile {
  return JSON.parse(readFileSync(file, 'utf8')) as Profile;
}

export function printSummary(summary: ProfileSummary): void {
  const busy = summary.totalMs - summary.idleMs;
  const pct = (value: number, of: number) => `${((100 * value) / of).toFixed(1).padStart(5)} %`;
  console.log(`profile: ${summary.totalMs} ms sampled, ${busy.toFixed(1)} ms busy (not idle)\n`);
  console.log('self time by area (% of busy):');
  for (const { area, ms } of summary.areas.filter((row) => row.area !== '(idle)'))
    console.log(`  ${pct(ms, busy)}  ${String(ms).padStart(9)} ms  ${area}`);
  console.log('\nfunctions by self time (% of busy):');
  for (const { fn, ms } of summary.selfTop.filter((row) => !row.fn.startsWith('(idle)')))
    console.log(`  ${pct(ms, busy)}  ${String(ms).padStart(9)} ms  ${fn}`);
  console.log('\nfunctions by inclusive time (% of busy):');
  for (const { fn, ms } of summary.inclusiveTop)
    console.log(`  ${pct(ms, busy)}  ${String(ms).padStart(9)} ms  ${fn}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      'from-us': { type: 'string' },
      'to-us': { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) {
    console.error(
      'usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--from-us T --to-us T]',
    );
    process.exit(2);
  }
  const window =
    values['from-us'] && values['to-us']
      ? { fromUs: Number(values['from-us']), toUs: Number(values['to-us']) }
      : undefined;
  printSummary(summarize(readProfile(file), Number(values.top), window));
}
