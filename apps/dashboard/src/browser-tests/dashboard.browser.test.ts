// The dashboard against the real stack in a real browser: client, sensors, Image Selector,
// reconnect after a proxy restart, and history after a reload.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '@gateway/service-kit/testing';
import { imageAck, type ImageAck } from '@gateway/topics/image-selector';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type StartedBrowser } from './browser';
import { PageTrace, reportFailedTests, reportingFailure } from './failure-report';
import { GatewayStack, type StartedGatewayStack } from './gateway-stack';

const run = promisify(execFile);

let stack: StartedGatewayStack;
let browser: StartedBrowser;
let page: Page;
let trace: PageTrace | undefined;

async function statusOf(target: Page): Promise<string | null> {
  return target.getByTestId('connection-status').getAttribute('data-status');
}

async function expectConnected(target: Page, timeout = 20_000): Promise<void> {
  await target.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout });
}

beforeAll(async () => {
  stack = await new GatewayStack().withSimulator({ sensors: 3, intervalMs: 200, imagesIntervalMs: 0, seed: 7 }).start();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  trace = new PageTrace(page);
  await reportingFailure('opening the dashboard', () => trace, () => stack, async () => {
    await page.goto(stack.url);
    await expectConnected(page);
  });
});

reportFailedTests(() => trace, () => stack);

afterAll(async () => {
  // Either may be unset when beforeAll failed half-way.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  await browser?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  await stack?.close();
});

