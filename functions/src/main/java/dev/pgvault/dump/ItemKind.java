package dev.pgvault.dump;

/**
 * What a dump item creates, in the order items of equal standing are written (after their
 * dependencies, which always come first).
 */
enum ItemKind {
    SCHEMA(Section.PRE_DATA),
    SEQUENCE(Section.PRE_DATA),
    TABLE(Section.PRE_DATA),
    SEQUENCE_OWNED_BY(Section.PRE_DATA),
    VIEW(Section.PRE_DATA),
    TABLE_DATA(Section.DATA),
    SEQUENCE_SET(Section.DATA),
    CONSTRAINT(Section.POST_DATA),
    INDEX(Section.POST_DATA),
    INDEX_ATTACHMENT(Section.POST_DATA),
    FOREIGN_KEY(Section.POST_DATA);

    private final Section section;

    ItemKind(Section section) {
        this.section = section;
    }

    Section section() {
        return section;
    }
}
