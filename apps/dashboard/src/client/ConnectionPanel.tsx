// Connection profiles (URL and path, client id with a generator, credentials (the password kept for the
// session unless remembered), clean session, keepalive, last will) and the connect / disconnect button.
import { useEffect, useState } from 'preact/hooks';
import { generateClientId } from '../lib/client-id';
import { useServices } from '../services';
import { newProfile, profileUrl, validateProfile, type ConnectionProfile, type QoS } from './profiles';

export function ConnectionPanel() {
  const { manager, profiles } = useServices();
  const state = profiles.state.value;
  const active = profiles.active;
  const [draft, setDraft] = useState<ConnectionProfile>(active);
  const [notice, setNotice] = useState('');
  useEffect(() => setDraft(active), [active]);

  const errors = validateProfile(draft);
  const valid = Object.keys(errors).length === 0;
  const status = manager.status.value;
  const busy = status === 'connecting' || status === 'connected' || status === 'reconnecting';
  const set = (patch: Partial<ConnectionProfile>): void => setDraft({ ...draft, ...patch });
  const setWill = (patch: Partial<ConnectionProfile['will']>): void => setDraft({ ...draft, will: { ...draft.will, ...patch } });

  const connect = (event: Event): void => {
    event.preventDefault();
    if (!valid) return;
    profiles.save(draft);
    profiles.connect(manager, draft);
  };

  return (
    <section class="card" aria-labelledby="connection-heading">
      <div class="card-header">
        <h2 id="connection-heading">Connection</h2>
        <span class="muted small">{profileUrl(draft)}</span>
      </div>
      <form onSubmit={connect} class="form">
        <div class="row">
          <label class="field grow" for="profile-select">
            <span>Profile</span>
            <select id="profile-select" value={state.activeId} onChange={(event) => profiles.select(event.currentTarget.value)}>
              {state.profiles.map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            class="btn btn-ghost"
            onClick={() => {
              const created = newProfile(location, `Profile ${state.profiles.length + 1}`);
              profiles.save(created);
              setNotice(`Created ${created.name}`);
            }}
          >
            New
          </button>
        </div>
        <details class="profile-details">
          <summary>Profile settings</summary>
          <div class="form">
            <label class="field" for="profile-name">
              <span>Name</span>
              <input id="profile-name" value={draft.name} onInput={(event) => set({ name: event.currentTarget.value })} aria-invalid={errors.name ? true : undefined} />
            </label>
            <div class="row">
              <label class="field grow" for="profile-url">
                <span>URL</span>
                <input id="profile-url" value={draft.url} onInput={(event) => set({ url: event.currentTarget.value })} aria-invalid={errors.url ? true : undefined} aria-describedby="profile-url-error" inputMode="url" spellcheck={false} />
              </label>
              <label class="field narrow" for="profile-path">
                <span>Path</span>
                <input id="profile-path" value={draft.path} onInput={(event) => set({ path: event.currentTarget.value })} spellcheck={false} />
              </label>
            </div>
            {errors.url && <p id="profile-url-error" class="error">{errors.url}</p>}
            <div class="row">
              <label class="field grow" for="profile-client-id">
                <span>Client id</span>
                <input id="profile-client-id" value={draft.clientId} placeholder={`${profiles.sessionClientId} (generated)`} onInput={(event) => set({ clientId: event.currentTarget.value })} spellcheck={false} />
              </label>
              <button type="button" class="btn btn-ghost" onClick={() => set({ clientId: generateClientId() })}>
                Generate
              </button>
            </div>
            <div class="row">
              <label class="field grow" for="profile-username">
                <span>Username</span>
                <input id="profile-username" value={draft.username} autocomplete="username" onInput={(event) => set({ username: event.currentTarget.value })} />
              </label>
              <label class="field grow" for="profile-password">
                <span>Password</span>
                <input id="profile-password" type="password" value={draft.password} autocomplete="current-password" onInput={(event) => set({ password: event.currentTarget.value })} />
              </label>
              <label class="check" for="profile-remember-password">
                <input id="profile-remember-password" type="checkbox" checked={draft.rememberPassword} onChange={(event) => set({ rememberPassword: event.currentTarget.checked })} />
                Remember password
              </label>
            </div>
            <div class="row">
              <label class="field narrow" for="profile-keepalive">
                <span>Keepalive (s)</span>
                <input id="profile-keepalive" type="number" min={0} max={65535} value={draft.keepalive} onInput={(event) => set({ keepalive: Number(event.currentTarget.value) })} aria-invalid={errors.keepalive ? true : undefined} />
              </label>
              <label class="check" for="profile-clean">
                <input id="profile-clean" type="checkbox" checked={draft.clean} onChange={(event) => set({ clean: event.currentTarget.checked })} />
                Clean session
              </label>
              <label class="check" for="profile-auto">
                <input id="profile-auto" type="checkbox" checked={draft.autoConnect} onChange={(event) => set({ autoConnect: event.currentTarget.checked })} />
                Connect on load
              </label>
            </div>
            {errors.keepalive && <p class="error">{errors.keepalive}</p>}
            <fieldset class="fieldset">
              <legend>
                <label class="check" for="will-enabled">
                  <input id="will-enabled" type="checkbox" checked={draft.will.enabled} onChange={(event) => setWill({ enabled: event.currentTarget.checked })} />
                  Last will
                </label>
              </legend>
              <div class="row">
                <label class="field grow" for="will-topic">
                  <span>Will topic</span>
                  <input id="will-topic" value={draft.will.topic} disabled={!draft.will.enabled} onInput={(event) => setWill({ topic: event.currentTarget.value })} />
                </label>
                <label class="field narrow" for="will-qos">
                  <span>QoS</span>
                  <select id="will-qos" value={draft.will.qos} disabled={!draft.will.enabled} onChange={(event) => setWill({ qos: Number(event.currentTarget.value) as QoS })}>
                    <option value={0}>0</option>
                    <option value={1}>1</option>
                    <option value={2}>2</option>
                  </select>
                </label>
              </div>
              <div class="row">
                <label class="field grow" for="will-payload">
                  <span>Will payload</span>
                  <input id="will-payload" value={draft.will.payload} disabled={!draft.will.enabled} onInput={(event) => setWill({ payload: event.currentTarget.value })} />
                </label>
                <label class="check" for="will-retain">
                  <input id="will-retain" type="checkbox" checked={draft.will.retain} disabled={!draft.will.enabled} onChange={(event) => setWill({ retain: event.currentTarget.checked })} />
                  Retain
                </label>
              </div>
              {errors.will && <p class="error">{errors.will}</p>}
            </fieldset>
            <div class="row">
              <button
                type="button"
                class="btn btn-ghost"
                disabled={!valid}
                onClick={() => {
                  profiles.save(draft);
                  setNotice(`Saved ${draft.name}`);
                }}
              >
                Save profile
              </button>
              <button
                type="button"
                class="btn btn-ghost btn-danger"
                disabled={state.profiles.length <= 1}
                onClick={() => {
                  profiles.remove(draft.id);
                  setNotice(`Deleted ${draft.name}`);
                }}
              >
                Delete profile
              </button>
            </div>
          </div>
        </details>
        <div class="row">
          {busy ? (
            <button type="button" class="btn btn-secondary grow" onClick={() => void manager.disconnect()}>
              {status === 'connected' ? 'Disconnect' : 'Cancel'}
            </button>
          ) : (
            <button type="submit" class="btn btn-primary grow" disabled={!valid}>
              Connect
            </button>
          )}
        </div>
        {manager.lastError.value && status !== 'connected' && <p class="error" role="alert">{manager.lastError.value}</p>}
        <p class="muted small notice" aria-live="polite">
          {notice}
        </p>
      </form>
    </section>
  );
}
