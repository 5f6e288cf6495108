import { TrinoSQL, TrinoSqlListener, type ParseError } from 'dt-sql-parser';
import { TrinoSqlLexer } from 'dt-sql-parser/dist/lib/trino/TrinoSqlLexer.js';
import {
  ArithmeticBinaryContext,
  ArithmeticUnaryContext,
  ArrayConstructorContext,
  AtTimeZoneContext,
  BinaryLiteralContext,
  CastContext,
  CurrentCatalogContext,
  CurrentDateContext,
  CurrentPathContext,
  CurrentSchemaContext,
  CurrentTimeContext,
  CurrentTimestampContext,
  CurrentUserContext,
  ExtractContext,
  FunctionCallContext,
  IntervalLiteralContext,
  JsonArrayContext,
  JsonExistsContext,
  JsonObjectContext,
  JsonQueryContext,
  JsonValueContext,
  LambdaContext,
  ListAggContext,
  LocalTimeContext,
  LocalTimestampContext,
  MeasureContext,
  NormalizeContext,
  ParameterContext,
  ParenthesizedExpressionContext,
  PositionContext,
  PredicatedContext,
  StatementDefaultContext,
  SubscriptContext,
  SubstringContext,
  TableNameContext,
  TypeConstructorContext,
  ValueExpressionDefaultContext,
  WithContext,
  type ValueExpressionContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { Problem } from '../contract/problems.ts';
import { CURATED_TABLES } from '../engine/curatedSchema.ts';
import { DATE_FUNCTIONS, ENGINE_ONLY_FUNCTIONS, PORTABLE_CAST_TYPES, PORTABLE_FUNCTIONS, SINGLE_ARGUMENT_ONLY } from './functionAllowlist.ts';
import { RenderedSql, type QuarterRange } from './renderedSql.ts';

type Node = Parameters<TrinoSqlListener['enterEveryRule']>[0];
type Token = NonNullable<Node['start']>;

/** A problem found in the rendered SQL, before its position is mapped back to the file. */
interface Finding {
  /** 1-based line and column in the rendered SQL. */
  line: number;
  column: number;
  /** The SQL text the problem is about, shown beside the position. */
  text: string;
  rule: string;
  message: string;
  hint: string;
}

const CALENDAR_HINT =
  'Brug kalendertabellens heltal: week, month, quarter og iso_year (fx t.week - p.arrival_week < 156 eller c.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}).';
const SUBSET_HINT = 'KPI-SQL bruger SELECT, JOIN, WHERE, GROUP BY, CASE, CAST og de tilladte funktioner; se docs/add-a-kpi.md.';

/** Date and time syntax that is not a function call in the Trino grammar. */
const DATE_SYNTAX = [
  CurrentDateContext,
  CurrentTimeContext,
  CurrentTimestampContext,
  LocalTimeContext,
  LocalTimestampContext,
  ExtractContext,
  IntervalLiteralContext,
  AtTimeZoneContext,
];
/** Grammar that Trino has and DuckDB lacks or reads differently (JSON, arrays, lambdas, session values). */
const NON_PORTABLE_SYNTAX = [
  JsonValueContext,
  JsonObjectContext,
  JsonArrayContext,
  JsonExistsContext,
  JsonQueryContext,
  LambdaContext,
  ArrayConstructorContext,
  SubscriptContext,
  NormalizeContext,
  MeasureContext,
  ParameterContext,
  CurrentPathContext,
  CurrentUserContext,
  CurrentSchemaContext,
  CurrentCatalogContext,
  BinaryLiteralContext,
  SubstringContext,
  PositionContext,
];

/**
 * Proves a KPI's SQL stays inside the portable subset of Athena engine v3 (Trino) and DuckDB:
 * the real Trino grammar on the SQL after placeholder substitution, plus rules for the traps
 * that parse on both engines (or only on DuckDB) but mean different things. Positions are the
 * `.sql` file's, 1-based.
 */
export function checkDialect(file: string, sql: string, range: QuarterRange): Problem[] {
  const rendered = new RenderedSql(sql, range);
  const parser = new TrinoSQL();
  // The lexer alone: TrinoSQL.getAllTokens parses too, and prints its syntax errors to the console.
  const tokens = parser
    .createLexer(rendered.text, () => {})
    .getAllTokens()
    .filter((t) => t.channel === 0);
  const findings = tokenFindings(tokens);

  // `::` casts and QUALIFY clauses have their own rule; blanked out (positions kept), the rest
  // of the query still gets the grammar check and every other rule in the same run.
  const syntaxErrors: ParseError[] = [];
  const tree = parser.parse(blankTraps(rendered.text, tokens), (error) => syntaxErrors.push(error));
  // Only the first syntax error: the parser's recovery makes the ones after it echoes.
  const error = syntaxErrors[0];
  if (error) {
    findings.push({
      line: error.startLine,
      column: error.startColumn,
      text: tokens.find((t) => t.line === error.startLine && t.column + 1 === error.startColumn)?.text ?? '',
      rule: 'trino_syntax',
      message: `Trino kan ikke læse forespørgslen her: ${error.message}`,
      hint: 'Ret syntaksen, så den er gyldig i Athena engine v3 (Trino).',
    });
  }

  // After a syntax error the recovered tree's statement boundaries mean nothing, and the parser
  // skipped tokens: name the date and engine-only calls among them from the tokens instead.
  if (syntaxErrors.length === 0) findings.push(...statementFindings(tree));
  else findings.push(...callTokenFindings(tokens));
  const listener = new PortabilityListener(rendered);
  parser.listen(listener, tree);
  findings.push(...listener.findings);

  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const f of findings) {
    const where = rendered.toSource(f.line, f.column);
    const key = `${where.line}:${where.column}:${f.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: where.line, column: f.text, columnNumber: where.column, rule: f.rule, message: f.message, hint: f.hint });
  }
  return problems.sort((a, b) => a.line - b.line || (a.columnNumber ?? 0) - (b.columnNumber ?? 0));
}

function at(token: Token, rest: Omit<Finding, 'line' | 'column'>): Finding {
  return { line: token.line, column: token.column + 1, ...rest };
}

/** Traps visible in the token stream: `::`, QUALIFY and quoted names. */
function tokenFindings(tokens: Token[]): Finding[] {
  const findings: Finding[] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const text = token.text ?? '';
    if (text === ':' && next?.text === ':' && next.start === token.stop + 1) {
      const type = (tokens[i + 2]?.text ?? 'DOUBLE').toUpperCase();
      findings.push(
        at(token, {
          text: '::',
          rule: 'double_colon_cast',
          message: '`::` er DuckDB-syntaks for typekonvertering; Trino (Athena) kan ikke læse den, så KPI’en fejler på AWS',
          hint: `Skriv CAST(udtryk AS ${type}) i stedet for udtryk::${type}.`,
        }),
      );
    } else if (token.type === TrinoSqlLexer.IDENTIFIER && text.toLowerCase() === 'qualify') {
      findings.push(
        at(token, {
          text,
          rule: 'qualify',
          message: 'QUALIFY findes i DuckDB, men ikke i Trino (Athena engine v3)',
          hint: 'Beregn vinduesfunktionen i en CTE, og filtrér på resultatet med WHERE i den ydre SELECT.',
        }),
      );
    } else if (token.type === TrinoSqlLexer.QUOTED_IDENTIFIER) {
      findings.push(
        at(token, {
          text,
          rule: 'double_quoted_string',
          message: `${text} er et navn (en identifikator) i både Trino og DuckDB, ikke en tekst`,
          hint: `Skriv tekster med enkelte anførselstegn: '${text.slice(1, -1).replaceAll('""', '"')}'. Tabel- og kolonnenavne skrives uden anførselstegn.`,
        }),
      );
    } else if (token.type === TrinoSqlLexer.BACKQUOTED_IDENTIFIER) {
      findings.push(
        at(token, {
          text,
          rule: 'backquoted_identifier',
          message: `${text}: Trino (Athena) kan ikke læse navne i backticks`,
          hint: 'Skriv navnet uden anførselstegn.',
        }),
      );
    }
  });
  return findings;
}

