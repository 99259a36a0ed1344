// The settings keys that hold createOptions chunks: createOptions, createOptions01 … createOptions99,
// matched case-insensitively as edgeAgent does (FACTS §1, iotedge edge-util JsonEx.cs).
const CHUNK_KEY = /^createoptions(\d\d)?$/i;

export function isCreateOptionsKey(key: string): boolean {
  return CHUNK_KEY.test(key);
}
