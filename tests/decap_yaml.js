// Decap CMS's YAML format, exactly as the CMS writes a task file when a clerk saves the web
// form: decap-cms-core src/formats/yaml.ts (fromFile, toFile) and backend.ts entryToRaw (the
// final newline), with the `yaml` package version decap-cms-core bundles (1.10.2, pinned in
// tests/package.json). Used by tests/test_cms_rewrite.py and tests/test_fmt.py.
//
// Reads one JSON array of requests from stdin and writes one JSON array of answers:
//   {"op": "parse", "text": "..."}                 -> {"data": ...} or {"error": "..."}
//   {"op": "stringify", "data": {...}, "fields": [...], "comments": {...}}
//                                                  -> {"text": "..."}
//   {"op": "rewrite", "text": "...", "fields": [...], "comments": {...}}
//                                                  -> {"text": "..."} (parse, then stringify)
// `fields` is the collection's field order (Decap's fieldsOrder: the names of the fields of
// config.yml, in order), `comments` the fields' `comment` settings (selectFieldsComments).
'use strict';

const yaml = require('yaml');

// -- decap-cms-core src/formats/helpers.ts ---------------------------------------------------
function sortKeys(sortedKeys, selector = a => a) {
  return (a, b) => {
    const idxA = sortedKeys.indexOf(selector(a));
    const idxB = sortedKeys.indexOf(selector(b));
    if (idxA === -1 || idxB === -1) return 0;
    if (idxA > idxB) return 1;
    if (idxA < idxB) return -1;
    return 0;
  };
}

// -- decap-cms-core src/formats/yaml.ts ------------------------------------------------------
function addComments(items, comments, prefix = '') {
  items.forEach(item => {
    if (item.key !== undefined) {
      const itemKey = item.key.toString();
      const key = prefix ? `${prefix}.${itemKey}` : itemKey;
      if (comments[key]) {
        const value = comments[key].split('\\n').join('\n ');
        item.commentBefore = ` ${value}`;
      }
      if (Array.isArray(item.value && item.value.items)) {
        addComments(item.value.items, comments, key);
      }
    }
  });
}

const timestampTag = {
  identify: value => value instanceof Date,
  default: true,
  tag: '!timestamp',
  test: RegExp(
    '^' +
      '([0-9]{4})-([0-9]{2})-([0-9]{2})' + // YYYY-MM-DD
      'T' + // T
      '([0-9]{2}):([0-9]{2}):([0-9]{2}(\\.[0-9]+)?)' + // HH:MM:SS(.ss)?
      'Z' + // Z
      '$',
  ),
  resolve: str => new Date(str),
  stringify: value => value.toISOString(),
};

function fromFile(content) {
  if (content && content.trim().endsWith('---')) {
    content = content.trim().slice(0, -3);
  }
  const doc = yaml.parseDocument(content, { customTags: [timestampTag], prettyErrors: true });
  if (doc.errors.length > 0) {
    const messages = doc.errors.map(e => e.message).join('\n');
    throw new Error(`YAML parsing error:\n${messages}`);
  }
  return doc.toJSON();
}

function toFile(data, sortedKeys = [], comments = {}) {
  const contents = yaml.createNode(data);
  addComments(contents.items, comments);
  contents.items.sort(sortKeys(sortedKeys, item => item.key && item.key.toString()));
  const doc = new yaml.Document();
  doc.contents = contents;
  return doc.toString();
}

// -- decap-cms-core src/backend.ts entryToRaw ------------------------------------------------
function entryToRaw(data, fields, comments) {
  let content = toFile(data, fields, comments);
  if (content.slice(-1) != '\n') {
    content += '\n';
  }
  return content;
}

function answer(request) {
  try {
    if (request.op === 'parse') {
      return { data: fromFile(request.text) };
    }
    if (request.op === 'stringify') {
      return { text: entryToRaw(request.data, request.fields || [], request.comments || {}) };
    }
    if (request.op === 'rewrite') {
      const data = fromFile(request.text);
      return { text: entryToRaw(data, request.fields || [], request.comments || {}) };
    }
    return { error: `unknown op ${request.op}` };
  } catch (error) {
    return { error: String(error && error.message) };
  }
}

const chunks = [];
process.stdin.on('data', chunk => chunks.push(chunk));
process.stdin.on('end', () => {
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(JSON.stringify(requests.map(answer)));
});
