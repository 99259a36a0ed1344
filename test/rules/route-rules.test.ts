// Route rules over routes modelled on real mistakes: the IoT-Hub-style route in
// azure-iot-cli-extension's test_edge_deployment_malformed.json (`brokeredEndpoint("/modinstances/…")`),
// WHERE written after INTO, operators without spaces. Sensor and filter modules as in
// templates/sensor-pipeline. route-reference/wildcards.json: `FROM /messages/modules/* INTO
// $upstream` as in the usb-sensor/anomaly-detect sample deployments and the IoT Edge module
// templates, which name no module. route-reference/scaffold.template.json: iotedgedev's own
// scaffold template, which routes to %MODULE% until a module is added. route-syntax/
// whole-route.template.json: the LoRaWAN starter kit's template, whose route is `$EDGEHUB_ROUTE`.
import { routeDuplicate } from '../../src/rules/route-duplicate.js';
import { routeReference } from '../../src/rules/route-reference.js';
import { routeSink } from '../../src/rules/route-sink.js';
import { routeSyntax } from '../../src/rules/route-syntax.js';
import { testRule } from './rule-tester.js';

testRule(routeSyntax, {
  valid: [{ file: 'valid.json' }, { file: 'whole-route.template.json' }],
  invalid: [
    // The same file as a concrete manifest: its route is not a route until it is filled in.
    { file: 'whole-route.template.json', flavour: 'manifest', errors: [{ messageId: 'parse', line: 60, column: 21, messageIncludes: "starts with '$EDGEHUB_ROUTE'" }] },
    {
      file: 'invalid.json',
      errors: [
        { messageId: 'parse', line: 60, column: 44, severity: 'error', messageIncludes: "found '$upstream'" },
        { messageId: 'trailing', line: 61, column: 62, severity: 'error', messageIncludes: '"WHERE temperature > 30"' },
        { messageId: 'condition', line: 62, column: 51, severity: 'error', messageIncludes: "'upper'" },
        { messageId: 'surprise', line: 63, column: 49, severity: 'warning', messageIncludes: "'temp+1' is read as one property name" },
        { messageId: 'condition', line: 63, column: 56, severity: 'error', messageIncludes: 'as_number' },
      ],
    },
  ],
});

testRule(routeSink, {
  valid: [{ file: 'valid.json' }],
  invalid: [
    {
      file: 'invalid.json',
      errors: [
        { messageId: 'sink', line: 60, column: 49, messageIncludes: '/modules/<module>/inputs/<input>' },
        { messageId: 'sink', line: 61, column: 46, messageIncludes: "'$events'" },
      ],
    },
  ],
});

testRule(routeReference, {
  valid: [{ file: 'valid.json' }, { file: 'wildcards.json' }, { file: 'scaffold.template.json' }],
  invalid: [
    {
      file: 'invalid.json',
      errors: [
        { messageId: 'source', line: 60, column: 30, messageIncludes: '"ghost"' },
        { messageId: 'sink', line: 61, column: 78, messageIncludes: 'did you mean "filter"?' },
        // edgeHub drops the trailing '*' and matches the module "sens" exactly, not a prefix of "sensor".
        { messageId: 'source', line: 62, column: 31, messageIncludes: 'module "sens",' },
      ],
    },
    {
      // Shapes from public deployments (haimatrix99/pest-detection, Azure-Samples footfall-analysis):
      // the route names part of the module id, or the module id is part of the name.
      file: 'near-miss.json',
      errors: [
        { messageId: 'source', line: 60, column: 37, messageIncludes: 'did you mean "stream-image-service"?' },
        { messageId: 'sink', line: 60, column: 102, messageIncludes: 'did you mean "inferencemodule"?' },
      ],
    },
  ],
});

testRule(routeDuplicate, {
  valid: [{ file: 'valid.json' }],
  invalid: [{ file: 'invalid.json', errors: [{ messageId: 'duplicate', line: 61, column: 11, messageIncludes: 'repeats route "a"' }] }],
});
