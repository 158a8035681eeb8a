// Summarises a V8 CPU profile (node --cpu-prof): self time by package (node_modules/<pkg>, the repo's
// own dist/<app|lib>, node: internals, native) and the top functions, skipping the first
// `skip` seconds (start-up). Usage: node tools/bench/cpu-profile.mjs <file.cpuprofile> [skip=5] [top=25]
import { readFileSync } from 'node:fs';

const [file, skipArg = '5', topArg = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile.mjs <file.cpuprofile> [skipSeconds] [top]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const skipUs = Number(skipArg) * 1e6;

const packageOf = ({ url, functionName }) => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  const own = /dist\/((?:apps|libs)\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
};

const byPackage = new Map();
const byFunction = new Map();
let t = profile.startTime;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t - profile.startTime < skipUs) continue;
  const frame = nodes.get(profile.samples[i]).callFrame;
  if (frame.functionName === '(idle)') continue;
  total += dt;
  const pkg = packageOf(frame);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  const fn = `${frame.functionName || '(anonymous)'} ${pkg}:${frame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
}
const window = (profile.endTime - profile.startTime - skipUs) / 1e6;
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${window.toFixed(1)} s profiled, ${(total / 1e6).toFixed(2)} s on CPU (${((total / 1e6 / window) * 100).toFixed(0)} % of one core)`);
console.log('by package:');
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`  ${pct(v)}  ${k}`);
console.log('by function (self time):');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`  ${pct(v)}  ${k}`);
