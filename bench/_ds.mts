import { detectShareOfShow } from './detect-share.js';
const r = await detectShareOfShow(300_000, 3);
console.log(JSON.stringify({ share: r.share, show: r.showSeconds, detect: r.detectSeconds, engine: r.engineEventsPerSecond, findings: r.findings }));
