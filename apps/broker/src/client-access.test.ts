import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorWithSubackPacket, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { PasswordFile } from '@gateway/access-control';
import { metricValue, waitFor } from '@gateway/service-kit/testing';
import { connectClient, createTempDir, nextMessage, startTestBroker } from './testing/test-broker.js';

// A low scrypt cost keeps the tests quick; the broker verifies whatever cost each hash records.
const params = { ln: 8, r: 8, p: 1 };

async function writePasswords(path: string, users: Record<string, string>): Promise<void> {
  const file = PasswordFile.empty({ params });
  for (const [username, password] of Object.entries(users)) await file.set(username, password);
  await file.save(path);
}

/** The CONNACK return code a refused connection attempt got (MQTT.js puts it in `code`). */
async function refusalCode(url: string, options: Parameters<typeof connectClient>[1]): Promise<unknown> {
  const error = await connectClient(url, options).then(
    async (client) => {
      await client.endAsync(true);
      return undefined;
    },
    (failure: unknown) => failure,
  );
  return (error as { code?: unknown } | undefined)?.code;
}

/** Topics `client` receives from now on. */
function collect(client: MqttClient): string[] {
  const topics: string[] = [];
  client.on('message', (topic) => topics.push(topic));
  return topics;
}

describe('authentication', () => {
  it('admits users with the right password and refuses wrong passwords, unknown users and anonymous clients', async () => {
    await using dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    await writePasswords(passwordFile, { alice: 'correct horse', bob: 'battery staple' });
    await using broker = await startTestBroker({ passwordFile, allowAnonymous: false });

    await using alice = await connectClient(broker.tcpUrl, { username: 'alice', password: 'correct horse' });
    expect(alice.connected).toBe(true);
    await using bobOverWebSocket = await connectClient(broker.wsUrl(), { username: 'bob', password: 'battery staple' });
    expect(bobOverWebSocket.connected).toBe(true);

    expect(await refusalCode(broker.tcpUrl, { username: 'alice', password: 'battery staple' })).toBe(4);
    expect(await refusalCode(broker.tcpUrl, { username: 'mallory', password: 'correct horse' })).toBe(4);
    expect(await refusalCode(broker.tcpUrl, { username: 'alice' })).toBe(4);
    expect(await refusalCode(broker.tcpUrl, {})).toBe(5);
    expect(await refusalCode(broker.wsUrl(), {})).toBe(5);

    const metrics = await (await fetch(`${broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_authentication_failures_total', 'reason="bad_credentials"')).toBe(3);
    expect(metricValue(metrics, 'gateway_broker_authentication_failures_total', 'reason="anonymous"')).toBe(2);
  });

  it('allows anonymous clients beside users when told to, and by default only on a loopback broker without a password file', async () => {
    await using dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    await writePasswords(passwordFile, { alice: 'secret' });
    await using broker = await startTestBroker({ passwordFile, allowAnonymous: true });
    await using anonymous = await connectClient(broker.tcpUrl);
    expect(anonymous.connected).toBe(true);
    // A user name still needs its password.
    expect(await refusalCode(broker.tcpUrl, { username: 'alice', password: 'wrong' })).toBe(4);

    await using open = await startTestBroker({ host: '127.0.0.1' });
    expect(open.config.allowAnonymous).toBe(true);
  });

  it('picks up users added to the password file while it runs, and keeps the last good file after a bad edit', async () => {
    await using dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    await writePasswords(passwordFile, { alice: 'one' });
    await using broker = await startTestBroker({ passwordFile, allowAnonymous: false });
    expect(await refusalCode(broker.tcpUrl, { username: 'carol', password: 'two' })).toBe(4);

    await writePasswords(passwordFile, { alice: 'one', carol: 'two' });
    await waitFor(async () => (await refusalCode(broker.tcpUrl, { username: 'carol', password: 'two' })) === undefined, { what: 'carol admitted', timeoutMs: 15_000 });

    await writeFile(passwordFile, 'this line is not a user\n');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await using carol = await connectClient(broker.tcpUrl, { username: 'carol', password: 'two' });
    expect(carol.connected).toBe(true);
  });

  it('refuses to start with a password file it cannot read, naming the file', async () => {
    await using dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    await writeFile(passwordFile, 'alice:not-a-hash\n');
    await expect(startTestBroker({ passwordFile })).rejects.toThrow(/^cannot load the password file: .*passwords:1: user "alice": malformed scrypt hash/);
  });
});

describe('ACL', () => {
  const acl = [
    '# no topic lines before the first user: anonymous clients get nothing but the patterns',
    'user alice',
    'topic readwrite sensors/#',
    'topic deny sensors/secret',
    'topic read $SYS/#',
    '',
    'user bob',
    'topic read sensors/#',
    '',
    'pattern readwrite devices/%u/#',
    'pattern write clients/%c/out',
    'pattern read test/#',
    'pattern deny test/nosubscribe',
  ].join('\n');

  async function startWithAcl() {
    const dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    const aclFile = join(dir.path, 'acl');
    await writePasswords(passwordFile, { alice: 'a', bob: 'b' });
    await writeFile(aclFile, acl);
    const broker = await startTestBroker({ passwordFile, aclFile, allowAnonymous: true });
    return {
      broker,
      connectAs: (username: string, clientId?: string) => connectClient(broker.tcpUrl, { username, password: username.slice(0, 1), ...(clientId ? { clientId } : {}) }),
      [Symbol.asyncDispose]: async () => {
        await broker.close();
        await dir[Symbol.asyncDispose]();
      },
    };
  }

  it('drops a forbidden publish before it reaches anyone, and acknowledges it', async () => {
    await using setup = await startWithAcl();
    await using alice = await setup.connectAs('alice');
    await using bob = await setup.connectAs('bob');
    await alice.subscribeAsync('sensors/#', { qos: 1 });
    await bob.subscribeAsync('sensors/#', { qos: 1 });
    const aliceGot = collect(alice);
    const bobGot = collect(bob);

    await bob.publishAsync('sensors/forged', 'x', { qos: 1 }); // bob may only read: PUBACK, then dropped
    const marker = nextMessage(bob, 'sensors/marker');
    await alice.publishAsync('sensors/marker', 'after', { qos: 1 });
    await marker;
    await waitFor(() => aliceGot.includes('sensors/marker'));
    expect(aliceGot).not.toContain('sensors/forged');
    expect(bobGot).not.toContain('sensors/forged');
    expect(bob.connected).toBe(true);

    const metrics = await (await fetch(`${setup.broker.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_broker_access_denied_total', 'action="publish"')).toBe(1);
  });

  it('refuses subscriptions outside the read rules with SUBACK 0x80, test/nosubscribe included', async () => {
    await using setup = await startWithAcl();
    await using bob = await setup.connectAs('bob');
    const refusal = await bob.subscribeAsync(['test/nosubscribe', 'test/ok', '#', 'sensors/+/t'], { qos: 1 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ErrorWithSubackPacket);
    expect((refusal as ErrorWithSubackPacket).packet.granted).toEqual([128, 1, 128, 1]);
  });

  it('skips deliveries the reader may not read, even under a wider subscription', async () => {
    await using setup = await startWithAcl();
    await using alice = await setup.connectAs('alice');
    await using bob = await setup.connectAs('bob');
    await alice.subscribeAsync('sensors/#', { qos: 1 });
    await bob.subscribeAsync('test/#', { qos: 1 });
    const aliceGot = collect(alice);
    const bobGot = collect(bob);
    await alice.publishAsync('sensors/secret', 'hidden', { qos: 1 }); // alice may not even publish it: denied for her
    await using anonymous = await connectClient(setup.broker.tcpUrl);
    await anonymous.publishAsync('test/nosubscribe', 'x', { qos: 1 }); // nobody may write test/*: dropped
    await alice.publishAsync('sensors/visible', 'y', { qos: 1 });
    await waitFor(() => aliceGot.includes('sensors/visible'));
    expect(aliceGot).not.toContain('sensors/secret');
    expect(bobGot).toEqual([]);
  });

  it('substitutes the user name and the client id in patterns', async () => {
    await using setup = await startWithAcl();
    await using alice = await setup.connectAs('alice', 'dev1');
    await using bob = await setup.connectAs('bob', 'dev2');
    await bob.subscribeAsync('devices/bob/#', { qos: 1 });
    const refusal = await bob.subscribeAsync('devices/alice/#', { qos: 1 }).catch((error: unknown) => error);
    expect((refusal as ErrorWithSubackPacket).packet.granted).toEqual([128]);
    await alice.subscribeAsync(['devices/alice/#', 'clients/+/out'], { qos: 1 }).catch(() => undefined); // clients/+/out: write only
    const aliceGot = collect(alice);
    const bobGot = collect(bob);

    await alice.publishAsync('devices/bob/cmd', 'forged', { qos: 1 });
    await alice.publishAsync('clients/dev2/out', 'forged', { qos: 1 });
    await bob.publishAsync('devices/bob/state', 'own', { qos: 1 });
    await alice.publishAsync('devices/alice/state', 'own', { qos: 1 });
    await waitFor(() => bobGot.includes('devices/bob/state') && aliceGot.includes('devices/alice/state'));
    expect(bobGot).toEqual(['devices/bob/state']);
    expect(aliceGot).toEqual(['devices/alice/state']);
  });

  it('lets $SYS be read where a rule allows it, and never written', async () => {
    await using setup = await startWithAcl();
    await using alice = await setup.connectAs('alice');
    await alice.subscribeAsync('$SYS/#', { qos: 0 });
    const closed = new Promise<void>((resolve) => alice.once('close', () => resolve()));
    alice.publish('$SYS/broker/forged', 'x', { qos: 1 });
    await closed;
  });
});

describe('first start of a deployment', () => {
  it('starts without the password file, refusing everyone, and admits the first user once gateway-passwd writes it', async () => {
    await using dir = await createTempDir();
    const passwordFile = join(dir.path, 'passwords');
    await using broker = await startTestBroker({ passwordFile, allowAnonymous: false });
    expect(await refusalCode(broker.tcpUrl, {})).toBe(5);
    expect(await refusalCode(broker.tcpUrl, { username: 'admin', password: 'first' })).toBe(4);
    await writePasswords(passwordFile, { admin: 'first' });
    await waitFor(async () => (await refusalCode(broker.tcpUrl, { username: 'admin', password: 'first' })) === undefined, { what: 'admin admitted', timeoutMs: 15_000 });
  });
});
