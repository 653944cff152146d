// Benchmark entry point (`npm run bench`). The suites arrive with the benchmarks issue; until then this
// says so instead of pretending to measure anything.
console.log('No benchmarks yet: bench/ is filled by the benchmarks issue.');
