// The edge device's connection string, read once at start: who the hub is upstream and where the
// cloud is. Only symmetric-key edge devices directly under an IoT hub are served; the message for
// anything else says what to give instead, never echoing the string (it holds the key).
import { InputError } from '../../errors.js';
import { parseConnectionString } from '../iothub/connection-strings.js';

export interface EdgeConnection {
  /** As written, possibly with the MQTT port (HostName=127.0.0.1:18883): SAS audiences use it so. */
  hostName: string;
  deviceId: string;
  key: string;
}

export function edgeConnection(connectionString: string): EdgeConnection {
  const fields = parseConnectionString(connectionString);
  const missing = ['HostName', 'DeviceId', 'SharedAccessKey'].filter((name) => !fields[name]);
  if (missing.length > 0) throw new InputError(`the edge device's connection string has no ${missing.join(', ')}; give HostName=…;DeviceId=…;SharedAccessKey=… (edgewise cloud device show EDGE prints it)`, 'bad-connection-string');
  if (fields.ModuleId !== undefined) throw new InputError("the connection string names a module; give the edge device's own (HostName=…;DeviceId=…;SharedAccessKey=…)", 'bad-connection-string');
  if (fields.GatewayHostName !== undefined) throw new InputError('the connection string names a GatewayHostName: an edge device behind a parent edge device (nested edge) is not supported; give the string without it', 'bad-connection-string');
  if (fields.x509 !== undefined) throw new InputError('X.509 edge devices are not supported; give a symmetric-key connection string (SharedAccessKey=…)', 'bad-connection-string');
  return { hostName: fields.HostName!, deviceId: fields.DeviceId!, key: fields.SharedAccessKey! };
}
