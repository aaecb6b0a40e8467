import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ids } from '../../../../libs/domain/src/index.js';
import { OutputsModule } from './outputs.module.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A real Nest HTTP server on 127.0.0.1 with only the outputs module, serving `outputsRoot`. */
async function serve(outputsRoot: string): Promise<{ app: INestApplication; base: string }> {
  @Module({ imports: [OutputsModule.forRoot(outputsRoot)] })
  class OutputsTestModule {}
  const app = await NestFactory.create(OutputsTestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

/**
 * fetch normalises `..`, `%2e%2e` and `\` out of URLs before sending (WHATWG URL parsing), so
 * hostile paths go out byte for byte through node:http, as a hand-made client would send them.
 */
function rawGet(base: string, rawPath: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}/`, { path: rawPath, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('GET /outputs/*path', () => {
  let dir: string;
  let root: string;
  let app: INestApplication;
  let base: string;
  const runId = ids.run();
  const run = `run_${runId}`;
  const video = randomBytes(4096 + 17);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-outputs-'));
    root = join(dir, 'outputs');
    mkdirSync(join(root, run, 'logs'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.txt'), 'outside the outputs root');
    writeFileSync(join(root, run, 'output.mp4'), video);
    writeFileSync(join(root, run, 'manifest.json'), '{"files":[]}');
    writeFileSync(join(root, run, 'logs', 'execution.log'), 'started\n');
    writeFileSync(join(root, run, 'notes.txt'), 'hello');
    writeFileSync(join(root, run, 'output.thumb.jpg'), randomBytes(64));
    writeFileSync(join(root, run, 'page.html'), '<script>alert(1)</script>');
    writeFileSync(join(root, run, '.env'), 'SECRET=1');
    mkdirSync(join(root, run, '.cache'));
    writeFileSync(join(root, run, '.cache', 'state.json'), '{}');
    symlinkSync(join(dir, 'outside', 'secret.txt'), join(root, run, 'escape.txt'));
    symlinkSync(join(dir, 'outside'), join(root, run, 'escape-dir'));
    symlinkSync('output.mp4', join(root, run, 'latest.mp4'));
    symlinkSync('.env', join(root, run, 'env.txt'));
    ({ app, base } = await serve(root));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function expectNotFound(response: Response | RawResponse): Promise<void> {
    expect(response.status).toBe(404);
    const body = response instanceof Response ? await response.text() : response.body.toString();
    expect(JSON.parse(body)).toEqual({ error: 'not found' });
    expect(body).not.toContain(dir);
  }

  describe('serving files', () => {
    it('serves a whole video with its length and type', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('video/mp4');
      expect(response.headers.get('content-length')).toBe(String(video.length));
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
    });

    it('answers a byte range with 206 and exactly those bytes', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`, { headers: { Range: 'bytes=0-99' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes 0-99/${video.length}`);
      expect(response.headers.get('content-length')).toBe('100');
      expect(Buffer.from(await response.arrayBuffer()).equals(video.subarray(0, 100))).toBe(true);
    });

    it('answers a suffix range with the last bytes', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`, { headers: { Range: 'bytes=-10' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${video.length - 10}-${video.length - 1}/${video.length}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(video.subarray(-10))).toBe(true);
    });

    it('answers a suffix range longer than the file with the whole file (RFC 9110)', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`, { headers: { Range: `bytes=-${video.length + 1000}` } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes 0-${video.length - 1}/${video.length}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
    });

    it('answers an unsatisfiable range with 416 and the real length', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`, { headers: { Range: `bytes=${video.length}-` } });
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe(`bytes */${video.length}`);
      expect(response.headers.get('content-type')).toBeNull();
      expect(await response.text()).toBe('');
    });

    it('answers HEAD with the headers only', async () => {
      const response = await fetch(`${base}/outputs/${run}/output.mp4`, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(video.length));
      expect(await response.text()).toBe('');
    });

    it.each([
      ['manifest.json', 'application/json; charset=utf-8'],
      ['logs/execution.log', 'text/plain; charset=utf-8'],
      ['notes.txt', 'text/plain; charset=utf-8'],
      ['output.thumb.jpg', 'image/jpeg'],
      ['page.html', 'application/octet-stream'],
    ])('labels %s as %s, never sniffed', async (file, type) => {
      const response = await fetch(`${base}/outputs/${run}/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('follows a symlink that stays inside the outputs root', async () => {
      const response = await fetch(`${base}/outputs/${run}/latest.mp4`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('video/mp4');
      expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
    });

    it('serves a root that sits under a dot folder such as ~/.local', async () => {
      const hidden = join(dir, '.local', 'outputs');
      mkdirSync(join(hidden, run), { recursive: true });
      writeFileSync(join(hidden, run, 'notes.txt'), 'under a dot folder');
      const other = await serve(hidden);
      try {
        const response = await fetch(`${other.base}/outputs/${run}/notes.txt`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('under a dot folder');
      } finally {
        await other.app.close();
      }
    });
  });

  describe('refusing without saying why', () => {
    it.each([
      ['a missing file', () => `/outputs/${run}/missing.mp4`],
      ['a missing run', () => `/outputs/run_${ids.run()}/output.mp4`],
      ['a folder', () => `/outputs/${run}`],
      ['the root itself', () => '/outputs/'],
      ['a dotfile', () => `/outputs/${run}/.env`],
      ['a file in a dot folder', () => `/outputs/${run}/.cache/state.json`],
      ['a symlink to a dotfile', () => `/outputs/${run}/env.txt`],
      ['a symlink to a file outside the root', () => `/outputs/${run}/escape.txt`],
      ['a path through a symlinked folder outside the root', () => `/outputs/${run}/escape-dir/secret.txt`],
    ])('%s', async (_, url) => {
      await expectNotFound(await fetch(`${base}${url()}`));
    });

    it.each([
      ['../', '/outputs/../outside/secret.txt'],
      ['../ below a run folder', () => `/outputs/${run}/../../outside/secret.txt`],
      ['percent-encoded ../ segments', '/outputs/%2e%2e/outside/secret.txt'],
      ['a percent-encoded ../ inside one segment', '/outputs/%2e%2e%2foutside%2fsecret.txt'],
      ['upper-case encoding', '/outputs/%2E%2E%2Foutside%2Fsecret.txt'],
      ['an encoded absolute path', () => `/outputs/${encodeURIComponent(join(dir, 'outside', 'secret.txt'))}`],
      ['an absolute path after an empty segment', () => `/outputs/${join(dir, 'outside', 'secret.txt')}`],
      ['an encoded slash inside a segment', () => `/outputs/${run}%2Foutput.mp4`],
      ['backslashes', '/outputs/..%5Coutside%5Csecret.txt'],
      ['a NUL byte', () => `/outputs/${run}/output.mp4%00.txt`],
      ['a . segment', () => `/outputs/./${run}/output.mp4`],
    ])('%s', async (_, rawPath) => {
      await expectNotFound(await rawGet(base, typeof rawPath === 'function' ? rawPath() : rawPath));
    });

    it('leaves undecodable percent-encoding to the router, which answers 400 before reaching us', async () => {
      const response = await rawGet(base, '/outputs/%E0%A4%A');
      expect(response.status).toBe(400);
      expect(response.body.toString()).not.toContain(dir);
    });

    it('answers every file under a missing root with 404', async () => {
      const other = await serve(join(dir, 'not-created-yet'));
      try {
        await expectNotFound(await fetch(`${other.base}/outputs/${run}/output.mp4`));
      } finally {
        await other.app.close();
      }
    });
  });
});
