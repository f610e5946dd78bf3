-- rule: multi-row VALUES is not accepted by IRIS: one INSERT per row, several statements of one plan
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_insert
insert into items (name, qty) values ('a', 1), ('b', $1), ('c', $2)

-- rule: ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c for the inserted columns is IRIS's INSERT OR UPDATE
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_insertorupdate
insert into kv (k, v) values ('a', 'x') on conflict (k) do update set v = excluded.v

-- rule: ON CONFLICT DO NOTHING: insert the row unless its key exists
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_insert
insert into kv (k, v) values ($1, $2) on conflict (k) do nothing

-- rule: ON CONFLICT DO UPDATE with other expressions has no IRIS form: 0A000
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_insertorupdate
insert into kv (k, v) values ('a', 'x') on conflict (k) do update set v = kv.v || excluded.v

-- rule: IRIS has no RETURNING: 0A000 with a hint rather than a silent difference
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_insert
insert into items (name) values ('x') returning id

-- rule: UPDATE and DELETE with aliases and parameters
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_update
update items set qty = qty + $1, price = $2 where id = $3

-- rule: DELETE ... USING becomes DELETE ... WHERE EXISTS
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_delete
delete from orders using items where orders.item_id = items.id and items.active = false

-- rule: DML matching no rows is SQLCODE 100, reported as success with 0 rows (handled in the ODBC backend)
-- doc: https://docs.intersystems.com/csp/docbook/DocBook.UI.Page.cls?KEY=RERR_sql
delete from items where id = -1

-- rule: a data-modifying WITH query: IRIS's INSERT/UPDATE/DELETE have no RETURNING to read as a table, so 0A000 (never a wrong answer)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_delete
with d as (delete from orders returning id) select count(*) from d
