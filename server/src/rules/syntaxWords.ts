/**
 * The parsers' syntax messages in words a user understands (the `yaml` package's and jsonc-parser's own
 * wording names their internals: "implicit map key", "flow collection"). Unknown messages pass as they are.
 */
const WORDS: [RegExp, (m: RegExpExecArray) => string][] = [
  // YAML (the `yaml` package)
  [/^Implicit keys (?:of flow sequence pairs )?need to be on a single line/, () => 'This line does not read as `key: value`: a colon after a key may be missing here or on the line above, or the indentation is off.'],
  [/^Implicit map keys need to be followed by map values/, () => 'A key without a value: write `key: value` (a colon and a space after the key), or remove the line.'],
  [/^A block sequence may not be used as an implicit map key/, () => 'This list item (`- …`) is not indented like the items around it: line the dashes up.'],
  [/^Nested mappings are not allowed in compact mappings/, () => 'Two `key: value` pairs on one line: put the second on a line of its own, or quote a value that holds `: `.'],
  [/^All (sequence|mapping|collection) items must start at the same column/, () => 'The items here start at different columns: indent them alike (spaces only).'],
  [/^(Map keys must be unique|Duplicate key "?([^"]*)"?)/, () => 'This key appears twice in the same mapping: keep one.'],
  [/^Missing closing "?(["'])?quote/, (m) => `A ${m[1] === "'" ? 'single' : 'double'} quote opened here is never closed: close it on the same line.`],
  [/^Missing closing quote/, () => 'A quote opened here is never closed: close it on the same line.'],
  [/^Missing ,? ?(?:or : )?between .* items/, () => 'Items of this `[ … ]` or `{ … }` need a comma between them.'],
  [/^Missing space after : in/, () => 'Put a space after the colon.'],
  [/^Tabs are not allowed as indentation/, () => 'A tab indents this line: YAML indents with spaces only.'],
  [/^Unexpected (?:scalar|flow-seq-end|flow-map-end|map-value-ind|\S+) at node end/, () => 'Unexpected text after the value on this line: quote the value, or remove the extra text.'],
  [/^Plain value cannot start with (.+)/, (m) => `A value cannot start with ${m[1].trim()} unquoted: put the value in quotes.`],
  [/^Comments must be separated from other tokens/, () => 'Put a space before `#`, or quote the value if the `#` belongs to it.'],
  [/^Flow (?:sequence|mapping) in block collection must be sufficiently indented and end with a ([\]}])/, (m) => `The \`${m[1] === ']' ? '[' : '{'}\` opened here is not closed: end it with \`${m[1]}\` (and indent its lines more than the key).`],
  [/^Sequence item without - indicator/, () => 'A list item without its dash: start it with `- `.'],
  [/^Unexpected , in/, () => 'A comma where none belongs (an empty item or a trailing comma): remove it.'],
  [/^Unexpected empty item in/, () => 'An empty item between two commas: remove one comma.'],
  [/^Unresolved tag: (.+)/, (m) => `The YAML tag ${m[1].trim()} is not one ecmkit reads: remove it.`],
  [/^Invalid escape sequence (.+)/, (m) => `${m[1].trim()} is not an escape double-quoted YAML knows: write \`\\\\\` for a backslash, or use single quotes.`],
  [/^Unexpected (?:end|document|doc-end|flow-error-end) /, () => 'The file ends or breaks off here in the middle of a value.'],
  // JSON (jsonc-parser, as parseJson.ts words its codes)
  [/^JSON: colon expected/, () => 'A `:` is missing after the key.'],
  [/^JSON: comma expected/, () => 'A `,` is missing between two items.'],
  [/^JSON: value expected/, () => 'A value is missing here (or a comma too many before a closing bracket).'],
  [/^JSON: property name expected/, () => 'A key in double quotes is expected here (or a comma too many before `}`).'],
  [/^JSON: close brace expected/, () => 'A `{` is not closed: add `}`.'],
  [/^JSON: close bracket expected/, () => 'A `[` is not closed: add `]`.'],
  [/^JSON: unexpected end of string/, () => 'A string is not closed: add the closing `"` on the same line.'],
  [/^JSON: end of file expected/, () => 'Text after the end of the JSON value: remove it.'],
  [/^JSON: invalid symbol/, () => 'This is not JSON: values are "strings" in double quotes, numbers, true, false, null, [ … ] or { … }.'],
  [/^JSON: invalid (?:comment token|number format|unicode|escape character|character)/, (m) => `${m[0].slice(6, 7).toUpperCase()}${m[0].slice(7)} here.`],
];

export function inUserWords(message: string): string {
  for (const [re, say] of WORDS) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}
