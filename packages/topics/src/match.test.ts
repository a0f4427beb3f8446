// Topic names, topic filters and wildcard matching against MQTT 3.1.1 section 4.7: the spec's own
// examples, then properties checked against an independent regex-based reference matcher.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterCovers, isValidTopicFilter, isValidTopicName, matchTopic, matchesAny } from './match.js';

describe('matchTopic: the examples of MQTT 3.1.1 section 4.7', () => {
  it('multi-level wildcard: sport/tennis/player1/# matches the parent and every descendant', () => {
    const filter = 'sport/tennis/player1/#';
    expect(matchTopic(filter, 'sport/tennis/player1')).toBe(true);
    expect(matchTopic(filter, 'sport/tennis/player1/ranking')).toBe(true);
    expect(matchTopic(filter, 'sport/tennis/player1/score/wimbledon')).toBe(true);
    expect(matchTopic(filter, 'sport/tennis/player1/')).toBe(true);
    expect(matchTopic(filter, 'sport/tennis/player2')).toBe(false);
    expect(matchTopic(filter, 'sport/tennis')).toBe(false);
    expect(matchTopic(filter, 'sport/tennis/player10')).toBe(false);
  });

  it('sport/# matches sport itself (the parent level)', () => {
    expect(matchTopic('sport/#', 'sport')).toBe(true);
    expect(matchTopic('sport/#', 'sport/')).toBe(true);
    expect(matchTopic('sport/#', 'sports')).toBe(false);
  });

  it('# matches every topic that does not start with $', () => {
    for (const topic of ['sport', 'sport/tennis', '/finance', '/', '//', 'a/b/c/d/e', 'x$']) {
      expect(matchTopic('#', topic), topic).toBe(true);
    }
    expect(matchTopic('#', '$SYS')).toBe(false);
    expect(matchTopic('#', '$SYS/broker/uptime')).toBe(false);
  });

  it('sport/tennis/+ matches exactly one more level', () => {
    expect(matchTopic('sport/tennis/+', 'sport/tennis/player1')).toBe(true);
    expect(matchTopic('sport/tennis/+', 'sport/tennis/player2')).toBe(true);
    expect(matchTopic('sport/tennis/+', 'sport/tennis/player1/ranking')).toBe(false);
    expect(matchTopic('sport/tennis/+', 'sport/tennis')).toBe(false);
  });

  it('sport/+ does not match sport but matches sport/ (an empty level)', () => {
    expect(matchTopic('sport/+', 'sport')).toBe(false);
    expect(matchTopic('sport/+', 'sport/')).toBe(true);
  });

  it('+/+ and /+ match /finance, + does not', () => {
    expect(matchTopic('+/+', '/finance')).toBe(true);
    expect(matchTopic('/+', '/finance')).toBe(true);
    expect(matchTopic('+', '/finance')).toBe(false);
    expect(matchTopic('+', 'finance')).toBe(true);
    expect(matchTopic('+', '')).toBe(true);
  });

  it('+/tennis/# combines both wildcards', () => {
    expect(matchTopic('+/tennis/#', 'sport/tennis')).toBe(true);
    expect(matchTopic('+/tennis/#', 'sport/tennis/player1')).toBe(true);
    expect(matchTopic('+/tennis/#', 'golf/tennis/a/b/c')).toBe(true);
    expect(matchTopic('+/tennis/#', '/tennis')).toBe(true);
    expect(matchTopic('+/tennis/#', 'sport/golf/player1')).toBe(false);
    expect(matchTopic('+/tennis/#', 'tennis')).toBe(false);
  });

  it('$-topics: $SYS/# matches them, # and +/monitor/Clients do not', () => {
    expect(matchTopic('$SYS/#', '$SYS/monitor/Clients')).toBe(true);
    expect(matchTopic('$SYS/#', '$SYS')).toBe(true);
    expect(matchTopic('$SYS/monitor/+', '$SYS/monitor/Clients')).toBe(true);
    expect(matchTopic('#', '$SYS/monitor/Clients')).toBe(false);
    expect(matchTopic('+/monitor/Clients', '$SYS/monitor/Clients')).toBe(false);
    expect(matchTopic('+', '$SYS')).toBe(false);
    // Only the first level counts: a $ further down is an ordinary character.
    expect(matchTopic('+/$SYS', 'a/$SYS')).toBe(true);
    expect(matchTopic('a/#', 'a/$SYS/x')).toBe(true);
  });

  it('a leading slash makes an empty first level', () => {
    expect(matchTopic('/IoTSensor/+/reading', '/IoTSensor/S1/reading')).toBe(true);
    expect(matchTopic('/IoTSensor/+/reading', 'IoTSensor/S1/reading')).toBe(false);
    expect(matchTopic('IoTSensor/+/reading', '/IoTSensor/S1/reading')).toBe(false);
    expect(matchTopic('+/IoTSensor/+/reading', '/IoTSensor/S1/reading')).toBe(true);
    expect(matchTopic('/#', '/IoTSensor/S1/reading')).toBe(true);
    expect(matchTopic('/#', 'IoTSensor/S1/reading')).toBe(false);
  });

  it('levels are compared exactly: case-sensitive, no prefix matching, trailing slash counts', () => {
    expect(matchTopic('ACCOUNTS', 'Accounts')).toBe(false);
    expect(matchTopic('Accounts payable', 'Accounts payable')).toBe(true);
    expect(matchTopic('sport/tennis', 'sport/tennis/')).toBe(false);
    expect(matchTopic('sport/tennis/', 'sport/tennis')).toBe(false);
    expect(matchTopic('sport/ten', 'sport/tennis')).toBe(false);
  });
});

