import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const normalise = (code: string) => code.replace(/\s+/g, ' ').trim();

/** The code blocks of docs/frontend.md, as a frontend developer copies them. */
function documentedBlocks(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'frontend.md'), 'utf8');
  return [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1].replace(/^ {3}/gm, ''));
}

describe("docs/frontend.md's snippet", () => {
  const page = normalise(readFileSync(join(ROOT, 'packages', 'genesys-emulator', 'assets', 'demo-shop.html'), 'utf8'));

  it('has the three steps', () => {
    expect(documentedBlocks()).toHaveLength(3);
  });

  // The browser tests drive the demo shop: what they prove holds for the documented code only while the page runs it.
  it.each(documentedBlocks().map((block, index) => [index + 1, block]))(
    'step %i runs in the demo shop unchanged, but for the loader host',
    (_step, block) => {
      const pointedAtTheEmulator = block.replace('https://apps.${config.region}', '${window.location.origin}');
      expect(page).toContain(normalise(pointedAtTheEmulator));
    },
  );
});
