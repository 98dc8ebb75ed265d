/** Escaping helpers for building HTML outputs by hand. */

/** Escapes text for HTML element content and (double- or single-quoted) attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Makes JavaScript source safe inside an HTML `<script>` element: `</script` and `<!--` (which would end
 * or confuse the element) become `\x3C/script` and `\x3C!--`, which mean the same inside JS strings
 * and regular expressions.
 */
export function escapeScriptContent(source: string): string {
  return source.replace(/<\/(script)/gi, '\\x3C/$1').replace(/<!--/g, '\\x3C!--');
}

/** JSON that can be pasted into a `<script>`: `<`, U+2028 and U+2029 are written as `\u` escapes. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
