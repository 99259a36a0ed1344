// Flavour by name and by content. The content signs follow public repositories whose release
// pipelines hand `config/deployment.json` or `*.deployment.json` (with `${MODULES.x}` images or
// object createOptions) to the Azure IoT Edge build task as templates.
import { describe, expect, it } from 'vitest';
import { decideFlavour, detectFlavour, givenFlavour } from '../../src/manifest/detect-flavour.js';

/** A manifest with these user modules (name → settings and extra fields), beside the two system modules. */
function manifest(modules: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const system = (image: string) => ({ type: 'docker', settings: { image, createOptions: '{}' } });
  return {
    ...extra,
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          systemModules: { edgeAgent: system('mcr.microsoft.com/azureiotedge-agent:1.5'), edgeHub: system('mcr.microsoft.com/azureiotedge-hub:1.5') },
          modules,
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {} } },
    },
  };
}
const docker = (image: string, createOptions: unknown = '{}', extra: Record<string, unknown> = {}) => ({ type: 'docker', ...extra, settings: { image, createOptions } });

describe('decideFlavour', () => {
  it.each(['deployment.template.json', 'deployment.debug.template.json', 'config/gateway-deployment-template.json', 'layers/base.template.yaml'])('%s is a template by name', (file) => {
    expect(decideFlavour(file, manifest({}))).toMatchObject({ flavour: 'template', sign: 'name' });
  });

  it('names the file in the reason', () => {
    expect(decideFlavour('src/deployment.template.json', manifest({})).reason).toBe('its name (deployment.template.json) marks a template');
  });

  it('takes $schema-template as a template sign', () => {
    expect(decideFlavour('deployment.json', manifest({}, { '$schema-template': '4.0.0' }))).toMatchObject({ flavour: 'template', sign: 'schema-template', pointer: '/$schema-template' });
  });

  it('takes a ${MODULES.…} image as a template, and points at it', () => {
    const decision = decideFlavour('config/deployment.json', manifest({ filter: docker('${MODULES.filter.arm32v7}') }));
    expect(decision).toEqual({
      flavour: 'template',
      sign: 'module-image',
      reason: 'the image of module "filter" is ${MODULES.filter.arm32v7}, which iotedgedev fills in',
      pointer: '/modulesContent/$edgeAgent/properties.desired/modules/filter/settings/image',
    });
  });

  it('takes ${MODULEDIR<…>} images as a template too', () => {
    expect(decideFlavour('deployment.json', manifest({ filter: docker('${MODULEDIR<../filter>.debug}') })).sign).toBe('module-image');
  });

  it('takes object createOptions as a template', () => {
    const decision = decideFlavour('prod.deployment.json', manifest({ filter: docker('myacr.azurecr.io/filter:1.0', { HostConfig: { Privileged: true } }) }));
    expect(decision).toMatchObject({ flavour: 'template', sign: 'object-create-options', pointer: '/modulesContent/$edgeAgent/properties.desired/modules/filter/settings/createOptions' });
  });

  it('takes ${…} in more than half of the modules as a template', () => {
    const modules = { a: docker('${ACR}/a:1.0'), b: docker('${ACR}/b:1.0'), c: docker('${ACR}/c:1.0') };
    expect(decideFlavour('deployment.json', manifest(modules))).toMatchObject({ flavour: 'template', sign: 'placeholders', reason: '3 of its 5 modules hold ${…} placeholders' });
  });

  it('keeps a generated manifest with one variable left unset a manifest', () => {
    // What iotedgedev genconfig writes when CONTAINER_REGISTRY_SERVER is unset: one module of three.
    const decision = decideFlavour('config/deployment.amd64.json', manifest({ filter: docker('${CONTAINER_REGISTRY_SERVER}/filter:0.0.1-amd64') }));
    expect(decision).toEqual({ flavour: 'manifest', sign: 'none', reason: 'it is not named *.template.json and shows no template content' });
  });

  it('takes pipeline tokens in most images as template content (Azure/iotedge e2e files, Replace Tokens)', () => {
    const modules = { a: docker('#{ACR}#/a:1.0'), b: docker('$(ACR)/b:1.0'), c: docker('<Container_Registry>/c:1.0') };
    const decision = decideFlavour('deployment.json', manifest(modules));
    expect(decision).toMatchObject({ flavour: 'template', sign: 'image-tokens' });
    expect(decision.reason).toContain('#{ACR}#');
  });

  it('does not count pipeline tokens outside images, in a minority of images, or fill-in text', () => {
    expect(decideFlavour('deployment.json', manifest({ a: docker('#{ACR}#/a:1.0'), b: docker('mcr.microsoft.com/b:1.0'), c: docker('mcr.microsoft.com/c:1.0') })).flavour).toBe('manifest');
    expect(decideFlavour('deployment.json', manifest({ a: docker('<YOUR_REGISTRY>/a:1.0'), b: docker('<YOUR_REGISTRY>/b:1.0') })).flavour).toBe('manifest');
  });

  it('keeps detectFlavour for callers that need only the flavour', () => {
    expect(detectFlavour('deployment.json', manifest({ filter: docker('${MODULES.filter}') }))).toBe('template');
    expect(detectFlavour('deployment.json', { not: 'a manifest' })).toBe('manifest');
  });

  it('says when the caller chose the flavour', () => {
    expect(givenFlavour('manifest')).toEqual({ flavour: 'manifest', sign: 'given', reason: '--flavour manifest was given' });
  });
});
