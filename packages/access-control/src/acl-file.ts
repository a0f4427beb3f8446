// Parsing ACL files in Mosquitto's acl_file syntax (`user`, `topic`, `pattern` lines, `#` comments)
// into rules, with errors that name the file and line.
import { isValidTopicFilter } from '@gateway/topics/match';
import { AccessFileError, numberedLines, readAccessFile } from './access-file-error.js';
import { usernameProblem } from './username.js';

export type AclAccess = 'read' | 'write' | 'readwrite' | 'deny';

export interface AclRule {
  readonly access: AclAccess;
  /** A topic filter; in a pattern, whole levels `%c` and `%u` stand for the client id and user name. */
  readonly filter: string;
  /** Where the rule was written, for messages. */
  readonly line: number;
}

export interface AclRules {
  readonly source: string;
  /** `topic` lines before any `user` line: they apply to clients that connect without a user name. */
  readonly anonymous: readonly AclRule[];
  /** `topic` lines under `user <name>` (sections for the same name add up). */
  readonly users: ReadonlyMap<string, readonly AclRule[]>;
  /** `pattern` lines, wherever they stand: they apply to every client. */
  readonly patterns: readonly AclRule[];
}

const ACCESS_WORDS: readonly string[] = ['read', 'write', 'readwrite', 'deny'] satisfies AclAccess[];

function isAccess(word: string): word is AclAccess {
  return ACCESS_WORDS.includes(word);
}

/** Splits `text` at its first run of whitespace: the first word and the (trimmed) rest. */
function firstWord(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? [match[1] ?? '', (match[2] ?? '').trim()] : ['', ''];
}

/** Why a rule's filter is unusable, or undefined. */
function filterProblem(filter: string, kind: 'topic' | 'pattern'): string | undefined {
  const levels = filter.split('/');
  const substituted = levels.some((level) => level.includes('%c') || level.includes('%u'));
  if (substituted && kind === 'topic') return `%c and %u are substituted only in pattern lines, not in ${JSON.stringify(filter)}`;
  if (levels.some((level) => (level.includes('%c') || level.includes('%u')) && level !== '%c' && level !== '%u')) {
    return `%c and %u must each be a whole topic level, as in devices/%c/#, not ${JSON.stringify(filter)}`;
  }
  const example = levels.map((level) => (level === '%c' || level === '%u' ? 'x' : level)).join('/');
  if (!isValidTopicFilter(example)) return `${JSON.stringify(filter)} is not a valid MQTT topic filter`;
  return undefined;
}

/** Parses one rule line's arguments: `[read|write|readwrite|deny] <topic>` (readwrite when omitted). */
function parseRule(argumentsText: string, kind: 'topic' | 'pattern', line: number, source: string): AclRule {
  const [word, rest] = firstWord(argumentsText);
  if (word === '') throw new AccessFileError(source, line, `${kind} needs a topic: ${kind} [read|write|readwrite|deny] <topic>`);
  const [access, filter] = isAccess(word) ? [word, rest] : ['readwrite' as const, argumentsText.trim()];
  if (filter === '') throw new AccessFileError(source, line, `${kind} ${access} needs a topic after it`);
  const problem = filterProblem(filter, kind);
  if (problem !== undefined) throw new AccessFileError(source, line, problem);
  return { access, filter, line };
}

/** Parses an ACL file's text; throws an AccessFileError naming `source` and the line of the first problem. */
export function parseAclFile(text: string, source = '<acl file>'): AclRules {
  const anonymous: AclRule[] = [];
  const users = new Map<string, AclRule[]>();
  const patterns: AclRule[] = [];
  let section = anonymous;
  for (const { line, text: content } of numberedLines(text)) {
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [keyword, rest] = firstWord(trimmed);
    if (keyword === 'user') {
      const problem = usernameProblem(rest);
      if (problem !== undefined) throw new AccessFileError(source, line, `user: ${problem}`);
      section = users.get(rest) ?? [];
      users.set(rest, section);
    } else if (keyword === 'topic') {
      section.push(parseRule(rest, 'topic', line, source));
    } else if (keyword === 'pattern') {
      patterns.push(parseRule(rest, 'pattern', line, source));
    } else {
      throw new AccessFileError(source, line, `unknown keyword ${JSON.stringify(keyword)}: expected user, topic or pattern`);
    }
  }
  return { source, anonymous, users, patterns };
}

/** Reads and parses the ACL file at `path` (a missing or unreadable file is the fs error, naming the path). */
export async function loadAclFile(path: string): Promise<AclRules> {
  return parseAclFile(await readAccessFile(path), path);
}
