// Fixtures are built from templates/minimal.json and templates/offline.json by
// test/fixtures/rules/storage-folder-bind/make-fixtures.mjs; the *.fixed.json outputs were
// checked by hand. covered-mounts.json uses the /tmp/edgeAgent layout of the IoT Edge docs page
// "Give modules access to a device's local storage". k8s-volume-mount.json is shaped on
// eeronjohn/edgeKubernetes deployment.template.json (IoT Edge on Kubernetes: a
// persistentVolumeClaim mounted at the StorageFolder through k8s-experimental).
import { storageFolderBind } from '../../src/rules/storage-folder-bind.js';
import { testRule } from './rule-tester.js';

testRule(storageFolderBind, {
  valid: [{ file: 'covered-mounts.json' }, { file: 'covered.template.json' }, { file: 'k8s-volume-mount.json' }],
  invalid: [
    {
      file: 'unmounted.json',
      errors: [
        { messageId: 'unmounted', line: 23, column: 26, severity: 'error', messageIncludes: '"/srv/iotedge/edgeagent:/iotedge/storage"' },
        { messageId: 'unmounted', line: 37, column: 26, severity: 'error', messageIncludes: 'messages stored offline are lost' },
      ],
      output: 'unmounted.fixed.json',
    },
    {
      file: 'unmounted.template.json',
      errors: [
        { messageId: 'unmounted', line: 22, column: 26, messageIncludes: 'edgeAgent sets StorageFolder=/data/edgeagent' },
        { messageId: 'unmounted', line: 56, column: 26, messageIncludes: '"/srv/iotedge/edgehub:/data/edgehub"' },
      ],
      output: 'unmounted.template.fixed.json',
    },
    {
      // No fix: a HostConfig bind beside the emptyDir would mount twice at the same path.
      file: 'k8s-empty-dir.json',
      errors: [{ messageId: 'ephemeralVolume', line: 28, column: 325, severity: 'error', messageIncludes: 'emptyDir volume "scratch"' }],
    },
    {
      file: 'mount-without-folder.json',
      errors: [{ messageId: 'unusedMount', line: 36, column: 61, severity: 'warning', messageIncludes: 'storageFolder to "/iotedge/storage"' }],
      output: 'mount-without-folder.fixed.json',
    },
  ],
});