describe('isValidTopicFilter', () => {
  it.each([
    '#',
    '+',
    '/',
    '+/+',
    '/+',
    'sport/#',
    'sport/tennis/#',
    'sport/tennis/+',
    'sport/+/player1',
    '+/tennis/#',
    '$SYS/#',
    '/IoTSensor/+/reading',
    '//',
    'a b/ü/日本',
  ])('accepts %j', (filter) => {
    expect(isValidTopicFilter(filter)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['sport+', '+ sharing a level'],
    ['sport/+tennis', '+ sharing a level'],
    ['+/++', '+ twice in a level'],
    ['sport/tennis#', '# sharing a level'],
    ['#sport', '# sharing a level'],
    ['sport/tennis/#/ranking', '# not last'],
    ['#/', '# not last (empty level after it)'],
    ['#/#', '# twice'],
    ['a\u0000b', 'NUL character'],
    ['a/\uD800', 'unpaired surrogate'],
  ])('rejects %j (%s)', (filter) => {
    expect(isValidTopicFilter(filter)).toBe(false);
  });

  it('limits the UTF-8 length to 65,535 bytes', () => {
    expect(isValidTopicFilter('a'.repeat(65_535))).toBe(true);
    expect(isValidTopicFilter('a'.repeat(65_536))).toBe(false);
    // 'é' is two bytes in UTF-8: 32,768 of them are 65,536 bytes though only 32,768 UTF-16 units.
    expect(isValidTopicFilter('é'.repeat(32_767))).toBe(true);
    expect(isValidTopicFilter('é'.repeat(32_768))).toBe(false);
  });
});

describe('isValidTopicName', () => {
  it.each(['sport', 'sport/tennis/player1', '/finance', '/', 'sport/', '$SYS/broker', 'Accounts payable', '😀/ü'])('accepts %j', (topic) => {
    expect(isValidTopicName(topic)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['sport/+', 'single-level wildcard'],
    ['sport/#', 'multi-level wildcard'],
    ['+', 'single-level wildcard'],
    ['#', 'multi-level wildcard'],
    ['sport+', 'wildcard inside a level'],
    ['a\u0000b', 'NUL character'],
    ['a/\uDE00', 'unpaired surrogate'],
  ])('rejects %j (%s)', (topic) => {
    expect(isValidTopicName(topic)).toBe(false);
  });

  it('limits the UTF-8 length to 65,535 bytes', () => {
    expect(isValidTopicName('a'.repeat(65_535))).toBe(true);
    expect(isValidTopicName('a'.repeat(65_536))).toBe(false);
    expect(isValidTopicName('😀'.repeat(16_384))).toBe(false); // 4 bytes each: 65,536 bytes
  });
});

describe('matchesAny', () => {
  it('is true when at least one filter matches', () => {
    expect(matchesAny(['a/b', 'sport/#'], 'sport/tennis')).toBe(true);
    expect(matchesAny(['sport/#', 'a/b'], 'a/b')).toBe(true);
  });

  it('is false when none matches, and for no filters', () => {
    expect(matchesAny(['a/b', 'sport/+'], 'sport')).toBe(false);
    expect(matchesAny([], 'sport')).toBe(false);
  });

  it('keeps the $ rule for every filter', () => {
    expect(matchesAny(['#', '+/monitor/Clients'], '$SYS/monitor/Clients')).toBe(false);
    expect(matchesAny(['#', '$SYS/#'], '$SYS/monitor/Clients')).toBe(true);
  });
});

describe('filterCovers', () => {
  it('a filter covers the narrower filters inside it', () => {
    expect(filterCovers('sport/#', 'sport/tennis/+')).toBe(true);
    expect(filterCovers('sport/#', 'sport/#')).toBe(true);
    expect(filterCovers('sport/#', 'sport')).toBe(true);
    expect(filterCovers('sport/+/player1', 'sport/tennis/player1')).toBe(true);
    expect(filterCovers('sport/+/+', 'sport/+/player1')).toBe(true);
    expect(filterCovers('#', '+/tennis/#')).toBe(true);
    expect(filterCovers('+/#', '#')).toBe(true);
    expect(filterCovers('#', '+/#')).toBe(true);
  });

  it('a filter does not cover a wider or a different one', () => {
    expect(filterCovers('sport/tennis/+', 'sport/#')).toBe(false);
    expect(filterCovers('sport/+', 'sport/#')).toBe(false);
    expect(filterCovers('sport/tennis', 'sport/+')).toBe(false);
    expect(filterCovers('sport/+/player1', 'sport/+/+')).toBe(false);
    expect(filterCovers('sport/tennis/#', 'sport')).toBe(false);
    expect(filterCovers('a/+/#', 'a/#')).toBe(false); // a/# matches a, a/+/# does not
    expect(filterCovers('test/nosubscribe', '#')).toBe(false);
  });

  it('keeps the $ rule: a leading wildcard covers no $ topic', () => {
    expect(filterCovers('#', '$SYS/#')).toBe(false);
    expect(filterCovers('+/monitor/#', '$SYS/monitor/+')).toBe(false);
    expect(filterCovers('$SYS/#', '$SYS/monitor/+')).toBe(true);
    expect(filterCovers('$SYS/#', '#')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests.

/**
 * The reference matcher, written from the spec without looking at `matchTopic`: the filter becomes
 * a regular expression (`+` is `[^/]*`, a trailing `/#` is "optionally a slash and anything", a
 * lone `#` is anything), and a `$` topic needs a literal first level.
 */
function referenceMatch(filter: string, topic: string): boolean {
  const levels = filter.split('/');
  if (topic.startsWith('$') && (levels[0] === '+' || levels[0] === '#')) return false;
  const escape = (level: string): string => level.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const toPattern = (level: string): string => (level === '+' ? '[^/]*' : escape(level));
  let pattern: string;
  if (levels.at(-1) === '#') {
    const parents = levels.slice(0, -1);
    pattern = parents.length === 0 ? '[^]*' : `${parents.map(toPattern).join('/')}(?:/[^]*)?`;
  } else {
    pattern = levels.map(toPattern).join('/');
  }
  return new RegExp(`^${pattern}$`, 'u').test(topic);
}

/** Characters for levels, including regex specials, a space, a `$`, multi-byte and astral ones. */
const levelChar = fc.constantFrom('a', 'b', 'c', 'X', '0', '$', '.', '*', '(', '\\', ' ', '-', 'é', '日', '😀');

/**
 * One topic level: mostly from a small pool (so random filters and topics share levels and match
 * each other often enough), sometimes empty, sometimes random.
 */
const level: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'sport', 'tennis', 'IoTSensor', '$x') },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.string({ unit: levelChar, minLength: 1, maxLength: 5 }) },
);

/** A first level starting with `$`, like `$SYS`. */
const dollarLevel = fc.oneof(fc.constantFrom('$SYS', '$', '$share'), fc.string({ unit: levelChar, maxLength: 4 }).map((rest) => `$${rest}`));

/** A valid topic name as its levels; the first level is sometimes `$`-prefixed. */
const topicLevels: fc.Arbitrary<string[]> = fc
  .tuple(fc.oneof({ weight: 4, arbitrary: level }, { weight: 1, arbitrary: dollarLevel }), fc.array(level, { maxLength: 5 }))
  .map(([first, rest]) => [first, ...rest])
  .filter((levels) => levels.join('/').length > 0);

const topicName = topicLevels.map((levels) => levels.join('/'));

/** A topic name whose first level starts with `$`. */
const dollarTopic = fc.tuple(dollarLevel, fc.array(level, { maxLength: 5 })).map(([first, rest]) => [first, ...rest].join('/'));

/** A valid filter built from scratch: literal or `+` levels, optionally ending in `#`. */
const freeFilter: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.oneof({ weight: 3, arbitrary: level }, { weight: 1, arbitrary: fc.constant('+') }), { maxLength: 5 }), fc.boolean())
  .map(([levels, multi]) => (multi ? [...levels, '#'] : levels).join('/'))
  .filter((filter) => filter.length > 0);

/** A valid filter derived from a topic (some levels turned into `+`, maybe a `#` tail), so it often matches. */
function filterFrom(levels: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.boolean(), { minLength: levels.length, maxLength: levels.length }), fc.integer({ min: 0, max: levels.length + 1 }))
    .map(([plus, cut]) => {
      const kept = levels.map((text, index) => (plus[index] === true ? '+' : text));
      // cut === levels.length + 1 means no '#': the filter keeps every level.
      return (cut > levels.length ? kept : [...kept.slice(0, cut), '#']).join('/');
    })
    .filter((filter) => filter.length > 0);
}

