// Runs one contestant on one workload, repeatedly and without checks: a target for profilers.
//   node --cpu-prof bench/profile.mjs reframe-node socket 64 16 5     (16 MiB of the stream, 5 runs)
//   REFRAME_BACKEND=js node bench/profile.mjs reframe-push tiny 64 4 3
// Instruction counts per run, repeatable on a noisy machine: bench/callgrind.sh (the difference
// between 1 and 1 + n runs, so start-up and data generation cancel out).
import { CONTESTANTS } from './contestants.mjs';
import { makeWorkload } from './workloads.mjs';

const [id, name, sizeArg, mibArg, runsArg = '1'] = process.argv.slice(2);
const size = Number(sizeArg);
const run = await CONTESTANTS[id].load();
const workload = makeWorkload(name, mibArg ? Number(mibArg) * 2 ** 20 : undefined);
let chunks = 0;
const sink = () => void chunks++;
for (let i = 0; i < Number(runsArg); i++) await run(workload.bursts, size, sink);
console.log(`${id} ${name} ${size}: ${chunks} chunks over ${runsArg} runs`);
