/**
 * The NGINX server snippet that admits only requests carrying the CDN's origin secret (eks behind a CDN).
 * The NLB in front of NGINX passes TCP through: it cannot read a header, and the in-tree load balancer
 * controller gives it no security group that could reference CloudFront's managed prefix list. So NGINX,
 * the first hop that sees HTTP, refuses the rest with 403. Values are compared exactly; they are letters and
 * digits (cdn/origin-secret.ts), so they need no escaping in the NGINX configuration.
 */
export function originCheckSnippet(headerName: string, acceptedValues: readonly string[]): string {
  if (acceptedValues.some((value) => !/^[\w-]+$/.test(value))) {
    throw new Error('origin secrets must be letters, digits, - and _ only');
  }
  const variable = `$http_${headerName.toLowerCase().replace(/-/g, '_')}`;
  return [
    'set $from_cdn 0;',
    ...acceptedValues.map((value) => `if (${variable} = "${value}") { set $from_cdn 1; }`),
    'if ($from_cdn = 0) { return 403; }',
    '',
  ].join('\n');
}
