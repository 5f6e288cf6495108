import { describe, expect, it } from 'vitest';
import { danishUsageError, failureText } from '../../functions/cli/main.ts';
import { KpiQueryError } from '../../functions/compute/compute.ts';
import { ConfigError } from '../../functions/config/municipality.ts';

describe('what the CLI says when it stops', () => {
  it("puts commander's usage errors into Danish, the typed text escaped", () => {
    expect(danishUsageError("error: required option '--input <dir>' not specified\n")).toBe(
      'Fejl: tilvalget --input <dir> skal angives. Se pejlemaerke --help.',
    );
    expect(danishUsageError("error: option '--quarter <kvartal>' argument '2017Q5' is invalid. skriv kvartalet som 2017Q4 eller 2017K4")).toBe(
      'Fejl: »2017Q5« er ikke en gyldig værdi for --quarter <kvartal>: skriv kvartalet som 2017Q4 eller 2017K4. Se pejlemaerke --help.',
    );
    expect(danishUsageError("error: unknown command 'runn'\n(Did you mean run?)")).toBe('Fejl: ukendt kommando runn (mente du run?). Se pejlemaerke --help.');
    expect(danishUsageError("error: unknown option '--x\x1b[2J'")).toBe('Fejl: ukendt tilvalg --x\\x1b[2J. Se pejlemaerke --help.');
  });

  it('prints a usage error as its Danish message and anything else as one Danish line; --debug adds the stack, CPR-like numbers masked', () => {
    expect(failureText(new ConfigError('Konfigurationen k.yaml findes ikke.\nAngiv den med --config.'), false)).toBe(
      'Konfigurationen k.yaml findes ikke.\nAngiv den med --config.',
    );
    const engine = new Error('Invalid Input Error: line 2: "0101901234,M" \x1b[2J', { cause: new TypeError('inner') });
    expect(failureText(engine, false)).toBe('Fejl: Pejlemærke stoppede uventet (Error). Intet er udgivet. Kør igen med --debug for at se detaljerne.');
    const debug = failureText(engine, true);
    expect(debug).toMatch(
      /^Fejl: Pejlemærke stoppede uventet \(Error\)\. Intet er udgivet\. Detaljer:\nError: Invalid Input Error: line 2: "##########,M" \\x1b\[2J\n\s+at /,
    );
    expect(debug).toMatch(/\nTypeError: inner\n/);
    expect(debug).not.toContain('0101901234');
  });

  it("names the KPI whose query failed, without the engine's text", () => {
    const failed = new KpiQueryError('andel_i_job', 'duckdb', new Error('Binder Error: column "x" not found'));
    expect(failed.message).toBe('KPI andel_i_job: forespørgslen andel_i_job.sql fejlede på duckdb: Binder Error: column "x" not found');
    expect(failureText(failed, false)).toBe(
      'Fejl: KPI’en andel_i_job kunne ikke beregnes: forespørgslen andel_i_job.sql fejlede på duckdb. Kør pejlemaerke check for at finde fejlen. Intet er udgivet. Kør igen med --debug for at se detaljerne.',
    );
  });
});