/** A topic and a filter, either unrelated or derived from a (possibly mutated) copy of the topic. */
const filterAndTopic: fc.Arbitrary<{ filter: string; topic: string }> = fc.oneof(
  fc.record({ filter: freeFilter, topic: topicName }),
  fc
    .tuple(topicLevels, topicLevels)
    .chain(([levels, other]) =>
      fc.tuple(filterFrom(levels), fc.constantFrom(levels.join('/'), other.join('/'), [...levels, ...other].join('/'), levels.slice(0, -1).join('/'))),
    )
    .filter(([, topic]) => topic.length > 0)
    .map(([filter, topic]) => ({ filter, topic })),
);

describe('the generators', () => {
  it('produce valid topic names and filters, and matches as well as misses', () => {
    let matches = 0;
    let total = 0;
    fc.assert(
      fc.property(filterAndTopic, ({ filter, topic }) => {
        expect(isValidTopicName(topic), topic).toBe(true);
        expect(isValidTopicFilter(filter), filter).toBe(true);
        total += 1;
        if (referenceMatch(filter, topic)) matches += 1;
      }),
      { numRuns: 1000 },
    );
    // A guard against a vacuous comparison below: both outcomes are common.
    expect(matches / total).toBeGreaterThan(0.2);
    expect(matches / total).toBeLessThan(0.8);
  });
});

