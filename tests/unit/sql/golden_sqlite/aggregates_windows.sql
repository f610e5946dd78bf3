-- Aggregates (sorted ones sort in their finalizer) and window functions with frames.
select count(*), count(price), count(distinct qty) from items;
select qty, count(*) from items group by qty having count(*) > 1 order by 2 desc;
select active, sum(qty) filter (where qty > 2) from items group by 1;
select string_agg(name, ',' order by qty, name), array_agg(name order by name) from items;
select percentile_cont(0.5) within group (order by price), mode() within group (order by qty) from items;
select grouping(qty), qty, sum(price) from items group by rollup (qty);
select row_number() over (order by id), rank() over (order by qty), dense_rank() over (order by qty desc) from items;
select sum(qty) over (partition by active order by id rows between 1 preceding and current row) from items;
select avg(price) over (order by created range between interval '1 day' preceding and current row) from items;
select lag(qty) over w, lead(qty, 2, 0) over w, first_value(name) over w, last_value(name) over w from items window w as (order by id);
select nth_value(name, 2) over (order by id rows between unbounded preceding and unbounded following) from items;
select ntile(4) over (order by id), percent_rank() over (order by qty), cume_dist() over (order by qty) from items;
select sum(price) over (), count(*) over (partition by qty) from items;
select string_agg(name, ',') over (order by id) from items;
select qty, sum(qty) over (order by qty groups between 1 preceding and 1 following) from items;
select sum(qty) over (order by id rows between current row and 2 following exclude current row) from items;
