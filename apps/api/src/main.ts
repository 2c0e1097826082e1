import './production-by-default';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './create-app';
import { installGracefulShutdown } from './shutdown/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  installGracefulShutdown(app, config.shutdown, config.roles.has('api'));
  await app.listen(config.port);
  const roles = [...config.roles].join(',');
  const logger = new Logger('Bootstrap');
  logger.log(
    config.roles.has('api')
      ? `Listening on http://localhost:${config.port} (dashboard at /, GraphQL at /graphql, health at /health; roles ${roles})`
      : `Listening on http://localhost:${config.port} (health at /health only; roles ${roles})`,
  );
  if (!config.roles.has('projector'))
    logger.warn(
      'This process applies no projections (KB_ROLES has no projector): queries show what a projector process on the same database has applied, so run one (npm run start:projector).',
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
