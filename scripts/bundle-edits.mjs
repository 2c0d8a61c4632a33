// Edits made to the bundle after esbuild wrote it, with its source map kept true: every mapped
// column after an edit on the same line moves by what the edit added or removed, so a stack trace
// read through service.js.map still lands on the original file, line and column.
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { parse } from 'acorn';
import { ancestor } from 'acorn-walk';

/**
 * Applies `edits` ({ start, end, text }: the characters start..end of `code` become `text`) to
 * `code` and its source map. Edits may not overlap, nor add or remove a line.
 */
export function applyEdits(code, map, edits) {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const lineStarts = [0];
  for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineOf = (at) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const parts = [];
  const byLine = new Map();
  let copied = 0;
  for (const edit of sorted) {
    if (edit.start < copied) throw new Error(`bundle edits overlap at ${edit.start}`);
    if (code.slice(edit.start, edit.end).includes('\n') || edit.text.includes('\n'))
      throw new Error(`a bundle edit at ${edit.start} adds or removes a line`);
    parts.push(code.slice(copied, edit.start), edit.text);
    copied = edit.end;
    const line = lineOf(edit.start);
    const column = edit.start - lineStarts[line];
    if (!byLine.has(line)) byLine.set(line, []);
    byLine
      .get(line)
      .push({ start: column, end: column + edit.end - edit.start, added: edit.text.length - (edit.end - edit.start) });
  }
  parts.push(code.slice(copied));
  const lines = decode(map.mappings);
  for (const [line, lineEdits] of byLine) {
    if (!lines[line]) continue;
    for (const segment of lines[line]) {
      let moved = 0;
      for (const edit of lineEdits) {
        if (segment[0] >= edit.end) moved += edit.added;
        else if (segment[0] > edit.start) moved += edit.start - segment[0];
      }
      segment[0] += moved;
    }
  }
  return { code: parts.join(''), map: { ...map, mappings: encode(lines) } };
}

/**
 * Whether a function expression may stand without parentheses where `node` was: the places
 * esbuild, naming nothing, writes one bare. Elsewhere (an operand, a callee, the start of a
 * statement) it keeps the call's parentheses.
 */
function standsBare(node, parent) {
  switch (parent.type) {
    case 'AssignmentExpression':
      return parent.right === node;
    case 'VariableDeclarator':
    case 'PropertyDefinition':
      return parent.init === node || parent.value === node;
    case 'Property':
      return parent.value === node;
    case 'ArrayExpression':
    case 'ReturnStatement':
      return true;
    case 'CallExpression':
    case 'NewExpression':
      return parent.callee !== node;
    case 'ConditionalExpression':
      return parent.test !== node;
    case 'SequenceExpression':
      return parent.expressions[0] !== node;
    default:
      return false;
  }
}

/**
 * esbuild's keepNames gives every class, and every named function, the name its source gave it:
 * `__name(target, "Name")` after esbuild renamed or minified it. Classes need it (`_InstanceLoader`,
 * `GenesysClient2` otherwise: Nest and our loggers read `.name`), and esbuild names them once, in a
 * static block. For functions the call sets a property on every function object as it is made,
 * closures made per request included: a fifth of the config endpoint's throughput. These edits
 * take it off functions and leave it on classes: a function expression stands where the call was (a
 * function assigned to a name takes that name, as without keepNames), and the call after a
 * function declaration goes (the declaration names it).
 */
export function functionsLeftUnnamed(code) {
  // Only esbuild's helper is taken for it: a library's own __name would have made esbuild rename one of the two.
  const helpers = code.match(/(?<![\w$.])__name=/g)?.length ?? 0;
  if (helpers === 0) return [];
  if (helpers !== 1) throw new Error('esbuild no longer writes __name as this build expects');
  const edits = [];
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
  ancestor(ast, {
    CallExpression(node, _state, ancestors) {
      if (node.callee.type !== 'Identifier' || node.callee.name !== '__name' || node.arguments.length !== 2) return;
      const [target, name] = node.arguments;
      if (target.type === 'ThisExpression' || target.type === 'ClassExpression') return;
      if (name.type !== 'Literal' || typeof name.value !== 'string')
        throw new Error(`__name at ${node.start} is not written as this build expects`);
      const parent = ancestors[ancestors.length - 2];
      if (target.type === 'Identifier') {
        // After a function declaration: `__name(f, "f");` goes; inside an expression, `f` stands.
        if (parent.type === 'ExpressionStatement' && parent.expression === node)
          edits.push({ start: parent.start, end: parent.end, text: ';' });
        else edits.push({ start: node.start, end: node.end, text: target.name });
        return;
      }
      // Any other expression (a choice between two functions) keeps the call's parentheses.
      const isFunction = target.type === 'FunctionExpression' || target.type === 'ArrowFunctionExpression';
      const bare = isFunction && standsBare(node, parent);
      edits.push({ start: node.start, end: target.start, text: bare ? '' : '(' });
      edits.push({ start: target.end, end: node.end, text: bare ? '' : ')' });
    },
  });
  return edits;
}
