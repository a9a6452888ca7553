import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PUBLIC_HTTP_PORT, PUBLIC_HTTPS_PORT } from '../service-contract';
import type { Tags } from '../tags';
import { Certificate, tlsPolicy } from './certificate';

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
  tags: Tags;
}

const anywhere = '0.0.0.0/0';

/** The public entry point: an ALB in the public subnets forwarding to the service's target group. */
export class LoadBalancer extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  /**
   * The listener that forwards to the target group (HTTPS with a domain, after its certificate validates).
   * Until it exists the targets receive no health checks, so whatever waits for healthy targets waits for it.
   */
  readonly forwardingListener: aws.lb.Listener;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:ec2:LoadBalancer', name, {}, opts);
    const parent = { parent: this };
    const { tags } = args;

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: 'polls load balancer: web traffic from the internet', tags },
      parent,
    );
    const listenPorts = args.https ? [PUBLIC_HTTP_PORT, PUBLIC_HTTPS_PORT] : [PUBLIC_HTTP_PORT];
    for (const port of listenPorts) {
      new aws.vpc.SecurityGroupIngressRule(
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

    if (args.https) {
      const certificate = new Certificate(`${name}-tls`, { ...args.https, tags }, parent);
      this.forwardingListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: PUBLIC_HTTPS_PORT,
          protocol: 'HTTPS',
          sslPolicy: tlsPolicy,
          certificateArn: certificate.arn,
          defaultActions: forward,
          tags,
        },
        parent,
      );
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
      // The site's name points at the load balancer.
      new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId: args.https.hostedZoneId,
          name: args.https.domain,
          type: 'A',
          aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        parent,
      );
      this.url = pulumi.output(`https://${args.https.domain}`);
    } else {
      this.forwardingListener = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: PUBLIC_HTTP_PORT,
          protocol: 'HTTP',
          defaultActions: forward,
          tags,
        },
        parent,
      );
      this.url = pulumi.interpolate`http://${loadBalancer.dnsName}`;
    }

    this.securityGroupId = securityGroup.id;
    this.targetGroupArn = targetGroup.arn;
    this.registerOutputs({ url: this.url, securityGroupId: this.securityGroupId });
  }
}
