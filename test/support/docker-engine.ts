// Is a Docker engine answering? Asked before testcontainers is touched, because a client
// without an engine (as on these build machines) can otherwise leave a test run waiting.
import http from 'node:http';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/** Where an engine could be: DOCKER_HOST, else the usual sockets of Linux, rootless and Desktop. */
export function dockerEndpoints(env: NodeJS.ProcessEnv = process.env): DockerEndpoint[] {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return [{ socketPath: host.slice('unix://'.length) }];
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return [{ host: url.hostname, port: Number(url.port || 2375) }];
  }
  const sockets = ['/var/run/docker.sock', path.join(os.homedir(), '.docker', 'run', 'docker.sock')];
  if (env.XDG_RUNTIME_DIR) sockets.push(path.join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  return sockets.filter((socketPath) => existsSync(socketPath)).map((socketPath) => ({ socketPath }));
}

function ping(endpoint: DockerEndpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ ...endpoint, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

/** True when some engine answers `/_ping` within `timeoutMs`. */
export async function dockerEngineAnswers(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2000): Promise<boolean> {
  const answers = await Promise.all(dockerEndpoints(env).map((endpoint) => ping(endpoint, timeoutMs)));
  return answers.includes(true);
}
