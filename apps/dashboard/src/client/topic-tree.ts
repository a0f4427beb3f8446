// The topic tree of everything the client has received: one node per topic level, with message
// counts (own and subtree), the last value, and whether a retained message is known to be stored.
export interface LastMessage {
  readonly payload: Uint8Array;
  readonly ts: number;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
}

export interface TopicNode {
  /** This level's name ('' for an empty level, as in the leading slash of `/IoTSensor`). */
  readonly name: string;
  /** The full topic of this node; '' for the root. */
  readonly topic: string;
  readonly children: Map<string, TopicNode>;
  /** Messages received on exactly this topic. */
  count: number;
  /** Messages received on this topic and every topic below it. */
  total: number;
  last: LastMessage | undefined;
  /** A retained message is known to be stored on the broker for this topic. */
  retained: boolean;
}

function createNode(name: string, topic: string): TopicNode {
  return { name, topic, children: new Map(), count: 0, total: 0, last: undefined, retained: false };
}

export class TopicTree {
  readonly root: TopicNode = createNode('', '');
  private topics = 0;

  /** How many distinct topics have received a message. */
  get topicCount(): number {
    return this.topics;
  }

  /** Records a message. An empty retained payload (or an empty live one) means no retained message remains. */
  add(topic: string, message: LastMessage): TopicNode {
    const levels = topic.split('/');
    let node = this.root;
    node.total += 1;
    levels.forEach((level, index) => {
      let child = node.children.get(level);
      if (!child) {
        child = createNode(level, levels.slice(0, index + 1).join('/'));
        node.children.set(level, child);
      }
      child.total += 1;
      node = child;
    });
    if (node.count === 0) this.topics += 1;
    node.count += 1;
    node.last = message;
    if (message.payload.length === 0) node.retained = false;
    else if (message.retain) node.retained = true;
    return node;
  }

  find(topic: string): TopicNode | undefined {
    let node: TopicNode | undefined = this.root;
    for (const level of topic.split('/')) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node;
  }

  /** Marks a topic as having no retained message (after the client cleared it). */
  markCleared(topic: string): void {
    const node = this.find(topic);
    if (node) node.retained = false;
  }

  /** Every topic at or below `node` that holds a retained message, depth first. */
  retainedTopics(node: TopicNode): string[] {
    const out: string[] = [];
    const visit = (current: TopicNode): void => {
      if (current.retained && current !== this.root) out.push(current.topic);
      for (const child of current.children.values()) visit(child);
    };
    visit(node);
    return out;
  }

  clear(): void {
    this.root.children.clear();
    this.root.total = 0;
    this.topics = 0;
  }
}

/** Children in display order: by name, with the empty level (leading slash) first. */
export function sortedChildren(node: TopicNode): TopicNode[] {
  return [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** How a level is labelled: an empty level is shown as "(empty)" so `/a` and `a` can be told apart. */
export function levelLabel(node: TopicNode): string {
  return node.name === '' ? '(empty level)' : node.name;
}
