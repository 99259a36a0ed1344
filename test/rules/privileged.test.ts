// Fixtures are built from templates/*.json by test/fixtures/rules/privileged/make-fixtures.mjs.
// broad-grants.json copies the networkController module of Azure/iotedge
// e2e_deployment_files/connectivity_deployment.template.json; lora-station.template.json the
// LoRaBasicsStationModule of Azure/iotedge-lorawan-starterkit LoRaEngine/deployment.template.json.
import { privileged } from '../../src/rules/privileged.js';
import { testRule } from './rule-tester.js';

testRule(privileged, {
  valid: [{ file: 'narrow-grants.json' }],
  invalid: [
    {
      file: 'broad-grants.json',
      errors: [
        { messageId: 'privileged', line: 40, column: 65, messageIncludes: 'networkController' },
        { messageId: 'hostNetwork', line: 40, column: 90 },
        { messageId: 'dockerSocket', line: 40, column: 110, messageIncludes: '/var/run/docker.sock' },
        { messageId: 'broadCapability', line: 50, column: 76, messageIncludes: 'sys_admin' },
        { messageId: 'dockerSocketFolder', line: 50, column: 133, messageIncludes: '/run/docker.sock' },
      ],
    },
    {
      file: 'lora-station.template.json',
      errors: [
        { messageId: 'hostNetwork', line: 42, column: 34 },
        { messageId: 'privileged', line: 43, column: 33 },
        { messageId: 'broadCapability', line: 45, column: 21, messageIncludes: 'ALL' },
      ],
    },
  ],
});
