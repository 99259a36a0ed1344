// A person's verdict on every error that `edgewise lint` reports over the corpus. An error the
// runtime would not hit is a false error: fix the linter, never add a verdict for it here.
// Keys: `<corpus file> <rule>` for every error of that rule in the file, or `<corpus file> <rule>:<line>`.
// The wild/ verdicts come from a review of each error against edgeAgent's, edgeHub's and IoT Hub's
// behaviour (sources in fixtures/corpus/wild/SOURCES.md and the issue 8 notes).

export interface Verdict {
  /** real: the file has the problem; expected: a negative fixture or a pipeline template, error by design. */
  kind: 'real' | 'expected';
  why: string;
}

export function verdictKey(file: string, ruleId: string, line?: number): string {
  return line === undefined ? `${file} ${ruleId}` : `${file} ${ruleId}:${line}`;
}

const real = (why: string): Verdict => ({ kind: 'real', why });
const expected = (why: string): Verdict => ({ kind: 'expected', why });

const DEAD_SCAFFOLD_ROUTE = real('the route names a module the deployment does not run (a SimulatedTemperatureSensor/tempSensor/…GA route left from the VS Code scaffold): it never matches');
const CLI_TEST_PASSWORD = real('the registry password is the literal "<password>": as written, images from that registry are pulled with a wrong password (a test fixture of the az CLI, which never deploys it)');
const IOTEDGEDEV_NEGATIVE = expected("iotedgedev's negative test fixture: its errors are the point of the file");
const LEFT_IN_GENERATED = real('a generated config/deployment*.json still holds $CONTAINER_REGISTRY_*: genconfig ran with the variables unset, so the credential is the literal text');
const METRICS_FILL_IN = real('the metrics collector gets a sentence in angle brackets as its setting: it cannot upload with it');
const ENGINE_TOKENS = expected("the deployment engine substitutes {{address}}/{{password}}/{{username}} from Key Vault before applying (IoTEdgeDeploymentBuilder); as a concrete manifest the tokens are literal, and --flavour template says so");
const ENV_AS_STRING = real('env written as a plain string: edgeAgent deserialises env values into {"value": …} objects and refuses the deployment');

