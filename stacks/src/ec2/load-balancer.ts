import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PUBLIC_HTTP_PORT, PUBLIC_HTTPS_PORT } from '../service-contract';
import type { Tags } from '../tags';
import { Certificate, tlsPolicy } from '../certificate';
import type { OriginLock } from '../cdn/origin-secret';

export interface LoadBalancerArgs {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string>[];
  /** The port the service listens on in its instances. */
  targetPort: number;
  /** The readiness path the target group probes. */
  healthCheckPath: string;
  /** Seconds the ALB keeps sending in-flight requests to a leaving instance. */
  deregistrationDelaySeconds: number;
  /** With a domain: HTTPS with an ACM certificate, HTTP redirected to it, and an alias record. */
  https?: { domain: string; hostedZoneId: string };
  /**
   * Once the CDN serves: the load balancer admits only CloudFront (its origin-facing addresses, and requests
   * carrying the origin secret) and listens on one port.
   */
  originLock?: OriginLock;
  /** The record that pointed the site's name elsewhere (the CDN's), for the alias record to take over. */
  siteRecordFormerly?: pulumi.Alias;
  /** A CDN is in front: the site's name is the CDN's, and the load balancer's address is for debugging. */
  behindCdn: boolean;
  tags: Tags;
}

const anywhere = '0.0.0.0/0';
/**
 * CloudFront's origin-facing addresses as an AWS-managed prefix list. It counts as 55 rules against the
 * security group's quota (60 by default) in every rule that references it ("AWS-managed prefix lists", Amazon
 * VPC User Guide), so it may be referenced once: the one port CloudFront uses.
 */
export const cloudFrontOriginFacing = 'com.amazonaws.global.cloudfront.origin-facing';

