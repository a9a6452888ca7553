import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from './tags';

export interface CertificateArgs {
  domain: string;
  /** The Route 53 zone holding `domain`, where the validation record goes. */
  hostedZoneId: string;
  tags: Tags;
}

/** The TLS policy of every HTTPS listener: TLS 1.3, with TLS 1.2 and forward-secret ciphers as the floor. */
export const tlsPolicy = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** An ACM certificate for one host name, validated through a DNS record in the stack's hosted zone. */
export class Certificate extends pulumi.ComponentResource {
  /** The ARN once validation succeeded: listeners that use it wait for a certificate that works. */
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:tls:Certificate', name, {}, opts);
    const parent = { parent: this };

    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: args.domain, validationMethod: 'DNS', tags: args.tags },
      parent,
    );
    const option = certificate.domainValidationOptions.apply((options) => {
      const first = options[0];
      if (!first) throw new Error(`ACM returned no DNS validation record for ${args.domain}`);
      return first;
    });
    // allowOverwrite: a re-created certificate for the same name reuses the same validation record.
    const record = new aws.route53.Record(
      `${name}-validation`,
      {
        zoneId: args.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        allowOverwrite: true,
      },
      parent,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-validated`,
      { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
      parent,
    );
    this.arn = validation.certificateArn;
    this.registerOutputs({ arn: this.arn });
  }
}
