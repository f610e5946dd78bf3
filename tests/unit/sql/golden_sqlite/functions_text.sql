-- String functions: engine functions for what SQLite does differently (UTF-8, padding, regexes).
select lower(name), upper(name), initcap(name), length(name), char_length(name), octet_length(name) from items;
select substr(name, 2), substr(name, 2, 3), substring(name from 2 for 3), left(name, 2), right(name, 2) from items;
select position('b' in name), strpos(name, 'b'), replace(name, 'a', 'b'), translate(name, 'ab', 'xy') from items;
select trim(name), ltrim(name, 'x'), rtrim(name), btrim(name, 'xy'), trim(both 'x' from name) from items;
select lpad(name, 10, '*'), rpad(name, 10), repeat(name, 2), reverse(name) from items;
select split_part(name, ',', 2), concat(name, 1, null, true), concat_ws('-', name, qty) from items;
select format('%s has %I and %L', name, 'col', qty), format('%3$s %1$s', 'a', 'b', 'c') from items;
select regexp_replace(name, '[aeiou]', '_', 'g'), regexp_match(name, '(\w)(\w)'), regexp_matches(name, '\d', 'g') from items;
select regexp_split_to_array(name, '\s+'), regexp_split_to_table(name, ',') from items;
select quote_ident(name), quote_literal(name), quote_nullable(null), md5(name), sha256(data) from items;
select encode(data, 'base64'), decode('AQI=', 'base64'), encode(data, 'hex'), to_hex(255) from items;
select ascii(name), chr(65), starts_with(name, 'a'), string_to_array(name, ','), array_to_string(tags, ';') from items;
select string_agg(name, ', ' order by name desc) from items;
select left(name, -1), overlay(name placing 'xx' from 2 for 1) from items;
