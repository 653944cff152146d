-- Up Migration
CREATE TABLE folders (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  parent_id    uuid REFERENCES folders (id) ON DELETE RESTRICT,
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX folders_workspace_parent_idx ON folders (workspace_id, parent_id);

-- Agents ("bots" on the wire) are plain UUIDs chosen by the client, created on first use in a workspace.
CREATE TABLE bots (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE bot_folders (
  workspace_id uuid NOT NULL,
  bot_id       uuid NOT NULL,
  folder_id    uuid NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, bot_id, folder_id),
  FOREIGN KEY (workspace_id, bot_id) REFERENCES bots (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX bot_folders_folder_idx ON bot_folders (folder_id);

-- Down Migration
DROP TABLE bot_folders;
DROP TABLE bots;
DROP TABLE folders;