/** The public entry point: an ALB in the public subnets forwarding to the service's target group. */
export class LoadBalancer extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  /** The ALB's and the target group's ARN suffixes: the dimensions of their CloudWatch metrics. */
  readonly arnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  /**
   * The listener that forwards to the target group (HTTPS with a domain, after its certificate validates).
   * Until it exists the targets receive no health checks, so whatever waits for healthy targets waits for it.
   */
  readonly forwardingListener: aws.lb.Listener;
  readonly url: pulumi.Output<string>;
  /** The load balancer's DNS name: the CDN's origin. */
  readonly hostname: pulumi.Output<string>;
  /** The alias record of the site's name, by identity (it exists only with a domain and without a CDN). */
  readonly siteRecord: pulumi.Alias;
  /** With a domain: the record its certificate validates with, which a CDN certificate for the name shares. */
  readonly certificateValidationRecord?: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:ec2:LoadBalancer', name, {}, opts);
    const parent = { parent: this };
    const { tags } = args;

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: 'polls load balancer: web traffic from the internet', tags },
      parent,
    );
    const cdnPort = args.https ? PUBLIC_HTTPS_PORT : PUBLIC_HTTP_PORT;
    // The rules that let viewers in: CloudFront's servers only once the origin is locked, anyone before.
    const admission: aws.vpc.SecurityGroupIngressRule[] = [];
    if (args.originLock) {
      const originFacing = aws.ec2.getManagedPrefixListOutput({ name: cloudFrontOriginFacing }, parent);
      const fromCloudFront = new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-cloudfront`,
        {
          securityGroupId: securityGroup.id,
          description: `HTTP${args.https ? 'S' : ''} from CloudFront's origin-facing servers`,
          ipProtocol: 'tcp',
          fromPort: cdnPort,
          toPort: cdnPort,
          prefixListId: originFacing.id,
          tags,
        },
        parent,
      );
      admission.push(fromCloudFront);
    } else {
      const listenPorts = args.https ? [PUBLIC_HTTP_PORT, PUBLIC_HTTPS_PORT] : [PUBLIC_HTTP_PORT];
      for (const port of listenPorts) {
        const fromInternet = new aws.vpc.SecurityGroupIngressRule(
          `${name}-from-internet-${port}`,
          {
            securityGroupId: securityGroup.id,
            description: `HTTP${port === PUBLIC_HTTPS_PORT ? 'S' : ''} from anywhere`,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            cidrIpv4: anywhere,
            tags,
          },
          parent,
        );
        admission.push(fromInternet);
      }
    }

    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: args.vpcId,
        targetType: 'instance',
        protocol: 'HTTP',
        port: args.targetPort,
        deregistrationDelay: args.deregistrationDelaySeconds,
        healthCheck: {
          path: args.healthCheckPath,
          protocol: 'HTTP',
          matcher: '200',
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        tags,
      },
      parent,
    );

    const loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: 'application',
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [securityGroup.id],
        // Requests with malformed headers are dropped instead of reaching the service (request smuggling).
        dropInvalidHeaderFields: true,
        // Stated, not left to the default: idle live-results streams rely on it outlasting their 15 s
        // heartbeat, and the service's keep-alive (65 s, service/src/server.ts) on it being shorter.
        idleTimeout: 60,
        tags,
      },
      parent,
    );
    const forward = [{ type: 'forward', targetGroupArn: targetGroup.arn }];
    // Behind the CDN, a request without the origin secret is refused; a listener rule forwards the others.
    const refuse = [
      {
        type: 'fixed-response',
        fixedResponse: { statusCode: '403', contentType: 'text/plain', messageBody: 'Use the site address.' },
      },
    ];
    const siteRecordName = `${name}-alias`;
    this.siteRecord = { name: siteRecordName, parent: this };
    const certificate = args.https && new Certificate(`${name}-tls`, { ...args.https, tags }, parent);
    this.certificateValidationRecord = certificate ? certificate.validationRecord : undefined;
    this.forwardingListener = new aws.lb.Listener(
      `${name}-${args.https ? 'https' : 'http'}`,
      {
        loadBalancerArn: loadBalancer.arn,
        port: cdnPort,
        protocol: args.https ? 'HTTPS' : 'HTTP',
        ...(certificate && { sslPolicy: tlsPolicy, certificateArn: certificate.arn }),
        defaultActions: args.originLock ? refuse : forward,
        tags,
      },
      parent,
    );
    if (args.originLock) {
      new aws.lb.ListenerRule(
        `${name}-from-cdn`,
        {
          listenerArn: this.forwardingListener.arn,
          priority: 1,
          // Either value: the current and, for a while after a rotation, the previous one (cdn/origin-secret.ts).
          conditions: [
            {
              httpHeader: {
                httpHeaderName: args.originLock.headerName,
                values: args.originLock.acceptedValues,
              },
            },
          ],
          actions: forward,
          tags,
        },
        parent,
      );
    } else if (args.https) {
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: PUBLIC_HTTP_PORT,
          protocol: 'HTTP',
          defaultActions: [
            {
              type: 'redirect',
              redirect: { protocol: 'HTTPS', port: String(PUBLIC_HTTPS_PORT), statusCode: 'HTTP_301' },
            },
          ],
          tags,
        },
        parent,
      );
    }
    if (args.https && !args.behindCdn) {
      // The site's name points at the load balancer (with a CDN, at the CDN). When the CDN is turned off it
      // comes back only after the listener and the security group admit everyone again.
      new aws.route53.Record(
        siteRecordName,
        {
          zoneId: args.https.hostedZoneId,
          name: args.https.domain,
          type: 'A',
          aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        {
          parent: this,
          aliases: args.siteRecordFormerly ? [args.siteRecordFormerly] : [],
          dependsOn: [this.forwardingListener, ...admission],
        },
      );
    }
    // Behind a CDN the site's name is the CDN's: the load balancer's own address is for debugging only.
    this.url =
      args.https && !args.behindCdn
        ? pulumi.output(`https://${args.https.domain}`)
        : pulumi.interpolate`${args.https ? 'https' : 'http'}://${loadBalancer.dnsName}`;
    this.hostname = loadBalancer.dnsName;

    this.securityGroupId = securityGroup.id;
    this.targetGroupArn = targetGroup.arn;
    this.arnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.registerOutputs({ url: this.url, securityGroupId: this.securityGroupId });
  }
}
