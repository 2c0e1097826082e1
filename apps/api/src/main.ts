import './production-by-default';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './create-app';
import { installGracefulShutdown } from './shutdown/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  installGracefulShutdown(app, config.shutdown);
  await app.listen(config.port);
  new Logger('Bootstrap').log(
    `Listening on http://localhost:${config.port} (GraphQL at /graphql, health at /health)`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    process.stderr.write(
      `Port ${process.env.PORT ?? 3000} is already in use. Stop the other process or set PORT to a free port.\n`,
    );
  } else {
    process.stderr.write(
      `The service failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
