import { describe, expect, it } from 'vitest';
import { simulateThroughput } from './throughput.js';

describe('throughput', () => {
  it('sends 2,000 segments at 10 requests/s with 50 per request in about 4 s', async () => {
    const report = await simulateThroughput({ latencyMs: 100, requestsPerSecond: 10, textsPerRequest: 50, segments: 2000 });
    console.info(`throughput: ${JSON.stringify(report)}`);
    expect(report.requests).toBe(40);
    expect(report.translated).toBe(2000);
    expect(report.wallSeconds).toBeGreaterThan(3.6);
    expect(report.wallSeconds).toBeLessThan(4.4);
    expect(report.sequentialSeconds).toBe(4);
    expect(report.unbatchedSeconds).toBe(200);
  });
});
