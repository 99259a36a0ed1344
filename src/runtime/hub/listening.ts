// Starts a listener, turning the usual reasons it cannot listen into a line the user can act on
// (the flag that chooses the port is named, so the fix is one option away).
import { InputError } from '../../errors.js';

export async function listening<T>(flag: string, address: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`${address}:${port} is in use (another hub, or an emulator?); choose another port with ${flag}`, 'address-in-use');
    if (code === 'EACCES') throw new InputError(`no permission to listen on ${address}:${port} (ports below 1024 need root or CAP_NET_BIND_SERVICE); choose another port with ${flag}`, 'address-denied');
    if (code === 'EADDRNOTAVAIL') throw new InputError(`${address} is not an address of this machine; choose another with --address`, 'address-not-available');
    throw error;
  }
}
