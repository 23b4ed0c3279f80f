package dev.pgvault.dump;

/** A catalog object: the catalog it lives in (e.g. "pg_class") and its oid there. */
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

    @Override
    public String toString() {
        return catalog + ":" + oid;
    }
}
