-- INSERT / UPDATE / DELETE: defaults from the catalog, coercions, RETURNING, ON CONFLICT.
insert into items (name) values ('a');
insert into items (name, qty) values ('b', 5), ('c', default) returning id, name;
insert into items default values;
insert into items (name, price) select k, 1.5 from kv;
insert into kv values ('a', 'x') on conflict (k) do update set v = excluded.v || kv.v where kv.v <> 'z' returning *;
insert into kv values ('a', 'x') on conflict do nothing;
insert into orders (id, item_id) values (1, 2147483648);
insert into items (name, qty) values ('d', '12'), ('e', 3.6);
update items set qty = qty + 1, note_missing = 1;
update items set qty = qty + 1 where name = 'a' returning qty;
update items i set qty = o.id from orders o where o.item_id = i.id;
update items set (qty, price) = (1, 2.5) where id = 3;
delete from items where qty = 0 returning name;
delete from items i using orders o where o.item_id = i.id;
with old as (select id from orders where total < 1) delete from orders where id in (select id from old);
with moved as (delete from orders returning id) select count(*) from moved;
-- Generated columns take only DEFAULT; identity columns their sequence.
insert into gen (a) values (1) returning b, c;
insert into gen (a, b) values (1, 2);
update gen set b = default;
update gen set b = 3;
insert into gen (a, c) values (1, 5);
insert into gen (a, c) overriding system value values (1, 5);
select nextval('ticket'), currval('ticket'), setval('ticket', 10, false), lastval();
truncate items, orders restart identity;

-- Data-modifying WITH: the DML runs first, its RETURNING rows kept in a temporary table the
-- rest of the statement reads; earlier WITH queries come along; parameters keep their numbers.
with gone as (delete from kv where k < $1 returning k, v), kept as (insert into gen (a) select length(v) from gone returning c) select (select count(*) from gone), count(*) from kept;
-- two of them on one table
with a as (delete from kv returning k), b as (update kv set v = '' returning k) select 1;
with a as (select 1 as v), ins as (insert into orders (total) select v from a returning id) select * from ins;
with upd as (update orders set total = total + 1 where id = $1 returning *) insert into gen (a) select id from upd;
-- no RETURNING: it runs, but cannot be read
with d as (delete from orders) select 1;
with d as (delete from orders) select * from d;
-- the rest of the statement must not use the table it changes
with d as (delete from orders returning id) select count(*) from orders;
with d as (delete from orders returning id) insert into orders (total) select id from d;
-- only at the top level
select * from (with d as (delete from orders returning id) select * from d) s;
-- a table the changed one references is not changed (orders references items)
with d as (delete from orders returning id) select count(*) from items;

-- A NULL for an integer primary key (SQLite's rowid would number it): PostgreSQL's 23502
insert into orders (id, total) values (1, 2), (null, 3), ($1, 4);
insert into orders (total) values (1);
insert into orders default values;
insert into orders (id, total) select id, 1 from items;
insert into orders (total) select 1 from items on conflict do nothing;