/** Clauses that end a QUALIFY condition at its nesting level. */
const AFTER_QUALIFY = new Set(['ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', ';']);

/** The SQL with every `::type` and QUALIFY clause replaced by spaces, lines and columns unchanged. */
function blankTraps(text: string, tokens: Token[]): string {
  const chars = Array.from(text);
  const blank = (from: Token, to: Token) => {
    for (let i = from.start; i <= to.stop; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (token.text === ':' && next?.text === ':' && next.start === token.stop + 1) {
      let end = Math.min(i + 2, tokens.length - 1);
      if (tokens[end + 1]?.text?.toUpperCase() === 'PRECISION') end++;
      if (tokens[end + 1]?.text === '(') end = closingParen(tokens, end + 1);
      blank(token, tokens[end]!);
    } else if (token.type === TrinoSqlLexer.IDENTIFIER && token.text?.toLowerCase() === 'qualify') {
      let depth = 0;
      let end = i;
      for (let k = i + 1; k < tokens.length; k++) {
        const t = tokens[k]!.text?.toUpperCase() ?? '';
        if (depth === 0 && (AFTER_QUALIFY.has(t) || t === ')')) break;
        if (t === '(') depth++;
        if (t === ')') depth--;
        end = k;
      }
      blank(token, tokens[end]!);
    }
  });
  return chars.join('');
}

