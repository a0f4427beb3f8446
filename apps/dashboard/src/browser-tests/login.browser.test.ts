// Logging in against a broker that wants credentials (a gateway-passwd file and
// BROKER_ALLOW_ANONYMOUS=false), in a real browser: the login form, a wrong password, live readings
// once logged in, and logging out.
import mqtt, { type IClientOptions } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type StartedBrowser } from './browser';
import { PageTrace, reportFailedTests } from './failure-report';
import { GatewayStack, type StartedGatewayStack } from './gateway-stack';

const OPERATOR = { username: 'operator', password: 'correct horse battery staple' };
const SIMULATOR = { username: 'simulator', password: 'sim-secret' };

let stack: StartedGatewayStack;
let browser: StartedBrowser;
let page: Page;
let trace: PageTrace | undefined;
/** WebSocket connections the page opened to /mqtt. */
let sockets = 0;

/** The CONNACK code an MQTT.js client gets with these options: 0 when accepted. */
async function connackCode(options: IClientOptions): Promise<number> {
  try {
    const client = await mqtt.connectAsync(stack.mqttUrl, { ...options, reconnectPeriod: 0, connectTimeout: 10_000 });
    await client.endAsync();
    return 0;
  } catch (error) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'number') return code;
    throw error;
  }
}

async function status(): Promise<string | null> {
  return page.getByTestId('connection-status').getAttribute('data-status');
}

async function fillLogin(password: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(OPERATOR.username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

beforeAll(async () => {
  stack = await new GatewayStack()
    .withUsers({ [OPERATOR.username]: OPERATOR.password, [SIMULATOR.username]: SIMULATOR.password })
    .withoutAnonymous()
    .withSimulator({ sensors: 2, intervalMs: 250, imagesIntervalMs: 0, seed: 11, ...SIMULATOR })
    .start();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  trace = new PageTrace(page);
  page.on('websocket', (socket) => {
    if (socket.url().endsWith('/mqtt')) sockets += 1;
  });
});

afterAll(async () => {
  // Either may be unset when beforeAll failed half-way.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  await browser?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  await stack?.close();
});

reportFailedTests(() => trace, () => stack);

describe('dashboard login', () => {
  it('runs against a broker that refuses anonymous clients (CONNACK 5) and wrong passwords (CONNACK 4)', async () => {
    expect(await connackCode({ clientId: 'e2e-anonymous' })).toBe(5);
    expect(await connackCode({ clientId: 'e2e-wrong', username: OPERATOR.username, password: 'not it' })).toBe(4);
    expect(await connackCode({ clientId: 'e2e-right', ...OPERATOR })).toBe(0);
  });

  it('shows the login form when opened without credentials, and does not retry by itself', async () => {
    await page.goto(stack.url);
    const form = page.getByTestId('login-form');
    await form.waitFor({ timeout: 20_000 });
    expect(await status()).toBe('unauthorized');
    expect(await page.getByTestId('login-error').textContent()).toContain('not authorized (CONNACK 5)');
    expect(await page.getByRole('heading', { name: 'Log in' }).isVisible()).toBe(true);
    // Focus moved into the form, on the (empty) user name.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-username');
    expect(await page.getByTestId('reconnect-banner').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    // The manager's first retry would come after about 0.5 s: none in 3 s means no reconnect loop.
    const before = sockets;
    expect(before).toBeGreaterThan(0);
    await page.waitForTimeout(3000);
    expect(sockets).toBe(before);
    expect(await status()).toBe('unauthorized');
    await screenshot(page, 'login');
  });

  it('stays on the form with the broker\'s reason after a wrong password', async () => {
    await fillLogin('not the password');
    await page.getByTestId('login-error').filter({ hasText: 'bad user name or password (CONNACK 4)' }).waitFor({ timeout: 20_000 });
    expect(await status()).toBe('unauthorized');
    expect(await page.getByTestId('login-form').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');
    await screenshot(page, 'login-refused');
  });

  it('shows live sensor readings once logged in, on every page, and keeps the session over a reload', async () => {
    await fillLogin(OPERATOR.password);
    await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('login-form').count()).toBe(0);
    // The password is kept for this session only.
    const stored = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
    expect(stored.local).toContain(OPERATOR.username);
    expect(stored.local).not.toContain(OPERATOR.password);
    expect(stored.session).toContain(OPERATOR.password);

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Sensors' }).click();
    const card = page.locator('[data-sensor="Sensor01"]');
    await card.waitFor({ timeout: 20_000 });
    await card.locator('[data-testid="sensor-value"]').filter({ hasText: /\d/ }).waitFor({ timeout: 20_000 });
    await page.locator('[data-sensor="Sensor02"][data-status="online"]').waitFor({ timeout: 20_000 });
    await screenshot(page, 'login-sensors');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Image Selector' }).click();
    expect(await page.getByTestId('login-form').count()).toBe(0);
    expect(await status()).toBe('connected');

    await page.reload();
    await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('login-form').count()).toBe(0);
  });

  it('logs out from the header back to the form, and the password is forgotten', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByTestId('login-form').waitFor();
    await page.getByText('You have logged out.').waitFor();
    expect(await status()).toBe('disconnected');
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe(OPERATOR.username);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
    expect(stored).not.toContain(OPERATOR.password);
    await screenshot(page, 'login-logged-out');

    // Opened again, the page has no password to offer: the broker refuses it and the form returns.
    await page.reload();
    await page.getByTestId('login-error').filter({ hasText: /CONNACK [45]/ }).waitFor({ timeout: 20_000 });
    expect(await status()).toBe('unauthorized');
  });
});
