-- Up Migration
-- Deleting an article (or a workspace, or a source) makes PostgreSQL find the rows that reference it to
-- apply ON DELETE SET NULL; without an index on the referencing column that is a scan of the whole table
-- per deleted row: deleting 50,000 articles took minutes. Partial indexes: most rows reference nothing.
CREATE INDEX articles_published_idx ON articles (published_article_id) WHERE published_article_id IS NOT NULL;
CREATE INDEX articles_source_document_idx ON articles (source_document_id) WHERE source_document_id IS NOT NULL;
CREATE INDEX sources_linked_knowledge_fk_idx ON sources (linked_knowledge_id) WHERE linked_knowledge_id IS NOT NULL;

-- Down Migration
DROP INDEX sources_linked_knowledge_fk_idx;
DROP INDEX articles_source_document_idx;
DROP INDEX articles_published_idx;
