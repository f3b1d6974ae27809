/** `npm start`: infergate with its settings from the environment. */
import { loadConfig } from './config';
import { startServer } from './server';

async function main(): Promise<void> {
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
