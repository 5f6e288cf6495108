import { LineCounter, parseDocument } from 'yaml';
import type { KpiDefinition } from '../compute/kpiDefinition.ts';
import { closestId } from '../config/catalogue.ts';
import { municipalityConfigSchema } from '../config/municipality.ts';
import type { Problem } from '../contract/problems.ts';

/**
 * One municipality config (dashboards/municipalities/*.yaml): the schema of
 * functions/config/municipality.ts, plus what the schema cannot know — that every goal names a
 * KPI in the catalogue, and that a goal for a share is a fraction. Lines point into the YAML.
 */
export function checkConfig(file: string, text: string, ids: Set<string>, definitions: Map<string, KpiDefinition>): Problem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    return doc.errors.map((error) => ({
      file,
      line: error.linePos?.[0].line ?? 0,
      columnNumber: error.linePos?.[0].col,
      rule: 'config_yaml',
      message: `er ikke gyldig YAML: ${error.message.split('\n')[0]}`,
      hint: 'Ret syntaksen (indrykning, kolon efter feltnavne, anførselstegn om tekster med kolon).',
    }));
  }

  const position = (path: (string | number)[]): { line: number; columnNumber?: number } => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, columnNumber: col };
      }
    }
    return { line: 0 };
  };

  const parsed = municipalityConfigSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      return {
        file,
        ...position(path),
        column: path.join('.') || undefined,
        rule: 'config_schema',
        message: `${path.join('.') || '(hele filen)'}: ${issue.message}`,
        hint: 'Felterne er beskrevet i functions/config/municipality.ts og docs/add-a-kpi.md.',
      };
    });
  }

  const problems: Problem[] = [];
  parsed.data.goals.forEach((goal, i) => {
    if (!ids.has(goal.kpi)) {
      const closest = closestId(goal.kpi, ids);
      problems.push({
        file,
        ...position(['goals', i, 'kpi']),
        column: `goals.${i}.kpi`,
        rule: 'goal_kpi',
        message: `målet peger på KPI’en ${goal.kpi}, som ikke findes i dashboards/kpis`,
        hint: `${closest ? `Mente du ${closest}? ` : ''}Ret id’et til en KPI i kataloget (${[...ids].sort().join(', ')}), eller opret den med pejlemaerke new-kpi ${goal.kpi}.`,
      });
      return;
    }
    if (definitions.get(goal.kpi)?.unit === 'share' && goal.target > 1) {
      problems.push({
        file,
        ...position(['goals', i, 'target']),
        column: `goals.${i}.target`,
        rule: 'goal_target',
        message: `målet for ${goal.kpi} er ${goal.target}, men KPI’en er en andel, som skrives som brøk mellem 0 og 1`,
        hint: `Skriv fx 0.45 for 45 %.`,
      });
    }
  });
  return problems;
}
