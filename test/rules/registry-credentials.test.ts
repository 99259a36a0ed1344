// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). The
// localhost:5000 image is the local registry iotedgedev sets up (as in Azure/iotedgehubdev's
// deployment_with_chunked_create_options.json); marketplace.azurecr.io/intel_corporation/open_vino
// is the OpenVINO extension of the Azure Video Analyzer docs.
import { testRule } from './rule-tester.js';
import { registryCredentials } from '../../src/rules/registry-credentials.js';

testRule(registryCredentials, {
  valid: [
    { file: 'credentials-match.json' },
    { file: 'anonymous-registries.json' },
    { file: 'docker-hub-credential.json' },
    { file: 'placeholder-address.template.json' },
    { file: 'placeholder-images.json' },
  ],
  invalid: [
    {
      // Whether a registry allows anonymous pulls cannot be seen in the manifest: info, never more.
      file: 'missing-credentials.json',
      errors: [
        { messageId: 'missing', line: 45, column: 24, severity: 'info', messageIncludes: 'add a credential with "address": "myacr.azurecr.io"' },
        { messageId: 'missing', line: 55, column: 24, severity: 'info', messageIncludes: '"address": "localhost:5000"' },
      ],
    },
    {
      file: 'docker-hub-unknown.json',
      errors: [
        { messageId: 'dockerHub', line: 45, column: 24, severity: 'info', messageIncludes: 'the Docker Hub repository grafana/grafana, and no registry credential has a Docker Hub address, so edgeAgent pulls it without credentials; that works only if the repository is public, which the manifest cannot show. If it is private, add a credential with "address": "https://index.docker.io/v1/"' },
        { messageId: 'dockerHub', line: 55, column: 24, severity: 'info', messageIncludes: '"address": "docker.io"' },
      ],
    },
  ],
});
