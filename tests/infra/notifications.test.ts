import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifications } from '../../infra/constructs/notifications.ts';
import { NagTestStack, type Json, type Synthesised } from '../support/cdkStack.ts';

let test: NagTestStack;
let out: Synthesised;
let notifications: Notifications;
let role: iam.Role;

beforeAll(() => {
  test = new NagTestStack();
  notifications = new Notifications(test.stack, 'Notifications', { email: 'data@testkommune.dk' });
  role = new iam.Role(test.stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
  notifications.grantPublish(role);
  out = test.synth();
});

afterAll(() => test.dispose());

describe('the topic', () => {
  it('is encrypted with its own rotating key, kept on stack deletion, and e-mails data staff', () => {
    const [keyId, key] = out.ofType('AWS::KMS::Key')[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    out.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    out.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'data@testkommune.dk' });
  });

  it('refuses publishing without TLS', () => {
    const [, policy] = out.ofType('AWS::SNS::TopicPolicy')[0]!;
    const deny = (policy.Properties.PolicyDocument.Statement as Json[]).find((s) => s.Effect === 'Deny')!;
    expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('lets CloudWatch alarms use the key, which the AWS-managed SNS key would not', () => {
    const [, key] = out.ofType('AWS::KMS::Key')[0]!;
    const statement = (key.Properties.KeyPolicy.Statement as Json[]).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')!;
    expect(statement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});

describe('grantPublish', () => {
  it('publishes to this topic and uses its key with named actions only', () => {
    expect(out.logicalId(notifications.key)).toMatch(/^NotificationsKey[0-9A-F]{8}$/);
    expect(out.permissionsOf(role)).toEqual([
      'kms:Decrypt <NotificationsKey.Arn>',
      'kms:GenerateDataKey <NotificationsKey.Arn>',
      'sns:Publish <NotificationsTopic>',
    ]);
  });
});

describe('cdk-nag', () => {
  it('has no open finding, warnings included', () => {
    expect(out.openFindings).toEqual([]);
  });
});
