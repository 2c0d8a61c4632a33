import { csvField, jsonForTerminal, neutralise, printableJson } from './printable-text';

const hostile = 'Gold\u001b[2J\u001b]0;owned\u0007\u009b31m\u202eevil\u061c\r\n';

describe('printable text: what a visitor wrote, safe for terminals and spreadsheets', () => {
  it('shows every control, C1 and bidi character as an escape', () => {
    expect(neutralise(hostile)).toBe('Gold\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m\\u202eevil\\u061c\\u000d\\u000a');
    expect(neutralise('Zoë 😀')).toBe('Zoë 😀');
  });

  it('writes JSON that parses to the same value and holds nothing a terminal acts on', () => {
    for (const json of [printableJson({ claimedUserId: hostile }), jsonForTerminal({ claimedUserId: hostile })]) {
      // eslint-disable-next-line no-control-regex
      const actedOn = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
      expect(json.replace(/\n/g, '')).not.toMatch(actedOn);
      expect(JSON.parse(json)).toEqual({ claimedUserId: hostile });
    }
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['x;=1+1', "x;'=1+1"],
    ['x,=1+1', `"x,'=1+1"`],
    ['a;b;-2;@SUM(A1)', "a;b;'-2;'@SUM(A1)"],
    ['\tcmd', '\\u0009cmd'],
    ['say "hi"', '"say ""hi"""'],
    ['2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
  ])('CSV field %j is %s: no cell a `,` or `;` reader starts can be a formula', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('keeps a field on its line: no raw line break or escape sequence inside it', () => {
    expect(csvField(`usr_1\r\nforged,verified`)).toBe('"usr_1\\u000d\\u000aforged,verified"');
  });
});
