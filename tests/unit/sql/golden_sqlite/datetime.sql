-- Date/time functions on the types layer: calendar arithmetic, truncation, formatting.
select now(), current_timestamp, current_date, current_time, localtimestamp, transaction_timestamp(), clock_timestamp();
select date_trunc('month', created), date_trunc('week', created), date_trunc('day', created, 'Europe/Paris') from items;
select extract(epoch from created), extract(dow from created), date_part('hour', created), extract(isodow from created) from items;
select age(created), age(created, '2000-01-01'), justify_days(interval '35 days'), justify_hours(interval '27 hours') from items;
select make_date(2024, 2, 29), make_time(10, 30, 0.5), make_timestamp(2024, 1, 2, 3, 4, 5), make_interval(days => 3, hours => 2);
select to_char(created, 'YYYY-MM-DD HH24:MI:SS'), to_char(created, 'Day, DD Mon YYYY'), to_char(interval '3 days 2 hours', 'DD HH24') from items;
select to_date('2024-02-03', 'YYYY-MM-DD'), to_timestamp('03/02/2024 10:20', 'DD/MM/YYYY HH24:MI'), to_timestamp(0);
select created at time zone 'America/New_York', timezone('Asia/Tokyo', created) from items;
select interval '1 month' + interval '40 days', interval '1 day' * 3, interval '1 hour' / 2, interval '90 minutes' > interval '1 hour';
select sum(interval '1 hour'), avg(created - created) from items;
select generate_series('2024-01-01'::timestamp, '2024-01-02', '6 hours');
select isfinite(date 'infinity'), 'infinity'::timestamp > now(), date '2024-01-01' - interval '1 month';
select overlaps_test from (select (date '2024-01-01', date '2024-02-01') overlaps (date '2024-01-15', date '2024-03-01') as overlaps_test) s;
