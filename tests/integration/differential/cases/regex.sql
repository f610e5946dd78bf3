-- Regular expressions: operators and functions.
select 'abc' ~ 'b', 'abc' ~ '^b', 'ABC' ~* 'b', 'abc' !~ 'x', 'abc' !~* 'B';
select 'foo123' ~ '\d+', 'foo' ~ '^[a-z]+$', 'a.b' ~ 'a\.b', 'tab	x' ~ '\s';
select 'Ünïcödé' ~* 'ÜNÏ', 'naïve' ~ '^\w+$';
select regexp_replace('foo bar baz', 'a', 'X'), regexp_replace('foo bar baz', 'a', 'X', 'g');
select regexp_replace('Hello World', '(\w+) (\w+)', '\2 \1'), regexp_replace('abc', 'b', '[\&]');
select regexp_replace('aaa', 'a*', '-', 'g'), regexp_replace('abc', '', '-', 'g');
select regexp_replace('ABC abc', 'b', 'x', 'gi'), regexp_replace('a.b.c', '\.', '', 'g');
select regexp_replace('one two three', '\s+', ' ', 'g'), regexp_replace('2024-01-15', '(\d+)-(\d+)-(\d+)', '\3/\2/\1');
select regexp_match('foo123bar456', '\d+'), regexp_match('foo123bar', '([a-z]+)(\d+)'), regexp_match('abc', 'x');
select regexp_match('abc', '(a)(x)?');
select regexp_match('abc', 'b', 'g');
select regexp_matches('a1b22c333', '\d+', 'g');
select regexp_matches('abc', 'b');
select regexp_split_to_array('a,b,,c', ','), regexp_split_to_array('hello', ''), regexp_split_to_array('a1b2c3', '\d');
select regexp_split_to_array('  a  b ', '\s+');
select regexp_split_to_table('one two  three', '\s+');
select x, length(x) from regexp_split_to_table('a;bb;ccc', ';') as x;
select regexp_like('abc', 'B', 'i'), regexp_like('abc', '^a'), regexp_count('banana', 'an'), regexp_count('banana', 'a', 3);
select regexp_substr('abc123def456', '\d+'), regexp_substr('abc123def456', '\d+', 1, 2), regexp_substr('abc', 'x');
select substring('foobar' from 'o+b'), substring('foobar' from 'o(b)a'), substring('foobar' from 'x');
select substring('foobar' similar '%#"o_b#"%' escape '#');
select 'abc' ~ '(';
select regexp_replace('abc', 'b', 'x', 'z');
select 'x' ~ null, null ~ 'x', regexp_replace(null, 'a', 'b');
select 'line1
line2' ~ 'line1.line2', 'ab
' ~ 'b$';
