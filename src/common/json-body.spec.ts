import { jsonBody } from './json-body';

describe('jsonBody', () => {
  it('joins the parts into one UTF-8 buffer', () => {
    const body = jsonBody(['{"symbol":"ÄÖ€","bars":[', '{"a":1},{"b":"𝄞"}', '],"n":2}']);
    expect(body.toString('utf8')).toBe('{"symbol":"ÄÖ€","bars":[{"a":1},{"b":"𝄞"}],"n":2}');
    expect(JSON.parse(body.toString('utf8')).bars).toEqual([{ a: 1 }, { b: '𝄞' }]);
  });

  it('handles empty parts and no parts', () => {
    expect(jsonBody(['', '[]', '']).toString()).toBe('[]');
    expect(jsonBody([])).toHaveLength(0);
  });
});
