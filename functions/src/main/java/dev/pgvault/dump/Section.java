package dev.pgvault.dump;

/** pg_dump's three sections: definitions before the data, the data, definitions best built after it. */
enum Section {
    PRE_DATA,
    DATA,
    POST_DATA
}
