import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkMunicipalityConfig, loadDeploymentConfig, parseDeploymentConfig } from '../../infra/config.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const minimal = { municipality: 'allerod', municipalityConfig: 'dashboards/municipalities/allerod-demo.yaml', alarmEmail: 'data@allerod.dk' };

describe('deployment config', () => {
  it('loads the shipped demo config', () => {
    const config = loadDeploymentConfig('infra/config/demo.yaml', projectRoot);
    expect(config.municipality).toBe('allerod-demo');
    expect(config.schedule).toEqual({ cron: 'cron(0 6 15 1,4,7,10 ? *)', timezone: 'Europe/Copenhagen', enabled: true });
    expect(checkMunicipalityConfig(config.municipalityConfig, projectRoot).municipality).toBe('Allerød Kommune');
  });

  it('fills in the safe defaults', () => {
    const config = parseDeploymentConfig(minimal, 'test');
    expect(config.removalPolicy).toBe('retain');
    expect(config.bytesScannedCutoffPerQuery).toBe(1024 ** 3);
    expect(config.retention).toMatchObject({ incomingDays: 90, quarantineDays: 730, athenaResultsDays: 7 });
    expect(config.delivery).toEqual({ runOnUpload: true });
    // Nothing reaches the committee unattended unless the municipality chooses so.
    expect(config.approval).toBe('required');
    expect(config.reports.previewAllowedCidrs).toBeUndefined();
  });

  it('names every problem with its path', () => {
    const bad = { ...minimal, alarmEmail: 'ikke en adresse', bytesScannedCutoffPerQuery: 1_000_000, reports: { allowedCidrs: ['10.0.0.0/40'] } };
    expect(() => parseDeploymentConfig(bad, 'kommune.yaml')).toThrow(
      /kommune\.yaml er ugyldig:\n {2}alarmEmail: .*\n {2}bytesScannedCutoffPerQuery: .*\n {2}reports\.allowedCidrs\.0: IPv4-CIDR/,
    );
  });

  it('says what is wrong in Danish, also where zod’s own message is used', () => {
    let message = '';
    try {
      parseDeploymentConfig({ ...minimal, removalPolicy: 'slet' }, 'k.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Udrulningskonfigurationen k\.yaml er ugyldig:\n {2}removalPolicy: /);
    expect(message).not.toMatch(/Invalid|expected/i);
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(() => parseDeploymentConfig({ ...minimal, retension: {} }, 'test')).toThrow(/retension/);
  });

  it('leaves the Jobindsats pull off by default, with a monthly schedule ready', () => {
    expect(parseDeploymentConfig(minimal, 'test').benchmarks).toEqual({ enabled: false, cron: 'cron(0 6 5 * ? *)' });
    expect(parseDeploymentConfig({ ...minimal, benchmarks: { enabled: true } }, 'test').benchmarks).toEqual({ enabled: true, cron: 'cron(0 6 5 * ? *)' });
  });

  it('names a wrong benchmarks field in Danish', () => {
    expect(() => parseDeploymentConfig({ ...minimal, benchmarks: { enabled: 'ja' } }, 'k.yaml')).toThrow(/benchmarks\.enabled: true eller false/);
    expect(() => parseDeploymentConfig({ ...minimal, benchmarks: { cron: '0 6 5 * *' } }, 'k.yaml')).toThrow(
      /benchmarks\.cron: EventBridge Scheduler-cron, fx cron\(0 6 5 \* \? \*\)/,
    );
    expect(() => parseDeploymentConfig({ ...minimal, benchmarks: { enabeld: true } }, 'k.yaml')).toThrow(
      /benchmarks: ukendt felt enabeld; benchmarks kender enabled og cron/,
    );
  });

  it('overrides from the environment win over the file', () => {
    expect(loadDeploymentConfig('infra/config/demo.yaml', projectRoot, { commit: 'abc1234' }).commit).toBe('abc1234');
  });
});
