import { describe, expect, it } from 'vitest';
import { MOTO_MISSING, startMoto } from './moto.ts';

describe('a machine without moto_server', () => {
  it('fails the S3 tests with how to install it, instead of skipping them', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startMoto({ attempts: 3 })).rejects.toThrow(MOTO_MISSING);
    } finally {
      process.env.PATH = path;
    }
  });
});
