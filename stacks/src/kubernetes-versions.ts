/**
 * End of EKS standard support per Kubernetes minor version, from AWS's release calendar
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar;
 * 1.35: released on EKS 2026-01-28, per https://endoflife.date/amazon-eks). A version is offered here only
 * with its date, so choosing one is a decision about when the next upgrade is due. Add a row when AWS
 * releases the next version (`aws eks describe-cluster-versions`).
 */
export const standardSupportEnds: Record<string, string> = {
  '1.33': '2026-07-29',
  '1.34': '2026-12-02',
  '1.35': '2027-03-27',
};

/** The default: of the versions above, the one with the longest standard support left. */
export const defaultKubernetesVersion = '1.35';

/** Days before the end of standard support from which every `pulumi up` warns. */
const warningDays = 60;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * The clusters run with `upgradePolicy.supportType: STANDARD` (extended support costs $0.60 per cluster-hour
 * instead of $0.10), so at the end of standard support EKS upgrades the control plane by itself and a stack
 * still naming the old version would try to move it back. This says, in time, that the upgrade is due.
 */
export function supportWarning(version: string, today: Date): string | undefined {
  const ends = standardSupportEnds[version];
  if (ends === undefined) return undefined;
  const daysLeft = Math.ceil((Date.parse(`${ends}T00:00:00Z`) - today.getTime()) / dayMs);
  if (daysLeft > warningDays) return undefined;
  const when = daysLeft > 0 ? `ends on ${ends}, in ${daysLeft} day(s)` : `ended on ${ends}`;
  return (
    `EKS standard support for Kubernetes ${version} ${when}: EKS then upgrades the control plane itself; ` +
    'raise polls:kubernetesVersion first (docs/eks.md, "Upgrade Kubernetes")'
  );
}
