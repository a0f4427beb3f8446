// What to print when a browser test fails, so that a failure that happens once in a while can be read
// afterwards: what the page did (console, page errors, failed requests, HTTP errors, its WebSockets) and
// the last log lines of the stack's services (see StartedGatewayStack.logText).
import type { Page } from 'playwright-core';
import { beforeEach } from 'vitest';
import type { StartedGatewayStack } from './gateway-stack';

/** The page's events since it was opened, one line each with the time. */
export class PageTrace {
  readonly lines: string[] = [];

  constructor(page: Page) {
    page.on('console', (message) => this.add(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => this.add(`page error: ${error.message}`));
    page.on('requestfailed', (request) => this.add(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'no reason'})`));
    page.on('response', (response) => {
      if (response.status() >= 400) this.add(`HTTP ${String(response.status())} ${response.url()}`);
    });
    page.on('websocket', (socket) => {
      this.add(`websocket opened: ${socket.url()}`);
      socket.on('socketerror', (error) => this.add(`websocket error: ${error}`));
      socket.on('close', () => this.add(`websocket closed: ${socket.url()}`));
    });
  }

  private add(line: string): void {
    this.lines.push(`${new Date().toISOString()} ${line}`);
  }
}

/** The report: the page's last `limit` events, then the services' last log lines. */
export function failureReport(step: string, trace: PageTrace | undefined, stack: StartedGatewayStack | undefined, limit = 200): string {
  const page = trace?.lines.slice(-limit).join('\n') ?? '';
  return [`${step} failed.`, `The page:\n${page === '' ? '(no events)' : page}`, `The stack's services:\n${stack?.logText() ?? '(not started)'}`].join('\n');
}

/** Runs `action`; when it throws, prints the failure report first. */
export async function reportingFailure<T>(step: string, trace: () => PageTrace | undefined, stack: () => StartedGatewayStack | undefined, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    console.error(failureReport(step, trace(), stack()));
    throw error;
  }
}

/** Prints the failure report after every failed test of the file. */
export function reportFailedTests(trace: () => PageTrace | undefined, stack: () => StartedGatewayStack | undefined): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(() => console.error(failureReport(`"${task.name}"`, trace(), stack())));
  });
}
