import { describe, expect, it } from 'vitest';
import { levelLabel, sortedChildren, TopicTree } from './topic-tree';

const msg = (text: string, retain = false) => ({ payload: new TextEncoder().encode(text), ts: 1, qos: 0 as const, retain });

describe('TopicTree', () => {
  it('counts messages per topic and per subtree, and keeps the last value', () => {
    const tree = new TopicTree();
    tree.add('home/kitchen/temp', msg('20'));
    tree.add('home/kitchen/temp', msg('21'));
    tree.add('home/hall/temp', msg('19'));
    const kitchen = tree.find('home/kitchen/temp')!;
    expect(kitchen.count).toBe(2);
    expect(new TextDecoder().decode(kitchen.last!.payload)).toBe('21');
    expect(tree.find('home')!.total).toBe(3);
    expect(tree.find('home')!.count).toBe(0);
    expect(tree.root.total).toBe(3);
    expect(tree.topicCount).toBe(2);
    expect(tree.find('home/kitchen')!.topic).toBe('home/kitchen');
  });

  it('keeps an empty first level for topics with a leading slash', () => {
    const tree = new TopicTree();
    tree.add('/IoTSensor/S1/reading', msg('{}'));
    tree.add('IoTSensor/S1/reading', msg('{}'));
    const names = sortedChildren(tree.root).map((node) => node.name);
    expect(names).toEqual(['', 'IoTSensor']);
    expect(levelLabel(tree.root.children.get('')!)).toBe('(empty level)');
    expect(tree.find('/IoTSensor/S1/reading')!.topic).toBe('/IoTSensor/S1/reading');
  });

  it('tracks retained messages and their clearing', () => {
    const tree = new TopicTree();
    tree.add('a/b', msg('1', true));
    tree.add('a/c', msg('2', true));
    tree.add('a/d', msg('3', false));
    tree.add('a/c/e', msg('4', true));
    expect(tree.retainedTopics(tree.find('a')!)).toEqual(['a/b', 'a/c', 'a/c/e']);
    tree.add('a/b', msg('', false));
    expect(tree.find('a/b')!.retained).toBe(false);
    tree.markCleared('a/c');
    expect(tree.retainedTopics(tree.root)).toEqual(['a/c/e']);
    // A live (non-retained) message does not say the retained one went away.
    tree.add('a/c/e', msg('5', false));
    expect(tree.find('a/c/e')!.retained).toBe(true);
  });

  it('sorts children naturally and clears', () => {
    const tree = new TopicTree();
    for (const topic of ['s/Sensor10', 's/Sensor2', 's/Sensor1']) tree.add(topic, msg('x'));
    expect(sortedChildren(tree.find('s')!).map((node) => node.name)).toEqual(['Sensor1', 'Sensor2', 'Sensor10']);
    tree.clear();
    expect(tree.root.children.size).toBe(0);
    expect(tree.topicCount).toBe(0);
    expect(tree.find('s')).toBeUndefined();
  });
});
