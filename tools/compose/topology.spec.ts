/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- a compose file is untyped YAML: the tests assert its shape. */
import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../apps/api/src/config/app-config';

/**
 * docker-compose.yml, deploy/proxy/nginx.conf, .env.example and the Dockerfile, checked with what
 * runs here (no Docker engine): the compose file against the Compose Specification's JSON schema
 * (tools/compose/compose-spec.json, vendored: see tools/compose/README.md), then what the topology
 * promises. The Dockerfile's image is run as an unprivileged user by
 * apps/api/test/unprivileged-start.e2e-spec.ts.
 */
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Service = Record<string, any>;
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: object };
const services = compose.services;
const names = Object.keys(services);
/** The service's own image, built from the Dockerfile: the API replicas and the projector. */
const ours = names.filter((name) => services[name].build !== undefined);
const envExample = parseEnvFile(read('.env.example'));

function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

/** ${NAME}, ${NAME:-default}, ${NAME:?message}, as Compose interpolates them. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g,
    (_, name: string, kind, rest: string) => {
      const set = env[name];
      if (set !== undefined && set !== '') return set;
      if (kind === '-') return rest;
      throw new Error(`${name} is not set: ${rest}`);
    },
  );
}

function validateWithSchema(document: unknown) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema names draft 07 by its https address; Ajv knows it by the http one.
  const { $id: _, ...draft07 } = ajv.getSchema('http://json-schema.org/draft-07/schema')!.schema as object & {
    $id: string;
  };
  ajv.addMetaSchema(draft07, 'https://json-schema.org/draft-07/schema');
  const validate = ajv.compile(JSON.parse(read('tools/compose/compose-spec.json')));
  const valid = validate(document);
  return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(validateWithSchema(compose)).toEqual({ valid: true, errors: [] });
  });

  it('is refused by the schema when it is not (the check bites)', () => {
    const broken = structuredClone(compose);
    broken.services.api.depends_on.postgres.condition = 'service_ready';
    broken.services.postgres.ports[0].hostIp = '127.0.0.1';
    const result = validateWithSchema(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/depends_on/);
    expect(result.errors.join('\n')).toMatch(/ports\/0 must NOT have additional properties/);
  });

  it('publishes ports on 127.0.0.1 only, in the long syntax that says so', () => {
    const published = names.flatMap((name) =>
      (services[name].ports ?? []).map((port: unknown) => ({ name, port })),
    );
    expect(published.map((p) => p.name).sort()).toEqual(['eventstoredb', 'postgres', 'proxy']);
    for (const { name, port } of published)
      expect([name, port]).toEqual([name, expect.objectContaining({ host_ip: '127.0.0.1' })]);
  });

  it('writes no password, secret or key: each comes from .env', () => {
    const problems: string[] = [];
    for (const name of names) {
      for (const [key, raw] of Object.entries(services[name].environment ?? {})) {
        const value = String(raw);
        if (/PASSWORD|SECRET|_KEY$|TOKEN/.test(key) && !/^\$\{[A-Z_]+(:\?[^}]*)?\}$/.test(value))
          problems.push(`${name}.${key} = ${value}`);
        const credentials = /:\/\/([^:@/]+):([^@]+)@/.exec(value);
        if (credentials && !/^\$\{[A-Z_]+\}$/.test(credentials[2]))
          problems.push(`${name}.${key} = ${value}`);
      }
    }
    expect(problems).toEqual([]);
    // The secrets have no value in the example: compose refuses to start until they are filled in.
    expect([envExample.POSTGRES_PASSWORD, envExample.KB_BOOTSTRAP_API_KEY]).toEqual(['', '']);
    expect(() => interpolate(services.api.environment.KB_BOOTSTRAP_API_KEY, envExample)).toThrow(
      /KB_BOOTSTRAP_API_KEY is not set: Set KB_BOOTSTRAP_API_KEY in .env/,
    );
  });

  it('reads every variable it uses from .env.example, which .gitignore and .dockerignore keep out', () => {
    const used = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map(([, name]) => name);
    expect([...new Set(used)].filter((name) => !(name in envExample))).toEqual([]);
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['.env', '.env.*']));
  });

  it('gives the service a configuration it accepts, for the single node and for the cluster', () => {
    const filled = { ...envExample, POSTGRES_PASSWORD: 'a1b2c3d4e5f6', KB_BOOTSTRAP_API_KEY: 'x'.repeat(32) };
    const cluster = /cluster: (esdb:\/\/\S+)/.exec(read('.env.example'))![1];
    for (const env of [filled, { ...filled, COMPOSE_PROFILES: 'cluster', EVENTSTORE_URL: cluster }])
      for (const name of ours) {
        const environment = Object.fromEntries(
          Object.entries(services[name].environment).map(([key, value]) => [
            key,
            interpolate(String(value), env),
          ]),
        );
        const config = loadConfig(environment);
        expect([name, config.eventStore.kind, config.readModels.kind]).toEqual([
          name,
          'eventstoredb',
          'postgres',
        ]);
      }
    // The cluster's connection string names the three nodes of the profile.
    expect(cluster).toBe('esdb://esdb-node1:2113,esdb-node2:2113,esdb-node3:2113?tls=false');
  });

  it('runs two API replicas (KB_ROLES=api) and one projector that also delivers webhooks', () => {
    expect(ours.sort()).toEqual(['api', 'projector']);
    expect(services.api.deploy.replicas).toBe(2);
    expect(services.api.environment.KB_ROLES).toBe('api');
    expect(services.api.command).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(services.projector.deploy?.replicas ?? 1).toBe(1);
    expect(services.projector.environment.KB_ROLES).toBe('projector,webhooks');
    expect(services.projector.command).toEqual(['node', 'dist/apps/projector/src/main.js']);
    expect(services.projector.image).toBe(services.api.image);
  });

  it("starts each process from a source `npm run build` compiles (the projector's entry included)", () => {
    const missing = ours
      .map((name) => services[name].command[1] as string)
      .map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))
      .filter((source) => !existsSync(join(ROOT, source)));
    expect(missing).toEqual([]);
  });

  it('has a health check for every service, and starts each after what it needs is healthy', () => {
    const dockerfileHealthcheck = /^HEALTHCHECK /m.test(read('Dockerfile'));
    for (const name of names)
      expect([
        name,
        services[name].healthcheck?.test !== undefined || (ours.includes(name) && dockerfileHealthcheck),
      ]).toEqual([name, true]);
    for (const name of names)
      for (const [dependency, how] of Object.entries<any>(services[name].depends_on ?? {})) {
        expect(names).toContain(dependency);
        expect([name, dependency, how.condition]).toEqual([name, dependency, 'service_healthy']);
      }
    const needs = (name: string) => Object.keys(services[name].depends_on ?? {}).sort();
    const eventStores = ['esdb-node1', 'esdb-node2', 'esdb-node3', 'eventstoredb'];
    expect(needs('api')).toEqual([...eventStores, 'postgres'].sort());
    expect(needs('projector')).toEqual([...eventStores, 'postgres'].sort());
    expect(needs('proxy')).toEqual(['api']);
    // Only one EventStoreDB profile runs at a time: the other's services may be absent.
    for (const name of ['api', 'projector'])
      for (const store of eventStores)
        expect([name, store, services[name].depends_on[store].required]).toEqual([name, store, false]);
  });

  it('runs EventStoreDB as one node by default and as three under the profile `cluster`', () => {
    const byProfile = (profile: string) => names.filter((name) => services[name].profiles?.includes(profile));
    expect(byProfile('single')).toEqual(['eventstoredb']);
    expect(services.eventstoredb.environment.EVENTSTORE_CLUSTER_SIZE).toBe(1);
    expect(envExample.COMPOSE_PROFILES).toBe('single');
    expect(envExample.EVENTSTORE_URL).toBe('esdb://eventstoredb:2113?tls=false');

    const nodes = byProfile('cluster');
    expect(nodes).toEqual(['esdb-node1', 'esdb-node2', 'esdb-node3']);
    for (const node of nodes) {
      const env = services[node].environment;
      expect([node, env.EVENTSTORE_CLUSTER_SIZE]).toEqual([node, 3]);
      // Each gossips with the two others, and advertises its own name.
      expect([node, env.EVENTSTORE_GOSSIP_SEED.split(',').sort()]).toEqual([
        node,
        nodes.filter((other) => other !== node).map((other) => `${other}:2113`),
      ]);
      expect([
        node,
        env.EVENTSTORE_NODE_HOST_ADVERTISE_AS,
        env.EVENTSTORE_REPLICATION_HOST_ADVERTISE_AS,
      ]).toEqual([node, node, node]);
      // Its own volume: nodes never share files.
      expect(services[node].volumes).toEqual([`${node}-data:/var/lib/eventstore`]);
    }
    // Everything else runs under every profile.
    expect(names.filter((name) => services[name].profiles === undefined).sort()).toEqual([
      'api',
      'postgres',
      'projector',
      'proxy',
    ]);
  });
});

describe('deploy/proxy/nginx.conf', () => {
  const conf = read('deploy/proxy/nginx.conf').replace(/#.*$/gm, '');

  it('is the file the proxy service mounts', () => {
    expect(services.proxy.volumes).toEqual(['./deploy/proxy/nginx.conf:/etc/nginx/nginx.conf:ro']);
  });

  it('sends requests to the API service on its port, and to nothing else', () => {
    const upstreams = [...conf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map(([, host, port]) => ({
      host,
      port,
    }));
    expect(upstreams).toEqual([{ host: 'api', port: String(services.api.environment.PORT) }]);
    expect([...conf.matchAll(/proxy_pass\s+http:\/\/([\w-]+)/g)].map(([, name]) => name)).toEqual(['kb_api']);
    expect(conf).toMatch(/upstream kb_api \{/);
  });

  it('passes WebSocket upgrades (GraphQL subscriptions) and keeps them open', () => {
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
    expect(conf).toMatch(/proxy_read_timeout 1h;/);
  });
});

describe('Dockerfile', () => {
  /** The instructions of the last stage (what runs), continuation lines joined. */
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+ /.test(line))
    .map((line) => line.replace(/\s+/g, ' ').trim());
  const runtime = instructions.slice(instructions.map((line) => line.startsWith('FROM ')).lastIndexOf(true));
  const index = (pattern: RegExp) => runtime.findIndex((line) => pattern.test(line));

  it('runs as a user that is not root', () => {
    const user = runtime.filter((line) => line.startsWith('USER ')).map((line) => line.slice(5).trim());
    expect(user).toEqual(['node']);
  });

  it('creates DATA_DIR owned by that user, before switching to it', () => {
    expect(runtime).toContain('ENV NODE_ENV=production PORT=3000 DATA_DIR=/data');
    const made = index(/^RUN .*mkdir -p \/data .*chown node:node \/data/);
    expect(made).toBeGreaterThan(-1);
    expect(made).toBeLessThan(index(/^USER /));
    expect(runtime[made]).toMatch(/chmod 0700 \/data/);
  });

  it('checks health on /health/ready with Node (the slim image has no curl)', () => {
    const healthcheck = runtime.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/health\/ready.*"\]$/);
    expect(index(/^HEALTHCHECK /)).toBeGreaterThan(index(/^USER /));
  });

  it('starts the API entry, whose source exists', () => {
    const cmd = JSON.parse(runtime.find((line) => line.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(existsSync(join(ROOT, 'apps/api/src/main.ts'))).toBe(true);
  });
});
