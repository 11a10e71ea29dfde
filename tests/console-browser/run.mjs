// Runs one console scenario (scenarios/<name>.mjs) in headless Chromium; exits 0 when it passes. On failure it prints
// the error, the page's own errors, and saves a screenshot of the moment to $RELAY_FAILURES (if set).
// Usage: RELAY_GATEWAY=http://127.0.0.1:8080 RELAY_MANAGEMENT_KEY=... node run.mjs <scenario>
import { launchBrowser } from './lib.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: node run.mjs <scenario>');
  process.exit(2);
}
const scenario = (await import(`./scenarios/${name}.mjs`)).default;
const { browser, page, problems } = await launchBrowser();
// A scenario that hangs must still end: the whole run is bounded.
const limit = setTimeout(() => { console.error(`scenario ${name} did not finish within 150 s`); process.exit(1); }, 150000);
let failed = false;
try {
  await scenario(page);
  // The console must not throw while doing its job, even when the scenario passed.
  if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  console.log(`scenario ${name} passed`);
} catch (error) {
  failed = true;
  console.error(`scenario ${name} failed at ${page.url()}:\n${error.stack ?? error}`);
  if (problems.length) console.error(problems.join('\n'));
  if (process.env.RELAY_FAILURES) {
    mkdirSync(process.env.RELAY_FAILURES, { recursive: true });
    await page.screenshot({ path: join(process.env.RELAY_FAILURES, `${name}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  clearTimeout(limit);
  await browser.close();
}
process.exit(failed ? 1 : 0);
