import { formatQuarter } from '../publish/format.ts';

/**
 * The e-mails a run sends data staff after publish, in Danish: what happened, where to look,
 * and — for a draft — the exact command that approves it. One home for this wording.
 */
export interface PreviewLinks {
  /** The preview on the report site (only when an allow-list lets staff open it there). */
  siteUrl?: string;
  /** Where the preview's index.html is in the reports bucket, for `aws s3 presign`. */
  s3Uri: string;
}

export function approvalCommand(stateMachineArn: string, input: { quarter: string; snapshot: string; correction?: boolean }): string {
  const request = { action: 'approve', quarter: input.quarter, snapshot: input.snapshot, ...(input.correction && { correction: '<begrundelse>' }) };
  return `aws stepfunctions start-execution --state-machine-arn ${stateMachineArn} --input '${JSON.stringify(request)}'`;
}

function previewLines(links: PreviewLinks): string {
  const site = links.siteUrl ? `Se udkastet: ${links.siteUrl}\n` : '';
  return `${site}Eller hent en personlig, tidsbegrænset adresse med dine egne AWS-rettigheder:\n  aws s3 presign ${links.s3Uri} --expires-in 3600`;
}

export function previewMessage(quarter: string, snapshot: string, links: PreviewLinks, stateMachineArn: string): { subject: string; message: string } {
  return {
    subject: 'Pejlemaerke: udkast klar til godkendelse',
    message:
      `Udkastet til rapporten for ${formatQuarter(quarter)} (datasæt ${snapshot}) er klar. Det er markeret "Udkast – ikke godkendt" og er ikke offentligt.\n\n` +
      `${previewLines(links)}\n\nNår tallene og teksterne er gennemset, godkendes udkastet med:\n  ${approvalCommand(stateMachineArn, { quarter, snapshot })}\n\n` +
      'Så udgives præcis det, udkastet viser, som kvartalets rapport.',
  };
}

export function correctionMessage(
  quarter: string,
  snapshot: string,
  revision: number,
  links: PreviewLinks,
  stateMachineArn: string,
): { subject: string; message: string } {
  return {
    subject: 'Pejlemaerke: nye tal for et udgivet kvartal',
    message:
      `${capital(formatQuarter(quarter))} er allerede udgivet (revision ${revision}), og den nye levering giver andre tal (datasæt ${snapshot}). ` +
      'Intet er ændret i den udgivne rapport. Tallene er lagt i et udkast.\n\n' +
      `${previewLines(links)}\n\nEr det en rettelse, der skal udgives, så godkend udkastet med en begrundelse, som vises i rapporten:\n  ` +
      `${approvalCommand(stateMachineArn, { quarter, snapshot, correction: true })}\n\nRevision ${revision} bevares uændret og linkes fra rettelsen.`,
  };
}

export function publishedMessage(quarter: string, revision: number, url: string, corrected: boolean): { subject: string; message: string } {
  return {
    subject: corrected ? 'Pejlemaerke: rapporten er rettet' : 'Pejlemaerke: rapporten er udgivet',
    message: corrected
      ? `Rapporten for ${formatQuarter(quarter)} er rettet: revision ${revision} er udgivet med rettelsesnoten, og de tidligere revisioner er bevaret.\n\n${url}`
      : `Rapporten for ${formatQuarter(quarter)} er udgivet: ${url}`,
  };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
