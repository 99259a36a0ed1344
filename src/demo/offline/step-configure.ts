// Step 1, configure: a child device is declared in the cloud by its parent, the edge device it
// sits behind; a device has exactly one parent (docs/FACTS.md §4), so a second one is refused.
// Done through the emulator's service API, as `edgewise cloud device add … --parent` does.
import { CloudError } from '../../runtime/cloud/cloud-error.js';
import { CHILD_DEVICE, EDGE_DEVICE, OTHER_EDGE_DEVICE, type DemoContext } from './demo-context.js';

export async function configureStep(context: DemoContext): Promise<void> {
  const { cloud, checks, narrator } = context;
  const data = `--data ${context.folder.cloud}`;
  const edge = await cloud.client.getDevice(EDGE_DEVICE);
  narrator.say(`$ edgewise cloud device add ${CHILD_DEVICE} --parent ${EDGE_DEVICE} ${data}`);
  const child = await cloud.client.createDevice(CHILD_DEVICE, { parent: edge });
  checks.expect(
    'configure',
    `child device ${CHILD_DEVICE} added with parent ${EDGE_DEVICE}`,
    child.parentScopes[0] === edge.deviceScope ? `its parent scope is ${edge.deviceScope}` : undefined,
    `the cloud gave it the parent scopes ${JSON.stringify(child.parentScopes)}, not ${edge.deviceScope}`,
  );

  const other = await cloud.client.createDevice(OTHER_EDGE_DEVICE, { edge: true });
  narrator.say(`$ edgewise cloud device add ${CHILD_DEVICE} --parent ${OTHER_EDGE_DEVICE} ${data}   (another edge device: a second parent)`);
  const title = `a second parent for ${CHILD_DEVICE} is refused`;
  try {
    await cloud.client.createDevice(CHILD_DEVICE, { parent: other });
    checks.failed('configure', title, `the cloud accepted ${CHILD_DEVICE} again with parent ${OTHER_EDGE_DEVICE}`);
  } catch (error) {
    if (!(error instanceof CloudError)) throw error;
    const after = await cloud.client.getDevice(CHILD_DEVICE);
    checks.expect(
      'configure',
      title,
      after.parentScopes[0] === edge.deviceScope ? `${error.status} ${error.errorCode}; its one parent stays ${EDGE_DEVICE}` : undefined,
      `refused (${error.status} ${error.errorCode}), but its parent scopes are now ${JSON.stringify(after.parentScopes)}`,
    );
  }
}
