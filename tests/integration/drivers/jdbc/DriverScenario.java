/*
 * The driver scenario through pgJDBC (libpostgresql-jdbc-java), run by test_jdbc.py against
 * PostgreSQL 15 and iris-pgwire with the same arguments; both must exit 0 and print the same
 * lines.  Usage: java -cp postgresql.jar:. DriverScenario <jdbc-url> <prepareThreshold>
 *
 * Covers: typed round trips of every type of issue 4 (setObject/getObject, NULLs, unicode,
 * 1 MB text, bytea with zero bytes, arrays), prepareThreshold (named server statements and
 * binary transfer once it is reached), parameterised DML with update counts, a batch with
 * an error in the middle, getGeneratedKeys, 10 000 rows read with a fetch size (portal
 * with Execute row limits), transactions and savepoints.
 */
import java.math.BigDecimal;
import java.sql.*;
import java.time.*;
import java.util.*;

import org.postgresql.util.PGobject;
import org.postgresql.util.PGInterval;

public class DriverScenario {
    static int failures = 0;

    static void check(boolean ok, String what) {
        if (!ok) {
            failures++;
            System.out.println("FAIL " + what);
        }
    }

    static void checkEq(Object expected, Object got, String what) {
        boolean ok = Objects.equals(expected, got);
        if (expected instanceof byte[] && got instanceof byte[])
            ok = Arrays.equals((byte[]) expected, (byte[]) got);
        check(ok, what + ": expected " + show(expected) + " got " + show(got));
    }

    static String show(Object o) {
        if (o instanceof byte[]) return "bytes" + Arrays.toString((byte[]) o);
        return String.valueOf(o);
    }

