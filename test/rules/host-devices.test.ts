// Fixtures are built from templates/minimal.json by test/fixtures/rules/host-devices/make-fixtures.mjs.
// valid-devices.json copies the camera capture module of a public Raspberry Pi Custom Vision
// README (Azure-Samples/Custom-vision-service-iot-edge-raspberry-pi, "CgroupPermissions":"mrw"),
// /dev/dri as OpenVINO deployments map it, and a Windows IoT Edge sample's serial device
// assigned as class/<GUID> with empty paths and permissions and "Isolation": "Process".
// The relative "dev/nvhost-gpu" of invalid-devices.json is how toolboc/IntelligentEdgeHOL's
// deployment.template.json maps a Jetson GPU device.
import { testRule } from './rule-tester.js';
import { hostDevices } from '../../src/rules/host-devices.js';

testRule(hostDevices, {
  valid: [{ file: 'valid-devices.json' }, { file: 'placeholders.template.json' }],
  invalid: [
    {
      file: 'invalid-devices.json',
      output: 'invalid-devices-fixed.json',
      errors: [
        { messageId: 'hostPathSpaces', line: 40, column: 79, severity: 'error', messageIncludes: 'Write "/dev/ttyUSB0"' },
        { messageId: 'permissionsFixable', line: 40, column: 156, severity: 'error', messageIncludes: 'Write "rwm"' },
        { messageId: 'containerPathEmpty', line: 40, column: 218, severity: 'warning', messageIncludes: 'Write "/dev/ttyUSB1"' },
        { messageId: 'permissionsInvalid', line: 40, column: 245, severity: 'error', messageIncludes: '"rwx"' },
        { messageId: 'hostPathRelative', line: 40, column: 270, severity: 'warning', messageIncludes: 'Write "/dev/nvhost-gpu"' },
        { messageId: 'containerPathRelative', line: 40, column: 309, severity: 'warning', messageIncludes: 'Write "/dev/nvhost-gpu"' },
        { messageId: 'hostPathEmpty', line: 40, column: 375, severity: 'error' },
        { messageId: 'permissionsEmpty', line: 40, column: 437, severity: 'error', messageIncludes: 'a device without PathOnHost' },
        // Privileged: Docker ignores the permissions ("rwx" is not reported), the path still matters.
        { messageId: 'containerPathSpaces', line: 50, column: 136, severity: 'warning', messageIncludes: 'gpio' },
      ],
    },
    {
      file: 'invalid-devices.template.json',
      output: 'invalid-devices-fixed.template.json',
      errors: [
        { messageId: 'hostPathSpaces', line: 44, column: 37, messageIncludes: 'camera' },
        { messageId: 'permissionsFixable', line: 46, column: 44, messageIncludes: 'Write "rw"' },
      ],
    },
  ],
});
