// The Client page (the MQTT Lens / MQTTX role): connection, subscriptions and publishing on the
// left; the message log and the topic tree on the right.
import { useState } from 'preact/hooks';
import { ConnectionPanel } from '../client/ConnectionPanel';
import { MessageLogView } from '../client/MessageLogView';
import { PublishPanel } from '../client/PublishPanel';
import { SubscriptionsPanel } from '../client/SubscriptionsPanel';
import { TopicTreeView } from '../client/TopicTreeView';

export function ClientPage() {
  const [search, setSearch] = useState('');
  return (
    <div class="client-layout">
      <h1 class="visually-hidden">MQTT client</h1>
      <div class="client-side">
        <ConnectionPanel />
        <SubscriptionsPanel />
        <PublishPanel />
      </div>
      <div class="client-log">
        <MessageLogView search={search} onSearch={setSearch} />
      </div>
      <div class="client-tree">
        <TopicTreeView onShowInLog={setSearch} />
      </div>
    </div>
  );
}
