import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** GETs `url` (TLS not verified: it probes our own loopback components); resolves status and body. */
export function probe(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.once('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}
