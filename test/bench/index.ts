// npm run bench: every job's benchmark, printed as figures against their goals.
import { bench as delegate } from "./delegate.js";
import { bench as lifecycle } from "./lifecycle.js";
import { bench as modelChain } from "./model-chain.js";

console.log(`fleet-actions benchmarks (node ${process.version}, ${new Date().toISOString()})`);
for (const bench of [delegate, modelChain, lifecycle]) await bench();
process.exit(0);
