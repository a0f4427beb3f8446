// A payload shown as text, pretty JSON or a hex dump, with the view picker and a note when the
// requested view does not fit the bytes.
import { formatPayload, formatBytes, type PayloadView as View } from '../lib/payload-format';

export const VIEW_LABELS: Record<View, string> = { auto: 'Auto', text: 'Text', json: 'JSON', hex: 'Hex' };

export function ViewPicker({ value, onChange, id }: { value: View; onChange: (view: View) => void; id: string }) {
  return (
    <label class="inline-field" for={id}>
      <span>Payload as</span>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value as View)}>
        {(Object.keys(VIEW_LABELS) as View[]).map((view) => (
          <option key={view} value={view}>
            {VIEW_LABELS[view]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PayloadView({ payload, view }: { payload: Uint8Array; view: View }) {
  const formatted = formatPayload(payload, view);
  return (
    <div class="payload-view">
      <div class="payload-meta">
        <span class="tag">{formatted.view.toUpperCase()}</span>
        <span>{formatBytes(payload.length)}</span>
        {formatted.note && <span class="payload-note">{formatted.note}</span>}
      </div>
      <pre class={`payload payload-${formatted.view}`} data-testid="payload">
        {payload.length === 0 ? '(empty payload)' : formatted.text}
      </pre>
    </div>
  );
}
