-- float NaN: SQLite makes a NaN double NULL, so the engine holds a float NaN as the text
-- 'NaN' (src/backend/sqlite_internal.h).  A NaN literal is pgw_float_nan() (that text);
-- every float operation SQLite's own operators would read 'NaN' as 0 in goes through a pgw_
-- function that reads it back as NaN.
select 'NaN'::float8, 'NaN'::real, 'NaN'::float8 > 'Infinity'::float8, score = 'NaN' from items;
select -score, abs(score), @score, -(score::real), abs(score::real), degrees(score), radians(score) from items;
select sum(score), avg(score), sum(score::real), avg(score::real), min(score), max(score) from items;
select sum(distinct score) from items;
select avg(score) over (order by id rows between 1 preceding and current row) from items;
-- a parameter: the backend binds a NaN as the text 'NaN'
select $1::float8 + score from items;
insert into orders (id, total) values (1, 'NaN');
