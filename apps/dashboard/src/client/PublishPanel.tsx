// Publish with topic, payload, QoS and retain, and keep payloads for later (saved payloads).
import { useState } from 'preact/hooks';
import { isValidTopicName } from '@gateway/topics/match';
import type { QoS } from '../mqtt/transport';
import { useServices } from '../services';
import { loadSavedPayloads, putSavedPayload, saveSavedPayloads, type SavedPayload } from './saved-payloads';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function PublishPanel() {
  const { manager } = useServices();
  const [topic, setTopic] = useState('dashboard/test');
  const [payload, setPayload] = useState('{"hello": "gateway"}');
  const [qos, setQos] = useState<QoS>(0);
  const [retain, setRetain] = useState(false);
  const [saved, setSaved] = useState<SavedPayload[]>(() => {
    const store = storage();
    return store ? loadSavedPayloads(store) : [];
  });
  const [saveName, setSaveName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const connected = manager.status.value === 'connected';
  const topicValid = isValidTopicName(topic);

  const persist = (list: SavedPayload[]): void => {
    setSaved(list);
    const store = storage();
    if (store) saveSavedPayloads(store, list);
  };

  const publish = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!topicValid) return;
    try {
      await manager.publish(topic, payload, { qos, retain });
      setMessage({ kind: 'ok', text: `Published ${new TextEncoder().encode(payload).length} bytes to ${topic}` });
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  };

  const load = (name: string): void => {
    const entry = saved.find((item) => item.name === name);
    if (!entry) return;
    setTopic(entry.topic);
    setPayload(entry.payload);
    setQos(entry.qos);
    setRetain(entry.retain);
    setSaveName(entry.name);
  };

  return (
    <section class="card" aria-labelledby="publish-heading">
      <div class="card-header">
        <h2 id="publish-heading">Publish</h2>
      </div>
      <form class="form" onSubmit={(event) => void publish(event)}>
        <label class="field" for="publish-topic">
          <span>Topic</span>
          <input id="publish-topic" value={topic} onInput={(event) => setTopic(event.currentTarget.value)} spellcheck={false} aria-invalid={topicValid ? undefined : true} />
        </label>
        {!topicValid && <p class="error">A topic name is not empty and has no + or # wildcards.</p>}
        <label class="field" for="publish-payload">
          <span>Payload</span>
          <textarea id="publish-payload" rows={4} value={payload} onInput={(event) => setPayload(event.currentTarget.value)} spellcheck={false} />
        </label>
        <div class="row">
          <label class="field narrow" for="publish-qos">
            <span>QoS</span>
            <select id="publish-qos" value={qos} onChange={(event) => setQos(Number(event.currentTarget.value) as QoS)}>
              <option value={0}>0</option>
              <option value={1}>1</option>
              <option value={2}>2</option>
            </select>
          </label>
          <label class="check" for="publish-retain">
            <input id="publish-retain" type="checkbox" checked={retain} onChange={(event) => setRetain(event.currentTarget.checked)} />
            Retain
          </label>
          <button type="submit" class="btn btn-primary push-right" disabled={!connected || !topicValid}>
            Publish
          </button>
        </div>
        {message && (
          <p class={message.kind === 'ok' ? 'success' : 'error'} role="status">
            {message.text}
          </p>
        )}
      </form>
      <details class="saved-payloads">
        <summary>Saved payloads ({saved.length})</summary>
        <div class="form">
          {saved.length > 0 && (
            <ul class="saved-list" aria-label="Saved payloads">
              {saved.map((item) => (
                <li key={item.name}>
                  <button type="button" class="btn btn-small btn-ghost grow text-left" onClick={() => load(item.name)} aria-label={`Load saved payload ${item.name}`}>
                    <strong>{item.name}</strong> <span class="muted">{item.topic}</span>
                  </button>
                  <button type="button" class="btn btn-small btn-ghost btn-danger" aria-label={`Delete saved payload ${item.name}`} onClick={() => persist(saved.filter((entry) => entry.name !== item.name))}>
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div class="row">
            <label class="field grow" for="save-name">
              <span>Save current as</span>
              <input id="save-name" value={saveName} placeholder="Name" onInput={(event) => setSaveName(event.currentTarget.value)} />
            </label>
            <button
              type="button"
              class="btn btn-ghost"
              disabled={saveName.trim() === ''}
              onClick={() => {
                persist(putSavedPayload(saved, { name: saveName.trim(), topic, payload, qos, retain }));
                setMessage({ kind: 'ok', text: `Saved payload "${saveName.trim()}"` });
              }}
            >
              Save
            </button>
          </div>
        </div>
      </details>
    </section>
  );
}
