-- JSON and arrays: jsonb kept canonical (PostgreSQL's output), arrays as PostgreSQL text.
select jsonb_build_object('a', 1, 'b', name), json_build_array(1, 'x', null), jsonb_object(array['a', 'b']) from items;
select doc || '{"z":1}', doc - 'a', doc #- '{a,b}', jsonb_set(doc, '{a}', '2'), jsonb_insert(doc, '{c}', '3') from items;
select jsonb_typeof(doc), jsonb_array_length(doc -> 'l'), jsonb_strip_nulls(doc), jsonb_pretty(doc) from items;
select key, value from items, jsonb_each(doc);
select value from items, jsonb_array_elements(doc -> 'l');
select e from items, jsonb_array_elements_text(doc -> 'l') as e;
select jsonb_object_keys(doc) from items;
select jsonb_agg(name order by name), json_object_agg(name, qty), jsonb_object_agg(name, price) from items;
select to_json(name), to_jsonb(created), row_to_json(row(1, 'a')), json_typeof('[1]') from items;
select jsonb_path_exists(doc, '$.a'), doc @? '$.a', doc::text, doc::json from items;
select array[1, 2] || 3, 0 || array[1], array[1] || array[2], array_append(tags, 'x'), array_prepend('y', tags) from items;
select array_position(tags, 'a'), array_positions(tags, 'a'), array_remove(tags, 'a'), array_replace(tags, 'a', 'b') from items;
select array_cat(tags, tags), array_dims(tags), array_lower(tags, 1), array_upper(tags, 1), array_ndims(tags) from items;
select unnest(array[1, 2, 3]) as u;
select * from unnest(array['a', 'b']) with ordinality as t(v, n);
select array_agg(qty order by qty desc nulls last), array_agg(distinct qty) from items;
select tags @> array['a'], tags <@ array['a', 'b'], tags && array['c'], 'a' = any(tags), 'a' <> all(tags) from items;
select array(select id from orders order by id), array[]::int[], '{1,2}'::int[] = array[1, 2];
select string_to_array('a,b,,c', ',', ''), array_fill(7, array[3]), array_to_json(array[1, 2]);

-- ANY/ALL over an array that may be NULL: one NULL row then, so that the answer is NULL;
-- still a plain IN subquery (an index serves id = ANY($1)); constructors are never NULL
select id from items where id = any($1::int[]);
select 1 = any(null::int[]), 1 <> all(array[2, 3]), 1.5 > all(null::numeric[]);

-- t.* inside an expression: the whole row; ROW(t.*) would expand it (refused)
select to_jsonb(i.*) - 'doc', count(i.*) from items i group by i.id;
select row(i.*) from items i;

-- several arrays in FROM side by side (PostgreSQL expands unnest(a, b) into ROWS FROM)
select i.id, u.* from items i, unnest(i.tags, array[i.qty]) with ordinality as u(tag, qty, n);
select * from rows from (unnest(array[1, 2]), unnest(array['x'])) as r(a, b);
select * from rows from (unnest(array[1]), generate_series(1, 2));