    static PGobject pg(String type, String value) throws SQLException {
        PGobject o = new PGobject();
        o.setType(type);
        o.setValue(value);
        return o;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties props = new Properties();
        props.setProperty("prepareThreshold", args[1]);
        try (Connection c = DriverManager.getConnection(url, props)) {
            roundTrip(c);
            dml(c);
            batch(c);
            generatedKeys(c);
            pages(c);
            transactions(c);
        }
        System.out.println(failures == 0 ? "scenario ok" : "scenario failed: " + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void roundTrip(Connection c) throws Exception {
        exec(c, "drop table if exists drv_jdbc_t");
        exec(c, "create table drv_jdbc_t (id int primary key, b bool, i2 int2, i4 int4, i8 int8, f4 float4, "
                + "f8 float8, n numeric, t text, vc varchar(20), bp char(5), nm name, by bytea, d date, "
                + "tm time, ts timestamp, tz timestamptz, iv interval, u uuid, j json, jb jsonb, o oid, "
                + "ai int4[], at text[], an numeric[], ab bool[], ai8 int8[], af8 float8[], ad date[], au uuid[])");
        String big = "0123456789abcdef".repeat(65536);
        byte[] zeros = new byte[4196];
        for (int i = 0; i < zeros.length; i++) zeros[i] = (byte) (i % 256 < 200 ? i % 256 : 0);
        UUID uuid = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        // interval has no entry in pgJDBC's built-in type table (PGInterval would look it up in
        // pg_type): it goes as text with a cast, as applications commonly write it.
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 30; i++)
            values.append(i == 1 ? "?" : i == 18 ? ", ?::interval" : ", ?");
        String insert = "insert into drv_jdbc_t values (" + values + ")";
        // The same statement several times: crosses prepareThreshold (named statement, binary)
        for (int id = 1; id <= 6; id++) {
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                int k = 1;
                ps.setInt(k++, id);
                ps.setBoolean(k++, true);
                ps.setShort(k++, (short) -32768);
                ps.setInt(k++, 2147483647);
                ps.setLong(k++, Long.MIN_VALUE);
                ps.setFloat(k++, 1.5f);
                ps.setDouble(k++, 0.1);
                ps.setBigDecimal(k++, new BigDecimal("-12345.678900"));
                ps.setString(k++, id == 2 ? big : "é€😀 unicode " + id);
                ps.setString(k++, "varchar");
                ps.setString(k++, "ab");
                ps.setString(k++, "a_name");
                ps.setBytes(k++, id == 2 ? zeros : new byte[] {0, 1, 0, (byte) 255});
                ps.setObject(k++, LocalDate.of(2020, 2, 29));
                ps.setObject(k++, LocalTime.of(12, 34, 56, 789000000));
                ps.setObject(k++, LocalDateTime.of(2020, 1, 1, 12, 34, 56, 789000000));
                ps.setObject(k++, OffsetDateTime.of(2020, 1, 1, 12, 34, 56, 123456000, ZoneOffset.UTC));
                ps.setString(k++, "1 mon 3 days 04:05:06.5");
                ps.setObject(k++, uuid);
                ps.setObject(k++, pg("json", "{\"a\": [1, 2]}"));
                ps.setObject(k++, pg("json", "{\"b\": \"é\"}"));     // json → jsonb: assignment cast
                ps.setLong(k++, 4000000000L);
                ps.setArray(k++, c.createArrayOf("int4", new Integer[] {1, null, 3}));
                ps.setArray(k++, c.createArrayOf("text", new String[] {"a", "b c", null, "", "é\"\\"}));
                ps.setArray(k++, c.createArrayOf("numeric", new BigDecimal[] {new BigDecimal("1.5"), new BigDecimal("-0.001")}));
                ps.setArray(k++, c.createArrayOf("bool", new Boolean[] {true, false}));
                ps.setArray(k++, c.createArrayOf("int8", new Long[] {1L << 40}));
                ps.setArray(k++, c.createArrayOf("float8", new Double[] {0.5, -1e300}));
                ps.setArray(k++, c.createArrayOf("date", new java.sql.Date[] {java.sql.Date.valueOf("2020-01-01")}));
                ps.setArray(k++, c.createArrayOf("uuid", new UUID[] {uuid}));
                checkEq(1, ps.executeUpdate(), "insert " + id + " update count");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into drv_jdbc_t (id) values (?)")) {
            ps.setInt(1, 100);
            ps.executeUpdate();
        }
        for (int round = 0; round < 6; round++) {
            try (PreparedStatement ps = c.prepareStatement("select * from drv_jdbc_t where id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    check(rs.next(), "row 1");
                    checkEq(true, rs.getBoolean("b"), "bool");
                    checkEq((short) -32768, rs.getShort("i2"), "int2");
                    checkEq(2147483647, rs.getInt("i4"), "int4");
                    checkEq(Long.MIN_VALUE, rs.getLong("i8"), "int8");
                    checkEq(1.5f, rs.getFloat("f4"), "float4");
                    checkEq(0.1, rs.getDouble("f8"), "float8");
                    checkEq(new BigDecimal("-12345.678900"), rs.getBigDecimal("n"), "numeric");
                    checkEq("é€😀 unicode 1", rs.getString("t"), "text");
                    checkEq("varchar", rs.getString("vc"), "varchar");
                    checkEq("ab   ", rs.getString("bp"), "bpchar");
                    checkEq("a_name", rs.getString("nm"), "name");
                    checkEq(new byte[] {0, 1, 0, (byte) 255}, rs.getBytes("by"), "bytea");
                    checkEq(LocalDate.of(2020, 2, 29), rs.getObject("d", LocalDate.class), "date");
                    checkEq(LocalTime.of(12, 34, 56, 789000000), rs.getObject("tm", LocalTime.class), "time");
                    checkEq(LocalDateTime.of(2020, 1, 1, 12, 34, 56, 789000000), rs.getObject("ts", LocalDateTime.class), "timestamp");
                    checkEq(OffsetDateTime.of(2020, 1, 1, 12, 34, 56, 123456000, ZoneOffset.UTC),
                            rs.getObject("tz", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC), "timestamptz");
                    checkEq("1 mon 3 days 04:05:06.5", rs.getString("iv"), "interval");
                    checkEq(uuid, rs.getObject("u"), "uuid");
                    checkEq("{\"a\": [1, 2]}", rs.getString("j"), "json");
                    checkEq("{\"b\": \"é\"}", rs.getString("jb"), "jsonb");
                    checkEq(4000000000L, rs.getLong("o"), "oid");
                    checkEq(Arrays.asList(1, null, 3), Arrays.asList((Object[]) rs.getArray("ai").getArray()), "int4[]");
                    checkEq(Arrays.asList("a", "b c", null, "", "é\"\\"), Arrays.asList((Object[]) rs.getArray("at").getArray()), "text[]");
                    checkEq(Arrays.asList(new BigDecimal("1.5"), new BigDecimal("-0.001")), Arrays.asList((Object[]) rs.getArray("an").getArray()), "numeric[]");
                    checkEq(Arrays.asList(true, false), Arrays.asList((Object[]) rs.getArray("ab").getArray()), "bool[]");
                    checkEq(Arrays.asList(1L << 40), Arrays.asList((Object[]) rs.getArray("ai8").getArray()), "int8[]");
                    checkEq(Arrays.asList(0.5, -1e300), Arrays.asList((Object[]) rs.getArray("af8").getArray()), "float8[]");
                    checkEq("[2020-01-01]", Arrays.toString((Object[]) rs.getArray("ad").getArray()), "date[]");
                    checkEq(Arrays.asList(uuid), Arrays.asList((Object[]) rs.getArray("au").getArray()), "uuid[]");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select t, by from drv_jdbc_t where id = ?")) {
            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "row 2");
                checkEq(big, rs.getString(1), "1 MB text");
                checkEq(zeros, rs.getBytes(2), "bytea with zero bytes");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select * from drv_jdbc_t where id = ?")) {
            ps.setInt(1, 100);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "row 100");
                int nulls = 0;
                for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
                    rs.getObject(i);
                    if (rs.wasNull()) nulls++;
                }
                checkEq(rs.getMetaData().getColumnCount() - 1, nulls, "NULL columns");
            }
        }
        System.out.println("round trip ok");
    }

    static void dml(Connection c) throws Exception {
        exec(c, "drop table if exists drv_jdbc_dml");
        exec(c, "create table drv_jdbc_dml (id int primary key, v text)");
        try (PreparedStatement ps = c.prepareStatement("insert into drv_jdbc_dml values (?, ?)")) {
            for (int i = 1; i <= 5; i++) {
                ps.setInt(1, i);
                ps.setString(2, "v" + i);
                checkEq(1, ps.executeUpdate(), "insert count");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("update drv_jdbc_dml set v = ? where id > ?")) {
            ps.setString(1, "big");
            ps.setInt(2, 2);
            checkEq(3, ps.executeUpdate(), "update count");
        }
        try (PreparedStatement ps = c.prepareStatement("delete from drv_jdbc_dml where v = ?")) {
            ps.setString(1, "big");
            checkEq(3, ps.executeUpdate(), "delete count");
        }
        System.out.println("dml ok");
    }

    static void batch(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("insert into drv_jdbc_dml values (?, ?)")) {
            for (int i = 10; i < 110; i++) {
                ps.setInt(1, i);
                ps.setString(2, "b" + i);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            checkEq(100, counts.length, "batch size");
            checkEq(100, Arrays.stream(counts).sum(), "batch counts");
        }
        c.commit();
        try (PreparedStatement ps = c.prepareStatement("insert into drv_jdbc_dml values (?, ?)")) {
            for (int i : new int[] {200, 201, 1, 202}) {     // 1 exists: an error in the middle
                ps.setInt(1, i);
                ps.setString(2, "x");
                ps.addBatch();
            }
            try {
                ps.executeBatch();
                check(false, "batch with a duplicate must fail");
            } catch (BatchUpdateException e) {
                checkEq("23505", e.getSQLState(), "batch error SQLSTATE");
            }
        }
        c.rollback();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from drv_jdbc_dml")) {
            rs.next();
            checkEq(102L, rs.getLong(1), "rows after failed batch");
        }
        c.commit();
        c.setAutoCommit(true);
        System.out.println("batch ok");
    }

    static void generatedKeys(Connection c) throws Exception {
        exec(c, "drop table if exists drv_jdbc_keys");
        exec(c, "create table drv_jdbc_keys (id serial primary key, v text)");
        try (PreparedStatement ps = c.prepareStatement("insert into drv_jdbc_keys (v) values (?)", Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(1, "k" + i);
                checkEq(1, ps.executeUpdate(), "insert with keys");
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    check(keys.next(), "a generated key");
                    checkEq(i, keys.getInt("id"), "generated id");
                }
            }
        }
        System.out.println("generated keys ok");
    }

    static void pages(Connection c) throws Exception {
        c.setAutoCommit(false);     // a fetch size needs a transaction (the portal lives in it)
        try (PreparedStatement ps = c.prepareStatement(
                "with recursive r(i) as (select 1 union all select i + 1 from r where i < ?) select i from r")) {
            ps.setFetchSize(1000);
            ps.setInt(1, 10000);
            long n = 0, total = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                    total += rs.getInt(1);
                }
            }
            checkEq(10000L, n, "rows fetched");
            checkEq(50005000L, total, "sum fetched");
        }
        c.commit();
        c.setAutoCommit(true);
        System.out.println("pages ok");
    }

    static void transactions(Connection c) throws Exception {
        exec(c, "drop table if exists drv_jdbc_txn");
        exec(c, "create table drv_jdbc_txn (id int)");
        c.setAutoCommit(false);
        exec(c, "insert into drv_jdbc_txn values (1)");
        c.rollback();
        exec(c, "insert into drv_jdbc_txn values (2)");
        Savepoint sp = c.setSavepoint("s1");
        exec(c, "insert into drv_jdbc_txn values (3)");
        c.rollback(sp);
        c.commit();
        try {
            exec(c, "select * from no_such_table_jdbc");
            check(false, "missing table must fail");
        } catch (SQLException e) {
            checkEq("42P01", e.getSQLState(), "missing table SQLSTATE");
        }
        try {
            exec(c, "select 1");
            check(false, "failed transaction must refuse");
        } catch (SQLException e) {
            checkEq("25P02", e.getSQLState(), "failed transaction SQLSTATE");
        }
        c.rollback();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from drv_jdbc_txn")) {
            check(rs.next(), "one row");
            checkEq(2, rs.getInt(1), "committed row");
            check(!rs.next(), "only one row");
        }
        exec(c, "drop table drv_jdbc_txn");
        exec(c, "drop table drv_jdbc_dml");
        exec(c, "drop table drv_jdbc_keys");
        exec(c, "drop table drv_jdbc_t");
        System.out.println("transactions ok");
    }
}
