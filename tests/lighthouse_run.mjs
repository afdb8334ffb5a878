// Lighthouse (pinned in tests/package.json) on several URLs with one Chromium, for tests/test_lighthouse.py.
// Usage: node lighthouse_run.mjs OUT.json URL...  — mobile preset (Lighthouse's default: Moto G
// Power screen, simulated slow 4G and 4x CPU slowdown, which is computed from one trace and so
// does not depend on how busy the machine is). Writes {url: {categories, audits that failed}}.
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [out, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = {};
try {
  for (const url of urls) {
    const run = await lighthouse(url, {
      port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    });
    const lhr = run.lhr;
    const categories = Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, Math.round(c.score * 100)]));
    const failed = {};
    for (const cat of Object.values(lhr.categories)) {
      for (const ref of cat.auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) {
          const items = (a.details && a.details.items) || [];
          const nodes = items.slice(0, 5).map(i => i.node ? `${i.node.selector} ${(i.node.snippet || '').slice(0, 160)}` : '').filter(Boolean);
          failed[ref.id] = {score: a.score, value: a.displayValue || '', nodes};
        }
      }
    }
    const metrics = {};
    for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
      metrics[id] = lhr.audits[id] ? lhr.audits[id].numericValue : null;
    }
    // what the trace saw in real time: a load that ends long before the first paint, with the main thread
    // idle in between, is headless Chromium holding back frames (tests/test_checkers.py, ARTEFACT_MS)
    const observed = lhr.audits.metrics && lhr.audits.metrics.details ? lhr.audits.metrics.details.items[0] : {};
    metrics.observedLoad = observed.observedLoad ?? null;
    metrics.observedFirstPaint = observed.observedFirstPaint ?? null;
    results[url] = {categories, failed, metrics, runtimeError: lhr.runtimeError || null,
                    warnings: lhr.runWarnings || []};
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(out, JSON.stringify(results, null, 1));
