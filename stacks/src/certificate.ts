import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from './tags';

export interface CertificateArgs {
  domain: string;
  /** The Route 53 zone holding `domain`, where the validation record goes. */
  hostedZoneId: string;
  /**
   * The validation record another certificate of the stack made for the same name, when there is one: ACM
   * gives every certificate for a name in an account the same record, in every region (terraform-provider-aws
   * #13653). This certificate then validates with it and owns no record of its own, so removing it (turning the
   * CDN off) cannot delete the record the other one renews with.
   */
  sharedValidationRecord?: pulumi.Input<string>;
  tags: Tags;
}

/** The TLS policy of every HTTPS listener: TLS 1.3, with TLS 1.2 and forward-secret ciphers as the floor. */
export const tlsPolicy = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** An ACM certificate for one host name, validated through a DNS record in the stack's hosted zone. */
export class Certificate extends pulumi.ComponentResource {
  /** The ARN once validation succeeded: listeners that use it wait for a certificate that works. */
  readonly arn: pulumi.Output<string>;
  /** The validation record's name (its own, or the shared one). */
  readonly validationRecord: pulumi.Output<string>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:tls:Certificate', name, {}, opts);
    const parent = { parent: this };

    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: args.domain, validationMethod: 'DNS', tags: args.tags },
      parent,
    );
    this.validationRecord = args.sharedValidationRecord
      ? pulumi.output(args.sharedValidationRecord)
      : this.validationRecordOf(name, certificate, args);
    const validation = new aws.acm.CertificateValidation(
      `${name}-validated`,
      { certificateArn: certificate.arn, validationRecordFqdns: [this.validationRecord] },
      parent,
    );
    this.arn = validation.certificateArn;
    this.registerOutputs({ arn: this.arn });
  }

  private validationRecordOf(
    name: string,
    certificate: aws.acm.Certificate,
    args: CertificateArgs,
  ): pulumi.Output<string> {
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
      { parent: this },
    );
    return record.fqdn;
  }
}