/** Index of the `)` that closes the `(` at `open`, or the last token. */
function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]!.text === '(') depth++;
    if (tokens[k]!.text === ')' && --depth === 0) return k;
  }
  return tokens.length - 1;
}

/** Calls of date and engine-only functions, found as `name (` in the token stream. */
function callTokenFindings(tokens: Token[]): Finding[] {
  const findings: Finding[] = [];
  tokens.forEach((token, i) => {
    const name = (token.text ?? '').toLowerCase();
    if (tokens[i + 1]?.text !== '(') return;
    if (DATE_FUNCTIONS.has(name)) findings.push(at(token, dateFinding(token.text ?? name)));
    else if (ENGINE_ONLY_FUNCTIONS.has(name)) findings.push(at(token, engineOnlyFinding(name, token.text ?? name)));
  });
  return findings;
}

/** One statement, and that one a query. */
function statementFindings(tree: ReturnType<TrinoSQL['parse']>): Finding[] {
  const findings: Finding[] = [];
  const statements = tree.statements();
  for (const [i, entry] of statements.entries()) {
    const statement = entry.singleStatement()?.statement();
    const start = statement?.start;
    if (!start) continue;
    if (i > 0) {
      findings.push(
        at(start, {
          text: start.text ?? '',
          rule: 'single_select',
          message: 'en KPI-fil må kun indeholde én forespørgsel',
          hint: 'Saml forespørgslen i én SELECT (brug WITH til mellemtrin), og slet resten.',
        }),
      );
    } else if (!(statement instanceof StatementDefaultContext)) {
      findings.push(
        at(start, {
          text: start.text ?? '',
          rule: 'single_select',
          message: 'en KPI-fil skal være én SELECT; andre sætninger (CREATE, INSERT, …) kører aldrig i beregningen',
          hint: 'Skriv én SELECT, der returnerer kolonnerne i KPI-kontrakten (docs/add-a-kpi.md).',
        }),
      );
    }
  }
  return findings;
}

/** Walks the parse tree for function calls, casts, divisions and constructs outside the subset. */
class PortabilityListener extends TrinoSqlListener {
  readonly findings: Finding[] = [];

  constructor(private readonly rendered: RenderedSql) {
    super();
  }

