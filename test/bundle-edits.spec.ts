import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const EDITS = pathToFileURL(resolve('scripts', 'bundle-edits.mjs')).href;
const CODEC = pathToFileURL(
  resolve('node_modules', '@jridgewell', 'sourcemap-codec', 'dist', 'sourcemap-codec.mjs'),
).href;

/** Runs `body` as an ES module beside scripts/bundle-edits.mjs (a build script, not compiled for jest) and returns what it printed as JSON. */
function runWithEdits(body: string): unknown {
  const module = `import { applyEdits, functionsLeftUnnamed } from ${JSON.stringify(EDITS)};
import { decode, encode } from ${JSON.stringify(CODEC)};
import { runInNewContext } from 'node:vm';
${body}`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', module], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

// esbuild's keepNames output, as it writes it: the helper, a renamed class named in a static block,
// functions named where they are made, and a declaration named after it.
const KEPT_NAMES = [
  'var __defProp=Object.defineProperty;',
  'var __name=(target,value)=>__defProp(target,"name",{value,configurable:!0});',
  'var Loader=class _Loader{static{__name(this,"Loader")}context(){return _Loader.name}};',
  'var handler=__name(request=>request+1,"handler");',
  'var choose=__name(Math.random()<2?function(){return 1}:function(){return 2},"choose");',
  'var either=null||__name(function(){return 3},"either");',
  'function declared(){return 4}__name(declared,"declared");',
  'var made=[1,2].map(__name(function twice(n){return n*2},"twice"));',
  'var named={handler:__name(()=>5,"handler")};',
  'var result={loader:new Loader().context(),handler:handler.name,answer:handler(1),choose:choose(),either:either(),',
  'declared:declared(),made,named:named.handler.name};',
].join('\n');

describe('the edits made to the production bundle after esbuild (scripts/bundle-edits.mjs)', () => {
  it('moves every mapped column after an edit on its line by what the edit added or removed', () => {
    const moved = runWithEdits(`
const code = 'ab;cd;ef\\ngh';
const map = { version: 3, sources: ['a.js'], names: [], mappings: encode([[[0, 0, 0, 0], [3, 0, 0, 3], [4, 0, 0, 4], [6, 0, 0, 6]], [[0, 0, 1, 0]]]) };
const edited = applyEdits(code, map, [{ start: 3, end: 5, text: 'XYZW' }, { start: 0, end: 1, text: '' }]);
console.log(JSON.stringify({ code: edited.code, columns: decode(edited.map.mappings).map((line) => line.map((s) => s[0])) }));
`);
    // 'a' removed (-1); 'cd' -> 'XYZW' (+2): the segment inside the replaced text lands at its start.
    expect(moved).toEqual({ code: 'b;XYZW;ef\ngh', columns: [[0, 2, 2, 7], [0]] });
  });

  it('refuses edits that overlap or cross a line, so a map cannot silently go wrong', () => {
    const refused = runWithEdits(`
const map = { version: 3, sources: [], names: [], mappings: '' };
const attempt = (edits) => { try { applyEdits('abc\\ndef', map, edits); return 'applied'; } catch (error) { return error.message; } };
console.log(JSON.stringify([attempt([{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }]), attempt([{ start: 2, end: 5, text: '' }])]));
`);
    expect(refused).toEqual([expect.stringContaining('overlap'), expect.stringContaining('adds or removes a line')]);
  });

  it("leaves keepNames' names on classes only: functions are what they were without it, and behave the same", () => {
    const outcome = runWithEdits(`
const code = ${JSON.stringify(KEPT_NAMES)};
const edited = applyEdits(code, { version: 3, sources: [], names: [], mappings: '' }, functionsLeftUnnamed(code)).code;
const run = (source) => runInNewContext(source + ';result', { Math });
console.log(JSON.stringify({ before: run(code), after: run(edited), calls: edited.match(/__name\\(/g).length, edited }));
`) as { before: Record<string, unknown>; after: Record<string, unknown>; calls: number; edited: string };
    expect(outcome.after).toEqual(outcome.before);
    expect(outcome.after).toMatchObject({ loader: 'Loader', handler: 'handler', named: 'handler', made: [2, 4] });
    // The class's static block is the one call left; no function is renamed as it is made.
    expect(outcome.calls).toBe(1);
    expect(outcome.edited).toContain('var handler=request=>request+1;');
    expect(outcome.edited).toContain('var either=null||(function(){return 3});');
  });

  it('refuses a bundle where __name is defined twice: a library of its own would have its calls taken', () => {
    expect(() => runWithEdits(`functionsLeftUnnamed(${JSON.stringify(`${KEPT_NAMES}\nvar __name=1;`)});`)).toThrow(
      /esbuild no longer writes __name/,
    );
  });
});
