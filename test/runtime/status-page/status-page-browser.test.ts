// The status page as a person uses it, in headless Chromium (Debian's `chromium`, driven by
// playwright-core): `edgewise run` of the offline demo (the built CLI, a child process: emulator,
// hub, agent, the demo's two SDK modules) with --ui-port 0 prints the page's address; the page
// shows the modules running and a child device (the official SDK, a real identity) connected;
// its Cut button cuts the upstream (`edgewise hub status` says so); while cut, the chart's queue
// depth rises as the child sends; Restore brings the upstream back and the chart falls to zero.
// Screenshots of both moments go to test-artifacts/status-page/. Without Chromium or
// playwright-core the test is skipped, saying why.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'azure-iot-device';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudInfo } from '../../../src/runtime/cloud/cloud-info.js';
import { ServiceClient } from '../../../src/runtime/cloud/service-client.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { readHubInfo } from '../../../src/runtime/hub/index.js';
import { BIN, ROOT, runCli } from '../cloud/cloud-support.js';
import { numbered, openGatewayDevice, waitFor } from '../hub/assembly/hub-support.js';

const ADDRESS = '127.0.17.1';
const CHROMIUM = process.env.EDGEWISE_CHROMIUM ?? '/usr/bin/chromium';
const CHILD = 'thermostat-ui';
/** Messages the child sends while the upstream is cut. */
const DURING_OUTAGE = 300;
const ARTIFACTS = join(ROOT, 'test-artifacts', 'status-page');

const missing = !existsSync(CHROMIUM) ? `Chromium is not at ${CHROMIUM} (apt-get install chromium, or set EDGEWISE_CHROMIUM)` : !resolvable('playwright-core') ? 'playwright-core is not installed (npm ci)' : undefined;
if (missing) console.warn(`status-page-browser.test.ts skipped: ${missing}`);

const folder = mkdtempSync(join(tmpdir(), 'edgewise-status-page-'));
const children: ChildProcessWithoutNullStreams[] = [];
let browser: BrowserContext | undefined;
let device: Client | undefined;

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await device?.close().catch(() => undefined);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** What the depth chart holds now: uPlot's columns for everything waiting and for the cloud's queue. */
interface DepthColumns {
  all: number[];
  upstream: number[];
}

function depthOnChart(page: Page): Promise<DepthColumns> {
  return page.evaluate(() => {
    const chart = (window as unknown as { edgewiseStatusPage: { depthChart: { data: number[][] } } }).edgewiseStatusPage.depthChart;
    return { all: [...chart.data[1]!], upstream: [...chart.data[2]!] };
  });
}

async function hubStatus(data: string): Promise<{ upstream: string }> {
  const result = await runCli(['hub', 'status', '--data', data]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { upstream: string };
}

describe.skipIf(missing !== undefined)('the status page in a browser', () => {
  it('shows the runtime, cuts the upstream with its button, and charts the queue filling and draining', async () => {
    const data = join(folder, 'hub');
    const cloudData = join(folder, 'cloud');
    const run = spawn(
      process.execPath,
      [BIN, 'run', 'examples/offline-demo/deployment.json', '--modules', 'examples/offline-demo/modules.yaml', '--with-cloud', '--data', data, '--cloud-data', cloudData, '--address', ADDRESS, '--mqtt-port', '0', '--https-port', '0', '--ui-port', '0'],
      { cwd: ROOT, env: { ...process.env, EDGEWISE_CONNECTION_STRING: '' } },
    );
    children.push(run);
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => run.on('close', (code) => resolve(code)));
    let ended = false;
    void exited.then(() => (ended = true));

    const printed = await waitFor('the status page line', () => ended || /^edgewise run: status page on (\S+) \(open it in a browser on this machine; the token keeps other users of the machine out\)$/m.exec(stdout), 40_000);
    expect(ended, stderr).toBe(false);
    const url = (printed as RegExpExecArray)[1]!;
    expect(url).toMatch(new RegExp(`^http://${ADDRESS.replaceAll('.', '\\.')}:\\d+/\\?token=[\\w-]{32,}$`));

    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(join(folder, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 1100 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(url);
    await page.locator('#upstream', { hasText: 'upstream: connected' }).waitFor({ timeout: 30_000 });
    // The agent's real module states, as the demo's modules came up.
    for (const module of ['filter', 'sensor']) await page.locator('#modules tr', { hasText: module }).locator('td[data-status="running"]').waitFor({ timeout: 30_000 });

    // A child device of the edge device, with its own identity in the emulator, through the hub.
    const cloud = readCloudInfo(cloudData)!;
    const hub = readHubInfo(data)!;
    const service = ServiceClient.fromDataFolder(cloudData);
    const child = await service.createDevice(CHILD, { parent: await service.getDevice('edge-device') });
    const connectionString = `${deviceConnectionString(`${cloud.mqtt.host}:${cloud.mqtt.port}`, CHILD, child.authentication.symmetricKey.primaryKey)};GatewayHostName=${hub.mqtt.host}:${hub.mqtt.port}`;
    device = await waitFor(`${CHILD} to connect through the hub`, async () => {
      try {
        return await openGatewayDevice(hub, connectionString);
      } catch {
        return undefined; // the hub learns the new identity on its next scope read
      }
    });
    await page.locator('#clients td', { hasText: CHILD }).waitFor({ timeout: 20_000 });

    await page.getByRole('button', { name: 'Cut upstream' }).click();
    await page.locator('#upstream', { hasText: 'upstream: cut' }).waitFor({ timeout: 20_000 });
    expect((await hubStatus(data)).upstream).toBe('cut');

    // Each send resolves on the hub's acknowledgement, after the message is stored.
    await Promise.all(Array.from({ length: DURING_OUTAGE }, (_, index) => device!.sendEvent(numbered(CHILD, index))));
    const risen = await waitFor(`the chart to show at least ${DURING_OUTAGE} messages waiting for the cloud`, async () => {
      const depth = await depthOnChart(page);
      return (depth.upstream.at(-1) ?? 0) >= DURING_OUTAGE ? depth : undefined;
    });
    expect(risen.all.at(-1)).toBeGreaterThanOrEqual(DURING_OUTAGE);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'during-outage.png'), fullPage: true });

    await page.getByRole('button', { name: 'Restore upstream' }).click();
    await page.locator('#upstream', { hasText: 'upstream: connected' }).waitFor({ timeout: 30_000 });
    expect((await hubStatus(data)).upstream).toBe('connected');
    const drained = await waitFor('the chart to show the cloud\'s queue drained', async () => {
      const depth = await depthOnChart(page);
      return depth.upstream.at(-1) === 0 ? depth : undefined;
    }, 40_000);
    // The chart holds the whole story: the queue rose to the outage's messages, then fell to zero.
    const peak = drained.upstream.indexOf(Math.max(...drained.upstream));
    expect(drained.upstream[peak]).toBeGreaterThanOrEqual(DURING_OUTAGE);
    expect(drained.upstream.slice(peak).at(-1)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'after-restore.png'), fullPage: true });
    expect(problems).toEqual([]);

    await browser.close();
    browser = undefined;
    run.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
  }, 85_000);
});

function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