  /** A node's text as the author wrote it, spaces and placeholders included. */
  private text(node: Node): string {
    return node.start && node.stop ? this.rendered.sourceText(node.start.start, node.stop.stop) : node.getText();
  }

  override enterEveryRule(node: Node): void {
    const start = node.start;
    if (!start) return;
    if (node instanceof FunctionCallContext) this.functionCall(node, start);
    else if (node instanceof CastContext) this.cast(node, start);
    else if (node instanceof ArithmeticBinaryContext) this.division(node);
    else if (node instanceof WithContext) this.with(node);
    else if (node instanceof TableNameContext) this.tableName(node, start);
    else if (node instanceof TypeConstructorContext && !/^date\s*'/i.test(this.text(node))) this.nonPortable(start, this.text(node));
    else if (node instanceof ListAggContext) this.engineOnly(start, 'listagg');
    else if (DATE_SYNTAX.some((type) => node instanceof type)) this.dateFunction(start, this.text(node));
    else if (NON_PORTABLE_SYNTAX.some((type) => node instanceof type)) this.nonPortable(start, this.text(node));
  }

  private functionCall(node: FunctionCallContext, start: Token): void {
    const name = node.functionName().getText();
    const lower = name.toLowerCase();
    if (DATE_FUNCTIONS.has(lower)) this.dateFunction(start, name);
    else if (ENGINE_ONLY_FUNCTIONS.has(lower)) this.engineOnly(start, lower, name);
    else if (!PORTABLE_FUNCTIONS.has(lower)) {
      this.findings.push(
        at(start, {
          text: name,
          rule: 'function_not_portable',
          message: `funktionen ${name} er ikke i den portable delmængde: den findes ikke med samme betydning i både Athena engine v3 (Trino) og DuckDB`,
          hint: `Tilladte funktioner: ${[...PORTABLE_FUNCTIONS].join(', ')}; resten klares med CASE WHEN og aritmetik. Se docs/add-a-kpi.md.`,
        }),
      );
    } else if (SINGLE_ARGUMENT_ONLY.has(lower) && node.expression().length > 1) {
      this.findings.push(
        at(start, {
          text: name,
          rule: 'function_not_portable',
          message: `${name}() med mere end ét argument: ${SINGLE_ARGUMENT_ONLY.get(lower)}`,
          hint: 'Returnér tæller og nævner uden afrunding; rapporten afrunder.',
        }),
      );
    }
  }

  private cast(node: CastContext, start: Token): void {
    if (node.KW_TRY_CAST()) {
      this.engineOnly(start, 'try_cast');
      return;
    }
    const type = this.text(node.type());
    if (!PORTABLE_CAST_TYPES.has(type.toLowerCase())) {
      this.findings.push(
        at(node.type().start ?? start, {
          text: type,
          rule: 'cast_type',
          message: `CAST til ${type} er ikke i den portable delmængde: typen hedder eller regner forskelligt i Trino og DuckDB`,
          hint: `Brug en af typerne ${[...PORTABLE_CAST_TYPES].map((t) => t.toUpperCase()).join(', ')}; før en division: DOUBLE.`,
        }),
      );
    }
  }

  private division(node: ArithmeticBinaryContext): void {
    const operator = node._operator;
    const left = node._left;
    const right = node._right;
    if (operator?.text !== '/' || !left || !right || isDouble(left)) return;
    const [l, r] = [short(this.text(left)), short(this.text(right))];
    this.findings.push(
      at(operator, {
        text: '/',
        rule: 'integer_division',
        message: `${l} / ${r} dividerer uden CAST(... AS DOUBLE) på venstre side: Trino kasserer decimalerne i heltalsdivision (7 / 2 = 3), DuckDB gør ikke (7 / 2 = 3,5), så samme forespørgsel giver forskellige tal`,
        hint: `Skriv CAST(${l} AS DOUBLE) / ${r}. En KPI returnerer i øvrigt tæller og nævner; andelen beregnes i TypeScript.`,
      }),
    );
  }

  private with(node: WithContext): void {
    const recursive = node.KW_RECURSIVE();
    if (recursive) {
      this.findings.push(
        at(recursive.symbol, {
          text: 'RECURSIVE',
          rule: 'with_recursive',
          message: 'WITH RECURSIVE kan ikke bruges i KPI-SQL: på Athena lægges de kuraterede tabeller foran som CTE’er i samme WITH',
          hint: 'Skriv forespørgslen uden rekursion; kalendertabellen har alle uger, måneder og kvartaler.',
        }),
      );
    }
    for (const query of node.namedQuery()) {
      const name = query.identifier().getText();
      const start = query.start;
      if (start && (CURATED_TABLES as string[]).includes(name.toLowerCase())) {
        this.findings.push(
          at(start, {
            text: name,
            rule: 'cte_shadows_table',
            message: `CTE’en ${name} har samme navn som den kuraterede tabel ${name.toLowerCase()}: på Athena lægges tabellerne foran som CTE’er med de navne, og Trino afviser to CTE’er med samme navn`,
            hint: `Giv CTE’en et andet navn, fx ${name.toLowerCase()}_valgt.`,
          }),
        );
      }
    }
  }

  private tableName(node: TableNameContext, start: Token): void {
    const name = this.text(node.tableOrViewName());
    if (!name.includes('.')) return;
    this.findings.push(
      at(start, {
        text: name,
        rule: 'qualified_table',
        message: `${name} er skrevet med skema eller katalog: på Athena læser forespørgslen så alle leverancer (snapshots), ikke kun den valgte`,
        hint: `Skriv kun tabelnavnet (${CURATED_TABLES.join(', ')}).`,
      }),
    );
  }

  private dateFunction(start: Token, text: string): void {
    this.findings.push(at(start, dateFinding(text)));
  }

  private engineOnly(start: Token, name: string, shown = name): void {
    this.findings.push(at(start, engineOnlyFinding(name, shown)));
  }

  private nonPortable(start: Token, text: string): void {
    this.findings.push(
      at(start, {
        text,
        rule: 'not_portable_syntax',
        message: `${text} er ikke i den portable delmængde af Athena engine v3 (Trino) og DuckDB`,
        hint: SUBSET_HINT,
      }),
    );
  }
}

function dateFinding(text: string): Omit<Finding, 'line' | 'column'> {
  return {
    text,
    rule: 'date_function',
    message: `${text} er dato- eller tidsregning, som hedder og virker forskelligt i Trino og DuckDB`,
    hint: CALENDAR_HINT,
  };
}

function engineOnlyFinding(name: string, shown: string): Omit<Finding, 'line' | 'column'> {
  return {
    text: shown,
    rule: 'engine_only_function',
    message: `${shown}() er ikke i den portable delmængde af Athena engine v3 (Trino) og DuckDB`,
    hint: ENGINE_ONLY_FUNCTIONS.get(name) ?? SUBSET_HINT,
  };
}

/** An operand as it reads in one line of output: spaces collapsed, long ones cut with `…`. */
function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

/** Whether an operand is DOUBLE on both engines: a CAST to DOUBLE, or arithmetic with one. */
function isDouble(expression: ValueExpressionContext): boolean {
  if (expression instanceof ArithmeticBinaryContext) {
    return (expression._left !== undefined && isDouble(expression._left)) || (expression._right !== undefined && isDouble(expression._right));
  }
  if (expression instanceof ArithmeticUnaryContext) return isDouble(expression.valueExpression());
  if (!(expression instanceof ValueExpressionDefaultContext)) return false;
  const primary = expression.primaryExpression();
  if (primary instanceof CastContext) return !primary.KW_TRY_CAST() && primary.type().getText().toLowerCase() === 'double';
  if (primary instanceof ParenthesizedExpressionContext) {
    const inner = primary.expression().booleanExpression();
    return inner instanceof PredicatedContext && !inner.predicate() && isDouble(inner.valueExpression());
  }
  return false;
}
