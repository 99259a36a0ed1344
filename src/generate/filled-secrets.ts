// The secrets gen puts into a manifest, so that no message of gen prints them: the value of every
// variable the template names under a secret name (`${CONTAINER_REGISTRY_PASSWORD}`), wherever
// it lands, every secret the generated manifest holds, and those written in the template itself,
// which a refusal quotes when no manifest was generated. A .env value under a secret name that
// lands under an ordinary one (`"restartPolicy": "${SERVICE_TOKEN}"`) is secret only by the
// variable's name, which the generated manifest no longer shows.
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { documentSecrets, isSecretName, maskableSecrets } from '../manifest/secrets.js';
import { tokenAt } from './expand-placeholders.js';
import type { Variables } from './variables.js';

export async function filledSecrets(template: { file: string; text: string }, variables: Variables, generatedText: string | undefined): Promise<string[]> {
  const templateText = template.text;
  const found = new Set<string>();
  for (let offset = templateText.indexOf('$'); offset !== -1; offset = templateText.indexOf('$', offset + 1)) {
    const token = tokenAt(templateText, offset);
    if (token === undefined || !isSecretName(token.name)) continue;
    const value = variables.get(token.name);
    if (value !== undefined) found.add(value);
  }
  // Read by the guarded loader (no alias loops, no nesting past the limit); a template it refuses
  // is reported as such, and the other secrets still count. Each with the pieces its createOptions
  // chunks hold, of the variables' secrets too.
  const parsed = await parseSource({ file: template.file, text: stripByteOrderMark(templateText) });
  if (parsed.ok) for (const secret of documentSecrets(parsed.source.value, found)) found.add(secret);
  const generated = generatedText === undefined ? undefined : parsedJson(generatedText);
  return generated === undefined ? maskableSecrets(found) : documentSecrets(generated, found);
}

/** gen writes the manifest with JSON.stringify from a value the loader read, so it parses; anything else is no manifest to read secrets from. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
