import {
  createApiClient,
  createMemoryPair,
  type ApiClient,
  type ClientMessage,
  type ServerMessage,
} from '../api';
import { createBackend, type BackendOptions } from './service';

export interface InProcessBackend {
  client: ApiClient;
  shutdown(): Promise<void>;
}

/** Runs the backend in the caller's process, connected through a structured-clone memory link. */
export async function startInProcessBackend(
  options: Omit<BackendOptions, 'host' | 'appVersion'> & { appVersion?: string },
): Promise<InProcessBackend> {
  const backend = await createBackend({ appVersion: '0.0.0-test', ...options, host: 'in-process' });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  backend.server.connect(serverSide);
  const client = createApiClient(clientSide);
  return {
    client,
    async shutdown() {
      client.dispose();
      await backend.shutdown();
    },
  };
}
