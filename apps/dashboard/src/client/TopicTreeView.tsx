// The topic tree: levels with message counts and last values; the selected topic's last message,
// and clearing its retained message (or every retained message below it, after a confirmation).
import { useState } from 'preact/hooks';
import { formatDateTime } from '../lib/format-time';
import { previewPayload, type PayloadView as View } from '../lib/payload-format';
import { useServices } from '../services';
import { PayloadView, ViewPicker } from '../ui/PayloadView';
import { levelLabel, sortedChildren, type TopicNode } from './topic-tree';

const MAX_CHILDREN = 200;

interface TreeProps {
  readonly node: TopicNode;
  readonly depth: number;
  readonly expanded: ReadonlySet<string>;
  readonly toggle: (topic: string) => void;
  readonly selected: string | undefined;
  readonly select: (topic: string) => void;
}

function TreeLevel({ node, depth, expanded, toggle, selected, select }: TreeProps) {
  const children = sortedChildren(node);
  return (
    <ul role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Topic tree' : undefined} class="tree-level">
      {children.slice(0, MAX_CHILDREN).map((child) => {
        const hasChildren = child.children.size > 0;
        const open = expanded.has(child.topic);
        return (
          <li key={child.topic} role="treeitem" aria-expanded={hasChildren ? open : undefined} aria-selected={selected === child.topic}>
            <div class={`tree-row${selected === child.topic ? ' selected' : ''}`} style={{ paddingLeft: `${depth * 14 + 4}px` }}>
              {hasChildren ? (
                <button type="button" class="tree-toggle" aria-label={`${open ? 'Collapse' : 'Expand'} ${child.topic || '(empty level)'}`} onClick={() => toggle(child.topic)}>
                  {open ? '▾' : '▸'}
                </button>
              ) : (
                <span class="tree-toggle" aria-hidden="true" />
              )}
              <button type="button" class="tree-label" onClick={() => select(child.topic)} data-topic={child.topic}>
                <span class={child.name === '' ? 'muted' : undefined}>{levelLabel(child)}</span>
                {child.retained && (
                  <span class="tag tag-retain" title="Retained message">
                    R
                  </span>
                )}
                <span class="tree-count" title={`${child.count} on this topic, ${child.total} including subtopics`}>
                  {child.total}
                </span>
                {child.last && <span class="tree-value">{previewPayload(child.last.payload, 48)}</span>}
              </button>
            </div>
            {hasChildren && open && <TreeLevel node={child} depth={depth + 1} expanded={expanded} toggle={toggle} selected={selected} select={select} />}
          </li>
        );
      })}
      {children.length > MAX_CHILDREN && <li class="muted small">… {children.length - MAX_CHILDREN} more</li>}
    </ul>
  );
}

export function TopicTreeView({ onShowInLog }: { onShowInLog: (topic: string) => void }) {
  const { log, manager } = useServices();
  const version = log.version.value;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set(['']));
  const [selected, setSelected] = useState<string | undefined>();
  const [view, setView] = useState<View>('auto');
  const [confirming, setConfirming] = useState<string[] | undefined>();
  const [notice, setNotice] = useState('');
  const tree = log.tree;
  const node = selected === undefined ? undefined : tree.find(selected);
  const retainedBelow = node ? tree.retainedTopics(node) : [];
  const connected = manager.status.value === 'connected';

  const toggle = (topic: string): void => {
    const next = new Set(expanded);
    if (next.has(topic)) next.delete(topic);
    else next.add(topic);
    setExpanded(next);
  };

  const clearRetained = async (topics: readonly string[]): Promise<void> => {
    setConfirming(undefined);
    try {
      for (const topic of topics) {
        await manager.publish(topic, new Uint8Array(0), { qos: 1, retain: true });
        tree.markCleared(topic);
      }
      setNotice(`Cleared ${topics.length} retained message${topics.length === 1 ? '' : 's'}`);
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <section class="card tree-card" aria-labelledby="tree-heading" data-version={version}>
      <div class="card-header">
        <h2 id="tree-heading">Topic tree</h2>
        <span class="muted small">{tree.topicCount} topics</span>
      </div>
      <div class="tree-scroll" data-testid="topic-tree">
        {tree.root.children.size === 0 ? <p class="empty">Topics appear here as messages arrive.</p> : <TreeLevel node={tree.root} depth={0} expanded={expanded} toggle={toggle} selected={selected} select={setSelected} />}
      </div>
      {node && (
        <div class="message-detail" aria-label="Selected topic">
          <div class="detail-header">
            <div>
              <code class="detail-topic">{node.topic}</code>
              <div class="muted small">
                {node.count} message{node.count === 1 ? '' : 's'} here, {node.total} with subtopics
                {node.last ? ` · last ${formatDateTime(node.last.ts)}` : ''}
              </div>
            </div>
            <button type="button" class="btn btn-small btn-ghost" aria-label="Close topic details" onClick={() => setSelected(undefined)}>
              Close
            </button>
          </div>
          <div class="row wrap">
            <button type="button" class="btn btn-small btn-ghost" onClick={() => onShowInLog(node.topic)}>
              Show in log
            </button>
            {node.count > 0 && (
              // Offered for any topic: a retained message published while we were already
              // subscribed arrives without the retain flag, so "not known retained" may still be retained.
              <button type="button" class="btn btn-small btn-ghost btn-danger" disabled={!connected} onClick={() => void clearRetained([node.topic])} title="Publishes an empty retained message to this topic">
                Clear retained message
              </button>
            )}
            {retainedBelow.length > (node.retained ? 1 : 0) && (
              <button type="button" class="btn btn-small btn-ghost btn-danger" disabled={!connected} onClick={() => setConfirming(retainedBelow)}>
                Clear retained in subtree ({retainedBelow.length})
              </button>
            )}
            {node.last && <ViewPicker id="tree-view" value={view} onChange={setView} />}
          </div>
          {confirming && (
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
              <p id="confirm-text">
                Clear {confirming.length} retained message{confirming.length === 1 ? '' : 's'} under <code>{node.topic}</code>? Devices that subscribe later will no longer receive them.
              </p>
              <div class="row">
                <button type="button" class="btn btn-small btn-danger-solid" onClick={() => void clearRetained(confirming)}>
                  Clear {confirming.length}
                </button>
                <button type="button" class="btn btn-small btn-ghost" onClick={() => setConfirming(undefined)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          {notice && (
            <p class="muted small" role="status">
              {notice}
            </p>
          )}
          {node.last && <PayloadView payload={node.last.payload} view={view} />}
        </div>
      )}
    </section>
  );
}
