// The benchmark's config templates for Debian's programs (infra/bench/*.template): `{{NAME}}` placeholders
// filled with ports and paths, written into a program's temporary directory.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** infra/bench/: this file lives in apps/bench/src or apps/bench/dist. */
export const templateDir = fileURLToPath(new URL('../../../infra/bench/', import.meta.url));

export type TemplateValues = Readonly<Record<string, string | number>>;

/** `{{NAME}}` placeholders replaced by `values`; an unknown placeholder is an error. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return String(value);
  });
}

/** Renders infra/bench/`file`.template into `directory`/`file`; returns the written path. */
export async function writeConfig(file: string, directory: string, values: TemplateValues): Promise<string> {
  const path = join(directory, file);
  await writeFile(path, renderTemplate(await readFile(join(templateDir, `${file}.template`), 'utf8'), values));
  return path;
}
