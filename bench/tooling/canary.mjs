// A guard before measuring: both validators must accept a generated manifest and reject one with
// an invalid enum value, or a setup that accepts everything would pass as fast.
import fs from 'node:fs';
import path from 'node:path';
import { head } from './timed-command.mjs';

function verdict(run) {
  return run.status === 1 ? 'rejected' : `NOT rejected (exit ${run.status})`;
}

/** { ajvCli, edgewise, problem? }: what each validator did with the invalid manifest. */
export function checkCanary({ validFile, dir, ajv, edgewise, run }) {
  fs.mkdirSync(dir, { recursive: true });
  const invalidFile = path.join(dir, 'invalid-restart-policy.json');
  const doc = JSON.parse(fs.readFileSync(validFile, 'utf8'));
  const modules = doc.modulesContent.$edgeAgent['properties.desired'].modules;
  modules[Object.keys(modules)[0]].restartPolicy = 'on-failured';
  fs.writeFileSync(invalidFile, `${JSON.stringify(doc, null, 2)}\n`);

  const problems = [];
  const accepted = run('canary-ajv-cli-valid', ajv.one(validFile));
  if (accepted.status !== 0) problems.push(`ajv-cli rejects a generated manifest (${validFile}): ${head(accepted.stderrFile)}`);
  const ajvCli = verdict(run('canary-ajv-cli', ajv.one(invalidFile)));
  if (ajvCli !== 'rejected') problems.push(`ajv-cli accepts ${invalidFile}`);
  let edgewiseVerdict = `not run (${edgewise.available})`;
  if (!edgewise.available) {
    edgewiseVerdict = verdict(run('canary-edgewise', edgewise.one(invalidFile)));
    if (edgewiseVerdict !== 'rejected') problems.push(`edgewise validate accepts ${invalidFile}`);
  }
  return { ajvCli, edgewise: edgewiseVerdict, problem: problems.length ? problems.join('\n') : null };
}
