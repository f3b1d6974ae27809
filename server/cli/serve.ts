/** `infergate serve` (and `npm start`): infergate with its settings from the environment, until SIGTERM/SIGINT. */
import { loadConfig } from '../config';
import { startServer } from '../server';

export async function serve(): Promise<void> {
  const running = await startServer(loadConfig());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
