package dev.pgvault.dump;

/**
 * A catalog object: the catalog it lives in (e.g. "pg_class") and its oid there. Also names
 * things that are not catalog rows but get their own dump item ("table_data", "acl", ...),
 * keyed by the oid of the object they belong to.
 */
record ObjectRef(String catalog, long oid) {
    static ObjectRef relation(long oid) {
        return new ObjectRef("pg_class", oid);
    }

    static ObjectRef constraint(long oid) {
        return new ObjectRef("pg_constraint", oid);
    }

    static ObjectRef namespace(long oid) {
        return new ObjectRef("pg_namespace", oid);
    }

    static ObjectRef type(long oid) {
        return new ObjectRef("pg_type", oid);
    }

    static ObjectRef proc(long oid) {
        return new ObjectRef("pg_proc", oid);
    }

    static ObjectRef attrdef(long oid) {
        return new ObjectRef("pg_attrdef", oid);
    }

    @Override
    public String toString() {
        return catalog + ":" + oid;
    }
}
