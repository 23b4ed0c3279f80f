package dev.pgvault.dump;

/**
 * What a dump item creates, in the order items of equal standing are written (after their
 * dependencies, which always come first). Within pre-data the order follows pg_dump's: types
 * and functions before the tables that use them, views after tables.
 */
enum ItemKind {
    SCHEMA(Section.PRE_DATA),
    EXTENSION(Section.PRE_DATA),
    LANGUAGE(Section.PRE_DATA),
    COLLATION(Section.PRE_DATA),
    TYPE(Section.PRE_DATA),
    FUNCTION(Section.PRE_DATA),
    AGGREGATE(Section.PRE_DATA),
    OPERATOR(Section.PRE_DATA),
    ACCESS_METHOD(Section.PRE_DATA),
    OPERATOR_FAMILY(Section.PRE_DATA),
    OPERATOR_CLASS(Section.PRE_DATA),
    /** Members added to an operator family outside any of its classes. */
    OPERATOR_FAMILY_MEMBERS(Section.PRE_DATA),
    CAST(Section.PRE_DATA),
    CONVERSION(Section.PRE_DATA),
    TRANSFORM(Section.PRE_DATA),
    TEXT_SEARCH(Section.PRE_DATA),
    FOREIGN_DATA_WRAPPER(Section.PRE_DATA),
    FOREIGN_SERVER(Section.PRE_DATA),
    USER_MAPPING(Section.PRE_DATA),
    SEQUENCE(Section.PRE_DATA),
    TABLE(Section.PRE_DATA),
    TABLE_ATTACH(Section.PRE_DATA),
    /** A column default split off its table to break a dependency loop (a function that reads the table). */
    DEFAULT(Section.PRE_DATA),
    SEQUENCE_OWNED_BY(Section.PRE_DATA),
    VIEW(Section.PRE_DATA),
    MATERIALIZED_VIEW(Section.PRE_DATA),
    LARGE_OBJECT(Section.PRE_DATA),
    TABLE_DATA(Section.DATA),
    SEQUENCE_SET(Section.DATA),
    LARGE_OBJECT_DATA(Section.DATA),
    CONSTRAINT(Section.POST_DATA),
    /** A child's inherited constraint that is valid though its parent's is NOT VALID. */
    VALIDATE_CONSTRAINT(Section.POST_DATA),
    INDEX(Section.POST_DATA),
    INDEX_ATTACHMENT(Section.POST_DATA),
    STATISTICS(Section.POST_DATA),
    RULE(Section.POST_DATA),
    TRIGGER(Section.POST_DATA),
    FOREIGN_KEY(Section.POST_DATA),
    /** After indexes and foreign keys, as pg_dump: the matview's query runs over complete data. */
    REFRESH_MATERIALIZED_VIEW(Section.POST_DATA),
    /** Row-level security last among definitions: nothing before it (a refresh) is filtered by policies. */
    POLICY(Section.POST_DATA),
    ROW_SECURITY(Section.POST_DATA),
    PUBLICATION(Section.POST_DATA),
    PUBLICATION_MEMBER(Section.POST_DATA),
    SUBSCRIPTION(Section.POST_DATA),
    /** ALTER ... DEPENDS ON EXTENSION. */
    EXTENSION_DEPENDENCY(Section.POST_DATA),
    SECURITY_LABEL(Section.POST_DATA),
    ACL(Section.POST_DATA),
    DEFAULT_ACL(Section.POST_DATA),
    /** Last of all, as pg_dump: nothing the restore does fires them. */
    EVENT_TRIGGER(Section.POST_DATA);

    private final Section section;

    ItemKind(Section section) {
        this.section = section;
    }

    Section section() {
        return section;
    }
}