export const ERROR_VERDICTS: Record<string, Verdict> = {
  // --- the shared corpus (../shared/corpus/manifests)
  'Azure-Samples__Custom-vision-service-iot-edge-raspberry-pi__deployment.template.json route-reference': real('the route reads from CameraCaptureGA, but the module is camera-capture: its output never reaches IoT Hub'),
  'Azure-Samples__onnxruntime-iot-edge__deployment-l4tr32.2.json route-reference': real('PostProcessingModule is routed to and from but not deployed: messages for it wait until their TTL expires'),
  'Azure__azure-iot-cli-extension__azext_iot__tests__central__json__edge_manifest.json unresolved-placeholder': CLI_TEST_PASSWORD,
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_ea_v11_eh_v12.json unresolved-placeholder': CLI_TEST_PASSWORD,
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_ea_v90_eh_v91.json unresolved-placeholder': CLI_TEST_PASSWORD,
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_v11.json unresolved-placeholder': CLI_TEST_PASSWORD,
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_ea_v90_eh_v91.json schema-version': real('schemaVersion 9.0/9.1: the az CLI skips its validation for these, but edgeAgent and edgeHub refuse versions they do not know'),
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_malformed.json schema': expected("the az CLI's negative fixture (no runtime, empty images, restartPolicy typo)"),
  'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_malformed.json route-syntax': expected("the az CLI's negative fixture: an IoT Hub-style route that edgeHub does not parse"),
  'Azure__iotedge__e2e_deployment_files__nestededge_middleLayerBaseDeployment_amqp.json route-reference': real('the base deployment routes to relayer1, which its test adds later: until then the route delivers nowhere'),
  'Azure__iotedge__edge-modules__metrics-collector__src__ExampleDeployment.json fill-in-text': METRICS_FILL_IN,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid.json create-options-chunks': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid.json create-options-json': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid.json schema': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_createoptions.json create-options-chunks': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_createoptions.json create-options-json': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_createoptions.json schema': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_schema.json route-reference': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_schema.json schema': IOTEDGEDEV_NEGATIVE,
  'Azure__iotedgehubdev__tests__test_compose_resources__deployment_with_chunked_create_options.json schema': real('edgeHub has no restartPolicy and a module has restartPolicy "unknown": edgeAgent refuses both (a test fixture of iotedgehubdev, which does not read them)'),
  'OPCFoundation__UA-EdgeTranslator__deployment.template.json schema': real('a "_comment_…" env entry is a plain string: edgeAgent reads every env entry as {"value": …} and refuses the deployment; put the comment elsewhere'),
  'SchemaStore__schemastore__src__test__azure-iot-edge-deployment-2.0__deployment.json route-reference': real('routes name `csharp` and `cmodule` while the deployment defines CMODULE (module ids are case-sensitive): the routes never match'),

  // --- wild: 145 public manifests from other repositories (fixtures/corpus/wild/SOURCES.md)
  'wild/AshyBoy91__jetsonazure__deployment.template.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/Avanade__2DOF-PI-WebRTC-Camera__obs-cam.device.manifest.json schema': real('an empty registry address: edgeAgent\'s RegistryCredentials refuses a blank address, so the whole deployment fails to load'),
  'wild/Azure-Samples__azure-intelligent-edge-patterns__edge-ai-void-detection__deployment.iotedgevm.template.json parse': real('a trailing comma: iotedgedev reads templates with json.loads after substitution, which refuses it'),
  'wild/Azure-Samples__azure-intelligent-edge-patterns__factory-ai-vision__EdgeSolution__deployment.jetson.template.json parse': real('git merge-conflict markers committed in the template'),
  'wild/Azure-Samples__azure-intelligent-edge-patterns__footfall-analysis__footfall-camera-deployment__deployment.template.json route-reference': real('the route reads from footfall-inference-module, but the module is inferencemodule: its output never reaches IoT Hub'),
  'wild/Azure-Samples__cognitive-services-spatial-analysis__deployment.json fill-in-text': real('BILLING and APIKEY are sentences in angle brackets: the module starts with an endpoint and key that cannot work'),
  'wild/Azure-Samples__iot-edge-deployment-engine__manifests__AutomaticDeployment__automatic2.json fill-in-text': METRICS_FILL_IN,
  'wild/Azure-Samples__iot-edge-deployment-engine__src__IoTEdgeDeploymentEngineTests__manifests__AutomaticDeployment__automatic2.json fill-in-text': METRICS_FILL_IN,
  'wild/Azure-Samples__iot-edge-deployment-engine__manifests__AutomaticDeployment__automatic2.json unresolved-placeholder': ENGINE_TOKENS,
  'wild/Azure-Samples__iot-edge-deployment-engine__manifests__AutomaticDeployment__automatic3.json unresolved-placeholder': ENGINE_TOKENS,
  'wild/Azure-Samples__iot-edge-deployment-engine__src__IoTEdgeDeploymentEngineTests__manifests__AutomaticDeployment__automatic2.json unresolved-placeholder': ENGINE_TOKENS,
  'wild/Azure-Samples__iot-edge-deployment-engine__src__IoTEdgeDeploymentEngineTests__manifests__AutomaticDeployment__automatic3.json unresolved-placeholder': ENGINE_TOKENS,
  'wild/Azure-Samples__iot-edge-for-iiot__monitor__metricsCollector-nested.layered.deployment.json fill-in-text': METRICS_FILL_IN,
  'wild/Azure-Samples__iot-edge-for-iiot__monitor__metricsCollector-top.layered.deployment.json fill-in-text': METRICS_FILL_IN,
  'wild/HowardEdidin__bts-edge-fhir__deployment.template.json route-reference': real('the route reads from SQLite, which the deployment does not run: it never matches'),
  'wild/RaaLabs__TimeSeries.Edge__deployment.template.json route-source': real('FROM /messages/modules/HealthMonitor/output (singular): edgeHub matches sources by whole segments, so no output ever matches and health data never goes upstream'),
  'wild/Railwayrobotics__applesprayer__deployment.template.dev.json storage-folder-bind': real('Binds sits at the top of createOptions, where Docker ignores it: the storage folder is not mounted and messages stored offline are lost on recreate'),
  'wild/Railwayrobotics__applesprayer__deployment.template.prototype.json storage-folder-bind': real('Binds sits at the top of createOptions, where Docker ignores it: the storage folder is not mounted and messages stored offline are lost on recreate'),
  'wild/basti-hen__iotedge-custom-metrics__deployment.template.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/bryan-starbuck__WeatherBalloon__edge__nontransmitter.deployment.json parse': real('a closing brace is missing: no tool can read the file'),
  'wild/cnsegura__RedisEdgeAI__deployment.template.RPI.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/daisukeiot__PnPEdgeModule__deployment.template.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/drcrook1__iot_edge_starter__EdgeSolution__manifest.json schema': real('the registry address is the fill-in "YOUR ACR SERVER LOGIN ADDRESS": images from the real registry are pulled without credentials'),
  'wild/drcrook1__iot_edge_starter__manifest.json schema': real('the registry address is the fill-in "YOUR ACR SERVER LOGIN ADDRESS": images from the real registry are pulled without credentials'),
  'wild/emmanuel-bv__iotedge-iva-nano__config__deployment.json unresolved-placeholder': LEFT_IN_GENERATED,
  'wild/haimatrix99__pest-detection__config__deployment.json route-reference': real('routes read from stream-image (the module is stream-image-service) and StreamImageGA (not deployed): that telemetry never reaches IoT Hub'),
  'wild/haimatrix99__pest-detection__config__deployment.json unresolved-placeholder': LEFT_IN_GENERATED,
  'wild/kaka-lin__yolov3-ovms-iotedge__EdgeSolution__config__deployment.amd64.json unresolved-placeholder': LEFT_IN_GENERATED,
  'wild/lfitchett__DiagnosticsModule__config__deployment.amd64.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/lfitchett__DiagnosticsModule__deployment.template.json route-reference': DEAD_SCAFFOLD_ROUTE,
  'wild/pavsaund__Historian__config__deployment.amd64.json schema': ENV_AS_STRING,
  'wild/pavsaund__Historian__deployment.template.json schema': ENV_AS_STRING,
  'wild/scalers-ai__factorysolutions__config__deployment.gpu.amd64.json route-reference': real('routes read from mosquitto and influxdb1, but the modules are mosquittoserver and influxdb: dead routes (FROM /messages/* still carries the data)'),
  'wild/toolboc__IntelligentEdgeHOL__config__deployment.arm32v7.json unresolved-placeholder': LEFT_IN_GENERATED,
};