describe('dashboard end to end', () => {
  it('is served by the proxy with its title and connects over /mqtt on the same port', async () => {
    expect(await page.title()).toContain('Gateway dashboard');
    expect(await page.getByTestId('connection-status').textContent()).toMatch(/Connected/);
  });

  it('subscribes, publishes, and shows the message in the log and the topic tree', async () => {
    // A retained message from an independent client, stored before the page subscribes.
    const other = await mqtt.connectAsync(stack.mqttUrl, { clientId: 'e2e-retainer' });
    await other.publishAsync('e2e/room/setpoint', '22', { qos: 1, retain: true });
    await other.endAsync();

    await page.getByLabel('Topic filter').fill('e2e/#');
    await page.locator('#subscribe-qos').selectOption('1');
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await page.getByRole('list', { name: 'Active subscriptions' }).getByText('e2e/#').waitFor();

    await page.getByLabel('Topic', { exact: true }).fill('e2e/room/temp');
    await page.getByLabel('Payload', { exact: true }).fill('{"celsius": 21.5}');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();

    const log = page.getByTestId('message-log');
    await log.getByText('e2e/room/temp').first().waitFor();
    await log.getByText('{"celsius": 21.5}').first().waitFor();

    // The retained message stored before the subscription arrives flagged as retained.
    await log.getByText('e2e/room/setpoint').first().waitFor();
    await log.getByRole('listitem', { name: /e2e\/room\/setpoint/ }).getByText('Retained').waitFor();

    const tree = page.getByTestId('topic-tree');
    await tree.getByRole('button', { name: 'Expand e2e' }).click();
    await tree.getByRole('button', { name: 'Expand e2e/room' }).click();
    await tree.locator('[data-topic="e2e/room/temp"]').waitFor();
    await tree.locator('[data-topic="e2e/room/temp"]').click();
    await page.getByTestId('payload').last().getByText('"celsius": 21.5').waitFor();
    await screenshot(page, 'client');
  });

  it('clears a retained message from the topic tree', async () => {
    const tree = page.getByTestId('topic-tree');
    await tree.locator('[data-topic="e2e/room/setpoint"]').click();
    await page.getByRole('button', { name: 'Clear retained message' }).click();
    await page.getByText('Cleared 1 retained message').waitFor();
    const probe = await mqtt.connectAsync(stack.mqttUrl, { clientId: 'e2e-probe' });
    const retained: string[] = [];
    probe.on('message', (topic, payload, packet) => {
      if (packet.retain) retained.push(`${topic}=${payload.toString()}`);
    });
    await probe.subscribeAsync('e2e/#');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await probe.endAsync();
    expect(retained).toEqual([]);
  });

  it('shows simulator readings on their sensor charts, and a last will flips a sensor offline', async () => {
    await page.goto(`${stack.url}#/sensors`);
    const card = page.locator('[data-sensor="Sensor01"]');
    await card.waitFor({ timeout: 15_000 });
    await card.locator('[data-testid="sensor-value"]').filter({ hasText: /\d/ }).waitFor();
    await page.locator('[data-sensor="Sensor01"][data-status="online"]').waitFor();
    await card.locator('canvas').first().waitFor();

    // A sensor of our own with a last will, that then vanishes without a DISCONNECT.
    const sensorId = 'WillSensor';
    const sensor = await mqtt.connectAsync(stack.mqttUrl, {
      clientId: `e2e-${sensorId}`,
      will: { topic: `/IoTSensor/${sensorId}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
      reconnectPeriod: 0,
    });
    await sensor.publishAsync(`/IoTSensor/${sensorId}/status`, 'online', { qos: 1, retain: true });
    for (let seq = 0; seq < 5; seq += 1) {
      await sensor.publishAsync(`/IoTSensor/${sensorId}/reading`, JSON.stringify({ sensorId, kind: 'co2', value: 400 + seq * 10, unit: 'ppm', ts: Date.now(), seq }));
    }
    await page.locator(`[data-sensor="${sensorId}"][data-status="online"]`).waitFor();
    await page.locator(`[data-sensor="${sensorId}"] [data-testid="sensor-value"]`).getByText('440').waitFor();
    await page.waitForTimeout(1200);
    await screenshot(page, 'sensors');
    sensor.stream.destroy();
    await page.locator(`[data-sensor="${sensorId}"][data-status="offline"]`).waitFor({ timeout: 15_000 });
    await sensor.endAsync(true);
  });

  it('shows the image named with mosquitto_pub and acknowledges it', async () => {
    await page.goto(`${stack.url}#/images`);
    await expectConnected(page);
    const listener = await mqtt.connectAsync(stack.mqttUrl, { clientId: 'e2e-ack-listener' });
    const acks: ImageAck[] = [];
    listener.on('message', (_topic, payload) => {
      const decoded = imageAck.payload.decode(payload);
      if (decoded.ok) acks.push(decoded.value);
    });
    await listener.subscribeAsync(imageAck.filter, { qos: 1 });
    // The page subscribes right after connecting; give the SUBACK a moment.
    await page.waitForTimeout(300);

    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(stack.proxy.tcpPort), '-q', '1', '-t', '/ImageSelector/image', '-m', 'mountain']);
    await page.locator('[data-testid="image-tile"][data-state="known"][data-image="mountain"]').waitFor();
    await page.locator('img[alt=\'Image "mountain"\']').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : new Promise((resolve) => img.addEventListener('load', () => resolve(img.naturalWidth)))));
    expect(await page.locator('img[alt=\'Image "mountain"\']').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    const ack = await waitFor(() => acks.find((entry) => entry.image === 'mountain'), { what: 'the acknowledgement of mountain' });
    expect(ack.known).toBe(true);
    expect(ack.by).toMatch(/^dashboard-/);
    await screenshot(page, 'images');

    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(stack.proxy.tcpPort), '-q', '1', '-t', '/ImageSelector/image', '-m', 'atlantis']);
    await page.locator('[data-testid="image-tile"][data-state="unknown"][data-image="atlantis"]').waitFor();
    const unknown = await waitFor(() => acks.find((entry) => entry.image === 'atlantis'), { what: 'the acknowledgement of atlantis' });
    expect(unknown.known).toBe(false);
    await screenshot(page, 'images-unknown');
    await listener.endAsync();
  });

  it('reconnects by itself after the proxy restarts', async () => {
    await page.goto(`${stack.url}#/client`);
    await expectConnected(page);
    await stack.stopProxy();
    // The state and the banner show the outage while the proxy is away.
    await page.getByTestId('reconnect-banner').waitFor({ timeout: 10_000 });
    expect(await statusOf(page)).toBe('reconnecting');
    await page.waitForTimeout(1500);
    await screenshot(page, 'client-reconnecting');
    await stack.startProxyAgain();
    await expectConnected(page, 30_000);
    expect(await page.getByTestId('reconnect-banner').count()).toBe(0);
    // And it still receives what it subscribed to.
    const other = await mqtt.connectAsync(stack.mqttUrl, { clientId: 'e2e-after-restart' });
    await other.publishAsync('e2e/after/restart', 'back', { qos: 1 });
    await other.endAsync();
    await page.getByTestId('message-log').getByText('e2e/after/restart').first().waitFor({ timeout: 15_000 });
  });

  it('keeps the message history across a reload', async () => {
    await page.waitForTimeout(800); // batched IndexedDB writes
    await page.reload();
    await page.getByTestId('message-log').getByText('e2e/room/temp').first().waitFor();
    await page.getByTestId('message-log').getByText('e2e/after/restart').first().waitFor();
    await expectConnected(page);
  });

  it('is usable on a phone-sized screen', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [route, name] of [['#/client', 'phone-client'], ['#/sensors', 'phone-sensors'], ['#/images', 'phone-images']] as const) {
      await phone.goto(`${stack.url}${route}`);
      await expectConnected(phone);
      await phone.waitForTimeout(700);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${route} scrolls sideways`).toBeLessThanOrEqual(1);
      await screenshot(phone, name);
    }
    await phone.close();
  });
});
