-- What an import warned of (unmapped columns, phone extensions left
-- out…), kept with it so the API and `roster imports show` can say it
-- after the import, as the CLI's own summary does.
ALTER TABLE imports ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
