import { isDnsName } from './names';

/** Placeholders a DNS SAN template may use. */
export const DNS_TEMPLATE_PLACEHOLDERS: readonly string[] = Object.freeze(['instance', 'type', 'trustDomain']);

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Values substituted into a DNS SAN template. */
export interface TemplateValues {
  instance: string;
  type: string;
  trustDomain: string;
}

/**
 * Why `template` is not a valid DNS SAN template for type `type`, or null when it is valid.
 * A template may use `{instance}`, `{type}` and `{trustDomain}` and must render (with a sample
 * instance id) to a lowercase DNS name: no wildcards, no stray braces, no upper case.
 */
export function dnsTemplateProblem(template: unknown, type: string, trustDomain: string): string | null {
  if (typeof template !== 'string' || template.length === 0) return 'must be a non-empty string';
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!DNS_TEMPLATE_PLACEHOLDERS.includes(m[1])) {
      return `unknown placeholder {${m[1]}}; allowed: {instance} {type} {trustDomain}`;
    }
  }
  // A trust domain that is itself invalid is reported on its own path; use a neutral stand-in.
  const td = isDnsName(trustDomain) ? trustDomain : 'example.test';
  const rendered = renderDnsTemplate(template, { instance: 'i0', type, trustDomain: td });
  if (/[{}]/.test(rendered)) return 'unbalanced braces';
  if (!isDnsName(rendered)) return `renders to '${rendered}', which is not a lowercase DNS name`;
  return null;
}

/** Substitutes the placeholders of a (validated) template. Unknown placeholders are left as is. */
export function renderDnsTemplate(template: string, v: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, key: string) =>
    key === 'instance' ? v.instance : key === 'type' ? v.type : key === 'trustDomain' ? v.trustDomain : whole,
  );
}
