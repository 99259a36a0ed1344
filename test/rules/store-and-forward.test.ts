// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs); the layered
// one follows azure-iot-cli-extension's test_edge_deployment_layered.json.
import { storeAndForward } from '../../src/rules/store-and-forward.js';
import { testRule } from './rule-tester.js';

testRule(storeAndForward, {
  valid: [{ file: 'default-ttl.json' }, { file: 'infinite-ttl.json' }],
  invalid: [
    {
      file: 'short-ttl.json',
      errors: [
        { messageId: 'shortRouteTtl', line: 47, column: 31, severity: 'warning', messageIncludes: 'route "alerts" keeps undelivered messages for only 10 s' },
        { messageId: 'shortTtl', line: 51, column: 29, severity: 'warning', messageIncludes: 'timeToLiveSecs is 0 s' },
      ],
    },
    {
      file: 'route-outlives-global.json',
      errors: [{ messageId: 'routeLonger', line: 47, column: 31, severity: 'info', messageIncludes: 'the route\'s value wins for this route' }],
    },
    { file: 'hub-1.0-no-ttl.json', errors: [{ messageId: 'missingTtl', line: 36, column: 7, severity: 'info', messageIncludes: '7200 s' }] },
    { file: 'empty-store-and-forward.json', errors: [{ messageId: 'missingTtl', line: 45, column: 9, severity: 'info' }] },
    {
      file: 'layered-short-ttl.json',
      errors: [
        { messageId: 'shortTtl', line: 6, column: 29, severity: 'warning', messageIncludes: 'is 30 s' },
        { messageId: 'routeLonger', line: 11, column: 29, severity: 'info' },
      ],
    },
  ],
});
