import { reportShareOfJq } from '/work/wt/trial/bench/report-share.ts';
const n = Number(process.argv[2] ?? 100000);
console.log(JSON.stringify(await reportShareOfJq(n), null, 1));
