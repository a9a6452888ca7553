/**
 * The Kubernetes minor versions EKS offers, with their support dates: AWS's release calendar
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar),
 * read on 2026-12-08 through endoflife.date's copy of that table (products/amazon-eks.md at
 * endoflife-date/endoflife.date a70eca3, scraped from AWS's page; 1.36 announced at
 * https://aws.amazon.com/about-aws/whats-new/2026/06/amazon-eks-distro-kubernetes-version-1-36/). Standard
 * support lasts 14 months from the EKS release, extended support 12 more. Check the calendar at deploy
 * time (`aws eks describe-cluster-versions`) and add a row when AWS releases the next version.
 */
export const kubernetesReleases: Record<
  string,
  { standardSupportEnds: string; extendedSupportEnds: string }
> = {
  '1.33': { standardSupportEnds: '2026-07-29', extendedSupportEnds: '2027-07-29' },
  '1.34': { standardSupportEnds: '2026-12-02', extendedSupportEnds: '2027-12-02' },
  '1.35': { standardSupportEnds: '2027-03-27', extendedSupportEnds: '2028-03-27' },
  '1.36': { standardSupportEnds: '2027-08-02', extendedSupportEnds: '2028-08-02' },
};

/** The default: the newest version EKS offers (released on EKS 2026-06-02). */
export const defaultKubernetesVersion = '1.36';

/** Days before the end of standard support from which every `pulumi up` warns. */
const warningDays = 60;
const dayMs = 24 * 60 * 60 * 1000;

function daysUntil(date: string, today: Date): number {
  return Math.ceil((Date.parse(`${date}T00:00:00Z`) - today.getTime()) / dayMs);
}

/**
 * Refuses a version whose standard support has ended on the deploy date, unless the stack asks for extended
 * support (`polls:kubernetesExtendedSupport`, $0.60 instead of $0.10 per cluster-hour), and then one whose
 * extended support has ended too. With standard support only, EKS upgrades such a control plane by itself
 * (https://docs.aws.amazon.com/eks/latest/userguide/extended-support-control.html), so a stack naming the
 * old version would try to move it back. Called before anything is registered.
 */
export function checkKubernetesSupport(version: string, extendedSupport: boolean, today: Date): void {
  const release = kubernetesReleases[version];
  if (release === undefined) throw new Error(`polls:kubernetesVersion ${version} has no support dates`);
  const ends = extendedSupport ? release.extendedSupportEnds : release.standardSupportEnds;
  if (daysUntil(ends, today) > 0) return;
  const what = extendedSupport ? 'extended' : 'standard';
  const fix = extendedSupport
    ? 'raise polls:kubernetesVersion'
    : 'raise polls:kubernetesVersion, or set polls:kubernetesExtendedSupport to true (six times the hourly fee)';
  throw new Error(
    `polls:kubernetesVersion ${version}: EKS ${what} support ended on ${ends}; ${fix} (docs/eks.md, "Upgrade Kubernetes")`,
  );
}

/** From 60 days before the end of the support the stack pays for, every `pulumi up` says the upgrade is due. */
export function supportWarning(version: string, extendedSupport: boolean, today: Date): string | undefined {
  const release = kubernetesReleases[version];
  if (release === undefined) return undefined;
  const ends = extendedSupport ? release.extendedSupportEnds : release.standardSupportEnds;
  const daysLeft = daysUntil(ends, today);
  if (daysLeft > warningDays || daysLeft <= 0) return undefined;
  return (
    `EKS ${extendedSupport ? 'extended' : 'standard'} support for Kubernetes ${version} ends on ${ends}, in ` +
    `${daysLeft} day(s): raise polls:kubernetesVersion before then (docs/eks.md, "Upgrade Kubernetes")`
  );
}
