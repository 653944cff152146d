// Knowledge: the folder tree with its live articles; an article's content and versions, with rollback.
import { useCallback, useEffect, useState } from 'react';
import type { Article, ArticleVersion, TreeNode } from '../api/types.js';
import { formatTime } from '../lib/format.js';
import { Button, Empty, ErrorNote, Markdown, WriteButton } from '../ui/common.js';
import { useSession } from '../ui/session-context.js';

function Tree({
  nodes,
  openId,
  onOpen,
}: {
  nodes: TreeNode[];
  openId: string | null;
  onOpen: (id: string) => void;
}) {
  return (
    <ul className="tree" role="group">
      {nodes.map((node) =>
        node.type === 'folder' ? (
          <li key={node.id} className="tree-folder">
            <details open>
              <summary>
                <span className="folder-title">{node.title}</span>{' '}
                <span className="muted small">
                  {node.children.filter((child) => child.type === 'article').length}
                </span>
              </summary>
              {node.children.length > 0 ? (
                <Tree nodes={node.children} openId={openId} onOpen={onOpen} />
              ) : (
                <p className="muted small pad">empty</p>
              )}
            </details>
          </li>
        ) : (
          <li key={node.id}>
            <button
              type="button"
              className={`tree-article ${node.id === openId ? 'open' : ''}`}
              onClick={() => onOpen(node.id)}
            >
              {node.title}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

function ArticleDetail({ id }: { id: string }) {
  const { client } = useSession();
  const [article, setArticle] = useState<Article | null>(null);
  const [versions, setVersions] = useState<ArticleVersion[]>([]);
  const [shown, setShown] = useState<ArticleVersion | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [found, history] = await Promise.all([client.article(id), client.versions(id)]);
      setArticle(found ?? null);
      setVersions(history.versions);
      setShown(null);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [client, id]);
  useEffect(() => {
    setNotice(null);
    void load();
  }, [load]);

  const rollback = async (version: number) => {
    try {
      const updated = await client.rollback(id, version);
      setNotice(`Restored version ${version} as version ${updated.version}.`);
      setConfirm(null);
      await load();
    } catch (failure) {
      setError(failure);
    }
  };

  if (!article) return <ErrorNote error={error} />;
  const content = shown ?? article;
  return (
    <div className="article-detail">
      <h2 className="article-title">{content.title}</h2>
      <p className="muted small">
        {shown
          ? `Version ${shown.version} of ${formatTime(shown.createdAt)}`
          : `Live, version ${article.version}, updated ${formatTime(article.updatedAt)}`}
      </p>
      {notice && <p className="notice">{notice}</p>}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <Markdown text={content.mainKnowledge} />
      <h3>Versions</h3>
      <ol className="versions">
        {versions.map((version) => (
          <li key={version.version}>
            <button type="button" className="link" onClick={() => setShown(version.current ? null : version)}>
              Version {version.version}
            </button>{' '}
            <span className="muted small">{formatTime(version.createdAt)}</span>{' '}
            {version.current && <span className="chip">current</span>}
            {!version.current &&
              (confirm === version.version ? (
                <span className="confirm-inline">
                  Restore version {version.version} as a new version?{' '}
                  <WriteButton variant="danger" onClick={() => void rollback(version.version)}>
                    Roll back
                  </WriteButton>{' '}
                  <Button onClick={() => setConfirm(null)}>Cancel</Button>
                </span>
              ) : (
                <WriteButton onClick={() => setConfirm(version.version)}>Roll back to this</WriteButton>
              ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function KnowledgePage() {
  const { client } = useSession();
  const [tree, setTree] = useState<TreeNode[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  useEffect(() => {
    client.tree().then((snapshot) => setTree(snapshot.snapshotObjV2), setError);
  }, [client]);
  return (
    <div className="knowledge-layout">
      <section className="pane tree-pane" aria-label="Folders and articles">
        <h1>Knowledge</h1>
        <ErrorNote error={error} />
        {tree && tree.length === 0 && (
          <Empty title="No folders yet.">
            <p>
              Generate drafts from your sources and publish them, or import a folder tree (see the README).
            </p>
          </Empty>
        )}
        {tree && <Tree nodes={tree} openId={openId} onOpen={setOpenId} />}
      </section>
      <section className="pane article-pane" aria-label="Article">
        {openId ? (
          <ArticleDetail id={openId} />
        ) : (
          <Empty title="Pick an article in the tree to see it and its versions." />
        )}
      </section>
    </div>
  );
}
