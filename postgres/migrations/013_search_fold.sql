-- Search ignores accents and case: muller finds Müller, lodz finds Łódź.
-- The search text of contacts was only lower-cased; companies were
-- searched in name_key, which stays as it is because companies are
-- matched by it (Müller GmbH and Muller GmbH are two companies) and get
-- a search column of their own. SQL cannot fold accents as the store
-- does: the search texts are written by this migration's Go step
-- (sqlstore/searchfold.go, foldSearch), after this file, in the same
-- transaction.
ALTER TABLE companies ADD COLUMN search TEXT NOT NULL DEFAULT '';
