-- Operators and casts as PostgreSQL resolves them; checked integer arithmetic.
select 1 + 2, 2147483647 + 1, 7 / 2, 7 % 3, -(-2147483648);
select qty * 2, qty::bigint * 2, qty / 0 from items;
select 1.5 + 2, 10 / 4.0, 2 ^ 10, |/ 16, @ -5;
select price * qty, round(price, 1), trunc(price) from items;
select score / 3, score::int, score::numeric(10,2) from items;
select '1'::int, '1.5'::numeric, 'true'::boolean, '2024-01-02'::date, '1 day'::interval;
select cast('abc' as varchar(2)), 'abc'::char(5), 'x'::text || 1;
select code || 'x', code = 'ab', length(code) from items;
select E'a\tb', $$dollar 'quoted'$$, U&'\0041';
select 1 is distinct from null, null is not distinct from null, qty is null from items;
select case when qty > 5 then 'many' when qty > 0 then 'some' else 'none' end from items;
select case qty when 1 then 'one' else 'other' end from items;
select coalesce(price, 0), nullif(qty, 0), greatest(1, 2, null), least('b', 'a') from items;
select active and qty > 0, not active, active is true, active is unknown from items;
select name like 'a%', name ilike 'Ä%', name not like '%z', name similar to '(a|b)%' from items;
select name ~ '^a', name ~* 'B', name !~ 'x', name !~* 'y' from items;
select qty between 1 and 10, qty not between symmetric 10 and 1 from items;
select qty in (1, 2, 3), qty not in (4, null) from items;
select 'a' < 'b', 'a' collate "C" < 'B';
select created + interval '1 day', created - created, now() - interval '1 hour' from items;
select date '2024-01-31' + 1, date '2024-03-01' - date '2024-02-01', date '2024-01-01' + time '10:00';
select created at time zone 'UTC', created::date, extract(year from created) from items;
select 12::int2 * 3000::int2;
select x'0f'::bytea, '\x0102'::bytea || '\x03'::bytea, data from items;
select '192.168.0.1'::text, 1::oid, 'items'::regclass, 'int4'::regtype;
select tags[1], tags[2:3], array_length(tags, 1), cardinality(tags) from items;
select doc -> 'a', doc ->> 'b', doc #> '{a,b}', doc @> '{"a":1}', doc ? 'k' from items;

-- row constructors: IS NULL per field; comparisons pair by pair, the first unequal pair deciding
select row(qty, name) is null, row(qty, name) is not null from items;
select id from items where (qty, id) > ($1, $2) order by qty, id limit 10;
select (1, 'a') = (1, 'a'), (1, 2) <> (1, 3), (qty, id) in ((1, 2), (3, 4)) from items;
