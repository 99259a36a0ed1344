// Fixtures are built from templates/offline.json by
// test/fixtures/rules/storage-permissions/make-fixtures.mjs. The UIDs come from Azure/iotedge
// hubStart.sh and agentStart.sh (and PR #4998, which moved them from 1000 to 13623/13622).
import { storagePermissions } from '../../src/rules/storage-permissions.js';
import { testRule } from './rule-tester.js';

testRule(storagePermissions, {
  valid: [{ file: 'volume-storage.json' }],
  invalid: [
    {
      file: 'offline-1.5.json',
      errors: [
        { messageId: 'owner', line: 19, column: 61, severity: 'info', messageIncludes: 'sudo chown -R 13622 /srv/iotedge/edgeagent && sudo chmod -R 700 /srv/iotedge/edgeagent' },
        { messageId: 'owner', line: 36, column: 61, severity: 'info', messageIncludes: 'sudo chown -R 13623 /srv/iotedge/edgehub && sudo chmod -R 700 /srv/iotedge/edgehub' },
      ],
    },
    {
      file: 'legacy-1.1.json',
      errors: [
        { messageId: 'owner', line: 19, column: 61, messageIncludes: 'runs as UID 1000 (image 1.1;' },
        { messageId: 'owner', line: 36, column: 61, messageIncludes: 'sudo chown -R 1000 /srv/iotedge/edgehub' },
      ],
    },
    { file: 'user-id.json', errors: [{ messageId: 'owner', line: 36, column: 61, messageIncludes: 'UID 2001 (set by EDGEHUBUSER_ID)' }] },
    {
      file: 'unknown-version.template.json',
      errors: [
        { messageId: 'ownerUnknown', line: 19, column: 61, messageIncludes: '13622 from 1.3, 1000 before' },
        { messageId: 'ownerUnknown', line: 36, column: 61, messageIncludes: 'azureiotedge-hub:latest' },
      ],
    },
  ],
});
