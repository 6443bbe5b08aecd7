import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FerryServer } from '../../../signaling/index.ts';
import { startServer } from './helpers.ts';

/** A raw GET, so paths like "/../x" reach the server unnormalized (fetch would clean them up). */
function get(server: FerryServer, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static web app and health', () => {
  let parent: string;
  let dist: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'ferry-static-'));
    dist = join(parent, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Ferry</title>');
    await writeFile(join(dist, 'assets', 'app-1234.js'), 'export {};');
    await writeFile(join(dist, 'assets', 'app.css'), 'body{}');
    await writeFile(join(parent, 'secret.txt'), 'outside the root');
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('serves files with their content types', async () => {
    const server = await startServer({ staticDir: dist });
    expect(await get(server, '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get(server, '/assets/app-1234.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: 'export {};',
    });
    expect((await get(server, '/assets/app.css')).type).toBe('text/css; charset=utf-8');
  });

  it('falls back to index.html for app routes, but not for missing assets', async () => {
    const server = await startServer({ staticDir: dist });
    const route = await get(server, '/s/AAAAAAAAAAAAAAAAAAAAAA?x=1');
    expect(route).toMatchObject({ status: 200, body: '<!doctype html><title>Ferry</title>' });
    expect((await get(server, '/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/a%00.js',
    '/%E0%A4%A',
  ])('never serves outside the root: %s', async (path) => {
    const server = await startServer({ staticDir: dist });
    const response = await get(server, path);
    expect(response.body).not.toContain('outside the root');
    expect([400, 404]).toContain(response.status);
  });

  it('answers /healthz with the number of live sessions', async () => {
    const server = await startServer();
    const response = await get(server, '/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true, sessions: 0 });
  });

  it('serves nothing else without a static directory, and refuses other methods', async () => {
    const server = await startServer();
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/signal')).status).toBe(426);
    const post = await fetch(`${server.url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
