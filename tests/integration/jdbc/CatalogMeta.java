// CatalogMeta — prints what JDBC's DatabaseMetaData returns for a database, one line per row,
// so that the same program run against PostgreSQL 15 and iris-pgwire can be compared.
//
// Usage: java -cp /usr/share/java/postgresql.jar:DIR CatalogMeta JDBC_URL USER [SECTION...]
// Sections: schemas catalogs tabletypes tables functions tableprivileges columns primarykeys
// importedkeys exportedkeys indexinfo bestrow columnprivileges crossreference typeinfo
// (default: all).  Each row is printed as SECTION|col=value|... with the columns in the
// order the driver returns them; OIDs never appear in these result sets.
import java.sql.*;
import java.util.*;

public class CatalogMeta {
    static void dump(String section, ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> lines = new ArrayList<>();
        while (rs.next()) {
            StringBuilder b = new StringBuilder(section);
            for (int i = 1; i <= n; i++) {
                b.append('|').append(md.getColumnLabel(i)).append('=');
                Object v = rs.getObject(i);
                b.append(v == null ? "<null>" : v.toString());
            }
            lines.add(b.toString());
        }
        rs.close();
        for (String l : lines)
            System.out.println(l);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        Set<String> want = new HashSet<>();
        for (int i = 2; i < args.length; i++)
            want.add(args[i]);
        boolean all = want.isEmpty();
        try (Connection c = DriverManager.getConnection(url, p)) {
            DatabaseMetaData md = c.getMetaData();
            if (all || want.contains("schemas"))
                dump("schemas", md.getSchemas());
            if (all || want.contains("catalogs"))
                dump("catalogs", md.getCatalogs());
            if (all || want.contains("tabletypes"))
                dump("tabletypes", md.getTableTypes());
            if (all || want.contains("tables"))
                dump("tables", md.getTables(null, null, "%", new String[] {"TABLE", "VIEW", "SEQUENCE", "INDEX"}));
            if (all || want.contains("functions"))
                dump("functions", md.getFunctions(null, "public", "%"));
            if (all || want.contains("tableprivileges"))
                dump("tableprivileges", md.getTablePrivileges(null, "sales", "%"));
            String[][] tables = {{"public", "customers"}, {"public", "orders"}, {"public", "items"},
                                 {"public", "order_items"}, {"public", "other_types"}, {"public", "big_orders"},
                                 {"public", "customer_totals"}, {"public", "active_customers"},
                                 {"sales", "regions"}, {"sales", "targets"}};
            for (String[] t : tables) {
                if (all || want.contains("columns"))
                    dump("columns", md.getColumns(null, t[0], t[1], "%"));
                if (all || want.contains("primarykeys"))
                    dump("primarykeys", md.getPrimaryKeys(null, t[0], t[1]));
                if (all || want.contains("importedkeys"))
                    dump("importedkeys", md.getImportedKeys(null, t[0], t[1]));
                if (all || want.contains("exportedkeys"))
                    dump("exportedkeys", md.getExportedKeys(null, t[0], t[1]));
                if (all || want.contains("indexinfo")) {
                    dump("indexinfo", md.getIndexInfo(null, t[0], t[1], false, false));
                    dump("indexinfo-unique", md.getIndexInfo(null, t[0], t[1], true, false));
                }
                if (all || want.contains("bestrow"))
                    dump("bestrow", md.getBestRowIdentifier(null, t[0], t[1], DatabaseMetaData.bestRowSession, true));
                if (all || want.contains("columnprivileges"))
                    dump("columnprivileges", md.getColumnPrivileges(null, t[0], t[1], "%"));
            }
            if (all || want.contains("crossreference"))
                dump("crossreference", md.getCrossReference(null, "public", "items", null, "public", "order_items"));
            if (all || want.contains("typeinfo"))
                dump("typeinfo", md.getTypeInfo());
        }
    }
}
