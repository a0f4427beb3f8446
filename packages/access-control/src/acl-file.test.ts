// The ACL file parser: every keyword and access word, comments and blank lines, user sections,
// patterns with %c and %u, and errors that name the file and line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessFileError } from './access-file-error.js';
import { loadAclFile, parseAclFile } from './acl-file.js';

describe('parseAclFile', () => {
  it('reads topic lines before any user as the anonymous rules, with each access word', () => {
    const rules = parseAclFile(['topic read sensors/#', 'topic write commands/+', 'topic readwrite chat', 'topic deny secret/#', 'topic public/news'].join('\n'), 'acl');
    expect(rules.source).toBe('acl');
    expect(rules.anonymous).toEqual([
      { access: 'read', filter: 'sensors/#', line: 1 },
      { access: 'write', filter: 'commands/+', line: 2 },
      { access: 'readwrite', filter: 'chat', line: 3 },
      { access: 'deny', filter: 'secret/#', line: 4 },
      { access: 'readwrite', filter: 'public/news', line: 5 },
    ]);
    expect(rules.users.size).toBe(0);
    expect(rules.patterns).toEqual([]);
  });

  it('skips comments, blank lines and indentation, and reads CRLF files', () => {
    const text = ['# the gateway ACL', '', '   # indented comment', '\t', '  topic   read   sensors/#  ', '#topic write nothing', ''].join('\r\n');
    expect(parseAclFile(text).anonymous).toEqual([{ access: 'read', filter: 'sensors/#', line: 5 }]);
    expect(parseAclFile('').anonymous).toEqual([]);
    expect(parseAclFile('# only a comment\n').users.size).toBe(0);
  });

  it('puts topic lines under the user line above them; sections for one user add up', () => {
    const text = ['topic read public/#', 'user alice', 'topic readwrite alice/#', 'user bob', 'topic read bob/#', 'user alice', 'topic deny alice/private'].join('\n');
    const rules = parseAclFile(text);
    expect(rules.anonymous).toEqual([{ access: 'read', filter: 'public/#', line: 1 }]);
    expect([...rules.users.keys()]).toEqual(['alice', 'bob']);
    expect(rules.users.get('alice')).toEqual([
      { access: 'readwrite', filter: 'alice/#', line: 3 },
      { access: 'deny', filter: 'alice/private', line: 7 },
    ]);
    expect(rules.users.get('bob')).toEqual([{ access: 'read', filter: 'bob/#', line: 5 }]);
  });

  it('keeps a user with no topic lines (that user gets nothing but patterns)', () => {
    expect(parseAclFile('user nobody\n').users.get('nobody')).toEqual([]);
  });

  it('collects pattern lines wherever they stand, with %c and %u as whole levels', () => {
    const text = ['pattern read devices/%c/#', 'user alice', 'topic read a', 'pattern write users/%u/out', 'pattern deny %c/secret', 'pattern %u/%c'].join('\n');
    const rules = parseAclFile(text);
    expect(rules.patterns).toEqual([
      { access: 'read', filter: 'devices/%c/#', line: 1 },
      { access: 'write', filter: 'users/%u/out', line: 4 },
      { access: 'deny', filter: '%c/secret', line: 5 },
      { access: 'readwrite', filter: '%u/%c', line: 6 },
    ]);
    expect(rules.users.get('alice')).toEqual([{ access: 'read', filter: 'a', line: 3 }]);
  });

  it('allows patterns without substitutions, $SYS filters, and spaces inside a topic', () => {
    const rules = parseAclFile(['pattern read global/#', 'topic read $SYS/#', 'topic read my topic/with spaces', 'topic deny a b', 'topic my  topic'].join('\n'));
    expect(rules.patterns).toEqual([{ access: 'read', filter: 'global/#', line: 1 }]);
    expect(rules.anonymous).toEqual([
      { access: 'read', filter: '$SYS/#', line: 2 },
      { access: 'read', filter: 'my topic/with spaces', line: 3 },
      { access: 'deny', filter: 'a b', line: 4 },
      { access: 'readwrite', filter: 'my  topic', line: 5 },
    ]);
  });

  it('is not fooled by a line separator character inside a topic', () => {
    expect(parseAclFile('topic read a\u2028b').anonymous).toEqual([{ access: 'read', filter: 'a\u2028b', line: 1 }]);
  });

  it('ignores a byte-order mark', () => {
    expect(parseAclFile('\uFEFFtopic read a\n').anonymous).toEqual([{ access: 'read', filter: 'a', line: 1 }]);
  });

  const errors: [string, string, string][] = [
    ['an unknown keyword', 'topic read a\n\ntopc read b\n', 'acl.conf:3: unknown keyword "topc": expected user, topic or pattern'],
    ['a keyword in capitals', 'Topic read a\n', 'acl.conf:1: unknown keyword "Topic"'],
    ['an inline comment', 'topic read a\n# ok\n  // not a comment\n', 'acl.conf:3: unknown keyword "//"'],
    ['topic without arguments', 'topic\n', 'acl.conf:1: topic needs a topic: topic [read|write|readwrite|deny] <topic>'],
    ['pattern without arguments', 'pattern   \n', 'acl.conf:1: pattern needs a topic'],
    ['an access word without a topic', '\ntopic read\n', 'acl.conf:2: topic read needs a topic after it'],
    ['deny without a topic', 'pattern deny\n', 'acl.conf:1: pattern deny needs a topic after it'],
    ['a bad filter: # not last', 'topic read a/#/b\n', 'acl.conf:1: "a/#/b" is not a valid MQTT topic filter'],
    ['a bad filter: + inside a level', 'user alice\ntopic write a/b+\n', 'acl.conf:2: "a/b+" is not a valid MQTT topic filter'],
    ['a bad filter: # inside a level', 'topic read sensors#\n', 'acl.conf:1: "sensors#" is not a valid MQTT topic filter'],
    ['a bad filter in a pattern', 'pattern read %c/#/x\n', 'acl.conf:1: "%c/#/x" is not a valid MQTT topic filter'],
    ['%c inside a level', 'pattern read devices/dev-%c/#\n', 'acl.conf:1: %c and %u must each be a whole topic level, as in devices/%c/#, not "devices/dev-%c/#"'],
    ['%u inside a level', '\n\npattern write users/%u%c\n', 'acl.conf:3: %c and %u must each be a whole topic level'],
    ['%c in a topic line', 'topic read devices/%c/#\n', 'acl.conf:1: %c and %u are substituted only in pattern lines, not in "devices/%c/#"'],
    ['%u in a topic line', 'user alice\ntopic readwrite %u\n', 'acl.conf:2: %c and %u are substituted only in pattern lines'],
    ['a user line without a name', 'user\n', 'acl.conf:1: user: the user name is empty'],
    ['a user name with a space', 'user alice smith\n', 'acl.conf:1: user: the user name "alice smith" contains whitespace or a control character'],
    ['a user name with a colon', 'user a:b\n', `acl.conf:1: user: the user name "a:b" contains ':'`],
  ];
  it.each(errors)('refuses %s, naming the file and line', (_name, text, message) => {
    let thrown: unknown;
    try {
      parseAclFile(text, 'acl.conf');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AccessFileError);
    expect((thrown as AccessFileError).message.startsWith(message)).toBe(true);
    expect((thrown as AccessFileError).source).toBe('acl.conf');
  });

  it('names a default source when none is given', () => {
    expect(() => parseAclFile('nonsense')).toThrow('<acl file>:1: unknown keyword "nonsense"');
  });
});

describe('loadAclFile', () => {
  it('reads a file and names it in errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'acl-file-'));
    try {
      const path = join(directory, 'acl');
      await writeFile(path, 'user alice\ntopic read alice/#\n');
      const rules = await loadAclFile(path);
      expect(rules.source).toBe(path);
      expect(rules.users.get('alice')).toEqual([{ access: 'read', filter: 'alice/#', line: 2 }]);

      await writeFile(path, 'user alice\ntopic read alice/#\ntopic read %c\n');
      await expect(loadAclFile(path)).rejects.toThrow(`${path}:3: %c and %u are substituted only in pattern lines`);
      await expect(loadAclFile(join(directory, 'absent'))).rejects.toMatchObject({ code: 'ENOENT', path: join(directory, 'absent') });
      await expect(loadAclFile(directory)).rejects.toMatchObject({ code: 'EISDIR', path: directory });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
