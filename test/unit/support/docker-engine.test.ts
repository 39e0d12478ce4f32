import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerEndpoints, dockerEngineAnswers } from '../../support/docker-engine.ts';

describe('dockerEndpoints', () => {
  it('DOCKER_HOST=unix://… → that socket', () => {
    expect(dockerEndpoints({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual([{ socketPath: '/run/user/1000/docker.sock' }]);
  });

  it('DOCKER_HOST=tcp://… → that host and port', () => {
    expect(dockerEndpoints({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual([{ host: '10.0.0.5', port: 2376 }]);
  });
});

describe('dockerEngineAnswers', () => {
  it('a socket that nobody serves → false, quickly', async () => {
    const socket = path.join(mkdtempSync(path.join(os.tmpdir(), 'nodocker-')), 'docker.sock');
    const started = Date.now();
    expect(await dockerEngineAnswers({ DOCKER_HOST: `unix://${socket}` })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a socket whose server answers /_ping with 200 → true', async () => {
    const socket = path.join(mkdtempSync(path.join(os.tmpdir(), 'fakedocker-')), 'docker.sock');
    const server = http.createServer((req, res) => res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK'));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await dockerEngineAnswers({ DOCKER_HOST: `unix://${socket}` })).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a server that never answers → false within the timeout', async () => {
    const socket = path.join(mkdtempSync(path.join(os.tmpdir(), 'hangdocker-')), 'docker.sock');
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      expect(await dockerEngineAnswers({ DOCKER_HOST: `unix://${socket}` }, 300)).toBe(false);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
