-- SELECT: names resolved against the catalog, aliases made unique, PostgreSQL's column names.
select * from items;
select id, name from items where qty > 5 order by name desc limit 10 offset 5;
select i.name, o.total from items i join orders o on o.item_id = i.id;
select i.name, o.total from items i left join orders o on o.item_id = i.id and o.total > 10;
select * from items i right join orders o on o.item_id = i.id;
select * from items i full join orders o on o.item_id = i.id;
select * from items cross join kv;
select name from items natural join cheap;
select k from kv join (select 'a' as k) s using (k);
-- DISTINCT ON keeps the first row of each group in ORDER BY order.
select distinct on (qty) qty, name from items order by qty, name;
select distinct qty from items;
-- LATERAL: the subquery's rows gathered into JSON and unrolled by json_each.
select i.name, x.total from items i, lateral (select o.total from orders o where o.item_id = i.id order by o.placed desc limit 1) x;
select i.name, x.n from items i left join lateral (select count(*) as n from orders o where o.item_id = i.id) x on true;
select i.id, g from items i, lateral generate_series(1, i.qty) g;
-- Set operations; INTERSECT ALL / EXCEPT ALL by numbering duplicates.
select id from items union select id from orders order by 1;
select id from items union all select id from orders;
select id from items intersect all select item_id from orders;
select id from items except all select item_id from orders order by 1 limit 3;
-- CTEs, recursive ones, and WITH on INSERT.
with cheap_ids as (select id from items where price < 5) select count(*) from cheap_ids;
with recursive n(i) as (select 1 union all select i + 1 from n where i < 10) select sum(i) from n;
-- FETCH FIRST, LIMIT with expressions and negative counts.
select id from items order by id fetch first 3 rows only;
select id from items limit (select count(*) from kv);
select id from items limit -1;
select id from items offset -2;
-- FOR UPDATE is accepted (SQLite locks the whole database for writes).
select id from items where id = 1 for update;
-- Subqueries: scalar (checked for a second row), EXISTS, IN, row IN, ANY/ALL.
select name, (select max(total) from orders o where o.item_id = i.id) from items i;
select name, (select total from orders o where o.item_id = i.id) from items i;
select name from items i where exists (select 1 from orders o where o.item_id = i.id);
select name from items where id in (select item_id from orders);
select name from items where (id, qty) in (select item_id, 1 from orders);
select name from items where price > all (select total from orders);
select name from items where id = any (array[1, 2, 3]);
-- Whole-row references.
select row_to_json(i) from kv i;
select json_agg(k order by k.k) from kv k;
-- Set-returning functions in the select list become a lateral function scan.
select generate_series(1, 3);
select id, unnest(tags) from items;