describe('matchTopic properties', () => {
  it('agrees with the reference matcher on valid filters and topic names', () => {
    fc.assert(
      fc.property(filterAndTopic, ({ filter, topic }) => {
        expect(matchTopic(filter, topic)).toBe(referenceMatch(filter, topic));
      }),
      { numRuns: 2000 },
    );
  });

  it('the reference matcher itself agrees with the spec examples', () => {
    expect(referenceMatch('sport/tennis/player1/#', 'sport/tennis/player1')).toBe(true);
    expect(referenceMatch('sport/+', 'sport')).toBe(false);
    expect(referenceMatch('+', '/finance')).toBe(false);
    expect(referenceMatch('/+', '/finance')).toBe(true);
    expect(referenceMatch('#', '$SYS/x')).toBe(false);
    expect(referenceMatch('$SYS/#', '$SYS')).toBe(true);
  });

  it('a topic name matches itself, # and + in any one level, and any #-suffix (unless a wildcard meets a $ first level)', () => {
    fc.assert(
      fc.property(topicLevels, (levels) => {
        const topic = levels.join('/');
        const dollar = topic.startsWith('$');
        expect(matchTopic(topic, topic)).toBe(true);
        expect(matchTopic('#', topic)).toBe(!dollar);
        levels.forEach((_, index) => {
          const filter = levels.map((text, at) => (at === index ? '+' : text)).join('/');
          expect(matchTopic(filter, topic), filter).toBe(!(dollar && index === 0));
        });
        for (let cut = 0; cut <= levels.length; cut += 1) {
          const filter = [...levels.slice(0, cut), '#'].join('/');
          expect(matchTopic(filter, topic), filter).toBe(!(dollar && cut === 0));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a filter with one level replaced by a different literal never matches', () => {
    fc.assert(
      fc.property(
        topicLevels.chain((levels) =>
          fc.tuple(
            fc.constant(levels),
            fc.array(fc.boolean(), { minLength: levels.length, maxLength: levels.length }),
            fc.nat({ max: levels.length - 1 }),
            level,
          ),
        ),
        ([levels, plus, index, literal]) => {
          fc.pre(literal !== levels[index]);
          // The filter keeps the topic's levels, some as '+', except one which becomes another literal.
          const filter = levels.map((text, at) => (at === index ? literal : plus[at] === true ? '+' : text));
          expect(matchTopic(filter.join('/'), levels.join('/'))).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('adding or removing a level without wildcards never matches', () => {
    fc.assert(
      fc.property(topicLevels, level, (levels, extra) => {
        const topic = levels.join('/');
        expect(matchTopic(`${topic}/${extra}`, topic)).toBe(false);
        expect(matchTopic(topic, `${topic}/${extra}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('$ topics never match a filter whose first level is + or #', () => {
    const wildFirst = fc.tuple(fc.constantFrom('+', '#'), freeFilter).map(([first, rest]) => (first === '#' ? '#' : `+/${rest}`));
    fc.assert(
      fc.property(wildFirst, dollarTopic, (filter, topic) => {
        expect(matchTopic(filter, topic)).toBe(false);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(dollarTopic, (topic) => {
        const levels = topic.split('/');
        expect(matchTopic(['+', ...levels.slice(1)].join('/'), topic)).toBe(false);
        expect(matchTopic(topic, topic)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('matchesAny is the disjunction of matchTopic', () => {
    fc.assert(
      fc.property(fc.array(freeFilter, { maxLength: 4 }), topicName, (filters, topic) => {
        expect(matchesAny(filters, topic)).toBe(filters.some((filter) => matchTopic(filter, topic)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('validity properties', () => {
  it('generated filters are valid and generated topic names are valid names but, with a wildcard, not names', () => {
    fc.assert(
      fc.property(freeFilter, topicName, (filter, topic) => {
        expect(isValidTopicFilter(filter)).toBe(true);
        expect(isValidTopicName(topic)).toBe(true);
        // Every valid topic name is also a valid filter (one that matches only itself).
        expect(isValidTopicFilter(topic)).toBe(true);
        expect(isValidTopicName(filter)).toBe(!filter.includes('+') && !filter.includes('#'));
      }),
      { numRuns: 1000 },
    );
  });

  it('a # that is not the last level makes a filter invalid', () => {
    fc.assert(
      fc.property(freeFilter, fc.array(level, { minLength: 1, maxLength: 3 }), (filter, after) => {
        expect(isValidTopicFilter([filter, '#', ...after].join('/'))).toBe(false);
        expect(isValidTopicFilter(['#', ...after].join('/'))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a wildcard sharing a level with other characters makes a filter invalid', () => {
    const mixed = fc
      .tuple(fc.constantFrom('+', '#'), fc.string({ unit: levelChar, minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([wildcard, text, before]) => (before ? `${text}${wildcard}` : `${wildcard}${text}`));
    fc.assert(
      fc.property(freeFilter, mixed, fc.array(fc.oneof(level, fc.constant('+')), { maxLength: 3 }), (prefix, bad, after) => {
        const filter = [prefix.endsWith('#') ? prefix.slice(0, -1) + 'x' : prefix, bad, ...after].join('/');
        expect(isValidTopicFilter(filter), filter).toBe(false);
        expect(isValidTopicFilter(bad)).toBe(false);
        expect(isValidTopicName(filter)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('filterCovers properties', () => {
  it('on a topic name it is matchTopic', () => {
    fc.assert(
      fc.property(filterAndTopic, ({ filter, topic }) => {
        expect(filterCovers(filter, topic)).toBe(matchTopic(filter, topic));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with brute force: covers exactly when every topic of a bounded universe matched by one is matched by the other', () => {
    // Filters use the levels a, $s, '' and wildcards, at most three levels; the topics use those
    // levels and c (a level no filter names), one level deeper, which is enough for a witness.
    const filterLevel = fc.constantFrom('a', '$s', '', '+');
    const smallFilter = fc
      .tuple(fc.array(filterLevel, { maxLength: 3 }), fc.boolean())
      .map(([levels, multi]) => (multi ? [...levels, '#'] : levels).join('/'))
      .filter((filter) => filter.length > 0 && filter.split('/').length <= 3);
    const universe: string[] = [];
    const extend = (prefix: readonly string[]): void => {
      if (prefix.length > 0) universe.push(prefix.join('/'));
      if (prefix.length === 4) return;
      for (const next of ['a', '$s', '', 'c']) extend([...prefix, next]);
    };
    extend([]);
    fc.assert(
      fc.property(smallFilter, smallFilter, (general, specific) => {
        const bruteForce = universe.every((topic) => !matchTopic(specific, topic) || matchTopic(general, topic));
        expect(filterCovers(general, specific), `${general} covers ${specific}`).toBe(bruteForce);
      }),
      { numRuns: 1500 },
    );
  });
});
