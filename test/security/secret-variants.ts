/** A secret the scenario uses, by name, with the forms it could leak in. */
export interface Secret {
  name: string;
  value: string;
  /** Other forms of it that a careless log line or file would hold (a login encoded with a user name, say). */
  extra?: string[];
}

export interface SecretHit {
  /** Where it was found: a log stream, a ZIP entry, a table's column. */
  where: string;
  secret: string;
  /** Which form of it: raw, base64, base64url, url-encoded, hex, or an extra form. */
  form: string;
  /** The text around it. */
  excerpt: string;
}

/** The forms of a secret to look for: itself, base64 (and base64url), URL-encoded and hex, and its extra forms. */
export function secretForms(secret: Secret): { form: string; text: string }[] {
  const bytes = Buffer.from(secret.value, 'utf8');
  const forms = [
    { form: 'raw', text: secret.value },
    { form: 'base64', text: bytes.toString('base64') },
    // without the padding, which depends on what follows the secret when it is encoded with other text
    { form: 'base64 (unpadded)', text: bytes.toString('base64').replace(/=+$/, '') },
    { form: 'base64url', text: bytes.toString('base64url') },
    { form: 'url-encoded', text: encodeURIComponent(secret.value) },
    { form: 'form-encoded', text: new URLSearchParams({ s: secret.value }).toString().slice(2) },
    { form: 'hex', text: bytes.toString('hex') },
    ...(secret.extra ?? []).map((text, i) => ({ form: `extra ${i + 1}`, text })),
  ];
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= 8 && !seen.has(f.text) && seen.add(f.text));
}

/** Every place where `text` holds a form of a secret. */
export function findSecrets(where: string, text: string, secrets: readonly Secret[]): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const secret of secrets) {
    for (const { form, text: needle } of secretForms(secret)) {
      const at = text.indexOf(needle);
      if (at < 0) continue;
      hits.push({
        where,
        secret: secret.name,
        form,
        excerpt: text.slice(Math.max(0, at - 80), at + needle.length + 80),
      });
    }
  }
  return hits;
}
