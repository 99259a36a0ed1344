// The secrets gen puts into a manifest, so that no message of gen prints them: the value of every
// variable the template names under a secret name (`${CONTAINER_REGISTRY_PASSWORD}`), wherever
// it lands, and every secret the generated manifest holds. A .env value under a secret name that
// lands under an ordinary one (`"restartPolicy": "${SERVICE_TOKEN}"`) is secret only by the
// variable's name, which the generated manifest no longer shows.
import { isSecretName, maskableSecrets, secretsIn } from '../manifest/secrets.js';
import { tokenAt } from './expand-placeholders.js';
import type { Variables } from './variables.js';

export function filledSecrets(templateText: string, variables: Variables, generatedText: string | undefined): string[] {
  const found = new Set<string>();
  for (let offset = templateText.indexOf('$'); offset !== -1; offset = templateText.indexOf('$', offset + 1)) {
    const token = tokenAt(templateText, offset);
    if (token === undefined || !isSecretName(token.name)) continue;
    const value = variables.get(token.name);
    if (value !== undefined) found.add(value);
  }
  if (generatedText !== undefined) {
    try {
      secretsIn(JSON.parse(generatedText), found);
    } catch {
      // Not JSON: gen reports that itself; the variables above still count.
    }
  }
  return maskableSecrets(found);
}
