import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag names a resource in an IAM5 finding (`AwsSolutions-IAM5[Resource::<this>]`):
 * the ARN as the template will hold it, with `Fn::GetAtt` written `<LogicalId.Arn>` and `Ref`
 * `<Id>` (cdk-nag's `flattenCfnReference`, which it does not export). Computed from the ARN a
 * construct grants on, so an acknowledgement names exactly that resource, whether it was made
 * in this stack or imported. A resource from another stack resolves to a different name here
 * than in the template; its finding then stays open and synth fails, which is the safe side.
 */
export function nagResource(scope: IConstruct, arn: string): string {
  return flatten(Stack.of(scope).resolve(arn));
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const o = (node ?? {}) as Record<string, unknown>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) {
    const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}
