-- Numeric and float functions; numeric values travel as text through pgw_numeric_*.
select abs(price), ceil(price), floor(price), round(price), round(price, 2), trunc(price, 1), sign(price) from items;
select sqrt(score), cbrt(score), exp(score), ln(score), log(score), log(2, 8), power(score, 2) from items;
select mod(qty, 3), div(qty, 3), gcd(qty, 12), lcm(qty, 4), factorial(5) from items;
select pi(), degrees(1), radians(180), sin(0.5), cos(0.5), atan2(1, 2);
select random() < 1, setseed(0.5), width_bucket(5.35, 0.024, 10.06, 5);
select sum(price), avg(price), sum(qty), avg(qty), sum(score), avg(score) from items;
select variance(qty), stddev(price), var_pop(score), stddev_samp(qty) from items;
select min(price), max(price), count(distinct price), bool_and(active), bool_or(active), every(active) from items;
select bit_and(qty), bit_or(qty) from items;
select num_nulls(price, qty, null), num_nonnulls(price, qty) from items;
select 9223372036854775807 + 1;
select (-32768)::int2 / (-1)::int2;
select 10::numeric / 3, 1e20::numeric * 1e20, 'NaN'::numeric + 1;
select to_char(price, 'FM999.00'), to_number('1,234.5', '9G999D9') from items;
