import { parseCommandLine } from './shell-words.js';

describe('parseCommandLine', () => {
  it.each([
    ['true', [['true']]],
    ['  mkdir\t-p  a/b  ', [['mkdir', '-p', 'a/b']]],
    ["echo ''", [['echo', '']]],
    ["echo 'it'\\''s' x", [['echo', "it's", 'x']]],
    ["printf %s 'a b'c'd'", [['printf', '%s', 'a bcd']]],
    ["echo 'line\nnext' '$HOME' '*'", [['echo', 'line\nnext', '$HOME', '*']]],
    ['echo \\$\\ x', [['echo', '$ x']]],
    ['echo \\😀', [['echo', '😀']]],
    ["'X=1' run", [['X=1', 'run']]],
    ['run X=1', [['run', 'X=1']]],
    ['mkdir -p d && test -d d&&echo ok', [['mkdir', '-p', 'd'], ['test', '-d', 'd'], ['echo', 'ok']]],
  ])('reads %j', (text, commands) => {
    expect(parseCommandLine(text)).toEqual({ kind: 'commands', commands });
  });

  it.each([
    ['', 'empty command at offset 0'],
    ['   ', 'empty command at offset 3'],
    ['&& true', 'empty command before && at offset 0'],
    ['true &&', 'empty command after && at offset 7'],
    ['true && && true', 'empty command before && at offset 8'],
    ['a; b', '";" at offset 1'],
    ['a | b', '"|" at offset 2'],
    ['a || b', '"|" at offset 2'],
    ['a & b', '"&" at offset 2'],
    ['a > f', '">" at offset 2'],
    ['echo "x"', '"\\"" at offset 5'],
    ['echo $x', '"$" at offset 5'],
    ['echo `id`', '"`" at offset 5'],
    ['ls *', '"*" at offset 3'],
    ['cd ~', '"~" at offset 3'],
    ['# comment', '"#" at offset 0'],
    ['echo a\necho b', '"\\n" at offset 6'],
    ["echo 'open", 'unterminated quote at offset 5'],
    ['echo \\', 'dangling backslash at offset 5'],
    ['FOO=1 run', 'environment assignment at offset 5'],
    ["FOO='1' run", 'environment assignment at offset 7'],
  ])('refuses %j', (text, reason) => {
    expect(parseCommandLine(text)).toEqual({ kind: 'unsupported', reason });
  });
});
