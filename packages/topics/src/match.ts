// MQTT 3.1.1 topic names, topic filters and wildcard matching (section 4.7 of the specification).

const MAX_TOPIC_BYTES = 65_535;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * MQTT strings must be well-formed UTF-8 (MQTT-1.5.3-1). A JS string with an unpaired surrogate has
 * no UTF-8 form: encoders silently turn it into U+FFFD, so the topic on the wire would differ.
 */
function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

/** A topic name a client may publish to: non-empty, no wildcards, no NUL, well-formed, at most 65,535 bytes. */
export function isValidTopicName(topic: string): boolean {
  return (
    topic.length > 0 &&
    !topic.includes('+') &&
    !topic.includes('#') &&
    !topic.includes('\u0000') &&
    !hasLoneSurrogate(topic) &&
    utf8Length(topic) <= MAX_TOPIC_BYTES
  );
}

/** A topic filter a client may subscribe to: `+` only as a whole level, `#` only as the whole last level. */
export function isValidTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000') || hasLoneSurrogate(filter) || utf8Length(filter) > MAX_TOPIC_BYTES) return false;
  const levels = filter.split('/');
  return levels.every((level, index) => {
    if (level === '#') return index === levels.length - 1;
    if (level === '+') return true;
    return !level.includes('#') && !level.includes('+');
  });
}

/**
 * Whether `topic` matches `filter`. `+` matches exactly one level (possibly empty), `#` matches the
 * parent level and any number of child levels, and topics starting with `$` are not matched by a
 * filter whose first level is a wildcard (MQTT-4.7.2-1).
 */
export function matchTopic(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index += 1) {
    const level = filterLevels[index];
    if (level === '#') return true;
    const topicLevel = topicLevels[index];
    if (topicLevel === undefined) return false;
    if (level !== '+' && level !== topicLevel) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/** Whether `topic` matches any of `filters`. */
export function matchesAny(filters: readonly string[], topic: string): boolean {
  return filters.some((filter) => matchTopic(filter, topic));
}

/**
 * Whether filter `general` covers filter `specific`: every topic name `specific` matches, `general`
 * matches too. For ACLs that allow a wildcard subscription only inside what a rule allows; a topic
 * name is a filter that matches only itself, so `filterCovers(filter, topic)` equals `matchTopic(filter, topic)`.
 */
export function filterCovers(general: string, specific: string): boolean {
  // Every topic has at least one level, so a leading `+/#` matches exactly what `#` matches.
  const generalLevels = (general === '+/#' ? '#' : general).split('/');
  const specificLevels = specific.split('/');
  const specificFirst = specificLevels[0] ?? '';
  if (specificFirst.startsWith('$') && (generalLevels[0] === '+' || generalLevels[0] === '#')) return false;
  for (let index = 0; index < generalLevels.length; index += 1) {
    const level = generalLevels[index];
    if (level === '#') return true;
    const specificLevel = specificLevels[index];
    if (specificLevel === undefined || specificLevel === '#') return false;
    if (level !== '+' && level !== specificLevel) return false;
  }
  return generalLevels.length === specificLevels.length;
}
