// Subscribe with a QoS (each subscription gets its own colour) and unsubscribe.
import { useState } from 'preact/hooks';
import type { QoS } from '../mqtt/transport';
import { useServices } from '../services';

export function SubscriptionsPanel() {
  const { subscriptions } = useServices();
  const [filter, setFilter] = useState('#');
  const [qos, setQos] = useState<QoS>(0);
  const [error, setError] = useState<string | undefined>();

  const subscribe = (event: Event): void => {
    event.preventDefault();
    const problem = subscriptions.add(filter.trim(), qos);
    setError(problem);
  };

  return (
    <section class="card" aria-labelledby="subscriptions-heading">
      <div class="card-header">
        <h2 id="subscriptions-heading">Subscriptions</h2>
        <span class="muted small">{subscriptions.list.value.length} active</span>
      </div>
      <form class="form" onSubmit={subscribe}>
        <div class="row">
          <label class="field grow" for="subscribe-filter">
            <span>Topic filter</span>
            <input id="subscribe-filter" value={filter} onInput={(event) => setFilter(event.currentTarget.value)} spellcheck={false} aria-invalid={error ? true : undefined} aria-describedby="subscribe-error" />
          </label>
          <label class="field narrow" for="subscribe-qos">
            <span>QoS</span>
            <select id="subscribe-qos" value={qos} onChange={(event) => setQos(Number(event.currentTarget.value) as QoS)}>
              <option value={0}>0</option>
              <option value={1}>1</option>
              <option value={2}>2</option>
            </select>
          </label>
          <button type="submit" class="btn btn-primary">
            Subscribe
          </button>
        </div>
        {error && (
          <p id="subscribe-error" class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {subscriptions.list.value.length === 0 ? (
        <p class="empty">No subscriptions yet. Try <code>#</code> for everything.</p>
      ) : (
        <ul class="subscription-list" aria-label="Active subscriptions">
          {subscriptions.list.value.map((item) => (
            <li key={item.filter} class="subscription" style={{ '--sub-color': item.color }}>
              <span class="color-dot" aria-hidden="true" />
              <code class="grow">{item.filter}</code>
              <span class="tag">QoS {item.qos}</span>
              <button type="button" class="btn btn-small btn-ghost" aria-label={`Unsubscribe from ${item.filter}`} onClick={() => void subscriptions.remove(item.filter)}>
                Unsubscribe
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
