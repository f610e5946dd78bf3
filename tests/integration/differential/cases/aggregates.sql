-- Aggregates, GROUP BY, HAVING, FILTER, DISTINCT, ORDER BY inside aggregates.
create table sales (id int primary key, region text not null, product text, qty int, price numeric(10,2), sold_on date, ok bool);
insert into sales values
  (1, 'north', 'apple', 10, 1.50, '2024-01-01', true),
  (2, 'north', 'pear', 5, 2.00, '2024-01-02', true),
  (3, 'south', 'apple', 7, 1.55, '2024-01-02', false),
  (4, 'south', 'plum', null, 3.10, '2024-01-03', true),
  (5, 'east', 'apple', 2, null, null, null),
  (6, 'north', 'apple', 1, 1.45, '2024-01-05', true);
select count(*), count(qty), count(distinct region), sum(qty), min(qty), max(qty) from sales;
select pg_typeof(count(*)), pg_typeof(sum(qty)), pg_typeof(avg(qty)), pg_typeof(sum(price)), pg_typeof(max(price)) from sales;
select region, count(*), sum(qty) from sales group by region order by region;
select region, count(*) from sales group by region having count(*) > 1 order by 1;
select region, sum(qty) filter (where product = 'apple') as apples, count(*) filter (where ok) from sales group by region order by region;
select product, count(*) from sales group by 1 order by 2 desc, 1;
select string_agg(product, ',' order by id) from sales;
select string_agg(distinct product, ', ') from sales;
select region, string_agg(product, '/' order by product desc) from sales group by region order by region;
select string_agg(product, ',') filter (where qty > 4) from sales;
select array_agg(qty order by qty nulls first), array_agg(distinct region) from sales;
select bool_and(ok), bool_or(ok), every(qty > 0) from sales;
select bit_and(qty), bit_or(qty) from sales;
select min(product), max(product), min(sold_on), max(sold_on) from sales;
select count(*) from sales where false;
select sum(qty), max(product), array_agg(id), string_agg(product, ',') from sales where false;
select region from sales group by region order by count(*) desc, region;
select region, product, count(*) from sales group by region, product order by 1, 2;
select count(*) from (select distinct region from sales) t;
select distinct region from sales order by region;
select distinct on (region) region, product, qty from sales order by region, qty desc nulls last;
select distinct on (product) product, id from sales order by product, id;
select region, max(qty) - min(qty) as spread from sales group by region order by region;
select id, product from sales group by id order by id;
select product, qty from sales group by product;
select count(*) over (), region from sales where id < 3 order by region;
select sum(qty) from sales group by ();
select json_agg(product order by id) filter (where region = 'north') from sales;
select stddev(qty), variance(qty), stddev_pop(qty), var_pop(qty) from sales;
select max(length(product)), avg(length(product)) from sales;
select region, count(*) from sales where qty is not null group by region having sum(qty) > 5 order by region;
select region, product, sum(qty), grouping(region, product) from sales group by rollup (region, product) order by 4, 1, 2;
select region, product, count(*) from sales group by cube (region, product) order by grouping(region, product), 1, 2;
select region, sum(price) from sales group by grouping sets ((region), ()) order by grouping(region), 1;
select region, ok, count(*) from sales group by region, rollup (ok) order by 1, grouping(ok), 2;
select region, sum(qty) from sales group by rollup (region) having sum(qty) > 10 order by 1;
select grouping(region), region, count(*) from sales group by region order by 2;
select region, sum(qty) filter (where ok), string_agg(product, ',' order by id) from sales group by rollup (region) order by grouping(region), 1;
select region, percentile_cont(0.5) within group (order by qty), percentile_disc(0.5) within group (order by price), mode() within group (order by product) from sales group by region order by region;
select percentile_cont(0.9) within group (order by price desc), mode() within group (order by ok) from sales;
-- min/max of varchar are PostgreSQL's min/max(text): text, not varchar
select max(product::varchar(20)), min(region::varchar(5)), max('b'::varchar), pg_typeof(max('a'::varchar(3))) from sales;
-- aggregates' results carry no typmod (RowDescription), whatever their argument's
select max(price), min(product::varchar(20)), percentile_disc(0.5) within group (order by price), mode() within group (order by region::varchar(5)) from sales;
select price, product::varchar(20), '1.5'::numeric(4,2), 'ab'::char(3) from sales order by id limit 1;
