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
