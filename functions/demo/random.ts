import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * A seeded random source for the demo data. Each part of the demo (people, companies,
 * benchmarks) draws from its own stream, so changing one part leaves the others' bytes alone.
 */
export class Random {
  private readonly rng: RandomGenerator;

  constructor(seed: number, stream: number) {
    this.rng = xoroshiro128plus((Math.imul(seed, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) | 0);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.rng.next() >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Weeks until an event with the given mean (geometric, at least 1): memoryless spells. */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    return 1 + Math.floor(Math.log(1 - this.float()) / Math.log(1 - 1 / mean));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.float())) * Math.cos(2 * Math.PI * this.float());
  }

  /** An integer count with expectation `expected`: floor or ceil, in proportion. */
  round(expected: number): number {
    const whole = Math.floor(expected);
    return whole + (this.chance(expected - whole) ? 1 : 0);
  }

  /** One of the options, with probability proportional to its weight. */
  pick<T>(options: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of options) total += weight;
    let u = this.float() * total;
    for (const [value, weight] of options) {
      u -= weight;
      if (u < 0) return value;
    }
    return options[options.length - 1]![0];
  }
}
