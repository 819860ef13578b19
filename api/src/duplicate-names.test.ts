import fc from 'fast-check';
import { repeatedTopLevelName } from './duplicate-names';

describe('repeatedTopLevelName', () => {
  it.each([
    ['{"title":"a","title":"b"}', 'title'],
    ['{ "title" : "a" , "description" : "" , "title" : "b" }', 'title'],
    ['{"t\\u0069tle":"a","title":"b"}', 'title'],
    ['{"a":{"x":1},"b":[1,{"y":2}],"a":3}', 'a'],
    ['{"":1,"":2}', ''],
  ])('finds the repeat in %s', (text, name) => {
    expect(repeatedTopLevelName(text)).toBe(name);
  });

  it.each([
    '{"title":"a","description":"title"}',
    '{"a":{"x":1,"x":2}}',
    '["a","a"]',
    '"a"',
    '{"a":"\\"a\\":1,\\"a\\":2"}',
    '{"title":',
    '{"title":"a',
    '',
  ])('finds none in %s', (text) => {
    expect(repeatedTopLevelName(text)).toBeUndefined();
  });

  it('finds none in any JSON.stringify output, and the one repeated otherwise', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.string(), (obj, name) => {
        const text = JSON.stringify(obj);
        expect(repeatedTopLevelName(text)).toBeUndefined();
        const twice = `{${JSON.stringify(name)}:1,${text.slice(1, -1)}${text === '{}' ? '' : ','}${JSON.stringify(name)}:2}`;
        expect(repeatedTopLevelName(twice)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });
});
