-- Conditional expressions and boolean logic.
select case when 1 > 2 then 'a' when 2 > 1 then 'b' else 'c' end, case 2 when 1 then 'one' when 2 then 'two' end;
select case when false then 1 end, case 1 when 2 then 'x' else null end;
select case when true then 1 else 2.5 end, pg_typeof(case when true then 1 else 2.5 end);
select case when true then 'a' else 1 end;
select coalesce(null, null, 3), coalesce(null::text, 'x'), coalesce(1, 2), pg_typeof(coalesce(1, 2.0));
select nullif(1, 1), nullif(1, 2), nullif('a', 'b'), nullif(null, 1);
select true and null, false and null, true or null, false or null, not null::bool;
select null is null, 1 is not null, null::int is distinct from 1, null is not distinct from null, 1 is distinct from 1;
select true is true, null::bool is unknown, false is not true, null::bool is not false;
select 1 = 1 and 2 = 2, (1 < 2) = true, 'a' <> 'b', 1 != 2;
select case when x > 1 then 'big' else 'small' end as size, x from (values (1), (2)) t(x) order by x;
select greatest('a', 'b', 'c'), least('b', 'a'), greatest(1.5, 2), pg_typeof(greatest(1, 2.5));
select num_nulls(1, null, 2, null), num_nonnulls(1, null, 2);
select coalesce();
-- row constructors: IS [NOT] NULL field by field, comparisons pair by pair (keyset pagination)
create table rowcmp (a int, b text);
insert into rowcmp values (null, null), (1, null), (1, 'x'), (2, 'a');
select r is null, r is not null from (values (null::int, null::text), (1, null), (1, 'x')) r(a, b);
select row(1, null) is null, row(null, null) is null, row(1, 2) is not null, row(null, null) is not null, row() is null;
select a, b, rowcmp is null, rowcmp is not null from rowcmp order by a nulls first, b nulls first;
select count(*) from rowcmp where rowcmp is not null;
select (1, 'a') = (1, 'a'), (1, 2) < (1, 3), (1, null) = (1, 2), (1, null) <> (2, 1), (2, null) > (1, 5), (1, null) > (1, 5), (1, 2, 3) >= (1, 2, 4);
select a, b from rowcmp where (a, b) > (1, 'a') order by a, b;
select a, b from rowcmp where (a, b) = (1, 'x');
select a, b from rowcmp where (a, b) in ((1, 'x'), (2, 'a')) order by a;
select a, b from rowcmp where (a, b) not in ((1, 'x'), (3, 'z')) order by a;
select (1, 2) = (1, 2, 3);
