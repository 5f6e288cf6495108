import type { MunicipalityConfig } from '../config/municipality.ts';
import type { Manifest } from '../deliveries/manifest.ts';
import type { Engine } from '../engine/engine.ts';
import type { Draft } from '../publish/draft.ts';
import type { Store } from '../store/store.ts';
import { codeVersion, generatedAt } from '../version.ts';
import { compute } from './compute.ts';
import type { Results } from './results.ts';
import type { Kpi } from './kpiDefinition.ts';

/** Compute for one snapshot and quarter, frozen as the draft that publish or a preview takes. */
export async function computeDraft(options: {
  store: Store;
  openEngine: (store: Store) => Promise<Engine>;
  kpis: Kpi[];
  quarter: number;
  snapshot: string;
  manifest: Manifest;
  config: MunicipalityConfig;
  commentary?: string;
  /** Every results document already public, for disclosure over time. */
  published?: readonly Results[];
}): Promise<Draft> {
  const engine = await options.openEngine(options.store);
  try {
    await engine.useSnapshot(options.snapshot);
    const results = await compute(engine, {
      quarter: options.quarter,
      kpis: options.kpis,
      config: options.config,
      snapshot: options.snapshot,
      generatedAt: generatedAt(options.manifest.extracted_at),
      codeVersion: codeVersion(),
      published: options.published,
    });
    const used = new Set(results.kpis.map((k) => k.id));
    return {
      results,
      config: options.config,
      definitions: options.kpis.map((k) => k.definition).filter((d) => used.has(d.id)),
      ...(options.commentary !== undefined && { commentary: options.commentary }),
      delivery: { id: options.manifest.delivery_id, extracted_at: options.manifest.extracted_at, data_until: options.manifest.data_until },
    };
  } finally {
    await engine.close();
  }
}
