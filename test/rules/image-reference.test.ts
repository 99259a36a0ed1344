// Image references as IoT Edge manifests write them, with the placeholders of templates and
// release pipelines (iotedgedev's ${MODULEDIR<./module1>.debug} as in microsoft/vscode-azure-iot-edge
// testResources/deployment.template.json, Azure Pipelines $(ContainerRegistry), mustache {{acr}}).
import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../src/manifest/docker/image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['mongo:7.0', { host: undefined, repository: 'mongo', tag: '7.0', digest: undefined }],
    ['grafana/grafana:10.4.2', { host: undefined, repository: 'grafana/grafana', tag: '10.4.2', digest: undefined }],
    ['localhost:5000/filter', { host: 'localhost:5000', repository: 'filter', tag: undefined, digest: undefined }],
    ['myacr.azurecr.io/team/filter:1.2@sha256:abc', { host: 'myacr.azurecr.io', repository: 'team/filter', tag: '1.2', digest: 'sha256:abc' }],
    ['$upstream:443/azureiotedge-hub:1.4', { host: '$upstream:443', repository: 'azureiotedge-hub', tag: '1.4', digest: undefined }],
    // A placeholder in the first component is a registry, even in lower case.
    ['$(containerRegistry)/scorer:latest-amd64', { host: '$(containerRegistry)', repository: 'scorer', tag: 'latest-amd64', digest: undefined }],
    ['{{acr}}/app', { host: '{{acr}}', repository: 'app', tag: undefined, digest: undefined }],
    // Separators inside a placeholder belong to it.
    ['${MODULEDIR<./sample_module_2>.debug}', { host: undefined, repository: '${MODULEDIR<./sample_module_2>.debug}', tag: undefined, digest: undefined }],
    ['${ACR}/app:${TAG}', { host: '${ACR}', repository: 'app', tag: '${TAG}', digest: undefined }],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
});
